"""The reference story, end to end, through real Celery workers on real Redis.

A Calais story seeds the state; a warning names Dunkirk, Zeebrugge and the Hook of Holland; Dutch
and French coverage names them again; a syndicated copy repeats the warning; a follow-up changes
the nightly figure. Expected, on Slack (local receiver) and e-mail (aiosmtpd): exactly three
new-port alerts, one changed-figure alert with the previous value, nothing for the copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
import redis

from pipeline.store import Store
from pipeline.urls import story_key

from .conftest import SHIPPED_CONFIG, RedisServer, SMTPRecorder
from .harness import client_app, portwatch_env, start_worker, stop, wait_for
from .servers import LocalServer, RecordingReceiver, send_bytes

pytestmark = pytest.mark.slow

CALAIS = """Police and Border Force officers stepped up checks on the freight lanes at the port of
Calais this week, after repeated attempts by migrants to climb into lorries waiting for ferries.
Staff at the Calais terminal now record around 150 attempts a night on the approach roads, most
stopped before anyone reaches a trailer. At the Channel Tunnel terminal in Coquelles fences have been raised.
"The gangs test every weak point," a senior officer said."""

WARNING = """Officials on both sides of the Channel warned on Tuesday that people smugglers are
likely to move their operations away from Calais now that security there has improved. Dunkirk,
Zeebrugge and the Hook of Holland are seen as the most exposed alternatives for migrants hiding
in lorries. Belgian and Dutch border police have been asked to review freight terminals near the
ports. "Pressure on one port does not disappear, it moves to the next one," a spokesman said."""

DUTCH = """De marechaussee controleert vrachtwagens in de haven van Hoek van Holland strenger op
verstekelingen. Aanleiding zijn waarschuwingen dat mensensmokkelaars uitwijken van Calais naar
havens in Nederland en België, zoals Zeebrugge. Ook in Duinkerke wordt de bewaking van de
parkeerterreinen voor vrachtwagens uitgebreid, meldt een woordvoerder van de grenspolitie."""

FRENCH = """Les autorités craignent que les passeurs ne se reportent de Calais vers Dunkerque et
Zeebrugge. À Dunkerque, la police aux frontières renforce les contrôles des camions sur le port,
où des migrants tentent de se cacher dans les remorques avant l'embarquement pour l'Angleterre."""

FOLLOW_UP = """Attempts by migrants to get into lorries at the port of Calais have risen to about
300 a night, up from 150 a night last month, port officials said on Thursday. Officers said the
extra checks stopped most attempts before anyone reached a trailer, but the gangs adapt quickly."""


def page(title: str, body: str, lang: str = "en", boilerplate: str = "") -> bytes:
    paragraphs = "".join(f"<p>{' '.join(p.split())}</p>" for p in body.split("\n\n"))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><header><nav><a href='/'>Home</a></nav>{boilerplate}</header>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<aside class='comments'><p>Comment: what about Grimsby and its 40 lorries?</p></aside>"
        "</body></html>"
    ).encode()


STORIES = [
    ("/calais", "Calais steps up freight checks as lorry attempts continue", CALAIS, "en", ""),
    ("/warning", "Smugglers expected to switch to Dunkirk, Zeebrugge and the Hook of Holland", WARNING, "en", ""),
    ("/dutch", "Marechaussee extra alert op verstekelingen in Hoek van Holland", DUTCH, "nl", ""),
    ("/french", "Les passeurs pourraient se reporter vers Dunkerque", FRENCH, "fr", ""),
    ("/copy", "Ports on alert as gangs eye new Channel routes", WARNING, "en",
     "<p>The Coast Courier: your local news since 1901. Subscribe today.</p>"),
    ("/follow-up", "Night-time attempts at Calais double", FOLLOW_UP, "en", ""),
]  # fmt: skip


@dataclass
class Site:
    server: LocalServer
    published: int = 0

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{title}</title><link>{self.server.url(path)}</link>"
            f"<guid>{self.server.url(path)}</guid><description>{title}</description></item>"
            for path, title, *_ in STORIES[: self.published]
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Scenario</title><link>{self.server.url('/')}</link>{items}</channel></rss>"
        ).encode()


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = LocalServer()
    state = Site(server)
    server.route(
        "/feed.xml",
        lambda exchange: exchange.respond(200, state.feed(), None, "application/rss+xml"),
    )
    for path, title, body, lang, boilerplate in STORIES:
        server.route(path, send_bytes(page(title, body, lang, boilerplate)))
    with server:
        yield state


@pytest.fixture
def slack() -> Iterator[RecordingReceiver]:
    with RecordingReceiver() as hook:
        yield hook


def make_config(tmp_path: Path, feed_url: str) -> Path:
    config = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, config)
    (config / "feeds.yaml").write_text(
        f"feeds:\n  - name: harbour-gazette\n    url: {feed_url}\n    every: 1h\n"
    )
    (config / "channels.yaml").write_text(
        "channels:\n"
        "  ops-slack:\n    kind: slack\n    webhook_url_env: PW_TEST_SLACK\n"
        "  ops-email:\n    kind: email\n    to: [ops@example.org]\n    smtp_url_env: PW_TEST_SMTP\n"
        "    starttls: false\n"
    )
    return config


def processed(client: redis.Redis, url: str) -> bool:
    return Store(client).article_state(story_key(url)) == "done"


def test_reference_story_alerts_three_new_ports_and_one_changed_figure(
    tmp_path: Path,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    site: Site,
    slack: RecordingReceiver,
    smtp_server: SMTPRecorder,
) -> None:
    config = make_config(tmp_path, site.server.url("/feed.xml"))
    env = portwatch_env(
        redis_server.url(0), config, allow_hosts=site.server.authority,
        PW_TEST_SLACK=slack.webhook_url, PW_TEST_SMTP=smtp_server.url(),
    )  # fmt: skip
    app = client_app(redis_server.url(0))
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        for step in range(1, len(STORIES) + 1):
            site.published = step
            app.send_task("portwatch.poll_feed", args=["harbour-gazette"])
            url = site.server.url(STORIES[step - 1][0])
            wait_for(lambda url=url: processed(redis_client, url), 60, what=f"{url} processed")
        slack.wait_for(4, timeout=30)
        slack_texts = [body["text"].splitlines()[0] for body in slack.bodies()]
        wait_for(lambda: len(smtp_server.messages) >= 4, 30, what="four e-mails")
        wait_for(lambda: redis_client.zcard("pw:pending") == 0, 30, what="no pending deliveries")
    finally:
        stop(worker)
    print((tmp_path / "worker.log").read_text()[-3000:])

    expected_prefixes = sorted([
        "New port: Dunkirk — Smugglers expected to switch",
        "New port: Zeebrugge — Smugglers expected to switch",
        "New port: Hook of Holland — Smugglers expected to switch",
        "Changed figure: attempts per night at Calais 150 → 300 — Night-time attempts at Calais double",
    ])  # fmt: skip
    headlines = sorted(slack_texts)
    assert len(headlines) == 4, headlines
    for headline, prefix in zip(headlines, expected_prefixes, strict=True):
        assert headline.startswith(prefix), (headline, prefix)
    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages)
    assert len(subjects) == 4, subjects
    for subject, prefix in zip(subjects, expected_prefixes, strict=True):
        assert " ".join(subject.split()).startswith(prefix), (subject, prefix)
    # The changed figure names its previous value and where it came from.
    changed = next(b for b in slack.bodies() if b["text"].startswith("Changed figure"))
    assert "150" in str(changed["blocks"]) and site.server.url("/calais") in str(changed["blocks"])
    email = next(m for m in smtp_server.messages if str(m["Subject"]).startswith("Changed"))
    assert "previous" in _text_part(email).lower()
    # The copy, the Dutch and the French coverage added nothing; the copy joined the story.
    assert not any("Ports on alert" in h for h in headlines)


def _text_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    return ""
