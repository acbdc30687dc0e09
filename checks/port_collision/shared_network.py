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
    """A warning per network of ours the engine has from another project's `up` (same key, so `up` joins it); an
    error per one it has with another key's label or none (`up` refuses it); an info per fixed name when the engine
    did not answer in its timeout (whether it is shared is unknown). The networks are those compose creates for the
    enabled services: under a fixed `name:`, and under the name compose gives the others, `<project>_<key>` (a
    `docker network create myproj_default` by hand is refused as a fixed name's is); all asked in one request."""
    fixed = dict(model.fixed_networks)
    joined = sorted({key for service in model.services.values() for key in service.networks})
    implicit = {key: f"{model.project_name}_{key}" for key in joined
                if key not in fixed and key not in model.external_networks}
    wanted = {**fixed, **implicit}
    if not wanted or not model.project_name:
        return
    listed = _networks(host, sorted(set(wanted.values())))
    if isinstance(listed, str):  # the engine did not answer: said for the fixed names, whose sharing is by design
        for key, name in sorted(fixed.items()):
            yield check.finding(f"could not ask the engine for network {name!r} ({listed}): whether another "
                                "project's 'up' made it is unknown", _declared_at(project, key), f"network:{name}",
                                severity=Severity.INFO)
        return
    for key, name in sorted(wanted.items()):
        found = listed.get(name)
        if found is None:
            continue
        labels = found.get("Labels") or {}
        labels = labels if isinstance(labels, dict) else {}
        other = labels.get(PROJECT_LABEL, "")
        if labels.get(NETWORK_LABEL) != key:
            yield _refused(check, project, model, key, name, labels, key in implicit)
            continue
        if not other or other == model.project_name:
            continue
        what = _what(key, name, key in implicit)
        own = ("run this project under a name of its own (`-p`, COMPOSE_PROJECT_NAME)" if key in implicit else
               f"`networks: {key}: name: !reset null` in the dev override (compose then names it "
               f"{model.project_name}_{key})")
        yield check.finding(
            f"network {name!r} ({what}) exists on the engine, made by project '{other}': 'up' joins "
            "it, where each service name answers for both projects' containers",
            _declared_at(project, key), f"network:{name}",
            Fix(f"give this checkout a network of its own: {own}, or remove the other one if it is yours to "
                f"remove (`docker network rm {name}`, once its containers are down)", Safety.ADVICE),
            severity=Severity.WARNING)


def _networks(host: Host, names: list[str]) -> dict[str, dict[str, object]] | str:
    """The engine's networks of exactly these names, from one request (its `name` filter matches more: a part of a
    name), by name; why not, when the engine did not answer (a 404, an engine without the list, is none)."""
    import json

    from doctor.host.engine import quote  # urllib.parse's, without importing it (tests/test_lean_imports.py)
    from doctor.host.images import not_found

    try:
        found = host.engine.get_json("/networks?filters=" + quote(json.dumps({"name": names}), safe=""))
    except Unavailable as exc:
        return {} if not_found(exc) else exc.reason
    wanted = set(names)
    return {n["Name"]: n for n in found if isinstance(n, dict) and n.get("Name") in wanted} \
        if isinstance(found, list) else {}


def _what(key: str, name: str, implicit: bool) -> str:
    """How a finding names the project's network `key`: its `name:` line, or the name compose gives it."""
    return f"the project's network '{key}', which compose names {name}" if implicit else f"`networks: {key}: name:`"


def _refused(check: Check, project: Project | None, model: ComposeModel, key: str, name: str,
             labels: dict[object, object], implicit: bool = False) -> Finding:
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
    if implicit:  # no `name:` to drop: compose named it from the project; external needs the name written
        share = (f"to share that network, declare it `networks: {key}: {{name: {name}, external: true}}` (compose "
                 "then uses it as it is)")
        own = "run this project under a name of its own (`-p`, COMPOSE_PROJECT_NAME)"
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
        f"network {name!r} ({_what(key, name, implicit)}) exists on the engine, made {maker}: 'up' refuses it "
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
