"""leaked-host-port and service-name-drift on the `.env` files a Symfony app loads in its container.

dunglas/symfony-docker (tests/replay/symfony-docker): its entrypoint creates the Symfony skeleton
through the `./:/app` bind, whose front controllers boot through symfony/runtime and Dotenv::bootEnv:
`.env`, `.env.local`, `.env.$APP_ENV`, `.env.$APP_ENV.local`, a variable the process holds winning.
`REDIS_URL=redis://localhost:6379` in .env, read by config/packages/cache.yaml's
`'%env(REDIS_URL)%'` beside a `redis` service, passed preflight: the app dials 'php' itself. And a
`DATABASE_URL` on `postgresserver` there (compose's own DATABASE_URL dropped) named no service
unseen. The skeleton's stock `DATABASE_URL=...@127.0.0.1:5432` stays silent: compose sets
DATABASE_URL, which bootEnv never overrides.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity

UPSTREAM = Path(__file__).parent / "replay" / "symfony-docker"
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")
# what `composer create-project symfony/skeleton` and the recipes of doctrine, cache and redis write
COMPOSER = '{"type": "project", "require": {"php": ">=8.2", "symfony/console": "7.3.*", "symfony/dotenv": "7.3.*",' \
    ' "symfony/framework-bundle": "7.3.*", "symfony/runtime": "7.3.*", "symfony/yaml": "7.3.*"}}\n'
DOTENV = """\
###> symfony/framework-bundle ###
APP_ENV=dev
APP_SECRET=
###< symfony/framework-bundle ###

###> doctrine/doctrine-bundle ###
DATABASE_URL="postgresql://app:!ChangeMe!@127.0.0.1:5432/app?serverVersion=16&charset=utf8"
###< doctrine/doctrine-bundle ###

REDIS_URL=redis://redis:6379
"""
CACHE = "framework:\n    cache:\n        app: cache.adapter.redis\n        default_redis_provider: '%env(REDIS_URL)%'\n"
DOCTRINE = "doctrine:\n    dbal:\n        url: '%env(resolve:DATABASE_URL)%'\n"
REDIS = "  redis:\n    image: redis:7\n    expose: [\"6379\"]\n  database:\n    image: postgres:16\n"


def _app(root: Path, dotenv: dict[str, str] | None = None, compose_url: bool = True,
         files: dict[str, str] | None = None) -> Path:
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / "composer.json").write_text(COMPOSER)
    (root / "bin").mkdir()
    (root / "bin" / "console").write_text("#!/usr/bin/env php\n<?php\n")
    (root / "config" / "packages").mkdir(parents=True)
    (root / "config" / "packages" / "cache.yaml").write_text(CACHE)
    (root / "config" / "packages" / "doctrine.yaml").write_text(DOCTRINE)
    text = DOTENV
    for old, new in (dotenv or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    (root / ".env").write_text(text)
    override = root / "compose.override.yaml"
    override.write_text(override.read_text().replace("    tty: true\n", "    tty: true\n    depends_on: [redis]\n")
                        + REDIS)
    if not compose_url:
        compose = root / "compose.yaml"
        lines = compose.read_text().splitlines(keepends=True)
        compose.write_text("".join(line for line in lines if not line.startswith("      DATABASE_URL:")))
    for name, content in (files or {}).items():
        (root / name).write_text(content)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _shown(root: Path) -> list[tuple[str, str, int | None, str]]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    report = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=CHECKS, env=env),
                       load_registry()).report
    found: list[Finding] = [f for f in report.findings if f.check in CHECKS and f.severity is not Severity.INFO]
    return [(f.check, f.location.path.relative_to(root).as_posix() if f.location else "",
             f.location.line if f.location else None, f.message) for f in found]


def test_the_skeletons_env_with_compose_setting_database_url_gives_nothing(tmp_path: Path) -> None:
    assert _shown(_app(tmp_path / "app")) == []


def test_redis_url_on_localhost_in_dotenv_dials_the_php_container(tmp_path: Path) -> None:
    root = _app(tmp_path / "app", {"REDIS_URL=redis://redis:6379": "REDIS_URL=redis://localhost:6379"})
    assert _shown(root) == [("leaked-host-port", ".env", 10, "REDIS_URL host 'localhost' is 'php' itself in its "
                             "container (did you mean 'redis'?): 'php' reads REDIS_URL in config/packages/cache.yaml")]


def test_database_url_naming_no_service_is_service_name_drift(tmp_path: Path) -> None:
    root = _app(tmp_path / "app", {"!ChangeMe!@127.0.0.1": "pw@postgresserver"}, compose_url=False)
    assert _shown(root) == [("service-name-drift", ".env", 7,
                             "DATABASE_URL host 'postgresserver' names no service on the network "
                             "(did you mean 'database'?)")]


def test_a_later_file_of_bootenv_wins(tmp_path: Path) -> None:
    """.env.local, then .env.dev (APP_ENV=dev from compose.override.yaml), then .env.dev.local."""
    bad = {"REDIS_URL=redis://redis:6379": "REDIS_URL=redis://localhost:6379"}
    fixed = _app(tmp_path / "a", bad, files={".env.dev.local": "REDIS_URL=redis://redis:6379\n"})
    assert _shown(fixed) == []
    broken = _app(tmp_path / "b", files={".env.local": "REDIS_URL=redis://127.0.0.1:6379\n"})
    assert [(f, line) for _, f, line, _ in _shown(broken)] == [(".env.local", 1)]


def test_no_dotenv_is_read_after_dump_env_or_without_symfony_dotenv_or_with_an_unknown_value(tmp_path: Path) -> None:
    bad = {"REDIS_URL=redis://redis:6379": "REDIS_URL=redis://localhost:6379"}
    assert _shown(_app(tmp_path / "a", bad, files={".env.local.php": "<?php return [];\n"})) == []
    assert _shown(_app(tmp_path / "b", bad, files={"composer.json": '{"require": {"symfony/console": "7.3.*"}}'})) == []
    assert _shown(_app(tmp_path / "c", {"REDIS_URL=redis://redis:6379": "REDIS_URL=redis://$REDIS_HOST:6379"})) == []


def test_the_routing_recipes_default_uri_is_a_page_not_a_dial(tmp_path: Path) -> None:
    """symfony/routing's recipe writes `DEFAULT_URI=http://localhost` (routing.yaml's `default_uri:
    '%env(DEFAULT_URI)%'`): the base of the links a console command generates, opened in a browser. Behind
    nginx (php-fpm publishing nothing), it was taken for the php container dialing itself ('did you mean
    nginx?'), with a fix that would break those links."""
    root = tmp_path / "app"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "console").write_text("#!/usr/bin/env php\n<?php\n")
    (root / "public").mkdir()
    (root / "public" / "index.php").write_text("<?php\n")
    (root / "composer.json").write_text(COMPOSER)
    (root / "config" / "packages").mkdir(parents=True)
    (root / "config" / "packages" / "routing.yaml").write_text(
        "framework:\n    router:\n        default_uri: '%env(DEFAULT_URI)%'\n")
    (root / ".env").write_text("APP_ENV=dev\nAPP_SECRET=\n###> symfony/routing ###\nDEFAULT_URI=http://localhost\n")
    (root / "compose.yaml").write_text("services:\n  php:\n    image: php:8.3-fpm\n    volumes: [\"./:/app\"]\n"
                                       "    working_dir: /app\n  nginx:\n    image: nginx\n    ports: [\"80:80\"]\n"
                                       "    depends_on: [php]\n")
    assert _shown(root) == []
