"""Where a command belongs, and `doctor exec -- CMD`: run it there.

Which service a command belongs to is project knowledge (doctor.project.service_home: the
image's manifests, how the code reaches the container, and `belongs_in`, the rule
host-vs-container reports with); `execute` runs a command in that service (`docker compose
exec -w <mapped cwd> SERVICE CMD`, its host path arguments mapped into the container, or `run
--rm` when it is not up), or here (the host, or the container doctor runs in) when nothing
belongs elsewhere. Inside a container that is not the service (a devcontainer, a CI job)
the choice is the host's, as preflight's; inside the service itself commands run here.
`make TARGET` is doctor.exec_make's, the virtualenv activated for a command run here doctor.exec_venv's.
"""

from __future__ import annotations

import posixpath
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from doctor.exec_notes import image_lacks_tool, rebuilds, run_mounts, unrunnable, verb_at, why_there
from doctor.host import Host
from doctor.project import Project
from doctor.project.command_home import belongs_in, compose_argv, home_for, mapped_words, runner_started, tool_language
from doctor.project.hostscripts import docker_driver
from doctor.project.service_home import ServiceHome, service_homes
from doctor.project.toolchains import app_home, foreign_home, node_image_home, script_interpreter, task_env

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
    homes, here = homes_and_here(project, host)
    words = command_words(argv)
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
    if home is None and not _here(tool, project):  # joanie's `yarn dev` where this machine has no yarn: 'admin-dev'
        home = node_image_home(project, tool, cwd, here)
    return home, here


def homes_and_here(project: Project, host: Host) -> tuple[tuple[ServiceHome, ...], str | None]:
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
    from doctor.redacted_stderr import redacted_stderr

    with redacted_stderr(lambda text: redactor_for(project).text(text)):
        return _execute(argv, project, host)


def _execute(argv: Sequence[str], project: Project, host: Host) -> int:
    if not argv:
        print("doctor exec: no command given (usage: doctor exec -- CMD ...)", file=sys.stderr)
        return 2
    cwd = Path.cwd()
    words = command_words(argv)
    if words and posixpath.basename(words[0]) in ("make", "gmake"):
        from doctor.exec_make import run_make

        code = run_make(words, cwd, project, host)
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
        words = command_words(argv)
        if words and docker_driver(words[0], words[1:], cwd) is not None:
            where += " (it runs docker itself)"
        env = None
        from doctor.exec_venv import activated, inactive_venv

        venv = inactive_venv(host, cwd)
        if venv is not None:
            where += (f", with {project.shown(venv)} (not activated: doctor puts its bin/ first on PATH, "
                      "as `activate` does)")
            env = activated(project.options.env, venv)
        print(f"doctor: running {argv[0]!r} {where}", file=sys.stderr)
        for note in unrunnable(project, words, cwd) if here is None else ():  # spring-postgres: maven in `builder`
            print(f"doctor: note: {note}", file=sys.stderr)  # only, image-text's `make test` go in `build-env` only
        return run_process(list(argv), env)
    return run_in_service(argv, cwd, home, project, host)


