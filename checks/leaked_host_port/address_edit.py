"""leaked-host-port's rewrite of a value's addresses where its line writes them: a port written as a
literal or as a variable compose interpolates, a host as an env_file's own earlier key."""

from __future__ import annotations

import re
from collections.abc import Callable

from doctor.model import Edit
from doctor.project import Project
from doctor.project.edits import line_text
from doctor.project.env_hosts import host_refs
from doctor.project.types import EnvSource, EnvVar


def _address_edit(project: Project, line: int, var: EnvVar, new: str,
                  variables: tuple[str, ...]) -> tuple[Edit, str] | None:
    """The value's line with each address that changes rewritten where it is written, whether its port
    is a literal or a variable compose interpolates (`db:${DB_PORT:-5433}` -> `db:5432`: bakerydemo's
    DATABASE_URL behind db's `"${DB_PORT:-5433}:5432"`), and the pairs changed as written (`db:5432 in
    place of db:${DB_PORT:-5433}`); None unless each address is written once on the line with a
    literal host (a host from a variable is .env's, which host tools share), and the line, interpolated
    again, gives the new value (an address in the default of a `${DATABASE_URL:-...}` that .env sets is
    not the one compose uses)."""
    from doctor.project.interpolate import InterpolationError, as_lookup, substitute

    path = var.location.path if var.location is not None else None
    written = text = line_text(path, line) if path is not None else None
    if path is None or written is None or text is None or var.value is None:
        return None
    names = "|".join(map(re.escape, variables))
    # `${NAME}`, `${NAME:-default}` (any of compose's modifiers) or `$NAME`, the name one the value uses
    interpolated = rf"\$\{{(?:{names})(?:[:?+=-][^}}]*)?\}}|\$(?:{names})(?!\w)"
    # an env_file's own earlier keys, which compose reads a `${NAME}` the project does not set from (app.env's
    # `DB_HOST=db` above `...@${DB_HOST}:${DB_PORT}/app`): no host tool's variable, so a host written so is
    # the file's, kept as written where only the port changes
    own = _own_keys(project, var)
    changed: list[str] = []
    refs = zip(host_refs(var.name, var.value), host_refs(var.name, new), strict=False)
    for old_ref, new_ref in refs:
        if (old_ref.host, old_ref.port) == (new_ref.host, new_ref.port):
            continue
        if old_ref.port is None or new_ref.port is None:
            return None
        hosts = [re.escape(old_ref.host)]
        if old_ref.host == new_ref.host:
            hosts += [rf"\$\{{{re.escape(key)}\}}|\${re.escape(key)}(?!\w)" for key, at in own.items()
                      if at == old_ref.host]
        host = "|".join(hosts)
        found = list(re.finditer(rf"(?<![\w.-])({host}):(?:{old_ref.port}(?!\d)|{interpolated})", text))
        if len(found) != 1:
            return None
        address = f"{found[0][1]}:{new_ref.port}" if found[0][1] != old_ref.host else f"{new_ref.host}:{new_ref.port}"
        text = text[:found[0].start()] + address + text[found[0].end():]
        changed.append(f"{address} in place of {found[0][0]}")
    lookup = _with_own(as_lookup(project.compose.variables), own)
    try:
        before, after = substitute(written, lookup)[0], substitute(text, lookup)[0]
    except InterpolationError:
        return None
    if not changed or var.value not in before or before.replace(var.value, new, 1) != after:
        return None
    return Edit(path, written, text, line), ", ".join(changed)


def _own_keys(project: Project, var: EnvVar) -> dict[str, str]:
    """The keys an env_file line (not `.env`, not a compose file) may take a `${NAME}` from in its own
    file, those above it that the project's environment does not set, with their values; {} otherwise."""
    at = var.location
    if var.source is not EnvSource.ENV_FILE or at is None or at.line is None or at.path in project.compose.files \
            or (project.dotenv is not None and project.dotenv.path == at.path):
        return {}
    parsed = project.env_file(at.path)
    if parsed is None:
        return {}
    variables = project.compose.variables
    return {e.key: e.value for e in parsed.entries
            if e.line < at.line and e.key not in variables}


def _with_own(lookup: Callable[[str], str | None], own: dict[str, str]) -> Callable[[str], str | None]:
    """The project's lookup, then the env_file's own earlier keys (compose's order for an env_file)."""
    def look(name: str) -> str | None:
        found = lookup(name)
        return found if found is not None else own.get(name)

    return look
