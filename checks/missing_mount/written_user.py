"""A service's `user:` as the compose files write it, and the variables that stand for its ids.

The model keeps `user:` interpolated (`50000:0`); airflow's documented file writes
`"${AIRFLOW_UID:-50000}:0"`, and tells each developer to put their own uid in .env. Where that
variable is unset, 50000 is only a default, not a uid the folder should be given to.
"""

from __future__ import annotations

from collections.abc import Mapping

from doctor.project import Project
from doctor.project.interpolate import InterpolationError, substitute


def written_user(project: Project, service: str) -> str | None:
    """`services.<service>.user` as written, before interpolation, in the last compose file that sets
    it (it wins the merge); a YAML anchor's `user:` merged with `<<:` counts as the service's own.
    None when no file writes it (extends, include)."""
    found = None
    for document in project.compose_documents():
        for doc in document.docs:
            services = doc.get("services") if doc is not None else None
            node = services.get(service) if isinstance(services, dict) else None
            value = node.get("user") if isinstance(node, dict) else None
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                found = str(value)
    return found


def unset_id_variables(written: str, variables: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The variables the uid and the gid of a written `uid[:gid]` are read from
    (`${UID}:${GID}` -> UID, GID), each None where that part is literal or its variable has a value
    (then the id is the one the developer chose)."""
    uid, gid = _split(written)
    return _unset(uid, variables), _unset(gid, variables)


def _unset(part: str, variables: Mapping[str, str]) -> str | None:
    """The first variable a part reads (the outer one of `${A:-${B}}`) when it has no value."""
    try:
        _, refs = substitute(part, variables.get)
    except InterpolationError:
        return None
    return refs[0].name if refs and not variables.get(refs[0].name) else None


def _split(written: str) -> tuple[str, str]:
    """`uid:gid` split at its colon, not at the `:-` of a default inside `${...}`."""
    depth = 0
    for at, char in enumerate(written):
        if written.startswith("${", at):
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == ":" and not depth:
            return written[:at], written[at + 1:]
    return written, ""
