"""`doctor why < up.log` reads the project the pasted `up` command line names: its `-p`, `-f`, `--profile`,
`--env-file` and `--project-directory` (and a `COMPOSE_PROJECT_NAME=...` prefix) as if given to `doctor why`, unless
`doctor why` was given the same kind of option (then the user's wins, and stderr says so when they disagree).

Before: `$ docker compose -p track-b up -d` or `docker compose -f docker-compose.dev.yml --profile debug up` pasted
above the output, and `doctor why < up.log` run in the folder, diagnosed the folder's default project (track A of the
port-collision scenario, the default files, no profile): the dev file's `mailer` that failed was `(all services)`
with no finding to explain it, and the fix said `docker compose up`, which acts on track A.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from why_run import COMPOSE, run_why

# the dev file: a service only it has, under a profile, that dials a host no service is
DEV = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: p
  mailer:
    image: busybox
    profiles: [debug]
    environment:
      SMTP_HOST: smtp
"""
DEV_OUTPUT = ("Attaching to db-1, mailer-1\ndb-1      | database system is ready to accept connections\n"
              "mailer-1  | nc: bad address 'smtp'\nmailer-1 exited with code 1\n")
# a foreground `up`: db exited, and web could not resolve it
UP_OUTPUT = ("db-1   | FATAL: bad config\ndb-1 exited with code 1\n"
             'web-1  | psycopg2.OperationalError: could not translate host name "db" to address: Name or service not '
             "known\nweb-1 exited with code 1\n")
FIX = "fix      fix 'db' first (its symptom is listed under it), then `{} up` again\n"
TAKEN = "doctor: using {} from the `up` command line in the text\n"


def _stack(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "docker-compose.dev.yml").write_text(DEV)
    return root


def _taken_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "`up` command line" in line]


@pytest.mark.parametrize(("line", "expected"), [
    ("$ docker compose -p track-b up -d", {"project_name": "track-b"}),
    ("me@box:~/shop$ docker compose -f docker-compose.dev.yml --profile debug up",
     {"files": ("docker-compose.dev.yml",), "profiles": ("debug",)}),
    ("+ docker compose --file=a.yml -fb.yml --profile=x --env-file .env.dev --project-directory app -ptrack-c up web",
     {"files": ("a.yml", "b.yml"), "profiles": ("x",), "env_files": (".env.dev",), "project_directory": "app",
      "project_name": "track-c", "services": ("web",)}),
    ("$ COMPOSE_PROJECT_NAME=track-b docker compose up", {"project_name": "track-b", "name_from_env": True}),
    ("+ FOO=1 COMPOSE_PROJECT_NAME=track-b docker compose up -d db",
     {"project_name": "track-b", "name_from_env": True, "services": ("db",)}),
    ("$ COMPOSE_PROJECT_NAME=track-b docker compose -p track-c up", {"project_name": "track-c"}),  # -p wins
    ("$ docker compose up -d -p track-b -f dev.yml db", {"project_name": "track-b", "files": ("dev.yml",),
                                                         "services": ("db",)}),  # compose's options after `up`
    ("$ docker compose up -d", {}),
])
def test_compose_s_own_options_on_the_up_command_line(line: str, expected: dict[str, object]) -> None:
    from doctor.records import replace
    from doctor.why.up_line import UpCommand, up_command

    assert up_command(f"{line}\n Container p-db-1  Started\n") == replace(UpCommand(), **expected)


