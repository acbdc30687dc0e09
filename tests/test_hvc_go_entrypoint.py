"""host-vs-container on a Go service whose ENTRYPOINT is `go run main.go`: shiori (tests/replay/shiori).

go-shiori/shiori's dev compose runs 'shiori' as `ENTRYPOINT ["go", "run", "main.go"]` with `command:
["server", "--log-level", "debug"]`. On a host without Go, doctor advised the Makefile's `run-server`
(`go run main.go server --log-level debug`, the very process `up` starts) as
`docker compose run --rm shiori go run main.go server --log-level debug`, and `swag-fmt`'s `go fmt
./internal/http/...` as `docker compose run --rm shiori go fmt ...`: the entrypoint takes both for its
arguments (`go run main.go go fmt ...` runs the server with those words). Now what the entrypoint and the
command run together is what the service itself runs (not advised: `up` starts it), and a `go`
entrypoint is a program a `run` must replace (`--entrypoint ''`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions
from doctor.project.service_entrypoint import program_entrypoint

REPLAY = Path(__file__).parent / "replay" / "shiori"


def _shiori(tmp_path: Path) -> tuple[Project, Host]:
    root = tmp_path / "shiori"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = {"PATH": "/nonexistent", "HOME": str(tmp_path), "DOCKER_HOST": "unix:///nonexistent/doctor-test/x.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return Project(ProjectOptions(path=root, env=env)), host


def test_only_go_fmt_is_advised_and_with_the_entrypoint_replaced(tmp_path: Path) -> None:
    project, host = _shiori(tmp_path)
    found = [(f.message, f.location.line if f.location else None, f.fix.title if f.fix else None)
             for f in HostVsContainer().run(project, host)]
    assert found == [("'go' (make target 'swag-fmt') needs Go, which the host lacks (no 'go' on PATH): run it in "
                      "'shiori'", 89, "run it as 'docker compose exec shiori go fmt ./internal/http/...' (use "
                      "`run --rm --entrypoint ''` instead of 'exec' if it is not up)")]


def test_a_go_entrypoint_is_a_program_a_run_replaces(tmp_path: Path) -> None:
    """`docker compose run` (and `doctor exec`) add `--entrypoint ''` for such a service."""
    project, _ = _shiori(tmp_path)
    assert program_entrypoint(project, "shiori")
    assert not program_entrypoint(project, "postgres")  # a pulled image: its ENTRYPOINT is not read
