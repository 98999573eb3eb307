"""Alert rendering: what Slack, e-mail and the console show, and that articles cannot break it."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline import render
from pipeline.findings import Alert, ArticleRef, Evidence, FigureFact, Finding, PreviousValue

# Invented coverage; the facts (ports, "2,000 a night") are those of the seed story.
ARTICLE = ArticleRef(
    url="https://harbour-gazette.example/2015/08/channel-ports-checks",
    title="Checks tighten on the Channel coast as smugglers look beyond Calais",
    outlet="Harbour Gazette",
    lang="en",
    published="2015-08-20",
)
PORT_SENTENCE = "Officials now say Dunkirk is being watched as closely as the tunnel terminal."
FIGURE_SENTENCE = "Attempts on the terminal fell to 150 a night, from around 2,000 at the peak."
EARLIER = 1_440_000_000.0  # 2015-08-19 16:00 UTC


def new_port(
    port: str = "Dunkirk",
    sentence: str | None = None,
    article: ArticleRef = ARTICLE,
    **changes: Any,
) -> Finding:
    sentence = sentence if sentence is not None else PORT_SENTENCE.replace("Dunkirk", port)
    start = sentence.find(port)
    finding = Finding(
        kind="new_port",
        watchlist="channel-ports",
        port=port,
        figure=None,
        previous=None,
        evidence=Evidence(sentence, start, start + len(port)),
        article=article,
        rules=("term: migrants", "near: lorry ~ @port"),
        other_outlets=("Coast Courier",),
        found_at=1_440_100_000.0,
        story="story-1",
    )
    return replace(finding, **changes)


def changed_figure(seen_at: float | None = EARLIER) -> Finding:
    start = FIGURE_SENTENCE.index("150")
    return Finding(
        kind="changed_figure",
        watchlist="channel-ports",
        port="Calais",
        figure=FigureFact("attempts per night", "count", "Calais", 150.0, None, "150 a night"),
        previous=PreviousValue(
            2000.0, None, seen_at, "https://coast-courier.example/peak", "Coast Courier"
        ),
        evidence=Evidence(FIGURE_SENTENCE, start, start + 3),
        article=ARTICLE,
    )


def single(finding: Finding) -> Alert:
    return Alert("ops-slack", (finding,))


def all_text(payload: dict[str, Any]) -> str:
    """Every string of a Slack payload, as Slack would parse them."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payload)
    return "\n".join(found)


def mrkdwn_texts(payload: dict[str, Any]) -> list[str]:
    texts = [payload["text"]]
    for block in payload["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [f["text"] for f in block.get("fields", [])]
    return texts


HOSTILE_TITLE = "Calais <!channel> alert <@U024BE7LH> see <http://evil.example|this> & more"


# ------------------------------------------------------------------------------ escaping


def test_slack_escape_neutralises_mentions_commands_and_links() -> None:
    assert (
        render.slack_escape("<!channel> <@U024BE7LH> <http://x|y> & co")
        == "&lt;!channel&gt; &lt;@U024BE7LH&gt; &lt;http://x|y&gt; &amp; co"
    )


def test_header_safe_leaves_one_line_without_controls() -> None:
    value = "New port: Dunkirk\r\nBcc: victim@example.org\x00\x1b[31m\u2028x\u202etxt.exe\x85end"
    safe = render.header_safe(value)
    assert safe == "New port: Dunkirk Bcc: victim@example.org [31m xtxt.exe end"
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in safe)


def test_slack_payload_escapes_every_article_string() -> None:
    hostile = ArticleRef(
        url="https://harbour-gazette.example/a",
        title=HOSTILE_TITLE,
        outlet="<!here> Gazette",
        lang="en",
    )
    finding = new_port(
        article=hostile,
        sentence="Dunkirk <!everyone> is next, said <@U999>.",
        other_outlets=("<!subteam^S123>",),
    )
    payload = render.slack_payload(single(finding))
    text = all_text(payload)
    for raw in (
        "<!channel>",
        "<@U024BE7LH>",
        "<http://evil",
        "<!here>",
        "<!everyone>",
        "<@U999>",
        "<!subteam",
    ):
        assert raw not in text
    assert "&lt;!channel&gt;" in payload["text"]
    assert "&lt;!channel&gt;" in payload["blocks"][0]["text"]["text"]
    assert "&lt;@U024BE7LH&gt;" in payload["blocks"][0]["text"]["text"]
    # The only links are the ones we built: to the article, labelled with its (escaped) title.
    links = re.findall(r"<([^>]*)>", text)
    assert links == [
        "https://harbour-gazette.example/a|" + render.slack_escape(HOSTILE_TITLE).replace("|", "¦")
    ]


