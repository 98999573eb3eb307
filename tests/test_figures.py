"""Figures: what is reported, with which span, value, unit, subject and port; what is not."""

from __future__ import annotations

import json
import time

import pytest

from pipeline.figures import Figure, extract_figures
from pipeline.ports import PortMention


def figures(text: str, lang: str | None = "en") -> list[Figure]:
    return extract_figures(text, lang)


def spans(text: str, lang: str | None = "en") -> list[str]:
    return [f.text for f in figures(text, lang)]


def one(text: str, lang: str | None = "en") -> Figure:
    found = figures(text, lang)
    assert len(found) == 1, [f.text for f in found]
    return found[0]


def by_span(text: str, span: str, lang: str | None = "en") -> Figure:
    found = [f for f in figures(text, lang) if f.text == span]
    assert found, spans(text, lang)
    return found[0]


def mentions(text: str, *names: str) -> list[PortMention]:
    """Port mentions for the given names at their first occurrence in ``text``."""
    out = []
    for name in names:
        start = text.index(name)
        out.append(PortMention(name, start, start + len(name), name))
    return sorted(out, key=lambda m: m.start)


# --- the Figure value -------------------------------------------------------------------------


def test_to_json_writes_the_contract_keys_in_order_with_integral_values_as_ints() -> None:
    figure = Figure("5,000", 3, 8, 5000.0, None, "count", "migrants", "Calais")
    out = figure.to_json()
    assert list(out) == ["text", "start", "end", "value", "value_max", "unit", "subject", "port"]
    assert out["value"] == 5000 and isinstance(out["value"], int)
    assert json.dumps(out) == (
        '{"text": "5,000", "start": 3, "end": 8, "value": 5000, "value_max": null, '
        '"unit": "count", "subject": "migrants", "port": "Calais"}'
    )


def test_to_json_keeps_fractions_and_adds_previous_only_when_known() -> None:
    figure = Figure("1.5km", 0, 5, 1.5, 2.0, "km", "fence length", None, previous=3.0)
    out = figure.to_json()
    assert out["value"] == 1.5 and out["value_max"] == 2 and out["previous"] == 3
    assert list(out)[-1] == "previous"


def test_offsets_point_at_the_span_in_the_text() -> None:
    text = "Police say 1,140 people were stopped at the gates."
    figure = one(text)
    assert text[figure.start : figure.end] == figure.text == "1,140"


def test_figures_come_in_text_order() -> None:
    text = "Officers found 12 men, then 4 women and finally 3 children."
    assert spans(text) == ["12", "4", "3"]


# --- number formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Up to 5,000 migrants are in the camps.", "5,000", 5000),
        ("Er wachten 5.000 migranten aan de kust.", "5.000", 5000),
        ("Quelque 5 000 migrants attendent sur la côte.", "5 000", 5000),
        ("Quelque 5\u00a0000 migrants attendent sur la côte.", "5\u00a0000", 5000),
        ("Au total, 36\u202f816 personnes ont traversé.", "36\u202f816", 36816),
        ("The total now stands at 50, 597 people.", "50, 597", 50597),
        ("The fence is 1.5 metres high.", "1.5 metres", 1.5),
        ("La clôture mesure 2,5 mètres.", "2,5 mètres", 2.5),
    ],
)
def test_every_common_number_format_is_read(text: str, span: str, value: float) -> None:
    lang = None if text.startswith(("Er", "Quelque", "Au", "La")) else "en"
    figure = by_span(text, span, lang)
    assert figure.value == value


