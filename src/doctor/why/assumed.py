"""Which project piped text that names none is read as, and where that name comes from.

Compose names a project's containers, networks and volumes after it; where every container of a piped `up` has a
`container_name:` and no network or volume carries the name, the text names no project, and doctor reads it as the
one compose would pick here without `-p` (its `.env`'s COMPOSE_PROJECT_NAME, the shell's, the file's `name:`, the
folder's name). An `up -p X` of the same folder was project X: the console says so on stderr, `--format json` in
`facts.assumed_project` (assumed_project).
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record, shown_path
from doctor.records import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

# a line of compose's that names a container it made: its progress line (` Container backend  Created`,
# ` ✔ Container backend  Started`) or an attached container's log prefix (`backend  | ...`)
_CREATED = lazy(r"^\s*(?:[^\w\s]\s+)?Container\s+\S|^\s*[\w.-]+\s+\|")

# where the assumed name comes from, as `facts.assumed_project.source` says it
ENV_FILE, SHELL, COMPOSE_NAME, FOLDER = "COMPOSE_PROJECT_NAME", "shell", "name", "folder"


@record
class Assumed:
    """The project name piped text was read as (`name`), from `source` (ENV_FILE with its `file` and `line`, SHELL,
    COMPOSE_NAME or FOLDER)."""

    name: str
    source: str
    file: Path | None = None
    line: int | None = None
    # the text names a container of the project (a `container_name:` one): else compose created none
    named: bool = True
    # ... only by compose's log prefix, the first one here (`web-1  |`: `docker compose logs` piped in), no service
    # having a `container_name:` (the note said they had one)
    prefix: str = ""

    def note(self, cwd: Path | None = None) -> str:
        """The stderr line: why the text names no project, the name read, where from (a file as it opens from
        `cwd`), and what an `up -p X` wants."""
        source = self.where(cwd)
        why = (f"its lines name containers by compose's log prefix (`{self.prefix}`), which leaves the project's "
               "name out" if self.named and self.prefix else
               "its containers have a `container_name:`, and no network or volume carries the project's name"
               if self.named else "compose stopped before creating any container, network or volume, whose names "
               "would carry it")
        return (f"doctor: the piped output names no project ({why}): read as project {self.name!r}, from {source}; "
                "an `up -p X` was project X: give `doctor why -p X`")

    def where(self, cwd: Path | None = None) -> str:
        """Where the name comes from, as the console says it (a file as it opens from `cwd`)."""
        if self.file is not None:
            return f"COMPOSE_PROJECT_NAME at {shown_path(self.file, cwd)}:{self.line}"
        return {SHELL: "the shell's COMPOSE_PROJECT_NAME", COMPOSE_NAME: "the compose file's `name:`",
                FOLDER: "the folder's name"}.get(self.source, "")

    def as_dict(self, project_dir: Path) -> dict[str, object]:
        """`facts.assumed_project` of `--format json`: the file from the project directory, as a finding's `file`."""
        return {"name": self.name, "source": self.source,
                "file": shown_path(self.file, project_dir) if self.file is not None else None, "line": self.line,
                "note": self.note(project_dir).removeprefix("doctor: ")}


def assumed_project(text: str, project: Project) -> Assumed | None:
    """Where the piped text names no project (every container a `container_name:`, no network or volume compose
    prefixes) and no `-p` was given: the name doctor read it as, and where compose's own order without -p takes it
    from; else None."""
    from doctor.why.piped import text_lines, text_project

    keys = {"default", *project.compose.networks,
            *(m.source for s in project.services.values() for m in s.volumes if m.type == "volume" and m.source)}
    lines = text_lines(text)
    if text_project(text, project.services, keys)[0] or not lines:
        return None
    named = any(_CREATED.match(line) for line in lines)
    prefixes = [] if any(s.container_name for s in project.services.values()) else [
        line.strip()[:line.strip().index("|") + 1] for line in lines if _CREATED.match(line) and "|" in line]
    return replace(name_source(project), named=named, prefix=prefixes[0] if prefixes else "")


def name_source(project: Project) -> Assumed:
    """The project's name and where compose takes it from without `-p`: a `.env`'s COMPOSE_PROJECT_NAME (its file
    and line), the shell's, the compose file's `name:`, or the folder's name."""
    from doctor.project.discover import discover, normalize_project_name

    name = project.compose.project_name
    found = discover(replace(project.options, project_name=None))  # compose's environment without -p: where from
    origin = found.origins.get("COMPOSE_PROJECT_NAME")
    if found.project_name and origin is not None:
        return Assumed(name, ENV_FILE, Path(os.path.abspath(origin.path)), origin.line)
    if found.project_name:
        return Assumed(name, SHELL)
    if name == normalize_project_name(project.compose.project_dir.name):
        return Assumed(name, FOLDER)
    return Assumed(name, COMPOSE_NAME)
