"""`docker compose up ... 2>&1 | doctor why`: the symptoms in the text piped in, when the engine has no
container to read them from.

Five new-user trials piped the output of a failed `up` into `doctor why` (`up -d | doctor why`,
`doctor why < up.log`) and expected the cause. The containers an `up` leaves on the engine stay
the first source (their state, the engine's start error, the log tail: doctor.why.command); the
text is read when there are none (an `up` that created none, a log from another shell, the
engine not reachable from here). Each line is matched against the same signatures as a
container's log, and given to the service it names: the log prefix compose writes (`app-1  |`)
or a container name (`proj-web-1`) whose service part is one of the project's services, or a
service's own `container_name:` (compose's prefix is then that name: `backend  |`), or the
engine's bind error for a host port only one service publishes (`listen tcp4 0.0.0.0:3406: bind:
address already in use` on an endpoint named otherwise); else it concerns all of them. A raw
CR inside a line (dash's `set: Illegal option -` and a CR) is kept, as the text `\r` bash
itself prints: it is the symptom of a CRLF script.

Reading stdin is bounded: the last MAX_BYTES of it; a pipe that has not begun within FIRST_WAIT
seconds is no text (a CI step's stdin left open and empty), and one still open after
PIPE_BUDGET seconds is read as far as it came. A regular file (`< up.log`) is read from where
its offset stands. A terminal, /dev/null or a closed pipe is no text.

The command line of the `up` itself, when the text holds it (pasted with its prompt above the output, a `set -x`
trace, make's echo, a CI log's `Run docker compose up ...`: up_command), says which services that `up` was to start:
`up -d mariadb redis` starts those and what they depend on, and no other; compose's own output never says. Its `-p`
(or a `COMPOSE_PROJECT_NAME=` before it), `-f`, `--profile`, `--env-file` and `--project-directory` say which project
that was (doctor.why.upoptions takes them).

A line of compose refusing the project before it created anything (REFUSED: `invalid project name`, `env file ...
not found`, a YAML or schema error, an undefined reference) is the answer itself, whatever containers an earlier
`up` left: what explains it is the finding saying the same (compose-config's, with its file and line).
"""

from __future__ import annotations

import os

from doctor.lazyre import lazy
from doctor.model import Severity, record
from doctor.why.signatures import UNHEALTHY, Signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from doctor.model import Finding
    from doctor.project.compose_line import ComposeCommand
    from doctor.project.types import Service
    from doctor.why.diagnose import Symptom

MAX_BYTES = 256 * 1024
MAX_LINES = 2000
FIRST_WAIT = 2.0
PIPE_BUDGET = 60.0
# CSI (colours, cursor moves), OSC (a title, a hyperlink, OSC 52's clipboard write: to BEL or ST) and the
# two-character escapes: compose's and the containers' own, stripped before the text is read
_ANSI = lazy(r"\x1b(?:\[[0-9;?]*+[ -/]*+[@-~]|\][^\x07\x1b]*+(?:\x07|\x1b\\)?|[0-~])")
# compose's log prefix (`app-1  | `, v1's `proj_app_1  | `): the service, its replica number
_PREFIX = lazy(r"^\s*([\w.-]+?)[-_](\d+)\s+\|")
# compose's progress line for a service (` db Error Get "https://...`, ` ✘ db Error ...` on a terminal): its pull
_PROGRESS = lazy(r"^\s*(?:[^\w\s]\s+)?([\w.-]+)\s+(?:Error|Warning)\b")
# the log prefix of a container that has a `container_name:` (`backend  | `); a container named in compose's
# progress line (` ✘ Container backend  Error ...`), in the engine's conflict (`The container name "/postgres"`)
# or in its start error (`driver failed programming external connectivity on endpoint edx.devstack.mysql80 (...)`)
_NAME_PREFIX = lazy(r"^\s*([\w.-]+)\s+\|")
_NAMED = lazy(r"(?:^\s*(?:[^\w\s]\s+)?Container\s+|container name \"/?|\bon endpoint\s+)([\w.-]+)")
# compose's progress line for a service whose pull or start it cancelled when another's failed (` db  Interrupted`)
_INTERRUPTED = lazy(r"^\s*(?:[^\w\s]\s+)?([\w.-]+)\s+Interrupted\b")
# a CR that is no line's end (`\r\n`): one inside a line, or one ending a line after an option's dash
_INNER_CR = lazy(r"\r(?!\n|\Z)|(?<=-)\r(?=\n|\Z)")
# CRs at a line's start: a progress writer's return to it, which erases nothing there
_LINE_START_CR = lazy(r"(?m)^\r+")
# a container name compose made (`proj-web-1`, `proj_web_1`): the service is a suffix of the part before the number
_CONTAINER = lazy(r"(?<![\w.-])([A-Za-z0-9][\w.-]*?)[-_](\d+)(?![\w-]|\.\w)")


