"""Scores the assessment against the golden corpus (tests/golden/articles/*.yaml).

    .venv/bin/python -m tests.golden_eval            # summary and every miss, as text
    .venv/bin/python -m tests.golden_eval --json     # the figures only, as JSON

Relevance: precision/recall/F1 of the relevant class. Ports: micro-averaged over (article, port)
pairs. Figures: a predicted figure matches a gold one when the values (and range highs) are
equal and the spans overlap (the gold span is the first occurrence of its ``text``); each gold
figure matches at most once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.assessment import Assessor
from pipeline.config import load_config_or_raise

GOLDEN = Path(__file__).resolve().parent / "golden" / "articles"
CONFIG = Path(__file__).resolve().parent.parent / "config"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    relevance: Tally = field(default_factory=Tally)
    ports: Tally = field(default_factory=Tally)
    figures: Tally = field(default_factory=Tally)
    units_right: int = 0
    articles: int = 0
    misses: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        matched = self.figures.tp
        return {
            "articles": self.articles,
            "relevance": self.relevance.as_dict(),
            "ports": self.ports.as_dict(),
            "figures": self.figures.as_dict(),
            "figure_unit_accuracy": round(self.units_right / matched, 4) if matched else None,
        }


def load_golden(folder: Path = GOLDEN) -> list[dict[str, Any]]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))
    ]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def _figure_tally(item: dict[str, Any], predicted: list[Any], report: Report) -> None:
    text = item["text"]
    gold = []
    for figure in item.get("figures") or []:
        start = text.find(figure["text"])
        gold.append((start, start + len(figure["text"]), figure))
    used: set[int] = set()
    for fig in predicted:
        hit = None
        for i, (start, end, figure) in enumerate(gold):
            if i in used or start < 0:
                continue
            overlaps = fig.start < end and start < fig.end
            if (
                overlaps
                and _same(fig.value, figure["value"])
                and _same(fig.value_max, figure.get("value_max"))
            ):
                hit = i
                break
        if hit is None:
            report.figures.fp += 1
            report.misses.append(
                f"{item['id']}: extra figure {fig.text!r} = {fig.value:g} {fig.unit}"
            )
        else:
            used.add(hit)
            report.figures.tp += 1
            if fig.unit == gold[hit][2]["unit"]:
                report.units_right += 1
            else:
                report.misses.append(
                    f"{item['id']}: unit of {fig.text!r}: {fig.unit} (gold {gold[hit][2]['unit']})"
                )
    for i, (_, _, figure) in enumerate(gold):
        if i not in used:
            report.figures.fn += 1
            report.misses.append(
                f"{item['id']}: missed figure {figure['text']!r} = {figure['value']}"
            )


def evaluate(items: Iterable[dict[str, Any]], assessor: Assessor) -> Report:
    report = Report()
    for item in items:
        report.articles += 1
        result = assessor.assess(item["text"], item.get("title"), item.get("lang"))
        gold_relevant = bool(item["relevant"])
        if result.relevant and gold_relevant:
            report.relevance.tp += 1
        elif result.relevant:
            report.relevance.fp += 1
            report.misses.append(
                f"{item['id']}: relevant, gold says not (score {result.score:.1f})"
            )
        elif gold_relevant:
            report.relevance.fn += 1
            report.misses.append(
                f"{item['id']}: not relevant, gold says relevant (score {result.score:.1f})"
            )
        gold_ports = list(item.get("ports") or [])
        for port in result.ports:
            if port in gold_ports:
                report.ports.tp += 1
            else:
                report.ports.fp += 1
                report.misses.append(f"{item['id']}: extra port {port}")
        for port in gold_ports:
            if port not in result.ports:
                report.ports.fn += 1
                report.misses.append(f"{item['id']}: missed port {port}")
        _figure_tally(item, list(result.figures), report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    assessor = Assessor.from_config(load_config_or_raise(CONFIG))
    report = evaluate(load_golden(), assessor)
    if not args.json:
        for miss in report.misses:
            print(miss)
    print(json.dumps(report.summary(), indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
