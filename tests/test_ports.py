"""The ports gazetteer and its matcher: names, aliases, boundaries and the places that are not ports."""

from __future__ import annotations

import pytest

from pipeline.assessment import gazetteer_from
from pipeline.config import load_config_or_raise
from pipeline.ports import Gazetteer, PortRecord

from .conftest import SHIPPED_CONFIG


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return gazetteer_from(load_config_or_raise(SHIPPED_CONFIG).ports)


def test_gazetteer_is_broad(gazetteer: Gazetteer) -> None:
    assert len(gazetteer) >= 500
    for name in ("Dunkirk", "Zeebrugge", "Hook of Holland", "Lampedusa", "Ceuta", "San Ysidro", "Lesbos"):
        assert name in gazetteer.names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Des migrants à Dunkerque et à Zeebrugge.", ["Dunkirk", "Zeebrugge"]),
        ("Controles in Hoek van Holland en Duinkerke.", ["Hook of Holland", "Dunkirk"]),
        ("Arrivals on Lesvos and in Patra rose.", ["Lesbos", "Patras"]),
        ("Ferries from St Nazaire and Flushing.", ["Saint-Nazaire", "Vlissingen"]),
        ("Calais, then Calais again, then Dover.", ["Calais", "Dover"]),
        ("Rotterdam, Europoort and Vlaardingen are distinct.", ["Rotterdam", "Europoort", "Vlaardingen"]),
        ("Boats reached Boulogne-sur-Mer at dawn.", ["Boulogne-sur-Mer"]),
    ],
)
def test_aliases_in_every_language_merge_to_the_canonical_name(
    gazetteer: Gazetteer, text: str, expected: list[str]
) -> None:
    assert gazetteer.ports_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Pas-de-Calais prefecture said so.",  # a region
        "Nord-Pas-de-Calais voted on Sunday.",
        "Hull City won at home.",  # a club
        "The Hull Daily Mail reported it.",  # a newspaper
        "Christopher Nolan's Dunkirk filled IMAX screens.",  # a film
        "« Dunkerque », le film de Nolan, sort en salles.",
        "Dunkirk (2017) is a war film.",
        "Eurotunnel said profits rose.",  # the company, not the place
        "Calaisien shops were closed.",  # not on a word boundary
        "The ship's hull was damaged.",  # case matters
        "A dinner at Nice restaurants.",  # needs_context: no port words near
    ],
)
def test_names_inside_other_names_are_not_ports(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.ports_in(text) == []


def test_operator_name_counts_when_it_names_the_place(gazetteer: Gazetteer) -> None:
    assert gazetteer.ports_in("Fences around the Eurotunnel terminal were raised.") == ["Channel Tunnel"]


def test_ambiguous_name_counts_near_port_words_or_other_ports(gazetteer: Gazetteer) -> None:
    assert gazetteer.ports_in("Ferries from Split harbour to Ancona") == ["Split", "Ancona"]
    assert gazetteer.ports_in("Sailings from Poole to Cherbourg") == ["Poole", "Cherbourg"]


def test_mentions_carry_offsets_into_the_text(gazetteer: Gazetteer) -> None:
    text = "Officials fear a shift to Dunkerque."
    [mention] = gazetteer.find(text)
    assert text[mention.start : mention.end] == "Dunkerque"
    assert mention.name == "Dunkirk"


def test_longest_name_wins_and_blockers_apply_per_entry() -> None:
    gazetteer = Gazetteer(
        [
            PortRecord("Gran Tarajal", ()),
            PortRecord("Tarajal", (), not_in=("Tarajal Stadium",)),
        ]
    )
    assert gazetteer.ports_in("Boats reached Gran Tarajal; Tarajal crossing shut.") == [
        "Gran Tarajal",
        "Tarajal",
    ]
    assert gazetteer.ports_in("A match at Tarajal Stadium.") == []


def test_a_huge_text_is_matched_in_linear_time(gazetteer: Gazetteer) -> None:
    text = "Dunkirk and Zeebrugge. " * 100_000  # 2.3 MB
    assert gazetteer.ports_in(text) == ["Dunkirk", "Zeebrugge"]


def test_the_quick_test_before_a_port_agrees_with_the_name_regex() -> None:
    # ``_in_longer_name`` skips ``_NAME_BEFORE`` when the text cannot end with one of its
    # names; a name added to the regex but not to the quick test would be missed silently.
    import random
    import re

    from pipeline.ports import _NAME_BEFORE, _in_longer_name

    words = sorted(set(re.findall(r"[A-Za-z']{2,}", _NAME_BEFORE.pattern)))
    words += ["the", "ferry", "port", "Saint", "Boulogne-sur", "Pas-de", "sur", "İS", "ıs"]
    rng = random.Random(7)
    for _ in range(20_000):
        picked = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        for case in (str.lower, str.upper, str.title, str):
            before = case(" ".join(picked)) + rng.choice([" ", "  ", "-", "\n", ""])
            expected = _NAME_BEFORE.search(before) is not None
            assert _in_longer_name(before) == expected, before
