"""Writes docs/configuration.md from the pydantic models, so the reference never drifts.

    .venv/bin/python scripts/config_reference.py            # rewrite the file
    .venv/bin/python scripts/config_reference.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from pipeline import config as models
from pipeline.durations import format_duration
from pipeline.settings import Settings

TARGET = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"

SECTIONS: list[tuple[str, str, list[type[BaseModel]]]] = [
    ("feeds.yaml", "`feeds:` is a list of these.", [models.FeedConfig]),
    (
        "channels.yaml",
        "`channels:` maps a name to one of these, chosen by `kind`. Every channel also takes"
        " `ops`, `min_interval` and `burst`.",
        [models.SlackChannel, models.EmailChannel, models.ConsoleChannel],
    ),
    ("watchlists/*.yaml", "One watch-list per file; its name defaults to the file name.",
     [models.WatchList, models.ProximityRule, models.ExclusionRule, models.PatternRule, models.FigureRules]),
    ("ports.yaml", "`ports:` is a list of these.", [models.PortEntry]),
]  # fmt: skip

DURATION_FIELDS = {"every", "lookback", "min_interval"}


def _type(name: str, annotation: Any) -> str:
    if name in DURATION_FIELDS:
        return "duration"
    text = str(annotation) if getattr(annotation, "__args__", None) else annotation.__name__
    text = text.replace("typing.", "").replace("pipeline.config.", "").replace("Literal", "one of ")
    return text.replace(" | ", " or ").replace("|", " or ")


def _default(name: str, field: Any) -> str:
    if field.is_required():
        return "**required**"
    default = field.default if field.default is not PydanticUndefined else field.default_factory()
    if name in DURATION_FIELDS and isinstance(default, float):
        return f"`{format_duration(default)}`"
    if isinstance(default, BaseModel):
        return "see below"
    if default in ((), [], {}):
        return "empty"
    return f"`{default}`"


def model_table(model: type[BaseModel]) -> str:
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | {_type(name, field.annotation)} | {_default(name, field)} | {meaning} |")
    return "\n".join(rows)


def render() -> str:
    out = [
        "# Configuration reference",
        "",
        "Generated from the pydantic models in `pipeline/config.py` and `pipeline/settings.py` by",
        "`scripts/config_reference.py`; do not edit by hand. Unknown keys are rejected.",
        "Durations are written `30s`, `5m`, `1h`, `30d`.",
        "",
    ]
    for filename, intro, section_models in SECTIONS:
        out += [f"## {filename}", "", intro, ""]
        for model in section_models:
            doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
            out += [f"### {model.__name__}", "", doc, "", model_table(model), ""]
    out += ["## Environment", "", "| variable | default |", "| --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = field.default
        out.append(f"| `{field.alias or name}` | `{default}` |")
    out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python scripts/config_reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
