"""`doctor why [PATH] [--service S]`: each failed service's symptom, and the finding that explains it.

The symptoms come from the project's containers on the engine; with none there, from the output
of the failed `up` when it is piped in (`docker compose up -d 2>&1 | doctor why`: doctor.why.piped).
The services that `up` was to start are every service of the active profiles, unless the piped text holds
its command line and that names some (`up -d mariadb redis`): then those and what they depend on, and a
service outside them is none of this `up`'s, not "not started" (doctor.why.up_line.up_command). That command line's
`-p`, `-f`, `--profile`, `--env-file` and `--project-directory` name the project, as if given to `doctor why`, where
it was given none of their kind (doctor.why.upoptions).

Exit 0 when no service failed (each up, or stopped by a signal: doctor.host.containers.stopped), 1 when one
failed (a running one whose log ends in a wait loop on a failure counts as failed: doctor.why.loop), 2 when
doctor could not look (no engine, no container of the project on it, an unknown service).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from doctor import __version__, app
from doctor.engine import Report
from doctor.lazyre import lazy
from doctor.model import CheckResult, Finding, Location, Severity, Status, field, record
from doctor.project.types import started_before
from doctor.records import replace
from doctor.why.diagnose import (
    ALL_SERVICES,
    BARE,
    NOT_CREATED_LINE,
    STOPPED_HERE_LINE,
    WHY,
    WHY_SUMMARY,
    Diagnosis,
    Explained,
    Symptom,
    Words,
    about_service,
    as_explained,
    explaining,
    match_symptoms,
    stale,
    stopped_by,
    stops_create,
    through_binds,
    unexplained,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence
    from typing import TextIO

    from doctor.engine import Registry
    from doctor.host import Host
    from doctor.host.containers import ContainerState
    from doctor.project import Project, ProjectOptions
    from doctor.why.signatures import Signature
    from doctor.why.up_line import UpCommand

EXIT_UP, EXIT_FAILED, EXIT_CANNOT_LOOK = 0, 1, 2
ENGINE_TIMEOUT = 5.0  # per engine request: reading containers is all `why` does, on an engine that may be busy
PIPED_NOTE = ("doctor: the piped text is not used: the containers `up` left on the engine say more (their state, "
              "the engine's error, their logs)")
ASKED_NOTE = ("doctor: of the piped text only its `up` command line is used ({}): the containers `up` left on the "
              "engine say more (their state, the engine's error, their logs)")


@record
class WhyOptions:
    """A `doctor why` run: which project, which service (all when None), which output format."""

    path: Path
    service: str | None = None
    files: tuple[Path, ...] | None = None
    project_name: str | None = None
    format: str | None = None
    output: Path | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    env_files: tuple[Path, ...] | None = None  # --env-file, as typed
    profiles: tuple[str, ...] | None = None  # --profile, like preflight's (else COMPOSE_PROFILES)
    stdin: int | None = None  # the CLI's stdin (fd 0): text piped to it is read when no container is (doctor.why.piped)


def why(opts: WhyOptions, out: TextIO = sys.stdout) -> int:
    """Read the project's containers, explain every failed one, print the report; 0 up, 1 failed, 2 could not look."""
    from doctor.engine import RunOptions, load_registry, preflight
    from doctor.host import Host
    from doctor.host.containers import project_containers
    from doctor.model import Unavailable
    from doctor.project import Project
    from doctor.why import load_signatures
    from doctor.why.piped import read_piped
    from doctor.why.piped_exits import created_any
    from doctor.why.refused import refusal
    from doctor.why.signatures import NOT_CREATED
    from doctor.why.up_line import up_command
    from doctor.why.upoptions import with_up_options

    app.require_valid_project_name(opts.project_name)
    if opts.format is None and opts.output is None:  # on a GitHub Actions log, annotations, as preflight does
        from doctor.report.github import auto_format

        chosen = auto_format(opts.env, out.isatty())
        opts = replace(opts, format=chosen.value) if chosen is not None else opts
    if opts.path is not None and str(opts.path) == "-":  # `doctor why -`: standard input, as piped, and this folder
        opts = replace(opts, path=Path("."))
    _no_log_as_project(opts.path)
    text = read_piped(opts.stdin) if opts.stdin is not None else ""
    command = up_command(text) if text else None
    # the project that `up` ran: its -p, -f, --profile, --env-file and --project-directory where the user gave none
    given = opts
    opts, notes = with_up_options(given, command)
    took = opts is not given  # a project option of the line is used, whatever containers are read
    for note in notes:
        sys.stderr.write(f"{note}\n")
    # the format decides where messages name paths from, as for preflight: the console from the
    # current directory, a machine format from the project directory (like its `file`)
    target = app.PreflightOptions(path=opts.path, files=opts.files, project_name=opts.project_name, env=opts.env,
                                  format=opts.format, env_files=opts.env_files, profiles=opts.profiles)
    registry = load_registry()
    config = app.load_effective_config(target, registry)
    project_options = app.project_options(target, config)
    project = Project(project_options)
    # compose refused the project before creating anything (`invalid project name`, `env file ... not found`): its
    # line piped in is the answer, whatever containers an earlier `up` left (compose's `no configuration file
    # provided` is doctor's too: no files to read)
    refused = refusal(text) if text else ""
    if not (refused and "no configuration file" in refused):
        app.require_compose_files(project.compose, opts.path, "why")
    name = project.compose.project_name
    if opts.service is not None and opts.service not in project.services:
        known = ", ".join(sorted(project.services)) or "none"
        raise app.UsageError(f"no service {opts.service!r} in project {name!r} (services: {known})")
    asked = _asked(project, command, opts.service)
    if refused:
        diagnoses, results = _refused(project, project_options, registry, config.severities, opts, refused, asked)
        return _print(opts, project, diagnoses, results, out)
    host = Host(env=opts.env, timeout=ENGINE_TIMEOUT)
    signatures, errors = load_signatures()
    for error in errors:
        sys.stderr.write(f"doctor: signature {error.name} {error.message}\n")
    try:
        containers = project_containers(host.engine, name)
        other = _named_elsewhere(host, project, opts) if not containers else None
    except Unavailable as exc:
        if not text:
            raise app.UsageError(f"cannot look at the containers: {exc.reason}") from None
        sys.stderr.write(f"doctor: cannot look at the containers ({exc.reason}): reading the piped text alone\n")
        containers, other = (), None
    if other is not None:  # `up -p NAME` ran here: read that project's containers, as compose would with -p
        opts = replace(opts, project_name=other)
        target = replace(target, project_name=other)
        project_options = app.project_options(target, config)
        project = Project(project_options)
        name = project.compose.project_name
        containers = project_containers(host.engine, name)
    from doctor.why.piped_exits import text_builds

    # a build that failed stopped this `up` before it touched the containers an earlier one left: they
    # say nothing of it (they may all run), the text does
    builds = text_builds(text, project.services) if text else {}
    built = bool(containers) and bool(builds)
    if (not containers or built) and text:  # `up ... | doctor why` with no container to read: the text's symptoms
        piped, ran = _from_text(project, project_options, registry, config.severities, opts, text, signatures,
                                builds, asked)
        if piped and built:  # the others as their containers are now (one an earlier `up` started runs)
            running = {c.service: c for c in containers if not c.one_shot}
            piped = [Diagnosis(d.service, running[d.service]) if not d.failed and d.service in running
                     and not running[d.service].failed else d for d in piped]
        if piped:
            said = (f"the {_lines(text)} line(s) piped in show a build that failed, before `up` reached the "
                    "containers an earlier one left: reading them" if built else
                    f"project {name!r} has no container on the engine: reading the {_lines(text)} line(s) piped in")
            sys.stderr.write(f"doctor: {said}\n")
            return _print(opts, project, piped, ran, out)
    elif text:
        used = [what for what, yes in (("the project it names", took),
                                       ("the services it starts", asked is not None)) if yes]
        sys.stderr.write((ASKED_NOTE.format(" and ".join(used)) if used else PIPED_NOTE) + "\n")
    containers = _looping(host, containers, signatures, opts.service) if containers else containers
    if not containers:  # `up` failed before creating any: compose could not read the project, or pull an image
        diagnoses, results, notes = _never_created(project, project_options, registry, config.severities, opts, asked)
        compose = project.compose_words()  # `docker compose -p track-b`: what it says to run reaches this project
        if not diagnoses and text and created_any(text):  # it ran: compose's progress names a container
            raise app.UsageError(f"project {name!r} has no container on the engine, and the `up` output piped in "
                                 f"shows no service that failed: `{compose} ps -a` shows what runs now")
        if not diagnoses and notes:  # `up` not run, or a pull that failed (no registry): both are said
            shown = "; ".join(notes[:3]) + (f"; and {len(notes) - 3} more" if len(notes) > 3 else "")
            raise app.UsageError(f"project {name!r} has no container on the engine: 'docker compose up' has not "
                                 f"run, or it failed before creating one, as when it cannot pull an image: {shown}")
        if not diagnoses and text.strip():  # read, and nothing in it doctor knows: say so, not "run up"
            raise app.UsageError(f"project {name!r} has no container on the engine, and the {_lines(text)} line(s) "
                                 "piped in show no failure doctor reads (compose's `exited with code`, `Error` or a "
                                 "known log line): pipe the whole `up` output (`up 2>&1 | doctor why`)")
        if not diagnoses:
            raise app.UsageError(f"project {name!r} has no container on the engine (run '{compose} up' first)")
        return _print(opts, project, diagnoses, results, out)
    wanted = [c for c in containers if opts.service in (None, c.service) and not c.one_shot]
    have = {c.service for c in containers}
    # services compose never created: an `up` that stopped at one (its image, its container_name), or `up SERVICE`
    # (none of those it did not start, when its command line says which it did)
    missing = [s for s in sorted(project.services) if s not in have and (asked is None or s in asked)]
    symptoms = {c.name: match_symptoms(c, signatures, _waits_on(c, containers, project)) for c in wanted if c.failed}
    check_ids = {i for found in symptoms.values() for s in found for i in s.checks}
    if missing:
        check_ids.update(NOT_CREATED.checks)
    findings, results = [], []
    if check_ids & set(registry.checks):
        select = tuple(sorted(check_ids & set(registry.checks)))
        ignore = () if missing else ("compose-config",)
        run = preflight(RunOptions(project=project_options, select=select, ignore=ignore,
                                   severities=config.severities, env=opts.env), registry, project)
        findings = list(run.report.findings)
        results = list(run.report.results)
    diagnoses = []
    words = _words(project)
    compose = words.compose
    for container in wanted:
        found = tuple(through_binds(s, _binds(project, container.service)) for s in symptoms.get(container.name, ()))
        explained = tuple(e for s in found for e in explaining(s, findings, project.services, words))
        if found and not explained:
            explained = tuple(unexplained(s, *_pointed_at(project, s), project=project.compose.project_name,
                                          words=words) for s in found)
        diagnoses.append(Diagnosis(container.service, container, found, explained))
    diagnoses.extend(_stopped_here(name, findings, words) for name in missing)
    # which service `up` stopped at is judged over them all, what is shown is the one asked for
    diagnoses = [d for d in stopped_by(sorted(diagnoses, key=lambda d: d.service)) if opts.service in (None, d.service)]
    diagnoses = _older_than_files(project, diagnoses, host, opts.env)
    if opts.service is not None and not wanted and not any(d.failed for d in diagnoses):
        raise app.UsageError(f"service {opts.service!r} has no container (run '{compose} up {opts.service}')")
    return _print(opts, project, diagnoses, results, out)


