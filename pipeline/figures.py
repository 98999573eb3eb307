"""Figures: numbers with what they measure, read from article text.

``extract_figures`` turns the numbers ``pipeline.numbers`` finds into figures: a value with a
unit (``count``, an ISO 4217 currency code, ``km``, ``percent``, ``h`` …), a short English
subject ("migrants", "fence height", "attempts per night") and the port the sentence ties it to.

How a number is read, in order:

1. Exclusions that depend only on the words around it: dates, years, clock times, ages,
   ordinals and labels ("junction 11", "Article 8", "Covid-19"), reference windows ("in the
   past 24 hours"), ratios ("one in five"), fractions ("two-thirds"), speeds.
2. The quantity: a currency before or after ("£7m", "2,5 miljoen euro"), a unit ("2km",
   "four-metre", "20 per cent", "three times as many"), a compound duration summed in its
   smallest unit ("2 hours 30 minutes" = 150 min).
3. A range with the next number ("between 350 and 800", "30-40", "entre 350 et 800").
4. A rate period attached to it ("150 a night", "€3.2 million a year").
5. What is counted: the noun after it, through a small lexicon of the five languages. A bare
   number in digits borrows the subject of its sentence or of the figure before it ("against
   11 the year before"); a bare number in words is a figure only as the earlier value of
   another ("12 minutes instead of two") or before a verb ("Two were arrested").
6. Earlier values: "150 a night, down from 2,000" sets ``previous`` on the 150.

Spans follow the golden corpus: the number with its currency, magnitude, unit, attached rate and
the whole of a range; never the counted noun ("5,000 migrants" -> "5,000").

Speed: every regex here is either matched at a fixed position (right after a number) or run
on a sentence; the words before a number are split once (``_Before``) and looked up in sets,
with one look-up of the phrase lists they end. What several steps read is read once: the word
after a position, and per sentence its cue words, nouns, "number of" and port mentions (so a
text that is one long sentence stays linear); the lower-cased text is shared with the numbers.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final, NamedTuple

from pipeline.automata import automaton
from pipeline.numbers import Number, find_numbers, languages_for, trie_pattern
from pipeline.ports import PortMention
from pipeline.sentences import sentence_spans
from pipeline.textfold import ascii_folds

__all__ = ["Figure", "extract_figures"]


class Figure(NamedTuple):
    """A number in an article together with what it measures.

    A named tuple, like ``PortMention``: built for most numbers, five times faster than a
    frozen dataclass.
    """

    text: str
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    subject: str
    port: str | None
    #: The earlier value of the same fact ("150 a night, down from 2,000" -> 2000 on the 150).
    previous: float | None = None

    def to_json(self) -> dict[str, object]:
        """The figure as ``portwatch assess`` writes it; ``previous`` only when known."""
        out: dict[str, object] = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": _json_number(self.value),
            "value_max": None if self.value_max is None else _json_number(self.value_max),
            "unit": self.unit,
            "subject": self.subject,
            "port": self.port,
        }
        if self.previous is not None:
            out["previous"] = _json_number(self.previous)
        return out


def _json_number(value: float) -> float | int:
    return int(value) if value.is_integer() else value


# --- vocabulary -------------------------------------------------------------------------------


def _table(spec: str) -> dict[str, str]:
    """Parse ``"target: form, form; target: form"`` lines into a form -> target map."""
    table: dict[str, str] = {}
    for line in spec.strip().splitlines():
        target, _, forms = line.partition(":")
        for form in forms.split(","):
            if form.strip():
                table[form.strip().lower()] = target.strip()
    return table


def _alternation(forms: Sequence[str]) -> str:
    """Regex alternation of ``forms`` factored as a character trie, spaces matching any run of
    blanks. As from a flat list sorted longest first, the longest form that fits wins; a flat
    list of 176 units is tried one by one, five times slower."""
    return trie_pattern(forms).replace(r"\ ", r"[ \u00a0]+")


_CURRENCY_WORDS: Final = _table(
    """
    EUR: euro, euros, euro's, eur
    GBP: pound, pounds, pounds sterling, sterling, livre sterling, livres sterling, livres,
    GBP: pond, ponden, pond sterling, libra, libras, libras esterlinas, pfund, quid, gbp
    USD: dollar, dollars, us dollars, dólar, dólares, usd
    MAD: dirham, dirhams, dirhams marocains, dh, dhs
    TRY: lira, liras, lire, turkish lira, livres turques
    CHF: swiss francs, francs suisses, chf
    """
)
_CURRENCY_CODES: Final = (
    "GBP EUR USD MAD TRY CHF AUD CAD JPY SEK NOK DKK PLN TND DZD LYD EGP RON BGN HUF CZK"
).split()
_CURRENCY_SIGNS: Final = {
    "US$": "USD", "A$": "AUD", "C$": "CAD", "R$": "BRL", "£": "GBP", "₤": "GBP", "€": "EUR",
    "$": "USD", "¥": "JPY", "₺": "TRY", "₹": "INR", "₽": "RUB",
}  # fmt: skip

_UNIT_WORDS: Final = _table(
    """
    m: metre, metres, meter, meters, mètre, mètres, metro, metros, mtr
    km: km, kms, kilometre, kilometres, kilometer, kilometers, kilomètre, kilomètres, kilómetro
    km: kilómetros, kilometro, kilometri
    mi: mile, miles, mijl, mijlen, milla, millas, meile, meilen
    nmi: nautical mile, nautical miles, nmi, milles nautiques, milles marins, mille nautique
    nmi: milles
    nmi: zeemijl, zeemijlen, milla náutica, millas náuticas, seemeile, seemeilen
    ft: ft, feet, foot, pieds, voet
    mm: mm, millimetre, millimetres, millimètres
    cm: cm, centimetre, centimetres, centimeter, centimeters, centimètres
    m2: m2, m², sq m, square metre, square metres, square meter, square meters, mètres carrés
    m2: vierkante meter, metros cuadrados, quadratmeter
    km2: km2, km², sq km, square kilometre, square kilometres, square kilometer
    km2: square kilometers, kilomètres carrés, vierkante kilometer, kilómetros cuadrados
    ha: ha, hectare, hectares, hectárea, hectáreas, hektar
    kg: kg, kilo, kilos, kilogram, kilograms, kilogramme, kilogrammes, kilogramo, kilogramos
    t: tonne, tonnes, ton, tons, tonnen, tonelada, toneladas
    s: second, seconds, secs, sec, seconde, secondes, seconden, segundo, segundos, sekunden
    min: minute, minutes, mins, min, minuten, minuto, minutos
    h: hour, hours, hrs, hr, heure, heures, uur, uren, hora, horas, stunde, stunden
    day: day, days, jour, jours, journée, journées, dag, dagen, día, días, tag, tage, tagen
    week: week, weeks, semaine, semaines, weken, semana, semanas, woche, wochen
    month: month, months, mois, maand, maanden, mes, meses, monat, monate, monaten
    year: year, years, yr, yrs, an, ans, année, années, jaar, jaren, año, años, jahr, jahre
    year: jahren
    """
)
_DURATION_SECONDS: Final = {
    "s": 1, "min": 60, "h": 3600, "day": 86400, "week": 604800, "month": 2629800,
    "year": 31557600,
}  # fmt: skip
# Compound durations are summed only where the smaller unit divides the larger exactly.
_EXACT_STEPS: Final = {("year", "month"), ("week", "day"), ("day", "h"), ("h", "min"), ("min", "s")}

# Counted nouns in five languages -> subject. Longer forms win ("small boats" over "boats").
_NOUNS: Final = _table(
    """
    migrants: migrant, migrants, migranten, migrante, migrantes, immigrants, immigrés, exilés
    migrants: inmigrantes, clandestins, clandestinos, illegalen, illegal immigrants, exiles
    migrants: illegal migrants, irregular migrants, undocumented migrants, sans-papiers
    asylum seekers: asylum seekers, asylum-seekers, demandeurs d'asile, asielzoekers
    asylum seekers: solicitantes de asilo, asylbewerber, asylsuchende
    refugees: refugees, refugee, réfugiés, vluchtelingen, refugiados, flüchtlinge
    stowaways: stowaways, stowaway, passagers clandestins, verstekelingen, polizones
    people: people, persons, person, individuals, personnes, individus, mensen, personen
    people: personas, menschen, nationals, ressortissants, occupants, inzittenden, adults
    people: adultes, volwassenen, adultos, erwachsene
    passengers: passengers, passagers, passagiers, pasajeros, passagiere
    men: men, man, hommes, homme, mannen, hombres, männer, males, young men, jeunes hommes
    women: women, woman, femmes, femme, vrouwen, mujeres, frauen
    children: children, child, kids, enfants, kinderen, niños, kinder, babies, bébés, bebés
    children: infants, baby's
    minors: minors, unaccompanied minors, mineurs, mineurs non accompagnés, minderjarigen
    minors: menores, menores no acompañados, minderjährige
    families: families, familles, gezinnen, familias, familien
    survivors: survivors, survivants, rescapés, overlevenden, supervivientes, überlebende
    bodies: bodies, corps, lichamen, cadáveres, cuerpos, leichen
    people (deaths): dead, deaths, fatalities, morts, décès, doden, muertos, fallecidos, tote
    people (deaths): todesopfer, dead bodies
    people (missing): missing, disparus, vermisten, vermist, desaparecidos, vermisste
    smugglers: smugglers, people smugglers, people-smugglers, traffickers, passeurs
    smugglers: trafiquants, smokkelaars, mensensmokkelaars, traficantes, schleuser
    smugglers: schlepper, facilitators, suspected smugglers, human traffickers
    suspects: suspects, verdachten, sospechosos, verdächtige
    lorries: lorries, lorry, trucks, truck, hgvs, hgv, camions, camion, poids lourds
    lorries: vrachtwagens, vrachtwagen, camiones, lkw, lastwagen, heavy goods vehicles
    trailers: trailers, trailer, remorques, aanhangers, opleggers, remolques
    vehicles: vehicles, véhicules, voertuigen, vehículos, fahrzeuge
    cars: cars, voitures, auto's, autos, coches
    vans: vans, camionnettes, busjes, bestelwagens, furgonetas
    containers: containers, conteneurs, contenedores
    small boats: small boats, small boat, dinghies, dinghy, inflatables, inflatable boats
    small boats: rubber boats, canots, small vessels, bootjes, rubberboten, pateras
    small boats: neumáticas, lanchas, cayucos, schlauchboote, taxi boats, embarcations légères
    boats: boats, boat, bateaux, embarcations, boten, boot, barcos, embarcaciones, boote
    vessels: vessels, ships, navires, schepen, buques, schiffe
    container ships: container ships, porte-conteneurs, containerschepen, portacontenedores
    patrol boats: patrol boats, patrol vessels, patrouilleurs, patrouilleboten, patrulleras
    ferries: ferries, veerboten, ferrys, transbordadores, fähren
    crossings: crossings, traversées, passages, overtochten, oversteken, cruces, travesías
    crossings: überfahrten
    attempts: attempts, tentatives, pogingen, intentos, versuche, incursions, intrusions
    arrivals: arrivals, arrivées, aankomsten, llegadas, ankünfte, clandestine arrivals
    landings: landings, débarquements, landingen, desembarcos
    arrests: arrests, arrestations, interpellations, arrestaties, aanhoudingen, detenciones
    arrests: festnahmen
    interceptions: interceptions, onderscheppingen, interceptaciones
    rescues: rescues, rescue operations, sauvetages, reddingen, rescates, operations
    police officers: police officers, police, officers, policemen, police officer, gendarmes
    police officers: policiers, agents, cops, crs, agenten, politieagenten, marechaussees
    police officers: policías, agentes, guardias civiles, polizisten, riot police
    police officers: border force officers, border police, officiers, beamte, officer
    border guards: border guards, garde-frontières, grenswachten, guardias fronterizos
    customs officers: customs officers, douaniers, douaneambtenaren, douane, aduaneros
    customs officers: controleurs, inspecteurs, inspectors, zöllner
    people: others, autres, anderen, otros, otras
    security guards: guards, security guards, gardes, vigiles, agents de sécurité, bewakers
    security guards: beveiligers, vigilantes, wachleute
    soldiers: soldiers, troops, soldats, militaires, soldaten, militares
    staff: staff, employees, workers, salariés, employés, personeel, medewerkers
    staff: trabajadores, mitarbeiter
    dogs: dogs, sniffer dogs, chiens, honden, perros, hunde
    cameras: cameras, cctv cameras, thermal cameras, caméras, camera's, cámaras, kameras
    beds: beds, lits, bedden, camas, betten, places d'hébergement
    tents: tents, tentes, tenten, tiendas, zelte
    countries: countries, pays, landen, países, länder
    ports: ports, havens, puertos, häfen
    smuggling networks: networks, gangs, réseaux, bandes, netwerken, bendes, redes, banden
    patrols: patrols, patrouilles, patrullas, patrouillen
    checks: checks, controls, contrôles, controles, kontrollen, searches, fouilles
    incidents: incidents, incidenten, incidentes, vorfälle
    flights: flights, vols, vluchten, vuelos, flüge
    engines: engines, outboard engines, moteurs, motoren, motores
    drones: drones, drones, drohnen
    scanners: scanners, scanners, escáneres
    helicopters: helicopters, hélicoptères, helikopters, helicópteros, hubschrauber
    trains: trains, treinen, trenes, züge
    coaches: coaches, buses, bus, autocars, bussen, autobuses
    freight units: freight units, unités de fret, vrachteenheden
    nights: nights, nuits, nachten, noches, nächte
    people (injured): injured, wounded, blessés, gewonden, heridos, verletzte
    boats: pirogues, pirogue, cayucos, cayuco, barques
    jet skis: jet-skis, jet skis, jetskis, jet-ski, motos acuáticas, motos de agua
    sailings: sailings, ferry links, services, departures, rotations, liaisons, afvaarten
    sailings: vertrekken, salidas, abfahrten, ferry services, crossings per day
    containers: container, teu, teus
    """
)
_PEOPLE: Final = frozenset(
    {"migrants", "people", "men", "women", "children", "asylum seekers", "refugees",
     "stowaways", "passengers", "minors", "families", "survivors"}
)  # fmt: skip
_NOUN_FORMS: Final = sorted(_NOUNS, key=len, reverse=True)
_MAX_NOUN_WORDS: Final = max(len(form.split()) for form in _NOUN_FORMS)
_NOUN_PREFIXES: Final = frozenset(form.split()[0] for form in _NOUN_FORMS if " " in form)

# Words between a number and its noun that say nothing about what is counted.
_SKIP_WORDS: Final = frozenset(
    """
    more other others additional extra new further young old suspected alleged illegal irregular
    undocumented unaccompanied inflatable overcrowded overloaded armed senior private foreign
    local british french belgian dutch german spanish italian greek turkish moroccan african
    syrian eritrean sudanese afghan albanian vietnamese iranian iraqi kurdish somali libyan
    tunisian algerian egyptian indian pakistani chinese romanian polish bulgarian european
    english clandestine hidden frozen rigid large small big armed plain-clothes mounted
    of the a an those these such some all about around roughly nearly almost
    de d' des du la le les l' autres nouveaux nouvelles supplémentaires jeunes
    van het andere extra nieuwe jonge illegale
    los las del otros otras nuevos nuevas más jóvenes
    der die das weitere neue junge
    """.split()
)
# Words that end the search for a noun: the number is then "bare".
_STOP_WORDS: Final = frozenset(
    """
    are were was is be been have has had will would could should may might can did do does
    in on at to from for by with and or than as who which that this these those last next
    per each every a an more less up down over under between since ago after before while
    according compared against said says say the year years
    sont ont étaient était sera seront à en et ou pour par sur dans avec que qui selon contre
    depuis après avant pendant durant entre chez vers sous comme plus moins dont été avaient
    ils elles il elle ce cette ces leur leurs son sa ses se ne pas au aux du y lors jusqu'à
    zijn waren was werd worden hebben heeft had in op aan naar voor door met en of dan die dat
    volgens tegen sinds na tijdens tussen bij om onder over zoals meer minder werden hun hij zij
    ze er niet wel al nog ook uit
    son fueron fue han ha había en a y o para por con que según frente desde después antes
    durante entre hacia bajo sobre como más menos sus su se no ya también al del estaban
    sind waren wurden haben hat in an auf zu mit und oder als nach laut gegenüber seit vor
    während zwischen bei um unter über wie mehr weniger ihre sie er es nicht auch noch schon im
    am zum zur vom
    them they us we whom eux elles ils nous hen hun zij wij ons ellos ellas nosotros ihnen sie
    """.split()
)

# --- patterns after a number (matched at the number's end) ------------------------------------

_I = re.IGNORECASE
_MONTHS_CAPITALISED: Final = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MONTHS_ANY_CASE: Final = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
    "|décembre|decembre|janv|févr|avr|juil|déc|januari|februari|maart|april|mei|juni|juli"
    "|augustus|oktober|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre"
    "|octubre|noviembre|diciembre|januar|februar|märz|dezember"
)
# English months only capitalised: "5,000 may cross" is not a date.
_MONTH_AFTER: Final = re.compile(
    r"(?:st|nd|rd|th|er)?\.?[ \u00a0]+(?:(?i:of|de)[ \u00a0]+)?"
    rf"(?:(?:{_MONTHS_CAPITALISED})\b|(?i:{_MONTHS_ANY_CASE})\b)"
)
_SEASON_BEFORE: Final = re.compile(r"\d{4}\s?[-–/]\s?\Z")
_TIME_AFTER: Final = re.compile(
    r"[ \u00a0]?(?:[ap]\.m\.|[ap]m\b|o'clock|gmt\b|bst\b|cet\b|cest\b|utc\b|local time"
    r"|heure locale|u\d\d\b"
    r"|[ \u00a0]*(?:h|heures?|uur|horas?|uhr)?[ \u00a0]+(?:du\s+(?:matin|soir)|de\s+l'après-midi"
    r"|'s\s+(?:ochtends|middags|avonds|nachts)|de\s+la\s+(?:mañana|tarde|noche)"
    r"|in\s+the\s+(?:morning|afternoon|evening)|morgens|abends))",
    _I,
)
_DURATION_OF: Final = re.compile(r"\s+(?:de|d'|van|of)\b", _I)
_AGE_AFTER: Final = re.compile(
    r"(?:[ \u00a0-]+(?:year|yr|month|week|day)s?[ \u00a0-]+old\b|-year\b|[ \u00a0-]+jaar\s+oud\b"
    r"|-jarige?\b|[ \u00a0]+años\s+de\s+edad\b|-jährige?r?\b|[ \u00a0]+jahre\s+alt\b)",
    _I,
)
_RETIRE_AFTER: Final = re.compile(
    r"\s+(?:met\s+pensioen|à\s+la\s+retraite|en\s+retraite|de\s+jubilación|in\s+rente)", _I
)
_PRISON_AFTER: Final = re.compile(r"\s+(?:de\s+prison|cel|de\s+cárcel|gevangenis)", _I)
_LONG_TIME_AFTER: Final = re.compile(
    r"\s+(?:saisons?|seasons?|seizoenen|seizoen|temporadas?|décennies|decades?|decennia"
    r"|décadas|siècles?|centuries|century|eeuwen?|siglos?|jahrzehnten?)\b",
    _I,
)
_AGO_AFTER: Final = re.compile(r"\s+(?:ago|earlier|geleden|plus\s+tôt)\b", _I)
_WINDOW_AFTER: Final = re.compile(
    r"\s+(?:derni[eè]re?s|premi[eè]re?s|prochaine?s|últim[oa]s|primer[oa]s)\b", _I
)
_ORDINAL_AFTER: Final = re.compile(r"(?:st|nd|rd|th|e|er|ère|re|ème|eme|de|ste|º|ª|°)(?!\w)", _I)
_FRACTION_AFTER: Final = re.compile(
    r"[ \u00a0-]?(?:thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|tenths?|halves"
    r"|tiers|quarts|cinquièmes|derde|derden|kwart|vijfde|tercios?|cuartos?|drittel|viertel)\b",
    _I,
)
_RATIO_AFTER: Final = re.compile(
    r"[ \u00a0]+(?:in|out\s+of|of\s+every|sur|op|de\s+cada|von)[ \u00a0]+(?:\d{1,3}(?!\d)|two"
    r"|three|four|five|six|seven|eight|nine|ten|deux|trois|quatre|cinq|dix|twee|drie|vier|vijf"
    r"|tien|dos|tres|cuatro|cinco|diez|zwei|drei|fünf|zehn)\b",
    _I,
)
_RATIO_NOUN_AFTER: Final = re.compile(r"[ \u00a0]+[^\W\d_]+" + _RATIO_AFTER.pattern, _I)
_HYPHEN_WORD_AFTER: Final = re.compile(r"-([^\W\d_]+)")
# "one of the main landing points" is not a count of one.
_ONE_OF: Final = re.compile(r"(?:one|un|une|één|uno|una|eins?)\s+(?:of|de|d'|van|von)\b", _I)
# "twenty-foot equivalent unit", "40ft container": a standard size, not a measurement.
_STANDARD_SIZE: Final = re.compile(r"[ -]?(?:foot|ft)[ -]+(?:equivalent|containers?)\b", _I)
_SPEED_AFTER: Final = re.compile(
    r"[ \u00a0]?(?:km/h|kmh|km\s+(?:per|an|à\s+l')\s+(?:hour|heure)|kph|mph|miles\s+(?:per|an)"
    r"\s+hour|knots?|nœuds|noeuds|knopen|nudos|knoten)\b",
    _I,
)
_AGE_COMMA_AFTER: Final = re.compile(r"\s*,")
# "70 mm IMAX", "35mm film": a film or calibre format, not a length.
_FORMAT_AFTER: Final = re.compile(
    r"[ \u00a0]?mm\b[ \u00a0]+(?:imax|film|films|pellicule|format|camera|lens|gun|calibre"
    r"|caliber|rounds?|ammunition)\b",
    _I,
)

_CURRENCY_BEFORE: Final = re.compile(
    r"(?:(?P<sign>"
    + "|".join(re.escape(s) for s in sorted(_CURRENCY_SIGNS, key=len, reverse=True))
    + r")|\b(?P<code>"
    + "|".join(_CURRENCY_CODES)
    + r"))[ \u00a0]?(?P<minus>[-−])?\Z"
)
_CURRENCY_AFTER_WORDS: Final = frozenset(
    [w.split()[0] for w in _CURRENCY_WORDS] + ["de", "d", "of"]
)
_CURRENCY_AFTER: Final = re.compile(
    r"[ \u00a0]*(?:(?P<sign>€|£|\$|₤|₺)|(?:(?:d['’]|de[ \u00a0]+|of[ \u00a0]+)?)"
    r"(?P<word>(?i:" + _alternation(list(_CURRENCY_WORDS)) + r"))(?!\w))"
)
_MILLION_M: Final = re.compile(r"[ \u00a0]?(?:m|mn|M)(?!\w)")
_PERCENT: Final = re.compile(
    r"[ \u00a0]?%|[ \u00a0]*-?(?:per[ \u00a0]?cent|percent|pour[ \u00a0]?cent|procent"
    r"|por[ \u00a0]?ciento|prozent|pct|percentage[ \u00a0]+points?)\b",
    _I,
)
_TIMES: Final = re.compile(
    r"[ \u00a0]*(?:-fold\b|fold\b|(?:times|fois|keer|maal|veces|mal)\b(?=[ \u00a0]+(?:as|more"
    r"|higher|greater|larger|bigger|the|fewer|less|lower|over|plus|moins|autant|zo|meer"
    r"|minder|groter|hoger|más|menos|so|mehr|weniger|höher|zoveel|zo\s+veel|tanto|tantos|tantas"
    r"|as\s+many|as\s+much)\b))",
    _I,
)
_UNIT: Final = re.compile(
    r"(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0]{0,2})(?P<unit>(?i:"
    + _alternation([u for u in _UNIT_WORDS if len(u) > 1])
    + r")|m|t|h)(?![\w²])"
)
# "une quarantaine de kilomètres", "2 millions de tonnes": a unit after "de" / "of".
_UNIT_OF: Final = re.compile(
    r"[ \u00a0]+(?:de|d'|d’|of|van)[ \u00a0]*(?P<unit>(?i:"
    + _alternation([u for u in _UNIT_WORDS if len(u) > 2])
    + r"))(?!\w)"
)
_NEXT_WORD: Final = re.compile(r"(\s*-?[ \u00a0]*)([^\s,;:()\[\]\"“”«»]*)")
# First words of every unit form ("nautical" of "nautical miles") and the single letters: a
# number followed by any other word has no unit, and the unit regex is not run.
_UNIT_FIRST_WORDS: Final = frozenset(w.split()[0] for w in _UNIT_WORDS) | {"m", "t", "h"}
_LEADING_LETTERS: Final = re.compile(r"[^\W\d_]+")
_SPEED_WORDS: Final = frozenset(
    "km/h kmh km kph mph miles knots knot nœuds noeuds knopen nudos knoten".split()
)
_AGE_AFTER_WORDS: Final = frozenset(
    """year years yr yrs month months week weeks day days jaar jarige jarig años jährige
    jähriger jährig jahre""".split()
)
_LONG_TIME_WORDS: Final = frozenset(
    """saison saisons season seasons seizoen seizoenen temporada temporadas décennies decade
    decades decennia décadas siècle siècles century centuries eeuw eeuwen siglo siglos
    jahrzehnt jahrzehnten""".split()
)
_FRACTION_WORDS: Final = frozenset(
    """third thirds quarter quarters fifth fifths sixth sixths seventh sevenths eighth eighths
    tenth tenths halves tiers quarts cinquièmes derde derden kwart vijfde tercio tercios cuarto
    cuartos drittel viertel""".split()
)
_RATIO_AFTER_WORDS: Final = frozenset({"in", "out", "of", "sur", "op", "de", "von"})
_PERCENT_WORDS: Final = frozenset(
    "per percent pour procent por prozent pct percentage per-cent pour-cent %".split()
)
_TIMES_ENDINGS: Final = ("times", "fois", "keer", "maal", "veces", "mal", "fold")
_RATE_WORDS: Final = frozenset(
    "a an per each every par chaque elke iedere por al cada pro je am im".split()
)
_GLUED_HOURS: Final = re.compile(r"h(?P<min>\d\d)?(?!\w)")
_DURATION_JOIN: Final = re.compile(r"(?:,?[ \u00a0]+(?:and|et|en|y|und)[ \u00a0]+|,?[ \u00a0]+)")
_RATE: Final = re.compile(
    r"[ \u00a0]*(?:(?:a|an|per|each|every|a\s+single|/)[ \u00a0]*(?P<en>night|day|week|month|year"
    r"|hour|shift)|(?:par|chaque)[ \u00a0]+(?P<fr>nuit|jour|semaine|mois|an|année|heure)"
    r"|(?:per|elke|iedere)[ \u00a0]+(?P<nl>nacht|dag|week|maand|jaar|uur)"
    r"|(?:por|al|a[ \u00a0]+la|cada)[ \u00a0]+(?P<es>noche|día|semana|mes|año|hora)"
    r"|(?:pro|je|am|im)[ \u00a0]+(?P<de>nacht|tag|woche|monat|jahr|stunde))\b",
    _I,
)
_PERIODS: Final = _table(
    """
    night: night, nuit, nacht, noche, nightly, shift
    day: day, jour, dag, día, tag, daily
    week: week, semaine, semana, woche, weekly
    month: month, mois, maand, mes, monat, monthly
    year: year, an, année, jaar, año, jahr, annual, annually
    hour: hour, heure, uur, hora, stunde
    """
)
# A period named later in the clause: "30 people on a typical night", "52 on each boat".
_LOOSE_RATE: Final = re.compile(
    r"\b(?:a|an|per|each|every|on\s+a\s+(?:typical|normal|single|busy)|on\s+each|par"
    r"|chaque|per|elke|iedere|por|cada|pro|je)\s+(?P<p>night|day|week|month|year|shift|boat"
    r"|nuit|jour|semaine|mois|an|nacht|dag|maand|jaar|noche|día|semana|mes|año|tag|woche"
    r"|bateau|boot|barco)\b"
)
# The period words _LOOSE_RATE looks for, as a set: a cheap test before the regex.
_PERIOD_WORDS: Final = frozenset(
    """night day week month year shift boat nuit jour semaine mois an nacht dag maand jaar
    noche día semana mes año tag woche bateau boot barco""".split()
)
_RANGE_AND: Final = re.compile(r"[ \u00a0]+(?:and|et|en|y|und|-|–)[ \u00a0]+", _I)
_RANGE_TO: Final = re.compile(
    r"[ \u00a0]?[-–—][ \u00a0]?|[ \u00a0]+(?:to|à|a|tot|bis|hasta|till|or|ou|of|o|oder)[ \u00a0]+",
    _I,
)
_CHANGE_BEFORE: Final = re.compile(
    r"\b(?:rose|risen|rising|rises|fell|fallen|falling|falls|dropped|drop|increased|decreased"
    r"|climbed|jumped|grew|grown|went|gone|soared|plunged|declined|up|down|cut|reduced|raised"
    r"|passé|passée|passés|augmenté|baissé|chuté|grimpé|gestegen|gedaald|toegenomen"
    r"|afgenomen|gegroeid|pasó|pasaron|aumentó|subió|bajó|cayó|stieg|sank|fiel|passer|passera"
    r"|porter|portera|porté|brengen|verhogen|verhoogd|elevar|elevó|erhöhen|erhöht)\b"
    r"[^.;]{0,80}\Z",
    _I,
)
_SCORE_BEFORE: Final = re.compile(
    r"\b(?:won|lost|beat|beaten|drew|draw|defeated|victory|defeat|win|score|scored|scoreline"
    r"|gagné|perdu|victoire|défaite|gewonnen|verloren|ganó|perdió|gewann|verlor)\b[^.]{0,25}\Z",
    _I,
)
_FROM_BEFORE: Final = re.compile(r"\b(?:from|de|van|von|desde)\s+\Z", _I)
_TO_GAP: Final = re.compile(r"\s+(?:to|à|naar|tot|a|auf)\s+", _I)
_PREVIOUS_GAP: Final = re.compile(
    r"[^.;!?]{0,90}?(?:\b(?:down|up)\s+from|\bcompared\s+(?:with|to)|\bagainst|\bversus|\bvs\.?"
    r"|\bfrom|\bcontre|\bpar\s+rapport\s+à|\btegen(?:over)?|\bvergeleken\s+met|\bfrente\s+a"
    r"|\bgegenüber|\bverglichen\s+mit|\binstead\s+of|\bau\s+lieu\s+de|\bin\s+plaats\s+van"
    r"|\ben\s+lugar\s+de|\bstatt)\s+(?:(?:a|the)\s+(?:high|peak|low|total|record)\s+of\s+"
    r"|(?:about|around|some|roughly|nearly|almost|just|over|under|more\s+than|less\s+than"
    r"|fewer\s+than|at\s+least|environ|près\s+de|ongeveer|zo'n|circa|unos|cerca\s+de|etwa"
    r"|rund)\s+)*\Z",
    _I,
)
_SPELLED_DURATIONS: Final = {
    "half an hour": 30, "half-an-hour": 30, "a quarter of an hour": 15,
    "quarter of an hour": 15, "three quarters of an hour": 45, "an hour and a half": 90,
    "une demi-heure": 30, "une demi heure": 30, "un quart d'heure": 15,
    "trois quarts d'heure": 45, "une heure et demie": 90, "een kwartier": 15, "drie kwartier": 45,
    "een half uur": 30, "een halfuur": 30, "media hora": 30, "un cuarto de hora": 15,
    "tres cuartos de hora": 45, "una hora y media": 90, "eine halbe stunde": 30,
    "eine viertelstunde": 15, "eineinhalb stunden": 90, "anderthalb stunden": 90,
}  # fmt: skip
# Parts of those phrases specific enough that a text without any has none of them: one
# automaton pass tells whether ``_SPELLED_DURATION`` (a look-behind, tried at every character)
# needs to run at all.
_SPELLED_DURATION_STEMS: Final = automaton(
    [
        "half an hour", "half-an-hour", "of an hour", "hour and a half",
        "demi-heure", "demi heure", "d'heure", "heure et demie",
        "kwartier", "half uur", "halfuur",
        "media hora", "de hora", "hora y media",
        "halbe stunde", "viertelstunde", "halb stunden",
    ]
)  # fmt: skip
_SPELLED_DURATION: Final = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        re.escape(k).replace(r"\ ", r"\s+")
        for k in sorted(_SPELLED_DURATIONS, key=len, reverse=True)
    )
    + r")(?!\w)"
)
_PREVIOUS_STEMS: Final = (
    "from", "against", "ompared", "versus", "vs", "contre", "rapport", "tegen", "vergeleken",
    "frente", "gegenüber", "verglichen", "instead", "lieu", "plaats", "lugar", "statt",
)  # fmt: skip
# One of these is in every ``_NUMBER_OF`` match, lower-cased ("anzahl" holds "zahl").
_NUMBER_OF_WORDS: Final = ("number", "total", "nombre", "aantal", "número", "zahl")
_NUMBER_OF: Final = re.compile(
    r"\b(?:number|total|nombre|aantal|número|zahl|anzahl)\s+(?:of|de|d'|van|der)\s+(?:the\s+)?"
    r"(?P<noun>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)",
    _I,
)
# The death verb must belong to the counted noun: no "and", "but" or comma in between.
_DEATH_AFTER: Final = re.compile(
    r"(?:(?!\b(?:and|but|et|mais|en|maar|y|pero|und|aber)\b)[^.;,]){0,50}?\b(?:died"
    r"|have\s+died|had\s+died|were\s+killed|been\s+killed|drowned|lost\s+their\s+lives"
    r"|found\s+dead|dead|perished|ont\s+péri|sont\s+morts|ont\s+perdu\s+la\s+vie"
    r"|se\s+sont\s+noyée?s|noyée?s|mort(?:e|s|es)?|décédée?s|kwamen\s+om|omgekomen"
    r"|overleden|verdronken"
    r"|murieron|fallecieron|han\s+muerto|ahogados|muertos|starben|ums\s+leben|ertrunken)\b",
    _I,
)
# Substrings one of which a death verb contains: a cheap test before _DEATH_AFTER ("kwamen" and
# "omgekomen", not "om", which is in every "from"; a test checks each form has one).
_DEATH_STEMS: Final = (
    "die", "dead", "kill", "drown", "lives", "perish", "péri", "perdu", "mort", "noy", "décéd",
    "kwamen", "omgekomen", "overleden", "verdronk", "murieron", "fallec", "muert", "ahog",
    "starben", "leben", "ertrunk",
)  # fmt: skip
# A number in words followed by a verb or by "of them" counts the people of the sentences
# before: "Two were treated", "Dos de ellas murieron", "deux d'entre eux".
_BARE_VERB_AFTER: Final = re.compile(
    r"[ \u00a0]+(?:were|are|have|had|died|drowned|remain|remained|fled|escaped|survived|sont"
    r"|ont|étaient|zijn|waren|hebben|werden|son|fueron|han|estaban|murieron|sind|haben|wurden"
    r"|of\s+them|of\s+whom|d'entre\s+(?:eux|elles)|van\s+hen|de\s+(?:ellos|ellas)"
    r"|von\s+ihnen)\b",
    _I,
)
_DEFINITE: Final = frozenset({"the", "les", "de", "het", "los", "las", "die", "der", "das"})
_ELIDED: Final = re.compile(r"^(?:[dlDL]['’])")
_QUOTES: Final = "\"'“”‘’«»("
_CLAUSE_MARKS: Final = ",.;:!?)»”\"'’"
_SENTENCE_WORD: Final = re.compile(r"[^\W\d_][\w'’–-]*")
_PORT_PREFERRED_WORDS: Final = (
    r"at|in|near|off|à|au|aux|dans|près\s+de|bij|nabij|en|cerca\s+de|bei|vor|im|am"
    r"|port\s+of|harbour\s+of|harbor\s+of|port\s+de|haven\s+van|puerto\s+de|hafen\s+von"
)
_PORT_PREFERRED: Final = re.compile(rf"\b(?:{_PORT_PREFERRED_WORDS})\s+(?:the\s+)?\Z", _I)
# The same, case-sensitive, for lower-cased text: about four times cheaper than IGNORECASE.
_PORT_PREFERRED_LOWER: Final = re.compile(rf"\b(?:{_PORT_PREFERRED_WORDS})\s+(?:the\s+)?\Z")
_GROUPS: Final = _table(
    """
    people: crowd, group, groupe, groep, grupo, gruppe, foule, menigte, multitud
    staff: team, équipe, ploeg, equipo
    vessels: fleet, flotte, vloot, flota
    """
)
# Subject of a number in words kept only in case it proves to be an earlier value.
_WEAK: Final = ""


def _cue_table(spec: str) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """ "cue: word, stem*" lines -> (word -> cues, stem -> cues)."""
    words: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    for line in spec.strip().splitlines():
        cue, _, forms = line.partition(":")
        for form in forms.split(","):
            form = form.strip()
            if form:
                table = stems if form.endswith("*") else words
                table.setdefault(form.rstrip("*"), set()).add(cue.strip())
    return (
        {k: frozenset(v) for k, v in words.items()},
        {k: frozenset(v) for k, v in stems.items()},
    )


# Words of a sentence that say what its figures are about: found in one pass over the
# lower-cased sentence, then looked up ("stem*" matches any word it starts).
_CUE_WORDS, _CUE_STEMS = _cue_table(
    """
    smuggling: smuggl*, passeur, passeurs, smokkel*, traficante, traficantes, schleuser*
    payment: pay, paid, pays, cost, costs, price, charge*, fee, fees, place, payé, prix, coûte
    payment: betaald, prijs, kost, precio, pagado, cuesta, preis, kostet, demand*, ask*, vragen
    payment: vraagt, piden, cobran, verlangen
    fines: fine, fines, fined, amende, amendes, boete, boetes, multa, multas, geldstrafe
    value: worth, value, valued, valeur, waarde, valor, wert
    funding: fund*, financ*, budget*, promised, pledged, approved, allocated, subsid*, fonds
    funding: invest*, grant*, aid, aide, ayuda, hulp, bijdrage, commit*, inversión, inversiones
    spending: spent, spend*, dépensé*, uitgegeven, gastado, ausgegeben
    cost: cost*, coût*, kost*, coste, costo
    compensation: compensation, damages, indemni*, schadevergoeding
    fence: fenc*, barrier*, wall, walls, steel, clôture*, cloture*, grillage*, barrière*, mur
    fence: murs, hek, hekken, hekwerk*, omheining*, muur, valla*, muro, muros, zaun*, zäun*
    boat: boat*, dinghy, dinghies, vessel*, bateau*, boot*, barco*, patera*, schiff*
    journey: journey*, crossing*, trip*, voyage*, sail*, traversée*, overtocht*, travesía*
    journey: überfahrt*, cross
    wait: wait*, queue*, delay*, attente*, wachttijd*, espera*, wartezeit*
    prison: prison*, jail*, sentence, sentenced, gevangenis*, cárcel*, haft*, emprisonnement*
    prison: celstraf*
    detention: detention*, detained, rétention*, détention*, detentie*, detención*
    attempt: attempt*, trying, tried, tentative*, tenté, essay*, poging*, probeerden
    attempt: intento*, intentaron, versuch*
    """
)
_CUE_STEM_LENGTHS: Final = sorted({len(stem) for stem in _CUE_STEMS})
# A whole word that starts with a cue, found in " " + the lower-cased sentence after a character
# that is no part of a word: ``re`` then tries only at spaces and punctuation (a look-behind
# would have it try at every character), and the trie keeps each try short.
_CUE_FINDER: Final = re.compile(
    r"[^\w](?P<word>(?:" + trie_pattern([*_CUE_WORDS, *_CUE_STEMS]) + r")\w*)"
)
_MONEY_CUES: Final = (
    ("smuggling fee", ("smuggling", "payment")),
    ("fines", ("fines",)),
    ("value", ("value",)),
    ("funding", ("funding",)),
    ("spending", ("spending",)),
    ("cost", ("cost",)),
    ("compensation", ("compensation",)),
    ("security funding", ("fence",)),
)
_DURATION_CUES: Final = (
    ("crossing time", "journey"),
    ("waiting time", "wait"),
    ("prison sentence", "prison"),
    ("detention", "detention"),
)
_HEIGHT_CUE: Final = re.compile(
    r"[ \u00a0-]*(?:high|tall|in\s+height|de\s+haut|haute?s?|hoog|hoge|de\s+altura|alt[oa]s?"
    r"|hoch|hohe?n?)\b",
    _I,
)
_WIDTH_CUE: Final = re.compile(r"[ \u00a0-]*(?:wide|de\s+large|breed|brede|de\s+ancho|breit)\b", _I)
_LONG_CUE: Final = re.compile(r"[ \u00a0-]*(?:long|de\s+long|lang|lange|de\s+largo)\b", _I)
# "20% of migrants" (matched on the eight characters after the percentage).
_SHARE_OF: Final = re.compile(r"[ \u00a0]+(?:of|des|du|de|van|der)\b", _I)
_CHANGE_UP: Final = re.compile(
    r"\b(?:increase\w*|rise|rises|rose|risen|up|jump\w*|surge\w*|hausse|augment\w*|stijging"
    r"|toename|gestegen|aumento|subida|anstieg|gestiegen|more|más|plus|meer|mehr)\b",
    _I,
)
_CHANGE_DOWN: Final = re.compile(
    r"\b(?:decrease\w*|fall|falls|fell|fallen|drop\w*|declin\w*|down|baisse|diminution|chute"
    r"|daling|afname|gedaald|descenso|caída|disminución|rückgang|gesunken|fewer|less)\b",
    _I,
)


# --- words before a number (split once, looked up in sets) ------------------------------------


_Phrases = frozenset[tuple[str, ...]]
# Every phrase list ``_phrases`` built, by phrase: ``_before`` looks up once which lists the
# words before a number end with, and each check then asks about its list for the price of a
# membership test (not one set test of all the endings per list and check).
_LISTS_BY_PHRASE: Final[dict[tuple[str, ...], list[_Phrases]]] = {}
# The lengths of those phrases by their last word, shortest first.
_PHRASE_LENGTHS: Final[dict[str, list[int]]] = {}


def _phrases(spec: str) -> _Phrases:
    """ "aged | âgé de" -> {("aged",), ("âgé", "de")}: lower-cased word sequences."""
    found = frozenset(tuple(p.split()) for p in spec.split("|") if p.strip())
    for phrase in found:
        _LISTS_BY_PHRASE.setdefault(phrase, []).append(found)
        lengths = _PHRASE_LENGTHS.setdefault(phrase[-1], [])
        if len(phrase) not in lengths:
            lengths.append(len(phrase))
            lengths.sort()
    return found


_MONTHS_BEFORE: Final = frozenset(_MONTHS_CAPITALISED.split("|"))
_MONTHS_ANY_BEFORE: Final = _phrases(_MONTHS_ANY_CASE)
# "in 2015", "depuis 2019", "zomer 2015": a year.
_YEAR_WORDS: Final = _phrases(
    """in|since|by|until|before|after|during|year|summer|spring|autumn|winter|early|late|mid|en
    |depuis|dès|avant|après|année|été|hiver|sinds|jaar|zomer|desde|año|verano|seit|im|jahr
    |sommer"""
)
# Also before years, but before counts as well ("près de 2000 migrants", "from 1500 people").
_WEAK_YEAR_WORDS: Final = _phrases("of|from|to|the|de|van|tot|del")
_CLOCK_WORDS: Final = _phrases(
    """at|by|until|till|from|before|after|around|about|à|a|vers|dès|jusqu'à|avant|après|om|tot
    |vanaf|rond|tegen|a las|hasta las|desde las|sobre las|um|gegen|ab|bis"""
)
# "at 6" is a time; French "à 10" alone is usually not ("on en est à 10").
_AT_WORDS: Final = _phrases("at|om|um|a las")
_CURRENCY_SIGN_CHARS: Final = frozenset("£₤€$¥₺₹₽")
# Characters one of which is in the four before a number when a currency precedes it.
_MONEY_BEFORE_CHARS: Final = _CURRENCY_SIGN_CHARS | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Hours after these are a clock time ("à 14 heures", "peu après 4 heures"); "about 6 hours" is
# a duration.
_CLOCK_HOURS_WORDS: Final = _phrases(
    """à|vers|dès|jusqu'à|à partir de|après|avant|om|tegen|rond|a las|hasta las|desde las
    |sobre las|um|gegen|ab"""
)
_DURATION_WORDS: Final = _phrases(
    """en|pendant|durant|in|for|during|après|after|over|binnen|within|than|que|dan|ruim|bijna
    |près de|plus de|moins de|casi|más de|mehr als|fast"""
)
_AGE_WORDS: Final = _phrases(
    """aged|age|ages|aged between|aged of|aged under|aged over|âgé|âgée|âgés|âgées|âgé de
    |âgée de|âgés de|âgées de|âgés entre|leeftijd van|edad de|im alter von|alter"""
)
_AGE_OF_LINKS: Final = frozenset({"de", "van", "d'"})
_TERM_NOUNS: Final = frozenset(
    """peine prison détention réclusion emprisonnement période durée contrat bail concession
    straf celstraf gevangenisstraf periode duur contract concessie condena pena prisión periodo
    contrato concesión""".split()
)
_PERSON_NOUNS: Final = frozenset(
    """homme femme jeune garçon fille enfant adolescent bébé man vrouw jongen meisje kind
    jongere hombre mujer joven niño niña chico chica menor bebé""".split()
)
_AGE_BARE_WORDS: Final = _phrases("under|over|now|below")
_AGE_COMMA_NOUNS: Final = frozenset({"man", "woman", "boy", "girl", "homme", "femme"})
_AGO_WORDS: Final = _phrases(
    "il y a|hace|vor|y a plus de|y a près de|y a environ|y a moins de|hace más de|hace casi"
)
_WINDOW_WORDS: Final = _phrases(
    """past|last|previous|preceding|first|next|coming|following|recent|within|dernière
    |dernières|derniers|première|premières|premiers|prochaine|prochaines|prochains|afgelopen
    |laatste|voorbije|vorige|eerste|komende|binnen|últimos|últimas|primeros|primeras|próximos
    |próximas|pasados|pasadas|letzten|ersten|vergangenen|kommenden|nächsten|innerhalb von"""
)
_RANK_WORDS: Final = _phrases(
    "no|nos|nr|num|number|número|numéro|nummer|rank|ranked|top|position|n°|nº|no.|nr."
)
_LABEL_WORDS: Final = frozenset(
    """
    junction j deck page p pp article art section chapter paragraph clause annex appendix
    schedule rule regulation directive resolution platform gate berth pier quay dock terminal
    hangar route road highway motorway interstate exit sortie autoroute afrit salida muelle quai
    kade porte flight room line bus level phase stage tier category class grade zone sector lot
    block box ward boeing airbus covid sars version v vol volume issue season episode part act
    artikel artículo pagina página seite kapitel paragraaf hoofdstuk capítulo figure fig table
    step operation opération protocol protocole amendment bill loi wet ley cup league division
    channel radio apollo euro windows iphone ww tranche lijn línea ligne gleis tor brexit
    frontex code quayside unit cell bay lane track camp war force windkracht beaufort fuerza
    """.split()
)
_STANDARD_SIZE_WORDS: Final = _phrases("équivalent|équivalents|equivalent")
_VERBAL_MULTIPLIERS: Final = _phrases(
    """divided by|multiplied by|divisé par|divisée par|divisés par|divisées par|multiplié par
    |multipliée par|multipliés par|multipliées par|gedeeld door|vermenigvuldigd met
    |dividido por|dividida por|divididos por|divididas por|multiplicado por|multiplicada por
    |geteilt durch|multipliziert mit"""
)
_VAGUE_WORDS: Final = _phrases("tens of|dozens of|hundreds of|thousands of")
_RATIO_WORDS: Final = _phrases(
    """one in|1 in|one out of|1 out of|un sur|une sur|1 sur|één op|een op|1 op|uno de cada
    |una de cada|1 de cada|einer von|eine von|1 von"""
)
_SHAPE_PHRASES: Final = frozenset(
    {_STANDARD_SIZE_WORDS, _VERBAL_MULTIPLIERS, _VAGUE_WORDS, _RATIO_WORDS}
)
_RATIO_LINKS: Final = frozenset({"in", "sur", "op", "of", "von"})
_ONE_WORDS: Final = frozenset({"one", "un", "une", "één", "uno", "una", "einer", "eine", "1"})
_FRAME_WORDS: Final = _phrases("in|over|across|within|during|en|sur|binnen|über|durante|innerhalb")
_BETWEEN_WORDS: Final = frozenset({"between", "entre", "tussen", "zwischen"})
_FROM_WORDS: Final = frozenset({"from", "de", "van", "von", "desde"})
_GROUP_QUALIFIERS: Final = frozenset(
    """about around some up to more than at least over nearly almost environ près de plus
    ongeveer zo'n ruim unos más etwa über""".split()
)
_STRIP: Final = "\"'“”‘’«»()[]"
_ELISIONS: Final = frozenset(
    {"qu'", "d'", "l'", "j'", "n'", "s'", "c'", "jusqu'", "lorsqu'", "puisqu'"}
)
_CLAUSE_END: Final = tuple(",.;:!?)»”")


