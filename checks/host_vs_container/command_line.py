"""The command line host-vs-container advises: a command's words as run in the service, and the
`docker compose` options its `run` needs."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path

from doctor.project.command_home import mapped_words, runner_started
from doctor.project.service_home import ServiceHome
from doctor.project.tasks import Command, CommandKind


def _advised(managers: Mapping[Path, str], command: Command) -> tuple[str, ...]:
    """The words to run in the service: a package.json script by its name through the project's
    package manager (`npm run build`, from the package.json folder), which puts node_modules/.bin
    on PATH as the official node images do not (warehouse's bare `webpack` would not be found
    there) and keeps the script's own prefixes (`NODE_OPTIONS=... jest`); any other command as
    written."""
    if command.kind is CommandKind.NPM and command.name:
        return (managers.get(command.location.path, "npm"), "run", command.name)
    if command.pipeline:  # a stage alone would drop what its input gives it: the pipeline runs in a shell
        return ("sh", "-c", command.pipeline)
    return command_words(command.text)


def _mapped_pipeline(advised: tuple[str, ...], cwd: Path, home: ServiceHome) -> list[str]:
    """`sh -c PIPELINE` with each stage's host paths made container paths (mapped_words), a stage whose
    words stay as written kept as written (its quotes, its `$(...)`)."""
    import shlex

    from doctor.project.shellwords import pipelines

    shell, flag, text = advised
    if home.container_path(cwd) is not None:
        return [shell, flag, text]  # it runs in the mapped folder: relative paths stay right
    stages = []
    for stage in (stage for found in pipelines(text) for stage in found):
        words = list(command_words(stage))
        mapped = mapped_words(words, cwd, home)
        stages.append(stage.strip() if mapped == words else shlex.join(mapped))
    return [shell, flag, " | ".join(stages)]


def _short(argv: list[str], verb: str) -> str:
    """The command as a developer types it in the project folder (no -p/-f/--project-directory)."""
    import shlex

    return shlex.join([*argv[:argv.index("--project-directory")], *argv[argv.index(verb):]])


def _tool_of(command: Command, words: tuple[str, ...]) -> str:
    """The tool a command runs: `pytest` of `python -m pytest tests` and of mealie's `poetry run pytest`
    (the program a runner's `run` starts), else its first word's."""
    started = runner_started(words)
    if len(started) > 2 and posixpath.basename(started[0]).startswith("python") and started[1] == "-m":
        return started[2]
    return started[0] if len(started) < len(words) else command.tool


def _run_options(argv: list[str], verb: str, count: int, *, build: bool, entrypoint: bool,
                 publish: tuple[int, ...] = (), service_ports: bool = False, server: bool = False,
                 folder: Path | None = None, script: str | None = None) -> list[str]:
    """compose_argv's command with `--build` (the image must be rebuilt to hold what the fix adds),
    `--entrypoint ''` (an entrypoint program would take the command for its arguments) and `-p PORT:PORT`
    (a debugger port the command listens on: `run` publishes none of its own) added to a `run`; a `server`
    told to listen where the published port reaches it (server_binds.reachable, from `folder`; `script`: the
    package.json script's text that `npm run NAME` runs)."""
    if verb != "run":
        return argv
    at = argv.index(verb)
    service = len(argv) - count - 1  # compose_argv ends with SERVICE and the command's words
    argv = list(argv)
    for port in publish:
        argv[service:service] = ["-p", f"{port}:{port}"]
        service += 2
    if service_ports:  # a server: the service's own `ports:` published, as `up` would
        argv[service:service] = ["--service-ports"]
        service += 1
    if service_ports or publish:
        from doctor.project.server_binds import every_interface, reachable, script_reachable  # here: a run's ports only

        # a server told to listen on localhost (rafsaf's `uvicorn ... --host localhost`) listens on the container's
        # own: a published port reaches nothing there; in the container it is to listen on every interface
        words = argv[service + 1:]
        argv[service + 1:] = (every_interface(words) if not server else reachable(words, folder) if script is None
                              else script_reachable(words, script, folder))
    if entrypoint and "--entrypoint" not in argv[at:service]:
        argv[service:service] = ["--entrypoint", ""]
    if build and argv[at + 1] != "--build":
        argv.insert(at + 1, "--build")
    return argv


def command_words(text: str) -> tuple[str, ...]:
    """A command's words as the shell splits them."""
    import shlex

    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())
