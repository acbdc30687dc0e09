"""What `up` refuses in a secret's source, which `docker compose config` lets pass.

zulip/docker-zulip trial: its docs keep secrets in the environment (`secrets: {django_secret_key:
{environment: ZULIP__SECRET_KEY}}`); with the key left out of `.env`, preflight was clean and `up`
failed with `environment variable "ZULIP__SECRET_KEY" required by secret "django_secret_key" is
not set`. With the docs' other way (`file: ./secrets/django_key`) and the file not made yet, `up`
failed with `bind source path does not exist`. Both are compose-config errors at the line.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  app:
    image: busybox
    secrets: [django_secret_key, app_file]
  off:
    image: busybox
    profiles: [later]
    secrets: [unused]
secrets:
  django_secret_key:
    environment: "ZULIP__SECRET_KEY"
  app_file:
    file: ./secrets/django_key
  unused:
    file: ./not/made/yet
  outside:
    external: true
"""


def run(tmp_path: Path, env: dict[str, str] | None = None) -> list[Finding]:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **(env or {})}
    project = Project(ProjectOptions(path=tmp_path, env=base))
    return [f for f in ComposeConfig().run(project, Host(env=base, timeout=1.0)) if "this secret" in f.message]


def test_an_unset_variable_and_a_missing_file_of_a_used_secret_are_errors_at_their_lines(tmp_path: Path) -> None:
    found = sorted(run(tmp_path), key=lambda f: f.location.line if f.location and f.location.line else 0)
    assert [(f.severity.name, f.location.line if f.location else None) for f in found] == [("ERROR", 11), ("ERROR", 13)]
    assert "the variable 'ZULIP__SECRET_KEY' this secret takes its value from is not set" in found[0].message
    # the services reading it named: `doctor why` ties the missing file to the service `up` stopped at
    assert "the file secrets/django_key this secret of 'app' is read from does not exist" in found[1].message
    # the service a profile leaves off needs none of its secrets
    assert not any("not/made/yet" in f.message for f in found)


def test_a_set_variable_in_env_and_a_made_file_are_no_finding(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ZULIP__SECRET_KEY=from-dotenv\n")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "django_key").write_text("k\n")
    assert run(tmp_path) == []
    assert run(tmp_path, {"ZULIP__SECRET_KEY": ""}) == []  # set, even empty: compose passes it


@pytest.mark.docker
def test_compose_itself_refuses_the_same_at_up(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    """The real compose: `config` lets the unset variable pass, `up` refuses it."""
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  app:\n    image: {busybox_image}\n    command: [\"true\"]\n    secrets: [k]\n"
        "secrets:\n  k:\n    environment: DOCTOR_TEST_UNSET_VAR\n")
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path)}
    name = ["-p", f"doctor-test-{uuid.uuid4().hex[:8]}"]

    def compose(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([docker_engine, "compose", *name, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=60)

    try:
        config = compose("config", "-q")
        assert config.returncode == 0, config.stderr
        create = compose("up", "-d", "--pull", "never")
        assert create.returncode != 0 and "DOCTOR_TEST_UNSET_VAR" in create.stderr, create.stderr
    finally:
        compose("down", "-v", "--remove-orphans", "-t", "0")


def test_a_service_tuned_over_its_included_definition_names_the_compose_it_needs(tmp_path: Path) -> None:
    """wger-project/docker: docker-compose.yml tunes `db` over `include: ./services/postgres.yaml`.
    Docker Compose 5 merges it; v2 stops with `services.db conflicts with imported resource`, which
    read as a broken project: the advice names the compose version the file needs."""
    (tmp_path / "compose.yaml").write_text("include:\n  - path: ./inc.yaml\nservices:\n  db:\n    shm_size: 256mb\n")
    (tmp_path / "inc.yaml").write_text("services:\n  db:\n    image: postgres:16\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    host = Host(env=env, timeout=1.0)
    host.__dict__["compose_version"] = (2, 40, 3)  # as `docker compose version` answers here
    found = [f for f in ComposeConfig().run(Project(ProjectOptions(path=tmp_path, env=env)), host)
             if "conflicts with imported resource" in f.message]
    assert [(f.location.line if f.location else None) for f in found] == [4]
    assert found[0].fix is not None and found[0].fix.title == (
        "services.db merges its settings over the included one's, which needs Docker Compose 5 (compose-go 2.10 "
        "or later); Docker Compose 2.40.3 refuses it: upgrade compose, or move these settings into the included "
        "file or an override file")
