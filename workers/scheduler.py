"""The beat scheduler: RedBeat, riding out a Redis restart.

RedBeat retries its own reads and writes (``redbeat_redis_options``: ``retry_period`` -1), but
not the extension of its lock, which it does first on every tick through a client without the
retries: the first tick after Redis went away raised ``ConnectionError`` and beat exited. Here
such a tick is logged and tried again shortly. Once Redis is back (with its AOF) the lock is
extended as before; if it expired meanwhile, redis-py raises ``LockNotOwnedError`` and beat exits
for its supervisor to restart it — two schedulers never tick at once.
"""

from __future__ import annotations

from typing import Any

import redis
from redbeat import RedBeatScheduler

from pipeline.logs import get_logger

__all__ = ["RETRY_SECONDS", "Scheduler"]

log = get_logger("portwatch.beat")

#: Seconds before a tick that could not reach Redis is tried again.
RETRY_SECONDS = 2.0


class Scheduler(RedBeatScheduler):  # type: ignore[misc]
    def tick(self, *args: Any, **kwargs: Any) -> float:
        try:
            return float(super().tick(*args, **kwargs))
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("beat: Redis is not reachable, ticking again shortly", error=str(exc))
            return RETRY_SECONDS
