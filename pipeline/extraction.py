"""Fetched page bytes to an ``Article``: the story's own text, title, date, language, identity.

trafilatura extracts from the bytes already fetched by the guarded client (it is never handed a
URL to fetch; ``url`` is only metadata). Comments, tables, links and images are left out and
precision is favoured, because only the article's own text is coverage: reader comments,
related-links boxes, cookie banners, navigation and sponsored blocks must not produce ports or
figures. A page that cannot be fetched or yields too little text falls back to the feed entry's
summary, and the article says so (``from_summary``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from pipeline.errors import ExtractionError
from pipeline.feeds import FeedItem
from pipeline.fetching import FetchResult
from pipeline.urls import article_url, story_key

__all__ = [
    "MIN_TEXT_CHARS",
    "Article",
    "Page",
    "extract_article",
    "extract_page",
    "summary_article",
]

#: Less extracted text than this is not an article (an app shell, a consent wall, a stub).
MIN_TEXT_CHARS = 80

_LANG_RE = re.compile(r"[A-Za-z]{2,3}")


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: the link followed, where it ended up, and the decoded body bytes."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    body: bytes

    @classmethod
    def from_fetch(cls, result: FetchResult) -> Page:
        return cls(result.url, result.final_url, result.status, result.content_type, result.body)


@dataclass(frozen=True, slots=True)
class Article:
    """One story as Portwatch assesses it.

    ``canonical_url`` and ``story_key`` identify the story however it was reached;
    ``content_hash`` identifies its text. ``published`` is ISO 8601 (a date, or a date and time
    with offset) or None; ``language`` an ISO 639 code from the page's markup, or None.
    """

    url: str
    final_url: str
    canonical_url: str
    story_key: str
    title: str
    text: str
    published: str | None
    language: str | None
    from_summary: bool
    content_hash: str


def extract_page(page: Page, feed_item: FeedItem | None = None) -> Article:
    """``extract_article`` for a ``Page``."""
    return extract_article(page.body, page.url, page.final_url, feed_item)


def extract_article(
    page_bytes: bytes | None,
    url: str,
    final_url: str | None = None,
    feed_item: FeedItem | None = None,
) -> Article:
    """Extract the article in ``page_bytes`` (fetched from ``url``, ending at ``final_url``).

    ``page_bytes`` None means the page could not be fetched. Without usable page text the feed
    entry's summary is used (``from_summary=True``); with neither, ``ExtractionError``.
    """
    final = final_url or url
    tree = _load(page_bytes)
    if tree is None:
        return summary_article(url, feed_item, final_url=final)
    canonical = article_url(url, final, _canonical_link(tree))
    language = _language(tree)
    document = _extract(tree, final)
    text = _tidy(document.text) if document is not None else ""
    if document is None or len(text) < MIN_TEXT_CHARS:
        return summary_article(
            url, feed_item, final_url=final, canonical=canonical, language=language
        )
    title = _page_title(tree) or (feed_item.title if feed_item else "")
    published = _page_date(tree) or (feed_item.published if feed_item else None)
    return Article(
        url=url,
        final_url=final,
        canonical_url=canonical,
        story_key=story_key(canonical),
        title=" ".join(title.split()),
        text=text,
        published=published or (feed_item.published if feed_item else None),
        language=language,
        from_summary=False,
        content_hash=_content_hash(text),
    )


def summary_article(
    url: str,
    feed_item: FeedItem | None,
    *,
    final_url: str | None = None,
    canonical: str | None = None,
    language: str | None = None,
) -> Article:
    """The article made from the feed entry alone (the page failed or had no text)."""
    text = _tidy(feed_item.summary if feed_item else None)
    if feed_item is None or not text:
        raise ExtractionError(f"{url}: no article text on the page and no feed summary")
    canonical = canonical or article_url(url, final_url)
    return Article(
        url=url,
        final_url=final_url or url,
        canonical_url=canonical,
        story_key=story_key(canonical),
        title=feed_item.title,
        text=text,
        published=feed_item.published,
        language=language,
        from_summary=True,
        content_hash=_content_hash(text),
    )


def _load(page_bytes: bytes | None) -> HtmlElement | None:
    if not page_bytes or not page_bytes.strip():
        return None
    try:
        tree = trafilatura.load_html(page_bytes)
    except (ValueError, TypeError, etree.LxmlError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


def _extract(tree: HtmlElement, final_url: str) -> trafilatura.settings.Document | None:
    try:
        document = trafilatura.bare_extraction(
            tree,  # a parsed tree: trafilatura copies it and fetches nothing
            url=final_url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_links=False,
            include_images=False,
            # Title and date are read from the page's own tags (below) at a fraction of the
            # cost: trafilatura's metadata pass took more than half of the extraction time.
            with_metadata=False,
        )
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        return None
    return document if isinstance(document, trafilatura.settings.Document) else None


_TITLE_KEYS = ("og:title", "twitter:title", "dc.title")
_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date",
    "sailthru.date",
)  # fmt: skip
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def _meta(tree: HtmlElement, keys: tuple[str, ...]) -> str | None:
    """The content of the first meta tag named by ``keys`` (in their order of preference)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key in keys and content:
            found.setdefault(key, content)
    return next((found[k] for k in keys if k in found), None)


def _page_title(tree: HtmlElement) -> str | None:
    """og:title, else <title> without its " | Site" suffix, else the first <h1>."""
    title = _meta(tree, _TITLE_KEYS)
    if not title:
        node = tree.find(".//title")
        text = node.text_content().strip() if node is not None else ""
        title = _TITLE_SUFFIX.sub("", text) if text else None
    if not title:
        heading = tree.find(".//h1")
        title = heading.text_content().strip() if heading is not None else None
    return " ".join(title.split()) if title else None


def _page_date(tree: HtmlElement) -> str | None:
    """The publication date from meta tags or the first <time datetime>, as ISO 8601."""
    value = _meta(tree, _DATE_KEYS)
    if value is None:
        node = tree.find(".//time[@datetime]")
        value = node.get("datetime") if node is not None else None
    return _iso_date(value)


def _canonical_link(tree: HtmlElement) -> str | None:
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = str(link.get("href") or "").strip()
        if "canonical" in rel and href:
            return href
    return None


def _language(tree: HtmlElement) -> str | None:
    """The page's declared language: <html lang>, Content-Language meta, or og:locale."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value:
            primary = re.split(r"[-_,;\s]", value.strip(), maxsplit=1)[0]
            if _LANG_RE.fullmatch(primary):
                return primary.lower()
    return None


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed_iso = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed_iso = None
    if parsed_iso is not None:
        if parsed_iso.tzinfo is None and parsed_iso.time() == datetime.min.time():
            return parsed_iso.date().isoformat()
        return parsed_iso.isoformat()
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None and parsed.time() == datetime.min.time():
            return parsed.date().isoformat()  # a date alone, not midnight
        return parsed.isoformat()
    return None


def _tidy(text: str | None) -> str:
    if not text:
        return ""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
