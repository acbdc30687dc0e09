"""Where `poetry install` puts its virtualenv, for volume-shadowing's binds.

nsidnev/fastapi-realworld-example-app (trial F2): `poetry config virtualenvs.in-project true &&
poetry install --no-dev` under WORKDIR /app fills /app/.venv, which compose's `.:/app` hides; the
same project with `uv sync` was caught, this one passed. Poetry keeps the venv in the project only
when told so (the config command, POETRY_VIRTUALENVS_IN_PROJECT in ENV, an ARG or the RUN, a
poetry.toml); else it lies under Poetry's cache folder and no bind of the project hides it, and with
`virtualenvs.create false` the packages go to the system site-packages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.project import Project, ProjectOptions
from doctor.project.filled import filled_paths
from doctor.project.recipe import Recipe, Step

CONFIG = "poetry config virtualenvs.in-project true"


@pytest.mark.parametrize(("runs", "env", "expected"), [
    ((f"pip install poetry==1.1 && {CONFIG} && poetry install --no-dev",), {}, [("/app/.venv", "poetry install", 3)]),
    ((f"pip install poetry && {CONFIG}", "poetry install --no-root"), {}, [("/app/.venv", "poetry install", 4)]),
    ((f"{CONFIG} && poetry -n sync",), {}, [("/app/.venv", "poetry sync", 3)]),
    ((f"{CONFIG} --local && poetry install",), {}, [("/app/.venv", "poetry install", 3)]),
    (("poetry config virtualenvs.in-project 1 && cd backend && poetry install",), {},
     [("/app/backend/.venv", "poetry install", 3)]),
    ((f"{CONFIG} && poetry install -C /srv/api",), {}, [("/srv/api/.venv", "poetry install", 3)]),
    (("poetry install",), {"POETRY_VIRTUALENVS_IN_PROJECT": "true"}, [("/app/.venv", "poetry install", 3)]),
    (("poetry install",), {"POETRY_VIRTUALENVS_IN_PROJECT": "1"}, [("/app/.venv", "poetry install", 3)]),
    (("POETRY_VIRTUALENVS_IN_PROJECT=true poetry install",), {}, [("/app/.venv", "poetry install", 3)]),
    (("export POETRY_VIRTUALENVS_IN_PROJECT=1 && poetry install",), {}, [("/app/.venv", "poetry install", 3)]),
    # Poetry's own place: under its cache folder, outside the project
    (("pip install poetry && poetry install --no-dev",), {}, []),
    (("poetry install",), {"POETRY_VIRTUALENVS_IN_PROJECT": "false"}, []),
    # the config comes after the install: the install did not see it
    (("poetry install && " + CONFIG,), {}, []),
    # no venv at all: the packages go to the system site-packages
    ((f"{CONFIG} && poetry config virtualenvs.create false && poetry install",), {}, []),
    (("poetry install",), {"POETRY_VIRTUALENVS_IN_PROJECT": "true", "POETRY_VIRTUALENVS_CREATE": "false"}, []),
    # the variable wins over the config command, as Poetry reads them
    ((f"{CONFIG} && poetry install",), {"POETRY_VIRTUALENVS_IN_PROJECT": "0"}, []),
    (("pip install poetry==1.8.3 && poetry export -f requirements.txt -o r.txt",),
     {"POETRY_VIRTUALENVS_IN_PROJECT": "1"}, []),
], ids=["one-run", "earlier-run", "sync", "local", "cd", "directory", "env-true", "env-1", "inline", "export",
        "cache-dir", "env-false", "config-after", "create-false", "env-create-false", "env-over-config", "export-cmd"])
def test_poetry_install_fills_the_project_venv_only_in_project(runs: tuple[str, ...], env: dict[str, str],
                                                              expected: list[tuple[str, str, int]]) -> None:
    recipe = Recipe(Path("Dockerfile"), runs=tuple(Step(run, 3 + i, "/app") for i, run in enumerate(runs)),
                    env=tuple(env.items()))
    assert [(f.path, f.tool, f.line) for f in filled_paths(recipe)] == expected


def _findings(root: Path) -> list:  # type: ignore[type-arg]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env, cwd=root))
    return list(VolumeShadowing().run(project, Host(env=env, timeout=1.0)))


def _project(root: Path, dockerfile: str, compose: str = "services:\n  app:\n    build: .\n    volumes:\n"
             "      - .:/app\n") -> Path:
    (root / "Dockerfile").write_text(dockerfile)
    (root / "compose.yaml").write_text(compose)
    (root / "pyproject.toml").write_text('[tool.poetry]\nname = "x"\nversion = "0"\n')
    (root / "poetry.lock").write_text("")
    return root


INSTALL = ("FROM python:3.12-slim\n{before}WORKDIR /app\nCOPY . ./\n"
           "RUN pip install poetry && poetry install --no-root\nCMD poetry run uvicorn app.main:app\n")


@pytest.mark.parametrize("toml", [
    "[virtualenvs]\nin-project = true\n",
    "virtualenvs.in-project = true\n",
    '[virtualenvs]\ncreate = true\nin-project = "true"\n',
])
def test_a_poetry_toml_keeping_the_venv_in_the_project(tmp_path: Path, toml: str) -> None:
    root = _project(tmp_path, INSTALL.format(before=""))
    assert _findings(root) == []
    (root / "poetry.toml").write_text(toml)
    [found] = _findings(root)
    assert found.message == "'app' bind .:/app hides /app/.venv (poetry install, Dockerfile:4)"
    assert found.subject == "app:/app/.venv"


@pytest.mark.parametrize("toml", ["[virtualenvs]\nin-project = false\n", "[virtualenvs]\ncreate = false\n"
                                  "in-project = true\n", "[virtualenvs\nin-project = true\n"])
def test_a_poetry_toml_that_keeps_no_venv_in_the_project_is_quiet(tmp_path: Path, toml: str) -> None:
    root = _project(tmp_path, INSTALL.format(before=""))
    (root / "poetry.toml").write_text(toml)
    assert _findings(root) == []


@pytest.mark.parametrize(("before", "compose_args"), [
    ("ARG POETRY_VIRTUALENVS_IN_PROJECT=true\n", ""),
    ("ARG POETRY_VIRTUALENVS_IN_PROJECT\n", "      args:\n        POETRY_VIRTUALENVS_IN_PROJECT: '1'\n"),
    ("ENV POETRY_VIRTUALENVS_IN_PROJECT=1\n", ""),
])
def test_an_arg_or_env_keeping_the_venv_in_the_project(tmp_path: Path, before: str, compose_args: str) -> None:
    compose = f"services:\n  app:\n    build:\n      context: .\n{compose_args}    volumes:\n      - .:/app\n"
    root = _project(tmp_path, INSTALL.format(before=before), compose)
    [found] = _findings(root)
    assert found.message == "'app' bind .:/app hides /app/.venv (poetry install, Dockerfile:5)"


def test_a_venv_on_the_host_or_a_volume_over_it_hides_nothing(tmp_path: Path) -> None:
    dockerfile = INSTALL.format(before="ENV POETRY_VIRTUALENVS_IN_PROJECT=true\n")
    root = _project(tmp_path, dockerfile, "services:\n  app:\n    build: .\n    volumes:\n      - .:/app\n"
                    "      - /app/.venv\n")
    assert [f.message for f in _findings(root)] == [
        "'app' anonymous volume over /app/.venv keeps its first content after image rebuilds"]
    root = _project(tmp_path, dockerfile)
    (root / ".venv").mkdir()
    assert _findings(root) == []