def read_piped(fd: int) -> str:
    """The text piped or redirected to `fd`, bounded (see the module's docstring); "" when none."""
    import stat

    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return ""
    if stat.S_ISREG(mode):
        data = _read_file(fd)
    elif stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        data = _read_pipe(fd)
    else:  # a terminal, /dev/null
        return ""
    return from_json_progress(plain_text(data[-MAX_BYTES:].decode("utf-8", "replace")))


def plain_text(text: str) -> str:
    """The text with the terminal's control sequences taken out: compose v2 writes `\r\x1b[K` (back to
    the line's start, erase it) before each `web-1 exited with code 3` when its output is no terminal,
    which begins a line of its own; a CR that begins a line erases nothing."""
    if "\x1b" not in text:
        return text
    for erase in ("\r\x1b[K", "\r\x1b[0K", "\r\x1b[2K", "\x1b[2K\r"):
        text = text.replace(erase, "\n")
    return _ANSI.sub("", text)


def from_json_progress(text: str) -> str:
    """The text with each line of compose's `--progress json` (a CI tool's choice) written as its plain progress
    writes it, so one reading serves both: `{"id":"Container proj-db-1","status":"Started"}` as ` Container
    proj-db-1  Started`, the last `{"error":true,"message":"..."}` as its message, a warning as logrus writes it
    (`level=warning msg="..."`). Other lines, the attached containers' logs, stay as they are."""
    if '{"' not in text:
        return text
    return "\n".join(_plain_progress(line) for line in text.split("\n"))


def _plain_progress(line: str) -> str:
    import json

    stripped = line.strip()
    if not (stripped.startswith('{"') and stripped.endswith("}")):
        return line
    try:
        event = json.loads(stripped)
    except ValueError:
        return line
    if not isinstance(event, dict) or not all(isinstance(v, (str, bool, int, float)) for v in event.values()):
        return line
    message = event.get("message")
    if event.get("error") is True and isinstance(message, str):
        return message
    if isinstance(event.get("msg"), str) and isinstance(event.get("level"), str):
        return f"level={event['level']} msg={json.dumps(event['msg'])}"
    if isinstance(event.get("id"), str) and isinstance(event.get("status"), str):
        return f" {event['id']} {event.get('text', '') or ''} {event['status']}"
    return line


def _read_file(fd: int) -> bytes:
    try:
        size, at = os.fstat(fd).st_size, os.lseek(fd, 0, os.SEEK_CUR)
        if size - at > MAX_BYTES:
            os.lseek(fd, size - MAX_BYTES, os.SEEK_SET)
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            if sum(map(len, chunks)) > 2 * MAX_BYTES:  # a file still growing: what came is enough
                break
        return b"".join(chunks)
    except OSError:
        return b""


def _read_pipe(fd: int) -> bytes:
    import select
    import time

    start = time.monotonic()
    data = bytearray()
    begun = False
    while True:
        left = (PIPE_BUDGET if begun else FIRST_WAIT) - (time.monotonic() - start)
        if left <= 0:
            break
        try:
            ready, _, _ = select.select([fd], [], [], left)
            chunk = os.read(fd, 1 << 16) if ready else b""
        except (OSError, ValueError):
            break
        if not chunk:
            break
        begun = True
        data += chunk
        if len(data) > 2 * MAX_BYTES:
            del data[:-MAX_BYTES]
    return bytes(data)


def container_prefix(lines: Sequence[str], services: Collection[str]) -> str:
    """The project's part of the container names compose made that the lines name (`triall3-mitx-` of
    `triall3-mitx-db-1` and `triall3-mitx-web-1`): of the parts before a known service's name and its number, the
    one most names share; on a tie the shortest (the longest service name: `proj-` of a lone `proj-migrate-db-1`
    beside services `db` and `migrate-db`, as a name read alone is); "" when no name has one. Derived once from
    them all, it matches each container alike, where a name read alone may end in a longer service's name (`mitx-db`
    of `triall3-mitx-db-1` when `triall3-mitx-web-1` says the project is `triall3-mitx`)."""
    counts: dict[str, int] = {}
    seen: set[str] = set()
    for line in lines:
        for match in _CONTAINER.finditer(line):
            base = match[1]
            if base in seen:
                continue
            seen.add(base)
            for at in range(1, len(base)):
                if base[at - 1] in "-_" and base[at:] in services:
                    counts[base[:at]] = counts.get(base[:at], 0) + 1
    return max(counts, key=lambda p: (counts[p], -len(p))) if counts else ""


