"""`doctor why` on a container whose entrypoint script runs a program its image lacks (exit 127), as busybox, bash and
dash say it (testdrivenio/django-on-docker layout, audit 2026-12).

Before: the project's own `app/entrypoint.sh` (it ends `exec "$@"`) on an image without python exited 127 with
`/usr/src/app/entrypoint.sh: exec: line 17: python: not found`, which `doctor why` read with no signature ("the
service's process exited with an error code ... no signature of doctor's reads it"): command-not-found matched only
the shell's own name before the words (`sh: pytest: not found`), never the script's, nor `exec`'s place in them. Its
look-at then quoted `run --rm --entrypoint sh SERVICE -c 'command -v PROGRAM'`, placeholders to fill by hand.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from why_run import run_why

from doctor.records import replace
from doctor.why.advice import filled
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import line_symptom, readings

# each shell's words, as busybox 1.36, bash 5.2 and dash 0.5 print them for a script and for `sh -c`
SHELL_LINES = [
    "/usr/src/app/entrypoint.sh: line 14: python: not found",  # busybox
    "/usr/src/app/entrypoint.sh: exec: line 17: python: not found",
    "sh: exec: line 0: python: not found",
    "/usr/src/app/entrypoint.sh: line 14: python: command not found",  # bash
    "/usr/src/app/entrypoint.sh: line 17: exec: python: not found",
    "bash: line 1: exec: python: not found",
    "/usr/src/app/entrypoint.sh: 14: python: not found",  # dash
    "/usr/src/app/entrypoint.sh: 17: exec: python: not found",
    "dash: 1: exec: python: not found",
    "web-1  | /usr/src/app/entrypoint.sh: exec: line 17: python: not found",  # compose's prefix
    "/usr/local/bin/docker-entrypoint: line 9: exec: python: not found",  # a script with no suffix
    "entrypoint.sh: line 9: exec: python: not found",
]


@pytest.mark.parametrize("line", SHELL_LINES)
def test_a_script_running_a_program_its_image_lacks_reads_as_command_not_found(line: str) -> None:
    matching = readings(line, BUILTIN)
    assert [s.id for s in matching] == ["command-not-found"], line
    assert line_symptom("web", "", "exited (127)", 127, line, matching).captured == {"program": "python"}


@pytest.mark.parametrize("line", [
    "./docker-entrypoint.sh: line 5: $'\\r': command not found",  # CRLF: the script's fault, not the image's
    "./run.sh: line 3: python\\r: command not found",
    "2024-01-01 ERROR /config/app.yml: 3: key: not found",  # a config file's line is no shell's
    "File /app/main.py: 3: x: not found",
])
def test_other_not_found_lines_are_not_a_missing_program(line: str) -> None:
    assert "command-not-found" not in [s.id for s in readings(line, BUILTIN)], line


def test_the_look_at_command_names_the_service_and_the_program() -> None:
    line = "/usr/src/app/entrypoint.sh: exec: line 17: python: not found"
    symptom = line_symptom("web", "", "exited (127)", 127, line, readings(line, BUILTIN))
    assert symptom.signature is not None
    look = filled(symptom.signature.look_at, symptom)
    assert "`docker compose run --rm --entrypoint sh web -c 'command -v python'`" in look, look
    # a value a shell would need quoted leaves its placeholder; words outside the backticks stay
    odd = replace(symptom, captured={"program": "a'b"})
    assert "-c 'command -v PROGRAM'`" in filled(symptom.signature.look_at, odd)
    assert filled("SERVICE's log: `docker compose logs SERVICE`", symptom) == "SERVICE's log: `docker compose logs web`"


# testdrivenio/django-on-docker (MIT), app/entrypoint.sh at 2023-07-20, unchanged
ENTRYPOINT = """\
#!/bin/sh

if [ "$DATABASE" = "postgres" ]
then
    echo "Waiting for postgres..."

    while ! nc -z $SQL_HOST $SQL_PORT; do
      sleep 0.1
    done

    echo "PostgreSQL started"
fi

python manage.py flush --no-input
python manage.py migrate

exec "$@"
"""
# its docker-compose.yml, the build replaced by a stand-in image that has no python (DATABASE=none: no wait for db)
COMPOSE = """\
services:
  web:
    image: {image}
    entrypoint: /usr/src/app/entrypoint.sh
    command: python manage.py runserver 0.0.0.0:8000
    volumes:
      - ./app/:/usr/src/app/
    env_file:
      - ./.env.dev
    depends_on:
      - db
  db:
    image: {image}
    command: sleep 60
"""
# the foreground `docker compose up` of that project, as compose v2.40 wrote it to a pipe
FOREGROUND_UP = """\
 Container audit-why-e-db-1  Creating
 Container audit-why-e-db-1  Created
 Container audit-why-e-web-1  Creating
 Container audit-why-e-web-1  Created
Attaching to db-1, web-1
web-1  | /usr/src/app/entrypoint.sh: line 14: python: not found
web-1  | /usr/src/app/entrypoint.sh: line 15: python: not found
web-1  | /usr/src/app/entrypoint.sh: exec: line 17: python: not found
\r\x1b[Kweb-1 exited with code 127
"""


def _project(root: Path, image: str) -> None:
    (root / "app").mkdir()
    (root / "app" / "entrypoint.sh").write_text(ENTRYPOINT)
    (root / "app" / "entrypoint.sh").chmod(0o755)
    (root / "docker-compose.yml").write_text(COMPOSE.format(image=image))
    (root / ".env.dev").write_text("DEBUG=1\nDATABASE=none\nSQL_HOST=db\nSQL_PORT=5432\n")


def test_the_piped_foreground_up_names_the_missing_program(tmp_path: Path) -> None:
    _project(tmp_path, "doctor-test/django:dev")
    done = run_why(tmp_path, FOREGROUND_UP)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ web  exited (127), in the piped output" in out, out
    assert "means    the container's command names a program its image does not have on its PATH" in out, out
    # the containers piped in are project audit-why-e's (`up -p audit-why-e`), not the folder's: its commands say so
    assert "`docker compose -p audit-why-e run --rm --entrypoint sh web -c 'command -v python'`" in out, out
    assert "no signature of doctor's reads it" not in out, out


@pytest.mark.docker
def test_the_exited_container_names_the_missing_program(tmp_path: Path, docker_engine: str,
                                                        busybox_image: str) -> None:
    _project(tmp_path, busybox_image)
    name = f"dtest-cnf-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d", "--wait", "web"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=180, env=env)
        assert up.returncode != 0, up
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "1"], cwd=tmp_path,
                       capture_output=True, timeout=120, env=env)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ web  exited (127)" in out, out
    assert "symptom  /usr/src/app/entrypoint.sh: exec: line 17: python: not found" in out, out
    assert "means    the container's command names a program its image does not have on its PATH" in out, out
    assert f"`docker compose -p {name} run --rm --entrypoint sh web -c 'command -v python'`" in out, out
