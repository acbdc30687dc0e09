"""An entrypoint script that destroys data before it hands the command on (`exec "$@"`): doctor
reads it, `doctor exec` never starts it without a yes on a terminal, and host-vs-container's `run`
advice skips it with `--entrypoint ''`, saying why.

django-on-docker's app/entrypoint.sh runs `python manage.py flush --no-input` before `exec "$@"`:
`doctor exec -- python manage.py test` with 'web' down ran `docker compose run --rm web python manage.py
test`, which flushed the dev database before the tests, without a word.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_execute import fake_docker, load

import doctor.exec_wipe
import doctor.execute
from doctor.execute import execute
from doctor.project.entrypoint_wipes import wipes

# testdrivenio/django-on-docker's app/entrypoint.sh, as it is
DJANGO_ON_DOCKER = """\
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


def found(text: str) -> list[tuple[int, str]]:
    return [(line, command) for line, command, _, _ in wipes(text)]


def test_the_real_entrypoint_flushes_before_it_hands_the_command_on() -> None:
    assert list(wipes(DJANGO_ON_DOCKER)) == [
        (14, "python manage.py flush --no-input", "Django's flush: deletes every row of the database", False)]


def test_near_misses_are_not_wipes() -> None:
    script = "\n".join([
        "#!/bin/sh",
        "set -e",
        "./wait-for-it.sh db:5432 -- echo ready",
        "python manage.py migrate --noinput",
        "python manage.py collectstatic --no-input",
        "python manage.py sqlflush",  # prints SQL, runs none
        "bundle exec rails db:prepare",
        "bundle exec rails db:migrate",
        "rm -f /tmp/*.pid",
        "rm -rf /tmp/data /var/run/app",
        "rm -f /app/tmp/pids/server.pid",
        'rm -rf "$BUILD_DIR"',
        'echo "run rails db:reset to start over"',  # printed, not run
        "truncate -s 0 /var/log/app.log",  # coreutils' truncate of a log, not SQL
        "knex migrate:rollback",
        "flask db upgrade",
        "cat <<EOF > /etc/motd",
        "DROP DATABASE is not run from here",  # a here-document to cat is text
        "EOF",
        "# python manage.py flush --no-input",
        'exec "$@"',
        "python manage.py flush --no-input",  # after exec: never runs
    ])
    assert found(script) == []
    # a script that hands nothing on is not read (a `run` replaces it with --entrypoint '')
    assert found("#!/bin/sh\npython manage.py flush --no-input\nexec gunicorn app.wsgi\n") == []


def test_each_documented_wipe_is_found_at_its_line() -> None:
    commands = [
        "python manage.py reset_db --noinput",
        "django-admin flush --no-input",
        "python manage.py sqlflush | python manage.py dbshell",
        "flask db downgrade base",
        "alembic downgrade base",
        "bundle exec rails db:reset",
        "bin/rails db:drop db:create db:migrate",
        "rake db:schema:load",
        "rails db:setup",
        "npx prisma migrate reset --force",
        "npx prisma db push --force-reset",
        "npx sequelize-cli db:drop",
        "knex migrate:rollback --all",
        "PGPASSWORD=x dropdb -h db app",
        'psql -h db -c "DROP SCHEMA public CASCADE"',
        "echo 'truncate table users;' | mysql -h db app",
        "rm -rf /var/lib/postgresql/data/*",
        "rm -f /usr/src/app/db.sqlite3",
        'rm -rf "$PGDATA"',
        'su postgres -c "dropdb app"',
        "exec gosu app python manage.py flush --no-input",  # not the hand-off: it reads no "$@"
    ]
    script = "#!/bin/sh\n" + "\n".join(commands) + '\nexec gosu app "$@"\n'
    assert found(script) == [(n, c) for n, c in enumerate(commands, start=2)]
    heredoc = "#!/bin/bash\npsql -h db <<-'SQL'\n\tDROP DATABASE app;\nSQL\nexec \"$@\"\n"
    assert found(heredoc) == [(3, "DROP DATABASE app;")]


