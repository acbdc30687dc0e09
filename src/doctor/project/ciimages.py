"""What a GitHub workflow job builds and starts with docker, read from its steps (never run).

A job's `run:` lines are split into simple commands: `docker build -t TAG` / `docker buildx
build --tag TAG` and `docker/build-push-action`'s `tags:` build images; `docker compose up`,
`run` and `create` start services, each in the folder it runs in (the checkout's top, a
`working-directory:`, a `cd docs` before it) with the `-f` files it names. A job that loads or
pulls images another way (`docker load`, `docker pull`, `docker compose pull`), changes
directory in a way its text does not tell (`cd "$DIR"`, `pushd`), or checks the repository out
elsewhere (`actions/checkout` with `path:`) is marked unknown: what it has cannot be told.
The workflows are those of the checkout around the project (`workflows_folder`): GitHub reads
`.github/workflows` at the repository's top only, and mealie or paperless-ngx keep their
compose files in `docker/`.
"""

from __future__ import annotations

import functools
import os
import posixpath
import shlex
from collections.abc import Iterable, Iterator, Set
from pathlib import Path

from doctor.lean_imports import glob_patterns
from doctor.model import Location, record
from doctor.regular import read_text

# the globs read in every run, compiled from the regex table (doctor.lean_imports.glob_patterns)
_GLOBS = glob_patterns("*.yml", "*.yaml")

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
    """One `docker compose up|run|create|build` step: the services it names (none: every service),
    the folder it runs in (relative to the checkout's top, `.` for the top itself) and the
    compose files its `-f` options name (relative to that folder; none: compose's own lookup)."""

    location: Location
    verb: str
    services: tuple[str, ...] = ()
    directory: str = "."
    files: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()  # its `--profile` options
    options: tuple[str, ...] = ()  # the verb's own options as written (`--build`, `-d`, `--no-deps`)


@record
class CiJob:
    """One workflow job: the image tags its steps build (`built_lines[i]`: the workflow line that
    builds `built[i]`), and its compose starts."""

    path: Path
    name: str
    built: tuple[str, ...] = ()
    starts: tuple[ComposeStart, ...] = ()
    unknown: bool = False
    built_lines: tuple[int, ...] = ()

    @property
    def checkout(self) -> Path:
        """The folder the job's steps start in: the top of the checkout holding `.github/workflows`."""
        return self.path.parent.parent.parent


def workflows_folder(root: Path, reached: Iterable[Path] = ()) -> Path | None:
    """The `.github/workflows` folder whose jobs build and test the project at `root`: the nearest
    one from `root` up to the top of the git checkout holding it (GitHub reads the top's; mealie
    and paperless-ngx keep their compose files in docker/), never above the folder holding `.git`.
    Outside git, up to the highest folder of `reached` around `root` (a build `context: ..`)."""
    from doctor.project.gitrepo import find_repo

    repo = find_repo(root)
    if repo is not None:
        real = root.resolve()
        depth = len(real.relative_to(repo.top).parts) if real.is_relative_to(repo.top) else 0
    else:
        around = [Path(os.path.normpath(r)) for r in reached]
        depth = max((len(root.relative_to(r).parts) for r in around if root.is_relative_to(r)), default=0)
    for folder in (root, *root.parents)[:depth + 1]:
        if (folder / ".github" / "workflows").is_dir():
            return folder / ".github" / "workflows"
    return None


def ci_jobs(root: Path, interpolated: set[str], reached: Iterable[Path] = ()) -> list[CiJob]:
    """The jobs of the workflows of the checkout around `root` (`workflows_folder`) that start
    compose services; a job whose `env:` (or its workflow's) sets a variable the compose files
    interpolate is left out."""
    folder = workflows_folder(root, reached)
    if folder is None:
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
        default = default_directory(doc, ".")
        for name, job in jobs.items():
            if isinstance(job, YMap) and not _sets(job, interpolated):
                read = _job(path, str(name), job, lines, interpolated, default)
                if read.starts:
                    found.append(read)
    return found


def default_directory(node: object, inherited: str | None) -> str | None:
    """The `defaults.run.working-directory` of a workflow or job (else `inherited`), relative to
    the checkout's top (`.` for the top); None when the text does not tell (an expression)."""
    from doctor.project.yamlload import YMap

    defaults = node.get("defaults") if isinstance(node, YMap) else None
    run = defaults.get("run") if isinstance(defaults, YMap) else None
    if not isinstance(run, YMap) or "working-directory" not in run:
        return inherited
    return _joined(".", run.get("working-directory"))


def _joined(directory: str | None, value: object) -> str | None:
    """`directory` then `value` (a `working-directory:` or `cd` operand), relative to the checkout's
    top; None for what the text does not tell (`$DIR`, `${{ ... }}`, `~`, an absolute path)."""
    if directory is None or not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.startswith(("/", "~", "-")) or any(c in value for c in "$`*?"):
        return None
    return posixpath.normpath(posixpath.join(directory, value))


def _sets(node: object, names: Set[str]) -> bool:
    from doctor.project.yamlload import YMap

    env = node.get("env") if isinstance(node, YMap) else None
    return isinstance(env, YMap) and any(str(k) in names or str(k) == "COMPOSE_FILE" for k in env)


