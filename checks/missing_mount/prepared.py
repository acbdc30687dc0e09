"""missing-mount's view of a one-shot service that gives a missing bind source to its writers before they start.

Apache Airflow's docker-compose.yaml runs `airflow-init` as `user: "0:0"` with the project folder at /sources:
`mkdir -p /sources/logs /sources/dags /sources/plugins`, then `chown -R "${AIRFLOW_UID}:0"
/sources/{logs,dags,plugins}`; every Airflow service runs as `user: "${AIRFLOW_UID:-50000}:0"` and depends on it.
A missing ./logs is then made and given to the uid those services run as before they start, whoever made it first:
no root-owned folder stands in their way. What counts: a service that runs as root (its `user:` 0 or root), that
has ended before each service needing the folder starts (it, or a service it depends on directly or through others,
depends on the init with `condition: service_completed_successfully`, as Airflow's do: a plain `depends_on` waits
only for the init's start, and the writer may find the folder still root's), whose command (or the text of its `sh
-c`/`bash -c`) holds `chown [-R] OWNER[:GROUP] PATH...` (bash's `{a,b}` expanded), OWNER each writer's user (its
`user:`'s user part, as compose interpolates both), and PATH, through one of its bind mounts, the folder or, with
`-R`, a folder above it. A relative PATH or one with a variable left is none doctor reads.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.types import Service, started_before

_SEPARATOR = lazy(r"&&|\|\||[;|&()\n]")
_BRACES = lazy(r"^(.*?)\{([^{}]*,[^{}]*)\}(.*)$")
_SHELLS = frozenset(("sh", "bash", "ash", "dash", "zsh"))
_ROOT = frozenset(("0", "root"))
_RUNNERS = frozenset(("sudo", "exec", "command", "gosu"))


def prepared_by(services: Mapping[str, Service], source: Path, writers: list[Service]) -> tuple[Service, str] | None:
    """The root service every one of `writers` depends on whose chown gives `source` (a host path) to their
    user before they start, and that chown as it runs; None when there is none."""
    owners = {(w.user or "").partition(":")[0].strip() for w in writers}
    if len(owners) != 1 or not next(iter(owners)):
        return None
    owner = next(iter(owners))
    ended = [_ended_before(services, w.name) for w in writers]
    for service in sorted(services.values(), key=lambda s: s.name):
        if (service.user or "").partition(":")[0].strip() not in _ROOT or not all(service.name in e for e in ended):
            continue
        made = _made_by_docker(service, source)  # the init's own bind of the folder (or below it) makes it
        for words in _commands(service):
            if not made:
                made = _made_by_mkdir(service, words, source)
                if made:
                    continue
            recursive, given, paths = _chown(words)
            if given is not None and made and _same_user(given.partition(":")[0], owner) and any(
                    _covers(service, path, source, recursive) for word in paths for path in _expanded(word)):
                return service, " ".join(words)
    return None


def _made_by_docker(service: Service, source: Path) -> bool:
    """Whether the service's own bind mounts make `source` when it starts (docker creates a missing bind source,
    and the folders above it): a chown of a folder no one made fails (`No such file or directory`)."""
    return any(mount.type == "bind" and mount.source and (Path(os.path.normpath(mount.source)) == source or source in
               Path(os.path.normpath(mount.source)).parents) for mount in service.volumes)


def _made_by_mkdir(service: Service, words: list[str], source: Path) -> bool:
    """Whether `words` is a `mkdir [-p] PATH...` making `source` (or a folder below it) through a bind mount."""
    while words and posixpath.basename(words[0]) in _RUNNERS:
        words = words[1:]
    if not words or posixpath.basename(words[0]) != "mkdir":
        return False
    return any(_covers(service, path, source, False) or _below(service, path, source)
               for word in words[1:] if not word.startswith("-") for path in _expanded(word))


def _below(service: Service, path: str, source: Path) -> bool:
    """Whether container `path` is, through a bind mount of the service, a folder below host folder `source`."""
    return any(source in host.parents for host in _hosts(service, path))


def _ended_before(services: Mapping[str, Service], name: str) -> set[str]:
    """The services that have ended before `name` starts: those that `name`, or a service it depends on (directly or
    through others), depends on with `condition: service_completed_successfully`. Compose starts a service once its
    dependencies' start is done, each after its own conditions hold, so one such step on any path suffices; a plain
    `depends_on` waits only for the start (an init still running its `sleep 3; chown` when the writer starts)."""
    return {dep for current in (name, *started_before(services, name)) if current in services
            for dep in services[current].depends_completed}


def _commands(service: Service) -> Iterator[list[str]]:
    """The words of each command the service runs: its entrypoint and command, or each of its shell text's."""
    from doctor.project.script_words import shell_words
    from doctor.project.shellwords import split_unquoted

    words = shell_words(service.entrypoint) + shell_words(service.command)
    at = next((i for i, w in enumerate(words[:3]) if posixpath.basename(w) in _SHELLS), None)
    if at is not None and words[at + 1:at + 2] == ["-c"] and len(words) > at + 2:
        for command in split_unquoted(words[at + 2], _SEPARATOR):
            yield shell_words(command.strip())
    else:
        yield words


def _chown(words: list[str]) -> tuple[bool, str | None, list[str]]:
    """(recursive, owner, paths) of a `chown [-R] OWNER PATH...` (after sudo, exec), else (False, None, [])."""
    while words and posixpath.basename(words[0]) in _RUNNERS:
        words = words[1:]
    if not words or posixpath.basename(words[0]) != "chown":
        return False, None, []
    options = [w for w in words[1:] if w.startswith("-")]
    operands = [w for w in words[1:] if not w.startswith("-")]
    recursive = "--recursive" in options or any("R" in o[1:] for o in options if not o.startswith("--"))
    if len(operands) < 2:
        return False, None, []
    return recursive, operands[0], operands[1:]


def _same_user(given: str, owner: str) -> bool:
    if given == owner:
        return True
    return given.isdigit() and owner.isdigit() and int(given) == int(owner)


def _expanded(word: str, depth: int = 0) -> list[str]:
    """bash's brace expansion of one word (`/sources/{logs,dags}`), a few levels deep."""
    found = _BRACES.match(word)
    if found is None or depth > 4:
        return [word]
    return [w for part in found[2].split(",") for w in _expanded(f"{found[1]}{part}{found[3]}", depth + 1)]


def _hosts(service: Service, path: str, recursive: bool = False) -> Iterator[Path]:
    """Container `path` as host paths through the service's bind mounts that hold it, and, `recursive`, the
    sources of those mounted below it (a `chown -R` of /sources reaches ./logs bound at /sources/logs)."""
    if not path.startswith("/") or "$" in path:
        return
    path = posixpath.normpath(path)
    for mount in service.volumes:
        if mount.type != "bind" or not mount.source or not mount.target:
            continue
        target = posixpath.normpath(mount.target)
        if path == target or path.startswith(target.rstrip("/") + "/"):
            yield Path(os.path.normpath(os.path.join(mount.source, posixpath.relpath(path, target))))
        elif recursive and target.startswith(path.rstrip("/") + "/"):
            yield Path(os.path.normpath(mount.source))


def _covers(service: Service, path: str, source: Path, recursive: bool) -> bool:
    """Whether the chown of container `path` reaches host folder `source` through a bind mount of the service."""
    return any(host == source or (recursive and host in source.parents) for host in _hosts(service, path, recursive))
