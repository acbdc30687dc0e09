"""host-vs-container where a Dockerfile's RUN lines or an entrypoint script decide what the image has.

(A, healthchecks) requirements-dev.txt beside the requirements.txt the image pip installs was taken for
the image's manifest: `mypy app` was advised into 'web' as if it worked there, and `python manage.py
test` named 'django-stubs' as what it needs. (B, DefectDojo's Dockerfile.django-debian) a final stage
installing the requirements file a `RUN --mount=from=build,...` binds was read as installing nothing:
`pytest tests` passed. (C, Buuntu/fastapi-react) the frontend's `ENTRYPOINT ["/bin/bash", "/app/run.sh"]`
with CMD ["start"] runs run.sh's `start) npm start | cat;;`: the package.json `start` script was advised
as a host command although `up` runs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer
from trees import write_tree

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.service_entrypoint import entrypoint_branch

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"


def findings(root: Path, monkeypatch: pytest.MonkeyPatch, path: str = os.environ["PATH"]) -> dict[str, Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = {"PATH": path, "DOCKER_HOST": NO_ENGINE, "HOME": str(root.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    project = Project(ProjectOptions(path=root, env=env))
    return {f.subject.partition(":")[2]: f for f in HostVsContainer().run(project, host)}



def healthchecks(root: Path) -> Path:
    return write_tree(root, {
        "requirements.txt": "doctor-absent-django==5.0\n",
        "requirements-dev.txt": "mypy\ndoctor-absent-django-stubs\n",
        "Dockerfile": "FROM python:3.12\nCOPY requirements.txt /tmp\nRUN pip install -r /tmp/requirements.txt\n"
                      "COPY . /app\n",
        "compose.yaml": "services:\n  web:\n    build: .\n",
        "Makefile": "typecheck:\n\tmypy app\n\ntest:\n\tpython manage.py test\n",
        "manage.py": "import doctor_absent_django\n",
        "app/__init__.py": "",
    })


def test_a_dev_requirements_file_the_image_does_not_install_is_not_its_manifest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # no Python on PATH: the host has none of the packages, mypy neither
    found = findings(healthchecks(tmp_path / "hc"), monkeypatch, path=str(tmp_path / "bin"))
    test = found["python manage.py test"]
    assert "needs 'doctor-absent-django'" in test.message, test.message
    assert "stubs" not in test.message and "does not install" not in test.message
    typecheck = found["mypy app"]
    assert typecheck.message.startswith("'mypy' (make target 'typecheck') needs 'mypy' and 1 more"), typecheck.message
    assert "its image does not install 'mypy' either (requirements-dev.txt lists it for development)" in (
        typecheck.message), typecheck.message
    assert typecheck.fix is not None and typecheck.fix.title.startswith("install 'mypy' in the image")


def test_a_dev_requirements_file_the_image_installs_stays_its_manifest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = healthchecks(tmp_path / "hc")
    write_tree(root, {"Dockerfile": "FROM python:3.12\nCOPY requirements*.txt /tmp/\n"
                               "RUN pip install -r /tmp/requirements.txt -r /tmp/requirements-dev.txt\n"
                               "COPY . /app\n"})
    typecheck = findings(root, monkeypatch, path=str(tmp_path / "bin"))["mypy app"]
    assert "does not install" not in typecheck.message, typecheck.message


MOUNTED = """\
FROM python:3.12-slim AS build
WORKDIR /app
COPY requirements.txt ./
RUN pip wheel --wheel-dir=/tmp/wheels -r requirements.txt

FROM python:3.12-slim
WORKDIR /app
RUN --mount=type=bind,from=build,src=/tmp/wheels,target=/tmp/wheels \\
    --mount=type=bind,from=build,source=/app/requirements.txt,target=/app/requirements.txt \\
    pip install --no-index --find-links=/tmp/wheels -r ./requirements.txt
