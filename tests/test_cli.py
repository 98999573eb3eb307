"""The command line as scripts and acceptance checks drive it (the design's contract)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO
from .servers import LocalServer, send_bytes

PORTWATCH = [sys.executable, "-m", "workers.cli"]


def run(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PORTWATCH_")}
    environment.update(env or {})
    return subprocess.run(
        [*PORTWATCH, *args], input=stdin, capture_output=True, cwd=REPO, env=environment, timeout=120
    )


SEED_LIKE = (
    "Security was tightened at Calais after migrants tried to reach lorries. Officials warned "
    "that people smugglers could move to Dunkirk, Zeebrugge and the Hook of Holland. Around "
    "150 attempts a night, down from 2,000, were recorded at the terminal."
)


def test_assess_outputs_one_line_per_input_in_order_with_the_contract_keys() -> None:
    lines = [
        {"id": 1, "text": SEED_LIKE, "title": "Calais crackdown", "lang": "en"},
        {"id": "b", "text": "Container volumes rose at Rotterdam to 14 million TEU."},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines).encode()
    result = run("assess", "--config", "config", stdin=stdin)
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in outputs] == [1, "b"]
    first = outputs[0]
    assert list(first)[:6] == ["id", "relevant", "score", "watchlists", "ports", "figures"]
    assert first["relevant"] is True
    assert first["ports"] == ["Calais", "Dunkirk", "Zeebrugge", "Hook of Holland"]
    figure = next(f for f in first["figures"] if f["value"] == 150)
    assert list(figure)[:8] == ["text", "start", "end", "value", "value_max", "unit", "subject", "port"]
    assert SEED_LIKE[figure["start"] : figure["end"]] == figure["text"]
    assert outputs[1]["relevant"] is False and outputs[1]["ports"] == ["Rotterdam"]


def test_assess_bad_lines_become_error_objects_and_the_rest_go_on() -> None:
    stdin = b"\n".join(
        [
            b'{"id": 1, "text": "Migrants at Calais."}',
            b"{not json",
            b'{"id": 3}',
            b'{"id": 4, "text": 17}',
            b"\xff\xfe binary",
            b'{"id": 6, "text": "Ferries at Dover."}',
        ]
    )
    result = run("assess", "--config", "config", stdin=stdin)
    assert result.returncode == 0
    outputs = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o.get("id") for o in outputs] == [1, None, 3, 4, None, 6]
    assert outputs[1]["error"].startswith("line 2: not valid JSON")
    assert outputs[2]["error"] == "line 3: field 'text' is missing"
    assert outputs[3]["error"] == "line 4: field 'text' is a int, expected a string"
    assert outputs[4]["error"].startswith("line 5: not valid UTF-8")
    assert outputs[5]["ports"] == ["Dover"]


def test_assess_explain_is_readable(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"id": "seed", "text": SEED_LIKE}) + "\n")
    result = run("assess", "--explain", str(corpus), "--config", "config")
    text = result.stdout.decode()
    assert result.returncode == 0
    assert "== seed: RELEVANT" in text
    assert "-- ports: Calais, Dunkirk, Zeebrugge, Hook of Holland" in text
    assert "people smuggl*" in text


def test_assess_with_a_broken_watchlist_names_file_and_field(tmp_path: Path) -> None:
    import shutil

    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    (config / "watchlists" / "bad.yaml").write_text("threshold: 0\nterms: {en: {x: 1}}\n")
    result = run("assess", "--config", str(config), stdin=b'{"id": 1, "text": "Migrants and people smugglers at Calais."}')
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [
        f"warning: watch-list skipped: {config}/watchlists/bad.yaml:1:12: threshold: Input should be greater than 0"
    ]
    # The other watch-lists keep working.
    assert json.loads(result.stdout)["watchlists"] == ["channel-north-sea"]


def test_fetch_refuses_loopback_without_connecting() -> None:
    result = run("fetch", "http://127.0.0.1:1/")
    assert result.returncode == 2
    assert result.stderr.decode().strip().startswith("error: refused URL: ")
    assert result.stdout == b""


def test_fetch_and_feed_through_the_guarded_client() -> None:
    page = b"<html><head><title>Quay news</title></head><body><article><h1>Quay news</h1>" + (
        b"<p>Migrants were found in a lorry at the port of Dover on Monday, officials said.</p>" * 5
    ) + b"</article></body></html>"
    with LocalServer() as server:
        server.route("/a", send_bytes(page))
        feed = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<item><title>One</title><link>{server.url('/a')}</link></item></channel></rss>"
        ).encode()
        server.route("/feed.xml", send_bytes(feed, "application/rss+xml"))
        env = {"PORTWATCH_ALLOW_HOSTS": server.authority}
        fetched = run("fetch", server.url("/a"), env=env)
        listed = run("feed", server.url("/feed.xml"), env=env)
        missing = run("fetch", server.url("/nothing"), env=env)
    assert fetched.returncode == 0, fetched.stderr
    record = json.loads(fetched.stdout)
    assert list(record) == ["url", "final_url", "status", "title", "text"]
    assert record["status"] == 200 and "lorry at the port of Dover" in record["text"]
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout.splitlines()[0]) == {"title": "One", "link": server.url("/a"), "published": None}
    assert missing.returncode == 3
    assert missing.stderr.decode().startswith(f"error: {server.url('/nothing')}: ")


def test_backtest_prints_the_alerts_that_would_fire(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {"id": "a", "url": "https://a.example/1", "outlet": "gazette", "title": "Calais",
         "text": "Migrants tried to board lorries at Calais, and people smugglers were arrested at the port."},
        {"id": "b", "url": "https://b.example/2", "outlet": "courier", "title": "Shift",
         "text": "People smugglers are moving migrants from Calais to Dunkirk and Ostend, officials said at the port."},
        {"id": "c", "url": "https://c.example/3", "outlet": "courier", "title": "Again",
         "text": "Migrants hid in lorries at Dunkirk again; people smugglers were blamed at the port."},
    ]  # fmt: skip
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = run("backtest", str(corpus), "--config", "config")
    assert result.returncode == 0, result.stderr
    alerts = [json.loads(line) for line in result.stdout.decode().splitlines()]
    headlines = sorted(a["headline"] for a in alerts if a.get("watchlist") == "channel-north-sea")
    assert headlines == ["New port: Dunkirk — Shift (courier)", "New port: Ostend — Shift (courier)"]


def test_assess_explains_the_same_reasons_in_every_process(tmp_path: Path) -> None:
    # "cinema" and "cinéma" fold alike: the one named must not depend on the hash seed.
    review = (
        "Film review: the cinema version of Dunkirk, by the director Christopher Nolan, returns "
        "to the big screen. Critics praised the soundtrack and the evacuation of 1940 scenes."
    )
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"id": "film", "text": review}) + "\n")
    outputs = {
        run("assess", "--explain", str(corpus), "--config", "config",
            env={"PYTHONHASHSEED": str(seed)}).stdout.decode()
        for seed in (1, 2, 3, 4)
    }  # fmt: skip
    assert len(outputs) == 1
    assert "cinema" in outputs.pop()
