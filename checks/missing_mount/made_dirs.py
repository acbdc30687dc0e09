"""The aftermath of a missing file-looking bind source: the empty directory docker made in its place.

Docker creates a missing bind source as a directory (root-owned under a rootful engine) on the
first `up`. From then on the source exists, so it is no longer "missing", but the service gets a
directory where a file was meant: the container cannot start ("Are you trying to mount a
directory onto a file") or its program reads a folder as its config. Judged only where the
answer is plain: the source is an empty directory whose name looks like a file (`nginx.conf`,
`.env.local`) and the mount target ends in the same kind of name (`/etc/nginx/nginx.conf`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Finding, Fix, Safety, Severity
from doctor.project.reading import empty_folder
from doctor.project.types import ComposeModel, Mount, Service

from .bind_sources import _looks_like_file, _shown

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.model import Check


def made_directories(check: Check, model: ComposeModel) -> Iterator[Finding]:
    """One finding per empty, file-named directory bind source inside the project."""
    root = model.project_dir
    users: dict[Path, list[tuple[Service, Mount]]] = {}
    for service in model.services.values():
        for mount in service.volumes:
            if mount.type != "bind" or not mount.source or "$" in mount.source or not mount.target:
                continue
            source = Path(os.path.normpath(mount.source))
            if source != root and root in source.parents and _file_meant(source, mount.target):
                users.setdefault(source, []).append((service, mount))
    for source, uses in users.items():
        rel = _shown(os.path.relpath(source, root))
        services = sorted({s.name for s, _ in uses})
        service, mount = uses[0]
        owner = " root-owned" if _uid(source) == 0 and _uid(root) != 0 else ""  # the checkout is the user's
        message = (f"bind source {rel} is an empty{owner} directory where a file was meant (docker makes a missing "
                   f"source a directory): '{service.name}' gets a directory at {mount.target}")
        title = f"remove the directory {rel} ({'sudo ' if owner else ''}rmdir {rel}) and put the file there"
        yield check.finding(message, mount.location, f"{','.join(services)}:{rel}:directory",
                            Fix(title, Safety.ADVICE), Severity.ERROR)


# files without an extension that a bind mount replaces (`./passwd.local:/etc/passwd:ro`)
KNOWN_FILES = frozenset({"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/hosts", "/etc/hostname", "/etc/localtime",
                         "/etc/timezone", "/etc/environment", "/etc/crontab", "/etc/sudoers", "/etc/machine-id"})
KNOWN_FILE_NAMES = frozenset({"Caddyfile", "Corefile", "Procfile", "crontab", "htpasswd", ".htpasswd"})


def _file_meant(source: Path, target: str) -> bool:
    """An empty directory named like a file, mounted where the target's name is a file's too (or
    the target is a file every image has or a config file named without an extension)."""
    name = posixpath.basename(target.rstrip("/"))
    known = posixpath.normpath(target) in KNOWN_FILES or name in KNOWN_FILE_NAMES
    if not name or not (_looks_like_file(source) or known) or not (_looks_like_file(Path(name)) or known):
        return False
    try:
        if source.is_symlink() or not source.is_dir():
            return False
    except OSError:
        return False
    return empty_folder(source)


def _uid(path: Path) -> int | None:
    try:
        return path.lstat().st_uid
    except OSError:
        return None
