"""The login-PATH cache: reused while nothing changed, dropped when a startup file or PATH changes."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from doctor import after_run
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


def aged(monkeypatch: pytest.MonkeyPatch, seconds: float) -> list[tuple[str, str]]:
    """Move the clock `seconds` on; record the refreshes asked for instead of starting them."""
    later = time.time() + seconds
    monkeypatch.setattr(login_cache.time, "time", lambda: later)
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(login_cache, "refresh_later", lambda name, env, path: asked.append((name, path)))
    return asked


def test_an_aged_entry_answers_and_asks_for_a_refresh_after_the_run(home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    first = read(ShellPaths(env_for(home)))
    asked = aged(monkeypatch, login_cache.MAX_AGE + 1)
    assert read(ShellPaths(env_for(home))) == first
    assert started == [BASH]  # the run did not wait for a shell
    assert asked == [(BASH, str(home / ".cache" / "doctor" / "login-path-2.json"))]


def test_an_entry_past_the_stale_age_is_asked_in_the_run(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    read(ShellPaths(env_for(home)))
    asked = aged(monkeypatch, login_cache.STALE_AGE + 1)
    read(ShellPaths(env_for(home)))
    assert len(started) == 2 and asked == []


def test_a_fresh_entry_asks_for_no_refresh(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    read(ShellPaths(env_for(home)))
    asked = aged(monkeypatch, login_cache.MAX_AGE - 60)
    read(ShellPaths(env_for(home)))
    assert started == [BASH] and asked == []


REFRESH_SHELL = """#!/bin/sh
# a login shell whose PATH comes from a file its profile reads (as nvm's alias file): a change
# there changes no startup file's stamp; it waits while $HOME/hold exists
echo "$$" >> "$HOME/started"
while [ -e "$HOME/hold" ]; do sleep 0.02; done
PATH=$(cat "$HOME/login-path")
eval "$4"
"""


def test_the_refresh_runs_the_shell_after_the_run_and_the_next_run_sees_it(tmp_path: Path) -> None:
    """End to end, as users run it: an aged entry answers a preflight at once (a shell held
    still would have timed it out), the refresher asks the shell once that run has ended, and
    the next run reads what the shell printed then."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "fakesh").write_text(REFRESH_SHELL)
    (home / "fakesh").chmod(0o755)
    for version in ("old", "new"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "mytool").write_text("#!/bin/sh\n")
        (tmp_path / version / "mytool").chmod(0o755)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    (project / "Makefile").write_text("lint:\n\tmytool check\n")
    cache = tmp_path / "cache" / "doctor" / "login-path-2.json"
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": str(home / "fakesh"), "TERM": "dumb",
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(Path(login_cache.__file__).parents[2])}

    def messages(**kwargs: Any) -> list[str]:
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "path-gap", "--format",
                               "json", str(project)], env=env, capture_output=True, text=True, timeout=60, **kwargs)
        assert done.returncode in (0, 1), done.stderr
        return [f["message"] for f in json.loads(done.stdout)["findings"]]

    def only_in(version: str) -> list[str]:
        return [f"'mytool' (make target 'lint') is found only by the login shell, in {tmp_path / version}"]

    (home / "login-path").write_text(f"/usr/bin:/bin:{tmp_path / 'old'}")
    assert messages() == only_in("old")
    stored = json.loads(cache.read_text())
    for entry in stored:
        entry["at"] -= login_cache.MAX_AGE + 60
    cache.write_text(json.dumps(stored))
    (home / "login-path").write_text(f"/usr/bin:/bin:{tmp_path / 'new'}")
    (home / "hold").touch()
    # a descriptor the caller hands down (`{ doctor preflight 3>&1; } | cat`) ends with the run
    read_end, write_end = os.pipe()
    try:
        assert messages(pass_fds=(write_end,)) == only_in("old")  # from the aged entry: not the timeout line
        os.close(write_end)
        assert select.select([read_end], [], [], 10)[0] and os.read(read_end, 1) == b""
    finally:
        os.close(read_end)
    lock = Path(f"{cache}.refresh")
    assert lock.exists()  # the refresher is waiting for the shell it started after the run
    (home / "hold").unlink()
    deadline = time.monotonic() + 30
    while lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not lock.exists()
    assert messages() == only_in("new")
    assert len((home / "started").read_text().split()) == 2  # the first run's shell and the refresher's


