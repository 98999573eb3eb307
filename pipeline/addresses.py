"""Host names and IP addresses: what a URL's host means, which addresses are public, who is allowed.

Three questions, answered without touching the network:

- ``parse_host``: is this host (as httpx spells it) an IP literal, a name, or a trick? Numeric
  forms other than plain dotted-decimal IPv4 (``2130706433``, ``0177.0.0.1``, ``0x7f.1``,
  ``127.1``) and IPv6 zone ids are refused rather than guessed, because resolvers disagree on them.
- ``address_problem``: why an address is not a public unicast address (``None`` when it is).
- ``is_allowed``: whether a host and port are on the operator's allow-list
  (``PORTWATCH_ALLOW_HOSTS``), which lifts only the public-address rule.

Refusals raise ``AddressRefused``; the guarded client turns it into ``URLRefused`` with the URL.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

__all__ = [
    "METADATA_HOSTS",
    "AddressRefused",
    "IPAddress",
    "address_problem",
    "check_address",
    "is_allowed",
    "is_metadata_host",
    "normalise_host",
    "parse_allow_hosts",
    "parse_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud instance-metadata endpoints, refused by name before any lookup (and by address too).
METADATA_HOSTS: frozenset[str] = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
        "169.254.169.254",
        "169.254.170.2",  # ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    }
)

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_BENCHMARKING = ipaddress.IPv4Network("198.18.0.0/15")
_THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")

# Letters, digits, hyphen, underscore and dots; IPv6 literals also use colons (checked apart).
_NAME_RE = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_DECIMAL_OCTET_RE = re.compile(r"0|[1-9][0-9]{0,2}")
_NUMERIC_LABEL_RE = re.compile(r"0[xX][0-9a-fA-F]*|[0-9]+")
_ALLOW_ENTRY_RE = re.compile(
    r"(?:\[(?P<v6>[^\]]+)\]|(?P<name>[^:\[\]]+))(?::(?P<port>[0-9]{1,5}))?"
)


class AddressRefused(Exception):
    """A host or address that the guard will not connect to; ``reason`` says why, briefly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_host(host: str) -> str:
    """Lower-case, without brackets and without one trailing dot: the form every check compares."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.endswith(".") and not host.endswith(".."):
        host = host[:-1]
    return host


def is_metadata_host(host: str) -> bool:
    """True for a cloud metadata endpoint's name or address."""
    return normalise_host(host) in METADATA_HOSTS


def parse_host(host: str) -> IPAddress | None:
    """Return the IP address a literal host denotes, or ``None`` for a host name.

    Raises ``AddressRefused`` for an empty host, characters no host name has, IPv6 zone ids and
    every numeric spelling other than canonical dotted-decimal IPv4.
    """
    name = normalise_host(host)
    if not name:
        raise AddressRefused("no host in URL")
    if ":" in name:
        return _parse_ipv6(name)
    if len(name) > 253 or not _NAME_RE.fullmatch(name):
        raise AddressRefused(f"invalid host {host!r}")
    labels = name.split(".")
    if not _NUMERIC_LABEL_RE.fullmatch(labels[-1]):
        return None  # an ordinary name: it ends in a label that is not a number
    if len(labels) == 4 and all(_DECIMAL_OCTET_RE.fullmatch(label) for label in labels):
        octets = [int(label) for label in labels]
        if all(o <= 255 for o in octets):
            return ipaddress.IPv4Address(".".join(map(str, octets)))
    # Decimal, octal, hex and short forms: inet_aton reads them one way, other parsers another.
    if not all(_NUMERIC_LABEL_RE.fullmatch(label) for label in labels):
        raise AddressRefused(f"host name ending in a number {host!r}")
    reading = _inet_aton_reading(labels)
    suffix = f" (reads as {reading})" if reading else ""
    raise AddressRefused(f"ambiguous numeric host {host!r}{suffix}")


def _parse_ipv6(name: str) -> ipaddress.IPv6Address:
    if "%" in name:
        raise AddressRefused(f"IPv6 zone id in host {name!r}")
    try:
        return ipaddress.IPv6Address(name)
    except ValueError:
        raise AddressRefused(f"invalid IPv6 address {name!r}") from None