def test_a_guarded_wipe_may_run() -> None:
    script = ('#!/bin/sh\nif [ "$RESET" = 1 ]; then\n  python manage.py flush --no-input\nfi\n'
              '[ -n "$X" ] && dropdb app\nexec "$@"\n')
    assert [(line, conditional) for line, _, _, conditional in wipes(script)] == [(3, True), (5, True)]


COMPOSE = """\
services:
  web:
    build: ./app
    image: {image}
    entrypoint: ["/bin/sh", "/app/entrypoint.sh"]
    command: ["sleep", "300"]
    working_dir: /app
    volumes:
      - ./app:/app
"""
STAND_IN_ENTRYPOINT = '#!/bin/sh\necho flush >> /app/marker.txt\nrm -rf /app/data\nexec "$@"\n'


def wiping_project(root: Path, image: str = "doctor-busybox:test", entrypoint: str = STAND_IN_ENTRYPOINT) -> Path:
    """'web' (its packages missing on the host) whose entrypoint script, bind-mounted, writes a marker
    and deletes /app/data before `exec "$@"`: a stand-in for django-on-docker's flush."""
    project = root / "proj"
    (project / "app" / "data").mkdir(parents=True)
    (project / "app" / "data" / "rows").write_text("the user's bytes\n")
    (project / "app" / "pyproject.toml").write_text(
        '[project]\nname = "api"\nversion = "1"\ndependencies = ["doctor-absent-package>=1"]\n')
    (project / "app" / "Dockerfile").write_text("FROM scratch\n")
    (project / "app" / "entrypoint.sh").write_text(entrypoint)
    (project / "compose.yaml").write_text(COMPOSE.format(image=image))
    return project


def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.exec_wipe, "_terminal_ask", lambda: None)


def answering(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[str]:
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        return answer

    terminal: Callable[[], Callable[[str], bool]] = lambda: ask  # noqa: E731
    monkeypatch.setattr(doctor.exec_wipe, "_terminal_ask", terminal)
    return asked


def test_without_a_terminal_exec_runs_nothing_and_says_the_two_ways(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    project_dir = wiping_project(tmp_path)
    env, record = fake_docker(tmp_path)
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project_dir / "app")
    no_terminal(monkeypatch)
    assert execute(["sh", "-c", "echo hi"], *load(project_dir, env)) == 1
    said = capfd.readouterr().err.strip()
    assert not record.exists()  # docker never ran
    assert said.splitlines() == [
        "doctor exec: not run: a `run` of 'web' starts its entrypoint first, and app/entrypoint.sh:3 runs "
        "`rm -rf /app/data` (deletes a data path); run past it: `docker compose run --rm --entrypoint '' web sh -c "
        "'echo hi'`, or start 'web' first, knowing its start does that (`docker compose up -d web`), then "
        "`doctor exec` runs the command in it"]


def test_on_a_terminal_a_yes_runs_past_the_entrypoint_and_a_no_runs_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    project_dir = wiping_project(tmp_path)
    env, record = fake_docker(tmp_path)
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project_dir / "app")
    asked = answering(monkeypatch, False)
    assert execute(["sh", "-c", "echo hi"], *load(project_dir, env)) == 1
    assert not record.exists() and len(asked) == 1
    assert "entrypoint.sh:3 runs `rm -rf /app/data`" in capfd.readouterr().err
    answering(monkeypatch, True)
    assert execute(["sh", "-c", "echo hi"], *load(project_dir, env)) == 0
    argv = record.read_text().splitlines()
    assert argv[argv.index("run"):] == ["run", "--rm", "-T", "--entrypoint", "", "web", "sh", "-c", "echo hi"]


