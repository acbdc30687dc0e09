"""A project's own docker twin of a host task: the target that runs the same command in the service.

vintasoftware/django-react-boilerplate's Makefile has `test: poetry run backend/manage.py test backend/
$(ARG) --parallel --keepdb` for the host and `docker_test: docker compose run --rm backend python
manage.py test $(ARG) --parallel --keepdb` for the container: where `make test` belongs in 'backend',
the project already says how to run it there (`make docker_test`), which doctor's own `docker compose
run ...` line only repeats. A twin is decided from its recipe: its every command is `docker compose
run|exec SERVICE ...` (or `docker-compose`) into the service the host task belongs in (or one built
alike), one for each command of the host task, in order, each running the same program with the same
words (a runner's `poetry run`, an interpreter's `python`, a script's folder aside); the paths it names
must be the same places in the container too, unless the twin is named after the task (`docker_X`,
`docker-X`, `X-docker`, `dc-X`...), whose recipe may name them from its own working folder.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Sequence
from pathlib import Path

from doctor.model import Location, record
from doctor.project import Project
from doctor.project.command_home import runner_started
from doctor.project.service_home import ServiceHome
from doctor.project.tasks import Command, CommandKind

_TWIN_KINDS = frozenset({CommandKind.MAKE, CommandKind.JUST, CommandKind.TASK, CommandKind.NPM})
_MANAGERS = frozenset({"npm", "pnpm", "yarn", "bun"})
# compose's own options (by their long names) that name other files or another project: not this one's line
_OTHER_PROJECT = frozenset({"--file", "--project-name", "--project-directory"})
_SILENT = frozenset({"echo", "printf", "true", ":"})


@record
class Twin:
    """The task that runs a host task's commands in a service: how it is run, and where it is written."""

    invocation: tuple[str, ...]  # `make docker_test`, `just docker-test`, `npm run docker:test`
    location: Location
    service: str

    @property
    def shown(self) -> str:
        return shlex.join(self.invocation)


def twin_of(project: Project, command: Command, home: ServiceHome) -> Twin | None:
    """The project's own task that runs `command`'s task (every command of it) in `home`'s service,
    None where it has none (or the command is no task's)."""
    if command.kind not in _TWIN_KINDS or not command.name or command.implied:
        return None
    tasks = _tasks(project.commands)
    own = tasks.get((command.location.path, command.name), [])
    for (path, name), steps in tasks.items():
        if (path, name) == (command.location.path, command.name) or len(steps) != len(own):
            continue
        named = _named_after(name, command.name)
        service = _same_runs(project, own, steps, home, named)
        if service is not None:
            return Twin(_invocation(project, steps[0], name), steps[0].location, service)
    return None


def _tasks(commands: Sequence[Command]) -> dict[tuple[Path, str], list[Command]]:
    """Each task's commands (file, name), in order, without the ones that only print."""
    found: dict[tuple[Path, str], list[Command]] = {}
    for command in commands:
        if command.kind in _TWIN_KINDS and command.name and not command.implied and command.tool not in _SILENT:
            found.setdefault((command.location.path, command.name), []).append(command)
    return found


def _named_after(name: str, task: str) -> bool:
    """Whether `name` is the docker form of `task`'s name: `docker_test`, `docker-test`, `test-docker`, `dc-test`."""
    prefixes = ("docker", "dc", "compose", "container")
    return any(name in (f"{p}{s}{task}", f"{task}{s}{p}") for p in prefixes for s in ("_", "-", ":", "."))


def _same_runs(project: Project, own: list[Command], steps: list[Command], home: ServiceHome,
               named: bool) -> str | None:
    """The service `steps` run `own`'s commands in (each the same, in order), None where they do not."""
    services = set()
    for host, twin in zip(own, steps, strict=True):
        run = _compose_run(twin.text)
        if run is None or not _alike(project, run[0], home.service):
            return None
        service, workdir, words = run
        inside = workdir or project.services[service].working_dir or home.workdir or "/"
        if not _same_command(_host_words(host), host.cwd, words, inside, home, named):
            return None
        services.add(service)
    return services.pop() if len(services) == 1 else None


