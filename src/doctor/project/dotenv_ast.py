"""The `load_dotenv(...)` calls of one Python module, read with `ast` (never executed).

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
    """Every `load_dotenv(...)` call in the module's text; none when it does not parse."""
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

    def read(self, tree: ast.Module) -> Iterator[DotenvCall]:
        yield from self._body(tree.body, {}, False)

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
                if isinstance(node, ast.Call) and _callee(node.func) == "load_dotenv":
                    yield self._call(node, inner, each)
            for field in ("body", "orelse", "finalbody", "handlers"):
                nested = getattr(stmt, field, None)
                if isinstance(nested, list):
                    yield from self._body([n for n in nested if isinstance(n, ast.stmt)]
                                          + [s for h in nested if isinstance(h, ast.ExceptHandler)
                                             for s in h.body], inner, inner_each)

    def _call(self, node: ast.Call, loops: dict[str, tuple[PathSpec, ...]], each: bool) -> DotenvCall:
        override = any(k.arg == "override" and isinstance(k.value, ast.Constant) and k.value.value is True
                       for k in node.keywords)
        argument = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "dotenv_path"), None)
        candidates = (("find",),) if argument is None else self._eval(argument, loops)
        text = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        return DotenvCall(Location(self.path, node.lineno, node.col_offset + 1), override, candidates, text,
                          each and len(candidates) > 1)

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
