"""runtime-drift on jobs that each hand one reusable workflow a Python: a matrix written job by job.

dgtlmoon/changedetection.io (tests/replay/changedetection-io) tests through test-only.yml's five jobs
`test-application-3-10` ... `3-14`, each `uses: ./.github/workflows/test-stack-reusable-workflow.yml`
`with: python-version:` its version, beside an image on `ARG PYTHON_VERSION=3.11`, runtime.txt's
python-3.11.5 and release jobs on 3.11. doctor preflight read each caller as a pin of its own and
warned four times, 'python 3.14 (CI python-version: 3.14), elsewhere 3.11: runtime.txt:1, Dockerfile:3,
...' with 'change python 3.14 to 3.11 in .github/workflows/test-only.yml:146': advice to drop the tests
of every other Python. The pins that several jobs hand one called workflow are one matrix (at the first
caller's line), which agrees when one of its versions does.

Each test copies the replay into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from trees import write_tree

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, relative_to
from doctor.project import ProjectOptions

CHECK = "runtime-drift"
REPLAY = Path(__file__).parent / "replay" / "changedetection-io"


def findings(root: Path, home: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def drift_shown(found: list[Finding], root: Path) -> list[tuple[str, int, str]]:
    return [(str(relative_to(f.location.path, root)), f.location.line, f.message)
            for f in found if f.location is not None]


def checkout(tmp_path: Path, replay: Path = REPLAY, name: str = "changedetection.io") -> Path:
    """A copy of the replay in a git checkout of its own (shared with test_runtime_drift_matrix_include.py)."""
    top = tmp_path / name
    shutil.copytree(replay, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def test_jobs_calling_one_workflow_on_each_python_are_a_matrix(tmp_path: Path) -> None:
    assert findings(checkout(tmp_path), tmp_path) == []


def test_an_image_the_called_matrix_does_not_test_is_still_found(tmp_path: Path) -> None:
    top = checkout(tmp_path)
    dockerfile = top / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("ARG PYTHON_VERSION=3.11", "ARG PYTHON_VERSION=3.9"))
    shown = drift_shown(findings(top, tmp_path), top)
    assert [(path, line) for path, line, _ in shown] == [("Dockerfile", 3)]
    assert shown[0][2] == "python 3.9 (FROM python:3.9-slim-bookworm), elsewhere 3.11.5: runtime.txt:1"


def _workflow(jobs: str) -> dict[str, str]:
    return {"compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM python:3.12-slim\n",
            ".github/workflows/ci.yml": "name: ci\non: push\njobs:\n" + jobs}


def _caller(name: str, workflow: str, version: str) -> str:
    return (f"  {name}:\n    uses: ./.github/workflows/{workflow}.yml\n    with:\n"
            f"      python-version: '{version}'\n")


def test_the_called_matrix_stands_at_its_first_callers_line(tmp_path: Path) -> None:
    """Callers of one workflow on 3.10 and 3.11, neither the image's 3.12: one matrix apart, at the first pin."""
    root = write_tree(tmp_path / "p", _workflow(_caller("a", "stack", "3.10") + _caller("b", "stack", "3.11")))
    assert drift_shown(findings(root, tmp_path), root) == [
        (".github/workflows/ci.yml", 7, "python 3.10, 3.11 (CI python-version of the jobs calling "
                                        "./.github/workflows/stack.yml with: 3.10, 3.11), elsewhere 3.12: "
                                        "Dockerfile:1")]
    # no list to add a version to: a job calling the workflow with it (the advice said `add python 3.12 to the
    # matrix in .github/workflows/ci.yml:7`, a job's `with:` value)
    (finding,) = findings(root, tmp_path)
    assert finding.fix is not None and finding.fix.title.startswith(
        "add a job calling ./.github/workflows/stack.yml with python 3.12, as the one at .github/workflows/ci.yml:7 "
        "does with its version"), finding.fix.title


def test_callers_of_two_workflows_are_pins_apart(tmp_path: Path) -> None:
    """A lint workflow on 3.10 beside a test workflow on 3.12: two choices, not one matrix testing 3.12."""
    root = write_tree(tmp_path / "p", _workflow(_caller("lint", "lint", "3.10") + _caller("test", "test", "3.12")))
    assert drift_shown(findings(root, tmp_path), root) == [
        (".github/workflows/ci.yml", 7, "python 3.10 (CI python-version: 3.10), elsewhere 3.12: Dockerfile:1, "
                                        ".github/workflows/ci.yml:11")]
