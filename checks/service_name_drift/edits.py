"""Where a drifted host is written and the edits that rewrite it: one host, or every host of a list."""

from __future__ import annotations

import re

from doctor.model import Edit, Finding, Fix, Location, Safety
from doctor.project import Project
from doctor.project.edits import Bounded, interpolated_at, value_edit
from doctor.project.env_hosts import HostRef, host_refs
from doctor.project.service_network import NetworkView, published_target
from doctor.project.types import EnvVar, Service

Use = tuple[Service, NetworkView, EnvVar, HostRef]


def written_at(project: Project, var: EnvVar, ref: HostRef) -> Location | None:
    """Where the host is written: the value's own line, else the .env line it interpolates
    (`POSTGRES_SERVER: ${POSTGRES_SERVER}` names .env's `POSTGRES_SERVER=postgresserver`)."""
    for pattern in (_host_pattern(ref), _plain_pattern(ref.host)):
        found = value_edit(project, var, pattern, ref.host)  # an edit that changes nothing: only its place
        if found is not None:
            at = var.location
            return at if at is not None and (at.path, at.line) == (found.path, found.line) else Location(
                found.path, found.line)
    return var.location


def _plain_pattern(host: str) -> str:
    return Bounded(host, ".$-", ".-")


def _host_pattern(ref: HostRef) -> str:
    """The host where it sits on its line: after `@` or `//` in a URL, as a whole word in a plain value."""
    host = re.escape(ref.host)
    after = r"(?=[:/,?#\s\"'\]]|$)"
    # after its keyword in a connection string: `Server=sqldb,1433;`, `host=pg port=5432`, a Go DSN's `tcp(pg:5432)`
    if ref.conn and ref.field is not None:
        return rf"(?<={re.escape(ref.field)}){host}(?=[,:;\\\s\"')]|$)"
    if ref.field is not None:  # the string of its JSON field: `"host": "postgresserver"`, nothing else of the value
        field = re.escape(f'"{ref.field}"')
        return "(?:" + "|".join(rf"(?<={field}{colon}\")" for colon in (":", ": ", " :", " : ")) + rf"){host}(?=[:\"])"
    if ref.scheme is None:
        return _plain_pattern(ref.host)
    # after a password, the host follows the authority's last `@` (`p@db x@db:5432`: the second)
    return rf"(?<=@){host}{after}(?![^/?#]*@)" if ref.has_password else rf"(?<=[/@,]){host}{after}"


def host_shown(var: EnvVar, ref: HostRef) -> str:
    """How a message names the host: `DB_HOST=postgresserver`, `DATABASE_URL host 'pg'`."""
    return f"{var.name}={ref.host}" if ref.scheme is None and ref.field is None else f"{var.name} host '{ref.host}'"


def host_edit(project: Project, var: EnvVar, ref: HostRef, meant: str) -> Edit | None:
    """The edit writing `meant` for the host where the value is written."""
    edit = value_edit(project, var, _host_pattern(ref), meant)
    if edit is None and ref.scheme is not None:  # `@${POSTGRES_SERVER}:` in the URL: the host alone in .env
        edit = value_edit(project, var, _plain_pattern(ref.host), meant)
    return edit


def host_port_edit(project: Project, var: EnvVar, ref: HostRef, meant: str) -> tuple[Edit, int] | None:
    """The edit writing `meant` and its container port where a URL names the drifted host with the
    HOST port `meant` publishes (docker-django-example's `@postgresserver:5433` while 'postgres'
    publishes 5433:5432): the host alone would leave it dialling postgres:5433, where nothing listens
    inside the network; and the container port. None unless the URL's port is such a host port."""
    svc = project.services.get(meant)
    if ref.scheme is None or ref.port is None or svc is None:
        return None
    target = published_target(svc, ref.port)
    if target is None:
        return None  # no such mapping, or the port is also one it listens on
    host = re.escape(ref.host)
    before = r"(?<=@)" if ref.has_password else r"(?<=[/@,])"
    pattern = rf"{before}{host}:{ref.port}(?!\d)" + (r"(?![^/?#]*@)" if ref.has_password else "")
    edit = value_edit(project, var, pattern, f"{meant}:{target}")
    return (edit, target) if edit is not None else None