def service_of(line: str, services: Collection[str], names: Mapping[str, str] | None = None,
               prefix: str = "") -> tuple[str, str]:
    """(service, container) a line of `up`'s output names: by compose's log prefix, else by compose's
    progress line for a service (` db Error ...`: no container yet), else by a container name whose
    service part is one of `services`; ("", "") when it names none.

    `names` maps each `container_name:` to its service: compose prefixes that container's lines with
    its name alone (`backend  |`), and the engine's errors name it (`The container name "/postgres"`). `prefix`: the
    project's part of the container names (container_prefix), matched first."""
    if names:
        found = _NAME_PREFIX.match(line) or _NAMED.search(line)
        if found is not None and found[1] in names:
            return names[found[1]], found[1]
    found = _PREFIX.match(line)
    if found is not None and found[1] in services:
        return found[1], f"{found[1]}-{found[2]}"
    found = _PROGRESS.match(line)
    if found is not None and found[1] in services:
        return found[1], ""
    for match in _CONTAINER.finditer(line):
        base = match[1]
        if prefix and base.startswith(prefix) and base[len(prefix):] in services:
            return base[len(prefix):], match[0]
        for at in range(len(base)):  # `trialf1-why-web` -> `trialf1-why-web`, `why-web`, `web`
            if (at == 0 or base[at - 1] in "-_") and base[at:] in services:
                return base[at:], match[0]
    return "", ""


def sole_publishers(services: Collection[Service]) -> dict[int, str]:
    """host port -> the service publishing it, for each port exactly one of `services` publishes (each port of
    a range below 1,024 ports long; any protocol, any host address)."""
    found: dict[int, str] = {}
    shared: set[int] = set()
    for service in services:
        for mapping in service.ports:
            try:
                span = mapping.published_range
            except ValueError:
                continue
            if span is None or span[1] - span[0] >= 1024:
                continue
            for port in range(span[0], span[1] + 1):
                if found.setdefault(port, service.name) != service.name:
                    shared.add(port)
    return {port: name for port, name in found.items() if port not in shared}


def _publisher(line: str, matching: Sequence[Signature], publishers: Mapping[int, str]) -> str:
    """The service that alone publishes the host port a signature of the line reads as one (see
    Signature.host_port); "" when none does."""
    for signature in matching:
        port = (signature.match(line) or {}).get("port", "") if signature.host_port else ""
        if port.isdecimal() and int(port) in publishers:
            return publishers[int(port)]
    return ""


def text_lines(text: str) -> list[str]:
    """The text's non-blank lines, stripped, the last MAX_LINES: split at LF (CRLF), a CR inside a line
    written as `\\r` (what bash prints for it: the CRLF signature matches either, and the console shows it)."""
    return [line.strip() for line in shown_cr(text).split("\n") if line.strip()][-MAX_LINES:]


def shown_cr(text: str) -> str:
    """The text with each CR that ends no line (`\\r\\n`) written `\\r`, what bash prints for it (the CRLF
    signature matches either, and the console shows it), and the CRs that begin a line taken out."""
    return _INNER_CR.sub(r"\\r", _LINE_START_CR.sub("", text)) if "\r" in text else text


def text_symptoms(text: str, signatures: Sequence[Signature], services: Collection[str], everyone: str,
                  most: int, names: Mapping[str, str] | None = None, publishers: Mapping[int, str] | None = None
                  ) -> dict[str, list[Symptom]]:
    """Per service (`everyone` for lines that name none), the symptoms of the text: per signature the
    latest line it matches, the most specific signature of a line first (as a container's log is read),
    at most `most` a service. `names`: the services' `container_name:`s (see service_of); `publishers`:
    host port -> the one service publishing it (sole_publishers), for a bind error naming no service."""
    from doctor.why.diagnose import line_symptom, readings

    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    found: dict[str, list[Symptom]] = {}
    seen: dict[str, set[str]] = {}
    for line in reversed(lines):  # the latest first: what `up` said last is what stopped it
        matching = readings(line, signatures)
        if not matching:
            continue
        service, container = service_of(line, services, names, prefix)
        if not service and publishers:
            service = _publisher(line, matching, publishers)
        key = service or everyone
        done = seen.setdefault(key, set())
        matching = [s for s in matching if s.id not in done]
        if not matching or len(found.get(key, ())) >= most:
            continue
        done.update(s.id for s in matching)
        found.setdefault(key, []).append(line_symptom(key, container, "in the piped output", 0, line, matching))
    return _repeated_dropped(found, everyone)


