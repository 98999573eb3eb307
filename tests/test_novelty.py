"""What "new" means: port and figure decisions, pure, then applied atomically on real Redis."""

from __future__ import annotations

import threading
from dataclasses import replace

import redis

from pipeline.findings import FigureFact
from pipeline.novelty import Source, decide_fact, decide_port, relative_change
from pipeline.store import Store

DAY = 86400.0
A = Source("story-a", "https://a.example/1", "harbour-gazette", "Calais crackdown")
B = Source("story-b", "https://b.example/2", "coast-courier", "Dunkirk warning")


def fact(
    value: float, subject: str = "attempts per night", port: str | None = "Calais"
) -> FigureFact:
    return FigureFact(subject, "count", port, value, None, str(value))


def test_port_never_seen_is_new() -> None:
    decision = decide_port(None, 1000.0, 30 * DAY, A)
    assert decision.is_new
    assert decision.record["first_seen"] == 1000.0
    assert decision.record["new_by"] == "story-a"


def test_port_seen_within_lookback_is_not_new_and_last_seen_moves() -> None:
    first = decide_port(None, 1000.0, 30 * DAY, A).record
    again = decide_port(first, 1000.0 + DAY, 30 * DAY, B)
    assert not again.is_new
    assert again.record["last_seen"] == 1000.0 + DAY
    assert again.record["first_seen"] == 1000.0


def test_port_unseen_for_longer_than_lookback_is_new_again() -> None:
    first = decide_port(None, 1000.0, 30 * DAY, A).record
    later = decide_port(first, 1000.0 + 31 * DAY, 30 * DAY, B)
    assert later.is_new
    assert later.previous_seen == 1000.0


def test_same_article_run_twice_gets_the_same_new_port_answer() -> None:
    first = decide_port(None, 1000.0, 30 * DAY, A)
    rerun = decide_port(first.record, 1005.0, 30 * DAY, A)
    assert rerun.is_new
    assert rerun.record == first.record


def test_figure_never_seen_is_new() -> None:
    decision = decide_fact(None, fact(150), None, 1000.0, 0.1, A)
    assert decision.outcome == "new"
    assert decision.previous is None


def test_figure_with_down_from_in_the_same_article_is_changed_with_that_previous() -> None:
    decision = decide_fact(None, fact(150), 2000.0, 1000.0, 0.1, A)
    assert decision.outcome == "changed"
    assert decision.previous is not None
    assert decision.previous["value"] == 2000.0
    assert decision.previous["at"] is None


def test_changed_value_reports_previous_value_time_and_source() -> None:
    first = decide_fact(None, fact(150), None, 1000.0, 0.1, A).record
    changed = decide_fact(first, fact(300), None, 2000.0, 0.1, B)
    assert changed.outcome == "changed"
    assert changed.previous == {
        "value": 150,
        "value_max": None,
        "at": 1000.0,
        "url": A.url,
        "outlet": A.outlet,
    }
    assert [h["value"] for h in changed.record["history"]] == [300, 150]


def test_same_value_again_is_not_news() -> None:
    first = decide_fact(None, fact(150), None, 1000.0, 0.1, A).record
    assert decide_fact(first, fact(150), None, 2000.0, 0.1, B).outcome == "same"


def test_change_below_the_minimum_relative_change_is_not_news() -> None:
    first = decide_fact(None, fact(1000), None, 1000.0, 0.1, A).record
    assert decide_fact(first, fact(1050), None, 2000.0, 0.1, B).outcome == "same"
    assert decide_fact(first, fact(1200), None, 2000.0, 0.1, B).outcome == "changed"


def test_history_is_bounded() -> None:
    record = None
    for i in range(12):
        record = decide_fact(
            record, fact(100 * (i + 1)), None, float(i), 0.0, Source(f"s{i}", "u", "o", "t")
        ).record
    assert record is not None
    assert len(record["history"]) == 5


def test_relative_change() -> None:
    assert relative_change(150, 300) == 0.5
    assert relative_change(0, 0) == 0.0


