"""Delivery: once per channel, retries only what heals, rate limits with a digest.

In-process tests drive pipeline.delivery against real Redis, a local Slack receiver and aiosmtpd;
the worker tests send the same work through real Celery worker processes.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
import redis

from pipeline.delivery import RateLimit, deliver_finding, flush_digest
from pipeline.errors import TransientDeliveryError
from pipeline.findings import Finding
from pipeline.notify_email import EmailNotifier, parse_smtp_url
from pipeline.notify_slack import SlackNotifier
from pipeline.store import Store

from .conftest import SHIPPED_CONFIG, RedisServer, SMTPRecorder
from .factories import new_port_finding
from .harness import client_app, portwatch_env, start_worker, stop, wait_for
from .servers import RecordingReceiver, Reply

RELAXED = RateLimit(interval=0.001, burst=1000)


def mail_notifier(smtp_server: SMTPRecorder) -> EmailNotifier:
    """The ``mail`` channel, sending through the test's aiosmtpd server."""
    smtp = parse_smtp_url("mail", "PW_SMTP", smtp_server.url(), starttls=False)
    return EmailNotifier("mail", smtp, "portwatch@example.org", ("ops@example.org",))


def record(store: Store, item: Finding, channels: list[str]) -> str:
    store.record_findings([(item.id, item.to_json(), channels)], time.time())
    return item.id


def test_same_finding_delivered_twice_posts_once(redis_client: redis.Redis) -> None:
    store = Store(redis_client)
    with RecordingReceiver() as hook:
        notifier = SlackNotifier("slack", hook.webhook_url)
        finding_id = record(store, new_port_finding(), ["slack"])
        first = deliver_finding(store, notifier, finding_id, "slack", RELAXED, "w1")
        second = deliver_finding(store, notifier, finding_id, "slack", RELAXED, "w2")
        assert (first.outcome, second.outcome) == ("sent", "deduplicated")
        assert len(hook.requests) == 1
    assert store.pending_count() == 0
    assert store.alert_state(finding_id, "slack") == "sent"


