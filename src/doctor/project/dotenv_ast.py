"""The `.env` loads of one Python module, read with `ast` (never executed): python-dotenv's
`load_dotenv(...)`, django-environ's `read_env(...)` and pydantic-settings' `env_file`.

A call under `if` keeps the conditions it runs under (`if not os.environ.get("IN_DOCKER")`),
written as appenv's Guard tuples for appenv to judge against each service's environment; a
condition doctor cannot read is ("?",), which never stops a call. Names imported under another
name (`from dotenv import load_dotenv as ld`, `from os import environ as env`) are read as theirs.

Split from appenv so that `ast` (~4.5 ms to import) is imported only when a module's calls are
not remembered yet (appenv.dotenv_calls keeps them in project.memo).
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator, Mapping
from itertools import product
from pathlib import Path

from doctor.model import Location
from doctor.project.appenv import DotenvCall, Guard, PathSpec, _python_text
from doctor.project.appguard import _specs
from doctor.project.star_imports import rebase, star_closure, star_module

ALIASED = frozenset({"dotenv", "dotenv.main", "os", "os.path", "pathlib", "decouple", "environ", "environs"})
PATH_PARTS = {"pardir": "..", "curdir": "."}  # os.pardir, os.curdir
UNKNOWN: Guard = ("?",)
NONE: PathSpec = ("none",)  # the default of `os.getenv("X")`: None, which no path is (see _none_is)
# a string of literals and variable reads, a read as (NAME, its default or None)
Pieces = tuple[str | tuple[str, str | None], ...]
# a string method a guard may call on a variable's value (`os.getenv("X", "").lower()`)
STR_METHODS = frozenset({"lower", "upper", "strip", "casefold"})
DOCKERENV = "/.dockerenv"  # in every docker container: `if not os.path.exists("/.dockerenv")` is false there


def module_calls(path: Path, text: str) -> tuple[DotenvCall, ...]:
    """Every `.env` load in the module's text; none when it does not parse."""
    try:
        tree = ast.parse(text, str(path))
        return tuple(_Calls(path, text, frozenset(star_closure(path, text))).read(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # nested past the parser's or the reader's depth
        return ()


class _Calls:
    """Reads the load_dotenv calls of one module, evaluating module-level path names."""

    def __init__(self, path: Path, text: str, reachable: frozenset[Path] = frozenset(),
                 seen: set[Path] | None = None) -> None:
        self.path = path
        self.reachable = reachable  # the files star imports may read (star_closure of the first module)
        self.seen = seen if seen is not None else {path}
        self.lines = text.splitlines()
        self.names: dict[str, tuple[PathSpec, ...]] = {}
        self.aliases: dict[str, str] = {}  # `from dotenv import load_dotenv as ld`: ld -> load_dotenv
        self.flags: dict[str, Guard] = {}  # `IN_DOCKER = os.getenv("IN_DOCKER")`: names a guard reads
        self.envs: set[str] = {"env"}  # django-environ's / environs' Env() instances: `env("X", default=...)`
        self.configs: set[str] = set()  # decouple's `config`, as a star import brings it (`from .base import *`)
        self.environs = any(line.lstrip().startswith(("import environs", "from environs ")) for line in self.lines)
        # inside a `try:` whose `except ImportError` (ModuleNotFoundError, a bare except) lets the module go on
        # without the package: tubearchivist's settings.py, `try: from dotenv import load_dotenv ...`
        self.optional = 0

    def read(self, tree: ast.Module) -> Iterator[DotenvCall]:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ALIASED:
                self.aliases.update({a.asname or a.name: a.name for a in node.names})
            if isinstance(node, ast.ImportFrom) and node.module == "decouple":
                self.configs.update(a.asname or a.name for a in node.names if a.name == "config")
        yield from self._body(tree.body, {}, False, ())
        yield from self._decouple(tree)

    def _star(self, stmt: ast.ImportFrom) -> None:
        """`from .common import *`: the path names that module binds (not those starting with `_`),
        read as it is (its own star imports too, within `reachable`), relative to this file."""
        target = star_module(self.path, stmt.module, stmt.level)
        if target is None or target not in self.reachable or target in self.seen:
            return
        self.seen.add(target)
        text = _python_text(target)
        try:
            tree = ast.parse(text or "", str(target))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        inner = _Calls(target, text or "", self.reachable, self.seen)
        for _ in inner.read(tree):
            pass  # its own calls are read as that module's; here only its names count
        for name, specs in inner.names.items():
            if not name.startswith("_"):
                self.names[name] = tuple(r for s in specs if (r := rebase(s, target, self.path)) is not None)
        self.configs.update(n for n in inner.config_names() if not n.startswith("_"))

    def config_names(self) -> set[str]:
        """The names this module binds to decouple's `config`: imported, or through its star imports."""
        return self.configs

    def _callee(self, func: ast.expr) -> str:
        """The function a call names: its attribute, or its imported name behind an alias."""
        name = _callee(func)
        return self.aliases.get(name, name) if isinstance(func, ast.Name) else name

    def _is_environ(self, node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and self.aliases.get(node.id, node.id) == "environ")

    def _decouple(self, tree: ast.Module) -> Iterator[DotenvCall]:
        """python-decouple: `config("KEY")` reads os.environ first, else the `.env` found from the
        calling module's folder upwards; reported at the import, for the keys the module asks for,
        or at its first read when only a star import brings `config` (`from .base import *`)."""
        imported = next((n for n in ast.walk(tree) if (isinstance(n, ast.ImportFrom) and n.module == "decouple")
                         or (isinstance(n, ast.Import) and any(a.name == "decouple" for a in n.names))), None)
        reads = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args and _string(n.args[0])
                        and ((isinstance(n.func, ast.Name) and n.func.id in self.configs)
                             or (imported is not None and self._callee(n.func) == "config"))),
                       key=lambda n: (n.lineno, n.col_offset))
        if reads:
            at: ast.stmt | ast.expr = imported if imported is not None else reads[0]
            keys = tuple(dict.fromkeys(str(_string(n.args[0])) for n in reads))
            yield DotenvCall(self._location(at), False, (("find",),), self._text(at), False, "decouple", keys)

    def _body(self, body: list[ast.stmt], loops: dict[str, tuple[PathSpec, ...]], each: bool,
              guard: tuple[Guard, ...]) -> Iterator[DotenvCall]:
        """The calls of a block; `each`: inside a loop over literal candidates that never breaks;
        `guard`: the conditions of the `if`s around the block, all of which hold when it runs."""
        for stmt in body:
            if isinstance(stmt, ast.ImportFrom) and [a.name for a in stmt.names] == ["*"]:
                self._star(stmt)
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = self._eval(stmt.value, loops)
                if value:
                    self.names[stmt.targets[0].id] = value
                if isinstance(stmt.value, ast.Call) and self._callee(stmt.value.func) in ("Env", "FileAwareEnv"):
                    self.envs.add(stmt.targets[0].id)
                flag = self._guard(stmt.value)
                if flag != UNKNOWN:
                    self.flags[stmt.targets[0].id] = flag
                else:
                    self.flags.pop(stmt.targets[0].id, None)
            inner, inner_each = dict(loops), each
            if isinstance(stmt, (ast.For, ast.AsyncFor)) and isinstance(stmt.target, ast.Name):
                self.flags.pop(stmt.target.id, None)
            if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and isinstance(
                    stmt.iter, (ast.List, ast.Tuple)):
                inner[stmt.target.id] = tuple(s for e in stmt.iter.elts for s in self._eval(e, loops))
                inner_each = not _breaks(stmt.body)
            for node in ast.walk(stmt) if not _has_body(stmt) else _own_nodes(stmt):
                if isinstance(node, ast.Call) and self._callee(node.func) in ("load_dotenv", "read_env"):
                    yield self._call(node, inner, each, guard)
            if isinstance(stmt, ast.ClassDef):
                yield from self._settings_class(stmt, guard)
            test = self._guard(stmt.test) if isinstance(stmt, ast.If) else None
            spared = isinstance(stmt, ast.Try) and any(_spares_import(h) for h in stmt.handlers)
            for field in ("body", "orelse", "finalbody", "handlers"):
                nested = getattr(stmt, field, None)
                if isinstance(nested, list):
                    inner_guard = guard
                    if test is not None and test != UNKNOWN and field in ("body", "orelse"):
                        inner_guard = (*guard, test if field == "body" else ("not", test))
                    self.optional += spared and field == "body"
                    try:
                        yield from self._body([n for n in nested if isinstance(n, ast.stmt)]
                                              + [s for h in nested if isinstance(h, ast.ExceptHandler)
                                                 for s in h.body], inner, inner_each, inner_guard)
                    finally:
                        self.optional -= spared and field == "body"

    def _call(self, node: ast.Call, loops: dict[str, tuple[PathSpec, ...]], each: bool,
              guard: tuple[Guard, ...]) -> DotenvCall:
        """`load_dotenv(dotenv_path=None, ..., override=False)`, or django-environ's
        `read_env(env_file=None, overwrite=False)`, whose default is the `.env` beside the caller."""
        loader = self._callee(node.func)
        # environs' read_env(path=None, recurse=True, verbose=False, override=False) walks up like
        # find_dotenv; django-environ's read_env(env_file=None, overwrite=False) reads beside the caller
        default: PathSpec = ("find",)
        flag, path_arg, at = "override", "dotenv_path", 3
        if loader == "read_env" and self.environs:
            path_arg = "path"
        elif loader == "read_env":
            flag, path_arg, default, at = "overwrite", "env_file", ("file", 1, ".env"), 1
        override = any(k.arg == flag and _is_true(k.value) for k in node.keywords) or (
            len(node.args) > at and _is_true(node.args[at]))
        argument = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == path_arg), None)
        candidates = (default,) if argument is None or _is_none(argument) else self._eval(argument, loops)
        if not (isinstance(argument, ast.Name) and argument.id in loops):  # a loop's None is skipped, not searched
            candidates = tuple(_none_is(s, default) for s in candidates)
        return DotenvCall(self._location(node), override, candidates, self._text(node),
                          each and len(candidates) > 1, loader, guard=_known(guard), optional=self.optional > 0)

    def _settings_class(self, cls: ast.ClassDef, guard: tuple[Guard, ...]) -> Iterator[DotenvCall]:
        """pydantic-settings: `model_config = SettingsConfigDict(env_file=...)` (or a dict), or a
        nested `class Config: env_file = ...`. The file fills only the class's fields (with
        `env_prefix`), and never beats the process environment."""
        fields = [s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                  and s.target.id != "model_config"]
        config: dict[str, ast.expr] = {}
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and [_name(t) for t in stmt.targets] == ["model_config"]:
                if isinstance(stmt.value, ast.Call) and self._callee(stmt.value.func) == "SettingsConfigDict":
                    config.update({k.arg: k.value for k in stmt.value.keywords if k.arg})
                elif isinstance(stmt.value, ast.Dict):
                    config.update({k.value: v for k, v in zip(stmt.value.keys, stmt.value.values, strict=True)
                                   if isinstance(k, ast.Constant) and isinstance(k.value, str)})
            elif isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                config.update({_name(s.targets[0]): s.value for s in stmt.body
                               if isinstance(s, ast.Assign) and len(s.targets) == 1 and _name(s.targets[0])})
        files = config.get("env_file")
        if files is None or _is_none(files) or not fields:
            return
        prefix = config.get("env_prefix")
        prefix_text = prefix.value if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) else ""
        elements = files.elts if isinstance(files, (ast.Tuple, ast.List)) else [files]
        # the last file wins: read last first, so that an earlier one only fills what it left unset
        candidates = tuple(c for e in reversed(elements) for c in self._eval(e, {}))
        yield DotenvCall(self._location(files), False, candidates, self._text(files), len(candidates) > 1,
                         "env_file", tuple(f"{prefix_text}{f}".upper() for f in fields), _known(guard))

    def _location(self, node: ast.expr | ast.stmt) -> Location:
        return Location(self.path, node.lineno, node.col_offset + 1)

    def _text(self, node: ast.expr | ast.stmt) -> str:
        return self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""

    def _eval(self, node: ast.expr, loops: Mapping[str, tuple[PathSpec, ...]]) -> tuple[PathSpec, ...]:
        """The paths an expression may stand for (empty when doctor cannot tell)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return (("abs", node.value),) if node.value.startswith("/") else (("cwd", node.value),)
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return (("file", 0),)
            return loops.get(node.id) or self.names.get(node.id, ())
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            return tuple(_up(s) for s in self._eval(node.value, loops))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
                node.value.attr == "parents" and isinstance(node.slice, ast.Constant) and \
                isinstance(node.slice.value, int):
            found = self._eval(node.value.value, loops)
            for _ in range(int(node.slice.value) + 1):
                found = tuple(_up(s) for s in found)
            return found
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._join(node.left, [node.right], loops)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.right, ast.Constant) \
                and type(node.right.value) is int and node.right.value >= 0:
            return _ups(self._eval(node.left, loops), node.right.value)  # environ.Path(__file__) - 2
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
            return _ups(self._eval(node.operand, loops), 1)  # ~environ.Path(...): its parent
        if isinstance(node, (ast.BinOp, ast.JoinedStr)):
            pieces = self._pieces(node)
            return _framed(None, pieces) if pieces is not None else ()
        if isinstance(node, ast.Subscript) and self._is_environ(node.value) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str):
            return (("env", node.slice.value, (), ()),)
        if isinstance(node, ast.Call):
            return self._eval_call(node, loops)
        return ()

    def _eval_call(self, node: ast.Call, loops: Mapping[str, tuple[PathSpec, ...]]) -> tuple[PathSpec, ...]:
        name = self._callee(node.func)
        if name == "find_dotenv":
            return _find(node)
        if isinstance(node.func, ast.Call) or (isinstance(node.func, ast.Name) and (
                node.func.id in loops or node.func.id in self.names)):
            return self._join(node.func, list(node.args), loops)  # django-environ's root("a/b"): a join
        if name == "path" and isinstance(node.func, ast.Attribute) and self._eval(node.func.value, loops):
            return self._join(node.func.value, list(node.args), loops)  # root.path("a")
        read = self._env_read(node)
        if read is not None:
            defaults = self._eval(read[1], loops) if read[1] is not None else ()
            if self._may_be_none(node, read[1]):
                defaults = (NONE,)  # `os.environ.get("X")` unset is None: the loader's own default then
            return (("env", read[0], defaults, ()),)
        if name in ("resolve", "absolute") and isinstance(node.func, ast.Attribute):
            return self._eval(node.func.value, loops)
        if name in ("Path", "PurePath", "PosixPath") and node.args:
            # Path(a, b) joins; django-environ's Path(__file__, is_file=True) starts at the file's folder
            is_file = any(k.arg == "is_file" and _is_true(k.value) for k in node.keywords)
            return _ups(self._join(node.args[0], node.args[1:], loops), int(is_file))
        builtin_str = name == "str" and isinstance(node.func, ast.Name)  # not env.str("X"): a variable read
        if (name in ("abspath", "realpath", "normpath", "fspath") or builtin_str) and len(node.args) == 1:
            return self._eval(node.args[0], loops)
        if name == "dirname" and len(node.args) == 1:
            return tuple(_up(s) for s in self._eval(node.args[0], loops))
        if name in ("join", "joinpath") and node.args:
            if isinstance(node.func, ast.Attribute) and name == "joinpath":
                return self._join(node.func.value, list(node.args), loops)
            return self._join(node.args[0], list(node.args[1:]), loops)
        return ()

    def _join(self, base: ast.expr, rest: list[ast.expr], loops: Mapping[str, tuple[PathSpec, ...]]
              ) -> tuple[PathSpec, ...]:
        """`base / part / ...`: literal parts, or a loop name over literal names (each one)."""
        choices: list[list[str]] = []
        framed: tuple[int, Pieces] | None = None  # the one part read from the environment, and where
        for part in rest:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                choices.append([part.value])
                continue
            pieces = self._pieces(part) if framed is None else None
            if pieces is not None:
                framed = (len(choices), pieces)
                choices.append([""])
                continue
            named_part = self._path_part(part)
            if named_part is not None:
                choices.append([named_part])
                continue
            named = loops.get(part.id, ()) if isinstance(part, ast.Name) else ()
            if not named or any(s[0] != "cwd" for s in named):
                return ()
            choices.append([str(s[1]) for s in named])
        if framed is None:
            return tuple(_append(s, list(parts)) for s in self._eval(base, loops) for parts in product(*choices))
        at, pieces = framed
        return tuple(_append(f, list(parts[at + 1:])) for s in self._eval(base, loops) for parts in product(*choices)
                     for f in _framed(_append(s, list(parts[:at])), pieces))

    def _env_read(self, node: ast.Call) -> tuple[str, ast.expr | None] | None:
        """The variable a call reads and its default: `os.getenv("X", d)`, `os.environ.get("X", d)`,
        django-environ's or environs' `env.str("X", d)`, `env.path("X", default=d)`, `env("X", default=d)`
        (a positional second argument is django-environ's cast there, environs' default)."""
        key = _string(node.args[0]) if node.args else None
        if key is None:
            return None
        func, name = node.func, self._callee(node.func)
        positional = True
        if isinstance(func, ast.Name) and func.id in self.envs:
            positional = self.environs
        elif not (name == "getenv" or (isinstance(func, ast.Attribute) and (
                (name == "get" and self._is_environ(func.value))
                or (name in ("str", "path") and isinstance(func.value, ast.Name) and func.value.id in self.envs)))):
            return None
        fallback = node.args[1] if positional and len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg == "default"), None)
        return key, fallback

    def _may_be_none(self, node: ast.Call, fallback: ast.expr | None) -> bool:
        """Whether a variable read gives None when the variable is unset: `os.getenv("X")`,
        `os.environ.get("X", None)` (django-environ's and environs' `env.str("X")` raise instead)."""
        func = node.func
        reads_os = self._callee(func) == "getenv" or (isinstance(func, ast.Attribute) and func.attr == "get"
                                                      and self._is_environ(func.value))
        return reads_os and (fallback is None or _is_none(fallback))

    def _pieces(self, node: ast.expr) -> Pieces | None:
        """A string built of literals and one variable read (`"dojo/settings/" + env.str("DD_ENV_PATH",
        ".env.prod")`, an f-string): its pieces, a read as (NAME, default or None); None for anything else."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return (node.value,)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._pieces(node.left), self._pieces(node.right)
            return (*left, *right) if left is not None and right is not None else None
        if isinstance(node, ast.JoinedStr):
            found: list[str | tuple[str, str | None]] = []
            for value in node.values:
                inner = value.value if isinstance(value, ast.FormattedValue) and value.conversion == -1 \
                    and value.format_spec is None else value
                pieces = self._pieces(inner)
                if pieces is None:
                    return None
                found.extend(pieces)
            return tuple(found)
        if isinstance(node, ast.Subscript) and self._is_environ(node.value) and _string(node.slice) is not None:
            return ((str(_string(node.slice)), None),)
        read = self._env_read(node) if isinstance(node, ast.Call) else None
        if read is None or (read[1] is not None and _string(read[1]) is None and not _is_none(read[1])):
            return None
        return ((read[0], _string(read[1]) if read[1] is not None else None),)

    def _path_part(self, node: ast.expr) -> str | None:
        """`os.pardir` (".."), `os.curdir` ("."), or either imported from os; None for anything else."""
        if isinstance(node, ast.Attribute):
            return PATH_PARTS.get(node.attr)
        return PATH_PARTS.get(self.aliases.get(node.id, "")) if isinstance(node, ast.Name) else None

    def _guard(self, node: ast.expr) -> Guard:
        """An `if` test as a Guard: ("not", g), ("and", g...), ("or", g...), ("set", NAME) for
        `"NAME" in os.environ`, ("eq", term, term), ("truthy", term), ("container",) for a file
        every container has; ("?",) for what doctor cannot read."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._guard(node.operand)
            return UNKNOWN if inner == UNKNOWN else ("not", inner)
        if isinstance(node, ast.BoolOp):
            return ("and" if isinstance(node.op, ast.And) else "or", *(self._guard(v) for v in node.values))
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node.left, node.ops[0], node.comparators[0])
        if isinstance(node, ast.Name) and node.id in self.flags:
            return self.flags[node.id]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and self._callee(node.func) == "bool"
                and len(node.args) == 1):  # the builtin, not django-environ's `env.bool("X")` (_term)
            return self._guard(node.args[0])
        if isinstance(node, ast.Call) and self._callee(node.func) in ("exists", "isfile", "is_file"):
            # os.path.exists("/.dockerenv"), Path("/.dockerenv").exists()
            path = node.args[0] if node.args else node.func.value if isinstance(node.func, ast.Attribute) else None
            if path is not None and self._eval(path, {}) == (("abs", DOCKERENV),):
                return ("container",)
        term = self._term(node)
        return UNKNOWN if term is None else ("truthy", term)

    def _compare(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Guard:
        if isinstance(op, (ast.In, ast.NotIn)) and self._is_environ(right) and _string(left) is not None:
            test: Guard = ("set", _string(left))
        elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
            term = self._term(left)
            choices = [self._term(e) for e in right.elts]
            if term is None or any(c is None or c[0] != "lit" for c in choices):
                return UNKNOWN
            test = ("or", *(("eq", term, c) for c in choices))
        elif isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
            first, second = self._term(left), self._term(right)
            if first is None or second is None:
                return UNKNOWN
            test = ("eq", first, second)
        else:
            return UNKNOWN
        return ("not", test) if isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) else test

    def _term(self, node: ast.expr) -> Guard | None:
        """A value a guard compares: ("lit", constant), or ("env", NAME, default, methods) for
        `os.environ.get("NAME", default)`, `os.getenv(...)`, `os.environ["NAME"]`, `env.bool("NAME",
        default)` (method "bool": the value as those libraries parse it); None when unknown."""
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (str, bool, int))):
            return ("lit", node.value)
        if isinstance(node, ast.Name):
            flag = self.flags.get(node.id)
            return flag[1] if flag is not None and flag[0] == "truthy" and isinstance(flag[1], tuple) else None
        if isinstance(node, ast.Subscript) and self._is_environ(node.value) and _string(node.slice) is not None:
            return ("env", _string(node.slice), None, ())
        if not isinstance(node, ast.Call):
            return None
        name = self._callee(node.func)
        if name in STR_METHODS and isinstance(node.func, ast.Attribute) and not node.args:
            inner = self._term(node.func.value)
            return None if inner is None or inner[0] != "env" else (*inner[:3], (*_guards(inner[3]), name))
        # django-environ's and environs' `env.bool("NAME", default=False)`: cookiecutter-django's
        # `READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)`
        parsed = (name == "bool" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id in self.envs)
        if parsed or name == "getenv" or (name == "get" and isinstance(node.func, ast.Attribute)
                                          and self._is_environ(node.func.value)):
            key = _string(node.args[0]) if node.args else None
            fallback = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "default"), None)
            default = self._term(fallback) if fallback is not None else ("lit", None)
            if key is None or default is None or default[0] != "lit":
                return None
            return ("env", key, default[1], ("bool",) if parsed else ())
        return None


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ""


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _guards(value: object) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else ()


def _spares_import(handler: ast.ExceptHandler) -> bool:
    """Whether an `except` goes on without a package that did not import: ImportError, ModuleNotFoundError,
    a tuple holding one, or a bare `except:`."""
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught is not None else []
    return caught is None or any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError")
                                 for n in names)


def _known(guard: tuple[Guard, ...]) -> tuple[Guard, ...]:
    """The conditions doctor can judge (an unreadable one never stops a call)."""
    return tuple(g for g in guard if g != UNKNOWN)


def _find(node: ast.Call) -> tuple[PathSpec, ...]:
    """`find_dotenv(filename=".env", raise_error_if_not_found=False, usecwd=False)`: the name looked
    for from the calling file's folder upwards (from the working dir with `usecwd=True`)."""
    args = {**dict(zip(("filename", "raise_error_if_not_found", "usecwd"), node.args, strict=False)),
            **{k.arg: k.value for k in node.keywords if k.arg}}
    name = _string(args["filename"]) if "filename" in args else ".env"
    usecwd = args.get("usecwd")
    if name is None or (usecwd is not None and not isinstance(usecwd, ast.Constant)):
        return ()
    if usecwd is not None and _is_true(usecwd):
        return (("find", name, "cwd"),)
    return (("find",),) if name == ".env" else (("find", name),)


