"""host-vs-container's finding for a command that belongs in a service: its message, and the advice
with the exact `docker compose exec`/`run` line and the notes that line needs."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Safety
from doctor.project import Project
from doctor.project.command_home import compose_argv, mapped_words
from doctor.project.command_roles import PackageScripts, listening_port, serves
from doctor.project.image_gaps import image_gaps, unheld_folders
from doctor.project.image_installs import (
    dev_install,
    listed_for_development,
    not_installed,
    start_install_mode,
    unlisted_in,
)
from doctor.project.missing_packages import missing_first
from doctor.project.node_unfilled import install_first
from doctor.project.run_mounts import hidden_modules
from doctor.project.run_mounts import kept_out as kept_out_of
from doctor.project.server_binds import script_unreached
from doctor.project.service_entrypoint import dispatching_entrypoint, program_entrypoint
from doctor.project.service_home import ServiceHome
from doctor.project.task_twins import twin_of
from doctor.project.tasks import Command, CommandKind
from doctor.project.types import Service

from .command_line import _mapped_pipeline, _run_options, _short, _tool_of, command_words, env_options, shell_form

# node's debugger flag with a port: `--inspect-brk=0.0.0.0:9229`, `--inspect=9230`
_INSPECT = lazy(r"--inspect(?:-brk)?=(?:[\w.\[\]:-]*:)?(\d{2,5})\b")


def _belongs(check: Check, project: Project, command: Command, advised: tuple[str, ...], home: ServiceHome,
             running: bool | None, cli: tuple[str, ...], scripts: PackageScripts) -> Finding:
    """`check`'s finding for a command whose home is a service: what the host lacks, and the advised line."""
    verb = "run" if running is False else "exec"
    cwd = command.location.path.parent if command.kind is CommandKind.NPM and command.name else command.cwd
    # a pipeline's stage (`psql ... | xargs python update.py`) is judged by its own words, and the
    # whole pipeline is what runs in the service
    own = command_words(command.text) if command.pipeline else advised
    # a package.json script's own words (`jest --config ./test/jest-e2e.json`), not `npm run test:e2e`'s:
    # a script's name is no path (`npm run test` beside a test/ folder)
    script = command_words(command.text) if command.kind is CommandKind.NPM and command.name else own
    kept_out = kept_out_of(project, home, cwd, script)
    # mealie's `python dev/code-generation/main.py`: the image COPYs mealie/ and alembic/ alone
    gaps = image_gaps(project, home, cwd, own)
    if gaps is not None:
        home, kept_out = gaps.home, [*kept_out, *gaps.mounts]
    # miniflux's `GOOS=darwin GOARCH=arm64 go build ...` (its assignments `-e` options), `go run main.go
    # >/tmp/x.log 2>&1 &` (a redirection and `&` a shell must read: `sh -c`)
    shelled = shell_form(command)
    if shelled is not None:
        words = _mapped_pipeline(("sh", "-c", shelled), cwd, home)
    else:
        words = _mapped_pipeline(advised, cwd, home) if command.pipeline else mapped_words(advised, cwd, home)
    hidden = hidden_modules(project, home)
    tool = _tool_of(command, own)
    listed = not_installed(project, home, tool)
    unlisted = None if listed is not None else unlisted_in(project, home, tool)
    lacking = listed is not None or unlisted is not None
    # djangoproject.com's `runserver 0.0.0.0:8000`: a server must be reached from the host, which a
    # `run` container is only through `--service-ports` (or `-p`); `exec` would start a second one
    # beside the service's own, on a port it holds
    server = serves(own, scripts, cwd)  # `npm run dev` of `"dev": "vite"` too
    up = server and running is not False
    if kept_out or hidden or lacking or server:
        # only a `run` container can take the folder as a volume; the container `up` started has
        # the old image, without the tool the fix adds
        verb, running = "run", False
    # allegro/ralph: the packages come from what the service runs at start (its entrypoint's `pip3
    # install`), which a `run --entrypoint ''` (or a `run` replacing the command) skips: the command
    # runs in the container `up -d` starts
    up_first = start_install_mode(project, home) == "up" and not (kept_out or hidden or server)
    if up_first:
        verb = "exec"
    # an anonymous volume over the image's node_modules is filled from the image when created
    mounts = [f"{host}:{inside}" for host, inside in kept_out] + hidden
    argv = compose_argv(project, verb, home, cwd, words, tty=True, cli=cli, mounts=mounts)
    named = len(argv) - len(words) - 1  # the service's name, before the command's words
    argv[named:named] = env_options(command) if shelled is None else []
    replace = program_entrypoint(project, home.service)
    # django-on-docker's entrypoint.sh flushes the database before `exec "$@"`: the advised `run` skips it
    wipe = _start_wipe(project, home, verb, running, up_first, replace)
    # react-express-mysql's `nodemon --inspect-brk=0.0.0.0:9229`: it waits for a debugger the host
    # could not reach through a `run` that publishes nothing
    publish = tuple(int(p) for p in dict.fromkeys(_INSPECT.findall(command.text)))
    service = project.services.get(home.service)
    published = server and service is not None and bool(service.ports)
    port = listening_port(command.text) if server and not published else None
    publish += (port,) if port is not None and port not in publish else ()
    argv = _run_options(argv, verb, len(words), build=lacking, entrypoint=replace or wipe is not None,
                        publish=publish, service_ports=published, server=server, folder=cwd,
                        script=command.text if command.kind is CommandKind.NPM and command.name else None)
    shown = _short(argv, verb)
    for host, _ in kept_out:  # typed in the project folder, where `run -v ./x` (or `../x`) resolves
        relative = Path(os.path.relpath(host, project.root)).as_posix()
        shown = shown.replace(f"{host}:", relative + ":" if relative.startswith("../") else f"./{relative}:")
    # a command holding a quote of its own (`prettier --write '{**/,}*.js'`) in backticks
    title = f"run it as `{shown}`" if "'" in shown else f"run it as '{shown}'"
    if command.pipeline:  # openlibrary's `psql ... | xargs python update.py`: xargs adds the keys psql prints
        title += (f" (the whole pipeline, not {command.tool!r} alone: what it runs on comes from its input)")
    ignored = [host for host, _ in kept_out if gaps is None or (host, _) not in gaps.mounts]
    if ignored:
        names = ", ".join(project.shown(host) for host in ignored)
        title += f" ({names}: not in the image, .dockerignore keeps it out, so the run mounts it)"
    if gaps is not None:
        names = ", ".join(project.shown(host) for host, _ in gaps.mounts)
        only = ", ".join(project.shown(path) for path in gaps.copied) or "no project folder"
        title += f" ({names}: not in the image, which COPYs {only}, so the run mounts it)"
    # FastAPI-boilerplate's `cd src && alembic upgrade head`: 'web' holds src/app alone, not src/alembic.ini
    pieces = [] if gaps is not None or service is None else [
        c for c in project.code_map(service).copies if c.host.is_relative_to(home.context)]
    away = [] if gaps is not None else unheld_folders(home, command.location.path.parent, cwd, own,
                                                      [host for host, _ in kept_out], pieces)
    if away:
        names = ", ".join(f"{project.shown(path)}, where it runs," if runs else project.shown(path)
                          for path, runs in away)
        held = ", ".join(dict.fromkeys(project.shown(c.host) for c in (*home.carriers, *pieces)
                                       if c.via != "run"))
        title += (f" ({names} {'is' if len(away) == 1 else 'are'} not in {home.service!r}, which holds {held} "
                  "alone of the project: mount what the command reads there for the run)")
    if hidden:
        title += (f" (the bind mount hides the image's {', '.join(hidden)}, and the host has none: the run "
                  "puts a volume there, which the image fills)")
    if _output_lost(command, home, cwd):  # react-express-mysql's frontend: only ./frontend/src is mounted
        where = "the container, which --rm removes" if verb == "run" else "the container"
        title += (f" ({project.shown(cwd)} is not bind-mounted whole: what the build writes outside "
                  f"{', '.join(project.shown(c.host) for c in home.carriers if c.via == 'bind')} stays in {where})")
    read_only = _read_only_bind(service, cwd) if service is not None else None
    if read_only is not None:  # CTFd's `.:/opt/CTFd:ro`: `pytest --cov-report=xml` writes coverage.xml there
        title += (f" ({home.service!r} mounts {project.shown(read_only)} read-only: what the command writes "
                  "there, a report or a cache, fails)")
    unreached = script_unreached(words, command.text, cwd) if server and command.kind is CommandKind.NPM else None
    if unreached is not None:  # `"dev": "vite & tsc --watch"`: what follows `--` would reach tsc
        title += (f" (`{unreached}` listens on localhost unless told otherwise, and the script does not end in it, "
                  "where what follows `--` would reach it: tell it 0.0.0.0 in package.json)")
    if up:  # it may be up, serving on the ports the run needs
        title += (f" (stop {home.service!r} first, `{project.compose_words()} stop {home.service}`, if it is up: "
                  "its ports are taken)")
    start = f"{project.compose_words()} up -d{' --force-recreate' if lacking else ''} {home.service}"
    starts = "" if wipe is None else f"; its start runs the entrypoint, and {wipe}"
    if up_first and running is None:
        title += (f" (start it first, `{start}`, if it is not up: what it runs at start installs the packages "
                  f"the command needs, which a `run` would skip{starts})")
    elif up_first and running is False:
        title = (f"start {home.service!r} first, `{start}` (what it runs at start installs the packages the "
                 f"command needs, which a `run` would skip{starts}), then " + title)
    elif running is None:
        run = "run --rm" if home.bound else "run --build --rm"
        if wipe is not None:
            title += (f" (use `{run} --entrypoint ''` instead of 'exec' if it is not up: a `run` starts the "
                      f"entrypoint first, and {wipe})")
        elif replace or dispatching_entrypoint(project, home.service):
            title += f" (use `{run} --entrypoint ''` instead of 'exec' if it is not up)"
        else:
            title += f" (use '{run}' instead of 'exec' if it is not up)"
    elif verb == "run" and wipe is not None:
        title += f" (`--entrypoint ''`: a `run` starts the entrypoint first, and {wipe})"
    if home.unusable is not None:
        version, pinned_by = home.unusable
        where = project.shown(Path(pinned_by)) if Path(pinned_by).is_absolute() else pinned_by
        message = (f"{command.tool!r} ({command.origin}) cannot start on the host (pyenv version {version!r}, "
                   f"set by {where}, is not installed): run it in {home.service!r}")
    elif tool in home.scripts and home.scripts_from is not None:  # allegro/ralph's `test_ralph`
        message = (f"{command.tool!r} ({command.origin}) is a console script of the project "
                   f"({project.shown(home.scripts_from)}), which the image of {home.service!r} installs and "
                   f"the host lacks: run it in {home.service!r}")
    elif dialed := _dialed(project, own, cwd):  # a script of the standard library alone: no package, the network
        message = (f"{command.tool!r} ({command.origin}) dials {dialed!r} by its service name, which only the compose "
                   f"network resolves (the script needs no package): run it in {home.service!r}")
    else:
        missing = missing_first(project, home, tool, own, cwd)
        count = len(missing)
        needs = f"{missing[0]!r} and {count - 1} more" if count > 1 else f"{missing[0]!r}, which"
        message = f"{command.tool!r} ({command.origin}) needs {needs} the host lacks: run it in {home.service!r}"
        if command.kind is CommandKind.NPM and command.local and "/" not in command.tool and _no_node_bin(
                command, project.root):  # a devDependency (`prettier`)
            others = [name for name in missing if name != command.tool]
            nor = "" if not others else (f", nor are {others[0]!r} and {len(others) - 1} more" if len(others) > 1
                                         else f", nor is {others[0]!r}")
            message = (f"{command.tool!r} ({command.origin}) is not installed on the host (no "
                       f"node_modules/.bin/{command.tool}){nor}: run it in {home.service!r}")
    first = install_first(project, home, cwd) if command.kind is CommandKind.NPM and not hidden else None
    if first is not None:  # mobilizon's 'api': no install in its image nor at its start, a fresh clone's bind
        installer, bound = first
        message += (f" once they are installed there (neither its image nor its start installs them, and the "
                    f"bound {project.shown(bound)} holds no node_modules)")
        install = _short(compose_argv(project, "run", home, cwd, list(installer), tty=True, cli=cli), "run")
        title = f"install them there first, `{install}`, then " + title
    if listed is not None:  # CTFd: the image installs requirements.txt, pytest is in pyproject's dev group
        message += f"; its image does not install {tool!r} either ({listed_for_development(project, listed, tool)})"
        title = f"{dev_install(project, home, listed, tool)}, then " + title  # plane: requirements/test.txt
    elif unlisted is not None:  # django-on-docker: the image installs requirements.txt, which has no pytest
        message += (f"; its image does not install {tool!r} either ({project.shown(unlisted)}, which it "
                    "installs, does not list it)")
        title = (f"add {tool!r} to {project.shown(unlisted)} (or to a dev requirements file the image "
                 "installs), then " + title)
    # where doctor's line must add to a plain `run` (a rebuild, a mount, ports, an entrypoint to skip) or
    # install first, the project's own docker target, which lacks that, is not the advice
    plain = not (lacking or wipe is not None or up_first or mounts or gaps is not None or replace or server
                 or first is not None)
    twin = twin_of(project, command, home) if plain else None
    if twin is not None:  # django-react-boilerplate's `docker_test`: the project says how to run it there
        at = f"{project.shown(twin.location.path)}:{twin.location.line}"
        title = f"run `{twin.shown}`, the project's own target for it ({at}), or " + title.removeprefix("run it ")
        argv = list(twin.invocation)
    fix = Fix(title, Safety.ADVICE, command=tuple(argv))
    return check.finding(message, command.location, f"{home.service}:{command.text}", fix)


