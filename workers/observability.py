"""Sentry (only when SENTRY_DSN is set) and the Prometheus /metrics endpoint."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pipeline.config import load_config
from pipeline.logs import get_logger
from pipeline.notifiers import channel_secrets
from pipeline.redact import Redactor
from pipeline.settings import Settings

__all__ = ["init_sentry", "make_before_send", "serve_metrics"]

log = get_logger("portwatch.observability")

_SECRET_SUFFIXES = ("_TOKEN", "_PASSWORD", "_SECRET", "_DSN", "_KEY")


def _secrets(settings: Settings, environ: Mapping[str, str]) -> list[str]:
    secrets = [settings.sentry_dsn] if settings.sentry_dsn else []
    config, _ = load_config(settings.config_dir)
    if config is not None:
        secrets += channel_secrets(config.channels, environ)
    # A variable whose name says it is secret is treated as one even if no channel uses it yet.
    secrets += [
        value
        for name, value in environ.items()
        if name.endswith(_SECRET_SUFFIXES) or (name.startswith("PORTWATCH_") and "://" in value)
    ]
    return [s for s in secrets if s]


def make_before_send(redactor: Redactor) -> Any:
    """A Sentry ``before_send``/``before_breadcrumb`` hook that redacts every string in the event."""

    def scrub(event: dict[str, Any], hint: Any) -> dict[str, Any]:
        del hint
        return redactor.deep(event)  # type: ignore[no-any-return]

    return scrub


def init_sentry(
    settings: Settings, environ: Mapping[str, str] | None = None, **options: Any
) -> bool:
    """Start Sentry with the Celery integration when ``SENTRY_DSN`` is set; True if started."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration

    env = dict(os.environ if environ is None else environ)
    redactor = Redactor(_secrets(settings, env))
    scrub = make_before_send(redactor)
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        integrations=[CeleryIntegration()],
        include_local_variables=False,  # task arguments and locals may hold URLs with tokens
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=scrub,
        traces_sample_rate=0.0,
        **options,
    )
    return True


def serve_metrics(settings: Settings) -> Any:
    """Serve /metrics on PORTWATCH_METRICS_PORT (0: off); returns the server or None."""
    if settings.metrics_port == 0:
        return None
    import redis
    from prometheus_client import CollectorRegistry, start_http_server

    from pipeline.metrics import RedisCollector

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5)

    def queue_depths() -> tuple[str, str, dict[str, float]]:
        from workers.app import QUEUES

        return "Messages waiting per queue.", "queue", {q: float(client.llen(q)) for q in QUEUES}

    registry = CollectorRegistry()
    registry.register(RedisCollector(client, {"portwatch_queue_depth": queue_depths}))
    try:
        server, _thread = start_http_server(
            settings.metrics_port, addr=settings.metrics_addr, registry=registry
        )
    except OSError as exc:
        # Another worker group on this machine serves it already; the numbers are shared.
        log.warning("metrics endpoint not started", port=settings.metrics_port, error=str(exc))
        return None
    return server
