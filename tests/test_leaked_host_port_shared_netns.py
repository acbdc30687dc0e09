"""leaked-host-port where the service joins another's network namespace (`network_mode: service:db`).

miniflux/v2's .devcontainer (tests/replay/miniflux-devcontainer): 'app' runs in 'db''s namespace, so
`localhost` in app's environment is db (postgres on 5432), not app's own container. A URL to a port
another peer declares (apprise's 8000 once it `expose`s it, redis's 6379 by its image) was reported as
"'localhost' is 'app' itself in its container", which is not what localhost is there; `localhost:5432`
is db itself and right; a port no peer is known to listen on stays unjudged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_docker_engine import linux_engine_env

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Severity
from doctor.project import ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "miniflux-devcontainer"
APP_ENV = "      - ADMIN_PASSWORD=test123\n"


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def _messages(tmp_path: Path, env: dict[str, str], line: str, *edits: tuple[str, str]) -> list[str]:
    root = tmp_path / "miniflux"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / ".devcontainer" / "docker-compose.yml"
    text = compose.read_text()
    for old, new in ((APP_ENV, f"{APP_ENV}      - {line}\n"), *edits):
        assert old in text
        text = text.replace(old, new)
    compose.write_text(text)
    options = ProjectOptions(path=root / ".devcontainer", env=env)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=env), load_registry()).report
    return [f.message for f in report.findings if f.check == "leaked-host-port" and f.severity >= Severity.WARNING]


def test_a_port_apprise_exposes_is_reported_as_dbs_namespace(tmp_path: Path, env: dict[str, str]) -> None:
    found = _messages(tmp_path, env, "APPRISE_URL=http://localhost:8000",
                      ("    hostname: apprise\n", "    hostname: apprise\n    expose:\n      - \"8000\"\n"))
    assert found == ["APPRISE_URL host 'localhost' is 'db' in 'app', whose network namespace it joins by "
                     "network_mode: service:db (did you mean 'apprise'?): 'app' sets APPRISE_URL in its environment"]


def test_a_known_images_port_is_reported(tmp_path: Path, env: dict[str, str]) -> None:
    found = _messages(tmp_path, env, "REDIS_URL=redis://localhost:6379/0", ("caronc/apprise:1.0", "redis:7"))
    assert len(found) == 1 and found[0].startswith("REDIS_URL host 'localhost' is 'db' in 'app', whose network "
                                                   "namespace it joins by network_mode: service:db"), found


@pytest.mark.parametrize("line", ["DATABASE_URL=postgres://postgres:postgres@localhost:5432/miniflux2?sslmode=disable",
                                  "APPRISE_URL=http://localhost:8000"])
def test_db_itself_and_a_port_no_peer_declares_stay_silent(tmp_path: Path, env: dict[str, str], line: str) -> None:
    assert _messages(tmp_path, env, line) == []
