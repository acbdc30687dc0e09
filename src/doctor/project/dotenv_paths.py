"""The paths a Python module's expressions stand for, read with `ast` (never executed): a `.env`
load's argument (`BASE_DIR / ".env"`, `os.path.join(os.path.dirname(__file__), "..", ".env")`,
django-environ's `root("a")`, `os.environ.get("ENV_FILE", ".env")`) as appenv's PathSpec tuples.

PathReader holds what dotenv_ast's reader knows of one module (its path names, imported aliases,
guard flags and env instances) and evaluates expressions against it; GuardReader (dotenv_guards)
and dotenv_ast's _Calls build on it. Imported only by dotenv_ast, which is imported lazily.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Mapping
from itertools import product
from pathlib import Path

from doctor.project.appenv import Guard, PathSpec
from doctor.project.appguard import _specs
from doctor.regular import text_lines

PATH_PARTS = {"pardir": "..", "curdir": "."}  # os.pardir, os.curdir
NONE: PathSpec = ("none",)  # the default of `os.getenv("X")`: None, which no path is (see _none_is)
# a string of literals and variable reads, a read as (NAME, its default or None)
Pieces = tuple[str | tuple[str, str | None], ...]


class PathReader:
    """What one module binds (path names, aliases, flags, env instances) and the paths an
    expression may stand for."""

    def __init__(self, path: Path, text: str, reachable: frozenset[Path] = frozenset(),
                 seen: set[Path] | None = None) -> None:
        self.path = path
        self.reachable = reachable  # the files star imports may read (star_closure of the first module)
        self.seen = seen if seen is not None else {path}
        self.lines = text_lines(text)
        self.names: dict[str, tuple[PathSpec, ...]] = {}
        self.aliases: dict[str, str] = {}  # `from dotenv import load_dotenv as ld`: ld -> load_dotenv
        self.flags: dict[str, Guard] = {}  # `IN_DOCKER = os.getenv("IN_DOCKER")`: names a guard reads
        self.envs: set[str] = {"env"}  # django-environ's / environs' Env() instances: `env("X", default=...)`
        self.configs: set[str] = set()  # decouple's `config`, as a star import brings it (`from .base import *`)
        self.environs = any(line.lstrip().startswith(("import environs", "from environs ")) for line in self.lines)
        # inside a `try:` whose `except ImportError` (ModuleNotFoundError, a bare except) lets the module go on
        # without the package: tubearchivist's settings.py, `try: from dotenv import load_dotenv ...`
        self.optional = 0

    def _callee(self, func: ast.expr) -> str:
        """The function a call names: its attribute, or its imported name behind an alias."""
        name = _callee(func)
        return self.aliases.get(name, name) if isinstance(func, ast.Name) else name

    def _is_environ(self, node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and self.aliases.get(node.id, node.id) == "environ")

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


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


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