# the checks whose findings may make a service's process exit at start (its settings, its files, its mounts): the
# causes of an exit the piped output shows without the service's log
PROCESS_CHECKS = ("service-name-drift", "leaked-host-port", "env-drift", "dotenv-override", "script-line-endings",
                  "missing-mount", "root-owned-files", "volume-shadowing", "host-gateway")
# compose's words for a service that ran and failed: its progress line (` ✘ Container proj-migrate-1  Exited (1)`,
# `... Error`, `... Unhealthy`), a one-shot dependency (`service "migrate" didn't complete successfully: exit 1`)
# and a dependency that failed (`dependency failed to start: container proj-db-1 exited (1)` / `is unhealthy`)
EXITED = Signature(
    "exited",
    r"(?:^\s*(?:[^\w\s]\s+)?Container\s+(?P<name>[\w.-]+)\s+(?:Exited\s*\((?P<code>[1-9]\d*)\)|(?P<how>Error|Unhealthy)\b)"
    r"|\bservice \"(?P<name2>[\w.-]+)\" didn't complete successfully: exit (?P<code2>\d+)"
    r"|\bdependency failed to start: container (?P<name3>[\w.-]+) "
    r"(?:exited \((?P<code3>\d+)\)|(?P<how2>is unhealthy)))"
    # a foreground `up`'s attached container ending (`redis-1 exited with code 2`; `backend exited with code 2`)
    r"|^\s*(?P<name4>[\w.-]+) exited with code (?P<code4>[1-9]\d*)(?:\s*\(restarting\))?\s*$",
    "compose reports the service's container failed; the piped output has none of its log, so the settings it "
    "starts with come first",
    PROCESS_CHECKS,
    "the service's log (`docker compose logs` and its name): the piped output has none of it",
)
# compose's word that a service's healthcheck failed (`dependency failed to start: container proj-db-1 is unhealthy`,
# ` ✘ Container proj-db-1  Unhealthy`): the container ran and its probe failed, so the probe is what to look at (at
# its compose line), not a log the piped output lacks; the checks of a probe that cannot pass, as for a container's
EXITED_UNHEALTHY = Signature(
    "exited-unhealthy",
    EXITED.pattern,
    "compose waited for the service's healthcheck to pass and it failed: the container ran, its probe did not "
    "succeed, so the services that wait on it (service_healthy) were not started",
    UNHEALTHY.checks,
    UNHEALTHY.look_at,
    setting=UNHEALTHY.setting,
)
# the last line an attached service logged before compose said it exited with an error code (`redis-1  | boom`
# before `redis-1 exited with code 2`): what it said last, which no signature reads; from the text after the prefix
EXITED_LOG = Signature(
    "exited-log",
    r"(?<=\| )\s*\S.*",
    "the service's process exited with an error code; its last log line is what it said before it stopped (no "
    "signature of doctor's reads it)",
    PROCESS_CHECKS,
    "the service's log before it exited (`docker compose logs` and its name) and what it starts with: its command, "
    "entrypoint and environment",
)
# compose stopping the attached containers itself (Ctrl+C, --abort-on-container-exit): an exit after it with the
# code of a signal compose sent (SIGINT, SIGKILL, SIGTERM) is that stop, no failure
_STOPPING = lazy(r"^\s*(?:Gracefully stopping|Aborting on container exit)")
_STOP_CODES = ("130", "137", "143")
_ATTACHED_EXIT = lazy(r"^\s*[\w.-]+ exited with code \d+(?:\s*\(restarting\))?\s*$")
# compose's progress line for a container that came up (` ✔ Container proj-db-1  Started`, `Healthy`, `Running`)
_UP = r"^\s*(?:[^\w\s]\s+)?Container\s+([\w.-]+)\s+(?:Started|Healthy|Running)\b"


