"""`docker compose up ... 2>&1 | doctor why` when compose's output shows a service failed without a line of its log,
and the count of the services the report lists.

Before (Flagsmith trial): `service "migrate-db" didn't complete successfully: exit 1`, `✘ Container
proj-migrate-db-1  Exited (1)` or `dependency failed to start: container proj-migrate-db-1 exited (1)` piped in
gave rc 2 and "'docker compose up' has not run", against the input, and not migrate-db's DATABASE_URL naming no
service. IntelOwl trial: `✔ Container myapp_db Started` beside a failed web counted "1 of 1 services failed".
bookwyrm/ralph trials: "1 of 1 services failed" above six services listed; the services whose builds never began
after a failed pull (web, nginx) were not named at all.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.why.diagnose import ALL_SERVICES, Diagnosis
from doctor.why.piped_exits import created_any, text_exits, text_up
from doctor.why.render import count_line

FLAGSMITH = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: p
  migrate-db:
    image: doctor-test/flagsmith:2
    environment:
      DATABASE_URL: postgres://u:p@postgresserver:5432/app
    depends_on:
      - db
  api:
    image: doctor-test/flagsmith:2
    depends_on:
      migrate-db:
        condition: service_completed_successfully
"""


def _why(root: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", "why", "-p", f"x{uuid.uuid4().hex[:8]}", *args, "."],
                          cwd=root, capture_output=True, text=True, timeout=120, input=text, env=dict(os.environ))


@pytest.mark.parametrize("text", [
    "service \"migrate-db\" didn't complete successfully: exit 1\n",
    " ✘ Container trialj1-fs-migrate-db-1  Exited (1)\nservice \"migrate-db\" didn't complete successfully: exit 1\n",
    "dependency failed to start: container trialj1-fs-migrate-db-1 exited (1)\n",
])
def test_a_piped_exit_without_a_log_line_is_the_services_failure(tmp_path: Path, text: str) -> None:
    (tmp_path / "compose.yaml").write_text(FLAGSMITH)
    done = _why(tmp_path, text)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ migrate-db  exited (1), in the piped output" in out, out
    assert "cause    service-name-drift  compose.yaml:9\n" in out and "'postgresserver'" in out, out
    assert "- api         not started: it depends on 'migrate-db', which failed" in out, out
    assert "✓ db          started: 'migrate-db', which depends on it, ran after it" in out, out
    assert "1 of 3 services failed · 1 explained by a finding (1 not started)" in out, out
    assert "has not run" not in done.stderr, done.stderr


def test_piped_up_output_with_no_failure_does_not_say_up_has_not_run(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(FLAGSMITH)
    done = _why(tmp_path, " ✔ Container trialj1-fs-db-1  Started\n ✔ Container trialj1-fs-migrate-db-1  Exited (0)\n")
    assert done.returncode == 2, done
    assert "has not run" not in done.stderr and "shows no service that failed" in done.stderr, done.stderr


def test_compose_words_for_a_failed_service() -> None:
    services, names = {"migrate-db", "db", "web"}, {"myapp_web": "web"}
    text = ("✔ Container p-db-1  Started\n ✔ Container p-migrate-db-1  Exited (0)\n"
            " ✘ Container myapp_web  Error\ndependency failed to start: container p-db-1 is unhealthy\n")
    exits = text_exits(text, services, names)
    assert {s: e.state for s, e in exits.items()} == {"db": "unhealthy, in the piped output",
                                                     "web": "failed to start, in the piped output"}
    assert exits["web"].container == "myapp_web"
    assert text_up(text, services, names) == ["db"]
    assert created_any(text) and not created_any(" db Pulling\n db Error Get \"https://x/v2/\": no such host\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_a_service_the_piped_output_shows_started_is_listed_and_counted(tmp_path: Path) -> None:
    """The IntelOwl repro: every service has a container_name; db started, web's port was held."""
    port, tag = _free_port(), uuid.uuid4().hex[:8]
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx:1.27\n    container_name: web_{tag}\n    ports:\n      - \"{port}:80\"\n"
        f"  db:\n    image: postgres:16\n    container_name: db_{tag}\n")
    text = (f" ✔ Container db_{tag}   Started\n ✘ Container web_{tag}  Error\n"
            "Error response from daemon: driver failed programming external connectivity on endpoint "
            f"web_{tag} (3f1c0a2b9d7e): Error starting userland proxy: "
            f"listen tcp4 0.0.0.0:{port}: bind: address already in use\n")
    done = _why(tmp_path, text)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✓ db   started, in the piped output" in out and "✗ web  failed, in the piped output" in out, out
    assert ALL_SERVICES not in out and "1 of 2 services failed · 0 explained by a finding\n" in out, out


def test_services_whose_build_never_began_are_listed_as_not_started(tmp_path: Path) -> None:
    """The ralph repro: inkpy's pull failed; db and redis were interrupted; web and nginx build, and never began."""
    tag = uuid.uuid4().hex[:8]
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    build: .\n    depends_on: [db]\n  nginx:\n    build: .\n"
        f"  db:\n    image: doctor-test/mysql-{tag}:5.7\n  redis:\n    image: doctor-test/redis-{tag}:7\n"
        f"  inkpy:\n    image: doctor-test/inkpy-{tag}:latest\n")
    dns = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.53:53: no such host'
    text = (f" inkpy Pulling \n db Pulling \n redis Pulling \n inkpy Error {dns}\n"
            f" db  Interrupted\n redis  Interrupted\nError response from daemon: {dns}\n")
    done = _why(tmp_path, text)
    assert done.returncode == 1, done
    out = done.stdout
    assert "- nginx  not started: its build never began: `up` stopped at 'inkpy' first" in out, out
    assert "- web    not started: its build never began: `up` stopped at 'inkpy' first" in out, out
    assert "- db     interrupted, in the piped output: compose cancelled it when 'inkpy' failed" in out, out
    assert "1 of 5 services failed" in out and "(4 not started)" in out, out