def _lines(text: str) -> int:
    """The non-blank lines of piped text, split at newlines only (a CR inside a line is no line's end)."""
    return sum(1 for line in text.split("\n") if line.strip())


def _no_log_as_project(path: Path | None) -> None:
    """Refuse a saved `up` output given as the project (`doctor why up.log`, a natural guess): compose would
    read it as a compose file, and its YAML error explain nothing. A file not named as compose's (`.yml`,
    `.yaml`, `.json`) whose first lines read as compose's output is said to be piped in instead."""
    if path is None or path.suffix.lower() in (".yml", ".yaml", ".json") or not path.is_file():
        return
    from doctor.regular import read_text

    try:
        head = read_text(path, 64 * 1024)
    except OSError:
        return
    from doctor.why.piped import plain_text

    if _UP_OUTPUT.search(plain_text(head)):
        raise app.UsageError(f"{path} is the output of `docker compose up`, not a compose file: pipe it in "
                             f"(`doctor why < {path}`)")


# what only compose's own output has: its progress lines, an attached container's prefix or end, the engine's error
_UP_OUTPUT = lazy(r"(?m)^\s*(?:\[\+\] \w+ \d+/\d+|[^\w\s]?\s*Container \S+\s+\w+|Attaching to |[\w.-]+-\d+\s+\| |"
                  r"[\w.-]+ exited with code \d+|Error response from daemon: )")


