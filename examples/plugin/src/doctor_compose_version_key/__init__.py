"""compose-version-key: a third-party doctor check, registered through the `doctor.checks` entry point."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity

if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project

__all__ = ["ComposeVersionKey"]

# A top-level key starts in column 0; nested keys are indented, and a block scalar's lines
# are indented past their key, so a column-0 `version:` is the document's own key.
_TOP_LEVEL_VERSION = re.compile(r"""^(?P<key>version|"version"|'version')[ \t]*:(?=[ \t]|$)(?P<rest>.*)$""")


class ComposeVersionKey(Check):
    """the obsolete top-level `version:` key in a compose file

    What it finds
        A top-level `version:` key (`version: "3.8"`) in any compose file of the project.
        Keys named `version` inside a service, a label or an environment are not findings.

    Why it matters
        Compose v2 implements the Compose Specification, which has no file versions: the key
        is ignored, and every `docker compose` command prints "the attribute `version` is
        obsolete". It also misleads readers into thinking the file is limited to an old
        schema (no `include:`, no `develop:`), or that bumping it enables new features.

    Example
        compose.yaml:1  top-level 'version: 3.8' is obsolete: compose ignores it and warns on every run

    Fix
        Delete the line. This is safe: compose ignores the key entirely, so the project it
        computes (`docker compose config`) is the same before and after. When the value
        continues on the next lines, doctor only advises, since deleting one line would
        leave the rest behind.
    """

    id = "compose-version-key"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        compose = project.compose
        for path in compose.files:
            yield from self._file(path, compose.project_dir)

    def _file(self, path: Path, project_dir: Path) -> Iterator[Finding]:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return  # compose-config reports a file compose cannot read
        lines = text.splitlines(keepends=True)
        for number, line in enumerate(lines, start=1):
            found = _TOP_LEVEL_VERSION.match(line.rstrip("\r\n"))
            if found is None:
                continue
            value = found.group("rest").split(" #", 1)[0].strip()
            bare = value.strip("\"'")
            shown = f"version: {bare}" if value else "version"
            message = f"top-level '{shown}' is obsolete: compose ignores it and warns on every run"
            yield self.finding(message, Location(path, number, 1), _subject(path, project_dir),
                               _fix(path, number, line, continued=not value))


def _subject(path: Path, project_dir: Path) -> str:
    try:
        return str(path.relative_to(project_dir))
    except ValueError:
        return str(path)


def _fix(path: Path, number: int, line: str, continued: bool) -> Fix:
    title = f"delete the top-level 'version' key from {path.name}"
    if continued:  # `version:` with its value on the next lines: a one-line delete would break the file
        return Fix(title, Safety.ADVICE)
    return Fix(title, Safety.SAFE, (Edit(path, line.replace("\r\n", "\n"), "", number),))