@pytest.mark.parametrize(
    ("text", "lang", "span", "value"),
    [
        ("Officers found four men in the trailer.", "en", "four", 4),
        ("Some twenty-five people were on board.", "en", "twenty-five", 25),
        ("A dozen boats left the beach.", "en", "A dozen", 12),
        ("A hundred officers were sent.", "en", "A hundred", 100),
        ("Vingt-cinq personnes étaient à bord.", "fr", "Vingt-cinq", 25),
        ("Quatre-vingts migrants ont été secourus.", "fr", "Quatre-vingts", 80),
        ("Une douzaine de bateaux sont partis.", "fr", "Une douzaine", 12),
        ("De politie vond drie mannen in de vrachtwagen.", "nl", "drie", 3),
        ("Er zaten vijfentwintig mensen in de boot.", "nl", "vijfentwintig", 25),
        ("Er werden honderd agenten ingezet.", "nl", "honderd", 100),
        ("Een dozijn boten vertrok van het strand.", "nl", "Een dozijn", 12),
        ("Veinticinco personas llegaron en una patera.", "es", "Veinticinco", 25),
        ("Un centenar de migrantes llegó a Ceuta.", "es", "Un centenar", 100),
    ],
)
def test_number_words_are_read_in_each_language(
    text: str, lang: str, span: str, value: float
) -> None:
    assert by_span(text, span, lang).value == value


def test_number_words_are_read_when_the_language_is_unknown() -> None:
    text = "De politie vond drie mannen en vier vrouwen in de vrachtwagen bij de haven van Calais."
    assert [(f.text, f.value) for f in figures(text, None)] == [("drie", 3), ("vier", 4)]


def test_digits_are_read_whatever_the_language() -> None:
    assert one("12 345 personnes", "xx").value == 12345


def test_m_after_digits_is_million_before_a_counted_noun_and_metres_otherwise() -> None:
    assert (one("Dover handled 3.8m TEU.").value, one("Dover handled 3.8m TEU.").unit) == (
        3.8e6,
        "count",
    )
    assert (one("A 4m fence.").value, one("A 4m fence.").unit) == (4, "m")


def test_a_mile_before_a_unit_is_one() -> None:
    figure = one("The camp is a mile from the port.")
    assert (figure.text, figure.value, figure.unit) == ("a mile", 1, "mi")


# --- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "span", "value", "unit"),
    [
        ("She toured a £7 million ring of steel.", "en", "£7 million", 7e6, "GBP"),
        ("Operators spent £2.3m on fencing.", "en", "£2.3m", 2.3e6, "GBP"),
        ("The port will spend ₤3m on cameras.", "en", "₤3m", 3e6, "GBP"),
        ("Belgium approved €4.8 million for cameras.", "en", "€4.8 million", 4.8e6, "EUR"),
        ("The deal is worth $1.5bn.", "en", "$1.5bn", 1.5e9, "USD"),
        ("Smugglers charged US$5,000 a head.", "en", "US$5,000", 5000, "USD"),
        ("The fine was 500 pounds.", "en", "500 pounds", 500, "GBP"),
        ("Le port a reçu 3,5 millions d'euros.", "fr", "3,5 millions d'euros", 3.5e6, "EUR"),
        ("Il a payé 200 livres sterling.", "fr", "200 livres sterling", 200, "GBP"),
        ("De haven krijgt 2,5 miljoen euro.", "nl", "2,5 miljoen euro", 2.5e6, "EUR"),
        ("Hij betaalde 300 pond aan de smokkelaar.", "nl", "300 pond", 300, "GBP"),
        ("El puerto recibirá 2 millones de euros.", "es", "2 millones de euros", 2e6, "EUR"),
        ("Il a payé 20 000 dirhams au passeur.", "fr", "20 000 dirhams", 20000, "MAD"),
        ("Elk jaar kost het 5 000 € extra.", "nl", "5 000 €", 5000, "EUR"),
    ],
)
def test_money_is_read_with_its_currency_sign_code_or_word(
    text: str, lang: str, span: str, value: float, unit: str
) -> None:
    figure = by_span(text, span, lang)
    assert (figure.value, figure.unit) == (pytest.approx(value), unit)


def test_money_subject_says_what_it_pays_for() -> None:
    assert one("Belgium approved €4.8 million for new cameras.").subject == "funding"
    assert one("A place in a lorry costs €1,500 with a smuggler.").subject == "smuggling fee"
    assert one("The drivers were fined £2,000 each.").subject == "fines"
    assert one("Paris wants 7 million dollars.").subject == "money"


