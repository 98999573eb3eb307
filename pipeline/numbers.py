"""Numbers as news articles write them, in digits or in words, in five languages.

``find_numbers`` finds every number in a text and reads its value; it knows nothing about what
the number measures (that is ``pipeline.figures``). It reads:

- digits with any common grouping: "5,000", "5.000" (dot thousands), "5 000" and "5 000"
  (space, no-break or thin space), "50, 597" (a stray space after the comma); decimals with a
  point or a comma ("1.5", "2,5"). A single separator followed by exactly three digits groups
  thousands in every language, because that is how the press writes it ("5.000" in Dutch,
  "5,000" in English); anything else is a decimal.
- a magnitude written after digits: "1.5bn", "7 million", "2,7 miljoen", "1,2 milliard",
  "3 mil millones", "50k". A bare "m" is left alone: "£7m" is money but "a 7m fence" is metres,
  and only the caller knows which.
- number words in English, French, Dutch, Spanish and German.

Number words: text2num's ``text2num(phrase, lang)`` reads a phrase such as "quatre-vingts",
"vijfentwintig" or "two hundred and fifty" correctly and quickly (it is compiled Rust), so it
does the arithmetic. Its ``alpha2digit`` is not used: it rewrites a whole text, loses the
offsets we must report and costs a full pass per article. Instead one precompiled regex (a
character trie of the number words, Dutch and German compounds as repeated morphemes) finds
candidate phrases, and only those go to ``text2num`` (single plain words are looked up in a
table built with it at import). Written here by hand is what text2num does not read: an
article standing for one before a magnitude or a unit ("a hundred", "een miljoen", "a mile"),
"half a million", "one and a half", "anderhalf", collective nouns ("a dozen", "une douzaine",
"een dozijn", "une centaine", "un millar"), and refusing vague quantities ("a few hundred",
"several thousand"; plurals such as "hundreds" and "des centaines" never match at all).
Articles and conjunctions alone ("un", "een", "en") are not numbers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from text_to_num import text2num

__all__ = [
    "LANGUAGES",
    "Number",
    "find_numbers",
    "guess_language",
    "languages_for",
    "parse_number",
    "trie_pattern",
]

#: Languages whose number words are read, in the order they are tried when none is known.
LANGUAGES: Final = ("en", "fr", "nl", "es", "de")


class Number(NamedTuple):
    """One number written in a text: its span, its value and how it was written.

    A named tuple: a text has dozens, built several times faster than a frozen dataclass.
    """

    start: int
    end: int
    value: float
    #: Written in words ("four", "vingt-cinq", "a dozen") rather than digits.
    spelled: bool = False
    #: Multiplier of a magnitude word or suffix inside the span: 1e6 for "7 million", "deux
    #: millions"; 1 when there is none. A range such as "3 to 4 million" shares it.
    scale: float = 1.0
    #: Written as a collective noun, a round approximate value ("une dizaine", "a dozen"); such
    #: a number takes "de"/"of" before what it counts ("une dizaine de mètres").
    collective: bool = False


# --- number words -----------------------------------------------------------------------------


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": _split(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
        "eighty ninety hundred thousand million billion"
    ),
    "fr": _split(
        "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
        "quinze seize vingt vingts trente quarante cinquante soixante cent cents mille million "
        "millions milliard milliards"
    ),
    "nl": _split("miljoen miljard"),
    "es": _split(
        "uno una dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
        "quince dieciséis dieciseis diecisiete dieciocho diecinueve veinte veintiuno veintiún "
        "veintiuna veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete "
        "veintiocho veintinueve treinta cuarenta cincuenta sesenta setenta ochenta noventa cien "
        "ciento doscientos doscientas trescientos trescientas cuatrocientos cuatrocientas "
        "quinientos quinientas seiscientos seiscientas setecientos setecientas ochocientos "
        "ochocientas novecientos novecientas mil millón millones"
    ),
    "de": _split("million millionen milliarde milliarden"),
}
# Dutch and German glue numbers into one word ("vijfentwintig", "zweiundzwanzig"): a word made
# only of these morphemes is a candidate, and text2num decides whether it is a number.
_MORPHEMES: Final[dict[str, tuple[str, ...]]] = {
    "nl": _split(
        "één een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien "
        "vijftien zestien zeventien achttien negentien twintig dertig veertig vijftig zestig "
        "zeventig tachtig negentig honderd duizend en ën"
    ),
    "de": _split(
        "ein eins eine zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn "
        "vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig dreißig dreissig vierzig "
        "fünfzig sechzig siebzig achtzig neunzig hundert tausend und"
    ),
}
# Approximate collective nouns, read as their round value ("une douzaine" = 12).
_COLLECTIVES: Final[dict[str, float]] = {
    "dozen": 12, "douzaine": 12, "dozijn": 12, "docena": 12, "dutzend": 12,
    "dizaine": 10, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
    "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000,
    "tiental": 10, "twintigtal": 20, "dertigtal": 30, "veertigtal": 40, "vijftigtal": 50,
    "honderdtal": 100, "duizendtal": 1000,
    "decena": 10, "veintena": 20, "treintena": 30, "centenar": 100, "millar": 1000,
}  # fmt: skip
_HALVES: Final[dict[str, float]] = {"anderhalf": 1.5, "anderhalve": 1.5, "anderthalb": 1.5}
# Words that stand for one only before a magnitude or collective ("a hundred", "une douzaine").
_ARTICLES: Final = ("a", "an", "un", "une", "een", "uno", "una", "ein", "eine", "einen")
_ARTICLE_WORDS: Final = frozenset(_ARTICLES)
# Magnitudes that need a number or an article before them to be a number at all: "million"
# alone is not a figure, and in English neither is "hundred" ("a few hundred" is vague).
_NEEDS_MULTIPLIER: Final = frozenset(
    _split(
        "hundred thousand million millions billion billions cents vingts milliard milliards "
        "miljoen miljard millón millones million millionen milliarde milliarden"
    )
)
_MAGNITUDE_WORDS: Final = frozenset(
    _NEEDS_MULTIPLIER
    | set(_split("cent mille honderd duizend cien ciento mil hundert tausend"))
    | set(_COLLECTIVES)
)
# Single words that are an article or a conjunction far more often than a number.
_NOT_ALONE: Final = frozenset(_split("un une een uno una ein eine einen en und y et and"))
_CONNECTORS: Final = frozenset(_split("and et y en und"))
_VAGUE_BEFORE: Final = re.compile(
    r"(?:\b(?:few|several|many|some|quelques|plusieurs|enkele|paar|verscheidene|unos|unas|"
    r"algunos|algunas|varios|varias|einige|mehrere|ettelijke)|des|tens\s+of)\s+\Z",
    re.IGNORECASE,
)


_Trie = dict[str, "_Trie"]


def trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` factored as a character trie.

    Python's ``re`` tries alternatives one by one; factoring common prefixes keeps the scan
    from retrying dozens of branches at every position of the text.
    """
    trie: _Trie = {}
    for word in sorted(set(words)):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional suffix: the longest word wins ("fourteen" before "four").
        return f"(?:{body})?" if "" in node else body

    return build(trie)


