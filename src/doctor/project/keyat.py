"""Where a service's key is written, as the compose files write it (before merge): a key a YAML
anchor gives the service (`x-common: &common` with `command:`, then `<<: *common`) is at the
anchor's line, above the service, not below the service's own key."""

from __future__ import annotations

from doctor.model import Location
from doctor.project import Project


def service_key_at(project: Project, service: str, *keys: str) -> Location | None:
    """The location of `services.<service>.<keys...>` in the last compose file that sets it (it wins
    the merge: command, entrypoint and healthcheck.test are replaced, not merged); None when no
    file writes it for that service (extends, include, or no such key)."""
    found = None
    for document in project.compose_documents():
        for doc in document.docs:
            node: object = doc.get("services") if doc is not None else None
            node = node.get(service) if isinstance(node, dict) else None
            at = None
            for key in keys:
                if not isinstance(node, dict) or key not in node:
                    at = None
                    break
                at = getattr(node, "locs", {}).get(key)
                node = node[key]
            if at is not None:
                found = at
    return found
