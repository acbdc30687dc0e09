"""A value an `include`'s env_file gives a compose file is found, and fixed, on that env file's line.

laradock's root docker-compose.yml includes `gearman/compose.yml` with `env_file:
gearman/defaults.env`, which sets GEARMAN_MYSQL_HOST=localhost; the compose line only says
`GEARMAN_MYSQL_HOST=${GEARMAN_MYSQL_HOST}`. The finding pointed at that compose line and its fix
asked for an override, where the value is written (and is compose's alone to read) in
defaults.env. Each project is written to a temporary folder and read by doctor's own loader.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.leaked_host_port import LeakedHostPort
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

INCLUDED = """services:
  app:
    image: busybox
    environment:
      - DB_HOST=${DB_HOST}
    depends_on: [mysql]
  mysql:
    image: mysql:8
"""
ROOT = """include:
  - path: inc/compose.yml
    project_directory: .
    env_file: inc/defaults.env
"""


def project(root: Path, defaults: str, dotenv: str | None = None, included: str = INCLUDED) -> Project:
    (root / "inc").mkdir(parents=True)
    (root / "inc" / "compose.yml").write_text(included)
    (root / "inc" / "defaults.env").write_text(defaults)
    (root / "compose.yaml").write_text(ROOT)
    if dotenv is not None:
        (root / ".env").write_text(dotenv)
    return Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))


def leaked(found: Project) -> Finding:
    (finding,) = LeakedHostPort().run(found, Host(env={}))
    return finding


def test_a_localhost_an_include_env_file_sets_is_found_and_fixed_on_that_line(tmp_path: Path) -> None:
    found = project(tmp_path, "# the database (Default: localhost)\nDB_HOST=localhost\n")
    assert found.compose.include_env == {tmp_path / "inc" / "compose.yml": (tmp_path / "inc" / "defaults.env",)}
    finding = leaked(found)
    assert finding.message.startswith("DB_HOST=localhost is 'app' itself in its container (did you mean 'mysql'?)")
    assert finding.location is not None
    assert (finding.location.path, finding.location.line) == (tmp_path / "inc" / "defaults.env", 2)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert "compose alone reads it" in finding.fix.title
    (edit,) = finding.fix.edits
    assert (edit.path, edit.line, edit.old, edit.new) == (tmp_path / "inc" / "defaults.env", 2,
                                                         "DB_HOST=localhost", "DB_HOST=mysql")


def test_the_projects_own_env_wins_over_the_include_env_file(tmp_path: Path) -> None:
    # compose interpolates the included file with the includer's values first: .env's line is the one
    found = project(tmp_path, "DB_HOST=mysql\n", dotenv="DB_HOST=localhost\n")
    finding = leaked(found)
    assert finding.location is not None and finding.location.path == tmp_path / ".env"
    assert finding.fix is not None
    assert all(edit.path != tmp_path / "inc" / "defaults.env" for edit in finding.fix.edits)


def test_an_include_env_file_a_service_also_loads_is_not_compose_alone(tmp_path: Path) -> None:
    # the containers read the file too (env_file:), so its other keys are theirs: no in-place claim
    # that compose alone reads it
    loads = "    depends_on: [mysql]\n    env_file: [inc/defaults.env]\n"
    included = INCLUDED.replace("    depends_on: [mysql]\n", loads)
    found = project(tmp_path, "DB_HOST=localhost\n", included=included)
    finding = leaked(found)
    assert finding.fix is not None and "compose alone reads it" not in finding.fix.title


def test_a_drifted_service_name_in_an_include_env_file_points_at_its_line(tmp_path: Path) -> None:
    included = ("services:\n  app:\n    image: busybox\n    environment:\n      - POSTGRES_SERVER=${POSTGRES_SERVER}\n"
                "  db:\n    image: postgres:16\n")
    found = project(tmp_path, "# server\nPOSTGRES_SERVER=postgresserver\n", included=included)
    (finding,) = ServiceNameDrift().run(found, Host(env={}))
    assert finding.location is not None
    assert (finding.location.path, finding.location.line) == (tmp_path / "inc" / "defaults.env", 2)
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    assert (edit.path, edit.new) == (tmp_path / "inc" / "defaults.env", "POSTGRES_SERVER=db")
