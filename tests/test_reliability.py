"""Reliability: the delivery semantics of the design, under real failures of real processes.

Real redis-server, real Celery worker and beat processes (never eager mode); only the outside
world is faked at its protocol: a local news site (feed + pages) and a local Slack receiver.
Each test breaks something — kill -9 of a pool process mid-fetch or mid-POST, a Redis restart,
a message that can never finish, SIGTERM, more workers, a dead scheduler — and checks the promise:
duplicates possible, losses not; poison quarantined, not looped; a stopped scheduler exits.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import redis

from pipeline.findings import Finding
from pipeline.store import Store
from pipeline.urls import story_key

from .conftest import SHIPPED_CONFIG, start_redis, stop_redis
from .factories import new_port_finding
from .harness import (
    children_of,
    client_app,
    embedded_beat,
    portwatch_cli,
    portwatch_env,
    start_beat,
    start_service,
    start_worker,
    stop,
    wait_for,
)
from .servers import Exchange, Handler, LocalServer, RecordingReceiver, Reply, send_bytes
from .test_scenario import STORIES, page

pytestmark = pytest.mark.slow

CHANNEL = "ops-slack"
FEED = "local"
NEW_PORTS = ("Dunkirk", "Zeebrugge", "Hook of Holland")  # what the warning story adds to Calais


# ----------------------------------------------------------------------------- the outside world


class Gate:
    """A route that holds every request until released, then answers with ``answer``.

    ``arrived`` is set when the first request comes in: the client is then inside its fetch.
    With ``delay``, each request is released by itself that many seconds after it arrived.
    """

    def __init__(self, answer: Handler, delay: float | None = None) -> None:
        self.answer = answer
        self.delay = delay
        self.arrived = threading.Event()
        self.released = threading.Event()

    def __call__(self, exchange: Exchange) -> None:
        self.arrived.set()
        ends = time.monotonic() + self.delay if self.delay is not None else None
        while not self.released.is_set() and (ends is None or time.monotonic() < ends):
            if not exchange.wait(0.05):
                return  # the server is stopping
        self.answer(exchange)

    def release(self) -> None:
        self.released.set()


class Counted:
    """A route that counts the answers it has finished writing."""

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.done = 0
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange) -> None:
        self.answer(exchange)
        with self._lock:
            self.done += 1


class Site:
    """A local news site: ``/feed.xml`` lists the stories published so far, each with its page."""

    def __init__(self) -> None:
        self.server = LocalServer()
        self.titles: dict[str, str] = {}
        self.published: list[str] = []
        self.server.route("/feed.xml", self._feed)

    def __enter__(self) -> Site:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def feed_url(self) -> str:
        return self.server.url("/feed.xml")

    def url(self, path: str) -> str:
        return self.server.url(path)

    def add(self, path: str, title: str, body: str, lang: str = "en", boilerplate: str = "") -> str:
        self.titles[path] = title
        self.server.route(path, send_bytes(page(title, body, lang, boilerplate)))
        return path

    def add_story(self, index: int) -> str:
        """One of the reference-story steps of test_scenario (0: Calais, 1: the warning …)."""
        path, title, body, lang, boilerplate = STORIES[index]
        return self.add(path, title, body, lang, boilerplate)

    def hold(self, path: str, delay: float | None = None) -> Gate:
        """Put a gate in front of ``path``'s page."""
        gate = Gate(self.server.routes[path], delay)
        self.server.route(path, gate)
        return gate

    def publish(self, path: str) -> str:
        self.published.append(path)
        return self.url(path)

    def fetches(self, path: str) -> int:
        return len(self.server.requests_to(path))

    def _feed(self, exchange: Exchange) -> None:
        items = "".join(
            f"<item><title>{self.titles[path]}</title><link>{self.url(path)}</link>"
            f"<guid>{self.url(path)}</guid><description>{self.titles[path]}</description></item>"
            for path in list(self.published)
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Local</title><link>{self.url('/')}</link>{items}</channel></rss>"
        ).encode()
        exchange.respond(200, body, None, "application/rss+xml")


