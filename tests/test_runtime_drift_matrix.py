"""runtime-drift where the place apart is a CI matrix (a workflow's, GitLab's `parallel: matrix:`, tox's
env list): it tests several versions, and none of them is the project's.

healthchecks at 3d018c0 (tests/replay/healthchecks-3d018c0) built its image on python 3.13.7 in both
stages of docker/Dockerfile while tests.yml's matrix ran 3.10, 3.11 and 3.12. The advice was
`change python 3.10, 3.11, 3.12 to 3.13.7 in .github/workflows/tests.yml:15`: followed, CI drops
the three versions it tests for one patch release. A matrix agrees when one of its versions does,
so the advice adds the version to it (what upstream did on 2025-09-19), or moves the pins to the
version it tests nearest theirs.

Each test copies files into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

CHECK = "runtime-drift"
REPLAY = Path(__file__).parent / "replay" / "healthchecks-3d018c0"


def _findings(root: Path, home: Path, cwd: Path | None = None) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env, cwd=cwd), select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def _checkout(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    top = tmp_path / "repo"
    if files is None:
        shutil.copytree(REPLAY, top)
        # the README's first step: the compose file loads docker/.env
        shutil.copy(top / "docker" / ".env.example", top / "docker" / ".env")
    else:
        for name, text in files.items():
            (top / name).parent.mkdir(parents=True, exist_ok=True)
            (top / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def test_healthchecks_image_on_a_python_its_matrix_never_tests(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    # `doctor preflight docker` at the checkout's top: places are shown from there
    [finding] = _findings(top / "docker", tmp_path, cwd=top)
    assert finding.location is not None
    assert (finding.location.path.relative_to(top).as_posix(), finding.location.line) == (
        ".github/workflows/tests.yml", 15)
    assert finding.message == ("python 3.10, 3.11, 3.12 (CI python-version: 3.10, 3.11, 3.12), elsewhere "
                               "3.13.7: docker/Dockerfile:1, docker/Dockerfile:18")
    assert finding.fix is not None
    assert finding.fix.title == ("add python 3.13 to the matrix in .github/workflows/tests.yml:15, or move "
                                 "docker/Dockerfile:1, docker/Dockerfile:18 to python 3.12, which it tests")


def test_the_matrix_upstream_fixed_agrees(tmp_path: Path) -> None:
    # upstream's fix (4c564fc8's matrix): 3.13 added, the image left alone
    top = _checkout(tmp_path)
    tests = top / ".github" / "workflows" / "tests.yml"
    tests.write_text(tests.read_text().replace('["3.10", "3.11", "3.12"]', '["3.10", "3.11", "3.12", "3.13"]'))
    assert _findings(top / "docker", tmp_path) == []


WORKFLOW = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
            "        {key}: [{versions}]\n    steps:\n      - uses: actions/setup-{tool}@v5\n        with:\n"
            "          {key}: ${{{{ matrix.{key} }}}}\n")


def _workflow(key: str, versions: str) -> str:
    return WORKFLOW.format(key=key, versions=versions, tool=key.split("-")[0])


@pytest.mark.parametrize(("files", "advice"), [
    # the image behind the matrix: the lowest version tested above it
    ({"compose.yaml": "services:\n  app:\n    build: .\n", "Dockerfile": "FROM python:3.11-slim\n",
      ".github/workflows/ci.yml": _workflow("python-version", '"3.12", "3.13"')},
     "add python 3.11 to the matrix in .github/workflows/ci.yml:7, or move Dockerfile:1 to python 3.12, "
     "which it tests"),
    # node: the series by major, as the matrix writes it
    ({"compose.yaml": "services:\n  app:\n    build: .\n", "Dockerfile": "FROM node:22.11.0-slim\n",
      ".nvmrc": "22.11.0\n", ".github/workflows/ci.yml": _workflow("node-version", "18, 20")},
     "add node 22 to the matrix in .github/workflows/ci.yml:7, or move .nvmrc:1, Dockerfile:1 to node 20, "
     "which it tests"),
    # tox's env list is a matrix too
    ({"compose.yaml": "services:\n  app:\n    build: .\n", "Dockerfile": "FROM python:3.13-slim\n",
      ".python-version": "3.13\n", "tox.ini": "[tox]\nenvlist = py310, py311\n"},
     "add python 3.13 to the matrix in tox.ini:2, or move .python-version:1, Dockerfile:1 to python 3.11, "
     "which it tests"),
], ids=["image-behind", "node-series", "tox-envlist"])
def test_a_matrix_apart_gains_the_version(tmp_path: Path, files: dict[str, str], advice: str) -> None:
    top = _checkout(tmp_path, files)
    [finding] = _findings(top, tmp_path)
    assert finding.fix is not None
    assert finding.fix.title == advice


def test_no_move_to_a_version_a_range_excludes(tmp_path: Path) -> None:
    # requires-python >=3.13 admits no version the matrix tests: adding to the matrix is the one way
    top = _checkout(tmp_path, {
        "compose.yaml": "services:\n  app:\n    build: .\n", "Dockerfile": "FROM python:3.13-slim\n",
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.13"\n',
        ".github/workflows/ci.yml": _workflow("python-version", '"3.11", "3.12"')})
    [finding] = _findings(top, tmp_path)
    assert finding.fix is not None
    assert finding.fix.title == "add python 3.13 to the matrix in .github/workflows/ci.yml:7"
