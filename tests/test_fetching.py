"""The guarded client against real local servers: refusals, redirects, caps, deadlines, TLS."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from pipeline.errors import (
    BodyTooLarge,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    TooManyRedirects,
    URLRefused,
)
from pipeline.fetching import (
    DEFAULT_FETCH_POLICY,
    FetchPolicy,
    GuardedClient,
    check_url,
    parse_retry_after,
    policy_from_environment,
)
from tests.servers import (
    Exchange,
    LocalServer,
    RecordingReceiver,
    Reply,
    endless_chunked,
    forbid_foreign_connections,
    gzip_bomb,
    gzip_bomb_bytes,
    huge_content_length,
    network_audit,
    redirect,
    redirect_chain,
    send_bytes,
    send_deflate,
    send_gzip,
    slow_drip,
    slow_headers,
    status,
)

MiB = 1024 * 1024
PAGE = b"<html><body><p>Checks at Calais were tightened again.</p></body></html>"


@pytest.fixture(autouse=True)
def _stay_on_this_machine() -> Iterator[None]:
    with forbid_foreign_connections():
        yield


def allowing(*servers: LocalServer, **limits: object) -> FetchPolicy:
    """A policy that lets exactly these local servers through (host:port entries)."""
    return FetchPolicy(allow_hosts=frozenset(s.authority for s in servers), **limits)  # type: ignore[arg-type]


# -- the SSRF table: refused before any lookup or connection -------------------------------------

REFUSED = [
    # address classes, as IP literals
    ("http://127.0.0.1/", "loopback address 127.0.0.1"),
    ("http://127.1.2.3:80/", "loopback address 127.1.2.3"),
    ("http://10.0.0.1/", "private address 10.0.0.1"),
    ("http://172.16.0.1/", "private address 172.16.0.1"),
    ("http://192.168.1.1/", "private address 192.168.1.1"),
    ("http://169.254.10.20/", "link-local address 169.254.10.20"),
    ("http://100.64.0.1/", "shared (CGNAT) address 100.64.0.1"),
    ("http://198.18.0.1/", "benchmarking address 198.18.0.1"),
    ("http://224.0.0.251/", "multicast address 224.0.0.251"),
    ("http://0.0.0.0/", "unspecified address 0.0.0.0"),
    ("http://240.0.0.1/", "reserved address 240.0.0.1"),
    ("http://[::1]/", "loopback address ::1"),
    ("http://[::]/", "unspecified address ::"),
    ("http://[fe80::1]/", "link-local address fe80::1"),
    ("http://[fc00::1]/", "unique-local address fc00::1"),
    ("http://[fd00:1234::5]/", "unique-local address fd00:1234::5"),
    ("http://[ff02::1]/", "multicast address ff02::1"),
    ("http://[::ffff:127.0.0.1]/", "IPv4-mapped IPv6 address"),
    ("http://[::ffff:7f00:1]/", "IPv4-mapped IPv6 address"),
    ("http://[::ffff:10.0.0.1]/", "IPv4-mapped IPv6 address"),
    ("http://[::127.0.0.1]/", "IPv4-compatible IPv6 address"),
    ("http://[64:ff9b::a9fe:a9fe]/", "link-local address 169.254.169.254 inside"),
    ("http://[2002:a00:1::]/", "private address 10.0.0.1 inside"),
    ("http://[fe80::1%25eth0]/", "zone id"),
    # metadata endpoints, by name, before any lookup
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata host '169.254.169.254'"),
    ("http://metadata.google.internal/computeMetadata/v1/", "cloud metadata host"),
    ("http://METADATA.google.internal./", "cloud metadata host 'metadata.google.internal'"),
    ("http://metadata/", "cloud metadata host 'metadata'"),
    ("http://[fd00:ec2::254]/", "cloud metadata host"),
    ("http://100.100.100.200/", "cloud metadata host"),
    # numeric host tricks
    ("http://2130706433/", "ambiguous numeric host '2130706433' (reads as 127.0.0.1)"),
    ("http://0177.0.0.1/", "ambiguous numeric host '0177.0.0.1' (reads as 127.0.0.1)"),
    ("http://0x7f.1/", "ambiguous numeric host '0x7f.1' (reads as 127.0.0.1)"),
    ("http://0x7f000001/", "reads as 127.0.0.1"),
    ("http://127.1/", "ambiguous numeric host '127.1' (reads as 127.0.0.1)"),
    ("http://127.000.000.001/", "reads as 127.0.0.1"),
    ("http://3232235777/", "reads as 192.168.1.1"),
    ("http://1.2.3.4.5/", "ambiguous numeric host"),
    ("http://%31%32%37.0.0.1/", "invalid host"),
    ("http://１２７.０.０.１/", "invalid host"),
    # schemes
    ("file:///etc/passwd", "scheme 'file' is not http or https"),
    ("gopher://127.0.0.1:70/_GET", "scheme 'gopher' is not http or https"),
    ("ftp://ftp.example.org/pub/x", "scheme 'ftp' is not http or https"),
    ("data:text/html,<p>hi</p>", "scheme 'data' is not http or https"),
    ("dict://127.0.0.1:11211/stats", "scheme 'dict' is not http or https"),
    ("javascript:alert(1)", "scheme 'javascript' is not http or https"),
    ("//news.example.org/a", "URL has no scheme"),
    ("news.example.org/a", "URL has no scheme"),
    # credentials and userinfo confusion
    ("http://user:secret@news.example.org/", "credentials in the URL"),
    ("http://user@news.example.org/", "credentials in the URL"),
    ("http://@news.example.org/", "credentials in the URL"),
    ("http://news.example.org@127.0.0.1/", "credentials in the URL"),
    ("http://127.0.0.1\\@news.example.org/", "backslash"),
    ("http://news.example.org:80@evil.example.com/", "credentials in the URL"),
    # ports
    ("http://news.example.org:22/", "port 22 is not allowed"),
    ("https://news.example.org:8443/", "port 8443 is not allowed"),
    ("http://news.example.org:0/", "port 0 is out of range"),
    ("http://news.example.org:99999/", "port 99999 is out of range"),
    # syntax
    ("http://news example.org/", "whitespace"),
    ("http://news.example.org/\nHost: x", "control character"),
    ("http://[::1/", "invalid"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_check_url_refuses_with_a_short_specific_reason(url: str, reason: str) -> None:
    with pytest.raises(URLRefused) as caught:
        check_url(url)
    assert reason in caught.value.reason
    assert str(caught.value) == f"refused URL: {caught.value.reason}"
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_refused_url_opens_no_connection_and_does_no_lookup(url: str, reason: str) -> None:
    with GuardedClient() as client, network_audit() as events, pytest.raises(URLRefused):
        client.get(url)
    assert events == []


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.org/2015/08/calais",
        "http://news.example.org:80/",
        "HTTPS://News.Example.ORG/a?b=c#d",
        "https://93.184.215.14/",
        "http://[2606:4700::1111]/",
        "https://bücher.example/",
        "https://0x7f.example.com/",
    ],
)
def test_check_url_accepts_public_http_urls(url: str) -> None:
    assert check_url(url).scheme in ("http", "https")


def test_allow_listed_host_skips_only_the_public_address_and_port_rules() -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1:8080", "localhost", "demo.test:8080"}))
    assert check_url("http://127.0.0.1:8080/x", policy)
    assert check_url("http://localhost:9999/x", policy)
    with pytest.raises(URLRefused, match=r"loopback address 127\.0\.0\.1"):
        check_url("http://127.0.0.1:8081/x", policy)
    with pytest.raises(URLRefused, match="port 8081 is not allowed"):
        check_url("http://demo.test:8081/x", policy)
    with pytest.raises(URLRefused, match="credentials"):
        check_url("http://u:p@127.0.0.1:8080/x", policy)
    with pytest.raises(URLRefused, match="scheme 'ftp'"):
        check_url("ftp://127.0.0.1:8080/x", policy)
    with pytest.raises(URLRefused, match="metadata"):
        check_url(
            "http://169.254.169.254/", FetchPolicy(allow_hosts=frozenset({"169.254.169.254"}))
        )


# -- resolving once, checking every address, connecting to the checked one ------------------------


class RecordingResolver:
    """Plays DNS: answers from a table and counts the questions."""

    def __init__(self, answers: dict[str, Sequence[str]]) -> None:
        self.answers = answers
        self.questions: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.questions.append(host)
        return self.answers[host]


def test_host_name_resolving_to_loopback_is_refused_without_connecting() -> None:
    with LocalServer({"/": send_bytes(PAGE)}) as server:
        policy = FetchPolicy(allowed_ports=frozenset({80, 443, server.port}))
        with GuardedClient(policy) as client, pytest.raises(URLRefused) as caught:
            client.get(server.url("/", host="localhost"))
    assert "localhost resolves to loopback address" in caught.value.reason
    assert server.connections == 0


def test_every_resolved_address_is_checked_not_just_the_first() -> None:
    resolver = RecordingResolver({"mixed.test": ["93.184.215.14", "10.0.0.7"]})
    with (
        GuardedClient(resolver=resolver) as client,
        network_audit() as events,
        pytest.raises(URLRefused, match=r"mixed\.test resolves to private address 10\.0\.0\.7"),
    ):
        client.get("https://mixed.test/")
    assert resolver.questions == ["mixed.test"]
    assert [e for e in events if e[0] == "socket.connect"] == []


def test_connection_goes_to_the_checked_address_with_no_second_lookup() -> None:
    resolver = RecordingResolver({"news.test": ["127.0.0.1"]})
    with LocalServer({"/a": send_bytes(PAGE)}) as server:
        policy = FetchPolicy(allow_hosts=frozenset({f"news.test:{server.port}"}))
        with GuardedClient(policy, resolver=resolver) as client, network_audit() as events:
            result = client.get(server.url("/a", host="news.test"))
    assert result.body == PAGE
    assert resolver.questions == ["news.test"]
    connects = [args[1] for name, args in events if name == "socket.connect"]
    lookups = [args[0] for name, args in events if name == "socket.getaddrinfo"]
    assert connects == [("127.0.0.1", server.port)]
    assert set(lookups) <= {"127.0.0.1"}  # only the literal; never the name again
    assert server.requests[0].headers["host"] == f"news.test:{server.port}"


def test_name_that_resolves_to_a_private_address_is_refused_even_on_a_redirect_hop() -> None:
    resolver = RecordingResolver({"intranet.test": ["192.168.10.10"]})
    with LocalServer() as server:
        start = redirect_chain(server, 1, "http://intranet.test/admin")
        with (
            GuardedClient(allowing(server), resolver=resolver) as client,
            pytest.raises(URLRefused) as caught,
        ):
            client.get(start)
    assert "intranet.test resolves to private address 192.168.10.10" in caught.value.reason
    assert "(redirect 1 to http://intranet.test/admin)" in caught.value.reason


def test_unresolvable_name_is_a_network_error() -> None:
    def nothing(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with GuardedClient(resolver=nothing) as client, pytest.raises(NetworkError) as caught:
        client.get("https://nowhere.test/")
    assert "cannot resolve nowhere.test" in caught.value.reason
    assert caught.value.transient


# -- ordinary fetching ----------------------------------------------------------------------------


def test_fetch_returns_status_body_and_validators() -> None:
    headers = {"ETag": '"abc"', "Last-Modified": "Fri, 21 Aug 2015 10:00:00 GMT"}
    with (
        LocalServer({"/a": send_bytes(PAGE, headers=headers)}) as server,
        GuardedClient(allowing(server)) as client,
    ):
        result = client.get(server.url("/a"))
    assert result.status == 200
    assert result.body == PAGE
    assert result.url == result.final_url == server.url("/a")
    assert result.content_type == "text/html; charset=utf-8"
    assert result.etag == '"abc"'
    assert result.last_modified == "Fri, 21 Aug 2015 10:00:00 GMT"
    assert 0 < result.elapsed < 5


@pytest.mark.parametrize(
    "handler",
    [send_gzip(PAGE), send_deflate(PAGE), send_deflate(PAGE, raw=True)],
    ids=["gzip", "deflate-zlib", "deflate-raw"],
)
def test_compressed_bodies_are_decoded(handler: object) -> None:
    with (
        LocalServer({"/a": handler}) as server,  # type: ignore[dict-item]
        GuardedClient(allowing(server)) as client,
    ):
        assert client.get(server.url("/a")).body == PAGE


def test_only_gzip_and_deflate_are_offered_whatever_the_caller_asks() -> None:
    with (
        LocalServer({"/a": send_bytes(PAGE)}) as server,
        GuardedClient(allowing(server)) as client,
    ):
        client.get(server.url("/a"), headers={"Accept-Encoding": "br, zstd"})
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"


def test_unsupported_content_encoding_is_an_error() -> None:
    handler = send_bytes(b"\x00\x01", headers={"Content-Encoding": "br"})
    with (
        LocalServer({"/a": handler}) as server,
        GuardedClient(allowing(server)) as client,
        pytest.raises(Exception, match="unsupported content encoding 'br'"),
    ):
        client.get(server.url("/a"))


def test_a_space_in_the_path_is_encoded_not_refused() -> None:
    with (
        LocalServer({"/a b": send_bytes(PAGE), "/a%20b": send_bytes(PAGE)}) as server,
        GuardedClient(allowing(server)) as client,
    ):
        result = client.get(server.url("/a b"))
    assert result.body == PAGE
    assert server.requests[0].path == "/a%20b"


def test_conditional_headers_are_sent_and_304_comes_back_empty() -> None:
    handler = send_bytes(b"", status=304, headers={"ETag": '"v1"'})
    with LocalServer({"/feed": handler}) as server, GuardedClient(allowing(server)) as client:
        result = client.get(server.url("/feed"), headers={"If-None-Match": '"v1"'})
    assert result.status == 304
    assert result.not_modified
    assert result.body == b""
    assert server.requests[0].headers["if-none-match"] == '"v1"'


@pytest.mark.parametrize(
    ("code", "transient"), [(404, False), (410, False), (500, True), (502, True), (408, True)]
)
def test_error_statuses_raise_http_status_error(code: int, transient: bool) -> None:
    with (
        LocalServer({"/a": status(code)}) as server,
        GuardedClient(allowing(server)) as client,
        pytest.raises(HTTPStatusError) as caught,
    ):
        client.get(server.url("/a"))
    assert caught.value.status == code
    assert caught.value.transient is transient
    assert caught.value.exit_code == 3
    assert str(caught.value) == f"{server.url('/a')}: HTTP status {code}"


def test_retry_after_on_429_and_503_is_carried_in_seconds() -> None:
    routes = {
        "/busy": status(503, headers={"Retry-After": "120"}),
        "/slow-down": status(429, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}),
    }
    with LocalServer(routes) as server, GuardedClient(allowing(server)) as client:
        with pytest.raises(HTTPStatusError) as busy:
            client.get(server.url("/busy"))
        with pytest.raises(HTTPStatusError) as slow:
            client.get(server.url("/slow-down"))
    assert busy.value.retry_after == 120.0
    assert slow.value.retry_after is not None and slow.value.retry_after > 86400


def test_parse_retry_after_reads_seconds_and_dates_and_ignores_junk() -> None:
    now = 1_440_151_200.0  # 2015-08-21T10:00:00Z
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Fri, 21 Aug 2015 10:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("Fri, 21 Aug 2015 09:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("²") is None
    assert parse_retry_after("9" * 5000) is not None
    assert parse_retry_after(None) is None


def test_connection_refused_is_a_transient_network_error() -> None:
    server = LocalServer()
    server.stop()  # bound, then closed: nothing listens on that port now
    with GuardedClient(allowing(server)) as client, pytest.raises(NetworkError) as caught:
        client.get(server.url("/"))
    assert caught.value.transient
    assert caught.value.exit_code == 3


def test_no_cookies_are_kept_between_requests() -> None:
    routes = {"/a": send_bytes(PAGE, headers={"Set-Cookie": "session=abc; Path=/"})}
    with LocalServer(routes) as server, GuardedClient(allowing(server)) as client:
        client.get(server.url("/a"))
        client.get(server.url("/a"))
    assert "cookie" not in server.requests[1].headers


def test_environment_proxies_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalServer() as proxy, LocalServer({"/a": send_bytes(PAGE)}) as target:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.url("/"))
        with GuardedClient(allowing(target, proxy)) as client:
            assert client.get(target.url("/a")).body == PAGE
    assert proxy.requests == []
    assert len(target.requests) == 1


# -- redirects ------------------------------------------------------------------------------------


def test_five_redirects_are_followed_to_the_final_url() -> None:
    with LocalServer({"/final": send_bytes(PAGE)}) as server:
        start = redirect_chain(server, 5, server.url("/final"))
        with GuardedClient(allowing(server)) as client:
            result = client.get(start)
    assert result.body == PAGE
    assert result.url == start
    assert result.final_url == server.url("/final")
    assert len(server.requests) == 6


def test_more_than_five_redirects_are_refused_without_a_seventh_request() -> None:
    with LocalServer({"/final": send_bytes(PAGE)}) as server:
        start = redirect_chain(server, 6, server.url("/final"))
        with GuardedClient(allowing(server)) as client, pytest.raises(TooManyRedirects) as caught:
            client.get(start)
    assert caught.value.reason == "more than 5 redirects"
    assert str(caught.value) == "refused URL: more than 5 redirects"
    assert caught.value.exit_code == 2
    assert len(server.requests) == 6
    assert server.requests_to("/final") == []


def test_redirect_limit_comes_from_the_policy() -> None:
    with LocalServer({"/final": send_bytes(PAGE)}) as server:
        start = redirect_chain(server, 2, server.url("/final"))
        with (
            GuardedClient(allowing(server, max_redirects=1)) as client,
            pytest.raises(TooManyRedirects, match="more than 1 redirects"),
        ):
            client.get(start)


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://10.0.0.1/admin", "private address 10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata host"),
        ("http://[::ffff:127.0.0.1]/", "IPv4-mapped IPv6 address"),
        ("http://2130706433/", "ambiguous numeric host"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://127.0.0.1:70/", "scheme 'gopher'"),
        ("http://user:pw@news.example.org/", "credentials in the URL"),
        ("http://news.example.org:6379/", "port 6379 is not allowed"),
    ],
)
def test_redirect_to_a_refused_url_at_hop_2_is_refused(target: str, reason: str) -> None:
    with LocalServer() as server:
        start = redirect_chain(server, 2, target)
        with (
            GuardedClient(allowing(server)) as client,
            network_audit() as events,
            pytest.raises(URLRefused) as caught,
        ):
            client.get(start)
    assert reason in caught.value.reason
    assert f"(redirect 2 to {target.split(':')[0]}:" in caught.value.reason
    assert caught.value.url == start
    assert {args[1] for name, args in events if name == "socket.connect"} == {
        ("127.0.0.1", server.port)
    }


def test_redirect_to_an_internal_server_at_hop_2_opens_no_connection_to_it() -> None:
    with LocalServer({"/secret": send_bytes(b"internal")}) as internal, LocalServer() as entry:
        start = redirect_chain(entry, 2, internal.url("/secret"))
        policy = allowing(entry, allowed_ports=frozenset({80, 443, internal.port}))
        with GuardedClient(policy) as client, pytest.raises(URLRefused) as caught:
            client.get(start)
    assert "loopback address 127.0.0.1 (redirect 2 to" in caught.value.reason
    assert internal.connections == 0
    assert len(entry.requests) == 2


def test_relative_and_303_redirects_are_followed() -> None:
    routes = {"/a": redirect("/b", 303), "/b": redirect("c", 307), "/c": send_bytes(PAGE)}
    with LocalServer(routes) as server, GuardedClient(allowing(server)) as client:
        result = client.get(server.url("/a"))
    assert result.final_url == server.url("/c")
    assert [r.method for r in server.requests] == ["GET", "GET", "GET"]


# -- caps -----------------------------------------------------------------------------------------


def test_content_length_over_the_cap_is_refused_unread() -> None:
    with (
        LocalServer({"/big": huge_content_length(100 * MiB, wait_seconds=10)}) as server,
        GuardedClient(allowing(server)) as client,
    ):
        started = time.monotonic()
        with pytest.raises(BodyTooLarge) as caught:
            client.get(server.url("/big"))
        elapsed = time.monotonic() - started
    # The server sends headers and then nothing: a client that tried to read would hang.
    assert elapsed < 2
    assert caught.value.reason == f"body larger than {10 * MiB} bytes (Content-Length {100 * MiB})"
    assert caught.value.exit_code == 3


def test_endless_chunked_body_is_cut_at_the_cap() -> None:
    with (
        LocalServer({"/endless": endless_chunked()}) as server,
        GuardedClient(allowing(server, max_bytes=2 * MiB)) as client,
    ):
        started = time.monotonic()
        with pytest.raises(BodyTooLarge, match=f"body larger than {2 * MiB} bytes"):
            client.get(server.url("/endless"))
    assert time.monotonic() - started < 5


def _peak_while(call: object) -> int:
    tracemalloc.start()
    try:
        call()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_gzip_bomb_is_cut_at_the_decoded_cap_in_bounded_memory() -> None:
    gzip_bomb_bytes(256)  # build the bomb before measuring
    with (
        LocalServer({"/bomb": gzip_bomb(256)}) as server,
        GuardedClient(allowing(server, max_bytes=MiB)) as client,
    ):

        def fetch() -> None:
            with pytest.raises(BodyTooLarge, match=f"body larger than {MiB} bytes"):
                client.get(server.url("/bomb"))

        peak = _peak_while(fetch)
    # 256 MiB of zeros behind 1.1 MB of gzip; the cap is 1 MiB. Measured peak: 1.94 MiB.
    assert peak < 3 * MiB


def test_gzip_bomb_under_the_default_policy_stays_near_ten_megabytes() -> None:
    gzip_bomb_bytes(256)
    with LocalServer({"/bomb": gzip_bomb(256, declare_length=False)}) as server:
        policy = allowing(server)
        assert policy.max_bytes == 10 * MiB
        with GuardedClient(policy) as client:

            def fetch() -> None:
                with pytest.raises(BodyTooLarge):
                    client.get(server.url("/bomb"))

            peak = _peak_while(fetch)
    # Measured: 11.94 MiB (the 10 MiB body buffer with its growth slack, one zlib step).
    assert peak < 16 * MiB


def test_gzip_bomb_in_many_members_is_cut_too() -> None:
    gzip_bomb_bytes(64, 64)
    with (
        LocalServer({"/bomb": gzip_bomb(64, 64)}) as server,
        GuardedClient(allowing(server, max_bytes=MiB)) as client,
        pytest.raises(BodyTooLarge),
    ):
        client.get(server.url("/bomb"))


def test_compressed_bytes_on_the_wire_have_their_own_cap() -> None:
    with LocalServer({"/bomb": gzip_bomb(256, declare_length=False)}) as server:
        policy = allowing(server, max_wire_bytes=64 * 1024, max_bytes=512 * MiB)
        with (
            GuardedClient(policy) as client,
            pytest.raises(BodyTooLarge, match="compressed body larger than 65536 bytes"),
        ):
            client.get(server.url("/bomb"))


# -- time -----------------------------------------------------------------------------------------


def test_slow_drip_body_is_cut_at_the_deadline() -> None:
    with LocalServer({"/drip": slow_drip(PAGE, interval=0.05)}) as server:
        policy = allowing(server, deadline=1.0, read_timeout=5.0)
        with GuardedClient(policy) as client:
            started = time.monotonic()
            with pytest.raises(FetchTimeout) as caught:
                client.get(server.url("/drip"))
            elapsed = time.monotonic() - started
    assert caught.value.reason == "deadline of 1 s passed"
    assert caught.value.transient
    assert 0.9 < elapsed < 2.5


def test_slow_drip_headers_are_cut_at_the_deadline() -> None:
    with (
        LocalServer({"/drip": slow_headers(interval=0.05)}) as server,
        GuardedClient(allowing(server, deadline=1.0, read_timeout=5.0)) as client,
    ):
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="deadline of 1 s passed"):
            client.get(server.url("/drip"))
    assert time.monotonic() - started < 2.5


def test_the_deadline_covers_all_redirect_hops_together() -> None:
    def slow_redirect(target: str) -> object:
        def handle(exchange: Exchange) -> None:
            exchange.wait(0.4)
            exchange.respond(302, headers={"Location": target})

        return handle

    with LocalServer({"/final": send_bytes(PAGE)}) as server:
        for i in range(1, 5):
            server.route(f"/r{i}", slow_redirect(server.url(f"/r{i + 1}")))  # type: ignore[arg-type]
        server.route("/r5", redirect(server.url("/final")))
        with (
            GuardedClient(allowing(server, deadline=1.0, read_timeout=5.0)) as client,
            pytest.raises(FetchTimeout),
        ):
            client.get(server.url("/r1"))


def test_a_silent_server_trips_the_read_timeout_as_a_network_error() -> None:
    def silent(exchange: Exchange) -> None:
        exchange.wait(2.0)

    with (
        LocalServer({"/quiet": silent}) as server,
        GuardedClient(allowing(server, read_timeout=0.3, deadline=5.0)) as client,
        pytest.raises(NetworkError, match="read timed out") as caught,
    ):
        client.get(server.url("/quiet"))
    assert caught.value.transient


# -- TLS: the host name stays the host name -------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


def _tls_pair(certificate: tuple[Path, Path]) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    key, cert = certificate
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    client_side = ssl.create_default_context(cafile=str(cert))
    return server_side, client_side


def test_https_connects_to_the_checked_address_but_verifies_the_host_name(
    certificate: tuple[Path, Path],
) -> None:
    server_side, client_side = _tls_pair(certificate)
    resolver = RecordingResolver({"news.test": ["127.0.0.1"]})
    with LocalServer({"/a": send_bytes(PAGE)}, tls=server_side) as server:
        policy = FetchPolicy(allow_hosts=frozenset({"news.test"}))
        with GuardedClient(policy, resolver=resolver, verify=client_side) as client:
            result = client.get(server.url("/a", host="news.test"))
    assert result.body == PAGE
    assert result.final_url.startswith("https://news.test:")
    assert server.requests[0].headers["host"] == f"news.test:{server.port}"


def test_https_to_a_name_the_certificate_does_not_cover_fails(
    certificate: tuple[Path, Path],
) -> None:
    server_side, client_side = _tls_pair(certificate)
    resolver = RecordingResolver({"other.test": ["127.0.0.1"]})
    with LocalServer({"/a": send_bytes(PAGE)}, tls=server_side) as server:
        policy = FetchPolicy(allow_hosts=frozenset({"other.test"}))
        with (
            GuardedClient(policy, resolver=resolver, verify=client_side) as client,
            pytest.raises(NetworkError, match=r"certificate|hostname"),
        ):
            client.get(server.url("/a", host="other.test"))
    assert server.requests == []


# -- the webhook stand-in (for delivery tests elsewhere) -----------------------------------------


def test_recording_receiver_answers_its_script_in_order_then_200() -> None:
    with RecordingReceiver([500, Reply.retry_after(2), 200]) as hook:
        with GuardedClient(allowing(hook)) as client:
            with pytest.raises(HTTPStatusError) as first:
                client.get(hook.webhook_url)
            with pytest.raises(HTTPStatusError) as second:
                client.get(hook.webhook_url)
            third = client.get(hook.webhook_url)
            fourth = client.get(hook.webhook_url)
        requests = hook.wait_for(4)
    assert first.value.status == 500
    assert (second.value.status, second.value.retry_after) == (429, 2.0)
    assert third.body == fourth.body == b"ok"
    assert [r.path for r in requests] == [hook.path] * 4


# -- the policy -----------------------------------------------------------------------------------


def test_default_policy_has_the_documented_limits() -> None:
    policy = DEFAULT_FETCH_POLICY
    assert policy.max_redirects == 5
    assert policy.max_bytes == 10 * MiB
    assert policy.deadline == 30.0
    assert policy.allowed_ports == frozenset({80, 443})
    assert policy.allow_hosts == frozenset()
    assert policy.connect_timeout < policy.deadline
    assert policy.read_timeout < policy.deadline
    with pytest.raises(FrozenInstanceError):
        policy.max_bytes = 1  # type: ignore[misc]


def test_policy_rejects_nonsense_limits() -> None:
    with pytest.raises(ValueError):
        FetchPolicy(max_bytes=0)
    with pytest.raises(ValueError):
        FetchPolicy(deadline=-1)
    with pytest.raises(ValueError):
        FetchPolicy(max_redirects=-1)


def test_policy_from_environment_reads_portwatch_allow_hosts() -> None:
    policy = policy_from_environment({"PORTWATCH_ALLOW_HOSTS": "127.0.0.1:8000, demo.test"})
    assert policy.allow_hosts == frozenset({"127.0.0.1:8000", "demo.test"})
    assert policy.max_bytes == DEFAULT_FETCH_POLICY.max_bytes
    assert policy_from_environment({}).allow_hosts == frozenset()
