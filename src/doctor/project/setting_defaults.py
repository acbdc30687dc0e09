"""The defaults a Python module's environment reads fall back on, read with `ast` (never executed):
`os.environ.get("KEY", "redis://localhost:6379/0")`, `os.getenv("KEY", d)`, django-environ's
`env("KEY", default=d)`, `env.str`/`env.url`/`env.db`/`env.cache`, decouple's `config("KEY", default=d)`;
and the settings it writes as literals, where the name says they hold an address (`broker_url =
"redis://localhost:6379/0"`, `app.conf.result_backend = ...`, Celery's `Celery(__name__, broker=...)`).

Only statements that run when the module is imported count: the module's own, and those under an
`if` whose test doctor reads (`if env.bool("USE_DOCKER", default=False):`, kept as its guard, judged
against each service's environment with appguard) or a `try`; a function's or a class's body may
never run, and an `if` doctor cannot read may not either. Imported only where a check asks.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.appenv import Guard
from doctor.project.dotenv_guards import UNKNOWN, GuardReader
from doctor.project.dotenv_paths import _string
from doctor.project.reading import read_regular_text

MAX_BYTES = 256 * 1024
_ALIASED = frozenset({"os", "os.path", "decouple", "environ", "environs"})
# django-environ's and environs' readers of a string, a URL or a URL-shaped setting
# the name of a setting that holds an address (Celery's `broker_url`, `result_backend`; `CACHE_URL`, `ES_HOST`)
_SETTING = lazy(r"(?:^|_)(?:url|uri|dsn|broker|backend|host|hostname|server|endpoint)$", re.IGNORECASE)
# Django's settings dicts whose entries name an address, and the port an ENGINE dials where "PORT" is not given
_DJANGO_DICTS = frozenset({"DATABASES", "CACHES", "CHANNEL_LAYERS"})
# Django's cache backends that keep their entries in the process, a table or a folder (LOCATION names no server)
_LOCAL_CACHES = frozenset({"DatabaseCache", "FileBasedCache", "LocMemCache", "DummyCache"})
_ENGINE_PORTS = (("postgis", 5432), ("postgresql", 5432), ("mysql", 3306))
_ENV_METHODS = frozenset({"str", "url", "db", "db_url", "cache", "cache_url", "email", "email_url", "search_url"})


@record
class SettingDefault:
    """`key`'s literal default `value`, written at `line`:`column`, read when `guard` holds."""

    line: int
    column: int
    key: str
    value: str
    guard: tuple[Guard, ...] = ()
    read: bool = True  # False: a literal the module assigns (`broker_url = "redis://..."`), read from no variable
    target: str = ""  # the module-level name its statement assigns (`REDIS_URL = env(...)`), "" for none
    statement: int = 0  # that statement's line, where the module's later assignments are counted from
    folded: bool = False  # the variable is read whatever its case (a pydantic-settings field's)
    port: int | None = None  # a Django DATABASES entry's port: its "PORT", else its ENGINE's (postgresql 5432)
    entry: bool = False  # a Django DATABASES "HOST", CACHES "LOCATION" or channel layer host: a plain literal


def setting_defaults(path: Path) -> tuple[SettingDefault, ...]:
    """The environment reads with a literal default that run when the module is imported."""
    text = read_regular_text(path, MAX_BYTES)
    if not text:
        return ()
    try:
        tree = ast.parse(text, str(path))
        return tuple(_reader(path, text, tree).body(tree.body, ()))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()


def module_reader(path: Path, text: str, tree: ast.Module) -> _Defaults:
    """The reader of a module's statements (a settings class's body too: doctor.project.flask_config)."""
    return _reader(path, text, tree)


def _reader(path: Path, text: str, tree: ast.Module) -> _Defaults:
    """The module's reader, with the names its `from os import getenv` (decouple, environ) bind."""
    reader = _Defaults(path, text)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in _ALIASED:
            reader.aliases.update({a.asname or a.name: a.name for a in node.names})
    return reader


