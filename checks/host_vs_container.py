"""host-vs-container: where doctor runs, and project commands that belong in a service container."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

from doctor.execute import ServiceHome, compose_argv, is_running, service_homes
from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable
from doctor.project import Project
from doctor.project.manifests import Language
from doctor.project.tasks import Command, CommandKind

PYTHON_TOOLS = frozenset(("pytest", "py.test", "alembic", "uvicorn", "gunicorn", "flask", "django-admin",
                          "celery", "coverage", "manage.py"))
NODE_TOOLS = frozenset(("node", "npm", "npx", "yarn", "pnpm", "bun"))


class HostVsContainer(Check):
    """where doctor runs (host/container/CI) and commands that belong in a service container

    What it finds
        The execution context (host, docker or podman container, Kubernetes pod, devcontainer,
        WSL, CI) with the signals that tell it, and, on the host, Makefile and package.json
        commands (`pytest`, `python scripts/x.py`) for code that is bind-mounted into a service
        whose image installs dependencies the host interpreter lacks. Inside a container it
        names the compose service it runs in. `DOCTOR_CONTEXT=host` (or `docker`, `podman`...)
        overrides the detection.

    Why it matters
        `pytest` on the host fails with ModuleNotFoundError (or, worse, runs against other
        versions of the packages) while the container has everything installed; a check run
        inside a container cannot see the host's ports.

    Example
        Makefile:4  'pytest' (make target 'test') needs 'sqlmodel', missing on the host: run it in 'backend'

    Fix
        Run the command in the service: `docker compose exec backend pytest`, or
        `docker compose run --rm backend pytest` when the service is not up. Nothing changes on
        disk; it is advice.

    Fix safety
        Advice: doctor prints the command and runs nothing.
    """

    id = "host-vs-container"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        context = host.context
        if context.in_container:
            yield from self._inside(project, host)
            return
        homes = service_homes(project, host)
        if not homes:
            return
        seen: set[tuple[str, str]] = set()
        running: dict[str, bool | None] = {}
        for command in project.commands:
            home = _home_of(command, homes, project.root)
            if home is None or (home.service, command.text) in seen:
                continue
            seen.add((home.service, command.text))
            if home.service not in running:
                running[home.service] = is_running(project, host, home.service)
            yield self._belongs(project, command, home, running[home.service])

    def _belongs(self, project: Project, command: Command, home: ServiceHome, running: bool | None) -> Finding:
        verb = "run" if running is False else "exec"
        argv = compose_argv(project, verb, home, command.cwd, _mapped_words(command, home), tty=True)
        shown = _short(argv, verb)
        title = f"run it as '{shown}'"
        if running is None:
            title += " (use 'run --rm' instead of 'exec' if it is not up)"
        count = len(home.missing)
        needs = f"{home.missing[0]!r} and {count - 1} more" if count > 1 else f"{home.missing[0]!r}, which"
        message = f"{command.tool!r} ({command.origin}) needs {needs} the host lacks: run it in {home.service!r}"
        fix = Fix(title, Safety.ADVICE, command=tuple(argv))
        return self.finding(message, command.location, f"{home.service}:{command.text}", fix)

    def _inside(self, project: Project, host: Host) -> Iterator[Finding]:
        context = host.context
        service, compose_project = _service_by_engine(host, context.container_id)
        if service is None:
            service = _service_by_hostname(project, context.hostname)
        where = f"compose service {service!r}" if service else "no compose service doctor can name"
        if compose_project and compose_project != project.compose.project_name:
            where += f" of project {compose_project!r}"
        yield self.finding(f"doctor runs in a {context.describe()}: {where}", None, "context",
                           severity=Severity.INFO)
        if not host.engine.available:
            yield self.finding("host ports cannot be probed from inside a container (docker engine "
                               "unreachable)", None, "context:ports", severity=Severity.INFO)


def _home_of(command: Command, homes: tuple[ServiceHome, ...], root: Path) -> ServiceHome | None:
    """The service a command belongs to: same language, and its folder or path arguments in the mount."""
    if command.implied or command.kind not in (CommandKind.MAKE, CommandKind.NPM) or command.tool.startswith("docker"):
        return None
    language = _language(command, homes)
    candidates = [h for h in homes if h.language is language]
    for home in candidates:
        if command.cwd != root and home.covers(command.cwd):
            return home
        if any(home.covers((command.cwd / word).resolve()) for word in command.text.split()[1:]
               if "/" in word and not word.startswith("-")):
            return home
    # a root Makefile's bare `pytest` with a single python service: that service's
    return candidates[0] if len(candidates) == 1 and command.cwd == root else None


def _language(command: Command, homes: tuple[ServiceHome, ...]) -> Language | None:
    tool = command.tool
    if tool.startswith("python") or tool in PYTHON_TOOLS:
        return Language.PYTHON
    if tool in NODE_TOOLS or (command.kind is CommandKind.NPM and command.local):
        return Language.NODE
    # a console script of a declared dependency (`alembic`, `uvicorn`) runs with the image's packages
    if any(tool in home.missing for home in homes if home.language is Language.PYTHON):
        return Language.PYTHON
    return None


def _mapped_words(command: Command, home: ServiceHome) -> list[str]:
    """The command's words, with host paths outside the container's working folder made container paths."""
    words = shlex.split(command.text)
    if home.container_path(command.cwd) is not None:
        return words  # it runs in the mapped folder: relative paths stay right
    mapped = []
    for word in words:
        inside = home.container_path((command.cwd / word).resolve()) if "/" in word and word[0] != "-" else None
        mapped.append(inside or word)
    return mapped


def _short(argv: list[str], verb: str) -> str:
    """The command as a developer types it in the project folder (no -p/-f/--project-directory)."""
    at = argv.index(verb)
    return shlex.join(["docker", "compose", *argv[at:]])


def _service_by_engine(host: Host, container_id: str | None) -> tuple[str | None, str | None]:
    if not container_id:
        return None, None
    try:
        labels = host.container_labels(container_id)
    except Unavailable:
        return None, None
    return labels.get("com.docker.compose.service"), labels.get("com.docker.compose.project")


def _service_by_hostname(project: Project, hostname: str | None) -> str | None:
    if not hostname:
        return None
    for service in project.services.values():
        if hostname in (service.hostname, service.container_name):
            return service.name
    return None
