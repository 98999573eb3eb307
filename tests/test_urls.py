"""Article identity: canonical URLs and story keys."""

from __future__ import annotations

import pytest

from pipeline.urls import article_url, canonical_url, is_tracking_param, story_key


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example.ORG/a", "https://news.example.org/a"),
        ("https://news.example.org", "https://news.example.org/"),
        ("http://news.example.org:80/a", "http://news.example.org/a"),
        ("https://news.example.org:443/a", "https://news.example.org/a"),
        ("https://news.example.org:8443/a", "https://news.example.org:8443/a"),
        ("https://news.example.org./a", "https://news.example.org/a"),
        ("https://news.example.org/a#comments", "https://news.example.org/a"),
        ("https://news.example.org/a/./b/../c", "https://news.example.org/a/c"),
        ("https://news.example.org/caf%c3%a9", "https://news.example.org/caf%C3%A9"),
        ("https://news.example.org/café", "https://news.example.org/caf%C3%A9"),
        ("https://news.example.org/%7euser", "https://news.example.org/~user"),
        ("https://user:pw@news.example.org/a", "https://news.example.org/a"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://news.example.org/a?b=2&a=1", "https://news.example.org/a?a=1&b=2"),
        ("https://news.example.org/a?page=", "https://news.example.org/a?page="),
        ("  https://news.example.org/a  ", "https://news.example.org/a"),
    ],
)
def test_canonical_url_normalises_the_parts_that_do_not_change_the_resource(
    url: str, canonical: str
) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=rss&utm_medium=feed&utm_campaign=x&utm_content=y&utm_term=z",
        "fbclid=IwAR0abc",
        "gclid=Cj0KCQ",
        "msclkid=123&dclid=4&yclid=5",
        "mc_cid=1&mc_eid=2",
        "_ga=2.1.2.3&_gl=1*abc",
        "igshid=xyz&twclid=q",
        "at_medium=custom7&at_campaign=64",
        "CMP=share_btn_tw",
        "pk_campaign=a&pk_kwd=b",
    ],
)
def test_tracking_parameters_are_removed(query: str) -> None:
    assert canonical_url(f"https://news.example.org/a?{query}") == "https://news.example.org/a"


def test_content_parameters_are_kept_even_when_they_look_like_tracking() -> None:
    # Dropping one of these would merge two different articles: worse than a duplicate.
    url = "https://news.example.org/story.php?id=7&article_uid=9&source=rss&ref=home&page=2"
    assert canonical_url(url) == (
        "https://news.example.org/story.php?article_uid=9&id=7&page=2&ref=home&source=rss"
    )
    assert not is_tracking_param("id")
    assert is_tracking_param("UTM_Source")


def test_canonical_url_is_idempotent() -> None:
    urls = [
        "HTTP://News.Example.ORG:80/a/../b/?utm_source=x&q=a+b&z=%2F#frag",
        "https://bücher.example/ü?ä=ö",
        "https://news.example.org/a?x=1&x=2",
    ]
    for url in urls:
        once = canonical_url(url)
        assert canonical_url(once) == once


@pytest.mark.parametrize(
    "url",
    ["ftp://news.example.org/a", "file:///etc/passwd", "/relative/path", "https://", "mailto:x@y"],
)
def test_canonical_url_refuses_what_is_not_an_http_url(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)


def test_article_url_prefers_rel_canonical_then_final_url_then_the_link() -> None:
    link = "https://news.example.org/r/123?utm_source=rss"
    final = "https://news.example.org/2015/08/calais-fence?utm_medium=social#top"
    assert article_url(link) == "https://news.example.org/r/123"
    assert article_url(link, final) == "https://news.example.org/2015/08/calais-fence"
    assert (
        article_url(link, final, "/2015/08/calais-fence-story?utm_source=canonical")
        == "https://news.example.org/2015/08/calais-fence-story"
    )


def test_article_url_ignores_a_broken_or_non_http_canonical_link() -> None:
    final = "https://news.example.org/a"
    assert article_url(final, final, "javascript:void(0)") == final
    assert article_url(final, final, "   ") == final
    assert article_url(final, final, "https://news.example.org:99999/x") == final


def test_the_same_story_reached_by_three_links_has_one_key() -> None:
    via_feed = "http://News.Example.org/2015/08/calais-fence?utm_source=rss&utm_medium=feed"
    via_social = "https://news.example.org:443/2015/08/calais-fence?fbclid=IwAR0#comments"
    via_redirect = article_url(
        "https://short.example/x1", final_url="https://news.example.org/2015/08/calais-fence"
    )
    keys = {story_key(via_feed), story_key(via_social), story_key(via_redirect)}
    assert len(keys) == 1
    assert len(keys.pop()) == 64


def test_different_stories_have_different_keys() -> None:
    assert story_key("https://news.example.org/a") != story_key("https://news.example.org/b")
    assert story_key("https://news.example.org/a?id=1") != story_key(
        "https://news.example.org/a?id=2"
    )
