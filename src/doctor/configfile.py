"""Read doctor.yaml and [tool.doctor] into plain values that remember their line.

tomllib keeps no positions, so for pyproject.toml the lines come from a scan of the text
(table headers and `key =` lines); a value the scan cannot place gets its parent's line.
YAML is read by doctor.project.configyaml (only project/ touches PyYAML), imported lazily.
"""

from __future__ import annotations

import re
from pathlib import Path

from doctor.model import record, shown_path
from doctor.regular import read_text as regular_text
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# no setting nests more than 3 levels; a value far deeper is a mistake, refused before a parser or
# a converter recurses through it (RecursionError) or an alias bomb grows it past memory
MAX_DEPTH = 100
TOO_DEEP = f"value nested over {MAX_DEPTH} levels deep"


class ConfigError(Exception):
    """A configuration mistake; its message starts with `file:line:` where the file has one."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        # the file as it opens from here (`doctor.yaml:2`, not /home/me/stack/doctor.yaml:2), as findings name theirs
        shown = shown_path(path) if path is not None and path.is_absolute() else path
        where = f"{shown}:{line}: " if shown is not None and line else f"{shown}: " if shown is not None else ""
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


@record
class Raw:
    """A parsed config value with the line it was written on (lists and tables hold Raw)."""

    value: Any
    line: int | None


def read_text(path: Path) -> str:
    """The file's text; ConfigError naming the file when it cannot be read as UTF-8."""
    try:
        return regular_text(path, errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, OSError):
            from doctor.project.memo import unreadable

            unreadable()  # not a fact of the file: a later run reads it again
        raise ConfigError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path) from None


def read_yaml(path: Path) -> Raw:
    """doctor.yaml as Raw values; a mapping's values carry the line of their key."""
    from doctor.project.configyaml import ConfigYamlError, Lined, lined_tree
    from doctor.project.yamlload import YamlError, refuse_expansion

    text = read_text(path)
    try:
        refuse_expansion(text, MAX_DEPTH)  # lined_tree would follow every alias, to any depth
        tree = lined_tree(text)
    except ConfigYamlError as exc:
        raise ConfigError(str(exc), path, exc.line) from None
    except YamlError as exc:
        raise ConfigError(exc.message, path, exc.line) from None

    def convert(item: Lined) -> Raw:
        value, line = item
        if isinstance(value, dict):
            return Raw({k: convert(v) for k, v in value.items()}, line)
        if isinstance(value, list):
            return Raw([convert(v) for v in value], line)
        return Raw(value, line)

    return convert(tree)


def read_pyproject(path: Path) -> Raw | None:
    """The [tool.doctor] table with the line of every key, or None when there is none
    (remembered across runs by doctor.project.memo while the file is unchanged)."""
    from doctor.project.memo import remember

    return remember("pyproject", (path,), "tool-doctor", lambda: _read_pyproject(path), keep=(ConfigError,))


def _read_pyproject(path: Path) -> Raw | None:
    text = read_text(path)
    if "doctor" not in text:
        return None
    from doctor import lean_toml as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if not re.search(r"\btool\s*\.\s*doctor\b", text):
            return None  # a broken pyproject.toml that does not configure doctor is not doctor's business
        # Python 3.11's TOMLDecodeError has no lineno: read it from the message
        found = re.search(r"line (\d+)", str(exc))
        line = int(found[1]) if found else len(text.rstrip().splitlines()) or None  # "at end of document"
        raise ConfigError(f"invalid TOML: {re.sub(r' [(]at [^)]*[)]', '', str(exc))}", path, line) from None
    except RecursionError:  # tomllib recurses once an array or inline table level
        if not re.search(r"\btool\s*\.\s*doctor\b", text):
            return None
        raise ConfigError(TOO_DEEP, path, deep_line(text, MAX_DEPTH)) from None
    table = data.get("tool", {}).get("doctor")
    if table is None:
        return None
    lines = toml_lines(text)

    def line_of(key: tuple[str | int, ...]) -> int | None:
        while key:
            if key in lines:
                return lines[key]
            key = key[:-1]
        return None

    def convert(value: Any, key: tuple[str | int, ...], depth: int) -> Raw:
        if isinstance(value, (dict, list)) and depth > MAX_DEPTH:
            raise ConfigError(TOO_DEEP, path, line_of(key))
        if isinstance(value, dict):
            return Raw({k: convert(v, (*key, k), depth + 1) for k, v in value.items()}, line_of(key))
        if isinstance(value, list):
            return Raw([convert(v, (*key, i), depth + 1) for i, v in enumerate(value)], line_of(key))
        return Raw(value, line_of(key))

    return convert(table, ("tool", "doctor"), 1)


def deep_line(text: str, limit: int) -> int | None:
    """The line where `[` and `{` first nest deeper than `limit`, quoted text and `#` comments left
    out (exact for JSON, close for TOML): where to point when a parser gave up with RecursionError."""
    depth = 0
    for found in re.finditer(r'"(?:\\.|[^"\\\n])*"?|\'[^\'\n]*\'?|#[^\n]*|[\[\]{}]', text):
        if found[0] in ("[", "{"):
            depth += 1
            if depth > limit:
                return text.count("\n", 0, found.start()) + 1
        elif found[0] in ("]", "}"):
            depth -= 1
    return None


_TOML_KEY = r'(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)'


def toml_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The line of each table header and `key =` (tomllib keeps no positions: scan the text)."""
    lines: dict[tuple[str | int, ...], int] = {}
    table: tuple[str | int, ...] = ()
    arrays: dict[tuple[str | int, ...], int] = {}
    for number, raw in enumerate(text_lines(text), 1):
        line = raw.strip()
        if header := re.match(rf"^\[\[\s*({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*\]\]", line):
            name = _dotted(header[1])
            index = arrays.get(name, 0)
            arrays[name] = index + 1
            table = (*name, index)
            lines.setdefault(name, number)
            lines.setdefault(table, number)
        elif header := re.match(rf"^\[\s*({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*\]", line):
            table = _dotted(header[1])
            lines.setdefault(table, number)
        elif key := re.match(rf"^({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*=", line):
            lines.setdefault((*table, *_dotted(key[1])), number)
    return lines


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(rf"{_TOML_KEY}", text))
