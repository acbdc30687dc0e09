"""Project scripts that drive docker themselves: they run on the host, never in a service.

A wrapper such as docker-flask-example's `./run` (`docker compose exec web ...`), DefectDojo's
`run-unittest.sh` (`docker compose exec uwsgi ...`) or its `docker/setEnv.sh` (rewrites the compose
override, then `docker compose down`) talks to the engine from outside the containers: the service's
image has no docker CLI and no engine to reach. Whether a command is such a script is read from the
script's own text: a line (not a comment) that runs `docker`, `docker compose`, `docker-compose`
(or podman's) as a command, or a Python script handing them to subprocess (`["docker", "compose", ...]`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.regular import text_lines

_VERBS = (r"(?:compose|run|exec|build|up|down|stop|start|restart|rm|cp|logs|pull|push|ps|kill|network|volume|image|"
          r"images|container|buildx|login|tag|inspect|system|context|version|info)\b")
# `docker compose ...`, `docker-compose ...`, `docker run|exec|build ...` where a shell runs a command: at
# the line's start, after `;`, `&&`, `|`, `$(`, a backtick, `then`/`do`/`else`, or `sudo`/`exec`/`time`;
# never a word inside an echo's quoted text ("Waiting for the docker container to start")
_SHELL_DRIVES = lazy(
    r"(?:^|[;&|(`]|\$\(|\b(?:then|do|else|sudo|exec|time|if|while|until|!)\b)\s*(?:sudo\s+)?(?:[A-Z_]+=\S*\s+)*"
    r"(?:docker|podman)(?:-compose(?![\w.-])|\s+" + _VERBS + ")")
# the words of a Python or JSON list handed to subprocess: `["docker", "compose", ...]`
_LIST_DRIVES = lazy(r"""[\[(,]\s*["'](?:docker|podman)(?:-compose["']|["']\s*,\s*["']""" + _VERBS + ")")
# programs that run the script named by their first argument (`bash run-unittest.sh`, `python x.py`)
_INTERPRETERS = lazy(r"(?:ba|da|z|k|a)?sh|python[\d.]*|pypy[\d.]*|node|perl|ruby")
_LIMIT = 256 * 1024
# a command that sets up a machine, run where a shell runs a command: `sudo ...` (a container's scripts
# run as its user: CTFd's prepare.sh, `sudo apt-get install ...`), systemd's or launchd's service
# manager, Homebrew, Vagrant (CTFd's scripts/install_docker.sh: `sudo systemctl enable docker`)
_PROVISIONS = lazy(r"(?:^|[;&|(`]|\$\(|\b(?:then|do|else)\b)\s*(?:sudo|systemctl|launchctl|brew|vagrant)\s")


def docker_driver(tool: str, arguments: Sequence[str], cwd: Path) -> str | None:
    """The script (as the command names it) when the command runs a project script whose own text
    runs docker or compose (`./run test`, `bash run-unittest.sh`, `sh -c "docker compose ..."`);
    None for any other command."""
    name = posixpath.basename(tool)
    if _INTERPRETERS.fullmatch(name):
        if "-c" in arguments[:2]:  # `sh -c TEXT`: the text is the script
            at = list(arguments).index("-c") + 1
            return tool if at < len(arguments) and runs_docker(arguments[at]) else None
        script = next((word for word in arguments if not word.startswith("-")), None)
        if script is None or "-m" in arguments[:arguments.index(script)]:
            return None  # `python -m module`: no file of its own
    elif "/" in tool:
        script = tool
    else:
        return None
    path = cwd / os.path.expanduser(script)
    from doctor.project.reading import read_regular_text

    text = read_regular_text(path, _LIMIT) if path.is_file() else None
    if text is None:
        return None
    return script if runs_docker(text) or _calls_sourced_driver(text, path, cwd) else None


def _calls_sourced_driver(text: str, path: Path, cwd: Path) -> bool:
    """Whether the script calls a shell function that a file it sources defines and that runs docker,
    itself or through another such function (openfun/joanie's bin/pytest: `source
    "$(dirname "${BASH_SOURCE[0]}")/_config.sh"`, then `_dc_run ... app-dev pytest "$@"`, where
    _config.sh's `_dc_run` calls `_docker_compose run`, which runs `docker compose`). Sourced files
    are followed three deep, each read once."""
    from doctor.project.reading import read_regular_text

    drivers: set[str] = set()
    bodies: dict[str, str] = {}
    queue, seen = [(text, path, 0)], {path.resolve()}
    while queue:
        current, at, depth = queue.pop()
        if depth:
            bodies.update(_functions(current))
        if depth >= 3 or ("source" not in current and ". " not in current):
            continue
        for found in _SOURCED.finditer(current):
            words = found[1].strip().replace('"', "").replace("'", "")
            for prefix in _SCRIPT_DIR:
                words = words.replace(prefix, str(at.parent))
            if "$" in words or "`" in words:
                continue
            for folder in (at.parent, cwd):
                sourced = (folder / os.path.expanduser(words)).resolve()
                if sourced not in seen and sourced.is_file():
                    seen.add(sourced)
                    read = read_regular_text(sourced, _LIMIT)
                    if read is not None:
                        queue.append((read, sourced, depth + 1))
                    break
    changed = True
    while changed:  # a function calling one that runs docker runs it too
        changed = False
        for name, body in bodies.items():
            if name not in drivers and (runs_docker(body) or any(_calls(body, d) for d in drivers)):
                drivers.add(name)
                changed = True
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return any(_calls(own, name) for name in drivers)


# `source FILE` / `. FILE` where a shell runs a command
_SOURCED = lazy(r"(?m)(?:^|[;&]|\b(?:then|do|else)\b)[ \t]*(?:source|\.)[ \t]+([^;&|#\n]+)")
# how a script names its own folder (bin/_config.sh beside bin/pytest), its quotes taken out
_SCRIPT_DIR = ("$(dirname ${BASH_SOURCE[0]})", "$(dirname ${BASH_SOURCE})", "$(dirname $0)", "${BASH_SOURCE%/*}",
               "${0%/*}")
# `function name() {`, `function name {`, `name() {` at a line's start
_FUNCTION = lazy(r"(?m)^[ \t]*(?:function[ \t]+([A-Za-z_][\w-]*)[ \t]*(?:\([ \t]*\))?"
                 r"|([A-Za-z_][\w-]*)[ \t]*\([ \t]*\))[ \t]*\n?[ \t]*\{")


def _functions(text: str) -> dict[str, str]:
    """The shell functions the text defines, each with its body: from its `{` to the first line that
    closes it (a `}` alone, at the definition's indentation or less)."""
    found: dict[str, str] = {}
    lines = text_lines(text)
    starts = {text.count("\n", 0, m.start()): (m[1] or m[2]) for m in _FUNCTION.finditer(text)}
    for number, name in starts.items():
        indent = len(lines[number]) - len(lines[number].lstrip())
        body = []
        for line in lines[number + 1:]:
            stripped = line.strip()
            if stripped == "}" and len(line) - len(line.lstrip()) <= indent:
                break
            if not stripped.startswith("#"):
                body.append(line)
        found[name] = "\n".join(body)
    return found


def _calls(text: str, name: str) -> bool:
    """Whether a line of the text runs `name` as a command (where _SHELL_DRIVES finds docker)."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        before = text[:at].rstrip(" \t")
        after = text[end:end + 1]
        if (not after or after in " \t\n;&|)") and (
                not before or before[-1] in "\n;&|(`" or before.endswith("$(")
                or before.split()[-1] in ("then", "do", "else", "exec", "time", "if", "while", "until", "!")):
            return True
        at = text.find(name, end)
    return False


def runs_docker(text: str) -> bool:
    """Whether a line of the script (not a comment) runs docker or compose."""
    if "docker" not in text and "podman" not in text:
        return False
    return any(_SHELL_DRIVES.search(line) or _LIST_DRIVES.search(line)
               for line in text.splitlines() if not line.lstrip().startswith("#"))


def provisions_host(text: str) -> bool:
    """Whether a line of the script (not a comment) sets up the machine it runs on: `sudo`, `systemctl`,
    `launchctl`, `brew` or `vagrant` as a command. Such a script is the host's (a developer's setup,
    a VM's provisioning), though a bind of the whole repository carries it into a container; a
    devcontainer's own scripts (run in it, often through sudo) are the caller's to keep apart."""
    if not any(word in text for word in ("sudo", "systemctl", "launchctl", "brew", "vagrant")):
        return False
    return any(_PROVISIONS.search(line) for line in text.splitlines() if not line.lstrip().startswith("#"))