# --- units --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "span", "value", "unit"),
    [
        ("A 2km stretch of fencing was built.", "en", "2km", 2, "km"),
        ("It will be extended by a further 1.5km.", "en", "1.5km", 1.5, "km"),
        ("The wall is four metres high.", "en", "four metres", 4, "m"),
        ("A four-metre fence surrounds the site.", "en", "four-metre", 4, "m"),
        ("The island lies 12 nautical miles offshore.", "en", "12 nautical miles", 12, "nmi"),
        ("Le bateau était à 6 milles nautiques.", "fr", "6 milles nautiques", 6, "nmi"),
        ("De boot lag op 3 zeemijl van de kust.", "nl", "3 zeemijl", 3, "nmi"),
        ("The camp is 30 miles inland.", "en", "30 miles", 30, "mi"),
        ("The fence is 15 feet tall.", "en", "15 feet", 15, "ft"),
        ("The yard covers 500 square metres.", "en", "500 square metres", 500, "m2"),
        ("The reserve covers 40 hectares.", "en", "40 hectares", 40, "ha"),
        ("The zone covers 3 km² of dunes.", "en", "3 km²", 3, "km2"),
        ("Officers seized 500kg of cannabis.", "en", "500kg", 500, "kg"),
        ("The lorry carried 20 tonnes of fruit.", "en", "20 tonnes", 20, "t"),
        ("Arrivals fell by 20 per cent.", "en", "20 per cent", 20, "percent"),
        ("Arrivals rose by 64%.", "en", "64%", 64, "percent"),
        ("Les arrivées ont baissé de 41 %.", "fr", "41 %", 41, "percent"),
        ("Het aantal steeg met 15 procent.", "nl", "15 procent", 15, "percent"),
        ("The crossing takes 12 hours.", "en", "12 hours", 12, "h"),
        ("They waited 30 minutes.", "en", "30 minutes", 30, "min"),
        ("They were held for 3 days.", "en", "3 days", 3, "day"),
        ("The search lasted two weeks.", "en", "two weeks", 2, "week"),
        ("The works will take 6 months.", "en", "6 months", 6, "month"),
        ("He was jailed for 3 years.", "en", "3 years", 3, "year"),
        ("La traversée dure 12 heures.", "fr", "12 heures", 12, "h"),
        ("De overtocht duurt 7 uur.", "nl", "7 uur", 7, "h"),
    ],
)
def test_units_are_read_into_the_vocabulary(
    text: str, lang: str, span: str, value: float, unit: str
) -> None:
    figure = by_span(text, span, lang)
    assert (figure.value, figure.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "lang", "span", "minutes"),
    [
        ("She swam for 2 hours 30 minutes.", "en", "2 hours 30 minutes", 150),
        ("She swam for 2 hours and 30 minutes.", "en", "2 hours and 30 minutes", 150),
        ("Elle a nagé en 11 h 32 min.", "fr", "11 h 32 min", 692),
        ("La traversée a duré 2h30.", "fr", "2h30", 150),
    ],
)
def test_a_compound_duration_is_one_figure_in_its_smallest_unit(
    text: str, lang: str, span: str, minutes: float
) -> None:
    figure = one(text, lang)
    assert (figure.text, figure.value, figure.unit) == (span, minutes, "min")


def test_a_compound_duration_in_years_and_months_is_counted_in_months() -> None:
    figure = one("The inquiry took 1 year and 6 months.")
    assert (figure.value, figure.unit) == (18, "month")


@pytest.mark.parametrize(
    ("text", "lang", "span", "minutes"),
    [
        ("She trod water for half an hour.", "en", "half an hour", 30),
        ("Hij lag een kwartier in het water.", "nl", "een kwartier", 15),
        ("Il a attendu une demi-heure.", "fr", "une demi-heure", 30),
        ("Esperaron media hora en el muelle.", "es", "media hora", 30),
    ],
)
def test_durations_said_without_a_number_are_figures(
    text: str, lang: str, span: str, minutes: float
) -> None:
    figure = one(text, lang)
    assert (figure.text, figure.value, figure.unit) == (span, minutes, "min")