def test_the_count_line_counts_the_services_listed() -> None:
    failed = Diagnosis("web", None, from_text=True, explained=())
    shown = [Diagnosis("db", None, from_text=True, text_state="started"),
             Diagnosis("nginx", None, stopped_at=("web",), from_text=True, text_state="not started: x"),
             Diagnosis("worker", None, stopped_at=("web",), from_text=True)]
    # a failure is a diagnosis with an explanation; (all services) is no service of its own
    from doctor.model import Severity
    from doctor.why.diagnose import Explained

    web = Diagnosis("web", None, from_text=True, explained=(Explained("why", Severity.ERROR, "m", None, "web:x"),))
    assert not failed.failed and web.failed
    assert count_line([web, *shown]) == "1 of 4 services failed · 0 explained by a finding (2 not started)"
    everyone = Diagnosis(ALL_SERVICES, None, explained=(Explained("compose-config", Severity.ERROR, "m", None, ""),))
    assert count_line([everyone, Diagnosis("db", None), Diagnosis("web", None)]) == \
        "all 2 services failed · 1 explained by a finding"
    assert count_line([*shown[1:]]) == "2 of 2 services never started: `up` failed at 'web' first"


BUILDKIT = """\
#0 building with "default" instance using docker driver

#1 [app internal] load build definition from Dockerfile
#1 transferring dockerfile: 1.03kB 0.0s done
#1 DONE 0.0s
failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create \
LLB definition: dockerfile parse error line 8: unknown instruction: APT-GET
"""


@pytest.mark.parametrize("text", [
    BUILDKIT,  # BookStack's heredoc `RUN <<EOR` under an engine without buildx
    " => ERROR [app 3/4] RUN pip install -r requirements.txt  1.2s\n------\nfailed to solve: process "
    "\"/bin/sh -c pip install -r requirements.txt\" did not complete successfully: exit code: 1\n",
    "target app: failed to solve: failed to read dockerfile: open Dockerfile.dev: no such file or directory\n",
    "ERROR: Service 'app' failed to build : The command '/bin/sh -c make' returned a non-zero code: 2\n",
])
def test_a_piped_build_failure_is_the_services_not_a_pull(tmp_path: Path, text: str) -> None:
    """`up` that stopped at an image build: the service whose build failed, not the images compose would pull."""
    from doctor.why.piped_exits import text_builds

    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    build: .\n  db:\n    image: mysql:8.4\n")
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    assert list(text_builds(text, {"app", "db"})) == ["app"]
    done = _why(tmp_path, text)
    assert done.returncode == 1, done
    assert "✗ app  build failed, in the piped output" in done.stdout, done.stdout
    assert "the service's image did not build" in done.stdout
    assert "- db   not started: `up` stopped at 'app' first" in done.stdout, done.stdout
    assert "mysql:8.4" not in done.stdout + done.stderr  # no pull is blamed
