"""Delivering a finding to a channel exactly once per channel, within its rate limit.

The alert key (finding, channel) is claimed with ``SET NX`` before sending and confirmed after,
so a retried or redelivered task, or ten concurrent ones, send once. A claim whose worker died
expires after the store's lease and the periodic sweep sends it again: at least once, never lost.

When a channel's token bucket is empty the finding waits in the channel's digest queue, and one
flush later sends the whole queue as a single ``Digest: N findings`` message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pipeline.errors import PermanentDeliveryError, TransientDeliveryError
from pipeline.findings import Alert, Finding
from pipeline.notifiers import Notifier
from pipeline.store import Store

__all__ = ["DeliveryOutcome", "RateLimit", "deliver_finding", "flush_digest"]

Outcome = Literal["sent", "deduplicated", "digested", "failed", "missing"]
#: States of an alert key that mean "nothing more to send".
_DONE = ("sent", "digested", "failed")


@dataclass(frozen=True)
class RateLimit:
    interval: float  # seconds per message at the sustained rate
    burst: int  # messages allowed at once


@dataclass(frozen=True)
class DeliveryOutcome:
    outcome: Outcome
    #: Seconds until a digest flush should run (set when this finding was queued for one, or
    #: found still waiting in the digest).
    flush_in: float | None = None
    detail: str = ""
    found_at: float | None = None  # earliest poll time of the findings sent (for alert lag)


def deliver_finding(
    store: Store,
    notifier: Notifier,
    finding_id: str,
    channel: str,
    limit: RateLimit,
    owner: str,
    clock: Callable[[], float] = time.time,
) -> DeliveryOutcome:
    """Send one finding to one channel, or queue it for a digest; raise only what can heal."""
    holder, data = store.claim_alert_and_read(finding_id, channel, owner)
    if holder is not None:
        if holder in _DONE:
            store.confirm_alert(finding_id, channel, holder)  # drop a stale pending entry
        elif holder == "queued":
            if finding_id not in store.digest_queue(channel):
                store.release_alert(finding_id, channel)  # its digest was lost: try again
                return deliver_finding(store, notifier, finding_id, channel, limit, owner, clock)
            # Still waiting in the digest (the sweep found it pending): ask for a flush, in
            # case none is due. One queued while a flush ran found that flush's claim taken,
            # and no flush would come for it until another alert on this channel.
            return DeliveryOutcome("deduplicated", flush_in=0.0, detail=holder)
        return DeliveryOutcome("deduplicated", detail=holder)
    if data is None:
        store.confirm_alert(finding_id, channel, "failed")
        return DeliveryOutcome("missing", detail="finding expired before delivery")
    wait = store.take_token(channel, limit.interval, limit.burst, clock())
    if wait > 0:
        store.queue_for_digest(channel, finding_id)
        return DeliveryOutcome("digested", flush_in=wait)
    return _send(store, notifier, channel, [finding_id], [Finding.from_json(data)], clock)


def flush_digest(
    store: Store,
    notifier: Notifier,
    channel: str,
    limit: RateLimit,
    clock: Callable[[], float] = time.time,
) -> DeliveryOutcome:
    """Send every finding waiting in ``channel``'s digest queue as one message."""
    queued = store.digest_queue(channel)
    if not queued:
        store.drop_from_digest(channel, [])
        return DeliveryOutcome("deduplicated", detail="empty digest")
    wait = store.take_token(channel, limit.interval, limit.burst, clock())
    if wait > 0:
        return DeliveryOutcome("digested", flush_in=wait)
    findings = []
    ids = []
    for finding_id in queued:
        data = store.finding(finding_id)
        if data is not None:
            findings.append(Finding.from_json(data))
            ids.append(finding_id)
    return _send(store, notifier, channel, queued, findings, clock, digest_ids=ids)


def _send(
    store: Store,
    notifier: Notifier,
    channel: str,
    claimed: list[str],
    findings: list[Finding],
    clock: Callable[[], float],
    digest_ids: list[str] | None = None,
) -> DeliveryOutcome:
    digest = digest_ids is not None and len(findings) > 1
    outcome: Outcome = "digested" if digest_ids is not None else "sent"
    try:
        if findings:
            notifier.send(Alert(channel, tuple(findings), digest=digest))
    except TransientDeliveryError:
        if digest_ids is None:
            store.release_alert(claimed[0], channel)
        raise
    except PermanentDeliveryError as exc:
        for finding_id in claimed:
            store.confirm_alert(finding_id, channel, "failed")
        if digest_ids is not None:
            store.drop_from_digest(channel, claimed)
        _log(store, channel, claimed, findings, "failed", clock, str(exc))
        return DeliveryOutcome("failed", detail=str(exc))
    for finding_id in claimed:
        store.confirm_alert(finding_id, channel, outcome)
    if digest_ids is not None:
        store.drop_from_digest(channel, claimed)
    _log(store, channel, claimed, findings, outcome, clock)
    return DeliveryOutcome(outcome, found_at=min((f.found_at for f in findings), default=None))


def _log(
    store: Store,
    channel: str,
    ids: list[str],
    findings: list[Finding],
    outcome: str,
    clock: Callable[[], float],
    detail: str = "",
) -> None:
    store.log_delivery(
        {
            "at": clock(),
            "channel": channel,
            "outcome": outcome,
            "findings": ids,
            "headlines": [f.headline() for f in findings][:10],
            "found_at": min((f.found_at for f in findings), default=None),
            "detail": detail,
        }
    )