def test_exec_into_a_running_service_and_an_entrypoint_that_wipes_nothing_are_not_asked_about(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project_dir = wiping_project(tmp_path)
    env, record = fake_docker(tmp_path)
    monkeypatch.chdir(project_dir / "app")
    asked = answering(monkeypatch, False)
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)  # `exec` skips the entrypoint
    assert execute(["sh", "-c", "echo hi"], *load(project_dir, env)) == 0
    assert "exec" in record.read_text().splitlines()
    (project_dir / "app" / "entrypoint.sh").write_text("#!/bin/sh\npython manage.py migrate\nexec \"$@\"\n")
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    assert execute(["sh", "-c", "echo hi"], *load(project_dir, env)) == 0
    argv = record.read_text().splitlines()
    assert "--entrypoint" not in argv and "run" in argv and asked == []


def test_the_advice_to_run_skips_the_entrypoint_and_names_what_it_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """preflight's `run` advice led to the same wipe: it now adds `--entrypoint ''`, saying why."""
    from doctor.checks.host_vs_container import HostVsContainer

    import doctor.host.containers

    project_dir = wiping_project(tmp_path)
    (project_dir / "Makefile").write_text("test:\n\tcd app && pytest\n")
    env, _ = fake_docker(tmp_path)
    hazard = ("a `run` starts the entrypoint first, and app/entrypoint.sh:3 runs `rm -rf /app/data` "
              "(deletes a data path)")
    (finding,) = HostVsContainer().run(*load(project_dir, env))  # the engine cannot say whether 'web' is up
    assert finding.fix is not None
    assert finding.fix.title.endswith(f"(use `run --rm --entrypoint ''` instead of 'exec' if it is not up: {hazard})")
    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    (finding,) = HostVsContainer().run(*load(project_dir, env))
    assert finding.fix is not None and finding.fix.command is not None
    command = list(finding.fix.command)
    assert command[command.index("run"):] == ["run", "--rm", "--entrypoint", "", "web", "pytest"]
    assert finding.fix.title.endswith(f"(`--entrypoint ''`: {hazard})")


@pytest.fixture
def stand_in(tmp_path: Path, docker_engine: str, compose_bin: str, busybox_image: str) -> Iterator[Path]:
    project_dir = wiping_project(tmp_path, busybox_image)
    yield project_dir
    subprocess.run([docker_engine, "compose", "down", "-v", "-t", "0", "--remove-orphans"], cwd=project_dir,
                   env=project_env(tmp_path), capture_output=True)


def project_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "COMPOSE_PROJECT_NAME": f"doctorwipe{os.getpid()}{tmp_path.name[-6:].lower()}"}


@pytest.mark.docker
def test_the_stand_ins_entrypoint_never_runs_when_exec_has_no_terminal(
        stand_in: Path, tmp_path: Path, docker_engine: str, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    env = project_env(tmp_path)
    monkeypatch.chdir(stand_in / "app")
    no_terminal(monkeypatch)
    marker, data = stand_in / "app" / "marker.txt", stand_in / "app" / "data" / "rows"
    assert execute(["sh", "-c", "echo ran > /app/ran.txt"], *load(stand_in, env)) == 1
    assert "doctor exec: not run" in capfd.readouterr().err
    assert not marker.exists() and data.is_file() and not (stand_in / "app" / "ran.txt").exists()
    # a yes on a terminal: the command runs, past the entrypoint
    answering(monkeypatch, True)
    assert execute(["sh", "-c", "echo ran > /app/ran.txt"], *load(stand_in, env)) == 0
    assert (stand_in / "app" / "ran.txt").read_text() == "ran\n"
    assert not marker.exists() and data.is_file()
    # the control: a plain `run` goes through the stand-in's entrypoint, which wipes
    subprocess.run([docker_engine, "compose", "run", "--rm", "-T", "web", "true"], cwd=stand_in, env=env,
                   check=True, capture_output=True)
    assert marker.read_text() == "flush\n" and not data.exists()
