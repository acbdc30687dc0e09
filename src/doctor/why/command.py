"""`doctor why [PATH] [--service S]`: each failed service's symptom, and the finding that explains it.

The symptoms come from the project's containers on the engine (what they say beyond each one's own symptom:
doctor.why.from_engine); with none there, from the output of the failed `up` when it is piped in
(`docker compose up -d 2>&1 | doctor why`: doctor.why.piped, diagnosed by doctor.why.from_text).
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
from doctor.model import CheckResult, Severity, Status, field, record
from doctor.records import replace
from doctor.why.advice import unexplained
from doctor.why.assumed import Assumed, assumed_project
from doctor.why.causes import pointed_at, project_words
from doctor.why.diagnose import WHY, WHY_SUMMARY, Diagnosis, Explained, Symptom, stopped_by
from doctor.why.exec_form import blank_word
from doctor.why.explains import explaining, through_binds
from doctor.why.from_engine import (
    binds,
    mark_looping,
    named_elsewhere,
    never_created,
    older_than_files,
    stopped_here,
    waits_on,
)
from doctor.why.from_text import asked_services, refused_diagnoses, text_diagnoses
from doctor.why.symptoms import match_symptoms
from doctor.why.waits import with_waits

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from typing import TextIO

    from doctor.project import Project

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


def why(opts: WhyOptions, out: TextIO | None = None) -> int:
    """Read the project's containers, explain every failed one, print the report; 0 up, 1 failed, 2 could not look."""
    out = sys.stdout if out is None else out
    from doctor.engine import RunOptions, load_registry, preflight
    from doctor.host import Host
    from doctor.host.containers import project_containers
    from doctor.model import Unavailable
    from doctor.project import Project
    from doctor.why import load_signatures
    from doctor.why.piped import made_containers, read_piped
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
    if text and opts.project_name is None and (named := _named_in_text(text, project)):
        # `docker compose -p X up 2>&1 | doctor why`: the containers the text names say the project is X
        opts, target = replace(opts, project_name=named), replace(target, project_name=named)
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
    asked = asked_services(project, command, opts.service)
    if refused:
        diagnoses, results = refused_diagnoses(project, project_options, registry, config.severities, opts, refused,
                                               asked)
        return _print(opts, project, diagnoses, results, out, text=text)
    host = Host(env=opts.env, timeout=ENGINE_TIMEOUT)
    signatures, errors = load_signatures()
    for error in errors:
        sys.stderr.write(f"doctor: signature {error.name} {error.message}\n")
    try:
        containers = project_containers(host.engine, name)
        other = named_elsewhere(host, project, opts, made_containers(text)) if not containers else None
    except app.UsageError as exc:  # `up` ran here as two projects: which one is the user's to say (-p)
        raise _not_looked(opts, project, out, (), str(exc), _no_containers(project, opts, asked)) from None
    except Unavailable as exc:
        if not text:
            said = f"cannot look at the containers: {exc.reason}"
            raise _not_looked(opts, project, out, (), said) from None
        sys.stderr.write(f"doctor: cannot look at the containers ({exc.reason}): reading the piped text alone\n")
        containers, other = (), None
    if other is not None:  # `up -p NAME` ran here: read that project's containers, as compose would with -p
        opts = replace(opts, project_name=other)
        target = replace(target, project_name=other)
        project_options = app.project_options(target, config)
        project = Project(project_options)
        name = project.compose.project_name
        containers = project_containers(host.engine, name)
    assumed = assumed_project(text, project) if text and not containers and other is None and (
        opts.project_name is None) else None
    if assumed is not None:  # said on stderr, and in a document format's facts
        sys.stderr.write(assumed.note() + "\n")
    from doctor.why.piped_exits import text_builds

    # a build that failed stopped this `up` before it touched the containers an earlier one left: they
    # say nothing of it (they may all run), the text does
    builds = text_builds(text, project.services) if text else {}
    built = bool(containers) and bool(builds)
    # the engine refused to create a service's container (`failed to copy files: ... no space left on device`): those
    # `up` created are only created, its error is in the text alone, not on the engine
    have = {c.service for c in containers}
    unmade = bool(text) and bool(containers) and not built and not any(
        c.failed and (c.state != "created" or c.error) for c in containers) and any(
        s not in have for s in (asked if asked is not None else project.services))
    piped: list[Diagnosis] = []
    if (not containers or built or unmade) and text:  # `up ... | doctor why` with no container to read: the text's
        piped, ran = text_diagnoses(project, project_options, registry, config.severities, opts, text, signatures,
                                    builds, asked)
        if unmade and not any(d.failed and d.service not in have for d in piped):
            piped = []
        if piped and built:  # the others as their containers are now (one an earlier `up` started runs)
            running = {c.service: c for c in containers if not c.one_shot}
            piped = [Diagnosis(d.service, running[d.service]) if not d.failed and d.service in running
                     and not running[d.service].failed else d for d in piped]
        if piped:
            said = (f"the {_lines(text)} line(s) piped in show a build that failed, before `up` reached the "
                    "containers an earlier one left: reading them" if built else
                    f"the {_lines(text)} line(s) piped in show a service that failed before it had a container (the "
                    "engine's have only been created): reading them" if unmade else
                    f"project {name!r} has no container on the engine: reading the {_lines(text)} line(s) piped in")
            sys.stderr.write(f"doctor: {said}\n")
            return _print(opts, project, piped, ran, out, assumed, text=text)
    if text and containers and not built:
        used = [what for what, yes in (("the project it names", took),
                                       ("the services it starts", asked is not None)) if yes]
        sys.stderr.write((ASKED_NOTE.format(" and ".join(used)) if used else PIPED_NOTE) + "\n")
    containers = mark_looping(host, containers, signatures, opts.service) if containers else containers
    if not containers:  # `up` failed before creating any: compose could not read the project, or pull an image
        diagnoses, results, notes = never_created(project, project_options, registry, config.severities, opts, asked)
        compose = project.compose_words()  # `docker compose -p track-b`: what it says to run reaches this project
        if not diagnoses and text and created_any(text):  # it ran: compose's progress names a container
            raise _not_looked(opts, project, out, results,
                              f"project {name!r} has no container on the engine, and the `up` output piped in "
                              "shows no service that failed (an `up -d` says only that each container started): "
                              "its containers, which would say, are gone (`docker compose down` and `rm` remove "
                              f"them and their logs): run `{compose} up` again and ask "
                              f"`{project_words(project).doctor_command('why')}` while they are there",
                              _no_containers(project, opts, asked))
        if not diagnoses and notes:  # `up` not run, or a pull that failed (no registry): both are said
            shown = "; ".join(notes[:3]) + (f"; and {len(notes) - 3} more" if len(notes) > 3 else "")
            why_words = project_words(project).doctor_command("why")
            # text piped in already: what it lacks is a failure doctor reads, not the pipe
            pipe = (f"; the {_lines(text)} line(s) piped in show no failure doctor reads: pipe the whole `up` output"
                    if text.strip() else ", or pipe in the failed `up`'s output for its error")
            raise _not_looked(opts, project, out, results,
                              f"project {name!r} has no container on the engine: 'docker compose up' has not "
                              f"run, or it failed before creating one, as when it cannot pull an image: {shown}: "
                              f"pull (`{compose} pull`) or build what it needs{pipe} "
                              f"(`{compose} up -d 2>&1 | {why_words}`)",
                              _no_containers(project, opts, asked))
        if not diagnoses and text.strip():  # read, and nothing in it doctor knows: say so, not "run up"
            raise _not_looked(opts, project, out, results,
                              f"project {name!r} has no container on the engine, and the {_lines(text)} line(s) "
                              "piped in show no failure doctor reads (compose's `exited with code`, `Error` or a "
                              "known log line): pipe the whole `up` output (`up 2>&1 | doctor why`)",
                              _no_containers(project, opts, asked))
        if not diagnoses:
            raise _not_looked(opts, project, out, results, _no_container(project, compose, opts.project_name is None),
                              _no_containers(project, opts, asked))
        return _print(opts, project, diagnoses, results, out, assumed, text=text)
    wanted = [c for c in containers if opts.service in (None, c.service) and not c.one_shot]
    have = {c.service for c in containers}
    # services compose never created: an `up` that stopped at one (its image, its container_name), or `up SERVICE`
    # (none of those it did not start, when its command line says which it did)
    missing = [s for s in sorted(project.services) if s not in have and (asked is None or s in asked)]
    symptoms = {c.name: match_symptoms(c, signatures, waits_on(c, containers, project)) for c in wanted if c.failed}
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
    words = project_words(project)
    compose = words.compose
    for container in wanted:
        found = tuple(through_binds(s, binds(project, container.service)) for s in symptoms.get(container.name, ()))
        explained = tuple(e for s in found for e in explaining(s, findings, project.services, words))
        if found and not explained:
            explained = tuple(blank_word(project, s) or unexplained(
                s, *pointed_at(project, s), project=project.compose.project_name, words=words) for s in found)
        diagnoses.append(Diagnosis(container.service, container, found, explained))
    created_only = all(c.state == "created" and not c.error for c in containers if not c.one_shot)
    diagnoses.extend(stopped_here(name, findings, words, created_only) for name in missing)
    # which service `up` stopped at is judged over them all, what is shown is the one asked for
    diagnoses = [d for d in stopped_by(sorted(diagnoses, key=lambda d: d.service)) if opts.service in (None, d.service)]
    diagnoses = with_waits(project, diagnoses)
    diagnoses = older_than_files(project, diagnoses, host, opts.env)
    if opts.service is not None and not wanted and not any(d.failed for d in diagnoses):
        raise _not_looked(opts, project, out, results,
                          f"service {opts.service!r} has no container (run '{compose} up {opts.service}')",
                          (opts.service,))
    return _print(opts, project, diagnoses, results, out, text=text)