class _Defaults(GuardReader):
    def body(self, body: list[ast.stmt], guard: tuple[Guard, ...]) -> list[SettingDefault]:
        found: list[SettingDefault] = []
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(stmt, ast.If):
                test = self._guard(stmt.test)
                found += self._reads(stmt.test, guard)
                if test != UNKNOWN:
                    found += self.body(stmt.body, (*guard, test))
                    found += self.body(stmt.orelse, (*guard, ("not", test)))
                continue
            if isinstance(stmt, ast.Try):
                for nested in (stmt.body, stmt.orelse, stmt.finalbody):
                    found += self.body(nested, guard)
                continue
            if isinstance(stmt, (ast.For, ast.While, ast.With, ast.AsyncFor, ast.AsyncWith, ast.Match)):
                continue  # a loop's body may run any number of times, or none
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                self.bind(stmt)
            target = _assigned_name(stmt)
            found += [replace(d, target=target, statement=stmt.lineno)
                      for d in (*self._reads(stmt, guard), *self._literals(stmt, guard))]
        return found

    def _literals(self, stmt: ast.stmt, guard: tuple[Guard, ...]) -> list[SettingDefault]:
        """A setting written as a literal: `broker_url = "redis://localhost:6379/0"`, `app.conf.broker_url
        = ...`, `CELERY_RESULT_BACKEND = ...`, or Celery's `Celery("tasks", broker="redis://...")`."""
        found = []
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _string(stmt.value) is not None:
            target = stmt.targets[0]
            name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(
                target, ast.Attribute) else ""
            if _SETTING.search(name):
                found.append(SettingDefault(stmt.value.lineno, stmt.value.col_offset + 1, name,
                                            str(_string(stmt.value)), guard, False))
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                stmt.targets[0].id in _DJANGO_DICTS and isinstance(stmt.value, ast.Dict):
            found += _django_entries(stmt.targets[0].id, stmt.value, guard)
        for call in _walk(stmt):
            if isinstance(call, ast.Call) and self._callee(call.func) == "Celery":
                found += [SettingDefault(k.value.lineno, k.value.col_offset + 1, str(k.arg), str(_string(k.value)),
                                         guard, False)
                          for k in call.keywords if k.arg in ("broker", "backend") and _string(k.value) is not None]
        return found

    def _reads(self, node: ast.AST, guard: tuple[Guard, ...]) -> list[SettingDefault]:
        found = []
        for call in _walk(node):
            if not isinstance(call, ast.Call) or not call.args or _string(call.args[0]) is None:
                continue
            default = self._default(call)
            value = _string(default) if default is not None else None
            if default is not None and value is not None:
                found.append(SettingDefault(default.lineno, default.col_offset + 1, str(_string(call.args[0])),
                                            value, guard))
        return found

    def _default(self, call: ast.Call) -> ast.expr | None:
        """The default of an environment read (None for any other call): os's positional one, else
        `default=` (a positional second argument is django-environ's cast)."""
        func, name = call.func, self._callee(call.func)
        keyword = next((k.value for k in call.keywords if k.arg == "default"), None)
        reads_os = name == "getenv" or (name == "get" and isinstance(func, ast.Attribute)
                                        and self._is_environ(func.value))
        if reads_os:
            return call.args[1] if len(call.args) > 1 else keyword
        env_call = isinstance(func, ast.Name) and func.id in self.envs
        env_method = (isinstance(func, ast.Attribute) and func.attr in _ENV_METHODS and isinstance(func.value, ast.Name)
                      and func.value.id in self.envs)
        if env_call or env_method:
            return call.args[1] if self.environs and len(call.args) > 1 else keyword
        if isinstance(func, ast.Name) and self.aliases.get(func.id) == "config":  # decouple's
            return keyword
        return None


