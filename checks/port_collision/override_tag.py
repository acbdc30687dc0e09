"""Whether a ports list rewritten in the dev override needs compose's `!override` tag.

Compose appends an override file's `ports` to those of the files before it, so a moved port
written there needs `ports: !override [...]` (compose >= 2.24.4), or the old binding stays. A
service whose ports only the override writes (wemake-django-template's `web`, whose
docker-compose.yml publishes nothing; DefectDojo's `mailhog`, defined in
docker-compose.override.dev.yml alone) has nothing to append to: its list is rewritten as it is,
untagged, and works with any compose.
"""

from __future__ import annotations

from pathlib import Path

from doctor.project.types import Service
from doctor.project.yamlload import YamlError, YMap, load_documents

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def needs_override_tag(project: Project, service: Service, override: Path) -> bool:
    """False only when every port of `service` is written in `override`, no other compose file
    read gives the service `ports` (or `extends`, which may bring some), and the override's own
    list carries no `!override`/`!reset` already; True when a file cannot be read."""
    if any(p.location is None or p.location.path != override for p in service.ports):
        return True
    for path in project.compose.files:
        try:
            documents, tagged = load_documents(path)
        except (OSError, YamlError):
            return True
        if path == override and any(keys[:3] == ("services", service.name, "ports") for keys, _ in tagged):
            return True  # the author's tag: keep it
        for document in documents:
            services = document.get("services") if isinstance(document, YMap) else None
            written = services.get(service.name) if isinstance(services, YMap) else None
            if isinstance(written, YMap) and ("extends" in written or (path != override and "ports" in written)):
                return True
    return False


def others_may_publish(project: Project, service: Service, override: Path, port: int) -> bool:
    """Whether a compose file other than the dev override may publish host port `port` for
    `service`: a ports entry of it naming the number (as compose interpolates it), or an
    `extends` (which may bring some); True when a file cannot be read. Compose merges an entry the
    override repeats into one, so a moved line of the override would leave that binding (the
    whole list is then rewritten `!override`); where no other file may publish the port, the
    override's own line is the move (appwrite's traefik, `9520:80` below the base file's 80 and 443)."""
    import re

    number = re.compile(rf"(?<![0-9]){port}(?![0-9])")
    for path in project.compose.files:
        try:
            documents, _ = load_documents(path)
        except (OSError, YamlError):
            return True
        for document in documents:
            services = document.get("services") if isinstance(document, YMap) else None
            written = services.get(service.name) if isinstance(services, YMap) else None
            if not isinstance(written, YMap):
                continue
            if "extends" in written:
                return True
            if path == override:
                continue
            ports = written.get("ports")
            text = str(ports) if ports is not None else ""
            if "$" in text:  # as compose interpolates it (appwrite's `${_APP_HTTP_PORT:-80}:80`)
                from doctor.project.interpolate import InterpolationError, as_lookup, substitute

                try:
                    text = substitute(text, as_lookup(project.compose.variables))[0]
                except InterpolationError:  # compose would refuse it too: unknown, so maybe
                    return True
            if number.search(text):
                return True
    return False