@dataclass(slots=True)  # not frozen: built for every number, and frozen init is slower
class _Before:
    """The words just before a number, split once and shared by every check.

    ``words`` are lower-cased and stop at the last clause punctuation ("In 2019, 39 people":
    no word before 39); ``raw`` are the whitespace-separated tokens as written; ``touching``
    is what is glued to the number ("£", "(", "Covid-").
    """

    words: tuple[str, ...]
    raw: tuple[str, ...]
    touching: str
    #: The phrase lists that one of the last words end (``_LISTS_BY_PHRASE``).
    ending: tuple[_Phrases, ...]

    def follows(self, phrases: _Phrases) -> bool:
        """True when the number comes right after one of ``phrases`` (a ``_phrases`` list)."""
        return phrases in self.ending

    @property
    def last(self) -> str:
        return self.words[-1] if self.words else ""


# Words kept before a number: the longest phrase of a list has four, and no check looks
# further back.
_WORDS_BEFORE: Final = 4
assert max(map(len, _LISTS_BY_PHRASE)) <= _WORDS_BEFORE


def _before(text: str, pos: int) -> _Before:
    start = max(0, pos - 64)
    window = text[start:pos]
    # The kept words, what touches the number and, first, the rest of the window.
    tokens = window.rsplit(maxsplit=_WORDS_BEFORE + 1)
    if len(tokens) == _WORDS_BEFORE + 2 or (start and tokens and not text[start - 1].isspace()):
        tokens.pop(0)  # the rest of the window, or a word cut by the window's start
    touching = ""
    if tokens and not window[-1].isspace():
        touching = tokens.pop()
    raw = tuple(tokens[-_WORDS_BEFORE:])
    words: list[str] = []
    for token in reversed(raw):
        word = _word_before(token)
        if word is None:
            break
        words.append(word)
    words.reverse()
    found = tuple(words)
    # Most numbers end no phrase: one set test, not a call.
    ending = _lists_ended(found) if found and found[-1] in _PHRASE_LENGTHS else ()
    return _Before(found, raw, touching, ending)