def _breaks(body: list[ast.stmt]) -> bool:
    """Whether a loop body leaves the loop (`break` outside any inner loop or function)."""
    todo: list[ast.AST] = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Break):
            return True
        if not isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef,
                                 ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _has_body(stmt: ast.stmt) -> bool:
    return any(isinstance(getattr(stmt, f, None), list) for f in ("body", "orelse", "finalbody", "handlers"))


def _own_nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The nodes of a compound statement outside its nested bodies (its test, iter, items)."""
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers"):
            continue
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, ast.AST):
                yield from ast.walk(child)


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _ups(specs: tuple[PathSpec, ...], count: int) -> tuple[PathSpec, ...]:
    """N folders up: django-environ's `Path(__file__) - 1` is the file's folder (`path("../" * N)`)."""
    for _ in range(count):
        specs = tuple(_up(s) for s in specs)
    return specs


def _framed(base: PathSpec | None, pieces: Pieces) -> tuple[PathSpec, ...]:
    """The path `base / (prefix + $NAME + suffix)` (relative to the working dir without a base): an
    ("env", NAME, defaults, (), (base, prefix, suffix)) whose defaults put the read's default in."""
    reads = [p for p in pieces if isinstance(p, tuple)]
    if len(reads) > 1:
        return ()
    if not reads:
        text = "".join(p for p in pieces if isinstance(p, str))
        if base is not None:
            return (_append(base, [text]),)
        return (("abs", text) if text.startswith("/") else ("cwd", text),) if text else ()
    at = pieces.index(reads[0])
    prefix = "".join(p for p in pieces[:at] if isinstance(p, str))
    suffix = "".join(p for p in pieces[at + 1:] if isinstance(p, str))
    name, default = reads[0]
    defaults = _framed(base, (prefix + default + suffix,)) if default is not None else ()
    return (("env", name, defaults, (), (base or (), prefix, suffix)),)


