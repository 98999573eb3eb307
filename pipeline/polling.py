"""When to poll a feed next, and what to send so that an unchanged feed costs nothing.

Pure functions over a frozen ``FeedState``: no clock, no randomness and no I/O of their own
(``now`` and ``rng`` are passed in). The state round-trips through ``to_dict``/``from_dict`` as
a flat mapping of strings, the shape of a Redis hash.

- A poll sends ``If-None-Match``/``If-Modified-Since`` from the last answer
  (``conditional_headers``); a 304, or a body whose hash is unchanged, means nothing new.
- After a failure the next poll waits the normal interval plus a random share ("full jitter")
  of an exponentially growing window, capped at ``MAX_BACKOFF``; a ``Retry-After`` on a 429
  or 503 is honoured (never sooner), capped at ``MAX_RETRY_AFTER``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta

from pipeline.errors import HTTPStatusError
from pipeline.fetching import FetchResult

__all__ = [
    "MAX_BACKOFF",
    "MAX_ERROR_LENGTH",
    "MAX_RETRY_AFTER",
    "FeedState",
    "after_failure",
    "after_success",
    "backoff_delay",
    "body_hash",
    "conditional_headers",
    "is_due",
]

#: Longest extra wait that consecutive failures can add to a feed's interval.
MAX_BACKOFF = timedelta(hours=1)
#: Longest wait a server's Retry-After may impose (a hostile value must not silence a feed).
MAX_RETRY_AFTER = timedelta(hours=6)
#: Stored error messages are cut to this many characters.
MAX_ERROR_LENGTH = 500

_RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class FeedState:
    """What Portwatch remembers about one feed between polls. Datetimes are timezone-aware."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    next_due: datetime | None = None

    def to_dict(self) -> dict[str, str]:
        """Every field as a string (``""`` for None; datetimes ISO 8601): a Redis hash."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                out[f.name] = ""
            elif isinstance(value, datetime):
                out[f.name] = value.isoformat()
            else:
                out[f.name] = str(value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, str] | Mapping[bytes, bytes]) -> FeedState:
        """Inverse of ``to_dict``; accepts bytes keys and values (redis-py without decoding).

        Unknown keys are ignored and missing ones take their defaults, so stored states
        survive fields being added. Raises ``ValueError`` for a value that does not parse.
        """
        text = {_text(k): _text(v) for k, v in data.items()}

        def opt(name: str) -> str | None:
            return text.get(name) or None

        def when(name: str) -> datetime | None:
            value = opt(name)
            return datetime.fromisoformat(value) if value else None

        return cls(
            etag=opt("etag"),
            last_modified=opt("last_modified"),
            body_hash=opt("body_hash"),
            last_success=when("last_success"),
            last_attempt=when("last_attempt"),
            consecutive_failures=int(text.get("consecutive_failures") or 0),
            last_error=opt("last_error"),
            next_due=when("next_due"),
        )


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def body_hash(body: bytes) -> str:
    """The hash that tells an unchanged body from a changed one."""
    return hashlib.sha256(body).hexdigest()


def conditional_headers(state: FeedState) -> dict[str, str]:
    """Request headers that let the server answer 304 Not Modified."""
    headers: dict[str, str] = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def after_success(
    state: FeedState, result: FetchResult, now: datetime, every: timedelta | None = None
) -> tuple[FeedState, bool]:
    """The state after a successful poll, and whether the feed changed (worth parsing).

    Unchanged means a 304, or a body with the same hash as last time. With ``every`` the next
    poll is due one interval from ``now``; without it ``next_due`` is cleared (always due).
    """
    if result.not_modified:
        changed, digest = False, state.body_hash
    else:
        digest = body_hash(result.body)
        changed = digest != state.body_hash
    new_state = replace(
        state,
        # A 304 may omit validators; keep the ones that produced it.
        etag=result.etag or (state.etag if result.not_modified else None),
        last_modified=result.last_modified
        or (state.last_modified if result.not_modified else None),
        body_hash=digest,
        last_success=now,
        last_attempt=now,
        consecutive_failures=0,
        last_error=None,
        next_due=now + every if every is not None else None,
    )
    return new_state, changed


def backoff_delay(failures: int, every: timedelta, rng: random.Random) -> timedelta:
    """The wait after ``failures`` consecutive failures: ``every`` plus full jitter.

    The jitter is uniform over ``[0, min(MAX_BACKOFF, every × (2^failures − 1))]``: the first
    failure waits one to two intervals, the second one to four, and so on up to the cap.
    """
    exponent = min(max(failures, 1), 32)  # 2**32 intervals is past any cap already
    window = min(MAX_BACKOFF, every * ((1 << exponent) - 1))
    return every + window * rng.random()


def after_failure(
    state: FeedState,
    error: BaseException,
    now: datetime,
    every: timedelta,
    rng: random.Random,
) -> FeedState:
    """The state after a failed poll: failure counted, error kept, next poll backed off."""
    failures = state.consecutive_failures + 1
    delay = backoff_delay(failures, every, rng)
    retry_after = _retry_after(error)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    message = str(error) or type(error).__name__
    return replace(
        state,
        last_attempt=now,
        consecutive_failures=failures,
        last_error=message[:MAX_ERROR_LENGTH],
        next_due=now + delay,
    )


def _retry_after(error: BaseException) -> timedelta | None:
    if not isinstance(error, HTTPStatusError) or error.status not in _RETRY_AFTER_STATUSES:
        return None
    if error.retry_after is None:
        return None
    return timedelta(seconds=max(0.0, min(error.retry_after, MAX_RETRY_AFTER.total_seconds())))


def is_due(state: FeedState, now: datetime) -> bool:
    """True when the feed should be polled at ``now`` (always, if never scheduled)."""
    return state.next_due is None or now >= state.next_due
