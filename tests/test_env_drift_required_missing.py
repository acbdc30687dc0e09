"""env-drift on a key compose requires (`${SECRET_KEY:?Variable not set}`) that .env lacks.

A copy of tests/replay/fastapi-template-0.11 whose .env predates a key the template (.env.example)
has and compose.yml requires: compose stops at that `${SECRET_KEY:?...}` (compose-config's error).
env-drift used to add "(no service loads .env, and compose interpolates no ${SECRET_KEY})" under
it, at info: the use that failed was not recorded as a use. One `doctor fix --yes` appends the key
once, and then neither check reports it; the template's value is never printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPLAY = Path(__file__).resolve().parent / "replay"
SECRET = "Xq9sd8f7g6h5j4k3l2m1n0bvcxz"  # the template's value: no output may show it


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "fastapi"
    shutil.copytree(REPLAY / "fastapi-template-0.11", root, ignore=shutil.ignore_patterns("SOURCE*"))
    lines = (root / ".env").read_text().splitlines(keepends=True)
    assert sum(line.startswith("SECRET_KEY=") for line in lines) == 1
    (root / ".env.example").write_text("".join(f"SECRET_KEY={SECRET}\n" if line.startswith("SECRET_KEY=") else line
                                               for line in lines))
    (root / ".env").write_text("".join(line for line in lines if not line.startswith("SECRET_KEY=")))
    return root


def _doctor(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "SECRET_KEY", "POSTGRES_"))}
    env.update(XDG_STATE_HOME=str(tmp_path / "state"), COMPOSE_PROJECT_NAME=f"doctor-test-{os.getpid()}")
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    assert SECRET not in done.stdout + done.stderr
    return done


def _secret_key_findings(root: Path, tmp_path: Path) -> list[dict[str, object]]:
    done = _doctor(root, tmp_path, "preflight", "--format", "json", "--select", "env-drift",
                   "--select", "compose-config")
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return [f for f in json.loads(done.stdout)["findings"] if "SECRET_KEY" in str(f["message"])]


def test_a_required_key_missing_from_env_is_not_called_uninterpolated(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    found = _secret_key_findings(root, tmp_path)
    drift = [f for f in found if f["check"] == "env-drift"]
    assert [f["check"] for f in found if f["severity"] == "error"] == ["compose-config"], found
    assert len(drift) == 1, found
    assert drift[0]["message"] == "'SECRET_KEY' from .env.example is missing from .env", drift
    assert drift[0]["severity"] != "info", drift


def test_one_fix_appends_the_required_key_once_and_settles(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _doctor(root, tmp_path, "fix", "--yes", "--env")
    assert _secret_key_findings(root, tmp_path) == []
    assert (root / ".env").read_text().count(f"SECRET_KEY={SECRET}\n") == 1
