"""compose refusing a network of the engine that has the project's network's name (network_clash).

compose makes a project's network under its engine name (`PROJECT_KEY`, or the `name:` it is given) and labels it
with the key (`com.docker.compose.network`). It finds one of that name already there with another key's label (a
network of another project declaring the same `name:`, one made by hand, `docker network create`) and stops before
creating anything: `network temporal-network was found but has incorrect label com.docker.compose.network set to
"temporal" (expected: "temporal-network")` (compose v2.40). port-collision says so before `up` where the name
is fixed (checks/port_collision/shared_network.py); after the fact the line says all `why` needs: which name, the
label found and the key expected, whose declaration it points to.
"""

from __future__ import annotations

from doctor.model import Fix, Location, Safety, Severity
from doctor.why.diagnose import WHY, Explained, Symptom

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

NETWORK_LABEL = "com.docker.compose.network"


def network_clash(project: Project, symptom: Symptom) -> Explained | None:
    """`why`'s own cause for compose's `network NAME was found but has incorrect label ...` (REFUSED's `network`,
    `found`, `expected` captures): the engine's network NAME is not this project's, with the declaration of the
    network compose meant (`networks: KEY:`) and the ways out; None when the line is no such refusal."""
    captured = symptom.captured
    name = captured.get("network", "")
    if not name:
        return None
    found, key = captured.get("found", ""), captured.get("expected", "")
    whose = (f"labelled as the network {found!r} ({NETWORK_LABEL}: another project's, an older key of this one, or "
             "set by hand)" if found else "with no network label of compose's (`docker network create`, another tool)")
    ours = f"this project's network {key!r}" if key else "this project's network"
    message = (f"a network named {name!r} is on the engine already, {whose}: compose will not use it as {ours}, "
               "so `up` created nothing")
    declared = f"under `networks: {key}:`" if key else "under `networks:`"
    title = (f"to share it, mark it `external: true` {declared}; else give yours another `name:` (`docker network rm "
             f"{name}` if that one is yours and unused)")
    return Explained(WHY, Severity.ERROR, message, _declared_at(project, key), f"network-clash:{name}",
                     Fix(title, Safety.ADVICE), symptom, own=True)


def _declared_at(project: Project, key: str) -> Location | None:
    """Where the last compose file that declares the top-level network `key` writes it; None when none does (the
    `default` network compose makes unasked)."""
    found = None
    for document in project.compose_documents():
        for doc in document.docs:
            networks = doc.get("networks") if isinstance(doc, dict) else None
            if isinstance(networks, dict) and key in networks:
                found = getattr(networks, "locs", {}).get(key) or found
    return found
