"""Read doctor.yaml and [tool.doctor] into plain values that remember their line.

tomllib keeps no positions, so for pyproject.toml the lines come from a scan of the text
(table headers and `key =` lines); a value the scan cannot place gets its parent's line.
This is the one module outside project/ that uses PyYAML (sanctioned for config: it needs
only node line marks, not the compose model); PyYAML is imported lazily.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration mistake; its message starts with `file:line:` where the file has one."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        where = f"{path}:{line}: " if path is not None and line else f"{path}: " if path is not None else ""
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Raw:
    """A parsed config value with the line it was written on (lists and tables hold Raw)."""

    value: Any
    line: int | None


def read_text(path: Path) -> str:
    """The file's text; ConfigError naming the file when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path) from None


def read_yaml(path: Path) -> Raw:
    """doctor.yaml as Raw values; a mapping's values carry the line of their key."""
    import yaml

    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(
            f"invalid YAML: {exc.problem or exc.context}", path, mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path) from None
    if node is None:
        return Raw({}, 1)
    loader = yaml.SafeLoader("")

    def convert(n: yaml.Node, line: int) -> Raw:
        if isinstance(n, yaml.MappingNode):
            out: dict[str, Raw] = {}
            for key_node, value_node in n.value:
                key_line = key_node.start_mark.line + 1
                key = str(loader.construct_object(key_node, deep=True))
                if key in out:
                    raise ConfigError(
                        f"key {key!r} is given twice (first on line {out[key].line})", path, key_line
                    )
                out[key] = convert(value_node, key_line)
            return Raw(out, line)
        if isinstance(n, yaml.SequenceNode):
            return Raw([convert(item, item.start_mark.line + 1) for item in n.value], line)
        try:
            return Raw(loader.construct_object(n, deep=True), line)
        except yaml.YAMLError as exc:
            raise ConfigError(f"invalid value: {exc}", path, line) from None

    return convert(node, node.start_mark.line + 1)


def read_pyproject(path: Path) -> Raw | None:
    """The [tool.doctor] table with the line of every key, or None when there is none."""
    import tomllib

    text = read_text(path)
    if "doctor" not in text:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if not re.search(r"\btool\s*\.\s*doctor\b", text):
            return None  # a broken pyproject.toml that does not configure doctor is not doctor's business
        # Python 3.11's TOMLDecodeError has no lineno: read it from the message
        found = re.search(r"line (\d+)", str(exc))
        line = int(found[1]) if found else len(text.rstrip().splitlines()) or None  # "at end of document"
        raise ConfigError(f"invalid TOML: {re.sub(r' [(]at [^)]*[)]', '', str(exc))}", path, line) from None
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

    def convert(value: Any, key: tuple[str | int, ...]) -> Raw:
        if isinstance(value, dict):
            return Raw({k: convert(v, (*key, k)) for k, v in value.items()}, line_of(key))
        if isinstance(value, list):
            return Raw([convert(v, (*key, i)) for i, v in enumerate(value)], line_of(key))
        return Raw(value, line_of(key))

    return convert(table, ("tool", "doctor"))


_TOML_KEY = r'(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)'


def toml_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The line of each table header and `key =` (tomllib keeps no positions: scan the text)."""
    lines: dict[tuple[str | int, ...], int] = {}
    table: tuple[str | int, ...] = ()
    arrays: dict[tuple[str | int, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
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
