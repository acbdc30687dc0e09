"""The compose starts the project's own commands write: which services each `up`, `run` or `create` names.

mathesar's docker-compose.dev.yml publishes 8000 from `dev-service` and from `test-service`; its
DEVELOPER_GUIDE.md starts the first (`docker compose -f docker-compose.dev.yml up dev-service`), its CI
workflow the second (`... up --build -d test-service dev-db`), and nothing starts both: port-collision
judges a clash by these.

Read, never run, from:

- the lines doctor.project.command_ports reads: Makefile recipes (with the Makefile's variables),
  justfile and Taskfile lines, package.json scripts, and the scripts those run that drive docker;
- the project's own documentation: the Markdown and reStructuredText files in its folder, at the top of
  its checkout, and in a `docs/` or `doc/` folder of either (README.md, CONTRIBUTING.md,
  DEVELOPER_GUIDE.md), a command in a code block or in backticks;
- the GitHub workflows doctor.project.ciimages reads.

A start is the project's when the compose files its `-f` options name are the files this run reads,
from the folder of the file it is written in or from the checkout's top (a workflow's from the folder
its step runs in), a `cd` before it on its line applied; one without `-f` when that folder is the
project's and this run was given no files either (a bare `docker compose up` in the checkout's README
starts the top folder's files, not those of a project in docker/). A start whose services are written
with a variable (`up $SERVICE`) is left out: what it names cannot be told. Read only when a clash of
services nothing links needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from doctor.model import Location, record
from doctor.project.ciimages import ComposeStart, compose_start
from doctor.project.reading import is_dir, is_file, read_regular_text
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

DOC_SUFFIXES = (".md", ".markdown", ".rst")
DOC_FOLDERS = ("", "docs", "doc")
DOC_LIMIT = 256 * 1024  # bytes read of one documentation file
MAX_DOCS = 64  # documentation files read, at most


@record
class OwnStart:
    """One compose start of the project's, and where it is written: `origin` names what runs it
    (`make target 'dev'`, `CI job 'python_tests'`, `DEVELOPER_GUIDE.md`)."""

    start: ComposeStart
    origin: str

    @property
    def location(self) -> Location:
        return self.start.location

    @property
    def shown(self) -> str:
        """The start as `VERB [SERVICE...]`, its options left out (`up test-service dev-db`)."""
        return " ".join((self.start.verb.split()[0], *dict.fromkeys(self.start.services)))


def own_starts(project: Project) -> tuple[OwnStart, ...]:
    """Every start of this project's compose files in its commands, docs and CI (read once per project)."""
    return project.once("own-compose-starts", lambda: tuple(_read(project)))


def _read(project: Project) -> Iterator[OwnStart]:
    from doctor.project.command_ports import command_lines
    repo = project.repo()
    top = repo.top if repo is not None else project.root
    for path, number, text, origin in command_lines(project):
        if "compose" in text:
            for start in _line_starts(text, Location(path, number)):
                if _runs_project(project, start, (path.parent, top)):
                    yield OwnStart(start, origin)
    for path in _documents(project.root, top):
        for start in _document_starts(path):
            if _runs_project(project, start, (path.parent, top)):
                yield OwnStart(start, project.shown(path))
    yield from _ci_starts(project)


def _line_starts(text: str, location: Location) -> Iterator[ComposeStart]:
    """The compose starts of one shell line (`cd docker && docker compose up -d web`: from docker/)."""
    from doctor.project.compose_line import split_prefix
    from doctor.project.shellwords import simple_commands

    folder = "."
    for command in simple_commands(text):
        _, words = split_prefix(command)  # `sudo`, `FOO=1`: the start is the same
        if words[:1] == ["cd"]:
            known = folder and len(words) == 2 and "$" not in words[1] and not words[1].startswith(("/", "~"))
            folder = os.path.normpath(os.path.join(folder, words[1])) if known else ""  # "": not told
            continue
        start = compose_start(words, location, folder) if words and folder else None
        if start is not None and not any("$" in name for name in start.services):
            yield start


def _documents(root: Path, top: Path) -> list[Path]:
    """The documentation files read (the module says which), in folder and name order."""
    found: list[Path] = []
    for base in dict.fromkeys((root, top)):
        for sub in DOC_FOLDERS:
            folder = base / sub
            if not is_dir(folder):
                continue
            try:
                names = sorted(os.listdir(folder))
            except OSError:
                continue
            found += [folder / n for n in names if n.lower().endswith(DOC_SUFFIXES) and is_file(folder / n)]
    return found[:MAX_DOCS]


def _document_starts(path: Path) -> Iterator[ComposeStart]:
    """The compose starts a documentation file shows: each line's text from `docker compose` or
    `docker-compose` to the end of its code (a closing backtick, else the line's end)."""
    text = read_regular_text(path, DOC_LIMIT)
    if text is None or "compose" not in text:
        return
    for number, line in enumerate(text_lines(text), 1):
        for needle in ("docker compose ", "docker-compose "):
            at = line.find(needle)
            while at >= 0:
                code = line[at:].split("`", 1)[0]
                yield from _line_starts(code, Location(path, number))
                at = line.find(needle, at + len(needle))


def _ci_starts(project: Project) -> Iterator[OwnStart]:
    """The compose starts of the checkout's workflows, each from the folder its step runs in."""
    from doctor.project.ciimages import ci_jobs

    contexts = [Path(s.build.context) for s in project.services.values() if s.build is not None]
    # no variable a job sets leaves it out: which services a start names does not depend on one
    for job in ci_jobs(project.root, set(), contexts, project.repo):
        for start in job.starts:
            if start.verb.split()[0] != "build" and _runs_project(project, start, (job.checkout,)):
                yield OwnStart(start, f"CI job '{job.name}'")


def _runs_project(project: Project, start: ComposeStart, folders: Sequence[Path]) -> bool:
    """Whether `start`, run from one of `folders` (its `cd` applied), reads this run's compose files."""
    if start.verb.split()[0] == "build" or any("$" in f for f in start.files):
        return False
    places = [Path(os.path.normpath(folder / start.directory)) for folder in folders]
    if start.files:
        own = {os.path.normpath(f) for f in project.compose.files}
        return any({os.path.normpath(place / f) for f in start.files} == own for place in places)
    if project.options.files or not is_dir(project.options.path):
        return False  # this run was given its files: compose's own lookup may find others
    home = {os.path.normpath(project.root), os.path.normpath(os.path.abspath(project.options.path))}
    return any(os.path.normpath(place) in home for place in places)
