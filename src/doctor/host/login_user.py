"""Whose login shell path-gap asks: the shell the user's terminal runs (doctor.host.early starts it)."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # read first thing in a preflight: typing waits
if TYPE_CHECKING:
    from collections.abc import Mapping

# passwd shells that refuse a login (a service account's): no terminal runs them
NO_LOGIN = frozenset({"nologin", "false", "true", "sync", "halt", "shutdown"})


def user_shell(env: Mapping[str, str]) -> str:
    """The user's login shell: $SHELL, else the passwd entry, else /bin/sh. A `sh` in SHELL gives way
    to another shell of the passwd entry: cron sets SHELL=/bin/sh for every job, while the
    terminal, whose PATH the job is compared with, runs the user's bash or zsh (dash reads only
    ~/.profile, which skips the .bashrc that loads nvm or pyenv: those gaps went unseen)."""
    shell = env.get("SHELL")
    if shell and os.path.basename(shell) != "sh":
        return shell
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid()).pw_shell
    except (ImportError, KeyError):
        entry = ""
    if shell and (not entry or os.path.basename(entry) in NO_LOGIN or not os.access(entry, os.X_OK)):
        return shell
    return entry or shell or "/bin/sh"
