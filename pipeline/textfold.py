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
_ASCII_BYTES = bytes(range(128))
# The fold of every ASCII character as a byte (lower case, plain spaces and quotes); the bytes
# of other characters (all 128 or more in UTF-8) unchanged.
_FOLD_BYTES = bytes(ord(_TABLE[byte]) for byte in range(128)) + bytes(range(128, 256))


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, whitespace as spaces — same length, same offsets."""
    if text.isascii():
        return text.lower().translate(_ASCII_SPACE)
    # ``str.translate`` looks every character up in the table, and ``str.lower`` every
    # character's case: both slow on a whole non-ASCII article. One ``bytes.translate`` of the
    # UTF-8 text folds its ASCII characters; the few distinct others are then replaced by their
    # folds, one ``str.replace`` each.
    encoded = text.encode("utf-8", "surrogatepass")
    distinct = set(encoded.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    mapping = {char: _TABLE[ord(char)] for char in distinct}
    if any(mapping.get(folded, folded) != folded for folded in mapping.values()):
        return text.translate(_TABLE)  # a character whose fold is replaced in turn
    folded_text = encoded.translate(_FOLD_BYTES).decode("utf-8", "surrogatepass")
    for char, folded in mapping.items():
        if char != folded:
            folded_text = folded_text.replace(char, folded)
    return folded_text


def ascii_folds(text: str) -> bool:
    """Whether ``re.IGNORECASE`` takes no character of ``text`` for an ASCII letter it is not:
    then ``str.lower`` tests before such a regex are exact."""
    # The only such characters: dotted I, dotless i, long s, Kelvin sign. Four ``in`` tests, not
    # a loop over them: this runs for every port named.
    return text.isascii() or not ("İ" in text or "ı" in text or "ſ" in text or "\u212a" in text)
