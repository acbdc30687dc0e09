"""compose-config: what compose itself would reject or cannot read, as findings with file:line."""

from __future__ import annotations

from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Finding, Location
from doctor.project import Project


class ComposeConfig(Check):
    """compose files and env files that compose itself would reject or cannot read

    What it finds
        Everything `docker compose config` would stop on, reported with file and line instead of
        compose's single first error: YAML syntax errors (a tab in indentation, duplicate keys),
        schema errors (`services` as a list, `ports: 8080`), an empty or binary compose file,
        interpolation errors (`${TAG:?TAG must be set}` with TAG unset), a required env_file that
        does not exist, references to undefined services, volumes or networks, and `.env` lines
        compose's dotenv parser rejects (a space in a key, an unterminated quote). It also
        reports files it cannot read (permission denied, symlink loops), and the files a local
        build needs that this user cannot read: the build context, its Dockerfile and what the
        Dockerfile COPYs (`docker compose build` stops there).

    Why it matters
        compose stops at the first of these with a one-line message, often without a line
        number; doctor reports all of them at once, and the other checks still run on whatever
        could be read.

    Example
        .env:4  key "POSTGRES USER" cannot contain a space
        compose.yaml:3  cannot read app/Dockerfile: permission denied

    Fix
        Edit the file at the line shown. doctor does not rewrite malformed files itself: the
        right repair depends on what was meant.

    Fix safety
        There is no automatic fix, so nothing is written.
    """

    id = "compose-config"

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        problems = list(project.compose.problems)
        if project.dotenv is not None:
            problems.extend(project.dotenv.problems)
        problems.extend(project.unreadable_inputs)
        seen: set[tuple[str, Location | None]] = set()
        for problem in problems:
            key = (problem.message, problem.location)
            if key not in seen:
                seen.add(key)
                yield self.finding(problem.message, problem.location, f"{problem.kind.value}:{problem.message}")
