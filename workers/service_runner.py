"""``portwatch run``: the whole service in one process — Celery worker with beat embedded.

A monitor that silently stops polling is the worst failure. Celery replaces a dead pool process
by itself; for the embedded scheduler a watchdog thread checks that beat's tick keeps running
and, if it has stopped while Redis answers, exits non-zero so that the supervisor restarts us.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import redis

from pipeline.errors import StateError
from pipeline.logs import configure_logging, get_logger
from pipeline.redact import Redactor
from pipeline.settings import Settings
from pipeline.store import Store

__all__ = ["WATCHDOG_STALE", "run_service"]

log = get_logger("portwatch.run")

#: Seconds without a beat tick (while Redis answers) after which the process exits (70).
WATCHDOG_STALE = float(os.environ.get("PORTWATCH_WATCHDOG_STALE", "120"))
EXIT_SCHEDULER_STOPPED = 70


def _check_redis(store: Store, url: str) -> None:
    try:
        store.ping()
    except StateError:
        raise StateError(
            f"Redis is not reachable at {Redactor().text(url)}; start redis-server"
            " (bash scripts/portwatch.sh run starts one) or set REDIS_URL"
        ) from None
    try:
        info = store.redis.config_get("appendonly")
        policy = store.redis.config_get("maxmemory-policy")
    except redis.RedisError:
        return  # CONFIG may be disabled on managed Redis; nothing to check then
    if info.get("appendonly") != "yes" or policy.get("maxmemory-policy") != "noeviction":
        log.warning(
            "Redis is not running with AOF and noeviction: after a crash recent state may be"
            " lost, and under memory pressure keys may be evicted",
            appendonly=info.get("appendonly"),
            maxmemory_policy=policy.get("maxmemory-policy"),
        )


def _watchdog(store: Store, started: float) -> None:
    while True:
        time.sleep(max(5.0, WATCHDOG_STALE / 6))
        try:
            last = store.last_tick()
        except redis.RedisError:
            continue  # Redis down: Celery reconnects; not the scheduler's fault
        reference = last if last is not None else started
        if time.time() - reference > WATCHDOG_STALE:
            log.error(
                "the scheduler has stopped ticking; exiting so the supervisor restarts Portwatch",
                seconds_since_tick=round(time.time() - reference),
            )
            os._exit(EXIT_SCHEDULER_STOPPED)


def run_service(settings: Settings, concurrency: int = 2) -> int:
    configure_logging(settings.log_format)
    # Worker processes and the Celery app read the same settings from the environment.
    os.environ["PORTWATCH_CONFIG_DIR"] = str(settings.config_dir)
    os.environ["REDIS_URL"] = settings.redis_url
    store = Store.from_url(settings.redis_url)
    _check_redis(store, settings.redis_url)

    from pipeline.config import load_config_skipping_broken_watchlists

    config, _ = load_config_skipping_broken_watchlists(settings.config_dir)
    metrics = settings.metrics_port != 0
    log.info(
        "Portwatch starting",
        config=str(settings.config_dir),
        feeds=len(config.feeds),
        watchlists=[w.name for w in config.watchlists],
        channels=sorted(config.channels),
        metrics=f"http://{settings.metrics_addr}:{settings.metrics_port}/metrics"
        if metrics
        else "off",
    )
    if list(config.channels) == ["console"]:
        log.info(
            "no Slack or e-mail channel configured: alerts are printed and appended to "
            + str(getattr(config.channels["console"], "path", "var/alerts.jsonl"))
        )

    from workers.app import QUEUES, app

    threading.Thread(
        target=_watchdog, args=(store, time.time()), daemon=True, name="watchdog"
    ).start()
    worker = app.Worker(
        beat=True,
        queues=list(QUEUES),
        concurrency=concurrency,
        pool="prefork",
        loglevel="INFO",
        hostname=f"portwatch@{socket.gethostname()}",
        without_gossip=True,
        without_mingle=True,
        without_heartbeat=True,
    )
    worker.start()
    return int(worker.exitcode or 0)
