"""Case- and accent-insensitive views of text that keep every character offset.

Matching terms on a folded copy lets an ops team write ``exile*`` or ``réfugié`` and match both
spellings, while the offsets found still point into the original text (one character in, one
character out).
"""

from __future__ import annotations

import unicodedata

__all__ = ["ascii_folds", "fold"]


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
# ASCII characters whose fold is not their lower case (the table makes them spaces or quotes).
_ASCII_SPECIAL = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f`"
_ASCII_BYTES = bytes(range(128))


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, whitespace as spaces — same length, same offsets."""
    if text.isascii():
        return text.lower().translate(_ASCII_SPACE)
    # ``translate`` looks every character up in the table, which is slow for a whole article;
    # a text has only a few distinct characters to fold: replace each, then lower-case the rest
    # (every folded character is already lower case).
    mapping = {char: _TABLE[ord(char)] for char in (*_ASCII_SPECIAL, *_non_ascii(text))}
    if any(mapping.get(folded, folded) != folded for folded in mapping.values()):
        return text.translate(_TABLE)  # a character whose fold folds again ("῾´")
    for char, folded in mapping.items():
        if char != folded:
            text = text.replace(char, folded)
    return text.lower()


def _non_ascii(text: str) -> set[str]:
    """The distinct non-ASCII characters of ``text`` (its UTF-8 bytes without the ASCII ones)."""
    encoded = text.encode("utf-8", "surrogatepass")
    return set(encoded.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))


# The only non-ASCII characters that ``re.IGNORECASE`` matches to ASCII letters: dotted I,
# dotless i, long s, Kelvin sign.
_ASCII_LOOKALIKES = ("İ", "ı", "ſ", "\u212a")


def ascii_folds(text: str) -> bool:
    """Whether ``re.IGNORECASE`` takes no character of ``text`` for an ASCII letter it is not:
    then ``str.lower`` tests before such a regex are exact."""
    return text.isascii() or not any(char in text for char in _ASCII_LOOKALIKES)
