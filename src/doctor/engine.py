"""Find the checks (entry points, like any plugin), run them, and gather one Report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from doctor.model import Check, CheckResult, Finding, Severity, Status, Unavailable, field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import importlib.metadata
    from typing import ClassVar

    from doctor.check_index import EntryPoint
    from doctor.host import Host
    from doctor.project import Project, ProjectOptions

ENTRY_POINT_GROUP = "doctor.checks"


@record
class PluginError:
    """A check plugin that could not be loaded, named by its entry point and distribution."""

    name: str
    distribution: str
    message: str


BUILT_IN = "doctor.checks."  # the modules of doctor's own checks (entry point values)


@record
class Registry:
    """The loaded checks by id, plus the plugins that failed to load."""

    checks: dict[str, type[Check]]
    errors: tuple[PluginError, ...] = ()
    unloaded: tuple[str, ...] = ()  # registered ids this run did not import (not selected)

    @property
    def ids(self) -> set[str]:
        """Every registered check id, loaded or not."""
        return {*self.checks, *self.unloaded}


def load_registry(group: str = ENTRY_POINT_GROUP, wanted: Callable[[str], bool] | None = None,
                  points: Iterable[EntryPoint | importlib.metadata.EntryPoint] | None = None,
                  defer: bool = False) -> Registry:
    """Find entry points without importing, load each, validate it; a broken plugin is an error.

    `wanted` (an id -> whether this run needs it) leaves doctor's own checks that it does not
    want unimported: their ids are still known (`unloaded`), so a typo in --select stays a
    usage error. Plugins are always imported: a broken one is an error of every run.
    `points` are the group's entry points when the caller has read them already (`entry_points`).
    `defer` (a preflight) stands a DeferredCheck in for each of doctor's own checks whose
    check_index.json entry is current: the check is imported where it runs (the helper process
    of doctor.forked imports the project-only ones, the run the others).
    """
    checks: dict[str, type[Check]] = {}
    errors: list[PluginError] = []
    unloaded: dict[str, None] = {}
    for ep in sorted(entry_points(group) if points is None else points, key=lambda e: e.name):
        if wanted is not None and ep.value.startswith(BUILT_IN) and not wanted(ep.name):
            unloaded[ep.name] = None
            continue
        stand_in = _deferred(ep) if defer and ep.value.startswith(BUILT_IN) else None
        if stand_in is not None:
            checks.setdefault(ep.name, stand_in)
            continue
        try:
            loaded = ep.load()
        except Exception as exc:  # a plugin border: its failure must not kill the run
            errors.append(PluginError(ep.name, _distribution(ep), f"cannot be imported: {type(exc).__name__}: {exc}"))
            continue
        problem = _validate(ep.name, loaded)
        if problem:
            errors.append(PluginError(ep.name, _distribution(ep), problem))
        elif ep.name not in checks:
            checks[ep.name] = loaded
    return Registry(checks, tuple(errors), tuple(n for n in unloaded if n not in checks))


class DeferredCheck(Check):
    """One of doctor's own checks, not imported yet: what the run needs before running it (id,
    summary, documentation, fix family, probes, whether it is project-only, default severity)
    comes from its current check_index.json entry; `run` imports the check and runs it."""

    _point: ClassVar[EntryPoint | importlib.metadata.EntryPoint]  # its docstring is the summary line alone

    @classmethod
    def documentation(cls) -> str:
        from doctor.check_index import documentation

        return documentation(cls._point.value)

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        return cls.real().doc_sections()

    @classmethod
    def real(cls) -> type[Check]:
        """The check itself (imported now), validated as the registry validates a loaded one."""
        loaded = cls._point.load()
        problem = _validate(cls.id, loaded)
        if problem:
            raise TypeError(f"{cls._point.value} {problem}")
        return loaded  # type: ignore[no-any-return]

    def _instance(self) -> Check:
        """The check itself, made once: what its `start` found is there for its `run`."""
        made: Check | None = self.__dict__.get("_made")
        if made is None:
            made = self.__dict__["_made"] = self.real()(self.__dict__.get("severity"))
        return made

    def start(self, project: Project, host: Host) -> None:
        self._instance().start(project, host)

    def run(self, project: Project, host: Host) -> Iterable[Finding]:
        return self._instance().run(project, host)


def _deferred(ep: EntryPoint | importlib.metadata.EntryPoint) -> type[Check] | None:
    from doctor.check_index import current_entry

    entry = current_entry(ep.name, ep.value, remembered=True)
    if entry is None or "project_only" not in entry:  # an index of before the fields a preflight needs
        return None
    attributes = {"id": ep.name, "_point": ep, "__doc__": entry["summary"], "fix_family": entry["fix_family"],
                  "prefetch": tuple(entry["prefetch"]), "project_only": bool(entry["project_only"]),
                  "fork_safe": bool(entry.get("fork_safe")),
                  "severity": Severity(entry["severity"])}
    return type(f"Deferred[{ep.name}]", (DeferredCheck,), attributes)


def entry_points(group: str = ENTRY_POINT_GROUP) -> Iterable[EntryPoint | importlib.metadata.EntryPoint]:
    """Read from entry_points.txt files (importing importlib.metadata costs more than the whole scan)."""
    from doctor.check_index import registered

    found = registered(group, remembered=True)
    if found is not None:
        return found
    import importlib.metadata

    return importlib.metadata.entry_points(group=group)


def _distribution(ep: EntryPoint | importlib.metadata.EntryPoint) -> str:
    """The distribution that declares an entry point; asked only on error (it parses METADATA)."""
    return ep.dist.name if ep.dist is not None else "?"


def _validate(name: str, loaded: object) -> str:
    if not (isinstance(loaded, type) and issubclass(loaded, Check)):
        return "is not a doctor.model.Check subclass"
    if loaded.id != name:
        return f"declares id {loaded.id!r} but is registered as {name!r}"
    if not loaded.summary():
        return "has no docstring (its first line is the check's summary)"
    return ""


@record
class Suppressed:
    """A finding left out of the report on purpose: by a config suppression or the baseline."""

    finding: Finding
    reason: str


@record
class Report:
    """Everything one run found: per-check results in registry order, and where it looked.

    `docs` maps check id -> its documentation (SARIF rule help); `compose_files` are where a
    finding without a file is anchored in formats that need a file (SARIF); `suppressed`
    holds the findings that config suppressions or the baseline removed from `results`.
    """

    project_dir: Path
    results: tuple[CheckResult, ...]
    facts: dict[str, object] = field(default_factory=dict)
    docs: Mapping[str, str] = field(default_factory=dict)
    compose_files: tuple[Path, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for r in self.results for f in r.findings)

    def exit_code(self, fail_on: Severity) -> int:
        """1 when any finding is at or above `fail_on`, or a check crashed; else 0."""
        if any(r.status is Status.ERROR for r in self.results):
            return 1
        return 1 if any(f.severity >= fail_on for f in self.findings) else 0


class Documentation(Mapping[str, str]):
    """Report.docs of a run: check id -> its documentation, read when a reporter asks for it (SARIF's
    rule help). A deferred check's comes from check_index.json, which a console or JSON report then
    never parses."""

    def __init__(self, checks: dict[str, type[Check]]) -> None:
        self._checks = checks

    def __getitem__(self, check_id: str) -> str:
        return self._checks[check_id].documentation()

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)


def select_checks(registry: Registry, select: Sequence[str], ignore: Sequence[str]) -> list[type[Check]]:
    """The checks to run, in id order; unknown ids, or an `ignore` that removes every check, are a
    usage error (ValueError): a run of no check would pass having looked at nothing."""
    known = registry.ids
    unknown = sorted({*select, *ignore} - known)
    if unknown:
        raise ValueError(f"unknown check id(s): {', '.join(unknown)} (see 'doctor list')")
    chosen = [c for name, c in sorted(registry.checks.items()) if not select or name in select]
    left = [c for c in chosen if c.id not in ignore]
    if chosen and not left:
        raise ValueError(f"nothing to run: ignore removes every check {'select chose' if select else ''}".rstrip())
    return left


# what each shareable check (project-only or fork-safe) typically takes, in ms (a warm run, one
# process, medians over otel-demo, appwrite, laradock, redash, fastapi; the fork-safe ones scaled to
# leaked-host-port's by their medians over both examples, fastapi-template, redash and open-prices):
# only the order matters, heaviest first (doctor.forked queues them so); a check not named here (a
# plugin's) weighs 0 and comes last. missing-mount is weighed as the helper meets it (5.0, not the
# 2.0 of one process): there, behind leaked-host-port, it took as long as script-line-endings on both
# examples, fastapi-template and otel-demo, and as the queue's next-to-last check it was the helper's
# last one in most runs, the run waiting for it at the join (fastapi: a median 11-13 ms, against
# 0.3-0.7 with the light ones last)
TYPICAL_MS = {
    "leaked-host-port": 10.0,
    "service-name-drift": 8.0,
    "script-line-endings": 6.0,
    "missing-mount": 5.0,
    "runtime-drift": 4.5,
    "dotenv-override": 4.0,
    "env-drift": 2.5,
    "host-gateway": 2.5,
    "compose-config": 2.3,
    "volume-shadowing": 1.0,
}


def run_checks(checks: Iterable[Check], project: Project, host: Host, project_dir: Path,
               progress: Callable[[str], None] | None = None,
               meanwhile: Callable[[], object] | None = None) -> Report:
    """Run every check; a crash or an unavailable fact is that check's result, never the run's end.

    The project-only checks may run in a helper process beside this one (doctor.forked);
    `meanwhile` is work of the run's own done while they run (the report's redactor); what
    both processes read of the project is read before the fork (`Project.prepare_shared`).
    `progress` is told the id of each check this process runs, before it runs (the console's
    status line on a terminal).
    """
    from doctor import forked

    checks = list(checks)
    results = forked.run(checks, lambda check: _run_one(check, project, host), progress, meanwhile,
                         prepare=lambda: project.prepare_shared(),
                         weight=lambda check: TYPICAL_MS.get(check.id, 0.0),
                         begin=lambda check: check.start(project, host),
                         enter=getattr(host, "fence", None))
    return Report(project_dir, tuple(results))


def _run_one(check: Check, project: Project, host: Host) -> CheckResult:
    summary = check.summary()
    found: list[Finding] = []
    try:
        found.extend(check.run(project, host))
    except Unavailable as exc:
        if not any(f.severity > Severity.INFO for f in found):  # notes alone: it must not read as a pass
            return CheckResult(check.id, summary, Status.SKIPPED, reason=exc.reason)
        # what the check found before it could not look further stands (image-availability's CI
        # workflow findings need no engine), failing the check, with a note marking it partial
        found.append(check.finding(f"could not look further: {exc.reason}", None, "engine", severity=Severity.INFO))
    except Exception as exc:  # the per-check border: a bug in one check must not hide the others
        return CheckResult(check.id, summary, Status.ERROR, reason=f"{type(exc).__name__}: {exc}")
    findings = _distinct(found, project)
    # info findings are notes (where doctor runs, a skipped probe): they do not fail a check
    status = Status.FAILED if any(f.severity > Severity.INFO for f in findings) else Status.PASSED
    return CheckResult(check.id, summary, status, findings)


def _distinct(found: list[Finding], project: Project) -> tuple[Finding, ...]:
    """The findings, each with a subject of its own: the fixer plans one fix per subject and a baseline
    suppresses by the fingerprint made of it, so two findings sharing one (a check's oversight) were
    one fix and one suppression. A repeated subject gets the place of its finding (`@file:line`),
    else its rank (`#2`)."""
    if len({f.subject for f in found}) == len(found):
        return tuple(found)
    from doctor.model import replace

    seen: dict[str, int] = {}
    used: set[str] = set()  # the subjects given so far
    out: list[Finding] = []
    for finding in found:
        count = seen[finding.subject] = seen.get(finding.subject, 0) + 1
        if count > 1:
            at = finding.location
            tail = f"@{at.display(project.root)}" if at is not None else ""
            if not tail or finding.subject + tail in used:
                tail = f"#{count}"
            finding = replace(finding, subject=finding.subject + tail)
        used.add(finding.subject)
        out.append(finding)
    return tuple(out)


@record
class RunOptions:
    """One preflight run: which project, which checks, and the environment it sees."""

    project: ProjectOptions
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)
    env: dict[str, str] | None = None


@record
class Run:
    """A finished preflight: the report, and the project and host models it was computed from."""

    report: Report
    project: Project
    host: Host


def preflight(options: RunOptions, registry: Registry | None = None, project: Project | None = None,
              progress: Callable[[str], None] | None = None, meanwhile: Callable[[], object] | None = None,
              host: Host | None = None) -> Run:
    """Build the project and host models, run the selected checks, return the report.

    `project` and `host` are ones the caller already built from `options` (and may have read);
    `progress` is told what runs, `meanwhile` runs beside the checks (see run_checks).
    """
    from doctor.host import PROBES, Host
    from doctor.project import Project

    registry = registry or load_registry()
    chosen = select_checks(registry, options.select, options.ignore)
    project = project or Project(options.project)
    project.checks_run = frozenset(cls.id for cls in chosen)
    host = host or Host(env=options.env if options.env is not None else dict(options.project.env))
    for probe in sorted({probe for cls in chosen for probe in cls.prefetch}):
        host.prefetch(probe)
    checks = [cls(options.severities.get(cls.id)) for cls in chosen]
    # a check whose probe was started early runs after the others (its probe gets the whole run),
    # the one waiting on the slowest probe last; the results keep id order
    def waits(check: Check) -> int:
        return max((PROBES.index(p) + 1 if p in PROBES else 1 for p in check.prefetch), default=0)

    report = run_checks(sorted(checks, key=waits), project, host, project.root, progress, meanwhile)
    report = Report(report.project_dir, tuple(sorted(report.results, key=lambda r: r.check)))
    plugin_results = tuple(
        CheckResult(e.name, f"plugin from {e.distribution}", Status.ERROR, reason=e.message) for e in registry.errors
    )
    docs = Documentation({c.id: c for c in chosen})
    results = plugin_results + report.results
    full = Report(report.project_dir, results, docs=docs, compose_files=project.compose.files)
    return Run(full, project, host)
