"""What a Python app reads through python-dotenv's `load_dotenv`, next to what compose gives it.

Compose's `.env` rules are not python-dotenv's (DESIGN.md): this module is the python-dotenv
view. The app's `load_dotenv(...)` calls are read with `ast` (never executed), their path
argument evaluated symbolically (`Path(__file__).resolve().parent / ".env"`,
`os.path.join(BASE_DIR, ".env")`, a literal, `find_dotenv()`, a `for path in [...]` loop) in the
container's terms, and the file found there is read and interpolated with python-dotenv's own
parser against the container environment compose sets. A loop over candidate files
(`for path in [os.getenv("APP_CONF"), "../app.conf", "/etc/app.conf"]: ... load_dotenv(path); break`)
loads the first one that exists in the container, or every one without `break`; `os.getenv`
and `os.environ.get` read the service's compose environment, else their literal default.
"""

from __future__ import annotations

import ast
import os
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from itertools import product
from pathlib import Path

from doctor.model import Location, record
from doctor.project.codepaths import CodeMap, CodePath
from doctor.project.types import Service

SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox",
                       ".mypy_cache", ".ruff_cache", "dist", "build", ".nox", "env"})
MAX_FILES = 20000
# A path is ("file", ups, parts): `ups` parents above the calling file, then `parts`; ("cwd", text)
# relative to the process's working directory; ("abs", text); ("find",) for find_dotenv();
# ("env", NAME, default specs, ops): the container's $NAME (else a default), then ("up",) and
# ("join", part) steps, since the value is known per service only.
PathSpec = tuple[object, ...]
ENTRY_POINTS = ("manage.py", "wsgi.py", "asgi.py")  # run from their own folder (python manage.py ...)


@record
class DotenvCall:
    """One `load_dotenv(...)` call: where it is, whether it overrides, the paths it may load."""

    location: Location
    override: bool
    candidates: tuple[PathSpec, ...]
    text: str = ""
    every: bool = False  # a loop over the candidates without `break`: each existing one is loaded


@record
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
    bind of /tmp or $HOME that happens to hold it. None when no service gets code from the host
    (only images): then no Python file of the project runs in a container, and none is read."""
    found: set[Path] = set()
    for codes in maps:
        for path in (*(p.host for p in codes.live), *([codes.context] if codes.context else [])):
            if path.is_dir() and (path == project_dir.parent or path.is_relative_to(project_dir)):
                found.add(path)
    if found:
        found.add(project_dir)
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
        cwds = tuple(dict.fromkeys(c for c in (workdir, *(codes.to_container(d) for d in _run_dirs(
            call.location.path))) if c)) or ("/",)
        reached = _reaching(call, inside, codes, cwds, compose)
        seen: dict[str, str] = dict(compose)
        changed: dict[str, tuple[str, Location, CodePath]] = {}
        for host, carrier in reached if call.every else reached[:1]:
            for key, value, line in app_view(host, seen, call.override):
                seen[key] = value
                changed[key] = (value, Location(host, line), carrier)
        for key, (value, where, carrier) in changed.items():
            if value != compose.get(key):
                yield DotenvEffect(service.name, call, key, value, compose.get(key), where, carrier)


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


def _run_dirs(path: Path) -> Iterator[Path]:
    """Where a relative path of the module may be read from: the folder above its top package
    (`python -m pkg`), and the nearest folder above it holding a Django-style entry point
    (`python manage.py runserver` is run from manage.py's folder; the packages between may be
    namespace packages without `__init__.py`)."""
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    yield folder
    for above in list(path.parents)[:6]:
        if any((above / name).is_file() for name in ENTRY_POINTS):
            yield above
            return


def _reaching(call: DotenvCall, inside: str, codes: CodeMap, cwds: tuple[str, ...],
              environ: Mapping[str, str]) -> list[tuple[Path, CodePath]]:
    """The host files behind the candidate paths that exist in the container, in the call's order."""
    found: list[tuple[Path, CodePath]] = []
    for spec in call.candidates:
        for container in dict.fromkeys(p for cwd in cwds for p in _container_paths(spec, inside, cwd, environ)):
            hit = codes.to_host(container)
            if hit is not None and hit[0].is_file() and hit not in found:
                found.append(hit)
                break
    return found


def _container_paths(spec: PathSpec, inside: str, cwd: str, environ: Mapping[str, str]) -> Iterator[str]:
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
    elif kind == "env":
        name, defaults, ops = str(spec[1]), _specs(spec[2]), _specs(spec[3])
        value = environ.get(name)
        if value:  # set and not empty: the process reads it (an empty one fails `if path`)
            bases = [posixpath.normpath(value if value.startswith("/") else posixpath.join(cwd, value))]
        elif value is None:
            bases = [p for d in defaults for p in _container_paths(d, inside, cwd, environ)]
        else:
            bases = []
        for base in bases:
            for op in ops:
                base = posixpath.dirname(base) if op[0] == "up" else posixpath.join(base, str(op[1]))
            yield posixpath.normpath(base)


def _specs(value: object) -> tuple[PathSpec, ...]:
    return tuple(v for v in value if isinstance(v, tuple)) if isinstance(value, tuple) else ()


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
