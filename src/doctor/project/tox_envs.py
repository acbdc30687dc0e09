"""The Python versions a project's tox environments run on: its env list's interpreter factors.

tox reads the first of `tox.ini`, setup.cfg's `[tox:tox]` section, pyproject.toml's `[tool.tox]` (its
`legacy_tox_ini` text or the native `env_list`) and `tox.toml` that holds its configuration (tox 4's
order: https://tox.wiki/en/latest/config.html#discovery-and-file-types). An env list is the set of
interpreters the tests run on, so it is a matrix: `envlist = py{310,311}-django42, lint` runs
3.10 and 3.11. An env name's factors (split at `-`) name a CPython as tox 4 reads them
(`py310`, `py3.10`, `cpython3.12`, `3.12`; `py3` any Python 3); `pypy3`, `jython` and the
envs with no interpreter factor (`lint`, `docs`: tox's own Python) name none. Braces expand as
tox expands them (`py3{8-10, 12}`, one level); a value tox would substitute (`{env:X}`) is not
guessed: the list then says nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from doctor.model import Location
from doctor.project.digits import written_number
from doctor.project.reading import is_file
from doctor.project.runtimes import Declared

TOX_INI = "tox.ini"
_KEYS = ("envlist", "env_list")
# tox 4's interpreter factors (tox.tox_env.python.api.PY_FACTORS_RE): `py` and `cpython` name CPython
_IMPLEMENTATIONS = ("cpython", "py")
# an env list naming more envs than this is no list of Python versions (`py{1-30000000}`): read as nothing
MOST_NAMES = 500


def read_tox(folder: Path) -> list[Declared]:
    """The Python versions of the env list of the tox configuration in `folder`, at its key's line
    (a list: one place with every version); nothing when no env names an interpreter."""
    from doctor.project.memo import remember

    for name, reader in _SOURCES:
        path = folder / name
        if is_file(path):
            found, configured = remember("tox-envs", (path,), (), functools.partial(reader, path))
            if configured:  # tox reads the first file that configures it, and that one alone
                return found
    return []


Read = tuple[list[Declared], bool]  # the env list's place (if any), whether the file configures tox


def _ini_file(path: Path) -> Read:
    lines = _lines(path)
    return (_ini(path, lines, "tox"), True) if lines is not None else ([], False)


def _setup_cfg(path: Path) -> Read:
    """setup.cfg configures tox only with a `[tox:tox]` section (tox 4's SetupCfg; else it looks further)."""
    lines = _lines(path)
    if lines is None or not any(_section(line) == "tox:tox" for line in lines):
        return [], False
    return _ini(path, lines, "tox:tox"), True


def _ini(path: Path, lines: list[str], section: str, offset: int = 0) -> list[Declared]:
    """The env list of `[section]` in INI lines (`offset`: the lines before them in `path`)."""
    inside, at, value = False, 0, ""
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if at and (not stripped or line[:1] in " \t"):  # a continuation line (configparser's)
            value += "\n" + ("" if stripped.startswith(("#", ";")) else _uncommented(line))
            continue
        if at:
            break
        if _section(line) is not None:
            inside = _section(line) == section
        elif inside and not stripped.startswith(("#", ";")):
            key, equals, rest = _split_key(stripped)
            if equals and key.lower() in _KEYS:
                at, value = number, _uncommented(rest)
    if not at:
        return []
    names = _expanded(value)
    return _declared(path, offset + at, " ".join(value.split()), key_of(lines[at - 1]), names) if names else []


def _pyproject(path: Path) -> Read:
    """`[tool.tox]`: its `legacy_tox_ini` text (read as tox.ini) or its native `env_list`."""
    lines = _lines(path)
    if lines is None or not any(line.strip().startswith("[tool.tox") for line in lines):
        return [], False  # only a pyproject that configures tox pays for TOML
    table = _toml(lines).get("tool", {})
    tox = table.get("tox") if isinstance(table, dict) else None
    if not isinstance(tox, dict):
        return [], False
    legacy = tox.get("legacy_tox_ini")
    start = next(n for n, line in enumerate(lines) if line.strip().startswith("[tool.tox"))
    if isinstance(legacy, str):
        # the text's lines sit in the file from the key's line on (a `"""` opening alone on it: the next)
        key = next((n for n in range(start, len(lines)) if lines[n].strip().startswith("legacy_tox_ini")), start)
        skip = key + (1 if lines[key].rstrip().endswith(('"""', "'''")) else 0)
        return _ini(path, legacy.splitlines(), "tox", skip), True
    return _native(path, lines, tox, start), True


def _toml_file(path: Path) -> Read:
    lines = _lines(path)
    return (_native(path, lines, _toml(lines), 0), True) if lines is not None else ([], False)


def _native(path: Path, lines: list[str], table: dict[str, object], start: int) -> list[Declared]:
    """A TOML `env_list = ["3.13", "3.12", "lint"]` (tox 4.21+): names as written; an entry tox
    generates (`{ product = ... }`) is not read, and then the list says nothing."""
    value = table.get("env_list")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return []
    line = next((n + 1 for n in range(start, len(lines)) if key_of(lines[n]) == "env_list"), None)
    return _declared(path, line, ", ".join(value), "env_list", [str(v) for v in value]) if line else []


_SOURCES = ((TOX_INI, _ini_file), ("setup.cfg", _setup_cfg), ("pyproject.toml", _pyproject),
            ("tox.toml", _toml_file))  # tox's own order of discovery
TOX_FILES = frozenset(name.lower() for name, _ in _SOURCES)  # runtimes.read_folder asks read_tox where one is listed


def _declared(path: Path, line: int, shown: str, key: str, names: list[str]) -> list[Declared]:
    versions = tuple(dict.fromkeys(v for name in names if (v := env_python(name)) is not None))
    if not versions:
        return []
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return [Declared("python", Location(path, line), f"tox {key} {shown}", versions)]


def env_python(name: str) -> str | None:
    """The CPython version an env name's factors ask for (`py311-django42` -> 3.11, `py3.10`,
    `3.12`, `py3` -> 3), else None (`lint`, `pypy3`, `django-3.2`)."""
    name = name.strip()
    for factor in name.split("-"):
        digits = next((factor[len(i):] for i in _IMPLEMENTATIONS if factor.startswith(i)), None)
        if digits is None and factor == name and "." in factor:
            # tox 4's bare `3.12` env: a whole name alone (`django-3.2` names Django's version)
            digits = factor
        if digits is None or not digits:
            continue
        major, dot, minor = digits[0], digits[1:2] == ".", digits[1:].lstrip(".")
        if not digits.isascii() or (not digits.isdigit() and not (dot and minor.isdigit() and major.isdigit())):
            continue
        if "2" <= major <= "9" and len(minor) <= 2:
            return f"{major}.{minor}" if minor else major
    return None


def _expanded(value: str) -> list[str]:
    """The env names of an INI env list: split at commas and newlines outside braces, each name's
    brace groups expanded (`py{38,39}-{a,b}`, `py3{8-10}`); [] where tox would substitute a value."""
    names: list[str] = []
    depth, current = 0, ""
    for char in value + ",":
        depth += (char == "{") - (char == "}")
        if depth < 0 or depth > 1:
            return []  # tox does not nest braces: not read
        if depth == 0 and char in ",\n":
            if current.strip():
                expanded = _braces(current.strip())
                if expanded is None:
                    return []
                names += expanded
            current = ""
        else:
            current += char
    return names if depth == 0 else []


def _braces(name: str) -> list[str] | None:
    """Each name a brace pattern makes (a product over its groups), None for a substitution."""
    if "{" not in name:
        return [name]
    head, _, rest = name.partition("{")
    inner, _, tail = rest.partition("}")
    items: list[str] = []
    for item in (i.strip() for i in inner.split(",")):
        low, dash, high = item.partition("-")
        first, last = written_number(low, 9), written_number(high, 9)
        if dash and first is not None and last is not None and first <= last:
            if last - first >= MOST_NAMES:
                return None  # `py{1-30000000}` lists no Python versions, and expanding it took minutes and gigabytes
            items += [str(n) for n in range(first, last + 1)]
        elif not item or all(c.isalnum() or c in "._" for c in item):
            items.append(item)
        else:
            return None  # `{env:TOXENV}`, `{posargs}`, an open range: a value tox fills in
    tails = _braces(tail)
    if tails is None or len(items) * len(tails) > MOST_NAMES:
        return None
    return [head + item + end for item in items for end in tails]


def _section(line: str) -> str | None:
    """The name a `[section]` header line opens, else None."""
    stripped = line.strip()
    return stripped[1:-1].strip() if stripped.startswith("[") and stripped.endswith("]") else None


def _split_key(line: str) -> tuple[str, bool, str]:
    """`key = value` or `key: value` (configparser's delimiters, the first one on the line)."""
    at = min((i for i in (line.find("="), line.find(":")) if i != -1), default=-1)
    return (line[:at].strip(), True, line[at + 1:]) if at != -1 else (line, False, "")


def key_of(line: str) -> str:
    """The key an INI or TOML line sets, lowercased (`envlist`), or ""."""
    key, equals, _ = _split_key(line.strip())
    return key.strip("\"'").lower() if equals else ""


def _uncommented(text: str) -> str:
    """The text before an inline ` #` comment (tox 4 strips them; `\\#` is a literal hash)."""
    index = text.find("#")
    while index > 0 and text[index - 1] == "\\":
        index = text.find("#", index + 1)
    return text if index == -1 else text[:index]


def _toml(lines: list[str]) -> dict[str, object]:
    from doctor import lean_toml as tomllib  # only a file that configures tox pays for it

    try:
        return tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError:
        return {}


def _lines(path: Path) -> list[str] | None:
    from doctor.project.reading import read_regular_text

    text = read_regular_text(path, 512 * 1024)
    return text.splitlines() if text is not None else None
