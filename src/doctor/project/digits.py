"""A number written in a user's file, read without trusting its length.

`int()` of a run of more than 4300 digits raises ValueError (CPython's limit on decimal
conversion), and `str.isdigit()` is true of `²`, which `int()` refuses too: a `.nvmrc` of
`v999...9` or a port of 5000 nines ended a check, or the whole run, with that error. No port,
version part or line number doctor reads has more than a few digits.
"""

from __future__ import annotations


def written_number(text: str, most: int = 5) -> int | None:
    """`text` as an int where it is ASCII digits, at most `most` of them after leading zeros; else None."""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > most:
        return None
    return int(text)