def _compose_run(text: str) -> tuple[str, str | None, tuple[str, ...]] | None:
    """(service, `-w` folder, the command's words) of a `docker compose run|exec ... SERVICE CMD` line
    of this project (read with compose's own option table, doctor.project.compose_line); None for any
    other line, and for one naming other files or another project."""
    from doctor.project.compose_line import parse_compose

    try:
        words = shlex.split(text)
    except ValueError:
        return None
    if words[:2] == ["docker", "compose"] or words[:2] == ["podman", "compose"]:
        command = parse_compose(words[2:])
    elif words[:1] in (["docker-compose"], ["podman-compose"]):
        command = parse_compose(words[1:])
    else:
        return None
    if command.command not in ("run", "exec") or len(command.arguments) < 2 or any(
            o.name in _OTHER_PROJECT for o in command.global_options):
        return None
    workdir = next((o.value for o in reversed(command.options) if o.name == "--workdir"), None)
    return command.arguments[0], workdir, command.arguments[1:]


def _alike(project: Project, service: str, home: str) -> bool:
    """Whether `service` is `home` or built alike (same context, Dockerfile and stage: a celery worker)."""
    services = project.services
    if service not in services or home not in services:
        return False
    built, own = services[service].build, services[home].build
    return service == home or (built is not None and own is not None and (built.context, built.dockerfile,
                                                                          built.target) == (own.context,
                                                                                            own.dockerfile,
                                                                                            own.target))


def _host_words(command: Command) -> tuple[str, ...]:
    """A host task's words: a package.json script as its manager runs it by name (`npm run test`)."""
    if command.kind is CommandKind.NPM:
        return ("npm", "run", command.name)
    try:
        return tuple(shlex.split(command.text))
    except ValueError:
        return tuple(command.text.split())


def _same_command(host: tuple[str, ...], cwd: Path, twin: tuple[str, ...], inside: str, home: ServiceHome,
                  named: bool) -> bool:
    """Whether the twin's words run the host's command: the same program and words; the paths named the
    same places in the container (a twin named after the task may name them from its own folder)."""
    program, words = _program(host)
    other, twin_words = _program(twin)
    if program != other:
        return False
    plain, paths = _split_paths(words)
    twin_plain, twin_paths = _split_paths(twin_words)
    if plain != twin_plain:
        return False
    if named:
        return True
    here = [home.container_path(Path(posixpath.normpath(cwd / p))) for p in paths]
    there = [posixpath.normpath(posixpath.join(inside, p)) for p in twin_paths]
    return here == there


def _program(words: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """What a command runs, and its words: `poetry run backend/manage.py test` and `python manage.py test`
    run `manage.py` (`test`); `python -m pytest` runs `pytest`; `pnpm run lint` and `npm run lint` the
    script `lint`."""
    words = runner_started(words)
    if not words:
        return "", ()
    first = posixpath.basename(words[0])
    if first.startswith("python") and not first[6:].strip("0123456789.") and len(words) > 1:
        if words[1] == "-m" and len(words) > 2:
            return words[2], words[3:]
        if not words[1].startswith("-"):
            return posixpath.basename(words[1]), words[2:]
    if first in _MANAGERS and len(words) > 1:
        rest = words[2:] if words[1] in ("run", "run-script") else words[1:]
        return (f"script {rest[0]}", rest[1:]) if rest else (first, ())
    return first, words[1:]


def _split_paths(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """The words that are no path, and the paths (a word with a `/`, `.`, `..`), each in order."""
    plain: list[str] = []
    paths: list[str] = []
    for word in words:
        (paths if "/" in word or word in (".", "..") else plain).append(word)
    return plain, paths


def _invocation(project: Project, step: Command, name: str) -> tuple[str, ...]:
    """How the twin is run from the project folder: `make NAME` (`make -C DIR NAME` in a subfolder),
    `just NAME`, `task NAME`, a package.json script through its manager."""
    folder = step.location.path.parent
    away = () if folder == project.root else ("-C" if step.kind is not CommandKind.NPM else "--prefix",
                                              project.shown(folder))
    if step.kind is CommandKind.MAKE:
        return ("make", *away, name)
    if step.kind is CommandKind.JUST:
        return ("just", "-f", project.shown(step.location.path), name) if away else ("just", name)
    if step.kind is CommandKind.TASK:
        return ("task", "-d", project.shown(folder), name) if away else ("task", name)
    managers = {c.location.path: c.tool for c in project.commands if c.implied and c.kind is CommandKind.NPM}
    manager = managers.get(step.location.path, "npm")
    return (manager, "run", name) if not away else (manager, "--prefix", project.shown(folder), "run", name)
