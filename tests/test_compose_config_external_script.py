"""compose-config: a missing external volume that a project script creates names that script.

getsentry/self-hosted declares `sentry-data` and five other volumes `external: true`;
install/create-docker-volumes.sh creates them (`$CONTAINER_ENGINE volume create` in a function it
calls as `create_volume sentry-data`) and ./install.sh sources it. The fix said only `docker
volume create sentry-data`, never the install script a newcomer is meant to run.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.compose_config import ComposeConfig
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  web:
    image: busybox
    volumes:
      - sentry-data:/data
  postgres:
    image: postgres:14
    volumes:
      - sentry-postgres:/var/lib/postgresql/data
volumes:
  sentry-data:
    external: true
  sentry-postgres:
    external: true
"""
CREATE = """\
create_volume() {
  create_command="$CONTAINER_ENGINE volume create"
  $create_command --name=$1
}

echo "Created $(create_volume sentry-data)."
echo "Created $(create_volume sentry-postgres-old)."
"""


def _fixes(root: Path) -> dict[str, str]:
    engine = FakeEngine(root / "docker.sock", {})
    try:
        env = {"DOCKER_HOST": engine.url, "PATH": "/usr/bin:/bin", "HOME": str(root)}
        project = Project(ProjectOptions(path=root, env=env))
        found = list(ComposeConfig().run(project, Host(env=env, timeout=2.0)))
    finally:
        engine.close()
    return {f.subject.rpartition(":")[2]: f.fix.title for f in found if f.fix is not None}


def test_the_script_that_creates_the_volume_and_the_one_that_runs_it_are_named(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "install").mkdir()
    (tmp_path / "install" / "create-docker-volumes.sh").write_text(CREATE)
    (tmp_path / "install.sh").write_text("set -e\nsource install/create-docker-volumes.sh\n")
    fixes = _fixes(tmp_path)
    assert fixes["sentry-data"] == ("create the volume first (./install/create-docker-volumes.sh does, "
                                    "which ./install.sh runs)")
    # `sentry-postgres-old` is another volume: the script does not make sentry-postgres
    assert fixes["sentry-postgres"] == "create the volume first"


def test_a_script_deeper_than_the_usual_folders_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "vendor" / "tool").mkdir(parents=True)
    (tmp_path / "vendor" / "tool" / "setup.sh").write_text(CREATE)
    assert _fixes(tmp_path)["sentry-data"] == "create the volume first"


def test_a_top_level_script_alone_is_named(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "setup.sh").write_text("docker volume create sentry-data\n")
    assert _fixes(tmp_path)["sentry-data"] == "create the volume first (./setup.sh does)"
