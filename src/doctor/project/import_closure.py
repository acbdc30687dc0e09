"""The project modules an app module imports, transitively, found from the text alone (no `ast`).

`uvicorn app.main:app` loads app/main.py, whose `from app.core.config import settings` builds the
settings class in app/core/config.py: code_defaults reads that class's defaults there. Absolute
imports are resolved from the folder the app runs in (sys.path[0] of `uvicorn`, `celery`, `fastapi
run`), relative ones from the importing module's package; `from app.api import ping` reaches
app/api/ping.py as well as app/api/__init__.py. A module found nowhere there (the standard library,
an installed package) is not followed. At most MAX_FILES files, MAX_DEPTH imports deep.
"""

from __future__ import annotations

import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_file, read_regular_text

MAX_FILES = 64
MAX_DEPTH = 6
MAX_BYTES = 256 * 1024

_FROM = lazy(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE)
_IMPORT = lazy(r"^[ \t]*import[ \t]+([\w. \t,]+)", re.MULTILINE)


def imported_files(root: Path, start: Path) -> tuple[Path, ...]:
    """`start` and the project modules it imports under `root`, nearest first."""
    found: dict[Path, int] = {start: 0}
    todo = [start]
    while todo and len(found) < MAX_FILES:
        current = todo.pop(0)
        depth = found[current]
        if depth >= MAX_DEPTH:
            continue
        text = read_regular_text(current, MAX_BYTES) or ""
        for target in _imports(root, current, text):
            if target not in found and len(found) < MAX_FILES:
                found[target] = depth + 1
                todo.append(target)
    return tuple(found)


def _imports(root: Path, path: Path, text: str) -> list[Path]:
    if "import" not in text:
        return []
    found: list[Path] = []
    for match in _FROM.finditer(text):
        dots, module, names = len(match[1]), match[2], match[3].strip("() \t\n")
        base = root
        if dots:
            base = path.parent
            for _ in range(dots - 1):
                base = base.parent
        parts = [p for p in module.split(".") if p]
        package = _module_file(base, parts)
        if package is not None:
            found.append(package)
        for name in names.replace("\n", ",").split(","):
            word = name.split(" as ")[0].strip()
            if word.isidentifier():
                submodule = _module_file(base, [*parts, word])
                if submodule is not None and submodule != package:
                    found.append(submodule)
    for match in _IMPORT.finditer(text):
        for name in match[1].split(","):
            words = name.split()
            parts = words[0].split(".") if words else []
            if parts and all(p.isidentifier() for p in parts):
                module = _module_file(root, parts)
                if module is not None:
                    found.append(module)
    return found


def _module_file(base: Path, parts: list[str]) -> Path | None:
    if not parts:
        return (base / "__init__.py") if is_file(base / "__init__.py") else None
    folder = base.joinpath(*parts)
    for candidate in (folder.with_suffix(".py"), folder / "__init__.py"):
        if is_file(candidate):
            return candidate
    return None
