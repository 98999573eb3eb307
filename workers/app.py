"""The Celery app: the one place its configuration lives.

Queues per stage, so a slow stage cannot starve the others:

    control   the beat tick (which feeds are due), the sweep, digest flushes
    poll      one feed poll per message
    articles  fetch + extract + assess + novelty, one article per message
    notify    a channel's new findings from one article (or a sweep) per message

Delivery semantics: ``task_acks_late`` with ``task_reject_on_worker_lost`` — a task whose worker
dies is redelivered, so every task is idempotent. The Redis transport re-queues a message not
acknowledged within VISIBILITY_TIMEOUT, so every countdown and retry backoff stays below it.
"""

from __future__ import annotations

from celery import Celery
from kombu.entity import Exchange, Queue

from pipeline.settings import Settings

__all__ = [
    "MAX_COUNTDOWN",
    "QUEUES",
    "SWEEP_SECONDS",
    "TICK_SECONDS",
    "VISIBILITY_TIMEOUT",
    "app",
    "create_app",
]

_SETTINGS = Settings()
#: Seconds before Redis hands an unacknowledged message to another worker
#: (PORTWATCH_VISIBILITY_TIMEOUT, default 3600). The longest task (an article: 30 s fetch
#: deadline + extraction + assessment, killed at PORTWATCH_TASK_TIME_LIMIT) is far below it.
VISIBILITY_TIMEOUT = _SETTINGS.visibility_timeout
#: No countdown, ETA or retry backoff may reach the visibility timeout (it would be re-sent).
MAX_COUNTDOWN = VISIBILITY_TIMEOUT // 4
#: How often beat asks which feeds are due. Feeds carry their own intervals (feeds.yaml).
TICK_SECONDS = 2.0
#: How often findings recorded but not delivered are looked for.
SWEEP_SECONDS = 30.0
QUEUES = ("control", "poll", "articles", "notify")


def create_app(settings: Settings | None = None) -> Celery:
    settings = settings or _SETTINGS
    app = Celery("portwatch", broker=settings.redis_url, include=["workers.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        # Nothing reads task results: no result backend.
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_queues=[
            Queue(name, Exchange(name, type="direct"), routing_key=name)  # type: ignore[no-untyped-call]
            for name in QUEUES
        ],
        task_default_queue="articles",
        task_routes={
            "portwatch.tick": {"queue": "control"},
            "portwatch.sweep": {"queue": "control"},
            "portwatch.flush_digest": {"queue": "notify"},
            "portwatch.poll_feed": {"queue": "poll"},
            "portwatch.process_item": {"queue": "articles"},
            "portwatch.deliver": {"queue": "notify"},
            "portwatch.replay": {"queue": "control"},
        },
        # A hung task (a pathological page) gets SoftTimeLimitExceeded and is quarantined; one
        # that ignores it is killed at the hard limit and quarantined too (Celery >= 5.7 runs
        # on_failure for it). The soft limit comes 30 s early, or a fifth early for short limits.
        task_soft_time_limit=settings.task_time_limit
        - max(1, min(30, settings.task_time_limit // 5)),
        task_time_limit=settings.task_time_limit,
        worker_max_tasks_per_child=1000,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        beat_scheduler="workers.scheduler:Scheduler",  # RedBeat, riding out a Redis restart
        redbeat_redis_url=settings.redis_url,
        redbeat_key_prefix="pw:redbeat:",
        redbeat_lock_timeout=30,
        # Keep retrying Redis for ever: a Redis restart must not stop the scheduler.
        redbeat_redis_options={
            "retry_period": -1,
            "socket_timeout": 10,
            "socket_connect_timeout": 5,
        },
        beat_max_loop_interval=TICK_SECONDS,
        beat_schedule={
            "tick": {
                "task": "portwatch.tick",
                "schedule": TICK_SECONDS,
                "options": {"expires": 30},
            },
            "sweep": {
                "task": "portwatch.sweep",
                "schedule": SWEEP_SECONDS,
                "options": {"expires": 120},
            },
        },
    )
    return app


app = create_app()