def test_ten_concurrent_deliveries_post_once_and_email_once(
    redis_client: redis.Redis, smtp_server: SMTPRecorder
) -> None:
    store = Store(redis_client)
    with RecordingReceiver() as hook:
        slack = SlackNotifier("slack", hook.webhook_url)
        email = mail_notifier(smtp_server)
        finding_id = record(store, new_port_finding(), ["slack", "mail"])
        outcomes: list[str] = []

        def deliver(notifier: SlackNotifier | EmailNotifier, channel: str, message: str) -> None:
            own = Store(redis.Redis(connection_pool=redis_client.connection_pool))
            outcome = deliver_finding(own, notifier, finding_id, channel, RELAXED, message)
            outcomes.append(outcome.outcome)

        threads = [
            threading.Thread(target=deliver, args=(n, c, f"message-{i}"))
            for i in range(10)
            for n, c in ((slack, "slack"), (email, "mail"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(hook.requests) == 1
    assert len(smtp_server.messages) == 1
    assert sorted(outcomes) == ["deduplicated"] * 18 + ["sent"] * 2


def test_a_redelivered_message_takes_back_its_own_lease_but_others_wait(
    redis_client: redis.Redis,
) -> None:
    store = Store(redis_client)
    with RecordingReceiver() as hook:
        notifier = SlackNotifier("slack", hook.webhook_url)
        finding_id = record(store, new_port_finding(), ["slack"])
        # The worker running message m1 died after claiming, before confirming.
        assert store.claim_alert(finding_id, "slack", "m1") is None
        other = deliver_finding(store, notifier, finding_id, "slack", RELAXED, "m2")
        redelivered = deliver_finding(store, notifier, finding_id, "slack", RELAXED, "m1")
        assert (other.outcome, redelivered.outcome) == ("deduplicated", "sent")
        assert len(hook.requests) == 1


def test_flaky_receiver_500_500_200_is_retried_to_one_post(redis_client: redis.Redis) -> None:
    store = Store(redis_client)
    with RecordingReceiver([500, 500, 200]) as hook:
        notifier = SlackNotifier("slack", hook.webhook_url)
        finding_id = record(store, new_port_finding(), ["slack"])
        for _ in range(2):
            with pytest.raises(TransientDeliveryError):
                deliver_finding(store, notifier, finding_id, "slack", RELAXED, "w")
            assert store.alert_state(finding_id, "slack") is None  # claim released for the retry
        assert deliver_finding(store, notifier, finding_id, "slack", RELAXED, "w").outcome == "sent"
        assert len(hook.requests) == 3
    assert store.pending_count() == 0


def test_429_carries_retry_after_for_the_retry(redis_client: redis.Redis) -> None:
    store = Store(redis_client)
    with RecordingReceiver([Reply.retry_after(7)]) as hook:
        notifier = SlackNotifier("slack", hook.webhook_url)
        finding_id = record(store, new_port_finding(), ["slack"])
        with pytest.raises(TransientDeliveryError) as caught:
            deliver_finding(store, notifier, finding_id, "slack", RELAXED, "w")
    assert caught.value.retry_after == 7


def test_400_is_not_retried_and_is_recorded(redis_client: redis.Redis) -> None:
    store = Store(redis_client)
    with RecordingReceiver([400]) as hook:
        notifier = SlackNotifier("slack", hook.webhook_url)
        finding_id = record(store, new_port_finding(), ["slack"])
        outcome = deliver_finding(store, notifier, finding_id, "slack", RELAXED, "w")
        again = deliver_finding(store, notifier, finding_id, "slack", RELAXED, "w")
        assert len(hook.requests) == 1
    assert (outcome.outcome, again.outcome) == ("failed", "deduplicated")
    assert store.deliveries(1)[0]["outcome"] == "failed"
    assert store.pending_count() == 0


def test_burst_of_fifty_sends_at_most_the_burst_then_one_digest(redis_client: redis.Redis) -> None:
    store = Store(redis_client)
    limit = RateLimit(interval=1.0, burst=5)
    with RecordingReceiver() as hook:
        notifier = SlackNotifier("slack", hook.webhook_url)
        ids = [record(store, new_port_finding(port=f"Port {i}"), ["slack"]) for i in range(50)]
        outcomes = [deliver_finding(store, notifier, i, "slack", limit, "w").outcome for i in ids]
        assert outcomes.count("sent") == 5
        assert outcomes.count("digested") == 45
        assert len(hook.requests) == 5
        time.sleep(1.1)  # one token back
        assert flush_digest(store, notifier, "slack", limit).outcome == "digested"
        texts = [body["text"] for body in hook.bodies()]
    assert len(texts) == 6
    digest = texts[-1]
    assert digest.startswith("Digest: 45 findings — ")
    assert sum(1 for line in digest.splitlines() if line.startswith("New port: Port ")) == 45
    assert store.pending_count() == 0
    assert store.digest_queue("slack") == []


def test_article_text_cannot_ping_or_inject_headers(
    redis_client: redis.Redis, smtp_server: SMTPRecorder
) -> None:
    store = Store(redis_client)
    hostile = new_port_finding(title="<!channel> smugglers <@U024BE7LH>\r\nBcc: victim@example.org")
    with RecordingReceiver() as hook:
        slack = SlackNotifier("slack", hook.webhook_url)
        email = mail_notifier(smtp_server)
        finding_id = record(store, hostile, ["slack", "mail"])
        deliver_finding(store, slack, finding_id, "slack", RELAXED, "w")
        deliver_finding(store, email, finding_id, "mail", RELAXED, "w")
        payload = hook.requests[0].body.decode()
    assert "<!channel>" not in payload and "&lt;!channel&gt;" in payload
    assert "<@U024BE7LH>" not in payload
    [message] = smtp_server.messages
    assert message["Bcc"] is None
    assert smtp_server.envelopes == [("portwatch@example.org", ["ops@example.org"])]
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])


# ------------------------------------------------------------------ through real workers


def slack_config(tmp_path: Path) -> Path:
    """The shipped configuration with one Slack channel whose webhook is in PW_TEST_SLACK."""
    config = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, config)
    (config / "channels.yaml").write_text(
        "channels:\n  ops-slack:\n    kind: slack\n    webhook_url_env: PW_TEST_SLACK\n"
    )
    return config


