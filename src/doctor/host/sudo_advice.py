"""What makes `sudo TOOL` run the TOOL the user's PATH finds, where sudo's secure_path lacks its folder.

Naming the program by its path is not always enough, and each case is read from files (nothing run):

- a script starting `#!/usr/bin/env node` (every npm-installed CLI under nvm, fnm, volta): env looks
  `node` up on sudo's PATH, which is secure_path, and fails ("/usr/bin/env: 'node': No such file or
  directory") or runs a system node; `sudo env "PATH=$PATH" TOOL` gives it the user's PATH;
- a version manager's shim: under sudo it runs its manager with root's HOME (mise, volta) or by name
  (asdf 0.16's `exec asdf`), which does not pick the user's version: the program the shim picks here
  is named instead;
- `sudo -u deploy TOOL`: a program under a folder `deploy` cannot enter (a 0700 or 0750 HOME) is
  "Permission denied" whatever is named: it has to be installed where that user reaches it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Debian's, Ubuntu's and Fedora's secure_path: where sudo looks when the sudoers file cannot be read
DEFAULT_SECURE_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
WHY = "secure_path replaces PATH, `sudo -E` too"


def sudo_advice(here: str, tool: str, user: str, cwd: str, env: Mapping[str, str],
                secure: Sequence[str] | None, dollar: str = "$") -> str:
    """The fix title for `sudo TOOL` (run as `user`) where PATH finds `here`; `dollar` is how the
    file spells `$` (`$$` in a Makefile recipe)."""
    from doctor.host.shims import shim_target

    program = shim_target(here, cwd, env) or here
    shim = program != here
    if user not in ("", "root", "#0"):
        closed = _closed_to(user, program)
        if closed:
            return (f"install {tool} where {user!r} can reach it, or run it without `-u {user}` ({user} cannot "
                    f"enter {closed}, mode {os.stat(closed).st_mode & 0o777:04o})")
    interpreter = _env_interpreter(program)
    folder = os.path.dirname(program)
    theirs = _which(interpreter, secure or DEFAULT_SECURE_PATH) if interpreter else ""
    mine = _which(interpreter, [folder] if shim else [folder, *env.get("PATH", "").split(":")]) if interpreter else ""
    if interpreter and not (theirs and mine and os.path.samefile(theirs, mine)):
        # env looks the interpreter up on secure_path: none there, or another than the user's
        found = f"which secure_path finds as {theirs}, not {_tilde(mine, env)}" if theirs else \
            "which secure_path has not"
        if shim:
            return (f"run `sudo env \"PATH={folder}:{dollar}PATH\" {program}`, the program the shim picks here, or "
                    f"run it without sudo (it starts with `#!/usr/bin/env {interpreter}`, {found}; {WHY})")
        return (f"run `sudo env \"PATH={dollar}PATH\" {tool}`, or run it without sudo ({tool} starts with "
                f"`#!/usr/bin/env {interpreter}`, {found}; {WHY})")
    if shim:
        return (f"name the program the shim picks here, `sudo {program}`, or run it without sudo (a shim under sudo "
                f"runs its manager as root, not with your version; {WHY})")
    return f"name it by its path, `sudo {here}`, or run it without sudo ({WHY})"


def _runnable(path: str) -> bool:
    return os.access(path, os.X_OK) and os.path.isfile(path)


def _which(name: str, folders: Sequence[str]) -> str:
    return next((os.path.join(f, name) for f in folders if os.path.isabs(f) and _runnable(os.path.join(f, name))), "")


def _tilde(path: str, env: Mapping[str, str]) -> str:
    home = env.get("HOME", "").rstrip("/")
    return "~" + path[len(home):] if home and path.startswith(home + "/") else path


def _env_interpreter(program: str) -> str:
    """`node` for a script starting `#!/usr/bin/env node` (or `env -S node --flag`); "" otherwise."""
    from doctor.regular import decoded, read_bytes

    try:
        head = decoded(read_bytes(os.path.realpath(program), 256, head=True))
    except OSError:
        return ""
    words = head.splitlines()[0][2:].split() if head.startswith("#!") else []
    if not words or os.path.basename(words[0]) != "env":
        return ""
    words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return words[0] if words and "/" not in words[0] else ""


def _closed_to(user: str, program: str) -> str:
    """The first folder on the way to `program` that `user` cannot enter (no x bit for it: owner, a
    group of it, or others), "" where it can or the user is unknown here."""
    import grp
    import pwd

    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return ""
    groups = {account.pw_gid} | {g.gr_gid for g in grp.getgrall() if user in g.gr_mem}
    folder = os.path.dirname(os.path.realpath(program))
    way = []
    while folder not in way:
        way.append(folder)
        folder = os.path.dirname(folder)
    for folder in reversed(way):
        try:
            stat = os.stat(folder)
        except OSError:
            return ""
        bit = 0o100 if stat.st_uid == account.pw_uid else 0o010 if stat.st_gid in groups else 0o001
        if not stat.st_mode & bit:
            return folder
    return ""
