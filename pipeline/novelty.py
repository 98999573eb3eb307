"""What "new" means: pure decisions over the remembered state of a watch-list.

Each decision takes the stored record (or None), the observation and the time, and returns the
record to store and the outcome. The store applies a decision atomically (optimistic
transaction), so two workers seeing Dunkirk at once produce one new-port finding.

Re-running the same article (a redelivered task) must give the same outcome, or a finding whose
worker died before delivery would be lost: records remember which article made them new, and
that article gets the same answer again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pipeline.findings import FigureFact

__all__ = ["FactDecision", "PortDecision", "decide_fact", "decide_port", "relative_change"]

Record = dict[str, Any]
#: Values kept per figure fact, newest first: enough to show a trend, bounded memory.
HISTORY_LENGTH = 5


@dataclass(frozen=True)
class Source:
    """Where an observation comes from."""

    article: str  # story key of the article
    url: str
    outlet: str
    title: str


@dataclass(frozen=True)
class PortDecision:
    record: Record
    is_new: bool
    previous_seen: float | None  # last time it was seen before, when it is new again


def decide_port(old: Record | None, now: float, lookback: float, source: Source) -> PortDecision:
    """A port is new when never seen for this watch-list, or not within the look-back window."""
    if old is not None and old.get("new_by") == source.article:
        return PortDecision(old, True, old.get("previous_seen"))  # the same article, run again
    fresh = {
        "first_seen": now,
        "last_seen": now,
        "url": source.url,
        "outlet": source.outlet,
        "title": source.title,
        "new_by": source.article,
    }
    if old is None:
        return PortDecision({**fresh, "previous_seen": None}, True, None)
    last_seen = float(old.get("last_seen", 0.0))
    if now - last_seen > lookback:
        return PortDecision({**fresh, "previous_seen": last_seen}, True, last_seen)
    return PortDecision({**old, "last_seen": max(now, last_seen)}, False, None)


FactOutcome = Literal["new", "changed", "same"]


@dataclass(frozen=True)
class FactDecision:
    record: Record
    outcome: FactOutcome
    previous: Record | None  # {"value", "value_max", "at", "url", "outlet"} for a changed figure


def relative_change(old: float, new: float) -> float:
    if old == new:
        return 0.0
    base = max(abs(old), abs(new))
    return abs(new - old) / base if base else 0.0


def decide_fact(
    old: Record | None,
    figure: FigureFact,
    reported_previous: float | None,
    now: float,
    min_relative_change: float,
    source: Source,
) -> FactDecision:
    """New figure fact, changed value of a known fact, or the same value again.

    ``reported_previous`` is the earlier value the article itself gives ("150 a night, down from
    2,000"); it makes a first sighting a *changed* figure whose previous value is that one.
    """
    if old is not None and old.get("decided_by") == source.article:
        return FactDecision(old, old["outcome"], old.get("previous"))
    entry = {
        "value": figure.value,
        "value_max": figure.value_max,
        "at": now,
        "url": source.url,
        "outlet": source.outlet,
    }
    history = list(old.get("history", [])) if old else []
    if old is None:
        previous = None
        outcome: FactOutcome = "new"
        if reported_previous is not None and reported_previous != figure.value:
            previous = {
                "value": reported_previous,
                "value_max": None,
                "at": None,
                "url": source.url,
                "outlet": source.outlet,
            }
            outcome = "changed"
    else:
        last = history[0]
        change = relative_change(float(last["value"]), figure.value)
        if change < min_relative_change or change == 0.0:
            kept = {**old, "history": [{**last, "at": now}, *history[1:]]}
            return FactDecision(kept, "same", None)
        previous = last
        outcome = "changed"
    record = {
        "history": [entry, *history][:HISTORY_LENGTH],
        "decided_by": source.article,
        "outcome": outcome,
        "previous": previous,
    }
    return FactDecision(record, outcome, previous)
