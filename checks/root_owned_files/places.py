"""Where root-owned-files groups and shows its strays: the project folder and its parents up to
the scan root, and paths as the project folder reaches them."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence


class _Places:
    """Where strays are grouped and shown from: the project folder, and each of its parents up to
    the scan root (the git work tree's top) for strays outside it, as `..`, `../..`."""

    def __init__(self, folder: str, root: str) -> None:
        self.anchors = [(folder.rstrip("/") + "/", ".")]
        up, shown = folder, "."
        while up != root and up.startswith(root) and os.path.dirname(up) != up:
            up, shown = os.path.dirname(up), (".." if shown == "." else shown + "/..")
            self.anchors.append((up.rstrip("/") + "/", shown))

    def group(self, path: str, is_dir: bool) -> str:
        """The folder a stray is grouped under, relative to the project folder: the first name
        below the deepest anchor holding it; the anchor itself for it and the files right in it."""
        for prefix, shown in self.anchors:
            if path.startswith(prefix):
                first, slash, _ = path[len(prefix):].partition("/")
                if slash or is_dir:
                    return first if shown == "." else f"{shown}/{first}"
                return shown
            if path.rstrip("/") + "/" == prefix:
                return shown
        return "."


def _from_root(patterns: Sequence[str], folder: str, root: str) -> tuple[str, ...]:
    """Exclude patterns written relative to the project folder, made relative to the scan root:
    a pattern with a slash is a path (`data/pg`); one without, a name anywhere (as exclusion() reads them)."""
    prefix = os.path.relpath(folder, root)
    if prefix == ".":
        return tuple(patterns)
    return tuple(posixpath.normpath(f"{prefix}/{p.strip('/')}") if "/" in p.strip("/") else p for p in patterns)


def _shown(path: str, folder: str) -> str:
    """`path` (absolute) as the project folder reaches it: `backend/x` below it, `../src` beside it."""
    if path.startswith(folder.rstrip("/") + "/"):
        return path[len(folder.rstrip("/")) + 1:]
    return os.path.relpath(path, folder)


def _rel(path: str, root: str) -> str:
    """`path` (absolute, under `root`) relative to `root`: "." for the root itself."""
    return path[len(root.rstrip("/")) + 1:] if path != root else "."