def refresher_home(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A home whose fake login shell prints $HOME/login-path (or fails while $HOME/fail exists),
    an environment for it, and its cache file with one entry, aged past MAX_AGE."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "fakesh").write_text(REFRESH_SHELL.replace("PATH=$(", '[ -e "$HOME/fail" ] && exit 3\nPATH=$('))
    (home / "fakesh").chmod(0o755)
    (home / "login-path").write_text("/usr/bin:/bin:/opt/old")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": str(home / "fakesh"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert ShellPaths(env).login.entries[-1] == "/opt/old"
    cache = tmp_path / "cache" / "doctor" / "login-path-2.json"
    stored = json.loads(cache.read_text())
    stored[0]["at"] -= login_cache.MAX_AGE + 60
    cache.write_text(json.dumps(stored))
    return home, env, cache


def refresh(env: dict[str, str], cache: Path) -> None:
    """Run the refresher as refresh_later starts it, the run it waits for already over (stdin at its end)."""
    lock = Path(f"{cache}.refresh")
    lock.touch()
    subprocess.run([sys.executable, "-m", "doctor.host.login_refresh", env["SHELL"], str(lock)], env=env,
                   stdin=subprocess.DEVNULL, check=True, timeout=30)
    assert not lock.exists()


def test_the_refresher_stores_what_the_shell_prints_now(tmp_path: Path) -> None:
    home, env, cache = refresher_home(tmp_path)
    (home / "login-path").write_text("/usr/bin:/bin:/opt/new")
    refresh(env, cache)
    assert login_cache.load(env["SHELL"], env) == ("/usr/bin", "/bin", "/opt/new")
    refresh(env, cache)  # fresh now: the shell is not asked again
    assert len((home / "started").read_text().split()) == 2


def test_a_shell_that_stopped_printing_its_path_loses_its_entry(tmp_path: Path) -> None:
    """The next run then asks the shell itself and says why it gave no PATH."""
    home, env, cache = refresher_home(tmp_path)
    (home / "fail").touch()
    refresh(env, cache)
    assert login_cache.load(env["SHELL"], env) is None
    assert ShellPaths(env).login.error == f"login shell '{home}/fakesh' printed no PATH (exit 3)"


def test_one_refresher_at_a_time_and_a_dead_ones_lock_is_taken_over(tmp_path: Path) -> None:
    lock = str(tmp_path / "login-path-2.json.refresh")
    assert after_run._lock(lock)
    assert not after_run._lock(lock)  # a refresher is waiting or at work
    old = time.time() - after_run.LOCK_AGE - 1
    os.utime(lock, (old, old))
    assert after_run._lock(lock)
    assert not after_run._lock(str(tmp_path / "no-such-folder" / "x.refresh"))


def test_no_refresher_for_a_cache_inside_the_project_read(tmp_path: Path) -> None:
    from doctor import cachedir

    cachedir.keep_out(tmp_path)
    path = str(tmp_path / "login-path-2.json")
    login_cache.refresh_later(BASH, {"HOME": str(tmp_path)}, path)
    assert not os.path.exists(path + ".refresh") and after_run.asked == []  # type: ignore[attr-defined]
    elsewhere = tmp_path.parent / f"{tmp_path.name}-cache" / "login-path-2.json"
    login_cache.refresh_later(BASH, {"HOME": str(tmp_path)}, str(elsewhere))
    assert len(after_run.asked) == 1  # type: ignore[attr-defined]  # (what this test would start, recorded)


def test_a_variable_a_startup_file_reads_is_part_of_the_key(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    (home / ".bash_profile").write_text('export PATH="/usr/bin:/bin:$TOOLS_DIR"\n')
    assert read(ShellPaths(env_for(home, TOOLS_DIR="/opt/a")))[-1] == "/opt/a"
    assert read(ShellPaths(env_for(home, TOOLS_DIR="/opt/b")))[-1] == "/opt/b"
    assert read(ShellPaths(env_for(home, TOOLS_DIR="/opt/a")))[-1] == "/opt/a"  # each its own entry
    assert len(started) == 2
    read(ShellPaths(env_for(home, TOOLS_DIR="/opt/a", OTHER="x")))  # a variable no startup file reads
    assert len(started) == 2


def test_a_variable_read_by_a_startup_file_is_kept_as_a_digest(home: Path) -> None:
    """A startup file may read a token from the environment: the cache file never holds it."""
    (home / ".bash_profile").write_text('export GH_TOKEN="$GITHUB_TOKEN"\nexport PATH="/usr/bin:/bin"\n')
    token = "ghp_" + "Zx9" * 12
    assert ShellPaths(env_for(home, GITHUB_TOKEN=token)).login.ok
    stored = (home / ".cache" / "doctor" / "login-path-2.json").read_text()
    assert "GITHUB_TOKEN" in stored and token not in stored and token[4:20] not in stored


def test_a_path_a_startup_file_tests_is_part_of_the_key(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Debian's ~/.profile adds ~/.local/bin only if it exists: the first `pipx install` makes it."""
    started = spawns(monkeypatch)
    (home / ".bash_profile").write_text('PATH="/usr/bin:/bin"\nif [ -d "$HOME/.local/bin" ] ; then\n'
                                        '    PATH="$HOME/.local/bin:$PATH"\nfi\n')
    assert read(ShellPaths(env_for(home))) == ("/usr/bin", "/bin")
    (home / ".local" / "bin").mkdir(parents=True)
    assert read(ShellPaths(env_for(home)))[0] == str(home / ".local" / "bin")
    assert len(started) == 2


def test_an_edit_that_keeps_size_and_mtime_is_seen(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = spawns(monkeypatch)
    profile = home / ".bash_profile"
    read(ShellPaths(env_for(home)))
    before = profile.stat()
    profile.write_text(profile.read_text().replace("first", "other"))  # `touch -r`, `cp -p`, an rsync
    os.utime(profile, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert read(ShellPaths(env_for(home)))[-1] == "/opt/other"
    assert len(started) == 2


def test_the_zdotdir_a_zshenv_names_and_the_env_file_are_in_the_key(home: Path) -> None:
    env = env_for(home, SHELL="/usr/bin/zsh")
    (home / ".zshenv").write_text('export ZDOTDIR="$HOME/dots/zsh"\n')
    (home / "dots" / "zsh").mkdir(parents=True)
    (home / "dots" / "zsh" / ".zprofile").write_text('path=(/opt/a $path)\n')
    first = login_cache.cache_key("/usr/bin/zsh", env)
    (home / "dots" / "zsh" / ".zprofile").write_text('path=(/opt/bb $path)\n')
    assert login_cache.cache_key("/usr/bin/zsh", env) != first
    (home / ".shrc").write_text("PATH=/opt/a:$PATH\n")
    env = env_for(home, SHELL="/bin/dash", ENV="$HOME/.shrc")
    first = login_cache.cache_key("/bin/dash", env)
    (home / ".shrc").write_text("PATH=/opt/bb:$PATH\n")
    assert login_cache.cache_key("/bin/dash", env) != first


def test_a_startup_file_saved_while_its_shell_runs_is_not_stored(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the shell printed may come from the file's old text: the next run asks again."""
    started = spawns(monkeypatch)
    (home / ".bash_profile").write_text('export PATH="/usr/bin:/bin:/opt/first"\n'
                                        'echo "# saved" >> "$HOME/.bash_profile"\n')
    assert read(ShellPaths(env_for(home)))[-1] == "/opt/first"
    assert not (home / ".cache" / "doctor" / "login-path-2.json").exists()
    read(ShellPaths(env_for(home)))
    assert len(started) == 2


def test_a_startup_file_saved_before_the_key_is_taken_is_not_stored(home: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is taken once the shell runs (its reads overlap the shell's start). A file saved in
    that moment is in the key with its new stamp while the shell may have read its old text: on a
    loaded machine the shell got that far first (a fresh clone's test run beside a CI run). The
    stamps taken just before the start tell it."""
    from doctor.host import login_cache

    started = spawns(monkeypatch)
    real = login_cache.cache_key
    saved: list[bool] = []

    def key_after_a_save(shell_name: str, env: dict[str, str]) -> list[object]:
        if not saved:  # the first key, early.spawn's: the user saves ~/.bash_profile just before it
            saved.append(True)
            with open(home / ".bash_profile", "a") as profile:
                profile.write('export PATH="$PATH:/opt/second"\n')
        return real(shell_name, env)

    monkeypatch.setattr(login_cache, "cache_key", key_after_a_save)
    read(ShellPaths(env_for(home)))
    assert saved and not (home / ".cache" / "doctor" / "login-path-2.json").exists()
    assert read(ShellPaths(env_for(home)))[-1] == "/opt/second"  # asked again: the saved text
    assert len(started) == 2


def test_an_entry_stored_in_the_future_is_not_used(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock went back (a VM resumed, NTP stepped): an entry's age no longer says anything."""
    started = spawns(monkeypatch)
    read(ShellPaths(env_for(home)))
    cache = home / ".cache" / "doctor" / "login-path-2.json"
    stored = json.loads(cache.read_text())
    stored[0]["at"] += 86400
    cache.write_text(json.dumps(stored))
    read(ShellPaths(env_for(home)))
    assert len(started) == 2


def test_a_startup_file_that_is_a_fifo_is_stamped_not_read(home: Path) -> None:
    """Bad input is never a hang: reading a FIFO .bashrc would wait for a writer forever."""
    os.mkfifo(home / ".bashrc")
    code = (f"from doctor.host import login_cache\n"
            f"print(login_cache.cache_key('/bin/bash', {{'HOME': {str(home)!r}, 'PATH': '/usr/bin'}})[4])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and str(home / ".bashrc") in done.stdout, done.stderr


def test_a_refresher_whose_shell_times_out_keeps_the_aged_entry(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """It runs right after a preflight, when the machine is busiest: a slow shell then is no
    reason to replace a good PATH with a timeout for the next ten minutes."""
    _, _, cache = refresh_timing_out(tmp_path, monkeypatch, keep_entry=True)
    stored = json.loads(cache.read_text())
    assert [e.get("entries") for e in stored] == [["/usr/bin", "/bin", "/opt/old"]] and "error" not in stored[0]


def refresh_timing_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       keep_entry: bool) -> tuple[Path, dict[str, str], Path]:
    """The refresher run with a shell that does not answer in its (0.3 s) time, the aged entry
    kept or removed first: the home, environment and cache file."""
    from doctor.host import early, login_refresh

    home, env, cache = refresher_home(tmp_path)
    if not keep_entry:
        cache.unlink()
    (home / "hold").touch()
    monkeypatch.setattr(login_refresh, "TIMEOUT", 0.3)
    try:
        login_refresh._refresh(env["SHELL"], env)
    finally:
        (home / "hold").unlink()
        early.discard_all()
    return home, env, cache


def test_a_refresher_whose_shell_times_out_with_no_entry_remembers_the_timeout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No PATH stored (a first run let a shell go that never answers: a startup file hangs): the
    timeout is remembered as a run's is, so the runs of the next FAILURE_AGE say so and start no
    shell, instead of each letting go another one."""
    home, env, cache = refresh_timing_out(tmp_path, monkeypatch, keep_entry=False)
    [stored] = json.loads(cache.read_text())
    assert stored["error"] == f"login shell '{home}/fakesh' did not answer in 0.3 s" and "entries" not in stored
    assert login_cache.load(env["SHELL"], env) == (f"login shell '{home}/fakesh' did not answer in 0.3 s (at "
                                                   f"{time.strftime('%H:%M', time.localtime(stored['at']))}; "
                                                   "asked again 10 min after)")


def test_odd_startup_files_are_one_stamp_never_an_error(home: Path) -> None:
    """A NUL byte, an unreadable file, a path that names another variable: the key still comes out."""
    (home / ".zshenv").write_bytes(b"export ZDOTDIR=/tmp/a\0b\n[ -d /opt/x\0y ] && PATH=/opt/x\n")
    (home / ".zprofile").write_text('[ -d "$HOMEBREW_PREFIX/bin" ] && PATH="$HOMEBREW_PREFIX/bin:$PATH"\n')
    key = login_cache.cache_key("/usr/bin/zsh", env_for(home))
    assert all("BREW_PREFIX" not in path for path, *_ in key[6])  # `$HOMEBREW_PREFIX` is not `$HOME` + BREW_PREFIX


def test_startup_files_named_by_a_variable_a_profile_sets_are_in_the_key(home: Path) -> None:
    """`ENV=$HOME/.shrc; export ENV` in ~/.profile (dash reads it), `: ${ZDOTDIR:=$HOME/zd}` in ~/.zshenv."""
    (home / ".profile").write_text("ENV=$HOME/.shrc; export ENV\n")
    (home / ".zshenv").write_text(": ${ZDOTDIR:=$HOME/zd}\n")
    (home / "zd").mkdir()
    for name, shell_path in ((".shrc", "/bin/dash"), ("zd/.zprofile", "/usr/bin/zsh")):
        (home / name).write_text("PATH=/opt/a:$PATH\n")
        first = login_cache.cache_key(shell_path, env_for(home))
        (home / name).write_text("PATH=/opt/bb:$PATH\n")
        assert login_cache.cache_key(shell_path, env_for(home)) != first, name


def test_a_per_session_variable_is_keyed_by_being_set_not_by_its_value(home: Path) -> None:
    """Every new terminal has another SSH_AUTH_SOCK: keyed by its value, each would wait for the shell."""
    (home / ".bash_profile").write_text('[ -n "$SSH_AUTH_SOCK" ] && PATH="/opt/agent:$PATH"\n')
    one = login_cache.cache_key(BASH, env_for(home, SSH_AUTH_SOCK="/tmp/ssh-a/agent.1"))
    assert login_cache.cache_key(BASH, env_for(home, SSH_AUTH_SOCK="/tmp/ssh-b/agent.2")) == one
    assert login_cache.cache_key(BASH, env_for(home)) != one


def test_the_project_read_is_known_before_the_early_shell_asks_the_cache(tmp_path: Path) -> None:
    """HOME is the repository in some CI jobs: the refresher of an aged entry must not write there."""
    from doctor import cachedir
    from doctor.host import early

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "app").mkdir()
    early.start_shell_early({"HOME": str(repo), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh",
                             "DOCTOR_NO_CACHE": "1"}, repo / "app", None, None)
    early.discard_early()
    assert cachedir.in_project(repo / ".cache" / "doctor" / "login-path-2.json")


def test_the_refresher_never_imports_from_the_folder_it_was_started_in(tmp_path: Path) -> None:
    """Without /bin/sh it starts in the run's folder, the project: `python -c` would put it first
    on sys.path, so a `doctor/` package there would run."""
    home, env, cache = refresher_home(tmp_path)
    evil = tmp_path / "project"
    (evil / "doctor").mkdir(parents=True)
    (evil / "doctor" / "__init__.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    (home / "login-path").write_text("/usr/bin:/bin:/opt/new")
    code = ("import os, sys\nfrom doctor.host import login_cache\nreal = os.access\n"
            "os.access = lambda p, m, **k: False if p == '/bin/sh' else real(p, m, **k)\n"
            f"login_cache.refresh_later({env['SHELL']!r}, dict(os.environ), {str(cache)!r})\n")
    package = str(Path(login_cache.__file__).parents[2])
    # -P: this harness itself must not import that package either
    subprocess.run([sys.executable, "-P", "-c", code], env={**env, "PYTHONPATH": package}, cwd=evil, check=True,
                   timeout=30)
    lock = Path(f"{cache}.refresh")
    deadline = time.monotonic() + 30
    while lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert login_cache.load(env["SHELL"], env) == ("/usr/bin", "/bin", "/opt/new")  # it did refresh
    assert not (tmp_path / "ran").exists()


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
