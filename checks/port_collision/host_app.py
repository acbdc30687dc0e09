"""A host env file that sets a host app's own listen port: its `localhost:<port>` values are its own.

litestar-fullstack's README has the developer `cp .env.local.example .env` at the top of the checkout
and run the app on the host (`app run`): that `.env` sets `LITESTAR_PORT=8000` and
`APP_URL=http://localhost:8000`, the host app's own address, while the compose stack in
`tools/deploy/docker` reads its own env files. When `fix --ports` moves the container's 8000, those
values are not addresses a host program dials on the container: they stay, unnamed but for one note.
A file compose reads itself (its `.env`, a service's `env_file`) is no host app's own config: there
`PORT` is what the stack publishes or listens on, and its addresses follow as before.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

# where an app itself listens: PORT, an APP_/SERVER_/HTTP_ port, a dev server's or framework's own
# (LITESTAR_PORT, UVICORN_PORT, DJANGO_PORT, VITE_PORT); never a peer it dials (DATABASE_PORT,
# EMAIL_SMTP_PORT, API_PORT, BACKEND_PORT), which names the stack's port, not its own
_OWN_PORT = lazy(r"^(?:PORT|(?:\w+_)?(?:APP|SERVER|WEBSERVER|HTTPS?|WEB|LISTEN|BIND|DEV|LITESTAR|UVICORN|GUNICORN|"
                 r"HYPERCORN|GRANIAN|DAPHNE|DJANGO|FLASK|FASTAPI|QUART|SANIC|STARLETTE|AIOHTTP|RAILS|PUMA|NEXT|"
                 r"NUXT|VITE|NODE|EXPRESS|NEST)_PORT)$", re.IGNORECASE)
_PEER = lazy(r"(?:^|_)(?:DB|DATABASE|PG|POSTGRES\w*|MYSQL|MARIADB|REDIS|VALKEY|MONGO\w*|RABBITMQ|AMQP|BROKER|"
             r"CACHE|MEMCACHED?|ELASTIC\w*|OPENSEARCH|KAFKA|SMTP|MAIL|EMAIL|API|BACKEND|PROXY|UPSTREAM|TARGET|"
             r"REMOTE)(?:_|$)", re.IGNORECASE)


def own_port_key(key: str) -> bool:
    """Whether `key` names the port an app itself listens on (`LITESTAR_PORT`), not a peer's."""
    return bool(_OWN_PORT.match(key)) and not _PEER.search(key)


def compose_reads(project: Project) -> frozenset[Path]:
    """The env files compose reads itself: the interpolation files (`.env`) and every service's env_file."""
    paths = [*project.interpolation_files, *(path for service in project.services.values()
                                              for path in service.env_files)]
    return frozenset(Path(os.path.realpath(path)) for path in paths)


def host_app_port(project: Project, path: Path, old: int, read: frozenset[Path]) -> tuple[str, int] | None:
    """The key and line where `path`, an env file compose does not read (`read`), sets a host app's
    own listen port to `old` (`LITESTAR_PORT=8000`); None when it sets none."""
    if Path(os.path.realpath(path)) in read:
        return None
    found = project.env_file(path)
    for entry in found.entries if found is not None else ():
        if own_port_key(entry.key) and entry.value.strip() == str(old):
            return entry.key, entry.line
    return None
