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
A call under `if not os.environ.get("IN_DOCKER"):` (and the like) runs in a service only when
that condition holds in its environment: compose's, over its Dockerfile's ENV.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, record
from doctor.project.appguard import _specs, guard_holds
from doctor.project.codepaths import CodeMap, CodePath
from doctor.project.dotenv_views import NODE_LOADERS, app_view, node_view
from doctor.project.reading import is_dir, is_file, read_regular_text
from doctor.project.types import Service
from doctor.regular import read_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.recipe import Recipe

SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox",
                       ".mypy_cache", ".ruff_cache", "dist", "build", ".nox", "env"})
MAX_FILES = 20000
# A path is ("file", ups, parts): `ups` parents above the calling file, then `parts`; ("cwd", text)
# relative to the process's working directory; ("abs", text); ("find",) for find_dotenv(), ("find",
# name) for find_dotenv(name) and ("find", name, "cwd") with usecwd=True;
# ("env", NAME, default specs, ops): the container's $NAME (else a default), then ("up",) and
# ("join", part) steps, since the value is known per service only; with a fifth element (base
# spec or (), prefix, suffix) the value is a piece of the path: base / (prefix + $NAME + suffix)
# (`root("dojo/settings/" + env.str("DD_ENV_PATH", ".env.prod"))`), relative to the working dir
# without a base; ("none",) is the default of `os.getenv("X")`, a None that names no file (a call
# given it straight loads its own default instead: dotenv_paths._none_is).
PathSpec = tuple[object, ...]
Reached = tuple[Path, CodePath, tuple[str, ...]]  # a file a call loads, its carrier, the defaults assumed
# A condition a call runs under (dotenv_ast writes them, `guard_holds` judges them): ("not", g),
# ("and", g...), ("or", g...), ("set", NAME), ("eq", term, term), ("truthy", term), ("container",)
# (true in every container), ("?",) unknown; a term is ("lit", constant) or ("env", NAME, default,
# str methods applied).
Guard = tuple[object, ...]
ENTRY_POINTS = ("manage.py", "wsgi.py", "asgi.py")  # run from their own folder (python manage.py ...)
# words a module must hold to be parsed: python-dotenv, django-environ/environs, pydantic-settings, decouple
LOADER_WORDS = ("load_dotenv", "read_env", "env_file", "decouple")
# a Dockerfile or command that names one of these may run Python, whatever its base image
PYTHON_WORDS = lazy(r"python|\b(?:pip\d*|uvx?|poetry|pipenv|pdm|gunicorn|uvicorn|celery)\b|\.py\b", re.IGNORECASE)


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
    guard: tuple[Guard, ...] = ()  # the `if` conditions around the call, all of which hold when it runs
    optional: bool = False  # in a `try:` that goes on without the package (`except ImportError: pass`)
    # the line writing the override flag where the call spans lines (Prettier's `{\n  path,\n  override: true,\n}`,
    # `override=True,` below `load_dotenv(`); 0: the call's own line
    flag_line: int = 0


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
    assumed: tuple[str, ...] = ()  # variables unset in the service whose default named the file
    # where compose sets none: the value the Dockerfile's ENV gives the process, and that ENV's line
    image_value: str | None = None
    image_location: Location | None = None


def code_roots(project_dir: Path, maps: Iterable[CodeMap]) -> tuple[Path, ...]:
    """The folders whose Python files may run in a service: build contexts and bind-mounted folders
    inside the project, or its parent (`..` of a `.devcontainer/` project is the repo); never a
    bind of /tmp or $HOME that happens to hold it. None when no service gets code from the host
    (only images): then no Python file of the project runs in a container, and none is read."""
    found: set[Path] = set()
    for codes in maps:
        for path in (*(p.host for p in codes.live), *([codes.context] if codes.context else [])):
            if is_dir(path) and (path == project_dir.parent or path.is_relative_to(project_dir)):
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
        files = _loader_files(path, text) if text is not None else None
        if files is not None:
            # remembered (the parse needs `ast`): read again on a miss, after the file's stamp is taken
            # and the modules its star imports reach (`from .common import *` may bind BASE_DIR)
            found.extend(remember("dotenv-calls", files, "", functools.partial(_module_calls, path)))
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
    return module_calls(path, text) if text is not None and _loader_files(path, text) is not None else ()


def _loader_files(path: Path, text: str) -> tuple[Path, ...] | None:
    """The module and the modules its star imports reach, when it may load a `.env`: it names a
    loader, or calls `config(...)` that a star import brings from decouple (pythondotorg's
    settings/local.py: `from .base import *`, whose base.py does `from decouple import config`)."""
    from doctor.project.star_imports import star_closure

    own = _loads_env(text)
    if not own and not ("import *" in text and "config(" in text):
        return None
    closure = star_closure(path, text)
    if own or any("decouple" in (_python_text(f) or "") for f in closure):
        return (path, *closure)
    return None


