"""The running service as plain Python: what each Celery task asks of one worker process.

``Service`` owns the process's clients (Redis, the guarded HTTP client, the notifiers) and the
hot-reloaded configuration, and offers one method per pipeline stage. Tasks in ``workers/``
call one method and enqueue what it returns; nothing here knows about Celery.

    due_feeds()          which feeds to poll now (the beat tick)
    poll(feed)           conditional GET, parse, new items           → items to process
    process(item)        fetch, extract, assess, discover, record    → (finding, channel) pairs
    deliver(f, channel)  claim, rate-limit, send or queue for digest → outcome
    flush(channel)       send the channel's digest                   → outcome
    sweep()              undelivered findings, silent feeds          → (finding, channel) pairs
"""

from __future__ import annotations

import hashlib
import os
import random
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from pipeline.assessment import Assessor
from pipeline.config import FeedConfig, PortwatchConfig
from pipeline.delivery import DeliveryOutcome, RateLimit, deliver_finding, flush_digest
from pipeline.discovery import ArticleSeen, discover
from pipeline.errors import (
    ExtractionError,
    FeedError,
    FetchError,
    NetworkError,
    PortwatchError,
    TransientDeliveryError,
    URLRefused,
)
from pipeline.extraction import Article, extract_article, summary_article
from pipeline.feeds import FeedItem, parse_feed
from pipeline.fetching import FetchPolicy, FetchResult, GuardedClient, policy_from_environment
from pipeline.findings import ArticleRef
from pipeline.logs import get_logger
from pipeline.metrics import Metrics
from pipeline.notifiers import Notifier, build_notifier, channel_secrets
from pipeline.polling import FeedState, after_failure, after_success, conditional_headers, is_due
from pipeline.redact import Redactor
from pipeline.reload import CHECK_EVERY, ConfigWatcher
from pipeline.settings import Settings
from pipeline.store import DEFAULT_STORE_POLICY, Store
from pipeline.urls import story_key

__all__ = ["Deliveries", "ItemTask", "Service", "delivery_batches"]

log = get_logger("portwatch.service")

#: A feed is "silent" when it has not been read successfully for this many intervals.
SILENT_AFTER_INTERVALS = 6
#: ... and never sooner than this.
SILENT_MIN = 3600.0
#: Consecutive failures after which the ops channels hear about a feed.
FAILING_AFTER = 3
#: The same operational message is sent at most once in this many seconds.
OPS_REPEAT = 6 * 3600.0
#: Up to this share of a feed's interval is added at random to its next poll.
POLL_JITTER = 0.1
#: Fetches running at once against one host, across all workers: polite to publishers.
HOST_CONCURRENCY = 2
#: How long an article fetch waits for a free slot on its host before retrying later.
HOST_SLOT_WAIT = 10.0
#: Findings per delivery message: one article's (or a sweep's share), sent in order.
DELIVERY_BATCH = 50


@dataclass(frozen=True)
class ItemTask:
    """The message that asks for one feed item to be processed (small: never page bytes)."""

    feed: str
    title: str
    link: str
    summary: str
    published: str | None
    guid: str
    polled_at: float
    seeding: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ItemTask:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    def feed_item(self) -> FeedItem:
        return FeedItem(self.title, self.link, self.published, self.summary, self.guid)


@dataclass(frozen=True)
class Deliveries:
    """What delivering a batch of findings to one channel left to do."""

    #: Seconds until the channel's digest should be flushed (some finding was queued for it).
    flush_in: float | None = None
    #: Findings not delivered yet, to retry after ``error`` (transient) heals.
    retry: tuple[str, ...] = ()
    error: PortwatchError | None = None


def _flush_in(outcomes: Sequence[DeliveryOutcome]) -> float | None:
    """The soonest digest flush any of ``outcomes`` asks for."""
    return min((o.flush_in for o in outcomes if o.flush_in is not None), default=None)


def delivery_batches(
    pending: Iterable[tuple[str, str]], size: int = DELIVERY_BATCH
) -> list[tuple[str, list[str]]]:
    """(finding, channel) pairs grouped as (channel, findings in order), ``size`` at most:
    one delivery message each."""
    grouped: dict[str, list[str]] = {}
    for finding_id, channel in pending:
        grouped.setdefault(channel, []).append(finding_id)
    return [
        (channel, ids[i : i + size])
        for channel, ids in grouped.items()
        for i in range(0, len(ids), size)
    ]


