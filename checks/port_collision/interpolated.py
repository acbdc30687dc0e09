"""A site address an env_file builds from a variable: `APP_URL=http://localhost:${LITESTAR_PORT}`.

litestar-fullstack's `tools/deploy/docker/.env.docker` sets `LITESTAR_PORT=8000` (where the app
listens in its container) and `APP_URL=http://localhost:${LITESTAR_PORT}` (the address the browser
opens): the author wrote one for the other because `"8000:8000"` publishes the port as it is. Once
`fix --ports` moves the host side to 8001 the two part: the reference after `localhost:` becomes the
new port on the line that writes it, and the variable (the container's port) stays.
"""

from __future__ import annotations

import re

from doctor.lazyre import lazy
from doctor.model import Edit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import EnvVar

_REF = r"\$\{(?P<name>\w+)(?:[:?+-][^}]*)?\}|\$(?P<bare>[A-Za-z_]\w*)"
_HOST = r"(?:(?<![\w.-])|(?<=[\w-]\.))localhost|(?<![\w.-])127\.0\.0\.1"
# a local address whose port is one variable, another reference, compose's `$$`, or literal text
_TOKEN = lazy(rf"(?P<host>{_HOST}):(?P<ref>{_REF.replace('<name>', '<lname>').replace('<bare>', '<lbare>')})"
              rf"|{_REF}|\$\$")


def interpolated_edit(project: Project, var: EnvVar, old: int, new: int,
                      edited: frozenset[tuple[object, int | None]]) -> Edit | None:
    """The edit writing `new` for the variable after `localhost:` (or `*.localhost:`, `127.0.0.1:`) in
    the line `var` is written on, where that variable gave it `old` (`http://localhost:${LITESTAR_PORT}`
    read as `http://localhost:8000`); None when the value names no such reference, a reference gave
    another port, or its variable's `.env` line is in `edited` (the move rewrites it: it follows)."""
    from doctor.project.edits import interpolated_at, replace_on_line

    raw, value, at = var.raw, var.value, var.location
    if raw is None or value is None or at is None or "$" not in raw:
        return None
    pattern, start, local = [], 0, []
    for token in _TOKEN.finditer(raw):
        pattern.append(re.escape(raw[start:token.start()]))
        start = token.end()
        if token["host"] is not None:
            pattern.append(re.escape(token["host"]) + f":{old}")
            local.append(token)
        else:
            pattern.append(r"\$" if token[0] == "$$" else ".*?")
    pattern.append(re.escape(raw[start:]))
    if not local or re.fullmatch("".join(pattern), value, re.DOTALL) is None:
        return None
    for token in local:
        found = interpolated_at(project, token["lname"] or token["lbare"], at.path)
        if found is not None and (found[0], found[1].line) in edited:
            return None
    written = "|".join(dict.fromkeys(re.escape(token[0]) for token in local))
    return replace_on_line(at.path, at.line, written, lambda found: f"{found[0].split(':', 1)[0]}:{new}", every=True)
