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
from doctor.project.reading import exists, glob
from doctor.regular import read_text, text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from doctor.project.compose_line import ComposeCommand
    from doctor.project.gitrepo import GitRepo

    Checkout = Callable[[], GitRepo | None]

# the globs read in every run, compiled from the regex table (doctor.lean_imports.glob_patterns)
_GLOBS = glob_patterns("*.yml", "*.yaml")

_SEPARATORS = ("&&", "||", ";", "|")
_STARTS = frozenset(("up", "run", "create", "build"))
# builders that are not docker's: kaniko's executor, buildah, podman, BuildKit's own client
_OTHER_BUILDERS = frozenset(("executor", "buildah", "podman", "buildctl"))


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
    """One workflow (or GitLab pipeline) job: the image tags its steps build (`built_at[i]`: the file
    and line that builds `built[i]`), and its compose starts."""

    path: Path
    name: str
    built: tuple[str, ...] = ()
    starts: tuple[ComposeStart, ...] = ()
    unknown: bool = False
    built_at: tuple[Location, ...] = ()
    top: Path | None = None  # the folder its script starts in when not the workflows' checkout (GitLab's)

    @property
    def checkout(self) -> Path:
        """The folder the job's steps start in: the top of the checkout holding `.github/workflows`
        (a GitLab job's: the repository's top, `$CI_PROJECT_DIR`)."""
        return self.top if self.top is not None else self.path.parent.parent.parent


def workflows_folder(root: Path, reached: Iterable[Path] = (), checkout: Checkout | None = None) -> Path | None:
    """The `.github/workflows` folder whose jobs build and test the project at `root`: the nearest
    one from `root` up to the top of the git checkout holding it (GitHub reads the top's; mealie
    and paperless-ngx keep their compose files in docker/), never above the folder holding `.git`.
    Outside git, up to the highest folder of `reached` around `root` (a build `context: ..`).
    `checkout`: the checkout around `root`, where the caller knows it (Project.repo)."""
    folder = ci_home(root, ".github/workflows", reached, checkout=checkout)
    return folder / ".github" / "workflows" if folder is not None else None


def ci_home(root: Path, relative: str, reached: Iterable[Path] = (), nearest: bool = True,
            checkout: Checkout | None = None) -> Path | None:
    """The nearest folder from `root` up to its git checkout's top (outside git: the highest folder of
    `reached` around `root`) that holds `relative` (`.github/workflows`); with `nearest` false the
    highest (GitLab reads the `.gitlab-ci.yml` at the repository's top only). `checkout`: the git
    checkout around `root` where the caller knows it (Project.repo: looked up once per run), else
    it is looked up here."""
    if checkout is not None:
        repo = checkout()
    else:
        from doctor.project.gitrepo import find_repo

        repo = find_repo(root)
    if repo is not None:
        real = root.resolve()
        depth = len(real.relative_to(repo.top).parts) if real.is_relative_to(repo.top) else 0
    else:
        around = [Path(os.path.normpath(r)) for r in reached]
        depth = max((len(root.relative_to(r).parts) for r in around if root.is_relative_to(r)), default=0)
    folders = (root, *root.parents)[:depth + 1]
    for folder in folders if nearest else reversed(folders):
        if exists(folder / relative):  # a folder this user may not enter is there (its jobs unread)
            return folder
    return None


def ci_jobs(root: Path, interpolated: set[str], reached: Iterable[Path] = (),
            checkout: Checkout | None = None) -> list[CiJob]:
    """The jobs of the workflows of the checkout around `root` (`workflows_folder`) that start
    compose services; a job whose `env:` (or its workflow's) sets a variable the compose files
    interpolate is left out."""
    folder = workflows_folder(root, reached, checkout)
    if folder is None:
        return []
    from doctor.project.memo import remember

    found: list[CiJob] = []
    names = tuple(sorted(interpolated))
    for path in sorted([*glob(folder, "*.yml"), *glob(folder, "*.yaml")]):
        # remembered: a warm run reads no YAML for an unchanged workflow
        found += remember("ci-jobs", (path,), names, functools.partial(_workflow_jobs, path, frozenset(names)))
    return found


def _workflow_jobs(path: Path, interpolated: frozenset[str]) -> list[CiJob]:
    from doctor.project.yamlload import YamlError, YMap, load_documents

    try:
        docs, _ = load_documents(path)
        lines = text_lines(read_text(path))
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

    built: list[tuple[str, Location]] = []
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
            built += [(t.strip(), Location(path, line)) for t in text.replace(",", "\n").splitlines() if t.strip()]
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
        directory, lost = read_script(run, Location(path, where.line), block, directory, built, starts)
        unknown |= lost
    return CiJob(path, name, tuple(t for t, _ in built), tuple(starts), unknown, tuple(n for _, n in built))


