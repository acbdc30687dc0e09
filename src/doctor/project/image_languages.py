"""Which languages' installed packages a service's final image may hold: those its own stage
installs, those a `COPY --from` brings from a builder's virtualenv or node_modules, and none of a
language its base (another runtime, a server, a bare OS) never names."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.manifests import Language

# RUN lines that install a language's dependencies into the image
_INSTALLERS = (
    (Language.NODE, lazy(r"\b(npm|pnpm|yarn|bun)\b[^&;|]*?\b(install|ci|i|add)\b|\byarn\s*($|&&|;)")),
    (Language.PYTHON, lazy(r"\b(pip3?|uv|poetry|pipenv|pdm)\b[^&;|]*?\b(install|sync)\b")),
)


# paths a `COPY --from=builder` brings a language's installed dependencies in by: a builder stage's
# virtualenv, site-packages or ~/.local (pip --user), the python image's /usr/local, node_modules
_CARRIERS = (
    (Language.NODE, lazy(r"(?:^|/)node_modules(?:/|$)")),
    (Language.PYTHON, lazy(r"(?:^|/)(?:\.?venv|\.?virtualenvs?|site-packages|dist-packages|\.local)(?:/|$)"
                           r"|^/usr/local$|/lib/python[0-9.]*(?:/|$)")),
)
# where a stage puts Python packages elsewhere: `python -m venv /opt/app`, `pip install --prefix=/install`,
# `--target`, VIRTUAL_ENV / UV_PROJECT_ENVIRONMENT / PYTHONUSERBASE (`uv sync` without it: WORKDIR/.venv)
_PYTHON_PLACES = lazy(
    r"(?:-m\s+venv|\bvirtualenv|\buv\s+venv)(?:\s+-{1,2}[\w-]+(?:=\S+)?)*\s+(?P<venv>[^\s;&|-][^\s;&|]*)"
    r"|--(?:prefix|target|root)(?:=|\s+)(?P<dir>[^\s;&|]+)"
    r"|\b(?:VIRTUAL_ENV|UV_PROJECT_ENVIRONMENT|PYTHONUSERBASE|PIP_TARGET|PIP_PREFIX)(?:=|\s+)(?P<env>[^\s;&|$]+)")
_UV_SYNC = lazy(r"\buv\s+sync\b")


def _installing_languages(project: Project, path: Path | None, target: str | None = None) -> set[Language] | None:
    """The languages whose dependencies the service's final image may hold: all of them, except one
    that only another stage installs and whose installed packages the final stage does not copy (a
    builder stage whose output alone is copied: its node_modules never reach the final image; its
    virtualenv, copied with `COPY --from=builder /venv /venv`, does). None when there is no
    Dockerfile to read (every manifest counts).
    """
    recipe = project.recipe(path, target) if path is not None else None
    if path is None or recipe is None:
        return None
    from doctor.project.reading import read_regular_text

    final = recipe.runs
    text = read_regular_text(path) or ""
    from doctor.project.env_hosts import image_basename

    base = image_basename(recipe.base)

    def foreign(language: Language) -> bool:
        return base in OTHER_BASES or RUNTIME_BASES.get(base, language) is not language

    return {language for language, pattern in _INSTALLERS
            if any(pattern.search(step.text) for step in final)
            or (not pattern.search(text) and not (foreign(language) and not _MENTIONS[language].search(text)))
            or (recipe.pulled and _carried(language, recipe.pulled, text))}


# base images of another runtime, or a bare OS: a Dockerfile FROM one of them that never names a
# language (its runtime, package manager or package folder) holds none of that language's packages
# (BookStack's `FROM php:8.3-apache` is no home for its package.json scripts)
OTHER_BASES = frozenset({
    "php", "ruby", "golang", "rust", "openjdk", "eclipse-temurin", "amazoncorretto", "elixir", "erlang", "perl",
    "nginx", "httpd", "caddy", "traefik", "alpine", "debian", "ubuntu", "busybox", "fedora", "centos",
    "rockylinux", "almalinux", "amazonlinux", "php-fpm", "composer",
    # databases and servers (mathesar's Dockerfile.devdb, `FROM postgres:${PG_VERSION}` and pgtap: no home for its
    # pytest, where its context `.` made it look like one)
    "postgres", "postgis", "mysql", "mariadb", "mongo", "redis", "valkey", "memcached", "rabbitmq",
    "elasticsearch", "opensearch", "clickhouse-server", "minio", "keycloak", "couchdb", "cassandra", "neo4j",
})
# a language's own runtime images: foreign to the other language (a `FROM node:22-alpine` that
# only runs `pnpm install` holds none of the repo's pyproject.toml packages, a `FROM python:3.12`
# none of its package.json's: django-react-boilerplate builds both from the repo's root)
RUNTIME_BASES = {"node": Language.NODE, "bun": Language.NODE, "python": Language.PYTHON, "pypy": Language.PYTHON}
_MENTIONS = {
    Language.NODE: lazy(r"\b(?:node|nodejs|npm|npx|yarn|pnpm|bun|nvm|volta|fnm|corepack)\b|node_modules"),
    Language.PYTHON: lazy(r"\b(?:python[\d.]*|pip\d*|uvx?|poetry|pipenv|pdm|conda|micromamba|mamba)\b"
                          r"|site-packages|virtualenv|venv\b"),
}


def _carried(language: Language, pulled: Sequence[str], text: str) -> bool:
    """Whether a path the final stage copies from another stage holds `language`'s installed packages."""
    carrier = next(pattern for lang, pattern in _CARRIERS if lang is language)
    sources = [posixpath.normpath(posixpath.join("/", p.strip("\"'"))) for p in pulled]
    if any(carrier.search(source) for source in sources):
        return True
    if language is not Language.PYTHON:
        return False
    places = _python_places(text)
    return any(place == source or place.startswith(source.rstrip("/") + "/") or source.startswith(place + "/")
               for place in places for source in sources)


def _python_places(text: str) -> list[str]:
    """Where the Dockerfile's stages put Python packages besides the usual places (_PYTHON_PLACES)."""
    from doctor.project.dockerfile import parsed_instructions

    places: list[str] = []
    workdir = "/"
    for ins in parsed_instructions(text):
        if ins.keyword == "FROM":
            workdir = "/"
        elif ins.keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, ins.args.strip().strip("\"'")))
        elif ins.keyword in ("RUN", "ENV"):
            body = " ".join((ins.args, *ins.heredocs))
            for match in _PYTHON_PLACES.finditer(body):
                place = (match.group("venv") or match.group("dir") or match.group("env") or "").strip("\"'")
                if place and "$" not in place:
                    places.append(posixpath.normpath(posixpath.join(workdir, place)))
            if ins.keyword == "RUN" and _UV_SYNC.search(body):
                places.append(posixpath.join(workdir, ".venv"))
    return places
