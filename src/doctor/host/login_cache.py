"""A cache of the login shell's PATH, so `doctor preflight` need not start a login shell every run.

A login shell that loads nvm, pyenv or conda takes 0.1 to 1 s; doctor runs before every `up`.
An entry is used only while nothing it was computed from has changed: the shell, HOME,
ZDOTDIR, the inherited PATH, and the size and mtime of every startup file the common shells
read (and macOS's /etc/paths for path_helper). Files those source indirectly (nvm.sh, a
plugin manager) are not seen, so an entry also expires after MAX_AGE seconds.
DOCTOR_NO_CACHE=1 turns the cache off.

An entry keeps that key material itself and is found by comparing it (a handful of entries per
file): no digest, so no hashlib (whose import alone costs a warm run ~3 ms).
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False  # read first thing in a preflight (doctor.host.early): typing and pathlib wait
if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_AGE = 3600.0
FAILURE_AGE = 600.0  # a login shell that timed out is asked again after this long
SYSTEM_FILES = (
    "/etc/profile", "/etc/profile.d", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment",
    "/etc/zshenv", "/etc/zsh/zshenv", "/etc/zprofile", "/etc/zsh/zprofile", "/etc/zshrc", "/etc/zsh/zshrc",
    "/etc/zlogin", "/etc/zsh/zlogin", "/etc/paths", "/etc/paths.d", "/etc/fish/config.fish",
)
HOME_FILES = (
    ".bash_profile", ".bash_login", ".profile", ".bashrc", ".zshenv", ".zprofile", ".zshrc", ".zlogin",
    ".config/fish/config.fish", ".config/fish/conf.d",
)


def _stamp(path: str) -> tuple[str, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return path, info.st_mtime_ns, info.st_size


def cache_key(shell: str, env: Mapping[str, str]) -> list[object]:
    """Everything the login shell's PATH is computed from (that doctor can see), as JSON values."""
    home = env.get("HOME", "")
    zdotdir = env.get("ZDOTDIR", "")
    files = [*SYSTEM_FILES, *(os.path.join(home, f) for f in HOME_FILES)]
    if zdotdir:
        files += [os.path.join(zdotdir, f) for f in (".zshenv", ".zprofile", ".zshrc", ".zlogin")]
    return [shell, home, zdotdir, env.get("PATH", ""), [_stamp(f) for f in files]]


def _same(entry: object, key: str) -> bool:
    """Whether a stored entry was computed from `key` (the JSON text of a cache_key)."""
    import json

    return isinstance(entry, dict) and json.dumps(entry.get("key")) == key


def _fresh(entry: object, now: float) -> bool:
    """Whether a stored entry is younger than MAX_AGE (a damaged one is not)."""
    at = entry.get("at") if isinstance(entry, dict) else None
    return isinstance(at, (int, float)) and now - at <= MAX_AGE


def cache_file(env: Mapping[str, str]) -> str | None:
    """Where the cache lives (doctor.cachedir: $XDG_CACHE_HOME/doctor, else ~/.cache/doctor); None when off."""
    from doctor.cachedir import cache_dir

    folder = cache_dir(env)
    # -2: entries are a list since the key is kept as its material (an older doctor's login-path.json
    # holds a dict: both may share this folder, so neither reads the other's file)
    return os.path.join(folder, "login-path-2.json") if folder else None


def load(shell: str, env: Mapping[str, str]) -> tuple[str, ...] | str | None:
    """The cached PATH entries for this shell and environment, why the shell gave none (a str:
    it timed out, FAILURE_AGE at most ago), or None (absent, changed, expired)."""
    from doctor.cachedir import read_json

    path = cache_file(env)
    stored = read_json(path) if path is not None else None
    if stored is None:
        return None
    import json

    key = json.dumps(cache_key(shell, env))
    entry = next((e for e in stored if _same(e, key)), None) if isinstance(stored, list) else None
    if entry is None or not _fresh(entry, time.time()):
        return None
    error = entry.get("error")
    if isinstance(error, str):
        at = entry.get("at")
        if not isinstance(at, (int, float)) or time.time() - at > FAILURE_AGE:
            return None
        when = time.strftime("%H:%M", time.localtime(at))
        return f"{error} (at {when}; asked again {FAILURE_AGE // 60:.0f} min after)"
    entries = entry.get("entries")
    return tuple(str(e) for e in entries) if isinstance(entries, list) else None


def store(shell: str, env: Mapping[str, str], entries: tuple[str, ...] | None = None, error: str | None = None) -> None:
    """Remember a login shell's PATH (or that it timed out: `error`, for FAILURE_AGE seconds, so
    a shell slower than the timeout does not cost every run its whole timeout); a cache that
    cannot be written is simply not used."""
    from doctor.cachedir import read_json, write_json

    path = cache_file(env)
    if path is None:
        return
    import json

    current = read_json(path)
    now = time.time()
    material = cache_key(shell, env)
    key = json.dumps(material)
    kept = [e for e in current if _fresh(e, now) and not _same(e, key)] if isinstance(current, list) else []
    kept.append({"at": now, "key": material, "entries": list(entries or ())} if error is None
                else {"at": now, "key": material, "error": error})
    write_json(path, kept, indent=1)
