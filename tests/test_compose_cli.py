"""How compose runs on this machine (doctor.host.compose_cache.compose_cli): `docker compose`, or a
standalone `docker-compose` where that is the only compose, for the commands doctor prints and runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from doctor.host import compose_cache
from doctor.host.compose_cache import compose_cli

DOCKER_CLI = shutil.which("docker")


def _program(folder: Path, name: str, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def no_system_plugins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The system plugin folders of this machine (which may hold compose) replaced by empty ones."""
    empty = str(tmp_path / "no-system-plugins")
    monkeypatch.setattr(compose_cache, "UNIX_PLUGIN_DIRS", (empty,))
    monkeypatch.setattr(compose_cache, "SYSTEM_PLUGIN_DIRS", (empty, empty))


def test_docker_compose_when_there_is_no_standalone_compose(tmp_path: Path) -> None:
    assert compose_cli({"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)}) == ("docker", "compose")


def test_a_standalone_compose_without_a_docker_cli(tmp_path: Path, no_system_plugins: None) -> None:
    _program(tmp_path / "bin", "docker-compose")
    assert compose_cli({"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path)}) == ("docker-compose",)


@pytest.mark.skipif(DOCKER_CLI is None, reason="needs the docker CLI (a compiled program)")
def test_a_docker_cli_without_its_compose_plugin_uses_the_standalone_one(tmp_path: Path,
                                                                        no_system_plugins: None) -> None:
    """Debian's docker.io with the docker-compose package: `docker compose` fails there
    ("'compose' is not a docker command"); the advice and `doctor exec` must run docker-compose."""
    assert DOCKER_CLI is not None
    bin_dir = tmp_path / "bin"
    _program(bin_dir, "docker-compose")
    os.symlink(os.path.realpath(DOCKER_CLI), bin_dir / "docker")
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    assert compose_cli(env) == ("docker-compose",)
    _program(tmp_path / ".docker" / "cli-plugins", "docker-compose")  # the plugin installed per user
    assert compose_cli(env) == ("docker", "compose")


def test_a_docker_that_is_not_the_docker_cli_keeps_docker_compose(tmp_path: Path, no_system_plugins: None) -> None:
    """podman's `docker` (a script) runs compose through a provider of its own: doctor cannot tell."""
    _program(tmp_path / "bin", "docker-compose")
    _program(tmp_path / "bin", "docker", "#!/bin/sh\nexec podman \"$@\"\n")
    assert compose_cli({"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path)}) == ("docker", "compose")