def edited_name(project: Project, var: EnvVar, edit: Edit) -> str:
    """What a fix title names as edited: the variable itself, or the `.env` variable its value
    interpolates when the edit is there (`DATABASE_URL: postgres://u@${DB_HOST}/x` rewrites
    `DB_HOST=`): "DB_HOST, which DATABASE_URL uses", so the title names the line the diff changes."""
    at = var.location
    if at is not None and (at.path, at.line) == (edit.path, edit.line):
        return var.name
    for name in var.variables:
        found = interpolated_at(project, name, at.path if at is not None else None)
        if found is not None and name != var.name and (found[0], found[1].line) == (edit.path, edit.line):
            return f"{name}, which {var.name} uses"
    return var.name


def list_fix(project: Project, var: EnvVar, found: list[Finding], uses: list[Use]) -> Fix:
    """One edit of the value's line for every host with a suggestion; the others are left to the author."""
    edits = {id(f): f.fix.edits[0] for f in found if f.fix is not None and f.fix.edits}
    lines = {(e.path, e.line, e.old) for e in edits.values()}
    titles = "; ".join(f.fix.title for f in found if f.fix is not None)
    if len(lines) != 1:
        return Fix(titles, Safety.ADVICE)
    first = next(iter(edits.values()))
    assert isinstance(first.old, str)
    line = first.old
    # what each entry of the value becomes: a later one equal to an earlier one is dropped
    meant = {ref.host: _meant(f) for f, (_, _, _, ref) in zip(found, uses, strict=True)}
    results: set[tuple[str, int | None]] = {(r.host.lower(), r.port) for r in host_refs(var.name, var.value, json=True)
                                            if r.host not in meant}
    replaced, dropped, left = [], [], []
    for f, (_, _, _, ref) in zip(found, uses, strict=True):
        new = meant[ref.host]
        if new is None or id(f) not in edits:
            left.append(ref.host)
            continue
        result = (new.lower(), ref.port)
        entry = re.escape(ref.host) + (f":{ref.port}" if ref.port is not None else "")
        # the entry with the separator before it, or (the list's first) the one after it
        around = (rf"(?:\s*,\s*|\s+){entry}(?![\w.:-])", rf"(?<![\w.$/@:-]){entry}(?:\s*,\s*|\s+)(?=[\w\[])")
        drop = next((p for p in around if len(re.findall(p, line)) == 1), None) if result in results else None
        if drop is not None:
            line = re.sub(drop, "", line)
            dropped.append(f"'{ref.host}' ('{new}' is in the list already)")
            continue
        pattern = next((p for p in (_host_pattern(ref), _plain_pattern(ref.host)) if len(re.findall(p, line)) == 1),
                       None)
        if pattern is None:
            left.append(ref.host)
            continue
        line = re.sub(pattern, new, line)
        results.add(result)
        replaced.append(f"'{ref.host}' by '{new}'")
    if not replaced and not dropped:
        return Fix(titles, Safety.ADVICE)
    title = f"replace {' and '.join(replaced)}" if replaced else ""
    title += (" and " if title else "") + f"drop {' and '.join(dropped)}" if dropped else ""
    title = f"{title} in {edited_name(project, var, first)}"
    if left:
        title += f"; point {', '.join(repr(h) for h in left)} at a service by hand"
    return Fix(title, Safety.UNSAFE, (Edit(first.path, first.old, line, first.line),))


def _meant(finding: Finding) -> str | None:
    """The service a single host's fix writes (from its title), None for advice."""
    fix = finding.fix
    if fix is None or not fix.edits:
        return None
    found = re.match(r"replace '.*?' by '(.*?)' in ", fix.title)
    return found[1] if found else None