@functools.lru_cache(maxsize=4096)  # the same few hundred tokens come before most numbers
def _word_before(token: str) -> str | None:
    """A token before a number as ``_Before.words`` keeps it; None when it ends a clause."""
    if token.endswith(_CLAUSE_END):
        return None
    word = token.strip(_STRIP).lower()
    if "'" in word or "’" in word:
        head, _, tail = word.replace("’", "'").rpartition("'")
        if head + "'" in _ELISIONS:
            word = tail  # "qu'entre" -> "entre", "d'environ" -> "environ"
    return word


def _lists_ended(words: tuple[str, ...]) -> tuple[_Phrases, ...]:
    """The phrase lists with a phrase that ``words`` end with."""
    lengths = _PHRASE_LENGTHS.get(words[-1]) if words else None
    if lengths is None:
        return ()  # most numbers: one look-up
    ending: list[_Phrases] = []
    for k in lengths:  # only the lengths of phrases that end with this word
        if k > len(words):
            break
        ending += _LISTS_BY_PHRASE.get(words[-k:], ())
    return tuple(ending)


# --- working values ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Doc:
    """The text being read, with what every step needs to look around a number."""

    text: str
    #: ``text.lower()``, computed once: the numbers and the spelled durations read it.
    lowered: str
    #: Whether ``lowered`` has the length of ``text`` (a few characters such as "İ" lengthen
    #: when lower-cased): only then do its offsets point into ``text``.
    aligned: bool
    langs: tuple[str, ...]
    numbers: list[Number]
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    number_starts: list[int]
    #: The port mentions of the text, in the order given.
    ports: Sequence[PortMention] = ()
    #: The starts of ``ports`` when they are in text order (as ``Gazetteer.find`` gives them),
    #: else None: the mentions of a sentence are then found by bisection.
    port_starts: list[int] | None = None
    #: What was read from a sentence, by sentence start: its cue words, its nouns, what its
    #: "number of" counts and the port mentions a figure in it may name. Each is read once: a
    #: sentence may hold many figures (a long junk text can be one sentence of thousands).
    cues: dict[int, frozenset[str]] = field(default_factory=dict)
    nouns: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    numbered: dict[int, str | None] = field(default_factory=dict)
    port_choices: dict[int, list[PortMention]] = field(default_factory=dict)
    #: ``_next_word`` by position: the word after a number is looked at by several steps.
    next_words: dict[int, _Next] = field(default_factory=dict)

    def next_word(self, pos: int) -> _Next:
        """The separator, word and head after ``pos`` (``_next_word``), read once."""
        found = self.next_words.get(pos)
        if found is None:
            found = self.next_words[pos] = _next_word(self.text, pos)
        return found

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        return self.sentences[max(i, 0)] if self.sentences else (0, len(self.text))

    def cues_of(self, sentence: tuple[int, int]) -> frozenset[str]:
        """Kinds of cue words in a sentence ("smuggling", "fence", "attempt" …), read once."""
        found = self.cues.get(sentence[0])
        if found is None:
            found = _read_cues(self.text[sentence[0] : sentence[1]].lower())
            self.cues[sentence[0]] = found
        return found

    def nouns_of(self, sentence: tuple[int, int]) -> list[tuple[int, str]]:
        """Lexicon nouns of a sentence with their offsets, read once."""
        found = self.nouns.get(sentence[0])
        if found is None:
            found = _read_nouns(self.text, sentence)
            self.nouns[sentence[0]] = found
        return found

    def number_of(self, sentence: tuple[int, int]) -> str | None:
        """What the sentence's "number of …" counts (``_read_number_of``), read once."""
        if sentence[0] not in self.numbered:
            self.numbered[sentence[0]] = _read_number_of(self, sentence)
        return self.numbered[sentence[0]]

    def port_choices_of(self, sentence: tuple[int, int]) -> list[PortMention]:
        """Port mentions of a sentence a figure in it may name, read once (``_port_choices``)."""
        found = self.port_choices.get(sentence[0])
        if found is None:
            found = _port_choices(self, sentence)
            self.port_choices[sentence[0]] = found
        return found


