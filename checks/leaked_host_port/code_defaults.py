"""leaked-host-port (8): a Python app's own localhost default, read in its container.

A settings module written for running on the host holds `REDIS_URL = env("REDIS_URL",
default="redis://localhost:6379/0")` (cookiecutter-django rendered without Docker) or
`CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")`, or writes it
as a literal setting (`celery.conf.broker_url = "redis://localhost:6379/0"`: no variable changes it), or as
a pydantic-settings field's default (`redis_url: str = "redis://localhost:6379/0"` in a Settings class its
module builds, read in the modules the app imports: doctor.project.settings_fields). In a
container that runs the app, with nothing setting the key, the default is what the app dials:
itself. Judged only where all of these hold, since settings modules often keep such defaults for
the host: the service runs Python and its command, entrypoint or the scripts they run start the app
(celery, gunicorn, uvicorn, daphne, hypercorn, `fastapi run`, uwsgi, manage.py); the file is the Django settings module
the service loads (its DJANGO_SETTINGS_MODULE, else manage.py's or the WSGI module's default: gunicorn's
`hc.wsgi`, uwsgi.ini's `module = hc.wsgi:application`), one its star imports
reach, or the module `celery -A`/`--app` names; the file reaches the container (a bind or a COPY);
compose's environment (its env_files and the `.env` the app loads included) and the image's ENV set
no value for the key, every env_file compose requires being there (a `.env` not yet copied from its
template may set it); no later assignment of the name replaces it as the settings load (the module's own, or
one in a module that star-imports it, outside the `else` of its `if`); Celery's broker and result backend
settings give way to the CELERY_BROKER_URL and CELERY_RESULT_BACKEND it reads from the process first; and a
peer, not the service, listens on the port the default dials. An http URL
is judged only under a key that names no page (SITE_URL, *_BASE_URL, PUBLIC_*) and on a port the
project does not publish: `SITE_URL = env("SITE_URL", default="http://localhost:8000")` is the
address of the site's links, opened in the developer's browser.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Location, Safety, record, service_names
from doctor.project import Project
from doctor.project.env_hosts import BROWSER_SCHEMES, HostRef, host_refs, is_browser_key
from doctor.project.reading import read_regular_text
from doctor.project.service_network import NetworkIndex, listen_ports, namespace_owner
from doctor.project.types import Service

from .localhost_dials import _rewrite

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.setting_defaults import SettingDefault

_STARTS_APP = lazy(r"(?<![\w.-])(?:celery|gunicorn|uvicorn|daphne|hypercorn|uwsgi|manage\.py|fastapi\s+(?:run|dev))"
                   r"(?![\w-])")
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


@record
class CodeDefault:
    """A key's localhost default at `location` that `services` read, where `peer` listens on `port`."""

    location: Location
    key: str
    value: str
    ref: HostRef
    peer: str
    port: int
    services: tuple[str, ...]
    read: bool = True  # False: a literal setting (`broker_url = "redis://localhost:6379/0"`), no variable