def _django_entries(name: str, value: ast.Dict, guard: tuple[Guard, ...]) -> list[SettingDefault]:
    """The literal addresses of a Django `DATABASES = {"default": {...}}` (each alias's "HOST", with its "PORT" or
    its ENGINE's port) or `CACHES = {...}` (each network cache alias's "LOCATION": _network_cache), keyed as
    Django names them (`DATABASES["default"]["HOST"]`): wsvincent/djangox's `"HOST": "db"`, set so for its compose."""
    found = []
    for alias, entry in zip(value.keys, value.values, strict=True):
        alias_name = _string(alias) if alias is not None else None
        if alias_name is None or not isinstance(entry, ast.Dict):
            continue
        fields = {_string(k): v for k, v in zip(entry.keys, entry.values, strict=True) if k is not None}
        if name == "CHANNEL_LAYERS":
            found += _channel_hosts(alias_name, fields, guard)
            continue
        key = "HOST" if name == "DATABASES" else "LOCATION"
        node = fields.get(key)
        if name == "CACHES" and isinstance(node, (ast.List, ast.Tuple)):  # Django's servers of one cache, a list
            found += _cache_servers(alias_name, fields, node, guard)
            continue
        literal = _string(node) if node is not None else None
        if node is None or literal is None or not literal or (name == "CACHES" and not _network_cache(fields, literal)):
            continue
        port = None
        if name == "DATABASES":
            written = fields.get("PORT")
            text = str(written.value) if isinstance(written, ast.Constant) and isinstance(
                written.value, (int, str)) and not isinstance(written.value, bool) else ""
            engine = str(_string(fields["ENGINE"]) or "") if "ENGINE" in fields else ""
            port = int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else next(
                (p for word, p in _ENGINE_PORTS if word in engine), None)
        found.append(SettingDefault(node.lineno, node.col_offset + 1, f'{name}["{alias_name}"]["{key}"]',
                                    str(literal), guard, False, port=port, entry=True))
    return found


def _cache_servers(alias: str, fields: dict[str | None, ast.expr], servers: ast.List | ast.Tuple,
                   guard: tuple[Guard, ...]) -> list[SettingDefault]:
    """A network cache's LOCATION written as a list, as Django allows for Memcached and Redis (`"LOCATION":
    ["memcached-1:11211", "memcached-2:11211"]`): each literal server, keyed `CACHES["default"]["LOCATION"][0]`."""
    found = []
    for index, node in enumerate(servers.elts):
        literal = _string(node)
        if literal and _network_cache(fields, literal):
            found.append(SettingDefault(node.lineno, node.col_offset + 1, f'CACHES["{alias}"]["LOCATION"][{index}]',
                                        str(literal), guard, False, entry=True))
    return found


def _network_cache(fields: dict[str | None, ast.expr], location: str) -> bool:
    """Whether a CACHES alias's LOCATION names a server: not for Django's own local backends, whose LOCATION is
    a table (dandi-archive's `DatabaseCache` in 'dandi_cache_table'), a folder or a name (`LocMemCache`'s
    'unique-snowflake', as Django's documentation writes it); a URL or `host:port` otherwise, or any value of
    a Redis or Memcached backend."""
    written = fields.get("BACKEND")
    backend = str(_string(written) or "") if written is not None else ""
    if backend.rpartition(".")[2] in _LOCAL_CACHES:
        return False
    return "://" in location or ":" in location or any(word in backend.lower() for word in ("redis", "memcache"))


