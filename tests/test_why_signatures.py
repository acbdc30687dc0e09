"""Failure signatures: each built-in matches the real line, loads through `doctor.signatures`, explains."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from doctor.host.containers import ContainerState, tail_lines
from doctor.model import Finding, Location, Severity
from doctor.why import _validate, load_signatures
from doctor.why.advice import unexplained
from doctor.why.explains import explaining, through_binds
from doctor.why.signatures import BUILTIN, Signature
from doctor.why.symptoms import match_symptoms

REAL_LINES = [
    ('psycopg.OperationalError: connection to server at "db" (172.18.0.2), port 5433 failed: Connection refused',
     "database-connect", {"host": "db", "port": "5433"}),
    ("nc: can't connect to remote host (172.18.0.2): Connection refused", "connection-refused", {}),
    ("redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.",
     "connection-refused", {"host": "localhost", "port": "6379"}),
    ("Error: connect ECONNREFUSED 127.0.0.1:5432", "connection-refused", {"host": "127.0.0.1", "port": "5432"}),
    ("dial tcp db:5433: connect: connection refused", "connection-refused", {"host": "db", "port": "5433"}),
    ("nc: bad address 'postgresserver'", "unknown-host", {"host": "postgresserver"}),
    ('could not translate host name "postgres" to address: Name or service not known', "unknown-host",
     {"host": "postgres"}),
    ("Error: getaddrinfo ENOTFOUND redis", "unknown-host", {"host": "redis"}),
    ("dial tcp: lookup redis on 127.0.0.11:53: no such host", "unknown-host", {"host": "redis"}),
    ('FATAL:  password authentication failed for user "app"', "database-auth", {}),
    ("ERROR 1045 (28000): Access denied for user 'app'@'172.18.0.3' (using password: YES)", "database-auth", {}),
    ("ModuleNotFoundError: No module named 'app'", "module-not-found", {"module": "app"}),
    ("Error: Cannot find module 'express'", "node-module-not-found", {"module": "express"}),
    ("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'vite' imported from /app/vite.config.js",
     "node-module-not-found", {"module": "vite"}),
    ("exec /entrypoint.sh: no such file or directory", "exec-not-found", {"path": "/entrypoint.sh"}),
    ("/bin/sh^M: bad interpreter: No such file or directory", "exec-not-found", {}),
    # runc's words for an entrypoint the image lacks (the container created, never started): not its line
    # endings, which the kernel's `exec /x.sh: no such file` line above may mean
    ('Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: '
     'unable to start container process: exec: "/app/docker-entrypoint.sh": stat /app/docker-entrypoint.sh: no such '
     'file or directory: unknown', "entrypoint-absent", {"path": "/app/docker-entrypoint.sh"}),
    ('Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime '
     'create failed: runc create failed: unable to start container process: exec: "zammad-railsserver": '
     'executable file not found in $PATH: unknown', "command-not-found", {"program": "zammad-railsserver"}),
    ("/bin/sh: 1: pytest: not found", "command-not-found", {"program": "pytest"}),
    ("sh: gunicorn: not found", "command-not-found", {"program": "gunicorn"}),
    ('Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime '
     'create failed: runc create failed: unable to start container process: error during container init: error '
     'mounting "/home/dev/app/nginx.conf" to rootfs at "/etc/nginx/nginx.conf": mount /home/dev/app/nginx.conf:'
     '/etc/nginx/nginx.conf (via /proc/self/fd/6), flags: 0x5000: not a directory: unknown: Are you trying to '
     'mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected '
     'type', "mount-type", {"path": "/home/dev/app/nginx.conf"}),
    ("exec /docker-entrypoint.sh: permission denied", "permission-denied", {"path": "/docker-entrypoint.sh"}),
    ("/bin/sh: 1: /app/start.sh: Permission denied", "permission-denied", {"path": "/app/start.sh"}),
    ("PermissionError: [Errno 13] Permission denied: '/app/data/db.sqlite3'", "permission-denied", {}),
    ("Error: EACCES: permission denied, mkdir '/usr/src/app/node_modules/.cache'", "permission-denied", {}),
    ("Bind for 0.0.0.0:8094 failed: port is already allocated", "port-allocated", {"port": "8094"}),
    ("listen tcp4 0.0.0.0:8000: bind: address already in use", "port-allocated", {"port": "8000"}),
    ("Error response from daemon: driver failed programming external connectivity on endpoint p-db-1 "
     "(ae21a6bda2600e497e0e299853e20b6a266e1e79e2f9656095d6610c8ce80224): Error starting userland proxy: "
     "listen tcp4 0.0.0.0:22314: bind: address already in use", "port-allocated", {"port": "22314"}),
    # a shell's `${NAME:?message}` with NAME unset (ghostfolio's redis `--requirepass ${REDIS_PASSWORD:?...}`)
    ("/bin/sh: REDIS_PASSWORD: REDIS_PASSWORD variable is not set", "required-variable",
     {"variable": "REDIS_PASSWORD"}),
    ("bash: line 1: SECRET_KEY: parameter null or not set", "required-variable", {"variable": "SECRET_KEY"}),
    ("container was OOMKilled (exit 137)", "oom-killed", {}),
    # a full disk: the engine copying an image's /bin into a new volume of `driver_opts: {type: tmpfs, o: size=64k}`,
    # busybox's dd on a `tmpfs: /scratch:size=16k`, postgres' WAL, node's ENOSPC
    ("Error response from daemon: failed to copy files: userspace copy failed: write /var/lib/docker/volumes/"
     "whymore-n-4076_data/_data/busybox: no space left on device", "no-space",
     {"path": "/var/lib/docker/volumes/whymore-n-4076_data/_data/busybox"}),
    ("dd: error writing '/scratch/x': No space left on device", "no-space", {}),
    ('PANIC:  could not write to file "pg_wal/xlogtemp.32": No space left on device', "no-space", {}),
    ("Error: ENOSPC: no space left on device, write", "no-space", {}),
    # zulip's `ulimits: nofile: {soft: 1000000, hard: 1048576}` on an engine whose own hard limit is lower
    ("Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable "
     "to start container process: error during container init: error setting rlimits for ready process: error "
     "setting rlimit type 7: operation not permitted: unknown", "rlimit-refused", {}),
    ("container is restarting: 7 restarts", "restart-loop", {}),
    ("healthcheck unhealthy: curl: not found", "unhealthy", {}),
    ("container created, never started: it waits on 'db' (created, never started)", "never-started", {}),
]


@pytest.mark.parametrize(("line", "signature_id", "captured"), REAL_LINES)
def test_each_signature_matches_the_real_line(line: str, signature_id: str, captured: dict[str, str]) -> None:
    by_id = {s.id: s for s in BUILTIN}
    found = by_id[signature_id].match(line)
    assert found is not None
    assert captured.items() <= found.items()


def test_quiet_lines_match_nothing() -> None:
    for line in ("INFO: Application startup complete.", "Listening on 0.0.0.0:8000", "GET /api 200"):
        assert all(s.match(line) is None for s in BUILTIN), line


def test_builtins_register_through_the_entry_point_group_like_plugins() -> None:
    loaded, errors = load_signatures()
    assert errors == ()
    assert {s.id for s in BUILTIN} <= {s.id for s in loaded}
    assert _validate("x", object()) and _validate("x", Signature("y", "a", "b"))
    assert "invalid pattern" in _validate("x", Signature("x", "(", "b"))


def _container(**kwargs: object) -> ContainerState:
    base: dict[str, object] = {"id": "abc", "name": "p-backend-1", "service": "backend", "state": "exited",
                               "exit_code": 1}
    base.update(kwargs)
    return ContainerState(**base)  # type: ignore[arg-type]


def test_the_latest_telling_line_is_the_symptom_and_state_lines_count() -> None:
    container = _container(log_tail=("starting", "nc: bad address 'postgresserver'", "bye"))
    (symptom,) = match_symptoms(container, BUILTIN)
    assert symptom.signature is not None and symptom.signature.id == "unknown-host"
    assert symptom.exit_code == 1 and symptom.captured == {"host": "postgresserver"}
    oom = match_symptoms(_container(exit_code=137, oom_killed=True), BUILTIN)
    assert oom[0].signature is not None and oom[0].signature.id == "oom-killed"
    # the engine missed the kernel's OOM event (seen on a loaded CI machine): SIGKILL under a limit still says it
    missed = match_symptoms(_container(exit_code=137, memory_limit=8 << 20), BUILTIN)
    assert missed[0].signature is not None and missed[0].signature.id == "oom-killed"
    assert "under its memory limit of 8 MiB: likely OOM-killed" in missed[0].line
    assert match_symptoms(_container(exit_code=137), BUILTIN)[0].signature is None  # no limit: just a kill
    silent = match_symptoms(_container(log_tail=("something odd",)), BUILTIN)
    assert silent[0].signature is not None and silent[0].line == "something odd"
    assert "docker compose logs backend" in unexplained(silent[0]).message
    # the last line before an error exit, which no signature reads, is what it said: the service's own faults
    # that stop a process at its start explain it (the CRLF script run as `sh /run.sh`: `sh: /run.sh: not found`)
    assert silent[0].signature.id == "exited-log" and "script-line-endings" in silent[0].checks
    crlf = Finding("script-line-endings", Severity.ERROR, "has CRLF line endings and reaches 'backend' (command)",
                   Location(Path("/p/run.sh"), 1), "run.sh")
    assert [e.check for e in explaining(silent[0], [crlf])] == ["script-line-endings"]
    assert match_symptoms(_container(state="running", exit_code=0, health="unhealthy",
                                     log_tail=("something odd",)), BUILTIN)[0].signature.id == "unhealthy"


def test_a_finding_naming_the_captured_value_explains_it_better_than_one_on_the_service() -> None:
    (symptom,) = match_symptoms(_container(log_tail=("nc: bad address 'postgresserver'",)), BUILTIN)
    where = Location(Path("/p/.env"), 5)
    right = Finding("service-name-drift", Severity.ERROR, "POSTGRES_SERVER=postgresserver names no service",
                    where, "backend:POSTGRES_SERVER")
    near = Finding("service-name-drift", Severity.ERROR, "SMTP_HOST=mail names no service", where, "backend:SMTP")
    other_check = Finding("env-drift", Severity.ERROR, "postgresserver", where, "x")
    chosen = explaining(symptom, [near, other_check, right])
    assert [e.subject for e in chosen] == ["backend:POSTGRES_SERVER"]
    assert chosen[0].symptom is symptom and "bad address" in chosen[0].message
    assert [e.subject for e in explaining(symptom, [near])] == ["backend:SMTP"]


def test_failed_means_not_doing_its_job() -> None:
    assert not _container(exit_code=0).failed  # a one-shot that succeeded
    assert _container(state="created").failed
    assert _container(state="running", exit_code=0, restart_count=5).failed
    assert _container(state="running", exit_code=0, health="unhealthy").failed
    assert not _container(state="running", exit_code=0, health="healthy").failed


def test_log_tails_are_bounded_in_lines_and_bytes() -> None:
    data = b"".join(f"line {i}\r\n".encode() for i in range(10_000))
    tail = tail_lines(data, max_lines=5, max_bytes=1024)
    assert tail == tuple(f"line {i}" for i in range(9995, 10_000))
    assert len(tail_lines(b"ab " * 30_000 + b"\n", max_lines=5, max_bytes=1000)[0]) <= 500
    # cut between words, never in one (the tail of a password matches no value the report masks)
    # a line longer than the limit with no blank in it: not shown, but not "no log output" either
    assert tail_lines(b"x" * 100_000, max_lines=5, max_bytes=1024) == (
        "(the log ends in a line of over 1 KiB with no blank in its last 1 KiB: not shown)",)
    assert tail_lines(b"", max_lines=5, max_bytes=1024) == ()
    logged = b"upstream said: Connection refused yyyy " + b"Zq8vLr2TxWm4Kp9sQ3nB" * 60 + b" retrying\n"
    assert tail_lines(logged, max_lines=5, max_bytes=1000) == ("retrying",)
    assert tail_lines(logged, max_lines=5, max_bytes=10_000) == ("upstream said: Connection refused yyyy…",)
    # a CR inside a line is a CRLF script's symptom: kept as `\r` (it was taken out with the other controls, and
    # dash's `illegal option -` and its CR no longer read as one); CRLF line ends and a CR beginning a line are not
    crlf = b"/run.sh: set: line 2: illegal option -\r\nsleep: invalid number '100000\r'\r\nok\r\n\r\x1b[Kdone\n"
    assert tail_lines(crlf) == ("/run.sh: set: line 2: illegal option -\\r", "sleep: invalid number '100000\\r'",
                                "ok", "done")


def test_an_unhealthy_service_is_explained_by_the_crlf_script_its_healthcheck_runs() -> None:
    # voting-app: redis.sh with CRLF, run by redis's healthcheck, in a folder db mounts too
    container = _container(service="redis", state="running", exit_code=0, health="unhealthy", log_tail=())
    (symptom,) = match_symptoms(container, BUILTIN)
    assert symptom.signature is not None and symptom.signature.id == "unhealthy"
    crlf = Finding("script-line-endings", Severity.ERROR, "has CRLF line endings and reaches 'redis' (healthcheck)",
                   Location(Path("/p/healthchecks/redis.sh"), 1), "healthchecks/redis.sh")
    assert [e.subject for e in explaining(symptom, [crlf], services=("db", "redis"))] == ["healthchecks/redis.sh"]


def test_the_symptom_of_a_port_held_by_a_process_keeps_the_port() -> None:
    # the engine's error when a host process holds the port: the match must start at `listen`, not at
    # `address already in use`, so the symptom shows which port
    error = ("driver failed programming external connectivity on endpoint p-db-1 (ae21a6bda2600e497e0e2998"
             "53e20b6a266e1e79e2f9656095d6610c8ce80224): Error starting userland proxy: listen tcp4 "
             "0.0.0.0:22314: bind: address already in use")
    (symptom,) = match_symptoms(_container(service="db", state="created", error=error), BUILTIN)
    assert symptom.captured.get("port") == "22314"
    assert "0.0.0.0:22314" in symptom.excerpt


def test_an_exited_container_is_not_called_unhealthy_for_its_stale_health_state() -> None:
    # what the engine keeps for a container with a healthcheck that exited: Health.Status stays
    # "unhealthy" with an empty probe log; the exit (and its log line) is the symptom, not the health
    from doctor.host.containers import _state

    doc = {"Id": "0123456789abcdef", "Name": "/p-backend-1",
           "Config": {"Labels": {"com.docker.compose.service": "backend"}},
           "State": {"Status": "exited", "ExitCode": 1, "Error": "",
                     "Health": {"Status": "unhealthy", "FailingStreak": 0, "Log": []}}}
    state = _state(doc)
    assert state.describe == "exited (1)"
    found = match_symptoms(replace(state, log_tail=("could not translate host name \"x\" to address",)), BUILTIN)
    assert [s.signature.id for s in found if s.signature] == ["unknown-host"]
    running = _state({**doc, "State": {**doc["State"], "Status": "running", "ExitCode": 0}})
    assert running.health == "unhealthy" and running.failed


def test_a_never_started_service_names_what_it_waits_on_and_its_own_held_port() -> None:
    # `up` stopped at db (its port is held): adminer was created, never started, and its own port is
    # held by a container another project left running; that is its next failure, so it is the cause
    adminer = _container(service="adminer", state="created", exit_code=0)
    (symptom,) = match_symptoms(adminer, BUILTIN, "'db' (created, never started)")
    assert symptom.signature is not None and symptom.signature.id == "never-started"
    assert "it waits on 'db' (created, never started)" in symptom.excerpt
    held = Finding("port-collision", Severity.ERROR, "0.0.0.0:22263/tcp ('adminer') is taken by 'projb' service "
                   "'adminer' (container projb-adminer-1)", Location(Path("/p/compose.yaml"), 9), "adminer:22263")
    dbs = Finding("port-collision", Severity.ERROR, "0.0.0.0:22314/tcp ('db') is taken by 'projb' service "
                  "'adminer' (container projb-adminer-1)",  # another project's adminer: not ours
                  Location(Path("/p/compose.yaml"), 5), "db:22314")
    assert [e.subject for e in explaining(symptom, [dbs, held], services=("db", "adminer"))] == ["adminer:22263"]
    (alone,) = match_symptoms(adminer, BUILTIN)
    assert alone.line == "container created, never started: compose stopped first"
    assert "docker compose logs" not in unexplained(alone).message
    errored = match_symptoms(_container(service="db", state="created", error="Bind for 0.0.0.0:1 failed: port is "
                                        "already allocated"), BUILTIN)
    assert [s.signature.id for s in errored if s.signature] == ["port-allocated"]


def test_an_unhealthy_service_is_explained_by_its_healthcheck_probing_the_host_port() -> None:
    container = _container(service="web", state="running", exit_code=0, health="unhealthy",
                           health_log="wget: can't connect to remote host (127.0.0.1): Connection refused")
    symptoms = match_symptoms(container, BUILTIN)
    probe = Finding("leaked-host-port", Severity.ERROR, "the healthcheck of 'web' probes localhost:28030, the host "
                    "port it publishes; inside its container it listens on 80", Location(Path("/p/compose.yaml"), 2),
                    "web:healthcheck")
    assert [e.subject for s in symptoms for e in explaining(s, [probe], services=("web",))] == ["web:healthcheck"]


def test_a_finding_several_services_share_explains_each_of_them() -> None:
    # getsentry/self-hosted: one finding for the 21 services on snuba:nightly, naming three
    (symptom,) = match_symptoms(_container(service="snuba-replacer", log_tail=("nc: bad address 'postgresserver'",)),
                                BUILTIN)
    shared = Finding("service-name-drift", Severity.ERROR, "DB_HOST=postgresserver names no service",
                     Location(Path("/p/.env"), 1), "snuba-api,snuba-replacer:DB_HOST")
    others = Finding("service-name-drift", Severity.ERROR, "DB_HOST=postgresserver names no service",
                     Location(Path("/p/.env"), 2), "web,worker:DB_HOST")
    services = ("snuba-api", "snuba-replacer", "web", "worker")
    assert [e.subject for e in explaining(symptom, [shared, others], services)] == ["snuba-api,snuba-replacer:DB_HOST"]


def test_a_container_path_is_traced_through_its_bind_mount_to_the_root_owned_folder() -> None:
    """`sh: can't create /data/out.txt: Permission denied` from a `user: 1000` service whose ./data docker
    created root-owned: the root-owned-files finding names `data`, the host folder behind /data."""
    line = "sh: can't create /data/out.txt: Permission denied"
    (symptom,) = match_symptoms(_container(service="job", log_tail=(line,)), BUILTIN)
    assert symptom.signature is not None and symptom.signature.id == "permission-denied"
    where = Location(Path("/p/data"), None)
    data = Finding("root-owned-files", Severity.WARNING, "1 path in 'data' owned by root (uid 0), not uid 1000: data",
                   where, "owner:data")
    other = Finding("root-owned-files", Severity.WARNING, "1 path in 'logs' owned by root (uid 0), not uid 1000: logs",
                    Location(Path("/p/logs"), None), "owner:logs")
    assert explaining(symptom, [data, other]) == ()  # /data/out.txt alone names no host folder
    traced = through_binds(symptom, [("src", "/app"), ("data", "/data"), (".", "/code")])
    assert traced.captured["host_path"] == "data/out.txt"
    assert [e.subject for e in explaining(traced, [other, data])] == ["owner:data"]
    assert through_binds(symptom, [("src", "/app")]) is symptom  # no mount holds it


def test_a_log_lines_terminal_controls_are_dropped() -> None:
    """A container's coloured log line reached the terminal raw, and a password right after
    `\\x1b[33m` was printed: the masking reads a weak value only where a word starts."""
    from doctor.redact import Redactor

    data = b"Name or service not known (auth \x1b[33mhunter2horse\x1b[0m)\n\x1b]0;title\x07ready\x07\n"
    tail = tail_lines(data)
    assert tail == ("Name or service not known (auth hunter2horse)", "ready")
    assert Redactor(["hunter2horse"]).text(tail[0]) == "Name or service not known (auth ***)"


def _primary(line: str) -> str:
    (symptom,) = match_symptoms(_container(log_tail=(line,)), BUILTIN)
    assert symptom.signature is not None, line
    return symptom.signature.id


def test_a_database_line_means_what_went_wrong_not_only_that_it_failed() -> None:
    """psycopg's OperationalError wraps an unknown host and a refused password too: the line said 'could not
    reach its database at the host and port' for both; the name did not resolve, the password was wrong."""
    assert _primary('psycopg2.OperationalError: could not translate host name "postgres" to address: Name or '
                    "service not known") == "unknown-host"
    assert _primary('sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not translate host name '
                    '"postgres" to address: Temporary failure in name resolution') == "unknown-host"
    auth = ('psycopg.OperationalError: connection to server at "db" (172.18.0.2), port 5432 failed: FATAL:  '
            'password authentication failed for user "app"')
    assert _primary(auth) == "database-auth"
    assert _primary("password authentication failed for user app") == "database-auth"
    (symptom,) = match_symptoms(_container(log_tail=(auth,)), BUILTIN)
    assert symptom.signature is not None and "reached its database" in symptom.signature.meaning
    refused = ('psycopg.OperationalError: connection to server at "db" (172.18.0.2), port 5433 failed: '
               "Connection refused")
    assert _primary(refused) == "database-connect"


