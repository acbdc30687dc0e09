"""host-vs-container and `doctor exec` name first the packages most of the command's files import:
suitenumerique/meet (tests/replay/lasuite-meet, a few of src/backend/core's modules and tests kept).

With the backend's dependencies not installed on the host, `pytest core/tests` in src/backend was said to
need 'brevo-python' (preflight: "needs 'brevo-python' and N more"; `doctor exec`: "the host lacks
brevo-python, django"): the first in pyproject.toml's order of what the tests import, though one service
and its test import brevo_python and every test imports django. The packages are ranked by how many of
the files read import them, pyproject's order between equals.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from meet_replay import set_up

TARGET = "\ntest-back-host: ## run back-end tests on the host\n\tcd src/backend && pytest core/tests\n"


def _meet(tmp_path: Path) -> Path:
    """The replay as `make create-env-files data/media data/static` leaves it, with a Makefile target
    running the backend's tests on the host."""
    root = set_up(tmp_path)
    with (root / "Makefile").open("a") as makefile:
        makefile.write(TARGET)
    return root


def _env(root: Path, path: str) -> dict[str, str]:
    return {"PATH": path, "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host", "HOME": str(root.parent),
            "COMPOSE_PROJECT_NAME": "doctor-h-hvc-most-imported", "DOCKER_HOST": "unix:///nonexistent/doctor.sock"}


def test_preflight_names_what_every_test_imports(tmp_path: Path) -> None:
    root = _meet(tmp_path)
    run = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "host-vs-container",
                          "--format", "json", str(root)], capture_output=True, text=True,
                         env=_env(root, "/usr/bin:/bin"), timeout=300)
    messages = [f["message"] for f in json.loads(run.stdout)["findings"] if f["subject"] != "context"]
    assert len(messages) == 1 and messages[0].startswith(
        "'pytest' (make target 'test-back-host') needs 'django' and "), messages


def test_exec_names_what_every_test_imports(tmp_path: Path) -> None:
    """`doctor exec -- pytest core/tests` in src/backend, a `docker` on PATH that records what it runs."""
    root = _meet(tmp_path)
    fakebin, record = tmp_path / "fakebin", tmp_path / "docker-argv.txt"
    fakebin.mkdir()
    (fakebin / "docker").write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > {record}\n')
    (fakebin / "docker").chmod(0o755)
    run = subprocess.run([sys.executable, "-m", "doctor", "exec", "--project", str(root), "--",
                          "pytest", "core/tests"], capture_output=True, text=True, cwd=root / "src" / "backend",
                         env=_env(root, str(fakebin)), timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "(exec; the host lacks django, brevo-python)" in run.stderr, run.stderr
    assert record.read_text().splitlines()[-3:] == ["app-dev", "pytest", "core/tests"]
