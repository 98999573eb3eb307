"""Article identity: one canonical URL, and one story key, however a story was reached.

``canonical_url`` lower-cases scheme and host, drops userinfo, default ports, fragments and
tracking parameters, resolves dot segments, and sorts and re-encodes the query (w3lib's
``canonicalize_url`` does the RFC 3986 part). ``article_url`` picks what identifies a fetched
page: its ``<link rel=canonical>``, else the URL after redirects, else the link followed.
``story_key`` hashes the canonical URL with http and https folded together.

Tracking parameters are a short explicit list, not a pattern: dropping a parameter that does
identify an article would merge two stories and lose an alert, which is worse than a duplicate.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = [
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "article_url",
    "canonical_url",
    "is_tracking_param",
    "story_key",
]

#: Query parameters that only say how a reader arrived (names compared lower-case).
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "igshid", "igsh", "li_fat_id", "mkt_tok", "_ga", "_gl",
        "_openstat", "ocid", "ncid", "cmpid", "cmp", "xtor", "s_cid", "smid", "sr_share",
        "ref_src", "ref_url", "soc_src", "soc_trk", "fb_action_ids", "fb_action_types",
        "fb_ref", "fb_source", "action_object_map", "action_type_map", "action_ref_map",
    }
)  # fmt: skip

#: Prefixes of tracking parameter families (utm_source, pk_campaign, at_medium ...).
TRACKING_PREFIXES: tuple[str, ...] = (
    "utm_", "mtm_", "pk_", "hsa_", "_hs", "oly_", "vero_", "mc_", "itm_", "stm_", "ns_", "at_",
)  # fmt: skip

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True for a query parameter that is tracking, not content."""
    key = name.strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL; raises ``ValueError`` for anything else.

    Idempotent: ``canonical_url(canonical_url(u)) == canonical_url(u)``.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"no host in URL: {url!r}")
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"bad port in URL: {url!r}") from None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in pairs if not is_tracking_param(k)])
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    # Percent-encoding, dot segments, IDNA host and query order: w3lib's job.
    return canonicalize_url(rebuilt, keep_fragments=False)


def article_url(url: str, final_url: str | None = None, canonical_link: str | None = None) -> str:
    """The canonical URL that identifies an article.

    ``canonical_link`` is the page's ``<link rel=canonical href>`` (may be relative to the final
    URL); it wins when it is a usable http(s) URL. Otherwise the URL after redirects, otherwise
    the URL that was followed.
    """
    base = final_url or url
    if canonical_link and canonical_link.strip():
        try:
            return canonical_url(urljoin(base, canonical_link.strip()))
        except ValueError:
            pass  # a broken canonical link is ignored, not fatal
    return canonical_url(base)


def story_key(url: str) -> str:
    """A stable hex key for the story at ``url`` (sha256 of its canonical URL, http ≡ https)."""
    canonical = canonical_url(url)
    if canonical.startswith("http://"):
        canonical = "https://" + canonical[len("http://") :]
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
