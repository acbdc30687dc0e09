"""A cache of the login shell's PATH, so `doctor preflight` need not start a login shell every run.

A login shell that loads nvm, pyenv or conda takes 0.1 to 1 s; doctor runs before every `up`.
An entry is used only while nothing it was computed from has changed: the shell, HOME,
ZDOTDIR, the inherited PATH, the stamp (inode, mtime, ctime, size) of every startup file the
common shells read (the files of /etc/profile.d and fish's conf.d each, macOS's /etc/paths for
path_helper, the files a profile names in ZDOTDIR or ENV), the value of every variable those
files read (`$NAME`, `${NAME...}`; kept as a digest; for one naming a terminal session, such
as SSH_AUTH_SOCK, only whether it is set), and whether each path they test (`[ -d
"$HOME/.local/bin" ]`, `[ -x /opt/homebrew/bin/brew ]`) exists. A PATH is not stored when that
key changed while its shell ran (a startup file saved meanwhile: the PATH may come from its old
text). Files those source indirectly (nvm.sh, a plugin manager) are not seen, so an entry older
than MAX_AGE is asked again: the run that finds it so still answers from it, and the login
shell runs once that run is over, in a process of its own (`refresh_later`,
doctor.host.login_refresh), so no run waits for a shell whose startup files did not change. An
entry older than STALE_AGE is not used at all (the run waits for the shell). DOCTOR_NO_CACHE=1
turns the cache off.

An entry keeps that key material itself and is found by comparing it: no digest of the whole
key, so no hashlib (whose import alone costs a warm run ~3 ms). The file holds one entry a line,
in json.dumps' own spelling: a run takes the whole key (stats, startup files read) only when a
line holds its shell's, HOME's, ZDOTDIR's and PATH's spelling (`_head`), and parses only the line
that holds the whole key's; `_same` still compares it. A shell's entries accumulate for each
PATH a terminal had (a virtualenv, a version manager) and each edit of a startup file within
STALE_AGE: parsing all of them, then spelling each one's key again to compare, took a warm run
~5 ms of CPU with 57 entries (180 KB). A file in another layout (an older doctor's, indented) is
parsed whole, as before.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False  # read first thing in a preflight (doctor.host.early): typing and pathlib wait
if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_AGE = 3600.0  # an entry older than this is asked again once the run it answered is over
STALE_AGE = 86400.0  # an entry older than this is not used: the run waits for the login shell
FAILURE_AGE = 600.0  # a login shell that timed out is asked again after this long
SYSTEM_FILES = (
    "/etc/profile", "/etc/profile.d", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment",
    "/etc/zshenv", "/etc/zsh/zshenv", "/etc/zprofile", "/etc/zsh/zprofile", "/etc/zshrc", "/etc/zsh/zshrc",
    "/etc/zlogin", "/etc/zsh/zlogin", "/etc/paths", "/etc/paths.d", "/etc/fish/config.fish", "/etc/fish/conf.d",
    "/etc/csh.cshrc", "/etc/csh.login",
)
HOME_FILES = (
    ".bash_profile", ".bash_login", ".profile", ".bashrc", ".zshenv", ".zprofile", ".zshrc", ".zlogin",
    ".config/fish/config.fish", ".config/fish/conf.d", ".config/fish/fish_variables", ".cshrc", ".tcshrc",
    ".login",
)
ZSH_FILES = (".zshenv", ".zprofile", ".zshrc", ".zlogin")
# variables the shell sets itself, whatever it inherited (it starts in HOME)
SHELL_SET = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "PATH", "HOME", "ZDOTDIR"})
FILE_TESTS = ("-d", "-e", "-f", "-x", "-s", "-r", "-L", "-h")
IDENTIFIER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
ASSIGNED = ("ZDOTDIR", "ENV")  # variables whose value a startup file sets names more startup files
# variables whose value names one terminal session: a startup file testing one is keyed by
# whether it is set, not by its value (else every new terminal would wait for the shell again)
PER_SESSION = frozenset({
    "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "TMUX", "TMUX_PANE", "STY",
    "WINDOW", "WINDOWID", "TERM_SESSION_ID", "ITERM_SESSION_ID", "XDG_SESSION_ID", "GPG_TTY",
    "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "KONSOLE_DBUS_SESSION", "VSCODE_IPC_HOOK_CLI",
})
READ_LIMIT = 256 * 1024  # of a startup file, read for the variables and paths it looks at


class _Startup:
    """The startup files of a login shell: their stamps, and what their text reads, tests and sets."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.home = env.get("HOME", "")
        self.config = env.get("XDG_CONFIG_HOME") or os.path.join(self.home, ".config")
        self.stamps: list[object] = []
        self.names: set[str] = set()
        self.tested: set[str] = set()
        self.assigned: dict[str, set[str]] = {name: set() for name in ASSIGNED}

    def look(self, path: str, inside: bool = False) -> None:
        """Stamp `path` (inode, mtime, ctime, size; None when absent), one stat: a folder's files
        each (not deeper, and `inside` one only regular files are stamped); read a regular file's
        variables, tests and assignments (never opening anything else: a FIFO, a device)."""
        import stat

        try:
            info = os.stat(path)
        except (OSError, ValueError):  # ValueError: a NUL in a path a startup file names
            if not inside:
                self.stamps.append(None)
            return
        if inside and not stat.S_ISREG(info.st_mode):
            return
        self.stamps.append(_stamp(path, info))
        if stat.S_ISDIR(info.st_mode):
            try:
                names = sorted(os.listdir(path))
            except OSError:
                return
            for name in names:
                self.look(os.path.join(path, name), inside=True)
            return
        if not stat.S_ISREG(info.st_mode):
            return
        try:  # non-blocking, no controlling terminal: should it have become a FIFO or a tty since
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        except (OSError, ValueError):
            return
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return
            text = os.read(fd, READ_LIMIT).decode("utf-8", "replace")
        except OSError:
            return
        finally:
            os.close(fd)
        self._scan(text)

    def _scan(self, text: str) -> None:
        """The variables `text` reads, the paths it tests and the files it names in ZDOTDIR or ENV
        (string methods only: no `re` before the shell starts, and ~0.1 ms for a whole profile)."""
        for part in text.split("$")[1:]:
            part = part[1:] if part[:1] == "{" else part
            name = part[:len(part) - len(part.lstrip(IDENTIFIER))]
            if name and not name[0].isdigit():
                self.names.add(name)
        spaced = " " + text.replace("[", " ").replace("]", " ").replace(";", " ").replace("\t", " ").replace("\n", " ")
        for test in FILE_TESTS:
            for after in spaced.split(f" {test} ")[1:]:
                expanded = self.expand(after.split(None, 1)[0]) if after.strip() else None
                if expanded is not None:
                    self.tested.add(expanded)
        for name, found in self.assigned.items():
            # `export ZDOTDIR=...`, `ENV=$HOME/.shrc`, `: ${ZDOTDIR:=...}`, `${ZDOTDIR:-...}`
            for form, stop in ((f" {name}=", None), (f"{{{name}:=", "}"), (f"{{{name}:-", "}"), (f"{{{name}=", "}")):
                for after in spaced.split(form)[1:] if form.strip(" ") in text else ():
                    word = after.split(None, 1)[0] if after.strip() else ""
                    folder = self.expand(word.split(stop, 1)[0] if stop else word)
                    if folder is not None:
                        found.add(folder)

    def expand(self, word: str) -> str | None:
        """A path as a startup file writes it, with ~, $HOME and XDG_CONFIG_HOME expanded; None
        when it still depends on something else."""
        word = word.strip("\"'")
        for form in ("${XDG_CONFIG_HOME:-$HOME/.config}", "${XDG_CONFIG_HOME}", "$XDG_CONFIG_HOME"):
            word = word.replace(form, self.config)
        if word == "~" or word.startswith("~/"):
            word = self.home + word[1:]
        word = word.replace("${HOME}", self.home)
        parts = word.split("$HOME")
        # `$HOME` itself, not the start of another name (`$HOMEBREW_PREFIX`)
        if all(not part[:1] or part[0] not in IDENTIFIER for part in parts[1:]):
            word = self.home.join(parts)
        if not word.startswith("/") or any(c in word for c in "$`*?\"'\0"):
            return None
        return word.rstrip("/") or "/"


