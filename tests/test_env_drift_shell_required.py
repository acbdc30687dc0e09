"""env-drift: a variable a service's `sh -c` requires (`$${NAME:?message}`, read by the container's
shell) that its environment does not set.

peeringdb's redis: `command: [sh, -c, 'redis-server --requirepass "$${REDIS_PASSWORD:?...}"']` with
only `env_file: .env`, which its documented setup creates empty (`touch Ctl/dev/.env`): redis exits
at `up`, compose warns of nothing, and preflight said `✓ env-drift`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

REDIS = """\
services:
  redis:
    image: redis:7
    env_file: .env
    command: [sh, -c, 'redis-server --requirepass "$${REDIS_PASSWORD:?not set}"']
"""


def run_check(folder: Path, compose: str, env: str = "", **files: str) -> list[Finding]:
    (folder / "compose.yaml").write_text(compose)
    (folder / ".env").write_text(env)
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text)
    shell = {"PATH": os.environ["PATH"]}
    return list(EnvDrift().run(Project(ProjectOptions(path=folder, env=shell)), Host(env=shell)))


def test_a_required_variable_the_empty_env_file_lacks_is_an_error_at_the_command(tmp_path: Path) -> None:
    (found,) = run_check(tmp_path, REDIS)
    assert found.severity is Severity.ERROR and found.subject == "redis:REDIS_PASSWORD"
    assert found.message == ("'redis' exits at start: its command's sh -c needs REDIS_PASSWORD, "
                             "and its environment does not set it")
    assert found.location is not None and found.location.line == 5
    assert found.fix is not None and found.fix.title == "set REDIS_PASSWORD in .env (the env_file of 'redis')"


@pytest.mark.parametrize(("compose", "env"), [
    (REDIS, "REDIS_PASSWORD=s3cret\n"),  # the env file sets it
    (REDIS.replace("    env_file: .env\n", "    env_file: .env\n    environment:\n      REDIS_PASSWORD: x\n"), ""),
    (REDIS.replace(":?not set", "?not set"), "REDIS_PASSWORD=\n"),  # `?` without `:`: empty is set
    (REDIS.replace(":?not set", ":-none"), ""),  # a default: nothing required
    (REDIS.replace("[sh, -c, '", "[sh, -c, 'export REDIS_PASSWORD=x; "), ""),  # the script sets it first
    (REDIS.replace("[sh, -c, '", "[sh, -c, '. /run/secrets/redis.env && "), ""),  # or may, from a file
    # `NAME: ${NAME}` unset in compose: the unset-variable finding says so, not a second one
    (REDIS.replace("    env_file: .env\n", "    env_file: .env\n    environment:\n"
                   "      REDIS_PASSWORD: ${REDIS_PASSWORD}\n"), ""),
])
def test_a_set_or_optional_variable_is_not_reported(tmp_path: Path, compose: str, env: str) -> None:
    assert not [f for f in run_check(tmp_path, compose, env) if f.subject == "redis:REDIS_PASSWORD"]


def test_set_empty_fails_a_colon_check_too(tmp_path: Path) -> None:
    (found,) = run_check(tmp_path, REDIS, "REDIS_PASSWORD=\n")
    assert found.message.endswith("and its environment sets it empty")


def test_an_entrypoint_script_and_a_dockerfile_env(tmp_path: Path) -> None:
    compose = ("services:\n  app:\n    build: .\n    entrypoint: [/bin/bash, -ec, 'exec app --token \"${TOKEN:?}\" "
               "--key \"$${KEY:?}\"']\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nENV TOKEN=from-image\n")
    (found,) = [f for f in run_check(tmp_path, compose.replace('${TOKEN', '$${TOKEN')) if f.subject.startswith("app:")]
    assert found.subject == "app:KEY" and "its entrypoint's sh -c needs KEY" in found.message
    assert found.fix is not None and found.fix.title == "set KEY in the environment: of 'app'"


def test_the_templates_value_is_appended_once(tmp_path: Path) -> None:
    compose = REDIS.replace("env_file: .env", "env_file: redis.env")
    findings = run_check(tmp_path, compose, redis_env="OTHER=1\n", redis_env_example="REDIS_PASSWORD=changeme\n")
    (found,) = findings  # not also "'REDIS_PASSWORD' from redis.env.example is missing from redis.env"
    assert found.subject == "redis:REDIS_PASSWORD" and found.fix is not None
    assert found.fix.safety is Safety.SAFE
    assert found.fix.title == "add REDIS_PASSWORD to redis.env from redis.env.example"


def test_a_plain_command_runs_no_shell(tmp_path: Path) -> None:
    # a string command is split into words, never run by a shell: the text reaches redis as written
    compose = REDIS.replace("[sh, -c, 'redis-server --requirepass \"$${REDIS_PASSWORD:?not set}\"']",
                            "redis-server --requirepass $${REDIS_PASSWORD:?not set}")
    assert not run_check(tmp_path, compose)


def test_a_dotenv_value_reading_an_unset_shell_variable_is_info(tmp_path: Path) -> None:
    """data-hub's `.env:8 COV_TOKEN=${COV_TOKEN}`: compose warns 'The "COV_TOKEN" variable is not set'
    on every command, whether or not a compose file uses it."""
    compose = "services:\n  app:\n    image: alpine:3.20\n    environment:\n      A: ${A}\n"
    (found,) = run_check(tmp_path, compose, "A=1\nCOV_TOKEN=${COV_TOKEN}\nB=${A}\n")
    assert found.severity is Severity.INFO and found.subject == "COV_TOKEN"
    assert found.location is not None and found.location.line == 2
    assert found.message == ("'COV_TOKEN' is not set in the shell, which .env reads it from: compose substitutes '' "
                             "and warns on every command")
    shell = {"PATH": os.environ["PATH"], "COV_TOKEN": "t"}  # CI sets it
    assert not list(EnvDrift().run(Project(ProjectOptions(path=tmp_path, env=shell)), Host(env=shell)))