def read_script(script: str, where: Location, block: bool, directory: str | None, built: list[tuple[str, Location]],
                starts: list[ComposeStart], tops: tuple[str, ...] = ()) -> tuple[str | None, bool]:
    """Read a shell script written at `where` (`block`: a `|` or `>` block, its lines from the next one) in a
    job: add the tags it builds to `built` and
    its compose starts to `starts`; the folder it leaves the job in (`cd`), and whether it does what the
    text does not tell (a `docker load`, `cd "$DIR"`, a kaniko build). `tops`: the variables naming the
    checkout's top (GitLab's `$CI_PROJECT_DIR`), which a `cd` may start from."""
    unknown = False
    for offset, words in _commands(script):
        at = Location(where.path, (where.line or 0) + (offset + 1 if block else 0))
        kind, value, _ = _docker(words)
        if kind == "build":
            built += [(tag, at) for tag in value]
        elif kind == "cd":
            rest = _from_top(value[0], tops)
            directory = _joined(".", rest) if rest else _joined(directory, value[0])
        elif kind == "start" and directory is not None:
            start = compose_start(words, at, directory)
            if start is not None:
                starts.append(start)
        unknown |= kind == "unknown" or (kind == "start" and directory is None)
    return directory, unknown


def _from_top(folder: str, tops: tuple[str, ...]) -> str:
    """`folder` relative to the checkout's top when it starts with one of `tops` (`$CI_PROJECT_DIR/docker`:
    `./docker`), else empty."""
    for top in tops:
        for spelled in (f"${top}", f"${{{top}}}"):
            rest = folder[len(spelled):]
            if folder.startswith(spelled) and (not rest or rest.startswith("/")):
                return "." + rest
    return ""


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
    command = _compose(words)
    if command is None:
        return None
    kind, value, files = _compose_kind(command)
    if kind != "start":
        return None
    written = tuple(dict.fromkeys((o.at, o.word) for o in command.options))  # `-dV` once, though two options
    return ComposeStart(location, value[0], tuple(value[1:]), directory, files, command.values("--profile"),
                        tuple(word for _, word in written))


def _compose(words: list[str]) -> ComposeCommand | None:
    """The compose command of `words` when they start with `docker compose` or `docker-compose` (a step's
    `sudo` or `FOO=1` before it was never read as one: a variable may choose other files)."""
    from doctor.project.compose_line import compose_command

    return compose_command(words) if words[:1] in (["docker"], ["docker-compose"]) else None


def _compose_kind(command: ComposeCommand) -> tuple[str, list[str], tuple[str, ...]]:
    """_docker's answer for a compose command: a start with its verb (`up --no-build`), services and files."""
    files = command.values("--file")
    if not command.command:
        return "", [], ()
    if command.command in ("pull", "load") or any(c in f for f in files for c in "$`"):
        return "unknown", [], ()
    # another project directory is another folder than the one the step runs in, which ComposeStart names
    if command.command not in _STARTS or command.value("--project-directory") is not None:
        return "", [], ()
    verb = f"{command.command} --no-build" if command.flag("--no-build") else command.command
    return "start", [verb, *command.services], files


def _docker(words: list[str]) -> tuple[str, list[str], tuple[str, ...]]:
    """("build", tags) | ("start", [verb, *services]) with its `-f` files | ("cd", [folder]) |
    ("unknown", []) | ("", []) for one command."""
    if words and posixpath.basename(words[0]) in _OTHER_BUILDERS:
        return "unknown", [], ()  # its images go to a registry or its own store: what docker has is not told
    if words[:1] == ["cd"]:
        return ("cd", words[1:2], ()) if len(words) == 2 else ("unknown", [], ())
    if words[:1] in (["pushd"], ["popd"]):
        return "unknown", [], ()
    command = _compose(words)
    if command is not None:
        return _compose_kind(command)
    if words[:1] != ["docker"] or len(words) < 2:
        return "", [], ()
    rest = words[1:]
    # a bake builds the targets of a bake file (docker-bake.hcl, compose files), tagged there: not read
    if rest[0] in ("load", "pull", "import", "bake") or rest[:2] in (["image", "load"], ["buildx", "bake"]):
        return "unknown", [], ()
    if rest[0] == "build" or rest[:2] in (["buildx", "build"], ["image", "build"]):
        return "build", _tags(rest), ()
    # `docker tag app:ci app:latest` gives the engine the second name (GitLab jobs tag a build so)
    tagged = rest[1:] if rest[0] == "tag" else rest[2:] if rest[:2] == ["image", "tag"] else []
    if len(tagged) == 2:
        return "build", tagged[1:], ()
    return "", [], ()


def _tags(words: list[str]) -> list[str]:
    tags = []
    for index, word in enumerate(words):
        if word in ("-t", "--tag") and index + 1 < len(words):
            tags.append(words[index + 1])
        elif word.startswith("--tag="):
            tags.append(word.split("=", 1)[1])
    return tags
