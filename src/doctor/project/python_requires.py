"""The Python a project's pyproject.toml requires (`requires-python`, else Poetry's `python =
"^3.11"` as the PEP 440 range it means) and the range its uv.lock was resolved for."""

from __future__ import annotations

import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.digits import written_number
from doctor.project.reading import is_file
from doctor.project.runtimes import Declared, _lines


def _pyproject(path: Path) -> list[Declared]:
    if not is_file(path):
        return []
    from doctor.project.memo import remember

    return remember("pyproject", (path,), "requires-python", lambda: _requires_python(path))


def _requires_python(path: Path) -> list[Declared]:
    lines = _lines(path)
    if not lines:
        return []
    from doctor import lean_toml as tomllib  # here: ~5 ms to import, and only a pyproject.toml needs it

    try:
        data = tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError:
        return []
    project = data.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(spec, str) or not spec.strip():
        return _poetry_python(path, data, lines)
    line = next((n for n, text in enumerate(lines, 1) if text.strip().startswith("requires-python")), None)
    return [Declared("python", Location(path, line), f"requires-python {spec.strip()}", spec=spec.strip())]


LOCKS = ("uv.lock",)  # the lockfiles whose requires-python runtime-drift reads


def uv_lock(path: Path) -> list[Declared]:
    """uv.lock's `requires-python = "==3.13.*"`: the range the lock was resolved for, which
    `uv sync --frozen` installs against. Only its header is read (before the first table): the lock
    itself can run to megabytes."""
    from doctor.regular import RefusedFile, read_bytes, text_lines

    try:  # its first 4 KiB, through the one bounded reader (a FIFO or a device named uv.lock is refused)
        head = read_bytes(path, 4096, head=True).decode("utf-8", "replace")
    except (RefusedFile, FileNotFoundError, NotADirectoryError):  # facts of its stat (kind, absence)
        return []
    except OSError:  # a permission, an I/O error: no fact of its stat, not remembered (doctor.project.memo)
        from doctor.project.memo import unreadable

        unreadable()
        return []
    for number, line in enumerate(text_lines(head)[:50], 1):
        if line.startswith("["):
            return []
        key, equals, value = line.partition("=")
        spec = value.strip().strip('"').strip() if equals and key.strip() == "requires-python" else ""
        if spec:
            return [Declared("python", Location(path, number), f"requires-python {spec}", spec=spec)]
    return []


_POETRY_CLAUSE = lazy(r"\s*(\^|~=|~|===|==|!=|<=|>=|<|>|=)?\s*v?(\d+(?:\.\d+)*)(\.\*)?\s*(?:,|$|(?=[\s^~=!<>]))")


def _poetry_python(path: Path, data: dict[str, object], lines: list[str]) -> list[Declared]:
    """Poetry's `[tool.poetry.dependencies] python = "^3.11"` (where no `requires-python` says it)."""
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    value = dependencies.get("python") if isinstance(dependencies, dict) else None
    value = value.get("version") if isinstance(value, dict) else value
    spec = poetry_spec(value) if isinstance(value, str) else ""
    if not spec:
        return []
    start = next((n for n, text in enumerate(lines) if text.strip() == "[tool.poetry.dependencies]"), len(lines))
    line = next((n + 1 for n in range(start + 1, len(lines)) if re.match(r"\s*[\"']?python[\"']?\s*=", lines[n])),
                None)
    return [Declared("python", Location(path, line), f"poetry python {str(value).strip()}", spec=spec)]


def poetry_spec(constraint: str) -> str:
    """A Poetry version constraint as the PEP 440 range it means (`^3.11` -> `>=3.11,<4.0`, `~3.11`
    -> `>=3.11,<3.12`, `3.11` -> `==3.11.*`); "" for none (`*`) or what is not read (`^3.9 || ^3.11`)."""
    text, clauses, position = constraint.strip(), [], 0
    while position < len(text):
        found = _POETRY_CLAUSE.match(text, position)
        if found is None or found.end() == position:
            return ""
        position = found.end()
        op, raw, star = found.group(1) or "", found.group(2), found.group(3)
        read = [written_number(p, 9) for p in raw.split(".")]
        parts = [p for p in read if p is not None]
        if len(parts) != len(read):
            return ""  # a part of thousands of digits: no constraint doctor reads
        if op in ("^", "~") and not star:
            # ^: the first non-zero part stays (^3.11 is 3.x); ~: the minor stays (~3.11.2 is 3.11.x), ~3 is 3.x
            first = next((i for i, p in enumerate(parts) if p), len(parts) - 1) if op == "^" else min(len(parts) - 1, 1)
            upper = [*parts[:first], parts[first] + 1]
            clauses += [f">={raw}", f"<{'.'.join(map(str, upper))}{'.0' if len(upper) == 1 else ''}"]
        elif op in ("", "=", "==", "==="):
            clauses.append(f"=={raw}.*" if star or len(parts) < 3 else f"=={raw}")
        elif op == "!=" or (not star and op not in ("^", "~")):
            clauses.append(f"{op}{raw}{star or ''}")
        else:
            return ""
    return ",".join(clauses)