_SEP: Final = r"(?:-et-|-|[ \u00a0]+(?:(?:and|et|y)[ \u00a0]+)?)"
_HALF_TAIL: Final = r"(?:and\s+a\s+half|et\s+demie?|en\s+een\s+half|y\s+medi[oa]|und\s+ein\s+halb)"
_HALF_TAIL_RE: Final = re.compile(r"\s+" + _HALF_TAIL)


# Units an article stands for one before: "a mile", "un kilomètre", "een ton" (lengths and
# weights only: "a day" is a rate period, "a week ago" a date).
_ARTICLE_UNITS: Final = _split(
    "mile miles metre meter mètre metro kilometre kilometer kilomètre kilómetro km "
    "nautical tonne hectare kilo mijl zeemijl milla meile seemeile"
)


class _Scanner(NamedTuple):
    """Regexes that find phrases of number words in lower-cased text that starts with a space.

    Case-sensitive on lower-cased text (IGNORECASE is several times slower). A phrase follows
    a character that is not part of a word. ``re`` skips to a literal character with a tight
    loop but tests every character against a set with a slow generic one (several times
    slower), so phrases after a space, by far the most, are found by ``after_space``, which
    starts with one. The few after any other character ("(un", "l'une", a line break) are
    candidates found by ``others`` in a latin-1 copy of the text where every such character is
    a NUL byte (a literal again), each read by ``after_other`` where it stands.
    """

    after_space: re.Pattern[str]
    after_other: re.Pattern[str]
    #: A NUL before the first word of a phrase; may find more than ``after_other`` reads.
    others: re.Pattern[bytes]


