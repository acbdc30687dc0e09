"""runtime-drift reads CI pins written through `${{ env.X }}`, and names a range that says the version.

django/djangoproject.com's tests workflow sets `PYTHON_VERSION` in the workflow's `env:` (line 11)
and its setup step says `python-version: ${{ env.PYTHON_VERSION }}`: made "3.11" against the
Dockerfile's `FROM python:3.12-slim-trixie`, doctor said ✓ (the literal "3.11" in the step
warned). With `.python-version` 3.13, the message said `elsewhere 3.12: Dockerfile:2` and left
out `pyproject.toml:5 requires-python = "==3.12.*"`, a range that admits 3.12 alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_runtime_drift_real import _findings, _write  # a git checkout of the files; the check's findings

from doctor.model import Finding

COMPOSE = "services:\n  web:\n    build: .\n"
DOCKERFILE = "# pull official base image\nFROM python:3.12-slim-trixie\nWORKDIR /usr/src/app\n"
PYPROJECT = ('[project]\nname = "djangoproject-com"\nversion = "0.1.0"\ndescription = "x"\n'
             'requires-python = "==3.12.*"\n')


def _workflow(top: str = "", job: str = "", step: str = "", value: str = "${{ env.PYTHON_VERSION }}") -> str:
    """djangoproject.com's tests.yml, shortened: env: at the workflow, the job or the step."""
    return ("name: Tests\non:\n  pull_request:\n" + (f"env:\n  PYTHON_VERSION: {top}\n" if top else "")
            + "jobs:\n  tests:\n    runs-on: ubuntu-24.04\n"
            + (f"    env:\n      PYTHON_VERSION: {job}\n" if job else "")
            + "    steps:\n      - uses: actions/checkout@v4\n      - name: Set up Python\n"
            + (f"        env:\n          PYTHON_VERSION: {step}\n" if step else "")
            + f"        uses: actions/setup-python@v5\n        with:\n          python-version: {value}\n"
            + "      - run: python -m pip install -r requirements/tests.txt\n")


def _project(tmp_path: Path, workflow: str, extra: dict[str, str] | None = None) -> Path:
    files = {"docker-compose.yml": COMPOSE, "Dockerfile": DOCKERFILE, "pyproject.toml": PYPROJECT,
             ".github/workflows/tests.yml": workflow, **(extra or {})}
    return _write(tmp_path / "app", files)


def _shown(findings: list[Finding], root: Path) -> list[tuple[str, int | None, str]]:
    return [(f.location.path.relative_to(root).as_posix(), f.location.line, f.message) for f in findings if f.location]


ELSEWHERE = "elsewhere 3.12: pyproject.toml:5 (requires-python ==3.12.*), Dockerfile:2"


@pytest.mark.parametrize(("workflow", "line"), [
    (_workflow(top='"3.11"'), 5),  # the workflow's env:, as on djangoproject.com
    (_workflow(top='"3.12"', job='"3.11"'), 10),  # the job's beats the workflow's
    (_workflow(top='"3.12"', job='"3.12"', step="3.11"), 15),  # the step's beats both
    (_workflow(top='"3.11"', value="${{env.python_version}}"), 5),  # GitHub reads names in any case
])
def test_an_env_pin_is_read_where_its_env_writes_it(tmp_path: Path, workflow: str, line: int) -> None:
    root = _project(tmp_path, workflow)
    message = f"python 3.11 (CI env PYTHON_VERSION: 3.11), {ELSEWHERE}"
    assert _shown(_findings(root, tmp_path), root) == [(".github/workflows/tests.yml", line, message)]


@pytest.mark.parametrize("workflow", [
    _workflow(top="3.12"),  # the upstream project: all agree
    _workflow(top='"3.11"', job="3.12"),  # the job's 3.12 wins over the workflow's 3.11
    _workflow(value="${{ env.PYTHON_VERSION }}"),  # set at run time ($GITHUB_ENV): not known, not guessed
])
def test_an_env_pin_that_agrees_or_is_unknown_is_quiet(tmp_path: Path, workflow: str) -> None:
    assert _findings(_project(tmp_path, workflow), tmp_path) == []


def test_a_range_of_one_series_is_named_beside_the_pins(tmp_path: Path) -> None:
    root = _project(tmp_path, _workflow(top="3.12"), {".python-version": "3.13\n"})
    assert _shown(_findings(root, tmp_path), root) == [(
        ".python-version", 1, "python 3.13 (.python-version 3.13), elsewhere 3.12: pyproject.toml:5 "
        "(requires-python ==3.12.*), Dockerfile:2, .github/workflows/tests.yml:5")]


def test_a_wider_range_is_not_named_as_saying_the_version(tmp_path: Path) -> None:
    pyproject = PYPROJECT.replace("==3.12.*", ">=3.11")
    root = _project(tmp_path, _workflow(top="3.12"), {".python-version": "3.13\n", "pyproject.toml": pyproject})
    assert _shown(_findings(root, tmp_path), root) == [(
        ".python-version", 1, "python 3.13 (.python-version 3.13), elsewhere 3.12: Dockerfile:2, "
        ".github/workflows/tests.yml:5")]


@pytest.mark.parametrize(("old", "new"), [
    ("runs-on: ubuntu-24.04\n", "runs-on: ubuntu-24.04\n    defaults:\n      run:\n        working-directory: docs\n"),
    ("run: python -m pip install -r requirements/tests.txt", "run: cd docs && python -m sphinx . _build"),
], ids=["defaults-working-directory", "steps-cd"])
def test_a_job_working_elsewhere_leaves_out_the_env_pin_it_reads(tmp_path: Path, old: str, new: str) -> None:
    # the only job reading the workflow's PYTHON_VERSION runs its python in docs/, a folder no build uses
    workflow = _workflow(top='"3.11"')
    assert old in workflow
    assert _findings(_project(tmp_path, workflow.replace(old, new)), tmp_path) == []