def _job(path: Path, name: str, job: object, lines: list[str], interpolated: Set[str],
         default: str | None) -> CiJob:
    from doctor.project.yamlload import YList, YMap

    built: list[tuple[str, int]] = []
    starts: list[ComposeStart] = []
    default = default_directory(job, default)
    unknown = default is None
    steps = job.get("steps") if isinstance(job, YMap) else None
    for step in steps if isinstance(steps, YList) else ():
        if not isinstance(step, YMap):
            continue
        unknown |= _sets(step, interpolated)
        uses, run, where, given = step.get("uses"), step.get("run"), step.loc_of("run"), step.get("with")
        if isinstance(uses, str) and uses.startswith("docker/build-push-action"):
            tags = given.get("tags") if isinstance(given, YMap) else None
            text = "\n".join(map(str, tags)) if isinstance(tags, list) else str(tags or "")
            at = (given.loc_of("tags") if isinstance(given, YMap) else None) or step.loc_of("uses")
            line = (at.line or 0) if at is not None else 0
            built += [(t.strip(), line) for t in text.replace(",", "\n").splitlines() if t.strip()]
        elif isinstance(uses, str) and uses.startswith(("docker/bake-action", "docker/load")):
            unknown = True
        elif isinstance(uses, str) and uses.startswith("actions/checkout") and isinstance(given, YMap) \
                and "path" in given:
            unknown = True  # the repository is not at the workspace's top: the folders are not the ones read
        if not isinstance(run, str) or where is None:
            continue
        directory = _joined(".", step.get("working-directory")) if "working-directory" in step else default
        block = where.line is not None and 0 < where.line <= len(lines) and \
            lines[where.line - 1].rstrip().endswith(("|", ">", "|-", ">-"))
        for offset, words in _commands(run):
            line = (where.line or 0) + (offset + 1 if block else 0)
            kind, value, _ = _docker(words)
            if kind == "build":
                built += [(tag, line) for tag in value]
            elif kind == "cd":
                directory = _joined(directory, value[0])
            elif kind == "start" and directory is not None:
                start = compose_start(words, Location(path, line), directory)
                if start is not None:
                    starts.append(start)
            unknown |= kind == "unknown" or (kind == "start" and directory is None)
    return CiJob(path, name, tuple(t for t, _ in built), tuple(starts), unknown, tuple(n for _, n in built))


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


def compose_start(words: list[str], location: Location, directory: str = ".") -> ComposeStart | None:
    """The compose start one simple command is (`docker compose -f x --profile p up -d web`, or
    `docker-compose ...`), read as a workflow step's is; None for any other command."""
    kind, value, files = _docker(words)
    if kind != "start":
        return None
    args = words[1:] if words[0] == "docker-compose" else words[2:]
    profiles: list[str] = []
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if flag.startswith("--profile="):
            profiles.append(flag.split("=", 1)[1])
        elif flag in ("-f", "--file", *_COMPOSE_VALUE_FLAGS) and args:
            taken = args.pop(0)
            if flag == "--profile":
                profiles.append(taken)
    options = []
    rest = iter(args[1:])
    for word in rest:
        if not word.startswith("-"):
            if args[0] == "run":
                break  # the service, then the command run in it
            continue
        options.append(word)
        if word in _START_VALUE_FLAGS:
            next(rest, None)
    return ComposeStart(location, value[0], tuple(value[1:]), directory, files, tuple(profiles), tuple(options))


def _docker(words: list[str]) -> tuple[str, list[str], tuple[str, ...]]:
    """("build", tags) | ("start", [verb, *services]) with its `-f` files | ("cd", [folder]) |
    ("unknown", []) | ("", []) for one command."""
    if words[:1] == ["cd"]:
        return ("cd", words[1:2], ()) if len(words) == 2 else ("unknown", [], ())
    if words[:1] in (["pushd"], ["popd"]):
        return "unknown", [], ()
    if words[:1] == ["docker-compose"]:
        words = ["docker", "compose", *words[1:]]
    if words[:1] != ["docker"] or len(words) < 2:
        return "", [], ()
    rest = words[1:]
    if rest[0] in ("load", "pull", "import") or rest[:2] == ["image", "load"]:
        return "unknown", [], ()
    if rest[0] == "build" or rest[:2] in (["buildx", "build"], ["image", "build"]):
        return "build", _tags(rest), ()
    if rest[0] != "compose":
        return "", [], ()
    args, files = rest[1:], []
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if flag.startswith("--file="):
            files.append(flag.split("=", 1)[1])
        elif flag in ("-f", "--file") and args:
            files.append(args.pop(0))
        elif flag in _COMPOSE_VALUE_FLAGS and args:
            args.pop(0)
    if not args:
        return "", [], ()
    if args[0] in ("pull", "load") or any(c in f for f in files for c in "$`"):
        return "unknown", [], ()
    if args[0] not in _STARTS:
        return "", [], ()
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
    return "start", [verb, *names], tuple(files)


def _tags(words: list[str]) -> list[str]:
    tags = []
    for index, word in enumerate(words):
        if word in ("-t", "--tag") and index + 1 < len(words):
            tags.append(words[index + 1])
        elif word.startswith("--tag="):
            tags.append(word.split("=", 1)[1])
    return tags
