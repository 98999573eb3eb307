"""Durations as the ops team writes them in YAML: ``30s``, ``5m``, ``1h``, ``2h30m``, ``30d``."""

from __future__ import annotations

import re

__all__ = ["format_duration", "parse_duration"]

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_WHOLE = re.compile(r"(?:\s*\d+(?:\.\d+)?\s*[smhdw])+\s*")


def parse_duration(value: object) -> float:
    """Seconds in ``value``: a duration like ``5m`` or ``1h30m``, or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 30s, 5m, 1h or 30d, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and _WHOLE.fullmatch(value.lower()):
        seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(value.lower()))
    else:
        raise ValueError(f"expected a duration like 30s, 5m, 1h or 30d, got {value!r}")
    if seconds <= 0:
        raise ValueError(f"expected a duration above zero, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest exact spelling of ``seconds`` (``300`` → ``5m``)."""
    for unit in ("w", "d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