def test_a_length_says_whether_it_measures_a_fence() -> None:
    text = "Crews put up a 2km stretch of four metre high fencing."
    assert by_span(text, "2km").subject == "fence length"
    assert by_span(text, "four metre").subject == "fence height"
    assert one("The port lies 100km away.").subject == "distance"


@pytest.mark.parametrize(
    ("text", "lang", "span"),
    [
        ("Police stopped more than three times as many people.", "en", "three times"),
        ("Il y a trois fois plus de départs.", "fr", "trois fois"),
        ("Er kwamen twee keer zoveel mensen.", "nl", "twee keer"),
        ("Llegaron tres veces más personas.", "es", "tres veces"),
        ("Crossings saw a five-fold rise.", "en", "five-fold"),
    ],
)
def test_explicit_multipliers_are_times(text: str, lang: str, span: str) -> None:
    figure = one(text, lang)
    assert (figure.text, figure.unit) == (span, "times")


# --- ranges and rates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "span", "low", "high", "unit"),
    [
        (
            "Between 350 and 800 migrants sleep rough.",
            "en",
            "Between 350 and 800",
            350,
            800,
            "count",
        ),
        ("They intercept 30-40 a day.", "en", "30-40 a day", 30, 40, "count"),
        ("Each boat held 10 to 15 people.", "en", "10 to 15", 10, 15, "count"),
        ("Entre 350 et 800 migrants dorment dehors.", "fr", "Entre 350 et 800", 350, 800, "count"),
        ("De 10 à 15 personnes par bateau.", "fr", "De 10 à 15", 10, 15, "count"),
        ("Er komen tussen 20 en 30 per week.", "nl", "tussen 20 en 30 per week", 20, 30, "count"),
        ("Llegan entre 20 y 30 pateras.", "es", "entre 20 y 30", 20, 30, "count"),
        (
            "A place costs between €1,500 and €3,000.",
            "en",
            "between €1,500 and €3,000",
            1500,
            3000,
            "EUR",
        ),
        ("The wall is 6-8 metres high.", "en", "6-8 metres", 6, 8, "m"),
        ("Two or three boats left.", "en", "Two or three", 2, 3, "count"),
    ],
)
def test_a_range_is_one_figure_from_its_low_to_its_high_end(
    text: str, lang: str, span: str, low: float, high: float, unit: str
) -> None:
    figure = one(text, lang)
    assert (figure.text, figure.value, figure.value_max, figure.unit) == (span, low, high, unit)


def test_a_range_shares_the_magnitude_of_its_high_end() -> None:
    assert one("It will cost 3 to 4 million pounds.").value == 3e6
    figure = one("The upgrade costs £3-4m.")
    assert (figure.value, figure.value_max, figure.unit) == (3e6, 4e6, "GBP")


@pytest.mark.parametrize(
    ("text", "lang", "span", "subject"),
    [
        ("Attempts fell to 150 a night.", "en", "150 a night", "attempts per night"),
        ("They turn back 200 per week.", "en", "200 per week", "things per week"),
        ("Les tentatives sont tombées à 150 par nuit.", "fr", "150 par nuit", "attempts per night"),
        (
            "Het aantal pogingen daalde tot 150 per nacht.",
            "nl",
            "150 per nacht",
            "attempts per night",
        ),
        ("The scheme costs €3.2 million a year.", "en", "€3.2 million a year", "cost per year"),
    ],
)
def test_an_attached_rate_period_is_in_the_span_and_the_subject(
    text: str, lang: str, span: str, subject: str
) -> None:
    figure = one(text, lang)
    assert (figure.text, figure.subject) == (span, subject)


def test_a_period_after_the_counted_noun_is_in_the_subject_only() -> None:
    figure = one("They intercept between 30 and 40 people on a typical night.")
    assert (figure.text, figure.subject) == ("between 30 and 40", "people per night")


# --- earlier values, conversions, repetition ----------------------------------------------------


def test_down_from_gives_the_previous_value_and_reports_both() -> None:
    text = "The number trying to get in has fallen to around 150 a night, down from 2,000."
    now, before = figures(text)
    assert (now.text, now.value, now.previous) == ("150 a night", 150, 2000)
    assert (before.text, before.value, before.previous) == ("2,000", 2000, None)
    assert before.unit == now.unit and before.subject == now.subject


