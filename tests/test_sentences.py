"""Sentence spans: cover the text, cut at sentence ends, never at abbreviations or decimals."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest

from pipeline.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end].strip() for start, end in sentence_spans(text)]


def test_empty_text_has_no_sentences() -> None:
    assert sentence_spans("") == []


def test_spans_are_contiguous_and_cover_the_text_exactly() -> None:
    text = "  First one. Second one!\n\nThird one?  Fourth\n"
    spans = sentence_spans(text)
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    assert sentences(text) == ["First one.", "Second one!", "Third one?", "Fourth"]


def test_full_stop_question_and_exclamation_marks_end_sentences() -> None:
    assert sentences("Boats left. Did they land? Yes! They did.") == [
        "Boats left.",
        "Did they land?",
        "Yes!",
        "They did.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith visited Calais.",
        "Mrs. May toured the terminal.",
        "They met at St. Pancras station.",
        "Dr. Jones treated the survivors.",
        "He spoke at No. 10 Downing Street.",
        "Some ports, e.g. Dunkirk, were checked.",
        "Fences, cameras etc. were installed.",
        "M. Cazeneuve a signé l'accord.",
        "Dhr. Jansen sprak met mevr. De Vries over de haven.",
        "De haven, o.a. de terminal, werd gesloten.",
        "J. K. Rowling did not write this.",
        "The Sept. 3 meeting was cancelled.",
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


def test_a_decimal_point_does_not_end_a_sentence() -> None:
    assert sentences("The fence is 1.5km long. It cost £7m.") == [
        "The fence is 1.5km long.",
        "It cost £7m.",
    ]


def test_a_closing_quote_stays_with_its_sentence() -> None:
    text = 'She said: "We are looking at other ports." Then she left.'
    assert sentences(text) == ['She said: "We are looking at other ports."', "Then she left."]


def test_a_quote_followed_by_lower_case_carries_on() -> None:
    assert sentences('"Stop!" he shouted at the driver.') == ['"Stop!" he shouted at the driver.']


def test_an_ellipsis_before_a_capital_ends_a_sentence() -> None:
    assert sentences("They waited... Nobody came.") == ["They waited...", "Nobody came."]


def test_a_blank_line_always_ends_a_sentence() -> None:
    assert sentences("a line without a stop\n\nand a new paragraph") == [
        "a line without a stop",
        "and a new paragraph",
    ]


def test_a_headline_line_without_a_full_stop_is_its_own_sentence() -> None:
    text = "Calais fence extended by 1.5km\nThe barrier now reaches the tunnel mouth."
    assert sentences(text) == [
        "Calais fence extended by 1.5km",
        "The barrier now reaches the tunnel mouth.",
    ]


def test_a_hard_wrapped_line_continuing_in_lower_case_is_one_sentence() -> None:
    text = "Officials said the migrant crisis could\nshift to other ports."
    assert sentences(text) == ["Officials said the migrant crisis could\nshift to other ports."]


def test_a_five_megabyte_text_is_split_in_linear_time() -> None:
    text = ("Mr. Smith saw 1.5 boats. Then\n\n" * 200_000)[:5_000_000]
    started = time.perf_counter()
    spans = sentence_spans(text)
    assert spans[-1][1] == len(text)
    assert time.perf_counter() - started < 30  # generous: a few seconds on a loaded machine


def test_a_long_run_of_full_stops_is_split_in_linear_time() -> None:
    # No boundary inside a run of stops glued to a word, and no retrying of the run at each stop.
    text = "Wait" + "." * 300_000 + "x and more. End."
    started = time.perf_counter()
    spans = sentence_spans(text)
    assert spans == [(0, text.index("End")), (text.index("End"), len(text))]
    assert time.perf_counter() - started < 30  # generous: well under a second unloaded