@dataclass(slots=True)
class _Around:
    """One number with what is written around it; the noun after it is read on demand."""

    doc: _Doc
    n: Number
    before: _Before
    unit_match: re.Match[str] | None
    #: Code of the unit written right after the number, if any.
    unit: str | None
    #: What separates the number from the next word ("", " ", "-"), that word lower-cased and
    #: its head (``_head``): each regex after the number runs only when this word could start
    #: what it matches.
    sep: str
    word: str
    head: str
    _noun: str | None = None
    _noun_read: bool = False

    def noun(self) -> str | None:
        if not self._noun_read:
            self._noun, self._noun_read = _noun_at(self.doc, self.n.end), True
        return self._noun


def _around(doc: _Doc, n: Number) -> _Around:
    sep, word, head = doc.next_word(n.end)
    unit = _UNIT.match(doc.text, n.end) if _could_be_unit(sep, word) else None
    before = _before(doc.text, n.start)
    return _Around(doc, n, before, unit, _unit_code(unit), sep, word, head)


def _unit_code(unit: re.Match[str] | None) -> str | None:
    """Code of the unit ``_UNIT`` matched ("metres" -> "m"), None without a match."""
    if unit is None:
        return None
    word = unit.group("unit")
    return _UNIT_WORDS.get(word.lower(), word) if len(word) > 1 else word