def test_concurrent_sightings_of_one_port_make_exactly_one_new_port(
    redis_client: redis.Redis,
) -> None:
    store = Store(redis_client)
    results: list[bool] = []
    lock = threading.Lock()

    def observe(i: int) -> None:
        own = Store(redis.Redis(connection_pool=redis_client.connection_pool))
        source = Source(f"story-{i}", f"https://x.example/{i}", f"outlet-{i}", "t")
        is_new = own.update_field(
            store.ports_key("wl"),
            "Dunkirk",
            lambda old: (lambda d: (d.record, d.is_new))(
                decide_port(old, 1000.0, 30 * DAY, source)
            ),
        )
        with lock:
            results.append(is_new)

    threads = [threading.Thread(target=observe, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 9 + [True]
    assert set(store.known_ports("wl")) == {"Dunkirk"}


def test_a_port_new_again_after_its_lookback_is_a_new_finding(redis_client: redis.Redis) -> None:
    from pipeline.assessment import Assessor
    from pipeline.config import load_config_or_raise
    from pipeline.discovery import ArticleSeen, discover
    from pipeline.findings import ArticleRef

    from .conftest import SHIPPED_CONFIG

    config = load_config_or_raise(SHIPPED_CONFIG)
    assessor = Assessor.from_config(config)
    store = Store(redis_client)
    text = "People smugglers moved migrants from Calais to Zeebrugge, where lorries were searched at the port."

    def findings_at(now: float, story: str) -> list[str]:
        seen = ArticleSeen(story, text, ArticleRef(f"https://x.example/{story}", "t", "o"))
        return [f.id for f in discover(seen, assessor.assess(text), config, store, now)]

    first = findings_at(0.0, "a")
    assert first and findings_at(0.0, "a") == first  # the same article again: the same finding
    assert findings_at(10 * DAY, "b") == []  # within the look-back: known
    again = findings_at(50 * DAY, "c")  # past the 30-day look-back: new again, a new alert
    assert again and set(again).isdisjoint(first)


def test_a_write_between_read_and_compare_and_set_makes_the_update_decide_again(
    redis_client: redis.Redis,
) -> None:
    store = Store(redis_client)
    rival = redis.Redis(connection_pool=redis_client.connection_pool)
    fields = [("pw:ports:wl", "Dunkirk"), ("pw:ports:wl", "Zeebrugge")]
    seen: list[dict[tuple[str, str], object]] = []

    def decide(old: object) -> tuple[dict[tuple[str, str], object], int]:
        assert isinstance(old, dict)
        seen.append(dict(old))
        if len(seen) == 1:  # another worker records Zeebrugge after our read
            rival.hset("pw:ports:wl", "Zeebrugge", b'{"by":"rival"}')
        return {key: {"by": "us", "saw": old[key]} for key in fields}, len(seen)

    assert store.update_fields(fields, decide) == 2
    assert seen[0][fields[1]] is None and seen[1][fields[1]] == {"by": "rival"}
    assert store.known_ports("wl")["Zeebrugge"] == {"by": "us", "saw": {"by": "rival"}}


def test_writers_of_other_fields_of_the_same_hash_do_not_make_an_update_retry(
    redis_client: redis.Redis,
) -> None:
    store = Store(redis_client)
    rival = redis.Redis(connection_pool=redis_client.connection_pool)
    calls = 0

    def decide(old: object) -> tuple[dict[tuple[str, str], object], None]:
        nonlocal calls
        calls += 1
        rival.hset("pw:ports:wl", f"Ostend-{calls}", b"{}")  # a different port, same hash
        return {("pw:ports:wl", "Dunkirk"): {"first_seen": 1.0}}, None

    store.update_fields([("pw:ports:wl", "Dunkirk")], decide)
    assert calls == 1
    assert store.known_ports("wl")["Dunkirk"] == {"first_seen": 1.0}


def test_nothing_is_written_when_nothing_changed(redis_client: redis.Redis) -> None:
    store = Store(redis_client)
    redis_client.hset("pw:rate:x", "bucket", b"[1.0,2.0]")
    store.update_field("pw:rate:x", "bucket", lambda old: (old, None), ttl=60)
    assert redis_client.ttl("pw:rate:x") == -1  # untouched: no write, no expiry set
    store.update_field("pw:rate:x", "bucket", lambda old: ([0.0, 3.0], None), ttl=60)
    assert 0 < redis_client.ttl("pw:rate:x") <= 60
    assert redis_client.hget("pw:rate:x", "bucket") == b"[0.0,3.0]"


def test_a_figure_stated_twice_in_one_article_is_one_finding(redis_client: redis.Redis) -> None:
    from pipeline.assessment import Assessor
    from pipeline.config import load_config_or_raise
    from pipeline.discovery import ArticleSeen, discover
    from pipeline.findings import ArticleRef

    from .conftest import SHIPPED_CONFIG

    config = load_config_or_raise(SHIPPED_CONFIG)
    assessor = Assessor.from_config(config)
    text = (
        "Police at Dunkirk said 300 migrants tried to board lorries at the port each night. "
        "Smugglers now send people to Dunkirk by van, and the harbour police repeated that "
        "300 migrants tried to board lorries at the port each night."
    )
    assessment = assessor.assess(text)
    # The figure reader keeps one of a repeated figure; discovery must not rely on it.
    (figure,) = assessment.figures
    again = text.index("300", figure.end)
    repeated = figure._replace(start=again, end=again + figure.end - figure.start)
    assessment = replace(assessment, figures=(figure, repeated))
    seen = ArticleSeen("story-a", text, ArticleRef("https://x.example/a", "t", "o"))
    findings = discover(seen, assessment, config, Store(redis_client), 0.0)
    figures = [f for f in findings if f.figure is not None]
    assert [f.kind for f in findings].count("new_port") == 1
    assert len(figures) == 1 and figures[0].kind == "new_figure"
