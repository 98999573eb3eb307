"""``portwatch demo``: the whole path on one machine, without the internet.

A local HTTP server on 127.0.0.1 publishes a sample feed that grows by one story per poll: a
Calais story first (it seeds the state: no alert), then a warning naming Dunkirk, Zeebrugge and
the Hook of Holland (three new-port alerts), Dutch coverage of the same shift, a syndicated copy
(no alert) and a follow-up with a changed nightly figure (a changed-figure alert). The service
runs on a copy of the shipped configuration whose only feed is that one; alerts go to the
console channel (printed, and appended to var/alerts.jsonl).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

import redis

from pipeline.settings import Settings

__all__ = ["DemoFeed", "run_demo"]

DATA = Path(__file__).resolve().parent / "demo_data"
STORIES = (
    ("01-calais.html", "Calais tightens freight checks after a week of lorry intrusions"),
    (
        "02-displacement.html",
        "Smugglers expected to switch to Dunkirk, Zeebrugge and the Hook of Holland",
    ),
    ("03-hoek.html", "Marechaussee extra alert op verstekelingen in Hoek van Holland"),
    ("04-syndicated.html", "Ports on alert as smuggling gangs eye new routes"),
    ("05-followup.html", "Night-time attempts at Calais double despite new fences"),
)


class DemoFeed:
    """Serves /feed.xml (one more story per request) and the story pages, on loopback."""

    def __init__(self, port: int = 0) -> None:
        self.requests = 0
        self._lock = threading.Lock()
        demo = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/feed.xml":
                    body, kind = demo.feed(), "application/rss+xml"
                else:
                    name = self.path.strip("/")
                    if name not in {n for n, _ in STORIES}:
                        self.send_error(404)
                        return
                    body, kind = (DATA / name).read_bytes(), "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> DemoFeed:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def feed(self) -> bytes:
        with self._lock:
            self.requests += 1
            shown = STORIES[: min(self.requests, len(STORIES))]
        items = "".join(
            f"<item><title>{escape(title)}</title><link>{self.base}/{name}</link>"
            f"<guid>{self.base}/{name}</guid><pubDate>{formatdate(usegmt=True)}</pubDate>"
            f"<description>{escape(title)}</description></item>"
            for name, title in reversed(shown)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Portwatch demo feed</title><link>{self.base}/</link>"
            f"<description>Sample coverage</description>{items}</channel></rss>"
        ).encode()


def demo_config(shipped: Path, feed_url: str, target: Path) -> Path:
    """A copy of ``shipped`` whose only feed is the demo feed, polled every 30 s."""
    shutil.copytree(shipped, target, dirs_exist_ok=True)
    (target / "feeds.yaml").write_text(
        "feeds:\n  - name: demo-harbour-gazette\n"
        f"    url: {feed_url}\n    every: 30s\n    language: en\n    tags: [demo]\n",
        encoding="utf-8",
    )
    return target


def demo_redis_url(url: str) -> str:
    """The same Redis server, database 15 (the demo's own)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/15", parts.query, ""))


def run_demo(settings: Settings, concurrency: int = 2) -> int:
    from pipeline.logs import configure_logging, get_logger
    from workers.service_runner import run_service

    configure_logging(settings.log_format)
    demo = DemoFeed().start()
    authority = demo.base.removeprefix("http://")
    # The demo feed is on loopback: allow exactly that host and port, nothing else.
    allowed = ",".join(filter(None, [os.environ.get("PORTWATCH_ALLOW_HOSTS", ""), authority]))
    os.environ["PORTWATCH_ALLOW_HOSTS"] = allowed
    folder = Path(tempfile.mkdtemp(prefix="portwatch-demo-"))
    config_dir = demo_config(settings.config_dir, f"{demo.base}/feed.xml", folder / "config")
    # A database of its own, emptied first, so the demo shows its alerts every time it runs.
    redis_url = demo_redis_url(settings.redis_url)
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    get_logger("portwatch.demo").info(
        "demo feed serving one more story per poll (every 30 s); watch for alerts below",
        feed=f"{demo.base}/feed.xml",
    )
    try:
        update = {"config_dir": config_dir, "redis_url": redis_url}
        return run_service(settings.model_copy(update=update), concurrency)
    finally:
        demo.stop()
        shutil.rmtree(folder, ignore_errors=True)
