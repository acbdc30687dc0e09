"""A login-shell PATH folder that a version manager or Homebrew put there, and the folder (or line)
that gives the same tool to every other kind of process.

The login shell's folder is not always one to copy: `fnm env` links a new
`~/.local/state/fnm_multishells/PID_MILLIS` for each shell (gone with it), `mise activate` puts
`installs/node/20.11.0/bin` on PATH at an interactive prompt only, and nvm.sh (loaded by an
interactive shell's ~/.bashrc) puts the default version's folder there. Each manager documents
a way for non-interactive processes: fnm's `aliases/default`, mise's and asdf's shims (`mise
activate --shims`), Homebrew's `eval "$(brew shellenv)"`. Files are read, nothing is run.
"""

from __future__ import annotations

import os
import re

from doctor.lazyre import lazy
from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_FNM_SHELL = lazy(r"/fnm_multishells/\d+_\d+/bin$")
_NVM_VERSION = lazy(r"/versions/node/(v[^/]+)/bin$")
# `<manager's data>/installs/<tool>/<version>/bin` (mise, asdf) or `<root>/versions/<version>/bin`
# (pyenv, rbenv, nodenv): the version's own folder, beside the shims that pick it
_VERSION_BIN = lazy(r"^(?P<data>.+?)/(?:installs/[^/]+|versions)/[^/]+/bin$")


@record
class ManagedFolder:
    """The folder to put on PATH for a login-shell folder a manager owns, and why (`note`);
    `shell_line` is the line a shell's startup file takes instead of an export (Homebrew's)."""

    manager: str
    folder: str
    note: str
    shell_line: str = ""
    note_with_line: bool = False  # the note speaks of `shell_line`: said only where that line is the advice


def managed_folder(folder: str, tool: str, env: Mapping[str, str]) -> ManagedFolder | None:
    """What to advise for `folder` (where the login shell finds `tool`), when a manager owns it."""
    folder = folder.rstrip("/")
    home = env.get("HOME", "").rstrip("/")
    if _FNM_SHELL.search(folder):
        return _fnm(folder, tool, env)
    brew = os.path.join(os.path.dirname(folder), "bin", "brew")
    if os.path.basename(folder) in ("bin", "sbin") and _runnable(brew) and _is_homebrew(os.path.dirname(folder)):
        return _homebrew(os.path.dirname(folder), home)
    nvm = _NVM_VERSION.search(folder)
    if nvm and os.path.isfile(os.path.join(folder[:nvm.start()], "nvm.sh")):
        return ManagedFolder("nvm", folder, f"nvm.sh sets it in interactive shells only; this pins {nvm.group(1)}: "
                                            "update it after `nvm alias default`")
    version = _VERSION_BIN.match(folder)
    if version:
        shims = os.path.join(version.group("data"), "shims")
        from doctor.host.shims import manager_of

        manager = manager_of(os.path.join(shims, tool)) if _runnable(os.path.join(shims, tool)) else None
        if manager == "mise":
            return ManagedFolder("mise", shims, "`mise activate` sets PATH at the interactive prompt only; "
                                                "`mise activate --shims` adds these shims, which work everywhere")
        if manager is not None:
            return ManagedFolder(manager, shims, f"{manager}'s shims, which pick the version per folder, not one "
                                                 "version's own")
    return None


def _runnable(path: str) -> bool:
    return os.access(path, os.X_OK) and os.path.isfile(path)


def _is_homebrew(prefix: str) -> bool:
    """A Homebrew prefix: /opt/homebrew, /usr/local, /home/linuxbrew/.linuxbrew (its Cellar or its
    Homebrew checkout beside bin/brew; a home's ~/bin/brew beside a dotfiles ~/.git is none)."""
    return any(os.path.isdir(os.path.join(prefix, name)) for name in ("Cellar", "Homebrew"))


def _homebrew(prefix: str, home: str) -> ManagedFolder:
    """Homebrew: `eval "$(PREFIX/bin/brew shellenv)"`, the line its installer prints for ~/.zprofile,
    which only login shells read."""
    line = f'eval "$({prefix}/bin/brew shellenv)"'
    note = ""
    for name in (".zprofile", ".bash_profile", ".profile"):
        if home and _mentions(os.path.join(home, name), "brew shellenv"):
            note = f"~/{name} has it, which only login shells read: keep it there too"
            break
    return ManagedFolder("Homebrew", os.path.join(prefix, "bin"), note, line, note_with_line=True)


def _fnm(folder: str, tool: str, env: Mapping[str, str]) -> ManagedFolder | None:
    """fnm: the per-shell link is gone with its shell; `aliases/default` under fnm's folder stays. That
    folder is the one the link names (a custom FNM_DIR set in a startup file), else those fnm's
    directories.rs tries: FNM_DIR, $XDG_DATA_HOME/fnm, ~/.fnm, macOS's ~/Library/Application Support/fnm."""
    home = env.get("HOME", "")
    link = os.path.dirname(folder)
    linked = os.path.realpath(link)
    data = env.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    candidates = [_fnm_root(link), env.get("FNM_DIR", ""), os.path.join(data, "fnm"), os.path.join(home, ".fnm"),
                  os.path.join(home, "Library", "Application Support", "fnm")]
    for root in dict.fromkeys(filter(None, candidates)):
        default = os.path.join(root, "aliases", "default")
        if _runnable(os.path.join(default, "bin", tool)):
            note = "`fnm env` links a folder per shell, gone with it; aliases/default is fnm's default version"
            if os.path.realpath(default) != linked:
                note += " (that shell's `fnm use` picked another)"
            return ManagedFolder("fnm", os.path.join(default, "bin"), note)
    version = re.search(r"/node-versions/([^/]+)/installation$", linked)
    if version is None or not _runnable(os.path.join(linked, "bin", tool)):
        return None
    return ManagedFolder("fnm", os.path.join(linked, "bin"), "`fnm env` links a folder per shell, gone with it; this "
                                                             f"pins {version.group(1)}: update it after `fnm default`")


def _fnm_root(link: str) -> str:
    """fnm's folder from a per-shell link's target: `ROOT/aliases/NAME` or `ROOT/node-versions/V/installation`."""
    try:
        target = os.path.join(os.path.dirname(link), os.readlink(link))
    except OSError:
        return ""
    found = re.match(r"^(.+)/(?:aliases/[^/]+|node-versions/[^/]+/installation)/?$", os.path.normpath(target))
    return found.group(1) if found else ""


def _mentions(path: str, text: str) -> bool:
    from doctor.regular import read_text

    try:
        return any(text in line and not line.lstrip().startswith("#")
                   for line in read_text(path, 1024 * 1024).splitlines())
    except OSError:
        return False