def _spelled_scanner(langs: Sequence[str]) -> _Scanner:
    words = [w for lang in langs for w in _WORDS.get(lang, ())]
    # Unit words are found too, to read the article before them ("a mile" = 1).
    words += list(_COLLECTIVES) + list(_HALVES) + list(_ARTICLE_UNITS)
    alternatives = [trie_pattern(words)]
    alternatives += [
        f"(?:{trie_pattern(_MORPHEMES[lang])})++" for lang in langs if lang in _MORPHEMES
    ]
    # Atomic, each alternative ends at a word boundary: no backtracking into a word.
    word = "(?>" + "|".join(f"{alt}(?!\\w)" for alt in alternatives) + ")"
    # At most a dozen words in one phrase: a pathological run of number words stays linear.
    phrase = rf"(?P<phrase>{word}(?:{_SEP}{word}|[ \u00a0]+{_HALF_TAIL}(?!\w)){{0,12}}+)"
    # The character before is matched as "not an ASCII word character" (a table look-up,
    # where ``[^\w]`` looks up the Unicode category); ``_spelled_numbers`` drops the matches
    # after a non-ASCII letter or digit. In bytes ``\w`` is ASCII only, and every character
    # beyond latin-1 is a NUL: ``others`` finds all the phrases, and a few more.
    return _Scanner(
        re.compile(" " + phrase),
        re.compile("[^0-9A-Za-z_]" + phrase),
        re.compile(("\\x00(?=" + word + ")").encode("latin-1")),
    )


_SCANNERS: Final[dict[tuple[str, ...], _Scanner]] = {
    (lang,): _spelled_scanner((lang,)) for lang in LANGUAGES
}
_SCANNER_ALL: Final = _spelled_scanner(LANGUAGES)
# Latin-1 characters that may come before a phrase other than a space, as NUL: not a letter,
# a digit or "_". A character beyond latin-1 is encoded as "?", so it is one too.
_OTHER_BEFORE: Final = bytes(
    0 if not (c.isalnum() or c in "_ ") else i for i, c in enumerate(map(chr, range(256)))
)
_WORD_SPLIT: Final = re.compile(r"[^\s\-]+")


def _text2num(words: Sequence[str], langs: Sequence[str]) -> float | None:
    phrase = " ".join(words).replace("veintiún", "veintiuno")
    for lang in langs:
        value = _phrase_value(phrase, lang)
        if value is not None:
            return value
    return None


@functools.lru_cache(maxsize=4096)  # text2num parses slowly; the same phrases come back
def _phrase_value(phrase: str, lang: str) -> float | None:
    """``text2num`` of a phrase in one language; None when it reads no number."""
    try:
        return float(text2num(phrase, lang))
    except ValueError:
        return None


def _spelled_value(
    words: Sequence[str], langs: Sequence[str], article: float | None
) -> float | None:
    """Value of a phrase of lower-cased number words, or None when it is not one number."""
    if not words:
        return article
    if article is None and len(words) > 1 and words[0] in _ARTICLE_WORDS:
        if words[1] not in _MAGNITUDE_WORDS:
            return None
        article, words = 1.0, words[1:]  # "une douzaine" after another number
    if len(words) == 1 and article is None and words[0] in _NOT_ALONE:
        return None
    if article is None and words[0] in _NEEDS_MULTIPLIER:
        return None
    head = words[0]
    if head in _HALVES:
        rest = _spelled_value(words[1:], langs, 1.0)
        return None if rest is None else _HALVES[head] * rest
    tail = words[-1]
    if tail in _COLLECTIVES:
        if len(words) == 1 and article is None:
            return None  # "dozen" alone; "dozens" never matches
        base = _spelled_value(words[:-1], langs, article)
        return None if base is None else base * _COLLECTIVES[tail]
    if article is not None:
        value = _text2num(words, langs)
        return None if value is None else article * value
    return _text2num(words, langs)


