"""What a service `up` never started waited on: its `depends_on` entry, the condition written there, and the line of
the dependency that condition reads (its healthcheck's `test:` for `service_healthy`).

compose starts a service only once each service it depends on meets the entry's condition; when one never does (a
healthcheck that never passes, a one-shot that exits 1), the waiting container stays created, never started, and
its own log is empty: the entry and the dependency's probe are what to read (netbox-docker's `netbox-worker`,
`depends_on: netbox: condition: service_healthy`, behind a `netbox` that never got healthy).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from doctor.model import Location, record
from doctor.project.types import nearest_of
from doctor.records import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.why.diagnose import Diagnosis

HEALTHY, COMPLETED, STARTED = "service_healthy", "service_completed_successfully", "service_started"


@record
class Wait:
    """One `depends_on` entry a service waited on: the dependency, the condition (STARTED for the list form), the
    line that writes it, and for HEALTHY the dependency's healthcheck `test:` line."""

    service: str
    condition: str
    at: Location | None = None
    probe: Location | None = None

    @property
    def written(self) -> str:
        """The entry as compose files write it: `depends_on: netbox: condition: service_healthy`."""
        return f"depends_on: {self.service}" + (f": condition: {self.condition}" if self.condition != STARTED else "")

    def as_dict(self) -> dict[str, object]:
        return {"service": self.service, "condition": self.condition,
                "file": str(self.at.path) if self.at else None, "line": self.at.line if self.at else None}


def with_waits(project: Project, diagnoses: Iterable[Diagnosis]) -> list[Diagnosis]:
    """The diagnoses, each of a service `up` stopped before starting given the `depends_on` entries it waited on:
    those naming a service it stopped at, or one that depends on such a service (then that one never started
    either)."""
    reached: dict[tuple[str, ...], Collection[str]] = {}  # per `stopped_at`, what leads to it: one walk each
    out = []
    for d in diagnoses:
        if d.stopped_at and d.stopped_at not in reached:
            reached[d.stopped_at] = nearest_of(project.services, d.stopped_at)
        waits = waited(project, d.service, d.stopped_at, reached[d.stopped_at]) if d.stopped_at else ()
        out.append(replace(d, waits=waits) if waits else d)
    return out


def waited(project: Project, service: str, down: Sequence[str], leading: Collection[str] | None = None
           ) -> tuple[Wait, ...]:
    """The `depends_on` entries of `service` that lead to one of `down`, each with its condition and lines.
    `leading`: the services that depend on one of `down` (project.types.nearest_of), when known."""
    own = project.services.get(service)
    if own is None:
        return ()
    if leading is None:
        leading = nearest_of(project.services, down)
    found = []
    for dep in own.depends_on:
        if dep in down or dep in leading:
            condition, at = condition_at(project, service, dep)
            probe = _probe_at(project, dep) if condition == HEALTHY else None
            found.append(Wait(dep, condition, at, probe))
    return tuple(found)


def condition_at(project: Project, service: str, dep: str) -> tuple[str, Location | None]:
    """The condition `service` waits for on `dep` and the line that writes it, as the last compose file writing the
    entry has it (compose merges depends_on by name); STARTED, at the entry's line, for the list form or an entry
    with no condition."""
    from doctor.project.keyat import service_nodes

    condition, at = STARTED, None
    for written in service_nodes(project, service):
        node = written.get("depends_on")
        if isinstance(node, list) and dep in node:
            condition, at = STARTED, _loc(node, node.index(dep))
        elif isinstance(node, dict) and dep in node:
            entry = node[dep]
            if isinstance(entry, dict) and isinstance(entry.get("condition"), str):
                condition, at = entry["condition"], _loc(entry, "condition")
            else:
                condition, at = STARTED, _loc(node, dep)
    return condition, at


def _probe_at(project: Project, service: str) -> Location | None:
    from doctor.project.keyat import service_key_at

    return service_key_at(project, service, "healthcheck", "test") or service_key_at(project, service, "healthcheck")


def _loc(node: object, key: str | int) -> Location | None:
    """Where the loader saw `key` of a mapping or item of a sequence (its YMap and YList keep it)."""
    loc_of = getattr(node, "loc_of", None)
    found = loc_of(key) if loc_of is not None else None
    return found if isinstance(found, Location) else None
