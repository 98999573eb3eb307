"""Benchmark: the whole service end to end — alert latency, sustained throughput, worker memory.

    .venv/bin/python bench/e2e.py [--quick] [--trials 20] [--articles 200]

Real parts on loopback: a redis-server (AOF everysec, as in production), a local site serving
an RSS feed and news pages (golden-corpus texts inside realistic page chrome), a local Slack
webhook receiver, and a Celery worker started as tests/harness.py does (``celery -A
workers.app worker``, prefork pool of 2 processes on this 2-core machine) on a copy of
``config/`` whose only feed is the local one and whose only channel is the local Slack.

1. Seed: the feed's first poll (items on it seed the state; no alerts by default).
2. Latency: publish an article naming a port never seen before, send ``portwatch.poll_feed``
   (t0) and wait for the Slack POST announcing ``New port: <port>``; once per trial, each
   with a new port, spaced so the channel's rate limit (1 message/s) is not what is measured.
   The latency of a real feed change adds the wait until the next poll (the feed's interval).
3. Throughput: publish N articles at once, poll, and time until every one is processed
   (``pipeline.store.item_key(story_key(url))`` is ``done``). In this process, time bare
   ``extract_article`` over the same page bytes, just before the batch and just after it (the
   median of all passes): the ratio is pipeline/bare articles/s.
4. Peak worker memory: RSS of the worker's main process plus its pool children, sampled every
   0.1 s through the run (``/proc/PID/status``), and each process's VmHWM.

Issue targets: latency p95 ≤ 5 s (beyond the poll interval); pipeline/bare ratio ≥ 0.6.
Prints one JSON object; progress goes to standard error.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis

from bench.common import (
    COMMENTS,
    SHIPPED_CONFIG,
    GoldenArticle,
    Text,
    build_texts,
    emit,
    load_golden,
    log,
    machine,
    machine_busy_seconds,
    median,
    news_page,
    percentile,
    private_redis,
    process_cpu_seconds,
)
from pipeline.assessment import Assessor
from pipeline.config import PortwatchConfig, load_config_or_raise
from pipeline.extraction import extract_article
from pipeline.store import item_key
from pipeline.urls import story_key
from tests.harness import children_of, client_app, portwatch_env, start_worker, stop
from tests.servers import Exchange, LocalServer, RecordingReceiver

TARGET_P95_SECONDS = 5.0
TARGET_RATIO = 0.6
WORKERS = 2
FEED = "bench-gazette"
WATCHLIST = "channel-north-sea"
#: Seconds between latency trials: the Slack channel allows 1 message/s (burst 5).
TRIAL_SPACING = 1.2

#: An article that names one port and no figure: exactly one new-port alert.
LATENCY_TEXT = (
    "Border Force officers and police stepped up checks on lorries at the port of {port} this "
    "week after migrants were found hiding in trailers bound for Britain. Officials warned that "
    "people smugglers are moving their operations to {port} as security tightens elsewhere on "
    "the coast.\n\n"
    "A spokesman said smuggling gangs test every weak point of the freight terminals and that "
    "stowaways risk their lives in refrigerated trailers. Hauliers were asked to check their "
    "vehicles before boarding the ferries. Filed by the {desk} desk."
)
DESKS = ("harbour", "coast", "borders", "freight", "ferries", "night", "weekend", "regional")


# --------------------------------------------------------------------------- the local site


@dataclass
class Story:
    path: str
    title: str
    summary: str
    page: bytes


@dataclass
class Site:
    """An RSS feed (newest first, ETag validators) and its article pages, on 127.0.0.1."""

    stories: list[Story] = field(default_factory=list)
    pages: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: LocalServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = LocalServer(fallback=self._page)
        self.server.route("/feed.xml", self._feed)

    def url(self, path: str) -> str:
        return self.server.url(path)

    def publish(self, stories: Sequence[Story]) -> None:
        with self.lock:
            for story in stories:
                self.pages[story.path] = story.page
            self.stories.extend(stories)

    def feed_bytes(self) -> bytes:
        with self.lock:
            stories = list(reversed(self.stories))
        date = formatdate(usegmt=True)
        items = "".join(
            f"<item><title>{escape(s.title)}</title><link>{self.url(s.path)}</link>"
            f'<guid isPermaLink="true">{self.url(s.path)}</guid><pubDate>{date}</pubDate>'
            f"<description>{escape(s.summary)}</description></item>"
            for s in stories
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench Gazette</title><link>{self.url('/')}</link>"
            f"<description>Benchmark feed</description>{items}</channel></rss>"
        ).encode()

    def _feed(self, exchange: Exchange) -> None:
        body = self.feed_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if exchange.request.headers.get("if-none-match") == etag:
            exchange.start(304, {"ETag": etag, "Content-Length": "0"})
            return
        exchange.respond(200, body, {"ETag": etag}, "application/rss+xml; charset=utf-8")

    def _page(self, exchange: Exchange) -> None:
        page = self.pages.get(exchange.request.path.split("?")[0])
        if page is None:
            exchange.respond(404, b"not found")
        else:
            exchange.respond(200, page, None, "text/html; charset=utf-8")


def related(golden: Sequence[GoldenArticle], i: int) -> list[tuple[str, str, str]]:
    picked = [golden[(i * 7 + k) % len(golden)] for k in range(1, 20)]
    return [(a.title, a.paragraphs[0][:160], f"/story/{a.id}") for a in picked]


def make_story(
    site: Site, path: str, title: str, text: str, lang: str, golden: Sequence[GoldenArticle], i: int
) -> Story:
    page = news_page(title, text, lang, site.url(path), related(golden, i), index=i)
    summary = " ".join(text.split())[:200]
    return Story(path, title, summary, page)


# --------------------------------------------------------------------------- worker memory


class CpuMeter:
    """CPU seconds used, from now on, by the worker (main + pool), redis-server, this process,
    and everything else on the machine (``other``: load that is not this benchmark)."""

    def __init__(self, worker: int, redis_pid: int) -> None:
        self.worker = worker
        self.redis_pid = redis_pid
        self.start = self._now()

    def _now(self) -> dict[str, float]:
        times = os.times()
        return {
            "worker": sum(process_cpu_seconds(p) for p in [self.worker, *children_of(self.worker)]),
            "redis": process_cpu_seconds(self.redis_pid),
            "bench": times.user + times.system,
            "machine": machine_busy_seconds(),
        }

    def read(self) -> dict[str, float]:
        now = self._now()
        used = {k: now[k] - self.start[k] for k in now}
        used["other"] = max(0.0, used["machine"] - used["worker"] - used["redis"] - used["bench"])
        return used


def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (forked from the main process) counted once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class MemorySampler(threading.Thread):
    """Samples the RSS of a worker and its pool processes every ``interval`` seconds
    (and their PSS every fifth sample: reading smaps costs more)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.samples = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.interval)

    def sample(self) -> None:
        pids = [self.pid, *children_of(self.pid)]
        self.peak_kb = max(self.peak_kb, sum(rss_kb(p) for p in pids))
        if self.samples % 5 == 0:
            self.peak_pss_kb = max(self.peak_pss_kb, sum(pss_kb(p) for p in pids))
        for pid in pids:
            self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), rss_kb(pid, "VmHWM"))
        self.samples += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        self.sample()


