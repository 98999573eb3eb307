"""Ports gazetteer and the matcher that finds port mentions in text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PortMention:
    """One mention of a gazetteer port in a text: canonical English name and character span."""

    name: str
    start: int
    end: int
    alias: str