class Slack(RecordingReceiver):
    """The Slack receiver: answers ``default`` (switchable), may hold its first POST until released.

    ``answers`` keeps the status given to each request, in order of arrival.
    """

    def __init__(self, *, default: Reply | None = None, hold_first: bool = False) -> None:
        super().__init__(default=default)
        self.answers: list[int] = []
        self.held = threading.Event()
        self.released = threading.Event()
        self._first = hold_first

    def _answer(self, exchange: Exchange) -> None:
        if self._first:
            self._first = False
            self.held.set()
            while not self.released.is_set():
                if not exchange.wait(0.05):
                    return
        self.answers.append(self.default.status)
        super()._answer(exchange)

    def headlines(self) -> list[str]:
        """First line of each message received with a 2xx answer."""
        return [
            body["text"].splitlines()[0]
            for body, status in zip(self.bodies(), self.answers, strict=False)
            if 200 <= status < 300
        ]


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as local:
        yield local


@pytest.fixture
def slack() -> Iterator[Slack]:
    with Slack() as hook:
        yield hook


# ----------------------------------------------------------------------------- Portwatch's side


def make_config(tmp_path: Path, feed_url: str) -> Path:
    """The shipped watch-lists, one local feed, one Slack channel (its URL in PW_TEST_SLACK)."""
    config = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, config)
    (config / "feeds.yaml").write_text(
        f"feeds:\n  - name: {FEED}\n    url: {feed_url}\n    every: 1h\n"
    )
    (config / "channels.yaml").write_text(
        f"channels:\n  {CHANNEL}:\n    kind: slack\n    webhook_url_env: PW_TEST_SLACK\n"
    )
    return config


def environment(
    tmp_path: Path, redis_url: str, site: Site, slack: Slack, **extra: str
) -> dict[str, str]:
    config = make_config(tmp_path, site.feed_url)
    return portwatch_env(
        redis_url, config, allow_hosts=site.server.authority, PW_TEST_SLACK=slack.webhook_url,
        **extra,
    )  # fmt: skip


def processed(client: redis.Redis, url: str) -> bool:
    return Store(client).article_state(story_key(url)) == "done"


def poll_until_processed(app: object, client: redis.Redis, url: str, timeout: float = 30.0) -> None:
    app.send_task("portwatch.poll_feed", args=[FEED])  # type: ignore[attr-defined]
    wait_for(lambda: processed(client, url), timeout, what=f"{url} processed")


def kill_pool_child(worker: subprocess.Popen[bytes]) -> int:
    """kill -9 the only pool process of a concurrency-1 worker; wait for its replacement."""
    [child] = children_of(worker.pid)
    os.kill(child, signal.SIGKILL)
    wait_for(
        lambda: (c := children_of(worker.pid)) and child not in c,
        30, what="the pool process to be replaced",
    )  # fmt: skip
    return child


def record(store: Store, finding: Finding, at: float | None = None) -> str:
    store.record_findings([(finding.id, finding.to_json(), [CHANNEL])], at or time.time())
    return finding.id


def sweep_until(app: object, done: Callable[[], bool], timeout: float, what: str) -> None:
    """Ask for a sweep now and then (beat would, every 30 s) until ``done()``."""

    def check() -> bool:
        if done():
            return True
        app.send_task("portwatch.sweep")  # type: ignore[attr-defined]
        return False

    wait_for(check, timeout, interval=1.0, what=what)


