"""root-owned-files' advice that sets a compose variable names the env file compose reads it from.

HSE-Courseworks/MLOps_pipeline starts its stack with `-f docker-compose.yml --env-file env/.env.minio`
(run.sh, CI), its airflow services running as `${AIRFLOW_UID:-50000}`. Compose then interpolates from
env/.env.minio alone and reads no .env, so advice saying "set AIRFLOW_UID=... in .env" changed
nothing. The lines now go in the last env file chosen (Project.variables_file, whose keys win), as
missing-mount and env-drift say: the `user:` variable, UID and GID beside `user: "${UID}:${GID}"`, the
variables an entrypoint drops root to (photoprism) and a build's uid variable (docker-rails-example).
The projects are written here (small shapes of those). Building trees with mixed owners needs root
to chown them, as the other root-owned tests do.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles
from root_owned_checks import chown_tree

from doctor.host import Host
from doctor.project import Project, ProjectOptions

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
MINIO = "env/.env.minio"
AIRFLOW = """\
services:
  airflow-webserver:
    image: apache/airflow:2.9.2
    user: ${AIRFLOW_UID:-50000}
    volumes:
      - ./airflow/logs:/opt/airflow/logs
"""


def _titles(project: Path, *env_files: str) -> dict[str, str]:
    """Each finding's fix title, the check run as `docker compose --env-file F...` runs the project."""
    env = {"PATH": os.environ["PATH"], "DOCTOR_NO_CACHE": "1"}  # no UID exported, as from bash
    chosen = tuple(project / name for name in env_files) or None
    options = ProjectOptions(path=project, env=env, cwd=project, env_files=chosen)
    return {f.subject: f.fix.title if f.fix else "" for f in RootOwnedFiles().run(Project(options), Host(env=env))}


def _tree(tmp_path: Path, compose: str, owner: int, strays: dict[str, int]) -> Path:
    project = tmp_path / "proj"
    (project / "env").mkdir(parents=True)
    (project / MINIO).write_text("MINIO_ROOT_USER=minio\n")
    (project / "compose.yaml").write_text(compose)
    for rel in strays:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("x\n")
    chown_tree(tmp_path, owner)
    for rel, uid in strays.items():
        for path in (project / rel, (project / rel).parent):
            os.lchown(path, uid, 0 if uid == 0 else uid)
    return project


@needs_root
def test_the_user_variable_is_set_in_the_env_file_given(tmp_path: Path) -> None:
    """The MLOps_pipeline shape: logs airflow wrote as 50000, your checkout 1000."""
    project = _tree(tmp_path, AIRFLOW, 1000, {"airflow/logs/x/a.log": 50000})
    [advice] = _titles(project, MINIO).values()
    assert advice.endswith(f"set AIRFLOW_UID=1000:1000 in {MINIO} (the user: of 'airflow-webserver' reads it)"), \
        advice
    # without --env-file compose reads .env, which the advice keeps naming
    [advice] = _titles(project).values()
    assert advice.endswith("set AIRFLOW_UID=1000:1000 in .env (the user: of 'airflow-webserver' reads it)"), advice


@needs_root
def test_uid_and_gid_beside_user_go_in_the_env_file_given(tmp_path: Path) -> None:
    compose = "services:\n  app:\n    image: doctor-busybox:test\n    volumes:\n      - ./media:/code/media\n"
    project = _tree(tmp_path, compose, 1000, {"media/up/a.jpg": 0})
    [advice] = _titles(project, MINIO).values()
    assert advice.endswith(f'(then, by hand: set UID=1000 and GID=1000 in {MINIO} and run \'app\' with user: '
                           '"${UID}:${GID}")'), advice
    # the env file given already sets UID: not repeated, whatever .env says
    (project / MINIO).write_text("UID=1000\n")
    (project / ".env").write_text("UID=5\nGID=5\n")
    chown_tree(project, 1000)
    os.lchown(project / "media/up/a.jpg", 0, 0)
    [advice] = _titles(project, MINIO).values()
    assert advice.endswith(f"(then, by hand: set GID=1000 in {MINIO} and run 'app' with user: "
                           '"${UID}:${GID}")'), advice


PHOTOPRISM = """\
services:
  photoprism:
    image: photoprism/photoprism:develop
    environment:
      PHOTOPRISM_UID: ${UID:-1000}
      PHOTOPRISM_GID: ${GID:-1000}
    volumes:
      - ".:/go/src/github.com/photoprism/photoprism"
"""


@needs_root
def test_the_variables_an_entrypoint_drops_to_are_set_in_the_env_file_given(tmp_path: Path) -> None:
    # uid 1001: `${UID:-1000}` renders 1000 (bash exports no UID), not this developer's id
    project = _tree(tmp_path, PHOTOPRISM, 1001, {"storage/x/f": 0})
    advice = _titles(project, MINIO)["owner:storage"]
    assert f"set UID=1001 and GID=1001 in {MINIO} (PHOTOPRISM_UID and PHOTOPRISM_GID of 'photoprism' read them)" \
        in advice, advice


@needs_root
def test_a_builds_uid_variable_is_set_in_the_env_file_given(tmp_path: Path) -> None:
    """nickjj/docker-rails-example (tests/replay, MIT): `APP_UID=${UID:-1000}` builds the user 'ruby'; run
    here with `--env-file .env.dev` (its .env still the containers' env_file)."""
    root = tmp_path / "rails"
    shutil.copytree(Path(__file__).parent / "replay" / "docker-rails-example", root,
                    ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text((root / ".env.example").read_text())
    (root / ".env.dev").write_text((root / ".env.example").read_text())
    (root / "tmp" / "cache" / "bootsnap").mkdir(parents=True)
    (root / "tmp" / "cache" / "bootsnap" / "load-path-cache").write_text("x\n")
    chown_tree(tmp_path, 1001)
    chown_tree(root / "tmp" / "cache", 1000)  # what 'web' wrote as its user 'ruby'
    advice = _titles(root, ".env.dev")["owner:tmp"]
    assert ("set UID=1001 and GID=1001 in .env.dev and rebuild (`docker compose build`): compose.yaml:6 builds the "
            "user 'ruby' with APP_UID from ${UID}, which bash does not export, so it is uid 1000") in advice, advice
    assert " in .env " not in advice, advice
