"""Feed polling state: conditional GET, change detection, backoff with jitter, Retry-After."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.errors import FeedError, HTTPStatusError, NetworkError
from pipeline.feeds import FeedItem, parse_feed
from pipeline.fetching import FetchPolicy, FetchResult, GuardedClient
from pipeline.polling import (
    MAX_BACKOFF,
    MAX_ERROR_LENGTH,
    MAX_RETRY_AFTER,
    FeedState,
    after_failure,
    after_success,
    backoff_delay,
    body_hash,
    conditional_headers,
    is_due,
)
from tests.servers import LocalServer, conditional, forbid_foreign_connections, send_bytes

NOW = datetime(2015, 8, 21, 10, 0, tzinfo=UTC)
EVERY = timedelta(minutes=5)
FEED = (Path(__file__).parent / "data" / "feeds" / "harbour-gazette.rss.xml").read_bytes()


@pytest.fixture(autouse=True)
def _stay_on_this_machine() -> Iterator[None]:
    with forbid_foreign_connections():
        yield


def result(
    body: bytes = FEED, status: int = 200, etag: str | None = '"v1"', modified: str | None = None
) -> FetchResult:
    return FetchResult(
        url="https://news.example.org/feed.xml",
        final_url="https://news.example.org/feed.xml",
        status=status,
        content_type="application/rss+xml",
        etag=etag,
        last_modified=modified,
        body=body if status != 304 else b"",
        elapsed=0.01,
    )


# -- state storage --------------------------------------------------------------------------------


def test_feed_state_round_trips_through_a_redis_hash_of_strings() -> None:
    state = FeedState(
        etag='"v1"',
        last_modified="Fri, 21 Aug 2015 10:00:00 GMT",
        body_hash="ab" * 32,
        last_success=NOW,
        last_attempt=NOW + timedelta(minutes=5),
        consecutive_failures=2,
        last_error="https://news.example.org/feed.xml: HTTP status 503",
        next_due=NOW + timedelta(minutes=12),
    )
    stored = state.to_dict()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in stored.items())
    assert FeedState.from_dict(stored) == state
    as_bytes = {k.encode(): v.encode() for k, v in stored.items()}  # redis-py without decoding
    assert FeedState.from_dict(as_bytes) == state


def test_empty_state_stores_empty_strings_and_reads_back_as_none() -> None:
    stored = FeedState().to_dict()
    assert (
        stored["etag"] == "" and stored["next_due"] == "" and stored["consecutive_failures"] == "0"
    )
    assert FeedState.from_dict(stored) == FeedState()
    assert FeedState.from_dict({}) == FeedState()
    assert FeedState.from_dict({"etag": '"x"', "added_later": "1"}).etag == '"x"'


def test_a_corrupt_stored_value_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        FeedState.from_dict({"next_due": "tomorrow-ish"})


# -- conditional requests and change detection ----------------------------------------------------


def test_conditional_headers_come_from_the_last_answer() -> None:
    assert conditional_headers(FeedState()) == {}
    state = FeedState(etag='"v1"', last_modified="Fri, 21 Aug 2015 10:00:00 GMT")
    assert conditional_headers(state) == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Fri, 21 Aug 2015 10:00:00 GMT",
    }


def test_first_success_is_a_change_and_resets_failures() -> None:
    failing = FeedState(consecutive_failures=3, last_error="boom", next_due=NOW)
    state, changed = after_success(failing, result(), NOW, EVERY)
    assert changed
    assert state.etag == '"v1"'
    assert state.body_hash == body_hash(FEED)
    assert state.last_success == state.last_attempt == NOW
    assert state.consecutive_failures == 0 and state.last_error is None
    assert state.next_due == NOW + EVERY


def test_304_is_unchanged_and_keeps_the_validators_it_was_asked_with() -> None:
    before = FeedState(etag='"v1"', last_modified="Fri, 21 Aug 2015 10:00:00 GMT", body_hash="h")
    state, changed = after_success(before, result(status=304, etag=None), NOW, EVERY)
    assert not changed
    assert state.etag == '"v1"'
    assert state.last_modified == "Fri, 21 Aug 2015 10:00:00 GMT"
    assert state.body_hash == "h"


def test_same_body_without_validators_is_unchanged_by_its_hash() -> None:
    first, _ = after_success(FeedState(), result(etag=None), NOW, EVERY)
    second, changed = after_success(first, result(etag=None), NOW + EVERY, EVERY)
    assert not changed
    third, changed = after_success(second, result(FEED + b"\n", etag=None), NOW, EVERY)
    assert changed
    assert third.body_hash != second.body_hash


def test_without_an_interval_the_feed_is_always_due_after_success() -> None:
    state, _ = after_success(FeedState(next_due=NOW + EVERY), result(), NOW)
    assert state.next_due is None
    assert is_due(state, NOW)


# -- failures -------------------------------------------------------------------------------------


def test_failure_counts_keeps_the_error_and_backs_off() -> None:
    error = NetworkError("https://news.example.org/feed.xml", "ConnectError: refused")
    state = after_failure(FeedState(), error, NOW, EVERY, random.Random(1))
    assert state.consecutive_failures == 1
    assert state.last_error == "https://news.example.org/feed.xml: ConnectError: refused"
    assert state.last_attempt == NOW
    assert state.last_success is None
    assert state.next_due is not None and NOW + EVERY <= state.next_due <= NOW + 2 * EVERY


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap() -> None:
    rng = random.Random(42)
    for failures in range(1, 12):
        window = min(MAX_BACKOFF, EVERY * (2**failures - 1))
        delays = [backoff_delay(failures, EVERY, rng) for _ in range(300)]
        assert all(EVERY <= d <= EVERY + window for d in delays)
        # Full jitter: spread over the whole window, not bunched at its end.
        assert min(delays) < EVERY + window * 0.1
        assert max(delays) > EVERY + window * 0.9
    assert backoff_delay(10_000, EVERY, rng) <= EVERY + MAX_BACKOFF


def test_backoff_is_deterministic_for_a_seeded_rng() -> None:
    a = after_failure(FeedState(), FeedError("x"), NOW, EVERY, random.Random(7))
    b = after_failure(FeedState(), FeedError("x"), NOW, EVERY, random.Random(7))
    assert a == b


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_on_429_and_503_is_honoured(code: int) -> None:
    error = HTTPStatusError("https://news.example.org/feed.xml", code, retry_after=3600)
    state = after_failure(FeedState(), error, NOW, EVERY, random.Random(0))
    assert state.next_due is not None and state.next_due >= NOW + timedelta(hours=1)


def test_retry_after_shorter_than_the_backoff_does_not_shorten_it() -> None:
    error = HTTPStatusError("https://news.example.org/feed.xml", 429, retry_after=1)
    state = after_failure(FeedState(consecutive_failures=4), error, NOW, EVERY, random.Random(0))
    assert state.next_due is not None and state.next_due >= NOW + EVERY


def test_a_hostile_retry_after_is_capped() -> None:
    error = HTTPStatusError("https://news.example.org/feed.xml", 503, retry_after=10**9)
    state = after_failure(FeedState(), error, NOW, EVERY, random.Random(0))
    assert state.next_due is not None and state.next_due <= NOW + MAX_RETRY_AFTER


def test_retry_after_on_other_statuses_is_not_special() -> None:
    error = HTTPStatusError("https://news.example.org/feed.xml", 404, retry_after=86400)
    state = after_failure(FeedState(), error, NOW, EVERY, random.Random(0))
    assert state.next_due is not None and state.next_due <= NOW + 2 * EVERY


def test_stored_error_message_is_cut_short() -> None:
    state = after_failure(FeedState(), FeedError("x" * 5000), NOW, EVERY, random.Random(0))
    assert state.last_error is not None and len(state.last_error) == MAX_ERROR_LENGTH


def test_is_due_compares_with_next_due() -> None:
    assert is_due(FeedState(), NOW)
    assert not is_due(FeedState(next_due=NOW + timedelta(seconds=1)), NOW)
    assert is_due(FeedState(next_due=NOW), NOW)


# -- against a real server ------------------------------------------------------------------------


def poll(
    client: GuardedClient, url: str, state: FeedState, now: datetime
) -> tuple[FeedState, list[FeedItem]]:
    """What a worker does: conditional GET, then parse only a changed body."""
    fetched = client.get(url, headers=conditional_headers(state))
    state, changed = after_success(state, fetched, now, EVERY)
    return state, parse_feed(fetched.body, fetched.final_url) if changed else []


def test_second_poll_of_an_unchanged_feed_sends_validators_gets_304_and_yields_nothing() -> None:
    with LocalServer({"/feed.xml": conditional(FEED)}) as server:
        policy = FetchPolicy(allow_hosts=frozenset({server.authority}))
        with GuardedClient(policy) as client:
            state, items = poll(client, server.url("/feed.xml"), FeedState(), NOW)
            assert len(items) == 3
            state, items = poll(client, server.url("/feed.xml"), state, NOW + EVERY)
    assert items == []
    second = server.requests[1].headers
    assert second["if-none-match"] == '"v1"'
    assert second["if-modified-since"] == "Fri, 21 Aug 2015 10:00:00 GMT"
    assert state.etag == '"v1"' and state.consecutive_failures == 0


def test_unchanged_feed_from_a_server_without_validators_yields_nothing() -> None:
    with LocalServer({"/feed.xml": send_bytes(FEED, "application/rss+xml")}) as server:
        policy = FetchPolicy(allow_hosts=frozenset({server.authority}))
        with GuardedClient(policy) as client:
            state, items = poll(client, server.url("/feed.xml"), FeedState(), NOW)
            assert len(items) == 3
            _, items = poll(client, server.url("/feed.xml"), state, NOW + EVERY)
    assert items == []
    assert "if-none-match" not in server.requests[1].headers
