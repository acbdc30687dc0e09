"""A network the project creates under a fixed `name:` that another compose project's `up` already made.

compose looks the network up by that name and, finding one labelled for the same key but another project (a second
worktree of dittofeed, whose `dittofeed-network-dev: {name: dittofeed-network-dev}` every checkout declares), only
warns that it `exists but was not created for project` and joins it (compose v2's resolveOrCreateNetwork): each
service name there then answers for both checkouts' containers, and this checkout's `postgres` may be the other's.
One labelled for another key, or with no compose labels (`docker network create`, another tool), `up` refuses
before creating anything (`network X was found but has incorrect label com.docker.compose.network set to ""`):
an error here, and `doctor why` explains it from `up`'s words after the fact (doctor.why.network_clash).
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
    it); an error per one it has with another key's label or none (`up` refuses it); an info per one the engine did
    not answer for in its timeout (whether it is shared is unknown)."""
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
        if not isinstance(found, dict) or found.get("Name") != name:
            continue  # the engine matches an id's prefix too: a network named otherwise is not this one
        labels = found.get("Labels") or {}
        labels = labels if isinstance(labels, dict) else {}
        other = labels.get(PROJECT_LABEL, "")
        if labels.get(NETWORK_LABEL) != key:
            yield _refused(check, project, model, key, name, labels)
            continue
        if not other or other == model.project_name:
            continue
        yield check.finding(
            f"network {name!r} (`networks: {key}: name:`) exists on the engine, made by project '{other}': 'up' joins "
            "it, where each service name answers for both projects' containers",
            _declared_at(project, key), f"network:{name}",
            Fix(f"give this checkout a network of its own: `networks: {key}: name: !reset null` in the dev override "
                f"(compose then names it {model.project_name}_{key}), or remove the other one if it is yours to "
                f"remove (`docker network rm {name}`, once its containers are down)", Safety.ADVICE),
            severity=Severity.WARNING)


def _refused(check: Check, project: Project | None, model: ComposeModel, key: str, name: str,
             labels: dict[object, object]) -> Finding:
    """The network of that name the engine has under another key's label, or none: compose's `up` stops at it
    (resolveOrCreateNetwork: `was found but has incorrect label com.docker.compose.network set to "..."`). Who
    made it is read from its labels: another project, this project under a key since renamed (its `down` no
    longer removes it), a label set by hand, an older compose's labels, or none."""
    label = labels.get(NETWORK_LABEL)
    label = label if isinstance(label, str) else ""
    other = labels.get(PROJECT_LABEL)
    other = other if isinstance(other, str) else ""
    share = f"to share that network, declare it `networks: {key}: external: true` (compose then uses it as it is)"
    own = (f"give this project a network of its own, `networks: {key}: name: !reset null` in the dev override "
           f"(compose then names it {model.project_name}_{key})")
    remove = f"`docker network rm {name}`, once no container uses it"
    if other == model.project_name:
        maker = (f"by this project's own 'up' as its network '{label}'" if label
                 else "by this project's own 'up' without compose's network label")
        title = f"remove it: `docker compose down` does, with the project's containers (or {remove}), then `up` again"
    else:
        if other and label:
            maker = f"by project '{other}' as its network '{label}'"
        elif other:
            maker = f"by project '{other}' without compose's network label (an older compose, or by hand)"
        elif label:
            maker = f"with the label of a network '{label}' and no compose project's"
        elif any(isinstance(k, str) and k.startswith("com.docker.compose.") for k in labels):
            maker = "with compose labels but no project's nor network's"
        else:
            maker = "outside compose (it has no compose labels: `docker network create`, another tool)"
        title = f"{share}; else {own}, or remove the other one if it is yours to remove ({remove})"
    return check.finding(
        f"network {name!r} (`networks: {key}: name:`) exists on the engine, made {maker}: 'up' refuses it "
        f"('network {name} was found but has incorrect label com.docker.compose.network set to \"{label}\"') and "
        "starts nothing", _declared_at(project, key), f"network:{name}", Fix(title, Safety.ADVICE),
        severity=Severity.ERROR)


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