def _variable(name: str, value: str | None) -> list[object]:
    """A variable a startup file reads, as the key keeps it: a digest of its value; for one that
    names this terminal session only whether it is set (else every new session would miss)."""
    if name in PER_SESSION:
        return [name, value is not None]
    return [name, _digest(value)]


def cache_key(shell: str, env: Mapping[str, str]) -> list[object]:
    """Everything the login shell's PATH is computed from (that doctor can see), as JSON values."""
    startup = _Startup(env)
    home = startup.home
    zdotdir = env.get("ZDOTDIR", "")
    files = [*SYSTEM_FILES, *(os.path.join(home, f) for f in HOME_FILES)]
    if zdotdir:
        files += [os.path.join(zdotdir, f) for f in ZSH_FILES]
    if env.get("XDG_CONFIG_HOME"):
        files += [os.path.join(startup.config, "fish", f) for f in ("config.fish", "conf.d", "fish_variables")]
    if env.get("ENV"):  # the file an interactive sh (dash, ash) reads
        files.append(startup.expand(env["ENV"]) or env["ENV"])
    for path in files:
        startup.look(path)
    # a ZDOTDIR set in a zshenv (the XDG layout keeps the others in ~/.config/zsh): zsh reads its
    # other files from there; an ENV set in ~/.profile: the file an interactive sh reads
    for folder in sorted(startup.assigned["ZDOTDIR"] | {os.path.join(startup.config, "zsh")}):
        if folder != zdotdir:
            for name in ZSH_FILES:
                startup.look(os.path.join(folder, name))
    for path in sorted(startup.assigned["ENV"]):
        startup.look(path)
    return [shell, home, zdotdir, env.get("PATH", ""), startup.stamps,
            sorted(_variable(name, env.get(name)) for name in startup.names - SHELL_SET),
            sorted([path, os.path.exists(path), os.path.isdir(path)] for path in startup.tested)]