def run_in_service(argv: Sequence[str], cwd: Path, home: ServiceHome, project: Project, host: Host) -> int:
    """Run `argv` (typed in `cwd`) in the service and return its exit code."""
    from doctor.project.image_installs import start_install_mode

    # allegro/ralph: what the service runs at start installs its packages, which `run --entrypoint ''`
    # skips: the command runs in the container `up -d` starts (preflight's advice)
    up_first = start_install_mode(project, home) == "up"
    words = command_words(argv)
    from doctor.exec_servers import (
        idle_note,
        port_beside,
        publish_options,
        reachable_words,
        second_server,
        shared_network,
        start_serves,
        starts_server,
    )
    from doctor.project.server_binds import config_loopback

    server = starts_server(words, cwd, project)
    beside = named = None
    idle = False  # a server `exec`'d into a running service whose own start serves nothing (`sleep infinity`)
    if server:  # preflight's advice: a `run` publishing the service's ports, with the service stopped first
        up_first, running, verb = False, is_running(project, host, home.service), "run"
        # `php -S localhost:8000` beside symfony-docker's 80 and 443: its own port, whether 'php' is up or not
        named = port_beside(project, home.service, words)
        beside = named if running else None
        # mvj's devcontainer 'django', `network_mode: service:postgres`: a `run -p 8001:8001` could publish nothing
        idle = bool(running) and (beside is None or shared_network(project, home.service)) \
            and not start_serves(project, home.service, cwd)
        if running and beside is None and not idle:  # `exec` would start a second server on the port it holds
            print(second_server(" ".join(argv), home.service, project), file=sys.stderr)
            return 1
        verb, beside = ("exec", None) if idle else (verb, beside)
    else:
        running = is_running(project, host, home.service) if home.live or up_first else False
        verb = "run" if running is False and not up_first else "exec"
    from doctor.host.compose_cache import compose_cli

    cli = compose_cli(project.options.env)  # `docker compose`, or `docker-compose` where that is the only one
    program = shutil.which(cli[0], path=project.options.env.get("PATH"))
    if program is None:
        print(f"doctor exec: {argv[0]!r} belongs in service {home.service!r}, but the docker CLI is not on PATH",
              file=sys.stderr)
        return 127
    # what preflight's `run` mounts: nestjs-prisma-starter's test/, which .dockerignore keeps out of the image
    home, kept, hidden, mounted = run_mounts(project, home, cwd, words)
    if (kept or hidden) and not up_first and not idle:
        verb = "run"  # only a `run` container takes them as volumes
    mounts = [] if idle else [f"{host}:{inside}" for host, inside in kept] + hidden
    mapped = mapped_words(argv, cwd, home)
    told = reachable_words(mapped, words, cwd, project) if server else mapped  # `runserver` -> `0.0.0.0:8000`
    full = compose_argv(project, verb, home, cwd, told, sys.stdin.isatty(), cli=cli, mounts=mounts)
    if server and not idle:  # one the host must reach, as preflight advises: `--service-ports`, else `-p PORT:PORT`
        full[verb_at(full) + 1:verb_at(full) + 1] = publish_options(project, home.service, words,
                                                                    beside=named is not None)
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
    bound = config_loopback(words, cwd) if server else None
    if bound is not None:  # phx.new's config/dev.exs: `http: [ip: {127, 0, 0, 1}, ...]`, no flag to override it
        print(f"doctor: note: {bound} has {argv[0]!r} listen on 127.0.0.1, which the published port never reaches "
              "in the container: set `ip: {0, 0, 0, 0}` there", file=sys.stderr)
    if idle:  # the dev container's `sleep infinity` holds no port: the server takes the one it publishes
        print(f"doctor: note: {idle_note(' '.join(argv), home.service, project)}", file=sys.stderr)
    if beside is not None:  # `runserver 0.0.0.0:8001` while 'web' serves 8000: its own port, no clash
        print(f"doctor: note: {home.service!r} is up; {argv[0]!r} listens on {beside}, which it does not publish: "
              f"a `run` publishing {beside} alone starts beside it", file=sys.stderr)
    if server and running is None and named is None:  # the engine cannot tell: the run fails to publish a port it holds
        print(f"doctor: note: {argv[0]!r} starts a server; if {home.service!r} is up, its ports are taken: stop it "
              f"first, `{project.compose_words()} stop {home.service}`", file=sys.stderr)
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
        code = run_process([program, *compose_argv_up(project, home.service, cli)[1:]], dict(project.options.env))
        if code:
            return code
    return run_process([program, *full[1:]], dict(project.options.env))


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


def command_words(argv: Sequence[str]) -> list[str]:
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


def run_process(argv: list[str], env: dict[str, str] | None) -> int:
    """Run `argv` on this machine with the terminal doctor was given; its exit code (127: not found)."""
    try:
        code = subprocess.run(argv, env=env).returncode
    except FileNotFoundError:
        print(f"doctor exec: {argv[0]!r} not found", file=sys.stderr)
        return 127
    except KeyboardInterrupt:
        return 130
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention
