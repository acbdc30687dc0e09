"""`doctor exec -- make TARGET` follows what preflight says of the target's recipe.

django/djangoproject.com: preflight flags Makefile:32 (`test: @python -m coverage run ... manage test
--verbosity 2 $(APP_LIST)`) as belonging in 'web', but `doctor exec -- make test` printed "running 'make'
here" and failed with "No module named coverage" (DefectDojo's `make test`, `python3 manage.py test
unittests -v2`, alike in 'uwsgi'). Now the recipe's lines run in the service (prerequisites first, as
make runs them); where they belong in different places, the advice is printed and nothing runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from doctor.execute import execute
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions
from doctor.project.make_targets import make_plan
from doctor.project.service_home import service_homes

MAKEFILE = """\
APP_LIST ?= accounts blog
.PHONY: ci test

ci: compilemessages test
\t@python -m coverage report

compilemessages:
\tpython -m manage compilemessages

test:
\t@echo "testing"
\t@python -m coverage run --source=. --module manage test --verbosity 2 $(APP_LIST)

docs:
\tpython -m manage check && git status

here:
\tgit status
"""


def djangoproject(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    project = tmp_path / "djangoproject.com"
    project.mkdir()
    (project / "Makefile").write_text(MAKEFILE)
    (project / "requirements.txt").write_text("doctor-absent-django\ncoverage\n")
    (project / "Dockerfile").write_text(
        "FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        "COPY . .\n")
    (project / "docker-compose.yml").write_text(
        "services:\n  web:\n    build: .\n    volumes:\n      - .:/usr/src/app/\n")
    env, record = recording_docker(tmp_path, "doctorexecmake")
    return project, env, record


def recording_docker(tmp_path: Path, compose_project: str) -> tuple[dict[str, str], Path]:
    """The environment of a run whose `docker` appends each call's arguments to the file returned (one
    call a line, `|` after each word) and exits 0; no engine reachable."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    record = tmp_path / "docker-calls.txt"
    (bin_dir / "docker").write_text(f'#!/bin/sh\nprintf "%s|" "$@" >> {record}\necho >> {record}\n')
    (bin_dir / "docker").chmod(0o755)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
           "HOME": str(tmp_path), "COMPOSE_PROJECT_NAME": compose_project}
    return env, record


def load(project: Path, env: dict[str, str]) -> tuple[Project, Host]:
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return Project(ProjectOptions(path=project, env=env)), host


def calls(record: Path) -> list[list[str]]:
    """Each docker call's words from the service on."""
    found = []
    for line in record.read_text().splitlines():
        words = line.rstrip("|").split("|")
        found.append(words[words.index("web") + 1:])
    return found


def test_make_test_runs_its_recipe_in_the_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    project_dir, env, record = djangoproject(tmp_path)
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["make", "test"], project, host) == 0
    assert "'make test': its recipe belongs in service 'web'" in capfd.readouterr().err
    assert calls(record) == [["python", "-m", "coverage", "run", "--source=.", "--module", "manage", "test",
                              "--verbosity", "2", "accounts", "blog"]]
    record.unlink()
    assert execute(["make", "test", "APP_LIST=blog"], project, host) == 0  # make's command-line value wins
    assert calls(record)[0][-2:] == ["2", "blog"]
    record.unlink()
    assert execute(["make", "ci"], project, host) == 0  # prerequisites first, as make runs them
    assert [c[:3] for c in calls(record)] == [["python", "-m", "manage"], ["python", "-m", "coverage"],
                                              ["python", "-m", "coverage"]]


def test_a_recipe_of_mixed_places_is_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    project_dir, env, record = djangoproject(tmp_path)
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["make", "docs"], project, host) == 1
    said = capfd.readouterr().err
    assert "'make docs' runs commands preflight puts in a service" in said
    assert not record.exists()  # nothing ran, on the host or in the service
    [home] = service_homes(project, host.packages)
    plan = make_plan(project, [home], ["docs"], project_dir)
    assert plan is not None and plan.one_service is None and [line.here for line in plan.lines] == [True]
    plan = make_plan(project, [home], ["here"], project_dir)
    assert plan is not None and plan.services == []  # `git status`: make runs here as before


def test_the_default_goal_is_makes(tmp_path: Path) -> None:
    """`make` alone runs `.DEFAULT_GOAL` where the Makefile sets it (a `help` target above which a
    first `test:` would otherwise be taken for the goal), else the first target that is neither
    special nor a pattern rule."""
    project_dir, env, _ = djangoproject(tmp_path)
    project, host = load(project_dir, env)
    [home] = service_homes(project, host.packages)
    (project_dir / "Makefile").write_text(".DEFAULT_GOAL := here\n" + MAKEFILE)
    plan = make_plan(project, [home], [], project_dir)
    assert plan is not None and [line.target for line in plan.lines] == ["here"]
    (project_dir / "Makefile").write_text("%.txt: %.md\n\tpandoc $< -o $@\n\n" + MAKEFILE)
    plan = make_plan(project, [home], [], project_dir)
    assert plan is not None and plan.lines and plan.lines[-1].target == "ci"


def test_what_doctor_exec_says_of_a_recipe_masks_its_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capfd: pytest.CaptureFixture[str]) -> None:
    """doctor exec's own lines on stderr quote recipe lines and make's command line: a password there
    (`mysql -uroot -pPASSWORD`, `make dbtest DB_PASSWORD=...`, a value the project's .env defines) is masked,
    as in every report; the command's own output never passes through doctor."""
    project_dir, env, _ = djangoproject(tmp_path)
    makefile = project_dir / "Makefile"
    makefile.write_text(makefile.read_text() + "\ndbtest:\n\tpython -m manage test\n"
                        "\tmysql -uroot -pHq4Wz8Nm2Rt6 app\n\tpsql postgresql://app:$(DB_PASSWORD)@db/app\n"
                        "\trabbitmqctl add_user \\\n\t  admin Wk7Rb3Nq9Xs2\n"
                        "\techo Vb6Yh2Jc8Tn4 | docker login -u me --password-stdin registry.example.com\n")
    (project_dir / ".env").write_text("API_TOKEN=Zq8Vw3Lx7Pk2Nj5R\n")
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["make", "dbtest", "DB_PASSWORD=Tm4Gx9Qw2Zr7Kc5B", "TOKEN=Zq8Vw3Lx7Pk2Nj5R"], project, host) == 1
    said = capfd.readouterr().err
    assert "'make dbtest" in said and "Makefile:" in said  # the advice is there, its secrets are not
    assert "rabbitmqctl add_user" in said and "admin ***" in said  # a recipe line continued with `\\`
    assert "--password-stdin registry.example.com" in said  # the flag takes no value: the registry stays
    for secret in ("Hq4Wz8Nm2Rt6", "Tm4Gx9Qw2Zr7Kc5B", "Zq8Vw3Lx7Pk2Nj5R", "Wk7Rb3Nq9Xs2", "Vb6Yh2Jc8Tn4"):
        assert secret not in said, said
    assert type(sys.stderr).__name__ != "_RedactedStderr"  # the border ends with doctor exec