def first_stamps(env: Mapping[str, str]) -> dict[str, object]:
    """The stamps (as cache_key takes them) of the startup files a login shell reads first, by
    path, taken just before the shell starts: one stat each, nothing read. The key itself is taken
    once the shell runs (its reads overlap the shell's start), so a file saved in between would be
    in the key with its new stamp while the shell may have read its old text: `store` refuses an
    entry whose key disagrees with these."""
    home = env.get("HOME", "")
    found: dict[str, object] = {}
    for path in (*SYSTEM_FILES, *(os.path.join(home, name) for name in HOME_FILES)):
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            found[path] = None
            continue
        found[path] = _stamp(path, info)
    return found


def _stamp(path: str, info: os.stat_result) -> list[object]:
    """A startup file's stamp as the key holds it: path, inode, mtime, ctime, size."""
    return [path, info.st_ino, info.st_mtime_ns, info.st_ctime_ns, info.st_size]


def _disagrees(material: list[object], first: Mapping[str, object]) -> bool:
    """Whether a startup file's stamp in the key differs from its stamp as the shell started."""
    stamps = material[4] if len(material) > 4 and isinstance(material[4], list) else []
    now = {stamp[0]: stamp for stamp in stamps if isinstance(stamp, list) and stamp}
    return any(now.get(path) != stamp for path, stamp in first.items())


def _digest(value: str | None) -> str | None:
    """A variable's value as the key keeps it: a digest, never the value (a startup file may read
    a token from the environment; the cache file is on disk)."""
    if value is None:
        return None
    from doctor.clean_digests import digest

    return digest(value, 16, b"doctor-login", "surrogateescape").hex()


def _same(entry: object, key: str) -> bool:
    """Whether a stored entry was computed from `key` (the JSON text of a cache_key)."""
    import json

    return isinstance(entry, dict) and json.dumps(entry.get("key")) == key


def _age(entry: object, now: float) -> float | None:
    """How old a stored entry is (seconds); None for a damaged one, or one stored in the future
    (the clock went back since: its age says nothing)."""
    at = entry.get("at") if isinstance(entry, dict) else None
    return now - at if isinstance(at, (int, float)) and now >= at else None