def _named_in_text(text: str, project: Project) -> str:
    """The project name the piped `up` used (the containers it names: `-p X` or COMPOSE_PROJECT_NAME in the shell
    that ran it), where it is not the one doctor works out here (the folder's name), said on stderr; else ""."""
    from doctor.why.piped import text_project

    # the keys of the networks and volumes compose names `PROJECT_KEY` (a `name:` of their own is no key's)
    keys = {"default", *project.compose.networks,
            *(m.source for s in project.services.values() for m in s.volumes if m.type == "volume" and m.source)}
    named, what = text_project(text, project.services, keys)
    if not named or named == project.compose.project_name:
        return ""
    sys.stderr.write(f"doctor: the piped output names the {what} of project {named!r} (`up -p {named}` or "
                     f"COMPOSE_PROJECT_NAME), not {project.compose.project_name!r}: reading that project\n")
    return named


def _no_container(project: Project, compose: str, guessed: bool) -> str:
    """No container of the project on the engine and nothing else to read: `up` has not run, or `down` removed its
    containers (and their logs: nothing is left to diagnose). Where no `-p` was given, the name and where it comes
    from, since an `up -p X` of this folder was another project, whose containers `down` may have removed too."""
    from doctor.why.assumed import name_source

    name, why = project.compose.project_name, project_words(project).doctor_command("why")
    said = f"project {name!r}"
    if guessed:
        said += f" ({name_source(project).where()}; an `up -p X` here was project X: give `doctor why -p X`)"
    return (f"{said} has no container on the engine: 'docker compose up' has not run for it, it stopped before "
            f"creating one (its error says why: pipe that output in, `{compose} up -d 2>&1 | {why}` or `{why} < "
            f"up.log`), or `docker compose down` (or `rm`) removed its containers and their logs: run '{compose} up' "
            f"first, then ask `{why}` while they are there")


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


