"""missing-mount's advice for a missing bind source of a service whose `user:` is written with a
variable (`${AIRFLOW_UID:-50000}:0`, `${UID}:${GID}`, `${PUID:-1000}`): the variable is there for
the developer's own id, so the folder is made by them and the variable set in .env, never given
to the default uid (a chown to 50000 makes the developer's own dags/ unwritable to them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

# Trimmed from apache/airflow airflow-core/docs/howto/docker-compose/docker-compose.yaml (formerly
# docs/apache-airflow/howto/docker-compose/docker-compose.yaml), the "Running Airflow in Docker"
# file: the anchor with its volumes and user line, two services that merge it, and airflow-init
# (which runs as root and chowns the folders itself).
AIRFLOW_COMPOSE = """\
---
x-airflow-common:
  &airflow-common
  image: ${AIRFLOW_IMAGE_NAME:-apache/airflow:3.0.2}
  environment:
    &airflow-common-env
    AIRFLOW__CORE__EXECUTOR: CeleryExecutor
    AIRFLOW_CONFIG: '/opt/airflow/config/airflow.cfg'
  volumes:
    - ${AIRFLOW_PROJ_DIR:-.}/dags:/opt/airflow/dags
    - ${AIRFLOW_PROJ_DIR:-.}/logs:/opt/airflow/logs
    - ${AIRFLOW_PROJ_DIR:-.}/config:/opt/airflow/config
    - ${AIRFLOW_PROJ_DIR:-.}/plugins:/opt/airflow/plugins
  user: "${AIRFLOW_UID:-50000}:0"

services:
  airflow-apiserver:
    <<: *airflow-common
    command: api-server
    ports:
      - "8080:8080"
    restart: always

  airflow-scheduler:
    <<: *airflow-common
    command: scheduler
    restart: always

  airflow-init:
    <<: *airflow-common
    entrypoint: /bin/bash
    command:
      - -c
      - chown -v -R "${AIRFLOW_UID}:0" /opt/airflow/{logs,dags,plugins,config}
    user: "0:0"