def test_an_unknown_host_is_explained_by_the_note_that_names_it() -> None:
    """service-name-drift says `DB_HOST=postgres names no service` as a note when it has no service to
    suggest; the log line failing on that very name is explained by it, whatever its severity."""
    where = Location(Path("/p/compose.yaml"), 8)
    note = Finding("service-name-drift", Severity.INFO, "DB_HOST=postgres names no service on the network", where,
                   "migrate:DB_HOST")
    other = Finding("service-name-drift", Severity.INFO, "SMTP_HOST=mail names no service on the network", where,
                    "migrate:SMTP_HOST")
    (symptom,) = match_symptoms(_container(service="migrate", log_tail=(
        'could not translate host name "postgres" to address: Name or service not known',)), BUILTIN)
    assert [e.subject for e in explaining(symptom, [other, note], ("migrate",))] == ["migrate:DB_HOST"]
    (node,) = match_symptoms(_container(service="looper", log_tail=("Error: getaddrinfo ENOTFOUND redis",)), BUILTIN)
    redis = Finding("service-name-drift", Severity.INFO, "REDIS_HOST=redis names no service on the network", where,
                    "looper:REDIS_HOST")
    assert [e.subject for e in explaining(node, [redis], ("looper",))] == ["looper:REDIS_HOST"]
    # a note concerning the service but not the name the line failed on explains nothing
    (bare,) = match_symptoms(_container(service="migrate", log_tail=("Name or service not known",)), BUILTIN)
    assert explaining(bare, [other, note], ("migrate",)) == ()


