"""Piped `up` of a project whose every service has a `container_name:` says which project doctor read it as.

Captured with compose v2.40.3: two services with `container_name:` (why4-db, why4-app), the default network named
`why4-net`, `.env` holding COMPOSE_PROJECT_NAME=envproj, brought up attached as `docker compose -p doctor-audit-why4-x
--progress plain up 2>&1` (app exits 1 on a host that does not resolve), Ctrl+C, `down`, then piped to `doctor why`.
No line carries the project's name, so why read it as .env's `envproj` and said only "project 'envproj' has no
container on the engine"; it now says it read the text as 'envproj', from where, and that an `up -p X` wants `-p X`.
"""

from __future__ import annotations

from pathlib import Path

from test_why_app_connect import UNKNOWN_HOSTS, UNKNOWN_HOSTS_UP
from why_run import run_why

COMPOSE = (
    'services:\n'
    '  db:\n'
    '    image: doctor-test/postgres:17\n'
    '    container_name: why4-db\n'
    '  app:\n'
    '    image: doctor-test/postgres:17\n'
    '    container_name: why4-app\n'
    '    depends_on: [db]\n'
    '    environment:\n'
    '      DB_HOST: postgresserver\n'
    '    entrypoint: ["sh", "-c", "echo \'Error: getaddrinfo ENOTFOUND postgresserver\' >&2; exit 1"]\n'
    'networks:\n'
    '  default:\n'
    '    name: why4-net\n'
)

UP = (
    ' Network why4-net  Creating\n'
    ' Network why4-net  Created\n'
    ' Container why4-db  Creating\n'
    ' Container why4-db  Created\n'
    ' Container why4-app  Creating\n'
    ' Container why4-app  Created\n'
    'Attaching to why4-app, why4-db\n'
    'why4-app  | Error: getaddrinfo ENOTFOUND postgresserver\n'
    '\n'
    '\x1b[Kwhy4-app exited with code 1\n'
    'Gracefully Stopping... press Ctrl+C again to force\n'
    ' Container why4-app  Stopping\n'
    ' Container why4-app  Stopped\n'
    ' Container why4-db  Stopping\n'
    ' Container why4-db  Stopped\n'
    '\n'
)


def _project(tmp_path: Path, env: str = "COMPOSE_PROJECT_NAME=envproj\n") -> Path:
    root = tmp_path / "p6"
    root.mkdir(parents=True)
    (root / "docker-compose.yml").write_text(COMPOSE)
    if env:
        (root / ".env").write_text(env)
    return root


def test_the_assumed_project_and_where_it_comes_from_are_said(tmp_path: Path) -> None:
    done = run_why(_project(tmp_path), UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert ("read as project 'envproj', from COMPOSE_PROJECT_NAME at .env:1; an `up -p X` was project X: give "
            "`doctor why -p X`") in done.stderr, done.stderr
    assert "service-name-drift" in done.stdout, done.stdout


def test_the_folder_name_is_said_without_a_project_variable(tmp_path: Path) -> None:
    done = run_why(_project(tmp_path, env=""), UP)
    assert "read as project 'p6', from the folder's name" in done.stderr, done.stderr


def test_nothing_is_said_where_a_project_is_given_or_named(tmp_path: Path) -> None:
    done = run_why(_project(tmp_path), UP, "-p", "doctor-audit-why4-x")
    assert "names no project" not in done.stderr and "service-name-drift" in done.stdout, (done.stderr, done.stdout)
    other = tmp_path / "named"
    other.mkdir()
    (other / "docker-compose.yml").write_text(UNKNOWN_HOSTS)
    done = run_why(other, UNKNOWN_HOSTS_UP)  # its containers are doctor-audit-why4-p4-node-1, ...
    assert "names no project" not in done.stderr, done.stderr


def test_the_assumed_project_is_in_the_json_facts(tmp_path: Path) -> None:
    import json

    root = _project(tmp_path)
    (root / "sub").mkdir()
    done = run_why(root, UP, "--format", "json", str(root), cwd=root / "sub")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "from COMPOSE_PROJECT_NAME at ../.env:1" in done.stderr, done.stderr  # the console's: from where it runs
    facts = json.loads(done.stdout)["facts"]
    assert facts["assumed_project"] == {  # the document's: from the project directory, as a finding's `file`
        "name": "envproj", "source": "COMPOSE_PROJECT_NAME", "file": ".env", "line": 1,
        "note": "the piped output names no project (its containers have a `container_name:`, and no network or volume "
                "carries the project's name): read as project 'envproj', from COMPOSE_PROJECT_NAME at .env:1; an `up "
                "-p X` was project X: give `doctor why -p X`"}, facts
    folder = json.loads(run_why(_project(tmp_path / "f", env=""), UP, "--format", "json").stdout)["facts"]
    assert folder["assumed_project"]["source"] == "folder" and folder["assumed_project"]["file"] is None, folder
    given = json.loads(run_why(_project(tmp_path / "g"), UP, "-p", "doctor-audit-why4-x", "--format", "json").stdout)
    assert "assumed_project" not in given["facts"], given["facts"]


def test_logs_piped_in_are_not_said_to_come_from_containers_with_a_container_name(tmp_path: Path) -> None:
    """`docker compose logs app | doctor why` (compose's `app-1  |` prefix, no service with a `container_name:`) on
    nickjj/docker-django-example's layout: the stderr note said "its containers have a `container_name:`", which no
    service there has; it now says the log prefix leaves the project's name out."""
    root = tmp_path / "logs"
    root.mkdir()
    (root / ".env").write_text("COMPOSE_PROJECT_NAME=hellodjango\n")
    (root / "compose.yaml").write_text(COMPOSE.replace("    container_name: why4-db\n", "")
                                       .replace("    container_name: why4-app\n", ""))
    done = run_why(root, "app-1  | Error: getaddrinfo ENOTFOUND postgresserver\napp-1 exited with code 1\n")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert ("doctor: the piped output names no project (its lines name containers by compose's log prefix "
            "(`app-1  |`), which leaves the project's name out): read as project 'hellodjango', from "
            "COMPOSE_PROJECT_NAME at .env:1") in done.stderr, done.stderr
    assert "container_name" not in done.stderr, done.stderr
