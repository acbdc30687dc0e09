"""`shutil.which` for POSIX without importing shutil (which imports bz2, lzma and more on every run)."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # collections.abc imports collections: not before the login shell starts
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def which(name: str, entries: Iterable[str]) -> str | None:
    """The first executable file `name` in the PATH `entries` (a name with a slash: itself), as shutil.which."""
    if os.sep in name:
        return name if _runnable(name) else None
    for folder in dict.fromkeys(entries):
        candidate = os.path.join(folder, name)
        if _runnable(candidate):
            return candidate
    return None


def which_on(name: str, path: str | None) -> str | None:
    """`shutil.which(name, path=path)`: `path` a PATH string; None reads this process's PATH."""
    if path is None:
        path = os.environ.get("PATH", os.defpath)
    return which(name, path.split(os.pathsep)) if path else None


def _runnable(path: str) -> bool:
    return os.access(path, os.X_OK) and os.path.exists(path) and not os.path.isdir(path)


# a pyenv shim is read, never run (pyenv's libexec/pyenv-rehash writes each one alike: `export
# PYENV_ROOT="..."`, then `exec ".../pyenv" exec "$program" "$@"`, which picks the version)
SHIM_READ = 4096


def shim_target(path: str, cwd: str, env: Mapping[str, str]) -> str | None:
    """The program a pyenv shim (`~/.pyenv/shims/ruff`) runs from `cwd`, read from files alone as
    `pyenv exec` picks it: PYENV_VERSION, else the nearest `.python-version` from `cwd` up, else
    $PYENV_ROOT/version; the first of its versions (a prefix, `3.11`: the newest 3.11.x
    installed) whose `bin` holds the tool. None for no shim, a
    `system` version, or one not installed (then the shim itself is what can be compared)."""
    if os.path.basename(os.path.dirname(path)) != "shims":
        return None
    root = _pyenv_root(path)
    if root is None:
        return None
    versions = env.get("PYENV_VERSION", "").replace(":", " ").split() or _version_file(cwd, root)
    name = os.path.basename(path)
    for version in versions:
        if version == "system":
            return None
        for named in dict.fromkeys((version, _latest(root, version), version.removeprefix("python-"))):
            candidate = os.path.join(root, "versions", named, "bin", name) if named else ""
            if candidate and _runnable(candidate):
                return candidate
    return None


def _latest(root: str, prefix: str) -> str | None:
    """The newest installed release a version prefix names where none is installed under that
    name (CTFd's `.python-version` says `3.11`: pyenv-latest takes 3.11.9 over 3.11.7), as pyenv
    resolves it; pre-releases and other builds (`3.11.0rc1`, `3.11-dev`) left out."""
    versions = os.path.join(root, "versions")
    if os.path.isdir(os.path.join(versions, prefix)):
        return None
    try:
        names = os.listdir(versions)
    except OSError:
        return None
    releases = [n for n in names if n.startswith(prefix + ".") and n[len(prefix) + 1:].replace(".", "").isdigit()]
    return max(releases, key=lambda n: [int(part) for part in n.split(".") if part.isdigit()], default=None)


def _pyenv_root(shim: str) -> str | None:
    """The PYENV_ROOT a pyenv shim exports (`export PYENV_ROOT="/home/u/.pyenv"`), or None for another file."""
    try:
        with open(shim, "rb") as file:
            text = file.read(SHIM_READ).decode("utf-8", "replace")
    except OSError:
        return None
    if not text.startswith("#!") or "pyenv" not in text or " exec " not in text:
        return None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("export PYENV_ROOT="):
            root = line.split("=", 1)[1].strip().strip("\"'")
            return root if os.path.isabs(root) and "$" not in root else None
    return None


def _version_file(cwd: str, root: str) -> list[str]:
    """The versions the nearest `.python-version` from `cwd` up names, else the global
    $PYENV_ROOT/version's (pyenv-version-file): the first word of each line, comments and paths left out."""
    folder = os.path.abspath(cwd)
    while True:
        found = _versions_in(os.path.join(folder, ".python-version"))
        if found is not None:
            return found
        parent = os.path.dirname(folder)
        if parent == folder:
            return _versions_in(os.path.join(root, "version")) or []
        folder = parent


def _versions_in(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as file:
            text = file.read(SHIM_READ).decode("utf-8", "replace")
    except OSError:
        return None
    words = [line.split()[0] for line in text.splitlines() if line.split()]
    return [w for w in words if not w.startswith("#") and ".." not in w and "/" not in w]