class Service:
    """One worker process's view of Portwatch. Build it after fork; close it at exit."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        fetch_policy: FetchPolicy | None = None,
        reload_every: float = CHECK_EVERY,
        watcher: ConfigWatcher | None = None,
    ) -> None:
        self.settings = settings
        self.environ = dict(os.environ if environ is None else environ)
        self.clock = clock
        self.store = store or Store.from_url(
            settings.redis_url, replace(DEFAULT_STORE_POLICY, alert_lease=settings.alert_lease)
        )
        self.metrics = Metrics(self.store.redis)
        # A watcher loaded before the fork spares each new pool process reading the YAML again.
        self.watcher = watcher or ConfigWatcher(settings.config_dir, check_every=reload_every)
        self.fetch_policy = fetch_policy or policy_from_environment(self.environ)
        self.client = GuardedClient(self.fetch_policy)
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.rng = random.Random()  # noqa: S311 - jitter, not secrets
        self._apply(self.watcher.config)
        if self.watcher.start_problems:
            message = "; ".join(str(p) for p in self.watcher.start_problems)
            log.error("broken watch-lists left out; the others run", problems=message)
            self.store.set_config_error(message)
            self.ops(f"Broken watch-lists were left out at start: {message}")

    def close(self) -> None:
        self.client.close()
        self.store.close()

    # ------------------------------------------------------------------ configuration

    def _apply(self, config: PortwatchConfig) -> None:
        self.assessor = Assessor.from_config(config)
        self.notifiers: dict[str, Notifier] = {}
        self.notifier_errors: dict[str, str] = {}
        for name, channel in config.channels.items():
            try:
                self.notifiers[name] = build_notifier(
                    name, channel, self.environ, state_dir=self.settings.state_dir
                )
            except PortwatchError as exc:
                self.notifier_errors[name] = str(exc)
        self.redactor = Redactor(channel_secrets(config.channels, self.environ))

    @property
    def config(self) -> PortwatchConfig:
        """The current configuration; an edit is picked up here, a bad one reported loudly."""
        reload = self.watcher.check()
        if reload.changed:
            self._apply(reload.config)
            self.store.set_config_error(None)
            log.info("configuration reloaded", directory=str(self.settings.config_dir))
        elif reload.problems:
            message = "; ".join(str(p) for p in reload.problems)
            log.error("configuration edit rejected, keeping the last good one", problems=message)
            self.store.set_config_error(message)
            self.ops(
                f"Configuration edit rejected, the last good configuration keeps running: {message}"
            )
        return reload.config

    def ops(self, text: str) -> None:
        """An operational message: to the log always, to ops channels once per OPS_REPEAT."""
        config = self.watcher.config
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if not self.store.claim_once(f"ops:{digest}", OPS_REPEAT):
            return
        log.warning("ops message", text=text)
        for name in config.ops_channels():
            notifier = self.notifiers.get(name)
            if notifier is None:
                continue
            try:
                notifier.send_ops(text)
            except PortwatchError as exc:
                log.error("ops message not delivered", channel=name, error=str(exc))

    def _feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.config.feeds if f.name == name), None)

    # ------------------------------------------------------------------ polling

    def due_feeds(self) -> list[str]:
        """Feeds whose poll is due, each claimed so only one poll is enqueued at a time."""
        self.store.record_tick(self.clock())
        now = datetime.fromtimestamp(self.clock(), UTC)
        due = []
        for feed in self.config.feeds:
            if not feed.enabled:
                continue
            state = self._feed_state(feed.name)
            if is_due(state, now) and self.store.claim_poll(feed.name, min(feed.every, 600.0)):
                due.append(feed.name)
        return due

    def _feed_state(self, name: str) -> FeedState:
        try:
            return FeedState.from_dict(self.store.feed_state(name))
        except ValueError:
            return FeedState()  # unreadable state: start afresh rather than stop polling

    def poll(self, name: str) -> list[ItemTask]:
        """Poll one feed; return its items not seen before. Never raises for a bad feed."""
        feed = self._feed(name)
        if feed is None:
            self.store.release_poll(name)
            return []
        now = self.clock()
        moment = datetime.fromtimestamp(now, UTC)
        state = self._feed_state(name)
        every = timedelta(seconds=feed.every)
        host = host_of(feed.url)
        slot = self.store.acquire_host_slot(
            host, HOST_CONCURRENCY, self.fetch_policy.deadline + 5, f"poll:{name}"
        )
        if slot is None:
            self.store.release_poll(name)  # still due: the next tick tries again
            return []
        try:
            result = self.client.get(feed.url, headers=conditional_headers(state))
            # Jitter spreads feeds that share an interval, so polls do not come in waves.
            jittered = every + timedelta(seconds=self.rng.uniform(0, POLL_JITTER * feed.every))
            new_state, changed = after_success(state, result, moment, jittered)
            items = (
                parse_feed(result.body, result.final_url, content_type=result.content_type)
                if changed
                else []
            )
        except (FetchError, FeedError) as exc:
            self.store.save_feed_state(
                name, after_failure(state, exc, moment, every, self.rng).to_dict()
            )
            self.store.release_poll(name)
            self.metrics.inc("portwatch_feed_polls", outcome="error")
            log.warning("feed poll failed", feed=name, error=self.redactor.text(str(exc)))
            return []
        finally:
            self.store.release_host_slot(host, slot)
        self.store.save_feed_state(name, new_state.to_dict())
        self.store.release_poll(name)
        self.metrics.inc("portwatch_feed_polls", outcome="new" if changed else "unchanged")
        seeding = state.last_success is None
        known = self.store.items_known([_story(i.link) for i in items])
        fresh = [i for i, seen in zip(items, known, strict=True) if not seen]
        log.info("feed polled", feed=name, changed=changed, items=len(items), new=len(fresh))
        return [
            ItemTask(name, i.title, i.link, i.summary, i.published, i.guid, now, seeding)
            for i in fresh
        ]

    # ------------------------------------------------------------------ articles

    def process(
        self, task: ItemTask, *, task_id: str, final_attempt: bool
    ) -> list[tuple[str, str]]:
        """Fetch, extract, assess and discover one item; record its findings.

        Returns the (finding, channel) pairs to deliver. Raises a transient FetchError while
        retries remain; on the final attempt the feed's summary stands in for the page.
        """
        link_key = _story(task.link)
        if not self.store.claim_article(link_key, task_id):
            self.metrics.inc("portwatch_articles_processed", outcome="duplicate")
            return []
        article = self._article(task, final_attempt, task_id)
        if article is None:
            self.store.finish_article(link_key)
            return []
        if article.story_key != link_key and not self.store.claim_article(
            article.story_key, task_id
        ):
            self.store.finish_article(link_key)
            self.metrics.inc("portwatch_articles_processed", outcome="duplicate")
            return []
        config = self.config
        feed = self._feed(task.feed)
        assessment = self.assessor.assess(
            article.text, article.title, article.language or (feed.language if feed else None)
        )
        seen = ArticleSeen(
            story=article.story_key,
            text=article.text,
            ref=ArticleRef(
                url=article.canonical_url,
                title=article.title or task.title,
                outlet=task.feed,
                lang=article.language or (feed.language if feed else None),
                published=article.published,
                from_summary=article.from_summary,
            ),
            seeding=task.seeding,
            polled_at=task.polled_at,
        )
        findings = discover(seen, assessment, config, self.store, self.clock())
        pending = []
        records = []
        for finding in findings:
            watchlist = next(w for w in config.watchlists if w.name == finding.watchlist)
            channels = config.channels_for(watchlist)
            records.append((finding.id, finding.to_json(), channels))
            pending += [(finding.id, channel) for channel in channels]
        self.store.finish_articles([link_key, article.story_key], records, self.clock())
        self.metrics.inc_all([
            ("portwatch_articles_processed", {"outcome": "assessed"}),
            *(("portwatch_findings", {"kind": f.kind}) for f in findings),
        ])  # fmt: skip
        log.info(
            "article assessed",
            feed=task.feed,
            url=article.canonical_url,
            relevant=assessment.relevant,
            score=round(assessment.score, 1),
            ports=list(assessment.ports),
            findings=len(findings),
        )
        return pending

    def _fetch_page(self, url: str, owner: str) -> FetchResult:
        """Fetch through the guarded client, within the per-host concurrency cap."""
        host = host_of(url)
        lease = self.fetch_policy.deadline + 5
        deadline = time.monotonic() + HOST_SLOT_WAIT
        while (slot := self.store.acquire_host_slot(host, HOST_CONCURRENCY, lease, owner)) is None:
            if time.monotonic() > deadline:
                raise NetworkError(url, f"{HOST_CONCURRENCY} fetches already running on {host}")
            time.sleep(0.2)
        try:
            return self.client.get(url)
        finally:
            self.store.release_host_slot(host, slot)

    def _article(self, task: ItemTask, final_attempt: bool, owner: str) -> Article | None:
        try:
            result = self._fetch_page(task.link, owner)
            return extract_article(result.body, task.link, result.final_url, task.feed_item())
        except URLRefused as exc:
            outcome, error = "refused", str(exc)
        except FetchError as exc:
            if exc.transient and not final_attempt:
                raise
            outcome, error = "failed", str(exc)
        except ExtractionError as exc:
            self.metrics.inc("portwatch_articles_processed", outcome="failed")
            log.info("no article text", url=task.link, error=str(exc))
            return None
        try:
            article = summary_article(task.link, task.feed_item())
        except ExtractionError:
            self.metrics.inc("portwatch_articles_processed", outcome=outcome)
            log.info("article not fetched", url=task.link, outcome=outcome, error=error)
            return None
        log.info("page not fetched, using the feed summary", url=task.link, error=error)
        return article

    # ------------------------------------------------------------------ delivery

    def rate_limit(self, channel: str) -> RateLimit:
        spec = self.watcher.config.channels.get(channel)
        if spec is None:
            return RateLimit(1.0, 5)
        return RateLimit(spec.min_interval, spec.burst)

    def deliver(self, finding_ids: Sequence[str], channel: str, task_id: str) -> Deliveries:
        """Deliver findings to one channel in order, stopping at the first that must wait for
        a retry (a transient failure): it and the ones after it are returned to retry."""
        self.config  # noqa: B018 - pick up an edit (a fixed secret, a new channel) first
        notifier = self.notifiers.get(channel)
        if notifier is None:
            reason = self.notifier_errors.get(channel, f"channel {channel!r} is not configured")
            error = TransientDeliveryError(channel, reason, retry_after=300.0)
            return Deliveries(None, tuple(finding_ids), error)
        limit = self.rate_limit(channel)
        outcomes: list[DeliveryOutcome] = []
        try:
            for n, finding_id in enumerate(finding_ids):
                try:
                    outcomes.append(
                        deliver_finding(
                            self.store, notifier, finding_id, channel, limit, task_id, self.clock
                        )
                    )
                except PortwatchError as exc:
                    if not exc.transient:
                        raise
                    return Deliveries(_flush_in(outcomes), tuple(finding_ids[n:]), exc)
            return Deliveries(_flush_in(outcomes))
        finally:
            self._count(channel, outcomes)

    def flush(self, channel: str) -> DeliveryOutcome:
        notifier = self.notifiers.get(channel)
        if notifier is None:
            raise TransientDeliveryError(channel, f"channel {channel!r} is not configured", 300.0)
        outcome = flush_digest(self.store, notifier, channel, self.rate_limit(channel), self.clock)
        if outcome.outcome != "digested" or outcome.flush_in is None:
            self._count(channel, [outcome], digest=True)
        return outcome

    def _count(
        self, channel: str, outcomes: Sequence[DeliveryOutcome], digest: bool = False
    ) -> None:
        """Alerts by outcome (one round trip), and the lag of those that went out."""
        counted = []
        for outcome in outcomes:
            if outcome.outcome == "digested" and outcome.flush_in is not None and not digest:
                counted.append("digested")  # queued for the digest: counted, lag when flushed
                continue
            if outcome.outcome in ("sent", "deduplicated", "failed", "digested"):
                counted.append(outcome.outcome)
            if outcome.outcome in ("sent", "digested") and outcome.found_at:
                self.metrics.observe_lag(self.clock() - outcome.found_at)
        if counted:
            self.metrics.inc_all(
                ("portwatch_alerts", {"channel": channel, "outcome": kind}) for kind in counted
            )

    def claim_flush(self, channel: str, delay: float) -> bool:
        return self.store.claim_digest_flush(channel, delay + 60.0)

    # ------------------------------------------------------------------ sweep

    def sweep(self, older_than: float | None = None) -> list[tuple[str, str]]:
        """Findings recorded but not delivered (a crash, a lost claim) and feed health checks.

        A finding is swept once it has been pending for ``older_than`` seconds, by default one
        and a half alert leases (180 s): by then the claim of a worker that died has expired.
        """
        self._check_feeds()
        if older_than is None:
            older_than = 1.5 * self.store.policy.alert_lease
        return self.store.pending(self.clock() - older_than)

    def _check_feeds(self) -> None:
        now = self.clock()
        for feed in self.config.feeds:
            if not feed.enabled:
                continue
            state = self._feed_state(feed.name)
            if state.consecutive_failures >= FAILING_AFTER:
                self.ops(
                    f"Feed {feed.name} is failing: {state.consecutive_failures} polls in a row,"
                    f" last error: {self.redactor.text(state.last_error or 'unknown')}"
                )
            elif state.last_success is not None:
                silent_for = now - state.last_success.timestamp()
                if silent_for > max(SILENT_MIN, SILENT_AFTER_INTERVALS * feed.every):
                    self.ops(f"Feed {feed.name} has been silent for {silent_for / 3600:.1f} h")


def _story(link: str) -> str:
    try:
        return story_key(link)
    except ValueError:
        return hashlib.sha256(link.encode()).hexdigest()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
