"""All state in Redis, and the only module that knows Redis key names.

Every key has a purpose, and a TTL or a bound:

=================================  ==========================================  ==================
key                                purpose                                     bound
=================================  ==========================================  ==================
pw:feed:{feed}                     feed health and conditional-GET state       one per feed
pw:pollclaim:{feed}                one poll of a feed enqueued at a time       TTL: interval
pw:host:{host}:{slot}              a concurrent-fetch slot for one host        TTL: fetch lease
pw:item:{story}                    story seen: processing:{task} → done        TTL: 30 days
pw:lsh:{day}                       hash: LSH band digest → story cluster id    TTL: window + 1 d
pw:stories:{day}                   hash: story cluster id → its outlets        TTL: window + 1 d
pw:ports:{watchlist}               hash: port → first/last seen, source        ports in gazetteer
pw:facts:{watchlist}               hash: figure fact → value history           facts × 5 values
pw:finding:{id}                    a recorded finding (JSON)                   TTL: 30 days
pw:pending                         zset: finding|channel not yet delivered     drained by sweep
pw:alert:{finding}|{channel}       alert claim: sending (lease) → sent         TTL: 30 days
pw:rate:{channel}                  token bucket of a channel                   TTL: 1 hour
pw:digest:{channel}                list: alerts waiting for a digest           drained by flush
pw:digest-due:{channel}            one digest flush scheduled at a time        TTL: lease
pw:deliveries                      list: last delivery outcomes (status)       1000 entries
pw:delivered:{task}                deliveries of one message (poison check)    TTL: 1 day
pw:quarantine                      list: messages that never succeed           10 000 entries
pw:config-error                    the last configuration problem (status)     one key
pw:once:{name}                     an ops message sent recently                TTL: 6 hours
pw:tick                            time of the scheduler's last tick           one key
=================================  ==========================================  ==================
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import redis

from pipeline.errors import StateError

__all__ = ["DEFAULT_STORE_POLICY", "Store", "StorePolicy", "item_key"]

T = TypeVar("T")
DAY = 86400.0


@dataclass(frozen=True)
class StorePolicy:
    seen_item_ttl: float = 30 * DAY
    finding_ttl: float = 30 * DAY
    alert_ttl: float = 30 * DAY
    #: A claimed alert not confirmed within this lease is considered lost and re-sent.
    alert_lease: float = 120.0
    deliveries_kept: int = 1000
    quarantine_kept: int = 10_000
    delivery_count_ttl: float = DAY


DEFAULT_STORE_POLICY = StorePolicy()


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _load(raw: bytes | str | None) -> Any:
    return None if raw is None else json.loads(raw)


#: Outlets remembered per story (enough to say "also reported by …").
MAX_STORY_OUTLETS = 20


def item_key(story: str) -> str:
    """The key recording whether a story was seen (public for tools that poll many at once)."""
    # 128 bits of the story's hash are plenty to tell stories apart, and half the key's bytes.
    return f"pw:item:{story[:32]}"


def _cluster_id(story: str) -> bytes:
    """8 bytes naming a story cluster: the story key's first 64 bits (any text is hashed)."""
    try:
        if len(story) >= 16:
            return bytes.fromhex(story[:16])
    except ValueError:
        pass
    return hashlib.blake2b(story.encode(), digest_size=8).digest()


