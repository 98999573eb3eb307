"""Celery tasks: each a few lines calling ``pipeline.service.Service``.

Failure taxonomy:
    transient (error.transient)   retried with jittered backoff (Retry-After honoured), below
                                  the visibility timeout; quarantined when retries run out
    permanent (other PortwatchError) recorded by the service and dropped — never retried
    unexpected exception          quarantined at once (an operator can replay it)
    worker lost (kill -9, OOM)    redelivered by Redis; quarantined after MAX_DELIVERIES
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from celery import Task

from pipeline.errors import PortwatchError
from pipeline.logs import get_logger
from pipeline.service import ItemTask, delivery_batches
from pipeline.settings import Settings
from workers.app import MAX_COUNTDOWN, app
from workers.runtime import service

log = get_logger("portwatch.tasks")

_SETTINGS = Settings()
#: A message delivered more often than this (beyond its own retries) is quarantined.
MAX_DELIVERIES = _SETTINGS.max_deliveries


def backoff(
    retries: int, error: BaseException | None = None, base: float = _SETTINGS.retry_base
) -> float:
    """Full-jitter exponential backoff, at least the receiver's Retry-After, below the cap."""
    wait = random.uniform(base, base * 2 ** min(retries + 1, 12))  # noqa: S311 - jitter
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        wait = max(float(retry_after), base)
    return min(wait, MAX_COUNTDOWN)


class PortwatchTask(Task):  # type: ignore[misc]
    """Counts deliveries to catch poison messages; quarantines what can never succeed."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.id and not request.is_eager:
            deliveries = service().store.count_delivery(request.id)
            if deliveries - (request.retries or 0) > MAX_DELIVERIES:
                self._quarantine(args, kwargs, f"delivered {deliveries} times without finishing")
                return None
        return super().__call__(*args, **kwargs)

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        self._quarantine(args, kwargs, f"{type(exc).__name__}: {exc}")

    def _quarantine(self, args: Any, kwargs: Any, reason: str) -> None:
        svc = service()
        entry = {
            "task": self.name,
            "id": self.request.id,
            "args": list(args),
            "kwargs": dict(kwargs),
            "reason": svc.redactor.text(reason),
            "at": svc.clock(),
        }
        svc.store.quarantine(entry)
        svc.ops(f"Task {self.name} quarantined: {entry['reason']} (portwatch quarantine list)")


def enqueue(task: Task, calls: Sequence[tuple[Any, ...]]) -> None:
    """Send many messages through one producer (one broker connection, not one each)."""
    with app.producer_or_acquire() as producer:
        for args in calls:
            task.apply_async(args, producer=producer)


@app.task(name="portwatch.tick", base=PortwatchTask)
def tick() -> None:
    enqueue(poll_feed, [(feed,) for feed in service().due_feeds()])


@app.task(name="portwatch.poll_feed", base=PortwatchTask)
def poll_feed(feed: str) -> None:
    enqueue(process_item, [(item.to_json(),) for item in service().poll(feed)])


@app.task(name="portwatch.process_item", base=PortwatchTask, bind=True, max_retries=4)
def process_item(self: Task, item: dict[str, Any]) -> None:
    try:
        pending = service().process(
            ItemTask.from_json(item),
            task_id=self.request.id or "local",
            final_attempt=self.request.retries >= self.max_retries,
        )
    except PortwatchError as exc:
        if not exc.transient:
            raise
        raise self.retry(exc=exc, countdown=backoff(self.request.retries, exc)) from None
    enqueue(deliver, [(ids, channel) for channel, ids in delivery_batches(pending)])


@app.task(name="portwatch.deliver", base=PortwatchTask, bind=True, max_retries=10)
def deliver(self: Task, finding_ids: list[str] | str, channel: str) -> None:
    svc = service()
    ids = [finding_ids] if isinstance(finding_ids, str) else finding_ids  # one id: older messages
    done = svc.deliver(ids, channel, self.request.id or f"local:{svc.worker}")
    if done.flush_in is not None and svc.claim_flush(channel, done.flush_in):
        flush_digest.apply_async((channel,), countdown=min(done.flush_in, MAX_COUNTDOWN))
    if done.error is not None:
        countdown = backoff(self.request.retries, done.error)
        raise self.retry(args=(list(done.retry), channel), exc=done.error, countdown=countdown)


@app.task(name="portwatch.flush_digest", base=PortwatchTask, bind=True, max_retries=10)
def flush_digest(self: Task, channel: str) -> None:
    try:
        outcome = service().flush(channel)
    except PortwatchError as exc:
        if not exc.transient:
            raise
        raise self.retry(exc=exc, countdown=backoff(self.request.retries, exc)) from None
    if outcome.flush_in is not None:
        flush_digest.apply_async((channel,), countdown=min(outcome.flush_in, MAX_COUNTDOWN))


@app.task(name="portwatch.sweep", base=PortwatchTask)
def sweep() -> None:
    enqueue(deliver, [(ids, channel) for channel, ids in delivery_batches(service().sweep())])
