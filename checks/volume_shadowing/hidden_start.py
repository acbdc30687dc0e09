"""The file a container starts (its entrypoint or command, else the image's) that a bind mount
hides, where only the image's COPY brought it."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from doctor.project.filled import within
from doctor.project.reading import is_file
from doctor.project.service_start import past_init
from doctor.project.types import Mount, Service, words_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.codepaths import CodePath
    from doctor.project.recipe import Recipe


# a program the start hands a script to (`sh /code/start.sh`): the script is what must be there
_START_SHELLS = frozenset(("sh", "bash", "dash", "ash", "/bin/sh", "/bin/bash", "/bin/dash", "/bin/ash"))


def _hidden_start(svc: Service, recipe: Recipe, mounts: list[Mount], copies: Sequence[CodePath],
                  ) -> tuple[Mount, str, str] | None:
    """The bind mount hiding the file the container starts (AdventureLog's dev 'server': `../backend/server:/code`
    over the `/code/entrypoint.sh` its Dockerfile COPYs from backend/entrypoint.sh and names as ENTRYPOINT), the
    file, and how it starts it. None where the start is no absolute path, no bind covers it (a deeper volume
    keeps the image's file), the bound folder on the host has the file too, or the image's file comes from no
    COPY of a host file that exists (a file the build makes, or a context that lacks it as the bind does: the
    build fails first)."""
    import os

    own = words_of(svc.entrypoint)
    words, how = (own, "is its entrypoint") if svc.entrypoint is not None else (list(recipe.entrypoint),
                                                                              "is its image's ENTRYPOINT")
    words = past_init(words)  # `tini --` alone: the command is what it starts
    if not words:
        own = words_of(svc.command)
        words, how = (own, "its command runs") if svc.command is not None else (list(recipe.cmd),
                                                                               "its image's CMD runs")
        words = past_init(words)
    if words and words[0] in _START_SHELLS and len(words) > 1 and not words[1].startswith("-"):
        words = words[1:]  # `sh /code/start.sh`
    if words and "/" in words[0] and not words[0].startswith("/"):  # `./run.sh`: from the working folder
        words = [posixpath.join(svc.working_dir or recipe.workdir or "/", words[0]), *words[1:]]
    program = posixpath.normpath(words[0]) if words and words[0].startswith("/") and "$" not in words[0] else ""
    if not program or program.startswith(("/bin/", "/usr/", "/sbin/", "/opt/venv/")):
        return None
    covering = [m for m in mounts if within(program, posixpath.normpath(m.target)) and m.target != program]
    exact = [m for m in mounts if posixpath.normpath(m.target) == program]
    if exact or not covering:
        return None
    deepest = max(covering, key=lambda m: len(posixpath.normpath(m.target)))
    if deepest.type != "bind" or not deepest.source or "$" in deepest.source:
        return None
    host_file = os.path.join(deepest.source, posixpath.relpath(program, posixpath.normpath(deepest.target)))
    if os.path.lexists(host_file) or not os.path.isdir(deepest.source):
        return None
    copied = [c for c in copies if within(program, posixpath.normpath(c.container))]
    if not copied:
        return None
    # the deepest first: a file's own COPY; a file COPY'd into the folder (`COPY ./docker_assets/run.sh /app`) lands
    # under its own name there
    for copy in sorted(copied, key=lambda c: len(posixpath.normpath(c.container)), reverse=True):
        landing = posixpath.normpath(copy.container)
        if landing == program or (is_file(copy.host) and posixpath.join(landing, copy.host.name) == program):
            source = copy.host
        else:
            source = copy.host / posixpath.relpath(program, landing)
        if is_file(source):  # a file this user may not reach: compose-config names its COPY
            return deepest, program, how
    return None
