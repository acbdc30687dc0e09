"""The `.env` files a Symfony app loads in its container, read with symfony/dotenv's rules (never run).

A Symfony app is a folder holding `bin/console` or `public/index.php` beside a composer.json
requiring symfony/dotenv: its front controllers boot through symfony/runtime (or the older
config/bootstrap.php), which calls Dotenv::bootEnv on the folder's `.env`. A service that runs PHP
(laravel_env.runs_php: dunglas/symfony-docker's `php` on dunglas/frankenphp) and gets that folder
from the host (its `./:/app` bind, or a COPY) loads, in order, `.env`, `.env.local` (not under
APP_ENV=test), `.env.$APP_ENV` and `.env.$APP_ENV.local`, a later file's key over an earlier one's;
none once `composer dump-env` wrote `.env.local.php`. A variable the process already holds
(compose's environment, the image's ENV) stays. APP_ENV is the process's, else the files' (`dev`
by default). The line rules are phpdotenv's as laravel_env reads them; a value still holding `$`
(symfony/dotenv expands `$VAR` and runs `$(command)`) is left out: doctor cannot tell it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.model import Location
from doctor.project.codepaths import CodeMap
from doctor.project.laravel_env import composer_requires, php_view, runs_php
from doctor.project.reading import is_dir, is_file
from doctor.project.types import Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def is_symfony_app(folder: Path) -> bool:
    """Whether the folder is a Symfony app's root: `bin/console` or `public/index.php` beside a
    composer.json requiring symfony/dotenv."""
    return (is_file(folder / "bin" / "console") or is_file(folder / "public" / "index.php")) and composer_requires(
        folder, "symfony/dotenv")


def symfony_env(project: Project, service: Service, codes: CodeMap,
                environ: Mapping[str, str]) -> Iterator[tuple[str, str, Location]]:
    """The (key, value, line) the service's Symfony app sets from its `.env` files in the container,
    with `environ` the process environment before it (compose's over the image's ENV)."""
    if not runs_php(project, service):
        return
    folders = [p.host for p in codes.live] + ([codes.context] if codes.context is not None else [])
    for folder in dict.fromkeys(folders):
        if not is_dir(folder) or not is_symfony_app(folder):
            continue
        if is_file(folder / ".env.local.php"):
            return  # `composer dump-env` ran: bootEnv reads that file and never the .env files
        loaded: dict[str, tuple[str, Location]] = {}
        for path in _files(folder, environ):
            inside = codes.to_container(path)
            found = codes.to_host(inside) if inside is not None else None
            if found is None or found[0] != path:
                continue  # the file does not reach the container (or another mount hides it)
            for key, value, line in php_view(path, environ):
                loaded[key] = (value, Location(path, line))
        yield from ((key, value, where) for key, (value, where) in loaded.items() if "$" not in value)
        return


def _files(folder: Path, environ: Mapping[str, str]) -> list[Path]:
    """The files bootEnv loads, in order: `.env`, `.env.local` (not in test), `.env.$APP_ENV`, `.env.$APP_ENV.local`."""
    first = folder / ".env"
    if not is_file(first):
        return []
    env = environ.get("APP_ENV") or next((v for k, v, _ in php_view(first, environ) if k == "APP_ENV"), "dev")
    names = ([] if env == "test" else [".env.local"]) + ([] if env == "local" else [f".env.{env}", f".env.{env}.local"])
    return [first, *(folder / name for name in names if is_file(folder / name))]