def _print(opts: WhyOptions, project: Project, diagnoses: list[Diagnosis], results: list[CheckResult],
           out: TextIO, assumed: Assumed | None = None, text: str = "") -> int:
    from doctor.secret_beside import secrets_beside
    from doctor.why.render import render

    name = project.compose.project_name
    report = _report(project.root, diagnoses, results, project.compose.files, assumed)
    # what the piped text and the logs give away beside a heading (Elasticsearch's password under its `Password for
    # the elastic user ...:`), masked wherever the report quotes it bare: a last log line has no heading above it
    logs = (text, *("\n".join((*d.container.log_tail, d.container.health_log)) for d in diagnoses if d.container))
    redactor = app.redactor_for(project).knowing(secrets_beside(logs))
    here = Path.cwd()  # the console names paths as they open from here, like preflight's
    words = project_words(project)
    text = render(opts.format or "console", report, diagnoses, redactor, name, __version__, here, words)
    if opts.output is not None:
        app.write_atomic(opts.output, text)
        if opts.format not in (None, "console"):
            text = render("console", report, diagnoses, redactor, name, __version__, here, words)
    out.write(text)
    return EXIT_FAILED if any(d.failed or d.stopped_at for d in diagnoses) else EXIT_UP


# the formats a CI step keeps as a file and parses (`doctor why --format json > why.json`): the console and
# GitHub's annotations are read in the log, where the one stderr line says it
_DOCUMENTS = ("json", "sarif", "junit")


