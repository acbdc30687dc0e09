"""One parse of an env file shared by every reader of it in a process, while the answers agree.

A run reads the same `.env` several times, each with a lookup of its own: discovery with the
OS environment, `Project.dotenv` with the project's, each service that lists it under
`env_file:` twice (its own keys, then its values). A parse is a pure function of the file's
bytes, the format, the keys of earlier files and what the lookup answers for the names the
parse asked of it (a `${X}`, a bare `KEY`), so a parse is reused when all of those are the same:
the names it asked are asked again of the new lookup, in the same order (a recording lookup,
as doctor.project.envfile.remembered_env_file's, sees the same questions), and any other
answer parses the file again. A 7.7 MB `.env` of 200,000 keys with no `${`: one parse instead
of six, and one EnvFile of 200,000 entries in memory instead of six.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from doctor.project.types import EnvFile

Lookup = Callable[[str], "str | None"]
Asked = tuple[tuple[str, "str | None"], ...]

MAX_KEPT = 8  # files of one run: .env, its templates, a service's env files; older parses are dropped

_kept: dict[tuple[Path, bool, tuple[tuple[str, str], ...], bytes], list[tuple[Asked, EnvFile]]] = {}


def shared_parse(path: Path, data: bytes, raw: bool, look: Lookup, earlier: Mapping[str, str] | None,
                 parse: Callable[[Lookup], EnvFile]) -> EnvFile:
    """`parse(look)`, or the EnvFile a former parse of the same bytes gave where `look` answers the
    names that parse asked as its lookup did."""
    key = (path, raw, tuple(sorted((earlier or {}).items())), data)
    kept = _kept.pop(key, [])
    _kept[key] = kept  # the most recent last: the oldest is dropped first
    while len(_kept) > MAX_KEPT:
        del _kept[next(iter(_kept))]
    for asked, parsed in kept:
        if all(look(name) == value for name, value in asked):
            return parsed
    answers: dict[str, str | None] = {}

    def recording(name: str) -> str | None:
        value = look(name)
        answers.setdefault(name, value)
        return value

    parsed = parse(recording)
    kept.append((tuple(answers.items()), parsed))
    del kept[:-MAX_KEPT]
    return parsed