def test_up_from_and_against_give_the_previous_value() -> None:
    assert figures("Arrivals rose to 317, up from 94.")[0].previous == 94
    assert figures("164 people were detected, against 11 the year before.")[0].previous == 11


def test_a_change_from_one_value_to_another_is_two_figures_with_the_previous_set() -> None:
    earlier, later = figures("Parts of the fence were raised from 6 metres to 10 metres.")
    assert (earlier.text, later.text) == ("6 metres", "10 metres")
    assert later.previous == 6 and earlier.value_max is None


def test_a_number_in_words_counts_as_the_earlier_value_of_another_figure() -> None:
    now, before = figures("Each declaration takes 12 minutes instead of two.")
    assert (before.text, before.value, before.unit) == ("two", 2, "min")
    assert now.previous == 2


def test_a_paired_conversion_is_two_figures() -> None:
    found = figures("Boulogne lies about 100km (62 miles) up the coast.")
    assert [(f.text, f.unit) for f in found] == [("100km", "km"), ("62 miles", "mi")]


def test_the_same_wording_repeated_counts_once_keeping_the_first() -> None:
    text = "Some 5,000 migrants are in Calais. Officials repeat that 5,000 migrants wait."
    found = figures(text)
    assert [f.text for f in found] == ["5,000"]
    assert found[0].start == text.index("5,000")


def test_different_wordings_of_the_same_fact_are_separate_figures() -> None:
    assert spans("A 20 km (20 kilometre) drive.") == ["20 km", "20 kilometre"]


# --- subjects -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "subject"),
    [
        ("Police found 23 migrants.", "en", "migrants"),
        ("La police a trouvé 23 migrants.", "fr", "migrants"),
        ("De politie vond 23 migranten.", "nl", "migrants"),
        ("La policía encontró 23 migrantes.", "es", "migrants"),
        ("La police a trouvé 23 personnes.", "fr", "people"),
        ("De politie vond 23 mensen.", "nl", "people"),
        ("Llegaron 23 personas.", "es", "people"),
        ("Police checked 40 lorries.", "en", "lorries"),
        ("La police a fouillé 40 camions.", "fr", "lorries"),
        ("De politie doorzocht 40 vrachtwagens.", "nl", "lorries"),
        ("Police seized 18 small boats.", "en", "small boats"),
        ("La police a saisi 18 bateaux.", "fr", "boats"),
        ("Belgium sent 45 additional officers.", "en", "police officers"),
        ("Paris a envoyé 45 policiers.", "fr", "police officers"),
        ("Er komen twaalf extra agenten.", "nl", "police officers"),
        ("Police recorded 146 attempts.", "en", "attempts"),
        ("On compte 146 tentatives.", "fr", "attempts"),
        ("Er waren 146 pogingen.", "nl", "attempts"),
        ("Two senior 'gold' commanders lead the unit.", "en", "commanders"),
        ("Police stopped 14 platforms.", "en", "platforms"),
    ],
)
def test_the_counted_noun_gives_an_english_subject(text: str, lang: str, subject: str) -> None:
    assert one(text, lang).subject == subject


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Four people died.", "en"),
        ("In 2019, 39 Vietnamese nationals were found dead.", "en"),
        ("At least 27 dead were counted.", "en"),
        ("Cinq personnes sont mortes dans la nuit.", "fr"),
        ("Er vielen 12 doden.", "nl"),
        ("Hubo 12 muertos.", "es"),
    ],
)
def test_people_who_died_are_counted_as_deaths(text: str, lang: str) -> None:
    assert one(text, lang).subject == "people (deaths)"


def test_a_number_in_words_before_a_verb_is_a_count_of_the_people_of_the_sentence() -> None:
    text = "Officers found eleven men in four vans. Two were treated for cuts."
    assert by_span(text, "Two").subject == "men"


