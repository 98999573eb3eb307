"""Extraction: only the article's own text is coverage; the feed summary when there is none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import ExtractionError
from pipeline.extraction import Article, Page, extract_article, extract_page, summary_article
from pipeline.feeds import FeedItem
from pipeline.fetching import FetchPolicy, GuardedClient
from pipeline.urls import story_key
from tests.servers import (
    LocalServer,
    forbid_foreign_connections,
    network_audit,
    redirect,
    send_bytes,
    send_gzip,
)

PAGES = Path(__file__).parent / "data" / "pages"
CALAIS = (PAGES / "calais-crackdown.html").read_bytes()
ZEEBRUGGE = (PAGES / "zeebrugge-inline-boilerplate.html").read_bytes()
SHELL = (PAGES / "app-shell.html").read_bytes()
DUTCH = (PAGES / "haven-nl.html").read_bytes()
LINK = "https://news.example.org/2015/08/calais-fence?utm_source=rss&utm_medium=feed"
ITEM = FeedItem(
    title="Home Secretary tours the fenced Coquelles terminal",
    link=LINK,
    published="2015-08-21T09:00:00+00:00",
    summary="A new 2 km fence now rings the freight terminal near Calais. Dunkirk is next.",
    guid="harbour-gazette-1001",
)

# Words that appear only in the boilerplate of the sample pages, never in their articles.
CALAIS_BOILERPLATE = [
    "cookies", "World", "Ports desk", "Brest",  # banner and navigation
    "Cherbourg", "Rosslare", "Bilbao", "Related stories",  # related-links sidebar
    "Le Havre", "Sponsored",  # sponsored box
    "Rotterdam", "Ostend", "Santander", "harbourwatcher", "comments",  # reader comments
    "Privacy policy",  # footer
]  # fmt: skip
ZEEBRUGGE_BOILERPLATE = [
    "cookies", "Got it", "Antwerp", "Ghent", "You may also like", "Vlissingen", "Advertisement",
    "Share on Facebook", "Harwich", "Immingham", "Leave a Reply", "Tilbury", "Recent Posts",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _stay_on_this_machine() -> Iterator[None]:
    with forbid_foreign_connections():
        yield


def test_article_text_title_date_language_and_canonical_come_from_the_page() -> None:
    article = extract_article(CALAIS, LINK, "https://news.example.org/2015/08/calais-fence")
    assert article.title == "Fence and joint police unit as Calais pressure shifts"
    assert article.published == "2015-08-21T10:00:00+01:00"
    assert article.language == "en"
    assert article.canonical_url == "https://news.example.org/2015/08/calais-fence"
    assert article.story_key == story_key(article.canonical_url)
    assert not article.from_summary
    for fact in ["Coquelles", "1.5 kilometres", "roughly 150", "2,000", "Dunkirk", "Zeebrugge",
                 "Hook of Holland", "5,000", "£1.7 million"]:  # fmt: skip
        assert fact in article.text


@pytest.mark.parametrize("word", CALAIS_BOILERPLATE)
def test_comments_sidebars_banners_navigation_and_sponsored_boxes_are_not_coverage(
    word: str,
) -> None:
    article = extract_article(CALAIS, LINK)
    assert word not in article.text


@pytest.mark.parametrize("word", ZEEBRUGGE_BOILERPLATE)
def test_boilerplate_inside_the_article_element_is_not_coverage_either(word: str) -> None:
    article = extract_article(ZEEBRUGGE, "https://coast.example.net/zeebrugge-checks")
    assert word not in article.text
    assert "Zeebrugge" in article.text and "30 people" in article.text


def test_page_declared_in_windows_1252_is_decoded_and_its_language_read() -> None:
    article = extract_article(DUTCH, "https://haven.example.nl/hoek")
    assert "België" in article.text
    assert "één dag" in article.text
    assert article.language == "nl"
    assert article.published == "2015-08-22"  # a date alone, not a made-up midnight


def test_page_without_article_text_falls_back_to_the_feed_summary() -> None:
    article = extract_article(SHELL, LINK, "https://news.example.org/app", ITEM)
    assert article.from_summary
    assert article.text == ITEM.summary
    assert article.title == ITEM.title
    assert article.published == ITEM.published
    assert article.canonical_url == "https://news.example.org/app"
    assert "JavaScript" not in article.text


def test_page_that_could_not_be_fetched_falls_back_to_the_feed_summary() -> None:
    article = extract_article(None, LINK, feed_item=ITEM)
    assert article.from_summary
    assert article.canonical_url == "https://news.example.org/2015/08/calais-fence"
    assert article == summary_article(LINK, ITEM)


@pytest.mark.parametrize("body", [None, b"", b"   ", SHELL, b"\x00\xff\xfe binary", b"<html>"])
def test_no_text_and_no_feed_item_is_an_extraction_error(body: bytes | None) -> None:
    with pytest.raises(ExtractionError, match="no article text"):
        extract_article(body, "https://news.example.org/empty")


def test_feed_item_with_an_empty_summary_cannot_stand_in() -> None:
    empty = FeedItem("t", LINK, None, "", "g")
    with pytest.raises(ExtractionError):
        extract_article(SHELL, LINK, feed_item=empty)


def test_feed_date_fills_in_when_the_page_has_none() -> None:
    page = b"<html><body><article><p>" + b"Checks at the port of Calais were stepped up. " * 8
    article = extract_article(page + b"</p></article></body></html>", LINK, feed_item=ITEM)
    assert not article.from_summary
    assert article.published == ITEM.published


def test_same_text_gives_the_same_content_hash_whatever_the_url() -> None:
    a = extract_article(CALAIS, LINK)
    b = extract_article(CALAIS, "https://mirror.example.com/copy")
    assert a.content_hash == b.content_hash
    assert a.content_hash != extract_article(ZEEBRUGGE, LINK).content_hash


def test_three_links_to_one_story_make_one_article_identity() -> None:
    routes = {
        "/2015/08/calais-fence": send_gzip(CALAIS),
        "/r/abc": redirect("/2015/08/calais-fence?fbclid=xyz"),
    }
    with LocalServer(routes) as server:
        policy = FetchPolicy(allow_hosts=frozenset({server.authority}))
        links = [
            server.url("/2015/08/calais-fence?utm_source=rss"),
            server.url("/2015/08/calais-fence#comments"),
            server.url("/r/abc"),
        ]
        with GuardedClient(policy) as client:
            articles = [extract_page(Page.from_fetch(client.get(link))) for link in links]
    # The page's rel=canonical names the public URL; all three agree on it.
    assert {a.canonical_url for a in articles} == {"https://news.example.org/2015/08/calais-fence"}
    assert len({a.story_key for a in articles}) == 1


def test_extraction_reads_no_url_and_opens_no_socket() -> None:
    with network_audit() as events:
        for body in (CALAIS, ZEEBRUGGE, SHELL, DUTCH):
            extract_article(body, "https://news.example.org/a", feed_item=ITEM)
    assert events == []


def test_page_value_carries_what_was_fetched() -> None:
    with LocalServer({"/a": send_bytes(CALAIS)}) as server:
        policy = FetchPolicy(allow_hosts=frozenset({server.authority}))
        with GuardedClient(policy) as client:
            page = Page.from_fetch(client.get(server.url("/a")))
    assert page.body == CALAIS
    assert page.status == 200
    assert page.content_type == "text/html; charset=utf-8"
    article = extract_page(page, ITEM)
    assert isinstance(article, Article)
    assert article.url == server.url("/a")
