"""What an env file holding a NUL byte is: UTF-16 text, or a binary file. Compose reads neither.

Windows PowerShell 5's `echo TAG=1 > .env` (and `Out-File`, and Notepad's "Unicode") write UTF-16
with a byte-order mark, a NUL beside each ASCII character; compose then stops at line 1 with
`unexpected character "\\xff\\xfe..." in variable name`. Saying "binary file" there leaves a newcomer
with a file that looks right in their editor and no idea what to do.
"""

from __future__ import annotations

from doctor.project.types import EnvFile, ProblemKind

# the byte-order marks as `surrogateescape` decodes them (0xff 0xfe is no UTF-8)
_BOMS = ("\udcff\udcfe", "\udcfe\udcff")


def nul_message(text: str) -> str:
    """The problem of env-file text that holds a NUL byte (text decoded with `surrogateescape`)."""
    sample = text[2:202] if text[:2] in _BOMS else text[:200]
    halves = sample[0::2], sample[1::2]
    if text[:2] in _BOMS or any(set(half) == {"\0"} and "\0" not in other
                                for half, other in (halves, halves[::-1])):
        return "saved as UTF-16, which compose cannot read: save it as UTF-8 (`iconv -f UTF-16 -t UTF-8`)"
    return "a binary file (a NUL byte here): not an env file"


def reads_as_none(file: EnvFile | None) -> bool:
    """An env file of which no line reads as one (binary, or UTF-16), which compose stops at: every
    variable it sets would read as unset (env-drift's 'set TAG in .env' with TAG there), and its
    COMPOSE_PROFILES as off (compose-config's 'every service sits in a profile that is off')."""
    return file is not None and not file.entries and any(p.kind is ProblemKind.ENV_FILE for p in file.problems)