def _not_looked(opts: WhyOptions, project: Project, out: TextIO, results: Sequence[CheckResult], reason: str,
                services: Sequence[str] = ()) -> app.UsageError:
    """The error of a `why` that could not look (no engine, no container of the project, two projects here), its
    report printed first in a document format: its `why` result skipped with the reason, as preflight skips a check
    the engine is needed for, beside what the checks it ran found, and `services` listed with no container, so
    the file a CI step parses (`doctor why --format json > why.json`) is a report, not empty. The exit status (2)
    and the stderr line are the caller's raising it, as in every format; the console prints nothing more."""
    if opts.format not in _DOCUMENTS:
        return app.UsageError(reason)
    from doctor.why.render import render

    skipped = CheckResult(WHY, WHY_SUMMARY, Status.SKIPPED, reason=reason)
    facts: dict[str, object] = {"services": [{"service": s, "container": None, "state": "no container",
                                              "failed": False} for s in services]}
    report = Report(project.root, (*results, skipped), facts=facts, docs={WHY: WHY_SUMMARY},
                    compose_files=project.compose.files)
    text = render(opts.format, report, [], app.redactor_for(project), project.compose.project_name, __version__)
    if opts.output is not None:
        app.write_atomic(opts.output, text)
    else:
        out.write(text)
    return app.UsageError(reason)


def _no_containers(project: Project, opts: WhyOptions, asked: Collection[str] | None) -> list[str]:
    """The services a `why` found no container of: those `up` was to start (all when it is not known), or the one
    asked for."""
    return [s for s in sorted(project.services) if opts.service in (None, s) and (asked is None or s in asked)]


def _report(root: Path, diagnoses: list[Diagnosis], ran: list[CheckResult], files: tuple[Path, ...],
            assumed: Assumed | None = None) -> Report:
    """The preflight report schema: one result per check that explains a symptom, plus `why` for the rest; with
    `facts.assumed_project` where the piped text named no project and doctor read it as the one it found here.

    A cause of a failed service is an error whatever its severity in preflight: image-availability's note that `up`
    pulls an image, explaining a failed pull, was a `::notice`, a passed JUnit test case and a SARIF `note` of a
    report that exits 1."""
    explained = [_as_failure(e) if d.failed else e for d in diagnoses for e in d.explained]
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
             "state": d.state if d.container else "no container", "failed": d.failed,
             **({"waits_on": [w.as_dict() for w in d.waits]} if d.waits else {}),
             # what stops it at its start once what it waits on is up: no cause of its not starting
             **({"then": [{"check": e.check, "message": e.message.split(" (explains '", 1)[0],
                           "file": str(e.location.path) if e.location else None,
                           "line": e.location.line if e.location else None} for e in d.then]} if d.then else {})}
            for d in diagnoses
        ]
    }
    if assumed is not None:
        facts["assumed_project"] = assumed.as_dict(root)
    return Report(root, tuple(results), facts=facts, docs={WHY: WHY_SUMMARY}, compose_files=files)


def _as_failure(explained: Explained) -> Explained:
    """`explained`, the cause of a failed service, as an error."""
    return explained if explained.severity >= Severity.ERROR else replace(explained, severity=Severity.ERROR)


__all__ = ["Explained", "Symptom", "WhyOptions", "why"]
