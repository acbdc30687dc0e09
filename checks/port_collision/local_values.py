"""The container env values and env-file lines that can name a local address on a host port.

follow_edits and host_follow_edits look for `localhost:<old port>` in every container env value and
every line of the host's env files. A `.env` of 200,000 keys that two services read by `env_file:`
is 400,000 values and 200,000 lines; parsing each with local_address's pattern, for each moved port,
made one preflight take ~20 s of CPU. Every local address writes one of LOCAL_NAMES as it is (the
pattern folds no case), and a port alone on its line writes `PORT` and its digits: a value or line
with neither is skipped by substring tests, and the values naming a local host are listed once per
compose model (local_values).
"""

from __future__ import annotations

import weakref

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from doctor.project import Project
    from doctor.project.types import EnvVar, Service


LOCAL_NAMES = ("localhost", "127.0.0.1", "0.0.0.0")  # follow.LOCAL_HOSTS: the hosts local_address names

# project -> (the compose model indexed, its values naming a local host): a fix's next round loads a new model
_INDEX: weakref.WeakKeyDictionary[Project, tuple[object, list[tuple[Service, EnvVar]]]] = weakref.WeakKeyDictionary()


def names_local_host(text: str) -> bool:
    """Whether `text` writes a local host's name: what every local_address match holds."""
    return "localhost" in text or "127.0.0.1" in text or "0.0.0.0" in text


def local_values(project: Project) -> list[tuple[Service, EnvVar]]:
    """Each service's env values that name a local host (names_local_host), in the order of the
    services and of their environments: the only ones a local_address of any port can match."""
    compose = project.compose
    known = _INDEX.get(project)
    if known is not None and known[0] is compose:
        return known[1]
    found = [(service, var) for service in compose.services.values() for var in service.environment.values()
             if var.value is not None and names_local_host(var.value)]
    _INDEX[project] = (compose, found)
    return found


def candidate_lines(path: Path, port: int, alone: bool) -> list[tuple[int, str]]:
    """(line number, text) of the lines of an env file that can name a local address on `port`, or,
    where `alone` (a `*_PORT=port` line may hold the port by itself: host_follow_edits), the port's
    digits on a `PORT` key's line; numbered as doctor.project.edits.line_text numbers them."""
    from doctor.project.edits import _lines  # line_text's own list: one read and split per file

    lines = _lines(path) or []
    digits = str(port)
    return [(number, text) for number, text in enumerate(lines, 1)
            if names_local_host(text) or (alone and "PORT" in text and digits in text)]