def _channel_hosts(alias: str, fields: dict[str | None, ast.expr], guard: tuple[Guard, ...]) -> list[SettingDefault]:
    """The literal Redis servers of a Django Channels layer, `"CONFIG": {"hosts": [("127.0.0.1", 6379)]}` as the
    Channels tutorial writes it (a `(host, port)` pair, a `redis://` URL, or either as a dict's "address"),
    keyed `CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]`."""
    config = fields.get("CONFIG")
    if not isinstance(config, ast.Dict):
        return []
    hosts = next((v for k, v in zip(config.keys, config.values, strict=True)
                  if k is not None and _string(k) == "hosts"), None)
    found = []
    for index, written_item in enumerate(hosts.elts if isinstance(hosts, (ast.List, ast.Tuple)) else []):
        item: ast.expr | None = written_item
        if isinstance(written_item, ast.Dict):  # `{"address": "redis://redis:6379", "password": ...}`
            item = next((v for k, v in zip(written_item.keys, written_item.values, strict=True)
                         if k is not None and _string(k) == "address"), None)
        node, port = item, None
        if isinstance(item, (ast.Tuple, ast.List)) and len(item.elts) == 2:
            node, written = item.elts
            port = written.value if isinstance(written, ast.Constant) and type(written.value) is int and \
                0 < written.value < 65536 else None
            if port is None:
                continue
        literal = _string(node) if node is not None else None
        if node is None or not literal or (port is None and "://" not in literal):
            continue
        found.append(SettingDefault(node.lineno, node.col_offset + 1,
                                    f'CHANNEL_LAYERS["{alias}"]["CONFIG"]["hosts"][{index}]', str(literal), guard,
                                    False, port=port, entry=True))
    return found


def assigned_name(stmt: ast.stmt) -> str:
    """The one plain name a statement assigns, else "" (a settings class's body: doctor.project.flask_config)."""
    return _assigned_name(stmt)


