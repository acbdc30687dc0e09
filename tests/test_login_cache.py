"""The login-PATH cache: reused while nothing changed, dropped when a startup file or PATH changes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from doctor.host import login_cache, shell
from doctor.host.shell import ShellPaths

BASH = "/bin/bash"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / ".bash_profile").write_text('export PATH="/usr/bin:/bin:/opt/first"\n')
    return folder


def read(paths: ShellPaths) -> tuple[str, ...]:
    """Ask for the login PATH (through the cache, as the path-gap check does)."""
    return paths.login.entries


def env_for(home: Path, **more: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": BASH, **more}


def spawns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the login shells really started."""
    started: list[str] = []
    real = shell.spawn_login_shell

    def counting(name: str, env: dict[str, str]) -> object:
        started.append(name)
        return real(name, env)

    monkeypatch.setattr(shell, "spawn_login_shell", counting)
    return started


def test_second_run_reads_the_cache(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    first = ShellPaths(env_for(home)).login
    second = ShellPaths(env_for(home)).login
    assert first.entries == second.entries == ("/usr/bin", "/bin", "/opt/first")
    assert started == [BASH]
    assert (home / ".cache" / "doctor" / "login-path-2.json").is_file()


def test_a_changed_profile_is_read_again(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    read(ShellPaths(env_for(home)))
    (home / ".bash_profile").write_text('export PATH="/usr/bin:/bin:/opt/second/bin"\n')
    assert ShellPaths(env_for(home)).login.entries[-1] == "/opt/second/bin"
    assert len(started) == 2


def test_another_inherited_path_is_another_entry(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    read(ShellPaths(env_for(home)))
    read(ShellPaths(env_for(home, PATH="/usr/bin")))
    assert len(started) == 2


def test_an_old_entry_expires(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    read(ShellPaths(env_for(home)))
    later = time.time() + login_cache.MAX_AGE + 1
    monkeypatch.setattr(login_cache.time, "time", lambda: later)
    read(ShellPaths(env_for(home)))
    assert len(started) == 2


def test_no_cache_and_failures_are_never_cached(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    read(ShellPaths(env_for(home, DOCTOR_NO_CACHE="1")))
    read(ShellPaths(env_for(home, DOCTOR_NO_CACHE="1")))
    assert len(started) == 2
    (home / ".bash_profile").write_text("exit 3\n")
    assert not ShellPaths(env_for(home)).login.ok
    assert not ShellPaths(env_for(home)).login.ok
    assert len(started) == 4


def test_an_unwritable_cache_is_not_an_error(home: Path) -> None:
    cache = home / "ro-cache"
    cache.mkdir()
    (cache / "doctor").write_text("a file where the folder should be")
    found = ShellPaths(env_for(home, XDG_CACHE_HOME=str(cache))).login
    assert found.ok and found.entries[-1] == "/opt/first"
    assert os.path.isfile(cache / "doctor")


def test_no_cache_is_written_inside_the_project_read(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME is the repo in some containers and CI jobs: ~/.cache/doctor would show in git status."""
    from doctor import cachedir

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    cachedir.keep_out(home)  # the project a run read (doctor.project.Project notes it)
    started = spawns(monkeypatch)
    assert ShellPaths(env_for(home)).login.entries == ShellPaths(env_for(home)).login.entries
    assert started == [BASH, BASH]  # nothing was stored, so nothing was read back
    assert not (home / ".cache").exists()
