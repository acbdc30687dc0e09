"""runtime-drift on a workflow matrix whose `python-version` names a Dockerfile, not a Python.

rednafi/fastapi-nano (tests/replay/fastapi-nano) keeps one Dockerfile per Python in
dockerfiles/python313/ and dockerfiles/python314/, picked by `.env`'s `PYTHON_VERSION=314`; its
build.yml matrix lists `python-version: [313, 314]` and feeds each to that `.env` with sed. doctor
preflight read 313 and 314 as Python versions and warned at build.yml:23 'python 313, 314 (CI
python-version: 313, 314), elsewhere 3.14', advising to 'add python 3 to the matrix'. No Python is
313: a value whose major is no Python's (2 or 3) or Node's (below 100) is no pin.

Each test copies the replay into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

CHECK = "runtime-drift"
REPLAY = Path(__file__).parent / "replay" / "fastapi-nano"


def _findings(root: Path, home: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def _checkout(tmp_path: Path) -> Path:
    top = tmp_path / "fastapi-nano"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def test_a_matrix_of_dockerfile_names_is_no_python(tmp_path: Path) -> None:
    assert _findings(_checkout(tmp_path), tmp_path) == []


def test_a_pin_apart_is_still_found(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    (top / ".python-version").write_text("3.12\n")
    [finding] = _findings(top, tmp_path)
    assert finding.location is not None
    assert (finding.location.path.name, finding.location.line) == (".python-version", 1)
    assert "313" not in finding.message