class _Next(NamedTuple):
    """What follows a position: the separator, the next word lower-cased without a final stop,
    and the part of that word the word lists know (``_head``)."""

    sep: str
    word: str
    head: str


def _next_word(text: str, pos: int) -> _Next:
    match = _NEXT_WORD.match(text, pos)
    assert match is not None  # both groups may be empty
    return _read_next(match.group(1), match.group(2))


@functools.lru_cache(maxsize=4096)  # the same separators and words follow most numbers
def _read_next(sep: str, written: str) -> _Next:
    word = written.lower().rstrip(".")
    return _Next(sep, word, _head(word))


def _head(word: str) -> str:
    """ "year-old" -> "year", "d'euros" -> "euros": the part a word list knows."""
    if "'" in word or "’" in word:
        word = word.replace("’", "'").rpartition("'")[2]
    return word.split("-", 1)[0]


def _could_be_unit(sep: str, word: str) -> bool:
    """Whether the word after a number may start a unit: a set test before the unit regex."""
    return bool(word) and "\n" not in sep and _starts_unit(word)


@functools.lru_cache(maxsize=4096)  # a few hundred words follow most numbers
def _starts_unit(word: str) -> bool:
    """Whether the leading letters of a word are the first word of a unit."""
    letters = _LEADING_LETTERS.match(word)
    return letters is not None and letters.group() in _UNIT_FIRST_WORDS


@dataclass(slots=True)  # not frozen: built for every number, and frozen init is slower
class _Quantity:
    """A number with its currency, magnitude and unit; ``unit`` is None for a bare number."""

    start: int
    end: int
    value: float
    unit: str | None
    #: Index of the first number after this quantity (more than one for "2 hours 30 minutes").
    after: int


@dataclass(slots=True)
class _Draft:
    """A figure being assembled; frozen into a ``Figure`` at the end."""

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str | None
    #: End of the number or unit, where the counted noun is looked for.
    tail: int
    spelled: bool
    #: The sentence of ``start``, which several steps read.
    sentence: tuple[int, int]
    subject: str | None = None
    period: str | None = None
    previous: float | None = None
    #: No counted noun after it: its subject was borrowed and may be replaced.
    bare: bool = False


# --- exclusions -------------------------------------------------------------------------------


def _is_date(a: _Around) -> bool:
    n = a.n
    if n.spelled or n.value > 31 or not n.value.is_integer() or n.scale != 1.0:
        return False
    if a.word and _MONTH_AFTER.match(a.doc.text, n.end):
        return True
    raw = a.before.raw
    return bool(
        raw and not a.before.touching and (raw[-1].rstrip(".") in _MONTHS_BEFORE)
    ) or a.before.follows(_MONTHS_ANY_BEFORE)


def _is_year(a: _Around) -> bool:
    n, text = a.n, a.doc.text
    raw = text[n.start : n.end]
    if n.spelled or len(raw) != 4 or not raw.isdigit() or not 1800 <= n.value <= 2100:
        touching = a.before.touching  # no whitespace: a dash or slash ends it, or no season
        return touching.endswith(("-", "–", "/")) and _SEASON_BEFORE.search(touching) is not None
    if (a.before.raw and a.before.raw[-1] in _MONTHS_BEFORE) or a.before.follows(_YEAR_WORDS):
        return True
    if a.unit_match is None and _noun_at(a.doc, n.end, known_only=True) is not None:
        return False  # "près de 2000 migrants"
    if a.before.follows(_WEAK_YEAR_WORDS):
        return True
    # "2000 migrants" is a count, "in 2015" a year: a year-like number is a year unless a
    # known counted noun, a unit or a currency follows it at once.
    noun = a.noun()
    return (noun is None or noun == "things") and a.unit_match is None


def _is_clock_time(a: _Around) -> bool:
    n, text = a.n, a.doc.text
    if n.spelled or n.value > 24 or a.before.touching[-1:] in _CURRENCY_SIGN_CHARS:
        return False
    if a.word and _TIME_AFTER.match(text, n.end):
        return True
    raw = text[n.start : n.end]
    if "." in raw or ":" in raw:
        # "at 10.30": two digits after the point, after a clock preposition.
        return len(raw.split(".")[-1]) == 2 and a.before.follows(_CLOCK_WORDS)
    hours = _GLUED_HOURS.match(text, n.end) if not a.sep and a.word[:1] == "h" else None
    if hours is not None:
        # "14h30" is a clock time unless it follows "en", "pendant"…; "48h" only after "à".
        # "le ferry de 14h30" is a timetable, "a duré 2h30" a duration.
        if hours.group("min") is not None:
            if a.before.follows(_CLOCK_WORDS):
                return True
            return not a.before.follows(_DURATION_WORDS) and n.value >= 6
        return a.before.follows(_CLOCK_WORDS)
    if a.unit != "h":
        # "at 6": a bare small number after "at" / "à" / "om".
        return a.before.follows(_AT_WORDS) and a.noun() is None and a.unit_match is None
    assert a.unit_match is not None
    return a.before.follows(_CLOCK_HOURS_WORDS) and not _DURATION_OF.match(text, a.unit_match.end())


