"""Case- and accent-insensitive views of text that keep every character offset.

Matching terms on a folded copy lets an ops team write ``exile*`` or ``réfugié`` and match both
spellings, while the offsets found still point into the original text (one character in, one
character out).
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


class _FoldTable(dict[int, str]):
    """str.translate table computed on demand: base letter, lower case, plain spaces and quotes."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        if char.isspace():
            folded = " "
        elif char in "’‘`´":
            folded = "'"
        else:
            base = unicodedata.normalize("NFD", char)[0].lower()
            folded = base if len(base) == 1 else char
        self[codepoint] = folded
        return folded


_TABLE = _FoldTable()
_ASCII_SPACE = str.maketrans("\t\n\r\x0b\x0c", "     ")


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, whitespace as spaces — same length, same offsets."""
    if text.isascii():
        return text.lower().translate(_ASCII_SPACE)
    return text.translate(_TABLE)
