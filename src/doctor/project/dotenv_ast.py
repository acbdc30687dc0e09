"""The `.env` loads of one Python module, read with `ast` (never executed): python-dotenv's
`load_dotenv(...)`, django-environ's `read_env(...)` and pydantic-settings' `env_file`.

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
from doctor.project.appenv import DotenvCall, PathSpec, _specs


def module_calls(path: Path, text: str) -> tuple[DotenvCall, ...]:
    """Every `.env` load in the module's text; none when it does not parse."""
    try:
        tree = ast.parse(text, str(path))
    except (SyntaxError, ValueError):
        return ()
    return tuple(_Calls(path, text).read(tree))


class _Calls:
    """Reads the load_dotenv calls of one module, evaluating module-level path names."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.names: dict[str, tuple[PathSpec, ...]] = {}
        self.environs = any(line.lstrip().startswith(("import environs", "from environs ")) for line in self.lines)

    def read(self, tree: ast.Module) -> Iterator[DotenvCall]:
        yield from self._body(tree.body, {}, False)
        yield from self._decouple(tree)

    def _decouple(self, tree: ast.Module) -> Iterator[DotenvCall]:
        """python-decouple: `config("KEY")` reads os.environ first, else the `.env` found from the
        calling module's folder upwards; reported at the import, for the keys the module asks for."""
        imported = next((n for n in ast.walk(tree) if (isinstance(n, ast.ImportFrom) and n.module == "decouple")
                         or (isinstance(n, ast.Import) and any(a.name == "decouple" for a in n.names))), None)
        if imported is None:
            return
        keys = [n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n.func) == "config"
                and n.args and isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str)]
        if keys:
            yield DotenvCall(self._location(imported), False, (("find",),), self._text(imported), False,
                             "decouple", tuple(dict.fromkeys(keys)))

    def _body(self, body: list[ast.stmt], loops: dict[str, tuple[PathSpec, ...]], each: bool
              ) -> Iterator[DotenvCall]:
        """The calls of a block; `each`: inside a loop over literal candidates that never breaks."""
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = self._eval(stmt.value, loops)
                if value:
                    self.names[stmt.targets[0].id] = value
            inner, inner_each = dict(loops), each
            if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and isinstance(
                    stmt.iter, (ast.List, ast.Tuple)):
                inner[stmt.target.id] = tuple(s for e in stmt.iter.elts for s in self._eval(e, loops))
                inner_each = not _breaks(stmt.body)
            for node in ast.walk(stmt) if not _has_body(stmt) else _own_nodes(stmt):
                if isinstance(node, ast.Call) and _callee(node.func) in ("load_dotenv", "read_env"):
                    yield self._call(node, inner, each)
            if isinstance(stmt, ast.ClassDef):
                yield from self._settings_class(stmt)
            for field in ("body", "orelse", "finalbody", "handlers"):
                nested = getattr(stmt, field, None)
                if isinstance(nested, list):
                    yield from self._body([n for n in nested if isinstance(n, ast.stmt)]
                                          + [s for h in nested if isinstance(h, ast.ExceptHandler)
                                             for s in h.body], inner, inner_each)

    def _call(self, node: ast.Call, loops: dict[str, tuple[PathSpec, ...]], each: bool) -> DotenvCall:
        """`load_dotenv(dotenv_path=None, ..., override=False)`, or django-environ's
        `read_env(env_file=None, overwrite=False)`, whose default is the `.env` beside the caller."""
        loader = _callee(node.func)
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
        return DotenvCall(self._location(node), override, candidates, self._text(node),
                          each and len(candidates) > 1, loader)

    def _settings_class(self, cls: ast.ClassDef) -> Iterator[DotenvCall]:
        """pydantic-settings: `model_config = SettingsConfigDict(env_file=...)` (or a dict), or a
        nested `class Config: env_file = ...`. The file fills only the class's fields (with
        `env_prefix`), and never beats the process environment."""
        fields = [s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                  and s.target.id != "model_config"]
        config: dict[str, ast.expr] = {}
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and [_name(t) for t in stmt.targets] == ["model_config"]:
                if isinstance(stmt.value, ast.Call) and _callee(stmt.value.func) == "SettingsConfigDict":
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
                         "env_file", tuple(f"{prefix_text}{f}".upper() for f in fields))

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
        if isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str):
            return (("env", node.slice.value, (), ()),)
        if isinstance(node, ast.Call):
            return self._eval_call(node, loops)
        return ()

    def _eval_call(self, node: ast.Call, loops: Mapping[str, tuple[PathSpec, ...]]) -> tuple[PathSpec, ...]:
        name = _callee(node.func)
        if name == "find_dotenv":
            return (("find",),) if not node.args and not node.keywords else ()
        if (name == "getenv" or (name == "get" and isinstance(node.func, ast.Attribute)
                                 and _is_environ(node.func.value))) and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            fallback = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "default"), None)
            defaults = self._eval(fallback, loops) if fallback is not None else ()
            return (("env", node.args[0].value, defaults, ()),)
        if name in ("resolve", "absolute") and isinstance(node.func, ast.Attribute):
            return self._eval(node.func.value, loops)
        if name in ("Path", "PurePath", "PosixPath", "abspath", "realpath", "normpath", "str", "fspath") \
                and len(node.args) == 1:
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
        for part in rest:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                choices.append([part.value])
                continue
            named = loops.get(part.id, ()) if isinstance(part, ast.Name) else ()
            if not named or any(s[0] != "cwd" for s in named):
                return ()
            choices.append([str(s[1]) for s in named])
        return tuple(_append(s, list(parts)) for s in self._eval(base, loops) for parts in product(*choices))


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ""


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


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


def _up(spec: PathSpec) -> PathSpec:
    if spec[0] == "env":
        return (*spec[:3], (*_specs(spec[3]), ("up",)))
    if spec[0] == "file":
        if len(spec) > 2:
            return spec[:-1]
        return ("file", int(str(spec[1])) + 1)
    if spec[0] in ("cwd", "abs"):
        return (spec[0], posixpath.dirname(str(spec[1])) or ".")
    return spec


def _append(spec: PathSpec, parts: list[str]) -> PathSpec:
    if spec[0] == "env":
        return (*spec[:3], (*_specs(spec[3]), *(("join", p) for p in parts)))
    if spec[0] == "file":
        return (*spec, *parts)
    if spec[0] in ("cwd", "abs"):
        return (spec[0], posixpath.join(str(spec[1]), *parts))
    return spec
