"""sudo's secure_path: the PATH a command run through `sudo` is looked up on, read from /etc/sudoers.

Debian, Ubuntu and Fedora set `Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"`:
`sudo poetry install` then says "sudo: poetry: command not found" although the user's PATH has
~/.local/bin (`sudo -E` keeps the environment, but secure_path still replaces PATH). The files are
read as sudo reads them (sudoers(5)): a line ending in `\\` continues on the next, `#` starts a
comment (not `#include`, not a `#1000` uid); `@include FILE` and `@includedir DIR` (or `#include...`)
are read where they stand, a relative name against the including file's folder, a folder's files
sorted, without the names sudo skips (holding a `.` or ending in `~`). A Defaults line may set several
parameters (`Defaults env_reset, secure_path="..."`) and `!secure_path` unsets it (PATH is kept);
`Defaults@host`, `Defaults:user` and `Defaults>runas` lines apply where they name this host, this
user (or a group of it) and root, and beat plain Defaults whatever their order, as sudo applies
them; within one kind the last wins. The files are readable by root alone on most systems: then it
is unknown (`readable` False).
"""

from __future__ import annotations

import os

from doctor.lazyre import lazy
from doctor.model import record

SUDOERS = "/etc/sudoers"
_INCLUDE = lazy(r"^[@#](include|includedir)\s+(.+?)\s*$")
_DEFAULTS = lazy(r"^Defaults(?:([@:>!])\s*((?:[^\s\"\\]|\\.|\"[^\"]*\")+))?\s+(.+)$")
_PARAMETER = lazy(r'\s*(!*)\s*([A-Za-z_]+)\s*(?:(\+?=|-=)\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?\s*(?:,|$)')
_ORDER = {"": 0, "@": 1, ":": 2, ">": 3}  # sudo applies generic, then host, user, runas Defaults
_DEPTH = 8  # sudo stops at 128 nested includes; a loop is all that gets this deep


@record
class SecurePath:
    """sudo's secure_path entries and the file:line that sets them; `readable` False when the sudoers
    file could not be read (root's alone), `entries` None when none is set (sudo keeps PATH)."""

    readable: bool
    entries: tuple[str, ...] | None = None
    source: str = ""


def secure_path(sudoers: str | None = None) -> SecurePath:
    """sudo's secure_path on this machine for this user, from its files (never by running sudo)."""
    main = sudoers or SUDOERS
    try:
        lines = list(_lines(main, 0))
    except FileNotFoundError:
        return SecurePath(True)  # no sudo configured here
    except OSError:
        return SecurePath(False)
    found, rank = SecurePath(True), -1
    for path, number, line in lines:
        matched = _DEFAULTS.match(line)
        if matched is None or not _applies(matched.group(1) or "", matched.group(2) or ""):
            continue
        order = _ORDER[matched.group(1) or ""]
        for negated, name, operator, value in _PARAMETER.findall(matched.group(3)):
            if name != "secure_path" or order < rank or not (negated or operator == "="):
                continue
            rank = order
            if negated:
                found = SecurePath(True, None, f"{path}:{number}")
            else:
                value = (value[1:-1] if value.startswith('"') else value).replace("\\", "")
                entries = tuple(e.strip() for e in value.split(":") if e.strip())
                found = SecurePath(True, entries, f"{path}:{number}")
    return found


def _lines(path: str, depth: int) -> list[tuple[str, int, str]]:
    """(file, line number, logical line) of a sudoers file and what it includes, in sudo's order; the
    main file's OSError raised, an included file's skipped."""
    from doctor.regular import read_text, text_lines

    text = read_text(path, 1024 * 1024)
    found: list[tuple[str, int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text_lines(text), 1):
        if not pending:
            start = number
        elif pending.count('"') % 2:  # inside a quoted value the continuation's blanks are dropped
            raw = raw.lstrip()
        else:
            pending += " "
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        line = _uncommented(pending + raw).strip()
        pending = ""
        include = _INCLUDE.match(line)
        if include is None:
            if line:
                found.append((path, start, line))
            continue
        if depth >= _DEPTH:
            continue
        target = os.path.join(os.path.dirname(path), include.group(2).strip('"').replace("%h", _host()[0]))
        for name in _include_files(target, include.group(1) == "includedir"):
            try:
                found.extend(_lines(name, depth + 1))
            except OSError:
                continue
    return found


def _uncommented(line: str) -> str:
    """The line before its comment: a `#` outside quotes at the start or after a blank, but not
    `#include...` at the start nor a `#1000` uid."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"' and (index == 0 or line[index - 1] != "\\"):
            quoted = not quoted
        elif char == "#" and not quoted and (index == 0 or line[index - 1] in " \t"):
            rest = line[index + 1:]
            if rest[:1].isdigit() or (not line[:index].strip() and rest.startswith("include")):
                continue
            return line[:index]
    return line


def _include_files(target: str, folder: bool) -> list[str]:
    if not folder:
        return [target]
    try:
        names = sorted(os.listdir(target))
    except OSError:
        return []
    return [os.path.join(target, n) for n in names if "." not in n and not n.endswith("~")]


def _applies(kind: str, names: str) -> bool:
    """Whether a `Defaults@host`, `Defaults:user` or `Defaults>runas` line's list names this host, this
    user (a `%group` of it, a `#uid`) or root; a `Defaults!command` line is left out (per command),
    and so is an alias doctor does not expand."""
    if not kind:
        return True
    if kind == "!":
        return False
    if kind == "@":
        mine = set(_host())
    elif kind == ":":
        mine = _user()
    else:
        mine = {"root", "#0"}
    hit = False
    for entry in (n.strip().strip('"') for n in names.split(",")):
        negated = entry.startswith("!")
        entry = entry.lstrip("!").strip()
        if entry == "ALL" or entry in mine:
            if negated:
                return False
            hit = True
    return hit


def _host() -> tuple[str, str]:
    import socket

    name = socket.gethostname()
    return name.split(".")[0], name


def _user() -> set[str]:
    """The names a `Defaults:` list may give the user doctor runs as: login name, `#uid`, `%group`s."""
    import grp
    import pwd

    uid = os.geteuid()
    try:
        names = {pwd.getpwuid(uid).pw_name, f"#{uid}"}
    except KeyError:
        names = {f"#{uid}"}
    for gid in {os.getegid(), *os.getgroups()}:
        names.add(f"%#{gid}")
        try:
            names.add(f"%{grp.getgrgid(gid).gr_name}")
        except KeyError:
            continue
    return names
