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

import itertools
import operator
import re
from collections.abc import Iterable
from typing import Final

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
# the next sentence would start. Each part is a simple run: the scan is linear. Punctuation is
# only tried where its run starts: "5.000" and "e.g" fail once, and a long run ("......x")
# stays linear.
#
# One regex per character that starts a candidate, each starting with it: ``re`` skips to a
# literal character with a tight loop, but tests every character against a set (such as
# "[.!?…\n]") with a generic one, several times slower. The few texts with more than one kind
# have their candidates merged by offset.
_LINE_BREAK = re.compile(r"\n\s*+")
_STOPS = tuple(
    (stop, re.compile(stop + r"(?<![.!?…].)(?P<punct>[.!?…]*+[\"'”’»)\]]*+)(?=\s|\Z)\s*+"))
    for stop in (r"\.", "!", r"\?", "…")
)


def _candidates(text: str) -> Iterable[re.Match[str]]:
    """Candidate boundaries in order of offset, none inside another, as one regex would find."""
    scans = [regex.finditer(text) for stop, regex in _STOPS if stop[-1] in text]
    if "\n" in text:
        scans.append(_LINE_BREAK.finditer(text))
    if len(scans) == 1:
        return scans[0]
    # A candidate never starts inside another of its own kind; one inside another kind's (a
    # line break in the spaces after a full stop) is dropped by the caller.
    return sorted(itertools.chain.from_iterable(scans), key=_START)


_START: Final = operator.methodcaller("start")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences of ``text``.

    The spans are in order, contiguous and cover ``text`` exactly (the first starts at 0, the
    last ends at ``len(text)``); an empty text has none.
    """
    if not text:
        return []
    size = len(text)
    starts = [0]
    reached = 0
    for match in _candidates(text):
        pos = match.start()
        nxt = match.end()
        if pos < reached:
            continue  # inside the previous candidate
        reached = nxt
        if nxt >= size:
            continue
        # "punct"; -1 after a line break (a pattern without the group)
        punct_end = match.end(1) if match.re is not _LINE_BREAK else -1
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
