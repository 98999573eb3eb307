"""Scoring an article against one watch-list, with the reasons for every point.

A watch-list compiles once into a ``WatchListScorer``: all its terms (of every language) go into
one Aho–Corasick automaton over folded text (case and accents ignored), so scoring is one pass
over the text plus a little bookkeeping per matched term.

Score = Σ term weights (each distinct term once, a little more when repeated)
      + Σ proximity rules that fire + Σ pattern rules that match
      + Σ exclusion weights (negative) whose ``min_matches`` distinct terms are present.
Relevant = score ≥ threshold, no cancelling exclusion matched, and (with ``require_port``) at
least one port named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import ahocorasick

from pipeline.config import WatchList
from pipeline.ports import PortMention
from pipeline.sentences import sentence_spans
from pipeline.textfold import WordIndex, fold

__all__ = ["RuleMatch", "ScoringText", "WatchListScorer", "WatchScore"]

PORT_TOKEN = "@port"
#: Extra weight for a repeated term, per repeat, up to REPEAT_CAP repeats.
REPEAT_BONUS = 0.25
REPEAT_CAP = 2


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One reason for a score: the rule, its weight and the sentence that shows it."""

    kind: str  # term | proximity | pattern | exclusion
    rule: str
    weight: float
    evidence: str

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "weight": round(self.weight, 2),
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class WatchScore:
    watchlist: str
    score: float
    threshold: float
    relevant: bool
    matches: tuple[RuleMatch, ...]
    cancelled_by: str | None = None
    missing_port: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "watchlist": self.watchlist,
            "score": round(self.score, 2),
            "threshold": self.threshold,
            "relevant": self.relevant,
            "cancelled_by": self.cancelled_by,
            "missing_port": self.missing_port,
            "matches": [m.to_json() for m in self.matches],
        }


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


@dataclass
class ScoringText:
    """One article prepared once for every watch-list: folded text, words, sentences, ports."""

    text: str
    ports: Sequence[PortMention]
    #: Characters of ``text`` that are the headline (0: none); matches there weigh more.
    title_end: int = 0
    #: Canonical port name → ISO country, for watch-lists limited to some countries.
    countries: Mapping[str, str] = field(default_factory=dict)
    folded: str = field(init=False)
    words: WordIndex = field(init=False)
    sentences: list[tuple[int, int]] = field(init=False)

    def __post_init__(self) -> None:
        self.folded = fold(self.text)
        self.words = WordIndex(self.text)
        self.sentences = sentence_spans(self.text)

    def sentence_at(self, offset: int) -> str:
        for start, end in self.sentences:
            if start <= offset < end:
                return " ".join(self.text[start:end].split())
        return ""


