"""Numbers as written: digit formats, magnitudes and number words in five languages."""

from __future__ import annotations

import time

import pytest

from pipeline.numbers import (
    LANGUAGES,
    find_numbers,
    guess_language,
    languages_for,
    parse_number,
)


def written(text: str, lang: str = "en") -> list[tuple[str, float]]:
    """Every number found, as (the text of its span, its value)."""
    return [(text[n.start : n.end], n.value) for n in find_numbers(text, (lang,))]


# --- digits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5,000", 5000),
        ("5.000", 5000),
        ("5 000", 5000),
        ("5\u00a0000", 5000),
        ("5\u202f000", 5000),
        ("50, 597", 50597),
        ("1,234,567", 1234567),
        ("1.234.567", 1234567),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1.5", 1.5),
        ("2,5", 2.5),
        ("0.750", 0.75),
        ("2015", 2015),
    ],
)
def test_digit_formats_are_read(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.5bn", 1.5e9),
        ("7 million", 7e6),
        ("7 millions", 7e6),
        ("2,7 miljoen", 2.7e6),
        ("1,2 milliard", 1.2e9),
        ("3 mil millones", 3e9),
        ("2 millones", 2e6),
        ("50k", 50_000),
        ("4.5 Millionen", 4.5e6),
    ],
)
def test_a_magnitude_after_digits_multiplies_them(text: str, value: float) -> None:
    lang = {"miljoen": "nl", "milliard": "fr", "millones": "es", "Millionen": "de"}
    code = next((v for k, v in lang.items() if k in text), None)
    assert parse_number(text, code) == pytest.approx(value)


def test_a_bare_m_after_digits_is_left_to_the_caller() -> None:
    # "£7m" is money, "a 7m fence" metres: only the figure reader can tell.
    assert written("a 7m fence") == [("7", 7)]


def test_a_stray_space_after_a_comma_is_a_thousands_group() -> None:
    assert written("The total stands at 19, 843, officials said.") == [("19, 843", 19843)]


def test_a_list_of_numbers_is_not_read_as_thousands() -> None:
    assert written("Gates 1, 200 and 300") == [("1", 1), ("200", 200), ("300", 300)]


def test_a_day_and_a_count_after_a_month_stay_apart() -> None:
    assert written("On July 5, 300 people crossed") == [("5", 5), ("300", 300)]


@pytest.mark.parametrize("text", ["03.03.2024", "03:00", "v2.3.1", "+44 20 7946 0958", "1/3"])
def test_dates_times_versions_phones_and_fractions_are_not_numbers(text: str) -> None:
    assert written(f"see {text} here") == []


def test_digits_glued_to_a_letter_before_are_not_read() -> None:
    assert written("the A16 and M20 roads") == []


# --- number words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("four", 4),
        ("twenty-five", 25),
        ("twenty five", 25),
        ("one hundred and fifty", 150),
        ("a hundred", 100),
        ("a thousand", 1000),
        ("two million", 2e6),
        ("a dozen", 12),
        ("two dozen", 24),
        ("half a million", 5e5),
        ("one and a half", 1.5),
        ("two and a half million", 2.5e6),
    ],
)
def test_english_number_words(text: str, value: float) -> None:
    assert parse_number(text, "en") == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("vingt-cinq", 25),
        ("quatre-vingts", 80),
        ("quatre-vingt-dix", 90),
        ("vingt et un", 21),
        ("mille deux cents", 1200),
        ("deux millions", 2e6),
        ("une douzaine", 12),
        ("une centaine", 100),
        ("une quarantaine", 40),
        ("un millier", 1000),
        ("un million et demi", 1.5e6),
    ],
)
def test_french_number_words(text: str, value: float) -> None:
    assert parse_number(text, "fr") == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("drie", 3),
        ("vijfentwintig", 25),
        ("tweeëntwintig", 22),
        ("honderd", 100),
        ("tweeduizend", 2000),
        ("een dozijn", 12),
        ("een tiental", 10),
        ("een miljoen", 1e6),
        ("anderhalf miljoen", 1.5e6),
    ],
)
def test_dutch_number_words(text: str, value: float) -> None:
    assert parse_number(text, "nl") == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("veinticinco", 25),
        ("veintiún", 21),
        ("treinta y cinco", 35),
        ("dos mil quinientos", 2500),
        ("tres millones", 3e6),
        ("un centenar", 100),
        ("una docena", 12),
    ],
)
def test_spanish_number_words(text: str, value: float) -> None:
    assert parse_number(text, "es") == value


