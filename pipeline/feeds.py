"""Feed bytes to ``FeedItem`` values, safely.

feedparser is only ever handed bytes in a ``BytesIO`` (given a plain string or bytes it may open
a file or a URL). Before it sees them, the bytes are decoded here (BOM, UTF-16/32, the XML
declaration, the HTTP charset), any ``<!ENTITY`` declaration refuses the whole feed (billion
laughs, quadratic blowup and external entities all need one: feedparser would expand internal
entities itself), and every DOCTYPE is cut out (so no external DTD is ever fetched). The cleaned
text goes to feedparser as UTF-8. A hostile or unreadable feed raises ``FeedError`` naming the
feed and the problem; it never affects another feed.
"""

from __future__ import annotations

import calendar
import codecs
import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from pipeline.errors import FeedError

__all__ = ["MAX_FEED_BYTES", "FeedItem", "decode_feed", "harden_feed", "html_to_text", "parse_feed"]

#: Largest feed parsed. News feeds are far smaller; feedparser's lenient parser runs at about
#: half a megabyte a second on hostile markup, so this also bounds the time one feed can take.
MAX_FEED_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry: ``link`` is absolute http(s); ``published`` is ISO 8601 (UTC) or None."""

    title: str
    link: str
    published: str | None
    summary: str
    guid: str


_ENTITY_RE = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_DOCTYPE_START_RE = re.compile(r"<!\s*DOCTYPE", re.IGNORECASE)
_SUBSET_CLOSE_RE = re.compile(r"\s*>")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*?\?>")
_DECLARED_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# "<?" in encodings that are not ASCII-compatible, for documents without a BOM.
_WIDE_MARKERS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)


def parse_feed(
    body: bytes,
    base_url: str,
    *,
    content_type: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
) -> list[FeedItem]:
    """Parse RSS/Atom ``body`` fetched from ``base_url`` into items, in feed order.

    Entries without an http(s) link are skipped (nothing to fetch or identify). A feed that is
    broken but yielded entries returns what could be read; one that yields nothing readable,
    is larger than ``max_bytes``, or is hostile, raises ``FeedError``.
    """
    if len(body) > max_bytes:
        raise FeedError(f"feed {base_url}: larger than {max_bytes} bytes")
    text = harden_feed(decode_feed(body, base_url, content_type), base_url)
    try:
        # BytesIO: feedparser treats a str or bytes argument as a possible path or URL.
        parsed = feedparser.parse(
            io.BytesIO(text.encode("utf-8")),
            response_headers={
                "content-type": "application/xml; charset=utf-8",
                "content-location": base_url,
            },
            resolve_relative_uris=True,
            sanitize_html=True,
        )
    except (LookupError, ValueError, TypeError, RecursionError) as exc:
        raise FeedError(f"feed {base_url}: unreadable ({type(exc).__name__}: {exc})") from None
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        # Broken and nothing read from it: an error, not "no news" (a valid empty feed is []).
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise FeedError(f"feed {base_url}: not an RSS or Atom feed{detail}")
    items = (_item(entry, base_url) for entry in entries)
    return [item for item in items if item is not None]


def decode_feed(body: bytes, base_url: str, content_type: str | None = None) -> str:
    """Bytes to text: BOM first, then UTF-16/32 sniffing, HTTP charset, XML declaration, UTF-8.

    A declared encoding that is unknown, not a text encoding, or wrong falls back to UTF-8 and
    then windows-1252 (with replacement), so a mislabelled feed still reads; only bytes that
    are not text at all raise ``FeedError``.
    """
    if not body.strip():
        raise FeedError(f"feed {base_url}: empty body")
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _decode(body[len(bom) :], [encoding], base_url)
    for marker, encoding in _WIDE_MARKERS:
        if body.startswith(marker):
            return _decode(body, [encoding], base_url)
    candidates = []
    if content_type:
        match = _CHARSET_RE.search(content_type)
        if match:
            candidates.append(match[1])
    declared = _DECLARED_ENCODING_RE.match(body)
    if declared:
        candidates.append(declared[1].decode("ascii"))
    return _decode(body, [*candidates, "utf-8", "windows-1252"], base_url)


def _decode(body: bytes, encodings: list[str], base_url: str) -> str:
    for name in encodings:
        try:
            text = body.decode(name)
        except (LookupError, ValueError):  # unknown, not a text encoding (rot13 …), or wrong
            continue
        if "\x00" in text:
            continue  # a wide encoding guessed wrong
        return text
    text = body.decode("utf-8", errors="replace")
    if text.count("\x00") > len(text) // 10:
        raise FeedError(f"feed {base_url}: body is not text in any known encoding")
    return text.replace("\x00", "")


def harden_feed(text: str, base_url: str) -> str:
    """Refuse entity declarations; cut out DOCTYPEs; restate the declaration as UTF-8."""
    if _ENTITY_RE.search(text):
        raise FeedError(
            f"feed {base_url}: declares XML entities (<!ENTITY>); refused as a possible "
            "entity bomb or external-entity attack"
        )
    kept: list[str] = []
    position = 0
    while match := _DOCTYPE_START_RE.search(text, position):
        end = _doctype_end(text, match.end())
        if end is None:
            raise FeedError(f"feed {base_url}: DOCTYPE that cannot be safely removed")
        kept.append(text[position : match.start()])
        position = end
    kept.append(text[position:])
    text = _XML_DECL_RE.sub("", "".join(kept), count=1)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text.lstrip()


def _doctype_end(text: str, start: int) -> int | None:
    """Where the DOCTYPE whose keyword ends at ``start`` ends, or None if unclear.

    With no entity declarations left, an internal subset ``[...]`` holds no ``]`` except
    inside odd quoting; such a DOCTYPE is refused rather than guessed at. ``str.find`` keeps
    this linear however many DOCTYPEs a hostile body repeats.
    """
    close = text.find(">", start)
    bracket = text.find("[", start, close)
    if close == -1:
        return None
    if bracket == -1 or close < bracket:
        return close + 1
    subset_end = text.find("]", bracket)
    if subset_end == -1:
        return None
    after = _SUBSET_CLOSE_RE.match(text, subset_end + 1)
    return after.end() if after else None


def _item(entry: Any, base_url: str) -> FeedItem | None:
    link = _link(entry, base_url)
    if link is None:
        return None
    title = html_to_text(str(entry.get("title") or ""))
    summary_html = str(entry.get("summary") or "")
    if not summary_html and entry.get("content"):
        summary_html = str(entry["content"][0].get("value") or "")
    guid = str(entry.get("id") or entry.get("guid") or link)
    return FeedItem(
        title=title,
        link=link,
        published=_published(entry),
        summary=html_to_text(summary_html),
        guid=guid.strip() or link,
    )


def _link(entry: Any, base_url: str) -> str | None:
    candidates = [entry.get("link")]
    links = entry.get("links") or []
    candidates += [ln.get("href") for ln in links if ln.get("rel") == "alternate"]
    candidates.append(entry.get("id"))
    for candidate in candidates:
        if not candidate or not isinstance(candidate, str):
            continue
        absolute = urljoin(base_url, candidate.strip())
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.hostname:
            return absolute
    return None


def _published(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                stamp = calendar.timegm(value)  # feedparser's tuples are UTC
                return datetime.fromtimestamp(stamp, UTC).isoformat()
            except (OverflowError, ValueError, OSError):
                continue
    return None


class _TextCollector(HTMLParser):
    """Text of an HTML fragment: tags dropped, blocks on their own lines, no script or style."""

    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "blockquote"}
    )
    _SKIPPED = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML (or plain-text) fragment, whitespace tidied."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)
