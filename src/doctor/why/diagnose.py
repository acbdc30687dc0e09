"""What `doctor why` says of each service: the records of a diagnosis, and the lines it writes from a container's state.

The flow: the project's containers (doctor.host.containers) -> for each failed one, its
symptom lines (the engine's start error, lines written from its state, its log tail) ->
the signatures those lines match (doctor.why.symptoms) -> the checks those signatures name, run once through
doctor.engine -> per symptom, the findings that explain it (doctor.why.explains: those naming a value the line
captured, else those concerning the service), or `why`'s own word on it (doctor.why.advice). Each service's
verdict is a Diagnosis: its container, its Symptoms (shown cut to an excerpt: doctor.why.excerpt) and the
Explained findings; a container compose created and never started for no fault of its own is stopped at the
services where `up` failed (stopped_by).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from doctor.host.containers import ContainerState
from doctor.model import Finding, Severity, field, record
from doctor.records import replace
from doctor.why.excerpt import excerpt
from doctor.why.signatures import Signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.why.waits import Wait

COMPOSE = "docker compose"  # a compose command's words for the project compose finds by itself (in_project)


@record
class Words:
    """How the advice of `doctor why` writes the commands it quotes, so that one copied from it reaches the project
    `why` diagnosed, not the folder's default one: `compose`, compose's words (Project.compose_words: `docker compose -p
    track-b`); `doctor`, what doctor's own commands take after their name (Project.doctor_options: `-p track-b -f
    other.yml`, "" for the project a bare command finds); `name`, the project's name, which a `logs` command always
    names (doctor.why.advice.logs_command), as it finds the project's containers wherever it is typed."""

    compose: str = COMPOSE
    doctor: str = ""
    name: str = ""

    def doctor_command(self, name: str) -> str:
        """`doctor NAME` with the options that select the project: `doctor why -p track-b`."""
        return f"doctor {name} {self.doctor}" if self.doctor else f"doctor {name}"


BARE = Words()  # the folder's own project, found by compose and doctor alike


@record
class Symptom:
    """What one failed service showed: its state, exit code (None where no process exited: a container running
    unhealthy, never started, or only named in the piped output), and the log line a signature matched."""

    service: str
    container: str
    state: str
    exit_code: int | None
    line: str
    signature: Signature | None = None  # the most specific of the signatures the line matches
    captured: Mapping[str, str] = field(default_factory=dict)
    also: tuple[Signature, ...] = ()  # the other signatures the same line matches
    start: int = 0  # where the signature's match begins in the line (the console shows from there)

    @property
    def checks(self) -> tuple[str, ...]:
        """The check ids of every signature the line matches, most specific first."""
        found = [*(self.signature.checks if self.signature else ()), *(c for s in self.also for c in s.checks)]
        return tuple(dict.fromkeys(found))

    @property
    def excerpt(self) -> str:
        """The line as shown: from its start, or from the match when more than EXCERPT_LEAD comes before it
        (an engine error's endpoint hash is noise), but then from the words before the match that name the
        host it failed on (`Can't connect to MySQL server on 'db' ([Errno 111] Connection refused)`);
        at most EXCERPT_WIDTH characters and the line's last EXCERPT_TAIL, cut between words."""
        return excerpt(self.line, self.start, self.captured)

    def as_dict(self) -> dict[str, object]:
        return {
            "service": self.service,
            "container": self.container,
            "state": self.state,
            "exit_code": self.exit_code,
            "line": self.line,
            "signature": self.signature.id if self.signature else None,
        }


@record
class Explained(Finding):
    """A finding of a check, reported because it explains `symptom`.

    Of `doctor why` itself (check WHY): `look_at`, what to look at for a symptom no check explains
    (its `location` the compose line that sets it); `stale`, the cause is a container older than
    the configuration (compose recreates it on `up`); `own`, a cause `why` names itself from the symptom
    alone (a project name compose refuses, given with -p where doctor cannot see it)."""

    symptom: Symptom | None = None
    look_at: str = ""
    stale: bool = False
    own: bool = False

    @property
    def is_cause(self) -> bool:
        """Whether it names the cause: a check's finding, a container older than its configuration, or a cause
        `why` names itself."""
        return self.check != WHY or self.stale or self.own