@pytest.mark.slow
def test_ten_deliver_tasks_for_one_finding_through_workers_post_once(
    tmp_path: Path, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    config = slack_config(tmp_path)
    with RecordingReceiver([500]) as hook:
        env = portwatch_env(redis_server.url(0), config, PW_TEST_SLACK=hook.webhook_url)
        finding_id = record(Store(redis_client), new_port_finding(), ["ops-slack"])
        app = client_app(redis_server.url(0))
        worker = start_worker(env, tmp_path / "worker.log", concurrency=2)
        try:
            for _ in range(10):
                app.send_task("portwatch.deliver", args=[finding_id, "ops-slack"])
            wait_for(lambda: redis_client.zcard("pw:pending") == 0, 60, what="delivered")
            time.sleep(1.0)  # let stragglers run: they must find the alert already sent
        finally:
            stop(worker)
        statuses = [r for r in hook.requests]
    # One 500 (retried by the task), then exactly one successful POST.
    assert len(statuses) == 2
    assert redis_client.get(f"pw:alert:{finding_id}|ops-slack") == b"sent"


@pytest.mark.slow
def test_one_message_delivers_an_articles_findings_and_retries_only_those_not_sent(
    tmp_path: Path, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    config = slack_config(tmp_path)
    store = Store(redis_client)
    ports = ["Dunkirk", "Zeebrugge", "Ostend"]
    # The first finding goes through, the second meets a 503: the retry carries the second and
    # third only, so each port is announced once.
    with RecordingReceiver([200, 503]) as hook:
        env = portwatch_env(redis_server.url(0), config, PW_TEST_SLACK=hook.webhook_url)
        ids = [record(store, new_port_finding(port), ["ops-slack"]) for port in ports]
        worker = start_worker(env, tmp_path / "worker.log", concurrency=1)
        try:
            client_app(redis_server.url(0)).send_task("portwatch.deliver", args=[ids, "ops-slack"])
            wait_for(lambda: redis_client.zcard("pw:pending") == 0, 60, what="delivered")
        finally:
            stop(worker)
        texts = [str(body.get("text", "")) for body in hook.bodies()]
    assert len(texts) == 4
    for port in ports:
        announced = [t for t in texts if f"New port: {port} " in t]
        assert len(announced) == (2 if port == "Zeebrugge" else 1), texts
    assert all(store.alert_state(i, "ops-slack") == "sent" for i in ids)


@pytest.mark.slow
def test_worker_waits_retry_after_before_retrying_a_429(
    tmp_path: Path, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    config = slack_config(tmp_path)
    with RecordingReceiver([Reply.retry_after(3), 200]) as hook:
        env = portwatch_env(redis_server.url(0), config, PW_TEST_SLACK=hook.webhook_url)
        finding_id = record(Store(redis_client), new_port_finding(), ["ops-slack"])
        worker = start_worker(env, tmp_path / "worker.log", concurrency=1)
        try:
            client_app(redis_server.url(0)).send_task(
                "portwatch.deliver", args=[finding_id, "ops-slack"]
            )
            requests = hook.wait_for(2, timeout=30)
        finally:
            stop(worker)
    assert len(requests) == 2
    assert requests[1].at - requests[0].at >= 3.0


def test_an_alert_left_waiting_in_the_digest_asks_for_a_flush_when_swept(
    redis_client: redis.Redis,
) -> None:
    # A finding queued while a flush ran finds that flush's claim taken, and the flush has
    # already read the queue: nothing would flush it. The sweep re-delivers it after a while;
    # that delivery must ask for a flush rather than end as a plain duplicate.
    store = Store(redis_client)
    limit = RateLimit(interval=1.0, burst=1)
    with RecordingReceiver() as hook:
        notifier = SlackNotifier("slack", hook.webhook_url)
        first = record(store, new_port_finding(port="Port A"), ["slack"])
        late = record(store, new_port_finding(port="Port B"), ["slack"])
        assert deliver_finding(store, notifier, first, "slack", limit, "w").outcome == "sent"
        queued = deliver_finding(store, notifier, late, "slack", limit, "w")
        assert (queued.outcome, queued.flush_in is not None) == ("digested", True)
        # The flush that should have followed never comes; the sweep finds it pending.
        assert store.pending_count() == 1
        swept = deliver_finding(store, notifier, late, "slack", limit, "sweep")
        assert swept.outcome == "deduplicated"
        assert swept.flush_in == 0.0
        time.sleep(1.1)  # one token back
        assert flush_digest(store, notifier, "slack", limit).outcome == "digested"
        assert len(hook.requests) == 2
    assert store.pending_count() == 0
    assert store.alert_state(late, "slack") == "digested"
