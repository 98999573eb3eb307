"""Feed parsing: entries from RSS and Atom bytes, and hostile feeds that fail alone, safely."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import FeedError
from pipeline.feeds import MAX_FEED_BYTES, FeedItem, decode_feed, html_to_text, parse_feed
from tests.servers import LocalServer, forbid_foreign_connections, network_audit, send_bytes

FEEDS = Path(__file__).parent / "data" / "feeds"
BASE = "https://news.example.org/feed.xml"
HOSTILE = ["billion-laughs.xml", "quadratic-blowup.xml", "xxe-file.xml", "xxe-http.xml"]


@pytest.fixture(autouse=True)
def _stay_on_this_machine() -> Iterator[None]:
    with forbid_foreign_connections():
        yield


def feed(name: str, **placeholders: str) -> bytes:
    text = (FEEDS / name).read_bytes()
    for key, value in placeholders.items():
        text = text.replace(f"@{key}@".encode(), value.encode())
    return text


# -- ordinary feeds -------------------------------------------------------------------------------


def test_rss_items_come_out_in_order_with_absolute_links_and_utc_dates() -> None:
    items = parse_feed(feed("harbour-gazette.rss.xml"), BASE)
    assert [i.title for i in items] == [
        "Home Secretary tours the fenced Coquelles terminal",
        "Belgian and Dutch ports brace for displacement",
        "Night-time attempts fall at the tunnel",
    ]
    first, second, third = items
    assert first.link == (
        "https://news.example.org/2015/08/calais-fence?utm_source=rss&utm_medium=feed"
    )
    assert first.published == "2015-08-21T09:00:00+00:00"  # +0100 in the feed
    assert first.guid == "harbour-gazette-1001"
    assert second.link == "https://news.example.org/2015/08/zeebrugge-hook-of-holland"
    assert third.published is None
    assert third.guid == third.link


def test_entry_without_any_link_is_skipped() -> None:
    titles = [i.title for i in parse_feed(feed("harbour-gazette.rss.xml"), BASE)]
    assert "An entry with nothing to fetch" not in titles


def test_summaries_are_plain_text_with_entities_decoded() -> None:
    first, second, _ = parse_feed(feed("harbour-gazette.rss.xml"), BASE)
    assert first.summary == (
        "A new 2 km fence now rings the freight terminal near Calais.\n"
        "Officials name Dunkirk as the next port to watch."
    )
    assert "&amp;" not in second.summary and "at risk & under review" in second.summary


def test_atom_entries_resolve_links_against_xml_base_and_read_content() -> None:
    first, second = parse_feed(feed("channel-watch.atom.xml"), "https://watch.example.net/atom")
    assert first == FeedItem(
        title="Joint command centre to target smuggling gangs",
        link="https://watch.example.net/stories/command-centre.html",
        published="2015-08-20T16:45:00+00:00",
        summary="British and French police will share one control room, led by two senior commanders.",
        guid="urn:uuid:entry-1",
    )
    assert second.published == "2015-08-21T08:15:00+00:00"  # only <updated>
    assert second.summary == "Paris seeks £1.7 million from EU funds."  # script dropped


def test_empty_but_valid_feed_has_no_items() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert parse_feed(body, BASE) == []


def test_utf16_feed_with_bom_is_read() -> None:
    text = (
        feed("harbour-gazette.rss.xml")
        .decode("utf-8")
        .replace('encoding="utf-8"', 'encoding="utf-16"')
    )
    items = parse_feed(text.encode("utf-16"), BASE)
    assert len(items) == 3


def test_latin1_feed_declared_in_its_xml_declaration_is_read() -> None:
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Caf\u00e9 at the port of Brest</title><link>https://n.example/brest</link></item>"
        "</channel></rss>"
    ).encode("iso-8859-1")
    assert parse_feed(body, BASE)[0].title == "Café at the port of Brest"


@pytest.mark.parametrize("name", ["bogus-encoding.rss.xml", "rot13-encoding.rss.xml"])
def test_bogus_declared_encoding_is_re_decoded_safely(name: str) -> None:
    items = parse_feed(feed(name), BASE)
    assert len(items) == 1
    assert items[0].link.startswith("https://news.example.org/")


def test_http_charset_wins_over_a_wrong_declaration() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Gda\u0144sk</title><link>https://n.example/g</link></item></channel></rss>"
    ).encode("iso-8859-2")
    items = parse_feed(body, BASE, content_type="application/rss+xml; charset=iso-8859-2")
    assert items[0].title == "Gdańsk"


def test_external_dtd_reference_is_cut_out_and_never_fetched() -> None:
    with LocalServer({"/rss-0.91.dtd": send_bytes(b"<!ENTITY x 'y'>")}) as server:
        items = parse_feed(feed("external-dtd.rss.xml", SERVER=server.authority), BASE)
    assert [i.title for i in items] == ["Ostend ferry checks tightened"]
    assert server.connections == 0


# -- broken and hostile feeds ---------------------------------------------------------------------


@pytest.mark.parametrize("name", [*HOSTILE, "xxe-parameter-entity.xml"])
def test_entity_declarations_refuse_the_feed_quickly_and_clearly(name: str) -> None:
    started = time.monotonic()
    with pytest.raises(FeedError) as caught:
        parse_feed(feed(name, SECRET_PATH="/nonexistent", SERVER="127.0.0.1:9"), BASE)
    assert time.monotonic() - started < 0.5
    assert str(caught.value).startswith(f"feed {BASE}: declares XML entities")


def test_xxe_file_entity_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    with network_audit(files=True) as events, pytest.raises(FeedError):
        parse_feed(feed("xxe-file.xml", SECRET_PATH=str(secret)), BASE)
    assert not [e for e in events if e[0] == "open" and str(secret) in str(e[1][0])]


@pytest.mark.parametrize("name", ["xxe-http.xml", "xxe-parameter-entity.xml"])
def test_xxe_http_entity_opens_no_connection(name: str) -> None:
    routes = {"/xxe-target": send_bytes(b"LEAKED"), "/evil.dtd": send_bytes(b"")}
    with LocalServer(routes) as server, network_audit() as events, pytest.raises(FeedError):
        parse_feed(feed(name, SERVER=server.authority), BASE)
    assert server.connections == 0
    assert events == []


@pytest.mark.parametrize(
    "doctype",
    [
        '<!doctype rss [<!entity a "aaaaaaaaaa">]>',  # lower case, for the lenient parser
        '<!DOCTYPE rss [ <!ENTITY\n a "aaaaaaaaaa" > ]>',
        '<!DOCTYPE rss [<! ENTITY a "aaaaaaaaaa">]>',
    ],
)
def test_entity_declarations_in_any_spelling_are_refused(doctype: str) -> None:
    body = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>&a;</title></channel></rss>'
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(body.encode(), BASE)


def test_entity_bomb_hidden_in_utf16_is_refused() -> None:
    text = feed("billion-laughs.xml").decode("ascii").replace('<?xml version="1.0"?>', "")
    body = b'<?xml version="1.0" encoding="utf-16"?>' + text.encode("utf-16-le")
    with pytest.raises(FeedError):
        parse_feed(body, BASE)
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(text.encode("utf-16"), BASE)


def test_quadratic_blowup_is_refused_before_feedparser_expands_it() -> None:
    body = feed("quadratic-blowup.xml")
    assert b"<!ENTITY a\n" in body  # the multi-line form feedparser's own check misses
    started = time.monotonic()
    with pytest.raises(FeedError):
        parse_feed(body, BASE)
    assert time.monotonic() - started < 0.5


def test_doctype_that_cannot_be_cut_out_cleanly_is_refused() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE rss [<!ATTLIST x y "]">]><rss version="2.0"/>'
    with pytest.raises(FeedError, match="DOCTYPE"):
        parse_feed(body, BASE)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "empty body"),
        (b"   \n", "empty body"),
        (feed("not-a-feed.html"), "not an RSS or Atom feed"),
        (b"\x00\x01\x02\x03garbage\xff\xfe", "not"),
        (b"<rss><channel><title>unterminated", "not an RSS or Atom feed"),
    ],
)
def test_unreadable_feed_is_one_clear_feed_error_naming_the_feed(body: bytes, problem: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, BASE)
    assert str(caught.value).startswith(f"feed {BASE}: ")
    assert problem in str(caught.value)


def test_oversized_feed_is_refused_before_parsing() -> None:
    body = feed("harbour-gazette.rss.xml")
    started = time.monotonic()
    with pytest.raises(FeedError, match="larger than 1000 bytes"):
        parse_feed(body, BASE, max_bytes=1000)
    with pytest.raises(FeedError, match="larger than"):
        parse_feed(b"<!" * (MAX_FEED_BYTES // 2 + 1), BASE)  # would take feedparser seconds
    assert time.monotonic() - started < 0.5


def test_many_doctypes_are_cut_out_in_linear_time() -> None:
    item = b"<item><title>a</title><link>https://n.example/a</link></item>"
    body = b'<rss version="2.0"><channel>' + b"<!DOCTYPE x>" * 100_000 + item + b"</channel></rss>"
    started = time.monotonic()
    assert len(parse_feed(body, BASE)) == 1
    assert time.monotonic() - started < 3
    with pytest.raises(FeedError, match="DOCTYPE"):
        parse_feed(b'<rss version="2.0">' + b"<!DOCTYPE" * 200_000, BASE)


def test_a_path_in_the_body_is_never_opened_as_a_file(tmp_path: Path) -> None:
    # Given bytes or a str, feedparser.parse would try open() on them; parse_feed must not.
    secret = tmp_path / "feed-on-disk.xml"
    secret.write_bytes(feed("harbour-gazette.rss.xml"))
    with network_audit(files=True) as events, pytest.raises(FeedError):
        parse_feed(str(secret).encode(), BASE)
    assert not [e for e in events if e[0] == "open" and str(secret) in str(e[1][0])]


def test_a_url_in_the_body_is_never_fetched() -> None:
    routes = {"/feed.xml": send_bytes(feed("harbour-gazette.rss.xml"))}
    with LocalServer(routes) as server, network_audit() as events, pytest.raises(FeedError):
        parse_feed(server.url("/feed.xml").encode(), BASE)
    assert server.connections == 0
    assert events == []


def test_hostile_feed_fails_alone() -> None:
    results: dict[str, int | str] = {}
    for name in ["harbour-gazette.rss.xml", *HOSTILE, "channel-watch.atom.xml"]:
        try:
            results[name] = len(
                parse_feed(feed(name, SECRET_PATH="/x", SERVER="127.0.0.1:9"), BASE)
            )
        except FeedError:
            results[name] = "refused"
    assert results == {
        "harbour-gazette.rss.xml": 3,
        "billion-laughs.xml": "refused",
        "quadratic-blowup.xml": "refused",
        "xxe-file.xml": "refused",
        "xxe-http.xml": "refused",
        "channel-watch.atom.xml": 2,
    }


# -- helpers --------------------------------------------------------------------------------------


def test_decode_feed_prefers_bom_then_charset_then_declaration() -> None:
    assert decode_feed("\ufeff<rss/>".encode("utf-16-le"), BASE) == "<rss/>"
    latin = '<?xml version="1.0" encoding="latin-1"?><t>é</t>'.encode("latin-1")
    assert decode_feed(latin, BASE).endswith("<t>é</t>")
    assert (
        decode_feed("<t>é</t>".encode("cp1252"), BASE, "text/xml; charset=windows-1252")
        == "<t>é</t>"
    )


def test_html_to_text_keeps_blocks_drops_tags_and_scripts() -> None:
    assert html_to_text("<p>One <b>two</b></p><script>x()</script><p>three&nbsp;four</p>") == (
        "One two\nthree four"
    )
    assert html_to_text("  plain   text  ") == "plain text"
