"""The guarded HTTP client: the one way Portwatch fetches an untrusted URL.

- ``check_url`` refuses before any lookup: schemes other than http/https, credentials in the URL,
  metadata host names, numeric host tricks, non-public IP literals and ports outside the policy.
- The connection goes to an address that was checked: a network backend resolves the host once,
  checks every address it got (``pipeline.addresses``) and connects to one of those, so a second
  DNS answer cannot swap in a private address. TLS SNI and the Host header stay the host name.
- Redirects are followed by hand, each hop checked again, at most ``max_redirects``.
- The body is streamed: ``Content-Length`` over the cap is refused unread; wire bytes and decoded
  bytes (gzip/deflate decoded here, in bounded steps) are counted and cut at their caps.
- A total deadline covers connect, TLS, headers and every read, so a server that drips one byte
  a second cannot stretch it. Environment proxies are ignored and no cookies are kept.

``PORTWATCH_ALLOW_HOSTS`` entries (``FetchPolicy.allow_hosts``) lift only the public-address rule
(and the port rule, for the port they name); schemes, credentials, caps and deadlines still apply.
"""

from __future__ import annotations

import contextvars
import email.utils
import ipaddress
import os
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Any

import httpcore
import httpx

from pipeline.addresses import (
    AddressRefused,
    IPAddress,
    address_problem,
    is_allowed,
    is_metadata_host,
    normalise_host,
    parse_allow_hosts,
    parse_host,
)
from pipeline.errors import (
    BodyTooLarge,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    TooManyRedirects,
    URLRefused,
)

__all__ = [
    "DEFAULT_FETCH_POLICY",
    "FetchPolicy",
    "FetchResult",
    "GuardedClient",
    "Resolver",
    "check_url",
    "parse_allow_hosts",
    "parse_retry_after",
    "policy_from_environment",
    "system_resolver",
]

DEFAULT_MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # decoded body
DEFAULT_MAX_WIRE_BYTES = 10 * 1024 * 1024  # bytes as sent; compressed pages are far smaller
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 15.0  # longest silence between two reads
DEFAULT_DEADLINE = 30.0  # whole fetch, all hops included
DEFAULT_ALLOWED_PORTS: frozenset[int] = frozenset({80, 443})
DEFAULT_USER_AGENT = "Portwatch/0.1 (news monitoring)"
ACCEPT_ENCODING = "gzip, deflate"  # only what this module decodes itself

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DECODE_STEP = 256 * 1024  # most bytes one zlib call may produce
_CONTROL_CHARS = frozenset(chr(c) for c in range(0x20)) | {"\x7f"}


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits for one fetch; the defaults are the service's (``DEFAULT_FETCH_POLICY``)."""

    max_redirects: int = DEFAULT_MAX_REDIRECTS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_wire_bytes: int = DEFAULT_MAX_WIRE_BYTES
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    allowed_ports: frozenset[int] = DEFAULT_ALLOWED_PORTS
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        if self.max_redirects < 0:
            raise ValueError("max_redirects must be 0 or more")
        if min(self.max_bytes, self.max_wire_bytes) <= 0:
            raise ValueError("byte caps must be positive")
        if min(self.connect_timeout, self.read_timeout, self.deadline) <= 0:
            raise ValueError("timeouts and the deadline must be positive")


DEFAULT_FETCH_POLICY = FetchPolicy()


def policy_from_environment(
    environ: Mapping[str, str] | None = None, base: FetchPolicy = DEFAULT_FETCH_POLICY
) -> FetchPolicy:
    """``base`` with ``allow_hosts`` read from ``PORTWATCH_ALLOW_HOSTS`` (empty when unset)."""
    env = os.environ if environ is None else environ
    hosts = parse_allow_hosts(env.get("PORTWATCH_ALLOW_HOSTS", ""))
    return FetchPolicy(
        max_redirects=base.max_redirects,
        max_bytes=base.max_bytes,
        max_wire_bytes=base.max_wire_bytes,
        connect_timeout=base.connect_timeout,
        read_timeout=base.read_timeout,
        deadline=base.deadline,
        allowed_ports=base.allowed_ports,
        allow_hosts=hosts,
        user_agent=base.user_agent,
    )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A successful (2xx) or not-modified (304) answer; ``body`` is decoded and empty on 304."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes
    elapsed: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304


