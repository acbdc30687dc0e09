"""What a Python app reads through python-dotenv's `load_dotenv`, next to what compose gives it.

Compose's `.env` rules are not python-dotenv's (DESIGN.md): this module is the python-dotenv
view. The app's `load_dotenv(...)` calls are read with `ast` (never executed), their path
argument evaluated symbolically (`Path(__file__).resolve().parent / ".env"`,
`os.path.join(BASE_DIR, ".env")`, a literal, `find_dotenv()`, a `for path in [...]` loop) in the
container's terms, and the file found there is read and interpolated with python-dotenv's own
parser against the container environment compose sets.
"""

from __future__ import annotations

import ast
import os
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from doctor.model import Location
from doctor.project.codepaths import CodeMap, CodePath
from doctor.project.types import Service

SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox",
                       ".mypy_cache", ".ruff_cache", "dist", "build", ".nox", "env"})
MAX_FILES = 20000
# A path is ("file", ups, parts): `ups` parents above the calling file, then `parts`; ("cwd", text)
# relative to the process's working directory; ("abs", text); ("find",) for find_dotenv().
PathSpec = tuple[object, ...]


@dataclass(frozen=True)
class DotenvCall:
    """One `load_dotenv(...)` call: where it is, whether it overrides, the paths it may load."""

    location: Location
    override: bool
    candidates: tuple[PathSpec, ...]
    text: str = ""


@dataclass(frozen=True)
class DotenvEffect:
    """A variable the app sees differently from what compose set, because of one `load_dotenv` call."""

    service: str
    call: DotenvCall
    key: str
    app_value: str
    compose_value: str | None
    env_location: Location
    carrier: CodePath


def code_roots(project_dir: Path, maps: Iterable[CodeMap]) -> tuple[Path, ...]:
    """The folders whose Python files may run in a service: build contexts and bind-mounted folders
    inside the project, or its parent (`..` of a `.devcontainer/` project is the repo); never a
    bind of /tmp or $HOME that happens to hold it."""
    found = {project_dir}
    for codes in maps:
        for path in (*(p.host for p in codes.live), *([codes.context] if codes.context else [])):
            if path.is_dir() and (path == project_dir.parent or path.is_relative_to(project_dir)):
                found.add(path)
    roots = sorted(found, key=lambda p: len(p.parts))
    return tuple(r for i, r in enumerate(roots) if not any(r.is_relative_to(o) for o in roots[:i]))


def dotenv_calls(roots: Iterable[Path]) -> tuple[DotenvCall, ...]:
    """Every `load_dotenv(...)` call in the Python files under the roots (parsed, never imported)."""
    found: list[DotenvCall] = []
    for path in (f for root in roots for f in _python_files(root)):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "load_dotenv" not in text:
            continue
        try:
            tree = ast.parse(text, str(path))
        except (SyntaxError, ValueError):
            continue
        found.extend(_Calls(path, text).read(tree))
    return tuple(found)


def dotenv_effects(service: Service, calls: tuple[DotenvCall, ...], codes: CodeMap,
                   workdir: str | None) -> Iterator[DotenvEffect]:
    """What each call the service runs changes in its environment, computed with python-dotenv."""
    compose = {n: v.value for n, v in service.environment.items() if v.value is not None}
    for call in calls:
        inside = codes.to_container(call.location.path)
        if inside is None:
            continue
        # a relative path reads from the process's cwd: the working dir, or where the entry point
        # (manage.py, the top package's parent) is run from
        root = codes.to_container(_package_root(call.location.path))
        cwds = tuple(dict.fromkeys(c for c in (workdir, root) if c)) or ("/",)
        found = _first_reaching(call, inside, codes, cwds)
        if found is None:
            continue
        host, carrier = found
        for key, value, line in app_view(host, compose, call.override):
            before = compose.get(key)
            if value != before:
                yield DotenvEffect(service.name, call, key, value, before, Location(host, line), carrier)


def app_view(path: Path, environ: Mapping[str, str], override: bool) -> Iterator[tuple[str, str, int]]:
    """The (key, value, line) that `load_dotenv(path, override)` sets in a process with `environ`.

    python-dotenv's own parser and variable expansion, with the container environment where
    python-dotenv would read os.environ.
    """
    from dotenv.parser import parse_stream
    from dotenv.variables import parse_variables

    try:
        with path.open(encoding="utf-8", errors="replace") as stream:
            bindings = [b for b in parse_stream(stream) if b.key is not None]
    except OSError:
        return
    resolved: dict[str, str | None] = {}
    lines: dict[str, int] = {}
    for binding in bindings:
        key = binding.key or ""
        lines[key] = binding.original.line
        if binding.value is None:
            resolved[key] = None
            continue
        scope: dict[str, str | None] = {**environ, **resolved} if override else {**resolved, **environ}
        resolved[key] = "".join(atom.resolve(scope) for atom in parse_variables(binding.value))
    for key, value in resolved.items():
        if value is None or (key in environ and not override):
            continue
        yield key, value, lines[key]