@dataclass(slots=True)  # not frozen: built for every number word, and frozen init is slower
class _Word:
    start: int
    end: int
    text: str
    #: Preceded by a space rather than a hyphen.
    spaced: bool = False


def _starts_new_number(words: Sequence[_Word], i: int) -> bool:
    """An article after a space starts a new number: "quatre-vingts | une douzaine".

    After a hyphen or a conjunction it is part of the number ("quatre-vingt-un", "vingt et un").
    """
    word = words[i]
    return (
        i > 0
        and word.spaced
        and word.text in _ARTICLE_WORDS
        and words[i - 1].text not in _CONNECTORS
    )


def _read_phrase(
    words: list[_Word], langs: Sequence[str], article: float | None
) -> tuple[float, int] | None:
    """Longest prefix of ``words`` that is one number: (value, words used).

    Prefixes grow one word at a time and the search stops after two words in a row that do not
    extend the number ("une | douzaine" needs one, "five six" is over): a handful of text2num
    calls per phrase, not one per prefix length.
    """
    limit = next((i for i in range(1, len(words)) if _starts_new_number(words, i)), len(words))
    best: tuple[float, int] | None = None
    misses = 0
    texts = [w.text for w in words[:limit]]
    for k in range(1, limit + 1):
        if texts[k - 1] in _CONNECTORS:
            continue  # "one hundred and | fifty": a phrase never ends on "and"
        value = _spelled_value(texts[:k], langs, article)
        if value is not None:
            best, misses = (value, k), 0
        else:
            misses += 1
            if misses == 2:
                break
    return best


def _article_length(text: str, start: int) -> int:
    match = _WORD_SPLIT.match(text, start)
    return 0 if match is None else match.end() - start


_ARTICLE_BEFORE: Final = re.compile(
    r"(?<!\w)(?P<art>(?:half[ \u00a0]+)?(?:" + "|".join(_ARTICLES) + r"))[ \u00a0]+\Z"
)
_ARTICLE_UNIT_WORDS: Final = frozenset(_ARTICLE_UNITS)


def _article_before(lowered: str, start: int, phrase: str) -> tuple[float | None, int]:
    """An article standing for one (or "half a") before a magnitude, collective or unit word.

    Returns the article's value and where the number starts.
    """
    first = _WORD_SPLIT.match(phrase)
    head = first.group() if first else ""
    if head not in _MAGNITUDE_WORDS and head not in _ARTICLE_UNIT_WORDS:
        return None, start
    match = _ARTICLE_BEFORE.search(lowered, max(0, start - 12), start)
    if match is None:
        return None, start
    value = 0.5 if match.group("art").startswith("half") else 1.0
    return value, match.start()


def _plain_values() -> dict[str, dict[str, float]]:
    """Value of every single number word that is not a magnitude, by language ("four": 4)."""
    values: dict[str, dict[str, float]] = {}
    for lang in LANGUAGES:
        words = [*_WORDS.get(lang, ()), *_MORPHEMES.get(lang, ())]
        table = values.setdefault(lang, {})
        for word in words:
            if word in _MAGNITUDE_WORDS or word in _NOT_ALONE:
                continue
            value = _text2num([word], (lang,))
            if value is not None:
                table[word] = value
    return values


_PLAIN_VALUES: Final = _plain_values()


def _plain_value(phrase: str, langs: Sequence[str]) -> float | None:
    for lang in langs:
        value = _PLAIN_VALUES[lang].get(phrase)
        if value is not None:
            return value
    return None


def _phrase_matches(lowered: str, scanner: _Scanner) -> Iterator[re.Match[str]]:
    """Phrases of number words in ``lowered``, left to right and not overlapping.

    Each match starts at the character before its phrase, as ``[^\\w]`` then the phrase.
    """
    marks = lowered.encode("latin-1", "replace").translate(_OTHER_BEFORE)
    others = [mark.start() for mark in scanner.others.finditer(marks)]
    after_space, after_other = scanner.after_space, scanner.after_other
    pos = k = 0
    while True:
        match = after_space.search(lowered, pos)
        limit = len(lowered) if match is None else match.start()
        while k < len(others) and others[k] < limit:
            before = others[k]
            k += 1
            # Not after a letter or digit beyond ASCII ("é" + "un").
            if before >= pos and not lowered[before].isalnum():
                other = after_other.match(lowered, before)
                if other is not None:
                    match = other
                    break
        if match is None:
            return
        pos = match.end()
        yield match


