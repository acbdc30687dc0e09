"""The commands a service's image runs: the RUN lines of its Dockerfile with the values its build gives
them (doctor.project.buildvalues), and the installs the service runs each time it starts (a `pip
install` in its command or entrypoint, or in a project script those run), counted as its image's."""

from __future__ import annotations

import posixpath

from doctor.project import Project
from doctor.project.pip_installs import _PIP, START_SCRIPT_LIMIT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.recipe import Recipe
    from doctor.project.types import Service


def _runs(project: Project, service_name: str) -> tuple[list[tuple[str, str]], Recipe] | None:
    """The (text, workdir) of each RUN of the service's image, its build's values filled in, then of
    what the service runs at start (started_installs), and the recipe; None when the service is not
    built from a Dockerfile doctor reads."""
    from doctor.project.buildvalues import resolved_runs

    service = project.services.get(service_name)
    if service is None or service.build is None or service.build.dockerfile_path is None:
        return None
    recipe = project.recipe(service.build.dockerfile_path, service.build.target)
    if recipe is None:
        return None
    return [*resolved_runs(service.build, recipe), *started_installs(project, service, recipe)], recipe


# what runs a service at start: not its healthcheck, nor a Makefile's `compose run` of a script
_STARTING = frozenset({"command", "entrypoint", "ENTRYPOINT", "CMD"})


def started_installs(project: Project, service: Service, recipe: Recipe | None) -> list[tuple[str, str]]:
    """The (text, workdir) of the installs a service runs each time it starts, counted as its image's:
    its `command:` / `entrypoint:` (the image's ENTRYPOINT and CMD where compose keeps them) when
    they hold a `pip install`, and the project scripts those run (doctor.project.script_finder.ScriptFinder;
    allegro/ralph's docker-local-dev-entrypoint.sh: `pip3 install -r .../requirements/dev.txt`), each
    from the container's working folder (its `cd`s are followed). Read, never run."""
    return [(text, workdir) for text, workdir, _ in _started(project, service, recipe)]


def _started(project: Project, service: Service, recipe: Recipe | None) -> list[tuple[str, str, str]]:
    """started_installs, each with what runs it: "entrypoint" (compose's, or the image's ENTRYPOINT)
    or "command" (compose's, or the image's CMD), which a `run SERVICE CMD` replaces."""
    from doctor.project.reading import read_regular_text
    from doctor.project.script_finder import script_finder

    workdir: str = service.working_dir or (recipe.workdir if recipe is not None else "") or "/"
    if "$" in workdir and recipe is not None and service.build is not None:  # ralph's `WORKDIR $RALPH_LOCAL_DIR`
        from doctor.project.buildvalues import build_values, fill

        workdir = posixpath.normpath("/" + fill(workdir, build_values(service.build, recipe)).lstrip("/"))
    found: list[tuple[str, str, str]] = []
    for words, how in _start_words(service, recipe):
        inline = " ".join(words)
        if _PIP.search(inline):  # `sh -c "pip install -r requirements.txt && ./manage.py runserver"`
            found.append((inline, workdir, how))
    for path, how in script_finder(project).run_by(service):
        text = read_regular_text(path, START_SCRIPT_LIMIT) if how in _STARTING else None
        if text is not None and _PIP.search(text):
            found.append((text, workdir, "entrypoint" if how.lower() == "entrypoint" else "command"))
    return found


def _start_words(service: Service, recipe: Recipe | None) -> list[tuple[list[str], str]]:
    """What the service runs at start, as doctor.project.script_finder.run_words reads it: compose's command
    and entrypoint, the image's ENTRYPOINT where compose sets none, and its CMD where compose sets
    neither."""
    from doctor.project.script_words import shell_words

    found: list[tuple[list[str], str]] = []
    if service.command:
        found.append((shell_words(service.command), "command"))
    if service.entrypoint:
        found.append((shell_words(service.entrypoint), "entrypoint"))
    if recipe is not None and service.entrypoint is None:
        if recipe.entrypoint:
            found.append((list(recipe.entrypoint), "entrypoint"))
        if recipe.cmd and not service.command:
            found.append((list(recipe.cmd), "command"))
    return found
