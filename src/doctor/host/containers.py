"""A compose project's containers as the engine sees them: state, exit code, restarts, health, log tail.

Read-only, bounded and with the engine connection's short timeout: the container list and
each container's inspect document through `EngineConnection.get_json`, and the last lines of
a failed container's log through the docker SDK (`EngineConnection.client`), cut to
`max_lines` lines and `max_bytes` bytes, so a container that logged gigabytes costs nothing.
"""

from __future__ import annotations

import json

from doctor.host.engine import Gone, quote
from doctor.model import Unavailable, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection
    from typing import Any

    from doctor.host.context import ExecutionContext
    from doctor.host.engine import EngineConnection
    from doctor.project import Project

COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_SERVICE = "com.docker.compose.service"
COMPOSE_WORKING_DIR = "com.docker.compose.project.working_dir"
COMPOSE_CONFIG_FILES = "com.docker.compose.project.config_files"
COMPOSE_ONEOFF = "com.docker.compose.oneoff"
LOG_LINES = 40
LOG_BYTES = 16 * 1024
MAX_CONTAINERS = 200
RESTART_LOOP = 3  # restarts after which a container counts as crash-looping


@record
class ContainerState:
    """One container of a compose project, reduced to what says whether (and how) it failed."""

    id: str
    name: str
    service: str
    state: str  # created / running / restarting / exited / dead / paused
    exit_code: int = 0
    restart_count: int = 0
    health: str = ""  # healthy / unhealthy / starting, "" without a healthcheck
    health_log: str = ""  # the last healthcheck probe's output
    oom_killed: bool = False
    memory_limit: int = 0  # bytes (HostConfig.Memory: mem_limit), 0 for none
    stop_grace: float = 10.0  # seconds a stop waits before SIGKILL (Config.StopTimeout, else 10; 0 if it sends SIGKILL)
    error: str = ""  # the engine's own error (e.g. "Bind for 0.0.0.0:8094 failed: ...")
    one_shot: bool = False  # `docker compose run` container
    log_tail: tuple[str, ...] = ()
    # running, but its log keeps repeating this failure (a signature's id: a wait loop on a host it cannot
    # resolve or reach); `doctor why` judges it from the log tail, the engine has no word for it
    looping: str = ""
    finished: float = 0.0  # State.FinishedAt, seconds since the epoch (0: never finished, or unreadable)
    # exited on a signal sent to stop it, no failure of its own: `when 'app' exited` (compose's
    # --abort-on-container-exit stopping the rest), or `by a stop signal` (docker compose stop, down, Ctrl+C)
    stopped: str = ""

    @property
    def exited_with(self) -> int | None:
        """The code its process last exited with; None where none exited (running, created): the engine's 0 there
        is no exit."""
        return self.exit_code if self.state in ("exited", "restarting", "dead") else None

    @property
    def failed(self) -> bool:
        """True when the service is not doing its job: exited non-zero, never started, looping, unhealthy."""
        if self.stopped:
            return False
        if self.oom_killed or self.error or self.health == "unhealthy" or self.looping:
            return True
        if self.state in ("restarting", "dead"):
            return True
        if self.state == "running":
            return self.restart_count >= RESTART_LOOP
        if self.state == "exited":
            return self.exit_code != 0
        return self.state == "created"  # created but never started: compose stopped before it

    @property
    def describe(self) -> str:
        """`exited (1)`, `restarting (5 restarts)`, `running, unhealthy`, `created, never started`,
        `running, but its log repeats: unknown-host`."""
        if self.state == "exited":
            text = f"exited ({self.exit_code})"
        elif self.state == "created":
            text = "created, never started"
        else:
            text = self.state
        if self.restart_count:
            text += f", {self.restart_count} restart{'s' if self.restart_count != 1 else ''}"
        if self.health:
            text += f", {self.health}"
        if self.oom_killed:
            text += ", OOMKilled"
        if self.looping:
            text += f", but its log repeats: {self.looping}"
        if self.stopped:
            text += f", stopped {self.stopped}"
        return text


