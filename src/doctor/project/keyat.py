"""Where a service's key is written, as the compose files write it (before merge): a key a YAML
anchor gives the service (`x-common: &common` with `command:`, then `<<: *common`) is at the
anchor's line, above the service, not below the service's own key."""

from __future__ import annotations

from pathlib import Path

from doctor.model import Location
from doctor.project import Project
from doctor.project.edits import line_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterator

    from doctor.project.types import Service


def service_key_at(project: Project, service: str, *keys: str) -> Location | None:
    """The location of `services.<service>.<keys...>` in the last compose file that sets it (it wins
    the merge: command, entrypoint and healthcheck.test are replaced, not merged); None when no
    file writes it for that service (extends, include, or no such key)."""
    found = None
    for written in service_nodes(project, service):
        node: object = written
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


def service_nodes(project: Project, service: str) -> Iterator[dict[str, object]]:
    """The mapping each compose document writes for `services.<service>`, in the order compose merges them
    (the loader's nodes, which keep where each key is written)."""
    for document in project.compose_documents():
        for doc in document.docs:
            services = doc.get("services") if isinstance(doc, dict) else None
            node = services.get(service) if isinstance(services, dict) else None
            if isinstance(node, dict):
                yield node


SCAN_LINES = 400  # how far below its key a service's command is looked for


def written_in(project: Project, service: Service, part: str, word: str) -> Location | None:
    """The line that matches the regular expression `word` in the service's `part` (entrypoint,
    command, healthcheck): in that key's value where a compose file writes the key (an anchor's
    `command:` above the service, frappe-style `<<: *common`), else below the service's key;
    None when it is not written there."""
    import re

    pattern = re.compile(word)
    key = service_key_at(project, service.name, *((part, "test") if part == "healthcheck" else (part,)))
    if key is not None and key.line is not None:
        return _in_value(key, pattern)
    at = service.location
    if at is None or at.line is None:
        return None
    for line in range(at.line, at.line + SCAN_LINES):
        text = line_text(Path(at.path), line)
        if text is None:
            break
        if pattern.search(text):
            return Location(at.path, line)
    return None


def _in_value(key: Location, word: re.Pattern[str]) -> Location | None:
    """The line of the key's value (its own line, then the lines indented below it, or a block
    sequence at its indent) that matches `word`."""
    assert key.line is not None
    indent = (key.column or 1) - 1
    for line in range(key.line, key.line + SCAN_LINES):
        text = line_text(Path(key.path), line)
        if text is None:
            break
        depth = len(text) - len(text.lstrip(" "))
        inside = line == key.line or not text.strip() or depth > indent or (
            depth == indent and text.lstrip().startswith("- "))
        if not inside:
            break
        if word.search(text):
            return Location(key.path, line)
    return None
