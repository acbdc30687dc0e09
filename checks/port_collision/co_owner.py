"""A held port's second owner: another project's stopped container that declares the port too.

A process (or a running container) holds the port now, and a stopped container of a third compose
project publishes it as well: it binds the port again at that project's next `up`. Freeing the port
from its first owner alone leaves it to the second, so the finding names both, and the fix offers
removing the leftover beside stopping the first (both asked, never with --yes); moving ours frees us
from both at once and stays the primary fix.
"""

from __future__ import annotations

from doctor.host.ports import ContainerPort
from doctor.model import Finding, Fix, Safety, replace


def second_owner(stopped: list[ContainerPort], first: str) -> ContainerPort | None:
    """The first of the `stopped` containers that is not the port's first owner (container name `first`)."""
    return next((c for c in stopped if c.name != first), None)


def with_second_owner(finding: Finding, owner: ContainerPort | None) -> Finding:
    """`finding` (about the port's first owner) naming `owner` too, its removal among the alternatives."""
    if owner is None:
        return finding
    said = (f"{finding.message}; stopped '{owner.project}' service '{owner.service}' (container {owner.name}) "
            "publishes it too and binds it at its next start")
    remove = Fix(f"remove the leftover container '{owner.name}'", Safety.UNSAFE, command=("docker", "rm", owner.name))
    fix = finding.fix
    if fix is None:
        return replace(finding, message=said)
    return replace(finding, message=said, fix=replace(fix, alternatives=(*fix.alternatives, remove)))
