"""The service's own behaviour, in process, on real Redis and local servers: hot reload, ops
messages, feed health, polling, metrics and Sentry scrubbing."""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from pipeline.service import ItemTask, Service
from pipeline.settings import Settings
from pipeline.store import Store

from .conftest import SHIPPED_CONFIG
from .servers import LocalServer, RecordingReceiver, send_bytes, status

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>{base}/one</link><description>First item summary text</description></item>
</channel></rss>"""


def settings(redis_url: str, config: Path, **extra: Any) -> Settings:
    return Settings(REDIS_URL=redis_url, PORTWATCH_CONFIG_DIR=config, **extra)  # type: ignore[call-arg]


def configure(tmp_path: Path, feed_url: str, channels: str = "") -> Path:
    config = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, config)
    (config / "feeds.yaml").write_text(
        f"feeds:\n  - name: local\n    url: {feed_url}\n    every: 1m\n"
    )
    if channels:
        (config / "channels.yaml").write_text(channels)
    return config


OPS_SLACK = "channels:\n  ops:\n    kind: slack\n    webhook_url_env: PW_OPS_HOOK\n    ops: true\n"


def test_a_bad_edit_keeps_the_last_good_config_and_tells_ops(
    tmp_path: Path, redis_url: str
) -> None:
    with RecordingReceiver() as hook:
        config = configure(tmp_path, "http://127.0.0.1:9/feed.xml", OPS_SLACK)
        service = Service(
            settings(redis_url, config), environ={"PW_OPS_HOOK": hook.webhook_url}, reload_every=0
        )
        try:
            watchlist = config / "watchlists" / "channel-north-sea.yaml"
            watchlist.write_text(watchlist.read_text().replace("threshold: 5", "threshold: [oops"))
            assert service.config.watchlists[0].threshold == 5  # the last good one keeps running
            error = service.store.config_error()
            assert error is not None and "channel-north-sea.yaml" in error
            [ops] = hook.wait_for(1)
            assert "Configuration edit rejected" in ops.body.decode()
            # A fixed edit is picked up without a restart.
            watchlist.write_text(watchlist.read_text().replace("threshold: [oops", "threshold: 7"))
            assert {w.name: w.threshold for w in service.config.watchlists}[
                "channel-north-sea"
            ] == 7
            assert service.store.config_error() is None
        finally:
            service.close()


def test_poll_records_health_and_second_poll_of_unchanged_feed_enqueues_nothing(
    tmp_path: Path, redis_url: str
) -> None:
    with LocalServer() as server:
        body = FEED.replace(b"{base}", server.url("").rstrip("/").encode())
        server.route("/feed.xml", send_bytes(body, "application/rss+xml", headers={"ETag": '"v1"'}))
        config = configure(tmp_path, server.url("/feed.xml"))
        service = Service(
            settings(redis_url, config), environ={"PORTWATCH_ALLOW_HOSTS": server.authority}
        )
        try:
            first = service.poll("local")
            assert [item.link for item in first] == [server.url("/one")]
            assert first[0].seeding  # the first poll seeds the state
            second = service.poll("local")
            assert second == []
            conditional = server.requests_to("/feed.xml")[-1]
            assert conditional.headers.get("if-none-match") == '"v1"'
            state = service.store.feed_state("local")
            assert state["consecutive_failures"] == "0" and state["last_success"]
            snapshot = service.metrics.snapshot()
            assert any("unchanged" in key for key in snapshot)
        finally:
            service.close()


def test_failing_feed_backs_off_and_alerts_ops_once(tmp_path: Path, redis_url: str) -> None:
    with LocalServer() as server, RecordingReceiver() as hook:
        server.route("/feed.xml", status(503, headers={"Retry-After": "120"}))
        config = configure(tmp_path, server.url("/feed.xml"), OPS_SLACK)
        service = Service(
            settings(redis_url, config),
            environ={"PORTWATCH_ALLOW_HOSTS": server.authority, "PW_OPS_HOOK": hook.webhook_url},
        )
        try:
            for _ in range(3):
                assert service.poll("local") == []
            state = service.store.feed_state("local")
            assert state["consecutive_failures"] == "3"
            assert "503" in state["last_error"]
            # Retry-After is honoured: the next poll is at least two minutes away.
            assert service.due_feeds() == []
            service.sweep()
            service.sweep()
            [message] = hook.wait_for(1)
            assert "Feed local is failing" in message.body.decode()
            time.sleep(0.2)
            assert len(hook.requests) == 1  # said once, not at every sweep
        finally:
            service.close()


def test_refused_article_url_is_counted_and_never_fetched(tmp_path: Path, redis_url: str) -> None:
    config = configure(tmp_path, "http://127.0.0.1:9/feed.xml")
    service = Service(settings(redis_url, config), environ={})
    try:
        task = ItemTask(
            "local",
            "t",
            "http://169.254.169.254/latest/meta-data",
            "",
            None,
            "g",
            time.time(),
            False,
        )
        assert service.process(task, task_id="t1", final_attempt=True) == []
        assert any("refused" in key for key in service.metrics.snapshot())
    finally:
        service.close()


def test_metrics_endpoint_serves_the_contract_names(tmp_path: Path, redis_url: str) -> None:
    from workers.observability import serve_metrics

    from .conftest import free_port

    store = Store(redis.Redis.from_url(redis_url))
    from pipeline.metrics import Metrics

    metrics = Metrics(store.redis)
    metrics.inc("portwatch_feed_polls", outcome="new")
    metrics.inc("portwatch_alerts", channel="ops", outcome="sent")
    metrics.observe_lag(1.5)
    port = free_port()
    server = serve_metrics(settings(redis_url, tmp_path, PORTWATCH_METRICS_PORT=port))
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        server.shutdown()
        server.server_close()
        store.close()
    assert 'portwatch_feed_polls_total{outcome="new"} 1.0' in text
    assert 'portwatch_alerts_total{channel="ops",outcome="sent"} 1.0' in text
    assert 'portwatch_alert_lag_seconds_bucket{le="2.0"} 1.0' in text
    assert 'portwatch_queue_depth{queue="articles"} 0.0' in text


def test_sentry_events_carry_no_secrets(tmp_path: Path) -> None:
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from workers.observability import init_sentry

    captured: list[Any] = []

    class Capture(Transport):
        def capture_envelope(self, envelope: Any) -> None:
            captured.extend(item.payload.json for item in envelope.items if item.payload.json)

    hook = "https://hooks.slack.com/services/T0/B0/SECRETSECRET"
    smtp = "smtp://ops:hunter2hunter2@mail.example.org:587"
    config = configure(
        tmp_path,
        "http://127.0.0.1:9/feed.xml",
        "channels:\n  s:\n    kind: slack\n    webhook_url_env: PW_HOOK\n"
        "  m:\n    kind: email\n    to: [a@example.org]\n    smtp_url_env: PW_SMTP\n",
    )
    dsn = "https://publickey@sentry.example.org/42"
    assert init_sentry(
        settings("redis://127.0.0.1:1/0", config, SENTRY_DSN=dsn),
        environ={"PW_HOOK": hook, "PW_SMTP": smtp},
        transport=Capture,
    )
    try:
        try:
            raise RuntimeError(f"delivery to {hook} failed; mail via {smtp}")
        except RuntimeError:
            sentry_sdk.capture_exception()
        sentry_sdk.add_breadcrumb(message=f"posting to {hook}")
        sentry_sdk.capture_message(f"token xoxb-123456789012-abcdef in {smtp}")
        # An error-level log event (a rejected configuration edit) becomes a Sentry event too.
        from pipeline.logs import configure_logging, get_logger

        root = logging.getLogger()
        saved = root.handlers[:], root.level
        configure_logging("json")
        try:
            get_logger("portwatch.test").error("configuration edit rejected", problem=f"see {hook}")
        finally:
            root.handlers[:], level = saved
            root.setLevel(level)
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
    dumped = json.dumps(captured)
    assert captured, "no event captured"
    for secret in ("SECRETSECRET", "hunter2hunter2", "xoxb-123456789012", "publickey"):
        assert secret not in dumped
    assert "[redacted]" in dumped
    assert "configuration edit rejected" in dumped


@pytest.mark.parametrize("name", ["feeds.yaml"])
def test_service_refuses_to_start_on_a_broken_config(
    tmp_path: Path, redis_url: str, name: str
) -> None:
    from pipeline.errors import ConfigError

    config = configure(tmp_path, "http://127.0.0.1:9/feed.xml")
    (config / name).write_text("feeds: [\n")
    with pytest.raises(ConfigError):
        Service(settings(redis_url, config), environ={})


def test_per_host_concurrency_cap_holds_across_workers(redis_client: redis.Redis) -> None:
    first, second = Store(redis_client), Store(redis.Redis(connection_pool=redis_client.connection_pool))
    a = first.acquire_host_slot("news.example", 2, 30, "task-a")
    b = second.acquire_host_slot("news.example", 2, 30, "task-b")
    assert a and b
    assert first.acquire_host_slot("news.example", 2, 30, "task-c") is None
    assert first.acquire_host_slot("other.example", 2, 30, "task-c")  # another host is not held up
    second.release_host_slot("news.example", b)
    assert first.acquire_host_slot("news.example", 2, 30, "task-c")


def test_a_dead_workers_host_slot_frees_itself_or_is_taken_back_by_its_redelivery(
    redis_client: redis.Redis,
) -> None:
    store = Store(redis_client)
    assert store.acquire_host_slot("news.example", 1, 0.3, "task-a")
    assert store.acquire_host_slot("news.example", 1, 0.3, "task-b") is None
    assert store.acquire_host_slot("news.example", 1, 0.3, "task-a")  # the same message again
    time.sleep(0.4)
    assert store.acquire_host_slot("news.example", 1, 0.3, "task-b")