def _spelled_numbers(text: str, langs: Sequence[str], lowered: str) -> list[Number]:
    """Numbers in words; ``lowered`` is ``text.lower()``."""
    scanner = _SCANNERS.get(tuple(langs), _SCANNER_ALL)
    if len(lowered) != len(text):
        # A few characters change length when lower-cased ("İ"); keep offsets exact.
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    # A space in front lets a number start the text; offsets are shifted back at the end.
    lowered = " " + lowered
    found: list[Number] = []
    for match in _phrase_matches(lowered, scanner):
        before = match.start()  # the character before the phrase
        end = match.end()
        phrase = match.group("phrase")
        if phrase in _NOT_ALONE:
            continue  # "een", "en", "une": an article or a conjunction, most of the matches
        # Offsets in ``text`` are one less than in ``lowered``.
        plain = _plain_value(phrase, langs)
        if plain is not None:
            found.append(Number(before, end - 1, plain, spelled=True))  # "four", "drie"
            continue
        start = before + 1
        article, phrase_start = _article_before(lowered, start, phrase)
        half = _phrase_layout(phrase)[0]
        if half is not None:
            half = (start + half[0], start + half[1])
            read = _with_half(lowered, phrase_start, start, half, end, langs, article)
            # A plain constructor: ``dataclasses.replace`` is much slower.
            found.extend(
                Number(n.start - 1, n.end - 1, n.value, n.spelled, n.scale, n.collective)
                for n in read
            )
            continue
        for step in _phrase_plan(phrase, tuple(langs), article):
            begin = phrase_start if step.start is None else start + step.start
            if step.vague and _VAGUE_BEFORE.search(lowered, max(0, begin - 30), begin):
                continue
            if step.end < 0:
                end = phrase_start + _article_length(lowered, phrase_start)
            else:
                end = start + step.end
            # Offsets in ``text`` are one less than in ``lowered``.
            found.append(Number(begin - 1, end - 1, step.value, True, step.scale, step.collective))
    return found


_Layout = tuple[tuple[int, int] | None, tuple[tuple[int, int, str, bool], ...]]


@functools.lru_cache(maxsize=4096)  # the same phrases come back ("millions", "kilometer")
def _phrase_layout(phrase: str) -> _Layout:
    """Where "and a half" is in a phrase, and its words as (start, end, text, after a space).

    Offsets are within ``phrase``; the first word's ``spaced`` depends on what comes before
    the phrase and is left False.
    """
    half = _HALF_TAIL_RE.search(phrase)
    words = tuple(
        (w.start(), w.end(), w.group(), w.start() > 0 and phrase[w.start() - 1].isspace())
        for w in _WORD_SPLIT.finditer(phrase)
    )
    return (None if half is None else half.span()), words


class _Step(NamedTuple):
    """One number a phrase of number words reads as, with offsets within the phrase."""

    #: None when the number starts at the article before the phrase ("a hundred").
    start: int | None
    #: -1 when the number is that article alone ("a mile" is one).
    end: int
    value: float
    scale: float = 1.0
    collective: bool = False
    #: Starts with a magnitude: not a number after a vague quantity ("a few hundred").
    vague: bool = False


@functools.lru_cache(maxsize=4096)  # the same phrases come back ("millions", "une dizaine")
def _phrase_plan(phrase: str, langs: tuple[str, ...], article: float | None) -> tuple[_Step, ...]:
    """Numbers in a run of number words, longest readable prefix first ("two and three").

    Everything that depends on the phrase alone, read once per phrase; what comes before it in
    the text (where its article starts, a vague quantity) is left to each occurrence.
    """
    words = [_Word(*word) for word in _phrase_layout(phrase)[1]]
    steps: list[_Step] = []
    i = 0
    first = True
    while i < len(words):
        if words[i].text in _ARTICLE_UNIT_WORDS:
            # "a mile", "un kilomètre", "een mijl": the article alone is the number one.
            if first and article is not None:
                steps.append(_Step(None, -1, 1.0))
            elif i and words[i - 1].text in _ARTICLE_WORDS:
                steps.append(_Step(words[i - 1].start, words[i - 1].end, 1.0))
            i += 1
            first = False
            continue
        if words[i].text in _CONNECTORS:
            i += 1
            continue
        read = _read_phrase(words[i:], langs, article if first else None)
        if read is None:
            i += 1
            first = False
            continue
        value, used = read
        number = words[i : i + used]
        steps.append(
            _Step(
                None if first and article is not None else words[i].start,
                number[-1].end,
                value,
                _scale_of(number),
                number[-1].text in _COLLECTIVES,
                words[i].text in _MAGNITUDE_WORDS,
            )
        )
        i += used
        first = False
    return tuple(steps)


