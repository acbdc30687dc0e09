"""URL passwords whose raw `/`, `?`, `#` or `@` make clients read another host than the one written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doctor.model import Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.edits import interpolated_at
from doctor.project.env_hosts import host_refs, raw_passwords
from doctor.project.types import EnvVar

ENCODED = {"/": "%2F", "?": "%3F", "#": "%23", "@": "%40"}

# (message, where, subject, fix, severity), as ServiceNameDrift.finding takes them
Found = tuple[str, Location | None, str, Fix, Severity]


def password_findings(project: Project) -> Iterator[Found]:
    """One finding per written URL whose user or password holds a raw `/`, `?`, `#` or `@`,
    naming the services that get it; at the line that writes the password (the `.env` line of a
    variable the URL interpolates, `postgres://app:${POSTGRES_PASSWORD}@db/app`), else the URL's."""
    found: dict[tuple[Location | None, str], tuple[EnvVar, str, str, list[str]]] = {}
    for service in project.compose.services.values():
        for var in service.environment.values():
            chars = "".join(sorted(set("".join(raw_passwords(var.name, var.value)))))
            if not chars:
                continue
            at, source = var.location, ""
            for name in var.variables:  # the password compose put into the URL, as written
                written = interpolated_at(project, name, var.location.path if var.location else None)
                if written is not None and any(c in written[1].value for c in chars):
                    at, source = Location(written[0], written[1].line), name
                    break
            found.setdefault((at, var.name), (var, chars, source, []))[3].append(service.name)
    for (at, _), (var, chars, source, services) in found.items():
        if chars == "@" and all(_go_built(project, name) for name in services):
            continue  # Go's net/url ends the user info at the last '@' (go-clean-template's pgx and lib/pq)
        yield _finding(var, chars, source, sorted(set(services)), at)


def _go_built(project: Project, name: str) -> bool:
    """Whether the service is a Go program built from the project: its build context holds go.mod."""
    from doctor.project.reading import is_file

    service = project.compose.services.get(name)
    return service is not None and service.build is not None and is_file(Path(service.build.context) / "go.mod")


def _finding(var: EnvVar, chars: str, source: str, services: list[str], at: Location | None) -> Found:
    host = next((ref.host for ref in host_refs(var.name, var.value)), "")
    raw = " and ".join(f"'{c}'" for c in chars)
    cut = [c for c in chars if c != "@"]
    if cut:
        why = (f"Python's urllib, Node's and Go's URL parsers and libpq end the host part at the first "
               f"{' or '.join(repr(c) for c in cut)}, so {' and '.join(services)} "
               f"{'do' if len(services) > 1 else 'does'} not reach '{host}'")
    else:
        why = f"libpq and SQLAlchemy end the password at its first '@' and dial the rest as the host, not '{host}'"
    whose = f" (from {source})" if source else ""
    message = f"{var.name}'s password{whose} holds a raw {raw}: {why}"
    encoded = ", ".join(f"'{c}' as {ENCODED[c]}" for c in chars)
    if source:
        title = (f"compose writes {source} into {var.name} as it is (it encodes nothing): choose a password "
                 f"without {raw}, or give {var.name} a copy with {encoded}")
    else:
        title = f"percent-encode the password in {var.name}: {encoded}"
    return message, at, f"{','.join(services)}:{var.name}:password", Fix(title, Safety.ADVICE), (
        Severity.ERROR if cut else Severity.WARNING)
