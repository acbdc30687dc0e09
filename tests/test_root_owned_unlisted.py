"""root-owned-files when the walk could not list a folder (CI review).

Before: a project owned by uid 65534 with `locked/` (its own, mode 000) holding a root-owned file, run as 65534 with
DOCTOR_NO_CACHE=1: `status: passed`, console ✓, while scan_owners() returned `unreadable=(.../locked,)`: nothing read
OwnerScan.unreadable. Now a note naming the folder marks the check partial (~), with the cache on too (a warm walk
looks at the folder again and fails again). A folder that is a stray itself (root's, mode 700: a database's data) is
reported as such, and its chown -R covers what it holds: no note. Root reads through any mode, so the run is a forked
child as uid 65534 over files the test gives it (CI runs as root).
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
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run doctor as another user")


@pytest.fixture
def base() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="doctor-unlisted-"))
    made.chmod(0o755)  # reachable by another user (pytest's tmp_path is not)
    try:
        yield made
    finally:
        for path in made.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(made)


def _project(base: Path, folder: str, owner: int, mode: int) -> Path:
    root = base / "p"
    (root / folder).mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    volumes: [./:/app]\n")
    (root / folder / "cache.bin").write_text("x")  # root's
    for path in (root, root / "compose.yaml"):
        os.chown(path, NOBODY, NOBODY)
    os.chown(root / folder, owner, owner)
    (root / folder).chmod(mode)
    return root


def _preflight(base: Path, root: Path, cached: bool, fmt: str = "json") -> tuple[int, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(base), "DOCKER_HOST": "unix:///nonexistent"}
    if not cached:
        env["DOCTOR_NO_CACHE"] = "1"
    out = io.StringIO()
    code = app.preflight(app.PreflightOptions(path=root, format=fmt, env=env, select=("root-owned-files",)), out)
    return code, out.getvalue()


def _as_nobody(base: Path, root: Path, cached: bool, fmt: str = "json") -> tuple[int, str]:
    _preflight(base, root, cached)  # as root first: every module the run imports is loaded before the child drops root
    return as_user(NOBODY, lambda: _preflight(base, root, cached, fmt))  # type: ignore[return-value]


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_a_folder_it_could_not_list_makes_the_check_partial(base: Path, cached: bool) -> None:
    root = _project(base, "locked", NOBODY, 0)
    for _ in range(2 if cached else 1):  # the second run walks from the cache the first stored
        code, out = _as_nobody(base, root, cached)
        report = json.loads(out)
        (result,) = report["checks"]
        assert result["status"] == "partial", result
        assert result["reason"] == "could not list a folder, so what it holds was not checked: locked"
        assert [(f["severity"], f["subject"]) for f in report["findings"]] == [("info", "unlisted")]
        assert code == 0


def test_the_console_shows_it_partial_not_passed(base: Path) -> None:
    root = _project(base, "locked", NOBODY, 0)
    _, out = _as_nobody(base, root, False, "console")
    row = next(line for line in out.splitlines() if "root-owned-files" in line)
    assert row.lstrip().startswith("~"), out
    assert "locked" in out


def test_a_stray_folder_it_cannot_list_is_reported_itself_not_unlisted(base: Path) -> None:
    root = _project(base, "pgdata", 0, 0o700)
    _, out = _as_nobody(base, root, False)
    report = json.loads(out)
    (result,) = report["checks"]
    assert result["status"] == "failed", result
    assert [f["subject"] for f in report["findings"] if f["subject"] == "unlisted"] == []
    assert any("pgdata" in f["message"] for f in report["findings"]), report["findings"]


def test_a_folder_it_can_list_leaves_the_check_passed(base: Path) -> None:
    root = _project(base, "open", NOBODY, 0o755)
    os.chown(root / "open" / "cache.bin", NOBODY, NOBODY)
    _, out = _as_nobody(base, root, False)
    (result,) = json.loads(out)["checks"]
    assert result["status"] == "passed", result
