"""`doctor why` from the text piped in, when the engine has no container of the project to read.

A failed `up`'s output (text_diagnoses): each service the text shows failed has the symptoms in its lines
(doctor.why.piped) or compose's word that it exited or did not build (doctor.why.piped_exits), explained by the
findings of its signatures' checks; failing to reach a service that failed itself follows from that one
(_on_failed_host). Every other service that `up` was to start is listed as the text shows it: cancelled, came up,
ran, or not started and why (a service it depends on failed, its build never began, `up` stopped first).
compose refusing the project before it created anything (refused_diagnoses: doctor.why.refused) is the answer
itself. Which services that `up` was to start (asked_services) is what its command line in the text names
(doctor.why.up_line), and what those depend on; the containers' reading takes it too.
"""

from __future__ import annotations

from doctor.model import Severity, Status
from doctor.project.types import nearest_of, started_before
from doctor.records import replace
from doctor.why.advice import as_explained, unexplained
from doctor.why.causes import checked, pointed_at, project_words
from doctor.why.diagnose import ALL_SERVICES, BARE, WHY, Diagnosis, Explained, Symptom
from doctor.why.exec_form import blank_word
from doctor.why.explains import explaining
from doctor.why.waits import with_waits

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from doctor.engine import Registry
    from doctor.model import CheckResult
    from doctor.project import Project, ProjectOptions
    from doctor.why.command import WhyOptions
    from doctor.why.signatures import Signature
    from doctor.why.up_line import UpCommand


def text_diagnoses(project: Project, project_options: ProjectOptions, registry: Registry,
                   severities: dict[str, Severity], opts: WhyOptions, text: str, signatures: Sequence[Signature],
                   builds: Mapping[str, Symptom], asked: Collection[str] | None = None
                   ) -> tuple[list[Diagnosis], list[CheckResult]]:
    """The diagnoses of the symptoms in piped text (doctor.why.piped): per service the lines that name
    it, the rest under ALL_SERVICES; each explained by the findings of its signatures' checks, as a
    container's symptoms are. A service compose's output shows failed with no line a signature reads
    (`service "migrate" didn't complete successfully: exit 1`) has that line as its symptom, explained by
    the findings about it of the checks that make a process exit. With a failure, every other service `up` was to
    start (`asked`, None: all) is listed: up where the text shows it came up, else not started and why. With
    `--service`, that service's first, and another's only where it stopped `up` first (doctor.why.one_service). None
    when no line shows a failure."""
    from doctor.why.piped import sole_publishers, text_symptoms
    from doctor.why.piped_exits import EXITED_SILENT, silent_exits, text_exits
    from doctor.why.symptoms import MAX_MATCHES

    names = {s.container_name: s.name for s in project.services.values() if s.container_name}
    publishers = sole_publishers(project.services.values())
    found = text_symptoms(text, signatures, project.services, ALL_SERVICES, MAX_MATCHES, names, publishers)
    exits = text_exits(text, project.services, names)
    quiet = silent_exits(text, project.services, names)
    for service, symptom in exits.items():  # compose said it failed, and no line of its log is in the text
        if service not in found:  # attached from its start, it said nothing at all: what it ran is what to look at
            found[service] = [replace(symptom, signature=EXITED_SILENT) if service in quiet and symptom.exit_code
                              else symptom]
    for service, symptom in builds.items():  # its image did not build (why.piped_exits.text_builds): no container
        # compose first tried to pull the image the service builds (`app Warning Get "https://registry-1...": no such
        # host`, `pull access denied`) and built it when that failed: the pull is no cause of the failed build
        found[service] = [symptom, *(s for s in found.get(service, ()) if not _pulled(s))]
        exits.setdefault(service, symptom)
    if not found:
        return [], []
    wanted = {c for symptoms in found.values() for s in symptoms for c in s.checks}
    findings, results = checked(project, project_options, registry, severities, opts,
                                tuple(sorted(wanted & set(registry.checks))))
    # the engine's containers were looked at (a name taken now is port-collision's finding): a clash is gone
    looked = any(r.check == "port-collision" and r.status is not Status.SKIPPED for r in results)
    diagnoses = []
    down = {s: e.state.split(",")[0] for s, e in exits.items()}
    words = project_words(project)
    for service, symptoms in sorted(found.items()):
        explained = tuple(e for s in symptoms for e in explaining(s, findings, project.services, words))
        if not explained:
            explained = tuple(_on_failed_host(s, down, words.compose) or blank_word(project, s) or unexplained(
                s, *pointed_at(project, s, looked), project=project.compose.project_name, words=words)
                for s in symptoms)
        said = exits[service].state.split(",")[0] if service in exits else ""
        diagnoses.append(Diagnosis(service, None, tuple(symptoms), explained, from_text=True,
                                   text_state="" if said == "failed to start" else said))
    if opts.service is not None:  # its own first; another's fault is no fault of them all (doctor.why.one_service)
        from doctor.why.one_service import for_service

        diagnoses = for_service(diagnoses, opts.service, project.services)
    failed = tuple(sorted(d.service for d in diagnoses if d.service != ALL_SERVICES))
    if failed:
        ran = [s for s in failed if s in exits and not exits[s].state.startswith("failed to start")]
        seen = {*found, *failed}
        diagnoses.extend(with_waits(project, _rest_of_text(project, text, names, failed, seen, opts.service, ran,
                                                           asked)))
    return sorted(diagnoses, key=lambda d: (d.service != opts.service, d.service != ALL_SERVICES, d.service)), results


