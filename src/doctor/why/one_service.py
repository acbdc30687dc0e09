"""`doctor why --service S`: S's diagnosis first, and no other service's fault shown as a fault of them all.

An `up` that created no container, and a line of its output that names no service (a pull's `manifest for postgres:99
not found`), are symptoms of the whole project: their causes are listed under ALL_SERVICES, "(all services)". Asked
about one service, a cause whose finding names another service of the project (`bind source ./dbdata does not exist
...: 'db' cannot start`) is no fault of them all, nor of S: it was listed under "(all services)", and the count line
said "(and a fault of them all)". Here each such cause goes to the service it names. S's are S's. Another service's
are left out, as that service's own lines are, unless S shows no failure of its own and no cause concerns them all
(S has no container, or the output piped in does not name it): then the other services' failures are what stopped
`up` before it reached S, and are listed under their names, S first.
"""

from __future__ import annotations

from doctor.records import replace
from doctor.why.diagnose import ALL_SERVICES, WHY, Diagnosis, Explained, Symptom
from doctor.why.explains import names_service, subject_services

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence


def for_service(diagnoses: Sequence[Diagnosis], service: str, services: Collection[str]) -> list[Diagnosis]:
    """The diagnoses `doctor why --service SERVICE` shows, SERVICE's first, then ALL_SERVICES': the causes under
    ALL_SERVICES whose findings name one of the project's `services` moved, with their symptom, under that service;
    another service's row kept only where it failed, SERVICE did not (it shows no symptom of its own: not created,
    or not named in the output piped in) and no cause concerns them all."""
    rows: dict[str, Diagnosis] = {}
    for diagnosis in diagnoses:
        for row in _by_service(diagnosis, service, services) if diagnosis.service == ALL_SERVICES else (diagnosis,):
            rows[row.service] = _merged(rows[row.service], row) if row.service in rows else row
    everyone = rows.get(ALL_SERVICES)
    answered = (service in rows and rows[service].failed) or (
        everyone is not None and any(e.is_cause for e in everyone.explained))
    kept = [d for d in rows.values() if d.service in (service, ALL_SERVICES) or (d.failed and not answered)]
    return sorted(kept, key=lambda d: (d.service != service, d.service != ALL_SERVICES, d.service))


def _by_service(everyone: Diagnosis, service: str, services: Collection[str]) -> list[Diagnosis]:
    """The ALL_SERVICES diagnosis as one per service its causes name: each symptom under every service one of its
    causes is about, with those causes; under ALL_SERVICES with the rest (a cause about no service, `why`'s own
    look-at), or alone when nothing explains it."""
    groups: dict[str, tuple[list[Symptom], list[Explained]]] = {}
    for symptom in everyone.symptoms:
        owned: dict[str, list[Explained]] = {}
        for cause in (e for e in everyone.explained if e.symptom is symptom):
            owned.setdefault(_about(cause, service, services), []).append(cause)
        for name, causes in (owned or {ALL_SERVICES: []}).items():
            moved = symptom if name == ALL_SERVICES else replace(symptom, service=name)
            symptoms, explained = groups.setdefault(name, ([], []))
            symptoms.append(moved)
            explained.extend(c if moved is symptom else _explaining(c, moved) for c in causes)
    return [replace(everyone, service=name, symptoms=tuple(symptoms), explained=tuple(explained))
            for name, (symptoms, explained) in groups.items()]


def _about(cause: Explained, service: str, services: Collection[str]) -> str:
    """The service of the project a cause's finding is about (its subject names it, else its message): `service`
    when it is one of them; ALL_SERVICES for a finding about none, and for `why`'s own words (a look-at, a failed
    host: they say what the line means, whichever service wrote it)."""
    if cause.check == WHY:
        return ALL_SERVICES
    said = cause.message.split(" (explains '", 1)[0]  # the symptom quoted after it may name any service
    named = [s for s in subject_services(cause) if s in services] or [s for s in sorted(services)
                                                                      if names_service(said, s)]
    return service if service in named else named[0] if named else ALL_SERVICES


def _explaining(cause: Explained, symptom: Symptom) -> Explained:
    """The cause as explaining `symptom`, the same line under its service (the message says which it explains)."""
    message = cause.message.replace(f" (explains '{ALL_SERVICES}' ", f" (explains '{symptom.service}' ", 1)
    return replace(cause, symptom=symptom, message=message)


def _merged(first: Diagnosis, then: Diagnosis) -> Diagnosis:
    """One service's diagnosis with the symptoms and causes of another of the same service after its own."""
    return replace(first, symptoms=(*first.symptoms, *then.symptoms), explained=(*first.explained, *then.explained))
