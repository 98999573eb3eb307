"""``portwatch assess`` input and output: JSON lines in, one JSON line (or a table) out per line.

A malformed line becomes ``{"id", "error"}`` in its place, naming the line and what was wrong;
the other lines go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.assessment import Assessment, Assessor
from pipeline.errors import InputError

__all__ = ["ArticleInput", "assess_lines", "explain", "json_object", "parse_line", "read_articles"]

#: A line longer than this is refused unread (a 5 MB text fits; a runaway file does not).
MAX_LINE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ArticleInput:
    id: Any
    text: str
    title: str | None = None
    url: str | None = None
    lang: str | None = None


def parse_line(raw: bytes, number: int) -> ArticleInput:
    """One input line as an article, or InputError naming the line and the problem."""
    if len(raw) > MAX_LINE_BYTES:
        raise InputError(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"line {number}: not valid UTF-8 (byte {exc.start})") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"line {number}: not valid JSON: {exc.msg} at column {exc.colno}"
        ) from None
    if not isinstance(record, dict):
        raise InputError(f"line {number}: expected a JSON object with 'id' and 'text'")
    if "id" not in record:
        raise InputError(f"line {number}: missing field 'id'")
    text = record.get("text")
    if not isinstance(text, str):
        what = "missing" if "text" not in record else f"a {type(text).__name__}, expected a string"
        raise InputError(f"line {number}: field 'text' is {what}")
    for key in ("title", "url", "lang"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(
                f"line {number}: field {key!r} is a {type(value).__name__}, expected a string"
            )
    return ArticleInput(
        record["id"], text, record.get("title"), record.get("url"), record.get("lang")
    )


def json_object(raw: bytes) -> dict[str, Any] | None:
    """The line as a JSON object, or None when it is not one."""
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) else None


def _id_of(raw: bytes) -> Any:
    """The line's id when it can be read despite the error, else None."""
    record = json_object(raw)
    return record.get("id") if record else None


def read_articles(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes, ArticleInput | InputError]]:
    """(line number, raw line, article or the error naming what is wrong) per non-blank line."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield number, raw, parse_line(raw.rstrip(b"\r\n"), number)
        except InputError as exc:
            yield number, raw, exc


def assess_lines(
    lines: Iterable[bytes], assessor: Assessor
) -> Iterator[tuple[ArticleInput | None, Assessment | None, dict[str, Any]]]:
    """(input, assessment, output) per non-blank line; a bad line yields (None, None, error)."""
    for _, raw, article in read_articles(lines):
        if isinstance(article, InputError):
            yield None, None, {"id": _id_of(raw), "error": str(article)}
            continue
        assessment = assessor.assess(article.text, article.title, article.lang)
        yield article, assessment, assessment.to_json(article.id)


def explain(article: ArticleInput, assessment: Assessment) -> str:
    """A readable account of one assessment: verdict, rules per watch-list, ports, figures."""
    verdict = "RELEVANT" if assessment.relevant else "not relevant"
    out = [f"== {article.id}: {verdict} (score {assessment.score:.1f})"]
    if article.title:
        out.append(f"   title: {article.title}")
    for score in assessment.scores:
        state = "relevant" if score.relevant else "not relevant"
        why = ""
        if score.cancelled_by:
            why = f", cancelled by {score.cancelled_by}"
        elif score.missing_port:
            why = ", no port named"
        out.append(
            f"-- watch-list {score.watchlist}: {score.score:.1f} / {score.threshold:g}"
            f" → {state}{why}"
        )
        for match in sorted(score.matches, key=lambda m: -abs(m.weight)):
            out.append(f"   {match.weight:+6.1f}  {match.kind:<9} {match.rule}")
            evidence = assessment.evidence(match.offset)
            if evidence:
                out.append(f"           “{_clip(evidence)}”")
    out.append(f"-- ports: {', '.join(assessment.ports) or 'none'}")
    for figure in assessment.figures:
        rng = f"–{figure.value_max:g}" if figure.value_max is not None else ""
        port = f" @ {figure.port}" if figure.port else ""
        prev = f" (previously {figure.previous:g})" if figure.previous is not None else ""
        out.append(
            f"   {figure.value:>14g}{rng} {figure.unit:<8} {figure.subject}{port}{prev}"
            f"   «{figure.text}»"
        )
    for warning in assessment.warnings:
        out.append(f"!! {warning}")
    return "\n".join(out)


def _clip(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