def code_defaults(project: Project, index: NetworkIndex) -> Iterator[CodeDefault]:
    """One CodeDefault per source line, naming every service that runs it with the key unset."""
    from doctor.project.appenv import image_env
    from doctor.project.appguard import guard_holds
    from doctor.project.python_calls import runs_python

    found: dict[tuple[Path, int, int, str, str, bool], tuple[HostRef, dict[str, tuple[str, int]]]] = {}
    model = project.app_compose
    published = index.published
    for service in model.services.values():
        owner = namespace_owner(model, service)
        view = index.view(service)
        if owner is None or view is None or not runs_python(project, service) or _env_file_missing(service):
            continue
        starts = _started_app(project, service)
        if starts is None:
            continue
        image = image_env(project, service)
        own = listen_ports(owner)
        process = {**image, **{n: v.value for n, v in service.environment.items() if v.value is not None}}
        codes = project.code_map(service)
        files = _app_files(project, service, image, starts)
        roots = tuple(path for path, fields in files if not fields)
        replaced = project.once(f"replaced-settings:{roots}:{sorted(process.items())}",
                                functools.partial(_replaced, roots, process))
        for path, fields in files:
            if codes.to_container(path) is None:
                continue
            for default in project.once(f"setting-defaults:{path}:{fields}", functools.partial(_defaults_of, path,
                                                                                              fields)):
                line, column, key, value = default.line, default.column, default.key, default.value
                unset = not default.read or not _set(key, default.folded, service.environment, image)
                # Celery reads CELERY_BROKER_URL / CELERY_RESULT_BACKEND from the process before its settings
                celery = {_celery_env(key), _celery_env(default.target)} - {None}
                if not unset or any(k in service.environment or k in image for k in celery) or \
                        (str(path), default.statement, default.target) in replaced or \
                        guard_holds(default.guard, process) is not True:
                    continue
                for ref in host_refs(key, value):
                    port = ref.expected_port(process)
                    if not ref.is_local or port is None or port in own:
                        continue
                    if (ref.scheme or "").lower() in BROWSER_SCHEMES and (is_browser_key(key) or port in published):
                        continue  # a page the developer opens (SITE_URL="http://localhost:8000"), not a dial
                    listener = view.listener(port, service.name, service.depends_on)
                    if listener is not None:
                        at = (path, line, column, key, value, default.read)
                        found.setdefault(at, (ref, {}))[1][service.name] = listener
    for (path, line, column, key, value, read), (ref, readers) in found.items():
        # one line names one peer, the one most of its readers find (as for a shared .env line)
        peers = Counter(readers.values())
        peer, port = max(peers, key=lambda p: peers[p])
        yield CodeDefault(Location(path, line, column), key, value, ref, peer, port, tuple(readers), read)


def code_default_findings(check: Check, project: Project, index: NetworkIndex) -> Iterator[Finding]:
    """(8) as findings at the default's line; the fix is advice: compose's value, or the default's host."""
    from .rails_literals import rails_literal_hosts

    for dial in (*code_defaults(project, index), *rails_literal_hosts(project, index)):
        names = list(dial.services)
        where = f"'{names[0]}' itself in its container" if len(names) == 1 else (
            f"each container itself in {', '.join(repr(n) for n in names[:-1])} and {names[-1]!r}"
            if len(names) <= 4 else f"each container itself in {service_names(names)}")
        local = f"{dial.ref.host}:{dial.ref.port}" if dial.ref.port is not None else dial.ref.host
        value = _rewrite(dial.value, dial.ref, dial.peer, dial.port)
        if not dial.read:
            message = (f"{dial.key} is {local} here, which is {where} (did you mean '{dial.peer}'?): "
                       f"{service_names(names)} {'runs' if len(names) == 1 else 'run'} this code")
            advice = Fix(f"make {dial.key} dial {dial.peer}:{dial.port}, or read it from a variable compose sets "
                         "for the containers", Safety.ADVICE)
        else:
            message = (f"{dial.key} defaults to {local} here, which is {where} (did you mean '{dial.peer}'?): "
                       f"compose sets no {dial.key} for {service_names(names)}, "
                       f"which {'runs' if len(names) == 1 else 'run'} this code")
            set_it = (f"set {dial.key} for {service_names(names)} in compose's environment, with "
                      f"{dial.peer}:{dial.port} in place of {local}" if dial.ref.has_password else
                      f"set {dial.key}={value} for {service_names(names)} in compose's environment")
            advice = Fix(f"{set_it}, or make the default dial {dial.peer}:{dial.port}", Safety.ADVICE)
        yield check.finding(message, dial.location, f"{','.join(sorted(names))}:{dial.key}:default", advice)


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


def _env_file_missing(service: Service) -> bool:
    """Whether an env_file compose requires is not written yet (bookwyrm's `.env`, copied from
    .env.example, which sets REDIS_ACTIVITY_HOST=redis_activity): the environment is not known."""
    return any(not path.is_file() for path in service.env_files if path not in service.optional_env_files)