"""
ENV = {"PATH": "/usr/bin:/bin"}


def _findings(root: Path, env: dict[str, str] = ENV) -> dict[str, tuple[Severity, str, str]]:
    project = Project(ProjectOptions(path=root, env=env, cwd=root))
    return {f.subject: (f.severity, f.message, f.fix.title if f.fix else "")
            for f in MissingMount().run(project, Host(env={}))}


def _project(root: Path, user: str) -> Path:
    (root / "compose.yaml").write_text(
        f"services:\n  app:\n    image: busybox\n    user: \"{user}\"\n    volumes:\n      - ./uploads:/uploads\n")
    return root


def test_airflow_folders_are_made_yours_and_airflow_uid_set_not_chowned_to_50000(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yaml").write_text(AIRFLOW_COMPOSE)
    found = _findings(tmp_path)
    services = "airflow-apiserver,airflow-init,airflow-scheduler"
    assert sorted(found) == [f"{services}:{name}" for name in ("config", "dags", "logs", "plugins")]
    severity, message, fix = found[f"{services}:dags"]
    assert severity is Severity.WARNING
    assert message == ("bind source ./dags does not exist: docker makes it root-owned, "
                       "'airflow-apiserver' runs as '50000:0'")
    assert "chown" not in fix
    assert fix == ("create dags/ for 'airflow-apiserver' before starting: mkdir -p dags, "
                   'and set AIRFLOW_UID to your own user id in .env: echo "AIRFLOW_UID=$(id -u)" >> .env')


@pytest.mark.parametrize(("user", "advice"), [
    ("${UID}:${GID}", 'mkdir -p uploads, and set UID and GID to your own user and group ids in .env: '
                      'echo "UID=$(id -u)" >> .env; echo "GID=$(id -g)" >> .env'),
    ("${PUID:-1000}", 'mkdir -p uploads, and set PUID to your own user id in .env: echo "PUID=$(id -u)" >> .env'),
    ("${APP_UID:-1000}:${APP_GID:-1000}", 'mkdir -p uploads, and set APP_UID and APP_GID to your own user and '
                                          'group ids in .env: echo "APP_UID=$(id -u)" >> .env; '
                                          'echo "APP_GID=$(id -g)" >> .env'),
])
def test_a_user_written_with_variables_is_set_to_your_own_ids(tmp_path: Path, user: str, advice: str) -> None:
    [(severity, _, fix)] = _findings(_project(tmp_path, user)).values()
    assert severity is Severity.WARNING
    assert fix == f"create uploads/ for 'app' before starting: {advice}"


def test_a_numeric_user_is_still_given_the_folder(tmp_path: Path) -> None:
    """The case that was already right stays: `user: "999:999"` cannot write a folder of yours."""
    [(_, message, fix)] = _findings(_project(tmp_path, "999:999")).values()
    assert message == "bind source ./uploads does not exist: docker makes it root-owned, 'app' runs as '999:999'"
    assert fix == "create uploads/ for 'app' before starting: mkdir -p uploads, then as root chown 999:999 uploads"


def test_a_variable_set_in_env_is_the_users_choice(tmp_path: Path) -> None:
    """AIRFLOW_UID=1234 in .env: the service runs as that uid, which the folder is given to, as for a number."""
    (tmp_path / "docker-compose.yaml").write_text(AIRFLOW_COMPOSE)
    (tmp_path / ".env").write_text("AIRFLOW_UID=1234\n")
    fixes = {fix for _, _, fix in _findings(tmp_path).values()}
    assert ("create dags/ for 'airflow-apiserver' before starting: mkdir -p dags, "
            "then as root chown 1234:0 dags") in fixes


def test_a_later_file_that_writes_a_number_wins(tmp_path: Path) -> None:
    """The written `user:` is the one of the last compose file that sets it, as in the merge."""
    _project(tmp_path, "${PUID:-1000}")
    (tmp_path / "compose.override.yaml").write_text("services:\n  app:\n    user: \"1000\"\n")
    [(_, _, fix)] = _findings(tmp_path).values()
    assert fix == "create uploads/ for 'app' before starting: mkdir -p uploads, then as root chown 1000:1000 uploads"


def test_the_ids_go_in_the_env_file_compose_reads_under_env_file(tmp_path: Path) -> None:
    """HSE-Courseworks/MLOps_pipeline's shape: run.sh starts the stack with `--env-file ./env/.env.airflow
    --env-file ./env/.env.mlflow --env-file ./env/.env.minio`, and pgadmin runs as `'$UID:$GID'`, which no
    file sets. Compose then reads no `.env`: the advice to append UID and GID there changed nothing; they
    go in the last env file chosen (its keys win), as env-drift says for the same two variables."""
    (tmp_path / "env").mkdir()
    for name in (".env.airflow", ".env.mlflow", ".env.minio"):
        (tmp_path / "env" / name).write_text("PGADMIN_LISTEN_PORT=80\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  pgadmin:\n    image: dpage/pgadmin4\n    user: '$UID:$GID'\n    volumes:\n"
        "      - ./data/pgadmin_db:/var/lib/pgadmin\n")
    chosen = tuple(tmp_path / "env" / name for name in (".env.airflow", ".env.mlflow", ".env.minio"))
    project = Project(ProjectOptions(path=tmp_path, env=ENV, cwd=tmp_path, env_files=chosen))
    [finding] = MissingMount().run(project, Host(env={}))
    assert finding.fix is not None
    assert finding.fix.title.endswith('and set UID and GID to your own user and group ids in env/.env.minio: '
                                      'echo "UID=$(id -u)" >> env/.env.minio; echo "GID=$(id -g)" >> env/.env.minio'), \
        finding.fix.title