def test_a_bare_number_in_digits_borrows_the_subject_nearby() -> None:
    text = "We have 9 officers on a night shift here. In Calais you would find 90."
    assert by_span(text, "90").subject == "police officers"
    assert one("A crowd of 1,284 watched the game.").subject == "people"


def test_a_bare_number_in_words_is_not_a_figure() -> None:
    assert figures("The two of them left, and one came back.") == []


def test_an_unknown_noun_in_another_language_is_counted_as_things() -> None:
    figure = one("Le film sort dans 650 salles.", "fr")
    assert (figure.value, figure.subject) == (650, "things")


# --- ports --------------------------------------------------------------------------------------


def test_the_port_is_the_one_named_in_the_same_sentence() -> None:
    text = "Police stopped 1,140 people at Zeebrugge. Calais saw 200 more."
    found = extract_figures(text, "en", mentions(text, "Zeebrugge", "Calais"))
    assert [(f.text, f.port) for f in found] == [("1,140", "Zeebrugge"), ("200", "Calais")]


def test_a_port_after_at_or_in_is_preferred_to_a_nearer_one() -> None:
    text = "In Vlissingen, harbour police found seven men in a container bound for Purfleet."
    found = extract_figures(text, "en", mentions(text, "Vlissingen", "Purfleet"))
    assert [(f.text, f.port) for f in found] == [("seven", "Vlissingen")]


def test_the_nearest_port_wins_when_none_follows_at_or_in() -> None:
    text = "Officers from Dover and Calais counted 40 lorries, said Dunkirk officials."
    found = extract_figures(text, "en", mentions(text, "Dover", "Calais", "Dunkirk"))
    assert found[0].port == "Calais"


def test_a_figure_without_a_port_in_its_sentence_has_none() -> None:
    text = "Calais is calm. Elsewhere 300 people waited."
    assert extract_figures(text, "en", mentions(text, "Calais"))[0].port is None


# --- exclusions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # dates and years
        ("The barrier opened on 25 July.", "en"),
        ("The barrier opened on July 25.", "en"),
        ("Le mur a été achevé le 3 mars.", "fr"),
        ("Het hek was klaar op 3 maart 2024.", "nl"),
        ("La valla se terminó el 3 de marzo.", "es"),
        ("Work began in 2015.", "en"),
        ("Since 2019 the port has changed.", "en"),
        ("It recalls the 1940s.", "en"),
        ("The 2015-16 season was hard.", "en"),
        # clock and timetable times
        ("The ferry leaves at 03:00.", "en"),
        ("The ferry leaves at 10.30am.", "en"),
        ("The ferry leaves at 6pm.", "en"),
        ("Le ferry part à 14h30.", "fr"),
        ("De veerboot vertrekt om 14.30 uur.", "nl"),
        ("L'alerte a été donnée à 4 heures du matin.", "fr"),
        ("Ze vertrokken rond 5 uur.", "nl"),
        ("La nageuse est partie à 6 h 15.", "fr"),
        # ages of people, ships and companies
        ("A man aged 34 was arrested.", "en"),
        ("A 34-year-old man was arrested.", "en"),
        ("The ship is a 20-year-old ferry.", "en"),
        ("The firm was founded 150 years ago.", "en"),
        ("Un homme de 34 ans a été arrêté.", "fr"),
        ("De man is 34 jaar oud.", "nl"),
        ("Un joven de 24 años fue detenido.", "es"),
        ("Sarah Whitcombe, 39, set off from Dover.", "en"),
        ("Most of them were under 18.", "en"),
        ("Ze gaan op 60 jaar met pensioen.", "nl"),
        # ordinals and ranks
        ("It was the 3rd attempt.", "en"),
        ("C'est la 2e tentative.", "fr"),
        ("Dover is No. 1 for freight.", "en"),
        # roads, junctions, decks, pages, footnotes, berths
        ("Lorries queued on the A16.", "en"),
        ("Traffic stopped on the M20.", "en"),
        ("Traffic stopped at junction 11.", "en"),
        ("They hid on deck 7.", "en"),
        ("See page 4 of the report.", "en"),
        ("The report says so [3].", "en"),
        ("Ships moor at Berths 8 and 9.", "en"),
        ("Il s'est arrêté à la sortie 47.", "fr"),
        # product and title numbers, scales, formats
        ("The Covid-19 rules changed.", "en"),
        ("A Boeing 737 landed.", "en"),
        ("Article 8 protects family life.", "en"),
        ("Les vents ont atteint force 10.", "fr"),
        ("Tourné en pellicule 70 mm IMAX.", "fr"),
        ("Capacity is measured in twenty-foot equivalent units.", "en"),
        # scores
        ("Folkestone won 2-1 at home.", "en"),
        # vague quantities
        ("Dozens of boats left.", "en"),
        ("Hundreds of people waited.", "en"),
        ("Thousands of lorries queued.", "en"),
        ("A few hundred people waited.", "en"),
        ("Des centaines de migrants attendaient.", "fr"),
        ("Honderden mensen wachtten.", "nl"),
        ("Tientallen boten vertrokken.", "nl"),
        ("Cientos de personas esperaban.", "es"),
        # fractions without a base and verbal multipliers
        ("Half of them were children.", "en"),
        ("Two-thirds of them were men.", "en"),
        ("One migrant in five was a child.", "en"),
        ("Un départ sur quatre a échoué.", "fr"),
        ("Crossings doubled.", "en"),
        ("Les intrusions ont été divisées par deux.", "fr"),
        # reference windows that frame another figure
        ("Crossings rose in the past 24 hours.", "en"),
        ("Crossings rose over the last 12 months.", "en"),
        ("Les traversées ont augmenté ces dernières 24 heures.", "fr"),
        ("Het aantal steeg in de afgelopen 24 uur.", "nl"),
        ("Les passeurs ont changé il y a deux saisons.", "fr"),
        ("Dat gebeurde twee jaar geleden.", "nl"),
        # phone numbers, versions, speeds
        ("Call +44 20 7946 0958 for help.", "en"),
        ("Install version 2.3.1 of the app.", "en"),
        ("Gusts reached 130 km/h.", "en"),
        # numbers with nothing counted
        ("The A team and the one before it.", "en"),
    ],
)
def test_what_is_not_a_figure_is_not_reported(text: str, lang: str) -> None:
    assert figures(text, lang) == []