# --------------------------------------------------------------------------- helpers


def write_config(folder: Path, feed_url: str) -> Path:
    config = folder / "config"
    shutil.copytree(SHIPPED_CONFIG, config)
    (config / "feeds.yaml").write_text(
        f"feeds:\n  - name: {FEED}\n    url: {feed_url}\n    every: 1h\n    language: en\n",
        encoding="utf-8",
    )
    (config / "channels.yaml").write_text(
        "channels:\n  bench-slack:\n    kind: slack\n    webhook_url_env: PW_BENCH_SLACK\n",
        encoding="utf-8",
    )
    return config


def fresh_ports(config: PortwatchConfig, golden: Sequence[GoldenArticle], count: int) -> list[str]:
    """Ports that LATENCY_TEXT makes exactly one new-port finding for (checked by assessing)."""
    watch = next(w for w in config.watchlists if w.name == WATCHLIST)
    named = {p for a in golden for p in a.ports}
    named |= {
        p.name for p in config.ports if any(p.name in c for cs in COMMENTS.values() for c in cs)
    }
    assessor = Assessor.from_config(config)
    ports = []
    for entry in config.ports:
        name = entry.name
        if (
            entry.country not in watch.port_countries
            or name in watch.baseline_ports
            or entry.needs_context
            or name in named
        ):
            continue
        text = LATENCY_TEXT.format(port=name, desk="harbour")
        result = assessor.assess(text, f"Smugglers shift to {name} as checks tighten", "en")
        if result.ports == (name,) and not result.figures and result.watchlists == (WATCHLIST,):
            ports.append(name)
        if len(ports) == count:
            return ports
    raise RuntimeError(f"only {len(ports)} ports usable for latency trials, {count} needed")


