"""From an assessed article to findings: story clustering, then novelty per watch-list.

Called once per article by the article task, and by ``portwatch backtest``. State is read and
written only through ``Store``; every decision is one of ``pipeline.novelty``'s pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.assessment import Assessment
from pipeline.clustering import DEFAULT_CLUSTER_POLICY, ClusterPolicy, band_keys, story_signature
from pipeline.config import FigureRules, PortwatchConfig, WatchList
from pipeline.figures import Figure
from pipeline.findings import ArticleRef, Evidence, FigureFact, Finding, PreviousValue
from pipeline.novelty import FactDecision, PortDecision, Source, decide_fact, decide_port
from pipeline.ports import PortMention
from pipeline.sentences import sentence_spans
from pipeline.store import Store

__all__ = ["ArticleSeen", "discover"]

_FLAT = str.maketrans("\r\n\t", "   ")  # one line per evidence sentence, same offsets


@dataclass(frozen=True)
class ArticleSeen:
    """What discovery needs of an article besides its assessment."""

    story: str  # canonical-URL story key
    text: str
    ref: ArticleRef
    seeding: bool = False  # found on a feed's first poll: remember, alert only if asked
    polled_at: float | None = None  # when the poll that saw it ran (alert lag starts there)


def discover(
    article: ArticleSeen,
    assessment: Assessment,
    config: PortwatchConfig,
    store: Store,
    now: float,
    cluster_policy: ClusterPolicy = DEFAULT_CLUSTER_POLICY,
) -> list[Finding]:
    """Findings of one relevant article, for every watch-list it matched (none if irrelevant)."""
    if not assessment.relevant:
        return []
    story, other_outlets = _cluster(article, store, now, cluster_policy)
    source = Source(article.story, article.ref.url, article.ref.outlet, article.ref.title)
    sentences = sentence_spans(article.text)
    rules_by_list = {
        s.watchlist: tuple(m.rule for m in s.matches if m.weight > 0) for s in assessment.scores
    }
    findings: list[Finding] = []
    for watchlist in config.watchlists:
        if watchlist.name not in assessment.watchlists:
            continue
        context = _Context(
            watchlist,
            article,
            source,
            sentences,
            now,
            rules_by_list[watchlist.name],
            tuple(other_outlets),
            story,
        )
        found = _new_findings(context, assessment.mentions, assessment.figures, store)
        if not (article.seeding and not watchlist.alert_on_first_poll):
            findings += found
    return findings


@dataclass(frozen=True)
class _Context:
    watchlist: WatchList
    article: ArticleSeen
    source: Source
    sentences: list[tuple[int, int]]
    now: float
    rules: tuple[str, ...]
    other_outlets: tuple[str, ...]
    story: str

    def evidence(self, start: int, end: int) -> Evidence:
        """The sentence around ``start``, with the highlight's offsets inside it."""
        for s_start, s_end in self.sentences:
            if s_start <= start < s_end:
                raw = self.article.text[s_start:s_end]
                lead = len(raw) - len(raw.lstrip())
                offset = start - s_start - lead
                return Evidence(raw.strip().translate(_FLAT), offset, offset + (end - start))
        return Evidence(self.article.text[start:end], 0, end - start)

    def finding(self, **fields: object) -> Finding:
        return Finding(
            watchlist=self.watchlist.name,
            article=self.article.ref,
            rules=self.rules,
            other_outlets=self.other_outlets,
            found_at=self.article.polled_at or self.now,
            story=self.story,
            **fields,  # type: ignore[arg-type]
        )


def _cluster(
    article: ArticleSeen, store: Store, now: float, policy: ClusterPolicy
) -> tuple[str, list[str]]:
    signature = story_signature(article.text, policy)
    cluster = article.story[:16]
    if signature is not None:
        cluster = store.cluster_for(
            band_keys(signature, policy), article.story, now, policy.window_seconds
        )
    others = store.add_to_story(cluster, article.ref.outlet, now, policy.window_seconds)
    return cluster, others


