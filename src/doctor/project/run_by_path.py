"""Project files run by their path outside any container: by a recipe (make, just, task, npm) or by a
hosting platform's build (render.yaml's `buildCommand: "./render_build.sh"`).

Run by its path, a file's shebang line is read by the kernel whatever the file's suffix:
`#!/usr/bin/env python\\r` fails with `env: 'python\\r'` (django-react-boilerplate's
backend/manage.py). A platform's build runs on the platform, not in a compose service, even when a
service's bind of the whole folder carries the script along.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.reading import is_file, read_text
from doctor.project.tasks import CommandKind
from doctor.regular import text_lines

# the recipes that run a command on the host (a compose file's commands are the services')
RECIPE_KINDS = frozenset((CommandKind.MAKE, CommandKind.JUST, CommandKind.TASK, CommandKind.NPM))
# Render's blueprint: the commands its build, pre-deploy and start run (https://render.com/docs/blueprint-spec)
PLATFORM_FILES = ("render.yaml", "render.yml")
_PLATFORM_COMMAND = lazy(r"^[ \t]*(?:-[ \t]+)?(buildCommand|preDeployCommand|startCommand)[ \t]*:[ \t]*(.+?)[ \t]*$")
_SHELLS = frozenset(("sh", "bash", "dash", "ash", "zsh", "ksh"))


def recipe_runs(project: Project) -> dict[Path, str]:
    """The files a recipe runs by their path (`backend/manage.py test`, `./scripts/setup`), each
    (resolved) with the recipe's place (`make target 'test', Makefile:5`)."""
    found: dict[Path, str] = {}
    for command in project.commands:
        tool = command.tool
        if command.kind not in RECIPE_KINDS or "/" not in tool or "$" in tool or tool.startswith("/"):
            continue
        path = Path(os.path.normpath(command.cwd / tool))
        if is_file(path):
            found.setdefault(path.resolve(), f"{command.origin}, {command.location.path.name}:{command.location.line}")
    return found


def platform_runs(project: Project) -> dict[Path, str]:
    """The project files a hosting platform's build or start command runs (render.yaml's, in the
    compose folder or at the checkout's top: `buildCommand: "./render_build.sh"`), each (resolved)
    with what runs it (`Render's buildCommand (render.yaml:17)`)."""
    from doctor.project.gitrepo import archive_top

    repo = project.repo()
    top = repo.top if repo is not None else archive_top(project.root)
    found: dict[Path, str] = {}
    # the compose folder's, and the checkout top's (a compose project in docker/ of a Render app)
    for folder, name in ((f, n) for f in dict.fromkeys((project.root, top or project.root)) for n in PLATFORM_FILES):
        config = folder / name
        if not is_file(config):
            continue
        try:
            text = read_text(config)
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text_lines(text), 1):
            match = _PLATFORM_COMMAND.match(line)
            if match is None:
                continue
            words = match.group(2).strip("'\"").split()
            if words and words[0] in _SHELLS:
                words = [word for word in words[1:] if not word.startswith("-")]
            if not words or "$" in words[0]:
                continue
            path = Path(os.path.normpath(folder / words[0]))
            if is_file(path):
                shown = os.path.relpath(config, project.root)  # `../render.yaml` for the checkout top's
                found.setdefault(path.resolve(), f"Render's {match.group(1)} ({shown}:{number})")
    return found
