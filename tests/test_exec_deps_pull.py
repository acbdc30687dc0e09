"""`doctor exec`: the note before a `run` names what compose pulls and builds for the services that `run`
starts along (depends_on, through others too), not only the service's own image; one engine request
answers for all of them, and an engine doctor cannot ask is said, never taken for "nothing to pull"."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine
from test_execute import fake_docker, load

import doctor.execute
from doctor.execute import execute

COMPOSE = """\
services:
  app:
    build: .
    working_dir: /app
    volumes:
      - .:/app
    depends_on:
      - db
  db:
    image: postgres:16
    depends_on:
      redis:
        condition: service_started
  redis:
    image: redis:7
  unrelated:
    image: doctor-test/unrelated:none
"""


def app_project(tmp_path: Path) -> Path:
    """'app' (build:) depends on 'db' (postgres:16), which depends on 'redis' (redis:7); 'unrelated' is
    started by no `run` of 'app'. The host lacks app's packages: `pytest` goes to 'app'."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = ["doctor-absent-package>=1"]\n')
    (project / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\n")
    (project / "compose.yaml").write_text(COMPOSE)
    return project


def notes(said: str) -> list[str]:
    return [line for line in said.splitlines() if line.startswith("doctor: note:")]


def test_the_note_names_the_pulls_of_the_services_the_run_starts_along(
        short_dir: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """The note said `run` builds app's image, and nothing of postgres:16, which compose pulls for 'db'
    first (minutes, or a failure offline); redis:7 is on the engine and is not named."""
    project = app_project(short_dir)
    env, record = fake_docker(short_dir)
    fake = FakeEngine(short_dir / "e.sock", {"/images/json": [{"RepoTags": ["redis:7"]}]})
    env["DOCKER_HOST"] = fake.url
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project)
    try:
        assert execute(["pytest", "-x"], *load(project, env)) == 0
    finally:
        fake.close()
    said = capfd.readouterr().err
    assert "in service 'app' (run;" in said, said
    assert notes(said) == [
        "doctor: note: image 'doctorexecfake-app' of service 'app' is not built yet: compose will build it first; "
        "'app' starts 'db' along (depends_on): compose will pull 'postgres:16' first (which fails without "
        "registry access)"], said
    assert [r for r in fake.requests if r.startswith("/images")] == ["/images/json"]  # one request for all
    argv = record.read_text().splitlines()
    assert argv[argv.index("run"):] == ["run", "--rm", "-T", "app", "pytest", "-x"]


def test_with_every_image_there_no_note_and_a_dependency_to_build_is_named(
        short_dir: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    project = app_project(short_dir)
    env, _record = fake_docker(short_dir)
    tags = ["doctorexecfake-app:latest", "postgres:16", "redis:7"]
    fake = FakeEngine(short_dir / "e.sock", {"/images/json": [{"RepoTags": tags}]})
    env["DOCKER_HOST"] = fake.url
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project)
    try:
        assert execute(["pytest"], *load(project, env)) == 0
        assert notes(capfd.readouterr().err) == []
        # 'db' built from a Dockerfile of its own, and a second dependency to pull: each image named
        # with its service, the build beside the pulls
        compose = COMPOSE.replace("    image: postgres:16\n", "    build: ./db\n").replace(
            "  redis:\n    image: redis:7\n", "  redis:\n    image: redis:7\n  search:\n    image: elasticsearch:8\n")
        compose = compose.replace("      - db\n", "      - db\n      - search\n")
        (project / "compose.yaml").write_text(compose)
        (project / "db").mkdir()
        (project / "db" / "Dockerfile").write_text("FROM postgres:16\n")
        assert execute(["pytest"], *load(project, env)) == 0
    finally:
        fake.close()
    assert notes(capfd.readouterr().err) == [
        "doctor: note: 'app' starts 'db' and 'search' along (depends_on): compose will build 'doctorexecfake-db' "
        "('db') and pull 'elasticsearch:8' ('search') first (which fails without registry access)"]


def test_the_note_says_when_the_engine_cannot_be_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """No answer is no "nothing to pull": the note says doctor could not tell, and which images are at stake."""
    project = app_project(tmp_path)
    env, _record = fake_docker(tmp_path)  # DOCKER_HOST: a socket that does not exist
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project)
    assert execute(["pytest"], *load(project, env)) == 0
    (note,) = notes(capfd.readouterr().err)
    assert note.startswith("doctor: note: could not ask the engine whether it has the images of 'app', 'db' "
                           "and 'redis' ("), note
    assert note.endswith("): compose may build or pull them first (depends_on starts 'db' and 'redis' along)"), note