def quarantined(env: Mapping[str, str]) -> list[dict[str, Any]]:
    result = portwatch_cli(env, "quarantine", "list")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def log_tail(path: Path, size: int = 4000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


class Supervised:
    """A process under a supervisor (systemd, the Procfile runner): restarted when it exits.

    The design allows a process to exit non-zero on trouble so that its supervisor restarts it;
    exiting 0 by itself, or hanging, is what it must never do. ``check`` plays the supervisor.
    """

    def __init__(self, start: Callable[[], subprocess.Popen[bytes]]) -> None:
        self._start = start
        self.process = start()
        self.exits: list[int] = []

    def check(self) -> bool:
        code = self.process.poll()
        if code is not None:
            assert code != 0, "a process under supervision exited 0 by itself"
            self.exits.append(code)
            self.process = self._start()
        return True

    def stop(self) -> int:
        return stop(self.process)


# ----------------------------------------------------------------------------- tests


def test_worker_child_killed_mid_fetch_redoes_the_article(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, site: Site, slack: Slack
) -> None:
    env = environment(tmp_path, redis_url, site, slack)
    app = client_app(redis_url)
    calais = site.publish(site.add_story(0))
    warning_path = site.add_story(1)
    gate = site.hold(warning_path)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log, concurrency=1)
    try:
        poll_until_processed(app, redis_client, calais)  # seeds the state: Calais is known
        warning = site.publish(warning_path)
        app.send_task("portwatch.poll_feed", args=[FEED])
        wait_for(gate.arrived.is_set, 30, what="the article's fetch to start")
        kill_pool_child(worker)
        gate.release()
        wait_for(lambda: processed(redis_client, warning), 30, what="the article redone")
        wait_for(lambda: len(slack.headlines()) >= 3, 30, what="three alerts")
        wait_for(lambda: Store(redis_client).pending_count() == 0, 30, what="nothing pending")
        time.sleep(0.5)  # a late duplicate would show now
    finally:
        stop(worker)
    print(log_tail(log))

    assert site.fetches(warning_path) >= 2  # the redelivered message fetched the page again
    counts = Counter(h.split(" — ")[0] for h in slack.headlines())
    assert set(counts) == {f"New port: {port}" for port in NEW_PORTS}, counts
    assert all(1 <= n <= 2 for n in counts.values()), counts  # none lost, one duplicate at most
    # The findings were recorded, and each was delivered.
    store = Store(redis_client)
    sent = [entry for entry in store.deliveries(100) if entry["outcome"] == "sent"]
    recorded = {fid: store.finding(fid) for entry in sent for fid in entry["findings"]}
    assert all(recorded.values()), recorded
    assert sorted(str(data["port"]) for data in recorded.values() if data) == sorted(NEW_PORTS)


def test_worker_child_killed_mid_delivery_sends_at_most_twice_and_never_loses(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, site: Site
) -> None:
    with Slack(hold_first=True) as slack:
        # A short lease, so that the dead worker's claim expires within the test.
        env = environment(tmp_path, redis_url, site, slack, PORTWATCH_ALERT_LEASE="3")
        app = client_app(redis_url)
        store = Store(redis_client)
        finding_id = record(store, new_port_finding("Zeebrugge", outlet=FEED))
        log = tmp_path / "worker.log"
        worker = start_worker(env, log, concurrency=1)
        try:
            app.send_task("portwatch.deliver", args=[finding_id, CHANNEL])
            wait_for(slack.held.is_set, 30, what="the POST to Slack to start")
            kill_pool_child(worker)
            slack.released.set()
            # The redelivered message finds the dead worker's claim and stands back; once the
            # lease has run out, the sweep sends again.
            sweep_until(
                app, lambda: store.alert_state(finding_id, CHANNEL) == "sent", 30, "the alert sent"
            )
            time.sleep(1.0)  # a late duplicate would show now
        finally:
            stop(worker)
        print(log_tail(log))

    # The POST cut short by the kill, then the sweep's: twice at most, the last one answered 200.
    texts = [body["text"].splitlines()[0] for body in slack.bodies()]
    assert 1 <= len(texts) <= 2, texts
    assert set(texts) == {new_port_finding("Zeebrugge", outlet=FEED).headline()}
    assert slack.answers[-1] == 200
    assert store.pending_count() == 0


