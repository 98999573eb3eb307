"""Scoring an article against watch-lists, with the reasons for every point.

The terms of every watch-list go into one Aho–Corasick automaton (``TermIndex``) over folded
text (case and accents ignored): an article is scanned once whatever the number of watch-lists,
then each ``WatchListScorer`` keeps the matches of its own terms.

Score = Σ term weights (each distinct term once, a little more when repeated, more in the title)
      + Σ proximity rules that fire + Σ pattern rules that match
      + Σ exclusion weights (negative) whose ``min_matches`` distinct terms are present.
Relevant = score ≥ threshold, no cancelling exclusion matched, and (with ``require_port``) at
least one port named (in ``port_countries``, when set).

Reasons carry the character offset that shows them; the sentence around it is looked up only
when a person asks (``portwatch assess --explain``), not on the hot path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from pipeline.automata import automaton
from pipeline.config import WatchList
from pipeline.textfold import fold

__all__ = ["RuleMatch", "ScoringText", "TermIndex", "WatchListScorer", "WatchScore"]

PORT_TOKEN = "@port"
#: Extra weight for a repeated term, per repeat, up to REPEAT_CAP repeats.
REPEAT_BONUS = 0.25
REPEAT_CAP = 2
#: No word in the languages we read is longer than this, so two offsets further apart than
#: ``within × MAX_WORD_SPAN`` characters cannot be ``within`` words apart: no counting needed.
MAX_WORD_SPAN = 40


class RuleMatch(NamedTuple):
    """One reason for a score: the rule, its weight, and where in the text it shows.

    A named tuple: an article has a dozen or more, built far faster than a frozen dataclass.
    """

    kind: str  # term | proximity | pattern | exclusion
    rule: str
    weight: float
    offset: int  # into the scored text (headline, blank line, article text)


@dataclass(frozen=True, slots=True)
class WatchScore:
    watchlist: str
    score: float
    threshold: float
    relevant: bool
    matches: tuple[RuleMatch, ...]
    cancelled_by: str | None = None
    missing_port: bool = False


@dataclass(frozen=True, slots=True)
class _Term:
    text: str  # as the ops team wrote it
    stem: str  # folded, without the trailing *
    prefix: bool


def _parse_term(term: str) -> _Term:
    stripped = term.strip()
    prefix = stripped.endswith("*")
    stem = fold(stripped.rstrip("*").strip())
    return _Term(stripped, " ".join(stem.split()), prefix)


Span = tuple[int, int, str]  # start, end, term as written


class TermIndex:
    """Every term of every watch-list, found in one pass over the folded text."""

    def __init__(self, terms: Iterable[str]) -> None:
        by_stem: dict[str, list[_Term]] = {}
        # Sorted: of two terms that fold alike ("cinema", "cinéma") the same one is reported
        # in every process, whatever order the watch-lists' term sets iterate in.
        for raw in sorted(set(terms)):
            term = _parse_term(raw)
            if term.stem and term not in by_stem.get(term.stem, []):
                by_stem.setdefault(term.stem, []).append(term)
        # Per stem: the terms it reports at the end of a word, and those it reports within one
        # (``*`` terms), each in reverse order (``spans`` reverses its list).
        self._whole = tuple(tuple(t.text for t in reversed(g)) for g in by_stem.values())
        self._within = tuple(
            tuple(t.text for t in reversed(g) if t.prefix) for g in by_stem.values()
        )
        self._automaton = automaton(list(by_stem))

    def spans(self, folded: str) -> list[Span]:
        """Matches on word boundaries (a ``*`` term may run on), sorted by start, longest first."""
        length = len(folded)
        whole, within = self._whole, self._within
        spans: list[Span] = []
        for index, start, end in self._automaton.find_matches_as_indexes(folded, overlapping=True):
            # Word characters tested in place: a function call per hit costs more than the test.
            if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue  # inside a word: most hits
            ends_word = end == length or not (folded[end].isalnum() or folded[end] == "_")
            for text in whole[index] if ends_word else within[index]:
                spans.append((start, end, text))
        # The automaton reports matches by end: reversed, then sorted by start (a stable sort,
        # keyed in C), they come longest first at each start, terms of a stem in their order.
        spans.reverse()
        spans.sort(key=itemgetter(0))
        return spans


@dataclass
class ScoringText:
    """One article prepared once for every watch-list: folded text, term matches, ports."""

    text: str
    #: The ports named: canonical name and offset in ``text`` (offsets only: the assessment
    #: does not rebuild every mention of the article's text for the headline before it).
    ports: Sequence[tuple[str, int]]
    index: TermIndex
    #: Characters of ``text`` that are the headline (0: none); matches there weigh more.
    title_end: int = 0
    #: Canonical port name → ISO country, for watch-lists limited to some countries.
    countries: Mapping[str, str] = field(default_factory=dict)
    spans: list[Span] = field(init=False)

    def __post_init__(self) -> None:
        self.spans = self.index.spans(fold(self.text))


@functools.cache
def _few_words(most: int) -> re.Pattern[str]:
    """Text of one to ``most`` words (word-character runs). Possessive: a word is never split."""
    return re.compile(rf"\W*+(?:\w++\W*+){{1,{most}}}+")


class WatchListScorer:
    """A compiled watch-list."""

    def __init__(self, watchlist: WatchList) -> None:
        self.watchlist = watchlist
        self._weights: dict[str, float] = {}
        for by_term in watchlist.terms.values():
            for raw, weight in by_term.items():
                text = raw.strip()
                # The same term listed under two languages counts once, at its highest weight.
                self._weights[text] = max(weight, self._weights.get(text, weight))
        self._term_order = {text: i for i, text in enumerate(self._weights)}
        rule_terms = [t.strip() for r in watchlist.proximity for t in (*r.near, *r.to)]
        rule_terms += [t.strip() for e in watchlist.exclusions for t in e.terms]
        self.terms = frozenset(self._weights) | {t for t in rule_terms if t != PORT_TOKEN}
        self._patterns = [(p, re.compile(p.regex, re.IGNORECASE)) for p in watchlist.patterns]
        self._port_countries = frozenset(watchlist.port_countries)
        # Rule terms as ``find_terms`` reports them (stripped), prepared once, not per article.
        # An article matches a score of terms or so: the rules are checked against those, not
        # term by term (the shipped rules list a hundred terms or more).
        self._proximity_terms = [
            (
                rule,
                frozenset(t.strip() for t in rule.near),
                frozenset(t.strip() for t in rule.to if t != PORT_TOKEN),
                PORT_TOKEN in rule.to,
            )
            for rule in watchlist.proximity
        ]
        self._exclusion_terms = [
            (
                rule,
                tuple((t, t.strip()) for t in rule.terms),
                frozenset(t.strip() for t in rule.terms),
            )
            for rule in watchlist.exclusions
        ]

    @property
    def name(self) -> str:
        return self.watchlist.name

    def find_terms(self, prepared: ScoringText) -> dict[str, list[int]]:
        """This watch-list's terms → start offsets. A term inside a longer matched term of the
        same watch-list ("asylum" in "asylum seekers") does not count twice."""
        found: dict[str, list[int]] = {}
        reach = -1
        terms = self.terms
        for start, end, text in prepared.spans:
            if end > reach and text in terms:
                reach = end
                offsets = found.get(text)
                if offsets is None:
                    found[text] = [start]
                else:
                    offsets.append(start)
        return found

    def port_offsets(self, prepared: ScoringText) -> list[int]:
        """Offsets of the port mentions this watch-list counts (all, or those in its countries)."""
        countries = self._port_countries
        if not countries:
            return [offset for _, offset in prepared.ports]
        where = prepared.countries
        return [offset for name, offset in prepared.ports if where.get(name) in countries]

    def score(self, prepared: ScoringText) -> WatchScore:
        found = self.find_terms(prepared)
        port_offsets = self.port_offsets(prepared)
        matches: list[RuleMatch] = []
        # The weighted terms found, in the watch-list's order (fewer than all its terms).
        weighted = sorted(
            (t for t in found if t in self._weights), key=self._term_order.__getitem__
        )
        for term_text in weighted:
            offsets = found[term_text]  # never empty
            bonus = 1 + REPEAT_BONUS * min(len(offsets) - 1, REPEAT_CAP)
            if offsets[0] < prepared.title_end:
                bonus *= self.watchlist.title_weight
            weight = self._weights[term_text] * bonus
            # ``tuple.__new__``: the named tuple's own ``__new__`` is a Python function.
            matches.append(tuple.__new__(RuleMatch, ("term", term_text, weight, offsets[0])))
        matches += self._proximity(prepared, found, port_offsets)
        matches += self._pattern_matches(prepared)
        exclusions, cancelled_by = self._exclusions(found)
        matches += exclusions
        total = sum(m.weight for m in matches)
        missing_port = self.watchlist.require_port and not port_offsets
        relevant = total >= self.watchlist.threshold and cancelled_by is None and not missing_port
        return WatchScore(
            self.name,
            total,
            self.watchlist.threshold,
            relevant,
            tuple(matches),
            cancelled_by,
            missing_port,
        )

    def _proximity(
        self, prepared: ScoringText, found: dict[str, list[int]], port_offsets: list[int]
    ) -> list[RuleMatch]:
        result = []
        for rule, near_terms, to_terms, to_ports in self._proximity_terms:
            if near_terms.isdisjoint(found):
                continue
            # The offsets of the rule's terms found, gathered in C; sorted, so the order the
            # terms come in does not matter.
            near = sorted(
                chain.from_iterable(map(found.__getitem__, near_terms.intersection(found)))
            )
            to = list(chain.from_iterable(map(found.__getitem__, to_terms.intersection(found))))
            if to_ports:
                to += port_offsets
            hit = _closest_within(prepared, near, sorted(to), rule.within)
            if hit is not None:
                label = rule.name or f"{'/'.join(rule.near)} near {'/'.join(rule.to)}"
                result.append(RuleMatch("proximity", label, rule.weight, hit))
        return result

    def _pattern_matches(self, prepared: ScoringText) -> list[RuleMatch]:
        result = []
        for rule, pattern in self._patterns:
            match = pattern.search(prepared.text)
            if match:
                result.append(RuleMatch("pattern", rule.name, rule.weight, match.start()))
        return result

    def _exclusions(self, found: dict[str, list[int]]) -> tuple[list[RuleMatch], str | None]:
        result = []
        cancelled_by = None
        for rule, terms, term_set in self._exclusion_terms:
            if term_set.isdisjoint(found):
                continue  # most rules: no term of theirs at all (``min_matches`` is at least 1)
            present = [(t, stripped) for t, stripped in terms if stripped in found]
            if len(present) < rule.min_matches:
                continue
            label = f"{rule.name} ({', '.join(t for t, _ in present[:4])})"
            result.append(RuleMatch("exclusion", label, rule.weight, found[present[0][1]][0]))
            if rule.cancel:
                cancelled_by = rule.name
        return result, cancelled_by


def _closest_within(
    prepared: ScoringText, near: list[int], to: list[int], within: int
) -> int | None:
    """Offset of a ``near`` match within ``within`` words of a ``to`` match, if any."""
    reach = within * MAX_WORD_SPAN
    # One to ``within`` words between the two offsets, the regex called in place.
    few_words = _few_words(within).fullmatch
    text = prepared.text
    for offset in near:
        for other in to:
            if other - offset > reach:
                break
            if offset - other > reach or other == offset:
                continue
            low, high = (other, offset) if other < offset else (offset, other)
            if few_words(text, low, high) is not None:
                return offset
    return None
