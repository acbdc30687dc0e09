"""`--env-file` or COMPOSE_ENV_FILES choose the interpolation env files: compose then reads no
`.env` (penpot's `-f docker/devenv/docker-compose.yaml --env-file docker/devenv/defaults.env`).
env-drift sets a missing variable in the chosen file, and `.env` against `.env.example` is no
compose problem unless a service loads `.env` as its env_file; a fix of an interpolated value
edits the chosen file's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  main:
    image: "${IMG}:latest"
    environment:
      - PENPOT_FLAGS=${PENPOT_FLAGS}
  db:
    image: postgres:15
    environment:
      - POSTGRES_PASSWORD=penpot
"""


def _devenv(tmp_path: Path, compose: str = COMPOSE) -> Path:
    devenv = tmp_path / "docker" / "devenv"
    devenv.mkdir(parents=True)
    (devenv / "docker-compose.yaml").write_text(compose)
    (devenv / "defaults.env").write_text("PENPOT_FLAGS=enable-login\n")
    (devenv / ".env.example").write_text("IMG=penpotapp/devenv\nPENPOT_FLAGS=x\nOTHER=1\n")
    (devenv / ".env").write_text("PENPOT_FLAGS=y\n")
    return devenv


def _run(devenv: Path, how: str) -> list[Finding]:
    compose, chosen = devenv / "docker-compose.yaml", devenv / "defaults.env"
    if how == "--env-file":
        options = ProjectOptions(path=devenv.parent.parent, files=(compose,), env={}, env_files=(chosen,))
    else:
        options = ProjectOptions(path=devenv.parent.parent, files=(compose,),
                                 env={"COMPOSE_ENV_FILES": "docker/devenv/defaults.env"})
    return list(EnvDrift().run(Project(options), Host(env={})))


@pytest.mark.parametrize("how", ["--env-file", "COMPOSE_ENV_FILES"])
def test_a_missing_variable_is_set_in_the_chosen_env_file_not_in_dotenv(tmp_path: Path, how: str) -> None:
    devenv = _devenv(tmp_path)
    found = _run(devenv, how)
    assert [f.subject for f in found] == ["IMG"]  # no `.env.example` key missing from `.env`
    fix = found[0].fix
    assert fix is not None and not fix.edits
    assert fix.title.startswith("set IMG in defaults.env ")  # the project's folder is docker/devenv


def test_the_chosen_env_file_is_compared_with_its_own_template(tmp_path: Path) -> None:
    devenv = _devenv(tmp_path)
    (devenv / "defaults.env.example").write_text("IMG=penpotapp/devenv\nPENPOT_FLAGS=x\n")
    found = _run(devenv, "--env-file")
    assert [f.subject for f in found] == ["IMG"]
    fix = found[0].fix
    assert fix is not None and [e.path for e in fix.edits] == [devenv / "defaults.env"]
    assert "IMG=penpotapp/devenv" in str(fix.edits[0].new)


def test_dotenv_loaded_as_env_file_is_still_compared_with_its_template(tmp_path: Path) -> None:
    devenv = _devenv(tmp_path, COMPOSE.replace("  db:\n", "    env_file: .env\n  db:\n"))
    found = _run(devenv, "--env-file")
    subjects = sorted(f.subject for f in found)
    assert subjects == [".env:IMG", ".env:OTHER", "IMG"]
    assert all(e.path == devenv / ".env" for f in found if f.subject != "IMG" and f.fix for e in f.fix.edits)


def test_with_env_files_disabled_a_missing_variable_is_exported_in_the_shell(tmp_path: Path) -> None:
    devenv = _devenv(tmp_path)
    options = ProjectOptions(path=devenv, env={"COMPOSE_DISABLE_ENV_FILE": "1"})
    found = list(EnvDrift().run(Project(options), Host(env={})))
    assert sorted(f.subject for f in found) == ["IMG", "PENPOT_FLAGS"]
    assert all(f.fix is not None and f.fix.title.startswith(f"export {f.subject} in the shell") for f in found)


@pytest.mark.parametrize("how", ["--env-file", "COMPOSE_ENV_FILES"])
def test_a_host_interpolated_from_the_chosen_env_file_is_fixed_there_not_in_dotenv(tmp_path: Path, how: str) -> None:
    """service-name-drift read `${DB_HOST}` at `.env`'s line (and rewrote it there) while compose
    took it from the --env-file file."""
    from doctor.checks.service_name_drift import ServiceNameDrift

    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    environment:\n"
                                           "      DATABASE_URL: postgresql://app@${DB_HOST}:5432/app\n"
                                           "  postgres:\n    image: postgres:16\n")
    chosen = tmp_path / "defaults.env"
    chosen.write_text("# team defaults\nDB_HOST=postgresserver\n")
    (tmp_path / ".env").write_text("DB_HOST=postgresserver\n")
    env = {} if how == "--env-file" else {"COMPOSE_ENV_FILES": str(chosen)}
    options = ProjectOptions(path=tmp_path, env=env, env_files=(chosen,) if how == "--env-file" else None)
    found = list(ServiceNameDrift().run(Project(options), Host(env={})))
    assert [(f.location.path, f.location.line) for f in found if f.location is not None] == [(chosen, 2)]
    fix = found[0].fix
    assert fix is not None and [(e.path, e.new) for e in fix.edits] == [(chosen, "DB_HOST=postgres")]