def _loads_env(text: str) -> bool:
    return any(word in text for word in LOADER_WORDS)


def dotenv_effects(service: Service, calls: tuple[DotenvCall, ...], codes: CodeMap,
                   workdir: str | None, image_env: Mapping[str, str] | None = None,
                   dockerfile: Path | None = None) -> Iterator[DotenvEffect]:
    """What each call the service runs changes in its environment, computed with python-dotenv.

    `image_env`: the ENV of the service's Dockerfile (`dockerfile`), in the process under compose's."""
    compose = {n: v.value for n, v in service.environment.items() if v.value is not None}
    # a path read from a variable reads the process's: compose's over the Dockerfile's ENV
    process = {**{k: v for k, v in (image_env or {}).items() if "$" not in v}, **compose}
    # what the process holds before the call: the image's ENV is there too (`ENV REDIS_URL=...`
    # after `COPY . .`), and python-dotenv without override leaves a variable it finds set, even
    # one whose value doctor cannot expand (`ENV A=${A}`)
    before = {**(image_env or {}), **compose}
    runs: list[tuple[DotenvCall, list[Reached]]] = []
    for call in calls:
        inside = codes.to_container(call.location.path)
        if inside is None:
            continue
        cwds = tuple(dict.fromkeys(c for c in (workdir, *(codes.to_container(d) for d in _run_dirs(
            call.location.path) if call.loader not in NODE_LOADERS)) if c)) or ("/",)
        runs.append((call, _reaching(call, inside, codes, cwds, process)))
    for call, reached in runs:
        if call.guard and guard_holds(call.guard, *_guard_env(service, image_env or {}, call, runs)) is False:
            continue
        seen: dict[str, str] = dict(before)
        changed: dict[str, tuple[str, Location, CodePath, tuple[str, ...]]] = {}
        fields = frozenset(k.upper() for k in call.keys) if call.keys is not None else None
        for host, carrier, assumed in reached if call.every else reached[:1]:
            for key, value, line in (node_view if call.loader in NODE_LOADERS else app_view)(host, seen, call.override):
                if fields is not None and key.upper() not in fields:
                    continue  # pydantic-settings reads only its fields from the file
                seen[key] = value
                changed[key] = (value, Location(host, line), carrier, assumed)
        for key, (value, where, carrier, assumed) in changed.items():
            if value == before.get(key):
                continue
            image = before.get(key) if key not in compose else None
            yield DotenvEffect(service.name, call, key, value, compose.get(key), where, carrier, assumed,
                               image, image_env_location(dockerfile, key) if image is not None else None)


def unread_calls(service: Service, calls: tuple[DotenvCall, ...], codes: CodeMap,
                 image_env: Mapping[str, str] | None = None) -> Iterator[DotenvCall]:
    """The `override=True` calls the service runs whose file doctor could not work out (a path
    from a function's result, or from a name bound where doctor does not follow)."""
    for call in calls:
        if call.override and not call.candidates and codes.to_container(call.location.path) is not None and not (
                call.guard and guard_holds(call.guard, *_guard_env(service, image_env or {}, call, [])) is False):
            yield call


def _guard_env(service: Service, image_env: Mapping[str, str], call: DotenvCall,
               runs: list[tuple[DotenvCall, list[Reached]]]) -> tuple[dict[str, str], frozenset[str]]:
    """The environment a call's guard reads in the service, and the names whose value doctor cannot
    tell: left to the host shell (`environment: [NAME]`), built from an ARG (`ENV A=${A}`), or set
    by a file another call loads (it may run first)."""
    known = {k: v for k, v in image_env.items() if "$" not in v}
    vague = {k for k, v in image_env.items() if "$" in v}
    for name, var in service.environment.items():
        if var.value is None:
            vague.add(name)
        else:
            known[name] = var.value
            vague.discard(name)
    for other, reached in runs:
        if other is not call and other.keys is None:  # pydantic-settings and decouple leave os.environ be
            vague.update(k for path, _, _ in reached for k, _, _ in app_view(path, {}, True)
                         if other.override or k not in known)
    return known, frozenset(vague)


def image_env(project: Project, service: Service) -> dict[str, str]:
    """The ENV the Dockerfile of the service's build stage sets (none for a pulled image)."""
    recipe = _recipe(project, service)
    return dict(recipe.env) if recipe is not None else {}