@record
class Diagnosis:
    """One service's verdict: its container, and (when failed) the symptoms with their explanations."""

    service: str
    container: ContainerState | None
    symptoms: tuple[Symptom, ...] = ()
    explained: tuple[Explained, ...] = ()
    stopped_at: tuple[str, ...] = ()  # never started because `up` failed at these services first: no fault of its own
    from_text: bool = False  # its symptoms come from the text piped to `doctor why` (doctor.why.piped), not a container
    text_state: str = ""  # what the piped text says of it: `exited (1)`, `started`; `not started: ...` with stopped_at
    # compose's refusal of the whole project, as the piped text quotes it (why.refused.REFUSED), or, live, the
    # finding of the file it cannot read as YAML
    refused: str = ""
    # with stopped_at, the `depends_on` entries it waited on that lead there (doctor.why.waits): what kept it waiting
    waits: tuple[Wait, ...] = ()
    # with stopped_at, the findings that stop it at its start once what it waits on is up (a host port another
    # project's container holds): no cause of its not starting, what fails next
    then: tuple[Explained, ...] = ()

    @property
    def failed(self) -> bool:
        """Its container failed; or it has none and a finding says why compose created none."""
        if self.container is None:
            return bool(self.explained)
        return self.container.failed and not self.stopped_at

    @property
    def up(self) -> bool:
        """Its container runs (or the piped text shows it came up) and `up` did not stop before it."""
        stopped = self.container is not None and bool(self.container.stopped)  # exited on a stop signal
        return (self.container is not None or self.text_state.startswith("started")) and not self.stopped_at and \
            not self.failed and not stopped

    @property
    def state(self) -> str:
        """Its container's state (`exited (1)`), or that it has none, or that `up` failed at another first."""
        if self.container is None and self.refused and not self.from_text:  # a file compose cannot read, live
            return self.text_state
        if self.container is None and self.stopped_at and self.text_state:  # not named in the piped text
            return self.text_state
        if self.container is None and self.stopped_at:  # compose's ` db  Interrupted`
            at = ", ".join(f"'{s}'" for s in self.stopped_at)
            return f"interrupted, in the piped output: compose cancelled it when {at} failed"
        if self.container is None and self.from_text and ":" in self.text_state:  # with how the text shows it
            return self.text_state
        if self.container is None and self.from_text:
            return f"{self.text_state or 'failed'}, in the piped output" + (
                "" if self.text_state else " (no container on the engine)")
        if self.container is None:
            return "no container (not created)"
        if self.stopped_at:
            at = ", ".join(f"'{s}'" for s in self.stopped_at)
            return f"{self.container.describe}: compose stopped at {at} first"
        return self.container.describe


def stopped_by(diagnoses: Sequence[Diagnosis]) -> list[Diagnosis]:
    """The diagnoses with a container compose created but never started for no reason of its own (it waits
    on nothing, no finding explains it) marked as stopped at the services where `up` failed: one it
    created none for, or whose container the engine could not start."""
    # one that waits on a service that did not come up (`depends_on`): never started, no fault of its own
    # (a held port on `result` left backend and celery "failed, no finding explains it")
    # (umami waiting on a db in a restart loop was "explained" by its host port, which another track's container
    # holds: real, but what fails next, not why it did not start)
    diagnoses = [replace(d, symptoms=(), explained=(), then=_next(d), stopped_at=waits) if (waits := _waited(d))
                 else d for d in diagnoses]
    at = tuple(d.service for d in diagnoses if d.failed and (d.container is None or d.container.error))
    if not at:
        return list(diagnoses)
    return [replace(d, symptoms=(), explained=(), then=_next(d), stopped_at=at) if _stopped_first(d) else d
            for d in diagnoses]


def _next(diagnosis: Diagnosis) -> tuple[Explained, ...]:
    """The causes given for its never having started (the never-started signature's: a held host port), which
    would stop it only at its start: what fails next."""
    return tuple(e for e in diagnosis.explained if e.is_cause and e.symptom is not None
                 and e.symptom.signature is not None and e.symptom.signature.id == NEVER_STARTED_ID)


def _own_cause(diagnosis: Diagnosis) -> bool:
    """A cause of a never-started container's own: one that is not only what fails at its start (_next)."""
    after = _next(diagnosis)
    return any(e.is_cause and not any(e is a for a in after) for e in diagnosis.explained)


def _waited(diagnosis: Diagnosis) -> tuple[str, ...]:
    """The services a container created and never started waits on (its `it waits on 'db' (...)` line),
    where no finding explains it otherwise; () for any other."""
    if (diagnosis.container is None or diagnosis.container.state != "created" or diagnosis.container.error
            or _own_cause(diagnosis)):
        return ()
    line = next((s.line for s in diagnosis.symptoms if s.line.startswith(WAITS_ON)), "")
    return tuple(dict.fromkeys(re.findall(r"'([^']+)'", line[len(WAITS_ON):])))


def _stopped_first(diagnosis: Diagnosis) -> bool:
    return (diagnosis.container is not None and diagnosis.container.state == "created"
            and not diagnosis.container.error and not _own_cause(diagnosis)
            and any(s.line == STOPPED_FIRST_LINE for s in diagnosis.symptoms))


def stops_create(finding: Finding) -> bool:
    """Whether a finding of the not-created signature's checks can be why compose created no container.

    An info ("compose pulls it on up") is no cause; nor an env-drift warning (an empty environment value,
    which `up` passes on), only its errors (an empty image tag, port or volume); nor a held port, which
    fails the start of a container compose did create: of port-collision, only a container_name taken; of
    missing-mount, only a bind source that must exist (`create_host_path: false`).
    """
    if finding.severity < (Severity.ERROR if finding.check == "env-drift" else Severity.WARNING):
        return False
    if finding.check == "missing-mount":  # of its faults, only a bind source that must exist stops the create
        return "create_host_path is false" in finding.message
    return finding.check != "port-collision" or finding.subject.startswith("container-name:")


# the state ContainerState.describe gives a container the engine created and never ran (a Symptom's state): no log
NEVER_RAN = "created, never started"
STOPPED_FIRST_LINE = "container created, never started: compose stopped first"
WAITS_ON = "container created, never started: it waits on "
NEVER_STARTED_ID = "never-started"  # doctor.why.signatures.NEVER_STARTED's id: its checks say what fails next
ALL_SERVICES = "(all services)"  # the diagnosis of findings that concern no one service (a file compose cannot read)
STOPPED_HERE_LINE = "no container: compose created others, and stopped at this one (its error is in the `up` output)"
NOT_CREATED_LINE = "no container: compose created none (an `up` that failed before creating them, or no `up` yet)"
WHY = "why"
WHY_SUMMARY = "failed services whose symptom no finding explains"
