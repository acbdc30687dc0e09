"""leaked-host-port's repair: the container-side values, set in the dev override compose loads."""

from __future__ import annotations

import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit, Fix, Safety
from doctor.project import Project
from doctor.project.edits import dev_override, override_edit, replace_on_line
from doctor.project.env_hosts import host_refs
from doctor.project.types import EnvSource, EnvVar, Service

URL_PASSWORD = lazy(r"://[^/@\s:]*:[^/@\s]*@")
Consumer = tuple[Service, EnvVar, str]  # the service, its variable, the container-side value it needs


def override_fix(project: Project, consumers: list[Consumer]) -> tuple[str, Fix]:
    """(the finding's subject, its fix) for consumers of one variable line: a safe edit of the dev
    override where there is one and the value carries no URL password, else advice."""
    var = consumers[0][1]
    subject = f"{','.join(sorted({s.name for s, _, _ in consumers}))}:{var.name}"
    wanted = {s.name: {v.name: value} for s, v, value in consumers}
    override = dev_override(project)
    edit = None
    if override is not None and (written := _written_in(project, override, consumers)) is not None:
        edit = override_edit(override, "environment", wanted, written)
    secret = any(URL_PASSWORD.search(value) for _, _, value in consumers)
    names = ", ".join(repr(s) for s in sorted(wanted))
    title = f"set {var.name} for {names} in the dev override"
    if edit is not None and not secret:
        return subject, Fix(title, Safety.SAFE, (edit,))
    if override is None and not secret and (own := _own_line_edit(project, consumers)) is not None:
        return subject, Fix(f"set {var.name} to {consumers[0][2]} on {project.shown(own.path)}:{own.line}",
                            Safety.SAFE, (own,))
    if override is None:  # no override compose reads here (one -f file, a devcontainer's list)
        title = f"set {var.name} in the environment of {names}"
        if not secret and len({value for _, _, value in consumers}) == 1:
            title = f"set {var.name}={consumers[0][2]} in the environment of {names}"
    if secret:  # the value is not written out: say which part of it to change
        title += _hosts_changed(var.name, var.value, consumers[0][2])
    return subject, Fix(title, Safety.ADVICE)


def _own_line_edit(project: Project, consumers: list[Consumer]) -> Edit | None:
    """The value rewritten where it is written, when that is a literal on a compose file's
    `environment:` line that only these consumers read (mastodon's .devcontainer/compose.yaml,
    started with its own -f list: no override is read, and that line is the container's alone)."""
    var = consumers[0][1]
    where, old = var.location, var.value
    if where is None or where.line is None or not old or where.path not in project.compose.files:
        return None
    if len({value for _, _, value in consumers}) != 1 or any(
            v.location != where or v.source is not EnvSource.ENVIRONMENT or v.raw is None or "$" in v.raw
            for _, v, _ in consumers):
        return None
    if _written_in(project, where.path, consumers) is None:  # an anchor: another service reads it too
        return None
    return replace_on_line(where.path, where.line, rf"(?<![\w.:/@-]){re.escape(old)}(?![\w.:/@-])", consumers[0][2])


def _hosts_changed(key: str, old: str | None, new: str) -> str:
    """`, with db:5432 in place of db:5433`: the hosts of a URL value that change, without its userinfo."""
    def hosts(value: str | None) -> list[str]:
        return [r.host if r.port is None else f"{r.host}:{r.port}" for r in host_refs(key, value)]

    pairs = [(a, b) for a, b in zip(hosts(old), hosts(new), strict=False) if a != b]
    if not pairs:
        return ""
    return ", with " + ", ".join(f"{b} in place of {a}" for a, b in pairs)


def _written_in(project: Project, override: Path, consumers: list[Consumer]) -> dict[str, dict[str, int]] | None:
    """service -> variable -> the override line that sets it today (its value is replaced there);
    None when another service reads that same line (an anchor): rewriting it would change that one too."""
    written: dict[str, dict[str, int]] = {}
    lines: set[int] = set()
    for service, var, _ in consumers:
        where = var.location
        if where is not None and where.line is not None and where.path == override:
            written.setdefault(service.name, {})[var.name] = where.line
            lines.add(where.line)
    wanted = {s.name for s, _, _ in consumers}
    for other in project.compose.services.values():
        for var in other.environment.values():
            where = var.location
            if other.name not in wanted and where is not None and where.path == override and where.line in lines:
                return None
    return written
