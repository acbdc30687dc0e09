"""Folders that hold no project's own data: system folders, and the home folder or above.

root-owned-files never widens its scan to one (doctor.host.owners.scan_scope), and a path missing
from a compose folder is never looked for in one (doctor.project.moved_paths): a `.cache` there is
the machine's or the user's, not the project's.
"""

from __future__ import annotations

import os
from pathlib import Path

# the folders a container shares with the host by design (appwrite's `/tmp:/tmp`, a docker socket's
# /var/run), whose root-owned files are normal: a bind of one is never the project's data
SYSTEM_FOLDERS = frozenset({
    "/", "/bin", "/boot", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/nix", "/opt", "/private",
    "/private/tmp", "/private/var", "/root", "/sbin", "/snap", "/srv", "/tmp", "/Users", "/usr", "/usr/local",
    "/usr/share", "/var", "/var/cache", "/var/lib", "/var/lib/docker", "/var/log", "/var/tmp", "/Volumes",
})
# ... and the trees below which nothing is (a bind of /dev/shm, /sys/fs/cgroup or /etc/localtime)
SYSTEM_TREES = ("/dev", "/etc", "/proc", "/run", "/sys", "/var/run")


def not_project_data(path: str, home: str) -> bool:
    """Whether a bind source or work tree top `path` (a real path) cannot hold a project's own data,
    so that root-owned-files never widens its scan to it: a system folder (SYSTEM_FOLDERS) or one
    in a system tree (SYSTEM_TREES), or the home folder `home` or a folder above it."""
    if path in SYSTEM_FOLDERS or any(path == tree or path.startswith(tree + "/") for tree in SYSTEM_TREES):
        return True
    return bool(home) and Path(os.path.realpath(home)).is_relative_to(path)


def home_folder() -> Path:
    """The user's home folder; `/nonexistent` (nobody's, as in /etc/passwd) where none can be found: HOME
    unset under a uid with no passwd entry (a container's own uid, OpenShift's random one), where
    Path.home() raises RuntimeError. No project folder is it nor lies above it."""
    try:
        return Path.home()
    except RuntimeError:
        return Path("/nonexistent")
