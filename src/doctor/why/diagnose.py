"""Match each failed container's symptom against the signatures, run the checks they name, pick the findings.

The flow: the project's containers (doctor.host.containers) -> for each failed one, its
symptom lines (the engine's start error, lines written from its state, its log tail) ->
the signatures those lines match -> the checks those signatures name, run once through
doctor.engine -> per symptom, the findings that explain it (those naming a value the line
captured, else those concerning the service).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from doctor.host.containers import ContainerState
from doctor.model import Finding, Fix, Location, Safety, Severity, field, record
from doctor.records import replace
from doctor.why.signatures import Signature

WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", "", "localhost"})  # name no particular host
MAX_MATCHES = 3  # signatures reported per service (the latest lines first)
EXCERPT_WIDTH = 160  # characters of a symptom line shown (a log line can be 16 KiB)
EXCERPT_TAIL = 160  # and of its end, when the line is longer
EXCERPT_LEAD = 40  # a match that starts later is shown from itself, or from the words naming the host before it
EXCERPT_REACH = 80  # how far before the match the host it failed on is looked for
# a quoted name (`'mariadbserver'`, `"db"`) or a host:port: what a connection error names its host with
_HOST_TOKEN = re.compile(r"""(['"])[A-Za-z0-9][\w.-]*\1|(?<![\w.-])[A-Za-z0-9][\w.-]*:\d{2,5}(?!\d)""")
_SEPARATORS = " \t,;&)]}'\"@:/=?"  # where a long word may be cut: after one of these
COMPOSE = "docker compose"  # a compose command's words for the project compose finds by itself (in_project)


@record
class Words:
    """How the advice of `doctor why` writes the commands it quotes, so that one copied from it reaches the project
    `why` diagnosed, not the folder's default one: `compose`, compose's words (Project.compose_words: `docker compose -p
    track-b`); `doctor`, what doctor's own commands take after their name (Project.doctor_options: `-p track-b -f
    other.yml`, "" for the project a bare command finds)."""

    compose: str = COMPOSE
    doctor: str = ""

    def doctor_command(self, name: str) -> str:
        """`doctor NAME` with the options that select the project: `doctor why -p track-b`."""
        return f"doctor {name} {self.doctor}" if self.doctor else f"doctor {name}"


BARE = Words()  # the folder's own project, found by compose and doctor alike


@record
class Symptom:
    """What one failed service showed: its state, exit code, and the log line a signature matched."""

    service: str
    container: str
    state: str
    exit_code: int
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
    refused: str = ""  # compose's refusal of the whole project, as the piped text quotes it (why.refused.REFUSED)

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
    diagnoses = [replace(d, symptoms=(), explained=(), stopped_at=waits) if (waits := _waited(d)) else d
                 for d in diagnoses]
    at = tuple(d.service for d in diagnoses if d.failed and (d.container is None or d.container.error))
    if not at:
        return list(diagnoses)
    return [replace(d, symptoms=(), explained=(), stopped_at=at) if _stopped_first(d) else d for d in diagnoses]


def _waited(diagnosis: Diagnosis) -> tuple[str, ...]:
    """The services a container created and never started waits on (its `it waits on 'db' (...)` line),
    where no finding explains it otherwise; () for any other."""
    if (diagnosis.container is None or diagnosis.container.state != "created" or diagnosis.container.error
            or any(e.is_cause for e in diagnosis.explained)):
        return ()
    line = next((s.line for s in diagnosis.symptoms if s.line.startswith(WAITS_ON)), "")
    return tuple(dict.fromkeys(re.findall(r"'([^']+)'", line[len(WAITS_ON):])))


def _stopped_first(diagnosis: Diagnosis) -> bool:
    return (diagnosis.container is not None and diagnosis.container.state == "created"
            and not diagnosis.container.error and not any(e.is_cause for e in diagnosis.explained)
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


def excerpt(line: str, start: int, captured: Mapping[str, str] | None = None) -> str:
    """`line` around a signature's match at `start` (see Symptom.excerpt); `captured`, what the match captured.

    Cuts fall between words (after a blank, else a separator) so that the redactor, which masks the
    excerpt, still sees a secret's key and whole value."""
    left = 0 if start <= EXCERPT_LEAD else start
    if left:
        named = _host_before(line, start, captured or {})
        if named is not None:
            left = _with_key(line, _word_start(line, max(0, named - EXCERPT_LEAD), named))
        if left <= EXCERPT_LEAD and start + EXCERPT_LEAD <= EXCERPT_WIDTH:  # a short start is shown, if the match fits
            left = 0
    right = left + EXCERPT_WIDTH
    tail = ""
    if len(line) - left <= EXCERPT_WIDTH + EXCERPT_TAIL:
        right = len(line)
    else:
        floor = max(start, left + EXCERPT_WIDTH // 2)  # an earlier blank would lose the match, or most of the width
        cut = max(line.rfind(" ", floor, right + 1), line.rfind("\t", floor, right + 1))
        if cut <= floor:  # a long word: cut before it, never inside (a part of a secret is no secret to the redactor)
            cut = max(line.rfind(c, start + 1, right) + 1 for c in _SEPARATORS)
        right = cut if cut > start + 1 else right
        # the line's end, where an engine error puts its hint (`Are you trying to mount a directory onto a file`)
        blank = line.find(" ", len(line) - EXCERPT_TAIL)
        tail = line[_with_key(line, blank + 1):].strip() if blank >= 0 else ""
    shown = ("…" if left else "") + line[left:right].rstrip()
    return f"{shown} … {tail}" if tail else shown + ("…" if right < len(line) else "")


def _with_key(line: str, at: int) -> int:
    """`at`, a word's start, or the start of the word before it when that is its key (`password: s3cret`,
    `token= abc`): a value shown without its key is no secret to the redactor."""
    before = line[:at].rstrip()
    if at and before.endswith((":", "=")):
        return line.rfind(" ", 0, len(before)) + 1
    return at


def _host_before(line: str, start: int, captured: Mapping[str, str]) -> int | None:
    """Where, in the EXCERPT_REACH characters before `start`, the line names the host it failed on:
    the captured host, else (when the match captured no port of its own: `Bind for 0.0.0.0:8000` is the
    endpoint) the last quoted name or host:port there (MySQL's `server on 'db'`)."""
    reach = max(0, start - EXCERPT_REACH)
    host = captured.get("host", "")
    if host and host not in WILDCARDS:
        found = [m.start() for m in re.finditer(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", line[reach:start])]
        if found:
            return reach + found[-1]
    if "port" in captured:
        return None
    named = [m.start() for m in _HOST_TOKEN.finditer(line, reach, start)]
    return named[-1] if named else None


def _word_start(line: str, lo: int, hi: int) -> int:
    """The first word boundary at or after `lo` (just after a blank), else `hi`: never inside a word."""
    if lo == 0:
        return 0
    blank = line.find(" ", lo - 1, hi)
    return blank + 1 if blank >= 0 else hi


def symptom_lines(container: ContainerState, waits_on: str = "") -> list[str]:
    """Every line that may show the failure, most telling first: state lines, engine error, log (latest first).

    `waits_on` names the services a never-started container depends on that did not come up
    (`'db' (created, never started)`): compose stops before starting the services that wait on them.
    """
    lines = []
    if container.state == "created" and not container.error:
        lines.append(f"{WAITS_ON}{waits_on}" if waits_on else STOPPED_FIRST_LINE)
    if container.oom_killed:
        lines.append(f"container was OOMKilled (exit {container.exit_code})")
    elif container.state == "exited" and container.exit_code == 137 and container.memory_limit:
        # the engine sets OOMKilled from the kernel's event, which it can miss (cgroup v2, a container
        # gone first): SIGKILL under a memory limit is still most likely the OOM killer
        limit = f"{container.memory_limit / 1048576:g} MiB"
        lines.append(f"container was killed (exit 137) under its memory limit of {limit}: likely OOM-killed "
                     "(the engine did not flag it; a docker kill or a stop timeout exits 137 too)")
    if container.health == "unhealthy":
        lines.append(f"healthcheck unhealthy: {_probe_line(container.health_log)}".rstrip(": "))
    if container.error:
        lines.append(container.error)
    lines.extend(reversed(container.log_tail))
    if container.state == "restarting" or container.restart_count >= 3:
        lines.append(f"container is restarting: {container.restart_count} restarts")
    return lines


def _probe_line(output: str) -> str:
    """The line of a probe's output that says why it failed: the first that reads as an error (`nc: invalid
    option -- 'z'`, not the usage text after it), else the last."""
    lines = [line for line in output.splitlines() if line.strip()]
    return next((line for line in lines if ERROR_WORDS.search(line)), lines[-1] if lines else "")


def match_symptoms(container: ContainerState, signatures: Sequence[Signature],
                   waits_on: str = "") -> tuple[Symptom, ...]:
    """The symptoms of a failed container: per signature the most telling line it matches (at most 3)."""
    found: list[Symptom] = []
    seen: set[str] = set()
    lines = symptom_lines(container, waits_on)
    for line in lines:
        matching = [s for s in readings(line, signatures) if s.id not in seen]
        if not matching:
            continue
        seen.update(s.id for s in matching)
        found.append(line_symptom(container.service, container.name, container.describe, container.exit_code,
                                  line, matching))
        if len(found) >= MAX_MATCHES:
            break
    if found:
        return tuple(found)
    if lines and container.state == "exited" and container.exit_code > 0:
        # what it said last before exiting with an error, which no signature reads (`sh: /run.sh: not found` of a
        # CRLF script, `cat: read error: Is a directory` of a bind source made a folder): the service's own
        # faults that stop a process at its start explain it, as for the same line piped in
        from doctor.why.piped_exits import EXITED_LOG

        said = replace(EXITED_LOG, look_at="")  # its look-at: this container's own log (unexplained)
        return (Symptom(container.service, container.name, container.describe, container.exit_code, lines[0],
                        said),)
    last = lines[0] if lines else f"{container.describe} (no log output)"
    return (Symptom(container.service, container.name, container.describe, container.exit_code, last),)


def readings(line: str, signatures: Sequence[Signature]) -> list[Signature]:
    """The signatures `line` matches, less those another of them supersedes (a registry's host that does not
    resolve is a failed pull: unknown-host misreads it as the app's host name)."""
    matching = [s for s in signatures if s.match(line) is not None]
    dropped = {i for s in matching for i in s.supersedes}
    return [s for s in matching if s.id not in dropped] if dropped else matching


def line_symptom(service: str, container: str, state: str, exit_code: int, line: str,
                 matching: list[Signature]) -> Symptom:
    """The symptom one line shows, given the signatures it matches (none empty): the most specific
    (the longest match) first, the values every one of them captured (the most specific's win)."""
    spans = {s.id: s.span(line) for s in matching}
    matching = sorted(matching, key=lambda s: spans[s.id][0] - spans[s.id][1])
    captured: dict[str, str] = {}
    for signature in matching:
        captured = {**(signature.match(line) or {}), **captured}
    return Symptom(service, container, state, exit_code, line, matching[0], captured, tuple(matching[1:]),
                   spans[matching[0].id][0])


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


def as_explained(finding: Finding, symptom: Symptom, words: Words = BARE) -> Explained:
    """The finding as the cause of `symptom`; with the signature's advice as its fix when it has none (a note),
    its commands written for the project (`words`: in_project)."""
    message = f"{finding.message} (explains '{symptom.service}' {symptom.state}: {symptom.excerpt})"
    fix = finding.fix
    if fix is None and symptom.signature is not None and symptom.signature.advice:
        fix = Fix(in_project(symptom.signature.advice, words), Safety.ADVICE)
    return Explained(finding.check, finding.severity, message, finding.location, finding.subject, fix, symptom)


def unexplained(symptom: Symptom, where: Location | None = None, setting: str = "", project: str = "",
                words: Words = BARE) -> Explained:
    """A finding of `doctor why` itself for a symptom no check explains: what it means and what to look at.

    `where` is the compose line the look-at points to (the healthcheck's `test:`), `setting` what to
    look at there when the line names the setting written on it (`user: postgres`, which the engine's
    `unable to find user postgres` names): that, not the logs of a container that never started.
    `words`: how the commands of the signature's look-at are written for the project (in_project).
    """
    signature = symptom.signature
    if setting:
        look = setting
    elif signature is not None and signature.look_at:
        look = filled(in_project(signature.look_at, words), symptom)
    else:
        look = logs_command(project, symptom.service)
    meaning = signature.meaning if signature is not None else "no known signature"
    message = f"'{symptom.service}' {symptom.state}: {symptom.excerpt} ({meaning}{f'; look at {look}' if look else ''})"
    subject = f"{symptom.service}:{signature.id if signature else 'unknown'}"
    return Explained(WHY, Severity.ERROR, message, where, subject, None, symptom, look_at=look)


def in_project(text: str, words: Words) -> str:
    """`text`, doctor's own (a signature's advice or look-at), with each command it quotes in backticks written for the
    project `why` diagnosed (`words`), so that one copied from it reaches that project, not the folder's default one:
    `docker compose COMMAND` with compose's words (`docker compose -p track-b`), and `doctor fix`, `preflight`,
    `ports`, `baseline` or `why` (each takes PATH, -p, -f, --env-file and --profile as `why` does) with the options
    that select it (`doctor fix -p track-b -f other.yml --ports`). A command that names its project itself
    (`docker compose -p x ...`, `doctor fix -f x.yml`) stays as it is."""
    if words.compose != COMPOSE:
        text = re.sub(r"`docker compose (?=[a-z])", lambda _: f"`{words.compose} ", text)
    if words.doctor:
        text = re.sub(r"`doctor (preflight|fix|ports|baseline|why)(?=[ `])(?! (?:-p|-f|--project-name|--file)\b)",
                      lambda command: f"`{words.doctor_command(command[1])}", text)
    return text


# a look-at's placeholders in its commands, and the captured value that fills each (a script as the host sees it)
_PLACEHOLDERS = {"PROGRAM": "program", "SCRIPT": "host_path", "IMAGE": "image"}


def filled(look: str, symptom: Symptom) -> str:
    """`look` with the placeholders of the commands it quotes (`SERVICE`, `PROGRAM`, ...) written as the symptom's
    service and the values its line named, so the command runs as copied: `docker compose run --rm --entrypoint sh
    web -c 'command -v python'`. A placeholder with no such value stays."""
    values = {"SERVICE": symptom.service if symptom.service != ALL_SERVICES else ""}
    values.update({word: symptom.captured.get(key, "") for word, key in _PLACEHOLDERS.items()})

    def command(quoted: re.Match[str]) -> str:
        return re.sub(r"\b[A-Z]+\b", lambda w: _shell_word(values.get(w[0], "")) or w[0], quoted[0])

    return re.sub(r"`[^`]*`", command, look)


def _shell_word(value: str) -> str:
    """`value` as one word of a shell command, or "" when quoting would be needed (the placeholder stays)."""
    return value if re.fullmatch(r"[\w./:@+-]+", value) else ""


def logs_command(project: str, service: str) -> str:
    """`docker compose -p NAME logs SERVICE`: with the project's name, which alone finds its containers
    wherever it is typed (a bare `docker compose logs` in the folder of a stack started with `-p`
    shows nothing)."""
    import shlex

    return f"docker compose -p {shlex.quote(project)} logs {service}" if project else f"docker compose logs {service}"


def stale(symptom: Symptom, changed: Sequence[str], fix: Fix, words: Words = BARE) -> Explained:
    """The cause of `doctor why` itself for a failed container older than its configuration: compose
    would recreate it (`changed`: the files edited since it was created, as shown, when known; `words`:
    how its commands are written for the project)."""
    what = f"{', '.join(changed[:3])} changed" if changed else "its configuration or image changed"
    message = (f"'{symptom.service}' failed in a container created before {what}: it ran the old "
               f"configuration, not the files' now; `{words.compose} up -d` recreates it (then ask "
               f"`{words.doctor_command('why')}` again)")
    return Explained(WHY, Severity.ERROR, message, None, f"{symptom.service}:stale", fix, symptom, stale=True)


ERROR_WORDS = re.compile(r"\b(error|invalid|unknown|not found|no such|cannot|can't|unable|refused|denied|failed"
                         r"|bad|timed out|timeout|unrecognized|illegal)\b", re.IGNORECASE)
STOPPED_FIRST_LINE = "container created, never started: compose stopped first"
WAITS_ON = "container created, never started: it waits on "
ALL_SERVICES = "(all services)"  # the diagnosis of findings that concern no one service (a file compose cannot read)
STOPPED_HERE_LINE = "no container: compose created others, and stopped at this one (its error is in the `up` output)"
NOT_CREATED_LINE = "no container: compose created none (an `up` that failed before creating them, or no `up` yet)"
WHY = "why"
WHY_SUMMARY = "failed services whose symptom no finding explains"
