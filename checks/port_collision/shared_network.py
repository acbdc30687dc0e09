"""A network the project creates under a fixed `name:` that another compose project's `up` already made.

compose looks the network up by that name and, finding one labelled for the same key but another project (a second
worktree of dittofeed, whose `dittofeed-network-dev: {name: dittofeed-network-dev}` every checkout declares), only
warns that it `exists but was not created for project` and joins it (compose v2's resolveOrCreateNetwork): each
service name there then answers for both checkouts' containers, and this checkout's `postgres` may be the other's.
One labelled for another key, or with no compose labels, `up` refuses (`was found but has incorrect label`):
`doctor why` explains that one from `up`'s words (doctor.why.network_clash).
"""

from __future__ import annotations

from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, Unavailable
from doctor.project.types import ComposeModel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

PROJECT_LABEL = "com.docker.compose.project"
NETWORK_LABEL = "com.docker.compose.network"


def shared_network_findings(check: Check, model: ComposeModel, host: Host,
                            project: Project | None = None) -> Iterator[Finding]:
    """A warning per fixed network name of ours the engine has from another project's `up` (same key, so `up` joins
    it); an info per one the engine did not answer for in its timeout (whether it is shared is unknown)."""
    from doctor.host.engine import quote  # urllib.parse's, without importing it (tests/test_lean_imports.py)
    from doctor.host.images import not_found

    for key, name in sorted(model.fixed_networks.items()):
        try:
            found = host.engine.get_json(f"/networks/{quote(name, safe='')}")
        except Unavailable as exc:
            if not not_found(exc):
                yield check.finding(f"could not ask the engine for network {name!r} ({exc.reason}): whether another "
                                    "project's 'up' made it is unknown", _declared_at(project, key), f"network:{name}",
                                    severity=Severity.INFO)
            continue
        labels = (found.get("Labels") or {}) if isinstance(found, dict) else {}
        other = labels.get(PROJECT_LABEL, "") if isinstance(labels, dict) else ""
        if not isinstance(found, dict) or found.get("Name") != name or not other or other == model.project_name \
                or labels.get(NETWORK_LABEL) != key:
            continue
        yield check.finding(
            f"network {name!r} (`networks: {key}: name:`) exists on the engine, made by project '{other}': 'up' joins "
            "it, where each service name answers for both projects' containers",
            _declared_at(project, key), f"network:{name}",
            Fix(f"give this checkout a network of its own: `networks: {key}: name: !reset null` in the dev override "
                f"(compose then names it {model.project_name}_{key}), or remove the other one if it is yours to "
                f"remove (`docker network rm {name}`, once its containers are down)", Safety.ADVICE),
            severity=Severity.WARNING)


def _declared_at(project: Project | None, key: str) -> Location | None:
    """Where the last compose file that declares the network `key` writes its `name:`, else the key; None when none
    is known."""
    if project is None:
        return None
    found: Location | None = None
    for document in project.compose_documents():
        for doc in document.docs:
            networks = doc.get("networks") if isinstance(doc, dict) else None
            spec = networks.get(key) if isinstance(networks, dict) else None
            if isinstance(spec, dict):
                found = getattr(spec, "locs", {}).get("name") or getattr(networks, "locs", {}).get(key) or found
    return found
