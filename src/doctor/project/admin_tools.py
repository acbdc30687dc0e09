"""A database's admin UI run from its published image, and the environment keys it reads.

pgAdmin, Adminer, phpMyAdmin, mongo-express, Redis Commander and RedisInsight are told where
their server is by their own settings (`PGADMIN_*` and its servers.json, `ADMINER_DEFAULT_SERVER`,
`PMA_HOST`, `ME_CONFIG_MONGODB_SERVER`, `REDIS_HOSTS`, `RI_*`). A project-wide `.env` such a
service loads for its login (awesome-nest-boilerplate's pgadmin: `env_file: .env` for
PGADMIN_DEFAULT_EMAIL, `links: [postgres]`) also hands it the app's `DB_HOST=127.0.0.1`,
written for the host, which the tool never reads: it dials nothing with it.
"""

from __future__ import annotations

from doctor.project.env_hosts import image_basename
from doctor.project.types import Service

# the image's own name -> the prefixes of the keys its start script or program reads (their docs)
_KEYS: dict[str, tuple[str, ...]] = {
    "pgadmin4": ("PGADMIN_",),
    "adminer": ("ADMINER_",),
    "phpmyadmin": ("PMA_", "MYSQL_"),
    "mongo-express": ("ME_CONFIG_",),
    "redis-commander": ("REDIS_", "SENTINEL_"),
    "redisinsight": ("RI_",),
}


def admin_ignores(service: Service, name: str) -> bool:
    """Whether the service runs a database admin UI's published image as it comes (no build, its
    own entrypoint) whose settings do not include the variable `name`."""
    if service.build is not None or service.entrypoint is not None or not service.image:
        return False
    prefixes = _KEYS.get(image_basename(service.image))
    return prefixes is not None and not name.upper().startswith(prefixes)
