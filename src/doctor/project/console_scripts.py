"""The console scripts a Python project defines: the commands `pip install .` (or `-e .`, `uv sync`,
`poetry install`) puts on the PATH of wherever it installs the project.

allegro/ralph's setup.py declares `entry_points={'console_scripts': ['test_ralph = ralph.__main__:test',
...]}` and its requirements/dev.txt installs the project through `-e .`: `make test` runs `test_ralph`,
which exists only where that install ran (its container). Read from the project's files, never run:
setup.py is parsed with `ast` (its `setup(...)` call's `entry_points`, a literal or a module-level
name bound to one), setup.cfg's `[options.entry_points] console_scripts`, pyproject.toml's
`[project.scripts]` and `[tool.poetry.scripts]`.
"""

from __future__ import annotations

from pathlib import Path

from doctor.project.reading import is_file, read_regular_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast

# a setup.py is a page or two; a bigger one is not parsed
SETUP_PY_LIMIT = 256 * 1024
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


def is_python_project(folder: Path) -> bool:
    """Whether `folder` holds a Python project pip can install (pyproject.toml, setup.cfg or setup.py)."""
    return any(is_file(folder / name) for name in PROJECT_FILES)


def console_scripts(folder: Path) -> tuple[tuple[str, ...], Path | None]:
    """The console scripts the project in `folder` defines, and the file defining them (the first of
    pyproject.toml, setup.cfg, setup.py that names any); ((), None) when none does."""
    for name, reader in (("pyproject.toml", _pyproject), ("setup.cfg", _setup_cfg), ("setup.py", _setup_py)):
        path = folder / name
        if not is_file(path):
            continue
        text = read_regular_text(path, SETUP_PY_LIMIT)
        found = tuple(dict.fromkeys(n for n in reader(text) if _NAME_CHARS.issuperset(n))) if text else ()
        if found:
            return found, path
    return (), None


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-+")


def _pyproject(text: str) -> list[str]:
    """`[project.scripts]` and `[tool.poetry.scripts]` names."""
    if "scripts" not in text:
        return []
    from doctor import lean_toml as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    found: list[str] = []
    for table in (data.get("project", {}).get("scripts"), data.get("tool", {}).get("poetry", {}).get("scripts")):
        if isinstance(table, dict):
            found += [str(name) for name in table]
    return found


def _setup_cfg(text: str) -> list[str]:
    """`[options.entry_points]`'s `console_scripts =` lines (`name = module:function`)."""
    if "console_scripts" not in text:
        return []
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
        value = parser.get("options.entry_points", "console_scripts", fallback="")
    except configparser.Error:
        return []
    return _entry_lines(value)


def _entry_lines(value: str) -> list[str]:
    """The names of `name = module:function` lines."""
    return [line.partition("=")[0].strip() for line in value.splitlines() if "=" in line and line.strip()]


def _setup_py(text: str) -> list[str]:
    """The console scripts of setup.py's `setup(entry_points=...)`: a dict literal, or a name the module
    binds to one (`entry_points=ENTRY_POINTS`); each a list of `name = module:function` strings or
    one string of such lines."""
    if "console_scripts" not in text:
        return []
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    bound: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound[node.targets[0].id] = node.value
    found: list[str] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or _called(call.func) != "setup":
            continue
        for keyword in call.keywords:
            if keyword.arg != "entry_points":
                continue
            value = keyword.value
            if isinstance(value, ast.Name):
                value = bound.get(value.id, value)
            found += _console_entries(value, bound)
    return found


def _called(func: ast.expr) -> str:
    """The name a call calls: `setup` of `setup(...)` and of `setuptools.setup(...)`."""
    import ast

    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _console_entries(value: ast.expr, bound: dict[str, ast.expr]) -> list[str]:
    import ast

    if not isinstance(value, ast.Dict):
        return []
    for key, item in zip(value.keys, value.values, strict=True):
        if not (isinstance(key, ast.Constant) and key.value == "console_scripts"):
            continue
        if isinstance(item, ast.Name):
            item = bound.get(item.id, item)
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            return _entry_lines(item.value)
        if isinstance(item, (ast.List, ast.Tuple)):
            return [e.value.partition("=")[0].strip() for e in item.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str) and "=" in e.value]
    return []