def _start_wipe(project: Project, home: ServiceHome, verb: str, running: bool | None, up_first: bool,
                replaced: bool) -> str | None:
    """What the service's entrypoint script destroys before it hands the command on, said with its
    file:line, where the advice starts that entrypoint: a `run` (advised, or where the service may be
    down) that keeps it, or the `up` of a service whose start installs the packages."""
    if not up_first and (replaced or (verb != "run" and running is not None)
                         or dispatching_entrypoint(project, home.service)):
        return None
    from doctor.project.entrypoint_wipes import entrypoint_wipe

    wipe = entrypoint_wipe(project, home.service)
    return None if wipe is None else wipe.said(project)


def _output_lost(command: Command, home: ServiceHome, cwd: Path) -> bool:
    """A package.json build script (`build`, `build:prod`) run in a service whose bind mounts bring
    only part of its folder: its output (build/, dist/) is written where no mount takes it back."""
    if command.kind is not CommandKind.NPM or not command.name or command.name.partition(":")[0] != "build":
        return False
    binds = [c.host for c in home.carriers if c.via == "bind"]
    return bool(binds) and not any(cwd == host or host in cwd.parents for host in binds)


def _read_only_bind(service: Service, cwd: Path) -> Path | None:
    """The host folder of the service's read-only bind mount the command's folder lies in (the
    closest such mount; None when the mount that carries it is writable)."""
    covering = [(Path(m.source), m.read_only) for m in service.volumes
                if m.type == "bind" and m.source and cwd.is_relative_to(m.source)]
    if not covering:
        return None
    source, read_only = max(covering, key=lambda found: len(str(found[0])))
    return source if read_only else None


def _no_node_bin(command: Command, root: Path) -> bool:
    """Whether no node_modules/.bin from the script's folder up to the project root holds its tool."""
    folders = [command.cwd, *(f for f in command.cwd.parents if f.is_relative_to(root))]
    return not any(os.path.lexists(f / "node_modules" / ".bin" / command.tool) for f in folders)


def _dialed(project: Project, words: tuple[str, ...] | list[str], cwd: Path) -> str:
    """The service a command's script of the standard library alone dials by name (stdlib_only.dialed_service:
    openwisp's build.py with `("postgres", 5432)`); "" when it runs no such script."""
    from doctor.project.command_home import runner_started
    from doctor.project.stdlib_only import dialed_service

    started = runner_started(words)
    return dialed_service(started[0], started[1:], cwd, project.services) if started else ""