def _named_service(name: str, services: Collection[str], names: Mapping[str, str] | None, prefix: str = "") -> str:
    """The service a container or service name in compose's output is: a `container_name:`, a service, or a
    container name compose made (`proj-web-1`); "" when none."""
    if names and name in names:
        return names[name]
    if name in services:
        return name
    return service_of(name, services, prefix=prefix)[0]


def text_exits(text: str, services: Collection[str], names: Mapping[str, str] | None = None) -> dict[str, Symptom]:
    """Per service compose's output shows failed (EXITED), the latest line that says so, as a symptom whose state
    is what the line says (`exited (1), in the piped output`); `names` as for service_of."""
    from doctor.why.diagnose import line_symptom

    found: dict[str, Symptom] = {}
    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    logged = _last_logged(lines, services, names, prefix)
    stopping = next((at for at, line in enumerate(lines) if _STOPPING.match(line)), len(lines))
    for at in range(len(lines) - 1, -1, -1):
        line = lines[at]
        groups = EXITED.match(line)
        if groups is None:
            continue
        service = _named_service(groups.get("name", ""), services, names, prefix)
        if not service or service in found:
            continue
        code = groups.get("code", "")
        attached = _ATTACHED_EXIT.match(line) is not None
        if attached and at > stopping and code in _STOP_CODES:  # compose stopped it
            continue
        said = logged.get(at)
        if attached and said is not None:  # its last log line is the symptom, the exit its state
            found[service] = line_symptom(service, said[1], f"exited ({code}), in the piped output", int(code),
                                          said[0], [EXITED_LOG])
            continue
        how = groups.get("how", "").lower().removeprefix("is ")
        state = f"exited ({code})" if code else "unhealthy" if how == "unhealthy" else "failed to start"
        container = groups["name"] if groups["name"] != service else ""
        said_as = EXITED_UNHEALTHY if state == "unhealthy" else EXITED
        symptom = line_symptom(service, container, f"{state}, in the piped output", int(code or 0), line, [said_as])
        found[service] = symptom
    return found


# an image build that failed: BuildKit's `failed to solve: ...` (`target app: failed to solve` from bake), its
# step (`=> ERROR [app 3/8] RUN ...`), and the classic builder's and compose v1's `Service 'app' failed to build`
BUILD_FAILED = Signature(
    "build-failed",
    r"^\s*(?:ERROR:?\s*)?(?:target (?P<name>[\w.-]+): )?failed to solve\b.*"
    r"|^\s*(?:ERROR:?\s*)?[Ss]ervice '(?P<name2>[\w.-]+)' failed to build\b.*"
    r"|^\s*(?:#\d+\s+|=>\s*)?ERROR:? (?:failed to build|\[(?P<name3>[\w.-]+) [^\]]*\]).*",
    "the service's image did not build, so compose created no container: the Dockerfile, its build context and "
    "its build args come first (a heredoc `RUN <<EOF` needs BuildKit: an engine without buildx builds with the "
    "classic builder, which reads its lines as instructions: `unknown instruction`)",
    ("compose-config",),
    "the build's own output above this line: `docker compose build SERVICE`",
)
# a build step's line naming its service: BuildKit's `#3 [app internal] load ...`, `=> [app 2/5] RUN ...`
_STEP = lazy(r"^\s*(?:#\d+\s+|=>\s*)(?:ERROR:?\s*)?\[([\w.-]+)[ \]]")


def text_builds(text: str, services: Collection[str]) -> dict[str, Symptom]:
    """Per service whose image build the text shows failed, that line as a symptom (`build failed, in the piped
    output`): a service the line names, else the one the build steps before it name last; the latest of each."""
    from doctor.why.diagnose import line_symptom

    found: dict[str, Symptom] = {}
    building = ""
    for line in text_lines(text):
        step = _STEP.match(line)
        if step is not None and step[1] in services:
            building = step[1]
        groups = BUILD_FAILED.match(line)
        if groups is None:
            continue
        named = groups.get("name", "")
        service = named if named in services else building
        if service:
            found[service] = line_symptom(service, "", "build failed, in the piped output", 0, line, [BUILD_FAILED])
    return found


