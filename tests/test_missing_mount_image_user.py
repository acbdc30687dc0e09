"""missing-mount: a missing bind source of a service whose image runs as a non-root USER is a warning.

The Simple-Data-Engineering projects' shape: the Dockerfile `FROM apache/airflow`, `USER root` for its
apt-get, then `USER airflow`; compose builds it and binds `./airflow/logs` (not in the checkout: git
keeps no empty folder). Docker makes that folder as root on the first `up`, and airflow cannot write
its logs there. doctor counted only compose's `user:` as the service's user, so this was an info
("docker will create it root-owned", advice `mkdir -p`, a folder of yours, as unwritable to airflow).
The image's USER (of the stage the service runs) now counts as a `user:` does, and the advice gives
the folder to that user: by uid on the host, by name inside the image (its uid is the image's). A
USER root, none, a variable or a compose `user:` of root stay as they were. The projects are written
here (small shapes, not copies).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

ENV = {"PATH": "/usr/bin:/bin"}
AIRFLOW_DOCKERFILE = """\
FROM apache/airflow:2.9.2
USER root
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless
USER airflow
COPY requirements.txt /requirements.txt
RUN pip install --no-cache-dir -r /requirements.txt
"""
AIRFLOW_COMPOSE = """\
services:
  airflow-webserver:
    build: .
    command: webserver
    ports:
      - "8080:8080"
    volumes:
      - ./airflow/dags:/opt/airflow/dags
      - ./airflow/logs:/opt/airflow/logs
"""


def _project(root: Path, dockerfile: str, compose: str = AIRFLOW_COMPOSE) -> Path:
    (root / "airflow" / "dags").mkdir(parents=True)
    (root / "airflow" / "dags" / "etl.py").write_text("")
    (root / "requirements.txt").write_text("pandas\n")
    (root / "Dockerfile").write_text(dockerfile)
    (root / "docker-compose.yml").write_text(compose)
    return root


def _finding(root: Path, env: dict[str, str] = ENV) -> Finding:
    [finding] = MissingMount().run(Project(ProjectOptions(path=root, env=env, cwd=root)), Host(env={}))
    return finding


def _title(finding: Finding) -> str:
    assert finding.fix is not None
    return finding.fix.title


def test_a_named_image_user_is_a_warning_given_the_folder_inside_the_image(tmp_path: Path) -> None:
    finding = _finding(_project(tmp_path, AIRFLOW_DOCKERFILE))
    assert finding.severity is Severity.WARNING
    assert finding.message == ("bind source ./airflow/logs does not exist: docker makes it root-owned, "
                               "'airflow-webserver' runs as its image's USER 'airflow'")
    assert _title(finding) == (
        "create airflow/logs/ for 'airflow-webserver' before starting: mkdir -p airflow/logs, then give it to the "
        "image's user 'airflow' inside it: docker compose run --rm --no-deps --user 0:0 --entrypoint chown "
        "airflow-webserver airflow /opt/airflow/logs")


def test_a_numeric_image_user_is_given_the_folder_as_a_numeric_user_is(tmp_path: Path) -> None:
    finding = _finding(_project(tmp_path, "FROM python:3.12-slim\nUSER 1001:1001\n"))
    assert finding.severity is Severity.WARNING
    assert finding.message.endswith("'airflow-webserver' runs as its image's USER '1001'")
    assert _title(finding) == ("create airflow/logs/ for 'airflow-webserver' before starting: mkdir -p airflow/logs, "
                               "then as root chown 1001:1001 airflow/logs")


def test_the_user_of_the_stage_the_service_runs_counts(tmp_path: Path) -> None:
    """`build.target: dev`, a stage with no USER, runs as root; the last stage's USER is not the service's."""
    dockerfile = "FROM python:3.12-slim AS dev\nFROM dev AS prod\nUSER app\n"
    compose = AIRFLOW_COMPOSE.replace("    build: .\n", "    build:\n      context: .\n      target: {}\n")
    assert _finding(_project(tmp_path / "dev", dockerfile, compose.format("dev"))).severity is Severity.INFO
    assert _finding(_project(tmp_path / "prod", dockerfile, compose.format("prod"))).severity is Severity.WARNING


@pytest.mark.parametrize("dockerfile", [
    "FROM python:3.12-slim\n",  # no USER: root
    "FROM apache/airflow:2.9.2\nUSER airflow\nRUN pip install x\nUSER root\n",  # root again at the end
    "FROM apache/airflow:2.9.2\nUSER 0:0\n",
    "FROM python:3.12-slim\nARG APP_USER=app\nUSER ${APP_USER}\n",  # a variable: not guessed
])
def test_a_root_or_unknown_image_user_stays_an_info(tmp_path: Path, dockerfile: str) -> None:
    finding = _finding(_project(tmp_path, dockerfile))
    assert finding.severity is Severity.INFO
    assert _title(finding) == "create airflow/logs/ before starting"


def test_a_compose_user_of_root_wins_over_the_images(tmp_path: Path) -> None:
    """`user: "0"` runs the container as root whatever the image's USER: root-owned is writable to it."""
    compose = AIRFLOW_COMPOSE.replace("    command: webserver\n", "    command: webserver\n    user: \"0\"\n")
    assert _finding(_project(tmp_path, AIRFLOW_DOCKERFILE, compose)).severity is Severity.INFO


# a user made by hand: the shared busybox has no adduser
APP_DOCKERFILE = """\
FROM doctor-busybox:test
RUN echo "appuser:x:4321:4321::/tmp:/bin/sh" >> /etc/passwd && echo "appuser:x:4321:" >> /etc/group
USER appuser
"""
APP_COMPOSE = """\
services:
  app:
    build: .
    image: doctor-test/missing-mount-image-user-{tag}:1
    command: ["sh", "-c", "echo hi > /logs/app.log"]
    volumes:
      - ./logs:/logs
"""


