"""leaked-host-port's readers of a Laravel app's `.env`: the php-fpm service, not the nginx that serves the folder.

A project in the shape of aschmelyun/docker-compose-laravel (58f2568, MIT, Andrew Schmelyun; its compose and
Dockerfiles trimmed here): 'app' is built `FROM nginx:stable-alpine`, whose RUN lines add a `laravel` user, and
binds ./src at /var/www/html, handing `.php` to `fastcgi_pass php:9000`; 'php' runs php-fpm on the same folder.
With `DB_HOST=127.0.0.1` in src/.env, doctor said `'app' reads DB_HOST in src/config/database.php` and its fix
set DB_HOST=mysql for 'app' too: nginx was taken for a PHP runtime by its `laravel` user. Now only 'php' and
the other PHP services read it, and the fix writes to them alone.
"""

from __future__ import annotations

from pathlib import Path

from replay_found import HOST_ENV, found

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

CHECKS = ("leaked-host-port", "service-name-drift")
COMPOSE = """\
networks:
  laravel:

services:
  app:
    build:
      context: ./dockerfiles
      dockerfile: nginx.dockerfile
      args:
        - UID=${UID:-1000}
        - GID=${GID:-1000}
    ports:
      - "80:80"
    volumes:
      - ./src:/var/www/html:delegated
    depends_on:
      - php
      - redis
      - mysql
    networks:
      - laravel

  mysql:
    image: mariadb:10.6
    ports:
      - "3306:3306"
    environment:
      MYSQL_DATABASE: homestead
      MYSQL_USER: homestead
      MYSQL_PASSWORD: secret
      MYSQL_ROOT_PASSWORD: secret
    networks:
      - laravel

  php:
    build:
      context: ./dockerfiles
      dockerfile: php.dockerfile
      args:
        - UID=${UID:-1000}
        - GID=${GID:-1000}
    ports:
      - "9000:9000"
    volumes:
      - ./src:/var/www/html:delegated
    networks:
      - laravel

  redis:
    image: redis:alpine
    ports:
      - "6379:6379"
    networks:
      - laravel
"""
NGINX_DOCKERFILE = """\
FROM nginx:stable-alpine

ARG UID
ARG GID

ENV UID=${UID}
ENV GID=${GID}

RUN delgroup dialout

RUN addgroup -g ${GID} --system laravel
RUN adduser -G laravel --system -D -s /bin/sh -u ${UID} laravel
RUN sed -i "s/user  nginx/user laravel/g" /etc/nginx/nginx.conf

ADD ./nginx/default.conf /etc/nginx/conf.d/

RUN mkdir -p /var/www/html
"""
NGINX_CONF = """\
server {
    listen 80;
    index index.php index.html;
    root /var/www/html/public;

    location ~ \\.php$ {
        fastcgi_pass php:9000;
        include fastcgi_params;
    }
}
"""
PHP_DOCKERFILE = """\
FROM php:8-fpm-alpine

ARG UID
ARG GID

RUN mkdir -p /var/www/html
WORKDIR /var/www/html

RUN addgroup -g ${GID} --system laravel
RUN adduser -G laravel --system -D -s /bin/sh -u ${UID} laravel

RUN docker-php-ext-install pdo pdo_mysql

USER laravel

CMD ["php-fpm", "-y", "/usr/local/etc/php-fpm.conf", "-R"]
"""
DATABASE_PHP = ("<?php\nreturn ['connections' => ['mysql' => ['host' => env('DB_HOST', '127.0.0.1'), "
                "'port' => env('DB_PORT', '3306')]],\n    'redis' => ['default' => ['host' => env('REDIS_HOST', "
                "'127.0.0.1')]]];\n")
ENV_FILE = "APP_NAME=Laravel\nDB_CONNECTION=mysql\nDB_HOST=mysql\nDB_PORT=3306\nREDIS_HOST=redis\n"


def _project(root: Path, env: str = ENV_FILE, nginx: str = NGINX_DOCKERFILE) -> Path:
    (root / "dockerfiles" / "nginx").mkdir(parents=True)
    (root / "src" / "config").mkdir(parents=True)
    (root / "src" / "public").mkdir()
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "dockerfiles" / "nginx.dockerfile").write_text(nginx)
    (root / "dockerfiles" / "nginx" / "default.conf").write_text(NGINX_CONF)
    (root / "dockerfiles" / "php.dockerfile").write_text(PHP_DOCKERFILE)
    (root / "src" / "composer.json").write_text('{"require": {"php": "^8.1", "laravel/framework": "^10.10"}}\n')
    (root / "src" / "artisan").write_text('#!/usr/bin/env php\n<?php\nrequire __DIR__."/vendor/autoload.php";\n')
    (root / "src" / "config" / "database.php").write_text(DATABASE_PHP)
    (root / "src" / "public" / "index.php").write_text('<?php\nrequire __DIR__."/../vendor/autoload.php";\n')
    (root / "src" / ".env").write_text(env)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**HOST_ENV, "HOME": str(root)})


def test_php_fpm_reads_the_apps_env_and_takes_the_fix_not_nginx(tmp_path: Path) -> None:
    env = ENV_FILE.replace("DB_HOST=mysql", "DB_HOST=127.0.0.1").replace("REDIS_HOST=redis", "REDIS_HOST=127.0.0.1")
    root = _project(tmp_path / "laravel", env)
    options = _options(root)
    assert found(options, CHECKS) == [
        ("DB_HOST=127.0.0.1 is 'php' itself in its container (did you mean 'mysql'?): 'php' reads DB_HOST in "
         "src/config/database.php", ".env", 3),
        ("REDIS_HOST=127.0.0.1 is 'php' itself in its container (did you mean 'redis'?): 'php' reads REDIS_HOST "
         "in src/config/database.php", ".env", 5)]
    first = fix(FixOptions(project=options, families=frozenset({"env"}), yes=True, env=dict(options.env)),
                load_registry())
    assert [r.title for r in first.results] == [
        "set DB_HOST=mysql for 'php' in a new dev override docker-compose.override.yml",
        "set REDIS_HOST=redis for 'php' in a new dev override docker-compose.override.yml"]
    assert (root / "docker-compose.override.yml").read_text() == (
        "services:\n  php:\n    environment:\n      DB_HOST: mysql\n      REDIS_HOST: redis\n")
    assert found(options, CHECKS) == []


def test_as_cloned_clean_and_an_nginx_that_installs_php_still_reads_it(tmp_path: Path) -> None:
    assert found(_options(_project(tmp_path / "cloned")), CHECKS) == []
    # one image running nginx and php-fpm side by side does read the app's config
    both = NGINX_DOCKERFILE + "RUN apk add --no-cache php82 php82-fpm php82-pdo_mysql\n"
    env = ENV_FILE.replace("DB_HOST=mysql", "DB_HOST=127.0.0.1")
    findings = found(_options(_project(tmp_path / "both", env, both)), CHECKS)
    assert [m for m, _, _ in findings] == [
        "DB_HOST=127.0.0.1 is each container itself in 'app' and 'php' (did you mean 'mysql'?): 'app' reads "
        "DB_HOST in src/config/database.php"]