def test_slack_link_encodes_the_url_and_label_separators() -> None:
    link = render.slack_link("https://example.org/a|b<c>d e&f", "A | B > C")
    assert link == "<https://example.org/a%7Cb%3Cc%3Ed%20e&amp;f|A ¦ B &gt; C>"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "//no-scheme.example/"]
)
def test_urls_that_are_not_http_are_never_linked(url: str) -> None:
    finding = new_port(article=replace(ARTICLE, url=url))
    alert = single(finding)
    slack = all_text(render.slack_payload(alert))
    assert "<javascript" not in slack and "<data:" not in slack and "<//" not in slack
    assert "href" not in render.email_html(alert)


# ------------------------------------------------------------------------------ one finding


def test_slack_payload_for_one_new_port() -> None:
    finding = new_port()
    payload = render.slack_payload(single(finding))
    assert set(payload) == {"text", "blocks"}
    assert payload["text"].startswith("New port: Dunkirk — ")
    assert payload["text"] == finding.headline()
    headline, evidence, details = payload["blocks"]
    assert headline["text"]["text"] == f"*{finding.headline()}*"
    assert evidence["text"]["text"] == (
        ">Officials now say *Dunkirk* is being watched as closely as the tunnel terminal."
    )
    fields = [f["text"] for f in details["fields"]]
    assert fields[:4] == [
        "*Watch-list*\nchannel-ports",
        "*Outlet*\nHarbour Gazette, published 2015-08-20",
        "*Language*\nen",
        f"*Link*\n<{ARTICLE.url}|{ARTICLE.title}>",
    ]
    assert "*Matched rules*\nterm: migrants, near: lorry ~ @port" in fields
    assert "*Also reported by*\nCoast Courier" in fields


def test_evidence_highlight_in_every_format() -> None:
    alert = single(new_port())
    assert "*Dunkirk*" in render.slack_payload(alert)["blocks"][1]["text"]["text"]
    assert "Officials now say «Dunkirk» is being watched" in render.email_text(alert)
    assert "Officials now say <strong>Dunkirk</strong> is being watched" in render.email_html(alert)
    assert "«Dunkirk»" in render.console_text(alert)


def test_highlight_outside_the_sentence_renders_it_plainly() -> None:
    finding = new_port(evidence=Evidence("Dunkirk is next.", 5, 400))
    alert = single(finding)
    assert render.slack_payload(alert)["blocks"][1]["text"]["text"] == ">Dunkirk is next."
    assert "«" not in render.email_text(alert)


def test_changed_figure_shows_the_previous_value_when_and_where() -> None:
    finding = changed_figure()
    alert = single(finding)
    assert render.email_subject(alert).startswith(
        "Changed figure: attempts per night at Calais 2,000 → 150 — "
    )
    when = datetime.fromtimestamp(EARLIER, UTC).strftime("%Y-%m-%d %H:%M UTC")
    previous = f"2,000 (reported {when} by Coast Courier <https://coast-courier.example/peak>)"
    assert re.search(r"^Previous: +" + re.escape(previous) + "$", render.email_text(alert), re.M)
    fields = [f["text"] for f in render.slack_payload(alert)["blocks"][2]["fields"]]
    assert (
        f"*Previous*\n2,000 (reported {when} by <https://coast-courier.example/peak|Coast Courier>)"
        in fields
    )
    assert '<a href="https://coast-courier.example/peak">Coast Courier</a>' in render.email_html(
        alert
    )


def test_previous_value_from_the_same_article() -> None:
    alert = single(changed_figure(seen_at=None))
    assert "2,000 (earlier value in the same article)" in render.email_text(alert)
    assert "2,000 (earlier value in the same article)" in all_text(render.slack_payload(alert))


def test_email_html_escapes_every_article_string() -> None:
    hostile = ArticleRef(
        url='https://x.example/a"><script>alert(1)</script>',
        title="<script>alert('t')</script>",
        outlet="<b>Gazette</b>",
    )
    finding = new_port(article=hostile, sentence="Dunkirk <img src=x onerror=alert(2)> next.")
    page = render.email_html(single(finding))
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert 'href="https://x.example/a&quot;&gt;&lt;script&gt;' in page


def test_email_subject_is_the_headline_on_one_line_and_bounded() -> None:
    finding = new_port(article=replace(ARTICLE, outlet="Gazette\r\nBcc: x@example.org"))
    subject = render.email_subject(single(finding))
    assert subject.startswith("New port: Dunkirk — Checks tighten")
    assert "\r" not in subject and "\n" not in subject
    long = new_port(article=replace(ARTICLE, title="word " * 400))
    clipped = render.email_subject(single(long))
    assert len(clipped) == render.SUBJECT_LIMIT and clipped.endswith("…")


def test_console_text_cannot_carry_terminal_escapes() -> None:
    finding = new_port(sentence="Dunkirk \x1b]0;owned\x07 is next\x1b[2J.")
    text = render.console_text(single(finding))
    assert "\x1b" not in text and "\x07" not in text
    assert text.splitlines()[0] == finding.headline()


