"""What compose's output piped to `doctor why` says each service did: exited or failed its healthcheck
(text_exits: EXITED, EXITED_UNHEALTHY, and EXITED_LOG for an attached container's last log line), failed to build
(text_builds: BUILD_FAILED), came up (text_up), had its container created or attached (text_created, created_any),
or ended with no failure (text_ended). The lines are read as doctor.why.piped reads them (text_lines) and given to
their service as it does (service_of, container_prefix).
"""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.records import replace
from doctor.why.piped import LOG_PREFIX, NAME_PREFIX, container_prefix, service_of, text_lines
from doctor.why.signatures import UNHEALTHY, Signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from doctor.why.diagnose import Symptom

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
# EXITED of a container a foreground `up` attached to from its start that wrote nothing (silent_exits): the text
# holds all of its log, none, so what it ran is what to look at (doctor.why.causes.pointed_at), not its log
EXITED_SILENT = replace(EXITED, id="exited-silent", meaning="compose attached to the container from its start and it "
                        "exited printing nothing: the piped output holds all of its log, which is empty", look_at="")
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
# EXITED of a container a foreground `up` attached to among others, after log lines that name no container (`up
# --no-log-prefix`): which of them are its log the text does not say
EXITED_UNNAMED = replace(EXITED, id="exited-unnamed", meaning="compose reports the service's container failed; the "
                         "piped output's log lines name no container (`up --no-log-prefix`): which of them are its "
                         "log it does not say", look_at="the service's log (`docker compose logs` and its name)")
# compose stopping the attached containers itself (Ctrl+C, --abort-on-container-exit): an exit after it with the
# code of a signal compose sent (SIGINT, SIGKILL, SIGTERM) is that stop, no failure
_STOPPING = lazy(r"^\s*(?:Gracefully stopping|Aborting on container exit)")
_STOP_CODES = ("130", "137", "143")
_ATTACHED_EXIT = lazy(r"^\s*[\w.-]+ exited with code \d+(?:\s*\(restarting\))?\s*$")
# compose's progress line for a container that came up (` ✔ Container proj-db-1  Started`, `Healthy`, `Running`)
_UP = r"^\s*(?:[^\w\s]\s+)?Container\s+([\w.-]+)\s+(?:Started|Healthy|Running)\b"
# a line compose itself writes after `Attaching to` (its progress, its stop, a daemon's or its own error, a warning,
# Desktop's menu): any other line there that no `svc-1  | ` starts is a container's log under `up --no-log-prefix`
_OWN = lazy(r"^\s*(?:[^\w\s]\s+)?(?:(?:Container|Network|Volume|Image)\s|\[\+\]|Attaching to\b|Gracefully stopping"
            r"|Aborting on container exit|Error response from daemon|service \"|dependency failed to start"
            r"|(?:WARN|ERRO|INFO)\[|time=\"|level=|v View in Docker Desktop|w Enable Watch|canceled\s*$)")


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
    from doctor.why.symptoms import line_symptom

    found: dict[str, Symptom] = {}
    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    logged, unnamed = _last_logged(lines, services, names, prefix)
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
        said_as = EXITED_UNHEALTHY if state == "unhealthy" else EXITED_UNNAMED if service in unnamed else EXITED
        symptom = line_symptom(service, container, f"{state}, in the piped output", int(code) if code else None,
                               line, [said_as])
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
    from doctor.why.symptoms import line_symptom

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
            found[service] = line_symptom(service, "", "build failed, in the piped output", None, line, [BUILD_FAILED])
    return found


def _last_logged(lines: Sequence[str], services: Collection[str], names: Mapping[str, str] | None, prefix: str
                 ) -> tuple[dict[int, tuple[str, str]], set[str]]:
    """Per line that is an attached container's exit (`redis-1 exited with code 2`), the last line of that container's
    log before it (`redis-1  | boom`) and the container: compose's prefix names both; none when it logged nothing.
    Under `up --no-log-prefix` no prefix names them: the last line since `Attaching to` that compose did not write
    is the log of the one container attached; with several, its service is in the second set (its log unknown)."""
    last: dict[str, tuple[str, str]] = {}
    found: dict[int, tuple[str, str]] = {}
    unnamed: set[str] = set()
    attached: set[str] = set()
    bare = ""  # the last line since `Attaching to` that no prefix names and compose did not write
    for at, line in enumerate(lines):
        if _ATTACHED_EXIT.match(line):
            service = _named_service(line.split()[0], services, names, prefix)
            if service in last:
                found[at] = last.pop(service)
            elif bare and attached == {service}:
                found[at] = (bare, "")
            elif bare:
                unnamed.add(service)
        elif "|" in line and (LOG_PREFIX.match(line) or (names and NAME_PREFIX.match(line))):
            service, container = service_of(line, services, names, prefix)
            if service and line.split("|", 1)[1].strip():
                last[service] = (line, container)
        elif (attaching := _ATTACHING.match(line)) is not None:
            attached = {_named_service(n.strip(), services, names, prefix) for n in attaching[1].split(",")}
            bare = ""
        elif attached and not _OWN.match(line) and not EXITED.match(line):
            bare = line
    return found, unnamed


def text_up(text: str, services: Collection[str], names: Mapping[str, str] | None = None) -> list[str]:
    """The services compose's progress lines show came up (`Started`, `Healthy`, `Running`), in the order named."""
    import re

    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    found = (re.match(_UP, line, re.IGNORECASE) for line in lines)
    named = (_named_service(m[1], services, names, prefix) for m in found if m is not None)
    return list(dict.fromkeys(s for s in named if s))


def silent_exits(text: str, services: Collection[str], names: Mapping[str, str] | None = None) -> set[str]:
    """The services a foreground `up` attached to (`Attaching to`: the text holds their output from the start) whose
    container exited (`migrate-db-1 exited with code 1`) without logging a line (none with its prefix, and no line
    that names no container before its exit: `up --no-log-prefix`)."""
    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    logged, unnamed = _last_logged(lines, services, names, prefix)
    ended: set[str] = set()
    spoke: set[str] = set()
    for at, line in enumerate(lines):
        found = EXITED.match(line) if _ATTACHED_EXIT.match(line) else None
        if found is not None:
            service = _named_service(found.get("name", ""), services, names, prefix)
            (spoke if at in logged or service in unnamed else ended).add(service)
    return ended & set(text_created(text, services, names)[1]) - set(text_logged(text, services, names)) - spoke


def text_logged(text: str, services: Collection[str], names: Mapping[str, str] | None = None) -> list[str]:
    """The services whose container logged a line in the text (`db-1  | ready`), in the order first named: a
    foreground `up` forwards what a running container writes, so each of them ran (with its output on stderr only,
    `up 2>err.txt`, compose's `Attaching to` and `exited with code` lines are not there to say so)."""
    lines = text_lines(text)
    prefix = container_prefix(lines, services)
    found: dict[str, None] = {}
    for line in lines:
        if "|" in line and (LOG_PREFIX.match(line) or (names and NAME_PREFIX.match(line))):
            service = service_of(line, services, names, prefix)[0]
            if service and line.split("|", 1)[1].strip():
                found.setdefault(service)
    return list(found)


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