def project_containers(engine: EngineConnection, project: str, *, max_lines: int = LOG_LINES,
                       max_bytes: int = LOG_BYTES) -> tuple[ContainerState, ...]:
    """The containers of compose project `project`, each failed one with its log tail.

    Raises Unavailable when the engine cannot be asked.
    """
    filters = quote(json.dumps({"label": [f"{COMPOSE_PROJECT}={project}"]}))
    listed = engine.get_json(f"/containers/json?all=1&filters={filters}")
    states = []
    for item in (listed if isinstance(listed, list) else [])[:MAX_CONTAINERS]:
        try:
            inspected = engine.get_json(f"/containers/{quote(str(item.get('Id', '')))}/json")
        except Gone:
            continue  # removed since it was listed (compose cleaning up after a failed create): none to read
        states.append(_state(inspected if isinstance(inspected, dict) else {}))
    found = [with_logs(engine, state, max_lines, max_bytes) if state.failed else state for state in stopped(states)]
    return tuple(sorted(found, key=lambda s: (s.service, s.name)))


# the exit codes of a process ended by a signal sent to stop it: SIGINT (130), SIGKILL (137: `docker stop`'s
# after the grace period), SIGTERM (143: `docker stop`'s first)
STOP_CODES = (130, 137, 143)
GRACE_SLACK = 0.5  # seconds of leeway: a stop's SIGKILL lands a grace period after the failure that set it off
_SIGNALS = {130: "SIGINT", 137: "SIGKILL", 143: "SIGTERM"}


def stopped(states: list[ContainerState]) -> list[ContainerState]:
    """`states` with the containers that exited on a stop signal marked `stopped`, no failure of their own.

    After `up --abort-on-container-exit` (or `--exit-code-from`), compose stops every other container when
    one exits: those exit 143 (SIGTERM), or 137 when they ignore it past their stop_grace_period (a shell
    as PID 1). Such an exit, of a container not OOM-killed, that ended no earlier than a container that
    exited with an error of its own, was that stop. With no such failure, a SIGTERM or SIGINT exit (130, 143) is a stop
    someone asked for (`docker compose stop`, `down`, Ctrl+C), as is a SIGKILL exit (137) where the others
    that exited were stopped too; a lone 137 may be a kill or the memory limit (doctor.why says which), as is a
    137 under a memory limit that came sooner than its stop_grace_period after the failure (no stop's SIGKILL).
    """
    from doctor.records import replace

    def signalled(state: ContainerState) -> bool:
        return state.state == "exited" and state.exit_code in STOP_CODES and not state.oom_killed and not state.error

    exited = [s for s in states if s.state == "exited" and s.exit_code != 0]
    # what makes compose abort: a container that exited (a restarting one does not), on its own
    own = sorted((s for s in exited if not signalled(s)), key=lambda s: s.finished)
    quiet = all(signalled(s) for s in exited) and any(s.exit_code != 137 for s in exited)
    out = []
    for state in states:
        if not signalled(state):
            out.append(state)
            continue
        # the engine's clock orders both: a container stopped because another failed ended after it
        first = next((s for s in own if 0 < s.finished <= state.finished), None)
        if first is not None and state.exit_code == 137 and state.memory_limit and \
                state.finished - first.finished < state.stop_grace - GRACE_SLACK:
            # compose's SIGKILL comes a grace period after its SIGTERM; one sooner, under a memory limit, is the
            # kernel's OOM kill the engine did not flag (cgroup v1 and v2 both miss it at times): its own failure
            out.append(state)
            continue
        name = _SIGNALS[state.exit_code]
        if first is not None:
            why = f"when '{first.service or first.name}' exited (compose stops the others: --abort-on-container-exit)"
        elif state.exit_code != 137 or quiet:
            why = f"by {name} (a `docker compose stop`, `down` or Ctrl+C stops a service so)"
        else:
            why = ""
        out.append(replace(state, stopped=why) if why else state)
    return out