def _package_root(path: Path) -> Path:
    """The folder a Python entry point runs from: the one above the file's top package."""
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _first_reaching(call: DotenvCall, inside: str, codes: CodeMap, cwds: tuple[str, ...]
                    ) -> tuple[Path, CodePath] | None:
    """The host file behind the first candidate path that exists in the container."""
    for spec in call.candidates:
        for container in (p for cwd in cwds for p in _container_paths(spec, inside, cwd)):
            found = codes.to_host(container)
            if found is not None and found[0].is_file():
                return found
    return None


def _container_paths(spec: PathSpec, inside: str, cwd: str) -> Iterator[str]:
    kind = spec[0]
    if kind == "find":  # find_dotenv(): the calling file's folder, then each folder above it
        folder = posixpath.dirname(inside)
        while True:
            yield posixpath.join(folder, ".env")
            if folder in ("/", ""):
                return
            folder = posixpath.dirname(folder)
    elif kind == "file":
        ups, parts = int(str(spec[1])), tuple(str(p) for p in spec[2:])
        base = inside
        for _ in range(ups):
            base = posixpath.dirname(base)
        yield posixpath.normpath(posixpath.join(base, *parts))
    elif kind == "cwd":
        yield posixpath.normpath(posixpath.join(cwd, str(spec[1])))
    elif kind == "abs":
        yield posixpath.normpath(str(spec[1]))


def shown_value(key: str, value: str) -> str:
    """The value as a message may show it: a secret key's value masked, a URL's password masked."""
    from doctor.redact import MASK, is_secret_key, scrub

    if is_secret_key(key):
        return MASK
    return repr(scrub(value))


def _python_files(root: Path) -> Iterator[Path]:
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            if name.endswith(".py"):
                count += 1
                if count > MAX_FILES:
                    return
                yield Path(folder) / name


class _Calls:
    """Reads the load_dotenv calls of one module, evaluating module-level path names."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.names: dict[str, tuple[PathSpec, ...]] = {}

    def read(self, tree: ast.Module) -> Iterator[DotenvCall]:
        yield from self._body(tree.body, {})

    def _body(self, body: list[ast.stmt], loops: dict[str, tuple[PathSpec, ...]]) -> Iterator[DotenvCall]:
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = self._eval(stmt.value, loops)
                if value:
                    self.names[stmt.targets[0].id] = value
            inner = dict(loops)
            if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and isinstance(
                    stmt.iter, (ast.List, ast.Tuple)):
                inner[stmt.target.id] = tuple(s for e in stmt.iter.elts for s in self._eval(e, loops))
            for node in ast.walk(stmt) if not _has_body(stmt) else _own_nodes(stmt):
                if isinstance(node, ast.Call) and _callee(node.func) == "load_dotenv":
                    yield self._call(node, inner)
            for field in ("body", "orelse", "finalbody", "handlers"):
                nested = getattr(stmt, field, None)
                if isinstance(nested, list):
                    yield from self._body([n for n in nested if isinstance(n, ast.stmt)]
                                          + [s for h in nested if isinstance(h, ast.ExceptHandler)
                                             for s in h.body], inner)

    def _call(self, node: ast.Call, loops: dict[str, tuple[PathSpec, ...]]) -> DotenvCall:
        override = any(k.arg == "override" and isinstance(k.value, ast.Constant) and k.value.value is True
                       for k in node.keywords)
        argument = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "dotenv_path"), None)
        candidates = (("find",),) if argument is None else self._eval(argument, loops)
        text = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        return DotenvCall(Location(self.path, node.lineno, node.col_offset + 1), override, candidates, text)

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
        if isinstance(node, ast.Call):
            return self._eval_call(node, loops)
        return ()

    def _eval_call(self, node: ast.Call, loops: Mapping[str, tuple[PathSpec, ...]]) -> tuple[PathSpec, ...]:
        name = _callee(node.func)
        if name == "find_dotenv":
            return (("find",),) if not node.args and not node.keywords else ()
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
        parts = [r.value for r in rest if isinstance(r, ast.Constant) and isinstance(r.value, str)]
        if len(parts) != len(rest):
            return ()
        return tuple(_append(s, parts) for s in self._eval(base, loops))


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
    if spec[0] == "file":
        if len(spec) > 2:
            return spec[:-1]
        return ("file", int(str(spec[1])) + 1)
    if spec[0] in ("cwd", "abs"):
        return (spec[0], posixpath.dirname(str(spec[1])) or ".")
    return spec


def _append(spec: PathSpec, parts: list[str]) -> PathSpec:
    if spec[0] == "file":
        return (*spec, *parts)
    if spec[0] in ("cwd", "abs"):
        return (spec[0], posixpath.join(str(spec[1]), *parts))
    return spec