def _with_half(
    text: str,
    phrase_start: int,
    start: int,
    half: tuple[int, int],
    end: int,
    langs: Sequence[str],
    article: float | None,
) -> Iterable[Number]:
    """ "one and a half", "two and a half million", "un million et demi"."""
    before = [w.group().lower() for w in _WORD_SPLIT.finditer(text, start, half[0])]
    after = [w.group().lower() for w in _WORD_SPLIT.finditer(text, half[1], end)]
    base = _spelled_value(before, langs, article)
    if base is None:
        return
    if before and before[-1] in _MAGNITUDE_WORDS and not after:
        # "un million et demi": half of the magnitude, not plus one half.
        magnitude = _spelled_value(before[-1:], langs, 1.0) or 1.0
        yield Number(phrase_start, half[1], base + magnitude / 2, spelled=True, scale=magnitude)
        return
    scale = _spelled_value(after, langs, 1.0) if after else 1.0
    if scale is None:
        return
    yield Number(phrase_start, end, (base + 0.5) * scale, spelled=True, scale=scale)


def _scale_of(words: Sequence[_Word]) -> float:
    """The largest magnitude word in a phrase ("two million" -> 1e6), 1 when there is none."""
    scales = [_SUFFIXES[w.text] for w in words if w.text in _SUFFIXES and w.text != "mil"]
    return max(scales, default=1.0)


# --- digits -----------------------------------------------------------------------------------

_SPACES: Final = "\u00a0\u202f\u2009 "
_THOUSAND, _MILLION, _BILLION, _TRILLION = 1e3, 1e6, 1e9, 1e12
_SUFFIXES: Final[dict[str, float]] = {
    "k": _THOUSAND, "thousand": _THOUSAND, "mille": _THOUSAND, "duizend": _THOUSAND,
    "tausend": _THOUSAND, "tsd": _THOUSAND, "mil": _THOUSAND,
    "mn": _MILLION, "mln": _MILLION, "mio": _MILLION, "million": _MILLION,
    "millions": _MILLION, "miljoen": _MILLION, "millón": _MILLION, "millones": _MILLION,
    "millionen": _MILLION,
    "bn": _BILLION, "b": _BILLION, "billion": _BILLION, "billions": _BILLION,
    "milliard": _BILLION, "milliards": _BILLION, "miljard": _BILLION, "mld": _BILLION,
    "mrd": _BILLION, "milliarde": _BILLION, "milliarden": _BILLION,
    "mil millones": _BILLION, "trillion": _TRILLION, "biljoen": _TRILLION,
    "billón": _TRILLION, "billones": _TRILLION,
}  # fmt: skip
# A magnitude after digits: "k" and "b" only glued to them ("50k", "$1.5b"), words after an
# optional space ("1.5bn", "7 million").
_SUFFIX: Final = (
    r"(?i:(?:(?P<glued>[kKbB])|[ \u00a0]?(?P<word>"
    + trie_pattern(w for w in _SUFFIXES if len(w) > 1)
    + r"))(?!\w))"
)
_DIGITS: Final = re.compile(
    r"(?=[\d+])(?<![\w.,])(?P<digits>"
    # Thousands groups: "5,000", "5.000", "5 000", "50, 597", "1,234,567.89".
    rf"(?P<grouped>\d{{1,3}}(?:(?:[{_SPACES}]|,[ \u00a0]?|\.)\d{{3}})+(?:[.,]\d+)?(?!\d))"
    # Never a quantity: dates "03.03.2024", versions "2.3.1", times "03:00", fractions "1/3",
    # phone numbers "+44 20 7946 0958", "0800 123 456".
    r"|(?P<junk>\d+(?:[.:/]\d+){2,}|\d+[:/]\d+|\+\d+(?:[ \u00a0.-]\d+)+"
    r"|0\d+(?:[ \u00a0.-]\d{2,}){2,})"
    r"|\d+(?:[.,]\d+)?"
    # Read in the same match: one regex call per number rather than two.
    rf"){_SUFFIX}?"
)
# Where digits may start: a digit or a plus sign that is not inside a word or a number. ``re``
# skips quickly only to a character of a set that starts a pattern (not to a look-around, as
# ``_DIGITS`` starts with), and several times faster through a plain table of characters than
# through a category such as ``\d``: the table holds the decimal digits below U+10000, and a
# text with a character beyond (rare: emoji) is searched with ``\d`` itself.
_BMP_DIGITS: Final = "".join(c for c in map(chr, range(0x10000)) if c.isdecimal())
_DIGITS_START_BMP: Final = re.compile(rf"[{re.escape(_BMP_DIGITS)}+](?<![\w.,].)")
_DIGITS_START: Final = re.compile(r"[\d+](?<![\w.,].)")
# "billion" is 10^12 in the long-scale languages.
_LONG_SCALE: Final = frozenset({"fr", "nl", "es", "de"})
_MONTH_BEFORE: Final = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\Z",
    re.IGNORECASE,
)
_LIST_AFTER: Final = re.compile(r"\s*(?:,|and|or|et|ou|en|of|y|o|und)\s*\d", re.IGNORECASE)
_LIST_BEFORE: Final = re.compile(r"\d\s*,\s*\Z")
_FIRST_DIGITS: Final = re.compile(r"\d+")


