"""Where a command belongs, and `doctor exec -- CMD`: run it there.

Which service a command belongs to is project knowledge (doctor.project.service_home: the
image's manifests, how the code reaches the container, and `belongs_in`, the rule
host-vs-container reports with); `execute` runs a command in that service (`docker compose
exec -w <mapped cwd> SERVICE CMD`, its host path arguments mapped into the container, or `run
--rm` when it is not up), or here (the host, or the container doctor runs in) when nothing
belongs elsewhere. Inside a container that is not the service (a devcontainer, a CI job)
the choice is the host's, as preflight's; inside the service itself commands run here.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO, cast

from doctor.exec_notes import image_lacks_tool, rebuilds, run_mounts, unrunnable, verb_at, why_there
from doctor.host import Host
from doctor.project import Project
from doctor.project.command_home import belongs_in, compose_argv, home_for, mapped_words, runner_started, tool_language
from doctor.project.command_roles import PackageScripts, serves
from doctor.project.hostscripts import docker_driver
from doctor.project.make_targets import MakePlan, RecipeLine
from doctor.project.service_entrypoint import program_entrypoint
from doctor.project.service_home import ServiceHome, service_homes
from doctor.project.toolchains import app_home, foreign_home, script_interpreter, task_env

__all__ = ["ServiceHome", "compose_argv", "execute", "home_for", "is_running", "placement", "service_homes"]


def is_running(project: Project, host: Host, service: str) -> bool | None:
    """Whether a container of the service is up (None when the engine cannot tell)."""
    from doctor.host.containers import service_running

    return service_running(host.engine, project.compose.project_name, service)


def placement(argv: Sequence[str], cwd: Path, project: Project, host: Host) -> tuple[ServiceHome | None, str | None]:
    """(the service `argv` run in `cwd` belongs in, or None to run it here; the service doctor runs in).

    The choice host-vs-container makes for the same command in a Makefile (`belongs_in`); a shell
    (`sh`, `bash`) given no script opens in the app's container, the service whose start runs its
    image's runtime (symfony-docker's 'php', docker-rails-example's 'web', not its asset watcher 'js';
    toolchains.app_home), else goes to the service whose code holds `cwd`, and so does another program of no
    known language that this machine lacks; one it has (`echo`, `ls`, `git`, a standalone linter)
    runs here: drb's `doctor exec -- echo hello` built the frontend image to echo in it. A project
    script whose own text runs docker or compose (DefectDojo's `run-unittest.sh`, docker-flask-example's
    `./run`) runs here too: the service has no engine to drive.
    """
    homes, here = _homes(project, host)
    words = _command_words(argv)
    if not words:
        return None, here
    tool, arguments = words[0], words[1:]
    if docker_driver(tool, arguments, cwd) is not None:
        return None, here  # it runs `docker compose ...` itself: the engine is reached from here
    home = belongs_in(tool, arguments, cwd, homes, project.root, services=project.services) if homes else None
    if home is None and tool_language(tool, homes) is None and (
            posixpath.basename(tool) in SHELLS or not _here(tool, project)):
        # not a home of console scripts alone, nor a production image for a runner's `poetry run ...`
        runner = runner_started(words) != tuple(words)
        home = home_for([h for h in homes if h.lacks_packages and not (runner and h.production)], cwd)
        # a program of another runtime (docker-phoenix-example's `mix test`) goes to an image of it: not 'js'
        home = foreign_home(project, tool, cwd, home, here)
        if posixpath.basename(tool) in SHELLS and all(a.startswith("-") and a != "-c" for a in arguments):
            home = app_home(project, cwd, home, here)  # a shell of no script: the app's (symfony-docker's 'php')
    return home, here


def _homes(project: Project, host: Host) -> tuple[tuple[ServiceHome, ...], str | None]:
    """The services commands may belong in, and the service doctor runs in (never one of them)."""
    here = None
    if host.context.in_container:
        from doctor.host.containers import own_service

        here = own_service(host.engine, host.context, project)
    return tuple(h for h in service_homes(project, host.packages) if h.service != here), here


# a shell run in a service's folder stands for the project's commands: it goes where that code is
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})


def _here(tool: str, project: Project) -> bool:
    """Whether `tool` is a program on this machine's PATH: of no known language, it needs nothing of
    the project's packages (bakerydemo's `ruff check .` went to 'app', whose image has no ruff) and
    runs here. A path (`./manage.py`, `scripts/test.sh`) is the project's own: where its code is."""
    return "/" not in tool and shutil.which(tool, path=project.options.env.get("PATH")) is not None


