"""Host ports the project's own commands publish outside compose's `ports:` lists.

kitsune's Makefile has `docs:` run `${DC} run -p 8001:8001 web mkdocs serve -a 0.0.0.0:8001`: port
8001 is the project's whenever `make docs` runs, though no compose file publishes it, and a
`doctor fix --ports` that moved web from a held 8000 to 8001 made `make docs` collide with web.
A publish is a `-p X:Y`, `-pX:Y`, `-p=X:Y`, `--publish X:Y` or `--publish=X:Y` (a `-dp X:Y` too) among
the options of the `run` of `docker run`, `docker container run`, `docker compose run` (`docker-compose`,
podman's, or a variable standing for one of them: `${DC} run`, just's `{{dc}} run`), read with compose's
option table (doctor.project.compose_line) joined with docker's own `run`'s. Only a fixed host port counts
(`127.0.0.1:8001:8001`, `8001:8001/udp`, `${DOCS_PORT:-8001}:8001` as its default, a range);
`-p 8001` and `-p 127.0.0.1::8001` let docker choose one.

Read from the files doctor.project.tasks reads, in the project's folder and its first-level folders:
Makefile recipes (with the Makefile's variables), justfile and Taskfile lines, package.json scripts;
and the scripts those files' commands run that drive docker (doctor.project.hostscripts).
Read only when asked (a port move being planned, `doctor ports`), never in a preflight without one.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, record
from doctor.project.digits import written_number
from doctor.project.reading import is_file
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.compose_line import OptionTable

_DRIVERS = frozenset(("docker", "docker-compose", "podman", "podman-compose", "nerdctl"))
# docker's own options before its subcommand that take the next word as their value (compose's own: its table)
_DOCKER_VALUES = frozenset(("-H", "--host", "-c", "--context", "--config", "-l", "--log-level"))
# docker's own `run` options beside compose's `run` (doctor.project.compose_line's table: values | flags): its -h is
# --hostname, not --help; any other option neither table names takes a value (`--network host`)
_DOCKER_RUN = ("h/hostname | init privileged read-only publish-all oom-kill-disable disable-content-trust sig-proxy"
               " no-healthcheck")
_DEFAULTED = lazy(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-(\d+)\}")
_SPEC = lazy(r"^(?:(?:\[[^\]]*\]|[^:\[\]]+):)?(\d+)(?:-(\d+))?:(\d+)(?:-(\d+))?(?:/(tcp|udp|sctp))?$")
_TEMPLATE = lazy(r"\{\{.*?\}\}")
_RANGE_LIMIT = 1024  # ports of one `-p` range kept, at most (bad input never becomes a huge set)
_SCRIPT_LIMIT = 256 * 1024


@record
class CommandPort:
    """A host port a command of the project publishes: `port` onto `target`, where it is written."""

    port: int
    target: int
    protocol: str
    location: Location
    origin: str  # `make target 'docs'`, `npm script 'dev'`, `justfile`, `scripts/dev.sh`


def command_ports(project: Project) -> tuple[CommandPort, ...]:
    """Every fixed host port the project's commands publish, in file order (read once per project)."""
    return project.once("command-ports", lambda: tuple(_read(project)))


def command_lines(project: Project) -> tuple[tuple[Path, int, str, str], ...]:
    """(file, line number, shell text, origin) of each line the project's commands run, as the module
    says: recipes, justfile and Taskfile lines, package.json scripts, the docker-driving scripts those
    run (read once per project; doctor.project.compose_starts reads them too)."""
    return project.once("command-lines", lambda: tuple(_lines(project)))


def _lines(project: Project) -> list[tuple[Path, int, str, str]]:
    from doctor.project.tasks import JUSTFILES, MAKEFILES, TASKFILES, subdirectories

    lines: list[tuple[Path, int, str, str]] = []
    for directory in (project.root, *subdirectories(project.root)):
        for names, reader in ((MAKEFILES, _makefile), (JUSTFILES, _plain), (TASKFILES, _plain)):
            name = next((n for n in names if is_file(directory / n)), None)
            if name is not None:
                lines += reader(directory / name)
        lines += _package_json(directory / "package.json")
    return lines + _scripts(project)


def _read(project: Project) -> Iterator[CommandPort]:
    seen: set[tuple[Path, int | None, int, str]] = set()
    for path, number, text, origin in command_lines(project):
        for port, target, protocol in published(text):
            key = (path, number, port, protocol)
            if key not in seen:
                seen.add(key)
                yield CommandPort(port, target, protocol, Location(path, number), origin)


def published(text: str) -> list[tuple[int, int, str]]:
    """(host port, container port, protocol) of each fixed host port a shell line's `docker run -p`
    (or `docker compose run -p`, `--publish`) publishes."""
    if "run" not in text or ("-p" not in text and not any(w[:1] == "-" and "p" in w for w in text.split())):
        return []  # no `-p`, `--publish` nor `-dp`
    from doctor.project.shellwords import simple_commands

    found: list[tuple[int, int, str]] = []
    for words in simple_commands(_TEMPLATE.sub("$template", text)):
        for value in _publish_values(words):
            found += _spec_ports(value)
    return found