def _pulled(symptom: Symptom) -> bool:
    """Whether the symptom is a failed pull (the image-pull signature)."""
    return any(s is not None and s.id == "image-pull" for s in (symptom.signature, *symptom.also))


# the signatures of a service failing to reach another by its name: when that one failed, this follows from it
_REACHING = ("unknown-host", "connection-refused", "database-connect")


def _on_failed_host(symptom: Symptom, down: dict[str, str], compose: str = BARE.compose) -> Explained | None:
    """`why`'s own cause for a symptom of failing to reach a host (_REACHING) that is a service the piped output shows
    failed (`down`: service -> its state): a service's name resolves, and its port answers, only while its container
    runs, so the symptom follows from that failure (peeringdb's `Error -2 connecting to redis:6379. Name or service
    not known` after `redis-1 exited with code 2`). None when the line names no such service. `compose`: the
    project's `docker compose` words, for the `up` its fix says to run again."""
    import re

    from doctor.model import Fix, Safety

    ids = {s.id for s in (symptom.signature, *symptom.also) if s is not None}
    if not ids & set(_REACHING):
        return None
    hosts = [v for k, v in symptom.captured.items() if k.startswith("host") and v]
    named = [s for s in sorted(down) if s != symptom.service and (s in hosts or re.search(
        rf"(?<![\w.-]){re.escape(s)}(?![\w-]|\.\w)", symptom.line[symptom.line.find("|") + 1:]))]
    if not named:
        return None
    host = named[0]
    message = (f"it dials '{host}', a service of the project that failed ({down[host]}, in the piped output): a "
               f"service's name resolves, and its port answers, only while its container runs, so this follows "
               f"from '{host}' failing")
    fix = Fix(f"fix '{host}' first (its symptom is listed under it), then `{compose} up` again", Safety.ADVICE)
    return Explained(WHY, Severity.ERROR, message, None, f"{symptom.service}:failed-host:{host}", fix, symptom,
                     own=True)


