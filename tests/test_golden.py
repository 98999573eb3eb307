"""The quality gate: the assessment against the team's golden corpus.

Gates (issue 3): relevance F1 ≥ 0.93, ports F1 ≥ 0.97, figures F1 ≥ 0.88. On failure the
message lists every miss; `python -m tests.golden_eval` prints the same report.
"""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline.assessment import Assessor
from pipeline.config import load_config_or_raise

from .golden_eval import CONFIG, Report, evaluate, load_golden

RELEVANCE_F1 = 0.93
PORTS_F1 = 0.97
FIGURES_F1 = 0.88


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(load_golden(), Assessor.from_config(load_config_or_raise(CONFIG)))


def test_corpus_is_big_and_mixed_enough() -> None:
    items = load_golden()
    assert len(items) >= 80
    languages = Counter(item["lang"] for item in items)
    assert {"en", "fr", "nl"} <= set(languages)
    relevant = sum(1 for item in items if item["relevant"])
    assert 0.3 <= relevant / len(items) <= 0.7


def test_relevance_f1(report: Report) -> None:
    assert report.relevance.f1 >= RELEVANCE_F1, "\n".join(report.misses)


def test_ports_f1(report: Report) -> None:
    assert report.ports.f1 >= PORTS_F1, "\n".join(m for m in report.misses if "port" in m)


def test_figures_f1(report: Report) -> None:
    assert report.figures.f1 >= FIGURES_F1, "\n".join(m for m in report.misses if "figure" in m)
