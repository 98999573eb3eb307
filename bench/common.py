"""Shared helpers of the benchmarks: golden texts, realistic news pages, a private redis-server.

Every benchmark prints one JSON object on standard output and its progress on standard error;
it starts what it needs on loopback (``redis-server`` on a free port, local HTTP servers) and
stops it on exit. Nothing here reaches the internet.
"""

from __future__ import annotations

import html
import json
import math
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
import yaml

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "articles"
SHIPPED_CONFIG = REPO / "config"
LANGS = ("en", "fr", "nl")

__all__ = [
    "GOLDEN",
    "LANGS",
    "REPO",
    "SHIPPED_CONFIG",
    "GoldenArticle",
    "RedisServer",
    "Text",
    "boilerplate_sentences",
    "build_texts",
    "emit",
    "free_port",
    "load_golden",
    "log",
    "machine",
    "machine_busy_seconds",
    "median",
    "news_page",
    "percentile",
    "private_redis",
    "process_cpu_seconds",
    "start_redis",
    "stop_redis",
]


# --------------------------------------------------------------------------- output


def log(message: str) -> None:
    """Progress, on standard error (standard output holds only the result)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False), flush=True)


def machine() -> dict[str, Any]:
    """Python version and CPU, for the record."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "cpu": f"{model} ({os.cpu_count()} logical CPUs)",
        "revision": revision(),
        # Other work on the machine skews every number here: the 1/5/15-minute load averages
        # when the result was printed (this benchmark's own processes included).
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def revision() -> str:
    """The repository's commit, with "+dirty" when product files (outside bench/) are edited."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
            timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench"],
            cwd=REPO, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if status else "")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100): a value that was actually observed."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


# --------------------------------------------------------------------------- CPU accounting

_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def machine_busy_seconds() -> float:
    """CPU time spent by the whole machine (all CPUs, everything but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / _TICKS


# --------------------------------------------------------------------------- golden corpus


@dataclass(frozen=True)
class GoldenArticle:
    id: str
    lang: str
    title: str
    text: str
    relevant: bool
    ports: tuple[str, ...]

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(p.split()) for p in self.text.split("\n\n") if p.strip()]


def load_golden(directory: Path = GOLDEN) -> list[GoldenArticle]:
    articles = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        articles.append(
            GoldenArticle(
                id=str(data["id"]),
                lang=str(data["lang"]),
                title=str(data["title"]),
                text=str(data["text"]),
                relevant=bool(data.get("relevant")),
                ports=tuple(data.get("ports") or ()),
            )
        )
    return articles


@dataclass(frozen=True)
class Text:
    """A benchmark text: paragraphs of golden articles of one language."""

    title: str
    text: str
    lang: str

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


