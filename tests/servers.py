"""Real local HTTP servers for tests and benchmarks: loopback only, port 0, stopped on exit.

    with LocalServer({"/feed.xml": send_bytes(FEED, "application/rss+xml")}) as server:
        client.get(server.url("/feed.xml"))

A route is a callable taking an ``Exchange`` (the recorded request plus ways to answer it).
Factories below build the awkward servers the fetch guard must survive: redirect chains, slow
drips, endless chunked bodies, gzip bombs, lying Content-Length. ``RecordingReceiver`` stands in
for a Slack webhook: it records every request and answers from a script (500, 500, 200 …).

``network_audit`` and ``forbid_foreign_connections`` watch the interpreter's audit events, so a
test can prove that a code path opened no socket, and no test can reach past loopback.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import socket
import ssl
import sys
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "Exchange",
    "Handler",
    "LocalServer",
    "RecordedRequest",
    "RecordingReceiver",
    "Reply",
    "conditional",
    "endless_chunked",
    "forbid_foreign_connections",
    "gzip_bomb",
    "gzip_bomb_bytes",
    "huge_content_length",
    "network_audit",
    "redirect",
    "redirect_chain",
    "send_bytes",
    "send_deflate",
    "send_gzip",
    "slow_drip",
    "slow_headers",
    "status",
]

HeaderItems = Mapping[str, str] | Sequence[tuple[str, str]]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; header names are lower-case."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body)


class Exchange:
    """One request being answered: ``respond`` for a whole reply, or ``start`` + ``write``."""

    def __init__(self, handler: _Handler, request: RecordedRequest, server: LocalServer) -> None:
        self._handler = handler
        self.request = request
        self.server = server

    @property
    def stopping(self) -> threading.Event:
        return self.server.stopping

    def respond(
        self,
        status: int = 200,
        body: bytes = b"",
        headers: HeaderItems | None = None,
        content_type: str = "text/plain; charset=utf-8",
    ) -> None:
        items = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        self.start(status, items + _items(headers))
        if self.request.method != "HEAD":
            self.write(body)

    def start(self, status: int, headers: HeaderItems | None = None) -> None:
        """Status line and headers, flushed; the body framing is the caller's business."""
        self._handler.send_response(status)
        for name, value in _items(headers):
            self._handler.send_header(name, value)
        self._handler.end_headers()
        self._handler.wfile.flush()

    def write(self, data: bytes) -> None:
        self._handler.wfile.write(data)
        self._handler.wfile.flush()

    def close_after(self) -> None:
        """Close the connection once this answer is sent."""
        self._handler.close_connection = True

    def wait(self, seconds: float) -> bool:
        """Sleep; False when the server is stopping (so a slow handler should return)."""
        return not self.server.stopping.wait(seconds)


Handler = Callable[[Exchange], None]