def test_every_held_port_of_the_service_explains_the_one_the_engine_names() -> None:
    """The engine binds the ports one by one and names the first one held: proxy publishes 18770 and
    18771, both taken, and only 18771's finding was shown."""
    error = "driver failed programming external connectivity on endpoint p-proxy-1: Bind for 0.0.0.0:18771 failed: " \
            "port is already allocated"
    (symptom,) = match_symptoms(_container(service="proxy", state="created", error=error), BUILTIN)
    where = Location(Path("/p/compose.yaml"), 5)

    def held(port: int, service: str) -> Finding:
        return Finding("port-collision", Severity.ERROR, f"0.0.0.0:{port}/tcp ('{service}') is taken by 'other' "
                       "service 'web' (container other-web-1)", where, f"port:0.0.0.0:{port}/tcp")

    chosen = explaining(symptom, [held(18770, "proxy"), held(18771, "proxy"), held(18772, "db")], ("proxy", "db"))
    assert [e.subject for e in chosen] == ["port:0.0.0.0:18771/tcp", "port:0.0.0.0:18770/tcp"]


def test_an_unhealthy_probe_shows_its_error_line_not_the_usage_after_it() -> None:
    usage = ("nc: invalid option -- 'z'\nBusyBox v1.36.1 multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT\n"
             "\t-e PROG\tRun PROG after connect")
    container = _container(state="running", exit_code=0, health="unhealthy", health_log=usage)
    (symptom,) = match_symptoms(container, BUILTIN)
    assert symptom.line == "healthcheck unhealthy: nc: invalid option -- 'z'"
    quiet = _container(state="running", exit_code=0, health="unhealthy", health_log="probe started\nstill waiting\n")
    assert match_symptoms(quiet, BUILTIN)[0].line == "healthcheck unhealthy: still waiting"