def image_env_location(dockerfile: Path | None, key: str) -> Location | None:
    """The line of the Dockerfile's last `ENV` that sets `key` (the final stage's, as a rule)."""
    from doctor.project.dockerfile import parsed_instructions
    from doctor.project.recipe import env_assignments

    text = read_regular_text(dockerfile, 1024 * 1024) if dockerfile is not None else None
    lines = [i.line for i in parsed_instructions(text or "") if i.keyword == "ENV" and key in env_assignments(i.args)]
    return Location(dockerfile, lines[-1]) if dockerfile is not None and lines else None


def runs_no_python(project: Project, service: Service) -> bool:
    """Whether the service is a node asset builder (`FROM node AS assets`, `yarn build`): a node
    image, the base leaked-host-port's Clients reads the runtime from, whose Dockerfile and
    command never name Python. paperless-ngx's devcontainer starts FROM node and adds uv."""
    from doctor.project.runtimes import image_runtime

    recipe = _recipe(project, service)
    base = recipe.base if recipe is not None else "" if service.build is not None else service.image or ""
    if image_runtime(base) != "node":
        return False
    words = [" ".join(p) if isinstance(p, tuple) else p or "" for p in (service.entrypoint, service.command)]
    if recipe is not None:
        words += [s.text for s in recipe.runs] + [f"{k}={v}" for k, v in recipe.env] + [
            source for _, _, source in recipe.built] + [*recipe.entrypoint, *recipe.cmd]
    return not any(PYTHON_WORDS.search(w) for w in words)


def _recipe(project: Project, service: Service) -> Recipe | None:
    return project.image_recipe(service)  # an image builder's for a service on the image another builds


def _run_dirs(path: Path) -> Iterator[Path]:
    """Where a relative path of the module may be read from: the folder above its top package
    (`python -m pkg`), and the nearest folder above it holding a Django-style entry point
    (`python manage.py runserver` is run from manage.py's folder; the packages between may be
    namespace packages without `__init__.py`)."""
    folder = path.parent
    while is_file(folder / "__init__.py") and folder.parent != folder:
        folder = folder.parent
    yield folder
    for above in list(path.parents)[:6]:
        if any(is_file(above / name) for name in ENTRY_POINTS):
            yield above
            return


def _reaching(call: DotenvCall, inside: str, codes: CodeMap, cwds: tuple[str, ...],
              environ: Mapping[str, str]) -> list[Reached]:
    """The host files behind the candidate paths that exist in the container, in the call's order,
    each with the variables whose default was assumed to name it."""
    found: list[Reached] = []
    for spec in call.candidates:
        for container in dict.fromkeys(p for cwd in cwds for p in _container_paths(spec, inside, cwd, environ)):
            hit = codes.to_host(container)
            if hit is not None and is_file(hit[0]) and all(hit != f[:2] for f in found):
                found.append((*hit, tuple(dict.fromkeys(_assumed(spec, environ)))))
                break
    return found


def _assumed(spec: PathSpec, environ: Mapping[str, str]) -> Iterator[str]:
    """The variables a path reads that the process leaves unset, so that their default names it."""
    if spec[0] != "env":
        return
    frame = _specs(spec[4:5])
    if frame and isinstance(frame[0][0], tuple) and frame[0][0]:
        yield from _assumed(frame[0][0], environ)
    if str(spec[1]) not in environ:
        yield str(spec[1])
        for default in _specs(spec[2]):
            yield from _assumed(default, environ)


def _container_paths(spec: PathSpec, inside: str, cwd: str, environ: Mapping[str, str]) -> Iterator[str]:
    kind = spec[0]
    if kind == "find":  # find_dotenv(name): the calling file's folder (or cwd), then each folder above it
        name = str(spec[1]) if len(spec) > 1 else ".env"
        folder = cwd if len(spec) > 2 else posixpath.dirname(inside)
        while True:
            yield posixpath.normpath(posixpath.join(folder, name))
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
        frame = _specs(spec[4:5])
        if frame and value is not None:  # base / (prefix + value + suffix)
            within, prefix, suffix = frame[0][0], str(frame[0][1]), str(frame[0][2])
            folders = _container_paths(within, inside, cwd, environ) if isinstance(within, tuple) and within else [cwd]
            bases = [posixpath.normpath(posixpath.join(f, prefix + value + suffix)) for f in folders]
        elif value:  # set and not empty: the process reads it (an empty one fails `if path`)
            bases = [posixpath.normpath(value if value.startswith("/") else posixpath.join(cwd, value))]
        elif value is None:
            bases = [p for d in defaults for p in _container_paths(d, inside, cwd, environ)]
        else:
            bases = []
        for base in bases:
            for op in ops:
                base = posixpath.dirname(base) if op[0] == "up" else posixpath.join(base, str(op[1]))
            yield posixpath.normpath(base)


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