def test_a_wait_host_from_the_chosen_env_file_is_judged_and_located_there(tmp_path: Path) -> None:
    """DefectDojo-style `entrypoint: [wait-for-it.sh, '${DB_HOST}:5432', ...]` with the host in the
    file `--env-file` names: compose interpolates it from there (no `.env`), so service-name-drift
    judges that value and points at that file's line."""
    from doctor.checks.service_name_drift import ServiceNameDrift

    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n  app:\n    image: busybox\n"
        "    entrypoint: [/wait-for-it.sh, '${DB_HOST}:5432', --, /app]\n")
    (tmp_path / ".env").write_text("DB_HOST=db\n")  # not read: --env-file replaces it
    (tmp_path / "dev.env").write_text("# dev\nDB_HOST=postgres\n")
    options = ProjectOptions(path=tmp_path, env={}, env_files=(tmp_path / "dev.env",))
    found = list(ServiceNameDrift().run(Project(options), Host(env={})))
    assert [(f.location.path.name, f.location.line) for f in found if f.location is not None] == [("dev.env", 2)]
    assert "postgres" in found[0].message


def test_the_chosen_env_file_is_every_services_file_as_dotenv_is(tmp_path: Path) -> None:
    """leaked-host-port: a service loading `.env` as its env_file is no client of a host port by
    that alone (every service may load the project's file); with `--env-file dev.env`, dev.env is
    that file. A file only that service loads still makes it one."""
    from doctor.checks.leaked_host_port import LeakedHostPort

    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n    ports: ['${POSTGRES_PORT}:5432']\n"
        "  worker:\n    image: busybox\n    env_file: dev.env\n")
    (tmp_path / "dev.env").write_text("POSTGRES_PORT=5433\n")

    def run(files: tuple[Path, ...] | None) -> list[str]:
        options = ProjectOptions(path=tmp_path, env={}, env_files=files)
        return [f.message for f in LeakedHostPort().run(Project(options), Host(env={}))]

    assert run((tmp_path / "dev.env",)) == []
    (tmp_path / ".env").write_text("POSTGRES_PORT=5433\n")
    assert run(None) == ["POSTGRES_PORT=5433 is the host port of 'db', which listens on 5432 inside the network "
                         "('worker' loads POSTGRES_PORT from its own env_file)"]


def _bookwyrm(tmp_path: Path) -> Path:
    """bookwyrm's two env files: `.env` from `.env.example` (REDIS_PORT missing), `.env.dev` from
    `.env.dev.example`; `--env-file .env --env-file .env.dev` chooses both."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  redis:\n    image: busybox\n    command: redis-server --port ${REDIS_PORT} ${LOGLEVEL}\n")
    (tmp_path / ".env.example").write_text("REDIS_PORT=6379\nOTHER=1\nSMTP_HOST=mail\n")
    (tmp_path / ".env").write_text("OTHER=1\n")
    (tmp_path / ".env.dev.example").write_text("DEBUG=true\n")
    (tmp_path / ".env.dev").write_text("DEBUG=true\nSMTP_HOST=dev-mail\n")
    return tmp_path


@pytest.mark.parametrize("how", ["--env-file", "COMPOSE_ENV_FILES"])
@pytest.mark.parametrize("order", [(".env", ".env.dev"), (".env.dev", ".env")])
def test_a_key_goes_to_the_chosen_env_file_whose_template_lists_it(tmp_path: Path, how: str,
                                                                   order: tuple[str, str]) -> None:
    """bookwyrm: `--env-file .env --env-file .env.dev` said "set REDIS_PORT in .env.dev", though
    `.env.example` lists it for `.env`; with one env file the fix added it to `.env` from there."""
    root = _bookwyrm(tmp_path)
    chosen = tuple(root / name for name in order)
    env = {} if how == "--env-file" else {"COMPOSE_ENV_FILES": ",".join(order)}
    options = ProjectOptions(path=root, env=env, env_files=chosen if how == "--env-file" else None)
    found = {f.subject: f for f in EnvDrift().run(Project(options), Host(env={}))}
    assert set(found) == {"REDIS_PORT", "LOGLEVEL"}  # SMTP_HOST: .env.dev sets it, and compose reads both
    fix = found["REDIS_PORT"].fix
    assert fix is not None and fix.title == "add REDIS_PORT to .env from .env.example"
    assert [(e.path, e.new) for e in fix.edits] == [(root / ".env", "# added by doctor from .env.example\n"
                                                                    "REDIS_PORT=6379\n")]
    # no template names LOGLEVEL: the last chosen file, whose value compose takes
    other = found["LOGLEVEL"].fix
    assert other is not None and other.title.startswith(f"set LOGLEVEL in {order[-1]} or give it a default")


def test_each_chosen_env_file_is_compared_with_its_own_template(tmp_path: Path) -> None:
    root = _bookwyrm(tmp_path)
    (root / "compose.yaml").write_text("services:\n  redis:\n    image: busybox\n    env_file: [.env, .env.dev]\n")
    (root / ".env.dev.example").write_text("DEBUG=true\nDEV_ONLY=1\n")
    options = ProjectOptions(path=root, env={}, env_files=(root / ".env", root / ".env.dev"))
    found = {f.subject: f for f in EnvDrift().run(Project(options), Host(env={}))}
    assert set(found) == {"REDIS_PORT", "DEV_ONLY"}
    assert found["REDIS_PORT"].message == "'REDIS_PORT' from .env.example is missing from .env"
    assert found["DEV_ONLY"].message == "'DEV_ONLY' from .env.dev.example is missing from .env.dev"
    edits = {s: [e.path for e in f.fix.edits] for s, f in found.items() if f.fix is not None}
    assert edits == {"REDIS_PORT": [root / ".env"], "DEV_ONLY": [root / ".env.dev"]}
