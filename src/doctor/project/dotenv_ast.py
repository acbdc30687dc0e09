"""The `.env` loads of one Python module, read with `ast` (never executed): python-dotenv's
`load_dotenv(...)`, django-environ's `read_env(...)` and pydantic-settings' `env_file`.

A call under `if` keeps the conditions it runs under (`if not os.environ.get("IN_DOCKER")`),
written as appenv's Guard tuples for appenv to judge against each service's environment; a
condition doctor cannot read is ("?",), which never stops a call. Names imported under another
name (`from dotenv import load_dotenv as ld`, `from os import environ as env`) are read as theirs.

Split from appenv so that `ast` (~4.5 ms to import) is imported only when a module's calls are
not remembered yet (appenv.dotenv_calls keeps them in project.memo).

The paths an expression stands for are read by dotenv_paths, the `if` tests by dotenv_guards.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Location
from doctor.project.appenv import DotenvCall, Guard, PathSpec, _python_text
from doctor.project.dotenv_guards import UNKNOWN, GuardReader
from doctor.project.dotenv_paths import _is_none, _is_true, _none_is, _string
from doctor.project.star_imports import rebase, star_closure, star_module

ALIASED = frozenset({"dotenv", "dotenv.main", "os", "os.path", "pathlib", "decouple", "environ", "environs"})


def module_calls(path: Path, text: str) -> tuple[DotenvCall, ...]:
    """Every `.env` load in the module's text; none when it does not parse."""
    try:
        tree = ast.parse(text, str(path))
        return tuple(_Calls(path, text, frozenset(star_closure(path, text))).read(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # nested past the parser's or the reader's depth
        return ()


class _Calls(GuardReader):
    """Reads the load_dotenv calls of one module, evaluating module-level path names."""

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
                self.bind(stmt)
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
        keyword = next((k for k in node.keywords if k.arg == flag and _is_true(k.value)), None)
        override = keyword is not None or (len(node.args) > at and _is_true(node.args[at]))
        # `override=True,` on a line of its own below `load_dotenv(`: its fix edits that line
        flag_line = keyword.lineno if keyword is not None and keyword.lineno != node.lineno else 0
        argument = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == path_arg), None)
        candidates = (default,) if argument is None or _is_none(argument) else self._eval(argument, loops)
        if not (isinstance(argument, ast.Name) and argument.id in loops):  # a loop's None is skipped, not searched
            candidates = tuple(_none_is(s, default) for s in candidates)
        return DotenvCall(self._location(node), override, candidates, self._text(node),
                          each and len(candidates) > 1, loader, guard=_known(guard), optional=self.optional > 0,
                          flag_line=flag_line)

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


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ""


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
