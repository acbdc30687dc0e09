"""`doctor why` output: a per-service checklist on the console; preflight's report schema in the other formats.

JSON is preflight's document with each finding's `symptom` (service, container, state, exit
code, the matched log line) and the services in `facts.services`; SARIF, JUnit and GitHub
render the same Report through their own reporters (the symptom is in each message). Every
string passes the Redactor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from doctor.json_text import dumps
from doctor.model import shown_path
from doctor.report import Format, RenderOptions, renderer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.engine import Report
    from doctor.model import Location
    from doctor.redact import Redactor
    from doctor.why.diagnose import Diagnosis, Explained, Words


def render(fmt: str, report: Report, diagnoses: Sequence[Diagnosis], redactor: Redactor, project: str,
           version: str, cwd: Path | None = None, words: Words | None = None) -> str:
    """The report in `fmt` (console, json, sarif, junit, github); the console names paths from `cwd`, and
    writes the commands it quotes for the project with `words` (doctor.why.advice.in_project)."""
    chosen = Format(fmt)
    if chosen is Format.CONSOLE:
        from doctor.report.console import visible  # a container's log line may hold escape sequences

        return visible("\n".join(console_lines(report, diagnoses, redactor, project, cwd, words))) + "\n"
    if chosen is Format.JSON:
        return render_json(report, redactor, version)
    return renderer(chosen)(report, redactor, RenderOptions(version=version))


def console_lines(report: Report, diagnoses: Sequence[Diagnosis], redact: Redactor, project: str,
                  cwd: Path | None = None, words: Words | None = None) -> Iterator[str]:
    """The checklist: ✓ / ✗ per service; under a failed one its symptom, the cause with file:line, the fix
    and the other repairs the fix offers (`or`), as preflight's console shows them.

    Paths (the project, each cause's file) are named as preflight's console names them: as they
    open from `cwd`, the directory the user runs doctor in (the current one when None); a signature's
    look-at quotes its commands as `words` writes them (doctor.why.advice.in_project; None: bare).
    """
    import shlex

    from doctor.why.advice import in_project, look_for_log
    from doctor.why.diagnose import BARE

    every = diagnoses
    # quoted as a shell reads it: the header is the command, copied whole (a folder named `my stack`)
    yield f"doctor why {shlex.quote(shown_path(report.project_dir, cwd))} (compose project '{project}')"
    yield ""
    if any(d.refused and d.from_text for d in diagnoses):  # compose refused the project: none listed one by one,
        from doctor.why.refused import NOT_STARTED  # the count line says how many it left not started

        diagnoses = [d for d in diagnoses if d.refused or d.failed or d.state != NOT_STARTED]
    width = max((len(d.service) for d in diagnoses), default=8)
    said: dict[tuple[object, ...], str] = {}  # each check's finding, and the first service it is said under
    for diagnosis in diagnoses:
        mark = "✗" if diagnosis.failed else "✓" if diagnosis.up else "-"
        yield f"{mark} {diagnosis.service:<{width}}  {diagnosis.state}"
        yield from (redact.text(line) for line in _wait_lines(diagnosis, cwd))
        waited = " and ".join(f"'{s}'" for s in diagnosis.stopped_at)
        for after in diagnosis.then:  # no cause of its not starting: what stops it once what it waits on is up
            yield from _cause_lines(after, redact, cwd, "then", f" (once {waited} is up, this stops its start)")
        for symptom in diagnosis.symptoms:
            yield f"    symptom  {redact.text(symptom.excerpt)}"
            if symptom.signature is not None:
                yield f"    means    {symptom.signature.meaning}"
            causes = [e for e in diagnosis.explained if e.symptom is symptom and e.is_cause]
            for cause in causes:
                yield from _said_once(cause, diagnosis.service, said, redact, cwd)
            if not causes:
                own = next((e for e in diagnosis.explained if e.symptom is symptom), None)
                look = own.look_at if own is not None and own.look_at else (
                    in_project(symptom.signature.look_at, words or BARE) if symptom.signature
                    else look_for_log(project, symptom))
                if own is not None and own.location is not None:  # the compose line it points to
                    look = f"{_where(own, cwd)}  {look}"
                if look:
                    yield f"    look at  {redact.text(look)}"
                yield "    cause    no finding of doctor's checks explains it"
    yield ""
    yield count_line(every, redact)


def count_line(diagnoses: Sequence[Diagnosis], redact: Redactor | None = None) -> str:
    """The last line: how many of the services listed failed, how many of those a finding explains, and how many
    never started; `(all services)`, a fault that concerns every one, is no service of its own. When compose refused
    the project (its words piped in), that refusal, what explains it, and the services it left not started: no one
    of them failed."""
    from doctor.why.diagnose import ALL_SERVICES, WHY

    listed = [d for d in diagnoses if d.service != ALL_SERVICES]
    refused = next((d for d in diagnoses if d.refused), None)
    if refused is not None:
        said = redact.text(refused.refused) if redact is not None else refused.refused
        causes = [e for e in refused.explained if e.is_cause]
        checks = list(dict.fromkeys(e.check for e in causes if e.check != WHY))
        many = f" ({len(causes)} findings)" if len(causes) > 1 else ""
        by = (f"explained by {' and '.join(checks)}{many}" if checks else "explained above" if causes
              else "no finding of doctor's checks explains it")
        down = sum(1 for d in listed if not d.up)
        what = "compose refused the project" if refused.from_text else "compose cannot read the project"
        return f"{what}: {said} · {by}" + (
            f" · {down} service{'s' * (down != 1)} not started" if down else "")
    everyone = [d for d in diagnoses if d.service == ALL_SERVICES and d.failed]
    failed = [d for d in listed if d.failed]
    explained = sum(1 for d in (*failed, *everyone) if any(e.is_cause for e in d.explained))
    signalled = [d for d in listed if d.container is not None and d.container.stopped]
    not_started = sum(1 for d in listed if not d.failed and not d.up and d not in signalled)
    stopped = [d for d in listed if d.stopped_at]
    halted = f"{len(signalled)} stopped by a signal" if signalled else ""
    if failed or everyone:
        what = f"{len(failed)} of {len(listed)} services failed" if failed else f"all {len(listed)} services failed" \
            if listed else "a failure that names no service"  # no service of the project is shown
        also = " (and a fault of them all)" if failed and everyone else ""
        absent = ", ".join(part for part in (f"{not_started} not started" if failed and not_started else "", halted)
                           if part)
        return f"{what}{also} · {explained} explained by a finding" + (f" ({absent})" if absent else "")
    if stopped:
        at = ", ".join(f"'{s}'" for s in stopped[0].stopped_at)
        return f"{len(stopped)} of {len(listed)} services never started: `up` failed at {at} first"
    created = [d for d in listed if d.container is not None]
    missing = len(listed) - len(created)
    if signalled:  # `docker compose stop`, `down` or Ctrl+C: none failed, and not all are up
        return (f"no service failed · {len(signalled)} of {len(listed)} stopped by a signal (as `docker compose stop` "
                "or Ctrl+C stops them)")
    return f"all {len(created)} services are up" + (f" ({missing} not created)" if missing else "")


def _where(cause: Explained, cwd: Path | None) -> str:
    return _at(cause.location, cwd) if cause.location is not None else "(this machine)"


def _at(location: Location, cwd: Path | None) -> str:
    where = shown_path(location.path, cwd)
    return where if location.line is None else f"{where}:{location.line}"


def _wait_lines(diagnosis: Diagnosis, cwd: Path | None) -> Iterator[str]:
    """Under a service `up` never started, each `depends_on` entry it waited on (file:line) and, for one waiting for
    a healthcheck, that probe's line: its own log is empty, these are what kept it waiting."""
    from doctor.why.waits import HEALTHY

    for wait in diagnosis.waits:
        yield f"    waits on {_at(wait.at, cwd) + '  ' if wait.at else ''}{wait.written}"
        if wait.condition == HEALTHY:
            probe = f"{_at(wait.probe, cwd)}  " if wait.probe else ""
            yield (f"    look at  {probe}the healthcheck of '{wait.service}': compose starts "
                   f"'{diagnosis.service}' only once it passes")


def _said_once(cause: Explained, service: str, said: dict[tuple[object, ...], str], redact: Redactor,
               cwd: Path | None) -> Iterator[str]:
    """A cause's lines, in full under the first service it is said under; under another one a check's finding
    about several of them (an external volume 'backend' and 'mongo' mount) is its check and file:line, and where
    it was said: the same words and fix again would read as another fault."""
    key = (cause.check, cause.location, cause.message.split(" (explains '", 1)[0])
    first = said.setdefault(key, service) if not (cause.stale or cause.own) else service
    if first == service:
        yield from _cause_lines(cause, redact, cwd)
        return
    yield f"    cause    {cause.check}  {_where(cause, cwd)}"
    yield f"             the same finding as under '{first}' (its fix is there)"


def _cause_lines(cause: Explained, redact: Redactor, cwd: Path | None, label: str = "cause",
                 note: str = "") -> Iterator[str]:
    message = cause.message.split(" (explains '", 1)[0] + note
    if cause.own and cause.location is not None:  # what `why` read, about a line of the compose files
        yield f"    {label:<8} {_where(cause, cwd)}"
        yield f"             {redact.text(message)}"
    elif cause.stale or cause.own:  # no check's finding: the container itself, or what `why` read, is the cause
        yield f"    {label:<8} {redact.text(message)}"
    else:
        yield f"    {label:<8} {cause.check}  {_where(cause, cwd)}"
        yield f"             {redact.text(message)}"
    if cause.fix is not None:
        command = f": {' '.join(cause.fix.command)}" if cause.fix.command else ""
        yield f"    fix      {redact.text(cause.fix.title + command)}"
        for alternative in cause.fix.alternatives:  # as preflight offers them (stop who holds the port)
            instead = f": {' '.join(alternative.command)}" if alternative.command else ""
            yield f"    or       {redact.text(alternative.title + instead)}"


def render_json(report: Report, redactor: Redactor, version: str) -> str:
    """Preflight's JSON document; every finding also carries the symptom it explains."""
    from doctor.report.json import VERSION, finding_dict

    findings = []
    for finding in report.findings:
        entry = finding_dict(finding, report, redactor)
        symptom = getattr(finding, "symptom", None)
        if symptom is not None:
            entry["symptom"] = {k: redactor.text(v) if isinstance(v, str) else v for k, v in symptom.as_dict().items()}
        findings.append(entry)
    document = {
        "version": VERSION,
        "tool": {"name": "doctor", "version": version},
        "project": str(report.project_dir),
        "findings": findings,
        "checks": [
            {"id": r.check, "status": r.status.value, "summary": r.summary, "reason": redactor.text(r.reason) or None,
             "findings": len(r.findings)}
            for r in report.results
        ],
        "facts": report.facts,
    }
    return dumps(document)
