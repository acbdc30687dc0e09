"""The env files a project's Makefile includes: what its host-run targets export to the app.

Flagsmith's `api/Makefile` has `.EXPORT_ALL_VARIABLES:` and `-include .env-local`, whose
`DATABASE_URL=postgresql://postgres:pw@localhost:5432/flagsmith` every `make` target (the tests,
the dev server, run on the host) hands to the app: an env file like `.env.local`, under a name no
framework reads by itself. `fix --ports` moving the database's host port follows it there too
(port_collision's host_follow.host_follow_edits), and env-drift compares it with its template. Only a
file whose lines are all `KEY=value` (comments and blank lines aside) counts: an included makefile
of rules or `:=` assignments is make's, not an app's env; nor does a committed template
(`.env.example`, included when there is no `.env`).
"""

from __future__ import annotations

from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_file, read_text
from doctor.project.tasks import MAKEFILES  # the names make looks for, in its order
from doctor.regular import text_lines

_INCLUDE = lazy(r"^(?:-include|sinclude|include)[ \t]+(.+)$")
_ENV_LINE = lazy(r"^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=")
MAKEFILE_LIMIT = 256 * 1024
ENV_LIMIT = 64 * 1024


def make_env_files(folder: Path) -> list[Path]:
    """The env files (all `KEY=value`) that the Makefile in `folder` includes, relative to it as
    make resolves them from there; a name built from a variable (`$(ENV).env`) or a glob is not
    guessed."""
    makefile = next((folder / name for name in MAKEFILES if is_file(folder / name)), None)
    if makefile is None:
        return []
    try:
        text = read_text(makefile, MAKEFILE_LIMIT)
    except OSError:
        return []
    found: list[Path] = []
    for line in text.splitlines():
        included = _INCLUDE.match(line.split("#", 1)[0].rstrip())
        if included is None:
            continue
        for word in included[1].split():
            path = folder / word
            if "$" in word or any(c in word for c in "*?[") or path in found or not is_file(path):
                continue
            if _is_env_file(path) and not _template(word):
                found.append(path)
    return found


def _template(name: str) -> bool:
    """Whether the included file is a committed template (`.env.example`): go-clean-template's Makefile includes
    it only when there is no `.env` (`ifneq ($(wildcard .env),) include .env else include .env.example`), and a
    template is every checkout's, where a moved port is this machine's: never followed into."""
    from doctor.project import ENV_EXAMPLE_NAMES, TEMPLATE_SUFFIXES

    base = name.rsplit("/", 1)[-1]
    return base in ENV_EXAMPLE_NAMES or base.endswith(TEMPLATE_SUFFIXES)


def _is_env_file(path: Path) -> bool:
    """Whether every line of the file that is no comment or blank is `KEY=value` (one at least)."""
    try:
        lines = [line for line in text_lines(read_text(path, ENV_LIMIT))
                 if line.strip() and not line.lstrip().startswith("#")]
    except OSError:
        return False
    return bool(lines) and all(_ENV_LINE.match(line) for line in lines)


_EXPORT_ALL = lazy(r"^(?:export[ \t]*|\.EXPORT_ALL_VARIABLES[ \t]*:.*)$")
_EXPORT_NAMES = lazy(r"^export[ \t]+([A-Za-z_][A-Za-z0-9_ \t]*)$")
_SETS = lazy(r"^(?:(?:override|export)[ \t]+)*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:\?=|:=|::=|=|\+=)")


def make_exported(folder: Path) -> dict[str, tuple[Path, int]]:
    """The variables the Makefile in `folder` (with the makefiles it includes, by a plain name) sets
    and exports to its recipes, with where each is set: `export NAME = v`, `export NAME` beside an
    assignment, or every variable under a bare `export` or `.EXPORT_ALL_VARIABLES:` (openedx/devstack's
    options.mk `DEVSTACK_WORKSPACE ?= $(shell pwd)/..`, its Makefile's `include options.mk` and
    `export`): compose started by `make` gets them."""
    makefile = next((folder / name for name in MAKEFILES if is_file(folder / name)), None)
    if makefile is None:
        return {}
    sets: dict[str, tuple[Path, int]] = {}
    named: set[str] = set()
    every = False
    queue, seen = [makefile], {makefile}
    while queue and len(seen) <= 8:
        path = queue.pop(0)
        try:
            text = read_text(path, MAKEFILE_LIMIT)
        except OSError:
            continue
        for number, raw in enumerate(text_lines(text), 1):
            line = raw.split("#", 1)[0].rstrip()
            if not line or line.startswith("\t"):
                continue
            if _EXPORT_ALL.match(line.strip()):
                every = True
            elif (names := _EXPORT_NAMES.match(line.strip())) is not None:
                named.update(names[1].split())
            elif (included := _INCLUDE.match(line)) is not None:
                for word in included[1].split():
                    target = folder / word
                    if "$" not in word and not any(c in word for c in "*?[") and target not in seen \
                            and is_file(target):
                        seen.add(target)
                        queue.append(target)
            elif (assigned := _SETS.match(line.strip())) is not None:
                sets.setdefault(assigned[1], (path, number))
                if line.strip().startswith("export"):
                    named.add(assigned[1])
    return {name: at for name, at in sets.items() if every or name in named}
