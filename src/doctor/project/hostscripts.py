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
    return script if text is not None and runs_docker(text) else None


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