def test_redis_restart_mid_run_recovers_and_sweep_delivers_recorded_findings(
    tmp_path: Path, site: Site
) -> None:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = start_redis(directory, aof=True)
    url = server.url(0)
    with Slack(default=Reply(500, b"error")) as slack:
        env = environment(tmp_path, url, site, slack, PORTWATCH_ALERT_LEASE="3")
        app = client_app(url)
        client = redis.Redis.from_url(url)
        # Celery 5.7.0 may end a worker that holds unacknowledged messages when the broker goes
        # away ("Unrecoverable error", exit 1): the design lets it exit non-zero for its
        # supervisor to restart it. Beat must ride the restart out.
        worker = Supervised(lambda: start_worker(env, tmp_path / "worker.log"))
        beat = start_beat(env, tmp_path / "beat.log")
        try:
            store = Store(client)
            wait_for(
                lambda: store.feed_state(FEED).get("last_success"), 30, what="beat's first poll"
            )
            # A finding recorded a while ago and not delivered: Slack answers 500.
            finding = new_port_finding("Hook of Holland", outlet=FEED)
            record(store, finding, at=time.time() - 600)
            app.send_task("portwatch.sweep")
            wait_for(lambda: slack.answers, 30, what="a first attempt")
            assert (finding.id, CHANNEL) in store.pending(time.time())

            client.close()
            stop_redis(server)
            time.sleep(2)  # worker, beat and the retries in flight meet a dead Redis
            server = start_redis(directory, server.port, aof=True)
            restarted = time.time()
            client = redis.Redis.from_url(url)
            store = Store(client)
            # The AOF kept the finding and its pending delivery.
            assert store.finding(finding.id) is not None
            assert (finding.id, CHANNEL) in store.pending(time.time())

            slack.default = Reply()  # Slack is back
            sweep_until(
                app,
                lambda: worker.check() and store.alert_state(finding.id, CHANNEL) == "sent",
                40, "the alert sent",
            )  # fmt: skip
            wait_for(lambda: store.pending_count() == 0, 30, what="nothing pending")
            # The scheduler ticks again, and the worker processes new polls.
            wait_for(
                lambda: (store.last_tick() or 0) > restarted, 30, what="a tick after the restart"
            )
            article = site.publish(site.add_story(0))
            poll_until_processed(app, client, article)
            assert worker.check()
            assert beat.poll() is None, "beat exited"
        finally:
            stop(beat)
            worker.stop()
            client.close()
            stop_redis(server)
        print(log_tail(tmp_path / "worker.log"), log_tail(tmp_path / "beat.log"))
        print("exit codes of the worker restarted by the test:", worker.exits)

    assert finding.headline() in slack.headlines()
    assert slack.answers[0] == 500


def test_poison_message_is_quarantined_after_n_deliveries_and_can_be_replayed(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, site: Site, slack: Slack
) -> None:
    env = environment(tmp_path, redis_url, site, slack, PORTWATCH_MAX_DELIVERIES="2")
    app = client_app(redis_url)
    path = site.add_story(0)
    healthy = site.server.routes[path]
    # A page the worker never survives: megabytes of markup take seconds to extract, and the
    # test plays the OOM killer each time a worker is at it.
    _, title, body, *_ = STORIES[0]
    heavy = Counted(send_bytes(page(title, "\n\n".join([body] * 10_000))))
    site.server.route(path, heavy)
    url = site.publish(path)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log, concurrency=1)
    try:
        app.send_task("portwatch.poll_feed", args=[FEED])
        for delivery in (1, 2):
            wait_for(lambda n=delivery: heavy.done >= n, 30, what=f"delivery {delivery}'s fetch")
            time.sleep(0.3)  # the page is read: the worker is extracting it
            kill_pool_child(worker)
        entries = wait_for(lambda: quarantined(env), 30, what="the message quarantined")
        time.sleep(2.0)  # were it looping, it would fetch again now
        assert heavy.done == 2
        assert redis_client.llen("articles") == 0
        assert not processed(redis_client, url)

        site.server.route(path, healthy)  # the page is fixed; the operator replays
        result = portwatch_cli(env, "quarantine", "replay")
        assert result.returncode == 0, result.stderr
        assert "replayed 1 " in result.stdout
        wait_for(lambda: processed(redis_client, url), 30, what="the replayed article processed")
        assert quarantined(env) == []
    finally:
        stop(worker)
    print(log_tail(log))

    [entry] = entries
    assert entry["task"] == "portwatch.process_item"
    assert "delivered 3 times" in str(entry["reason"])
    assert entry["args"][0]["link"] == url


def test_hung_article_is_stopped_by_the_time_limit_and_quarantined_not_looped(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, site: Site, slack: Slack
) -> None:
    # An 8 s limit: the soft one (7 s) interrupts the fetch of a page that never comes.
    env = environment(tmp_path, redis_url, site, slack, PORTWATCH_TASK_TIME_LIMIT="8")
    app = client_app(redis_url)
    path = site.add_story(0)
    gate = site.hold(path)  # the page never comes
    url = site.publish(path)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log, concurrency=1)
    try:
        app.send_task("portwatch.poll_feed", args=[FEED])
        wait_for(gate.arrived.is_set, 30, what="the article's fetch to start")
        entries = wait_for(lambda: quarantined(env), 30, what="the message quarantined")
        time.sleep(1.0)  # were it requeued, it would fetch again now
        assert site.fetches(path) == 1
        assert redis_client.llen("articles") == 0
        assert not processed(redis_client, url)
    finally:
        gate.release()
        stop(worker)
    print(log_tail(log))

    [entry] = entries
    assert entry["task"] == "portwatch.process_item"
    assert entry["args"][0]["link"] == url
    assert "SoftTimeLimitExceeded" in str(entry["reason"]), entry


