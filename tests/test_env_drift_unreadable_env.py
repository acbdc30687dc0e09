"""env-drift on an env file this user cannot read (CI review).

Before: examples/broken-stack copied with a root-owned `.env` of mode 600, run as uid 65534: compose-config rightly
said `cannot read env file: permission denied`, and env-drift added 11 warnings judging the file as empty
("'POSTGRES_PORT' is not set ...", "'DOMAIN' from .env.example is missing from .env" with the fix "add DOMAIN to
.env"), exit 1. So for a service's own `backend/.env` beside `backend/.env.example`, and for one saved as UTF-16.
Compose stops at such a file: what it sets is not known, so env-drift judges nothing of it, as for a binary or UTF-16
`.env`, and is partial. Root reads through any mode, so the run is a forked child as uid 65534 over files root owns
(CI runs as root).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_as import as_user

from doctor import app

NOBODY = 65534
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "broken-stack"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run doctor as another user")


@pytest.fixture
def base() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="doctor-unreadable-env-"))
    made.chmod(0o755)  # reachable by another user (pytest's tmp_path is not)
    try:
        yield made
    finally:
        shutil.rmtree(made)


def _open_to_all(root: Path) -> None:
    for path in (root, *root.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _preflight(root: Path) -> tuple[int, list[tuple[str, str]], dict[str, str]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent"}
    out = io.StringIO()
    code = app.preflight(app.PreflightOptions(path=root, format="json", env=env,
                                              select=("env-drift", "compose-config")), out)
    report = json.loads(out.getvalue())
    return (code, [(f["check"], f["message"]) for f in report["findings"]],
            {c["id"]: c["status"] for c in report["checks"]})


def _as_nobody(root: Path) -> tuple[int, list[tuple[str, str]], dict[str, str]]:
    _preflight(root)  # as root first: every module the run imports is loaded before the child drops root
    return as_user(NOBODY, lambda: _preflight(root))  # type: ignore[return-value]


@needs_root
def test_an_unreadable_dotenv_is_not_judged_empty(base: Path) -> None:
    root = base / "unr"
    shutil.copytree(EXAMPLE, root)
    _open_to_all(root)
    (root / ".env").chmod(0o600)  # root's: uid 65534 cannot read it
    (root / "backend" / "Dockerfile").chmod(0o600)
    code, findings, status = _as_nobody(root)
    assert [m for c, m in findings if c == "env-drift"] == []
    assert ("compose-config", "cannot read env file: permission denied") in findings
    assert status["env-drift"] == "partial"
    assert code == 1  # compose-config's error


def _service_env_project(root: Path) -> None:
    (root / "backend").mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    env_file: backend/.env\n")
    (root / "backend" / ".env").write_text("X=1\nY=2\n")
    (root / "backend" / ".env.example").write_text("X=1\nY=2\nZ=3\n")
    _open_to_all(root)


@needs_root
def test_an_unreadable_service_env_file_is_not_judged_empty(base: Path) -> None:
    root = base / "svc"
    _service_env_project(root)
    (root / "backend" / ".env").chmod(0o600)
    _, findings, status = _as_nobody(root)
    assert [m for c, m in findings if c == "env-drift"] == []
    assert ("compose-config", "cannot read env file: permission denied") in findings
    assert status["env-drift"] == "partial"


@needs_root
def test_a_readable_service_env_file_is_still_compared(base: Path) -> None:
    root = base / "svc"
    _service_env_project(root)
    _, findings, _ = _as_nobody(root)
    assert [m for c, m in findings if c == "env-drift"] == [
        "'Z' from backend/.env.example is missing from backend/.env (env_file of 'web')"]


def test_a_utf16_service_env_file_is_not_judged_empty(base: Path) -> None:
    root = base / "svc"
    _service_env_project(root)
    (root / "backend" / ".env").write_bytes("X=1\r\nY=2\r\n".encode("utf-16"))
    _, findings, _ = _preflight(root)
    assert [m for c, m in findings if c == "env-drift"] == []
    assert any(c == "compose-config" and "UTF-16" in m for c, m in findings), findings
