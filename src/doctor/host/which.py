"""`shutil.which` for POSIX without importing shutil (which imports bz2, lzma and more on every run)."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # collections.abc imports collections: not before the login shell starts
if TYPE_CHECKING:
    from collections.abc import Iterable


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
