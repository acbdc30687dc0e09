"""Which findings explain a symptom: those of its signatures' checks naming a value its line captured, else the service.

A finding about another of the project's services never explains this one's symptom (subject_services,
about_service, names_service); a line that names no service (ALL_SERVICES) concerns them all. A path the line names
inside the container is read through the service's bind mounts as the project's (through_binds).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from doctor.model import Finding, Severity
from doctor.records import replace
from doctor.why.advice import as_explained
from doctor.why.diagnose import ALL_SERVICES, BARE, Explained, Symptom, Words
from doctor.why.excerpt import WILDCARDS

_BIND_ADDRESSES = frozenset({"127.0.0.1", "::1", "[::1]", "localhost"})


def explaining(symptom: Symptom, findings: Iterable[Finding], services: Collection[str] = (),
               words: Words = BARE) -> tuple[Explained, ...]:
    """The findings of the symptom's checks that explain it: naming a captured value, else the service;
    those of the most specific signature's checks first (a name that does not resolve is the host's
    finding before the port's). `words`: how the commands of the advice are written for the project (as_explained).

    A finding about another of the project's `services` (its subject starts with that
    service's name, and it does not name this one) never explains this service's symptom; a
    line that names no service (ALL_SERVICES) concerns them all: a finding naming what it
    captured explains it, and any finding of a project-wide signature's checks.
    """
    signature = symptom.signature
    if signature is None:
        return ()
    rank = {check: at for at, check in enumerate(symptom.checks)}
    everyone = symptom.service == ALL_SERVICES
    # a bind's `127.0.0.1:35505` names its port: the address alone is every loopback port's finding
    # (outline's postgres failing on 5432 was explained by redis's 6379 on 127.0.0.1 too); a host name stays
    bound = "port" in symptom.captured and symptom.captured.get("host", "") in _BIND_ADDRESSES
    values = [_value(k, v) for k, v in symptom.captured.items()
              if k in ("host", "port", "module", "path", "image", "container") and v not in WILDCARDS
              and not (k == "host" and bound)]
    host = symptom.captured.get("host", "")
    if "host_path" in symptom.captured:  # a container path through its bind mount: the project's folders
        parts = symptom.captured["host_path"].split("/")
        values += ["/".join(parts[:end]) for end in range(len(parts), 0, -1)]
    by_value, by_service = [], []
    for finding in sorted(findings, key=lambda f: rank.get(f.check, len(rank))):  # stable: the checks' order within
        if finding.check not in rank:
            continue
        concerns = about_service(finding, symptom.service) or (everyone and signature.project_wide)
        if not concerns and not everyone and set(subject_services(finding)) & set(services):
            continue  # another service's fault
        text = f"{finding.subject} {finding.message} {finding.location.path if finding.location else ''}"
        if finding.severity < Severity.WARNING and not signature.notes:
            # a note counts where it names the very host the line failed on (`DB_HOST=postgres names no
            # service`: an info when doctor has no service to suggest)
            if host and host not in WILDCARDS and _names(finding.message, host):
                by_value.append(finding)
        elif any(_names(text, v) for v in values if v):
            by_value.append(finding)
        elif concerns:
            by_service.append(finding)
    # a line naming the container in the way (a name taken) is explained by the finding naming it, or by none:
    # the service's held port is another fault
    chosen = by_value or ([] if "container" in symptom.captured else by_service)
    if by_value and signature.names_first:  # the line named the first of them
        checks = {f.check for f in by_value}
        chosen = by_value + [f for f in by_service if f.check in checks]
    return tuple(as_explained(f, symptom, words) for f in chosen)


def through_binds(symptom: Symptom, binds: Sequence[tuple[str, str]]) -> Symptom:
    """The symptom with its captured container `path` also as `host_path`: the project-relative path
    the service's bind mounts (`binds`: project-relative source, container target) put there."""
    path = symptom.captured.get("path")
    if not path or not path.startswith("/"):
        return symptom
    for source, target in sorted(binds, key=lambda b: -len(b[1])):
        target = target.rstrip("/") or "/"
        if path == target or path.startswith(target.rstrip("/") + "/"):
            below = path[len(target):].strip("/")
            host = f"{source}/{below}" if below and source != "." else (below or source)
            return replace(symptom, captured={**symptom.captured, "host_path": host})
    return symptom


def _value(key: str, value: str) -> str:
    """The part of a captured value a finding would name: `app` of `app.main`, `prestart.sh` of a path,
    `postgres:16` of `docker.io/library/postgres:16` (the engine's full reference to a Docker Hub image)."""
    if key == "module":
        return value.split(".")[0]
    if key == "path":
        return value.rsplit("/", 1)[-1]
    if key == "image":
        for hub in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"):
            if value.startswith(hub):
                return value[len(hub):]
    return value


def subject_services(finding: Finding) -> list[str]:
    """The services a subject starts with: `backend:X`, or `api,worker:DATABASE_URL` for a finding
    that several services share (one .env line, one image)."""
    return finding.subject.split(":", 1)[0].split(",")


def about_service(finding: Finding, service: str) -> bool:
    """Whether the finding concerns `service`: its subject names it, or its message does."""
    return service in subject_services(finding) or names_service(finding.message, service)


def names_service(message: str, service: str) -> bool:
    """Whether `message` names `service` as this project's: `'{service}'`, but not as the service of
    another compose project that holds a port (`is taken by 'other' service 'adminer'`)."""
    return re.search(rf"(?<!' service )'{re.escape(service)}'", message) is not None


def _names(text: str, value: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text) is not None