def _is_age(a: _Around) -> bool:
    n, text, before = a.n, a.doc.text, a.before
    if before.follows(_AGE_WORDS):
        return True
    if a.head in _AGE_AFTER_WORDS and _AGE_AFTER.match(text, n.end):
        return True
    if a.unit == "year" and a.unit_match is not None and n.value.is_integer():
        # "un homme de 34 ans", "een man van 34 jaar", "un Soudanais de 24 ans"; but "une
        # enquête de deux ans", "een straf van 3 jaar" are durations.
        word = a.unit_match.group("unit").lower()
        if word in {"ans", "jaar", "años", "jahre"}:
            if _RETIRE_AFTER.match(text, a.unit_match.end()):
                return True  # "op 60 jaar met pensioen"
            if _person_of(before, n) and not _PRISON_AFTER.match(text, a.unit_match.end()):
                return True
    if n.value >= 120 or not n.value.is_integer() or n.spelled:
        return False
    raw = before.raw
    # "John Smith (34)"
    if before.touching == "(" and text[n.end : n.end + 1] == ")" and raw and raw[-1][:1].isupper():
        return True
    # "Sarah Whitcombe, 39, set off", "the man, now 71, arrived"
    # A comma after the number leaves no word after it (``_NEXT_WORD`` stops at commas).
    if not a.word and not before.touching and raw and _AGE_COMMA_AFTER.match(text, n.end):
        named = raw[-2] if raw[-1] == "now" and len(raw) > 1 else raw[-1]
        if named.endswith(",") and (
            named[:1].isupper() or named.rstrip(",").lower() in _AGE_COMMA_NOUNS
        ):
            return True
    # "44 of them under 18", "most of them now over 100": a bare number after under/over.
    return before.follows(_AGE_BARE_WORDS) and a.noun() is None and a.unit_match is None


def _person_of(before: _Before, n: Number) -> bool:
    """ "un homme de 34", "een man van 34", "un docker de 52": a person, "of", an age.

    A sentence ("une peine de 15 ans") or a small number in words ("une enquête de deux ans")
    is a duration.
    """
    raw, words = before.raw, before.words
    if len(words) < 2 or words[-1] not in _AGE_OF_LINKS or words[-2] in _TERM_NOUNS:
        return False
    person = words[-2]
    if person in _PERSON_NOUNS or raw[-2][:1].isupper() or _NOUNS.get(person) in _PEOPLE:
        return True
    return not n.spelled and 12 <= n.value <= 110


def _is_window(a: _Around) -> bool:
    """ "in the past 24 hours", "les 12 derniers mois", "two weeks ago": frames, not figures."""
    text, before = a.doc.text, a.before
    season = _LONG_TIME_AFTER.match(text, a.n.end) if a.word in _LONG_TIME_WORDS else None
    if season is not None:
        return before.follows(_AGO_WORDS) or bool(_AGO_AFTER.match(text, season.end()))
    if a.unit not in _DURATION_SECONDS or a.unit_match is None:
        return False
    return bool(
        before.follows(_WINDOW_WORDS)
        or before.follows(_AGO_WORDS)
        or _AGO_AFTER.match(text, a.unit_match.end())
        or _WINDOW_AFTER.match(text, a.n.end)
    )


def _is_label(a: _Around) -> bool:
    """Ordinals, ranks, road/page/article numbers, product names, URLs, footnotes."""
    n, text, before = a.n, a.doc.text, a.before
    if not n.spelled and not a.sep and a.word and _ORDINAL_AFTER.match(text, n.end):
        return True
    touching = before.touching
    if touching:
        if touching[-1] in "#[/" or touching.endswith(("n°", "nº", "No.")):
            return True  # "#3", "[3]", "24/7"
        if len(touching) > 1 and touching[-1] == "-" and touching[-2].isalpha():
            return True  # "Covid-19", "F-35"
        if "://" in touching or "www." in touching or "@" in touching:
            return True
    if before.follows(_RANK_WORDS):
        return True
    raw = before.raw
    if raw and raw[-1] in {"h", "u", "uur"} and len(raw) > 1 and raw[-2].isdigit():
        return True  # the minutes of a clock time: "à 6 h 15"
    last = before.last.rstrip(".")
    if last in _LABEL_WORDS or (last.endswith("s") and last[:-1] in _LABEL_WORDS):
        return a.unit_match is None and _noun_at(a.doc, n.end, known_only=True) is None
    return False


def _is_speed(a: _Around) -> bool:
    """ "130 km/h", "40 knots": speeds are not in the unit vocabulary; nor are formats."""
    if a.word in _SPEED_WORDS:
        return _SPEED_AFTER.match(a.doc.text, a.n.end) is not None
    return a.word == "mm" and _FORMAT_AFTER.match(a.doc.text, a.n.end) is not None


def _is_glued_word(a: _Around) -> bool:
    """Digits glued to letters that are no unit or magnitude: "1930s", "4G", "3am"."""
    n, text = a.n, a.doc.text
    if n.spelled or a.sep or not text[n.end : n.end + 1].isalpha():
        return False
    return not (
        a.unit_match
        or _MILLION_M.match(text, n.end)
        or _GLUED_HOURS.match(text, n.end)
        or _CURRENCY_AFTER.match(text, n.end)
        or _PERCENT.match(text, n.end)
        or _TIMES.match(text, n.end)
    )


def _is_shape_excluded(a: _Around) -> bool:
    """Fractions, ratios, verbal multipliers, words after a hyphen that are no unit."""
    n, text, before, word = a.n, a.doc.text, a.before, a.word
    if a.head in _FRACTION_WORDS and _FRACTION_AFTER.match(text, n.end):
        return True
    if n.value <= 20 and word in _RATIO_AFTER_WORDS and _RATIO_AFTER.match(text, n.end):
        return True  # "one in five", "3 out of 4"
    if n.value == 1 and (
        _ONE_OF.match(text, n.start, n.end + 8) or _RATIO_NOUN_AFTER.match(text, n.end)
    ):
        return True  # "one of the main points", "one migrant in five"
    if a.head in {"foot", "ft"} and _STANDARD_SIZE.match(text, n.end):
        return True
    if before.ending and not _SHAPE_PHRASES.isdisjoint(before.ending):
        return True  # "thousands of", "three times", "twenty-foot équivalent"
    words = before.words
    if n.value <= 20 and words and words[-1] in _RATIO_LINKS and _ONE_WORDS & set(words[-4:-1]):
        return True  # "un départ sur quatre", "one migrant in five"
    hyphen = _HYPHEN_WORD_AFTER.match(text, n.end) if "-" in a.sep else None
    return bool(
        hyphen
        and a.unit_match is None
        and not _TIMES.match(text, n.end)
        and hyphen.group(1).lower() not in _NOUNS  # "a 40-lorry fleet" counts lorries
    )


_EXCLUSIONS: Final[tuple[Callable[[_Around], bool], ...]] = (
    _is_speed,
    _is_label,
    _is_glued_word,
    _is_date,
    _is_year,
    _is_clock_time,
    _is_age,
    _is_window,
    _is_shape_excluded,
)


def _excluded(a: _Around) -> bool:
    # A plain loop: ``any`` over a generator costs a generator step per check.
    for check in _EXCLUSIONS:  # noqa: SIM110
        if check(a):
            return True
    return False


# --- quantities -------------------------------------------------------------------------------


def _currency_before(doc: _Doc, n: Number) -> tuple[str, int, bool] | None:
    """Currency sign or code just before the number: (code, new start, minus sign)."""
    match = _CURRENCY_BEFORE.search(doc.text, max(0, n.start - 6), n.start)
    if match is None:
        return None
    code = _CURRENCY_SIGNS[match.group("sign")] if match.group("sign") else match.group("code")
    return code, match.start(), match.group("minus") is not None


def _currency_after(doc: _Doc, pos: int) -> tuple[str, int] | None:
    match = _CURRENCY_AFTER.match(doc.text, pos)
    if match is None:
        return None
    if match.group("sign"):
        return _CURRENCY_SIGNS[match.group("sign")], match.end()
    return _CURRENCY_WORDS[" ".join(match.group("word").lower().split())], match.end()


def _read_money(doc: _Doc, i: int, currency: str | None = None) -> _Quantity | None:
    """Money at number ``i``; ``currency`` is the one of a range's low end ("£3-4m")."""
    n = doc.numbers[i]
    text = doc.text
    # Cheap character tests first: most numbers have no currency on either side.
    near = text[n.start - 4 : n.start]
    before = None if _MONEY_BEFORE_CHARS.isdisjoint(near) else _currency_before(doc, n)
    start, end, value = n.start, n.end, n.value
    code = currency
    if before is not None:
        code, start, minus = before
        value = -value if minus else value
    nxt = doc.next_word(end)
    if nxt.word in {"m", "mn"} and n.scale == 1.0 and not n.spelled:
        million = _MILLION_M.match(text, end)
        if million is not None and (code or _currency_after(doc, million.end())):
            value, end = value * 1e6, million.end()  # "£7m", "7m euros"
            nxt = doc.next_word(end)
    money_next = nxt.word[:1] in _CURRENCY_SIGN_CHARS or nxt.head in _CURRENCY_AFTER_WORDS
    after = _currency_after(doc, end) if money_next else None
    if after is not None:
        code, end = after
    if code is None:
        return None
    return _Quantity(start, end, value, code, bisect.bisect_left(doc.number_starts, end))


def _read_quantity(doc: _Doc, i: int, a: _Around | None = None) -> _Quantity:
    """The number at index ``i`` with whatever currency, magnitude and unit go with it.

    ``a`` is what was already read around that number, if anything.
    """
    n = doc.numbers[i]
    text = doc.text
    money = _read_money(doc, i)
    if money is not None:
        return money
    sep, word, head = doc.next_word(n.end)
    percent = _PERCENT.match(text, n.end) if head in _PERCENT_WORDS or word[:1] == "%" else None
    if percent is not None:
        return _Quantity(n.start, percent.end(), n.value, "percent", i + 1)
    times = _TIMES.match(text, n.end) if word.endswith(_TIMES_ENDINGS) else None
    if times is not None:
        return _Quantity(n.start, times.end(), n.value, "times", i + 1)
    hours = _GLUED_HOURS.match(text, n.end) if not sep and word[:1] == "h" else None
    if not n.spelled and hours is not None:
        minutes = int(hours.group("min") or 0)
        if minutes:  # "2h30" = 150 min
            return _Quantity(n.start, hours.end(), n.value * 60 + minutes, "min", i + 1)
        return _Quantity(n.start, hours.end(), n.value, "h", i + 1)
    if a is not None:
        unit = a.unit_match
    else:
        unit = _UNIT.match(text, n.end) if _could_be_unit(sep, word) else None
    if unit is None and (n.collective or n.scale > 1):
        unit = _UNIT_OF.match(text, n.end)  # "une quarantaine de kilomètres"
    if unit is None:
        return _Quantity(n.start, n.end, n.value, None, i + 1)
    word = unit.group("unit")
    if word == "m" and not n.spelled and _noun_at(doc, unit.end(), known_only=True):
        # "5m people", "3.8m TEU" are millions, not metres.
        return _Quantity(n.start, unit.end(), n.value * 1e6, None, i + 1)
    code = _UNIT_WORDS[" ".join(word.lower().split())] if len(word) > 1 else word
    quantity = _Quantity(n.start, unit.end(), n.value, code, i + 1)
    return _compound_duration(doc, quantity) if code in _DURATION_SECONDS else quantity


