"""A running container stuck in a wait loop is not up: which log tails say so, and which containers are read."""

from __future__ import annotations

import pytest

from doctor.host.containers import ContainerState
from doctor.why.loop import RUNNING_LOGS, WINDOW, looping, to_read
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import match_symptoms

PSQL = 'psql: error: could not translate host name "postgresserver" to address: Name or service not known'
SLEEPING = "Postgres is unavailable - sleeping"


def _running(name: str = "app", **kwargs: object) -> ContainerState:
    return ContainerState(id=name, name=f"p-{name}-1", service=name, state="running", **kwargs)  # type: ignore[arg-type]


def test_bakerydemo_s_wait_loop_on_a_host_that_does_not_resolve_is_a_loop() -> None:
    """wagtail/bakerydemo's entrypoint: `until psql ...; do echo "Postgres is unavailable - sleeping"; sleep 1;
    done` with POSTGRES host drifted to postgresserver: running forever, never up."""
    tail = ["Waiting for PostgreSQL...", *([PSQL, SLEEPING] * 19)]
    assert looping(tail, BUILTIN) == "unknown-host"
    assert looping(tail[:-1], BUILTIN) == "unknown-host"  # cut between the error and its sleeping line
    # the engine interleaves stderr (psql's error) and stdout (the echo) as it reads them, not as written
    swapped = [PSQL, SLEEPING, SLEEPING, PSQL, PSQL, SLEEPING, PSQL, SLEEPING, SLEEPING, PSQL, PSQL, SLEEPING]
    assert looping(swapped, BUILTIN) == "unknown-host"
    assert looping([*swapped, SLEEPING], BUILTIN) == "unknown-host"


@pytest.mark.parametrize("tail", [
    # one transient failure at start, then the service went on
    [SLEEPING.replace("sleeping", "starting"), PSQL, SLEEPING, "Operations to perform:", "Listening at :8000"],
    # it waited a few rounds for a slow database, then connected
    [PSQL, SLEEPING, PSQL, SLEEPING, PSQL, SLEEPING, "Postgres is up - executing command", "Listening at :8000"],
    [PSQL, PSQL, PSQL, PSQL, "connected"],
    # more after its last failure than a round of the loop prints: it went on, quietly
    [PSQL, SLEEPING, PSQL, SLEEPING, PSQL, SLEEPING, SLEEPING, SLEEPING],
    # failure lines long ago, a healthy service since: not among the latest lines
    [*([PSQL] * 10), *(f"GET /health 200 {i}ms" for i in range(WINDOW))],
    # two failures are no loop
    [PSQL, SLEEPING, PSQL, SLEEPING],
    # a failure that is not one retried by a wait (and is repeated by a running service)
    ["PermissionError: [Errno 13] Permission denied: '/app/media/x.png'"] * 10,
    # a few failures lost among much other output
    [*(f"GET /page/{i} 200" for i in range(6)), "redis: dial tcp redis:6379: connect: connection refused",
     *(f"GET /page/{i} 200" for i in range(6)), "redis: dial tcp redis:6379: connect: connection refused",
     *(f"GET /page/{i} 200" for i in range(6)), "redis: dial tcp redis:6379: connect: connection refused"],
    [],
])
def test_a_service_that_went_on_is_no_loop(tail: list[str]) -> None:
    assert looping(tail, BUILTIN) == ""


def test_a_loop_s_counters_and_timestamps_do_not_hide_it() -> None:
    tail = []
    for attempt in range(1, 9):
        tail += [f"2024-05-01T10:00:{attempt:02d}Z attempt {attempt}/60",
                 f"2024-05-01T10:00:{attempt:02d}Z dial tcp db:5433: connect: connection refused",
                 f"2024-05-01T10:00:{attempt:02d}Z retrying in 1s"]
    assert looping(tail, BUILTIN) == "connection-refused"
    assert looping([*tail, "2024-05-01T10:00:09Z attempt 9/60"], BUILTIN) == "connection-refused"
    assert looping([*tail, "2024-05-01T10:00:09Z connected to db"], BUILTIN) == ""


def test_the_most_specific_retried_signature_names_the_loop() -> None:
    line = 'psycopg.OperationalError: could not translate host name "postgresserver" to address: Name or service'
    assert looping([line] * 5, BUILTIN) == "unknown-host"  # not database-connect, which matches less of it
    assert looping(['FATAL:  password authentication failed for user "app"'] * 4, BUILTIN) == "database-auth"


def test_a_looping_container_is_failed_and_said_so_and_its_symptom_is_its_latest_failure() -> None:
    tail = (PSQL.replace("postgresserver", "old"), *([PSQL, SLEEPING] * 5))
    container = _running(log_tail=tail, looping="unknown-host")
    assert container.failed and not _running(log_tail=tail).failed
    assert container.describe == "running, but its log repeats: unknown-host"
    (symptom, *_) = match_symptoms(container, BUILTIN)
    assert symptom.line == PSQL and symptom.signature is not None and symptom.signature.id == "unknown-host"
    assert symptom.state == "running, but its log repeats: unknown-host"


def test_only_running_containers_not_known_healthy_or_failed_are_read_and_at_most_a_bound() -> None:
    containers = [
        _running("web"),
        _running("db", health="healthy"),  # its healthcheck passes: it progresses
        _running("cache", health="starting"),
        _running("crash", restart_count=5),  # failed already: its log is read as a failed one's
        ContainerState(id="x", name="p-job-1", service="job", state="exited"),
        ContainerState(id="y", name="p-web-run-1", service="web", state="running", one_shot=True),
    ]
    assert [c.service for c in to_read(containers)] == ["web", "cache"]
    assert [c.service for c in to_read(containers, "cache")] == ["cache"]
    many = [_running(f"s{i:03d}") for i in range(RUNNING_LOGS * 3)]
    assert len(to_read(many)) == RUNNING_LOGS


class _Api:
    """The docker SDK's low-level API as `with_logs` calls it: every container logs the bakerydemo loop."""

    def __init__(self, delay: float = 0.0) -> None:
        self.read: list[str] = []
        self.delay = delay

    def logs(self, container: str, **_: object) -> bytes:
        import time

        self.read.append(container)
        time.sleep(self.delay)
        return "\n".join([PSQL, SLEEPING] * 10).encode()


class _Host:
    def __init__(self, api: _Api) -> None:
        from types import SimpleNamespace

        self.engine = SimpleNamespace(client=SimpleNamespace(api=api))


def test_logs_of_running_containers_are_read_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor.why import from_engine, loop

    many = tuple(_running(f"s{i:03d}") for i in range(RUNNING_LOGS + 10))
    api = _Api()
    marked = from_engine.mark_looping(_Host(api), many, BUILTIN, None)  # type: ignore[arg-type]
    assert len(api.read) == RUNNING_LOGS and api.read == [c.id for c in many[:RUNNING_LOGS]]
    assert [c.looping for c in marked] == ["unknown-host"] * RUNNING_LOGS + [""] * 10
    assert marked[0].describe == "running, but its log repeats: unknown-host" and marked[0].failed
    monkeypatch.setattr(loop, "LOGS_BUDGET", 0.05)
    slow = _Api(delay=0.1)
    from_engine.mark_looping(_Host(slow), many, BUILTIN, None)  # type: ignore[arg-type]
    assert len(slow.read) == 1  # the budget was spent on the first: the rest stay as the engine listed them
    assert from_engine.mark_looping(_Host(_Api()), many, BUILTIN, "s001")[1].looping == "unknown-host"  # type: ignore[arg-type]