def _kept(entry: object, now: float) -> bool:
    """Whether a stored entry may still answer a run (younger than STALE_AGE; a damaged one is not)."""
    age = _age(entry, now)
    return age is not None and age <= STALE_AGE


def cache_file(env: Mapping[str, str]) -> str | None:
    """Where the cache lives (doctor.cachedir: $XDG_CACHE_HOME/doctor, else ~/.cache/doctor); None when off."""
    from doctor.cachedir import cache_dir

    folder = cache_dir(env)
    # -2: entries are a list since the key is kept as its material (an older doctor's login-path.json
    # holds a dict: both may share this folder, so neither reads the other's file)
    return os.path.join(folder, "login-path-2.json") if folder else None


def load(shell: str, env: Mapping[str, str]) -> tuple[str, ...] | str | None:
    """The cached PATH entries for this shell and environment, why the shell gave none (a str:
    it timed out, FAILURE_AGE at most ago), or None (absent, changed, older than STALE_AGE).

    Entries older than MAX_AGE are still returned, and the shell is asked again once this run
    is over (`refresh_later`).
    """
    path = cache_file(env)
    found = _find(path, shell, env) if path is not None else None
    if found is None:
        return None
    entry, age = found
    error = entry.get("error")
    if isinstance(error, str):
        if age > FAILURE_AGE:
            return None
        when = time.strftime("%H:%M", time.localtime(time.time() - age))
        return f"{error} (at {when}; asked again {FAILURE_AGE // 60:.0f} min after)"
    entries = entry.get("entries")
    if not isinstance(entries, list) or age > STALE_AGE:
        return None
    if age > MAX_AGE and path is not None:
        refresh_later(shell, env, path)
    return tuple(str(e) for e in entries)


def _find(path: str, shell: str, env: Mapping[str, str]) -> tuple[dict[str, object], float] | None:
    """The stored entry computed from this shell's and environment's key material, and its age."""
    from doctor.cachedir import JSON_LIMIT, read

    data = read(os.path.dirname(path), os.path.basename(path), JSON_LIMIT)
    if data is None:
        return None
    import json

    lines = _entry_lines(data)
    if lines is not None:
        head = _head(shell, env)
        lines = [line for line in lines if head in line]
        if not lines:  # no entry of this shell, HOME and PATH: no need to stat and read the startup files
            return None
    key = json.dumps(cache_key(shell, env))
    stored = _stored(lines, ('"key": ' + key).encode("ascii")) if lines is not None else None
    if stored is None:
        stored = _parsed(data)
    entry = next((e for e in stored or () if _same(e, key)), None)
    age = _age(entry, time.time())
    return (entry, age) if isinstance(entry, dict) and age is not None else None


def _entry_lines(data: bytes) -> list[bytes] | None:
    """The lines of a file of one entry a line (`_lines`), each an entry's JSON (a comma after it);
    None for a file of another layout (an older doctor's, indented), read whole."""
    text = data.rstrip()
    return text[1:-1].split(b"\n") if text.startswith(b"[{") and text.endswith(b"}]") else None


def _head(shell: str, env: Mapping[str, str]) -> bytes:
    """How the start of this shell's and environment's key is spelled in a stored entry's line
    (json.dumps' default separators, as `_lines` writes it): the part known without a stat."""
    import json

    start = [shell, env.get("HOME", ""), env.get("ZDOTDIR", ""), env.get("PATH", "")]
    return json.dumps({"key": start})[1:-2].encode("ascii") + b", "  # '"key": ["/bin/bash", ..., "PATH", '


def _stored(lines: list[bytes], spelled: bytes) -> list[object] | None:
    """Of the entry lines `lines`, those holding `spelled` (how json.dumps spells a key: `_same`
    decides), parsed; None when one is no entry of its own (several on one line)."""
    import json

    try:
        return [json.loads(line.rstrip().removesuffix(b",")) for line in lines if spelled in line]
    except ValueError:
        return None


def _parsed(data: bytes) -> list[object] | None:
    """Every entry of a cache file's bytes; None when they are not a JSON list (torn by a crash:
    written without fsync; not ours)."""
    import json

    try:
        stored = json.loads(data)
    except ValueError:
        return None
    return stored if isinstance(stored, list) else None