def test_the_dev_file_and_profile_of_the_pasted_up_are_read(tmp_path: Path) -> None:
    root = _stack(tmp_path)
    text = f"me@box:~/shop$ docker compose -f docker-compose.dev.yml --profile debug up\n{DEV_OUTPUT}"
    done = run_why(root, text)
    assert done.returncode == 1, done
    assert "✗ mailer  exited (1), in the piped output" in done.stdout, done.stdout
    assert "cause    service-name-drift  docker-compose.dev.yml:10" in done.stdout, done.stdout
    assert "web" not in done.stdout, done.stdout  # only in compose.yaml, which that `up` did not read
    assert _taken_lines(done.stderr) == [TAKEN.format("-f docker-compose.dev.yml --profile debug").strip()], \
        done.stderr
    # the same as `doctor why -f docker-compose.dev.yml --profile debug` with the output alone
    given = run_why(root, DEV_OUTPUT, "-f", "docker-compose.dev.yml", "--profile", "debug")
    assert given.stdout == done.stdout, given


@pytest.mark.parametrize("command", ["$ docker compose -p track-b up",
                                     "$ COMPOSE_PROJECT_NAME=track-b docker compose up",
                                     "2024-05-01T10:00:00Z Run docker compose --project-name=track-b up"])
def test_the_project_name_of_the_pasted_up_is_read(tmp_path: Path, command: str) -> None:
    done = run_why(_stack(tmp_path), f"{command}\n{UP_OUTPUT}")
    assert done.returncode == 1, done
    assert done.stdout.startswith("doctor why . (compose project 'track-b')\n"), done.stdout
    assert FIX.format("docker compose -p track-b") in done.stdout, done.stdout
    said = "COMPOSE_PROJECT_NAME=track-b" if "COMPOSE_PROJECT_NAME" in command else "-p track-b"
    assert _taken_lines(done.stderr) == [TAKEN.format(said).strip()], done.stderr


def test_the_user_s_own_options_win(tmp_path: Path) -> None:
    root = _stack(tmp_path)
    text = f"$ docker compose -p track-b -f docker-compose.dev.yml up\n{UP_OUTPUT}"
    done = run_why(root, text, "-p", "track-c", "-f", "compose.yaml")
    assert done.stdout.startswith("doctor why . (compose project 'track-c')\n"), done.stdout
    assert FIX.format("docker compose -p track-c") in done.stdout, done.stdout  # compose finds compose.yaml itself
    assert _taken_lines(done.stderr) == [
        "doctor: using -p track-c -f compose.yaml given to doctor why, not the `up` command line's -p track-b "
        "-f docker-compose.dev.yml"], done.stderr
    # the same name given: nothing to say, and the files the user did not give are the line's
    same = run_why(root, text, "-p", "track-b")
    assert _taken_lines(same.stderr) == [TAKEN.format("-f docker-compose.dev.yml").strip()], same.stderr


def test_the_env_file_and_project_directory_of_the_pasted_up_are_read(tmp_path: Path) -> None:
    root = _stack(tmp_path)
    (root / ".env.dev").write_text("COMPOSE_PROJECT_NAME=track-d\n")
    done = run_why(root.parent, f"$ docker compose --project-directory shop --env-file shop/.env.dev up\n{UP_OUTPUT}",
                cwd=root.parent)
    assert done.returncode == 1, done
    assert done.stdout.startswith("doctor why shop (compose project 'track-d')\n"), done.stdout
    # from here, as `doctor why shop` advises: the files compose would not find by itself, and the env file
    assert FIX.format("docker compose -f shop/compose.yaml --env-file shop/.env.dev") in done.stdout, done.stdout
    assert _taken_lines(done.stderr) == [
        TAKEN.format("--env-file shop/.env.dev --project-directory shop").strip()], done.stderr


@pytest.mark.parametrize("command", ["", "$ docker compose up", "+ docker compose up --no-deps -d db web 2>&1"])
def test_a_text_with_no_such_option_reads_as_before(tmp_path: Path, command: str) -> None:
    root = _stack(tmp_path)
    done = run_why(root, f"{command}\n{UP_OUTPUT}" if command else UP_OUTPUT)
    assert done.stdout.startswith("doctor why . (compose project 'shop')\n"), done.stdout
    assert FIX.format("docker compose") in done.stdout, done.stdout
    assert _taken_lines(done.stderr) == [], done.stderr


