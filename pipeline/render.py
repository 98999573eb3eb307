"""Alert text for every channel: pure functions from an ``Alert`` to Slack, e-mail and console.

Everything that comes from an article (title, outlet, sentence, URL, port and subject names) is
untrusted. It is first made one line — control characters, line and paragraph separators become
spaces, bidirectional overrides are dropped, lone surrogates become U+FFFD — and then escaped for
where it goes:

    Slack mrkdwn     ``&``, ``<``, ``>`` as entities, so ``<!channel>``, ``<@U123>`` and
                     ``<http://x|y>`` from an article never ping anyone or make a link
    Slack links      built here only for http(s) URLs; ``<``, ``>``, ``|`` and spaces in the URL
                     percent-encoded, ``|`` in the label replaced by ``¦``
    HTML             ``html.escape`` on every string, ``href`` only for http(s) URLs
    e-mail headers   ``header_safe``: one line, so a title cannot add a header

Slack's ``*``, ``_``, ``~`` and backtick are left as they are: they can only change emphasis,
never ping or link, and Slack has no escape for them (a zero-width space would corrupt quotes
that people copy out of the alert).

The first line of every rendering is the alert's headline (``Finding.headline()`` or the
digest's ``Digest: N findings — …``), then one line per finding of a digest, each starting
with that finding's own headline: people and scripts both read it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

# The headline's value format, shared so "previous: 2,000" reads like "2,000 → 150" above it.
from pipeline.findings import Alert, Evidence, Finding, format_value

__all__ = [
    "ELLIPSIS",
    "SLACK_FIELD_LIMIT",
    "SLACK_MAX_BLOCKS",
    "SLACK_MAX_FIELDS",
    "SLACK_SECTION_LIMIT",
    "SLACK_TEXT_LIMIT",
    "SUBJECT_LIMIT",
    "alert_json",
    "console_ops_text",
    "console_text",
    "email_html",
    "email_ops_subject",
    "email_subject",
    "email_text",
    "header_safe",
    "one_line",
    "slack_escape",
    "slack_link",
    "slack_ops_payload",
    "slack_payload",
]

#: Slack's documented limits: message text, a section's text, one field, blocks, fields.
SLACK_TEXT_LIMIT = 40_000
SLACK_SECTION_LIMIT = 3_000
SLACK_FIELD_LIMIT = 2_000
SLACK_MAX_BLOCKS = 50
SLACK_MAX_FIELDS = 10
#: Subjects longer than this are cut: mail clients show far less, and the headline leads.
SUBJECT_LIMIT = 250
ELLIPSIS = "…"

# Budgets (in escaped characters) that keep every section under SLACK_SECTION_LIMIT.
_HEADLINE_BUDGET = 600
_EVIDENCE_BUDGET = 2_000
_DIGEST_EVIDENCE_BUDGET = 1_200
_LABEL_BUDGET = 200
_URL_BUDGET = 1_500
_ENTITY_MAX = 6  # longest entity we produce: "&quot;" / "&#x27;"

# Bidirectional embeddings, overrides and isolates: they can make "150 → 300" display reversed.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACE_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_WHITESPACE = re.compile(r"\s+")


# ------------------------------------------------------------------------------- cleaning


def _flatten(value: str) -> str:
    """``value`` with controls as spaces, bidi overrides dropped, lone surrogates replaced."""
    if value.isprintable():  # the common case, and cheap
        return value
    out = []
    for char in value:
        category = unicodedata.category(char)
        if category in _SPACE_CATEGORIES:
            out.append(" ")
        elif category == "Cs":
            out.append("\ufffd")
        elif char not in _BIDI_CONTROLS:
            out.append(char)
    return "".join(out)


def _squash(value: str) -> str:
    """Flattened, with runs of whitespace as one space; ends kept (they may border a highlight)."""
    return _WHITESPACE.sub(" ", _flatten(value))


def one_line(value: str) -> str:
    """``value`` as one clean line: no control characters, single spaces, no outer spaces."""
    return _squash(value).strip()


def header_safe(value: str) -> str:
    """``value`` made safe as an e-mail header value: one line, no CR, LF or other controls.

    The e-mail policy folds and RFC 2047-encodes the result; nothing here can start a header.
    """
    return one_line(value)


def slack_escape(value: str) -> str:
    """Escape ``&``, ``<``, ``>`` for Slack mrkdwn: no mention, special command or link survives."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack(value: str) -> str:
    return slack_escape(one_line(value))


