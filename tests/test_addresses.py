"""The public-address rule, host parsing (numeric tricks) and the allow-list, without a network."""

from __future__ import annotations

import ipaddress

import pytest

from pipeline.addresses import (
    AddressRefused,
    address_problem,
    is_allowed,
    is_metadata_host,
    parse_allow_hosts,
    parse_host,
)

# address → words the refusal must contain
NON_PUBLIC = [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.0.10", "private"),
    ("169.254.169.254", "link-local"),
    ("169.254.0.1", "link-local"),
    ("100.64.0.1", "CGNAT"),
    ("100.127.255.254", "CGNAT"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.254", "benchmarking"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "this-network"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.7", "192.0.2.7"),  # documentation range: refused, under whichever name
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fc00::1", "unique-local"),
    ("fd12:3456:789a::1", "unique-local"),
    ("ff02::1", "multicast"),
    ("fec0::1", "site-local"),
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("::ffff:7f00:1", "IPv4-mapped"),
    ("::ffff:8.8.8.8", "IPv4-mapped"),  # mapped is refused even when the IPv4 is public
    ("::127.0.0.1", "IPv4-compatible"),
    ("::10.0.0.1", "IPv4-compatible"),
    ("64:ff9b::7f00:1", "loopback address 127.0.0.1 inside"),
    ("64:ff9b::a00:1", "private address 10.0.0.1 inside"),
    ("2002:7f00:1::1", "loopback address 127.0.0.1 inside"),
    ("2002:c0a8:101::1", "private address 192.168.1.1 inside"),
    ("2001:db8::1", "2001:db8::1"),
    ("2001::1", "2001::1"),  # Teredo
    ("100::1", "100::1"),  # discard-only
]

PUBLIC = [
    "93.184.215.14",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700::1111",
    "2a00:1450:4001::1",
    "64:ff9b::808:808",
]


@pytest.mark.parametrize(("address", "words"), NON_PUBLIC)
def test_non_public_addresses_are_refused_with_a_named_reason(address: str, words: str) -> None:
    problem = address_problem(ipaddress.ip_address(address))
    assert problem is not None
    assert words in problem


@pytest.mark.parametrize("address", PUBLIC)
def test_public_unicast_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_ipv6_address_with_a_zone_id_is_refused() -> None:
    problem = address_problem(ipaddress.IPv6Address("fe80::1%eth0"))
    assert problem is not None
    assert "zone id" in problem


@pytest.mark.parametrize(
    ("host", "reads_as"),
    [
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("017700000001", "127.0.0.1"),  # one octal number
        ("0x7f000001", "127.0.0.1"),  # one hex number
        ("0177.0.0.1", "127.0.0.1"),  # octal octet
        ("0x7f.1", "127.0.0.1"),  # hex, short form
        ("0x7f.0x0.0x0.0x1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # short form
        ("127.0.1", "127.0.0.1"),
        ("127.000.000.001", "127.0.0.1"),  # zero-padded: octal to some parsers
        ("3232235777", "192.168.1.1"),
        ("0", "0.0.0.0"),
    ],
)
def test_numeric_host_tricks_are_refused_and_say_what_they_read_as(
    host: str, reads_as: str
) -> None:
    with pytest.raises(AddressRefused) as caught:
        parse_host(host)
    assert "ambiguous numeric host" in caught.value.reason
    assert f"reads as {reads_as}" in caught.value.reason


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "08.0.0.1", "example.123", "a.0x10"])
def test_malformed_numeric_hosts_are_refused(host: str) -> None:
    with pytest.raises(AddressRefused, match=r"numeric|number"):
        parse_host(host)


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("", "no host"),
        ("exa mple.com", "invalid host"),
        ("%31%32%37.0.0.1", "invalid host"),
        ("a..b", "invalid host"),
        ("fe80::1%25eth0", "zone id"),
        ("::ffff:0177.0.0.1", "invalid IPv6"),
    ],
)
def test_hosts_no_resolver_should_see_are_refused(host: str, words: str) -> None:
    with pytest.raises(AddressRefused, match=words):
        parse_host(host)


def test_canonical_ip_literals_parse_and_names_do_not() -> None:
    assert parse_host("127.0.0.1") == ipaddress.IPv4Address("127.0.0.1")
    assert parse_host("[::ffff:127.0.0.1]") == ipaddress.IPv6Address("::ffff:7f00:1")
    assert parse_host("8.8.8.8.") == ipaddress.IPv4Address("8.8.8.8")
    assert parse_host("news.example.org") is None
    assert parse_host("NEWS.Example.ORG.") is None
    assert parse_host("0x7f.example.com") is None  # ends in a name: a name, for DNS to answer
    assert parse_host("xn--bcher-kva.de") is None


@pytest.mark.parametrize(
    "host",
    ["metadata.google.internal", "METADATA.google.internal.", "metadata", "169.254.169.254",
     "fd00:ec2::254", "[fd00:ec2::254]", "instance-data", "100.100.100.200"],
)  # fmt: skip
def test_cloud_metadata_hosts_are_recognised_by_name(host: str) -> None:
    assert is_metadata_host(host)


def test_parse_allow_hosts_reads_the_environment_format() -> None:
    hosts = parse_allow_hosts(" 127.0.0.1, LocalHost:8080 ,[::1]:9000, [0:0::1], demo.test. ,, ")
    assert hosts == frozenset({"127.0.0.1", "localhost:8080", "[::1]:9000", "[::1]", "demo.test"})


def test_parse_allow_hosts_of_empty_string_is_empty() -> None:
    assert parse_allow_hosts("") == frozenset()
    assert parse_allow_hosts(" , ") == frozenset()


@pytest.mark.parametrize(
    "value", ["::1", "[::1", "host:", "host:0", "host:70000", "a b", "h:p:q", "x:y"]
)
def test_parse_allow_hosts_rejects_bad_entries_naming_them(value: str) -> None:
    with pytest.raises(ValueError, match="PORTWATCH_ALLOW_HOSTS"):
        parse_allow_hosts(value)


def test_allow_list_host_entry_allows_any_port_and_host_port_entry_only_that_port() -> None:
    allowed = parse_allow_hosts("127.0.0.1,localhost:8080,[::1]:9000")
    assert is_allowed(allowed, "127.0.0.1", 80)
    assert is_allowed(allowed, "127.0.0.1", 31337)
    assert is_allowed(allowed, "LOCALHOST", 8080)
    assert not is_allowed(allowed, "localhost", 8081)
    assert is_allowed(allowed, "::1", 9000)
    assert is_allowed(allowed, "[::1]", 9000)
    assert not is_allowed(allowed, "::1", 80)


def test_allow_list_matches_the_host_as_written_not_what_it_resolves_to() -> None:
    allowed = parse_allow_hosts("localhost")
    assert not is_allowed(allowed, "127.0.0.1", 80)
    assert not is_allowed(allowed, "localhost.example.org", 80)
    assert not is_allowed(frozenset(), "127.0.0.1", 80)
