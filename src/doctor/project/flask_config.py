"""The config class a Flask app loads with `app.config.from_object(...)`, and the settings its body writes.

testdriven.io's Flask layouts (mjhea0/flask-redis-queue, flask-celery) create the app in
project/server/__init__.py with `app.config.from_object(os.getenv("APP_SETTINGS"))`, compose setting
`APP_SETTINGS=project.server.config.DevelopmentConfig`, whose base class holds `REDIS_URL = "redis://redis:6379/0"`:
the class body runs when the module loads, and what it writes is what the app dials. Read with `ast`, never
run: the named class and the classes it derives from in its module, a derived class's assignment replacing a
base's of the same name. Imported only where a check asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import read_regular_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast

    from doctor.project.setting_defaults import SettingDefault

MAX_BYTES = 256 * 1024
MAX_BASES = 8
# an environment read: `os.getenv("APP_SETTINGS")`, `os.environ.get("X", "d")`, `os.environ["X"]`
_READ = (r"""os\.(?:getenv|environ\.get)\(\s*["'](\w+)["']\s*(?:,\s*["']([\w.]+)["']\s*)?\)"""
         r"""|os\.environ\[\s*["'](\w+)["']\s*\]""")
# `app.config.from_object(<a read>)`, a literal path, or a name the module assigns a read to first
_FROM_OBJECT = lazy(rf"""\.from_object\(\s*(?:{_READ}|["']([\w.]+)["']|([A-Za-z_]\w*))\s*\)""")
_ASSIGNED = lazy(rf"""^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*(?:{_READ})""", re.MULTILINE)


def config_objects(files: Iterable[Path], process: Mapping[str, str]) -> tuple[str, ...]:
    """The dotted config objects the app's modules load (`project.server.config.DevelopmentConfig`), a
    variable's value read from the service's environment `process` (else its getenv default); the read may
    be assigned to a name first (`app_settings = os.getenv("APP_SETTINGS")`, then `from_object(app_settings)`)."""
    found: list[str] = []
    for path in files:
        text = read_regular_text(path, MAX_BYTES) or ""
        if "from_object" not in text:
            continue
        names = {m[1]: m for m in _ASSIGNED.finditer(text)}
        for match in _FROM_OBJECT.finditer(text):
            read = (match[1], match[2], match[3])
            if match[5] is not None:
                assigned = names.get(match[5])
                if assigned is None:
                    continue
                read = (assigned[2], assigned[3], assigned[4])
            variable = read[0] or read[2]
            value = (process.get(variable) or (read[1] or "")) if variable else (match[4] or "")
            value = value.strip()
            if value and all(part.isidentifier() for part in value.split(".")) and "." in value:
                found.append(value)
    return tuple(dict.fromkeys(found))


def class_defaults(path: Path, name: str) -> tuple[SettingDefault, ...]:
    """The settings class `name` of the module at `path` holds, with those of the classes it derives from
    there: each name's last writer, the derived class over its bases. Literal strings are entries (rewritten in
    their place, judged as a host value is); nothing for a class the module does not define."""
    import ast
    from dataclasses import replace

    from doctor.project.setting_defaults import assigned_name, module_reader

    text = read_regular_text(path, MAX_BYTES)
    if not text:
        return ()
    try:
        tree = ast.parse(text, str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    chain: list[ast.ClassDef] = []
    todo = [name]
    while todo and len(chain) < MAX_BASES:
        current = classes.get(todo.pop(0))
        if current is None or current in chain:
            continue
        chain.append(current)
        todo.extend(base.id for base in current.bases if isinstance(base, ast.Name))
    reader = module_reader(path, text, tree)
    held: dict[str, SettingDefault] = {}
    for node in reversed(chain):  # the furthest base first, so a derived class's writer wins
        written = reader.body(node.body, ())
        replaced = {assigned_name(stmt) for stmt in node.body} - {""}
        held = {k: v for k, v in held.items() if v.target not in replaced}
        for default in written:
            held[f"{default.target}:{default.line}:{default.column}"] = default if default.read else replace(
                default, entry=True)
    return tuple(held.values())


def config_overrides(files: Iterable[Path], process: Mapping[str, str]) -> frozenset[str]:
    """The config keys the app's modules write after their `from_object(...)` in the same function (or module
    body), so that the class's value no longer holds in the service with environment `process`:
    `app.config["REDIS_URL"] = ...` (an `os.environ.get("REDIS_URL", app.config["REDIS_URL"])` only where
    REDIS_URL is set), `app.config.update(REDIS_URL=...)` / `.from_mapping({...})` naming it, and
    `app.config.from_prefixed_env()` for each FLASK_-prefixed variable (its `prefix=`) set for the service.
    `from_envvar`/`from_pyfile` load a file whose keys doctor does not read: they replace nothing here."""
    import ast

    keys: set[str] = set()
    for path in files:
        text = read_regular_text(path, MAX_BYTES) or ""
        if "from_object" not in text:
            continue
        try:
            tree = ast.parse(text, str(path))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        scopes: list[ast.AST] = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef,
                                                                                      ast.AsyncFunctionDef)))]
        for scope in scopes:
            loaded = False
            for node in _in_order(scope):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if node.func.attr == "from_object":
                        loaded = True
                    elif loaded:
                        keys.update(_call_writes(node, process))
                elif loaded and isinstance(node, ast.Assign):
                    keys.update(k for t in node.targets if (k := _config_key(t)) is not None
                                and _replaces(k, node.value, process))
    return frozenset(keys)


