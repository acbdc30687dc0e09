"""leaked-host-port on Go code only `go test` runs: wild-workouts (tests/replay/wild-workouts).

ThreeDotsLabs/wild-workouts-go-ddd-example hands every service its `.env`, whose `MYSQL_ADDR=localhost`
is for `make test` (`go test` on the host, with mariadb published on 127.0.0.1:3306). The trainer's
server uses its Firestore repository; the one reader of MYSQL_ADDR, `adapters.NewMySQLConnection()`, is
called by hour_repository_test.go alone. doctor said, as cloned, 'MYSQL_ADDR=localhost is each container
itself in 'trainer-http', 'trainer-grpc', 'trainings-http' and 2 more services (did you mean 'mysql'?):
'trainer-http' reads MYSQL_ADDR in .../hour_mysql_repository.go', an error (exit 1), and a fix writing
MYSQL_ADDR=mysql into a new override for five services. Now a read inside a function no code but tests
calls (or in a `_test.go` file) is `go test`'s program, not the service's: clean; the server calling it
keeps the error and its one-run fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions
from doctor.project.go_tests import only_tests_read, runs_go_test

REPLAY = Path(__file__).parent / "replay" / "wild-workouts"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
# `doctor fix --env`, the family of the fault: the stack publishes 8080, 3000 and more, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
CHECKS = ("leaked-host-port", "service-name-drift")
APPLICATION = "internal/trainer/service/application.go"
FIRESTORE = "hourRepository := adapters.NewFirestoreHourRepository(firestoreClient, hourFactory)"
MYSQL = ("db, err := adapters.NewMySQLConnection()\n\tif err != nil {\n\t\tpanic(err)\n\t}\n"
         "\thourRepository := adapters.NewMySQLHourRepository(db, hourFactory)")


def _workouts(tmp_path: Path, mysql: bool = False) -> Path:
    root = tmp_path / "wild-workouts"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if mysql:
        application = root / APPLICATION
        text = application.read_text()
        assert text.count(FIRESTORE) == 1
        application.write_text(text.replace(FIRESTORE, MYSQL))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.message.replace(str(root) + "/", ""),
             f.location.line if f.location else None) for f in report.findings]


def test_a_variable_only_a_test_helper_reads_is_clean_as_cloned(tmp_path: Path) -> None:
    assert _found(_workouts(tmp_path)) == []


def test_the_server_calling_the_helper_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _workouts(tmp_path, mysql=True)
    before = (root / ".env").read_text()
    found = _found(root)
    assert [(check, line) for check, _, line in found] == [("leaked-host-port", 20)]
    assert found[0][1].startswith("MYSQL_ADDR=localhost is each container itself in 'trainer-http'")
    assert "'trainer-http' reads MYSQL_ADDR in internal/trainer/adapters/hour_mysql_repository.go" in found[0][1]
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / ".env").read_text() == before  # the host's value stays; the override sets the containers'
    assert "MYSQL_ADDR: mysql" in (root / "docker-compose.override.yml").read_text()
    assert _found(root) == []


HELPER = 'func NewConn() string {\n\treturn os.Getenv("MYSQL_ADDR")\n}\n'


@pytest.mark.parametrize(("text", "others", "expected"), [
    (HELPER, [], True),  # nothing but its own declaration names NewConn
    (HELPER, ["x := NewConn()"], False),  # the program calls it
    (HELPER, ["f := adapters.NewConn"], False),  # a function value
    ('func (r *Repo) Conn() string {\n\treturn os.Getenv("MYSQL_ADDR")\n}\n', ["r.Conn()"], False),  # a method
    ('func (r *Repo) Conn() string {\n\treturn os.Getenv("MYSQL_ADDR")\n}\n', [], True),
    ('var addr = os.Getenv("MYSQL_ADDR")\n', [], False),  # a package variable: set when the program starts
    ('func init() {\n\taddr = os.Getenv("MYSQL_ADDR")\n}\n', [], False),
    ('func main() {\n\taddr := os.Getenv("MYSQL_ADDR")\n}\n', [], False),
    (HELPER + 'func Other() {\n\t_ = NewConn()\n}\n', ["Other()"], False),  # called in its own file
    ('func NewConn() string {\n\treturn "x"\n}\n', [], False),  # names it nowhere
])
def test_only_tests_read(text: str, others: list[str], expected: bool) -> None:
    assert only_tests_read("MYSQL_ADDR", text, [text, *others]) is expected


def test_a_service_running_go_test_reads_what_its_tests_read() -> None:
    assert runs_go_test("go test ./...") and runs_go_test("/usr/local/go/bin/go test -run X")
    assert not runs_go_test("go run .") and not runs_go_test("reflex -c /reflex.conf bash /start.sh")
