"""What an env file holding a NUL byte is: UTF-16 text, a binary file, or text with a NUL in a value.

Windows PowerShell 5's `echo TAG=1 > .env` (and `Out-File`, and Notepad's "Unicode") write UTF-16
with a byte-order mark, a NUL beside each ASCII character; compose then stops at line 1 with
`unexpected character "\\xff\\xfe..." in variable name`. Saying "binary file" there leaves a newcomer
with a file that looks right in their editor and no idea what to do.

A NUL in a value or a comment is no fault of the file: compose v2.40.3 keeps it (`A=x<NUL>y` gives
A="x\\0y", and the lines around it load); it stops only at one in a name (`unexpected character "\\x00"
in variable name`), which is where a binary file's first line stops it.
"""

from __future__ import annotations

from pathlib import Path

from doctor.model import Location
from doctor.project.types import EnvFile, Problem, ProblemKind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    class LineIndex(Protocol):
        def line_of(self, offset: int) -> int: ...

# the byte-order marks as `surrogateescape` decodes them (0xff 0xfe is no UTF-8)
_BOMS = ("\udcff\udcfe", "\udcfe\udcff")
UTF16 = "saved as UTF-16, which compose cannot read: save it as UTF-8 (`iconv -f UTF-16 -t UTF-8`)"
BINARY = "a binary file (a NUL byte here): not an env file"


def _utf16(text: str) -> bool:
    sample = text[2:202] if text[:2] in _BOMS else text[:200]
    halves = sample[0::2], sample[1::2]
    return text[:2] in _BOMS or any(set(half) == {"\0"} and "\0" not in other
                                    for half, other in (halves, halves[::-1]))


def utf16_file(text: str, path: Path, line_of: Callable[[int], int]) -> EnvFile | None:
    """The env file of UTF-16 text: no entry, the one problem compose stops at; None for other text."""
    if "\0" not in text or not _utf16(text):
        return None
    return EnvFile(path, (), (Problem(ProblemKind.ENV_FILE, UTF16, Location(path, line_of(text.index("\0")))),), ())


def unless_binary(parsed: EnvFile, text: str, lines: LineIndex) -> EnvFile:
    """`parsed`, the NULs of its values kept as compose keeps them; where compose stops at a NUL (its first
    problem is on a line holding one: a name, a binary file's first line), no entry and that one problem."""
    if "\0" not in text or not parsed.problems or parsed.problems[0].location is None:
        return parsed
    first = parsed.problems[0].location
    at, nul_lines = -1, set[int]()
    while (at := text.find("\0", at + 1)) >= 0 and len(nul_lines) < 10_000:
        nul_lines.add(lines.line_of(at))
    if first.line not in nul_lines:
        return parsed
    return EnvFile(parsed.path, (), (Problem(ProblemKind.ENV_FILE, BINARY, first),), ())


def reads_as_none(file: EnvFile | None) -> bool:
    """An env file of which no line reads as one (binary, or UTF-16), or that this user cannot read
    (permission denied), which compose stops at: every variable it sets would read as unset
    (env-drift's 'set TAG in .env' with TAG there), and its COMPOSE_PROFILES as off (compose-config's
    'every service sits in a profile that is off')."""
    return file is not None and not file.entries and any(p.kind in (ProblemKind.ENV_FILE, ProblemKind.UNREADABLE)
                                                         for p in file.problems)
