"""No code path fetches a URL or opens a socket except through the guarded client.

A static check reads every module in pipeline/ and workers/ and resolves each call through the
module's imports. It refuses: trafilatura's downloaders, urllib.request, http.client and other
HTTP libraries anywhere; socket connections and httpx/httpcore clients outside the guarded
client; feedparser.parse outside pipeline/feeds.py or with anything but ``BytesIO(...)``.
A runtime check then parses every sample feed and page under an audit hook and sees no socket.
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.errors import FeedError
from pipeline.extraction import extract_article
from pipeline.feeds import FeedItem, parse_feed
from pipeline.fetching import FetchPolicy, GuardedClient
from tests.servers import LocalServer, network_audit, redirect, send_bytes

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("pipeline", "workers")

#: The guarded client: the only module that may open sockets or build HTTP clients.
GUARDED_CLIENT = "pipeline/fetching.py"
#: The only module that may call feedparser.parse (and only on BytesIO).
FEED_PARSER = "pipeline/feeds.py"
#: Modules allowed to build httpx/httpcore clients. Add one only with a reason in review.
HTTP_CLIENT_MODULES = frozenset({GUARDED_CLIENT})
SOCKET_MODULES = frozenset({GUARDED_CLIENT})
#: Reviewed exceptions, one (module, call) at a time, each with its reason. Anything else in
#: these modules is still refused.
REVIEWED: dict[tuple[str, str], str] = {
    ("pipeline/notify_slack.py", "httpx.Client"): (
        "posts alerts to the operator's webhook URL from the environment, not to an article "
        "URL; no redirects, no environment proxies"
    ),
    ("workers/localredis.py", "socket.socket"): (
        "binds a loopback port for a private redis-server (backtest, tests); never connects"
    ),
}

# Whole modules that fetch URLs by themselves: calling or importing anything from them is refused.
FETCHING_MODULES = (
    "urllib.request",
    "http.client",
    "requests",
    "urllib3",
    "aiohttp",
    "pycurl",
    "trafilatura.downloads",
    "trafilatura.spider",
    "trafilatura.sitemaps",
    "trafilatura.feeds",
    "feedparser.http",
    "courlan.network",
)
FETCHING_FUNCTIONS = frozenset(
    {
        "trafilatura.fetch_url",
        "trafilatura.fetch_response",
        "trafilatura.load_html_from_url",
        "htmldate.find_date",  # takes a URL and downloads it
        "urllib.urlopen",
    }
)
SOCKET_CALLS = frozenset(
    {
        "socket.socket",
        "socket.create_connection",
        "socket.getaddrinfo",
        "socket.fromfd",
        "socket.socketpair",
        "ssl.wrap_socket",
    }
)
HTTP_CLIENTS = frozenset(
    {f"httpx.{name}" for name in ("get", "post", "put", "patch", "delete", "head", "options",
                                  "request", "stream", "Client", "AsyncClient", "HTTPTransport",
                                  "AsyncHTTPTransport")}
    | {f"httpcore.{name}" for name in ("ConnectionPool", "AsyncConnectionPool", "HTTPProxy",
                                       "HTTPConnection", "SyncBackend", "request", "stream")}
)  # fmt: skip


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name → dotted name it stands for, from the module's imports."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _in_module(name: str, modules: tuple[str, ...]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def _is_bytesio(node: ast.AST, aliases: dict[str, str]) -> bool:
    return isinstance(node, ast.Call) and _dotted(node.func, aliases) in ("io.BytesIO", "BytesIO")


def check_source(source: str, path: str) -> list[Violation]:
    """Every unguarded network use in one module's source."""
    tree = ast.parse(source, filename=path)
    aliases = _aliases(tree)
    found: list[Violation] = []
    for line, module in _imported_modules(tree):
        if _in_module(module, FETCHING_MODULES) or module in FETCHING_FUNCTIONS:
            found.append(Violation(path, line, f"imports {module}"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func, aliases)
        if name is None:
            continue
        what = _call_problem(name, node, aliases, path)
        if what and (path, name) not in REVIEWED:
            found.append(Violation(path, node.lineno, what))
    return found


def _call_problem(name: str, node: ast.Call, aliases: dict[str, str], path: str) -> str | None:
    if name in FETCHING_FUNCTIONS or _in_module(name, FETCHING_MODULES):
        return f"calls {name}, which fetches by itself"
    if name in SOCKET_CALLS and path not in SOCKET_MODULES:
        return f"calls {name} outside the guarded client"
    if name in HTTP_CLIENTS and path not in HTTP_CLIENT_MODULES:
        return f"calls {name} outside the guarded client"
    if name == "feedparser.parse":
        if path != FEED_PARSER:
            return "calls feedparser.parse outside pipeline/feeds.py"
        if not node.args or not _is_bytesio(node.args[0], aliases):
            return "calls feedparser.parse with something other than BytesIO(...)"
    return None


def scanned_files() -> list[Path]:
    return sorted(p for root in SCANNED for p in (REPO / root).rglob("*.py"))


# -- the checker finds what it should (so a pass means something) ---------------------------------

BAD = """
import socket
import httpx as h
import urllib.request
from trafilatura import fetch_url
from feedparser import parse as fp
import feedparser, io, trafilatura

def f(url, data):
    socket.create_connection(("x", 80))
    h.Client()
    h.get(url)
    urllib.request.urlopen(url)
    fetch_url(url)
    trafilatura.fetch_url(url)
    fp(url)
    feedparser.parse(data)
"""


def test_the_checker_catches_every_kind_of_unguarded_call() -> None:
    found = {v.what for v in check_source(BAD, "pipeline/example.py")}
    assert found == {
        "imports urllib.request",
        "imports trafilatura.fetch_url",
        "calls socket.create_connection outside the guarded client",
        "calls httpx.Client outside the guarded client",
        "calls httpx.get outside the guarded client",
        "calls urllib.request.urlopen, which fetches by itself",
        "calls trafilatura.fetch_url, which fetches by itself",
        "calls feedparser.parse outside pipeline/feeds.py",
    }


def test_the_checker_wants_bytesio_for_feedparser_even_in_the_feed_module() -> None:
    source = "import feedparser, io\nfeedparser.parse(data)\nfeedparser.parse(io.BytesIO(b))\n"
    found = check_source(source, FEED_PARSER)
    assert [(v.line, v.what) for v in found] == [
        (2, "calls feedparser.parse with something other than BytesIO(...)")
    ]


# -- the real code --------------------------------------------------------------------------------


def test_the_scan_covers_the_network_modules() -> None:
    names = {p.relative_to(REPO).as_posix() for p in scanned_files()}
    assert {GUARDED_CLIENT, FEED_PARSER, "pipeline/extraction.py"} <= names


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_module_reaches_the_network_except_through_the_guarded_client(path: Path) -> None:
    relative = path.relative_to(REPO).as_posix()
    violations = check_source(path.read_text(encoding="utf-8"), relative)
    assert violations == [], "\n".join(map(str, violations))


def test_every_reviewed_exception_is_still_needed() -> None:
    stale = []
    for path, call in REVIEWED:
        file = REPO / path
        if not file.exists():
            stale.append((path, call))
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        aliases = _aliases(tree)
        calls = {_dotted(n.func, aliases) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        if call not in calls:
            stale.append((path, call))
    assert stale == [], f"remove these from REVIEWED: {stale}"


# -- at run time ----------------------------------------------------------------------------------

ITEM = FeedItem("t", "https://news.example.org/a", None, "A summary long enough to stand in.", "g")


def test_parsing_every_sample_feed_and_page_opens_no_socket() -> None:
    data = Path(__file__).parent / "data"
    with LocalServer() as server:
        feeds = [
            p.read_bytes().replace(b"@SERVER@", server.authority.encode())
            for p in sorted((data / "feeds").iterdir())
        ]
        pages = [p.read_bytes() for p in sorted((data / "pages").iterdir())]
        with network_audit() as events:
            for body in feeds:
                with contextlib.suppress(FeedError):
                    parse_feed(body, "https://news.example.org/feed.xml")
            for body in pages:
                extract_article(body, "https://news.example.org/a", feed_item=ITEM)
    assert events == []
    assert server.connections == 0


def test_the_guarded_client_connects_only_to_the_address_it_checked() -> None:
    page = b"<html><body><p>Port of Calais</p></body></html>"
    with LocalServer({"/a": redirect("/b"), "/b": send_bytes(page)}) as server:
        policy = FetchPolicy(allow_hosts=frozenset({server.authority}))
        with GuardedClient(policy) as client, network_audit() as events:
            client.get(server.url("/a"))
    connects = {args[1] for name, args in events if name == "socket.connect"}
    assert connects == {("127.0.0.1", server.port)}
    assert [name for name, _ in events if name == "urllib.Request"] == []