def _new_findings(
    context: _Context, mentions: Sequence[PortMention], figures: Sequence[Figure], store: Store
) -> list[Finding]:
    """New ports, then new and changed figures, decided together against one watch-list's
    memory: one read and one compare-and-set in Redis however many there are."""
    watchlist = context.watchlist
    ports = _port_candidates(mentions, watchlist)
    facts = _fact_candidates(figures, watchlist.figures)
    ports_key, facts_key = store.ports_key(watchlist.name), store.facts_key(watchlist.name)
    fields = [(ports_key, name) for name in ports] + [(facts_key, f.fact_key) for _, f in facts]
    if not fields:
        return []

    def decide(
        old: Mapping[tuple[str, str], object],
    ) -> tuple[dict[tuple[str, str], object], tuple[list[PortDecision], list[FactDecision]]]:
        # Decided in order, each seeing the ones before: a fact twice in one article is new once.
        memory = dict(old)
        port_decisions = []
        for name in ports:
            old_port = _record(memory[ports_key, name])
            port = decide_port(old_port, context.now, watchlist.lookback, context.source)
            memory[ports_key, name] = port.record
            port_decisions.append(port)
        fact_decisions = []
        for figure, fact in facts:
            decision = decide_fact(
                _record(memory[facts_key, fact.fact_key]),
                fact,
                figure.previous,
                context.now,
                watchlist.figures.min_relative_change,
                context.source,
            )
            memory[facts_key, fact.fact_key] = decision.record
            fact_decisions.append(decision)
        return memory, (port_decisions, fact_decisions)

    port_decisions, fact_decisions = store.update_fields(fields, decide)
    findings = [
        _port_finding(context, ports[name], decision)
        for name, decision in zip(ports, port_decisions, strict=True)
        if decision.is_new
    ]
    findings += [
        _figure_finding(context, figure, fact, decision)
        for (figure, fact), decision in zip(facts, fact_decisions, strict=True)
        if decision.outcome != "same"
    ]
    unique: dict[str, Finding] = {}
    for finding in findings:  # a fact stated twice is one finding (the first evidence)
        unique.setdefault(finding.id, finding)
    return list(unique.values())


def _record(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _port_candidates(
    mentions: Sequence[PortMention], watchlist: WatchList
) -> dict[str, PortMention]:
    """Each port named outside the baseline, with its first mention."""
    first: dict[str, PortMention] = {}
    for mention in mentions:
        if mention.name not in watchlist.baseline_ports:
            first.setdefault(mention.name, mention)
    return first


def _port_finding(context: _Context, mention: PortMention, decision: PortDecision) -> Finding:
    return context.finding(
        kind="new_port",
        port=mention.name,
        figure=None,
        previous=None,
        evidence=context.evidence(mention.start, mention.end),
        novelty_at=float(decision.record["first_seen"]),
    )


def _previous_values(figures: Sequence[Figure]) -> set[int]:
    """Offsets of figures that are only the earlier value of another ("down from 2,000")."""
    skipped = set()
    for figure in figures:
        if figure.previous is None:
            continue
        for other in figures:
            if (
                other is not figure
                and other.value == figure.previous
                and 0 <= other.start - figure.end < 80
            ):
                skipped.add(other.start)
    return skipped


def _figure_matters(figure: Figure, rules: FigureRules) -> bool:
    """Whether a figure can alert for this watch-list (its subject or unit is watched)."""
    if not rules.subjects and not rules.units:
        return True
    subject = figure.subject.lower()
    return figure.unit in rules.units or any(word.lower() in subject for word in rules.subjects)


def _fact_candidates(
    figures: Sequence[Figure], rules: FigureRules
) -> list[tuple[Figure, FigureFact]]:
    """The figures that can alert for this watch-list, as facts (earlier values left out)."""
    skipped = _previous_values(figures)
    return [
        (figure, _fact(figure))
        for figure in figures
        if figure.start not in skipped and _figure_matters(figure, rules)
    ]


def _fact(figure: Figure) -> FigureFact:
    return FigureFact(
        figure.subject, figure.unit, figure.port, figure.value, figure.value_max, figure.text
    )


def _figure_finding(
    context: _Context, figure: Figure, fact: FigureFact, decision: FactDecision
) -> Finding:
    previous = None
    if decision.previous is not None:
        p = decision.previous
        previous = PreviousValue(
            float(p["value"]), p.get("value_max"), p.get("at"), p["url"], p["outlet"]
        )
    return context.finding(
        kind="new_figure" if decision.outcome == "new" else "changed_figure",
        port=figure.port,
        figure=fact,
        previous=previous,
        evidence=context.evidence(figure.start, figure.end),
        novelty_at=float(decision.record["history"][0]["at"]),
    )