def _none_is(spec: PathSpec, default: PathSpec) -> PathSpec:
    """A call's path read straight from a variable that is None when unset (`load_dotenv(dotenv_path=
    os.environ.get("DOTENV_PATH"))`, pontoon's): unset, the loader gets None and does its own search."""
    if spec[0] == "env" and len(spec) == 4 and not _specs(spec[3]) and _specs(spec[2]) == (NONE,):
        return (*spec[:2], (default,), spec[3])
    return spec


def _up(spec: PathSpec) -> PathSpec:
    if spec[0] == "env":
        return (*spec[:3], (*_specs(spec[3]), ("up",)), *spec[4:])
    if spec[0] == "file":
        if len(spec) > 2:
            return spec[:-1]
        return ("file", int(str(spec[1])) + 1)
    if spec[0] in ("cwd", "abs"):
        return (spec[0], posixpath.dirname(str(spec[1])) or ".")
    return spec


def _append(spec: PathSpec, parts: list[str]) -> PathSpec:
    if spec[0] == "env":
        return (*spec[:3], (*_specs(spec[3]), *(("join", p) for p in parts)), *spec[4:])
    if spec[0] == "file":
        return (*spec, *parts)
    if spec[0] in ("cwd", "abs"):
        return (spec[0], posixpath.join(str(spec[1]), *parts))
    return spec