def refused_diagnoses(project: Project, project_options: ProjectOptions, registry: Registry,
                      severities: dict[str, Severity], opts: WhyOptions, line: str, asked: Collection[str] | None = None
                      ) -> tuple[list[Diagnosis], list[CheckResult]]:
    """The diagnoses of a piped `up` that compose refused before creating anything (doctor.why.refused.REFUSED):
    under ALL_SERVICES its line, explained by the findings that say the same (compose-config's, with file and
    line), else, for a project name compose refuses, by that name and the rule (-p or COMPOSE_PROJECT_NAME gave it
    to `up`, where doctor does not see it); then every service `up` was to start (`asked`, None: all), not started
    because of it (none failed)."""
    from doctor.why.network_clash import network_clash
    from doctor.why.refused import NOT_STARTED, REFUSED, compose_line_said, refusal_causes, unreadable
    from doctor.why.symptoms import line_symptom

    findings, results = checked(project, project_options, registry, severities, opts,
                                tuple(c for c in REFUSED.checks if c in registry.checks))
    symptom = line_symptom(ALL_SERVICES, "", "refused by compose", None, line, [REFUSED])
    causes = refusal_causes(line, findings)
    words = project_words(project)
    clash = network_clash(project, symptom)
    if causes:
        explained = tuple(as_explained(compose_line_said(line, f), symptom, words) for f in causes)
    elif clash is not None:
        explained = (clash,)
    elif "project name" in line[:symptom.start + 40]:
        explained = (_bad_name(project, symptom, symptom.captured.get("name", "")),)
    else:
        explained = (unexplained(symptom, words=words),)
    start, end = REFUSED.span(line)
    state = "compose refused the project before creating any container"
    diagnoses = [Diagnosis(ALL_SERVICES, None, (symptom,), explained, from_text=True, text_state=state,
                           refused=line[start:end])]
    if unreadable(line):  # compose read no service of it: none is listed (what doctor reads of it is no project)
        return diagnoses, results
    diagnoses.extend(Diagnosis(s, None, from_text=True, text_state=NOT_STARTED)
                     for s in sorted(project.services) if opts.service in (None, s) and (asked is None or s in asked))
    return diagnoses, results


def _bad_name(project: Project, symptom: Symptom, name: str) -> Explained:
    """`why`'s own cause for a project name compose refused that this folder's files and environment do not give
    (doctor would have compose-config's finding then): `-p` or COMPOSE_PROJECT_NAME of the shell that ran `up`."""
    from doctor.model import Fix, Safety
    from doctor.project.discover import normalize_project_name

    here = project.compose.project_name
    fixed = normalize_project_name(name)
    message = (f"compose refused the project name {name!r}: a project name takes only lowercase letters, digits, "
               f"'-' and '_', and starts with a letter or digit; `-p {name}` or COMPOSE_PROJECT_NAME={name} gave it "
               f"to `up` (these files and this environment name the project {here!r})")
    if not name:
        message = ("compose refused an empty project name: `-p ''` or an empty COMPOSE_PROJECT_NAME gave it to `up` "
                   f"(these files and this environment name the project {here!r})")
    title = (f"name the project {fixed!r}: `{project.compose_words(fixed)} up` (or COMPOSE_PROJECT_NAME={fixed})"
             if fixed else "name the project with lowercase letters, digits, '-' and '_'")
    fix = Fix(f"{title}, or leave -p and COMPOSE_PROJECT_NAME out for {here!r}", Safety.ADVICE)
    return Explained(WHY, Severity.ERROR, message, None, f"project-name:{name}", fix, symptom, own=True)