def _compound_duration(doc: _Doc, first: _Quantity) -> _Quantity:
    """ "2 hours 30 minutes" -> 150 min; "1 year and 6 months" -> 18 months."""
    total, unit, end, after = first.value, first.unit, first.end, first.after
    while after < len(doc.numbers) and unit is not None:
        join = _DURATION_JOIN.match(doc.text, end)
        nxt = doc.numbers[after]
        if join is None or join.end() != nxt.start:
            break
        part = _UNIT.match(doc.text, nxt.end)
        if part is None:
            break
        code = _UNIT_WORDS.get(part.group("unit").lower(), part.group("unit"))
        if (unit, code) not in _EXACT_STEPS:
            break
        total = total * (_DURATION_SECONDS[unit] // _DURATION_SECONDS[code]) + nxt.value
        unit, end, after = code, part.end(), after + 1
    return _Quantity(first.start, end, total, unit, after)


# --- ranges, rates, earlier values ------------------------------------------------------------


class _Score:
    """Two numbers joined like a sports score ("won 2-1"): neither is a figure."""


_SCORE: Final = _Score()


def _read_range(
    doc: _Doc, low: _Quantity, before: _Before
) -> tuple[_Quantity, int] | _Score | None:
    """The high end of a range starting with ``low``, and where the range starts."""
    j = low.after
    if j >= len(doc.numbers) or doc.numbers[j].start - low.end > 16:
        return None
    high = _read_quantity(doc, j)
    if low.unit is not None and low.unit.isupper() and high.unit != low.unit:
        high = _read_money(doc, j, low.unit) or high  # "£3-4m": the high end is pounds too
    text = doc.text
    gap = text[low.end : high.start]
    # A unit on the low end only ("rose 6% to 11.7 million") is two figures, not a range.
    if len(gap) > 12 or (low.unit is not None and high.unit != low.unit):
        return None
    if low.start != doc.numbers[low.after - 1].start:
        before = _before(text, low.start)  # "between €1,500 and €3,000": words before the "€"
    opener = _range_opener(before)
    if opener in _BETWEEN_WORDS and _RANGE_AND.fullmatch(gap):
        return high, _word_start(text, low.start, before)
    if opener in _FROM_WORDS and _RANGE_TO.fullmatch(gap):
        # "rose from 2,000 to 5,000" is a change; the earlier value is linked later.
        start = _word_start(text, low.start, before)
        changed = _CHANGE_BEFORE.search(text, max(0, start - 100), start) is not None
        return None if changed else (high, start)
    if _RANGE_TO.fullmatch(gap) is None:
        return None
    dashed = gap.strip() in {"-", "–", "—"}
    if dashed and (
        high.value <= low.value or _SCORE_BEFORE.search(text, max(0, low.start - 40), low.start)
    ):
        return _SCORE if low.unit is None and high.unit is None else None
    if not dashed and _CHANGE_BEFORE.search(text, max(0, low.start - 40), low.start):
        return None  # "went up 20 to 30" reads as a change, not a range
    return (high, low.start) if high.value > low.value else None


def _range_opener(before: _Before) -> str:
    """ "between", "entre", "tussen (de)", "from", "de", "van" right before the low end."""
    if before.touching:
        return ""
    words = before.words
    if len(words) >= 2 and words[-1] in {"de", "the"} and words[-2] in _BETWEEN_WORDS:
        return words[-2]  # "tussen de 1.500 en 4.000 euro"
    return before.last


def _word_start(text: str, pos: int, before: _Before) -> int:
    """Start of the range opener before ``pos`` ("between" in "between 30 and 40")."""
    words = before.words
    k = 2 if len(words) > 1 and words[-1] in {"de", "the"} and words[-2] in _BETWEEN_WORDS else 1
    return text.rfind(before.raw[-k], 0, pos)


def _range_low(doc: _Doc, i: int, low: _Quantity, high: _Quantity) -> float:
    """Low end of "3 to 4 million" / "£3-4m": it shares the high end's magnitude."""
    n_high = doc.numbers[low.after]
    written = n_high.value / n_high.scale  # "4" in "4 million" and in "£4m"
    factor = high.value / written if written else 1.0
    n_low = doc.numbers[i]
    if low.value == n_low.value and factor > 1 and low.value * factor <= high.value:
        return low.value * factor
    return low.value


def _rate_at(doc: _Doc, pos: int) -> tuple[str, int] | None:
    """A rate period attached at ``pos`` ("a night", "par jour", "per week")."""
    word = doc.next_word(pos).word
    if word not in _RATE_WORDS and word[:1] != "/":
        return None
    match = _RATE.match(doc.text, pos)
    if match is None:
        return None
    word = next(g for g in match.groups() if g)
    return _PERIODS[word.lower()], match.end()


def _link_previous(doc: _Doc, drafts: list[_Draft]) -> None:
    """ "150 a night, down from 2,000": 2,000 is the previous value of the 150 figure."""
    text = doc.text
    for a, b in pairwise(drafts):
        gap = text[a.end : b.start]
        if len(gap) > 100:
            continue
        # A plain substring test first: the regex is costly and most gaps hold no cue.
        cued = _contains_any(gap, _PREVIOUS_STEMS)
        if cued and _PREVIOUS_GAP.fullmatch(gap) and (b.bare or b.subject == a.subject):
            a.previous = b.value
            _inherit(b, a)
        elif (
            _TO_GAP.fullmatch(gap)
            and _FROM_BEFORE.search(text, max(0, a.start - 8), a.start)
            and _CHANGE_BEFORE.search(text, max(0, a.start - 60), a.start)
        ):
            # "rose from 2,000 to 5,000": the later number is the current value.
            b.previous = a.value
            _inherit(a, b)


def _inherit(target: _Draft, source: _Draft) -> None:
    """A bare earlier value measures what its figure measures."""
    if target.bare:
        target.subject = source.subject
        if target.unit is None:
            target.unit = source.unit


# --- subjects ---------------------------------------------------------------------------------


def _noun_at(doc: _Doc, pos: int, known_only: bool = False) -> str | None:
    """Subject named by the counted noun just after ``pos`` ("5,000 migrants" -> migrants).

    With ``known_only`` only lexicon nouns count: "Article 8 protects" names nothing.
    """
    raw, words = _words_after(doc.text, pos)
    english = doc.langs == ("en",)
    for i, word in enumerate(words[:5]):
        if word in _NOUN_PREFIXES:  # "small boats", "police officers", "demandeurs d'asile"
            for k in range(min(_MAX_NOUN_WORDS, len(words) - i), 1, -1):
                noun = _NOUNS.get(" ".join(words[i : i + k]))
                if noun is not None:
                    return noun
        noun = _NOUNS.get(word)
        if noun is not None:
            return noun
        if word in _SKIP_WORDS:
            continue
        if word in _STOP_WORDS or known_only:
            return None
        noun = _unknown_noun(raw[i], english)
        if noun is not None or not english:
            return noun
        # An English word that does not look like a counted noun ("senior", "shipping"):
        # the noun may follow it.
    return None


def _words_after(text: str, pos: int) -> tuple[list[str], list[str]]:
    """Up to six words after ``pos`` as written and lower-cased, stopping at a number or a
    clause mark.

    Split on whitespace with string methods: the noun search runs for most numbers.
    """
    chunk = text[pos : pos + 80]
    if chunk[:1] == "-":
        chunk = chunk[1:]  # "a 40-lorry fleet"
    words: list[str] = []
    lowered: list[str] = []
    for token in chunk.split(maxsplit=7)[:7]:
        read = _word_after(token)
        if read is None:
            break  # a number, a dash, a bracket: no noun beyond
        if read is _LONE_QUOTE:
            continue  # « little ships »
        word, lower, last = read
        words.append(word)
        lowered.append(lower)
        if last or len(words) == 6:
            break  # "boats," ends the clause
    return words, lowered


_LONE_QUOTE: Final = ("", "", False)


@functools.lru_cache(maxsize=4096)  # the words after numbers repeat from article to article
def _word_after(token: str) -> tuple[str, str, bool] | None:
    """A token after a number as ``_words_after`` reads it: (word, lower-cased, whether it
    ends the clause); ``_LONE_QUOTE`` for a quote mark alone, None for no word."""
    core = token.strip(_QUOTES)
    if not core:
        return _LONE_QUOTE
    word = core.rstrip(_CLAUSE_MARKS)
    if not word or not word[0].isalpha():
        return None
    if "'" in word[:4] or "’" in word[:4]:
        word = _ELIDED.sub("", word)  # "d'enfants" -> "enfants"
    return word, word.lower(), len(word) < len(core)


def _unknown_noun(word: str, english: bool) -> str | None:
    """A noun the lexicon does not know: "14 platforms", "3.8 million TEU", "650 salles"."""
    plain = word.replace("-", "")
    if not english:
        # Counted all the same, but the subject must be English. A plural ending keeps verbs
        # out ("la film uit 2017 vertelt").
        plural = word.endswith(("s", "x", "en", "e", "n"))
        return (
            "things" if plain.isalpha() and word.islower() and len(plain) > 2 and plural else None
        )
    if len(word) > 3 and word.islower() and word.endswith("s") and word.isalpha():
        return word
    if word.isupper() and 1 < len(word) < 6:
        return word.lower()
    return None


def _read_cues(lowered: str) -> frozenset[str]:
    found: set[str] = set()
    for word in _CUE_FINDER.findall(" " + lowered):  # the words, without match objects
        found |= _word_cues(word)
    return frozenset(found)


@functools.lru_cache(maxsize=4096)  # the same few hundred words come back in every article
def _word_cues(word: str) -> frozenset[str]:
    """Kinds of cue of one lower-cased word: as a cue word, and for every cue stem it starts."""
    found = set(_CUE_WORDS.get(word, ()))
    for length in _CUE_STEM_LENGTHS:
        found.update(_CUE_STEMS.get(word[:length], ()))
    return frozenset(found)


def _read_nouns(text: str, sentence: tuple[int, int]) -> list[tuple[int, str]]:
    words = list(_SENTENCE_WORD.finditer(text, sentence[0], sentence[1]))
    lowered = [w.group().lower() for w in words]
    found: list[tuple[int, str]] = []
    for i, word in enumerate(words):
        # Only the first word of a form of several words starts a two-word noun.
        pair = " ".join(lowered[i : i + 2]) if lowered[i] in _NOUN_PREFIXES else None
        noun = (pair and _NOUNS.get(pair)) or _NOUNS.get(lowered[i])
        if noun is not None and noun not in {"nights", "countries", "ports"}:
            found.append((word.start(), noun))
    return found


def _sentence_noun(doc: _Doc, sentence: tuple[int, int], pos: int) -> str | None:
    """The lexicon noun of the sentence nearest to ``pos``, preferring one before it."""
    nouns = doc.nouns_of(sentence)  # by offset: the last one before ``pos``, else the first
    before = bisect.bisect_left(nouns, pos, key=lambda found: found[0])
    if before:
        return nouns[before - 1][1]
    return nouns[0][1] if nouns else None


def _read_number_of(doc: _Doc, sentence: tuple[int, int]) -> str | None:
    """ "the number of migrants ... has fallen to 150" -> migrants."""
    s0, s1 = sentence
    if doc.aligned and not _contains_any(doc.lowered[s0:s1], _NUMBER_OF_WORDS):
        return None  # most sentences: a substring test before the regex
    match = _NUMBER_OF.search(doc.text, s0, s1)
    if match is None:
        return None
    words = match.group("noun").lower().split()
    return _NOUNS.get(" ".join(words)) or _NOUNS.get(words[0]) or words[0]


def _group_before(before: _Before) -> str | None:
    """ "a crowd of 1,284" -> people; "a team of about 40" -> staff."""
    words = list(before.words)
    if words and words[-1] in _GROUP_QUALIFIERS:
        words.pop()
        if words and words[-1] in _GROUP_QUALIFIERS:
            words.pop()  # "up to", "more than", "près de"
    if len(words) >= 2 and words[-1] in {"of", "de", "d'", "van", "von"}:
        return _GROUPS.get(words[-2])
    return None


def _previous_noun(d: _Draft, drafts: list[_Draft], people: bool = False) -> str | None:
    """Subject of the last count before ``d`` nearby ("9 officers ... you would find 90").

    With ``people`` only a count of people will do ("four vans. Two were treated").
    """
    for p in reversed(drafts):
        if d.start - p.end > 400:
            return None
        subject = p.subject.split(" per ")[0] if p.unit is None and p.subject else None
        if subject and (not people or subject in _PEOPLE):
            return subject
    return None


def _count_subject(doc: _Doc, d: _Draft, a: _Around, drafts: list[_Draft]) -> str | None:
    """Subject of a count; sets ``d.bare`` when no counted noun follows the number."""
    sentence = d.sentence
    noun = a.noun() if d.tail == a.n.end else _noun_at(doc, d.tail)
    if noun is not None:
        return _with_outcome(doc, d, noun)
    d.bare = True
    # "Two were treated", but "the two of them": a definite article makes it a reference.
    verb = a.before.last not in _DEFINITE and _BARE_VERB_AFTER.match(doc.text, d.tail) is not None
    if d.spelled and d.period is None and not verb:
        # "the two of us": a number in words needs a noun, unless it is the earlier value of
        # another figure ("12 minutes instead of two"); kept weak until then.
        return _WEAK
    if d.spelled and verb:
        # "Two were treated for cuts": people of the sentences before.
        noun = doc.number_of(sentence) or _previous_noun(d, drafts, people=True)
        return _with_outcome(doc, d, noun or "people")
    if d.period is not None and "attempt" in doc.cues_of(sentence):
        return "attempts"
    noun = (
        _group_before(a.before)
        or doc.number_of(sentence)
        or _sentence_noun(doc, sentence, d.start)
        or _previous_noun(d, drafts)
    )
    if noun is None:
        return "things" if d.period else None
    return _with_outcome(doc, d, noun)


def _with_outcome(doc: _Doc, d: _Draft, noun: str) -> str:
    """People who died are counted as deaths: "four people died" -> people (deaths)."""
    if noun not in _PEOPLE:
        return noun
    # A plain substring test first: the regex is costly and deaths are rare.
    window = doc.text[d.tail : d.tail + 70].lower()
    if _contains_any(window, _DEATH_STEMS) and _DEATH_AFTER.match(doc.text, d.tail):
        return "people (deaths)"
    return noun


def _money_subject(doc: _Doc, sentence: tuple[int, int]) -> str:
    cues = doc.cues_of(sentence)
    for subject, needed in _MONEY_CUES:
        if cues.issuperset(needed):
            return subject
    return "money"


def _length_subject(doc: _Doc, d: _Draft, sentence: tuple[int, int]) -> str:
    text = doc.text
    cues = doc.cues_of(sentence)
    fence = "fence" in cues
    if _HEIGHT_CUE.match(text, d.end):
        return "fence height" if fence else "height"
    if _WIDTH_CUE.match(text, d.end):
        return "width"
    if fence:
        return "fence length"
    if "boat" in cues and (d.unit in {"m", "ft"} or _LONG_CUE.match(text, d.end)):
        return "boat length"
    return "distance" if d.unit in {"km", "mi", "nmi"} else "length"


def _duration_subject(doc: _Doc, sentence: tuple[int, int]) -> str:
    cues = doc.cues_of(sentence)
    return next((subject for subject, cue in _DURATION_CUES if cue in cues), "duration")


def _percent_subject(doc: _Doc, d: _Draft, sentence: tuple[int, int]) -> str:
    text = doc.text
    of = _SHARE_OF.match(text[d.end : d.end + 8])
    noun = _noun_at(doc, d.end) if of else None
    if noun is not None:
        return f"share of {noun}"
    around = text[d.end : min(sentence[1], d.end + 40)]
    noun = _sentence_noun(doc, sentence, d.start)
    for cue, word in ((_CHANGE_UP, "increase"), (_CHANGE_DOWN, "decrease")):
        if cue.search(around) or cue.search(text, max(sentence[0], d.start - 30), d.start):
            return f"{word} in {noun}" if noun else word
    return f"share of {noun}" if noun else "percentage"


_LENGTHS: Final = frozenset({"m", "km", "mi", "nmi", "ft", "cm", "mm"})
_AREAS: Final = frozenset({"m2", "km2", "ha"})
_WEIGHTS: Final = frozenset({"kg", "t"})


def _measure_subject(doc: _Doc, d: _Draft) -> str:
    sentence = d.sentence
    unit = d.unit or "count"
    if unit.isupper():
        return _money_subject(doc, sentence)
    if unit in _LENGTHS:
        return _length_subject(doc, d, sentence)
    if unit in _AREAS:
        return "area"
    if unit in _WEIGHTS:
        return _noun_at(doc, d.end) or "weight"
    if unit in _DURATION_SECONDS:
        return _duration_subject(doc, sentence)
    if unit == "percent":
        return _percent_subject(doc, d, sentence)
    noun = _sentence_noun(doc, sentence, d.start)
    return f"{noun} (multiple)" if noun else "multiple"


def _loose_period(doc: _Doc, d: _Draft) -> str | None:
    sentence_end = d.sentence[1]
    end = min(sentence_end, d.end + 60)
    window = doc.text[d.end : end].lower()
    if _PERIOD_WORDS.isdisjoint(window.replace(",", " ").replace(".", " ").split()):
        return None  # most figures have no period: a set test before the regex
    match = _LOOSE_RATE.search(window)
    if match is None:
        return None
    word = match.group("p").lower()
    return _PERIODS.get(word, "shift" if word == "shift" else "boat")


def _subject(doc: _Doc, d: _Draft, a: _Around, drafts: list[_Draft]) -> str | None:
    """Subject of a draft figure: None when it is not a figure, ``_WEAK`` when undecided."""
    base = _count_subject(doc, d, a, drafts) if d.unit is None else _measure_subject(doc, d)
    if not base:
        return base
    # A period later in the clause is about what is counted ("30 people on a typical night").
    period = d.period or (_loose_period(doc, d) if d.unit is None else None)
    return f"{base} per {period}" if period else base


# --- assembling -------------------------------------------------------------------------------


def _partner_excluded(doc: _Doc, i: int) -> int:
    """Index after an excluded number, skipping the other end of its range ("aged 24 and 51")."""
    n = doc.numbers[i]
    if i + 1 < len(doc.numbers):
        gap = doc.text[n.end : doc.numbers[i + 1].start]
        if len(gap) <= 8 and (_RANGE_AND.fullmatch(gap) or _RANGE_TO.fullmatch(gap)):
            return i + 2
    return i + 1


def _frames_other_figure(d: _Draft, a: _Around, drafts: list[_Draft]) -> bool:
    """ "£476m over three years", "7 000 personnes en 48 heures": a period framing a figure.

    It frames a count, sum or share just before it in the sentence; after a distance it is a
    figure of its own ("1.6km wide, and a boat can cross it in 15 minutes").
    """
    if d.unit not in _DURATION_SECONDS or not a.before.follows(_FRAME_WORDS):
        return False
    sentence_start = d.sentence[0]
    return any(
        p.start >= sentence_start
        and d.start - p.end <= 80
        and p.subject != _WEAK
        and (p.unit is None or p.unit == "percent" or p.unit.isupper())
        for p in drafts[-2:]
    )


def _read_figure(doc: _Doc, i: int, drafts: list[_Draft]) -> tuple[_Draft | None, int]:
    """The figure starting at number ``i`` (or None) and the index of the next number."""
    a = _around(doc, doc.numbers[i])
    if _excluded(a):
        return None, _partner_excluded(doc, i)
    low = _read_quantity(doc, i, a)
    sentence = doc.sentence_of(low.start)
    draft = _Draft(low.start, low.end, low.value, None, low.unit, low.end, a.n.spelled, sentence)
    after = low.after
    found = _read_range(doc, low, a.before)
    if isinstance(found, _Score):
        return None, min(low.after + 1, len(doc.numbers))
    if found is not None:
        high, start = found
        value = _range_low(doc, i, low, high)
        unit = high.unit or low.unit
        sentence = doc.sentence_of(start)
        draft = _Draft(start, high.end, value, high.value, unit, high.end, a.n.spelled, sentence)
        after = high.after
    if _frames_other_figure(draft, a, drafts):
        return None, after
    rate = _rate_at(doc, draft.end)
    if rate is not None:
        draft.period, draft.end = rate
    draft.subject = _subject(doc, draft, a, drafts)
    return (draft if draft.subject is not None else None), after


def _read_drafts(doc: _Doc) -> list[_Draft]:
    drafts: list[_Draft] = []
    i = 0
    while i < len(doc.numbers):
        draft, i = _read_figure(doc, i, drafts)
        if draft is not None:
            drafts.append(draft)
    return _with_spelled_durations(doc, drafts)


def _with_spelled_durations(doc: _Doc, drafts: list[_Draft]) -> list[_Draft]:
    """Add durations said without a number: "half an hour", "een kwartier", "media hora"."""
    lowered = doc.lowered
    if not _SPELLED_DURATION_STEMS.find_matches_as_indexes(lowered):
        return drafts  # such phrases are rare
    extra: list[_Draft] = []
    for match in _SPELLED_DURATION.finditer(lowered):
        minutes = float(_SPELLED_DURATIONS[" ".join(match.group().split())])
        sentence = doc.sentence_of(match.start())
        draft = _Draft(
            match.start(), match.end(), minutes, None, "min", match.end(), True, sentence
        )
        draft.subject = _duration_subject(doc, sentence)
        extra.append(draft)
    if not extra:
        return drafts
    merged = sorted([*drafts, *extra], key=lambda d: d.start)
    kept: list[_Draft] = []
    for d in merged:
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
    return kept


def _contains_any(text: str, parts: Sequence[str]) -> bool:
    """Whether one of ``parts`` is in ``text`` (a plain loop: cheaper than ``any`` here)."""
    for part in parts:  # noqa: SIM110
        if part in text:
            return True
    return False


def _port_choices(doc: _Doc, sentence: tuple[int, int]) -> list[PortMention]:
    """The port mentions of a sentence, only those after "at", "in"… when there are some."""
    s0, s1 = sentence
    starts = doc.port_starts
    if starts is not None:
        # In text order: only the mentions that start within the sentence are looked at.
        within = doc.ports[bisect.bisect_left(starts, s0) : bisect.bisect_right(starts, s1)]
        candidates = [p for p in within if p.end <= s1]
    else:
        candidates = [p for p in doc.ports if p.start >= s0 and p.end <= s1]
    preferred = [p for p in candidates if _after_port_preposition(doc, p.start)]
    return preferred or candidates


def _after_port_preposition(doc: _Doc, start: int) -> bool:
    """``_PORT_PREFERRED`` right before ``start``."""
    if not doc.text[start - 1 : start].isspace():
        return False  # the regex ends with whitespace
    low = max(0, start - 20)
    if doc.aligned and ascii_folds(doc.text[low:start]):
        # Exact there: no character that IGNORECASE takes for another letter.
        return _PORT_PREFERRED_LOWER.search(doc.lowered, low, start) is not None
    return _PORT_PREFERRED.search(doc.text, low, start) is not None


def _in_text_order(ports: Sequence[PortMention]) -> bool:
    """Whether the mentions are sorted by start, none ending before it starts."""
    last = -1
    for p in ports:
        if p.start < last or p.end < p.start:
            return False
        last = p.start
    return True


def _port_for(doc: _Doc, d: _Draft) -> str | None:
    """The port of the figure's sentence closest to it, preferring one after "at", "in"…"""
    choices = doc.port_choices_of(d.sentence)
    if len(choices) < 2:
        return choices[0].name if choices else None
    start, end = d.start, d.end

    def distance(p: PortMention) -> int:
        return start - p.end if p.end <= start else max(0, p.start - end)

    return min(choices, key=distance).name


def extract_figures(
    text: str, lang: str | None = None, ports: Sequence[PortMention] = ()
) -> list[Figure]:
    """Figures in ``text``, in order of start offset; the same wording repeated counts once.

    ``lang`` is "en", "fr", "nl", "es", "de" or None (the language is then guessed from the
    text, and all languages' number words are read when the guess is unsure). ``ports`` are
    the port mentions already found in the same text; they set each figure's ``port``.
    """
    langs = languages_for(text, lang)
    lowered = text.lower()
    numbers = find_numbers(text, langs, lowered=lowered)
    spans = sentence_spans(text)
    sentence_starts = [s for s, _ in spans]
    number_starts = [n.start for n in numbers]
    port_starts = [p.start for p in ports] if _in_text_order(ports) else None
    aligned = len(lowered) == len(text)
    doc = _Doc(
        text,
        lowered,
        aligned,
        langs,
        numbers,
        spans,
        sentence_starts,
        number_starts,
        ports,
        port_starts,
    )
    drafts = _read_drafts(doc)
    _link_previous(doc, drafts)
    seen: set[str] = set()
    figures: list[Figure] = []
    for d in drafts:
        wording = text[d.start : d.end]
        if d.subject == _WEAK or wording in seen:
            continue  # a number in words that proved nothing; a wording already reported
        seen.add(wording)
        figures.append(
            Figure(  # positional: keywords cost a named tuple twice the time
                wording,
                d.start,
                d.end,
                d.value,
                d.value_max,
                d.unit or "count",
                d.subject or "things",
                _port_for(doc, d),
                d.previous,
            )
        )
    return figures