def test_a_window_framing_a_figure_is_left_out_but_the_figure_kept() -> None:
    assert spans("Britain will pay £476m over three years.") == ["£476m"]
    assert spans("Plus de 7 000 personnes ont débarqué en 48 heures.", "fr") == ["7 000"]
    assert spans("A fast boat can cross the 1.6km strait in 15 minutes.") == [
        "1.6km",
        "15 minutes",
    ]


def test_a_count_written_like_a_year_is_a_count_when_a_noun_follows() -> None:
    assert one("Près de 2000 migrants attendent.", "fr").value == 2000


def test_the_other_end_of_an_excluded_age_range_is_excluded_too() -> None:
    assert figures("Officers arrested nine men, aged between 24 and 51.") == [
        figures("Officers arrested nine men.")[0]
    ]


# --- robustness ---------------------------------------------------------------------------------


NEWS_PARAGRAPH = (
    "Police in the Belgian port said they had stopped 1,140 people trying to board lorries "
    "since January, as tighter security further down the coast pushed smugglers north. The "
    "federal police unit, which patrols the ferry and freight terminals, said officers now "
    "intercepted between 30 and 40 people on a typical night, most of them found in "
    "refrigerated trailers. The interior ministry has approved €4.8 million for cameras and a "
    "3.5km fence around the lorry parks, to be finished by spring, a spokesman said on 25 "
    "July. Hauliers say drivers are threatened in lay-bys along the motorway, and some now "
    "refuse to stop at all between the capital and the coast.\n\n"
)