def _finished(text: object) -> float:
    """An RFC 3339 time of the engine's (`2026-12-05T00:10:01.123456789Z`) in seconds since the epoch; 0 for
    the zero time of a container never finished, or text this does not read."""
    import calendar
    import re

    found = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$", str(text))
    if found is None or found[1] == "0001":
        return 0.0
    whole = calendar.timegm((*(int(found[i]) for i in range(1, 7)), 0, 0, 0))
    return whole + float(found[7] or 0)


def projects_at(engine: EngineConnection, working_dir: str, named: Collection[str] | None = None) -> list[str]:
    """The compose project names of the containers whose `up` ran in `working_dir` (their
    `com.docker.compose.project.working_dir` label): the project of this folder under a name given
    with `-p` or COMPOSE_PROJECT_NAME where it ran, sorted; with `named`, of those containers of these names only.
    Raises Unavailable when the engine cannot be asked."""
    filters = quote(json.dumps({"label": [f"{COMPOSE_WORKING_DIR}={working_dir}"]}))
    listed = engine.get_json(f"/containers/json?all=1&filters={filters}")
    names = {str((item.get("Labels") or {}).get(COMPOSE_PROJECT, "")) for item in
             (listed if isinstance(listed, list) else []) if isinstance(item, dict)
             and (named is None or any(str(n).lstrip("/") in named for n in item.get("Names") or ()))}
    return sorted(n for n in names if n)


def _state(doc: dict[str, Any]) -> ContainerState:
    from doctor.redact import clip

    status = doc.get("State") or {}
    labels = (doc.get("Config") or {}).get("Labels") or {}
    health = status.get("Health") or {}
    probes = health.get("Log") or []
    last_probe = str(probes[-1].get("Output", "")).strip() if probes and isinstance(probes[-1], dict) else ""
    if status.get("Status") != "running":
        health = {}  # the engine keeps "unhealthy" (and no probe) on a container that exited: its exit is the story
    return ContainerState(
        id=str(doc.get("Id", ""))[:12],
        name=str(doc.get("Name", "")).lstrip("/"),
        service=str(labels.get(COMPOSE_SERVICE, "")),
        state=str(status.get("Status", "")),
        exit_code=int(status.get("ExitCode") or 0),
        restart_count=int(doc.get("RestartCount") or 0),
        health=str(health.get("Status", "")),
        health_log=clip(last_probe, 500, tail=True),  # between words: a secret whole (masked) or gone
        oom_killed=bool(status.get("OOMKilled")),
        memory_limit=_memory(doc),
        stop_grace=_grace(doc.get("Config") or {}),
        error=str(status.get("Error") or ""),
        one_shot=labels.get(COMPOSE_ONEOFF) == "True",
        finished=_finished(status.get("FinishedAt")),
    )


def _grace(config: dict[str, Any]) -> float:
    """A container's stop_grace_period in seconds: 0 under `stop_signal: SIGKILL` (the stop kills at once), else
    Config.StopTimeout where compose set one, else the engine's 10."""
    if str(config.get("StopSignal") or "").upper().removeprefix("SIG") in ("KILL", "9"):
        return 0.0
    value = config.get("StopTimeout")
    return float(value) if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 10.0


def _memory(doc: dict[str, Any]) -> int:
    """The container's memory limit in bytes (0: none, or an answer this cannot read)."""
    value = (doc.get("HostConfig") or {}).get("Memory")
    return value if isinstance(value, int) and value > 0 else 0


def with_logs(engine: EngineConnection, state: ContainerState, max_lines: int = LOG_LINES,
              max_bytes: int = LOG_BYTES) -> ContainerState:
    """`state` with the last `max_lines` lines (at most `max_bytes`) of its container's log; without them
    when the engine cannot give them in its timeout (raises Unavailable when the engine cannot be asked)."""
    from doctor.records import replace

    try:
        raw = engine.client.api.logs(state.id, stdout=True, stderr=True, tail=max_lines, timestamps=False)
    except Unavailable:
        raise
    except Exception:  # the docker SDK's errors (gone container, timeout): no log is a fact, not a crash
        return state
    data = raw if isinstance(raw, bytes) else b""
    return replace(state, log_tail=tail_lines(data, max_lines, max_bytes))


