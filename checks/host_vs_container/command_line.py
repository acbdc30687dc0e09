"""The command line host-vs-container advises: a command's words as run in the service, and the
`docker compose` options its `run` needs."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path

from doctor.lazyre import lazy
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


# a make function make would have run on the host (`VERSION := $(shell git describe --tags)`): in `sh -c` the
# command it runs, substituted there; a variable the Makefile sets nowhere (make reads the environment's):
# the container's, `${NAME}`
_MAKE_SHELL = lazy(r"\$\(shell[ \t]+")
_MAKE_NAME = lazy(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
# any other make function doctor could not evaluate (tilavarauspalvelu's `$(call args, 'public')`): no shell
# reads it as make would, so the words stay as they were
_MAKE_FUNCTION = lazy(r"\$\((?:call|word|words|wordlist|firstword|lastword|filter|filter-out|subst|patsubst|strip"
                      r"|findstring|sort|dir|notdir|suffix|basename|addsuffix|addprefix|join|wildcard|realpath"
                      r"|abspath|if|or|and|foreach|file|value|eval|origin|flavor|error|warning|info|let|intcmp)[ \t]")
# what stands for a justfile's `{{...}}` and a Taskfile's template, whose values doctor does not know
_PLACEHOLDERS = lazy(r"\$(?:just|task)\b")
# what a shell reads in a line other than words: a redirection, a command put in the background
_SHELL_MARKS = frozenset("<>&")


def shell_form(command: Command) -> str | None:
    """The command as `sh -c` must run it in a container, where its words passed alone would not mean
    what the recipe means: a redirection or `&` (`go run main.go >/tmp/x.log 2>&1 & echo "$!"`, whose
    `>` and `&` became arguments of `go`), a `$` or a backquote (a variable, a command substitution,
    a make function left unexpanded), or an assignment before its tool whose value a shell expands;
    None where the words alone do (a package.json script runs by its name, a pipeline has its own)."""
    if (command.kind is CommandKind.NPM and command.name) or command.pipeline:
        return None
    if command.kind is CommandKind.MAKE and _MAKE_FUNCTION.search(command.text):
        return None
    text = _PLACEHOLDERS.sub("", command.text)
    values = "".join(a.partition("=")[2] for a in command.assigned)
    if not ("$" in text or "`" in text or "$" in values or "`" in values or _has_shell_marks(text)):
        return None
    written = command.written or " ".join((*command.assigned, command.text))
    if command.kind is CommandKind.MAKE:
        written = _MAKE_NAME.sub(r"${\1}", _MAKE_SHELL.sub("$(", written))
    return written


def _has_shell_marks(text: str) -> bool:
    """A `<`, `>` or `&` outside quotes (`2>&1`, `>/tmp/x.log`, a trailing `&`)."""
    if not _SHELL_MARKS.intersection(text):
        return False
    import shlex

    lexer = shlex.shlex(text, posix=True, punctuation_chars="<>&|;")
    lexer.whitespace_split = True
    try:
        return any(word and set(word) <= set("<>&|;") for word in lexer)
    except ValueError:  # an unclosed quote: what the shell would refuse as well
        return True


def env_options(command: Command) -> list[str]:
    """`-e NAME=value` for each assignment before the command's tool (`GOOS=darwin GOARCH=arm64 go build`,
    `PYTHONPATH=src pytest`: the recipe runs it with them, which the advised line dropped), for a command
    whose shell_form is None (in `sh -c` they stay in its line)."""
    if command.kind is CommandKind.NPM and command.name:
        return []
    import shlex

    found: list[str] = []
    for assignment in command.assigned:
        try:
            [word] = shlex.split(assignment)
        except ValueError:
            word = assignment
        found += ["-e", word]
    return found


def command_words(text: str) -> tuple[str, ...]:
    """A command's words as the shell splits them."""
    import shlex

    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())