def _clip(value: str, limit: int) -> str:
    """At most ``limit`` characters, ending in "…" when cut, never inside an ``&…;`` entity."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    amp = cut.rfind("&", len(cut) - _ENTITY_MAX)
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def _clip_start(value: str, limit: int) -> str:
    """Like ``_clip`` but keeps the end: "…" first."""
    if len(value) <= limit:
        return value
    cut = value[len(value) - (limit - 1) :]
    semi = cut.find(";", 0, _ENTITY_MAX)
    if semi != -1 and "&" not in cut[:semi]:
        cut = cut[semi + 1 :]
    return ELLIPSIS + cut.lstrip()


def _findings(alert: Alert) -> tuple[Finding, ...]:
    if not alert.findings:
        raise ValueError(f"alert for channel {alert.channel!r} has no findings")
    return alert.findings


def _headline(alert: Alert) -> str:
    _findings(alert)
    return one_line(alert.headline())


# ------------------------------------------------------------------- what every format shows


@dataclass(frozen=True)
class _Link:
    url: str
    label: str


_Piece = str | _Link


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _split_evidence(evidence: Evidence) -> tuple[str, str, str]:
    """(before, highlight, after), flattened; no highlight when the offsets do not fit."""
    sentence = evidence.sentence
    start, end = evidence.start, evidence.end
    if not 0 <= start < end <= len(sentence):
        return one_line(sentence), "", ""
    before, mark, after = (
        _squash(sentence[:start]),
        _squash(sentence[start:end]),
        _squash(sentence[end:]),
    )
    # Spaces inside the mark would break Slack's bold: move them outside.
    lead, trail = mark[: len(mark) - len(mark.lstrip())], mark[len(mark.rstrip()) :]
    return before.lstrip() + lead, mark.strip(), trail + after.rstrip()


def _when(seen_at: float) -> str:
    try:
        return datetime.fromtimestamp(seen_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return "at an unknown time"


def _previous(finding: Finding) -> list[_Piece] | None:
    """``150 (reported <date> by <outlet>, <url>)`` or ``(earlier value in the same article)``."""
    previous = finding.previous
    if previous is None:
        return None
    unit = finding.figure.unit if finding.figure is not None else "count"
    value = format_value(previous.value, previous.value_max, unit)
    if previous.seen_at is None:
        return [f"{value} (earlier value in the same article)"]
    outlet = one_line(previous.outlet) or "an earlier article"
    return [f"{value} (reported {_when(previous.seen_at)} by ", _Link(previous.url, outlet), ")"]


def _details(finding: Finding) -> list[tuple[str, list[_Piece]]]:
    """(label, pieces) rows every format shows under a finding; empty rows left out."""
    article = finding.article
    outlet = one_line(article.outlet)
    if article.published:
        outlet += f", published {one_line(article.published)}"
    rows: list[tuple[str, list[_Piece]]] = [
        ("Watch-list", [finding.watchlist]),
        ("Outlet", [outlet]),
        ("Language", [article.lang or "unknown"]),
        ("Link", [_Link(article.url, article.title or article.url)]),
    ]
    if finding.rules:
        rows.append(("Matched rules", [", ".join(one_line(r) for r in finding.rules)]))
    if finding.other_outlets:
        others = ", ".join(one_line(o) for o in finding.other_outlets)
        rows.append(("Also reported by", [others]))
    previous = _previous(finding)
    if previous is not None:
        rows.append(("Previous", previous))
    if article.from_summary:
        rows.append(("Source", ["the feed's summary only (the page was not read)"]))
    return rows


# ------------------------------------------------------------------------------------ Slack


def _slack_url(url: str) -> str | None:
    """``url`` ready for ``<url|label>``, or None when it is not an http(s) URL we can link."""
    url = one_line(url)
    if not _is_web_url(url) or len(url) > _URL_BUDGET:
        return None
    out = []
    for char in url:
        if char in '<>| "' or not char.isprintable():
            out.append("".join(f"%{b:02X}" for b in char.encode("utf-8")))
        else:
            out.append(char)
    return slack_escape("".join(out))  # Slack decodes &amp; inside links too


def slack_link(url: str, label: str) -> str:
    """A mrkdwn link built by us; the label is plain (escaped) text when the URL is unusable."""
    text = _clip(_slack(label).replace("|", "¦"), _LABEL_BUDGET) or "link"
    target = _slack_url(url)
    return f"<{target}|{text}>" if target else text


def _slack_pieces(pieces: list[_Piece]) -> str:
    text = "".join(
        slack_link(p.url, p.label) if isinstance(p, _Link) else slack_escape(_squash(p))
        for p in pieces
    )
    return text.strip()


def _slack_evidence(evidence: Evidence, budget: int) -> str:
    before, mark, after = _split_evidence(evidence)
    mark_text = _clip(slack_escape(mark), budget // 4)
    side = (budget - len(mark_text)) // 2
    before_text = _clip_start(slack_escape(before), side)
    after_text = _clip(slack_escape(after), side)
    middle = f"*{mark_text}*" if mark_text else ""
    return f">{before_text}{middle}{after_text}"  # our own ">": a Slack quote


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SLACK_SECTION_LIMIT)}}


def _single_blocks(finding: Finding) -> list[dict[str, Any]]:
    fields = [
        {"type": "mrkdwn", "text": _clip(f"*{label}*\n{_slack_pieces(pieces)}", SLACK_FIELD_LIMIT)}
        for label, pieces in _details(finding)
    ][:SLACK_MAX_FIELDS]
    return [
        _section(f"*{_clip(_slack(finding.headline()), _HEADLINE_BUDGET)}*"),
        _section(_slack_evidence(finding.evidence, _EVIDENCE_BUDGET)),
        {"type": "section", "fields": fields},
    ]


def _digest_entry(finding: Finding) -> dict[str, Any]:
    article = finding.article
    lines = [
        f"*{_clip(_slack(finding.headline()), _HEADLINE_BUDGET)}*",
        _slack_evidence(finding.evidence, _DIGEST_EVIDENCE_BUDGET),
        f"{slack_link(article.url, article.title or article.url)} · {_slack(finding.watchlist)}",
    ]
    previous = _previous(finding)
    if previous is not None:
        lines.append(f"Previous: {_slack_pieces(previous)}")
    return _section("\n".join(lines))


def _digest_blocks(findings: tuple[Finding, ...], headline: str) -> list[dict[str, Any]]:
    blocks = [_section(f"*{_clip(slack_escape(headline), _HEADLINE_BUDGET)}*")]
    for shown, finding in enumerate(findings):
        # Two blocks per finding; keep one slot for the "more" note when something is left.
        if len(blocks) + 2 > SLACK_MAX_BLOCKS - (1 if shown < len(findings) - 1 else 0):
            rest = len(findings) - shown
            blocks.append(_section(f"{ELLIPSIS} and {rest} more findings, not shown here"))
            break
        blocks += [{"type": "divider"}, _digest_entry(finding)]
    return blocks


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Incoming-webhook body: ``text`` (notification fallback) and Block Kit ``blocks``."""
    findings = _findings(alert)
    headline = _headline(alert)
    if not alert.digest:
        return {
            "text": _clip(slack_escape(headline), SLACK_TEXT_LIMIT),
            "blocks": _single_blocks(findings[0]),
        }
    lines = [slack_escape(headline), *(_slack(f.headline()) for f in findings)]
    return {
        "text": _clip("\n".join(lines), SLACK_TEXT_LIMIT),
        "blocks": _digest_blocks(findings, headline),
    }