def test_a_file_or_name_compose_could_not_have_read_is_not_taken(tmp_path: Path) -> None:
    """A pasted `-f` that is not here (another machine's path) is said and left; a `-p` compose refuses is left to
    the refusal's own diagnosis (the name, the rule, the name to use)."""
    root = _stack(tmp_path)
    done = run_why(root, f"$ docker compose -f /elsewhere/ci.yml -p track-b up\n{UP_OUTPUT}")
    assert done.stdout.startswith("doctor why . (compose project 'track-b')\n"), done.stdout
    assert _taken_lines(done.stderr) == [
        "doctor: the `up` command line in the text names -f /elsewhere/ci.yml, which is not here: not using its -f",
        TAKEN.format("-p track-b").strip()], done.stderr
    refused = 'invalid project name "Track-B": must consist only of lowercase alphanumeric characters\n'
    bad = run_why(root, f"$ docker compose -p Track-B up\n{refused}")
    assert "compose refused the project name 'Track-B'" in bad.stdout, bad.stdout
    assert _taken_lines(bad.stderr) == [], bad.stderr


def test_the_containers_of_the_project_the_line_names_are_read(tmp_path: Path) -> None:
    """track-b's containers on the engine, labelled with no folder of this one (its `up` ran in another checkout):
    the pasted `up -p track-b` line is what names them; of the text, only that line is used."""
    import json
    from urllib.parse import unquote

    from fake_docker_engine import FakeEngine

    root = _stack(tmp_path)
    labels = {"com.docker.compose.project": "track-b", "com.docker.compose.service": "db"}

    def listed(target: str) -> list[dict[str, object]]:  # the engine's label filter, of one label
        given = unquote(target.partition("filters=")[2].partition("&")[0])
        key, _, value = (json.loads(given)["label"][0] if given else "=").partition("=")
        return [{"Id": "aaa"}] if not key or labels.get(key) == value else []

    routes: dict[str, object] = {
        "/containers/json": listed,
        "/containers/aaa/json": {"Id": "aaa", "Name": "/track-b-db-1", "RestartCount": 5,
                                 "State": {"Status": "restarting", "Restarting": True, "ExitCode": 1},
                                 "Config": {"Labels": labels}},
    }
    engine = FakeEngine(tmp_path / "docker.sock", routes)
    try:
        environ = {k: v for k, v in os.environ.items() if k != "COMPOSE_PROJECT_NAME"}
        done = subprocess.run([sys.executable, "-m", "doctor", "why"], cwd=root, capture_output=True, text=True,
                              timeout=120, input="$ docker compose -p track-b up -d\n",
                              env={**environ, "DOCKER_HOST": engine.url, "HOME": str(root), "PATH": "/nonexistent"})
    finally:
        engine.close()
    assert done.stdout.startswith("doctor why . (compose project 'track-b')\n"), done
    assert "look at  the first error in `docker compose -p track-b logs db`" in done.stdout, done.stdout
    assert _taken_lines(done.stderr) == [
        TAKEN.format("-p track-b").strip(),
        "doctor: of the piped text only its `up` command line is used (the project it names): the containers `up` "
        "left on the engine say more (their state, the engine's error, their logs)"], done.stderr


def test_an_env_file_compose_could_not_find_explains_its_refusal(tmp_path: Path) -> None:
    """`up --env-file .env.local` refused: taken, the env file is the project's, and compose-config's finding that
    it is missing explains the refusal (with the output alone, no finding did)."""
    root = _stack(tmp_path)
    refusal = f"env file {root}/.env.local not found: stat {root}/.env.local: no such file or directory\n"
    done = run_why(root, f"$ docker compose --env-file .env.local up -d\n{refusal}")
    assert done.returncode == 1, done
    assert "cause    compose-config  .env.local\n" in done.stdout, done.stdout
    assert _taken_lines(done.stderr) == [TAKEN.format("--env-file .env.local").strip()], done.stderr