#: Turns a host name and port into IP address strings (``system_resolver`` by default).
Resolver = Callable[[str, int], Sequence[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``, in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: str, policy: FetchPolicy = DEFAULT_FETCH_POLICY) -> httpx.URL:
    """Parse ``url`` and refuse it (``URLRefused``) when the guard would; no network is used."""
    parsed = _parse_url(url)
    host = parsed.raw_host.decode("ascii")
    if is_metadata_host(host):
        raise URLRefused(url, f"cloud metadata host {normalise_host(host)!r}")
    try:
        literal = parse_host(host)
    except AddressRefused as exc:
        raise URLRefused(url, exc.reason) from None
    port = parsed.port if parsed.port is not None else (443 if parsed.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise URLRefused(url, f"port {port} is out of range")
    allowed = is_allowed(policy.allow_hosts, host, port)
    if literal is not None and not allowed:
        problem = address_problem(literal)
        if problem:
            raise URLRefused(url, problem)
    if not allowed and port not in policy.allowed_ports:
        raise URLRefused(url, f"port {port} is not allowed")
    return parsed


def _parse_url(url: str) -> httpx.URL:
    """Syntax, scheme and credentials: the checks that need no idea of hosts."""
    if any(ch in _CONTROL_CHARS for ch in url):
        raise URLRefused(url, "control character in URL")
    authority = _authority(url)
    if "\\" in authority or any(ch.isspace() for ch in authority):
        # Parsers disagree on these; a space in the path is fine (httpx encodes it).
        raise URLRefused(url, "whitespace or backslash in the URL's host part")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise URLRefused(url, _host_reason(url) or f"invalid URL ({exc})") from None
    if not parsed.scheme:
        raise URLRefused(url, "URL has no scheme")
    if parsed.scheme not in ("http", "https"):
        raise URLRefused(url, f"scheme {parsed.scheme!r} is not http or https")
    if parsed.userinfo or "@" in authority:
        raise URLRefused(url, "credentials in the URL")
    if not parsed.raw_host:
        raise URLRefused(url, "no host in URL")
    return parsed


def _host_reason(url: str) -> str | None:
    """Our own reason for a host httpx would not parse (``0177.0.0.1``), if we have one."""
    host = _authority(url).rpartition("@")[2]
    if not host.startswith("["):
        host = host.partition(":")[0]
    try:
        parse_host(host)
    except AddressRefused as exc:
        return exc.reason
    return None


def _authority(url: str) -> str:
    _, sep, rest = url.partition("://")
    if not sep:
        return ""
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return rest


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date), else ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(int(value[:12]))  # a dozen digits is already centuries
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


# -- deadline -------------------------------------------------------------------------------------

# The monotonic instant at which the current fetch must end. A context variable rather than an
# attribute because pooled connections outlive the fetch that opened them.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "portwatch_fetch_deadline", default=None
)


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the deadline; raises ``expired`` once it passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise expired("deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """Every read, write and TLS handshake waits at most until the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


# -- connecting to the checked address ------------------------------------------------------------


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves once, checks every address, connects to a checked one (by its literal)."""

    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        self._policy = policy
        self._resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: httpcore.ConnectError | None = None
        for address in self.checked_addresses(host, port):
            wait = _bounded(timeout, httpcore.ConnectTimeout)
            try:
                # An IP literal: create_connection inside needs no DNS, so nothing can swap it.
                stream = super().connect_tcp(
                    str(address), port, wait, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"no address to connect to for {host}")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are not fetched")

    def checked_addresses(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to try for ``host``; raises ``AddressRefused`` if any one is refused."""
        if is_metadata_host(host):
            raise AddressRefused(f"cloud metadata host {normalise_host(host)!r}")
        literal = parse_host(host)
        addresses = [literal] if literal is not None else self._resolve(host, port)
        if not is_allowed(self._policy.allow_hosts, host, port):
            for address in addresses:
                problem = address_problem(address)
                if problem:
                    raise AddressRefused(problem if literal else f"{host} resolves to {problem}")
        for address in addresses:
            if is_metadata_host(address.compressed):
                raise AddressRefused(f"{host} resolves to cloud metadata address {address}")
        return addresses

    def _resolve(self, host: str, port: int) -> list[IPAddress]:
        try:
            found = self._resolver(normalise_host(host), port)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        addresses: list[IPAddress] = []
        for text in found:
            try:
                addresses.append(ipaddress.ip_address(text))
            except ValueError:
                raise AddressRefused(f"{host} resolves to a non-address {text!r}") from None
        if not addresses:
            raise httpcore.ConnectError(f"no address found for {host}")
        return addresses


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a connection pool that uses the guarded backend."""

    def __init__(self, backend: httpcore.NetworkBackend, verify: ssl.SSLContext | bool) -> None:
        super().__init__(verify=verify, trust_env=False, retries=0)
        # HTTPTransport takes no network backend; replace its pool with one that has ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


# -- body decoding --------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _Identity:
    def feed(self, data: bytes, out: bytearray, cap: int) -> None:
        if len(out) + len(data) > cap:
            raise _TooLarge
        out += data

    def finish(self, out: bytearray, cap: int) -> None:
        return None


class _Inflate:
    """gzip (several members allowed) or deflate (zlib-wrapped or raw), never past ``cap``."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._raw_fallback = not gzip  # servers send raw deflate under "deflate" too
        self._started = False
        self._obj = zlib.decompressobj(31 if gzip else 15)

    def feed(self, data: bytes, out: bytearray, cap: int) -> None:
        if not self._started and data:
            self._started = True
            try:
                self._drain(data, out, cap)
                return
            except zlib.error:
                if not self._raw_fallback or out:
                    raise
                self._obj = zlib.decompressobj(-15)
        self._drain(data, out, cap)

    def _drain(self, data: bytes, out: bytearray, cap: int) -> None:
        while True:
            limit = min(cap - len(out) + 1, _DECODE_STEP)  # one byte over the cap shows overflow
            piece = self._obj.decompress(data, limit)
            out += piece
            if len(out) > cap:
                raise _TooLarge
            data = self._obj.unconsumed_tail
            if self._obj.eof:
                data = self._next_member()
                if not data:
                    return
            elif not data and len(piece) < limit:
                return  # input used up and zlib has nothing pending

    def _next_member(self) -> bytes:
        rest = self._obj.unused_data
        if self._gzip and rest.startswith(b"\x1f\x8b"):
            self._obj = zlib.decompressobj(31)
            return rest
        return b""  # trailing garbage after the stream is ignored, as browsers do

    def finish(self, out: bytearray, cap: int) -> None:
        out += self._obj.flush()
        if len(out) > cap:
            raise _TooLarge


def _decoder(url: str, content_encoding: str) -> _Identity | _Inflate:
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip"):
        return _Inflate(gzip=True)
    if codings == ["deflate"]:
        return _Inflate(gzip=False)
    raise FetchError(url, f"unsupported content encoding {content_encoding!r}")


# -- the client -----------------------------------------------------------------------------------


class GuardedClient:
    """Fetches untrusted URLs under a ``FetchPolicy``; use as a context manager, or ``close()``.

    ``resolver`` replaces the system resolver (tests use it to play DNS); ``verify`` is passed
    to the TLS context (an ``ssl.SSLContext`` for a private CA). Safe to share between threads.
    """

    def __init__(
        self,
        policy: FetchPolicy = DEFAULT_FETCH_POLICY,
        *,
        resolver: Resolver = system_resolver,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.policy = policy
        backend = _GuardedBackend(policy, resolver)
        self._client = httpx.Client(
            transport=_GuardedTransport(backend, verify),
            trust_env=False,  # no proxies, netrc or CA files from the environment
            follow_redirects=False,  # followed by hand, each hop checked
            timeout=httpx.Timeout(
                connect=policy.connect_timeout,
                read=policy.read_timeout,
                write=policy.read_timeout,
                pool=policy.connect_timeout,
            ),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # keep none
        )

    def __enter__(self) -> GuardedClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> FetchResult:
        """GET ``url`` under the policy. ``headers`` may carry If-None-Match/If-Modified-Since.

        Raises ``URLRefused`` (or ``TooManyRedirects``) before connecting to anything refused,
        ``HTTPStatusError`` for a status other than 2xx/304, ``BodyTooLarge``, ``FetchTimeout``
        when the deadline passes, ``NetworkError`` for connect/read failures.
        """
        started = time.monotonic()
        token = _DEADLINE.set(started + self.policy.deadline)
        try:
            return self._follow(url, _request_headers(headers), started)
        finally:
            _DEADLINE.reset(token)

    def _follow(self, url: str, headers: dict[str, str], started: float) -> FetchResult:
        target = check_url(url, self.policy)
        note = ""
        redirects = 0
        while True:
            outcome = self._exchange(url, target, headers, started, note)
            if isinstance(outcome, FetchResult):
                return outcome
            if redirects >= self.policy.max_redirects:
                raise TooManyRedirects(url, f"more than {self.policy.max_redirects} redirects")
            redirects += 1
            note = f" (redirect {redirects} to {outcome})"
            try:
                target = check_url(outcome, self.policy)
            except URLRefused as exc:
                raise URLRefused(url, exc.reason + note) from None

    def _exchange(
        self, url: str, target: httpx.URL, headers: dict[str, str], started: float, note: str
    ) -> FetchResult | str:
        try:
            with self._client.stream("GET", target, headers=headers) as response:
                return self._outcome(url, target, response, started)
        except AddressRefused as exc:
            raise URLRefused(url, exc.reason + note) from None
        except httpx.TimeoutException as exc:
            raise self._timeout(url, exc) from None
        except httpx.TransportError as exc:
            raise NetworkError(url, _describe(exc)) from None
        except httpx.HTTPError as exc:  # decoding and other protocol trouble
            raise NetworkError(url, _describe(exc)) from None

    def _timeout(self, url: str, exc: httpx.TimeoutException) -> FetchError:
        deadline = _DEADLINE.get()
        if "deadline passed" in str(exc) or (deadline is not None and time.monotonic() >= deadline):
            return FetchTimeout(url, f"deadline of {self.policy.deadline:g} s passed")
        kind = "connect" if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout) else "read"
        return NetworkError(url, f"{kind} timed out")

    def _outcome(
        self, url: str, target: httpx.URL, response: httpx.Response, started: float
    ) -> FetchResult | str:
        status = response.status_code
        location = response.headers.get("location")
        if status in _REDIRECT_STATUSES and location:
            try:
                return str(target.join(location))
            except (httpx.InvalidURL, ValueError):
                raise URLRefused(url, f"invalid redirect location {location!r}") from None
        if status != 304 and not 200 <= status < 300:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise HTTPStatusError(url, status, retry_after)
        body = b"" if status == 304 else self._read_body(url, response)
        return FetchResult(
            url=url,
            final_url=str(target),
            status=status,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            body=body,
            elapsed=time.monotonic() - started,
        )

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        policy = self.policy
        decoder = _decoder(url, response.headers.get("content-encoding", ""))
        declared = _content_length(response)
        wire_cap, what = policy.max_wire_bytes, "compressed body"
        if isinstance(decoder, _Identity):
            wire_cap, what = min(wire_cap, policy.max_bytes), "body"
        if declared is not None and declared > wire_cap:
            raise BodyTooLarge(
                url, f"body larger than {wire_cap} bytes (Content-Length {declared})"
            )
        body = bytearray()
        wire = 0
        try:
            for chunk in response.iter_raw():
                wire += len(chunk)
                if wire > wire_cap:
                    raise BodyTooLarge(url, f"{what} larger than {wire_cap} bytes")
                decoder.feed(chunk, body, policy.max_bytes)
            decoder.finish(body, policy.max_bytes)
        except _TooLarge:
            raise BodyTooLarge(url, f"body larger than {policy.max_bytes} bytes") from None
        except zlib.error as exc:
            raise FetchError(url, f"corrupt compressed body ({exc})") from None
        return bytes(body)


def _request_headers(extra: Mapping[str, str] | None) -> dict[str, str]:
    headers = dict(extra or {})
    # The decoder above handles only these; a caller cannot widen it.
    for name in list(headers):
        if name.lower() in ("accept-encoding", "host"):
            del headers[name]
    return headers


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value.split(",")[0].strip())
    except ValueError:
        return None


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text else name
