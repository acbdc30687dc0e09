"""Where a service's `container_name` comes from: the variables it is written with.

linkding's compose writes `container_name: "${LD_CONTAINER_NAME:-linkding}"` and its `.env`
sets `LD_CONTAINER_NAME=linkding`: two checkouts of it name their containers alike through
that line. There the name is the author's setting, not a fixed name to drop: each checkout
sets the variable to a name of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.edits import line_text
from doctor.project.types import Service

CONTAINER_NAME_LINE = lazy(r"^(\s*)container_name\s*:\s*\S")
KEY_LINE = lazy(r"^\s*(['\"]?)([^'\"#:]+)\1\s*:")
MAX_LOOKBACK = 400  # lines above a `container_name:` looked at for the service key it sits under


def name_variables(project: Project, service: Service) -> tuple[str, ...]:
    """The variables the `container_name` of `service` is written with (`LD_CONTAINER_NAME`), in
    order; () for a literal name or none. A variable counts when a `container_name:` line of the
    service's block uses it and its value (or the default written there) is in the name compose
    computed: a name an override writes literally over it makes the variable no part of it."""
    name = service.container_name
    if not name:
        return ()
    found: list[str] = []
    values = project.compose.variables
    for use_name, text in _uses_by_owner(project).get(service.name, ()):
        if use_name in found:
            continue
        value = values.get(use_name)
        if value is None:
            default = re.search(rf"\$\{{{re.escape(use_name)}:?-([^}}]*)\}}", text)
            value = default[1] if default else None
        if value and value in name:
            found.append(use_name)
    return tuple(found)


_BY_OWNER: dict[int, tuple[object, dict[str, list[tuple[str, str]]]]] = {}


def _uses_by_owner(project: Project) -> dict[str, list[tuple[str, str]]]:
    """service -> (variable, its `container_name:` line) for each variable a `container_name:` line
    uses, in one pass over the model's variable uses (asked once per service, it was services squared)."""
    model = project.compose
    cached = _BY_OWNER.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    owners: dict[str, list[tuple[str, str]]] = {}
    for use in model.variable_uses:
        at = use.location
        if at is None or at.line is None:
            continue
        text = line_text(at.path, at.line)
        marked = CONTAINER_NAME_LINE.match(text) if text is not None else None
        if marked is None or text is None:
            continue
        owner = _owner_key(at.path, at.line, len(marked[1]))
        if owner is not None:
            owners.setdefault(owner, []).append((use.name, text))
    _BY_OWNER.clear()  # one model at a time: a long-lived process keeps no old ones
    _BY_OWNER[id(model)] = (model, owners)
    return owners


def _owner_key(path: Path, line: int, indent: int) -> str | None:
    """The key of the mapping a line at `indent` sits in: the nearest line above with less indent."""
    for number in range(line - 1, max(0, line - MAX_LOOKBACK), -1):
        text = line_text(path, number)
        if text is None:
            return None
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(text) - len(stripped) < indent:
            key = KEY_LINE.match(text)
            return key[2].strip() if key else None
    return None