def build_texts(
    articles: Sequence[GoldenArticle], count: int, target_bytes: int = 5000, seed: int = 1
) -> list[Text]:
    """``count`` texts of about ``target_bytes`` UTF-8 bytes, languages interleaved en/fr/nl.

    Each text concatenates whole paragraphs of articles of one language, starting at a
    different article each time (and in a shuffled order), until it reaches the target.
    """
    rng = random.Random(seed)
    by_lang = {lang: [a for a in articles if a.lang == lang] for lang in LANGS}
    texts = []
    for i in range(count):
        lang = LANGS[i % len(LANGS)]
        pool = by_lang[lang]
        order = pool[(i // len(LANGS)) % len(pool) :] + pool[: (i // len(LANGS)) % len(pool)]
        head, rest = order[0], order[1:]
        rng.shuffle(rest)
        paragraphs: list[str] = []
        size = 0
        for article in [head, *rest]:
            for paragraph in article.paragraphs:
                if size >= target_bytes:
                    break
                paragraphs.append(paragraph)
                size += len(paragraph.encode("utf-8")) + 2
            if size >= target_bytes:
                break
        texts.append(Text(head.title, "\n\n".join(paragraphs), lang))
    return texts


# --------------------------------------------------------------------------- realistic pages

_SECTIONS = (
    "Home", "News", "UK", "World", "Europe", "Business", "Markets", "Politics", "Science",
    "Technology", "Health", "Education", "Environment", "Climate", "Transport", "Shipping",
    "Sport", "Football", "Cricket", "Culture", "Film", "Music", "Books", "Travel", "Food",
    "Opinion", "Letters", "Obituaries", "Weather", "Podcasts", "Video", "Puzzles",
)  # fmt: skip
_FOOTER = (
    "About us", "Contact us", "Complaints", "Corrections", "Careers", "Advertise with us",
    "Terms of service", "Privacy policy", "Cookie policy", "Cookie settings", "Accessibility",
    "Newsletters", "Subscriptions", "Archive", "Site map", "RSS feeds", "Help", "Syndication",
    "Digital edition", "Print edition", "Events", "Shop", "Jobs", "Dating", "Holidays",
)  # fmt: skip
#: Reader comments, as real pages have them: they name ports and figures that are not coverage.
COMMENTS = {
    "en": (
        "Rotterdam will be next, mark my words. I counted 40 lorries in the queue there last week.",
        "Why does nobody talk about Grimsby? Half the trailers there are never checked at all.",
        "My cousin drives for a haulier and says it takes 3 hours to get through Harwich now.",
        "Another £200 million on fences that will be cut within a week. Same old story.",
        "They said the same about Cherbourg five years ago and nothing changed.",
        "Great reporting, thank you. Please follow up on what happens in Esbjerg.",
    ),
    "fr": (
        "Et Le Havre alors ? On y voit 30 camions par nuit sans le moindre contrôle.",
        "Encore 150 millions d'euros pour des grillages, c'est de l'argent jeté par les fenêtres.",
        "J'habite à Dieppe, la situation est la même depuis des années.",
        "Merci pour cet article, il faudrait aussi parler de Saint-Malo.",
        "Les chauffeurs attendent parfois 5 heures au port, personne n'en parle.",
        "Article très complet, bravo à la rédaction.",
    ),
    "nl": (
        "En Vlissingen dan? Daar staan elke nacht 25 vrachtwagens zonder controle.",
        "Weer 80 miljoen euro voor hekken, dat lost niets op.",
        "Ik woon in Terneuzen en zie dit al jaren gebeuren.",
        "Goed artikel, maar vergeet Eemshaven niet.",
        "Chauffeurs wachten soms 4 uur in de haven, daar hoor je niemand over.",
        "Dank voor dit stuk, heel informatief.",
    ),
}
_SPONSORED = (
    "Sponsored: Book your ferry to Santander from £59 each way, cabins included. Limited offer.",
    "Partner content: Why logistics firms are moving their hubs to Antwerp and Bremerhaven.",
)
_COOKIE = (
    "We and our 842 partners use cookies and similar technologies to store and access "
    "information on your device, to personalise content and ads, and to measure audiences. "
    "You can accept all, reject all or choose which purposes you allow."
)
_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-XXXXXXX',{anonymize_ip:true});"
    "(function(w,d,s){var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;"
    "j.src='/static/js/ads.js?v=20240611';f.parentNode.insertBefore(j,f);})(window,document,'script');"
)
_CSS = (
    "body{font-family:Georgia,serif;margin:0;color:#121212}.site-header{background:#052962;"
    "color:#fff}.main-nav ul{display:flex;flex-wrap:wrap;list-style:none}.story-body p{line-height"
    ":1.6;font-size:1.1rem}.comments{border-top:1px solid #ddd}.related li{margin:.5rem 0}"
    ".cookie-consent{position:fixed;bottom:0;background:#fff;padding:1rem}.ad-slot{min-height:250px}"
)


def _links(prefix: str, names: Sequence[str]) -> str:
    return "".join(
        f'<li><a href="{prefix}/{name.lower().replace(" ", "-")}">{html.escape(name)}</a></li>'
        for name in names
    )


def news_page(
    title: str,
    text: str,
    lang: str,
    url: str,
    related: Sequence[tuple[str, str, str]] = (),
    *,
    index: int = 0,
) -> bytes:
    """A news page as real sites serve it: the story inside a lot of chrome (about 15–30 kB).

    Head metadata and JSON-LD, a cookie banner, header navigation, breadcrumb, byline, share
    buttons, an inline "read more" box, an advert slot, tags, a newsletter box, a reader comments
    section (naming other ports and figures), related and most-read link lists (headlines of
    other stories), sponsored content, and a footer site map. ``related`` holds (title,
    standfirst, url) of other stories.
    """
    rng = random.Random(index)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    escaped = [html.escape(" ".join(p.split())) for p in paragraphs]
    inline = related[0] if related else ("More on this story", "", "/news")
    body_parts = []
    for k, paragraph in enumerate(escaped):
        body_parts.append(f"<p>{paragraph}</p>")
        if k == 1:
            body_parts.append(
                f'<aside class="inline-related"><strong>Read more:</strong> '
                f'<a href="{html.escape(inline[2])}">{html.escape(inline[0])}</a></aside>'
            )
        if k == 3:
            body_parts.append('<div class="ad-slot" id="ad-mid-1"><span>Advertisement</span></div>')
    comments = COMMENTS.get(lang, COMMENTS["en"])
    comment_html = "".join(
        f'<div class="comment" id="c{index}-{k}"><p class="comment-author">reader{rng.randint(10, 9999)}'
        f'</p><time datetime="2024-06-1{k}T0{k}:15:00Z">{k + 1} hours ago</time>'
        f"<p>{html.escape(comment)}</p><button>Reply</button> <button>Report</button></div>"
        for k, comment in enumerate(comments)
    )
    related_html = "".join(
        f'<li><a href="{html.escape(link)}"><img src="/img/{k}.jpg" alt="">'
        f"<span>{html.escape(other)}</span></a><p>{html.escape(standfirst)}</p></li>"
        for k, (other, standfirst, link) in enumerate(related[1:9])
    )
    most_read = "".join(
        f'<li><a href="{html.escape(link)}">{html.escape(other)}</a></li>'
        for other, _, link in related[9:19]
    )
    tags = _links("/tag", ["Migration", "Ports", "Border security", "Shipping", "Europe"])
    first = html.escape(paragraphs[0][:200]) if paragraphs else ""
    escaped_title = html.escape(title)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": "2024-06-11T09:30:00+00:00",
            "dateModified": "2024-06-11T11:02:00+00:00",
            "author": [{"@type": "Person", "name": "Staff reporter"}],
            "publisher": {"@type": "Organization", "name": "The Coast Courier"},
            "mainEntityOfPage": url,
        },
        ensure_ascii=False,
    )
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escaped_title} | The Coast Courier</title>
<meta name="description" content="{first}">
<link rel="canonical" href="{html.escape(url)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escaped_title}">
<meta property="og:url" content="{html.escape(url)}">
<meta property="og:image" content="https://static.example.org/img/{index}.jpg">
<meta property="og:site_name" content="The Coast Courier">
<meta property="article:published_time" content="2024-06-11T09:30:00+00:00">
<meta name="twitter:card" content="summary_large_image">
<link rel="stylesheet" href="/static/css/main.css?v=20240611">
<link rel="preload" href="/static/fonts/serif.woff2" as="font" crossorigin>
<style>{_CSS}</style>
<script type="application/ld+json">{ld}</script>
<script>{_SCRIPT}</script>
</head>
<body class="article-page">
<div id="cookie-banner" class="cookie-consent" role="dialog"><p>{_COOKIE}</p>
<button id="accept-all">Accept all</button> <button id="reject-all">Reject all</button>
<a href="/cookies">Manage preferences</a></div>
<header class="site-header"><a class="logo" href="/">The Coast Courier</a>
<nav class="main-nav" aria-label="Sections"><ul>{_links("", _SECTIONS)}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form>
<a class="subscribe" href="/subscribe">Subscribe from £1 a week</a></header>
<nav class="breadcrumb"><a href="/">Home</a> › <a href="/world">World</a> › <a href="/world/europe">Europe</a></nav>
<main id="content">
<article class="story">
<header class="story-header"><h1>{escaped_title}</h1>
<p class="byline">By <a href="/profile/staff-reporter">Staff reporter</a></p>
<time datetime="2024-06-11T09:30:00+00:00">Tue 11 Jun 2024 09.30 BST</time>
<div class="share"><a href="/share/facebook">Share on Facebook</a> <a href="/share/x">Share on X</a>
<a href="/share/email">Share by email</a> <button class="copy-link">Copy link</button></div></header>
<figure class="lead-image"><img src="https://static.example.org/img/{index}.jpg" alt="Lorries queue at the freight terminal" width="1200" height="675">
<figcaption>Lorries queue at the freight terminal. Photograph: Agency</figcaption></figure>
<div class="story-body">
{"".join(body_parts)}
</div>
<div class="tags"><h2>Topics</h2><ul>{tags}</ul></div>
</article>
<aside class="newsletter"><h2>Sign up to First Edition</h2><p>Our morning email breaks down the key
stories of the day, telling you what's happening and why it matters.</p>
<form action="/newsletters/signup"><input type="email" name="email"><button>Sign up</button></form></aside>
<section class="comments" id="comments"><h2>Comments ({len(comments)})</h2>
<p class="comment-rules">Comments are moderated. Please read our community standards.</p>
{comment_html}</section>
<aside class="related"><h2>Related stories</h2><ul>{related_html}</ul></aside>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>
<div class="sponsored"><p>{html.escape(_SPONSORED[index % 2])}</p></div>
</main>
<footer class="site-footer"><ul class="footer-links">{_links("/info", _FOOTER)}</ul>
<ul class="site-map">{_links("/section", [f"{s} {t}" for s in _SECTIONS[:16] for t in ("news", "archive")])}</ul>
<p>© 2024 The Coast Courier Ltd. All rights reserved. Registered in England and Wales No. 908396.
Registered office: 1 Harbour Street, London.</p></footer>
<script src="/static/js/main.js?v=20240611" defer></script>
<script>window.__CONFIG__={{"page":"article","section":"world","id":{index},"ads":true,"paywall":false}};</script>
</body>
</html>
"""
    return page.encode("utf-8")


def boilerplate_sentences(lang: str) -> list[str]:
    """Sentences that ``news_page`` puts outside the story (finding one in extracted text is a leak)."""
    return [*COMMENTS.get(lang, COMMENTS["en"]), *_SPONSORED, _COOKIE[:80]]


# --------------------------------------------------------------------------- redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]
    directory: Path

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port)


def start_redis(directory: Path, *, aof: bool = False) -> RedisServer:
    """A redis-server on a free loopback port: no RDB snapshots, AOF only when asked."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    args = [
        binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory),
        "--maxmemory-policy", "noeviction", "--appendonly", "yes" if aof else "no",
        "--appendfsync", "everysec", "--protected-mode", "yes",
    ]  # fmt: skip
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    try:
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    process.kill()
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
    finally:
        client.close()
    return RedisServer(port, process, directory)


def stop_redis(server: RedisServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def private_redis(*, aof: bool = False) -> Iterator[RedisServer]:
    """A redis-server of this benchmark's own, in a temporary folder removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="portwatch-bench-redis-"))
    server = start_redis(folder, aof=aof)
    log(f"redis-server on 127.0.0.1:{server.port} (aof={'on' if aof else 'off'})")
    try:
        yield server
    finally:
        stop_redis(server)
        shutil.rmtree(folder, ignore_errors=True)