def _started_app(project: Project, service: Service) -> str | None:
    """The words the service runs (its command, entrypoint and the scripts they run), where they start
    a Python app server or worker; None where they start none doctor can read."""
    from doctor.project.shipped import run_words, script_finder

    words = run_words(project, service)
    texts = [" ".join(words)] + [read_regular_text(path, MAX_BYTES) or "" for path, _ in
                                 script_finder(project).run_by(service)] if words else []
    text = "\n".join(texts)
    return text if _STARTS_APP.search(text) else None


def _app_files(project: Project, service: Service, image: dict[str, str], starts: str) -> tuple[tuple[Path, bool], ...]:
    """The Django settings module the service loads with the modules its star imports reach, and the
    module `celery -A`, the server or `fastapi run` names, under the folder the service runs in; then the
    project modules those import, read for their settings classes alone (True)."""
    from doctor.project.import_closure import imported_files
    from doctor.project.star_imports import settings_module, star_closure
    from doctor.project.wsgi_modules import uwsgi_modules, wsgi_settings_default

    dockerfile = project.dockerfile(service)
    workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
    mapped = project.code_map(service).to_host(workdir) if workdir else None
    root = mapped[0] if mapped is not None else project.root
    module = settings_module(service, image, [root] if "manage.py" in starts or "celery" in starts else [])
    served_modules = [*(m[1] for m in _APP_MODULE.finditer(starts)), *uwsgi_modules(starts, project.code_map(service))]
    if "DJANGO_SETTINGS_MODULE" not in service.environment and "DJANGO_SETTINGS_MODULE" not in image:
        # `gunicorn hc.wsgi`, uwsgi.ini's `module = hc.wsgi:application`: wsgi.py's setdefault names the settings
        served_modules += [d for d in (wsgi_settings_default(p) for p in (_module_file(root, n) for n in served_modules)
                                       if p is not None) if d]
    names = tuple(dict.fromkeys([module, *served_modules]))
    served = tuple(_fastapi_file(root, m[1]) for m in _FASTAPI.finditer(starts))

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


def _replaced(roots: tuple[Path, ...], process: Mapping[str, str]) -> frozenset[tuple[str, int, str]]:
    """(file, line, NAME) of each module-level assignment a later one replaces as a root module loads:
    its statements in order, a star-imported module's in the place of its import (a Django layout's
    base.py `CELERY_BROKER_URL = "redis://localhost:6379/0"`, then docker.py's `from .base import *` and
    its own `CELERY_BROKER_URL = "redis://redis:6379/0"`: base.py's never holds). Each root on its own; a later
    assignment under an `if` false in the service's environment (`process`) replaces nothing."""
    replaced: set[tuple[str, int, str]] = set()
    for root in roots:
        events: list[tuple[str, int, str, Branch]] = []
        _load(str(root), 0, set(), events, process)
        by_name: dict[str, list[tuple[str, int, str, Branch]]] = {}
        for event in events:
            by_name.setdefault(event[2], []).append(event)
        for assigned in by_name.values():  # a name is assigned a few times at most
            for at, (file, line, name, branch) in enumerate(assigned):
                if any(f != file or not _exclusive(branch, b) for f, _, _, b in assigned[at + 1:]):
                    replaced.add((file, line, name))
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
        if file.is_dir():
            file = file / "main.py" if (file / "main.py").is_file() else file / "__init__.py"
        if file.suffix == ".py" and file.is_file():
            return file
    return None


def _module_file(root: Path, name: str) -> Path | None:
    """The file of a dotted module under `root`: `proj.settings` (proj/settings.py), a package's
    celery.py or __init__.py (`celery -A proj`), or the module of an attribute (`-A worker.celery`,
    worker.py's `celery` app)."""
    parts = name.split(".") if name else []
    for count in (len(parts), len(parts) - 1) if len(parts) > 1 else (len(parts),):
        base = root.joinpath(*parts[:count]) if count else None
        for path in (base.with_suffix(".py"), base / "celery.py", base / "__init__.py") if base else ():
            if path.is_file():
                return path
    return None
