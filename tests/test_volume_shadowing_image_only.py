"""volume-shadowing: a service with no build, on the image another service builds, is judged with
that build's recipe.

- python/pythondotorg: `worker` (docker-compose.yml:39-48) runs `image: pythondotorg:docker-compose`,
  which `web` builds, with the same `.:/code` bind over the image's /code/.venv (`uv sync`), and
  runs `uv run celery ...`; only `web` was reported.
- pypi/warehouse: `web` and `tests` merge `base`'s `*base_volumes` (`.:/opt/warehouse/src`, over
  the static/dist a `COPY --from=static` fills) on `warehouse:docker-compose`, which `base` builds;
  only `base` was named. `worker` lists the same mounts on lines of its own. The named
  `node_modules` volume in both lists is one volume: one note naming every service using it.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

PYTHONDOTORG = """\
services:
  web:
    build: .
    image: pythondotorg:docker-compose
    command: uv run python manage.py runserver 0.0.0.0:8000
    volumes:
      - .:/code
  worker:
    image: {worker_image}
    command: uv run celery -A pydotorg worker -B -l INFO
    volumes:
      - .:/code
"""
PYTHONDOTORG_DOCKERFILE = """\
FROM python:3.14.7-bookworm
RUN mkdir /code
WORKDIR /code
COPY pyproject.toml uv.lock /code/
RUN uv sync --frozen --no-editable --no-install-project
COPY . /code/
"""
WAREHOUSE = """\
volumes:
  node_modules:
services:
  base:
    build:
      context: .
    image: warehouse:docker-compose
    volumes: &base_volumes
      - .:/opt/warehouse/src:z
      - node_modules:/opt/warehouse/src/node_modules
  web:
    image: warehouse:docker-compose
    pull_policy: never
    volumes: *base_volumes
  tests:
    image: warehouse:docker-compose
    pull_policy: never
    volumes: *base_volumes
  worker:
    image: warehouse:docker-compose
    pull_policy: never
    volumes:
      - .:/opt/warehouse/src:z
      - node_modules:/opt/warehouse/src/node_modules
"""
WAREHOUSE_DOCKERFILE = """\
FROM node:24.4.1-bookworm AS static
WORKDIR /opt/warehouse/src/
COPY package.json package-lock.json /opt/warehouse/src/
RUN npm ci
RUN npm run build
FROM python:3.13.5-slim-bookworm AS build
FROM python:3.13.5-slim-bookworm
WORKDIR /opt/warehouse/src/
COPY --from=static /opt/warehouse/src/warehouse/static/dist/ /opt/warehouse/src/warehouse/static/dist/
"""


def _findings(root: Path) -> list:  # type: ignore[type-arg]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env, cwd=root))
    return list(VolumeShadowing().run(project, Host(env=env, timeout=1.0)))


def _project(root: Path, compose: str, dockerfile: str) -> Path:
    root.mkdir()
    (root / "docker-compose.yml").write_text(compose)
    (root / "Dockerfile").write_text(dockerfile)
    return root


def test_pythondotorg_worker_on_webs_image_is_reported_like_web(tmp_path: Path) -> None:
    root = _project(tmp_path / "pythondotorg", PYTHONDOTORG.format(worker_image="pythondotorg:docker-compose"),
                    PYTHONDOTORG_DOCKERFILE)
    found = sorted((f.location.line, f.message) for f in _findings(root) if f.location is not None)
    assert found == [
        (7, "'web' bind .:/code hides /code/.venv (uv sync, Dockerfile:5)"),
        (12, "'worker' bind .:/code hides /code/.venv (uv sync, Dockerfile:5)"),
    ]


def test_an_image_only_service_on_another_image_is_not_judged(tmp_path: Path) -> None:
    root = _project(tmp_path / "pythondotorg", PYTHONDOTORG.format(worker_image="pythondotorg:other-tag"),
                    PYTHONDOTORG_DOCKERFILE)
    assert [f.subject for f in _findings(root)] == ["web:/code/.venv"]


def test_warehouse_services_merging_base_volumes_join_bases_finding(tmp_path: Path) -> None:
    root = _project(tmp_path / "warehouse", WAREHOUSE, WAREHOUSE_DOCKERFILE)
    found = {f.subject: f for f in _findings(root)}
    dist = "/opt/warehouse/src/warehouse/static/dist"
    anchor = found[f"base,tests,web:{dist}"]
    assert anchor.location is not None and anchor.location.line == 9
    assert anchor.message.startswith(f"'base', 'tests', 'web' bind .:/opt/warehouse/src hides {dist}")
    assert anchor.severity is Severity.INFO  # a stage's output: a note
    assert found[f"worker:{dist}"].location.line == 23  # type: ignore[union-attr]
    # one named volume, mounted on two lines: one note naming its four users
    modules = [f for f in found.values() if f.subject.endswith(":/opt/warehouse/src/node_modules")]
    assert [(f.subject, f.message) for f in modules] == [(
        "base,tests,web,worker:/opt/warehouse/src/node_modules",
        "'base', 'tests', 'web', 'worker': volume 'node_modules' over /opt/warehouse/src/node_modules "
        "keeps its first content after image rebuilds")]
    fix = modules[0].fix
    assert fix is not None and "docker compose down base tests web worker" in fix.title
