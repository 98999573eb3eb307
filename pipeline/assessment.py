"""Assessing one article: relevance per watch-list, ports named, figures reported.

``Assessor`` is built once per configuration (gazetteer automaton, compiled watch-lists) and is
then a pure function of the article. Ports and figures are reported for every article, relevant
or not; they come from the article's text only (the title is scored, not mined), so offsets
always point into ``text``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.config import PortEntry, PortwatchConfig, WatchList
from pipeline.figures import Figure, extract_figures
from pipeline.ports import Gazetteer, PortMention, PortRecord, unique_names
from pipeline.scoring import ScoringText, TermIndex, WatchListScorer, WatchScore
from pipeline.sentences import sentence_spans

__all__ = ["DEFAULT_ASSESS_POLICY", "AssessPolicy", "Assessment", "Assessor", "gazetteer_from"]

#: Languages whose number words the figure reader knows; other codes fall back to all of them.
KNOWN_LANGUAGES = frozenset({"en", "fr", "nl", "es", "de"})


@dataclass(frozen=True)
class AssessPolicy:
    """Bounds that keep one hostile article from stalling a worker."""

    #: Characters of text assessed; the rest is ignored (and the assessment says so). A real
    #: article is under 100 000 characters; this bound keeps a 5 MB junk text to about a second.
    max_text_chars: int = 400_000
    max_title_chars: int = 1_000


DEFAULT_ASSESS_POLICY = AssessPolicy()


@dataclass(frozen=True)
class Assessment:
    relevant: bool
    score: float
    watchlists: tuple[str, ...]
    ports: tuple[str, ...]
    mentions: tuple[PortMention, ...]
    figures: tuple[Figure, ...]
    scores: tuple[WatchScore, ...]
    warnings: tuple[str, ...] = ()
    #: The headline, a blank line and the text, as scored: rule offsets point into it.
    scored_text: str = ""

    def evidence(self, offset: int) -> str:
        """The sentence of the scored text around ``offset`` (what a rule matched)."""
        for start, end in sentence_spans(self.scored_text):
            if start <= offset < end:
                return " ".join(self.scored_text[start:end].split())
        return ""

    def to_json(self, article_id: object) -> dict[str, object]:
        """The ``portwatch assess`` output object (the contract's keys, in its order)."""
        result: dict[str, object] = {
            "id": article_id,
            "relevant": self.relevant,
            "score": round(self.score, 2),
            "watchlists": list(self.watchlists),
            "ports": list(self.ports),
            "figures": [f.to_json() for f in self.figures],
        }
        if self.warnings:
            result["warnings"] = list(self.warnings)
        return result


def gazetteer_from(entries: Sequence[PortEntry]) -> Gazetteer:
    return Gazetteer(
        PortRecord(e.name, e.aliases, e.not_in, e.needs_context, e.company_aliases) for e in entries
    )


class Assessor:
    """Assesses articles against every watch-list of one configuration."""

    def __init__(
        self,
        watchlists: Sequence[WatchList],
        gazetteer: Gazetteer,
        policy: AssessPolicy = DEFAULT_ASSESS_POLICY,
        *,
        countries: Mapping[str, str] | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.scorers = tuple(WatchListScorer(w) for w in watchlists)
        self.terms = TermIndex(term for scorer in self.scorers for term in scorer.terms)
        self.policy = policy
        self.countries = dict(countries or {})

    @classmethod
    def from_config(cls, config: PortwatchConfig) -> Assessor:
        countries = {p.name: p.country for p in config.ports}
        return cls(config.watchlists, gazetteer_from(config.ports), countries=countries)

    def assess(self, text: str, title: str | None = None, lang: str | None = None) -> Assessment:
        warnings: list[str] = []
        if len(text) > self.policy.max_text_chars:
            warnings.append(
                f"text has {len(text)} characters; only the first"
                f" {self.policy.max_text_chars} were assessed"
            )
            text = text[: self.policy.max_text_chars]
        language = _language(lang, warnings)
        mentions = self.gazetteer.find(text)
        title_text = (title or "")[: self.policy.max_title_chars]
        figures = extract_figures(text, language, mentions)
        scored_text = f"{title_text}\n\n{text}" if title_text else text
        shift = len(scored_text) - len(text)
        title_mentions = self.gazetteer.find(title_text) if title_text else []
        ports = [(m.name, m.start) for m in title_mentions]
        ports += [(m.name, m.start + shift) for m in mentions]
        prepared = ScoringText(
            scored_text,
            ports,
            self.terms,
            title_end=len(title_text),
            countries=self.countries,
        )
        scores = tuple(s.score(prepared) for s in self.scorers)
        matched = tuple(s.watchlist for s in scores if s.relevant)
        return Assessment(
            relevant=bool(matched),
            score=max((s.score for s in scores), default=0.0),
            watchlists=matched,
            ports=tuple(unique_names(mentions)),
            mentions=tuple(mentions),
            figures=tuple(figures),
            scores=scores,
            warnings=tuple(warnings),
            scored_text=scored_text,
        )


def _language(lang: str | None, warnings: list[str]) -> str | None:
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code in KNOWN_LANGUAGES:
        return code
    warnings.append(f"lang {lang!r} is not one Portwatch reads number words for; tried them all")
    return None
