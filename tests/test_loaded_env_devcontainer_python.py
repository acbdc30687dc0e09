"""What a Python app loads from `.env` in a dev container built FROM a dev container python image.

Azure-Samples/msdocs-django-postgresql-sample-app (tests/replay/msdocs-django-postgresql-sample-app):
'app' builds FROM `mcr.microsoft.com/vscode/devcontainers/python:3.12`, binds the checkout, runs
`sleep infinity`, and the developer runs manage.py in it, whose `load_dotenv('./.env')` sets DBHOST and
CACHELOCATION (read by azureproject/settings.py). doctor counted only the official python images as
running Python, so none of that `.env` reached service-name-drift or leaked-host-port: a typo'd
`CACHELOCATION=redis://rediss:6379/0` passed, and so did `DBHOST=localhost` once 'app' left db's
network namespace for the bridge.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_docker_engine import linux_engine_env

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Severity
from doctor.project import ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "msdocs-django-postgresql-sample-app"
CHECKS = ("service-name-drift", "leaked-host-port")


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def _found(tmp_path: Path, env: dict[str, str], dotenv: tuple[str, str] = ("", ""),
           compose: tuple[str, str] = ("", "")) -> list[tuple[str, str, int | None, str]]:
    root = tmp_path / "msdocs"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    for path, (old, new) in ((root / ".env", dotenv), (root / ".devcontainer" / "docker-compose.yml", compose)):
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1) if old else text)
    options = ProjectOptions(path=root / ".devcontainer", env=env)
    report = preflight(RunOptions(project=options, select=CHECKS, env=env), load_registry()).report
    return [(f.check, f.location.path.name if f.location else "", f.location.line if f.location else None, f.message)
            for f in report.findings if f.severity >= Severity.WARNING]


def test_the_upstream_devcontainer_is_clean(tmp_path: Path, env: dict[str, str]) -> None:
    assert _found(tmp_path, env) == []


def test_a_typod_host_in_the_apps_dotenv_is_found(tmp_path: Path, env: dict[str, str]) -> None:
    found = _found(tmp_path, env, dotenv=("redis://redis:6379/0", "redis://rediss:6379/0"))
    assert found == [("service-name-drift", ".env", 5,
                      "CACHELOCATION host 'rediss' names no service on the network (did you mean 'redis'?)")]


def test_localhost_on_the_bridge_is_found(tmp_path: Path, env: dict[str, str]) -> None:
    found = _found(tmp_path, env, compose=("    network_mode: service:db\n", "    depends_on: [db]\n"))
    assert found == [("leaked-host-port", ".env", 2, "DBHOST=localhost is 'app' itself in its container (did you "
                      "mean 'db'?): 'app' reads DBHOST in ../azureproject/settings.py")]
