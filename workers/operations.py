"""Operator commands: ``status``, ``quarantine list|replay`` and ``backtest``."""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.assess_io import json_object, read_articles
from pipeline.assessment import Assessor
from pipeline.config import PortwatchConfig
from pipeline.discovery import ArticleSeen, discover
from pipeline.errors import InputError, PortwatchError
from pipeline.findings import ArticleRef
from pipeline.polling import FeedState
from pipeline.redact import Redactor
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.urls import story_key
from workers.localredis import LocalRedis

__all__ = ["backtest", "quarantine_list", "quarantine_replay", "status"]


def _store(settings: Settings) -> Store:
    store = Store.from_url(settings.redis_url)
    store.ping()
    return store


def _when(moment: datetime | float | None) -> str:
    if moment is None:
        return "never"
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    seconds = time.time() - moment.timestamp()
    ago = (
        f"{seconds:.0f}s"
        if seconds < 120
        else f"{seconds / 60:.0f}m"
        if seconds < 7200
        else f"{seconds / 3600:.1f}h"
    )
    return (
        f"{moment:%Y-%m-%d %H:%M:%S}Z ({ago} ago)"
        if seconds >= 0
        else f"{moment:%H:%M:%S}Z (in {-seconds:.0f}s)"
    )


def status(settings: Settings) -> str:
    """A readable account of the running service, from its Redis state."""
    from pipeline.config import load_config
    from workers.app import QUEUES

    store = _store(settings)
    redactor = Redactor()
    lines = [f"Portwatch status — Redis {redactor.text(settings.redis_url)}"]
    config, problems = load_config(settings.config_dir)
    error = store.config_error()
    if problems:
        lines.append(
            f"configuration: {len(problems)} problem(s) in {settings.config_dir} (portwatch check-config)"
        )
    elif error:
        lines.append(f"configuration: last edit rejected, previous one running: {error}")
    else:
        lines.append(f"configuration: OK ({settings.config_dir})")
    lines.append(f"scheduler: last tick {_when(store.last_tick())}")
    lines.append("")
    lines.append("feeds:")
    names = [f.name for f in config.feeds] if config else store.feed_names()
    for name in names:
        state = FeedState.from_dict(store.feed_state(name))
        health = (
            "ok" if state.consecutive_failures == 0 else f"FAILING x{state.consecutive_failures}"
        )
        lines.append(f"  {name:<32} {health:<12} last success {_when(state.last_success)}")
        lines.append(f"  {'':<32} {'':<12} next poll    {_when(state.next_due)}")
        if state.last_error:
            lines.append(f"  {'':<32} last error: {redactor.text(state.last_error)[:160]}")
    depths = ", ".join(f"{q} {store.redis.llen(q)}" for q in QUEUES)
    lines += ["", f"queues: {depths}"]
    lines.append(
        f"pending deliveries: {store.pending_count()}    quarantine: {len(store.quarantined())}"
    )
    lines += ["", "last alerts:"]
    deliveries = store.deliveries(10)
    if not deliveries:
        lines.append("  none yet")
    for entry in deliveries:
        headline = (entry.get("headlines") or [""])[0]
        lines.append(
            f"  {_when(entry['at'])}  {entry['channel']:<12} {entry['outcome']:<10} {headline[:100]}"
        )
    store.close()
    return "\n".join(lines)


def quarantine_list(settings: Settings) -> list[dict[str, Any]]:
    store = _store(settings)
    try:
        return store.quarantined()
    finally:
        store.close()


def quarantine_replay(settings: Settings) -> int:
    """Send every quarantined message again (with its own id, its delivery count reset)."""
    from workers.app import app

    store = _store(settings)
    try:
        entries = store.take_quarantined()
        for entry in entries:
            store.reset_delivery_count(entry["id"])
            app.send_task(
                entry["task"], args=entry["args"], kwargs=entry["kwargs"], task_id=entry["id"]
            )
        return len(entries)
    finally:
        store.close()


# ------------------------------------------------------------------------------ backtest


@contextmanager
def throwaway_redis() -> Iterator[Store]:
    """A private redis-server on a free loopback port, in memory only, gone afterwards."""
    with (
        tempfile.TemporaryDirectory(prefix="portwatch-backtest-") as folder,
        LocalRedis(Path(folder)) as server,
    ):
        store = Store.from_url(server.url())
        try:
            yield store
        finally:
            store.close()


def backtest(config: PortwatchConfig, lines: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    """Replay a corpus in order through assessment and novelty; yield the alerts that would fire.

    Each line: ``{"id", "text", "title"?, "url"?, "lang"?, "outlet"?, "at"?}`` (``at``: unix time
    of publication, to replay look-back windows; default: one minute apart).
    """
    assessor = Assessor.from_config(config)
    start = time.time()
    with throwaway_redis() as store:
        for number, raw, article in read_articles(lines):
            if isinstance(article, InputError):
                yield {"line": number, "error": str(article)}
                continue
            extra = json_object(raw) or {}
            now = float(extra.get("at") or start + 60 * number)
            url = article.url or f"backtest://{article.id}"
            try:
                story = story_key(url)
            except ValueError:
                story = hashlib.sha256(url.encode()).hexdigest()
            assessment = assessor.assess(article.text, article.title, article.lang)
            seen = ArticleSeen(
                story=story,
                text=article.text,
                ref=ArticleRef(
                    url, article.title or "", str(extra.get("outlet") or "backtest"), article.lang
                ),
                polled_at=now,
            )
            try:
                findings = discover(seen, assessment, config, store, now)
            except PortwatchError as exc:
                yield {"line": number, "id": article.id, "error": str(exc)}
                continue
            for finding in findings:
                yield {
                    "line": number,
                    "id": article.id,
                    "headline": finding.headline(),
                    "kind": finding.kind,
                    "watchlist": finding.watchlist,
                    "evidence": finding.evidence.sentence,
                }