def _from_text(project: Project, project_options: ProjectOptions, registry: Registry,
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
    from doctor.why.diagnose import MAX_MATCHES
    from doctor.why.piped import sole_publishers, text_symptoms
    from doctor.why.piped_exits import text_exits

    names = {s.container_name: s.name for s in project.services.values() if s.container_name}
    publishers = sole_publishers(project.services.values())
    found = text_symptoms(text, signatures, project.services, ALL_SERVICES, MAX_MATCHES, names, publishers)
    exits = text_exits(text, project.services, names)
    for service, symptom in exits.items():  # compose said it failed, and no line of its log is in the text
        if service not in found:
            found[service] = [symptom]
    for service, symptom in builds.items():  # its image did not build (why.piped_exits.text_builds): no container
        found[service] = [symptom, *found.get(service, ())]
        exits.setdefault(service, symptom)
    if not found:
        return [], []
    wanted = {c for symptoms in found.values() for s in symptoms for c in s.checks}
    findings, results = _checked(project, project_options, registry, severities, opts,
                                 tuple(sorted(wanted & set(registry.checks))))
    # the engine's containers were looked at (a name taken now is port-collision's finding): a clash is gone
    looked = any(r.check == "port-collision" and r.status is not Status.SKIPPED for r in results)
    diagnoses = []
    down = {s: e.state.split(",")[0] for s, e in exits.items()}
    words = _words(project)
    for service, symptoms in sorted(found.items()):
        explained = tuple(e for s in symptoms for e in explaining(s, findings, project.services, words))
        if not explained:
            explained = tuple(_on_failed_host(s, down, words.compose) or unexplained(
                s, *_pointed_at(project, s, looked), project=project.compose.project_name, words=words)
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
        diagnoses.extend(_rest_of_text(project, text, names, failed, seen, opts.service, ran, asked))
    return sorted(diagnoses, key=lambda d: (d.service != opts.service, d.service != ALL_SERVICES, d.service)), results


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


def _checked(project: Project, project_options: ProjectOptions, registry: Registry, severities: dict[str, Severity],
             opts: WhyOptions, select: tuple[str, ...]) -> tuple[list[Finding], list[CheckResult]]:
    """The findings and results of the checks `select` names on the project (none when it names none)."""
    if not select:
        return [], []
    from doctor.engine import RunOptions, preflight

    run = preflight(RunOptions(project=project_options, select=select, severities=severities, env=opts.env),
                    registry, project)
    return list(run.report.findings), list(run.report.results)


def _refused(project: Project, project_options: ProjectOptions, registry: Registry, severities: dict[str, Severity],
             opts: WhyOptions, line: str, asked: Collection[str] | None = None
             ) -> tuple[list[Diagnosis], list[CheckResult]]:
    """The diagnoses of a piped `up` that compose refused before creating anything (doctor.why.refused.REFUSED):
    under ALL_SERVICES its line, explained by the findings that say the same (compose-config's, with file and
    line), else, for a project name compose refuses, by that name and the rule (-p or COMPOSE_PROJECT_NAME gave it
    to `up`, where doctor does not see it); then every service `up` was to start (`asked`, None: all), not started
    because of it (none failed)."""
    from doctor.why.diagnose import line_symptom
    from doctor.why.refused import REFUSED, refusal_causes

    findings, results = _checked(project, project_options, registry, severities, opts,
                                 tuple(c for c in REFUSED.checks if c in registry.checks))
    symptom = line_symptom(ALL_SERVICES, "", "refused by compose", 0, line, [REFUSED])
    causes = refusal_causes(line, findings)
    words = _words(project)
    if causes:
        explained = tuple(as_explained(f, symptom, words) for f in causes)
    elif "project name" in line[:symptom.start + 40]:
        explained = (_bad_name(project, symptom, symptom.captured.get("name", "")),)
    else:
        explained = (unexplained(symptom, words=words),)
    start, end = REFUSED.span(line)
    state = "compose refused the project before creating any container"
    diagnoses = [Diagnosis(ALL_SERVICES, None, (symptom,), explained, from_text=True, text_state=state,
                           refused=line[start:end])]
    diagnoses.extend(Diagnosis(s, None, from_text=True, text_state="not started: compose refused the project")
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
    from doctor.why.piped_exits import created_any, text_created, text_ended, text_up

    cancelled = set(interrupted(text, project.services))
    came_up = set(text_up(text, project.services, names))
    named, attached = (set(s) for s in text_created(text, project.services, names))
    ended = text_ended(text, project.services, names)
    at = ", ".join(f"'{s}'" for s in failed)
    began = created_any(text)
    needed = {dep: s for s in reversed(list(exits)) for dep in _dependencies(project, s)}  # exits: those that ran
    out = []
    for name in sorted(project.services):
        if name in seen or service not in (None, name) or (asked is not None and name not in asked):
            continue
        if name in cancelled:
            out.append(Diagnosis(name, None, stopped_at=failed, from_text=True))
        elif name in came_up:
            out.append(Diagnosis(name, None, from_text=True, text_state="started"))
        elif name in needed:  # compose starts what a service depends on before it: that one ran, so this started
            out.append(Diagnosis(name, None, from_text=True,
                                 text_state=f"started: '{needed[name]}', which depends on it, ran after it"))
        elif name in ended:  # a foreground `up` ran it: it completed, or compose stopped it
            how = "it ran and exited (0)" if ended[name] == "0" else f"compose stopped it (exited ({ended[name]}))"
            out.append(Diagnosis(name, None, from_text=True, text_state=f"started: {how}, in the piped output"))
        elif name in attached:  # a foreground `up` ran it, and shows no exit of it
            out.append(Diagnosis(name, None, from_text=True,
                                 text_state="started: attached, and the piped output shows no exit of it"))
        else:
            down = _failed_dependency(project, name, set(failed))
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


def _asked(project: Project, command: UpCommand | None, service: str | None) -> frozenset[str] | None:
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


def _failed_dependency(project: Project, service: str, failed: set[str]) -> str:
    """The first of `failed` that `service` depends on, directly or through others (breadth first); "" when none."""
    return next((dep for dep in _dependencies(project, service) if dep in failed), "")


def _dependencies(project: Project, service: str) -> list[str]:
    """The services `service` depends on, directly or through others, nearest first (breadth first, by name)."""
    return started_before(project.services, service, by_name=True)


def _named_elsewhere(host: Host, project: Project, opts: WhyOptions) -> str | None:
    """The name `up` gave this folder's project when its containers are under another than the one
    doctor works out (`docker compose -p track-b up` here; COMPOSE_PROJECT_NAME set in that shell):
    found by the containers' working_dir label, and said on stderr. None when a name was given
    (-p: the user means that one), when no container ran here, and when several projects did
    (then which one is a question: a usage error naming them)."""
    from doctor.host.containers import projects_at

    if opts.project_name is not None:
        return None
    folder = str(project.compose.project_dir)
    names = projects_at(host.engine, folder)
    if not names and os.path.realpath(folder) != folder:  # compose labels the path as it was given
        names = projects_at(host.engine, os.path.realpath(folder))
    if not names:
        return None
    here = project.compose.project_name
    if len(names) > 1:
        listed = ", ".join(repr(n) for n in names)
        raise app.UsageError(f"project {here!r} has no container on the engine, but `up` ran in this folder as "
                             f"{listed}: give the one that failed with -p")
    sys.stderr.write(f"doctor: project {here!r} has no container on the engine; `up` ran in this folder as "
                     f"{names[0]!r} (-p or COMPOSE_PROJECT_NAME): reading that project's containers\n")
    return names[0]


def _looping(host: Host, containers: tuple[ContainerState, ...], signatures: Sequence[Signature],
             service: str | None) -> tuple[ContainerState, ...]:
    """The containers, each running one whose log ends in a loop on a retried failure marked `looping`
    (failed: `running, but its log repeats: unknown-host`). Bounded: see doctor.why.loop."""
    import time

    from doctor.host.containers import with_logs
    from doctor.model import Unavailable
    from doctor.why.loop import LOGS_BUDGET, looping, to_read

    chosen = to_read(containers, service)
    if not chosen or not any(s.retried for s in signatures):
        return containers
    deadline = time.monotonic() + LOGS_BUDGET
    marked = {}
    for container in chosen:
        if time.monotonic() > deadline:
            break
        try:
            read = with_logs(host.engine, container)
        except Unavailable:  # the engine went away after listing them: what it listed stands
            break
        loop = looping(read.log_tail, signatures)
        if loop:
            marked[container.name] = replace(read, looping=loop)
    return tuple(marked.get(c.name, c) for c in containers)


def _older_than_files(project: Project, diagnoses: list[Diagnosis], host: Host, env: dict[str, str]
                      ) -> list[Diagnosis]:
    """The diagnoses whose failed container no finding explains, each explained instead by its age where
    compose would recreate it: created from a configuration the files no longer hold (a `.env` fixed
    since), it shows a fault that is gone, and `docker compose up -d` replaces it."""
    from doctor.model import Fix, Safety
    from doctor.project.service_home import compose_cli
    from doctor.why.stale import changed_since, recreated

    alone = [d for d in diagnoses if d.container is not None and d.failed and d.symptoms
             and not any(e.is_cause for e in d.explained)]
    if not alone:
        return diagnoses
    cli = host.compose_cli
    old = recreated(project, [d.container for d in alone if d.container is not None], cli, env)
    if not old:
        return diagnoses
    out = []
    for diagnosis in diagnoses:
        container = diagnosis.container
        if any(d is diagnosis for d in alone) and container is not None and container.name in old:
            changed = changed_since(project, diagnosis.service, container.id, host.engine)
            fix = Fix(f"recreate '{diagnosis.service}' from the files as they are now", Safety.ADVICE,
                      command=(*compose_cli(project, cli=cli), "up", "-d", diagnosis.service))
            diagnosis = replace(diagnosis, explained=tuple(stale(s, changed, fix, _words(project))
                                                           for s in diagnosis.symptoms))
        out.append(diagnosis)
    return out


def _pointed_at(project: Project, symptom: Symptom, looked: bool = False) -> tuple[Location | None, str]:
    """The compose line a symptom no check explains points to, and the setting written there when the
    line names it: the healthcheck's `test:` for a failing probe; `user: postgres` for the engine's
    `unable to find user postgres` (a container created and never started has no log to read); the
    `container_name: postgres` another container had, gone from the engine now when `looked` (doctor
    read the engine's containers, and no finding says one has it)."""
    import re

    from doctor.project.keyat import service_key_at

    service = project.services.get(symptom.service)
    if service is None:
        return None, ""
    name = symptom.captured.get("container")
    if name and name == service.container_name:
        where = service_key_at(project, service.name, "container_name")
        if looked:
            return where, (f"its `container_name: {name}`: no container has that name now, so the clash is gone: run "
                           f"`{project.compose_words()} up` again (`docker rm -f {name}` if it comes back and is yours "
                           "to remove)")
        return where, (f"its `container_name: {name}` and who has that name (`docker ps -a --filter name={name}`): "
                       f"doctor could not read the engine's containers")
    if service.user and re.search(rf"\buser {re.escape(service.user)}(?![\w.-])", symptom.line):
        return service_key_at(project, service.name, "user"), (
            f"its `user: {service.user}`, which the image's /etc/passwd lacks (a numeric uid:gid needs no entry; "
            "or the image is not the one meant)")
    if service.working_dir and re.search(rf"(?<![\w./-]){re.escape(service.working_dir)}(?![\w./-])",
                                         symptom.line) and "chdir" in symptom.line:
        return service_key_at(project, service.name, "working_dir"), (
            f"its `working_dir: {service.working_dir}`, which the image does not have")
    signature = symptom.signature
    if signature is not None and signature.setting:
        return service_key_at(project, service.name, *signature.setting), ""
    return None, ""


def _stopped_here(service: str, findings: Sequence[Finding], words: Words = BARE) -> Diagnosis:
    """A service with no container beside others that have one: failed where a finding says why compose
    created none for it (`up` stopped there, and created no more), else not created (`up SERVICE`, or a
    service waiting on the one that failed). `words`: how its advice writes commands (as_explained)."""
    from doctor.why.signatures import NOT_CREATED

    mine = [f for f in findings if f.check in NOT_CREATED.checks and stops_create(f) and about_service(f, service)]
    if not mine:
        return Diagnosis(service, None)
    symptom = Symptom(service, "", "no container", 0, STOPPED_HERE_LINE, NOT_CREATED)
    return Diagnosis(service, None, (symptom,), tuple(as_explained(f, symptom, words) for f in mine))


def _print(opts: WhyOptions, project: Project, diagnoses: list[Diagnosis], results: list[CheckResult],
           out: TextIO) -> int:
    from doctor.why.render import render

    name = project.compose.project_name
    report = _report(project.root, diagnoses, results, project.compose.files)
    redactor = app.redactor_for(project)
    here = Path.cwd()  # the console names paths as they open from here, like preflight's
    words = _words(project)
    text = render(opts.format or "console", report, diagnoses, redactor, name, __version__, here, words)
    if opts.output is not None:
        app.write_atomic(opts.output, text)
        if opts.format not in (None, "console"):
            text = render("console", report, diagnoses, redactor, name, __version__, here, words)
    out.write(text)
    return EXIT_FAILED if any(d.failed or d.stopped_at for d in diagnoses) else EXIT_UP


def _never_created(project: Project, project_options: ProjectOptions, registry: Registry,
                   severities: dict[str, Severity], opts: WhyOptions, asked: Collection[str] | None = None
                   ) -> tuple[list[Diagnosis], list[CheckResult], list[str]]:
    """When the engine has no container of the project: the findings that say why compose created none
    (a file it cannot read, an image it cannot pull, a variable that left an image tag empty), under the
    services they concern and, for the rest, under ALL_SERVICES; no diagnosis when no finding says why
    (then `up` may not have run). Of the services `up` was to start (`asked`, None: all): a fault of
    only the others is none of this `up`'s. With `--service`, its own first, and another's only while nothing
    else explains it (doctor.why.one_service).
    Last, the notes of what `up` would have to pull (an image not on the engine): no cause alone,
    but what failed if `up` did run and no registry answered."""
    from doctor.why.signatures import NOT_CREATED

    select = tuple(c for c in NOT_CREATED.checks if c in registry.checks)
    if not select:
        return [], [], []
    every, results = _checked(project, project_options, registry, severities, opts, select)
    if asked is not None:
        every = [f for f in every if any(about_service(f, s) for s in asked)
                 or not any(about_service(f, s) for s in project.services)]
    # an info ("compose pulls it on up") is no cause: with nothing else, `up` may just not have run
    found = [f for f in every if stops_create(f)]
    wanted = [s for s in sorted(project.services) if asked is None or s in asked]
    owned = {s: [f for f in found if about_service(f, s)] for s in wanted}
    mine = {id(f) for fs in owned.values() for f in fs}
    rest = [f for f in found if id(f) not in mine]  # a file compose cannot read stops every service
    diagnoses = []
    words = _words(project)
    for service, findings in [(ALL_SERVICES, rest), *owned.items()]:
        if not findings and service == ALL_SERVICES:
            continue
        symptom = Symptom(service, "", "no container", 0, NOT_CREATED_LINE, NOT_CREATED)
        diagnoses.append(Diagnosis(service, None, (symptom,) if findings else (),
                                   tuple(as_explained(f, symptom, words) for f in findings)))
    if opts.service is not None:  # its own first; another's fault is no fault of them all (doctor.why.one_service)
        from doctor.why.one_service import for_service

        diagnoses = for_service(diagnoses, opts.service, project.services)
    if not any(d.explained for d in diagnoses):
        redactor = app.redactor_for(project)  # the one border: these reach stderr in a usage line
        notes = [redactor.text(f.message) for f in every if f.severity is Severity.INFO
                 and f.check == "image-availability" and "not on the engine" in f.message]
        return [], [], notes
    return diagnoses, results, []


def _words(project: Project) -> Words:
    """How the advice writes the commands it quotes for the project (doctor.why.diagnose.Words)."""
    return Words(project.compose_words(), project.doctor_options())


def _binds(project: Project, service: str) -> list[tuple[str, str]]:
    """The service's bind mounts inside the project: (source relative to the project, container target)."""
    found = []
    root = Path(project.compose.project_dir)
    svc = project.compose.services.get(service)
    for mount in svc.volumes if svc is not None else ():
        if mount.type == "bind" and mount.source and mount.target:
            source = Path(os.path.normpath(mount.source))
            if source.is_relative_to(root):
                found.append((source.relative_to(root).as_posix(), mount.target))
    return found


def _waits_on(container: ContainerState, containers: Sequence[ContainerState], project: Project) -> str:
    """The services a never-started container depends on that are not up, with their state: `'db' (exited (1))`."""
    if container.state != "created" or container.service not in project.services:
        return ""
    states = {c.service: c for c in containers if not c.one_shot}
    down = []
    for name in project.services[container.service].depends_on:
        other = states.get(name)
        if other is None or other.failed:
            down.append(f"{name!r} ({other.describe if other else 'no container'})")
    return ", ".join(down)


def _report(root: Path, diagnoses: list[Diagnosis], ran: list[CheckResult], files: tuple[Path, ...]) -> Report:
    """The preflight report schema: one result per check that explains a symptom, plus `why` for the rest."""
    explained = [e for d in diagnoses for e in d.explained]
    results = []
    for result in ran:
        mine = tuple(e for e in explained if e.check == result.check)
        if mine:
            results.append(CheckResult(result.check, result.summary, Status.FAILED, mine))
    rest = tuple(e for e in explained if e.check == WHY)
    results.append(CheckResult(WHY, WHY_SUMMARY, Status.FAILED if rest else Status.PASSED, rest))
    facts: dict[str, object] = {
        "services": [
            {"service": d.service, "container": d.container.name if d.container else None,
             "state": d.state if d.container else "no container", "failed": d.failed}
            for d in diagnoses
        ]
    }
    return Report(root, tuple(results), facts=facts, docs={WHY: WHY_SUMMARY}, compose_files=files)


__all__ = ["Explained", "Symptom", "WhyOptions", "why"]
