"""Ports gazetteer and the matcher that finds port mentions in text.

One Aho–Corasick automaton (``pipeline.automata``) holds every canonical name and alias, so a
text is scanned once whatever the size of the gazetteer. A raw hit becomes a mention only when

- it stands on word boundaries, and is the longest hit at its place ("Boulogne-sur-Mer" beats
  "Boulogne");
- it is not part of a longer proper name: an entry's ``not_in`` phrases (Pas-de-Calais), a
  hyphenated particle before it ("Nord-Pas-de-…"), a title before it ("HMS", "Pride of"), or a
  newspaper / club word after it ("Dover Express", "Hull City");
- for ``needs_context`` entries (Split, Bar, Douglas …) port words stand near it;
- for an operator company's name (``company_aliases``: Eurotunnel) it is used as a place
  ("the Eurotunnel terminal", "at Eurotunnel"), not as a speaker ("Eurotunnel said").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from pipeline.automata import automaton
from pipeline.textfold import ascii_folds

__all__ = ["Gazetteer", "PortMention", "PortRecord"]

# Words after a name that make it part of an organisation's name, not the place.
_ORG_AFTER = frozenset(
    """Herald Gazette Echo Express Mail Times Post Chronicle Star Telegraph Observer Journal
    News Argus Advertiser Mercury Courier Evening Standard Recorder Independent Tribune FC AFC
    Daily Weekly Live Radio Nieuwsblad Dagblad Courant Krant
    United City Town Athletic Rovers Wanderers Albion County Rangers Borough Harriers RFC RUFC
    Olympique Dolphins""".split()
)
# Words right before a name that make it part of a longer proper name (ships, films, clubs).
_NAME_BEFORE = re.compile(
    r"(?:\b(?:HMS|MV|MS|RMS|SS|HMT|FC|AFC|AS|SSC|US|USL|Olympique|Pride\s+of|Spirit\s+of|Pont\s+de"
    r"|Straits?\s+of|Pas\s+de|film|movie|Nolan's|blockbuster|film's|movie's)\s*$)|(?:\w-(?:de|du|des|la|le|sur|sous|en|lès)-$)",
    re.IGNORECASE,
)
# Words near a needs_context name that show a port or crossing is meant.
_PORT_CONTEXT = re.compile(
    r"\b(?:port|ports|harbou?r|ferry|ferries|docks?|quay|terminal|crossing|border|coast|"
    r"island|marina|pier|jetty|haven|havre|puerto|porto|puerta|garita|frontera|limani|"
    r"entry|bridge|checkpoint|boat|boats|vessel|migrants?|smuggl\w*)\b",
    re.IGNORECASE,
)
# The last words of the ``_NAME_BEFORE`` names, lower-cased: text before a port that ends with
# none of them (nor with a hyphen) cannot match it, and the regex, tried at every position of
# the window, is not run.
_NAME_BEFORE_ENDINGS = (
    "hms", "mv", "ms", "rms", "ss", "hmt", "fc", "afc", "as", "ssc", "us", "usl", "olympique",
    "of", "de", "film", "movie", "nolan's", "blockbuster", "film's", "movie's",
)  # fmt: skip
# "of" and "de" end a ``_NAME_BEFORE`` name only after one of these words ("Pride of", "Pont
# de"): "the port of Calais", "le port de Calais" are common, and need no regex.
_NAME_BEFORE_LINKS = frozenset({"of", "de"})
_NAME_BEFORE_LINKED = ("pride", "spirit", "strait", "straits", "pont", "pas")
_CONTEXT_WINDOW = 60  # characters either side
_NEIGHBOUR_WINDOW = 120  # a port named for sure this close makes a needs_context name a port
_YEAR_AFTER = re.compile(r"\s*\((?:19|20)\d\d\)")
_QUOTE_BEFORE = re.compile(r"[«“\"'*_‘]\s?$")
_QUOTE_CHARS = frozenset("«“\"'*_‘")
_POSSESSIVE_BEFORE = re.compile(r"\b[A-Z][\w-]+['’]s\s+$")
_WORK_WORDS = re.compile(
    r"\b(?:film|films|movie|cinema|cinéma|screens?|IMAX|director|directed|drama|actors?|starring|"
    r"novel|book|documentary|premiere|box office|long-métrage|réalisateur|speelfilm|regisseur|"
    r"bioscoop|oorlogsfilm|blockbuster)\b",
    re.IGNORECASE,
)
# Every ``_WORK_WORDS`` word holds one of these, lower-cased.
_WORK_STEMS = (
    "film", "movie", "cinema", "cinéma", "screen", "imax", "direct", "drama", "actor", "starring",
    "novel", "book", "documentary", "premiere", "box office", "long-métrage", "réalisateur",
    "regisseur", "bioscoop", "blockbuster",
)  # fmt: skip
# A company alias counts as a place when followed by one of these, or preceded by a place word.
_PLACE_AFTER = re.compile(
    r"^\s*(?:terminal|site|tunnel|platforms?|freight|shuttle|trains?|railhead|perimeter|fence|compound|depot|entrance|premises)\b",
    re.IGNORECASE,
)
_PLACE_BEFORE = re.compile(
    r"\b(?:at|into|through|via|inside|onto|on|near|to)\s+(?:the\s+)?$", re.IGNORECASE
)


class PortMention(NamedTuple):
    """One mention of a gazetteer port in a text: canonical English name and character span.

    A named tuple, not a frozen dataclass: a text has dozens, and one is built five times
    faster (a frozen dataclass sets each field through ``object.__setattr__``).
    """

    name: str
    start: int
    end: int
    alias: str


@dataclass(frozen=True, slots=True)
class PortRecord:
    """What the matcher needs to know of one gazetteer entry."""

    name: str
    aliases: tuple[str, ...] = ()
    not_in: tuple[str, ...] = ()
    needs_context: bool = False
    company_aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Label:
    text: str
    port: str
    company: bool
    needs_context: bool


class Gazetteer:
    """Finds port mentions in text; build once, use from any thread."""

    def __init__(self, records: Iterable[PortRecord]) -> None:
        #: Each pattern (a name as written and in capitals) → its label; the first label wins.
        labels: dict[str, _Label] = {}
        names: list[str] = []
        for record in records:
            names.append(record.name)
            written = [(record.name, False), *((a, False) for a in record.aliases)]
            written += [(a, True) for a in record.company_aliases]
            for text, company in written:
                _add(labels, _Label(text, record.name, company, record.needs_context))
            for phrase in record.not_in:
                _add(labels, _Label(phrase, "", False, False))
        self._labels: tuple[_Label, ...] = tuple(labels.values())
        self._automaton = automaton(list(labels))
        self.names: tuple[str, ...] = tuple(names)

    def __len__(self) -> int:
        return len(self.names)

    def find(self, text: str) -> list[PortMention]:
        """Every port mention in ``text``, in order, including repeats."""
        hits: list[tuple[int, int, _Label]] = []
        labels = self._labels
        length = len(text)
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            # On word boundaries, tested in place (a call per hit costs more than the test).
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if end < length and (text[end].isalnum() or text[end] == "_"):
                continue
            hits.append((start, end, labels[index]))
        blocked = [(s, e) for s, e, label in hits if not label.port]
        mentions: list[PortMention] = []
        in_context: list[PortMention] = []  # needs_context mentions, kept only near a port
        last_end = -1
        # Longest hit first at each place; skip hits inside an accepted one or a blocker phrase.
        # The automaton reports hits by end: reversed, then sorted by start (a stable sort, keyed
        # in C), they come longest first at each place.
        hits.reverse()
        hits.sort(key=itemgetter(0))
        for start, end, label in hits:
            if start < last_end or not label.port:
                continue
            if blocked and any(
                s <= start and end <= e and (e - s) > (end - start) for s, e in blocked
            ):
                continue
            verdict = self._judge(text, start, end, label)
            if verdict != "no":
                # ``tuple.__new__``: the named tuple's own ``__new__`` is a Python function.
                mention = tuple.__new__(PortMention, (label.port, start, end, text[start:end]))
                mentions.append(mention)
                if verdict == "context":
                    in_context.append(mention)
                last_end = end
        if not in_context:
            return mentions  # most texts: every mention is sure
        sure = [m.start for m in mentions if m not in in_context]
        return [m for m in mentions if m not in in_context or _near_port(text, m, sure)]

    def ports_in(self, text: str) -> list[str]:
        """Canonical names of the ports named in ``text``, first mention first, each once."""
        return unique_names(self.find(text))

    def _judge(self, text: str, start: int, end: int, label: _Label) -> str:
        """'yes', 'no', or 'context' (a needs_context name: yes only near port words or ports)."""
        before = text[max(0, start - 30) : start]
        if _in_longer_name(before) or _is_work_title(text, start, end):
            return "no"
        after = text[end : end + 30]
        # Every ``_ORG_AFTER`` word starts with a capital: a name followed by a space and a
        # lower-case letter (most) needs no split.
        if after.startswith(" ") and not after[1:2].islower():
            next_word = after.lstrip(" ").split(" ", 1)[0].strip(".,;:!?'\")(")
            if next_word in _ORG_AFTER:
                return "no"
        if label.company:
            return "yes" if _PLACE_AFTER.match(after) or _PLACE_BEFORE.search(before) else "no"
        return "context" if label.needs_context else "yes"


def _add(labels: dict[str, _Label], label: _Label) -> None:
    if not label.text:
        return  # an empty name matches nothing
    for variant in (label.text, label.text.upper()):
        labels.setdefault(variant, label)


def _in_longer_name(before: str) -> bool:
    """Whether ``_NAME_BEFORE`` matches the text before a port: a title, a particle.

    String methods rule most texts out first; the regex decides the rest, and any text with a
    character that case-insensitive matching takes for an ASCII letter.
    """
    if before.endswith(("-", "-\n")) or not ascii_folds(before):
        return _NAME_BEFORE.search(before) is not None
    words = before.lower().rsplit(maxsplit=2)
    if not words or not words[-1].endswith(_NAME_BEFORE_ENDINGS):
        return False
    if words[-1] in _NAME_BEFORE_LINKS and (
        len(words) < 2 or not words[-2].endswith(_NAME_BEFORE_LINKED)
    ):
        return False
    return _NAME_BEFORE.search(before) is not None


def _near_port(text: str, mention: PortMention, sure: list[int]) -> bool:
    """A needs_context mention counts near port words, or near a port named for sure."""
    window = text[max(0, mention.start - _CONTEXT_WINDOW) : mention.end + _CONTEXT_WINDOW]
    if _PORT_CONTEXT.search(window):
        return True
    return any(abs(other - mention.start) <= _NEIGHBOUR_WINDOW for other in sure)


def _is_work_title(text: str, start: int, end: int) -> bool:
    """A film, book or play named after the port ("Nolan's Dunkirk", « Dunkerque », Dunkirk (2017))."""
    # Character tests first: most names have neither a bracket nor a quote next to them.
    following = text[end : end + 1]
    # "(" may follow after white space: not when a word follows the first space (most names).
    may_be_year = following == "(" or (
        following.isspace() and not text[end + 1 : end + 2].isalnum()
    )
    if may_be_year and _YEAR_AFTER.match(text, end):
        return True
    close_before = text[max(0, start - 3) : start]
    quoted = not _QUOTE_CHARS.isdisjoint(close_before) and (
        _QUOTE_BEFORE.search(close_before) is not None
    )
    if not quoted and not _possessive_before(text, start, close_before):
        return False
    window = text[max(0, start - 150) : end + 150]
    if ascii_folds(window):
        lowered = window.lower()
        if not any(stem in lowered for stem in _WORK_STEMS):
            return False  # substring tests first: the regex is tried at every position
    return _WORK_WORDS.search(window) is not None


def _possessive_before(text: str, start: int, close_before: str) -> bool:
    """ "Nolan's " just before ``start``: ``_POSSESSIVE_BEFORE``, run only when the text ends
    with 's and white space there. ``close_before``: the three characters before ``start``."""
    # Tested on those three characters first: most names follow one space and a word that
    # does not end with 's; white space only there may hide the 's further back.
    if not close_before[-1:].isspace():
        return False
    if not close_before[-2:].isspace() and close_before[:2] not in ("'s", "’s"):
        return False
    window = text[max(0, start - 40) : start]
    return window.rstrip().endswith(("'s", "’s")) and _POSSESSIVE_BEFORE.search(window) is not None


def unique_names(mentions: Sequence[PortMention]) -> list[str]:
    seen: dict[str, None] = {}
    for mention in mentions:
        seen.setdefault(mention.name, None)
    return list(seen)
