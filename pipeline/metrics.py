"""Prometheus metrics kept in Redis, so every worker process on every machine adds to one set.

Counters are fields of one Redis hash; the ``portwatch_alert_lag_seconds`` histogram keeps its
bucket counts there too. Any process (``portwatch run``, each worker group) can serve
``/metrics`` by reading that hash — no multiprocess files, nothing lost when a child is recycled.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

__all__ = ["LAG_BUCKETS", "Metrics", "RedisCollector"]

_KEY = "pw:metrics"
#: Seconds from the poll that saw an item to its alert delivered.
LAG_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)

COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "portwatch_feed_polls": ("Feed polls by outcome (new, unchanged, error).", ("outcome",)),
    "portwatch_articles_processed": (
        "Articles processed by outcome (assessed, duplicate, refused, failed).",
        ("outcome",),
    ),
    "portwatch_findings": ("Findings by kind (new_port, new_figure, changed_figure).", ("kind",)),
    "portwatch_alerts": (
        "Alerts by channel and outcome (sent, deduplicated, digested, failed).",
        ("channel", "outcome"),
    ),
}


@dataclass(frozen=True)
class Metrics:
    """Writes metric samples to Redis. Cheap: one HINCRBY per event."""

    client: redis.Redis

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        with contextlib.suppress(redis.RedisError):  # metrics never break the pipeline
            self.client.hincrby(_KEY, _field(name, labels), amount)

    def inc_all(self, events: Iterable[tuple[str, Mapping[str, str]]]) -> None:
        """Count several events (name, labels) in one round trip."""
        counts = Counter(_field(name, labels) for name, labels in events)
        pipe = self.client.pipeline(transaction=False)
        for field, amount in counts.items():
            pipe.hincrby(_KEY, field, amount)
        with contextlib.suppress(redis.RedisError):
            pipe.execute()

    def observe_lag(self, seconds: float) -> None:
        pipe = self.client.pipeline(transaction=False)
        for bound in (*LAG_BUCKETS, float("inf")):
            if seconds <= bound:
                pipe.hincrby(_KEY, json.dumps(["lag_bucket", str(bound)]), 1)
        pipe.hincrbyfloat(_KEY, json.dumps(["lag_sum"]), seconds)
        with contextlib.suppress(redis.RedisError):
            pipe.execute()

    def snapshot(self) -> dict[str, Any]:
        raw = self.client.hgetall(_KEY)
        return {_text(k): _text(v) for k, v in raw.items()}


class RedisCollector(Collector):
    """prometheus_client collector reading the shared hash (plus live gauges)."""

    def __init__(self, client: redis.Redis, gauges: Mapping[str, Any] | None = None) -> None:
        self.client = client
        self.gauges = gauges or {}

    def collect(self) -> Iterator[Any]:
        try:
            raw = {_text(k): _text(v) for k, v in self.client.hgetall(_KEY).items()}
        except redis.RedisError:
            raw = {}
        families = {
            name: CounterMetricFamily(name, help_text, labels=list(labels))
            for name, (help_text, labels) in COUNTERS.items()
        }
        buckets: dict[str, float] = {}
        lag_sum = 0.0
        for field, value in raw.items():
            key = json.loads(field)
            if key[0] in families:
                labels = dict(key[1])
                names = COUNTERS[key[0]][1]
                families[key[0]].add_metric([labels.get(n, "") for n in names], float(value))
            elif key[0] == "lag_bucket":
                buckets[key[1]] = float(value)
            elif key[0] == "lag_sum":
                lag_sum = float(value)
        yield from families.values()
        cumulative = [(_le(b), buckets.get(str(b), 0.0)) for b in (*LAG_BUCKETS, float("inf"))]
        histogram = HistogramMetricFamily(
            "portwatch_alert_lag_seconds",
            "Seconds from the poll that saw an item to its alert delivered.",
        )
        histogram.add_metric([], cumulative, lag_sum)
        yield histogram
        for name, source in self.gauges.items():
            yield from _gauge(name, source)


def _field(name: str, labels: Mapping[str, str]) -> str:
    return json.dumps([name, sorted(labels.items())])


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _le(bound: float) -> str:
    return "+Inf" if bound == float("inf") else str(bound)


def _gauge(name: str, source: Any) -> Iterator[GaugeMetricFamily]:
    try:
        help_text, label, values = source()
    except redis.RedisError:
        return
    family = GaugeMetricFamily(name, help_text, labels=[label] if label else [])
    for key, value in values.items():
        family.add_metric([key] if label else [], float(value))
    yield family