def _rest_of_text(project: Project, text: str, names: dict[str, str], failed: tuple[str, ...], seen: set[str],
                  service: str | None, exits: Collection[str] = (), asked: Collection[str] | None = None
                  ) -> list[Diagnosis]:
    """The services of a failed `up` the piped text shows no failure of, of those it was to start (`asked`, None:
    all): cancelled (` db  Interrupted`), came up (` ✔ Container proj-db-1  Started`), or not started (the engine
    has no container of the project), with why: a service it depends on failed, its build never began (`up` stopped
    before any container: a pull), or `up` stopped at `failed` first."""
    from doctor.why.piped import interrupted
    from doctor.why.piped_exits import created_any, text_created, text_ended, text_logged, text_up

    cancelled = set(interrupted(text, project.services))
    came_up = set(text_up(text, project.services, names))
    named, attached = (set(s) for s in text_created(text, project.services, names))
    ended = text_ended(text, project.services, names)
    at = ", ".join(f"'{s}'" for s in failed)
    began = created_any(text)
    logged = text_logged(text, project.services, names)  # its container wrote a line: it ran
    needed = _started_under(project, [*exits, *logged])  # exits: those that ran
    failed_below = nearest_of(project.services, failed)  # what each depends on that failed: one walk for them all
    out = []
    for name in sorted(project.services):
        if name in seen or service not in (None, name) or (asked is not None and name not in asked):
            continue
        if name in cancelled:
            out.append(Diagnosis(name, None, stopped_at=failed, from_text=True))
        elif name in came_up:
            out.append(Diagnosis(name, None, from_text=True, text_state="started"))
        elif name in logged:
            out.append(Diagnosis(name, None, from_text=True, text_state="started: it logged in the piped output"))
        elif name in needed:  # compose starts what a service depends on before it: that one ran, so this started
            out.append(Diagnosis(name, None, from_text=True,
                                 text_state=f"started: '{needed[name]}', which depends on it, ran after it"))
        elif name in ended:  # a foreground `up` ran it: it completed, or compose stopped it
            how = "it ran and exited (0)" if ended[name] == "0" else f"compose stopped it (exited ({ended[name]}))"
            out.append(Diagnosis(name, None, from_text=True, text_state=f"started: {how}, in the piped output"))
        elif name in attached and not _gated(project, name, failed, failed_below):  # a foreground `up` ran it,
            # and shows no exit of it (not one waiting on a failed service's health or completion: never started)
            out.append(Diagnosis(name, None, from_text=True,
                                 text_state="started: attached, and the piped output shows no exit of it"))
        else:
            down = failed_below.get(name, "")
            if name in named and not down:  # compose created its container, and says nothing more of it
                out.append(Diagnosis(name, None, from_text=True,
                                     text_state="created: the piped output shows no failure of it"))
                continue
            if down:
                why = f"it depends on '{down}', which failed"
            elif project.services[name].build is not None and not began:
                why = f"its build never began: `up` stopped at {at} first"
            elif began:  # compose's output names the containers it creates, and not this one's
                why = "the piped output does not name it (an `up` of other services, or output cut short)"
            else:
                why = f"`up` stopped at {at} first"
            out.append(Diagnosis(name, None, stopped_at=failed, from_text=True, text_state=f"not started: {why}"))
    return out


def _gated(project: Project, name: str, failed: Collection[str], leading: Collection[str]) -> bool:
    """Whether `name` waits, by a condition compose checks before starting it (`service_healthy`,
    `service_completed_successfully`), on a service that failed or one that leads to it: compose attaches to its
    container (`Attaching to flagsmith-1, ..., migrate-db-1`) but never starts it (flagsmith after its `migrate-db`
    exited 1)."""
    from doctor.why.waits import COMPLETED, HEALTHY, condition_at

    return any((dep in failed or dep in leading) and condition_at(project, name, dep)[0] in (HEALTHY, COMPLETED)
               for dep in project.services[name].depends_on)


def asked_services(project: Project, command: UpCommand | None, service: str | None) -> frozenset[str] | None:
    """The services the `up` whose command line the piped text holds (`command`: doctor.why.up_line.up_command) was to
    start: those of the project it names and, without `--no-deps`, what they depend on, directly or through others
    (compose starts those first); with `service`, the one `--service` asks about. None when that is every service:
    a plain `up`, or no command line in the text (compose's output and the containers do not say what `up` was
    asked)."""
    if command is None:
        return None
    known = {**project.compose.profiled, **project.services}  # `up setup` starts a service of a profile not active
    named = [s for s in command.services if s in known]
    if not named:
        return None
    started = {*named, *([service] if service else [])}
    for name in () if command.no_deps else named:
        for dep in known[name].depends_on:
            started.update((dep, *_dependencies(project, dep)))
    return frozenset(started)


def _started_under(project: Project, ran: Sequence[str]) -> dict[str, str]:
    """Per service one of `ran` depends on, directly or through others (compose started it first), the first of
    `ran` that does: one walk from them all, so a chain is read once however many of it ran."""
    found = {name: name for name in ran}
    queue = list(found)
    for current in queue:  # grows while read: each service once
        service = project.services.get(current)
        for dep in () if service is None else sorted(service.depends_on):
            if dep not in found:
                found[dep] = found[current]
                queue.append(dep)
    return {dep: by for dep, by in found.items() if dep != by}


def _dependencies(project: Project, service: str) -> list[str]:
    """The services `service` depends on, directly or through others, nearest first (breadth first, by name)."""
    return started_before(project.services, service, by_name=True)
