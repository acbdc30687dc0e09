"""runtime-drift reads uv.lock's requires-python as a voice beside pyproject's, and names the range a
Dockerfile of a build above its compose folder is outside.

New-user trials: on python-discord/site, `ARG python_version=3.12-slim` (FROM python:$python_version)
under pyproject's and uv.lock's `requires-python = "==3.13.*"` was advised "widen requires-python
... to allow 3.12", though `uv sync --frozen` in that image refuses the lock: the Dockerfile was the
odd one out. On saleor, a `.devcontainer/Dockerfile` made `python:3.11` cited a workflow pin as the
only evidence, not the `requires-python = ">=3.12,<3.13"` it breaks.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

DOCKERFILE = ("# syntax=docker/dockerfile:1\n\n# the python version\n\n"
              "ARG python_version={}\nFROM python:$python_version\n")


def _site(tmp: Path, image: str = "3.12-slim", requires: str = "==3.13.*", lock: str | None = "==3.13.*") -> Path:
    top = tmp / "site"
    files = {"Dockerfile": DOCKERFILE.format(image), "compose.yaml": "services:\n  app:\n    build: .\n",
             "pyproject.toml": f'[project]\nname = "x"\nversion = "0"\n\n\nrequires-python = "{requires}"\n'}
    if lock is not None:
        files["uv.lock"] = f'version = 1\nrevision = 2\nrequires-python = "{lock}"\n\n[[package]]\nname = "x"\n'
    for name, text in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def _findings(path: Path, home: Path) -> list[tuple[str, int | None, str, str]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=path, env=env), select=("runtime-drift",), env=env)
    report = preflight(options, load_registry()).report
    found: list[Finding] = [f for f in report.findings if f.check == "runtime-drift"]
    return [(f.location.path.name if f.location else "", f.location.line if f.location else None, f.message,
             f.fix.title if f.fix else "") for f in found]


def test_a_pin_outside_the_range_the_lock_agrees_with_is_the_one_to_change(tmp_path: Path) -> None:
    found = _findings(_site(tmp_path), tmp_path)
    assert [(name, line) for name, line, _, _ in found] == [("Dockerfile", 5)], found
    assert "uv.lock:3 (requires-python ==3.13.*)" in found[0][2]
    assert found[0][3] == "change python_version=3.12-slim to python_version=3.13-slim in Dockerfile:5"


def test_without_a_lock_the_range_is_still_widened(tmp_path: Path) -> None:
    found = _findings(_site(tmp_path, lock=None), tmp_path)
    assert [(name, fix) for name, _, _, fix in found] == [
        ("pyproject.toml", "widen requires-python ==3.13.* in pyproject.toml:6 to allow 3.12, or move Dockerfile:5 "
         "to python 3.13, which it allows")]


def test_a_range_changed_alone_is_the_odd_one_out_against_the_lock_and_the_image(tmp_path: Path) -> None:
    found = _findings(_site(tmp_path, image="3.13-slim", requires="==3.12.*"), tmp_path)
    assert [(name, fix) for name, _, _, fix in found] == [
        ("pyproject.toml", "widen requires-python ==3.12.* in pyproject.toml:6 to allow 3.13")]
    assert "uv.lock:3" in found[0][2]


def test_a_lock_alone_apart_is_re_locked_not_widened(tmp_path: Path) -> None:
    found = _findings(_site(tmp_path, image="3.12-slim", requires="==3.12.*"), tmp_path)
    assert [(name, line) for name, line, _, _ in found] == [("uv.lock", 3)], found
    assert found[0][3].startswith("re-lock uv.lock:3 for requires-python ==3.12.* of pyproject.toml (`uv lock`)")


def test_a_lock_that_agrees_is_quiet(tmp_path: Path) -> None:
    assert _findings(_site(tmp_path, image="3.13-slim"), tmp_path) == []


def test_the_range_a_devcontainer_build_breaks_is_named_first(tmp_path: Path) -> None:
    top = tmp_path / "saleor"
    ci = ("on: push\njobs:\n  bump:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n"
          "        with:\n          python-version: \"3.12\"\n      - run: uv lock --upgrade\n")
    compose = "services:\n  saleor:\n    build:\n      context: ..\n      dockerfile: .devcontainer/Dockerfile\n"
    files = {".devcontainer/docker-compose.yml": compose,
             ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.11\n",
             ".github/workflows/bump-dependencies.yml": ci,
             "pyproject.toml": '[project]\nname = "saleor"\nrequires-python = ">=3.12,<3.13"\n',
             "uv.lock": 'version = 1\nrequires-python = "==3.12.*"\n'}
    for name, text in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    found = _findings(top / ".devcontainer", tmp_path)
    assert [(name, line) for name, line, _, _ in found] == [("Dockerfile", 1)], found
    message = found[0][2]
    assert message.index("outside requires-python >=3.12,<3.13 (../pyproject.toml:3, locked in ../uv.lock:2)") < \
        message.index("bump-dependencies.yml:8"), message


def test_a_range_the_pins_fall_below_offers_moving_them_into_it(tmp_path: Path) -> None:
    """django-react-boilerplate's poetry `python = "^3.12"` against 3.11 pins, whose README asks for 3.12:
    widening the range is one way, moving the pins to the lowest series it allows the other."""
    from doctor.project.runtime_target import lowest_admitted

    assert lowest_admitted(">=3.12,<4.0", "python", "3.11") == "3.12"  # poetry's ^3.12, as read
    assert lowest_admitted(">=22 <23", "node", "20") == "22"
    assert lowest_admitted("==3.12.*", "python", "3.13") == ""  # never down: the pins are above it
