"""Watch-list scoring: terms, proximity, exclusions, thresholds, countries, and the reasons given."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.assessment import Assessor, gazetteer_from
from pipeline.config import WatchList, load_config_or_raise

from .conftest import SHIPPED_CONFIG

PORTS = load_config_or_raise(SHIPPED_CONFIG).ports


def assessor(**fields: Any) -> Assessor:
    base: dict[str, Any] = {
        "name": "test",
        "threshold": 4,
        "terms": {"en": {"migrant*": 2, "people smuggl*": 3}, "nl": {"verstekeling*": 3}},
    }
    base.update(fields)
    countries = {p.name: p.country for p in PORTS}
    return Assessor([WatchList.model_validate(base)], gazetteer_from(PORTS), countries=countries)


def test_terms_match_words_prefixes_case_and_accents() -> None:
    result = assessor(terms={"fr": {"exile*": 2, "réfugié": 2}}).assess(
        "Des EXILÉS et un refugie attendaient au port de Calais."
    )
    rules = {m.rule for m in result.scores[0].matches}
    assert rules == {"exile*", "réfugié"}
    assert result.relevant


def test_a_term_without_star_needs_a_whole_word() -> None:
    result = assessor(terms={"en": {"port": 5}}).assess("Portsmouth and Calais.")
    assert result.scores[0].score == 0


def test_every_score_comes_with_its_rules_and_evidence_sentences() -> None:
    result = assessor().assess("Police watched the quay. People smugglers moved migrants to Dunkirk.")
    match = next(m for m in result.scores[0].matches if m.rule == "people smuggl*")
    assert match.kind == "term"
    assert result.evidence(match.offset) == "People smugglers moved migrants to Dunkirk."


def test_proximity_rule_fires_only_within_its_window() -> None:
    rule = {"name": "migrants near a port", "near": ["migrant*"], "to": ["@port"], "within": 4, "weight": 3}
    near = assessor(proximity=[rule]).assess("Migrants were found at Zeebrugge.")
    far = assessor(proximity=[rule]).assess(
        "Migrants were found. " + "Nothing else happened that day at all, said officials. " * 3 + "Zeebrugge."
    )
    assert any(m.kind == "proximity" for m in near.scores[0].matches)
    assert not any(m.kind == "proximity" for m in far.scores[0].matches)


def test_exclusion_lowers_the_score_once_enough_terms_match() -> None:
    film = {"name": "film", "terms": ["film", "Nolan", "cinema"], "min_matches": 2, "weight": -10}
    one = assessor(exclusions=[film]).assess("People smugglers and migrants at Dunkirk; a film crew watched.")
    two = assessor(exclusions=[film]).assess("Migrants in Nolan's film at the Dunkirk cinema, smugglers too.")
    assert one.relevant
    assert not two.relevant
    assert any(m.kind == "exclusion" for m in two.scores[0].matches)


def test_cancelling_exclusion_makes_any_score_irrelevant() -> None:
    swim = {"name": "swimmers", "terms": ["swimmer*"], "cancel": True}
    result = assessor(exclusions=[swim]).assess("Migrants, people smugglers and a swimmer at Dover.")
    assert not result.relevant
    assert result.scores[0].cancelled_by == "swimmers"


def test_migration_without_any_port_is_not_relevant() -> None:
    result = assessor().assess("Migrants and people smugglers: national asylum statistics rose.")
    assert result.scores[0].score >= 4
    assert not result.relevant
    assert result.scores[0].missing_port


def test_port_countries_limit_which_ports_count() -> None:
    result = assessor(port_countries=["IT", "GR"]).assess("Migrants and people smugglers at Calais.")
    assert not result.relevant
    assert assessor(port_countries=["IT"]).assess("Migrants and smugglers at Lampedusa, people smuggling.").relevant


def test_headline_terms_weigh_more() -> None:
    body = "At Calais officials spoke."
    plain = assessor(title_weight=1.0).assess(body, title="Migrants")
    weighted = assessor(title_weight=2.0).assess(body, title="Migrants")
    assert weighted.scores[0].score == 2 * plain.scores[0].score


def test_a_term_inside_a_longer_term_counts_once() -> None:
    result = assessor(terms={"en": {"asylum": 1, "asylum seeker*": 2}}).assess("Asylum seekers at Calais.")
    assert [m.rule for m in result.scores[0].matches] == ["asylum seeker*"]


def test_ports_and_figures_are_reported_for_irrelevant_articles_too() -> None:
    result = assessor().assess("Container volumes at Rotterdam rose to 14 million TEU.")
    assert not result.relevant
    assert result.ports == ("Rotterdam",)
    assert result.figures


@pytest.mark.parametrize("text", ["", "\x00\x01\x02 binary \xff junk", "ü" * 10])
def test_empty_and_junk_text_assess_without_error(text: str) -> None:
    result = assessor().assess(text)
    assert not result.relevant
    assert result.ports == ()


def test_unknown_language_is_a_warning_and_all_number_words_are_tried() -> None:
    result = assessor().assess("Drie migranten en three boats at Calais.", lang="xx")
    assert result.warnings and "xx" in result.warnings[0]
    assert {f.value for f in result.figures} >= {3}


def test_a_5_mb_text_is_bounded() -> None:
    result = assessor().assess("Migrants at Calais. " * 262_144)  # 5 MB
    assert result.warnings and "only the first" in result.warnings[0]
    assert result.ports == ("Calais",)


def test_term_spans_come_by_start_longest_first_whatever_the_overlaps() -> None:
    # ``TermIndex.spans`` orders its spans by reversing the automaton's report order (by end)
    # and sorting by start alone; this holds only while the library reports matches by end.
    import random

    from pipeline.scoring import TermIndex
    from pipeline.textfold import fold

    terms = ["asylum", "asylum seeker*", "seeker", "migrant*", "migrant boat", "boat", "at"]
    terms += ["small boat*", "boat crossing", "crossing", "sea", "seas", "a", "an"]
    index = TermIndex(terms)
    words = ["asylum", "seekers", "migrant", "migrants", "boat", "small", "crossing", "seas"]
    words += ["at", "a", "an", "the", "sea.", "boats,", "Asylum-Seekers", "cat"]
    rng = random.Random(5)
    found = 0
    for _ in range(500):
        folded = fold(" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))))
        spans = index.spans(folded)
        assert spans == sorted(spans, key=lambda span: (span[0], -span[1])), folded
        found += len(spans)
    assert found > 2_000  # overlapping matches were there to order