def _assigned_name(stmt: ast.stmt) -> str:
    """The one plain name a statement assigns (`REDIS_URL = ...`, `REDIS_URL: str = ...`), else ""."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return ""


Branch = tuple[tuple[int, int], ...]  # the `if`s (line, 0 body / 1 else) a statement sits under
Assigned = tuple[str, int, str, Branch, tuple[Guard, ...]]  # (kind, line, NAME or FILE, branch, guard)


def assignments(path: Path) -> tuple[Assigned, ...]:
    """What the module does to its names when imported, in source order: ("set", line, NAME, branch) for
    each assignment of a module-level name (`NAME = ...`, `A, B = ...`; not `NAME["k"] = ...`, which keeps
    it; under an `if`, `try`, `with` or loop too: it may run), ("set", line, 'DATABASES["default"]', branch)
    for each later write of a Django DATABASES or CACHES alias's address (_entry_writes), and ("star", line, FILE,
    branch) for each
    `from X import *` of a project module (FILE its path: the names that module sets are set there).
    `branch`: the `if`s it sits under, so that an `else`'s assignment is not taken to follow its `if`'s; `guard`:
    the tests of those doctor reads, so that one false in a service's environment replaces nothing there
    (healthchecks' `if os.getenv("DB") == "mysql": DATABASES = ...` after the postgres one).
    A function's or class's body sets none of the module's names."""
    text = read_regular_text(path, MAX_BYTES)
    if not text:
        return ()
    try:
        tree = ast.parse(text, str(path))
        found: list[Assigned] = []
        _assigned(path, tree.body, (), (), found, _reader(path, text, tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    return tuple(found)


def _assigned(path: Path, body: list[ast.stmt], branch: Branch, guard: tuple[Guard, ...], found: list[Assigned],
              reader: _Defaults, values: dict[str, ast.expr] | None = None) -> None:
    """`assignments`' events of `body`, each with the `if` tests doctor reads that it runs under (`guard`: one it
    cannot read is left out, as the statement may run). `values`: what the module last assigned each plain name
    (`db_from_env = dj_database_url.config(...)`, which a later `.update(db_from_env)` writes)."""
    values = {} if values is None else values
    from doctor.project.star_imports import star_module

    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            module = star_module(path, stmt.module, stmt.level)
            if module is not None:
                found.append(("star", stmt.lineno, str(module), branch, guard))
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            reader.bind(stmt)
            values[stmt.targets[0].id] = stmt.value
        if isinstance(stmt, ast.Import):  # `import dj_database_url as dburl`: dburl names the module
            values.update({a.asname: ast.Name(a.name) for a in stmt.names if a.asname})
        targets: list[ast.expr] = list(stmt.targets) if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(
            stmt, (ast.AnnAssign, ast.AugAssign)) else []
        found.extend(("set", stmt.lineno, scope, branch, (*guard, *holds))
                     for scope, holds in _entry_writes(stmt, values))
        while targets:
            target = targets.pop(0)
            if isinstance(target, ast.Name):
                found.append(("set", stmt.lineno, target.id, branch, guard))
            elif isinstance(target, (ast.Tuple, ast.List)):
                targets[:0] = target.elts
            elif isinstance(target, ast.Starred):
                targets.insert(0, target.value)
        if isinstance(stmt, ast.If):
            test = reader._guard(stmt.test)
            known = test != UNKNOWN
            _assigned(path, stmt.body, (*branch, (stmt.lineno, 0)), (*guard, test) if known else guard, found, reader,
                      values)
            _assigned(path, stmt.orelse, (*branch, (stmt.lineno, 1)), (*guard, ("not", test)) if known else guard,
                      found, reader, values)
            continue
        for block in (getattr(stmt, "body", None), getattr(stmt, "orelse", None), getattr(stmt, "finalbody", None)):
            if isinstance(block, list):
                _assigned(path, [n for n in block if isinstance(n, ast.stmt)], branch, guard, found, reader, values)
        for handler in getattr(stmt, "handlers", None) or []:
            _assigned(path, handler.body, branch, guard, found, reader, values)


def _entry_writes(stmt: ast.stmt, values: Mapping[str, ast.expr]) -> list[tuple[str, tuple[Guard, ...]]]:
    """The Django DATABASES/CACHES/CHANNEL_LAYERS aliases whose address a statement writes after the dict, each with
    what must hold for the write to change it: `DATABASES["default"]` for `DATABASES["default"]["HOST"] = ...`
    ("PORT", "ENGINE", "LOCATION" too), `DATABASES["default"] = ...`, `del`, `DATABASES["default"].update(...)` (a
    dict written out: where it names one of those keys), or `DATABASES.update({"default": ...})`;
    `CHANNEL_LAYERS["default"]["CONFIG"] = ...` and `...["CONFIG"]["hosts"] = ...` (a channel layer's hosts);
    `DATABASES[*]` where the alias is not a literal (any alias). Heroku's template, `"HOST": "localhost"` for a
    run on the host, then `.update(dj_database_url.config(...))`: the literal no longer holds where DATABASE_URL
    (its `env=`) is set, as dj_database_url.config() with no `default=` gives {} without it."""
    scopes: list[tuple[str, tuple[Guard, ...]]] = []
    targets: list[ast.expr] = list(stmt.targets) if isinstance(stmt, (ast.Assign, ast.Delete)) else [
        stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else []
    for target in targets:
        path = _entry_path(target)
        if path is not None and path[1:] and (len(path) == 2 or path[2] is None or path[2] in _ADDRESS_FIELDS
                                              or _layer_hosts(path)):
            scopes.append((_scope(path[0], path[1]), ()))
    call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
    func = call.func if call is not None else None
    if call is None or not isinstance(func, ast.Attribute) or func.attr not in _WRITES:
        return scopes
    path = _entry_path(func.value)
    if path is None or len(path) > 3 or (len(path) == 3 and not _layer_hosts(path)):
        return scopes
    keys = _written_keys(call) if func.attr == "update" else None
    if len(path) == 1:  # DATABASES.update({...}), DATABASES.pop("default")
        named = keys if keys is not None else [_string(call.args[0]) if call.args and func.attr == "pop" else None]
        scopes += [(_scope(path[0], key), ()) for key in named]
    elif len(path) == 3:  # CHANNEL_LAYERS["default"]["CONFIG"].update({"hosts": ...})
        if keys is None or any(key is None or key == "hosts" for key in keys):
            scopes.append((_scope(path[0], path[1]), ()))
    elif keys is None or any(key is None or key in _ADDRESS_FIELDS for key in keys):
        scopes.append((_scope(path[0], path[1]), _url_set(call, values) if func.attr == "update" else ()))
    return scopes


def _layer_hosts(path: list[str | None]) -> bool:
    """Whether `CHANNEL_LAYERS["default"]["CONFIG"]...` reaches a channel layer's hosts (CONFIG, its "hosts")."""
    return path[0] == "CHANNEL_LAYERS" and len(path) > 2 and path[2] == "CONFIG" and (
        len(path) == 3 or path[3] in (None, "hosts"))


def _url_set(call: ast.Call, values: Mapping[str, ast.expr]) -> tuple[Guard, ...]:
    """What must hold for `DATABASES["default"].update(ARG)` to write the alias's address: where ARG is (or a name
    last assigned) `dj_database_url.config(...)` with no `default=`, its variable (`env=`, else DATABASE_URL) set
    and not empty (else config() gives {} and the literal holds); () where the update always writes."""
    arg: ast.expr | None = call.args[0] if len(call.args) == 1 and not call.keywords else None
    if isinstance(arg, ast.Name):
        arg = values.get(arg.id)
    if not isinstance(arg, ast.Call) or not isinstance(arg.func, ast.Attribute) or arg.func.attr != "config" or \
            not isinstance(arg.func.value, ast.Name):
        return ()
    module = values.get(arg.func.value.id, arg.func.value)
    if not isinstance(module, ast.Name) or module.id != "dj_database_url":
        return ()
    words = {k.arg: k.value for k in arg.keywords}
    default = words.get("default")
    if (default is not None and not (isinstance(default, ast.Constant) and default.value is None)) or \
            None in words or len(arg.args) > 1:
        return ()
    env = words.get("env", arg.args[0] if arg.args else None)
    name = _string(env) if env is not None else "DATABASE_URL"
    return () if name is None else (("truthy", ("env", name, "", ())),)


_ADDRESS_FIELDS = frozenset({"HOST", "PORT", "ENGINE", "LOCATION", "BACKEND"})
_WRITES = frozenset({"update", "pop", "popitem", "clear", "__setitem__", "__delitem__"})


def _entry_path(node: ast.expr) -> list[str | None] | None:
    """[DICT, alias, field, ...] of `DATABASES["default"]["HOST"]` (None for a subscript not written as a string),
    None for anything but a subscript chain on DATABASES or CACHES."""
    keys: list[str | None] = []
    while isinstance(node, ast.Subscript):
        keys.insert(0, _string(node.slice))
        node = node.value
    return [node.id, *keys] if isinstance(node, ast.Name) and node.id in _DJANGO_DICTS else None


def _written_keys(call: ast.Call) -> list[str | None] | None:
    """The keys an `update` call writes, where written out (`{"HOST": ...}`, `HOST=...`; None for a `**` or a
    key not a string); None where they are not known (`update(db_from_env)`)."""
    keys: list[str | None] = [k.arg for k in call.keywords]
    for arg in call.args:
        if not isinstance(arg, ast.Dict):
            return None
        keys += [_string(k) if k is not None else None for k in arg.keys]
    return keys


def _scope(name: str | None, alias: str | None) -> str:
    return f'{name}["{alias}"]' if alias is not None else f"{name}[*]"


def _walk(node: ast.AST) -> list[ast.AST]:
    """The node and those under it, but a lambda's or a comprehension's (they run when called, or per item)."""
    found, todo = [], [node]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(c for c in ast.iter_child_nodes(current)
                    if not isinstance(c, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)))
    return found
