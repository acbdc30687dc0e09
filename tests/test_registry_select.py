"""A preflight imports only the checks it runs (doctor's own; plugins always load, see test_plugin_example)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CODE = """
import io, json, sys, contextlib
from doctor import cli
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        cli.main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "checks": sorted(m for m in sys.modules if m.startswith("doctor.checks."))}))
"""


def run(tmp_path: Path, *args: str) -> dict[str, object]:
    # DOCTOR_JOBS=1: every check runs (and is imported) in this process, not some in doctor.forked's helper
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "DOCTOR_CONTEXT": "host", "DOCTOR_JOBS": "1"}
    done = subprocess.run([sys.executable, "-c", CODE, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_select_imports_only_the_selected_check(tmp_path: Path) -> None:
    found = run(tmp_path, "preflight", "examples/clean-stack", "--select", "compose-config")
    assert found == {"code": 0, "checks": ["doctor.checks.compose_config"]}


def test_ignore_leaves_the_ignored_check_unimported(tmp_path: Path) -> None:
    found = run(tmp_path, "preflight", "examples/clean-stack", "--ignore", "root-owned-files", "--format", "json")
    assert "doctor.checks.root_owned_files" not in found["checks"]  # type: ignore[operator]
    assert "doctor.checks.compose_config" in found["checks"]  # type: ignore[operator]


def test_an_unknown_id_is_still_a_usage_error(tmp_path: Path) -> None:
    found = run(tmp_path, "preflight", "examples/clean-stack", "--select", "compose-confg")
    assert found["code"] == 2
