"""What a GitHub workflow job builds and starts with docker, read from its steps (never run).

A job's `run:` lines are split into simple commands: `docker build -t TAG` / `docker buildx
build --tag TAG` and `docker/build-push-action`'s `tags:` build images; `docker compose up`,
`run` and `create` start services. A job that loads or pulls images another way (`docker load`,
`docker pull`, `docker compose pull`), changes directory, or names other compose files is
marked unknown: what it has cannot be told from its text.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Iterator, Set
from pathlib import Path

from doctor.model import Location, record
from doctor.regular import read_text

_SEPARATORS = ("&&", "||", ";", "|")
_COMPOSE_VALUE_FLAGS = frozenset(("-p", "--project-name", "--profile", "--env-file", "--ansi", "--progress",
                                  "--parallel"))
_STARTS = frozenset(("up", "run", "create", "build"))
# options of up/run/create that take a value (`-e X=1`, `--scale web=2`): never a service name
_START_VALUE_FLAGS = frozenset(("-e", "--env", "-l", "--label", "-p", "--publish", "-v", "--volume", "-u", "--user",
                                "-w", "--workdir", "--name", "--entrypoint", "--env-from-file", "--cap-add",
                                "--cap-drop", "--scale", "-t", "--timeout", "--wait-timeout", "--exit-code-from",
                                "--attach", "--no-attach", "--pull"))


@record
class ComposeStart:
    """One `docker compose up|run|create|build` step: the services it names (none: every service)."""

    location: Location
    verb: str
    services: tuple[str, ...] = ()


@record
class CiJob:
    """One workflow job: the image tags its steps build, and its compose starts."""

    path: Path
    name: str
    built: tuple[str, ...] = ()
    starts: tuple[ComposeStart, ...] = ()
    unknown: bool = False


def ci_jobs(root: Path, interpolated: set[str]) -> list[CiJob]:
    """The jobs of the workflows in `root/.github/workflows` that start compose services; a job
    whose `env:` (or its workflow's) sets a variable the compose files interpolate is left out."""
    folder = root / ".github" / "workflows"
    if not folder.is_dir():
        return []
    from doctor.project.memo import remember

    found: list[CiJob] = []
    names = tuple(sorted(interpolated))
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        # remembered: a warm run reads no YAML for an unchanged workflow
        found += remember("ci-jobs", (path,), names, functools.partial(_workflow_jobs, path, frozenset(names)))
    return found


def _workflow_jobs(path: Path, interpolated: frozenset[str]) -> list[CiJob]:
    from doctor.project.yamlload import YamlError, YMap, load_documents

    try:
        docs, _ = load_documents(path)
        lines = read_text(path).splitlines()
    except (OSError, YamlError):
        return []
    found: list[CiJob] = []
    for doc in docs:
        jobs = doc.get("jobs") if isinstance(doc, YMap) else None
        if not isinstance(jobs, YMap) or _sets(doc, interpolated):
            continue
        for name, job in jobs.items():
            if isinstance(job, YMap) and not _sets(job, interpolated):
                read = _job(path, str(name), job, lines, interpolated)
                if read.starts:
                    found.append(read)
    return found


def _sets(node: object, names: Set[str]) -> bool:
    from doctor.project.yamlload import YMap

    env = node.get("env") if isinstance(node, YMap) else None
    return isinstance(env, YMap) and any(str(k) in names or str(k) == "COMPOSE_FILE" for k in env)


def _job(path: Path, name: str, job: object, lines: list[str], interpolated: Set[str]) -> CiJob:
    from doctor.project.yamlload import YList, YMap

    built: list[str] = []
    starts: list[ComposeStart] = []
    unknown = isinstance(job, YMap) and isinstance(job.get("defaults"), YMap)
    steps = job.get("steps") if isinstance(job, YMap) else None
    for step in steps if isinstance(steps, YList) else ():
        if not isinstance(step, YMap):
            continue
        unknown |= _sets(step, interpolated) or "working-directory" in step
        uses, run, where = step.get("uses"), step.get("run"), step.loc_of("run")
        if isinstance(uses, str) and uses.startswith("docker/build-push-action"):
            given = step.get("with")
            tags = given.get("tags") if isinstance(given, YMap) else None
            text = "\n".join(map(str, tags)) if isinstance(tags, list) else str(tags or "")
            built += [t.strip() for t in text.replace(",", "\n").splitlines() if t.strip()]
        elif isinstance(uses, str) and uses.startswith(("docker/bake-action", "docker/load")):
            unknown = True
        if not isinstance(run, str) or where is None:
            continue
        block = where.line is not None and 0 < where.line <= len(lines) and \
            lines[where.line - 1].rstrip().endswith(("|", ">", "|-", ">-"))
        for offset, words in _commands(run):
            line = (where.line or 0) + (offset + 1 if block else 0)
            kind, value = _docker(words)
            if kind == "build":
                built += value
            elif kind == "start":
                starts.append(ComposeStart(Location(path, line), value[0], tuple(value[1:])))
            elif kind == "unknown":
                unknown = True
    return CiJob(path, name, tuple(built), tuple(starts), unknown)


def _commands(script: str) -> Iterator[tuple[int, list[str]]]:
    """(line offset, words) of each simple command of a shell script (continuations joined)."""
    pending, first = "", 0
    for offset, line in enumerate(script.splitlines()):
        if not pending:
            first = offset
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        text, pending = pending + line, ""
        try:
            words = shlex.split(text, comments=True)
        except ValueError:
            words = text.split()
        command: list[str] = []
        for word in [*words, ";"]:
            if word in _SEPARATORS:
                if command:
                    yield first, command
                command = []
            else:
                command.append(word)


def _docker(words: list[str]) -> tuple[str, list[str]]:
    """("build", tags) | ("start", [verb, *services]) | ("unknown", []) | ("", []) for one command."""
    if words[:1] == ["cd"]:
        return "unknown", []
    if words[:1] == ["docker-compose"]:
        words = ["docker", "compose", *words[1:]]
    if words[:1] != ["docker"] or len(words) < 2:
        return "", []
    rest = words[1:]
    if rest[0] in ("load", "pull", "import") or rest[:2] == ["image", "load"]:
        return "unknown", []
    if rest[0] == "build" or rest[:2] in (["buildx", "build"], ["image", "build"]):
        return "build", _tags(rest)
    if rest[0] != "compose":
        return "", []
    args = rest[1:]
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if flag in ("-f", "--file") or flag.startswith("--file="):
            return "unknown", []  # other compose files than the project's
        if flag in _COMPOSE_VALUE_FLAGS and args:
            args.pop(0)
    if not args:
        return "", []
    if args[0] in ("pull", "load"):
        return "unknown", []
    if args[0] not in _STARTS:
        return "", []
    no_build = "--no-build" in args
    names: list[str] = []
    words_after = iter(args[1:])
    for word in words_after:
        if word in _START_VALUE_FLAGS:
            next(words_after, None)
        elif not word.startswith("-"):
            names.append(word)
            if args[0] == "run":
                break  # the rest is the command run in that service
    verb = f"{args[0]} --no-build" if no_build else args[0]
    return "start", [verb, *names]


def _tags(words: list[str]) -> list[str]:
    tags = []
    for index, word in enumerate(words):
        if word in ("-t", "--tag") and index + 1 < len(words):
            tags.append(words[index + 1])
        elif word.startswith("--tag="):
            tags.append(word.split("=", 1)[1])
    return tags
