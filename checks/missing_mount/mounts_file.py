"""missing-mount's choice of the compose file a fix adds mounts to."""

from __future__ import annotations

from pathlib import Path

from doctor.model import Location
from doctor.project import Project
from doctor.project.edits import dev_override


def mounts_file(project: Project, location: Location | None) -> Path | None:
    """The compose file added mounts go to: the override holding the service's other mounts (the
    ones the finding cites, at `location`) when compose reads it after the main file: IntelOwl's
    uwsgi mounts its code in docker/test.override.yml, while the last -f file, nginx.override.yml,
    serves the prod stack too (and a last file of one feature is no dev override at all). Else the
    dev override (doctor.project.edits.dev_override): mounts in the main file may be its prod ones.
    Where no dev override is read, nor would a new one be (peeringdb's `-f Ctl/dev/docker-compose.yml`
    alone, a devcontainer's one file), the file compose reads the other mounts from is the dev setup:
    the mount goes beside them there, as leaked-host-port rewrites such a file in place. (Found by
    itself, a lone compose.yaml gets the new compose.override.yaml compose reads beside it.)"""
    files = project.compose.files
    if location is not None and location.path in files[1:]:
        return location.path
    override = dev_override(project)
    if override is None and location is not None and location.path in files:
        return location.path
    return override


def retitled(project: Project, title: str, override: Path) -> str:
    """A fix title's "in the dev override" naming the file the edit writes: one it creates (pythondotorg's
    trial read "the dev override" as one it had), or an override other than the dev override."""
    if not override.exists():
        return title.replace(" in the dev override", f" in a new dev override {project.shown(override)}", 1)
    if override != dev_override(project):
        return title.replace(" in the dev override", f" in {project.shown(override)} beside its other mounts", 1)
    return title
