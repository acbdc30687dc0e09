"""missing-mount's view of the folders without an `__init__.py` that the mounted Python code imports.

A repo-root context's top folders count as source when they are Python packages; a namespace
package has no `__init__.py` to say so (docker-flask-example's lib/, which its mounted tests
import: `from lib.test import ViewTestMixin`). The mounted code's own imports say it instead.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import read_regular_text

# the first name of each `from X...` and `import X..., Y` line (the pattern host-vs-container reads imports with)
_IMPORT = lazy(r"(?m)^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)|import[ \t]+([A-Za-z_][\w \t,.]*))")
MAX_FILES = 2000  # Python files of the mounted folders read for their imports
FILE_LIMIT = 256 * 1024  # of one file
_NOT_WALKED = frozenset(("node_modules", "__pycache__", ".git", ".venv", "venv", "site-packages"))


def holds_python(folder: Path) -> bool:
    """Whether a folder holds `.py` files, directly or one folder down (`lib/test.py`, `lib/web/views.py`)."""
    try:
        with os.scandir(folder) as entries:
            subfolders = []
            for entry in entries:
                if entry.name.endswith(".py") and entry.is_file(follow_symlinks=False):
                    return True
                if entry.is_dir(follow_symlinks=False) and entry.name not in _NOT_WALKED:
                    subfolders.append(entry.path)
        for sub in subfolders[:50]:
            with os.scandir(sub) as entries:
                if any(e.name.endswith(".py") and e.is_file(follow_symlinks=False) for e in entries):
                    return True
    except OSError:
        return False
    return False


def imported_by(mounted: Collection[Path], candidates: Collection[Path]) -> set[Path]:
    """Those of `candidates` (top folders of Python code with no `__init__.py`) whose name the Python
    files of the `mounted` folders import, within their first MAX_FILES files."""
    by_name = {c.name: c for c in candidates}
    if not by_name or not mounted:
        return set()
    found: set[Path] = set()
    count = 0
    for folder in mounted:
        for current, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in _NOT_WALKED and not d.startswith("."))
            for name in sorted(files):
                if not name.endswith(".py"):
                    continue
                count += 1
                if count > MAX_FILES:
                    return found
                text = read_regular_text(Path(current) / name, FILE_LIMIT) or ""
                for match in _IMPORT.finditer(text):
                    names = [match[1]] if match[1] else [part.split()[0].split(".")[0]
                                                         for part in match[2].split(",") if part.split()]
                    found.update(by_name[n] for n in names if n in by_name)
                if len(found) == len(by_name):
                    return found
    return found
