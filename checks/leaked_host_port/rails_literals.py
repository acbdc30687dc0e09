"""leaked-host-port (8): a Rails app's literal `host: localhost` in config/database.yml, read in its container.

A Rails app made on the host says `host: localhost` in database.yml, no ERB: no variable changes it
(but DATABASE_URL, which Rails merges over the section). Moved into compose beside a postgres or mysql
service, the app dials its own container. Judged where the line is in a section the service's RAILS_ENV
reads (`development` where unset) or one anchored for merging, the file reaches a service running Ruby,
compose and the image set no DATABASE_URL, and a peer, not the service, listens on the port the
section gives (`port:`, else the adapter's: postgresql 5432, mysql2 3306).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doctor.model import Location
from doctor.project import Project
from doctor.project.app_markers import rails_app
from doctor.project.env_hosts import HostRef
from doctor.project.reading import is_file, read_regular_text
from doctor.project.service_network import NetworkIndex, listen_ports, namespace_owner

from .code_defaults import CodeDefault


def rails_literal_hosts(project: Project, index: NetworkIndex) -> Iterator[CodeDefault]:
    """One CodeDefault (a literal, `read=False`) per database.yml line, naming every service it reaches."""
    from doctor.project.appenv import image_env

    found: dict[tuple[Path, int, int, str], tuple[HostRef, dict[str, tuple[str, int]]]] = {}
    model = project.app_compose
    for service in model.services.values():
        owner, view = namespace_owner(model, service), index.view(service)
        if owner is None or view is None:
            continue
        codes = project.code_map(service)
        if not rails_app(codes):
            continue  # no Rails app reaches it: rails_env (imported below) would find no database.yml
        from doctor.project.rails_env import literal_host, rails_folders

        process = {**image_env(project, service),
                   **{n: v.value for n, v in service.environment.items() if v.value is not None}}
        if "DATABASE_URL" in process:
            continue  # Rails merges it over the section's host
        for folder in rails_folders(project, service, codes):
            path = folder / "config" / "database.yml"
            inside = codes.to_container(path)
            mapped = codes.to_host(inside) if inside is not None else None
            if mapped is None or mapped[0] != path or not is_file(path):
                continue
            current = process.get("RAILS_ENV") or process.get("RACK_ENV") or "development"
            literal = literal_host(read_regular_text(path, 256 * 1024) or "", current)
            if literal is None:
                continue
            line, column, host, port = literal
            ref = HostRef("host", host, port)
            if not ref.is_local or port in listen_ports(owner):
                continue
            listener = view.listener(port, service.name, service.depends_on)
            if listener is not None:
                found.setdefault((path, line, column, host), (ref, {}))[1][service.name] = listener
    for (path, line, column, host), (ref, readers) in found.items():
        peer, port = max(set(readers.values()), key=list(readers.values()).count)
        yield CodeDefault(Location(path, line, column), "host", str(host), ref, peer, port, tuple(readers),
                          False)
