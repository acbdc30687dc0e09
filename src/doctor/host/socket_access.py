"""Why this user may not open the engine's unix socket, and the one thing to do about it.

`permission denied on /var/run/docker.sock` alone leaves a newcomer guessing, and the advice
doctor gave with it ("add your user to the 'docker' group") was wrong in the commonest case: a
user who has just run `sudo usermod -aG docker $USER` is in the group in /etc/group, but the
shell they run doctor from started before, so its process still lacks the group until they log
in again (docker's post-install docs: "log out and log back in ... or run `newgrp docker`").
The socket's own mode and group decide the advice, not its path: a rootful engine's socket
is `root:docker 0660`, one installed without that group is `root:root 0660` (joining a
group would not help), a rootless engine's is its user's alone.

Imports nothing at module level but os: it is reached only after a connect failed.
"""

from __future__ import annotations

import os


def access_hint(path: str) -> str:
    """The advice after "permission denied on PATH" for this process ("" when there is none to give)."""
    try:
        info = os.stat(path)
    except PermissionError:
        return "a folder on the way to it is closed to this user"
    except OSError:
        return ""
    if info.st_mode & 0o060 == 0o060 and info.st_gid != 0:  # the group may use it: join that group
        group = _group_name(info.st_gid)
        if info.st_gid == os.getegid() or info.st_gid in os.getgroups():
            return ""  # the group is ours already: something else refused (an LSM policy), no advice fits
        if info.st_gid in _database_groups():
            # in the group per /etc/group, not in this process: the session predates `usermod -aG`
            return f"you are in group '{group}' but this session is not: log in again, or run 'newgrp {group}'"
        return f"join its group '{group}': sudo usermod -aG {group} $USER, then log in again"
    owner = _user_name(info.st_uid)
    return f"only {owner} may use it: run doctor as {owner}, or set DOCKER_HOST to an engine you may use"


def own_rootless_socket(refused: str) -> str:
    """The socket of this user's own rootless engine (`$XDG_RUNTIME_DIR/docker.sock`, else
    `/run/user/UID/docker.sock`: a socket this user owns) when it is not `refused`, the default socket
    doctor and the CLI dial without DOCKER_HOST; "" when there is none. dockerd-rootless-setuptool.sh
    tells its user to `export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock`: a user who has not, on a
    machine with a rootful engine too, reaches the rootful one's socket and is refused."""
    import stat

    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    for path in dict.fromkeys([f"{runtime}/docker.sock"] * bool(runtime) + [f"/run/user/{os.geteuid()}/docker.sock"]):
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISSOCK(info.st_mode) and info.st_uid == os.geteuid() and path != refused:
            return path
    return ""


def _database_groups() -> set[int]:
    """The groups /etc/group (NSS) gives this user now, whatever the running process holds."""
    import pwd

    try:
        entry = pwd.getpwuid(os.geteuid())
        return set(os.getgrouplist(entry.pw_name, entry.pw_gid))
    except (KeyError, OSError):  # a uid with no passwd entry (a container's `--user 1234`)
        return set()


def _group_name(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _user_name(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
