"""An env file bound onto the app's `.env` in the container is judged as the service's environment.

fastapi-practices/fastapi_best_architecture binds `./deploy/backend/docker-compose/.env.server` to
`/fba/backend/.env`, which its pydantic-settings read: `DATABASE_HOST='postgresserver'` there (a
renamed service), `DATABASE_PORT=15432` (the published port) and `127.0.0.1` hosts all passed with
"16 passed", while the same lines handed over with `env_file:` were found. Each project is written
to a temporary folder and read by doctor's own loader.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.mounted_env import mounted_env

COMPOSE = """services:
  fba_server:
    image: busybox
    environment:
      - TZ=Asia/Shanghai
{own}    volumes:
      - ./deploy/.env.server:{target}
  fba_postgres:
    image: postgres:16
    ports:
      - "15432:5432"
"""
SETTINGS = "# Database\nDATABASE_HOST='{host}'\nDATABASE_PORT={port}\nTZ=UTC\n"


def project(root: Path, host: str = "fba_postgres", port: int = 5432, target: str = "/fba/backend/.env",
            own: str = "") -> Project:
    (root / "deploy").mkdir(parents=True)
    (root / "deploy" / ".env.server").write_text(SETTINGS.format(host=host, port=port))
    (root / "compose.yaml").write_text(COMPOSE.format(target=target, own=own))
    return Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))


def run(check: type[ServiceNameDrift] | type[LeakedHostPort], found: Project) -> list[Finding]:
    return list(check().run(found, Host(env={})))


def test_a_drifted_host_in_the_bound_settings_file_is_found_and_fixed_on_its_line(tmp_path: Path) -> None:
    found = project(tmp_path, host="postgresserver")
    (finding,) = run(ServiceNameDrift, found)
    assert finding.message.startswith("DATABASE_HOST=postgresserver names no service on the network")
    assert finding.location is not None
    assert (finding.location.path, finding.location.line) == (tmp_path / "deploy" / ".env.server", 2)
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    assert (edit.path, edit.line, edit.new) == (tmp_path / "deploy" / ".env.server", 2, "DATABASE_HOST='fba_postgres'")


def test_the_published_port_in_the_bound_settings_file_is_a_leaked_host_port(tmp_path: Path) -> None:
    (finding,) = run(LeakedHostPort, project(tmp_path, port=15432))
    assert "the host port of 'fba_postgres', which listens on 5432 inside the network" in finding.message
    assert finding.location is not None and finding.location.path == tmp_path / "deploy" / ".env.server"


def test_localhost_in_the_bound_settings_file_is_the_container_itself(tmp_path: Path) -> None:
    (finding,) = run(LeakedHostPort, project(tmp_path, host="127.0.0.1"))
    assert finding.message.startswith("DATABASE_HOST=127.0.0.1 is 'fba_server' itself in its container "
                                      "(did you mean 'fba_postgres'?)"), finding.message


@pytest.mark.parametrize("target", ["/fba/backend/.env.example", "/fba/backend/settings.toml", "/etc/app/"])
def test_a_bind_onto_no_dotenv_name_is_not_read_as_environment(tmp_path: Path, target: str) -> None:
    found = project(tmp_path, host="postgresserver", port=15432, target=target)
    assert mounted_env(found, found.services["fba_server"]) == {}
    assert run(ServiceNameDrift, found) == [] and run(LeakedHostPort, found) == []


def test_a_key_the_services_environment_sets_wins_over_the_bound_file(tmp_path: Path) -> None:
    # the process environment beats the file in pydantic-settings and python-dotenv (without override=True)
    found = project(tmp_path, host="postgresserver", own="      - DATABASE_HOST=fba_postgres\n")
    assert set(mounted_env(found, found.services["fba_server"])) == {"DATABASE_PORT"}
    assert run(ServiceNameDrift, found) == []


def test_a_password_in_the_bound_settings_file_is_never_printed(tmp_path: Path) -> None:
    """The file's values reach findings and diffs now: its secrets are the project's, masked at the border."""
    from doctor.known_secrets import project_redactor

    found = project(tmp_path, host="postgresserver")
    with (tmp_path / "deploy" / ".env.server").open("a") as settings:
        settings.write("DATABASE_PASSWORD='Zq8vLr2TxWm4Kp9s'\n"
                       "TOKEN_SECRET_KEY='1VkVF75nsNABBjK_7-qz7GtzNy3AMvktc9TCPwKczCk'\n")
    found = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    shown = project_redactor(found).text("postgres://u:Zq8vLr2TxWm4Kp9s@db/x "
                                         "1VkVF75nsNABBjK_7-qz7GtzNy3AMvktc9TCPwKczCk")
    assert "Zq8vLr2TxWm4Kp9s" not in shown and "1VkVF75nsNABBjK" not in shown, shown