def _last_logged(lines: Sequence[str], services: Collection[str], names: Mapping[str, str] | None, prefix: str
                 ) -> dict[int, tuple[str, str]]:
    """Per line that is an attached container's exit (`redis-1 exited with code 2`), the last line of that container's
    log before it (`redis-1  | boom`) and the container: compose's prefix names both; none when it logged nothing."""
    last: dict[str, tuple[str, str]] = {}
    found: dict[int, tuple[str, str]] = {}
    for at, line in enumerate(lines):
        if _ATTACHED_EXIT.match(line):
            service = _named_service(line.split()[0], services, names, prefix)
            if service in last:
                found[at] = last.pop(service)
        elif "|" in line and (_PREFIX.match(line) or (names and _NAME_PREFIX.match(line))):
            service, container = service_of(line, services, names, prefix)
            if service and line.split("|", 1)[1].strip():
                last[service] = (line, container)
    return found


def text_up(text: str, services: Collection[str], names: Mapping[str, str] | None = None) -> list[str]:
    """The services compose's progress lines show came up (`Started`, `Healthy`, `Running`), in the order named."""
    import re

    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    found = (re.match(_UP, line, re.IGNORECASE) for line in lines)
    named = (_named_service(m[1], services, names, prefix) for m in found if m is not None)
    return list(dict.fromkeys(s for s in named if s))


# compose's list of the containers a foreground `up` attaches to (`Attaching to redis-1, web-1`)
_ATTACHING = lazy(r"^\s*Attaching to\s+(.+)$")


def text_created(text: str, services: Collection[str], names: Mapping[str, str] | None = None
                 ) -> tuple[list[str], list[str]]:
    """The services whose container compose's output names (` ✔ Container proj-db-1  Created`, any progress word),
    and those of them a foreground `up` attached to (`Attaching to db-1, web-1`), each in the order first named."""
    import re

    named: list[str] = []
    attached: list[str] = []
    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    for line in lines:
        found = re.match(r"^\s*(?:[^\w\s]\s+)?Container\s+([\w.-]+)\s", line, re.IGNORECASE)
        if found is not None:
            named.append(_named_service(found[1], services, names, prefix))
        found = _ATTACHING.match(line)
        if found is not None:
            attached.extend(_named_service(n.strip(), services, names, prefix) for n in found[1].split(","))
    return list(dict.fromkeys(s for s in named + attached if s)), list(dict.fromkeys(s for s in attached if s))


