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

import functools
import io
import os
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from doctor.model import Location, record
from doctor.project.codepaths import CodeMap, CodePath
from doctor.project.reading import ENV_LIMIT
from doctor.project.types import Service
from doctor.regular import read_text

SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox",
                       ".mypy_cache", ".ruff_cache", "dist", "build", ".nox", "env"})
MAX_FILES = 20000
# A path is ("file", ups, parts): `ups` parents above the calling file, then `parts`; ("cwd", text)
# relative to the process's working directory; ("abs", text); ("find",) for find_dotenv();
# ("env", NAME, default specs, ops): the container's $NAME (else a default), then ("up",) and
# ("join", part) steps, since the value is known per service only.
PathSpec = tuple[object, ...]
ENTRY_POINTS = ("manage.py", "wsgi.py", "asgi.py")  # run from their own folder (python manage.py ...)
# words a module must hold to be parsed: python-dotenv, django-environ/environs, pydantic-settings, decouple
LOADER_WORDS = ("load_dotenv", "read_env", "env_file", "decouple")


@record
class DotenvCall:
    """One `load_dotenv(...)` call: where it is, whether it overrides, the paths it may load."""

    location: Location
    override: bool
    candidates: tuple[PathSpec, ...]
    text: str = ""
    every: bool = False  # a loop over the candidates without `break`: each existing one is loaded
    loader: str = "load_dotenv"  # or "read_env" (django-environ, environs), "env_file" (pydantic-settings), "decouple"
    keys: tuple[str, ...] | None = None  # pydantic-settings' fields, decouple's config("KEY"): all it reads


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
    from doctor.project.memo import remember

    found: list[DotenvCall] = []
    for path in (f for root in roots for f in _python_files(root)):
        text = _python_text(path)
        if text is not None and _loads_env(text):
            # remembered (the parse needs `ast`): read again on a miss, after the file's stamp is taken
            found.extend(remember("dotenv-calls", (path,), "", functools.partial(_module_calls, path)))
    return tuple(found)


def _python_text(path: Path) -> str | None:
    try:
        return read_text(path)
    except OSError:
        from doctor.project.memo import unreadable

        unreadable()
        return None


def _module_calls(path: Path) -> tuple[DotenvCall, ...]:
    from doctor.project.dotenv_ast import module_calls

    text = _python_text(path)
    return module_calls(path, text) if text is not None and _loads_env(text) else ()


def _loads_env(text: str) -> bool:
    return any(word in text for word in LOADER_WORDS)


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
        fields = frozenset(k.upper() for k in call.keys) if call.keys is not None else None
        for host, carrier in reached if call.every else reached[:1]:
            for key, value, line in app_view(host, seen, call.override):
                if fields is not None and key.upper() not in fields:
                    continue  # pydantic-settings reads only its fields from the file
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
        bindings = [b for b in parse_stream(io.StringIO(read_text(path, ENV_LIMIT))) if b.key is not None]
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
    from doctor.redact import scrub
    from doctor.secret_keys import is_secret_key
    from doctor.secret_shapes import MASK

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
