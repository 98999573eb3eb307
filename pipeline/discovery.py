"""From an assessed article to findings: story clustering, then novelty per watch-list.

Called once per article by the article task, and by ``portwatch backtest``. State is read and
written only through ``Store``; every decision is one of ``pipeline.novelty``'s pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

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
        found = _new_ports(context, assessment.mentions, store) + _new_figures(
            context, assessment.figures, store
        )
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


def _new_ports(context: _Context, mentions: Sequence[PortMention], store: Store) -> list[Finding]:
    findings = []
    first: dict[str, PortMention] = {}
    for mention in mentions:
        first.setdefault(mention.name, mention)
    lookback = context.watchlist.lookback
    for name, mention in first.items():
        if name in context.watchlist.baseline_ports:
            continue
        decision = store.update_field(
            store.ports_key(context.watchlist.name),
            name,
            lambda old: _port_result(old, context.now, lookback, context.source),
        )
        if decision.is_new:
            findings.append(
                context.finding(
                    kind="new_port",
                    port=name,
                    figure=None,
                    previous=None,
                    evidence=context.evidence(mention.start, mention.end),
                    novelty_at=float(decision.record["first_seen"]),
                )
            )
    return findings


def _port_result(
    old: object, now: float, lookback: float, source: Source
) -> tuple[object, PortDecision]:
    decision = decide_port(old if isinstance(old, dict) else None, now, lookback, source)
    return decision.record, decision


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


def _new_figures(context: _Context, figures: Sequence[Figure], store: Store) -> list[Finding]:
    findings = []
    rules = context.watchlist.figures
    skipped = _previous_values(figures)
    for figure in figures:
        if figure.start in skipped:
            continue
        if not _figure_matters(figure, rules):
            continue
        fact = FigureFact(
            figure.subject, figure.unit, figure.port, figure.value, figure.value_max, figure.text
        )
        decide = partial(
            _fact_result,
            fact=fact,
            reported_previous=figure.previous,
            context=context,
            min_change=rules.min_relative_change,
        )
        decision = store.update_field(
            store.facts_key(context.watchlist.name), fact.fact_key, decide
        )
        if decision.outcome == "same":
            continue
        previous = None
        if decision.previous is not None:
            p = decision.previous
            previous = PreviousValue(
                float(p["value"]), p.get("value_max"), p.get("at"), p["url"], p["outlet"]
            )
        findings.append(
            context.finding(
                kind="new_figure" if decision.outcome == "new" else "changed_figure",
                port=figure.port,
                figure=fact,
                previous=previous,
                evidence=context.evidence(figure.start, figure.end),
                novelty_at=float(decision.record["history"][0]["at"]),
            )
        )
    return findings


def _fact_result(
    old: object,
    fact: FigureFact,
    reported_previous: float | None,
    context: _Context,
    min_change: float,
) -> tuple[object, FactDecision]:
    decision = decide_fact(
        old if isinstance(old, dict) else None,
        fact,
        reported_previous,
        context.now,
        min_change,
        context.source,
    )
    return decision.record, decision