COPY app/ ./app/
"""


def defectdojo(root: Path, dockerfile: str = MOUNTED) -> Path:
    return write_tree(root, {
        "requirements.txt": "doctor-absent-celery==5.4.0\npytest==8.3.3\n",
        "Dockerfile": dockerfile,
        "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n",
        "Makefile": "test:\n\tpytest tests\n",
        "app/__init__.py": "",
        "tests/test_x.py": "import doctor_absent_celery\n\ndef test_x(): pass\n",
    })


def test_a_requirements_file_a_run_mount_binds_from_a_stage_is_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(defectdojo(tmp_path), monkeypatch)
    test = found["pytest tests"]
    assert "needs 'doctor-absent-celery'" in test.message and "run it in 'web'" in test.message, test.message


def test_a_requirements_file_a_run_mount_binds_from_the_context_is_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dockerfile = ("FROM python:3.12-slim\nWORKDIR /app\n"
                  "RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install -r /tmp/r.txt\n"
                  "COPY app/ ./app/\n")
    found = findings(defectdojo(tmp_path, dockerfile), monkeypatch)
    assert "run it in 'web'" in found["pytest tests"].message


def test_a_run_mount_of_another_stage_file_brings_no_manifest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dockerfile = MOUNTED.replace("source=/app/requirements.txt", "source=/app/other.txt")
    dockerfile = dockerfile.replace("-r ./requirements.txt", "-r ./other.txt")
    assert findings(defectdojo(tmp_path, dockerfile), monkeypatch) == {}


RUN_SH = """\
#!/usr/bin/env bash
case $1 in
  start)
    npm start | cat
    ;;
  *)
    npm "$@"
    ;;
esac
"""


def fastapi_react(root: Path, cmd: str = '["start"]') -> Path:
    return write_tree(root, {
        "compose.yaml": "services:\n  frontend:\n    build: frontend\n    volumes:\n      - ./frontend:/app\n",
        "frontend/Dockerfile": "FROM node:12\nADD package.json /package.json\nRUN npm install\nWORKDIR /app\n"
                               f'ADD . /app\nENTRYPOINT ["/bin/bash", "/app/run.sh"]\nCMD {cmd}\n',
        "frontend/run.sh": RUN_SH,
        "frontend/package.json": '{"dependencies": {"react-scripts": "3.4.3"},\n'
                                 ' "scripts": {"start": "react-scripts start", "test": "react-scripts test"}}\n',
    })


def test_what_the_entrypoint_script_runs_for_its_cmd_is_not_advised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(fastapi_react(tmp_path), monkeypatch)
    assert "react-scripts start" not in found
    assert "react-scripts test" in found  # the other script is still the developer's to run there


def test_another_cmd_leaves_the_start_script_advised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(fastapi_react(tmp_path, '["build"]'), monkeypatch)
    assert "react-scripts start" in found


def test_entrypoint_branch_reads_the_case_of_the_cmd_word(tmp_path: Path) -> None:
    root = fastapi_react(tmp_path)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(root.parent)}
    project = Project(ProjectOptions(path=root, env=env))
    assert entrypoint_branch(project, "frontend", ["start"]) == ["npm start | cat"]
    assert entrypoint_branch(project, "frontend", ["run", "lint"]) == ['npm run lint']
    assert entrypoint_branch(project, "frontend", []) == []
    # a script bigger than a dispatcher is not read
    (root / "frontend" / "run.sh").write_text(RUN_SH + "#" * 70_000 + "\n")
    project = Project(ProjectOptions(path=root, env=env))
    assert entrypoint_branch(project, "frontend", ["start"]) == []


def cookiecutter_django(root: Path, sync: str) -> Path:
    return write_tree(root, {
        "pyproject.toml": '[project]\nname = "myproj"\nversion = "1"\ndependencies = ["doctor-absent-django>=5"]\n\n'
                          '[dependency-groups]\ndev = ["doctor-absent-mypy", "doctor-absent-ruff"]\n',
        "uv.lock": "",
        "Dockerfile": f"FROM python:3.13\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN {sync}\nCOPY . /app\n",
        "compose.yaml": "services:\n  django:\n    build: .\n    volumes:\n      - .:/app:z\n",
        "Makefile": "check:\n\tdoctor-absent-mypy myproj\n\nlint:\n\tdoctor-absent-ruff check .\n",
        "myproj/__init__.py": "",
    })


@pytest.mark.parametrize(("sync", "reported"), [("uv sync --frozen", True), ("uv sync --frozen --no-dev", False)])
def test_the_dev_group_uv_sync_installs_holds_the_linters_a_makefile_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sync: str, reported: bool) -> None:
    """cookiecutter-django's image runs `uv sync`, which installs the dev group (mypy, ruff): a Makefile's
    `mypy myproj` and `ruff check .` belong in 'django', and were never reported (only [project]
    dependencies counted as the image's)."""
    found = findings(cookiecutter_django(tmp_path / "p", sync), monkeypatch)
    check, lint = found.get("doctor-absent-mypy myproj"), found.get("doctor-absent-ruff check .")
    assert (check is not None and lint is not None) is reported, found
    if reported:
        assert check is not None and check.message.startswith(
            "'doctor-absent-mypy' (make target 'check') needs 'doctor-absent-mypy' and 1 more"), check.message
        assert lint is not None and lint.fix is not None
        assert "run --rm django doctor-absent-ruff check ." in lint.fix.title