@functools.lru_cache(maxsize=4096)  # the same few hundred numbers come back article after article
def _digits_value(raw: str) -> float | None:
    """Value of digits with grouping and decimal marks, or None when ambiguous garbage."""
    if raw.isdigit():
        return float(raw)
    if not raw.isascii() or " " in raw:
        raw = raw.replace(", ", ",").replace(",\u00a0", ",")
        for space in _SPACES:
            raw = raw.replace(space, "")
    marks = [c for c in raw if c in ".,"]
    if not marks:
        return float(raw)
    if len(set(marks)) == 2:
        # "1,234.5" / "1.234,5": the last mark is the decimal one.
        decimal = marks[-1]
        thousands = "," if decimal == "." else "."
        return float(raw.replace(thousands, "").replace(decimal, "."))
    mark = marks[0]
    parts = raw.split(mark)
    if len(parts) > 2:
        return float("".join(parts)) if all(len(p) == 3 for p in parts[1:]) else None
    head, tail = parts
    if len(tail) == 3 and not head.startswith("0"):
        return float(head + tail)
    return float(head + "." + tail)


def _split_grouping(text: str, start: int, end: int) -> bool:
    """True when a "5, 600" or "3 500" grouping is really two numbers (a list, a date)."""
    raw = text[start:end]
    if not any(c in raw for c in ", \u00a0"):
        return False
    if _MONTH_BEFORE.search(text, max(0, start - 12), start):
        return True  # "July 5, 300 people", "March 3 500 people"
    if ", " in raw:
        return bool(
            _LIST_AFTER.match(text, end) or _LIST_BEFORE.search(text, max(0, start - 8), start)
        )
    return False


def _in_bmp(text: str) -> bool:
    """No character of ``text`` is beyond U+FFFF (each takes one UTF-16 code unit)."""
    return text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


def _digit_numbers(text: str, langs: Sequence[str]) -> list[Number]:
    found: list[Number] = []
    starts = _DIGITS_START_BMP if _in_bmp(text) else _DIGITS_START
    pos = 0
    while (mark := starts.search(text, pos)) is not None:
        match = _DIGITS.match(text, mark.start())
        if match is None:
            pos = mark.start() + 1  # a plus sign before no digits
            continue
        start, end = match.span("digits")
        pos = end
        if match.start("junk") >= 0:
            continue
        if match.start("grouped") >= 0 and _split_grouping(text, start, end):
            first = _FIRST_DIGITS.match(text, start, end)
            end = pos = first.end() if first else start
            value = _digits_value(text[start:end])
            if value is None:
                continue
            scale, end = _read_suffix(text, end, langs)
        else:
            value = _digits_value(match.group("digits"))
            if value is None:
                continue
            word = match.group("glued") or match.group("word")
            scale = 1.0 if word is None else _suffix_scale(word, tuple(langs))
            if scale != 1.0:
                end = match.end()
        found.append(Number(start, end, value * scale, scale=scale))
    return found