def tail_lines(data: bytes, max_lines: int = LOG_LINES, max_bytes: int = LOG_BYTES) -> tuple[str, ...]:
    """The last `max_lines` non-empty lines of `data`, at most `max_bytes` bytes, each line cut at
    500 chars; cut between words (also the word the byte limit cuts is left out): a secret in a
    line is printed whole, and masked, or not at all (a part of it would match no known value)."""
    from doctor.redact import clip

    cut = len(data) > max_bytes and data[-max_bytes - 1:-max_bytes] != b"\n"
    data = data[-max_bytes:]
    from doctor.why.piped import shown_cr

    # a CR inside a line (a CRLF script's `illegal option -` and its CR) is its symptom: kept, as `\r`
    text = shown_cr(data.decode("utf-8", errors="replace")).replace("\r\n", "\n")
    if cut:  # the word the byte limit cut, to the first blank (a whole line if it has none)
        text = text[next((i for i, c in enumerate(text) if c.isspace()), len(text)):].lstrip(" \t")
    # a log's colours and other terminal controls: they would reach the user's terminal, and a
    # secret right after `\x1b[33m` stood in no place the masking reads as a word's start
    import re

    text = re.sub(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|[\x00-\x08\x0b-\x1f\x7f]",
                  "", text)
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if not lines and cut:  # one word longer than the limit (a base64 blob, a minified dump): there was output
        return (f"(the log ends in a line of over {max_bytes // 1024} KiB with no blank in its last "
                f"{max_bytes // 1024} KiB: not shown)",)
    return tuple(clip(line, 500) for line in lines[-max_lines:])


@record
class ComposeProjectLabels:
    """A compose project on the engine, as its containers' labels describe it."""

    name: str
    working_dir: str
    config_files: tuple[str, ...]


def compose_projects(engine: EngineConnection) -> tuple[ComposeProjectLabels, ...]:
    """Every compose project that has a container (running or not) on the engine."""
    filters = quote(json.dumps({"label": [COMPOSE_PROJECT]}))
    listed = engine.get_json(f"/containers/json?all=1&filters={filters}")
    found: dict[str, ComposeProjectLabels] = {}
    for item in listed if isinstance(listed, list) else []:
        labels = item.get("Labels") or {}
        name = str(labels.get(COMPOSE_PROJECT, ""))
        if name and name not in found:
            files = tuple(f for f in str(labels.get(COMPOSE_CONFIG_FILES, "")).split(",") if f)
            found[name] = ComposeProjectLabels(name, str(labels.get(COMPOSE_WORKING_DIR, "")), files)
    return tuple(sorted(found.values(), key=lambda p: p.name))


def service_running(engine: EngineConnection, project: str, service: str) -> bool | None:
    """Whether a container of compose service `service` of `project` is up (None when the engine cannot tell)."""
    filters = json.dumps({"label": [f"{COMPOSE_PROJECT}={project}", f"{COMPOSE_SERVICE}={service}"],
                          "status": ["running"]})
    try:
        found = engine.get_json(f"/containers/json?filters={quote(filters)}")
    except Unavailable:
        return None
    return bool(found)


def own_service(engine: EngineConnection, context: ExecutionContext, project: Project) -> str | None:
    """The service of `project` whose container doctor runs in, if any: by the compose labels of its
    own container, then by its hostname (a service's `hostname` or `container_name`).
    """
    if context.container_id:
        try:
            found = engine.get_json(f"/containers/{quote(context.container_id)}/json")
        except Unavailable:
            found = None
        labels = ((found.get("Config") or {}).get("Labels") or {}) if isinstance(found, dict) else {}
        if labels.get(COMPOSE_PROJECT) == project.compose.project_name:
            return str(labels.get(COMPOSE_SERVICE) or "") or None
    for service in project.services.values():
        if context.hostname and context.hostname in (service.hostname, service.container_name):
            return service.name
    return None
