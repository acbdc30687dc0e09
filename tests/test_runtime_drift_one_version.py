"""runtime-drift's advice brings every pin it knows to one version, and names the range a pin is outside.

New-user trials: on mealie (compose files in docker/, building from the top) a `.python-version`
3.12 against `FROM python:3.10-slim` and CI's `python-version: "3.10"` was advised as "change FROM
... to python 3.12": followed, CI tested on 3.10 what the image ran on 3.12. On
nickjj/docker-django-example a `.python-version` 3.12 below `requires-python = ">=3.13"` was
reported against the Dockerfile alone, pyproject unnamed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

COMPOSE = "services:\n  app:\n    build:\n      context: ../\n      dockerfile: ./docker/Dockerfile\n"
CI = ("on: push\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n"
      "        with:\n          python-version: \"3.10\"\n      - run: poetry install\n")


def _mealie(tmp: Path, python: str = "^3.10") -> Path:
    top = tmp / "mealie"
    files = {"docker/docker-compose.yml": COMPOSE, "docker/Dockerfile": "FROM python:3.10-slim\n",
             ".github/workflows/backend.yml": CI, ".python-version": "3.12\n",
             "pyproject.toml": f"[tool.poetry]\nname = \"m\"\n\n[tool.poetry.dependencies]\npython = \"{python}\"\n"}
    for name, text in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def _findings(path: Path, home: Path, files: tuple[Path, ...] = ()) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=path, files=files, env=env), select=("runtime-drift",), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == "runtime-drift"]


def test_the_file_against_the_image_and_ci_is_changed_alone(tmp_path: Path) -> None:
    top = _mealie(tmp_path)
    found = _findings(top / "docker", tmp_path, (top / "docker" / "docker-compose.yml",))
    assert [(f.location.path.name if f.location else "", f.fix.title if f.fix else "") for f in found] == [
        (".python-version", "change python 3.12 to 3.10 in ../.python-version:1")]
    (top / ".python-version").write_text("3.10\n")  # followed: nothing left apart
    assert _findings(top / "docker", tmp_path, (top / "docker" / "docker-compose.yml",)) == []


def test_a_range_that_excludes_the_image_moves_the_image_and_ci_together(tmp_path: Path) -> None:
    top = _mealie(tmp_path, "^3.12")
    found = _findings(top / "docker", tmp_path, (top / "docker" / "docker-compose.yml",))
    assert len(found) == 1 and found[0].fix is not None, [f.message for f in found]  # no second "widen ^3.12" advice
    assert found[0].fix.title == ("change FROM python:3.10-slim to python 3.12 in Dockerfile:1 and python 3.10 to 3.12 "
                                  "in ../.github/workflows/backend.yml:8")
    assert "outside poetry python ^3.12 (../pyproject.toml:5)" in found[0].message
    (top / "docker" / "Dockerfile").write_text("FROM python:3.12-slim\n")  # followed: every pin on 3.12
    ci = top / ".github" / "workflows" / "backend.yml"
    ci.write_text(ci.read_text().replace('"3.10"', '"3.12"'))
    assert _findings(top / "docker", tmp_path, (top / "docker" / "docker-compose.yml",)) == []


@pytest.mark.parametrize(("pin", "outside"), [("3.12", True), ("3.13", False)])
def test_a_pin_below_requires_python_names_the_range(tmp_path: Path, pin: str, outside: bool) -> None:
    files = {"compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM python:3.14.5-slim-trixie\n",
             "pyproject.toml": "[project]\nname = \"hello\"\nrequires-python = \">=3.13\"\n",
             ".python-version": f"{pin}\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = _findings(tmp_path, tmp_path)
    assert [f.location.path.name for f in found if f.location] == [".python-version"]
    assert ("outside requires-python >=3.13 (pyproject.toml:3)" in found[0].message) is outside, found[0].message
    assert found[0].fix is not None and found[0].fix.title == f"change python {pin} to 3.14.5 in .python-version:1"