@pytest.mark.parametrize(("text", "value"), [("fünfundzwanzig", 25), ("zwei Millionen", 2e6)])
def test_german_number_words(text: str, value: float) -> None:
    assert parse_number(text, "de") == value


def test_number_words_are_found_with_their_offsets() -> None:
    text = "Officers found Seven men and twenty-five women."
    assert written(text) == [("Seven", 7), ("twenty-five", 25)]


def test_an_article_before_a_unit_of_length_is_one() -> None:
    assert written("a mile from the port") == [("a", 1)]
    assert written("à un kilomètre du port", "fr") == [("un", 1)]
    assert written("op een mijl van de kust", "nl") == [("een", 1)]


def test_an_article_alone_is_not_a_number() -> None:
    assert written("un migrant est arrivé", "fr") == []
    assert written("een man werd opgepakt", "nl") == []
    assert written("una patera llegó", "es") == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("a few hundred people", "en"),
        ("several thousand people", "en"),
        ("hundreds of people", "en"),
        ("dozens of boats", "en"),
        ("des centaines de migrants", "fr"),
        ("des dizaines de bateaux", "fr"),
        ("honderden mensen", "nl"),
        ("tientallen boten", "nl"),
        ("een paar honderd mensen", "nl"),
        ("cientos de personas", "es"),
    ],
)
def test_vague_quantities_are_not_numbers(text: str, lang: str) -> None:
    assert written(text, lang) == []


def test_numbers_inside_words_are_not_found() -> None:
    assert written("someone often tends to attend") == []


def test_a_number_word_after_a_word_ending_like_one_is_still_found() -> None:
    # "hen" ends with the Dutch morpheme "en": the match must restart after that word.
    assert written("Onder hen waren drie minderjarigen.", "nl") == [("drie", 3)]


def test_a_run_of_numbers_is_read_as_separate_numbers() -> None:
    assert written("two and three boats") == [("two", 2), ("three", 3)]


def test_parse_number_refuses_what_is_not_one_number() -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_number("many")
    with pytest.raises(ValueError, match="not a number"):
        parse_number("5 and 6")


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The migrants were found in the back of the lorry with their bags.", "en"),
        ("Les migrants sont arrivés dans le port avec des bateaux et une barque.", "fr"),
        ("De migranten zijn in de haven van Calais aangekomen met een boot.", "nl"),
        ("Los migrantes llegaron al puerto con las pateras por la noche y para.", "es"),
        ("Die Migranten sind im Hafen und das Boot ist nicht mit ihnen.", "de"),
    ],
)
def test_the_language_is_guessed_from_function_words(text: str, lang: str) -> None:
    assert guess_language(text) == lang


def test_an_unclear_language_reads_every_language() -> None:
    assert guess_language("Calais 2015") is None
    assert languages_for("Calais 2015", None) == LANGUAGES
    assert languages_for("", "nl-BE") == ("nl",)


# --- robustness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "blob",
    [
        "twenty five hundred and " * 80_000,
        "eeneeneenen" * 200_000,
        "1,234 5 000 12-13 " * 100_000,
        "9" * 4_000_000,
    ],
    ids=["words", "dutch-morphemes", "digits", "one-long-number"],
)
def test_pathological_megabytes_are_read_in_linear_time(blob: str) -> None:
    # About 2 MB each: a dense run of numbers costs a few microseconds per number, no more.
    started = time.perf_counter()
    find_numbers(blob, ("nl",) if "een" in blob else ("en",))
    assert time.perf_counter() - started < 60  # generous; a few seconds unloaded