def _busybox() -> bool:
    if shutil.which("docker") is None:
        return False
    found = subprocess.run(["docker", "image", "inspect", "doctor-busybox:test"], capture_output=True, check=False)
    return found.returncode == 0


@pytest.mark.docker
@pytest.mark.compose
@pytest.mark.skipif(not _busybox() and os.environ.get("CI") != "true", reason="needs docker and doctor-busybox:test")
def test_the_advice_run_as_printed_lets_the_image_user_write(tmp_path: Path) -> None:
    """The service writes /logs/app.log as appuser: run as is, docker's root-owned folder refuses it
    (`can't create /logs/app.log: Permission denied`); after the advice's commands, it writes."""
    tag = f"{os.getpid()}-{tmp_path.name[-6:].lower()}"
    (tmp_path / "Dockerfile").write_text(APP_DOCKERFILE)
    (tmp_path / "compose.yaml").write_text(APP_COMPOSE.format(tag=re.sub(r"[^a-z0-9-]", "", tag)))
    env = {**os.environ, "COMPOSE_PROJECT_NAME": f"doctor-h-fixenvfile-{re.sub(r'[^a-z0-9-]', '', tag)}"}
    title = _title(_finding(tmp_path, {"PATH": env["PATH"]}))
    commands = [part.strip() for part in re.findall(r"(mkdir -p [^,]+|docker compose .+$)", title)]
    assert len(commands) == 2, title
    try:
        for command in commands:
            subprocess.run(shlex.split(command), cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300)
        run = subprocess.run(["docker", "compose", "run", "--rm", "--no-deps", "app"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / "logs" / "app.log").stat().st_uid == 4321
    finally:
        subprocess.run(["docker", "compose", "down", "--rmi", "all", "-v"], cwd=tmp_path, env=env,
                       capture_output=True, check=False, timeout=300)


def test_a_folder_in_the_tree_the_image_copies_the_code_to_stays_an_info(tmp_path: Path) -> None:
    """openfoodfacts/open-prices' docker/dev.yml keeps `./tests:/opt/open-prices/tests`, a folder the checkout
    no longer has, under `COPY --chown=off:off . /opt/open-prices` and `USER off`: a place of source, which 'off'
    only reads; the root-owned folder docker makes stays the info it was."""
    dockerfile = "FROM python:3.12-slim\nRUN useradd off\nCOPY --chown=off:off . /opt/open-prices\nUSER off\n"
    compose = ("services:\n  api:\n    build: .\n    volumes:\n      - ./airflow/dags:/opt/open-prices/dags\n"
               "      - ./tests:/opt/open-prices/tests\n")
    finding = _finding(_project(tmp_path, dockerfile, compose))
    assert finding.severity is Severity.INFO, finding.message


def test_a_folder_a_root_service_of_the_project_chowns_stays_an_info(tmp_path: Path) -> None:
    """CTFd's shape: 'ctfd' builds `USER 1001`; its `permissions` service (alpine, `user: root`) mounts the same
    folders and runs `chown -R 1001:1001 /var/uploads /var/log/CTFd` before 'ctfd' starts (depends_on
    service_completed_successfully): the project hands the folders docker makes to the image's user itself."""
    compose = ("services:\n  ctfd:\n    build: .\n    volumes:\n      - .data/CTFd/logs:/var/log/CTFd\n"
               "    depends_on:\n      permissions:\n        condition: service_completed_successfully\n"
               "  permissions:\n    image: alpine:3.23\n    user: root\n    volumes:\n"
               "      - .data/CTFd/logs:/var/log/CTFd\n    command: chown -R 1001:1001 /var/log/CTFd\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim-bookworm\nUSER 1001\n")
    (tmp_path / "docker-compose.yml").write_text(compose)
    finding = _finding(tmp_path)
    assert finding.severity is Severity.INFO, finding.message
    # without the permissions service, the same folder is a warning
    (tmp_path / "docker-compose.yml").write_text(compose.split("    depends_on:")[0])
    assert _finding(tmp_path).severity is Severity.WARNING


@pytest.mark.parametrize("mount", [
    "      - ./airflow/logs:/opt/airflow/logs:ro\n",
    "      - type: bind\n        source: ./airflow/logs\n        target: /opt/airflow/logs\n        read_only: true\n"])
def test_a_read_only_mount_stays_an_info(tmp_path: Path, mount: str) -> None:
    """A review's find: a read-only bind is never written, and the advice's chown of it fails (`chown: /data:
    Read-only file system`)."""
    compose = AIRFLOW_COMPOSE.replace("      - ./airflow/logs:/opt/airflow/logs\n", mount)
    finding = _finding(_project(tmp_path, AIRFLOW_DOCKERFILE, compose))
    assert finding.severity is Severity.INFO, finding.message


def test_a_chown_by_a_service_on_the_same_non_root_image_hands_nothing_over(tmp_path: Path) -> None:
    """A review's find: an init service built from the image that runs as `app` cannot chown a folder root owns,
    so its `chown` hid the warning for nothing."""
    compose = ("services:\n  init:\n    build: .\n    command: [\"bash\", \"-c\", \"chown -R app /home/app/logs\"]\n"
               "    volumes:\n      - ./logs:/home/app/logs\n  web:\n    build: .\n"
               "    command: [\"python\", \"-m\", \"http.server\"]\n    volumes:\n      - ./logs:/home/app/logs\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nRUN useradd -m app\nUSER app\n")
    (tmp_path / "docker-compose.yml").write_text(compose)
    assert _finding(tmp_path).severity is Severity.WARNING