def batch_texts(golden: Sequence[GoldenArticle], count: int, text_bytes: int) -> list[Text]:
    """The throughput batch: golden articles as written (shuffled; beyond 102, syndicated
    copies under new URLs), or ~``text_bytes`` texts of golden paragraphs when positive."""
    if text_bytes > 0:
        return build_texts(golden, count, target_bytes=text_bytes, seed=5)
    order = list(golden)
    random.Random(5).shuffle(order)
    return [Text(a.title, a.text, a.lang) for a in (order[i % len(order)] for i in range(count))]


def wait_until(predicate: Any, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def all_done(client: redis.Redis, keys: Sequence[str]) -> bool:
    return all(v == b"done" for v in client.mget(keys))


def command_calls(after: dict[str, Any], before: dict[str, Any]) -> dict[str, int]:
    """Redis commands run between two ``INFO commandstats`` readings, by command."""
    calls = {}
    for key, stats in after.items():
        name = key.removeprefix("cmdstat_")
        done = int(stats["calls"]) - int(before.get(key, {}).get("calls", 0))
        if done:
            calls[name] = done
    return calls


@dataclass
class BareRun:
    rates: list[float]  # articles/s of each pass
    cpu: list[float]  # CPU seconds per article of each pass
    other: float  # CPU seconds used by the rest of the machine meanwhile


def bare_extraction(pages: Sequence[tuple[str, bytes]], seconds: float = 1.5) -> BareRun:
    """Time ``extract_article`` alone over ``pages``, in this process: passes for ``seconds``."""
    for url, page in pages[:5]:
        extract_article(page, url, url)
    run = BareRun([], [], 0.0)
    spent = 0.0
    busy = machine_busy_seconds()
    while len(run.rates) < 2 or spent < seconds:  # several passes: one short pass is noisy
        started, cpu_started = time.perf_counter(), time.process_time()
        for url, page in pages:
            extract_article(page, url, url)
        elapsed = time.perf_counter() - started
        run.cpu.append((time.process_time() - cpu_started) / len(pages))
        run.rates.append(len(pages) / elapsed)
        spent += elapsed
    run.other = max(0.0, machine_busy_seconds() - busy - sum(run.cpu) * len(pages))
    log(f"bare extraction: {median(run.rates):.1f} articles/s")
    return run


def wait_ready(log_path: Path, timeout: float = 60.0) -> None:
    if not wait_until(lambda: b" ready" in log_path.read_bytes(), timeout, 0.1):
        raise RuntimeError(f"worker not ready after {timeout:.0f}s; see {log_path}")


# --------------------------------------------------------------------------- the run


def run(trials: int, articles: int, text_bytes: int, keep: bool = False) -> dict[str, Any]:
    golden = load_golden()
    config_shipped = load_config_or_raise(SHIPPED_CONFIG)
    warmups = 2
    ports = fresh_ports(config_shipped, golden, trials + warmups)
    folder = Path(tempfile.mkdtemp(prefix="portwatch-bench-e2e-"))
    site = Site()
    slack = RecordingReceiver()
    try:
        return measure(site, slack, folder, golden, config_shipped, ports, warmups, articles,
                       text_bytes, keep)  # fmt: skip
    except BaseException:
        log(f"failed; the worker log and configuration are kept in {folder}")
        raise


def measure(
    site: Site, slack: RecordingReceiver, folder: Path, golden: Sequence[GoldenArticle],
    config_shipped: PortwatchConfig, ports: Sequence[str], warmups: int, articles: int,
    text_bytes: int, keep: bool,
) -> dict[str, Any]:  # fmt: skip
    assessor = Assessor.from_config(config_shipped)
    with private_redis(aof=True) as redis_server, site.server, slack:
        client = redis_server.client()
        config_dir = write_config(folder, site.url("/feed.xml"))
        env = portwatch_env(
            redis_server.url(0), config_dir, allow_hosts=site.server.authority,
            PW_BENCH_SLACK=slack.webhook_url, PORTWATCH_RETRY_BASE="2.0",
            PORTWATCH_LOG_FORMAT="json",
        )  # fmt: skip
        app = client_app(redis_server.url(0))
        worker_log = folder / "worker.log"
        worker = start_worker(env, worker_log, concurrency=WORKERS)
        sampler = MemorySampler(worker.pid)
        sampler.start()
        try:
            wait_ready(worker_log)
            log(f"worker ready (pid {worker.pid}, {WORKERS} pool processes); log {worker_log}")

            # 1. Seed: the feed's first poll.
            seeds = [a for a in golden if a.lang == "en"][:6]
            site.publish([
                make_story(site, f"/news/seed-{i}", a.title, a.text, a.lang, golden, i)
                for i, a in enumerate(seeds)
            ])  # fmt: skip
            seed_keys = [item_key(story_key(site.url(s.path))) for s in site.stories]
            app.send_task("portwatch.poll_feed", args=[FEED])
            if not wait_until(lambda: all_done(client, seed_keys), 120):
                raise RuntimeError("seed articles not processed within 120 s")
            log(f"seeded with {len(seeds)} articles")

            # 2. Latency.
            latencies, processed_at, missed = latency_trials(
                site, slack, client, app, golden, ports, warmups
            )
            # 3. Throughput.
            texts = batch_texts(golden, articles, text_bytes)
            batch = [
                make_story(site, f"/news/2024/06/11/story-{i}", t.title, t.text, t.lang, golden, i)
                for i, t in enumerate(texts)
            ]
            keys = [item_key(story_key(site.url(s.path))) for s in batch]
            # The machine's speed drifts (a shared VM): time bare extraction on both sides of
            # the batch, so the ratio does not depend on which side was luckier.
            before = bare_extraction([(site.url(s.path), s.page) for s in batch])
            site.publish(batch)
            sent_before = len(slack.requests)
            findings_before = sum(1 for _ in client.scan_iter("pw:finding:*", count=1000))
            commands_before = client.info("commandstats")
            cpu = CpuMeter(worker.pid, redis_server.process.pid)
            started = time.monotonic()
            app.send_task("portwatch.poll_feed", args=[FEED])
            finished = wait_until(lambda: all_done(client, keys), 600, 0.05)
            pipeline_seconds = time.monotonic() - started
            cpu_used = cpu.read()
            redis_calls = command_calls(client.info("commandstats"), commands_before)
            if not finished:
                raise RuntimeError(f"{articles} articles not processed within 600 s")
            log(f"pipeline: {articles} articles in {pipeline_seconds:.1f}s "
                f"({articles / pipeline_seconds:.1f}/s)")  # fmt: skip
            # Alerts go on after the last article: until every finding is sent or digested.
            drained = wait_until(lambda: client.zcard("pw:pending") == 0, 120, 0.05)
            drain_seconds = time.monotonic() - started if drained else None
            time.sleep(0.5)
            sampler.stop()
            slack_during = len(slack.requests) - sent_before
            findings_during = (
                sum(1 for _ in client.scan_iter("pw:finding:*", count=1000)) - findings_before
            )
        finally:
            if sampler.is_alive():
                sampler.stop()
            stop(worker)
        pending = int(client.zcard("pw:pending"))
        quarantined = int(client.llen("pw:quarantine"))
        client.close()

    # 4. Bare extraction of the same pages, in this process: half before the batch, half after.
    after = bare_extraction([(site.url(s.path), s.page) for s in batch])
    bare = BareRun(before.rates + after.rates, before.cpu + after.cpu, before.other + after.other)
    bare_rate = median(bare.rates)
    pipeline_rate = articles / pipeline_seconds
    log(f"bare extraction: {bare_rate:.1f} articles/s")

    # Coverage check: a port named only in comments or adverts must never alert.
    texts_published = (
        [LATENCY_TEXT.format(port=p, desk="") for p in ports]
        + [t.text for t in texts]
        + [a.text for a in seeds]
    )
    named = {m.name for t in texts_published for m in assessor.gazetteer.find(t)}
    boilerplate_only = {
        m.name for cs in COMMENTS.values() for c in cs for m in assessor.gazetteer.find(c)
    } - named
    messages = [str(b.get("text", "")) for b in slack.bodies()]
    leaked = sorted({p for p in boilerplate_only for m in messages if f"New port: {p}" in m})
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    ratio = pipeline_rate / bare_rate
    if keep:
        log(f"kept {folder} (worker log, configuration)")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "benchmark": "e2e",
        "latency_p50_s": round(p50, 3),
        "latency_p95_s": round(p95, 3),
        "latency_max_s": round(max(latencies), 3) if latencies else None,
        "latency_poll_to_processed_p50_s": round(median(processed_at), 3),
        "samples": len(latencies),
        "latency_missed": missed,
        "latency_measured_from": "portwatch.poll_feed sent (the poll interval comes on top)",
        "pipeline_articles_per_s": round(pipeline_rate, 2),
        "bare_extract_articles_per_s": round(bare_rate, 2),
        "bare_extract_passes_articles_per_s": [round(r, 1) for r in bare.rates],
        "bare_extract_passes_before_batch": len(before.rates),
        "ratio": round(ratio, 3),
        "ratio_per_core": round(ratio / WORKERS, 3),
        # CPU time, less sensitive to other load on the machine than wall-clock rates.
        "pipeline_worker_cpu_ms_per_article": round(1000 * cpu_used["worker"] / articles, 2),
        "pipeline_redis_cpu_ms_per_article": round(1000 * cpu_used["redis"] / articles, 2),
        "redis_commands_per_article": round(sum(redis_calls.values()) / articles, 1),
        "redis_commands_per_article_top": {
            name: round(calls / articles, 1)
            for name, calls in sorted(redis_calls.items(), key=lambda kv: -kv[1])[:12]
        },
        "bare_extract_cpu_ms_per_article": round(1000 * median(bare.cpu), 2),
        "ratio_from_cpu_time": round(
            WORKERS / ((cpu_used["worker"] + cpu_used["redis"]) / articles) * median(bare.cpu), 3
        ),
        "other_cpu_s_during_throughput": round(cpu_used["other"], 2),
        # This process serves the feed and the pages and polls Redis: load a real site is spared.
        "bench_process_cpu_s_during_throughput": round(cpu_used["bench"], 2),
        "other_cpu_s_during_bare_extract": round(bare.other, 2),
        "throughput_articles": articles,
        "throughput_seconds": round(pipeline_seconds, 2),
        "throughput_seconds_until_alerts_delivered": (
            round(drain_seconds, 2) if drain_seconds is not None else None
        ),
        "text_bytes_mean": round(sum(t.size for t in texts) / len(texts)),
        "html_bytes_mean": round(sum(len(s.page) for s in batch) / len(batch)),
        "texts": "golden articles as written"
        if text_bytes <= 0
        else f"~{text_bytes} B of golden paragraphs",
        "findings_during_throughput": findings_during,
        "slack_posts_during_throughput": slack_during,
        "slack_posts_total": len(slack.requests),
        "alerts_for_ports_only_in_comments": leaked,
        "pending_after": pending,
        "quarantined": quarantined,
        "peak_worker_rss_mb": round(sampler.peak_kb / 1024, 1),
        "peak_worker_pss_mb": round(sampler.peak_pss_kb / 1024, 1),
        "worker_vmhwm_mb": {str(pid): round(kb / 1024, 1) for pid, kb in sampler.hwm_kb.items()},
        "memory_samples": sampler.samples,
        "workers": f"1 celery worker, prefork pool of {WORKERS} processes, on {machine()['cpu']}",
        "redis": "redis-server with AOF everysec (production setting), loopback",
        "targets": {"latency_p95_s": f"<= {TARGET_P95_SECONDS}", "ratio": f">= {TARGET_RATIO}"},
        "meets_targets": bool(latencies) and p95 <= TARGET_P95_SECONDS and ratio >= TARGET_RATIO,
        **machine(),
    }


