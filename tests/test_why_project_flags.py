"""The compose commands `doctor why` advises reach the project it diagnosed: `-p NAME` where compose would give these
files another name by itself, and the `-f` files, `--env-file` and `--profile` the run was given.

Before: after `docker compose -p track-b up` (doctor given `-p track-b`, or finding track-b by the containers'
working-directory label), `why` advised `fix 'db' first (...), then `docker compose up` again`, `run 'docker compose
up web'` and `docker compose logs SERVICE`: copied, each acted on the folder's default project (track A of the
port-collision scenario), not track B, the one that failed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from fake_docker_engine import FakeEngine
from why_run import COMPOSE, run_why

# a foreground `up`: db exited, and web could not resolve it
UP_OUTPUT = ("db-1   | FATAL: bad config\ndb-1 exited with code 1\n"
             'web-1  | psycopg2.OperationalError: could not translate host name "db" to address: Name or service not '
             "known\nweb-1 exited with code 1\n")


def _stack(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    return root


def test_the_folder_s_own_project_is_advised_bare(tmp_path: Path) -> None:
    done = run_why(_stack(tmp_path), UP_OUTPUT)
    assert done.returncode == 1, done
    assert "fix      fix 'db' first (its symptom is listed under it), then `docker compose up` again\n" in done.stdout


@pytest.mark.parametrize(("args", "env", "words", "logs"), [
    (("-p", "track-b"), {}, "docker compose -p track-b", "docker compose -p track-b"),
    # the name compose gives the folder by itself: no -p to add, but to a log command, which names it as every one
    # of the report does (`docker compose -p shop logs db`)
    (("-p", "shop"), {}, "docker compose", "docker compose -p shop"),
    (("-p", "track-b"), {"COMPOSE_PROJECT_NAME": "track-b"}, "docker compose",  # this shell names it so already
     "docker compose -p track-b"),
    (("-p", "track-b", "-f", "compose.yaml", "-f", "dev.yaml", "--profile", "debug"), {},
     "docker compose -p track-b -f compose.yaml -f dev.yaml --profile debug",
     "docker compose -p track-b -f compose.yaml -f dev.yaml --profile debug"),
])
def test_a_piped_up_of_another_project_is_advised_with_its_name_and_files(
        tmp_path: Path, args: tuple[str, ...], env: dict[str, str], words: str, logs: str) -> None:
    root = _stack(tmp_path)
    (root / "dev.yaml").write_text("services:\n  web:\n    environment:\n      DEBUG: '1'\n")
    done = run_why(root, UP_OUTPUT, *args, env=env)
    assert done.returncode == 1, done
    assert f"fix      fix 'db' first (its symptom is listed under it), then `{words} up` again\n" in done.stdout, \
        done.stdout
    assert f"look at  the service's log before it exited (`{logs} logs` and its name)" in done.stdout, done.stdout


def test_the_project_found_by_its_working_dir_label_is_advised_with_its_name(tmp_path: Path) -> None:
    """`docker compose -p track-b up` ran in the folder; `doctor why` there without -p reads track-b's containers
    (found by their working-directory label), and its advice names track-b."""
    root = _stack(tmp_path)
    labels = {"com.docker.compose.project": "track-b", "com.docker.compose.project.working_dir": str(root)}

    def listed(target: str) -> list[dict[str, object]]:  # the engine's label filter, of one label
        given = unquote(target.partition("filters=")[2].partition("&")[0])
        key, _, value = (json.loads(given)["label"][0] if given else "=").partition("=")
        return [{"Id": "aaa", "Labels": labels}] if not key or labels.get(key) == value else []

    routes: dict[str, object] = {
        "/containers/json": listed,
        "/containers/aaa/json": {
            "Id": "aaa", "Name": "/track-b-db-1", "RestartCount": 5,
            "State": {"Status": "restarting", "Restarting": True, "ExitCode": 1},
            "Config": {"Labels": {**labels, "com.docker.compose.service": "db"}}},
    }
    engine = FakeEngine(tmp_path / "docker.sock", routes)
    try:
        env = {"DOCKER_HOST": engine.url, "PATH": "/nonexistent"}  # no compose to ask what it would recreate
        done = run_why(root, "", env=env)
        asked = run_why(root, "", "--service", "web", env=env)
    finally:
        engine.close()
    assert "`up` ran in this folder as 'track-b'" in done.stderr, done
    assert "look at  the first error in `docker compose -p track-b logs db`" in done.stdout, done.stdout
    assert asked.returncode == 2, asked
    assert "service 'web' has no container (run 'docker compose -p track-b up web')" in asked.stderr, asked.stderr


def test_compose_words_carry_what_compose_would_not_work_out_by_itself(tmp_path: Path) -> None:
    from doctor.project import Project, ProjectOptions

    root = _stack(tmp_path)
    (root / "dev.yaml").write_text("services: {}\n")
    env = {"PATH": os.environ.get("PATH", "")}

    def words(project_name: str | None = None, files: tuple[Path, ...] = (), profiles: tuple[str, ...] = ()) -> str:
        given = ProjectOptions(path=root, files=files, profiles=profiles, project_name=project_name, env=env, cwd=root)
        return Project(given).compose_words()

    assert words() == "docker compose"
    assert words(project_name="shop") == "docker compose"
    assert words(project_name="track-b") == "docker compose -p track-b"
    assert words(project_name="track-b", profiles=("debug",)) == "docker compose -p track-b --profile debug"
    assert words(files=(root / "compose.yaml", root / "dev.yaml")) == "docker compose -f compose.yaml -f dev.yaml"
    (root / "compose.yaml").write_text("name: shop-a\n" + COMPOSE)  # the files name the project: -p only for another
    assert words(project_name="shop-a") == "docker compose"
    assert words(project_name="shop") == "docker compose -p shop"