class WatchListScorer:
    """A compiled watch-list."""

    def __init__(self, watchlist: WatchList) -> None:
        self.watchlist = watchlist
        self._terms: dict[str, _Term] = {}
        self._weights: dict[str, float] = {}
        for by_term in watchlist.terms.values():
            for raw, weight in by_term.items():
                term = _parse_term(raw)
                # The same term listed under two languages counts once, at its highest weight.
                self._weights[term.text] = max(weight, self._weights.get(term.text, weight))
                self._terms[term.text] = term
        rule_terms: list[str] = []
        for rule in watchlist.proximity:
            rule_terms += [t for t in (*rule.near, *rule.to) if t != PORT_TOKEN]
        for exclusion in watchlist.exclusions:
            rule_terms += list(exclusion.terms)
        for raw in rule_terms:
            self._terms.setdefault(raw.strip(), _parse_term(raw))
        self._automaton = _build_automaton(self._terms.values())
        self._patterns = [(p, re.compile(p.regex, re.IGNORECASE)) for p in watchlist.patterns]

    @property
    def name(self) -> str:
        return self.watchlist.name

    def find_terms(self, prepared: ScoringText) -> dict[str, list[int]]:
        """Term (as written) → start offsets of its matches in the text."""
        found: dict[str, list[int]] = {}
        if len(self._automaton) == 0:
            return found
        folded = prepared.folded
        length = len(folded)
        spans: list[tuple[int, int, str]] = []
        for end_index, terms in self._automaton.iter(folded):
            for term in terms:
                start = end_index - len(term.stem) + 1
                if start > 0 and _is_word_char(folded[start - 1]):
                    continue
                end = end_index + 1
                if not term.prefix and end < length and _is_word_char(folded[end]):
                    continue
                spans.append((start, end, term.text))
        # A term inside a longer matched term ("asylum" in "asylum seekers") does not count twice.
        spans.sort(key=lambda span: (span[0], -span[1]))
        reach = -1
        for start, end, text in spans:
            if end <= reach:
                continue
            reach = max(reach, end)
            found.setdefault(text, []).append(start)
        return found

    def ports_of_interest(self, prepared: ScoringText) -> list[PortMention]:
        """Port mentions this watch-list counts (all, or those in its countries)."""
        countries = self.watchlist.port_countries
        if not countries:
            return list(prepared.ports)
        return [m for m in prepared.ports if prepared.countries.get(m.name) in countries]

    def score(self, prepared: ScoringText) -> WatchScore:
        found = self.find_terms(prepared)
        ports = self.ports_of_interest(prepared)
        matches: list[RuleMatch] = []
        for term_text, weight in self._weights.items():
            offsets = found.get(term_text)
            if offsets:
                bonus = 1 + REPEAT_BONUS * min(len(offsets) - 1, REPEAT_CAP)
                if offsets[0] < prepared.title_end:
                    bonus *= self.watchlist.title_weight
                evidence = prepared.sentence_at(offsets[0])
                matches.append(RuleMatch("term", term_text, weight * bonus, evidence))
        matches += self._proximity(prepared, found, ports)
        matches += self._pattern_matches(prepared)
        exclusions, cancelled_by = self._exclusions(prepared, found)
        matches += exclusions
        total = sum(m.weight for m in matches)
        missing_port = self.watchlist.require_port and not ports
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
        self, prepared: ScoringText, found: dict[str, list[int]], ports: Sequence[PortMention]
    ) -> list[RuleMatch]:
        result = []
        port_offsets = [m.start for m in ports]
        for rule in self.watchlist.proximity:
            near = sorted(o for t in rule.near for o in found.get(t.strip(), ()))
            to: list[int] = []
            for t in rule.to:
                to += port_offsets if t == PORT_TOKEN else found.get(t.strip(), [])
            hit = _closest_within(prepared.words, near, sorted(to), rule.within)
            if hit is not None:
                label = rule.name or f"{'/'.join(rule.near)} near {'/'.join(rule.to)}"
                result.append(RuleMatch("proximity", label, rule.weight, prepared.sentence_at(hit)))
        return result

    def _pattern_matches(self, prepared: ScoringText) -> list[RuleMatch]:
        result = []
        for rule, pattern in self._patterns:
            match = pattern.search(prepared.text)
            if match:
                result.append(
                    RuleMatch(
                        "pattern", rule.name, rule.weight, prepared.sentence_at(match.start())
                    )
                )
        return result

    def _exclusions(
        self, prepared: ScoringText, found: dict[str, list[int]]
    ) -> tuple[list[RuleMatch], str | None]:
        result = []
        cancelled_by = None
        for rule in self.watchlist.exclusions:
            present = [t for t in rule.terms if found.get(t.strip())]
            if len(present) < rule.min_matches:
                continue
            evidence = prepared.sentence_at(found[present[0].strip()][0])
            label = f"{rule.name} ({', '.join(present[:4])})"
            result.append(RuleMatch("exclusion", label, rule.weight, evidence))
            if rule.cancel:
                cancelled_by = rule.name
        return result, cancelled_by


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _build_automaton(terms: Iterable[_Term]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    by_stem: dict[str, list[_Term]] = {}
    for term in terms:
        if term.stem:
            by_stem.setdefault(term.stem, []).append(term)
    for stem, group in by_stem.items():
        automaton.add_word(stem, tuple(group))
    if by_stem:
        automaton.make_automaton()
    return automaton


def _closest_within(words: WordIndex, near: list[int], to: list[int], within: int) -> int | None:
    """Offset of a ``near`` match within ``within`` words of a ``to`` match, if any."""
    if not near or not to:
        return None
    to_words = [words.word_at(o) for o in to]
    j = 0
    for offset in near:
        word = words.word_at(offset)
        while j + 1 < len(to_words) and to_words[j + 1] <= word:
            j += 1
        for k in (j, j + 1):
            if k < len(to_words) and 0 < abs(to_words[k] - word) <= within:
                return offset
    return None
