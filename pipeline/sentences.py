"""Sentence boundaries for news text in English, French, Dutch, Spanish and German.

``sentence_spans`` cuts a text into contiguous spans that cover it exactly: every character
belongs to one sentence, and the whitespace after a sentence belongs to it. Figures and port
mentions are tied together by sentence, so the splitter errs towards *not* cutting: a full
stop after a known abbreviation ("Mr.", "dhr.", "o.a."), an initial ("J. Smith", French
"M. Macron") or before a lower-case word is not a boundary. Line structure matters because
extracted article text keeps headlines and paragraphs on their own lines: a blank line always
ends a sentence, and so does a single line break unless the next line carries on in lower case
(a hard-wrapped paragraph).
"""

from __future__ import annotations

import re

__all__ = ["sentence_spans"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that take a full stop without ending a sentence (lower-cased, without the final stop):
# English titles and Latin, then French, Dutch, Spanish and German.
_ABBREVIATIONS = _words(
    """
    mr mrs ms dr st prof gen col capt lt sgt rev hon jr sr gov sen rep insp supt det cllr rt mt
    e.g i.e cf vs viz approx fig al inc ltd corp dept govt u.s u.k u.n e.u
    mm mme mmes mlle mgr av bd env p.ex
    dhr mevr drs ir ing o.a bijv bv ca d.w.z m.a.w resp t.o.v z.g nl enz
    sra srta dña ud uds z.b bzw ggf usw u.a hr fr
    """
)
# Abbreviations that are also ordinary words ("no.", "Mar" is Spanish for sea) hold a sentence
# together only before a number: "No. 10 Downing Street", "Sept. 3".
_NUMBER_TITLES = _words(
    "no nos nr nº art p pp vol ft jan feb mar apr jun jul aug sep sept oct nov dec"
)

# Candidate boundaries: terminal punctuation (with closing quotes/brackets) before whitespace or
# the end, or a line break; either with the whitespace after it, so that the match ends where
# the next sentence would start. Each part is a simple run: the scan is linear.
#
# The pattern starts with a character of a set, the first of either kind, because ``re`` skips
# quickly only to such a character (it tries a pattern that starts with an alternation at every
# position); the branch for a stop or a line break follows. Punctuation is only tried where its
# run starts: "5.000" and "e.g" fail once, and a long run ("......x") stays linear.
_CANDIDATE = re.compile(
    r"[.!?…\n](?:(?<=\n)\s*+|(?<![.!?…].)(?P<punct>[.!?…]*+[\"'”’»)\]]*+)(?=\s|\Z)\s*+)"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences of ``text``.

    The spans are in order, contiguous and cover ``text`` exactly (the first starts at 0, the
    last ends at ``len(text)``); an empty text has none.
    """
    if not text:
        return []
    size = len(text)
    starts = [0]
    # Candidates do not overlap and none is empty: each ``nxt`` is past the last start.
    for match in _CANDIDATE.finditer(text):
        nxt = match.end()
        if nxt >= size:
            continue
        pos = match.start()
        punct_end = match.end(1)  # "punct"; -1 after a line break
        # A blank line ends a sentence whatever comes before it (two characters at least: most
        # gaps are one space, and need no count).
        gap_start = pos if punct_end < 0 else punct_end
        if nxt - gap_start > 1 and text.count("\n", gap_start, nxt) >= 2:
            starts.append(nxt)
        elif punct_end < 0:
            if _line_break_ends_sentence(text, pos, nxt):
                starts.append(nxt)
        elif _punctuation_ends_sentence(text, pos, text[pos:punct_end], nxt):
            starts.append(nxt)
    return list(zip(starts, [*starts[1:], size], strict=True))


def _line_break_ends_sentence(text: str, pos: int, nxt: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    if not text[line_start:pos].strip():
        return False  # a line break after an empty line: already handled
    # A hard-wrapped paragraph carries on in lower case; anything else starts a new sentence
    # (headline, byline, list item, new paragraph in single-newline extracted text).
    return not text[nxt].islower()


def _punctuation_ends_sentence(text: str, pos: int, punct: str, nxt: int) -> bool:
    following = text[nxt]
    if following.islower():
        return False  # "approx. five", "e.g. the", '"Stop!" he said'
    if punct != ".":  # the usual full stop needs none of these tests
        if "." not in punct or punct.rstrip("\"'”’»)]").endswith(("..", "…")):
            return True  # "!", "?" and ellipses before a capital end the sentence
        if punct[0] != ".":
            return True
    # The word before the stop, found with string methods (cheaper than a regex here); a line
    # break is looked for only after the last space, not back to the start of the paragraph.
    space = text.rfind(" ", 0, pos)
    word = text[max(space, text.rfind("\n", space + 1, pos)) + 1 : pos].lstrip("\"'“‘«([")
    if not word:
        return True
    token = word.lower()
    if token in _ABBREVIATIONS:
        return False
    if token in _NUMBER_TITLES and following.isdigit():
        return False
    # A single capital letter is an initial ("J. Smith", French "M. Macron").
    return not (len(token) == 1 and word.isupper())
