"""action.yml's report file follows its `format` (CI review).

Before: `output` defaulted to doctor.sarif whatever `format` was, so `format: github` wrote its annotations into a file
(none showed on the pull request: the runner reads them from the log) and junit XML landed in doctor.sarif. Now the
default, `auto`, follows the format: doctor.sarif, doctor.junit.xml, doctor.json, and the log for github and console;
an `output` given is kept, and an empty one prints in the log. The test reads action.yml, takes each input's default
as the runner does, and runs the doctor step's own shell script with bash on a copy of examples/broken-stack, with
this checkout's doctor on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text())


def _step() -> dict[str, object]:
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "doctor"]
    return step


def _run(tmp_path: Path, **given: str) -> tuple[subprocess.CompletedProcess[str], Path, str]:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update(given)
    work = tmp_path / "work"
    shutil.copytree(REPO / "examples" / "broken-stack", work)
    step = _step()
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT", "DOCTOR_DEBUG")}
    # the step's env block, each `${{ inputs.X }}` as the runner substitutes it
    for key, value in step["env"].items():  # type: ignore[attr-defined]
        name = str(value).removeprefix("${{ inputs.").removesuffix(" }}")
        env[key] = inputs[name]
    github_output = tmp_path / "github_output"
    github_output.unlink(missing_ok=True)
    env.update(GITHUB_OUTPUT=str(github_output), HOME=str(tmp_path / "home"), DOCTOR_NO_CACHE="1", NO_COLOR="1",
               DOCKER_HOST="unix:///nonexistent/doctor-action.sock",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}")
    done = subprocess.run(["bash", "-c", str(step["run"])], cwd=work, env=env, capture_output=True, text=True,
                          timeout=180)
    report = github_output.read_text().strip().removeprefix("report=")
    return done, work, report


def _files(work: Path) -> set[str]:
    return {p.name for p in work.iterdir() if p.name.startswith("doctor.")}


@pytest.mark.parametrize(("fmt", "written", "head"), [
    ("sarif", "doctor.sarif", '{\n  "$schema"'),
    ("junit", "doctor.junit.xml", "<?xml"),
    ("json", "doctor.json", '{\n  "version": 1'),
])
def test_a_file_format_is_written_to_its_own_file(tmp_path: Path, fmt: str, written: str, head: str) -> None:
    done, work, report = _run(tmp_path, format=fmt)
    assert _files(work) == {written}, done.stdout + done.stderr
    assert (work / written).read_text().startswith(head)
    assert report == written
    assert done.returncode == 1  # broken-stack's errors fail the step


def test_github_annotations_go_to_the_log(tmp_path: Path) -> None:
    done, work, report = _run(tmp_path, format="github")
    assert _files(work) == set()
    assert report == ""
    assert "::error file=" in done.stdout, done.stdout + done.stderr


def test_the_console_report_goes_to_the_log(tmp_path: Path) -> None:
    done, work, report = _run(tmp_path, format="console")
    assert _files(work) == set() and report == ""
    assert "doctor preflight ." in done.stdout


def test_an_output_given_is_kept_and_an_empty_one_prints(tmp_path: Path) -> None:
    done, work, report = _run(tmp_path, format="junit", output="reports.xml")
    assert (work / "reports.xml").read_text().startswith("<?xml") and report == "reports.xml"
    shutil.rmtree(tmp_path / "work")
    done, work, report = _run(tmp_path, format="sarif", output="")
    assert _files(work) == set() and report == ""
    assert '"$schema"' in done.stdout


def test_the_default_is_described() -> None:
    assert ACTION["inputs"]["output"]["default"] == "auto"
    assert "doctor.junit.xml" in ACTION["inputs"]["output"]["description"]