def execute(argv: Sequence[str], project: Project, host: Host) -> int:
    """Run `argv` where it belongs and return its exit code; say on stderr where it ran.

    What doctor itself says on stderr passes one border, the project's redactor: those lines quote
    recipe lines, make's `NAME=value` words and entrypoint commands (`mysql -uroot -pHq4Wz8Nm2Rt6`,
    `make test DB_PASSWORD=...`). The command's own output is its own: its process writes to the
    terminal doctor was given, never through doctor."""
    from doctor.app import redactor_for

    with _redacted_stderr(lambda text: redactor_for(project).text(text)):
        return _execute(argv, project, host)


class _RedactedStderr:
    """sys.stderr for doctor's own lines: each write masked, all else (isatty, fileno, flush) the stream's."""

    def __init__(self, stream: TextIO, mask: Callable[[str], str]) -> None:
        self._stream, self._mask = stream, mask

    def write(self, text: str) -> int:
        return self._stream.write(self._mask(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _redacted_stderr(mask: Callable[[str], str]) -> Iterator[None]:
    stream = sys.stderr
    sys.stderr = cast("TextIO", _RedactedStderr(stream, mask))
    try:
        yield
    finally:
        sys.stderr = stream


def _execute(argv: Sequence[str], project: Project, host: Host) -> int:
    if not argv:
        print("doctor exec: no command given (usage: doctor exec -- CMD ...)", file=sys.stderr)
        return 2
    cwd = Path.cwd()
    words = _command_words(argv)
    if words and posixpath.basename(words[0]) in ("make", "gmake"):
        code = _make(words, cwd, project, host)
        if code is not None:
            return code
    home, here = placement(argv, cwd, project, host)
    context = host.context
    if home is None:
        if here is not None:
            where = f"here, in service {here!r} (the container doctor runs in)"
        elif context.in_container:
            where = f"here, in this {context.runtime.value}"
        else:
            where = "on the host"
        words = _command_words(argv)
        if words and docker_driver(words[0], words[1:], cwd) is not None:
            where += " (it runs docker itself)"
        env = None
        venv = _inactive_venv(host, cwd)
        if venv is not None:
            where += (f", with {project.shown(venv)} (not activated: doctor puts its bin/ first on PATH, "
                      "as `activate` does)")
            env = _activated(project.options.env, venv)
        print(f"doctor: running {argv[0]!r} {where}", file=sys.stderr)
        for note in unrunnable(project, words, cwd) if here is None else ():  # spring-postgres: maven in `builder`
            print(f"doctor: note: {note}", file=sys.stderr)  # only, image-text's `make test` go in `build-env` only
        return _run(list(argv), env)
    return _in_service(argv, cwd, home, project, host)


def _inactive_venv(host: Host, cwd: Path) -> Path | None:
    """The project virtualenv placement judged the host's Python by, where the shell has not activated it.

    Its packages are why the command stays here (django-on-docker's app/.venv has Django; the one
    `poetry install` made in Poetry's cache); run with the PATH as it is, `python manage.py test`
    starts PATH's python, which lacks them. The one of the project folder holding `cwd` (the
    deepest), else the only one.
    """
    venvs = host.packages.inactive_virtualenvs()
    here = cwd.resolve()
    holding = [(v, f.resolve()) for v, f in venvs if f.resolve() == here or f.resolve() in here.parents]
    if holding:
        return max(holding, key=lambda pair: len(pair[1].parts))[0]
    return venvs[0][0] if len(venvs) == 1 else None


def _activated(env: Mapping[str, str], venv: Path) -> dict[str, str]:
    """`env` as `source VENV/bin/activate` leaves it: VIRTUAL_ENV set, its bin/ first on PATH, no PYTHONHOME."""
    path = env.get("PATH", "")
    activated = {k: v for k, v in env.items() if k != "PYTHONHOME"}
    activated["VIRTUAL_ENV"] = str(venv)
    activated["PATH"] = f"{venv / 'bin'}{os.pathsep}{path}" if path else str(venv / "bin")
    return activated


def _in_service(argv: Sequence[str], cwd: Path, home: ServiceHome, project: Project, host: Host) -> int:
    """Run `argv` (typed in `cwd`) in the service and return its exit code."""
    from doctor.project.image_installs import start_install_mode

    # allegro/ralph: what the service runs at start installs its packages, which `run --entrypoint ''`
    # skips: the command runs in the container `up -d` starts (preflight's advice)
    up_first = start_install_mode(project, home) == "up"
    running = is_running(project, host, home.service) if home.live or up_first else False
    verb = "run" if running is False and not up_first else "exec"
    from doctor.host.compose_cache import compose_cli

    cli = compose_cli(project.options.env)  # `docker compose`, or `docker-compose` where that is the only one
    program = shutil.which(cli[0], path=project.options.env.get("PATH"))
    if program is None:
        print(f"doctor exec: {argv[0]!r} belongs in service {home.service!r}, but the docker CLI is not on PATH",
              file=sys.stderr)
        return 127
    words = _command_words(argv)
    # what preflight's `run` mounts: nestjs-prisma-starter's test/, which .dockerignore keeps out of the image
    home, kept, hidden, mounted = run_mounts(project, home, cwd, words)
    if (kept or hidden) and not up_first:
        verb = "run"  # only a `run` container takes them as volumes
    mounts = [f"{host}:{inside}" for host, inside in kept] + hidden
    full = compose_argv(project, verb, home, cwd, mapped_words(argv, cwd, home), sys.stdin.isatty(), cli=cli,
                        mounts=mounts)
    service = project.services.get(home.service)
    if verb == "run" and service is not None and service.ports and serves(
            words, PackageScripts(project.commands, project.root), cwd):
        full.insert(verb_at(full) + 1, "--service-ports")  # a server the host must reach, as preflight advises
    from doctor.exec_wipe import DECLINED, past_wipe

    # django-on-docker: what `run` (or the `up` first) starts before the command flushes the database
    checked = past_wipe(full, verb_at(full) if verb == "run" else None, up_first and running is False, project, home)
    if checked is None:
        return DECLINED
    full = checked
    pinned = task_env(project, home.service, words)
    if pinned is not None:  # docker-phoenix-example's `mix test` under .env's MIX_ENV=dev: as its ./run test does
        at = verb_at(full) + 1 if verb == "run" else full.index("exec") + 1
        full[at:at] = ["-e", f"{pinned[0]}={pinned[1]}"]
    # a program of no known language goes where the code of this folder is: say that, not the packages
    why = why_there(home, project, tuple(words), cwd) if words and tool_language(words[0], (home,)) is not None else (
        f"its code is in {home.service!r}" + _lacked(words[0], cwd, project))
    with_env = "" if pinned is None else f" with {pinned[0]}={pinned[1]}: {pinned[2]}"
    print(f"doctor: running {argv[0]!r} in service {home.service!r} ({verb}; {why}){with_env}", file=sys.stderr)
    if mounted and verb == "run":
        print(f"doctor: note: {mounted}", file=sys.stderr)
    if verb == "run" or (up_first and running is False):  # openedx/devstack: compose pulled in silence
        from doctor.run_images import image_note

        note = image_note(project, host, home.service, rebuilds(verb, full, home))
        if note:
            print(f"doctor: note: {note}", file=sys.stderr)
    lacking = image_lacks_tool(project, home, words)
    if lacking:  # bakerydemo's pytest: preflight says so too; the run then ends in "not found"
        said, todo = lacking
        print(f"doctor: note: {said}: {todo} and rebuild (`docker compose build {home.service}`)", file=sys.stderr)
    if up_first and running is False:
        print(f"doctor: starting {home.service!r} first (`docker compose up -d {home.service}`): what it runs at "
              "start installs the packages the command needs, which a `run` would skip", file=sys.stderr)
        code = _run([program, *compose_argv_up(project, home.service, cli)[1:]], dict(project.options.env))
        if code:
            return code
    return _run([program, *full[1:]], dict(project.options.env))


def _lacked(tool: str, cwd: Path, project: Project) -> str:
    """What this machine lacks to run `tool`: the program, or the interpreter a project script's `#!`
    names (symfony-docker's `bin/console`: `#!/usr/bin/env php`); "" where it has it."""
    path = project.options.env.get("PATH")
    if not shutil.which(tool, path=path):
        return f", and this machine has no {tool!r} on PATH"
    interpreter = script_interpreter(cwd / tool) if "/" in tool else None
    if interpreter and not shutil.which(interpreter, path=path):
        return f", and this machine has no {interpreter!r}, which its #! line runs"
    return ""


def _make(words: Sequence[str], cwd: Path, project: Project, host: Host) -> int | None:
    """`make TARGET` whose recipe preflight puts in a service: its recipe lines run there, one after
    another as make runs them (djangoproject.com's `make test`: `python -m coverage run ...` in 'web');
    where its lines belong in different places, or make is given an option doctor does not follow
    (`-j2`), preflight's advice is printed and nothing runs. A `NAME=value` of make's command line
    is written into the recipe as make expands it (not also exported into the service's
    environment, as make exports it to the recipe's). None: make runs here (no line belongs in a
    service, or no Makefile doctor reads)."""
    from doctor.project.make_targets import make_plan

    homes, _ = _homes(project, host)
    plan = make_plan(project, homes, words[1:], cwd)  # no Python or Node home: a Ruby or Go line may have one
    if plan is None or not plan.services:
        return None
    shown = " ".join(words)
    home = plan.one_service
    if home is not None and plan.unsupported is None:
        twin = _twin_target(words, plan, home, project)
        if twin is not None:  # what preflight advises first: the project's own target for it
            name, at = twin
            print(f"doctor: {shown!r}: its recipe belongs in service {home.service!r}; the project's own target "
                  f"for it, {name!r} ({at}), runs it there: running `make {name}` here", file=sys.stderr)
            given = [w for w in words[1:] if _assignment(w)]  # `make test ARG=x`: its values too
            argv = [words[0], "--no-print-directory", "-C", str(plan.makefile.parent), name, *given]
            return _run(argv, dict(project.options.env))
        print(f"doctor: {shown!r}: its recipe belongs in service {home.service!r} (as preflight says): running "
              "each line there", file=sys.stderr)
        for line in plan.lines:
            if line.home is None:
                continue  # `echo ...`: nothing of the project's
            argv, where = _line_words(line, plan.makefile.parent)
            code = _in_service(argv, where, line.home, project, host)
            if code:
                return code
        return 0
    why = f"make is given {plan.unsupported!r}, which doctor does not follow" if plan.unsupported else (
        "its lines belong in different places")
    print(f"doctor: {shown!r} runs commands preflight puts in a service ({why}); make here would run them "
          "without their packages. Run them where they belong:", file=sys.stderr)
    for line in plan.lines:
        at = f"{project.shown(plan.makefile)}:{line.line}"
        if line.home is not None:
            argv, folder = _line_words(line, plan.makefile.parent)
            from doctor.project.image_installs import start_install_mode

            up = start_install_mode(project, line.home) == "up"  # ralph: its entrypoint installs the packages
            full = compose_argv(project, "exec" if up else "run", line.home, folder,
                                mapped_words(argv, folder, line.home), True)
            at_verb = full.index("exec") if up else verb_at(full)
            shown = shlex.join(['docker', 'compose', *full[at_verb:]])
            shown = f"docker compose up -d {line.home.service} && {shown}" if up else shown
            print(f"  {at}: {shown}", file=sys.stderr)
        elif line.partly:  # `python -m manage check && git status`: split it by hand
            print(f"  {at}: {line.text} (a part of it belongs in {line.partly!r})", file=sys.stderr)
        elif line.here:
            print(f"  {at}: here: {line.text}", file=sys.stderr)
    return 1


def _assignment(word: str) -> bool:
    """Whether a word of make's command line sets a variable (`ARG=x`), not a goal."""
    name, equals, _ = word.partition("=")
    return bool(equals and name) and not name[0].isdigit() and name.replace("_", "").replace(".", "").isalnum()


def _twin_target(words: Sequence[str], plan: MakePlan, home: ServiceHome, project: Project) -> tuple[str, str] | None:
    """(name, file:line) of the Makefile target that runs `make GOAL`'s recipe in its service
    (task_twins: django-react-boilerplate's `docker_test` of `test`), where preflight advises it: one
    goal, the service's start wipes no data and installs nothing a `run` would skip, its image has the
    command's tool; None where the recipe runs as before."""
    goals = [w for w in words[1:] if not w.startswith("-") and not _assignment(w)]
    if len(goals) != 1 or any(line.target != goals[0] for line in plan.lines):
        return None  # a prerequisite's recipe too (kitsune's `.docker-build`): the twin would not run it
    from doctor.project.entrypoint_wipes import entrypoint_wipe
    from doctor.project.image_installs import start_install_mode
    from doctor.project.task_twins import twin_of

    own = [c for c in project.commands if c.location.path == plan.makefile and c.name == goals[0] and not c.implied]
    if not own or start_install_mode(project, home) == "up" or entrypoint_wipe(project, home.service) is not None \
            or program_entrypoint(project, home.service):
        return None
    if any(image_lacks_tool(project, home, _command_words(c.text.split())) for c in own):
        return None
    twin = twin_of(project, own[0], home)
    if twin is None or twin.invocation[0] != "make" or twin.location.path != plan.makefile:
        return None
    return twin.invocation[-1], f"{project.shown(twin.location.path)}:{twin.location.line}"


def _line_words(line: RecipeLine, folder: Path) -> tuple[list[str], Path]:
    """The words to run for a recipe line, and where: its one command as preflight advises it (in the
    folder a leading `cd` moved to), else the whole line through `sh -c` in the Makefile's folder."""
    if len(line.commands) == 1:
        command = line.commands[0]
        try:
            return shlex.split(command.text), command.cwd
        except ValueError:
            return command.text.split(), command.cwd
    return ["sh", "-c", line.text], folder


def _command_words(argv: Sequence[str]) -> list[str]:
    """The program and its arguments, after `VAR=value` assignments and wrappers (`env`, `time`)."""
    from doctor.project.tasks import WRAPPERS

    words = list(argv)
    while words and (("=" in words[0] and not words[0].startswith(("-", "/", "."))) or words[0] in WRAPPERS
                     or (words[0].startswith("-") and len(words) < len(argv))):
        words = words[1:]
    return words


def compose_argv_up(project: Project, service: str, cli: Sequence[str]) -> list[str]:
    """`docker compose [-f ...] up -d SERVICE` for this project."""
    from doctor.project.command_home import compose_cli as project_cli

    return [*project_cli(project, cli=cli), "up", "-d", service]


def _run(argv: list[str], env: dict[str, str] | None) -> int:
    try:
        code = subprocess.run(argv, env=env).returncode
    except FileNotFoundError:
        print(f"doctor exec: {argv[0]!r} not found", file=sys.stderr)
        return 127
    except KeyboardInterrupt:
        return 130
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention
