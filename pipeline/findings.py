"""What novelty finds and what alerts carry: plain, frozen, JSON-round-trippable values.

``Finding``  one new port, new figure or changed figure for one watch-list, with its evidence.
``Alert``    what one channel receives: one finding, or a digest of several.

The first line of every alert (Slack fallback text, e-mail subject) is ``headline()``: what is
new first, with the canonical English name — scripts and people both read it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "Alert",
    "ArticleRef",
    "Evidence",
    "FigureFact",
    "Finding",
    "PreviousValue",
    "format_value",
]

FindingKind = Literal["new_port", "new_figure", "changed_figure"]


@dataclass(frozen=True)
class ArticleRef:
    """The article a finding came from, as an alert shows it."""

    url: str
    title: str
    outlet: str
    lang: str | None = None
    published: str | None = None
    from_summary: bool = False


@dataclass(frozen=True)
class Evidence:
    """The sentence that shows the finding; ``start``/``end`` mark the port or figure in it."""

    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class FigureFact:
    """A figure as novelty keeps it: what it measures, and its value."""

    subject: str
    unit: str
    port: str | None
    value: float
    value_max: float | None
    text: str

    @property
    def fact_key(self) -> str:
        """What the figure measures; a changed value of the same key is a changed figure."""
        return f"{self.subject}|{self.unit}|{self.port or '-'}"

    def describe(self) -> str:
        where = f" at {self.port}" if self.port else ""
        return f"{self.subject}{where}"


@dataclass(frozen=True)
class PreviousValue:
    """The earlier value of a changed figure: when and where it was reported."""

    value: float
    value_max: float | None
    seen_at: float | None  # unix time; None when it came from the same article ("down from")
    url: str
    outlet: str


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    watchlist: str
    port: str | None
    figure: FigureFact | None
    previous: PreviousValue | None
    evidence: Evidence
    article: ArticleRef
    rules: tuple[str, ...] = ()
    other_outlets: tuple[str, ...] = ()
    found_at: float = 0.0
    story: str = ""
    #: When novelty decided this was new (stable when the same article is run again): a port
    #: new again after its look-back, or a figure back to an earlier value, is a new finding.
    novelty_at: float = 0.0

    @property
    def subject_key(self) -> str:
        """What the finding is about, independent of the article that reported it."""
        if self.kind == "new_port":
            return f"port:{self.port}"
        assert self.figure is not None
        value = _number(self.figure.value)
        if self.figure.value_max is not None:
            value += f"-{_number(self.figure.value_max)}"
        return f"figure:{self.figure.fact_key}:{value}"

    @property
    def id(self) -> str:
        """Stable id: the same novelty decision always has the same id, however often it is run."""
        key = f"{self.watchlist}\x1f{self.subject_key}\x1f{self.novelty_at:.3f}"
        return hashlib.sha256(key.encode()).hexdigest()[:20]

    def headline(self) -> str:
        """``New port: Dunkirk — …`` / ``New figure: …`` / ``Changed figure: … 150 → 300 — …``."""
        title = " ".join(self.article.title.split()) or self.article.url
        if self.kind == "new_port":
            what = f"New port: {self.port}"
        elif self.kind == "new_figure":
            assert self.figure is not None
            value = format_value(self.figure.value, self.figure.value_max, self.figure.unit)
            what = f"New figure: {self.figure.describe()} {value}"
        else:
            assert self.figure is not None and self.previous is not None
            before = format_value(self.previous.value, self.previous.value_max, self.figure.unit)
            after = format_value(self.figure.value, self.figure.value_max, self.figure.unit)
            what = f"Changed figure: {self.figure.describe()} {before} → {after}"
        return f"{what} — {title} ({self.article.outlet})"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        data["headline"] = self.headline()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        figure = data.get("figure")
        previous = data.get("previous")
        return cls(
            kind=data["kind"],
            watchlist=data["watchlist"],
            port=data.get("port"),
            figure=FigureFact(**figure) if figure else None,
            previous=PreviousValue(**previous) if previous else None,
            evidence=Evidence(**data["evidence"]),
            article=ArticleRef(**data["article"]),
            rules=tuple(data.get("rules", ())),
            other_outlets=tuple(data.get("other_outlets", ())),
            found_at=float(data.get("found_at", 0.0)),
            story=data.get("story", ""),
            novelty_at=float(data.get("novelty_at", 0.0)),
        )


@dataclass(frozen=True)
class Alert:
    """What one channel receives: one finding, or a digest of several."""

    channel: str
    findings: tuple[Finding, ...]
    digest: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def headline(self) -> str:
        if not self.digest:
            return self.findings[0].headline()
        kinds = sorted({f.kind.replace("_", " ") for f in self.findings})
        return f"Digest: {len(self.findings)} findings — {', '.join(kinds)}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


_UNIT_LABELS = {"count": "", "percent": "%", "GBP": "£", "EUR": "€", "USD": "$"}


def format_value(value: float, value_max: float | None, unit: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if value_max is not None:
        text += "–" + (f"{value_max:,.0f}" if float(value_max).is_integer() else f"{value_max:g}")
    label = _UNIT_LABELS.get(unit, unit)
    if unit in ("GBP", "EUR", "USD"):
        return f"{label}{text}"
    if unit == "percent":
        return f"{text}%"
    return f"{text} {label}".strip()