def latency_trials(
    site: Site,
    slack: RecordingReceiver,
    client: redis.Redis,
    app: Any,
    golden: Sequence[GoldenArticle],
    ports: Sequence[str],
    warmups: int,
) -> tuple[list[float], list[float], int]:
    """Seconds from sending the poll to the Slack POST, and to the article processed."""
    latencies: list[float] = []
    processed: list[float] = []
    missed = 0
    rng = random.Random(3)
    for n, port in enumerate(ports):
        path = f"/news/latency-{n}"
        text = LATENCY_TEXT.format(port=port, desk=rng.choice(DESKS))
        title = f"Smugglers shift to {port} as checks tighten"
        site.publish([make_story(site, path, title, text, "en", golden, 1000 + n)])
        key = item_key(story_key(site.url(path)))
        wanted = f"New port: {port} "
        seen = len(slack.requests)
        started = time.monotonic()
        app.send_task("portwatch.poll_feed", args=[FEED])
        done_at: float | None = None
        alert_at: float | None = None
        while alert_at is None and time.monotonic() - started < 30:
            if done_at is None and client.get(key) == b"done":
                done_at = time.monotonic()
            for request in slack.requests[seen:]:
                if wanted in request.body.decode("utf-8", "replace"):
                    alert_at = request.at
                    break
            time.sleep(0.01)
        if alert_at is None:
            missed += 1
            log(f"trial {n}: no alert for {port} within 30 s")
            continue
        latency = alert_at - started
        if n >= warmups:
            latencies.append(latency)
            if done_at is not None:
                processed.append(done_at - started)
        log(f"trial {n}{' (warm-up)' if n < warmups else ''}: {port} alerted in {latency:.3f}s")
        time.sleep(max(0.0, TRIAL_SPACING - (time.monotonic() - started)))
    return latencies, processed, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 trials, 50 articles")
    parser.add_argument("--trials", type=int, help="latency trials (default 20, quick 8)")
    parser.add_argument("--articles", type=int, help="throughput articles (default 200, quick 50)")
    parser.add_argument(
        "--text-bytes", type=int, default=0,
        help="throughput texts of ~N bytes of golden paragraphs (default 0: golden articles as written)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the worker log and config")
    args = parser.parse_args()
    trials = args.trials or (8 if args.quick else 20)
    articles = args.articles or (50 if args.quick else 200)
    emit(run(trials, articles, args.text_bytes, args.keep))


if __name__ == "__main__":
    main()