def due(shell: str, env: Mapping[str, str]) -> bool:
    """Whether the shell's entry is missing or older than MAX_AGE (doctor.host.login_refresh asks
    before it runs the shell: a run since may have stored a fresh one)."""
    path = cache_file(env)
    found = _find(path, shell, env) if path is not None else None
    return found is None or found[1] > MAX_AGE


def has_entries(shell: str, env: Mapping[str, str]) -> bool:
    """Whether a PATH (of any age) is stored for this shell and environment, not only a failure."""
    path = cache_file(env)
    found = _find(path, shell, env) if path is not None else None
    return found is not None and isinstance(found[0].get("entries"), list)


def refreshable(env: Mapping[str, str]) -> bool:
    """Whether a login shell not asked during a run is asked once it has ended (`refresh_later`):
    the cache is on, its folder outside this run's project and usable (made, as the refresher's
    first run makes it)."""
    path = cache_file(env)
    return path is not None and _refresh_writes(path)


def _refresh_writes(path: str) -> bool:
    """Whether a refresher may store into the cache file `path`: not in a project folder this run
    read (where no cache is written), its folder usable (a first run's is made here)."""
    from doctor.cachedir import in_project, made

    return not in_project(path) and made(os.path.dirname(path))


def refresh_later(shell: str, env: Mapping[str, str], path: str) -> None:
    """Ask the login shell for its PATH again once this run is over, in a process of its own
    (doctor.host.login_refresh, started by doctor.after_run: it never competes with the run for
    a core, and nothing waits for it). One refresher per cache file at a time (`path`.refresh);
    none in a project folder this run read, where no cache is written. Never raises.
    """
    if not _refresh_writes(path):
        return
    from doctor import after_run

    after_run.start("doctor.host.login_refresh", [shell, path + ".refresh"], env, path + ".refresh")


def store(shell: str, env: Mapping[str, str], entries: tuple[str, ...] | None = None, error: str | None = None,
          before: list[object] | None = None, first: Mapping[str, object] | None = None) -> None:
    """Remember a login shell's PATH (or that it timed out: `error`, for FAILURE_AGE seconds, so
    a shell slower than the timeout does not cost every run its whole timeout); a cache that
    cannot be written is simply not used. `before`: the key as the shell started (early.spawn
    takes it); nothing is stored when it changed since, nor when `first` (first_stamps, taken
    just before the shell started) disagrees with it."""
    material = cache_key(shell, env)
    if before is not None and before != material:
        return
    if first is not None and _disagrees(material, first):
        return
    now = time.time()
    _rewrite(env, material, {"at": now, "key": material, "entries": list(entries or ())} if error is None
             else {"at": now, "key": material, "error": error})


def drop(shell: str, env: Mapping[str, str]) -> None:
    """Forget this shell's entry (its shell no longer prints a PATH: the next run asks it and says why)."""
    _rewrite(env, cache_key(shell, env), None)


def _rewrite(env: Mapping[str, str], material: list[object], entry: dict[str, object] | None) -> None:
    """The cache file with the entry of `material` replaced by `entry` (None: removed) and those
    past STALE_AGE dropped; a file holding no such entry is left as it is when there is none to add."""
    from doctor.cachedir import read_json, write

    path = cache_file(env)
    if path is None:
        return
    import json

    current = read_json(path)
    key = json.dumps(material)
    now = time.time()
    kept = [e for e in current if _kept(e, now) and not _same(e, key)] if isinstance(current, list) else []
    if entry is None and (not isinstance(current, list) or not any(_same(e, key) for e in current)):
        return
    if entry is not None:
        kept.append(entry)
    try:
        data = _lines(kept)
    except (TypeError, ValueError):
        return
    write(os.path.dirname(path), os.path.basename(path), data)


def _lines(entries: list[object]) -> bytes:
    """The cache file's text: a JSON list of one entry a line (`_find` reads it a line at a time)."""
    import json

    return ("[" + ",\n".join(json.dumps(entry) for entry in entries) + "]\n").encode("ascii")
