"""env-drift's shell half: a variable a service's `sh -c` command requires (`${NAME:?message}`)
that its container environment does not set.

peeringdb's redis runs `sh -c 'redis-server --requirepass "$${REDIS_PASSWORD:?REDIS_PASSWORD
variable is not set}"'` with only `env_file: .env`, which its documented setup creates empty
(`touch Ctl/dev/.env`): compose passes `$$` on as `$`, the container's shell stops at the unset
variable, and redis exits at `up` while compose itself says nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.reading import is_file
from doctor.project.types import EnvFile, Service

SHELLS = frozenset(("sh", "bash", "ash", "dash", "zsh", "ksh"))
# `${NAME:?msg}` fails unset or empty, `${NAME?msg}` unset only
REQUIRED = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)\?")
# a script that reads variables from elsewhere first: a sourced file, `read`, `eval`, `set -a`
SOURCES = lazy(r"(?:^|[\s;&|(])(?:\.|source|read|eval|set\s+-a)\s")
# set by docker in every container, whatever compose passes
ALWAYS_SET = frozenset(("PATH", "HOME", "HOSTNAME"))

# (message, where, subject, fix, severity), as EnvDrift.finding takes them
Found = tuple[str, Location | None, str, Fix, Severity]


def shell_script(words: list[str]) -> int | None:
    """The index of the script of the first `sh -c SCRIPT` (`bash -ec`, `/bin/sh -c`) in a
    command's words, else None."""
    for at, word in enumerate(words[:-2]):
        flag = words[at + 1]
        if posixpath.basename(word) in SHELLS and flag.startswith("-") and not flag.startswith("--") and "c" in flag:
            return at + 2
    return None


def _may_require(service: Service) -> bool:
    """Whether the service's entrypoint or command could hold a `${NAME?}` at all (a text search)."""
    for part in (service.entrypoint, service.command):
        text = part if isinstance(part, str) else " ".join(part or ())
        if "${" in text and "?" in text:
            return True
    return False


def required_unset(project: Project, template_of: Callable[[Path], EnvFile | None],
                   appended: set[tuple[Path, str]]) -> Iterator[Found]:
    """A finding for each `${NAME:?}`/`${NAME?}` of a service's `sh -c` script that its environment
    (`environment:`, its env files, its Dockerfile's ENV) leaves unset, or empty for `:?`: the
    container's shell stops there. The fix appends the key from the template of the service's env
    file (`template_of`) when it lists it (each (file, key) such a fix writes goes in `appended`,
    so the template comparison does not ask for it again), else says where to set it."""
    for service in project.compose.services.values():
        if not _may_require(service):
            continue  # no `${...?` in what it runs: nothing to read (most projects: no import below either)
        from doctor.project.keyat import service_key_at
        from doctor.project.shipped import shell_words

        if any(not is_file(path) for path in service.env_files if path not in service.optional_env_files):
            continue  # compose stops first ("env file not found"): the copy env-drift asks for comes first
        entrypoint, command = shell_words(service.entrypoint), shell_words(service.command)
        words = entrypoint + command
        at = shell_script(words)
        if at is None:
            continue
        script = words[at]
        key = "entrypoint" if at < len(entrypoint) else "command"
        image_env = _image_env(project, service)
        seen: set[str] = set()
        for match in REQUIRED.finditer(script):
            name, colon = match.group(1), match.group(2)
            if name in seen or name in ALWAYS_SET:
                continue
            seen.add(name)
            before = script[:match.start()]
            if re.search(rf"(?:^|[\s;&|(]){name}=", before) or SOURCES.search(before):
                continue  # the script sets it before (`export NAME=...`), or may (`. /run/secrets/env`)
            var = service.environment.get(name)
            if var is not None and var.variables:
                continue  # `NAME: ${NAME}` unset in compose: env-drift's finding about that variable says so
            value = var.value if var is not None else image_env.get(name)
            if value is not None and (value or not colon):
                continue
            state = "sets it empty" if value == "" else "does not set it"
            message = f"{service.name!r} exits at start: its {key}'s sh -c needs {name}, and its environment {state}"
            where = service_key_at(project, service.name, key) or service.location
            fix = _fix(project, service, name, template_of, appended)
            yield message, where, f"{service.name}:{name}", fix, Severity.ERROR


def _fix(project: Project, service: Service, name: str, template_of: Callable[[Path], EnvFile | None],
         appended: set[tuple[Path, str]]) -> Fix:
    """The template's line appended to the service's (last) env file, else advice where to set it."""
    from .fix import _append_fix

    files = [p for p in service.env_files if is_file(p)]
    if not files:
        return Fix(f"set {name} in the environment: of {service.name!r}", Safety.ADVICE)
    target = files[-1]
    shown = project.shown(target)
    example = template_of(target)
    entry = example.entry(name) if example is not None else None
    if example is not None and entry is not None and entry.value:
        appended.add((target, name))
        return _append_fix(example, entry, target, shown, project.shown(example.path), project.root)
    return Fix(f"set {name} in {shown} (the env_file of {service.name!r})", Safety.ADVICE)


def _image_env(project: Project, service: Service) -> dict[str, str]:
    build = service.build
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    return dict(recipe.env) if recipe is not None else {}
