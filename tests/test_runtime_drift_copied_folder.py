"""runtime-drift and a CI job working in a folder the image COPYs whole: suitenumerique/meet
(tests/replay/lasuite-meet).

meet's backend image is `FROM python:3.13.5-alpine3.21` and takes its source with `COPY src/backend /app`,
which brings src/backend/pyproject.toml in (`uv sync` runs on it). The workflow's `lint-back` job works in
`src/backend` (`defaults.run.working-directory`) with `actions/setup-python` `python-version: "3.13"`.
Set to 3.12, nothing was reported: the folders a build installs from were only those it COPYs a manifest
file itself from, so `src/backend` was none of the build's, and the job counted as working elsewhere. A
folder the Dockerfile copies whole with a manifest at its top is one of the build's folders too.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from meet_replay import set_up
from replay_found import found, host_options

WORKFLOW = ".github/workflows/meet.yml"


def _meet(tmp_path: Path) -> Path:
    """The replay as `make create-env-files data/media data/static` leaves it."""
    root = set_up(tmp_path)
    return root


def _set_lint_back_python(root: Path, version: str) -> int:
    """Set `lint-back`'s setup-python version; its line in the workflow."""
    path = root / WORKFLOW
    lines = path.read_text().splitlines(keepends=True)
    job = lines.index("  lint-back:\n")
    number = next(i for i in range(job, len(lines)) if "python-version:" in lines[i])
    assert lines[number].strip() == 'python-version: "3.13"', "upstream meet.yml changed"
    lines[number] = lines[number].replace('"3.13"', f'"{version}"')
    path.write_text("".join(lines))
    return number + 1


def test_the_replay_as_cloned_reports_no_drift(tmp_path: Path) -> None:
    root = _meet(tmp_path)
    assert found(host_options(root), ["runtime-drift"]) == []


def test_lint_back_on_another_python_than_the_backend_image(tmp_path: Path) -> None:
    root = _meet(tmp_path)
    line = _set_lint_back_python(root, "3.12")
    findings = found(host_options(root), ["runtime-drift"])
    assert [(name, number) for _, name, number in findings] == [("meet.yml", line)], findings
    message = findings[0][0]
    assert message.startswith("python 3.12 (CI python-version: 3.12), elsewhere 3.13: Dockerfile:4"), message


def test_a_folder_copied_whole_without_a_manifest_is_not_the_builds(tmp_path: Path) -> None:
    """`COPY docs /app/docs` brings no manifest: a job working in docs/ on another Python stays its own."""
    root = tmp_path / "app"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "conf.py").write_text("project = 'app'\n")
    (root / "requirements.txt").write_text("django\n")
    (root / "Dockerfile").write_text("FROM python:3.13-slim\nCOPY requirements.txt /app/\nCOPY docs /app/docs\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "docs.yml").write_text(
        "on: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n"
        "        working-directory: docs\n    steps:\n      - uses: actions/setup-python@v5\n"
        "        with:\n          python-version: '3.11'\n      - run: make html\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert found(host_options(root), ["runtime-drift"]) == []
