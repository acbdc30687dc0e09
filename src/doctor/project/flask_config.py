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