def test_advice_names_only_flags_doctor_has() -> None:
    import re
    import subprocess
    import sys

    helped = subprocess.run([sys.executable, "-m", "doctor", "fix", "--help"], capture_output=True, text=True,
                            timeout=60, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    flags = set(re.findall(r"--[a-z-]+", helped.stdout))
    assert "--owners" in flags, helped
    for signature in BUILTIN:
        for named in re.findall(r"doctor fix (--[a-z-]+)", f"{signature.meaning} {signature.look_at}"):
            assert named in flags, (signature.id, named)


def test_a_service_compose_stopped_at_is_the_failure_and_the_ones_it_never_started_are_not() -> None:
    """`up` created cache, then stopped at api (its image is on no registry, pull_policy never): cache was
    blamed as 'created, never started' and api shown as merely not created."""
    from doctor.why.advice import as_explained
    from doctor.why.diagnose import STOPPED_FIRST_LINE, Diagnosis, Symptom, stopped_by, stops_create
    from doctor.why.signatures import NOT_CREATED

    where = Location(Path("/p/compose.yaml"), 2)
    image = Finding("image-availability", Severity.WARNING, "'api' image 'b/api:dev' is not on the engine and "
                    "pull_policy is never: nothing will pull it", where, "api:b/api:dev")
    cache = _container(service="cache", name="p-cache-1", state="created", exit_code=0)
    (waiting,) = match_symptoms(cache, BUILTIN)
    assert waiting.line == STOPPED_FIRST_LINE
    symptom = Symptom("api", "", "no container", 0, "no container", NOT_CREATED)
    api = Diagnosis("api", None, (symptom,), (as_explained(image, symptom),))
    later = Diagnosis("later", None)  # waits on api: compose got no further
    cached = Diagnosis("cache", cache, (waiting,), (unexplained(waiting),))
    shown = stopped_by([api, cached, later])
    assert [d.failed for d in shown] == [True, False, False]
    assert shown[1].stopped_at == ("api",)
    assert shown[1].state == "created, never started: compose stopped at 'api' first"
    assert shown[1].symptoms == () and shown[1].explained == ()
    assert stopped_by([cached, later]) == [cached, later]  # no failure to stop at: it stays the failure
    # a held port is a start failure: a service with no container was not stopped by it
    held = Finding("port-collision", Severity.ERROR, "0.0.0.0:1/tcp ('api') is taken", where, "port:0.0.0.0:1/tcp")
    name = Finding("port-collision", Severity.ERROR, "container_name 'x' of 'api' is taken", where, "container-name:x")
    empty = Finding("env-drift", Severity.WARNING, "'X' is not set and has no default: compose substitutes ''",
                    where, "X")
    tag = replace(empty, severity=Severity.ERROR, message="'T' is not set ... in image: the image reference is invalid")
    assert [stops_create(f) for f in (image, held, name, empty, tag)] == [True, False, True, False, True]
    # of missing-mount, a bind source that must exist stops the create (the engine refuses the mount); a
    # folder docker made where a file was meant fails the start of a container it did create
    must = Finding("missing-mount", Severity.ERROR, "bind source ./config does not exist and create_host_path is "
                   "false: 'web' cannot start", where, "web:config")
    made = Finding("missing-mount", Severity.ERROR, "bind source ./nginx.conf is an empty directory where a file was "
                   "meant", where, "short:nginx.conf")
    assert [stops_create(f) for f in (must, made)] == [True, False]


def test_a_stop_signal_exit_is_no_failure_of_its_own() -> None:
    from doctor.host.containers import stopped
    from doctor.why.diagnose import Diagnosis
    from doctor.why.render import count_line

    # `up --abort-on-container-exit`: app exits 3, compose stops db (137 past its grace) and cache (143)
    app = _container(name="p-app-1", service="app", exit_code=3, finished=100.0)
    db = _container(name="p-db-1", service="db", exit_code=137, finished=101.5)
    cache = _container(name="p-cache-1", service="cache", exit_code=143, finished=100.2)
    early = _container(name="p-early-1", service="early", exit_code=137, finished=99.0)  # killed before app failed
    marked = {s.service: s for s in stopped([app, db, cache, early])}
    assert marked["app"].failed and not marked["app"].stopped
    for service in ("db", "cache"):
        assert not marked[service].failed
        assert marked[service].stopped.startswith("when 'app' exited"), marked[service]
    assert marked["early"].failed and not marked["early"].stopped  # it may be why app failed
    assert marked["db"].describe.startswith("exited (137), stopped when 'app' exited")
    shown = [Diagnosis(s.service, s) for s in marked.values()]
    assert count_line(shown) == "2 of 4 services failed · 0 explained by a finding (2 stopped by a signal)"
    assert not Diagnosis("db", marked["db"]).up  # stopped is not up: no ✓
    # `docker compose stop`: SIGTERM (and SIGKILL past the grace period) with no failure: none failed
    calm = stopped([_container(service="web", exit_code=143, finished=5.0),
                    _container(service="db", exit_code=137, finished=15.0)])
    assert [s.failed for s in calm] == [False, False]
    assert "by SIGKILL" in calm[1].stopped
    assert count_line([Diagnosis(s.service, s) for s in calm]) == \
        "no service failed · 2 of 2 stopped by a signal (as `docker compose stop` or Ctrl+C stops them)"
    # a lone 137 is a kill or the memory limit, not a stop; nor is an OOM kill or a restarting container's exit
    assert stopped([_container(exit_code=137, finished=3.0)])[0].failed
    assert stopped([_container(exit_code=137, oom_killed=True)])[0].failed
    loop = _container(service="loop", state="restarting", exit_code=3, finished=1.0)
    hog = _container(service="hog", exit_code=137, memory_limit=8 << 20, finished=2.0)
    assert stopped([loop, hog])[1].failed


def test_the_engines_finish_time_is_read_to_the_nanosecond() -> None:
    from doctor.host.containers import _finished

    assert _finished("2026-12-05T00:10:01.5Z") > _finished("2026-12-05T00:10:01.123456789Z")
    assert _finished("1970-01-01T00:00:02Z") == 2.0
    assert _finished("0001-01-01T00:00:00Z") == 0.0 and _finished(None) == 0.0 and _finished("soon") == 0.0


def test_a_kill_under_a_memory_limit_sooner_than_a_stop_is_its_own() -> None:
    """The final CI of stop 78: api OOM-killed (flagged), worker killed at its 8M limit 0.3 s later with OOMKilled
    false (the engine missed the kernel's event): worker counted as stopped by compose's abort, and `doctor why`
    left it out. compose's SIGKILL comes a stop_grace_period after its SIGTERM, so an earlier 137 under a limit is
    the container's own failure; one as late as the grace period, or a 137 with no limit, is still that stop."""
    from doctor.host.containers import _state, stopped

    api = _container(service="api", exit_code=137, oom_killed=True, memory_limit=8 << 20, finished=100.0)
    worker = _container(service="worker", exit_code=137, memory_limit=8 << 20, finished=100.3)
    assert [s.failed for s in stopped([api, worker])] == [True, True]
    assert not stopped([api, worker])[1].stopped
    late = _container(service="worker", exit_code=137, memory_limit=8 << 20, finished=110.0)
    assert stopped([api, late])[1].stopped.startswith("when 'api' exited")
    short = _container(service="worker", exit_code=137, memory_limit=8 << 20, finished=101.0, stop_grace=1.0)
    assert stopped([api, short])[1].stopped  # stop_grace_period: 1s, killed on time
    bare = _container(service="worker", exit_code=137, finished=100.3)
    assert stopped([api, bare])[1].stopped  # no limit: nothing else to blame
    # the grace is the engine's: Config.StopTimeout where compose set stop_grace_period, else 10
    assert _state({"Config": {"StopTimeout": 3}}).stop_grace == 3.0
    assert _state({"Config": {}}).stop_grace == _state({"Config": {"StopTimeout": "x"}}).stop_grace == 10.0
    # `stop_signal: SIGKILL` (reviewW): the stop kills at once, so a 137 0.2 s after the failure is that stop
    for signal in ("SIGKILL", "KILL", "9", "sigkill"):
        assert _state({"Config": {"StopSignal": signal, "StopTimeout": 30}}).stop_grace == 0.0
    assert _state({"Config": {"StopSignal": "SIGINT"}}).stop_grace == 10.0
    killed = _container(service="worker", exit_code=137, memory_limit=8 << 20, finished=100.2, stop_grace=0.0)
    assert stopped([api, killed])[1].stopped.startswith("when 'api' exited")