def slack_ops_payload(text: str) -> dict[str, Any]:
    """An operational message: escaped plain text, its own line breaks kept."""
    lines = [slack_escape(one_line(line)) for line in text.splitlines()] or [""]
    return {"text": _clip("\n".join(lines).strip() or "(empty message)", SLACK_TEXT_LIMIT)}


# ------------------------------------------------------------------------------------ text


def _text_pieces(pieces: list[_Piece]) -> str:
    text = "".join(
        f"{one_line(p.label)} <{one_line(p.url)}>" if isinstance(p, _Link) else _squash(p)
        for p in pieces
    )
    return text.strip()


def _text_evidence(evidence: Evidence) -> str:
    before, mark, after = _split_evidence(evidence)
    return f"{before}«{mark}»{after}" if mark else before


def _text_block(finding: Finding, indent: str = "") -> list[str]:
    rows = _details(finding)
    width = max(len(label) for label, _ in rows) + 1
    return [
        f"{indent}{_text_evidence(finding.evidence)}",
        "",
        *(f"{indent}{label + ':':<{width}} {_text_pieces(pieces)}" for label, pieces in rows),
    ]


def email_subject(alert: Alert) -> str:
    """The headline, one line, at most ``SUBJECT_LIMIT`` characters."""
    return _clip(header_safe(_headline(alert)), SUBJECT_LIMIT)


