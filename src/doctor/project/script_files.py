"""Which host files are scripts: a `*.sh` / `*.bash` file or an executable without a suffix that starts
with `#!`, found by walking a folder (skipping dependency, VCS and host-tooling folders, at most
MAX_FILES per folder); and which of them drive docker or set up the machine, so belong to the host."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from doctor.project.reading import read_bytes

SCRIPT_SUFFIXES = (".sh", ".bash")
SKIP_DIRS = frozenset((".git", "node_modules", ".venv", "venv", "__pycache__", "vendor", "dist", "build", ".tox"))
# folders of host tooling a bind of the whole repository carries along: CI, git hooks, editors and
# agents (DefectDojo's .claude/hooks/branch-guard.sh): nothing in a container runs them
HOST_TOOL_DIRS = frozenset((".github", ".gitlab", ".circleci", ".buildkite", ".husky", ".githooks", ".vscode",
                            ".idea", ".claude", ".cursor"))
MAX_FILES = 5000


def _drives_engine(path: Path) -> bool:
    """_drives_engine_at for the file as it is now (a fix round may have rewritten it)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return _drives_engine_at(path, info.st_mtime_ns, info.st_size)


@cache
def _drives_engine_at(path: Path, mtime_ns: int, size: int) -> bool:
    """Whether a script found in a mounted or copied folder drives docker (a host wrapper such as
    DefectDojo's `run-unittest.sh`, `docker compose exec uwsgi ...`) or sets up the machine (CTFd's
    prepare.sh, `sudo apt-get install ...`; its scripts/install_docker.sh, `sudo systemctl enable
    docker`): it is the host's, whatever folder a service mounts (doctor.project.hostscripts, as exec
    and host-vs-container read it). A devcontainer's scripts run in its container, sudo or not."""
    from doctor.project.hostscripts import provisions_host, runs_docker

    try:
        text = read_bytes(path, 256 * 1024, head=True).decode("utf-8", "replace")
    except OSError:
        return False
    return runs_docker(text) or (".devcontainer" not in path.parts and provisions_host(text))


def _walk(folder: Path) -> Iterator[Path]:
    count = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and d not in HOST_TOOL_DIRS)
        for name in sorted(files):
            count += 1
            if count > MAX_FILES:
                return
            if _is_script(Path(current) / name):
                yield Path(current) / name


def _is_script(path: Path) -> bool:
    """A `*.sh` / `*.bash` file, or an executable without a suffix that starts with `#!`."""
    return path.name.endswith(SCRIPT_SUFFIXES) or ("." not in path.name and _shebang_executable(path))


def _shebang_executable(path: Path) -> bool:
    """An executable file without a suffix that starts with `#!` (after a BOM): a script by another
    name, like the s6-overlay `run` scripts paperless-ngx COPYs from docker/rootfs."""
    try:
        if not os.stat(path).st_mode & stat.S_IXUSR:
            return False
        return _is_text_script(path)
    except OSError:
        return False


def _is_text_script(path: Path) -> bool:
    """A file with a script's suffix, or one that starts with `#!` (after a BOM)."""
    if path.name.endswith(SCRIPT_SUFFIXES):
        return True
    try:
        return read_bytes(path, 5, head=True).removeprefix(b"\xef\xbb\xbf").startswith(b"#!")
    except OSError:
        return False
