"""The settings a Python app's own code gives itself, where the service runs it: the Django settings module it
loads (its DJANGO_SETTINGS_MODULE, else manage.py's or the WSGI module's default), the modules its star imports
reach, the module `celery -A`, the server, `fastapi run` or `flask run` names, and the project modules those import (for
their settings classes alone); and the config class a Flask app loads with `app.config.from_object(...)`
(doctor.project.flask_config). held_defaults yields the defaults and literal settings of those files that hold in the
service: read from no variable compose or the image sets, not replaced by a later assignment as the settings
load, under no `if` false in its environment. leaked-host-port judges their localhost dials and
service-name-drift the hosts of them all (Django's DATABASES, CACHES and CHANNEL_LAYERS entries, a Flask config
class's literal settings, a module's address literals and defaults) that name no service.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_dir, is_file, read_regular_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.setting_defaults import SettingDefault
    from doctor.project.types import Service

_STARTS_APP = lazy(r"(?<![\w.-])(?:celery|gunicorn|uvicorn|daphne|hypercorn|uwsgi|manage\.py|fastapi\s+(?:run|dev)"
                   r"|flask\s(?:[^\n;&|]*?\s)?run)(?![\w-])")
# Flask's CLI: `flask run` serves FLASK_APP (a module, `pkg:create_app()`, or a file), else wsgi.py or app.py
_FLASK_RUN = lazy(r"(?<![\w.-])flask\s(?:[^\n;&|]*?\s)?run(?![\w-])")
# FastAPI's CLI: `fastapi run [PATH]`, else the first of these in the folder it runs in
_FASTAPI = lazy(r"(?<![\w.-])fastapi\s+(?:run|dev)\b([^\n;&|]*)")
_FASTAPI_FILES = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")
_FASTAPI_VALUED = frozenset({"--host", "--port", "--workers", "--root-path", "--app", "--entrypoint", "-e",
                             "--forwarded-allow-ips"})
# the module a worker or server loads: `celery -A proj.celery_app`, `--app=core`, `uvicorn main:app`
_APP_MODULE = lazy(r"(?:(?:^|\s)(?:-A|--app)(?:\s+|=)|(?:uvicorn|gunicorn|hypercorn|daphne)\b[^\n;&|]*?\s)"
                   r"([A-Za-z_][\w.]*)(?::[A-Za-z_]\w*)?(?![\w.:/-])")
MAX_BYTES = 256 * 1024
MAX_STAR_DEPTH = 8
Branch = tuple[tuple[int, int], ...]  # setting_defaults.Branch: the `if`s an assignment sits under
Assigned = tuple[str, int, str, Branch, tuple[tuple[object, ...], ...]]  # setting_defaults.Assigned


def _defaults_of(path: Path, fields_only: bool) -> tuple[SettingDefault, ...]:
    """The module's setting defaults and its settings classes' field defaults (those alone for a module the
    app imports), remembered (the parse needs `ast`: a warm run imports none)."""
    from doctor.project.memo import remember

    def read() -> tuple[SettingDefault, ...]:
        from doctor.project.setting_defaults import setting_defaults
        from doctor.project.settings_fields import settings_field_defaults

        return (() if fields_only else setting_defaults(path)) + settings_field_defaults(path)

    return remember("setting-defaults", [path], "fields" if fields_only else "", read)


def _set(key: str, folded: bool, environment: Mapping[str, object], image: Mapping[str, str]) -> bool:
    """Whether compose or the image sets the key (in any case, for a pydantic-settings field)."""
    if key in environment or key in image:
        return True
    return folded and any(name.upper() == key for name in (*environment, *image))


def env_file_missing(service: Service) -> bool:
    """Whether an env_file compose requires is not written yet (bookwyrm's `.env`, copied from
    .env.example, which sets REDIS_ACTIVITY_HOST=redis_activity): the environment is not known."""
    return any(not is_file(path) for path in service.env_files if path not in service.optional_env_files)


def started_app(project: Project, service: Service) -> str | None:
    """The words the service runs (its command, entrypoint and the scripts they run), where they start
    a Python app server or worker; None where they start none doctor can read."""
    from doctor.project.shipped import run_words, script_finder

    words = run_words(project, service)
    texts = [" ".join(words)] + [read_regular_text(path, MAX_BYTES) or "" for path, _ in
                                 script_finder(project).run_by(service)] if words else []
    text = "\n".join(texts)
    return text if _STARTS_APP.search(text) else None


def app_files(project: Project, service: Service, image: dict[str, str], starts: str) -> tuple[tuple[Path, bool], ...]:
    """The Django settings module the service loads with the modules its star imports reach, and the
    module `celery -A`, the server or `fastapi run` names, under the folder the service runs in; then the
    project modules those import, read for their settings classes alone (True)."""
    from doctor.project.import_closure import imported_files
    from doctor.project.star_imports import settings_module, star_closure
    from doctor.project.wsgi_modules import uwsgi_modules, wsgi_settings_default

    root = _run_root(project, service)
    module = settings_module(service, image, [root] if "manage.py" in starts or "celery" in starts else [])
    served_modules = [*(m[1] for m in _APP_MODULE.finditer(starts)), *uwsgi_modules(starts, project.code_map(service))]
    if "DJANGO_SETTINGS_MODULE" not in service.environment and "DJANGO_SETTINGS_MODULE" not in image:
        # `gunicorn hc.wsgi`, uwsgi.ini's `module = hc.wsgi:application`: wsgi.py's setdefault names the settings
        served_modules += [d for d in (wsgi_settings_default(p) for p in (_module_file(root, n) for n in served_modules)
                                       if p is not None) if d]
    names = tuple(dict.fromkeys([module, *served_modules]))
    served = tuple(_fastapi_file(root, m[1]) for m in _FASTAPI.finditer(starts))
    if _FLASK_RUN.search(starts):
        variable = service.environment.get("FLASK_APP")
        served += (_flask_file(root, variable.value if variable is not None else image.get("FLASK_APP")),)

    def files() -> tuple[tuple[Path, bool], ...]:
        found: list[Path] = []
        for name in names:
            path = _module_file(root, name)
            if path is not None:
                found.append(path)
                found.extend(star_closure(path, read_regular_text(path, MAX_BYTES) or ""))
        found.extend(path for path in served if path is not None)
        own = tuple(dict.fromkeys(found))
        imported = [path for start in own for path in imported_files(root, start)]
        return tuple((p, False) for p in own) + tuple((p, True) for p in dict.fromkeys(imported) if p not in own)

    return project.once(f"app-files:{root}:{names}:{served}", files)  # services sharing one image share them


def _run_root(project: Project, service: Service) -> Path:
    """The project folder the service runs in (its working_dir, else its image's WORKDIR, mapped to the host)."""
    dockerfile = project.dockerfile(service)
    workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
    mapped = project.code_map(service).to_host(workdir) if workdir else None
    return mapped[0] if mapped is not None else project.root


def _config_classes(project: Project, service: Service, files: tuple[tuple[Path, bool], ...], starts: str,
                    process: Mapping[str, str]) -> tuple[tuple[Path, SettingDefault], ...]:
    """The settings of the config classes a Flask app loads with `app.config.from_object(...)`, found in the
    app's modules (those the service runs, a project's manage.py it starts, and what they import)."""
    from doctor.project.import_closure import imported_files

    root = _run_root(project, service)
    starts_files = [path for path, _ in files]
    if "manage.py" in starts and is_file(root / "manage.py"):
        starts_files += project.once(f"manage-imports:{root}", functools.partial(imported_files, root,
                                                                                 root / "manage.py"))
    if not any("from_object" in (read_regular_text(path, MAX_BYTES) or "") for path in starts_files):
        return ()  # no module loads a config object: flask_config has nothing to read
    from doctor.project.flask_config import class_defaults, config_objects, config_overrides

    objects = config_objects(dict.fromkeys(starts_files), process)
    if not objects:
        return ()
    # `app.config["REDIS_URL"] = ...`, `from_prefixed_env()` after from_object: the class's value no longer holds
    overrides = config_overrides(dict.fromkeys(starts_files), process)
    found: list[tuple[Path, SettingDefault]] = []
    for name in objects:
        path = _module_file(root, name.rsplit(".", 1)[0])
        if path is not None:
            found += [(path, d) for d in project.once(f"config-class:{path}:{name}", functools.partial(
                class_defaults, path, name.rsplit(".", 1)[1])) if d.target not in overrides]
    return tuple(found)


def _replaced(roots: tuple[Path, ...], process: Mapping[str, str]) -> frozenset[tuple[str, int, str]]:
    """(file, line, NAME) of each module-level assignment a later one replaces as a root module loads:
    its statements in order, a star-imported module's in the place of its import (a Django layout's
    base.py `CELERY_BROKER_URL = "redis://localhost:6379/0"`, then docker.py's `from .base import *` and
    its own `CELERY_BROKER_URL = "redis://redis:6379/0"`: base.py's never holds). Each root on its own; a later
    assignment under an `if` false in the service's environment (`process`) replaces nothing. (file, line,
    'DATABASES["default"]') where a later statement writes that alias's address (`DATABASES[*]`: any alias's)."""
    replaced: set[tuple[str, int, str]] = set()
    for root in roots:
        events: list[tuple[str, int, str, Branch]] = []
        _load(str(root), 0, set(), events, process)
        by_name: dict[str, list[tuple[str, int, str, Branch]]] = {}
        for event in events:
            by_name.setdefault(event[2].partition("[")[0], []).append(event)
        for assigned in by_name.values():  # a name is assigned a few times at most
            for at, (file, line, name, branch) in enumerate(assigned):
                if "[" in name:
                    continue
                # a later `NAME = ...` replaces the whole; a later `DATABASES["default"]["HOST"] = ...` the alias
                replaced.update((file, line, later) for f, _, later, b in assigned[at + 1:]
                                if f != file or not _exclusive(branch, b))
    return frozenset(replaced)


def _exclusive(one: Branch, other: Branch) -> bool:
    """Whether two statements sit in the two branches of one `if` (both never run)."""
    for (line, side), (line2, side2) in zip(one, other, strict=False):
        if line != line2:
            return False
        if side != side2:
            return True
    return False


def _load(file: str, depth: int, seen: set[str], events: list[tuple[str, int, str, Branch]],
          process: Mapping[str, str]) -> None:
    """Append the (file, line, NAME, branch) assignments of a module's import to `events`, in the order
    they run, but those under an `if` false in `process`."""
    from doctor.project.appguard import guard_holds

    if file in seen or depth > MAX_STAR_DEPTH:
        return
    seen.add(file)
    for kind, line, arg, branch, guard in _assignments_of(Path(file)):
        if guard_holds(guard, process) is False:
            continue
        if kind == "star":
            _load(arg, depth + 1, seen, events, process)
        else:
            events.append((file, line, arg, branch))


def _assignments_of(path: Path) -> tuple[Assigned, ...]:
    """setting_defaults.assignments, remembered (the parse needs `ast`: a warm run imports none)."""
    from doctor.project.memo import remember

    def read() -> tuple[Assigned, ...]:
        from doctor.project.setting_defaults import assignments

        return assignments(path)

    return remember("setting-assignments", [path], "", read)


def _celery_env(name: str) -> str | None:
    """The variable Celery reads before a setting (celery/app/utils.py: `os.environ.get('CELERY_BROKER_URL')
    or` the broker_url setting; CELERY_RESULT_BACKEND alike), for the names that setting is written under."""
    low = name.lower()
    if low in ("broker", "broker_url") or low.endswith("_broker_url"):
        return "CELERY_BROKER_URL"
    if low in ("backend", "result_backend") or low.endswith("_result_backend"):
        return "CELERY_RESULT_BACKEND"
    return None


def _fastapi_file(root: Path, words: str) -> Path | None:
    """The file `fastapi run`/`fastapi dev` serves: its PATH argument, else main.py, app/main.py, ..."""
    tokens, path = words.split(), None
    skip = False
    for token in tokens:
        if skip or token.startswith("-"):
            skip = not skip and token in _FASTAPI_VALUED
            continue
        path = token.strip("\"'")
        break
    candidates = [path] if path else list(_FASTAPI_FILES)
    for candidate in candidates:
        file = root / candidate
        if is_dir(file):
            file = file / "main.py" if is_file(file / "main.py") else file / "__init__.py"
        if file.suffix == ".py" and is_file(file):
            return file
    return None


def _flask_file(root: Path, app: str | None) -> Path | None:
    """The file `flask run` loads: FLASK_APP's (`./app.py`, `app`, `project:create_app()`), else wsgi.py, app.py."""
    if app is None or not app.strip():
        return next((root / n for n in ("wsgi.py", "app.py") if is_file(root / n)), None)
    target = app.strip().split(":", 1)[0]
    if target.endswith(".py") or "/" in target:
        path = root / target
        return path if path.suffix == ".py" and is_file(path) else None
    return _module_file(root, target)


def _module_file(root: Path, name: str) -> Path | None:
    """The file of a dotted module under `root`: `proj.settings` (proj/settings.py), a package's
    celery.py or __init__.py (`celery -A proj`), or the module of an attribute (`-A worker.celery`,
    worker.py's `celery` app)."""
    parts = name.split(".") if name else []
    for count in (len(parts), len(parts) - 1) if len(parts) > 1 else (len(parts),):
        base = root.joinpath(*parts[:count]) if count else None
        for path in (base.with_suffix(".py"), base / "celery.py", base / "__init__.py") if base else ():
            if is_file(path):
                return path
    return None


def held_defaults(project: Project, service: Service) -> Iterator[tuple[Path, SettingDefault, dict[str, str]]]:
    """(file, default, the service's process environment) for each default or literal setting of the app files
    the service runs (reaching its container) that holds there; nothing for a service that runs no Python
    app doctor can read, or whose required env_file is not written yet."""
    from doctor.project.appenv import image_env
    from doctor.project.appguard import guard_holds
    from doctor.project.python_calls import runs_python

    if not runs_python(project, service) or env_file_missing(service):
        return
    starts = started_app(project, service)
    if starts is None:
        return
    image = image_env(project, service)
    process = {**image, **{n: v.value for n, v in service.environment.items() if v.value is not None}}
    codes = project.code_map(service)
    files = app_files(project, service, image, starts)
    roots = tuple(path for path, fields in files if not fields)
    replaced = project.once(f"replaced-settings:{roots}:{sorted(process.items())}",
                            functools.partial(_replaced, roots, process))
    held = [(path, default) for path, fields in files
            for default in project.once(f"setting-defaults:{path}:{fields}", functools.partial(_defaults_of, path,
                                                                                              fields))]
    held += _config_classes(project, service, files, starts, process)
    for path, default in held:
        if codes.to_container(path) is None:
            continue
        key = default.key
        unset = not default.read or not _set(key, default.folded, service.environment, image)
        # Celery reads CELERY_BROKER_URL / CELERY_RESULT_BACKEND from the process before its settings
        celery = {_celery_env(key), _celery_env(default.target)} - {None}
        if not unset or any(k in service.environment or k in image for k in celery) or \
                (str(path), default.statement, default.target) in replaced or \
                _entry_replaced(path, default, replaced) or guard_holds(default.guard, process) is not True:
            continue
        yield path, default, process


def _entry_replaced(path: Path, default: SettingDefault, replaced: frozenset[tuple[str, int, str]]) -> bool:
    """Whether a later statement writes the address of the DATABASES, CACHES or CHANNEL_LAYERS alias whose literal
    `default` is (`DATABASES["default"].update(db_from_env)` after `"HOST": "localhost"`; a channel layer's
    `CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]` is the alias `CHANNEL_LAYERS["default"]`'s)."""
    if not default.entry:
        return False
    alias = default.key.partition("]")[0] + "]"
    return any((str(path), default.statement, scope) in replaced for scope in (alias, f"{default.target}[*]"))