def _in_order(scope: ast.AST) -> list[ast.AST]:
    """The statements and calls of a module or function body in source order, but a nested function's or class's
    (it runs when called, if ever)."""
    import ast

    found: list[ast.AST] = []
    todo = list(reversed(list(ast.iter_child_nodes(scope))))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        found.append(node)
        todo.extend(reversed(list(ast.iter_child_nodes(node))))
    return found


def _config_key(node: ast.expr) -> str | None:
    """KEY of `app.config["KEY"]` (any object's `.config`), else None."""
    import ast

    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "config" and \
            isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _replaces(key: str, value: ast.expr, process: Mapping[str, str]) -> bool:
    """Whether writing `value` to config[key] replaces the class's: not an environment read whose default is the
    key's own config value (`os.environ.get("REDIS_URL", app.config["REDIS_URL"])`) where its variable is unset."""
    import ast

    match = re.fullmatch(r"""os\.(?:getenv|environ\.get)\(\s*["'](\w+)["']\s*,(.*)\)""", ast.unparse(value), re.S)
    if match is None or not any(_config_key(n) == key for n in ast.walk(value) if isinstance(n, ast.Subscript)):
        return True
    return match[1] in process


def _call_writes(call: ast.Call, process: Mapping[str, str]) -> set[str]:
    """The keys a call on a config writes: update/from_mapping's written keys, from_prefixed_env's set variables."""
    import ast

    func = call.func
    if not isinstance(func, ast.Attribute) or not (isinstance(func.value, ast.Attribute) and
                                                   func.value.attr == "config"):
        return set()
    if func.attr in ("update", "from_mapping"):
        keys = {k.arg for k in call.keywords if k.arg is not None}
        for arg in call.args:
            if isinstance(arg, ast.Dict):
                keys.update(k.value for k in arg.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
        return keys
    if func.attr == "from_prefixed_env":
        written = next((k.value for k in call.keywords if k.arg == "prefix"), call.args[0] if call.args else None)
        prefix = written.value if isinstance(written, ast.Constant) and isinstance(written.value, str) else \
            "FLASK" if written is None else None
        if prefix is None:
            return set()
        return {name[len(prefix) + 1:] for name in process if name.startswith(f"{prefix}_")
                and "__" not in name[len(prefix) + 1:]}
    return set()
