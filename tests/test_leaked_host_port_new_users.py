"""leaked-host-port, new-user trials on mozilla/treeherder and python/pythondotorg.

treeherder: compose writes `DATABASE_URL=${DATABASE_URL:-psql://postgres:pw@postgres:5432/app}` and .env sets
`DATABASE_URL=psql://postgres:pw@postgres:5433/app`, the host port of 'postgres'. With the password,
`fix --env --yes` skipped the advice and left the error; without it, it wrote a new override and kept the
stale `postgres:5433` in .env. No host tool resolves `postgres`: the .env line is rewritten in place, the
password kept as written and masked in every output, and one run settles.
pythondotorg: the fix said "in the dev override" while it created docker-compose.override.yml.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

TREEHERDER = """services:
  web: {image: busybox, environment: ["DATABASE_URL=${DATABASE_URL:-psql://postgres:pw@postgres:5432/app}"], \
command: "sh -c 'echo $$DATABASE_URL'"}
  postgres: {image: postgres:17, environment: [POSTGRES_PASSWORD=pw], ports: ["${POSTGRES_PORT:-5432}:5432"]}
"""
PYTHONDOTORG = """services:
  redis:
    image: redis:7
  web:
    image: python:3.12
    command: python -c "import os; print(os.environ['REDIS_URL'])"
    environment:
      REDIS_URL: redis://localhost:6379/0
"""


def run(root: Path) -> list[Finding]:
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))


def doctor(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(root.parent / "home"), "XDG_STATE_HOME": str(root.parent / "state"),
           "COMPOSE_PROJECT_NAME": f"doctor-test-{root.parent.name[-8:]}".lower()}
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)


def treeherder(tmp_path: Path, userinfo: str) -> Path:
    root = tmp_path / "treeherder"
    root.mkdir()
    (root / "compose.yaml").write_text(TREEHERDER)
    (root / ".env").write_text(f"POSTGRES_PORT=5433\nDATABASE_URL=psql://{userinfo}@postgres:5433/app\n")
    return root


@pytest.mark.parametrize("userinfo", ["postgres:pw", "postgres"], ids=["password", "no-password"])
def test_a_dotenv_url_compose_interpolates_whole_is_rewritten_on_its_line(tmp_path: Path, userinfo: str) -> None:
    root = treeherder(tmp_path, userinfo)
    (found,) = run(root)
    assert found.message == ("DATABASE_URL dials postgres:5433, the host port of 'postgres', which listens on 5432 "
                             "inside the network ('web' reads DATABASE_URL in its command)")
    assert found.location is not None and (found.location.path.name, found.location.line) == (".env", 2)
    fix = found.fix
    assert fix is not None and fix.safety is Safety.UNSAFE
    assert [(e.path.name, e.line, e.new) for e in fix.edits] == [
        (".env", 2, f"DATABASE_URL=psql://{userinfo}@postgres:5432/app")]
    assert "pw" not in fix.title and "on its line in .env" in fix.title


@pytest.mark.parametrize("userinfo", ["postgres:pw", "postgres"], ids=["password", "no-password"])
def test_fix_settles_in_one_run_and_never_shows_the_password(tmp_path: Path, userinfo: str) -> None:
    root = treeherder(tmp_path, userinfo)
    shown = doctor(root, "preflight", "--format", "json")
    assert json.loads(shown.stdout)["findings"] and ":pw@" not in shown.stdout
    done = doctor(root, "fix", "--env", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 applied (1 verified fixed)" in done.stdout and "skipped" not in done.stdout.split("applied")[0]
    assert ":pw@" not in done.stdout + done.stderr
    assert (root / ".env").read_text() == f"POSTGRES_PORT=5433\nDATABASE_URL=psql://{userinfo}@postgres:5432/app\n"
    assert not (root / "compose.override.yaml").exists()
    assert run(root) == []


def test_a_dotenv_url_to_a_host_that_is_no_service_is_not_rewritten_there(tmp_path: Path) -> None:
    """The same value a compose value takes from .env, dialing localhost: a host tool may read that line."""
    root = treeherder(tmp_path, "postgres:pw")
    (root / ".env").write_text("DATABASE_URL=psql://postgres:pw@localhost:5432/app\n")
    (found,) = run(root)
    assert found.fix is not None and all(e.path.name != ".env" for e in found.fix.edits)


def test_the_fix_says_it_creates_the_dev_override(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(PYTHONDOTORG)
    (found,) = run(tmp_path)
    assert found.fix is not None and found.fix.safety is Safety.SAFE
    assert found.fix.title == ("set REDIS_URL=redis://redis:6379/0 for 'web' in a new dev override "
                               "docker-compose.override.yml")
    assert [e.path.name for e in found.fix.edits] == ["docker-compose.override.yml"]
    (tmp_path / "docker-compose.override.yml").write_text("services:\n  web:\n    restart: 'no'\n")
    (found,) = run(tmp_path)
    assert found.fix is not None
    assert found.fix.title == "set REDIS_URL=redis://redis:6379/0 for 'web' in the dev override"
