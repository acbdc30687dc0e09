"""dotenv-override: an app's `load_dotenv(...)` whose `.env` reaches the container and changes what compose set."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.appenv import DotenvEffect, code_roots, dotenv_calls, dotenv_effects, shown_value
from doctor.project.codepaths import code_map
from doctor.project.edits import line_text
from doctor.project.env_hosts import host_refs

OVERRIDE_ARG = re.compile(r",\s*override\s*=\s*True\b|\boverride\s*=\s*True\s*,?\s*")


class DotenvOverride(Check):
    """an app's load_dotenv() whose .env reaches the container and changes what compose set

    What it finds
        A Python app that calls python-dotenv's `load_dotenv(...)` (read with `ast`, never run)
        while the `.env` it loads reaches the container: through a bind mount of the code
        folder, a `develop.watch` sync, or a COPY into the image that `.dockerignore` does not
        stop. doctor follows the call's path (`Path(__file__).resolve().parent / ".env"`,
        `os.path.join(BASE_DIR, ".env")`, a literal, `find_dotenv()`, a `for path in [...]`
        loop) inside the container, reads that file with python-dotenv itself against the
        environment compose sets, and reports each variable the app then sees with another
        value than compose's: with `override=True` the file beats compose; without it, a
        variable compose does not set is reported when the file's value dials localhost.

    Why it matters
        `REDIS_URL=redis://localhost:6379` in `.env` (right for running the app on the host)
        beats compose's `redis://redis:6379`: inside the container localhost is the container
        itself, and the app fails with "connection refused" although compose looks right.

    Example
        .env:3  REDIS_URL is 'redis://localhost:6379' in 'web', compose sets 'redis://redis:6379'
        (load_dotenv(override=True) at app/settings.py:9)

    Fix
        The safe one for the case: drop `override=True` from the call when compose sets the
        variable (compose then wins in the container; on the host the file still fills what
        the shell leaves unset); otherwise keep `.env` out of the image (`.dockerignore`) when a
        COPY carries it, or set the variable in compose's `environment:` when a mount does.

    Fix safety
        Dropping `override=True` is safe where compose sets every variable reported: compose's
        value then wins in the container, and on the host the file still fills what the shell
        leaves unset. Keeping `.env` out of the image or setting a value in compose is advice:
        the app may rely on other values of that file.
    """

    id = "dotenv-override"
    severity = Severity.WARNING
    fix_family = "env"

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        maps = {name: code_map(s, project.dockerfile(s)) for name, s in project.services.items()}
        calls = dotenv_calls(code_roots(project.root, maps.values()))
        if not calls:
            return
        groups: dict[tuple[object, ...], list[DotenvEffect]] = {}
        for service in project.services.values():
            dockerfile = project.dockerfile(service)
            workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
            for effect in dotenv_effects(service, calls, maps[service.name], workdir):
                if effect.compose_value is None and not _dials_localhost(effect.key, effect.app_value):
                    continue
                key = (effect.call.location, effect.env_location, effect.key, effect.app_value,
                       effect.compose_value)
                groups.setdefault(key, []).append(effect)
        for effects in groups.values():
            yield self._finding(project, effects)

    def _finding(self, project: Project, effects: list[DotenvEffect]) -> Finding:
        first = effects[0]
        services = ", ".join(repr(e.service) for e in effects)
        call = _where(project, first.call.location)
        seen = shown_value(first.key, first.app_value)
        if first.compose_value is None:
            message = f"{first.key} is {seen} in {services}, which compose does not set (load_dotenv at {call})"
        else:
            compose = shown_value(first.key, first.compose_value)
            message = (f"{first.key} is {seen} in {services}, compose sets {compose} "
                       f"(load_dotenv(override=True) at {call})")
        severity = Severity.ERROR if _dials_localhost(first.key, first.app_value) else self.severity
        subject = f"{','.join(e.service for e in effects)}:{first.key}"
        return self.finding(message, first.env_location, subject, _fix(project, first), severity)


def _fix(project: Project, effect: DotenvEffect) -> Fix:
    call = effect.call
    if call.override and effect.compose_value is not None:
        text = line_text(call.location.path, call.location.line)
        matches = list(OVERRIDE_ARG.finditer(text or ""))
        title = f"drop override=True from load_dotenv at {_where(project, call.location)}"
        if text is not None and len(matches) == 1:
            new = text[: matches[0].start()] + text[matches[0].end():]
            return Fix(title, Safety.SAFE, (Edit(call.location.path, text, new, call.location.line),))
        return Fix(title, Safety.ADVICE)
    if effect.carrier.via == "copy":
        env = effect.env_location.path
        return Fix(f"keep {env.name} out of the image: add it to .dockerignore", Safety.ADVICE)
    return Fix(f"set {effect.key} for '{effect.service}' in compose's environment", Safety.ADVICE)


def _where(project: Project, location: Location) -> str:
    return f"{os.path.relpath(location.path, project.root)}:{location.line}"


def _dials_localhost(key: str, value: str) -> bool:
    return any(ref.is_local for ref in host_refs(key, value)) or any(
        ref.is_local for ref in host_refs(f"{key}_HOST", value) if not value.count("/"))

