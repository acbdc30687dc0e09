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
(celery, gunicorn, uvicorn, daphne, hypercorn, `fastapi run`, `flask run`, uwsgi, manage.py); the file is the
Django settings module the service loads (its DJANGO_SETTINGS_MODULE, else manage.py's or the WSGI module's
default: gunicorn's `hc.wsgi`, uwsgi.ini's `module = hc.wsgi:application`), one its star imports reach, or the
module `celery -A`/`--app` names, or the config class (with its bases) a Flask app loads with
`app.config.from_object(os.getenv("APP_SETTINGS"))`, its literals rewritten in place; the file reaches the
container (a bind or a COPY);
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

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Check, Edit, Finding, Fix, Location, Safety, record, service_names
from doctor.project import Project
from doctor.project.env_hosts import BROWSER_SCHEMES, HostRef, host_refs, is_browser_key
from doctor.project.service_network import NetworkIndex, listen_ports, namespace_owner

from .localhost_dials import _rewrite

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.setting_defaults import SettingDefault


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
    literal: bool = False  # a Django DATABASES/CACHES/CHANNEL_LAYERS entry's plain string: rewritten on its line


def code_defaults(project: Project, index: NetworkIndex) -> Iterator[CodeDefault]:
    """One CodeDefault per source line, naming every service that runs it with the key unset."""
    from doctor.project.app_settings import held_defaults

    found: dict[tuple[Path, int, int, str, str, bool, bool], tuple[HostRef, dict[str, tuple[str, int]]]] = {}
    model = project.app_compose
    published = index.published
    for service in model.services.values():
        owner = namespace_owner(model, service)
        view = index.view(service)
        if owner is None or view is None:
            continue
        own = listen_ports(owner)
        for path, default, process in held_defaults(project, service):
            line, column, key, value = default.line, default.column, default.key, default.value
            for ref in _refs(default):
                port = ref.expected_port(process)
                if not ref.is_local or port is None or port in own:
                    continue
                if (ref.scheme or "").lower() in BROWSER_SCHEMES and (is_browser_key(key) or port in published):
                    continue  # a page the developer opens (SITE_URL="http://localhost:8000"), not a dial
                listener = view.listener(port, service.name, service.depends_on)
                if listener is not None:
                    at = (path, line, column, key, value, default.read, default.entry)
                    found.setdefault(at, (ref, {}))[1][service.name] = listener
    for (path, line, column, key, value, read, entry), (ref, readers) in found.items():
        # one line names one peer, the one most of its readers find (as for a shared .env line)
        peers = Counter(readers.values())
        peer, port = max(peers, key=lambda p: peers[p])
        yield CodeDefault(Location(path, line, column), key, value, ref, peer, port, tuple(readers), read, entry)


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
            written = value if "://" in dial.value else dial.peer  # a DATABASES "HOST" holds the host alone
            edit = literal_edit(dial.location, dial.value, written) if dial.literal else None
            advice = Fix(f"write '{written}' in place of '{dial.value}' in {dial.key}", Safety.UNSAFE, (edit,)) \
                if edit is not None else \
                Fix(f"make {dial.key} dial {dial.peer}:{dial.port}, or read it from a variable compose sets "
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


def _refs(default: SettingDefault) -> list[HostRef]:
    """The hosts a default names: a Django DATABASES entry's "HOST" with its port, else what host_refs reads."""
    if default.port is not None and "://" not in default.value:
        return [HostRef(default.key, default.value, default.port)]
    return list(host_refs(default.key, default.value))


def literal_edit(at: Location, old: str, new: str) -> Edit | None:
    """The string literal `old` that starts at `at` (its quote's line and column) written `new`; None where the
    code there is no plain literal of it (an escape, a prefix, a concatenation)."""
    from doctor.project.edits import line_text

    text = line_text(at.path, at.line)
    if text is None or at.column is None or any(c in new for c in "\\\"'"):
        return None
    start = len(text.encode()[:at.column - 1].decode(errors="ignore"))  # ast's columns count UTF-8 bytes
    quote = text[start:start + 1]
    if quote not in ("'", '"') or text[start + 1:start + 1 + len(old) + 1] != old + quote:
        return None
    return Edit(at.path, text, text[:start + 1] + new + text[start + 1 + len(old):], at.line)