def test_lone_surrogates_and_nul_do_not_break_any_format() -> None:
    finding = new_port(article=replace(ARTICLE, title="bad \ud800 title\x00"))
    alert = single(finding)
    json.dumps(render.slack_payload(alert), ensure_ascii=False).encode("utf-8")
    render.email_text(alert).encode("utf-8")
    render.email_html(alert).encode("utf-8")
    render.email_subject(alert).encode("utf-8")


def test_alert_without_findings_is_a_bug() -> None:
    with pytest.raises(ValueError, match="no findings"):
        render.slack_payload(Alert("ops-slack", ()))


# ------------------------------------------------------------------------------ digests

FIVE_PORTS = ("Dunkirk", "Zeebrugge", "Hook of Holland", "Ostend", "Rotterdam")


def digest(count: int = 5) -> Alert:
    ports = [FIVE_PORTS[i % 5] + ("" if i < 5 else f" {i}") for i in range(count)]
    return Alert("ops-slack", tuple(new_port(p) for p in ports), digest=True)


def test_digest_names_each_finding_on_its_own_line_in_every_format() -> None:
    alert = digest(5)
    headlines = [f.headline() for f in alert.findings]
    assert alert.headline().startswith("Digest: 5 findings — ")

    slack_lines = render.slack_payload(alert)["text"].splitlines()
    assert slack_lines[0] == alert.headline()
    assert [line for line in slack_lines[1:]] == headlines

    for text in (render.email_text(alert), render.console_text(alert)):
        lines = text.splitlines()
        assert lines[0] == alert.headline()
        for headline in headlines:
            assert sum(line.startswith(headline) for line in lines) == 1

    assert render.email_subject(alert) == alert.headline()
    blocks = render.slack_payload(alert)["blocks"]
    assert len(blocks) == 1 + 2 * 5
    assert all(f"*{h}*" in all_text({"b": blocks}) for h in headlines)


def test_long_digest_stays_within_slack_limits() -> None:
    alert = digest(60)
    payload = render.slack_payload(alert)
    assert len(payload["blocks"]) <= render.SLACK_MAX_BLOCKS
    assert payload["blocks"][-1]["text"]["text"] == "… and 36 more findings, not shown here"
    assert len(payload["text"].splitlines()) == 61  # the fallback still names every finding
    assert len(payload["text"]) <= render.SLACK_TEXT_LIMIT


def test_huge_article_strings_are_cut_without_breaking_entities() -> None:
    sentence = "<" * 9000 + " Dunkirk " + "&" * 9000
    hostile = replace(ARTICLE, title="<&>" * 5000, outlet="&" * 3000)
    for alert in (
        single(new_port(sentence=sentence, article=hostile)),
        Alert("c", (new_port(sentence=sentence, article=hostile),) * 3, digest=True),
    ):
        payload = render.slack_payload(alert)
        for block in payload["blocks"]:
            if "text" in block:
                assert len(block["text"]["text"]) <= render.SLACK_SECTION_LIMIT
            assert all(len(f["text"]) <= render.SLACK_FIELD_LIMIT for f in block.get("fields", []))
            assert len(block.get("fields", [])) <= render.SLACK_MAX_FIELDS
        assert len(payload["text"]) <= render.SLACK_TEXT_LIMIT
        for text in mrkdwn_texts(payload):
            assert re.search(r"&(?!amp;|lt;|gt;)", text) is None, "a cut entity"
            assert "<" not in text.replace(f"<{ARTICLE.url}|", "")
        assert "*Dunkirk*" in all_text(payload)


def test_text_fallback_is_cut_at_slacks_limit() -> None:
    alert = digest(400)
    text = render.slack_payload(alert)["text"]
    assert len(text) == render.SLACK_TEXT_LIMIT and text.endswith("…")


# ------------------------------------------------------------------------------ JSON and ops


def test_alert_json_round_trips_the_findings() -> None:
    alert = Alert("console", (new_port(), changed_figure()), digest=True)
    record = json.loads(json.dumps(render.alert_json(alert, 1_440_200_000.0)))
    assert set(record) == {"channel", "digest", "headline", "findings", "sent_at"}
    assert record["headline"] == alert.headline()
    assert record["sent_at"] == 1_440_200_000.0
    assert tuple(Finding.from_json(f) for f in record["findings"]) == alert.findings


def test_ops_messages_are_escaped_and_keep_their_lines() -> None:
    payload = render.slack_ops_payload("feed harbour-gazette failing\n<!channel> said the feed")
    assert payload == {"text": "feed harbour-gazette failing\n&lt;!channel&gt; said the feed"}
    assert (
        render.email_ops_subject("\nfeed down\r\nBcc: x@example.org") == "Portwatch ops: feed down"
    )
    assert render.console_ops_text("a\nb") == "[ops] a\n[ops] b"
