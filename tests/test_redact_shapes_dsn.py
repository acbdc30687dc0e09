"""A scheme-less `user:password@host` (a Go MySQL DSN's `root:pw@tcp(db:3306)/app`, a broker's
`guest:pw@rabbitmq:5672`) is masked by its shape under any key, the user and host readable.

Before: only a URL with a scheme had its password read, and a key ending in URL or ADDR says no secret, so fix
--dry-run's diff context printed `DATABASE_URL=root:G0Pass9xQ@tcp(mysqldb:3306)/app?parseTime=true` and
`BROKER=guest:GuestPw9x@rabbitmqq:5672`, and host-vs-container's fix a Makefile's
`--dsn 'root:MkDsnPw7@tcp(db:3306)/app'`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from doctor.redact import scrub

CASES = Path(__file__).parent / "cases"


def _doctor(args: list[str], cwd: Path, **more: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME", "MAKELEVEL",
                                                           "MAKEFLAGS")}
    env.update(NO_COLOR="1", COLUMNS="400", XDG_STATE_HOME=str(cwd.parent / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-shapes-dsn.sock", **more)
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize(("text", "shown"), [
    ("DATABASE_URL=root:G0Pass9xQ@tcp(mysqldb:3306)/app?parseTime=true",
     "DATABASE_URL=root:***@tcp(mysqldb:3306)/app?parseTime=true"),
    ("BROKER=guest:GuestPw9x@rabbitmqq:5672", "BROKER=guest:***@rabbitmqq:5672"),
    ("cd backend && pytest --dsn 'root:MkDsnPw7@tcp(db:3306)/app'",
     "cd backend && pytest --dsn 'root:***@tcp(db:3306)/app'"),
    ("DB_CONN: app:s3cr3t@unix(/run/mysqld/mysqld.sock)/app", "DB_CONN: app:***@unix(/run/mysqld/mysqld.sock)/app"),
    ("AMQP=guest:guest@rabbit", "AMQP=guest:***@rabbit"),
    ("http_proxy='proxyuser:Px9pw@proxy.corp:3128'", "http_proxy='proxyuser:***@proxy.corp:3128'"),
    ("connecting as app:p:w9@db:5432 failed", "connecting as app:***@db:5432 failed"),
])
def test_a_scheme_less_user_password_is_masked(text: str, shown: str) -> None:
    found: list[str] = []
    assert scrub(text, found.append) == shown
    assert found


@pytest.mark.parametrize("text", [
    "image: redis:7-alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "image: python:3.12-slim@sha256:12345abc",
    "git clone git@github.com:org/repo.git && scp build.tgz deploy@host:/srv",
    "mail ops@example.com at 10:30 or 12:30@home:8080",
    "DATABASE_URL=root:$DB_PASSWORD@tcp(db:3306)/app",
    "DATABASE_URL=root:${DB_PASSWORD}@tcp(db:3306)/app",
    "mysql://root:***@db:3306/app",
    "- REDIS_ADDR=redis-server:6379",
    "localhost:3000/@vite/client",
])
def test_images_mail_and_references_stay(text: str) -> None:
    assert scrub(text) == text


def test_a_long_adversarial_line_is_masked_fast() -> None:
    for text in ("a:b@" * 250_000, "a:b@tcp(" * 120_000, "a:" + "b" * 1_000_000 + "@db:1", "@" * 1_000_000,
                 "=a:b@c " * 140_000):
        started = time.process_time()
        scrub(text)
        assert time.process_time() - started < 5.0


def test_fix_dry_runs_diff_context_masks_a_go_dsn_password(tmp_path: Path) -> None:
    project = tmp_path / "go"
    project.mkdir()
    (project / "compose.yaml").write_text(
        "services:\n  mysql:\n    image: mysql:8\n  rabbitmq:\n    image: rabbitmq:3\n  redis:\n    image: redis:7\n"
        "  app:\n    image: busybox\n    env_file: .env\n")
    (project / ".env").write_text("DATABASE_URL=root:G0Pass9xQ@tcp(mysqldb:3306)/app?parseTime=true\n"
                                  "BROKER=guest:GuestPw9x@rabbitmqq:5672\nREDIS_ADDR=redis-server:6379\n")
    out = _doctor(["fix", "--dry-run", "."], project)
    assert "+REDIS_ADDR=redis:6379" in out, out  # the .env is shown in the diff, with the other lines as its context
    assert "DATABASE_URL=root:***@tcp(mysqldb:3306)/app?parseTime=true" in out, out
    assert "BROKER=guest:***@rabbitmqq:5672" in out, out
    assert "G0Pass9xQ" not in out and "GuestPw9x" not in out, out


def test_host_vs_containers_fix_masks_a_dsn_password(tmp_path: Path) -> None:
    project = tmp_path / "mk"
    shutil.copytree(CASES / "host-vs-container" / "deps-only-in-image", project)
    (project / "expected.json").unlink()
    (project / "Makefile").write_text("test:\n\tcd backend && pytest -x --dsn 'root:MkDsnPw7@tcp(db:3306)/app'\n")
    out = _doctor(["preflight", "."], project, DOCTOR_CONTEXT="host")
    assert "exec backend pytest -x --dsn 'root:***@tcp(db:3306)/app'" in out, out
    assert "MkDsnPw7" not in out, out
