"""host-vs-container where the command's folder, or a folder it names, reaches no container of the service:
FastAPI-boilerplate (tests/replay/fastapi-boilerplate).

igorbenav/FastAPI-boilerplate's 'web' gets src/app alone (`COPY ./src/app /code/app` and the bind
`./src/app:/code/app`), while its alembic.ini and migrations/ sit in src/ and its tests in tests/. With a
Makefile running `cd src && alembic upgrade head` and `python -m pytest tests` on a host without the
packages, doctor advised `docker compose run --rm web alembic upgrade head` (in /code: "No config file
'alembic.ini' found") and `docker compose run --rm web python -m pytest tests` ("file or directory not
found: tests") as if they worked there. The advice now says which folder is not in the service and what
it holds; a command whose folders the service holds (`cd src/app && python -m pytest`) gets no such note.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "fastapi-boilerplate"

MAKEFILE = ("test:\n\tpython -m pytest tests\n\nmigrate:\n\tcd src && alembic upgrade head\n\n"
            "app-tests:\n\tcd src/app && python -m pytest\n")


def _titles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copies: str = "") -> dict[str, str]:
    import doctor.host.containers

    root = tmp_path / "fastapi-boilerplate"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("COPY ./src/app /code/app\n",
                                                         "COPY ./src/app /code/app\n" + copies))
    (root / "src" / ".env").write_text('POSTGRES_SERVER="db"\nREDIS_QUEUE_HOST="redis"\n')  # the README's own
    (root / "Makefile").write_text(MAKEFILE)
    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    # no Python on PATH: the host has none of the packages
    env = {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path), "DOCKER_HOST": "unix:///nonexistent/doctor-test/x.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    project = Project(ProjectOptions(path=root, env=env))
    return {f.subject: f.fix.title for f in HostVsContainer().run(project, host) if f.fix is not None}


def test_a_folder_the_service_does_not_hold_is_named_in_the_advice(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    titles = _titles(tmp_path, monkeypatch)
    assert titles["web:alembic upgrade head"] == (
        "run it as 'docker compose run --rm web alembic upgrade head' (src, where it runs, is not in 'web', "
        "which holds src/app alone of the project: mount what the command reads there for the run)")
    assert titles["web:python -m pytest tests"] == (
        "run it as 'docker compose run --rm web python -m pytest tests' (tests is not in 'web', which holds "
        "src/app alone of the project: mount what the command reads there for the run)")


def test_a_folder_the_service_holds_gets_no_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    titles = _titles(tmp_path, monkeypatch)
    assert titles["web:python -m pytest"] == "run it as 'docker compose run --rm -w /code/app web python -m pytest'"


ALEMBIC_INI = "COPY ./src/alembic.ini /code/alembic.ini\n"


def test_a_folder_copied_piece_by_piece_where_the_run_starts_gets_no_note(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: with `COPY ./src/alembic.ini /code/alembic.ini` and `COPY ./src/migrations /code/migrations` beside
    src/app, the advice said "(src, where it runs, is not in 'web', which holds src/app, src/migrations alone ...)"
    while /code, where the run starts, holds all alembic reads there; the held list left out the copied file."""
    titles = _titles(tmp_path, monkeypatch, ALEMBIC_INI + "COPY ./src/migrations /code/migrations\n")
    assert titles["web:alembic upgrade head"] == "run it as 'docker compose run --rm web alembic upgrade head'"
    assert titles["web:python -m pytest tests"] == (
        "run it as 'docker compose run --rm web python -m pytest tests' (tests is not in 'web', which holds "
        "src/app, src/migrations, src/alembic.ini alone of the project: mount what the command reads there for "
        "the run)")


@pytest.mark.parametrize("copies", ["COPY ./src/migrations /code/migrations\n", ALEMBIC_INI,
                                    ALEMBIC_INI + "COPY ./src/migrations /code/db/migrations\n"],
                         ids=["no-alembic-ini", "no-script-location", "script-location-elsewhere"])
def test_a_piece_alembic_reads_not_in_place_keeps_the_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           copies: str) -> None:
    title = _titles(tmp_path, monkeypatch, copies)["web:alembic upgrade head"]
    assert title.startswith("run it as 'docker compose run --rm web alembic upgrade head' (src, where it runs, is "
                            "not in 'web', which holds src/app, ")
