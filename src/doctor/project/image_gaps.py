"""The project folders a command needs that a service's image does not hold: the image COPYs only
some folders of its build context (mealie's `COPY ./mealie $MEALIE_HOME/mealie`, `COPY ./alembic
...`), no bind mount brings the rest, and the command names one of the others (`python
dev/code-generation/main.py`) or runs in one (a Taskfile's `dir: docs`).

host-vs-container mounts such a folder in the `run` it advises, where the image's COPYs say where
the context's folders go (each COPY'd folder at the same path below one container folder: /app),
and runs the command in the matching folder (`-w /app`), as it does for a folder `.dockerignore`
keeps out.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record, replace
from doctor.project import Project
from doctor.project.codepaths import CodePath
from doctor.project.service_home import ServiceHome


@record
class ImageGaps:
    """What a command needs that the image lacks: `(host, container)` folders or files the `run`
    mounts, the home with them (and the context's folder) mapped, and the folders the image COPYs."""

    mounts: tuple[tuple[Path, str], ...]
    home: ServiceHome
    copied: tuple[Path, ...]


def image_gaps(project: Project, home: ServiceHome, cwd: Path, words: Sequence[str]) -> ImageGaps | None:
    """The folders (or files) of the build context the command runs in or names by an existing path
    (each taken whole at its first level below the context: `dev/code-generation/main.py` mounts
    dev/) that no COPY or mount brings into the service; None when there are none, or when the
    image's COPYs do not say where the context's folders would be."""
    service = project.services.get(home.service)
    if service is None or service.build is None or home.bound:
        return None
    context = home.context
    named = [cwd, *((cwd / word) for word in words[1:] if word and not word.startswith("-")
                    and os.path.lexists(cwd / word))]
    if len(named) == 1 and any(posixpath.basename(word) in ("pytest", "py.test") for word in words[:4]):
        named += test_paths(cwd)  # mealie's `poetry run pytest`: pyproject's testpaths = ["tests"]
    tops: list[Path] = []
    for path in named:
        path = Path(os.path.normpath(path))
        if path == context or not path.is_relative_to(context) or home.container_path(path) is not None:
            continue
        top = context / path.relative_to(context).parts[0]
        if not top.name.startswith(".") and top not in tops:
            tops.append(top)
    if not tops:
        return None
    base = _context_place(project.code_map(service).copies, context)
    if base is None:
        return None
    mounts = tuple((top, posixpath.join(base, top.name)) for top in tops)
    carriers = (*home.carriers, CodePath(context, base, "copy"),
                *(CodePath(host, inside, "run") for host, inside in mounts))
    copied = tuple(c.host for c in home.carriers if c.via == "copy" and c.host != context and c.host.is_dir())
    return ImageGaps(mounts, replace(home, carriers=carriers), copied)


def test_paths(cwd: Path) -> list[Path]:
    """The folders a bare `pytest` in `cwd` collects: the `testpaths` of its configuration (pytest.ini,
    pyproject.toml's [tool.pytest.ini_options], tox.ini, setup.cfg; the first file that configures
    pytest), those that exist."""
    from doctor.project.reading import is_file, read_text

    for name in ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"):
        path = cwd / name
        if not is_file(path):
            continue
        try:
            text = read_text(path, 256 * 1024)
        except OSError:
            continue
        if name == "pyproject.toml":
            from doctor import lean_toml

            try:
                options = lean_toml.loads(text).get("tool", {}).get("pytest", {}).get("ini_options")
            except (lean_toml.TOMLDecodeError, AttributeError):
                continue
            if not isinstance(options, dict):
                continue
            listed = options.get("testpaths")
            paths = [listed] if isinstance(listed, str) else listed if isinstance(listed, list) else []
        else:
            section = {"setup.cfg": "tool:pytest"}.get(name, "pytest")
            if f"[{section}]" not in text:
                continue
            body = text.split(f"[{section}]", 1)[1].split("\n[", 1)[0]
            found = re.search(r"^testpaths\s*=\s*(.*(?:\n[ \t]+.*)*)", body, re.MULTILINE)
            paths = found[1].split() if found else []
        return [cwd / p for p in paths if isinstance(p, str) and p and os.path.isdir(cwd / p)]
    return []


def _context_place(carriers: Sequence[CodePath], context: Path) -> str | None:
    """The container folder the image puts its build context's folders in: the one every COPY of a
    context folder under its own name agrees on (`./mealie` at /app/mealie, `./alembic` at
    /app/alembic: /app; a file, a builder stage's `pyproject.toml` at /opt/pysetup, or a renamed
    folder says nothing); None without such a COPY, or when they disagree."""
    places: set[str] = set()
    for carrier in carriers:
        if carrier.via != "copy" or carrier.host == context or not carrier.host.is_relative_to(context):
            continue
        relative = carrier.host.relative_to(context).as_posix()
        inside = posixpath.normpath(carrier.container)
        if inside.endswith("/" + relative) and carrier.host.is_dir():
            places.add(inside[:-len(relative) - 1] or "/")
    return places.pop() if len(places) == 1 else None


def unheld_folders(home: ServiceHome, folder: Path, cwd: Path, words: Sequence[str],
                   mounted: Sequence[Path], pieces: Sequence[CodePath] = ()) -> list[tuple[Path, bool]]:
    """The project folders the command needs that reach no container of the service and that no place
    of the image says where to mount (image_gaps found none): the folder it runs in, where its own `cd`
    took it away from `folder` (FastAPI-boilerplate's `cd src && alembic upgrade head`, src/alembic.ini
    beside it, while 'web' holds src/app alone), and those it names by an existing path (`pytest tests`);
    each with whether it is the folder the command runs in. Those `mounted` (the run's volumes) reach it.
    `pieces`, every path the service's binds and COPYs bring (files too): the folder it runs in is held
    where each piece of it the command reads (what it names, what its tool reads unasked: alembic.ini and
    its script_location) lands at the same path below the folder the run starts in (`COPY ./src/alembic.ini
    /code/alembic.ini`, `COPY ./src/migrations /code/migrations` beside src/app, WORKDIR /code)."""
    carriers = [*home.carriers, *pieces]
    asked = [(cwd, True)] if cwd != folder and not _pieces_in_place(cwd, words, carriers, home.workdir) else []
    named = [(cwd / word, False) for word in words[1:]
             if word and not word.startswith("-") and os.path.lexists(cwd / word)]
    found: list[tuple[Path, bool]] = []
    for path, runs in (*asked, *named):
        path = Path(os.path.normpath(path))
        if path == home.context or not path.is_relative_to(home.context) or _inside(carriers, path) is not None \
                or any(path.is_relative_to(host) for host in mounted) or any(path == p for p, _ in found):
            continue
        found.append((path, runs))
    return found


# the files a tool reads in the folder it runs in without being told (alembic: `-c` defaults to alembic.ini)
_READS_UNASKED = {"alembic": ("alembic.ini",)}
_SCRIPT_LOCATION = lazy(r"^\s*script_location\s*[=:]\s*(?:%\(here\)s/?)?([^\s#;%:]+)\s*$", re.MULTILINE)


def _pieces_in_place(cwd: Path, words: Sequence[str], carriers: Sequence[CodePath], workdir: str | None) -> bool:
    """Whether every piece of `cwd` the command is known to read lands at its own path below `workdir`."""
    if workdir is None or not words:
        return False
    needed = [Path(os.path.normpath(cwd / word)) for word in words[1:]
              if word and not word.startswith("-") and os.path.lexists(cwd / word)]
    for name in _READS_UNASKED.get(os.path.basename(words[0]), ()):
        if os.path.isfile(cwd / name):
            needed.append(cwd / name)
            needed += _script_location(cwd, cwd / name)
    if not needed:  # what it reads there is not known: the whole folder is
        return False
    for path in needed:
        if not path.is_relative_to(cwd) or path == cwd:
            return False
        if _inside(carriers, path) != posixpath.join(workdir, path.relative_to(cwd).as_posix()):
            return False
    return True


def _script_location(cwd: Path, ini: Path) -> list[Path]:
    """alembic.ini's `script_location` folder, where it is one of `cwd` (`migrations`, `%(here)s/migrations`)."""
    from doctor.project.reading import read_regular_text

    found = _SCRIPT_LOCATION.search(read_regular_text(ini) or "")
    if found is None:
        return []
    return [Path(os.path.normpath(cwd / found[1]))]


def _inside(carriers: Sequence[CodePath], host_path: Path) -> str | None:
    """Where a host path appears inside the container (a mount hides what the image holds), or None."""
    found = [c for c in carriers if host_path.is_relative_to(c.host) and c.via != "run"]
    if not found:
        return None
    live = [c for c in found if c.via != "copy"] or found
    best = max(live, key=lambda c: len(str(c.host)))
    return posixpath.normpath(posixpath.join(best.container, host_path.relative_to(best.host).as_posix()))