def _inet_aton_reading(labels: list[str]) -> str | None:
    """What the C library's inet_aton would make of a numeric host, for the refusal message."""
    if not 1 <= len(labels) <= 4 or not all(_NUMERIC_LABEL_RE.fullmatch(x) for x in labels):
        return None
    try:
        parts = [_c_number(label) for label in labels]
    except ValueError:
        return None
    *head, last = parts
    if any(p > 255 for p in head) or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for i, part in enumerate(head):
        value += part << (8 * (3 - i))
    return str(ipaddress.IPv4Address(value))


def _c_number(label: str) -> int:
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label, 10)


def address_problem(address: IPAddress) -> str | None:
    """Why ``address`` is not a public unicast address, or ``None`` when it is one."""
    if isinstance(address, ipaddress.IPv6Address):
        problem = _ipv6_problem(address)
        if problem:
            return problem
        embedded = _embedded_ipv4(address)
        if embedded is not None:  # NAT64 and 6to4 reach the IPv4 address inside: judge that
            inner = address_problem(embedded)
            return f"{inner} inside IPv6 address {address}" if inner else None
    elif address in _THIS_NETWORK:
        if int(address) == 0:
            return f"unspecified address {address}"
        return f"this-network address {address}"
    return _common_problem(address)


def _ipv6_problem(address: ipaddress.IPv6Address) -> str | None:
    if address.scope_id:
        return f"IPv6 zone id in address {address}"
    if address.ipv4_mapped is not None:
        return f"IPv4-mapped IPv6 address {address}"
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return f"IPv4-compatible IPv6 address {address}"
    if address in _SITE_LOCAL:
        return f"site-local address {address}"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def _common_problem(address: IPAddress) -> str | None:
    if address.is_unspecified:
        return f"unspecified address {address}"
    if address.is_loopback:
        return f"loopback address {address}"
    if address.is_link_local:
        return f"link-local address {address}"
    if address.is_multicast:
        return f"multicast address {address}"
    if isinstance(address, ipaddress.IPv4Address):
        if address in _CGNAT:
            return f"shared (CGNAT) address {address}"
        if address in _BENCHMARKING:
            return f"benchmarking address {address}"
    elif address in ipaddress.IPv6Network("fc00::/7"):
        return f"unique-local address {address}"
    if address.is_reserved:
        return f"reserved address {address}"
    if address.is_private:
        return f"private address {address}"
    if not address.is_global:
        return f"non-public address {address}"
    return None


def check_address(address: IPAddress) -> None:
    """Raise ``AddressRefused`` unless ``address`` is a public unicast address."""
    problem = address_problem(address)
    if problem:
        raise AddressRefused(problem)


def parse_allow_hosts(value: str) -> frozenset[str]:
    """Parse ``PORTWATCH_ALLOW_HOSTS``: comma-separated ``host`` or ``host:port`` entries.

    IPv6 entries are written ``[::1]`` or ``[::1]:8080``. Entries come back normalised
    (lower-case, no trailing dot). Raises ``ValueError`` naming the first bad entry.
    """
    entries: set[str] = set()
    for raw in value.split(","):
        entry = raw.strip()
        if entry:
            entries.add(_parse_allow_entry(entry))
    return frozenset(entries)


def _parse_allow_entry(entry: str) -> str:
    match = _ALLOW_ENTRY_RE.fullmatch(entry)
    if not match:
        raise ValueError(f"PORTWATCH_ALLOW_HOSTS: bad entry {entry!r} (want host or host:port)")
    host = match["v6"] or match["name"]
    name = _canonical_host(host)
    if not name or not (":" in name or _NAME_RE.fullmatch(name)):
        raise ValueError(f"PORTWATCH_ALLOW_HOSTS: bad host in {entry!r}")
    port = match["port"]
    if port is None:
        return _bracket(name)
    if not 0 < int(port) < 65536:
        raise ValueError(f"PORTWATCH_ALLOW_HOSTS: bad port in {entry!r}")
    return f"{_bracket(name)}:{int(port)}"


def _canonical_host(host: str) -> str:
    name = normalise_host(host)
    if ":" in name:
        try:
            return ipaddress.IPv6Address(name).compressed
        except ValueError:
            return ""
    return name


def _bracket(name: str) -> str:
    return f"[{name}]" if ":" in name else name


def is_allowed(allow_hosts: Iterable[str], host: str, port: int) -> bool:
    """True when ``host`` on ``port`` is listed, as ``host`` (any port) or ``host:port``."""
    allowed = allow_hosts if isinstance(allow_hosts, frozenset | set) else frozenset(allow_hosts)
    if not allowed:
        return False
    name = _bracket(_canonical_host(host))
    return name in allowed or f"{name}:{port}" in allowed