def test_a_five_megabyte_news_text_is_read_in_a_few_seconds() -> None:
    text = (NEWS_PARAGRAPH * (5_000_000 // len(NEWS_PARAGRAPH) + 1))[:5_000_000]
    started = time.perf_counter()
    found = extract_figures(text, "en")
    assert [f.text for f in found][:2] == ["1,140", "between 30 and 40"]
    assert time.perf_counter() - started < 60  # generous: a few seconds on a quiet machine


def test_a_megabyte_of_nothing_but_figures_is_still_read_in_linear_time() -> None:
    paragraph = "Police stopped 1,140 people, up from 300, as £7m bought a 2km fence. "
    text = paragraph * (1_000_000 // len(paragraph))
    started = time.perf_counter()
    assert extract_figures(text, "en")
    assert time.perf_counter() - started < 60


def test_a_long_text_that_is_one_sentence_is_still_read_in_linear_time() -> None:
    # Junk without full stops: every bare number looks through the same huge sentence.
    text = " ".join(f"there were {100 + i % 900} in the end" for i in range(20_000))
    started = time.perf_counter()
    assert extract_figures(text, "en") == []
    bare = " ".join(f"boats, {100 + i % 900} in the end" for i in range(20_000))
    assert len(extract_figures(bare, "en")) == 900  # each wording once: all of them boats
    assert time.perf_counter() - started < 60  # generous: a few seconds on a quiet machine


def test_empty_and_numberless_texts_have_no_figures() -> None:
    assert extract_figures("") == []
    assert extract_figures("No numbers here at all.") == []


def test_a_unit_trie_matches_what_a_longest_first_list_matches() -> None:
    # ``_alternation`` factors the unit and currency words as a trie for speed; a flat
    # alternation sorted longest first is the reference it must agree with, backtracking
    # included (the unit regex ends with a look-ahead).
    import random
    import re

    from pipeline.figures import _CURRENCY_WORDS, _UNIT_WORDS, _alternation

    forms = sorted({*_UNIT_WORDS, *_CURRENCY_WORDS} - {""})
    flat = "|".join(
        re.escape(f).replace(r"\ ", r"[ \u00a0]+") for f in sorted(forms, key=len, reverse=True)
    )
    tail = r"(?![\w²])"
    reference = re.compile(rf"[ \u00a0-]{{0,2}}(?P<unit>(?i:{flat})|m|t|h){tail}")
    trie = re.compile(rf"[ \u00a0-]{{0,2}}(?P<unit>(?i:{_alternation(forms)})|m|t|h){tail}")
    pieces = [" ", "\u00a0", "  ", "-", "²", "s", "S", "x", "é", ".", "2", "'"]
    rng = random.Random(3)
    matched = 0
    for _ in range(20_000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            form = rng.choice(forms)[: rng.randint(1, 30)]
            parts.append(rng.choice(pieces) if rng.random() < 0.4 else form)
        text = "".join(c.upper() if rng.random() < 0.2 else c for c in "".join(parts))
        expected = reference.match(text)
        found = trie.match(text)
        assert (found and found.span("unit")) == (expected and expected.span("unit")), text
        matched += expected is not None
    assert matched > 5_000  # the strings exercise the regexes


_DEATH_FORMS = {
    "en": (
        "12 people {} off the coast.",
        "died|have died|had died|were killed|have been killed|drowned|lost their lives"
        "|were found dead|are dead|perished".split("|"),
    ),
    "fr": (
        "12 migrants {} au large.",
        "ont péri|sont morts|ont perdu la vie|se sont noyés|noyés|morts|décédés".split("|"),
    ),
    "nl": (
        "12 migranten {} voor de kust.",
        ["kwamen om", "zijn omgekomen", "zijn overleden", "verdronken"],
    ),
    "es": (
        "12 migrantes {} frente a la costa.",
        ["murieron", "fallecieron", "han muerto", "ahogados", "muertos"],
    ),
    "de": ("12 Migranten {} vor der Küste.", ["starben", "kamen ums Leben", "ertrunken"]),
}


@pytest.mark.parametrize(
    ("lang", "text"),
    [(lang, tpl.format(form)) for lang, (tpl, forms) in _DEATH_FORMS.items() for form in forms],
)
def test_every_death_verb_counts_people_as_deaths(lang: str, text: str) -> None:
    # Each verb of the death regex must pass the cheap substring test run before it.
    (figure,) = extract_figures(text, lang)
    assert figure.subject == "people (deaths)"
