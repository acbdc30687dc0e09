"""missing-mount's view of what a service reads at run time from the top folders of a repo-root context.

A repo-root context holds the other services' code, its deployment and its tooling: there a `COPY .`
is judged by the folders the container reads while it runs, not only imports. Besides the Python
packages, those are a migrations folder the app applies when it starts (CTFd's entrypoint runs
`flask db upgrade` on migrations/, which has no `__init__.py`) and the folders its command,
entrypoint or the scripts those run name (`alembic -c db/alembic.ini`, `--directory migrations`,
`/opt/app/bin/start.sh`): a migration written on the host never reaches a container running the
image's copy. Scripts only the host runs are named by nothing a container runs.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Collection, Iterator
from functools import cached_property
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.reading import is_dir, is_file, read_regular_text
from doctor.project.types import Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.shipped import ScriptFinder

SCRIPT_LIMIT = 256 * 1024  # of an entrypoint script read for the paths it names
# the words of a command line or script that may be a path (`--directory=db` gives `db`)
_WORD = lazy(r"""[^\s'"`;&|()<>=,]+""")
# `script_location = migrations` in an alembic.ini (`%(here)s/migrations`, or `pkg:migrations` in a package)
_SCRIPT_LOCATION = lazy(r"(?m)^[ \t]*script_location[ \t]*[=:][ \t]*(\S+)")
_DIRECTORY_OPTIONS = frozenset(("--directory", "-d"))  # Flask-Migrate's `flask db upgrade --directory DIR`


def migrations_layout(folder: Path) -> bool:
    """Whether a folder is an alembic migrations environment (`alembic init`, `flask db init`): its
    `env.py` beside a `versions/` folder of revisions, or its own `alembic.ini`."""
    return (is_file(folder / "env.py") and is_dir(folder / "versions")) or is_file(folder / "alembic.ini")


class RunTimeReads:
    """Which top folders of a repo-root build context a service reads at run time; one per run, so
    the scripts each service runs are looked up once (doctor.project.shipped.ScriptFinder)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._texts: dict[Path, str] = {}  # the uncommented text of each script, read once for every service
        self._imports: dict[tuple[tuple[Path, ...], tuple[Path, ...]], set[Path]] = {}

    def imported(self, mounted: Collection[Path], candidates: Collection[Path]) -> set[Path]:
        """Those of `candidates` the mounted folders' Python code imports (imported.imported_by), read
        once for every service mounting the same folders (robotoff's eleven on one anchor)."""
        from .imported import imported_by

        key = (tuple(sorted(mounted)), tuple(sorted(candidates)))
        if key not in self._imports:
            self._imports[key] = imported_by(key[0], key[1])
        return self._imports[key]

    @cached_property
    def _scripts(self) -> ScriptFinder:
        from doctor.project.shipped import script_finder

        return script_finder(self.project)

    def folders(self, service: Service, context: Path, destination: str, found: Collection[Path]) -> set[Path]:
        """Those of `found` (the context's top folders, COPY'd to `destination`) the service reads
        while it runs: a migrations layout (migrations_layout), a folder an alembic.ini's
        `script_location` names, or one the command, entrypoint (compose's, else the image's) or a
        script they run names as a path."""
        by_name = {f.name: f for f in found}
        read = {f for f in found if migrations_layout(f)}
        names = set(self._named(service, context, destination, by_name))
        read |= {by_name[n] for n in names if n in by_name}
        return read

    def workdir(self, service: Service) -> str:
        """The folder the service runs in: compose's `working_dir`, else the image's WORKDIR, else `/`."""
        recipe = None
        if service.build is not None and service.build.dockerfile_path is not None:
            recipe = self.project.recipe(service.build.dockerfile_path, service.build.target)
        return service.working_dir or (recipe.workdir if recipe is not None else "/") or "/"

    def run_texts(self, service: Service, context: Path) -> list[str]:
        """What the service runs, as text: its command line (compose's command and entrypoint, else the
        image's), then each script of the context they run, without its comments (read once a run)."""
        from doctor.project.shipped import run_words

        texts = [" ".join(run_words(self.project, service))]
        texts += [self._text(path) for path, _how in self._scripts.run_by(service) if path.is_relative_to(context)]
        return texts

    def start_texts(self, service: Service) -> list[str]:
        """What the service runs when it starts, as text: its command line, then each script of the
        project its start runs (ScriptFinder.started_by: the scripts its command or entrypoint names, those
        they run by their path, and those of a folder they run one by one), without comments."""
        from doctor.project.shipped import run_words

        texts = [" ".join(run_words(self.project, service))]
        return texts + [self._text(path) for path, _how in self._scripts.started_by(service)]

    def _text(self, path: Path) -> str:
        """The uncommented text of a script, read once for every service."""
        if path not in self._texts:
            self._texts[path] = "\n".join(_uncommented(read_regular_text(path, SCRIPT_LIMIT) or ""))
        return self._texts[path]

    def _named(self, service: Service, context: Path, destination: str, by_name: dict[str, Path]) -> Iterator[str]:
        """The names of the top folders the service's run names: its command line, its scripts, alembic.ini."""
        workdir = self.workdir(service)
        inis = [context / "alembic.ini"]
        for text in self.run_texts(service, context):
            tokens = _WORD.findall(text)
            for before, token in zip(["", *tokens], tokens, strict=False):
                if "$" in token:
                    continue  # a variable's value is no fact of the files
                if before in _DIRECTORY_OPTIONS and token in by_name:
                    yield token
                elif "/" in token:
                    top = _top_folder(token, workdir, destination)
                    if top:
                        yield top
                if token.endswith(".ini") and "/" not in token:
                    inis.append(context / token)  # `alembic -c alembic.ini`, at the top of the context
        for ini in dict.fromkeys(inis):
            yield from _script_locations(ini, context)


def _uncommented(text: str) -> Iterator[str]:
    """The lines of a shell script without their comments (roughly: a `#` at a word's start)."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        cut = stripped.find(" #")
        yield stripped if cut < 0 else stripped[:cut]


def _top_folder(token: str, workdir: str, destination: str) -> str:
    """The top folder of the context a path of the container names: against the working directory,
    below where `COPY .` put the context; "" when it names none."""
    inside = posixpath.normpath(posixpath.join(workdir or "/", token))
    top = posixpath.normpath(destination)
    if top != "/" and not inside.startswith(f"{top}/"):
        return ""
    first = posixpath.relpath(inside, top).split("/", 1)[0]
    return "" if first in (".", "..") else first


def _script_locations(ini: Path, context: Path) -> Iterator[str]:
    """The top folder an alembic.ini's `script_location` names (relative to the working directory,
    taken as the context, or `%(here)s`, the ini's own folder); not a package resource (`pkg:dir`)."""
    if not is_file(ini):
        return
    for value in _SCRIPT_LOCATION.findall(read_regular_text(ini, SCRIPT_LIMIT) or ""):
        value = value.replace("%(here)s", str(ini.parent))
        if ":" in value or "$" in value or "%" in value:
            continue
        path = Path(os.path.normpath(context / value))
        if path != context and path.is_relative_to(context):
            yield path.relative_to(context).parts[0]
