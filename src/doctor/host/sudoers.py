"""sudo's secure_path: the PATH a command run through `sudo` is looked up on, read from /etc/sudoers.

Debian, Ubuntu and Fedora set `Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"`:
`sudo poetry install` then says "sudo: poetry: command not found" although the user's PATH has
~/.local/bin (`sudo -E` keeps the environment, but secure_path still replaces PATH). The files are
read, in sudo's order (the main file, then each file `@includedir` or `#includedir` names, sorted,
without the names sudo skips: those holding a `.` or ending in `~`); the last `Defaults secure_path`
wins. They are readable by root alone on most systems: then it is unknown (`readable` False).
"""

from __future__ import annotations

import os
import re

from doctor.model import record

SUDOERS = "/etc/sudoers"
_SECURE_PATH = re.compile(r'^\s*Defaults\s+secure_path\s*=\s*"?([^"\n]*)"?\s*$', re.M)
_INCLUDEDIR = re.compile(r"^\s*[@#]includedir\s+(\S+)\s*$", re.M)


@record
class SecurePath:
    """sudo's secure_path entries and the file:line that sets them; `readable` False when the sudoers
    file could not be read (root's alone), `entries` None when none is set (sudo keeps PATH)."""

    readable: bool
    entries: tuple[str, ...] | None = None
    source: str = ""


def secure_path(sudoers: str | None = None) -> SecurePath:
    """sudo's secure_path on this machine, from its files (never by running sudo)."""
    from doctor.regular import read_text

    main = sudoers or SUDOERS
    try:
        text = read_text(main, 1024 * 1024)
    except FileNotFoundError:
        return SecurePath(True)  # no sudo configured here
    except OSError:
        return SecurePath(False)
    found = SecurePath(True)
    for path, content in [(main, text), *_included(text)]:
        for match in _SECURE_PATH.finditer(content):
            line = content.count("\n", 0, match.start()) + 1
            found = SecurePath(True, tuple(e for e in match.group(1).split(":") if e), f"{path}:{line}")
    return found


def _included(text: str) -> list[tuple[str, str]]:
    """The files of the folders the main file includes, in sudo's order, each one's text."""
    from doctor.regular import read_text

    files: list[tuple[str, str]] = []
    for match in _INCLUDEDIR.finditer(text):
        folder = match.group(1)
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if "." in name or name.endswith("~"):
                continue
            try:
                files.append((os.path.join(folder, name), read_text(os.path.join(folder, name), 1024 * 1024)))
            except OSError:
                continue
    return files
