"""The login-PATH cache file holds one entry a line: a run reads its own entry's line, not the file.

A shell's entries accumulate for each PATH a terminal had within a day (a virtualenv, a version
manager); every warm preflight asks the cache first thing, so it parses only the lines that may
be its own and reads the startup files (the whole key) only when one is.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from doctor.host import login_cache

BASH = "/bin/bash"
SRC = str(Path(login_cache.__file__).parents[2])


def env_for(tmp_path: Path, path: str) -> dict[str, str]:
    home = tmp_path / "home"
    if not home.exists():
        home.mkdir()
        (home / ".bashrc").write_text('export PATH="$PATH:/opt/tool"\n')
    return {"HOME": str(home), "PATH": path, "SHELL": BASH, "XDG_CACHE_HOME": str(tmp_path / "cache")}


def stored(tmp_path: Path, path: str, entries: list[str]) -> None:
    """Store an entry for `path` as a run whose login shell printed `entries` does."""
    login_cache.store(BASH, env_for(tmp_path, path), tuple(entries))


def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "doctor" / "login-path-2.json"


def opened_while_loading(tmp_path: Path, path: str) -> tuple[object, list[str]]:
    """`load` for `path` in a fresh interpreter: its answer, and every file it opened (an audit hook)."""
    env = env_for(tmp_path, path)
    code = ("import json, sys\n"
            "opened = []\n"
            "sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == 'open' else None)\n"
            "from doctor.host import login_cache\n"
            f"found = login_cache.load({BASH!r}, {env!r})\n"
            "print(json.dumps([found, opened]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": SRC})
    assert done.returncode == 0, done.stderr
    found, opened = json.loads(done.stdout)
    return found, opened


def test_each_entry_is_one_line_of_a_json_list(tmp_path: Path) -> None:
    for path in ("/usr/bin:/bin", "/venv/bin:/usr/bin:/bin", "/usr/bin"):
        stored(tmp_path, path, [*path.split(":"), "/opt/tool"])
    text = cache_file(tmp_path).read_text()
    lines = text.splitlines()
    assert len(lines) == 3 and text.startswith("[{") and text.rstrip().endswith("}]")
    assert [entry["key"][3] for entry in json.loads(text)] == ["/usr/bin:/bin", "/venv/bin:/usr/bin:/bin", "/usr/bin"]


def test_a_path_with_no_entry_reads_no_startup_file(tmp_path: Path) -> None:
    """Another PATH's entries only: a miss, told without reading ~/.bashrc (nor the rest of the key)."""
    stored(tmp_path, "/venv/bin:/usr/bin:/bin", ["/venv/bin", "/usr/bin", "/bin", "/opt/tool"])
    found, opened = opened_while_loading(tmp_path, "/usr/bin:/bin")
    assert found is None
    assert str(tmp_path / "home" / ".bashrc") not in opened
    assert str(cache_file(tmp_path)) in opened or any(o.endswith("login-path-2.json") for o in opened)


def test_the_entry_of_this_path_is_found_among_many(tmp_path: Path) -> None:
    paths = [f"/venv{n}/bin:/usr/bin:/bin" for n in range(30)]
    for path in paths:
        stored(tmp_path, path, [path.split(":")[0], "/opt/tool"])
    for path in (paths[0], paths[17], paths[-1]):
        found, opened = opened_while_loading(tmp_path, path)
        assert found == [path.split(":")[0], "/opt/tool"]
        assert str(tmp_path / "home" / ".bashrc") in opened  # the key's startup files were read to compare


def test_a_changed_startup_file_still_misses(tmp_path: Path) -> None:
    """The line's start matches (same shell, HOME and PATH): the whole key decides, as before."""
    stored(tmp_path, "/usr/bin:/bin", ["/usr/bin", "/bin", "/opt/tool"])
    assert opened_while_loading(tmp_path, "/usr/bin:/bin")[0] == ["/usr/bin", "/bin", "/opt/tool"]
    (tmp_path / "home" / ".bashrc").write_text('export PATH="$PATH:/opt/other"\n')
    assert opened_while_loading(tmp_path, "/usr/bin:/bin")[0] is None


def test_an_older_doctors_indented_file_is_still_read(tmp_path: Path) -> None:
    """An older doctor wrote the same list indented (and may share this folder): parsed whole."""
    stored(tmp_path, "/usr/bin:/bin", ["/usr/bin", "/bin", "/opt/tool"])
    stored(tmp_path, "/usr/bin", ["/usr/bin", "/opt/tool"])
    entries = json.loads(cache_file(tmp_path).read_text())
    for layout in (json.dumps(entries, indent=1), json.dumps(entries)):  # indented; all on one line
        cache_file(tmp_path).write_text(layout)
        assert opened_while_loading(tmp_path, "/usr/bin")[0] == ["/usr/bin", "/opt/tool"]
        assert opened_while_loading(tmp_path, "/usr/bin:/bin")[0] == ["/usr/bin", "/bin", "/opt/tool"]


def test_a_torn_file_is_no_answer(tmp_path: Path) -> None:
    """Written without fsync: a crash may leave it cut short, which is a miss."""
    stored(tmp_path, "/usr/bin:/bin", ["/usr/bin", "/bin", "/opt/tool"])
    stored(tmp_path, "/usr/bin", ["/usr/bin", "/opt/tool"])
    text = cache_file(tmp_path).read_text()
    cache_file(tmp_path).write_text(text[:text.index("\n") + 20])
    assert opened_while_loading(tmp_path, "/usr/bin:/bin")[0] is None


def test_an_old_entry_is_dropped_when_the_file_is_written(tmp_path: Path) -> None:
    stored(tmp_path, "/usr/bin:/bin", ["/usr/bin", "/bin", "/opt/tool"])
    entries = json.loads(cache_file(tmp_path).read_text())
    entries[0]["at"] = time.time() - login_cache.STALE_AGE - 60
    cache_file(tmp_path).write_text(json.dumps(entries))
    stored(tmp_path, "/usr/bin", ["/usr/bin", "/opt/tool"])
    assert [entry["key"][3] for entry in json.loads(cache_file(tmp_path).read_text())] == ["/usr/bin"]