def _days(now: float, window: float) -> list[int]:
    """Today's day number first, then the earlier days of ``window``."""
    today = int(now // DAY)
    return [today - i for i in range(int(window // DAY) + 1)]


#: KEYS: hashes; ARGV: ttl in ms (0: none), then per key: field, expected JSON ('' when
#: absent), new JSON ('' to leave as is). Writes all or nothing; returns 1 when written.
_COMPARE_AND_SET = """
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local current = redis.call('HGET', KEYS[i], ARGV[3 * i - 1]) or ''
  if current ~= ARGV[3 * i] then return 0 end
end
for i = 1, #KEYS do
  if ARGV[3 * i + 1] ~= '' then
    redis.call('HSET', KEYS[i], ARGV[3 * i - 1], ARGV[3 * i + 1])
    if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
return 1
"""

#: Deletes KEYS[1] only if it still holds ARGV[1] (a lease released by its owner alone).
_DELETE_IF_EQUAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _finding_record(raw: bytes | str | None) -> dict[str, Any] | None:
    data = _load(raw)
    return data if isinstance(data, dict) else None


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class Store:
    """Typed operations on Portwatch's Redis state. Build one per process, after fork."""

    def __init__(self, client: redis.Redis, policy: StorePolicy = DEFAULT_STORE_POLICY) -> None:
        self.redis = client
        self.policy = policy
        self._compare_and_set = client.register_script(_COMPARE_AND_SET)
        self._delete_if_equal = client.register_script(_DELETE_IF_EQUAL)

    @classmethod
    def from_url(cls, url: str, policy: StorePolicy = DEFAULT_STORE_POLICY) -> Store:
        client = redis.Redis.from_url(
            url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30
        )
        return cls(client, policy)

    def close(self) -> None:
        self.redis.close()

    def ping(self) -> None:
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            raise StateError(f"Redis is not reachable: {exc}") from None

    # ------------------------------------------------------------------ feeds

    def feed_state(self, feed: str) -> dict[str, str]:
        raw = self.redis.hgetall(f"pw:feed:{feed}")
        return {_text(k): _text(v) for k, v in raw.items()}

    def save_feed_state(self, feed: str, state: Mapping[str, str]) -> None:
        key = f"pw:feed:{feed}"
        pipe = self.redis.pipeline()
        pipe.delete(key)
        if state:
            pipe.hset(key, mapping={k: v for k, v in state.items()})
        pipe.execute()

    def feed_names(self) -> list[str]:
        return sorted(_text(k).removeprefix("pw:feed:") for k in self.redis.scan_iter("pw:feed:*"))

    def claim_poll(self, feed: str, ttl: float) -> bool:
        """True for the one caller that may enqueue this feed's poll now."""
        return bool(
            self.redis.set(f"pw:pollclaim:{feed}", b"1", nx=True, px=max(1, int(ttl * 1000)))
        )

    def release_poll(self, feed: str) -> None:
        self.redis.delete(f"pw:pollclaim:{feed}")

    def acquire_host_slot(self, host: str, limit: int, lease: float, owner: str) -> str | None:
        """One of ``limit`` concurrent-fetch slots for ``host``, or None when all are taken.

        A slot is a key with a lease, so the slot of a worker that died frees itself; the same
        ``owner`` (a redelivered message) takes its own slot back at once.
        """
        token = owner.encode()
        for slot in range(limit):
            key = f"pw:host:{host}:{slot}"
            px = max(1, int(lease * 1000))
            if self.redis.set(key, token, nx=True, px=px):
                return f"{slot}:{owner}"
            if self.redis.get(key) == token:
                self.redis.pexpire(key, px)
                return f"{slot}:{owner}"
        return None

    def release_host_slot(self, host: str, handle: str) -> None:
        slot, _, token = handle.partition(":")
        self._delete_if_equal(keys=[f"pw:host:{host}:{slot}"], args=[token.encode()])

    # ------------------------------------------------------------------ articles and stories

    def items_known(self, stories: Sequence[str]) -> list[bool]:
        """For each story: is it being processed, or was it processed (within the TTL)?"""
        pipe = self.redis.pipeline(transaction=False)
        for story in stories:
            pipe.exists(item_key(story))
        return [bool(found) for found in pipe.execute()] if stories else []

    def claim_article(self, story: str, task_id: str) -> bool:
        """True for the one task that processes ``story`` (and for that task's redelivery)."""
        key = item_key(story)
        mine = f"processing:{task_id}".encode()
        if self.redis.set(key, mine, nx=True, ex=int(self.policy.seen_item_ttl)):
            return True
        return self.redis.get(key) == mine

    def finish_article(self, story: str) -> None:
        self.finish_articles([story], [], 0.0)

    def finish_articles(
        self,
        stories: Iterable[str],
        findings: Iterable[tuple[str, dict[str, Any], list[str]]],
        now: float,
    ) -> None:
        """Record an article's findings, each (finding, channel) pending, and mark its story
        keys done: in one transaction, so a crash leaves either all of it or none."""
        pipe = self.redis.pipeline()
        self._record(pipe, findings, now)
        for story in dict.fromkeys(stories):
            pipe.set(item_key(story), b"done", ex=int(self.policy.seen_item_ttl))
        pipe.execute()

    def article_state(self, story: str) -> str | None:
        """'processing:{task}' or 'done' for a story seen within the TTL, else None."""
        raw = self.redis.get(item_key(story))
        return _text(raw) if raw else None

    def forget_item(self, story: str) -> None:
        self.redis.delete(item_key(story))

    def claim_once(self, name: str, ttl: float) -> bool:
        """True at most once per ``ttl`` for ``name`` (operational messages, across processes)."""
        return bool(self.redis.set(f"pw:once:{name}", b"1", nx=True, px=int(ttl * 1000)))

    def cluster_for(self, bands: list[bytes], candidate: str, now: float, window: float) -> str:
        """The story cluster sharing an LSH band with ``bands`` in ``window``, else ``candidate``.

        Bands live in one hash per day, each band a field whose value is the cluster's 8-byte id:
        a remembered article costs six small hash fields, not six keys.
        """
        days = _days(now, window)
        pipe = self.redis.pipeline(transaction=False)
        for day in days:
            pipe.hmget(f"pw:lsh:{day}", bands)
        cluster = _cluster_id(candidate)
        for found in pipe.execute():
            hit = next((value for value in found if value is not None), None)
            if hit is not None:
                cluster = bytes(hit) if isinstance(hit, bytes) else hit.encode()
                break
        key = f"pw:lsh:{days[0]}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(key, mapping=dict.fromkeys(bands, cluster))
        pipe.expire(key, int(window + DAY))
        pipe.execute()
        return cluster.hex()

    def add_to_story(self, cluster: str, outlet: str, now: float, window: float) -> list[str]:
        """Record ``outlet`` in the story; return the story's other outlets (first first).

        A story's outlets are one field of a per-day hash (names joined, at most 20): the
        outlets seen on earlier days of the window are read back and carried forward.
        """
        days = _days(now, window)
        field = _cluster_id(cluster)
        pipe = self.redis.pipeline(transaction=False)
        for day in days:
            pipe.hget(f"pw:stories:{day}", field)
        outlets: dict[str, None] = {}
        for raw in reversed(pipe.execute()):
            if raw:
                outlets.update(dict.fromkeys(_text(raw).split("\x1f")))
        others = [name for name in outlets if name and name != outlet]
        outlets.setdefault(outlet, None)
        key = f"pw:stories:{days[0]}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(key, field, "\x1f".join(list(outlets)[:MAX_STORY_OUTLETS]).encode())
        pipe.expire(key, int(window + DAY))
        pipe.execute()
        return others

    # ------------------------------------------------------------------ novelty

    def update_field(
        self,
        key: str,
        field: str,
        decide: Callable[[Any], tuple[Any, T]],
        retries: int = 50,
        ttl: float | None = None,
    ) -> T:
        """Apply ``decide(old) -> (new, result)`` to one JSON hash field atomically."""

        def decide_one(old: Mapping[tuple[str, str], Any]) -> tuple[dict[tuple[str, str], Any], T]:
            new, result = decide(old[key, field])
            return {(key, field): new}, result

        return self.update_fields([(key, field)], decide_one, retries, ttl)

    def update_fields(
        self,
        fields: Sequence[tuple[str, str]],
        decide: Callable[[Mapping[tuple[str, str], Any]], tuple[Mapping[tuple[str, str], Any], T]],
        retries: int = 50,
        ttl: float | None = None,
    ) -> T:
        """Apply ``decide(old) -> (new, result)`` to several JSON hash fields atomically.

        ``old`` maps each (key, field) to its JSON value (None when absent). Optimistic: the
        fields are read in one round trip, decided here, and written by a compare-and-set
        script only if none changed meanwhile (else read and decided again). Unlike WATCH on
        whole hashes, writers of other fields of the same hash never make this retry.
        ``ttl`` (seconds) is set on every key written.
        """
        wanted = list(dict.fromkeys(fields))
        for _ in range(retries):
            pipe = self.redis.pipeline(transaction=False)
            for key, field in wanted:
                pipe.hget(key, field)
            raw = [b"" if value is None else bytes(value) for value in pipe.execute()]
            old = {kf: _load(r or None) for kf, r in zip(wanted, raw, strict=True)}
            new, result = decide(old)
            writes = []  # (field, expected, new) per (key, field); b"" new: leave as is
            for (key, field), before in zip(wanted, raw, strict=True):
                value = new.get((key, field), old[key, field])
                after = b"" if value == old[key, field] or value is None else _json(value)
                writes.append((field, before, after))
            if not any(after for _, _, after in writes):
                return result  # nothing to write
            ttl_ms = str(int(ttl * 1000)) if ttl else "0"
            args = [ttl_ms, *(part for write in writes for part in write)]
            if self._compare_and_set(keys=[key for key, _ in wanted], args=args):
                return result
        raise StateError(
            f"{', '.join(k for k, _ in wanted)} kept changing under {retries} attempts"
        )

    def ports_key(self, watchlist: str) -> str:
        return f"pw:ports:{watchlist}"

    def facts_key(self, watchlist: str) -> str:
        return f"pw:facts:{watchlist}"

    def known_ports(self, watchlist: str) -> dict[str, Any]:
        raw = self.redis.hgetall(self.ports_key(watchlist))
        return {_text(k): _load(v) for k, v in raw.items()}

    def known_facts(self, watchlist: str) -> dict[str, Any]:
        raw = self.redis.hgetall(self.facts_key(watchlist))
        return {_text(k): _load(v) for k, v in raw.items()}

    # ------------------------------------------------------------------ findings and alerts

    def record_findings(
        self, findings: Iterable[tuple[str, dict[str, Any], list[str]]], now: float
    ) -> None:
        """Store findings and mark each (finding, channel) pending, in one transaction."""
        pipe = self.redis.pipeline()
        self._record(pipe, findings, now)
        pipe.execute()

    def _record(
        self,
        pipe: redis.client.Pipeline,
        findings: Iterable[tuple[str, dict[str, Any], list[str]]],
        now: float,
    ) -> None:
        for finding_id, data, channels in findings:
            pipe.set(f"pw:finding:{finding_id}", _json(data), ex=int(self.policy.finding_ttl))
            for channel in channels:
                pipe.zadd("pw:pending", {f"{finding_id}|{channel}": now}, nx=True)

    def finding(self, finding_id: str) -> dict[str, Any] | None:
        return _finding_record(self.redis.get(f"pw:finding:{finding_id}"))

    def pending(self, older_than: float, limit: int = 500) -> list[tuple[str, str]]:
        members = self.redis.zrangebyscore("pw:pending", "-inf", older_than, start=0, num=limit)
        result = []
        for member in members:
            finding_id, _, channel = str(_text(member)).partition("|")  # type: ignore[arg-type]
            result.append((finding_id, channel))
        return result

    def pending_count(self) -> int:
        return int(self.redis.zcard("pw:pending"))

    def claim_alert(self, finding_id: str, channel: str, owner: str) -> str | None:
        """Claim the right to send; None if claimed, else what holds it ('sent' or a lease).

        ``owner`` is the delivering message's id: the same message redelivered after its worker
        died mid-send takes its own lease back at once (one duplicate at most, no lease wait).
        """
        return self.claim_alert_and_read(finding_id, channel, owner)[0]

    def claim_alert_and_read(
        self, finding_id: str, channel: str, owner: str
    ) -> tuple[str | None, dict[str, Any] | None]:
        """``claim_alert``, and the finding read in the same round trip."""
        key = f"pw:alert:{finding_id}|{channel}"
        lease = f"sending:{owner}".encode()
        ttl = int(self.policy.alert_lease * 1000)
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(key, lease, nx=True, px=ttl)
        pipe.get(f"pw:finding:{finding_id}")
        claimed, raw = pipe.execute()
        finding = _finding_record(raw)
        if claimed:
            return None, finding
        holder = self.redis.get(key)
        if holder == lease:
            self.redis.pexpire(key, ttl)
            return None, finding
        return (_text(holder) if holder else "expired"), finding

    def confirm_alert(self, finding_id: str, channel: str, outcome: str) -> None:
        """Mark the alert done ('sent', 'digested', 'failed') and no longer pending."""
        pipe = self.redis.pipeline()
        pipe.set(
            f"pw:alert:{finding_id}|{channel}", outcome.encode(), ex=int(self.policy.alert_ttl)
        )
        pipe.zrem("pw:pending", f"{finding_id}|{channel}")
        pipe.execute()

    def release_alert(self, finding_id: str, channel: str) -> None:
        """Give up a claim so that a retry can send (a transient failure)."""
        self.redis.delete(f"pw:alert:{finding_id}|{channel}")

    def alert_state(self, finding_id: str, channel: str) -> str | None:
        raw = self.redis.get(f"pw:alert:{finding_id}|{channel}")
        return _text(raw) if raw else None

    def log_delivery(self, entry: dict[str, Any]) -> None:
        pipe = self.redis.pipeline()
        pipe.lpush("pw:deliveries", _json(entry))
        pipe.ltrim("pw:deliveries", 0, self.policy.deliveries_kept - 1)
        pipe.execute()

    def deliveries(self, limit: int = 20) -> list[dict[str, Any]]:
        return [_load(raw) for raw in self.redis.lrange("pw:deliveries", 0, limit - 1)]

    # ------------------------------------------------------------------ rate limits and digests

    def take_token(self, channel: str, interval: float, burst: int, now: float) -> float:
        """Token bucket: 0 when a message may go now, else seconds until one may."""
        key = f"pw:rate:{channel}"
        capacity = float(burst)

        def decide(old: Any) -> tuple[Any, float]:
            tokens, stamp = (capacity, now) if old is None else (float(old[0]), float(old[1]))
            tokens = min(capacity, tokens + max(0.0, now - stamp) / interval)
            if tokens >= 1.0:
                return [tokens - 1.0, now], 0.0
            return [tokens, now], (1.0 - tokens) * interval

        return self.update_field(key, "bucket", decide, ttl=3600.0)

    def queue_for_digest(self, channel: str, finding_id: str) -> None:
        """Put a claimed alert in the channel's digest queue and mark it 'queued'."""
        pipe = self.redis.pipeline()
        pipe.rpush(f"pw:digest:{channel}", finding_id.encode())
        pipe.set(f"pw:alert:{finding_id}|{channel}", b"queued", ex=int(self.policy.alert_ttl))
        pipe.execute()

    def claim_digest_flush(self, channel: str, lease: float) -> bool:
        return bool(self.redis.set(f"pw:digest-due:{channel}", b"1", nx=True, px=int(lease * 1000)))

    def digest_queue(self, channel: str) -> list[str]:
        return [_text(raw) for raw in self.redis.lrange(f"pw:digest:{channel}", 0, -1)]

    def drop_from_digest(self, channel: str, finding_ids: Iterable[str]) -> None:
        pipe = self.redis.pipeline()
        for finding_id in finding_ids:
            pipe.lrem(f"pw:digest:{channel}", 1, finding_id)
        pipe.delete(f"pw:digest-due:{channel}")
        pipe.execute()

    # ------------------------------------------------------------------ poison messages

    def count_delivery(self, task_id: str) -> int:
        key = f"pw:delivered:{task_id}"
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, int(self.policy.delivery_count_ttl))
        return int(pipe.execute()[0])

    def quarantine(self, entry: dict[str, Any]) -> None:
        pipe = self.redis.pipeline()
        pipe.lpush("pw:quarantine", _json(entry))
        pipe.ltrim("pw:quarantine", 0, self.policy.quarantine_kept - 1)
        pipe.execute()

    def quarantined(self) -> list[dict[str, Any]]:
        return [_load(raw) for raw in self.redis.lrange("pw:quarantine", 0, -1)]

    def take_quarantined(self) -> list[dict[str, Any]]:
        pipe = self.redis.pipeline()
        pipe.lrange("pw:quarantine", 0, -1)
        pipe.delete("pw:quarantine")
        return [_load(raw) for raw in pipe.execute()[0]]

    def reset_delivery_count(self, task_id: str) -> None:
        self.redis.delete(f"pw:delivered:{task_id}")

    # ------------------------------------------------------------------ scheduler and configuration

    def record_tick(self, now: float) -> None:
        self.redis.set("pw:tick", str(now).encode())

    def last_tick(self) -> float | None:
        raw = self.redis.get("pw:tick")
        return float(_text(raw)) if raw else None

    def set_config_error(self, message: str | None) -> None:
        if message is None:
            self.redis.delete("pw:config-error")
        else:
            self.redis.set("pw:config-error", message.encode())

    def config_error(self) -> str | None:
        raw = self.redis.get("pw:config-error")
        return _text(raw) if raw else None
