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
address already in use` on an endpoint named otherwise), or the one container whose create or start compose's
progress lines leave unanswered before the engine's error that names none (` Container proj-web-1  Starting`, then
`Error response from daemon: ... exec: "/bin/bash": stat /bin/bash: ...`); else it concerns all of them. A raw
CR inside a line (dash's `set: Illegal option -` and a CR) is kept, as the text `\r` bash
itself prints: it is the symptom of a CRLF script.

Reading stdin is bounded: the last MAX_BYTES of it; a pipe that has not begun within FIRST_WAIT
seconds is no text (a CI step's stdin left open and empty), and one still open after
PIPE_BUDGET seconds is read as far as it came. A regular file (`< up.log`) is read from where
its offset stands. A terminal, /dev/null or a closed pipe is no text.

What the lines say each service did (exited, built, came up, ended) is doctor.why.piped_exits's reading; the `up`
command line the text holds, doctor.why.up_line's; compose refusing the project, doctor.why.refused's.
"""

from __future__ import annotations

import os

from doctor.lazyre import lazy
from doctor.why.signatures import Signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from doctor.project.types import Service
    from doctor.why.diagnose import Symptom

MAX_BYTES = 256 * 1024
MAX_LINES = 2000
FIRST_WAIT = 2.0
PIPE_BUDGET = 60.0
# CSI (colours, cursor moves), OSC (a title, a hyperlink, OSC 52's clipboard write: to BEL or ST) and the
# two-character escapes: compose's and the containers' own, stripped before the text is read
_ANSI = lazy(r"\x1b(?:\[[0-9;?]*+[ -/]*+[@-~]|\][^\x07\x1b]*+(?:\x07|\x1b\\)?|[0-~])")
# the colours compose's terminal progress writes between a step and its timer, with no blank when the line is long
# (` ✔ Container temporal-postgresql     \x1b[32mStarted\x1b[0m\x1b[34m0.7s`): a blank there, not `Started0.7s`
_TIMER_COLOUR = lazy(r"(?<=\S)(?:\x1b\[[0-9;]*m)+(?=\d+(?:\.\d+)?s\b)")
# compose's log prefix (`app-1  | `, v1's `proj_app_1  | `): the service, its replica number
LOG_PREFIX = lazy(r"^\s*([\w.-]+?)[-_](\d+)\s+\|")
# compose's progress line for a service (` db Error Get "https://...`, ` ✘ db Error ...` on a terminal): its pull
_PROGRESS = lazy(r"^\s*(?:[^\w\s]\s+)?([\w.-]+)\s+(?:Error|Warning)\b")
# the log prefix of a container that has a `container_name:` (`backend  | `); a container named in compose's
# progress line (` ✘ Container backend  Error ...`), in the engine's conflict (`The container name "/postgres"`)
# or in its start error (`driver failed programming external connectivity on endpoint edx.devstack.mysql80 (...)`)
NAME_PREFIX = lazy(r"^\s*([\w.-]+)\s+\|")
_NAMED = lazy(r"(?:^\s*(?:[^\w\s]\s+)?Container\s+|container name \"/?|\bon endpoint\s+)([\w.-]+)")
# compose's progress line for a service whose pull or start it cancelled when another's failed (` db  Interrupted`)
_INTERRUPTED = lazy(r"^\s*(?:[^\w\s]\s+)?([\w.-]+)\s+Interrupted\b")
# a CR that is no line's end (`\r\n`): one inside a line, or one ending a line after an option's dash
_INNER_CR = lazy(r"\r(?!\n|\Z)|(?<=-)\r(?=\n|\Z)")
# CRs at a line's start: a progress writer's return to it, which erases nothing there
_LINE_START_CR = lazy(r"(?m)^\r+")
# compose's progress line for a container (` Container proj-web-1  Starting`): its name and the step it is at; the
# steps of a request to the engine that has not answered yet
_STEP = lazy(r"^\s*(?:[^\w\s]\s+)?Container\s+([\w.-]+)\s+(\w+)")
# compose's progress line for a network or volume it makes for the project (` Network proj_default  Creating`,
# ` Volume "proj_data"  Created` of older releases): the engine's name
_RESOURCE = lazy(r"^\s*(?:[^\w\s]\s+)?(?:Network|Volume)\s+\"?([\w.-]+)\"?\s+\w")
_PENDING = frozenset(("creating", "starting", "recreate", "recreating"))
# the engine's error compose ends a failed `up` with, which names no container when it answers a start (runc's
# `exec: "/bin/bash": stat /bin/bash: ...`) or a create (`invalid mount config ...`)
_DAEMON_ERROR = lazy(r"^\s*Error response from daemon:")
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
    return _ANSI.sub("", _TIMER_COLOUR.sub(" ", text))


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


def text_project(text: str, services: Collection[str], resources: Collection[str] = ()) -> tuple[str, str]:
    """The project name the containers the text names were made under (`X` of `docker compose -p X up`'s
    `X-web-1`, container_prefix less its separator), else, where every container has a `container_name:` (which no
    project prefixes: docker4drupal's `${PROJECT_NAME}_php`), the one compose's progress lines give the project's
    networks and volumes (` Network X_default  Created`, ` Volume X_files  Created`: `resources` are their keys),
    where compose would accept it as one; with what named it (`containers`, `volume 'X_files'`); ("", "") when none."""
    from doctor.project.discover import is_valid_project_name

    lines = text_lines(text)
    name, what = container_prefix(lines, services)[:-1], "containers"
    if not name:
        name, what = _resource_prefix(lines, resources)
    return (name, what) if name and is_valid_project_name(name) else ("", "")


def _resource_prefix(lines: Sequence[str], keys: Collection[str]) -> tuple[str, str]:
    """The project's part (`X`) of the first network or volume compose's progress lines name `X_KEY`, KEY the
    longest of `keys` (a network or volume the files declare with no `name:` of its own) it ends in (`db_data`, not
    `data`, of `myproj_db_data`), and that network or volume (`volume 'myproj_db_data'`); ("", "") when none."""
    for line in lines:
        found = _RESOURCE.match(line)
        if found is None:
            continue
        key = max((k for k in keys if found[1].endswith("_" + k)), key=len, default=None)
        project = found[1][:-len(key) - 1] if key is not None else ""
        if project:
            kind = "network" if "Network" in found[0].split() else "volume"
            return project, f"{kind} {found[1]!r}"
    return "", ""


def service_of(line: str, services: Collection[str], names: Mapping[str, str] | None = None,
               prefix: str = "") -> tuple[str, str]:
    """(service, container) a line of `up`'s output names: by compose's log prefix, else by compose's
    progress line for a service (` db Error ...`: no container yet), else by a container name whose
    service part is one of `services`; ("", "") when it names none.

    `names` maps each `container_name:` to its service: compose prefixes that container's lines with
    its name alone (`backend  |`), and the engine's errors name it (`The container name "/postgres"`). `prefix`: the
    project's part of the container names (container_prefix), matched first."""
    if names:
        found = NAME_PREFIX.match(line) or _NAMED.search(line)
        if found is not None and found[1] in names:
            return names[found[1]], found[1]
    found = LOG_PREFIX.match(line)
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
    from doctor.why.symptoms import line_symptom, readings

    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    found: dict[str, list[Symptom]] = {}
    seen: dict[str, set[str]] = {}
    pending = _pending(lines, services, names, prefix)
    for at in reversed(range(len(lines))):  # the latest first: what `up` said last is what stopped it
        line = lines[at]
        matching = readings(line, signatures)
        if not matching:
            continue
        service, container = service_of(line, services, names, prefix)
        if not service and publishers:
            service = _publisher(line, matching, publishers)
        if not service and at in pending:
            service, container = pending[at]
        key = service or everyone
        done = seen.setdefault(key, set())
        matching = [s for s in matching if s.id not in done]
        if not matching or len(found.get(key, ())) >= most:
            continue
        done.update(s.id for s in matching)
        found.setdefault(key, []).append(line_symptom(key, container, "in the piped output", None, line, matching))
    return _repeated_dropped(found, everyone)


def _pending(lines: Sequence[str], services: Collection[str], names: Mapping[str, str] | None, prefix: str
             ) -> dict[int, tuple[str, str]]:
    """Per line of the engine's error that compose ends a failed `up` with (_DAEMON_ERROR), the (service, container)
    whose create or start compose's progress lines show alone unanswered there: ` Container proj-web-1  Starting`
    with no `Started` after it, before `Error response from daemon: failed to create shim task: ... exec:
    "/bin/bash": stat /bin/bash: no such file or directory` (awesome-compose's nginx-flask-mongo on an image with no
    bash), which names no container; the engine answered that request. None where several are unanswered (compose
    starts independent containers at once), the name is no service's, or the line repeats the error a container's
    own line gave (`up --pull never`: ` Container p-db-1  Error response from daemon: No such image: ...`, app's
    `Creating` unanswered beside it)."""
    steps: dict[str, str] = {}
    found: dict[int, tuple[str, str]] = {}
    said: set[str] = set()  # the errors a container's own line gave (` Container p-db-1  Error response from ...`)
    for at, line in enumerate(lines):
        step = _STEP.match(line)
        if step is not None:
            steps[step[1]] = step[2].lower()
            said.add(line[step.end(1):].strip())
        elif _DAEMON_ERROR.match(line) and line.strip() not in said:  # not compose repeating db's `No such image`
            waiting = [name for name, word in steps.items() if word in _PENDING]
            if len(waiting) != 1:
                continue
            name = waiting[0]
            service = names[name] if names and name in names else service_of(name, services, prefix=prefix)[0]
            if service:
                found[at] = (service, name)
    return found


def made_containers(text: str) -> list[str]:
    """The containers compose's progress lines show this `up` making or starting (` Container temporal  Creating`),
    in the order first named: not one compose failed to make (` Container temporal-postgresql  Error response from
    daemon: Conflict ...`: the container of that name is another's)."""
    found = [m for m in map(_STEP.match, text_lines(text)) if m is not None]
    failed = {m[1] for m in found if m[2].lower() == "error"}
    return list(dict.fromkeys(m[1] for m in found if m[1] not in failed))


def interrupted(text: str, services: Collection[str]) -> list[str]:
    """The services compose's progress lines mark ` db  Interrupted`: their pull (or start) cancelled when
    another service's failed; in the order first named."""
    found = (_INTERRUPTED.match(line) for line in text_lines(text))
    return list(dict.fromkeys(m[1] for m in found if m is not None and m[1] in services))


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
