"""host-vs-container: project commands that belong in a service container."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable
from doctor.project import Project
from doctor.project.manifests import Language
from doctor.project.service_home import ServiceHome, compose_argv, service_homes
from doctor.project.tasks import Command, CommandKind

PYTHON_TOOLS = frozenset(("pytest", "py.test", "alembic", "uvicorn", "gunicorn", "flask", "django-admin",
                          "celery", "coverage", "manage.py"))
NODE_TOOLS = frozenset(("node", "npm", "npx", "yarn", "pnpm", "bun"))


class HostVsContainer(Check):
    """where doctor runs (host/container/CI) and commands that belong in a service container

    What it finds
        Makefile and package.json commands (`make test`'s `pytest`, `python backend/tests/x.py`,
        `npm run generate-client`) for code that reaches a service (bind mount, `develop.watch`
        sync, or COPY into the image) whose image installs dependencies the interpreter running
        them lacks. What the image installs is read from its manifests: the build context's
        pyproject / requirements / package.json, the members of a uv workspace declared there
        (context = repo root, `backend/pyproject.toml`), and every manifest or lockfile the
        Dockerfile COPYs. It judges the machine doctor runs on: the host, or a container that
        is not that service (a devcontainer, a CI job container); inside the service itself the
        commands are where they belong. Where doctor runs (host, container, CI, WSL) is a fact of
        the report header and `facts.context`, not a finding; `DOCTOR_CONTEXT=host` (or
        `docker`, `podman`...) overrides the detection.

    Why it matters
        `pytest` on the host fails with ModuleNotFoundError (or, worse, runs against other
        versions of the packages) while the container has everything installed.

    Example
        Makefile:4  'pytest' (make target 'test') needs 'sqlmodel', missing on the host: run it in 'backend'

    Fix
        Run the command in the service: `docker compose exec backend pytest`, or
        `docker compose run --rm backend pytest` when the service is not up; where the image
        COPYs the code (no mount, no watch sync), `docker compose run --build --rm backend
        pytest`, so the command sees the host's edits. Nothing changes on disk; it is advice.

    Fix safety
        Advice: doctor prints the command and runs nothing.
    """

    id = "host-vs-container"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        # inside a container that is not the service (a devcontainer, a CI job container) the
        # commands still run outside the service: judge them as on the host; where doctor runs
        # is a fact of the report (facts.context), not a finding
        here = _running_service(project, host) if host.context.in_container else None
        homes = tuple(h for h in service_homes(project, host.packages) if h.service != here)
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
                running[home.service] = _is_running(project, host, home.service) if home.live else False
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


def _home_of(command: Command, homes: tuple[ServiceHome, ...], root: Path) -> ServiceHome | None:
    """The service a command belongs to: same language, and its folder or path arguments in the mount."""
    if command.implied or command.kind not in (CommandKind.MAKE, CommandKind.NPM) or command.tool.startswith("docker"):
        return None
    language = _language(command, homes)
    # a package's own scripts run where its node_modules are (often the host after `npm install`);
    # they belong in a service only when it runs the live code, not in an image that COPYs it
    live_only = command.kind is CommandKind.NPM
    candidates = [h for h in homes if h.language is language and (h.live or not live_only)]
    candidates.sort(key=lambda h: not h.live)  # a service running the live code before a COPY of it
    for home in candidates:
        if command.cwd != root and home.covers(command.cwd):
            return home
        if any(home.covers((command.cwd / word).resolve()) for word in command.text.split()[1:]
               if "/" in word and not word.startswith("-")):
            return home
    # a root Makefile's bare `pytest` with a single python service: that service's
    live = [h for h in candidates if h.live] or candidates
    return live[0] if len({h.service for h in live}) == 1 and command.cwd == root else None


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
    import shlex  # here and below: only a finding needs it

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
    import shlex

    at = argv.index(verb)
    return shlex.join(["docker", "compose", *argv[at:]])


def _is_running(project: Project, host: Host, service: str) -> bool | None:
    """Whether a container of the service is up (None when the engine cannot tell)."""
    import json
    from urllib.parse import quote

    labels = [f"com.docker.compose.project={project.compose.project_name}",
              f"com.docker.compose.service={service}"]
    filters = json.dumps({"label": labels, "status": ["running"]})
    try:
        found = host.engine.get_json(f"/containers/json?filters={quote(filters)}")
    except Unavailable:
        return None
    return bool(found)


def _running_service(project: Project, host: Host) -> str | None:
    """The service of this project doctor itself runs in (by compose labels, then hostname), if any."""
    context = host.context
    if context.container_id:
        try:
            found = host.engine.get_json(f"/containers/{context.container_id}/json")
        except Unavailable:
            found = None
        labels = ((found.get("Config") or {}).get("Labels") or {}) if isinstance(found, dict) else {}
        if labels.get("com.docker.compose.project") == project.compose.project_name:
            return labels.get("com.docker.compose.service")
    for service in project.services.values():
        if context.hostname and context.hostname in (service.hostname, service.container_name):
            return service.name
    return None
