"""leaked-host-port: the lines that write what a finding names: the address inside a value (its own
line, else the `.env` line compose interpolates it from), the `.env` line of a port variable a value
writes, and a service's `command:`/`entrypoint:`/`healthcheck:` key. Moved from __init__ by pure moves."""

from __future__ import annotations

import re

from doctor.model import Location
from doctor.project import Project
from doctor.project.edits import Bounded, value_edit
from doctor.project.types import EnvVar, Service


def _address_at(project: Project, var: EnvVar, address: str) -> Location | None:
    """The line that writes `address` (`postgres:5433`) into the value: its own line, else the
    `.env` line compose interpolates it from; None when it is not written as such."""
    edit = value_edit(project, var, Bounded(address, ".-", "", digit_after=True), address)
    return Location(edit.path, edit.line) if edit is not None else None


def _origin(project: Project, var: EnvVar, at: Location | None) -> str:
    """`; .env:1 sets DB_PORT=5433`: where the port a value dials comes from, when an env file compose
    interpolates from writes it (saleor-platform's backend.env `...@db:${DB_PORT}/saleor`) and the
    finding is not at that line already; else nothing. That file is `.env`, or the `--env-file` that
    sets it (smartdeploy's `--env-file default.env`: its .env, which compose then reads not, says
    another port)."""
    if not var.raw:
        return ""
    from doctor.project.edits import interpolated_at

    from .override_fix import written_variables

    notes = []
    for name in written_variables(project, var):
        found = interpolated_at(project, name)
        if found is None or (at is not None and at.path == found[0]):
            continue
        path, entry = found
        # a port: digits, written after a colon and not before an `@` (never a URL's password)
        port = rf":(?:\$\{{{re.escape(name)}(?:[:?+=-][^}}@]*)?\}}|\${re.escape(name)}(?![A-Za-z0-9_]))(?!@)"
        if (entry.value or "").isdigit() and re.search(port, var.raw):
            notes.append(f"{project.shown(path)}:{entry.line} sets {name}={entry.value}")
    return "; " + ", ".join(notes) if notes else ""


def _key_line(project: Project, service: Service, part: str) -> Location | None:
    """The line of the service's `entrypoint:`/`command:`/`healthcheck:` in the file that wins the
    merge (an override's), else the service's own line."""
    from doctor.project.keyat import service_key_at

    return service_key_at(project, service.name, part) or service.location
