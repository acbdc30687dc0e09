"""volume-shadowing reads `uv sync --active` with the ENV in force at its RUN, not the stage's final ENV.

`--active` syncs into VIRTUAL_ENV where it is set when the RUN runs; an `ENV VIRTUAL_ENV=/opt/venv` written after
the RUN is not (uv then falls back to the project's .venv, WORKDIR/.venv), so a bind over WORKDIR hides the venv.
doctor took the stage's last ENV and said nothing; it warns as without --active now. An ENV before the RUN, in the
stage or in the stage it is FROM, still sends the venv to /opt/venv (tests/test_volume_shadowing_uv_active.py
on the redirectioneaza replay).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions
from doctor.project.recipe import read_recipe

UV = "COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n"
AFTER = f"FROM python:3.12-slim\n{UV}RUN uv sync --active --locked\nENV VIRTUAL_ENV=/opt/venv\n"
BEFORE = f"FROM python:3.12-slim\nENV VIRTUAL_ENV=/opt/venv\n{UV}RUN uv sync --active --locked\n"
PARENT = (f"FROM python:3.12-slim AS base\nENV VIRTUAL_ENV=/opt/venv\nFROM base AS dev\n{UV}"
          "RUN uv sync --active --locked\nENV OTHER=1\n")
# the parent stage's ENV comes after the RUN that the child stage inherits
PARENT_AFTER = (f"FROM python:3.12-slim AS base\n{UV}RUN uv sync --active --locked\nENV VIRTUAL_ENV=/opt/venv\n"
                "FROM base AS dev\nRUN true\n")
WARNING = ("warning", "'app' bind .:/app hides /app/.venv (uv sync, Dockerfile:5)")


def _hidden(root: Path, dockerfile: str) -> list[tuple[str, str]]:
    root.mkdir()
    (root / "Dockerfile").write_text(dockerfile)
    (root / "compose.yaml").write_text('services:\n  app:\n    build: .\n    volumes: [".:/app"]\n')
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.12"\n')
    (root / "uv.lock").write_text("")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    project = Project(ProjectOptions(path=root, env=env, cwd=root))
    return [(f.severity.name.lower(), f.message) for f in VolumeShadowing().run(project, Host(env=env, timeout=2.0))
            if f.severity >= Severity.INFO and " hides " in f.message]


@pytest.mark.parametrize(("dockerfile", "found"), [
    (AFTER, [WARNING]), (BEFORE, []), (PARENT, []), (PARENT_AFTER, [WARNING])])
def test_the_env_in_force_at_the_run_places_the_venv(tmp_path: Path, dockerfile: str,
                                                       found: list[tuple[str, str]]) -> None:
    assert _hidden(tmp_path / "p", dockerfile) == found


def test_each_run_knows_the_env_lines_before_it(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(PARENT.replace("ENV OTHER=1\n", "ENV OTHER=1 B=2\nRUN true\n"))
    recipe = read_recipe(tmp_path / "Dockerfile")
    assert recipe.env_lines == (("VIRTUAL_ENV", "/opt/venv"), ("OTHER", "1"), ("B", "2"))
    assert [step.env_count for step in recipe.runs] == [1, 3]
    assert dict(recipe.env) == {"VIRTUAL_ENV": "/opt/venv", "OTHER": "1", "B": "2"}
