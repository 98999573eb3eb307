"""Benchmark: novelty on a real redis-server — findings/s, and Redis memory per remembered article.

    .venv/bin/python bench/novelty.py [--quick] [--articles 2000] [--remember 100000]

Part 1, throughput. Synthetic relevant articles (sentences naming random ports of the gazetteer
with random figures, plus paragraphs of relevant golden articles, each text distinct) are
assessed for real by ``Assessor`` beforehand (not timed), then each goes through
``pipeline.discovery.discover`` — story clustering (MinHash + LSH bands), new ports, new and
changed figures — and ``Store.record_findings``, as ``Service.process`` does. Reports articles/s
and findings/s, findings by kind, Redis commands per article, and the MinHash share of the time.

Part 2, memory. Remembers N articles (default 100 000, quick 10 000) the way the service does
for each relevant article: ``Store.claim_article``, ``discover`` (``Store.cluster_for`` with the
real MinHash bands of a distinct synthetic text, ``Store.add_to_story``, port and fact updates
through ``Store.update_fields``), ``Store.finish_article``; assessments are the Part 1 ones,
reused. Several client processes share the work (the service runs several workers). Reports
the ``used_memory`` delta (INFO memory) per article and a breakdown by key family from
``MEMORY USAGE``. Issue target: ≤ 1 KB per remembered article.

redis-server runs without persistence on a free loopback port. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis

from bench.common import (
    SHIPPED_CONFIG,
    GoldenArticle,
    emit,
    load_golden,
    log,
    machine,
    private_redis,
)
from pipeline.assessment import Assessment, Assessor
from pipeline.clustering import DEFAULT_CLUSTER_POLICY, story_signature
from pipeline.config import PortwatchConfig, load_config_or_raise
from pipeline.discovery import ArticleSeen, _cluster, discover
from pipeline.findings import ArticleRef
from pipeline.store import Store
from pipeline.urls import story_key

TARGET_BYTES_PER_ARTICLE = 1024

#: Sentences with a port and a figure each, in the way coverage words them.
TEMPLATES = (
    "Police at the port of {port} found {n} migrants hiding in lorries on {day}.",
    "About {n} people a night try to climb into trucks near the ferry terminal at {port}, officials said.",
    "The government will spend £{m} million on new fences and cameras at {port}.",
    "Smuggling gangs charge up to {k} euros for a place in a lorry bound for {port}, a prosecutor said.",
    "Border officers at {port} stopped {n} crossing attempts last month, up from {n2} a year earlier.",
    "A fence of {km} kilometres now surrounds the freight area at {port}.",
    "{n} officers have been sent to reinforce patrols in the harbour of {port}.",
    "Smugglers are expected to move their operations to {port}, where checks on lorries are lighter, border police warned.",
    "Coastguards rescued {n} people from a small boat off {port} after it got into difficulty.",
    "Stowaways were found in {n} trailers at {port} during a week of joint checks.",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTLETS = tuple(f"outlet-{i:02d}" for i in range(40))


@dataclass(frozen=True)
class Sample:
    url: str
    title: str
    text: str
    outlet: str
    assessment: Assessment


def watched_ports(config: PortwatchConfig) -> list[str]:
    """Gazetteer ports that some watch-list counts (its countries), that need no context."""
    countries = {c for w in config.watchlists for c in w.port_countries}
    return [p.name for p in config.ports if p.country in countries and not p.needs_context]


def synthetic_text(
    rng: random.Random, ports: Sequence[str], golden: Sequence[GoldenArticle]
) -> str:
    sentences = []
    for template in rng.sample(TEMPLATES, 4):
        sentences.append(
            template.format(
                port=rng.choice(ports),
                n=rng.randint(12, 2400),
                n2=rng.randint(12, 2400),
                m=rng.randint(2, 90),
                k=rng.choice((500, 1500, 3000, 4500, 6000, 8000)),
                km=rng.randint(2, 40),
                day=rng.choice(DAYS),
            )
        )
    story = rng.choice(golden)
    paragraphs = rng.sample(story.paragraphs, min(2, len(story.paragraphs)))
    lead = " ".join(sentences[:2])
    return "\n\n".join([lead, *paragraphs, " ".join(sentences[2:])])


def golden_samples(assessor: Assessor) -> list[Sample]:
    """The relevant golden articles with their real assessments (realistic ports and figures)."""
    samples = []
    for i, article in enumerate(load_golden()):
        assessment = assessor.assess(article.text, article.title, article.lang)
        if assessment.relevant:
            outlet = OUTLETS[i % len(OUTLETS)]
            url = f"https://www.{outlet}.example/news/2024/06/11/{article.id}"
            samples.append(Sample(url, article.title, article.text, outlet, assessment))
    return samples


def make_samples(
    count: int, config: PortwatchConfig, assessor: Assessor, seed: int = 11
) -> tuple[list[Sample], float]:
    """``count`` relevant synthetic articles with their real assessments; and assess/s."""
    rng = random.Random(seed)
    ports = watched_ports(config)
    golden = [a for a in load_golden() if a.relevant and a.lang == "en"]
    samples: list[Sample] = []
    tried = 0
    spent = 0.0
    while len(samples) < count:
        tried += 1
        text = synthetic_text(rng, ports, golden)
        title = f"Checks tightened at ports as smugglers adapt ({tried})"
        started = time.perf_counter()
        assessment = assessor.assess(text, title, "en")
        spent += time.perf_counter() - started
        if not assessment.relevant:
            continue
        outlet = OUTLETS[tried % len(OUTLETS)]
        url = f"https://www.{outlet}.example/news/2024/06/11/ports-smugglers-adapt-{tried}"
        samples.append(Sample(url, title, text, outlet, assessment))
    log(f"{count} relevant synthetic articles ({tried} assessed, {tried / spent:.0f}/s)")
    return samples, tried / spent


def command_calls(client: redis.Redis) -> Counter[str]:
    """Calls per Redis command so far (INFO commandstats)."""
    stats = client.info("commandstats")
    return Counter(
        {
            k.removeprefix("cmdstat_"): int(v["calls"])
            for k, v in stats.items()
            if isinstance(v, dict)
        }
    )


# --------------------------------------------------------------------------- part 1


def throughput(samples: Sequence[Sample], config: PortwatchConfig, store: Store) -> dict[str, Any]:
    """``discover`` then ``record_findings`` for each sample, as ``Service.process`` does."""
    kinds: Counter[str] = Counter()
    discover_seconds = record_seconds = 0.0
    channels = {w.name: config.channels_for(w) for w in config.watchlists}
    calls_before = command_calls(store.redis)
    for i, sample in enumerate(samples):
        seen = ArticleSeen(
            story=story_key(sample.url),
            text=sample.text,
            ref=ArticleRef(sample.url, sample.title, sample.outlet, "en"),
            polled_at=time.time(),
        )
        started = time.perf_counter()
        findings = discover(seen, sample.assessment, config, store, time.time())
        discovered = time.perf_counter()
        records = [(f.id, f.to_json(), channels[f.watchlist]) for f in findings]
        store.record_findings(records, time.time())
        record_seconds += time.perf_counter() - discovered
        discover_seconds += discovered - started
        kinds.update(f.kind for f in findings)
        if (i + 1) % 500 == 0:
            log(f"  {i + 1} articles through discover, {sum(kinds.values())} findings")
    calls = command_calls(store.redis) - calls_before
    calls["info"] -= 1  # the INFO call that read the counters
    started = time.perf_counter()
    for sample in samples:
        story_signature(sample.text)
    minhash_seconds = time.perf_counter() - started
    total = sum(kinds.values())
    n = len(samples)
    return {
        "articles": n,
        "findings": total,
        "findings_by_kind": dict(sorted(kinds.items())),
        "findings_per_article": round(total / n, 2),
        "discover_articles_per_s": round(n / discover_seconds, 1),
        "discover_findings_per_s": round(total / discover_seconds, 1),
        "with_record_articles_per_s": round(n / (discover_seconds + record_seconds), 1),
        "with_record_findings_per_s": round(total / (discover_seconds + record_seconds), 1),
        "discover_ms_per_article": round(1000 * discover_seconds / n, 3),
        "minhash_ms_per_article": round(1000 * minhash_seconds / n, 3),
        "minhash_share_of_discover": round(minhash_seconds / discover_seconds, 3),
        "redis_commands_per_article": round(sum(calls.values()) / n, 1),
        "compare_and_set_per_article": round(calls["evalsha"] / n, 1),
        "text_bytes_mean": round(sum(len(s.text.encode()) for s in samples) / n),
    }


def finding_bytes(client: redis.Redis) -> int:
    """Mean MEMORY USAGE of recorded findings (pw:finding:*), on a sample."""
    keys = []
    for key in client.scan_iter("pw:finding:*", count=1000):
        keys.append(key)
        if len(keys) >= 300:
            break
    sizes = [int(client.memory_usage(k, samples=0) or 0) for k in keys]
    return round(sum(sizes) / max(1, len(sizes)))


# --------------------------------------------------------------------------- part 2

_POOL: list[Sample] = []
_CONFIG: PortwatchConfig | None = None
_WORDS = tuple(hashlib.blake2b(str(i).encode(), digest_size=4).hexdigest() for i in range(20_000))


def remember_slice(job: tuple[str, int, int, float, int]) -> int:
    """Remember articles ``start`` … ``stop - 1`` (run in a worker process, own connection).

    Every article gets what the service writes per relevant article: the ``pw:item`` claim and
    ``done``, its MinHash LSH bands (``cluster_for``) and its story entry (``add_to_story``),
    through ``discovery._cluster`` itself. Every ``stride``-th article (and each pool article
    the first time) goes through the whole of ``discover``, port and fact updates included;
    those go to the bounded per-watch-list hashes, whose size does not grow with article count.
    """
    url, start, stop, now, stride = job
    assert _CONFIG is not None
    store = Store(redis.Redis.from_url(url))
    rng = random.Random(start)
    for i in range(start, stop):
        sample = _POOL[i % len(_POOL)]
        outlet = OUTLETS[i % len(OUTLETS)]
        link = f"https://www.{outlet}.example/news/2024/06/11/ports-smugglers-adapt-{i}"
        story = story_key(link)
        # A distinct text of its own (sixty random words): its own MinHash bands, its own story.
        text = " ".join(rng.choice(_WORDS) for _ in range(60))
        store.claim_article(story, str(uuid.uuid4()))
        seen = ArticleSeen(
            story=story, text=text, ref=ArticleRef(link, sample.title, outlet, "en"), polled_at=now
        )
        if i < len(_POOL) or i % stride == 0:
            discover(seen, sample.assessment, _CONFIG, store, now)
        else:
            _cluster(seen, store, now, DEFAULT_CLUSTER_POLICY)
        store.finish_article(story)
    store.close()
    return stop - start


def family(key: bytes) -> str:
    parts = key.decode().split(":")
    return ":".join(parts[:2]) if len(parts) > 2 else ":".join(parts)


def breakdown(client: redis.Redis, articles: int) -> dict[str, dict[str, Any]]:
    """Bytes per key family from MEMORY USAGE (sampled for the many small keys)."""
    keys: dict[str, list[bytes]] = {}
    for key in client.scan_iter(count=5000):
        keys.setdefault(family(key), []).append(key)
    result: dict[str, dict[str, Any]] = {}
    for name, members in sorted(keys.items()):
        sample = members if len(members) <= 500 else random.Random(1).sample(members, 500)
        sizes = [int(client.memory_usage(k, samples=0) or 0) for k in sample]
        total = sum(sizes) / len(sizes) * len(members)
        entry: dict[str, Any] = {
            "keys": len(members),
            "bytes_total": round(total),
            "bytes_per_article": round(total / articles, 1),
        }
        if len(members) == 1 or name in ("pw:lsh", "pw:stories", "pw:ports", "pw:facts"):
            entry["fields"] = sum(int(client.hlen(k)) for k in members)
        else:
            entry["bytes_per_key"] = round(sum(sizes) / len(sizes), 1)
        result[name] = entry
    return result


def memory(
    url: str, client: redis.Redis, samples: list[Sample], config: PortwatchConfig, count: int,
    processes: int, stride: int,
) -> dict[str, Any]:  # fmt: skip
    global _POOL, _CONFIG
    _POOL, _CONFIG = samples, config
    client.flushall()
    time.sleep(0.2)
    before = int(client.info("memory")["used_memory"])
    now = time.time()
    step = 2000
    jobs = [(url, s, min(s + step, count), now, stride) for s in range(0, count, step)]
    started = time.perf_counter()
    done = 0
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for n in pool.imap_unordered(remember_slice, jobs):
            done += n
            if done % 10_000 < step:
                log(f"  {done} articles remembered")
    seconds = time.perf_counter() - started
    info = client.info("memory")
    after = int(info["used_memory"])
    per_article = (after - before) / count
    families = breakdown(client, count)
    per_article_families = {
        k: v["bytes_per_article"] for k, v in families.items() if k.startswith("pw:")
    }
    dominant = max(per_article_families, key=lambda k: per_article_families[k])
    attributed = sum(v["bytes_total"] for v in families.values())
    keyspace = client.info("keyspace").get("db0", {})
    item = families.get("pw:item", {}).get("bytes_per_key", 0.0)
    return {
        "articles": count,
        "client_processes": processes,
        "full_discover_articles": sum(
            1 for i in range(count) if i < len(samples) or i % stride == 0
        ),
        "assessment_pool": len(samples),
        "seconds": round(seconds, 1),
        "articles_per_s": round(count / seconds, 1),
        "used_memory_before": before,
        "used_memory_after": after,
        "used_memory_delta": after - before,
        "bytes_per_article": round(per_article, 1),
        "keys": int(keyspace.get("keys", 0)),
        "keys_with_ttl": int(keyspace.get("expires", 0)),
        "mem_fragmentation_ratio": info.get("mem_fragmentation_ratio"),
        "by_key_family": families,
        "memory_usage_sum_bytes": attributed,
        "unattributed_bytes_per_article": round((after - before - attributed) / count, 1),
        "dominant_key_family": dominant,
        "bytes_per_article_after_story_window": item,
    }


KEY_TABLE = {
    "pw:item:{story}": "story seen, processing:{task} → done; one per article (two when the "
    "feed link and the canonical URL differ); TTL 30 days",
    "pw:lsh:{day}": "hash, LSH band digest → story cluster; 6 fields per article; TTL 4 days",
    "pw:stories:{day}": "hash, story cluster id → its outlets (≤ 20 names); TTL 4 days",
    "pw:ports:{watchlist}": "hash, port → first/last seen and source; bounded by the gazetteer",
    "pw:facts:{watchlist}": "hash, figure fact → last 5 values; bounded by distinct facts",
    "pw:finding:{id}": "per finding, not per article (JSON); TTL 30 days",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 articles, 10 000 remembered")
    parser.add_argument("--articles", type=int, help="part 1 articles (default 1000, quick 300)")
    parser.add_argument(
        "--remember", type=int, help="part 2 articles (default 100000, quick 10000)"
    )
    parser.add_argument("--processes", type=int, default=3, help="part 2 client processes")
    parser.add_argument(
        "--stride", type=int, default=50,
        help="part 2: every STRIDE-th article runs the whole of discover (default 50)",
    )  # fmt: skip
    parser.add_argument(
        "--full-novelty", action="store_true",
        help="part 2: every article runs the whole of discover (--stride 1; ~10 min for 100 000)",
    )  # fmt: skip
    args = parser.parse_args()
    articles = args.articles or (300 if args.quick else 1000)
    remember = args.remember or (10_000 if args.quick else 100_000)
    stride = 1 if args.full_novelty else max(1, args.stride)

    config = load_config_or_raise(SHIPPED_CONFIG)
    assessor = Assessor.from_config(config)
    samples, assess_rate = make_samples(articles, config, assessor)
    golden = golden_samples(assessor)
    with private_redis() as server:
        client = server.client()
        store = Store(client)
        log(f"part 1: {articles} synthetic articles through discover + record_findings")
        part1 = throughput(samples, config, store)
        part1["finding_key_bytes_mean"] = finding_bytes(client)
        part1["synthetic_assess_articles_per_s"] = round(assess_rate, 1)
        log(f"part 1: {part1['discover_articles_per_s']} articles/s, "
            f"{part1['discover_findings_per_s']} findings/s")  # fmt: skip
        client.flushall()
        log(f"part 1: the {len(golden)} relevant golden articles, first sight")
        part1_golden = throughput(golden, config, store)
        log(f"part 2: remembering {remember} articles with {args.processes} client processes")
        part2 = memory(server.url(), client, golden, config, remember, args.processes, stride)
        log(f"part 2: {part2['bytes_per_article']} B per article, "
            f"dominant {part2['dominant_key_family']}")  # fmt: skip
        client.close()
    emit(
        {
            "benchmark": "novelty",
            "articles_per_s": part1["discover_articles_per_s"],
            "findings_per_s": part1["discover_findings_per_s"],
            "bytes_per_remembered_article": part2["bytes_per_article"],
            "remembered_articles": remember,
            "dominant_key_family": part2["dominant_key_family"],
            "throughput_synthetic": part1,
            "throughput_golden_relevant": part1_golden,
            "memory": part2,
            "per_article_keys": KEY_TABLE,
            "targets": {"bytes_per_remembered_article": f"<= {TARGET_BYTES_PER_ARTICLE}"},
            "meets_targets": part2["bytes_per_article"] <= TARGET_BYTES_PER_ARTICLE,
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