def text_ended(text: str, services: Collection[str], names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Per service a foreground `up` shows ended with no failure, its exit code: 0 (it ran and completed), or the code
    of compose stopping it (`web-1 exited with code 137` after `Gracefully stopping...`); the latest exit of each."""
    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    stopping = next((at for at, line in enumerate(lines) if _STOPPING.match(line)), len(lines))
    found: dict[str, str] = {}
    for at, line in enumerate(lines):
        if _ATTACHED_EXIT.match(line) is None:
            continue
        service = _named_service(line.split()[0], services, names, prefix)
        code = line.split("exited with code", 1)[1].split()[0]
        if service and (code == "0" or (at > stopping and code in _STOP_CODES)):
            found[service] = code
        elif service:
            found.pop(service, None)
    return found


def created_any(text: str) -> bool:
    """Whether compose's progress lines name a container (` ✔ Container proj-db-1  Created`), or a foreground `up`
    attached to one (`Attaching to db-1`, `db-1 exited with code 0`): `up` got past its pulls and builds, which it
    does before creating any."""
    import re

    return any(re.match(r"^\s*(?:[^\w\s]\s+)?Container\s+[\w.-]+\s", line, re.IGNORECASE)
               or _ATTACHING.match(line) or _ATTACHED_EXIT.match(line) for line in text_lines(text))


def interrupted(text: str, services: Collection[str]) -> list[str]:
    """The services compose's progress lines mark ` db  Interrupted`: their pull (or start) cancelled when
    another service's failed; in the order first named."""
    found = (_INTERRUPTED.match(line) for line in text_lines(text))
    return list(dict.fromkeys(m[1] for m in found if m is not None and m[1] in services))


# `docker compose` (`docker-compose`, a path before it) beginning a command in a line, after whatever a prompt, a
# `set -x` trace (`+ `), make's echo or a CI log (`Run `) puts first: no quote, and no container's log prefix (`|`)
_COMPOSE_COMMAND = r"^[^|'\"`]*?(?<![\w./-])(?P<compose>(?:[\w./-]*/)?(?:docker\s+compose|docker-compose))(?=\s)"


@record
class UpCommand:
    """An `up` command line: the words it names services with (none: every service), whether it starts them alone
    (`--no-deps`), not what they depend on, and compose's options that chose its project, as typed (the paths
    relative to where it ran): `-p` (else a `COMPOSE_PROJECT_NAME=` before the command: `name_from_env`), `-f`,
    `--profile`, `--env-file`, `--project-directory`."""

    services: tuple[str, ...] = ()
    no_deps: bool = False
    project_name: str | None = None
    files: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    project_directory: str | None = None
    name_from_env: bool = False


def up_command(text: str) -> UpCommand | None:
    """The last `docker compose ... up ...` command line in the text (the one whose output follows it); None when
    the text holds none. Its words end at the shell's first operator (`2>&1`, `| tee up.log`, `&&`); a word after
    `up` that is no option nor an option's value names a service (the caller keeps those of the project)."""
    import re

    from doctor.project.compose_line import parse_compose

    for line in reversed(text_lines(text)):
        found = re.search(_COMPOSE_COMMAND, line)
        if found is None:
            continue
        command = parse_compose(_command_words(_shell_words(line[found.end():])),
                                _assigned(line[:found.start("compose")]))
        if command.command == "up":
            return _up(command)
    return None


def _assigned(before: str) -> list[tuple[str, str]]:
    """The variables set for a command alone by the words just before it (`COMPOSE_PROJECT_NAME=track-b docker
    compose up`; the prompt's words before those are none): (name, value) as typed (no quote: see _COMPOSE_COMMAND),
    in order; a value with a control character is none."""
    import re

    words = before.split()
    at = len(words)
    while at and re.fullmatch(r"[A-Za-z_]\w*=\S*", words[at - 1]) is not None:
        at -= 1
    return [(name, value) for name, _, value in (w.partition("=") for w in words[at:]) if value.isprintable()]


def _shell_words(text: str) -> list[str]:
    """The words of a shell command line, its quotes removed and its operators (`|`, `2>&1`) words of their own."""
    import shlex

    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # a quote left open: the words as typed
        return text.split()


def _command_words(words: Sequence[str]) -> list[str]:
    """`words` up to the shell's first operator (`|`, `&&`, `;`) or redirection (`2>&1`'s `2`): the command's."""
    for at, word in enumerate(words):
        if not word.strip("();<>|&") or (word.isdigit() and words[at + 1:at + 2] and words[at + 1][0] in "<>"):
            return list(words[:at])
    return list(words)


def _up(command: ComposeCommand) -> UpCommand:
    """The UpCommand of compose's `up` command line: compose's own options that choose the project, each value that
    is a word (one with a control character is none); `-p` wins over a COMPOSE_PROJECT_NAME set before it, as in
    compose, and a name or folder given twice is the last, as compose takes it."""
    def given(name: str) -> tuple[str, ...]:
        return tuple(v for v in command.values(name) if v and v.isprintable())

    def last(name: str) -> str | None:
        return given(name)[-1] if given(name) else None

    project, named = last("--project-name"), command.variable("COMPOSE_PROJECT_NAME") or None
    return UpCommand(command.arguments, command.flag("--no-deps"), project or named, given("--file"),
                     given("--profile"), given("--env-file"), last("--project-directory"),
                     project is None and named is not None)


def _repeated_dropped(found: dict[str, list[Symptom]], everyone: str) -> dict[str, list[Symptom]]:
    """`found` less the symptoms of lines naming no service that repeat a service's line: compose ends a
    failed `up` with the engine's error again (`Error response from daemon: Get "https://..."` after
    ` db Error Get "https://..."`), which is that service's failure, not every service's."""
    named = [s.line for key, symptoms in found.items() if key != everyone for s in symptoms]
    rest = [s for s in found.get(everyone, ()) if not any(s.line[s.start:].strip() in line for line in named)]
    if len(rest) == len(found.get(everyone, ())):
        return found
    kept = {key: symptoms for key, symptoms in found.items() if key != everyone}
    return {**kept, everyone: rest} if rest else kept


# compose's own refusals of the project: one line, before it pulls, builds or creates anything (compose v2.40's
# words). Each alternative's match is the refusal itself, without compose's detail after it (`: stat ...`,
# `: invalid compose project`): the count line quotes it
REFUSED = Signature(
    "compose-refused",
    r"invalid project name \"(?P<name>[^\"]*)\"|project name must not be empty"
    r"|env file (?P<path>\S+) not found(?=:|$)|couldn't find env file: (?P<path2>\S+)"
    r"|no configuration file provided: not found|^open (?P<path3>\S+\.ya?ml): no such file or directory"
    r"|^validating (?P<file>\S+): (?P<key>[\w.-]+)\b.*"
    r"|^(?:(?:parsing|loading) \S+: )?yaml: .+"
    r"|^(?P<key2>(?:services|networks|volumes|secrets|configs)\.[\w.-]+) (?:must be|contains|is |has |does not"
    r"|additional propert|conflicts with imported resource).*"
    r"|^\(root\) additional propert.*"
    r"|service \"?(?P<service>[\w.-]+)\"? "
    r"(?:refers to undefined (?:network|volume|secret|config) \"?(?P<ref>[\w.-]+)\"?"
    r"|depends on undefined service \"?(?P<ref2>[\w.-]+)\"?|has neither an image nor a build context specified)"
    r"|error while interpolating (?P<key3>\S+): (?:required variable (?P<variable>\w+) is missing a value)?"
    r"|invalid interpolation format for (?P<key4>\S+)"
    r"|environment variable \"(?P<variable2>\w+)\" required by (?:secret|config) \S+ is not set"
    r"|external (?:volume|network) \"(?P<ref3>[^\"]+)\" not found|network (?P<ref4>\S+) declared as external, but "
    r"could not be found"
    r"|^invalid (?:hostPort|containerPort|port|proto)\b.*"
    r"|^no such service: (?P<service2>[\w.-]+)$|^no service selected$",
    "compose refused the project before creating any container (it pulled, built and started nothing): it could "
    "not read or accept the compose files, an env file, the project name or a service the command named",
    ("compose-config", "env-drift"),  # env-drift: a missing env file with a template beside it
    "the compose files and env files compose read: `doctor preflight --select compose-config` names each fault with "
    "its file and line; `docker compose config` prints compose's own first one",
    project_wide=True,
)
# the kind of compose-config problem (its finding's subject starts `KIND:`) a refusal is, when its words say
_REFUSAL_KINDS = (("yaml: ", "yaml"), ("interpolat", "interpolation"), ("env file", "env-file"),
                  ("undefined", "reference"), ("no configuration file", "discovery"), ("validating ", "schema"),
                  ("invalid port", "schema"), ("invalid hostport", "schema"))


def refusal(text: str) -> str:
    """The latest line of the text that is compose refusing the project (REFUSED), when compose's progress names no
    container after it (a later `up` did get on); "" when none."""
    lines = text_lines(text)
    for at in range(len(lines) - 1, -1, -1):
        if REFUSED.match(lines[at]) is not None:
            return "" if created_any("\n".join(lines[at + 1:])) else lines[at]
    return ""


def refusal_causes(line: str, findings: Sequence[Finding]) -> list[Finding]:
    """The findings (of REFUSED's checks, warnings and errors) that explain compose's refusal `line`: those whose
    compose-config subject is compose's message (doctor writes its quotes as `'`), else those naming a value the line
    captured (the project name, the file, the key, the variable, the undefined name), else compose-config's of the
    problem kind the line's words say (a YAML error); [] when none does."""
    import re

    def plain(text: str) -> str:
        return " ".join(text.replace('"', "'").lower().split())

    mine = [f for f in findings if f.check in REFUSED.checks and f.severity >= Severity.WARNING]
    said = plain(line)
    # the subject is `KIND:MESSAGE`, and `@FILE:LINE` after it where the same message is at several lines
    same = [f for f in mine if f.check == "compose-config" and ":" in f.subject
            and plain(re.sub(r"@[^@\s]+:\d+$", "", f.subject.split(":", 1)[1])) in said]
    if same:
        return same
    captured = REFUSED.match(line) or {}
    values = [v for k, v in captured.items() if k not in ("service", "file") and v]  # the file: any finding's
    values += [v.rsplit("/", 1)[-1] for k, v in captured.items() if k == "path" and "/" in v]

    def names(finding: Finding) -> bool:
        text = f"{finding.subject} {finding.message}"
        return any(re.search(rf"(?<![\w.-]){re.escape(v)}(?![\w-]|\.\w)", text) for v in values)

    named = [f for f in mine if names(f)]
    if named or "name" in captured or "project name" in said:  # a project name: no other finding is about it
        return named
    kind = next((k for words, k in _REFUSAL_KINDS if words in said), "")
    return [f for f in mine if kind and f.check == "compose-config" and f.subject.startswith(f"{kind}:")]