def _publish_values(words: list[str]) -> list[str]:
    """The values of `run`'s `-p`/`--publish` options when the words are a docker or compose `run`."""
    from doctor.project.compose_line import options_of, scan_options, split_prefix

    _, words = split_prefix(words)
    if not words or (os.path.basename(words[0]) not in _DRIVERS and not words[0].startswith("$")):
        return []
    compose = options_of("")
    at = 1
    while at < len(words) and words[at] != "run":
        word = words[at]
        if word in ("compose", "container") or word.startswith("$"):
            at += 1
        elif word.startswith("-"):
            at += 2 if word in _DOCKER_VALUES or compose.takes_value(word) else 1
        else:
            return []  # another subcommand (`up`, `exec`): its `-p` is no publish
    # the service or image ends the options: what follows is its command's
    options, _ = scan_options(words[at + 1:], _run_options())
    return [o.value for o in options if o.name == "--publish" and o.value is not None]


@functools.cache
def _run_options() -> OptionTable:
    """The options of `run`: compose's, and docker's own (`docker run`, or a `${DC} run` that may be either)."""
    from doctor.project.compose_line import OptionTable, options_of

    return options_of("run").joined(OptionTable.parse(_DOCKER_RUN, unknown_valued=True))


def _spec_ports(value: str) -> list[tuple[int, int, str]]:
    """The fixed host ports of one `-p` value (a variable as its default: `${PORT:-8001}`)."""
    spec = _DEFAULTED.sub(lambda m: m[1], value.strip("\"'"))
    found = _SPEC.match(spec) if "$" not in spec else None
    if found is None:
        return []
    first, last, target = written_number(found[1]), written_number(found[2] or found[1]), written_number(found[3])
    if first is None or last is None or target is None or not 0 < first <= last <= 65535:
        return []
    protocol = found[5] or "tcp"
    step = 1 if found[4] else 0  # `8000-8010:80`: any of them onto 80
    return [(port, target + offset * step, protocol)
            for offset, port in enumerate(range(first, min(last, first + _RANGE_LIMIT - 1) + 1))]


def _text(path: Path, limit: int | None = None) -> str | None:
    from doctor.project.reading import read_regular_text

    return read_regular_text(path, limit) if limit is not None else read_regular_text(path)


def _makefile(path: Path) -> list[tuple[Path, int, str, str]]:
    """Each recipe line (number, text with the Makefile's variables, `make target 'NAME'`)."""
    from doctor.project.tasks import RULE

    text = _text(path)
    if text is None:
        return []
    from doctor.project.makevars import MakeVariables, logical_lines

    lines = text_lines(text)
    variables = MakeVariables.read(lines)
    found, target = [], ""
    for number, line in logical_lines(lines):
        if line.startswith("\t") and target:
            found.append((path, number, variables.expand(line.strip().lstrip("@-+ "), target),
                          f"make target {target!r}"))
        elif (rule := RULE.match(line)) is not None:
            target = rule.group(1).split()[0]
    return found


def _plain(path: Path, limit: int | None = None, origin: str = "") -> list[tuple[Path, int, str, str]]:
    """Each line of a justfile, Taskfile or shell script (a YAML list's `- ` and `cmd:` dropped, a
    `\\`-continued line joined), at the number of its first line; comments left out."""
    text = _text(path, limit)
    if text is None:
        return []
    found: list[tuple[Path, int, str, str]] = []
    pending, start = "", 0
    for number, line in enumerate(text_lines(text), 1):
        stripped = line.strip()
        if not pending:  # a command's first line: just's `@`/`-` prefixes, a YAML entry's `- `, `cmd:`
            start = number
            stripped = stripped.removeprefix("- ").removeprefix("cmd:").strip().lstrip("@-").strip()
            if stripped.startswith("#"):
                continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        found.append((path, start, pending + stripped, origin or path.name))
        pending = ""
    return found


def _package_json(path: Path) -> list[tuple[Path, int, str, str]]:
    if not is_file(path):
        return []
    text = _text(path)
    from doctor.project.reading import parse_json

    try:
        data = parse_json(text) if text is not None else None
    except ValueError:
        return []
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict) or text is None:
        return []
    start = text.find('"scripts"')
    found = []
    for name, value in scripts.items():
        if isinstance(value, str):
            at = text.find(json.dumps(name), start)
            found.append((path, text.count("\n", 0, at) + 1 if at >= 0 else 1, value, f"npm script {name!r}"))
    return found


def _scripts(project: Project) -> list[tuple[Path, int, str, str]]:
    """The lines of the project's scripts that its commands run and that drive docker (`./run`,
    `bash bin/dev.sh`), each script once."""
    from doctor.project.hostscripts import docker_driver
    from doctor.project.tasks import CommandKind

    found: list[tuple[Path, int, str, str]] = []
    read: set[Path] = set()
    for command in project.commands:
        if command.implied or command.kind in (CommandKind.COMPOSE, CommandKind.CONFIG, CommandKind.PYPROJECT):
            continue
        words = command.text.split()
        script = docker_driver(command.tool, words[1:], command.cwd)
        if script is None or (script == command.tool and "/" not in script):
            continue
        path = (command.cwd / os.path.expanduser(script)).resolve()
        if path in read or not path.is_relative_to(project.root):
            continue
        read.add(path)
        shown = path.relative_to(project.root).as_posix()
        found += _plain(path, _SCRIPT_LIMIT, shown)
    return found