def email_ops_subject(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "operational message")
    return _clip(header_safe(f"Portwatch ops: {first}"), SUBJECT_LIMIT)


def email_text(alert: Alert) -> str:
    """The text/plain part: headline, then each finding's evidence («…») and details."""
    findings = _findings(alert)
    lines = [_headline(alert), ""]
    if not alert.digest:
        lines += _text_block(findings[0])
    else:
        for finding in findings:
            lines += [one_line(finding.headline()), *_text_block(finding, "    "), ""]
    return "\n".join(lines).rstrip() + "\n"


def console_text(alert: Alert) -> str:
    """A short block for a terminal: headline, evidence and link of each finding."""
    findings = _findings(alert)
    lines = [_headline(alert)] if alert.digest else []
    for finding in findings:
        lines += [
            one_line(finding.headline()),
            f"    {_text_evidence(finding.evidence)}",
            f"    {one_line(finding.article.url)}",
        ]
    return "\n".join(lines)


def console_ops_text(text: str) -> str:
    return "\n".join(f"[ops] {one_line(line)}" for line in text.splitlines() or [""])


# ------------------------------------------------------------------------------------ HTML


def _html_link(link: _Link) -> str:
    label = html.escape(one_line(link.label) or one_line(link.url))
    url = one_line(link.url)
    if not _is_web_url(url):
        return label
    return f'<a href="{html.escape(url, quote=True)}">{label}</a>'


def _html_pieces(pieces: list[_Piece]) -> str:
    text = "".join(
        _html_link(p) if isinstance(p, _Link) else html.escape(_squash(p)) for p in pieces
    )
    return text.strip()


def _html_evidence(evidence: Evidence) -> str:
    before, mark, after = _split_evidence(evidence)
    middle = f"<strong>{html.escape(mark)}</strong>" if mark else ""
    return f"{html.escape(before)}{middle}{html.escape(after)}"


def _html_finding(finding: Finding) -> list[str]:
    rows = [
        f'<tr><th align="left" valign="top">{html.escape(label)}</th>'
        f"<td>{_html_pieces(pieces)}</td></tr>"
        for label, pieces in _details(finding)
    ]
    return [
        f"<blockquote>{_html_evidence(finding.evidence)}</blockquote>",
        '<table cellpadding="4">',
        *rows,
        "</table>",
    ]


def email_html(alert: Alert) -> str:
    """The text/html part: the same content as ``email_text``, every string escaped."""
    findings = _findings(alert)
    headline = html.escape(_headline(alert))
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{headline}</title></head><body>",
        f"<h2>{headline}</h2>",
    ]
    if not alert.digest:
        parts += _html_finding(findings[0])
    else:
        for finding in findings:
            parts += ["<hr>", f"<h3>{html.escape(one_line(finding.headline()))}</h3>"]
            parts += _html_finding(finding)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------------------------ JSON


def alert_json(alert: Alert, sent_at: float) -> dict[str, Any]:
    """The console channel's JSON line: ``{channel, digest, headline, findings, sent_at}``.

    ``sent_at`` is unix time, like ``Finding.found_at``; ``extra`` appears when the alert has any.
    """
    findings = _findings(alert)
    record: dict[str, Any] = {
        "channel": alert.channel,
        "digest": alert.digest,
        "headline": alert.headline(),
        "findings": [f.to_json() for f in findings],
        "sent_at": sent_at,
    }
    if alert.extra:
        record["extra"] = alert.extra
    return record
