"""`doctor why` from the project's containers on the engine: what they say beyond each one's own symptom.

A running container whose log ends in a loop on a failure it retries is failed (mark_looping, bounded:
doctor.why.loop); one created and never started names the services it waits on that are not up (waits_on); a
failed one no finding explains, created from a configuration the files no longer hold, is explained by its age
(older_than_files: doctor.why.stale); a service with no container beside others is where `up` stopped, or was not
started (stopped_here); a path the log names inside the container reads as the project's bind mount (binds).
No container at all: the findings that say why compose created none (never_created), or the containers `up` left
in this folder under another project name (named_elsewhere).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from doctor import app
from doctor.model import Severity
from doctor.records import replace
from doctor.why.advice import as_explained, stale, unexplained
from doctor.why.causes import checked, project_words
from doctor.why.diagnose import (
    ALL_SERVICES,
    BARE,
    NOT_CREATED_LINE,
    STOPPED_HERE_LINE,
    Diagnosis,
    Symptom,
    Words,
    stops_create,
)
from doctor.why.explains import about_service
from doctor.why.signatures import Signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from doctor.engine import Registry
    from doctor.host import Host
    from doctor.host.containers import ContainerState
    from doctor.model import CheckResult, Finding
    from doctor.project import Project, ProjectOptions
    from doctor.why.command import WhyOptions
    from doctor.why.signatures import Signature


def named_elsewhere(host: Host, project: Project, opts: WhyOptions, made: Sequence[str] = ()) -> str | None:
    """The name `up` gave this folder's project when its containers are under another than the one
    doctor works out (`docker compose -p track-b up` here; COMPOSE_PROJECT_NAME set in that shell):
    found by the containers' working_dir label, and said on stderr. None when a name was given
    (-p: the user means that one), when no container ran here, and when several projects did
    (then which one is a question: a usage error naming them), unless the containers piped output shows that `up`
    making (`made`: doctor.why.piped.made_containers) are of one of them: their names carry no project where each
    service has a `container_name:` (temporal's `temporal-elasticsearch`), their labels do."""
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
    if len(names) > 1 and made:
        mine = projects_at(host.engine, folder, made)
        if len(mine) == 1:
            shown = ", ".join(repr(n) for n in made[:3]) + (", ..." if len(made) > 3 else "")
            sys.stderr.write(f"doctor: project {here!r} has no container on the engine; `up` ran in this folder as "
                             f"{', '.join(repr(n) for n in names)}, and the containers the piped output shows it "
                             f"making ({shown}) are of {mine[0]!r}: reading that project's containers\n")
            return mine[0]
    if len(names) > 1:
        listed = ", ".join(repr(n) for n in names)
        raise app.UsageError(f"project {here!r} has no container on the engine, but `up` ran in this folder as "
                             f"{listed}: give the one that failed with -p")
    sys.stderr.write(f"doctor: project {here!r} has no container on the engine; `up` ran in this folder as "
                     f"{names[0]!r} (-p or COMPOSE_PROJECT_NAME): reading that project's containers\n")
    return names[0]


def mark_looping(host: Host, containers: tuple[ContainerState, ...], signatures: Sequence[Signature],
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


def older_than_files(project: Project, diagnoses: list[Diagnosis], host: Host, env: dict[str, str]
                     ) -> list[Diagnosis]:
    """The diagnoses whose failed container no finding explains, each explained instead by its age where
    compose would recreate it: created from a configuration the files no longer hold (a `.env` fixed
    since), it shows a fault that is gone, and `docker compose up -d` replaces it."""
    from doctor.model import Fix, Safety
    from doctor.project.command_home import compose_cli
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
            diagnosis = replace(diagnosis, explained=tuple(stale(s, changed, fix, project_words(project))
                                                           for s in diagnosis.symptoms))
        out.append(diagnosis)
    return out


def stopped_here(service: str, findings: Sequence[Finding], words: Words = BARE, created_only: bool = False
                 ) -> Diagnosis:
    """A service with no container beside others that have one: failed where a finding says why compose
    created none for it (`up` stopped there, and created no more), else not created (`up SERVICE`, or a
    service waiting on the one that failed). `words`: how its advice writes commands (as_explained).

    `created_only`: the others were only created, none started or refused by the engine: `up` got past its pulls
    and stopped creating this one (`up --pull never` of an image the engine lacks, whose note then explains it; a
    full disk, whose error only `up` printed)."""
    from doctor.why.signatures import NO_SUCH_IMAGE, NOT_CREATED

    mine = [f for f in findings if f.check in NOT_CREATED.checks and stops_create(f) and about_service(f, service)]
    if not mine and created_only:
        absent = [f for f in findings if f.check == "image-availability" and about_service(f, service)
                  and "not on the engine" in f.message]
        symptom = Symptom(service, "", "no container", None, STOPPED_HERE_LINE, NO_SUCH_IMAGE if absent else
                          _STOPPED_HERE)
        return Diagnosis(service, None, (symptom,), tuple(as_explained(f, symptom, words) for f in absent) or (
            unexplained(symptom, words=words),))
    if not mine:
        return Diagnosis(service, None)
    symptom = Symptom(service, "", "no container", None, STOPPED_HERE_LINE, NOT_CREATED)
    return Diagnosis(service, None, (symptom,), tuple(as_explained(f, symptom, words) for f in mine))


# the engine refused the container of a service beside others it created and did not start: only `up` said why
_STOPPED_HERE = Signature(
    "not-created",
    r"no container: compose created others",
    "compose created the other services' containers and none for this one: the engine refused it (an image it does "
    "not have under `--pull never`, a full disk, a name in use, a volume it could not fill)",
    look_at="the error `docker compose up` printed for it (the engine keeps no record of it: pipe it in, `docker "
            "compose up -d 2>&1 | doctor why`)",
)


def never_created(project: Project, project_options: ProjectOptions, registry: Registry,
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
    every, results = checked(project, project_options, registry, severities, opts, select)
    if asked is not None:
        every = [f for f in every if any(about_service(f, s) for s in asked)
                 or not any(about_service(f, s) for s in project.services)]
    # an info ("compose pulls it on up") is no cause: with nothing else, `up` may just not have run
    found = [f for f in every if stops_create(f)]
    wanted = [s for s in sorted(project.services) if asked is None or s in asked]
    # a fault of every service (`up` was to start), as an external network they all join, is said once, under
    # them all, as one no service owns (a file compose cannot read stops every service)
    shared = {id(f) for f in found if len(wanted) > 1 and all(about_service(f, s) for s in wanted)}
    owned = {s: [f for f in found if id(f) not in shared and about_service(f, s)] for s in wanted}
    mine = {id(f) for fs in owned.values() for f in fs}
    rest = [f for f in found if id(f) not in mine]
    diagnoses = []
    words = project_words(project)
    if parse := [f for f in found if f.check == "compose-config" and f.subject.startswith("yaml:")]:
        # a compose file that is no YAML: compose refuses the whole project, and reads no service of it, so it is
        # the one cause (the file:line), as the same `up` piped in reads (doctor.why.refused), no service below it
        symptom = Symptom(ALL_SERVICES, "", "no container", None, NOT_CREATED_LINE, NOT_CREATED)
        return [Diagnosis(ALL_SERVICES, None, (symptom,), tuple(as_explained(f, symptom, words) for f in parse),
                          text_state="compose cannot read the project, so it created no container",
                          refused=parse[0].message)], results, []
    for service, findings in [(ALL_SERVICES, rest), *owned.items()]:
        if not findings and service == ALL_SERVICES:
            continue
        symptom = Symptom(service, "", "no container", None, NOT_CREATED_LINE, NOT_CREATED)
        diagnoses.append(Diagnosis(service, None, (symptom,) if findings else (),
                                   tuple(as_explained(f, symptom, words) for f in findings)))
    if opts.service is not None:  # its own first; another's fault is no fault of them all (doctor.why.one_service)
        from doctor.why.one_service import for_service

        diagnoses = for_service(diagnoses, opts.service, project.services)
    if not any(d.explained for d in diagnoses):
        redactor = app.redactor_for(project)  # the one border: these reach stderr in a usage line
        notes = [redactor.text(f.message) for f in every if f.severity is Severity.INFO
                 and f.check == "image-availability" and "not on the engine" in f.message]
        return [], results, notes  # no cause; what the checks found still goes in a document format
    return diagnoses, results, []


def binds(project: Project, service: str) -> list[tuple[str, str]]:
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


def waits_on(container: ContainerState, containers: Sequence[ContainerState], project: Project) -> str:
    """The services a never-started container depends on that are not up, with their state: `'db' (exited (1))`.
    Not up is also short of the condition the entry waits for: a `service_healthy` dependency that is not
    healthy (umami's db under `restart: always`, seen in a start between two exits: `running, 2 restarts,
    starting`), a `service_completed_successfully` one that has not exited 0."""
    if container.state != "created" or container.service not in project.services:
        return ""
    from doctor.why.waits import condition_at

    states = {c.service: c for c in containers if not c.one_shot}
    down = []
    for name in project.services[container.service].depends_on:
        other = states.get(name)
        if other is None or other.failed or _short_of(other, condition_at(project, container.service, name)[0]):
            down.append(f"{name!r} ({other.describe if other else 'no container'})")
    return ", ".join(down)


def _short_of(dependency: ContainerState, condition: str) -> bool:
    """Whether a dependency that has not failed is short of the `depends_on` condition compose waited for."""
    from doctor.why.waits import COMPLETED, HEALTHY

    if condition == HEALTHY:
        return dependency.health != "healthy"
    return condition == COMPLETED and (dependency.state != "exited" or dependency.exit_code != 0)