_SUFFIX_RE: Final = re.compile(_SUFFIX)


def _read_suffix(text: str, end: int, langs: Sequence[str]) -> tuple[float, int]:
    """Magnitude written after digits at ``end``: (multiplier, new end)."""
    suffix = _SUFFIX_RE.match(text, end)
    if suffix is None:
        return 1.0, end
    scale = _suffix_scale(suffix.group("glued") or suffix.group("word"), tuple(langs))
    return (1.0, end) if scale == 1.0 else (scale, suffix.end())


@functools.lru_cache(maxsize=4096)
def _suffix_scale(written: str, langs: tuple[str, ...]) -> float:
    """Multiplier of a magnitude as written after digits; 1 when it is not one here."""
    word = written.lower()
    if word == "mil" and "es" not in langs:
        return 1.0
    scale = _SUFFIXES[word]
    if word.startswith("billion") and langs and langs[0] in _LONG_SCALE:
        scale = _TRILLION
    return scale


# --- language ---------------------------------------------------------------------------------

# Frequent function words that belong to one language only.
_FUNCTION_WORDS: Final = {
    word: lang
    for lang, words in (
        ("en", "the and of with that from were which have has"),
        ("fr", "les des est dans pour avec qui aux sont une du"),
        ("nl", "het een van zijn niet voor naar wordt ook bij"),
        ("es", "los las del por para con una fue como y"),
        ("de", "der das und ist nicht mit sich auch wird dem"),
    )
    for word in words.split()
}
_SAMPLE: Final = 3000


def guess_language(text: str) -> str | None:
    """The language of ``text`` among ``LANGUAGES`` from its function words, or None if unclear."""
    counts = dict.fromkeys(LANGUAGES, 0)
    # Whitespace-split words of a sample, looked up in a table: cheaper than any regex.
    for word in text[:_SAMPLE].lower().split():
        lang = _FUNCTION_WORDS.get(word.strip(".,;:!?\"'()«»“”"))
        if lang is not None:
            counts[lang] += 1
    ranked = sorted(LANGUAGES, key=lambda lang: counts[lang], reverse=True)
    best, second = counts[ranked[0]], counts[ranked[1]]
    return ranked[0] if best >= 3 and best >= 2 * second else None


def languages_for(text: str, lang: str | None) -> tuple[str, ...]:
    """Languages whose number words to read: the given one, else a guess, else all of them."""
    if lang:
        code = lang.lower().split("-")[0].split("_")[0]
        if code in LANGUAGES:
            return (code,)
    guessed = guess_language(text)
    return (guessed,) if guessed else LANGUAGES


# --- public -----------------------------------------------------------------------------------


def find_numbers(
    text: str, langs: Sequence[str] = LANGUAGES, *, lowered: str | None = None
) -> list[Number]:
    """Every number written in ``text``, in digits or in words of ``langs``, by start offset.

    ``lowered`` is ``text.lower()``, when the caller has it already.
    """
    if lowered is None:
        lowered = text.lower()
    numbers = _digit_numbers(text, langs) + _spelled_numbers(text, langs, lowered)
    # Longest first at equal start; a number inside another ("mil millones" in "3 mil
    # millones") is dropped.
    numbers.sort(key=lambda n: (n.start, -n.end))
    kept: list[Number] = []
    for number in numbers:
        if not kept or number.start >= kept[-1].end:
            kept.append(number)
    return kept


def parse_number(written: str, lang: str | None = None) -> float:
    """Value of one number written alone ("5,000", "2,7 miljoen", "vingt-cinq", "a dozen").

    Raises ``ValueError`` when ``written`` is not exactly one number.
    """
    stripped = written.strip()
    langs = languages_for("", lang) if lang else LANGUAGES
    for number in find_numbers(stripped, langs):
        if number.start == 0 and number.end == len(stripped):
            return number.value
    raise ValueError(f"not a number: {written!r}")