def _items(headers: HeaderItems | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # an idle keep-alive connection ends by itself
    server: _Server

    def _dispatch(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        owner.record(request)
        try:
            owner.handler_for(request.path)(Exchange(self, request, owner))
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True  # the client went away: expected in these tests
        except Exception as exc:  # a broken test handler: keep it for the test to see
            owner.errors.append(exc)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _dispatch

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every response.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close joins handler threads: nothing outlives the test
    owner: LocalServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN (a DNS query); tests need none.
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.owner.count_connection()
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.owner.errors.append(sys.exc_info()[1] or RuntimeError("handler error"))


def _not_found(exchange: Exchange) -> None:
    exchange.respond(404, b"not found")


class LocalServer:
    """A threaded HTTP/1.1 server on 127.0.0.1, port chosen by the OS, with a route table.

    The port is bound on construction, so routes may mention ``server.url(...)`` before start.
    ``requests`` and ``connections`` record what arrived; ``errors`` holds handler crashes.
    """

    def __init__(
        self,
        routes: Mapping[str, Handler] | None = None,
        *,
        fallback: Handler = _not_found,
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes: dict[str, Handler] = dict(routes or {})
        self.fallback = fallback
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self.connections = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        if tls is not None:
            # Handshake on first read, in the handler thread, so one silent client blocks nothing.
            self._httpd.socket = tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.scheme = "https" if tls is not None else "http"
        self.host = host
        self.port = int(self._httpd.server_address[1])
        self._thread: threading.Thread | None = None

    # -- lifecycle --
    def start(self) -> LocalServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses --
    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        """This server's URL for ``path``; ``host`` spells the host differently (a test name)."""
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        """Add a route; returns its URL."""
        self.routes[path] = handler
        return self.url(path)

    # -- used by the handler threads --
    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def handler_for(self, path: str) -> Handler:
        return self.routes.get(urlsplit(path).path, self.fallback)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if urlsplit(r.path).path == path]


# -- handler factories ----------------------------------------------------------------------------


def send_bytes(
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    *,
    status: int = 200,
    headers: HeaderItems | None = None,
) -> Handler:
    def handle(exchange: Exchange) -> None:
        exchange.respond(status, body, headers, content_type)

    return handle


def status(code: int, *, headers: HeaderItems | None = None, body: bytes = b"") -> Handler:
    return send_bytes(body, "text/plain; charset=utf-8", status=code, headers=headers)


def send_gzip(body: bytes, content_type: str = "text/html; charset=utf-8") -> Handler:
    return send_bytes(gzip.compress(body), content_type, headers={"Content-Encoding": "gzip"})


def send_deflate(
    body: bytes, content_type: str = "text/html; charset=utf-8", *, raw: bool = False
) -> Handler:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15 if raw else 15)
    data = packer.compress(body) + packer.flush()
    return send_bytes(data, content_type, headers={"Content-Encoding": "deflate"})


def redirect(location: str, code: int = 302) -> Handler:
    return send_bytes(b"", "text/plain", status=code, headers={"Location": location})


def redirect_chain(server: LocalServer, hops: int, final_url: str, prefix: str = "/hop") -> str:
    """Register ``hops`` redirects ``prefix/1`` → … → ``final_url``; returns the first URL."""
    for i in range(1, hops + 1):
        target = server.url(f"{prefix}/{i + 1}") if i < hops else final_url
        server.route(f"{prefix}/{i}", redirect(target))
    return server.url(f"{prefix}/1") if hops else final_url


def conditional(
    body: bytes,
    *,
    etag: str | None = '"v1"',
    last_modified: str | None = "Fri, 21 Aug 2015 10:00:00 GMT",
    content_type: str = "application/rss+xml; charset=utf-8",
) -> Handler:
    """Answers 304 when If-None-Match or If-Modified-Since matches, else the body."""
    validators = [(k, v) for k, v in (("ETag", etag), ("Last-Modified", last_modified)) if v]

    def handle(exchange: Exchange) -> None:
        headers = exchange.request.headers
        if (etag and headers.get("if-none-match") == etag) or (
            last_modified and headers.get("if-modified-since") == last_modified
        ):
            exchange.start(304, validators)
            return
        exchange.respond(200, body, validators, content_type)

    return handle


def slow_drip(body: bytes, interval: float = 0.2, content_type: str = "text/html") -> Handler:
    """Honest headers, then the body one byte per ``interval``: read timeouts never fire."""

    def handle(exchange: Exchange) -> None:
        exchange.start(200, {"Content-Type": content_type, "Content-Length": str(len(body))})
        for i in range(len(body)):
            if not exchange.wait(interval):
                return
            exchange.write(body[i : i + 1])

    return handle


def slow_headers(interval: float = 0.2, limit_seconds: float = 30.0) -> Handler:
    """Headers dripped a byte at a time, never finished (ends by itself after ``limit``)."""

    def handle(exchange: Exchange) -> None:
        exchange.close_after()
        stream = b"HTTP/1.1 200 OK\r\n" + b"X-Drip: " + b"a" * 100_000
        ends = time.monotonic() + limit_seconds
        for i in range(len(stream)):
            if time.monotonic() > ends or not exchange.wait(interval):
                return
            exchange.write(stream[i : i + 1])

    return handle


def endless_chunked(
    chunk_size: int = 64 * 1024, limit_bytes: int = 2 * 1024**3, limit_seconds: float = 30.0
) -> Handler:
    """A chunked body that never ends (until the client leaves, or the safety limits)."""
    chunk = b"%x\r\n" % chunk_size + b"x" * chunk_size + b"\r\n"

    def handle(exchange: Exchange) -> None:
        exchange.close_after()
        exchange.start(200, {"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
        sent, ends = 0, time.monotonic() + limit_seconds
        while sent < limit_bytes and time.monotonic() < ends and not exchange.stopping.is_set():
            exchange.write(chunk)
            sent += chunk_size

    return handle


@lru_cache(maxsize=4)
def gzip_bomb_bytes(decoded_mib: int = 256, members: int = 1) -> bytes:
    """gzip data that inflates to ``decoded_mib`` MiB of zeros (in ``members`` gzip members)."""
    zeros = bytes(1024 * 1024)
    per_member = decoded_mib // members
    parts: list[bytes] = []
    for _ in range(members):
        packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # level 1: 256 MiB in half a second
        parts.extend(packer.compress(zeros) for _ in range(per_member))
        parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(decoded_mib: int = 256, members: int = 1, *, declare_length: bool = True) -> Handler:
    """An HTML response whose small gzip body inflates to ``decoded_mib`` MiB."""
    data = gzip_bomb_bytes(decoded_mib, members)
    headers = {"Content-Encoding": "gzip"}

    def handle(exchange: Exchange) -> None:
        if declare_length:
            exchange.respond(200, data, headers, "text/html")
            return
        exchange.close_after()
        exchange.start(200, {**headers, "Content-Type": "text/html"})
        exchange.write(data)

    return handle


def huge_content_length(declared: int, wait_seconds: float = 10.0) -> Handler:
    """Declares ``declared`` bytes, then sends nothing: a client that reads would hang."""

    def handle(exchange: Exchange) -> None:
        exchange.close_after()
        exchange.start(200, {"Content-Type": "text/html", "Content-Length": str(declared)})
        exchange.wait(wait_seconds)

    return handle


# -- a webhook receiver ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One scripted answer of a ``RecordingReceiver``."""

    status: int = 200
    body: bytes = b"ok"
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def retry_after(cls, seconds: int | str, status: int = 429) -> Reply:
        return cls(status, b"rate limited", {"Retry-After": str(seconds)})


class RecordingReceiver(LocalServer):
    """A fake webhook endpoint (Slack's shape): records requests, answers from a script.

        with RecordingReceiver([500, 500, 200]) as hook:   # or [Reply.retry_after(2), 200]
            deliver(hook.webhook_url, ...)
            assert len(hook.wait_for(3)) == 3

    Once the script is used up every request gets ``default`` (200 "ok").
    """

    def __init__(
        self,
        script: Iterable[int | Reply] = (),
        *,
        default: Reply | None = None,
        path: str = "/services/T000/B000/XXXX",
    ) -> None:
        super().__init__(fallback=self._answer)
        self.path = path
        self.default = default or Reply()
        self._script: deque[Reply] = deque(
            Reply(item, b"ok" if item < 400 else b"error") if isinstance(item, int) else item
            for item in script
        )
        self._arrived = threading.Condition()

    @property
    def webhook_url(self) -> str:
        return self.url(self.path)

    def _answer(self, exchange: Exchange) -> None:
        with self._arrived:
            reply = self._script.popleft() if self._script else self.default
            self._arrived.notify_all()
        exchange.respond(reply.status, reply.body, reply.headers)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """The requests received, once there are at least ``count`` (or ``timeout`` passed)."""
        ends = time.monotonic() + timeout
        with self._arrived:
            while len(self.requests) < count and time.monotonic() < ends:
                self._arrived.wait(max(0.0, ends - time.monotonic()))
        return list(self.requests)

    def bodies(self) -> list[Any]:
        """Request bodies parsed as JSON (Slack payloads)."""
        return [r.json() for r in self.requests]


# -- watching the interpreter's network and file use ----------------------------------------------

_AuditEvent = tuple[str, tuple[Any, ...]]
_watchers: list[Callable[[str, tuple[Any, ...]], None]] = []
_hook_installed = False
_hook_lock = threading.Lock()
_WATCHED = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.bind", "open", "urllib.Request"}
)


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    if event in _WATCHED and _watchers:
        for watcher in list(_watchers):
            watcher(event, args)


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit_hook)  # hooks cannot be removed; it is idle when unwatched
            _hook_installed = True


@contextmanager
def _watching(watcher: Callable[[str, tuple[Any, ...]], None]) -> Iterator[None]:
    _install_hook()
    _watchers.append(watcher)
    try:
        yield
    finally:
        _watchers.remove(watcher)


@contextmanager
def network_audit(*, files: bool = False) -> Iterator[list[_AuditEvent]]:
    """Record socket connects and lookups (and file opens with ``files``) in this thread."""
    events: list[_AuditEvent] = []
    me = threading.get_ident()

    def watch(event: str, args: tuple[Any, ...]) -> None:
        if threading.get_ident() != me or (event == "open" and not files):
            return
        events.append((event, args))

    with _watching(watch):
        yield events


_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return True  # unix sockets and the like: not network traffic
    if host.lower() in _LOOPBACK_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def forbid_foreign_connections() -> Iterator[None]:
    """Any connect or DNS lookup beyond loopback raises at once: tests never leave the machine."""

    def watch(event: str, args: tuple[Any, ...]) -> None:
        if event == "socket.connect":
            sock, address = args
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
                raise RuntimeError(f"test tried to connect to {address!r}")
        elif event == "socket.getaddrinfo" and not _is_loopback(args[0]):
            raise RuntimeError(f"test tried to resolve {args[0]!r}")
        elif event == "urllib.Request":
            raise RuntimeError(f"test used urllib for {args[0]!r}")

    with _watching(watch):
        yield
