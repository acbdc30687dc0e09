"""The installed compose's version is remembered while the programs it came from are unchanged."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from doctor.host import compose_cache
from doctor.host.facts import compose_version

DOCKER = """#!/bin/sh
echo run >> "{log}"
{delay}
[ "$1" = compose ] && [ "$2" = version ] && echo "Docker Compose version v{version}" && exit 0
exit 1
"""


def fake_docker(folder: Path, log: Path, version: str = "2.40.3", delay: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "docker"
    program.write_text(DOCKER.format(log=log, version=version, delay=delay))
    program.chmod(0o755)
    return program


def runs(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir()
    return {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
            "XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_the_version_is_asked_once_while_nothing_changes(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    assert compose_version(env, 5) == (2, 40, 3)
    assert compose_version(env, 5) == (2, 40, 3)
    assert runs(log) == 1


def test_a_changed_docker_is_asked_again(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    assert compose_version(env, 5) == (2, 40, 3)
    time.sleep(0.01)
    fake_docker(tmp_path / "bin", log, version="2.41.0")  # an upgrade rewrites the program
    assert compose_version(env, 5) == (2, 41, 0)
    assert runs(log) == 2


def test_a_plugin_appearing_where_docker_looks_is_asked_again(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_version(env, 5)
    plugins = Path(env["HOME"]) / ".docker" / "cli-plugins"
    plugins.mkdir(parents=True)
    (plugins / "docker-compose").write_text("#!/bin/sh\n")
    compose_version(env, 5)
    assert runs(log) == 2


def test_no_cache_asks_every_time(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    off = {**env, "DOCTOR_NO_CACHE": "1"}
    compose_version(off, 5)
    compose_version(off, 5)
    assert runs(log) == 2 and not (tmp_path / "cache").exists()


def test_a_timeout_is_not_remembered(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, delay="sleep 5")
    assert compose_version(env, 0.3) is None
    assert not (tmp_path / "cache" / "doctor" / compose_cache.FILE).exists()


def test_no_compose_is_remembered_too(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, version="x")  # answers, but no version in it
    assert compose_version(env, 5) is None
    assert compose_version(env, 5) is None
    assert runs(log) == 1


def test_an_old_or_damaged_entry_is_a_miss(tmp_path: Path, env: dict[str, str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_version(env, 5)
    monkeypatch.setattr(compose_cache, "MAX_AGE", -1.0)
    compose_version(env, 5)
    monkeypatch.setattr(compose_cache, "MAX_AGE", 3600.0)
    (tmp_path / "cache" / "doctor" / compose_cache.FILE).write_text("[1, 2")
    assert compose_version(env, 5) == (2, 40, 3)
    assert runs(log) == 3
    assert os.path.getsize(tmp_path / "cache" / "doctor" / compose_cache.FILE) > 10
