"""A failed container's symptoms: the lines that may show its failure, and the signatures each matches.

The lines, most telling first (symptom_lines): those `doctor why` writes from the container's state (never started,
OOM-killed, unhealthy with its probe's output, restarting), the engine's start error, its log tail (latest first).
Each is matched against the signatures (readings: less those another of them supersedes); per signature the most
telling line is a Symptom (line_symptom), at most MAX_MATCHES of them (match_symptoms). The text piped to `doctor
why` is read with the same readings (doctor.why.piped).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from doctor.host.containers import ContainerState
from doctor.lazyre import lazy
from doctor.records import replace
from doctor.why.diagnose import STOPPED_FIRST_LINE, WAITS_ON, Symptom
from doctor.why.signatures import Signature

# the line of a container that exited with an error and has no log line (flagsmith's `migrate-db` stand-in; the
# engine's log unread in its timeout looks the same): what it ran, its `entrypoint:` or `command:`, is what to look
# at (doctor.why.causes.pointed_at)
SILENT = "with no line in its log (it printed nothing, or the engine did not give its log)"
MAX_MATCHES = 3  # signatures reported per service (the latest lines first)
ERROR_WORDS = lazy(r"\b(error|invalid|unknown|not found|no such|cannot|can't|unable|refused|denied|failed"
                         r"|bad|timed out|timeout|unrecognized|illegal)\b", re.IGNORECASE)


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
        found.append(line_symptom(container.service, container.name, container.describe, container.exited_with,
                                  line, matching))
        if len(found) >= MAX_MATCHES:
            break
    if [s.signature.id for s in found if s.signature is not None] == ["restart-loop"] and any(
            line.strip() for line in container.log_tail):
        found.append(_said_last(container))
    elif [s.signature.id for s in found if s.signature is not None] == ["restart-loop"] and container.exit_code > 0:
        # a loop of silent exits (`restart: always`, a command that exits 3 without a word): what it runs, not its log
        found.append(Symptom(container.service, container.name, container.describe, container.exited_with,
                             f"exited ({container.exit_code}) {SILENT}"))
    if found:
        return tuple(found)
    if lines and container.state == "exited" and container.exit_code > 0:
        # what it said last before exiting with an error, which no signature reads (`sh: /run.sh: not found` of a
        # CRLF script, `cat: read error: Is a directory` of a bind source made a folder): the service's own
        # faults that stop a process at its start explain it, as for the same line piped in
        from doctor.why.piped_exits import EXITED_LOG

        said = replace(EXITED_LOG, look_at="")  # its look-at: this container's own log (unexplained)
        return (Symptom(container.service, container.name, container.describe, container.exited_with, lines[0],
                        said),)
    if not lines and container.state == "exited" and container.exit_code > 0:  # its process said nothing at all
        return (Symptom(container.service, container.name, container.describe, container.exited_with,
                        f"exited ({container.exit_code}) {SILENT}"),)
    last = lines[0] if lines else f"{container.describe} (no log output)"
    return (Symptom(container.service, container.name, container.describe, container.exited_with, last),)


def _said_last(container: ContainerState) -> Symptom:
    """Beside a restart loop no log line of which a signature reads, the error it repeats: its latest log line that
    reads as one (ERROR_WORDS), else its latest (umami's `db` under `restart: always`, its log `initdb: error: directory
    "/var/lib/postgresql/data" exists but is not empty` at every start: why said only to look at the logs). The checks
    of the faults that stop a process at its start explain it, as for an exited container's last line."""
    from doctor.why.piped_exits import EXITED_LOG

    tail = [line for line in reversed(container.log_tail) if line.strip()]
    line = next((line for line in tail if ERROR_WORDS.search(line)), tail[0])
    return Symptom(container.service, container.name, container.describe, container.exited_with, line,
                   replace(EXITED_LOG, look_at=""))


def readings(line: str, signatures: Sequence[Signature]) -> list[Signature]:
    """The signatures `line` matches, less those another of them supersedes (a registry's host that does not
    resolve is a failed pull: unknown-host misreads it as the app's host name)."""
    matching = [s for s in signatures if s.match(line) is not None]
    dropped = {i for s in matching for i in s.supersedes}
    return [s for s in matching if s.id not in dropped] if dropped else matching


def line_symptom(service: str, container: str, state: str, exit_code: int | None, line: str,
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
