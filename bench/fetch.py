"""Benchmark: pages per second fetched through the guarded client and extracted, on loopback.

    .venv/bin/python bench/fetch.py [--pages 100] [--warmup 10] [--plain] [--page-kb 60]

Serves generated article pages (about 60 kB each, mostly boilerplate as real pages are; gzip
unless --plain) from a local server, fetches each through
``GuardedClient`` and extracts it with ``extract_page``, then prints one JSON object: pages/s,
the time in fetching and in extraction, and extraction's share of the total. No network.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.extraction import Page, extract_page
from pipeline.fetching import FetchPolicy, GuardedClient
from tests.servers import LocalServer, send_bytes, send_gzip

PORTS = ["Calais", "Dunkirk", "Zeebrugge", "the Hook of Holland", "Ostend", "Cherbourg"]
PARAGRAPHS = [
    "Officials at {port} said security checks on freight lorries had been tightened again this "
    "week, with {n} extra officers posted to the terminal.",
    "About {a} people a night were trying to reach the terminal at {port}, against {b} at the peak "
    "of the summer, according to the operator.",
    "A new fence of {km} kilometres now runs along the approach road, and engineers plan to "
    "extend it further towards the harbour entrance.",
    "Police from both sides of the Channel will share a control room to target the gangs who "
    "charge people for crossings, the ministry said.",
    "Ministers expect smugglers to try other routes, and talks have begun with authorities "
    "responsible for ports further along the coast.",
]
BOILERPLATE = """
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/ports">Ports</a></nav>
<div class="cookie-consent">We use cookies. Accept all cookies?</div>
<aside class="related"><h2>Related</h2><ul>{links}</ul></aside>
<section id="comments"><div class="comment"><p>First! Rotterdam is next.</p></div></section>
<footer>Contact. Privacy policy. Terms.</footer>
"""


def filler(kilobytes: int) -> str:
    """Page weight that is not article: a state script and a wall of footer links."""
    if kilobytes <= 0:
        return ""
    half = kilobytes * 512
    script = "<script>window.__STATE__=" + json.dumps(["x" * 60] * (half // 66)) + ";</script>"
    links = "".join(f'<li><a href="/section/{j}">Section {j}</a></li>' for j in range(half // 44))
    return f'{script}<footer><ul class="site-map">{links}</ul></footer>'


def article_html(i: int, kilobytes: int = 0) -> bytes:
    port = PORTS[i % len(PORTS)]
    values = {"port": port, "n": 20 + i % 50, "a": 100 + i, "b": 2000 + i, "km": 1 + i % 4}
    paragraphs = "".join(
        f"<p>{PARAGRAPHS[(i + k) % len(PARAGRAPHS)].format(**values)}</p>" for k in range(8)
    )
    links = "".join(f'<li><a href="/story/{j}">Story {j}</a></li>' for j in range(i, i + 12))
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Checks tightened at {port} ({i})</title>"
        f'<link rel="canonical" href="https://news.example.org/story/{i}?utm_source=bench">'
        f'<meta property="article:published_time" content="2015-08-21T10:00:00+00:00"></head>'
        f"<body>{BOILERPLATE.format(links=links)}<article><h1>Checks tightened at {port}</h1>"
        f"{paragraphs}</article>{filler(kilobytes)}</body></html>"
    )
    return html.encode("utf-8")


def run(pages: int, warmup: int, compressed: bool, kilobytes: int) -> dict[str, object]:
    bodies = [article_html(i, kilobytes) for i in range(pages + warmup)]
    serve = send_gzip if compressed else send_bytes
    routes = {f"/story/{i}": serve(body) for i, body in enumerate(bodies)}
    fetch_seconds = extract_seconds = 0.0
    text_chars = 0
    with LocalServer(routes) as server:
        policy = FetchPolicy(allow_hosts=frozenset({server.authority}))
        with GuardedClient(policy) as client:
            for i in range(pages + warmup):
                started = time.perf_counter()
                result = client.get(server.url(f"/story/{i}"))
                fetched = time.perf_counter()
                article = extract_page(Page.from_fetch(result))
                done = time.perf_counter()
                if i >= warmup:  # imports and first-call caches are not throughput
                    fetch_seconds += fetched - started
                    extract_seconds += done - fetched
                    text_chars += len(article.text)
    total = fetch_seconds + extract_seconds
    return {
        "benchmark": "fetch+extract",
        "pages": pages,
        "gzip": compressed,
        "mean_page_bytes": round(sum(len(b) for b in bodies) / len(bodies)),
        "mean_text_chars": round(text_chars / pages),
        "seconds": round(total, 3),
        "pages_per_second": round(pages / total, 1),
        "fetch_seconds": round(fetch_seconds, 3),
        "extract_seconds": round(extract_seconds, 3),
        "extraction_share": round(extract_seconds / total, 3),
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--plain", action="store_true", help="serve uncompressed pages")
    parser.add_argument("--page-kb", type=int, default=60, help="page weight added as boilerplate")
    args = parser.parse_args()
    print(json.dumps(run(args.pages, args.warmup, not args.plain, args.page_kb)))


if __name__ == "__main__":
    main()
