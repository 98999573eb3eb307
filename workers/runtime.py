"""Per-process resources of a worker: the Service (built after fork), logging, Sentry."""

from __future__ import annotations

import atexit
import os
from typing import Any

from celery import signals

from pipeline.errors import PortwatchError
from pipeline.logs import configure_logging, set_redactor
from pipeline.reload import ConfigWatcher
from pipeline.service import Service
from pipeline.settings import Settings

__all__ = ["reset_service", "service"]

_service: Service | None = None
_pid: int | None = None
#: The configuration read once in the worker's main process, inherited by its pool processes.
_preloaded: ConfigWatcher | None = None


def service() -> Service:
    """This process's Service, created on first use (never shared across a fork)."""
    global _service, _pid
    if _service is None or _pid != os.getpid():
        settings = Settings()
        watcher = _preloaded if _preloaded and _preloaded.directory == settings.config_dir else None
        _service = Service(settings, watcher=watcher)
        _pid = os.getpid()
        set_redactor(_service.redactor)
        atexit.register(reset_service)
    return _service


def reset_service() -> None:
    global _service
    if _service is not None and _pid == os.getpid():
        _service.close()
    _service = None


@signals.worker_process_init.connect
def _after_fork(**_: Any) -> None:
    # Sockets inherited from the parent must not be used by the child.
    global _service
    _service = None


@signals.worker_init.connect
def _preload(**_: Any) -> None:
    # Reading the YAML (561 ports) takes ~0.7 s of CPU: once here, not in every pool process
    # and again each time one is recycled. A file edited since is reloaded by the watcher.
    global _preloaded
    try:
        _preloaded = ConfigWatcher(Settings().config_dir)
    except PortwatchError:
        _preloaded = None  # each pool process reports the problem when it starts, as before


@signals.setup_logging.connect
def _logging(**_: Any) -> None:
    configure_logging(Settings().log_format)


@signals.celeryd_init.connect
def _observability(**_: Any) -> None:
    # The worker's main process (``portwatch run`` or ``celery worker``) reports errors to
    # Sentry and serves /metrics for its process group.
    from workers.observability import init_sentry, serve_metrics

    settings = Settings()
    init_sentry(settings)
    serve_metrics(settings)


@signals.beat_init.connect
def _sentry_beat(**_: Any) -> None:
    from workers.observability import init_sentry

    init_sentry(Settings())