def test_sigterm_warm_shutdown_finishes_the_task_in_hand(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, site: Site, slack: Slack
) -> None:
    env = environment(tmp_path, redis_url, site, slack)
    app = client_app(redis_url)
    path = site.add_story(0)
    gate = site.hold(path, delay=3.0)  # a slow page: three seconds
    url = site.publish(path)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log, concurrency=1)
    try:
        app.send_task("portwatch.poll_feed", args=[FEED])
        wait_for(gate.arrived.is_set, 30, what="the article's fetch to start")
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=40)
    finally:
        stop(worker)
    print(log_tail(log))

    assert code == 0
    assert processed(redis_client, url)  # finished by the worker that had it …
    assert site.fetches(path) == 1  # … not handed back and left for another
    assert redis_client.llen("articles") == 0


def run_reference_story(
    tmp_path: Path, redis_url: str, client: redis.Redis, workers: int
) -> list[str]:
    """The reference story of test_scenario, shortened, step by step, on a flushed database.

    Calais seeds; the warning names three new ports; its syndicated copy adds nothing; the
    follow-up changes the nightly figure.
    """
    client.flushall()
    with Site() as site, Slack() as slack:
        paths = [site.add_story(i) for i in (0, 1, 4, 5)]
        env = environment(tmp_path, redis_url, site, slack)
        app = client_app(redis_url)
        log = tmp_path / "workers.log"
        processes = [
            start_worker(env, log, concurrency=1, name=f"w{i}") for i in range(1, workers + 1)
        ]
        try:
            for path in paths:
                poll_until_processed(app, client, site.publish(path))
            wait_for(lambda: Store(client).pending_count() == 0, 30, what="nothing pending")
            time.sleep(0.5)  # a late duplicate would show now
        finally:
            for process in processes:
                stop(process)
        return slack.headlines()


def test_one_worker_and_three_workers_give_the_same_alerts(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    one = run_reference_story(tmp_path / "one", redis_url, redis_client, workers=1)
    three = run_reference_story(tmp_path / "three", redis_url, redis_client, workers=3)

    assert one, "the reference story alerted nothing"
    assert set(one) == set(three), (one, three)
    # Nothing crashed: each alert once, with one worker as with three.
    assert len(one) == len(set(one)) and len(three) == len(set(three)), (one, three)


def test_embedded_scheduler_polls_feeds_and_watchdog_exits_when_ticks_stop(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, site: Site, slack: Slack
) -> None:
    stale = 10.0
    env = environment(tmp_path, redis_url, site, slack, PORTWATCH_WATCHDOG_STALE=str(stale))
    config = Path(env["PORTWATCH_CONFIG_DIR"])
    log = tmp_path / "run.log"
    started = time.monotonic()
    service = start_service(env, log, config)
    try:
        # Nobody sends a task: the embedded beat's tick polls the feed.
        wait_for(lambda: site.fetches("/feed.xml"), 20, what="the first poll")
        assert time.monotonic() - started < 20
        # Ticks keep coming for longer than the watchdog's limit, and the service stays up.
        first = wait_for(Store(redis_client).last_tick, 5, what="a tick")
        time.sleep(max(0.0, started + stale + 3 - time.monotonic()))
        assert service.poll() is None, log_tail(log)
        assert (Store(redis_client).last_tick() or 0) > first

        beat = wait_for(lambda: embedded_beat(service.pid), 10, what="the embedded beat process")
        os.kill(beat, signal.SIGKILL)
        killed = time.monotonic()
        code = service.wait(timeout=40)
        waited = time.monotonic() - killed
    finally:
        stop(service)
    print(log_tail(log))

    assert code == 70  # EX_SOFTWARE: the supervisor restarts Portwatch
    assert waited < 30
    assert "the scheduler has stopped ticking" in log.read_text()
