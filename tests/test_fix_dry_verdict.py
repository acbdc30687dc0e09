"""`doctor fix --dry-run` exits as `doctor fix` does when another fix settles an error.

AdventureLog (tests/replay/adventurelog) with no `.env`: compose-config's two errors (POSTGRES_PASSWORD
is required) carry advice alone, and env-drift's copy of `.env.example` settles both. The run copies
the file, re-checks and exits 0; the dry run said "2 error(s) would be left" and exited 1. It now
writes its edits to a scratch copy, re-runs those checks there, and never writes the project.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

import doctor.dry_verdict
from doctor.engine import load_registry
from doctor.fix_report import FixReport, FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).resolve().parent / "replay"
REQUIRED = 'services:\n  web:\n    image: "busybox:${TAG:?set TAG}"\n    command: sleep 1\n'


def tree(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
            digest.update(f"{path.stat().st_mode} {path.stat().st_nlink}".encode())
    return digest.hexdigest()


def run(root: Path, state: Path, dry_run: bool) -> FixReport:
    env = {"HOME": str(state), "XDG_STATE_HOME": str(state / "xdg"), "PATH": os.environ.get("PATH", ""),
           "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    state.mkdir(exist_ok=True)
    options = FixOptions(project=ProjectOptions(path=root, env=env), env=env, dry_run=dry_run, yes=True)
    return fix(options, load_registry())


def both(root: Path, state: Path) -> tuple[FixReport, FixReport]:
    """The dry run on `root` (which it must leave byte for byte), then the run on a copy of it."""
    before = tree(root)
    dry = run(root, state, True)
    assert tree(root) == before
    real_root = root.parent / f"{root.name}-run" / root.name
    shutil.copytree(root, real_root)
    return dry, run(real_root, state, False)


def test_an_error_another_fix_settles_is_not_left_by_the_dry_run(tmp_path: Path) -> None:
    root = tmp_path / "p" / "app"
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(REQUIRED)
    (root / ".env.example").write_text("TAG=1.36\n")
    dry, real = both(root, tmp_path / "s")
    assert real.exit_code == 0
    text = render_fix_report(dry)
    assert dry.exit_code == 0, text
    assert "would be left" not in text
    assert "(would be fixed): the check would no longer report it after this run's other fixes" in text, text
    assert not (root / ".env").exists()


def test_an_error_no_fix_settles_is_still_left_by_the_dry_run(tmp_path: Path) -> None:
    root = tmp_path / "p" / "app"
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(REQUIRED + "    environment:\n      OTHER: ${OTHER}\n")
    (root / ".env.example").write_text("OTHER=1\n")  # copied, but it does not set TAG
    dry, real = both(root, tmp_path / "s")
    assert real.exit_code == 1
    assert [r.status for r in dry.results if r.check == "env-drift"] == [FixStatus.DRY_RUN]
    text = render_fix_report(dry)
    assert dry.exit_code == 1, text
    assert "exit 1: 1 error(s) would be left" in text and "required variable TAG is missing" in text, text


def test_adventurelog_without_env_dry_run_exits_as_the_run(tmp_path: Path) -> None:
    root = tmp_path / "adventurelog"
    shutil.copytree(REPLAY / "adventurelog", root)
    dry, real = both(root, tmp_path / "s")
    assert real.exit_code == 0, render_fix_report(real)
    text = render_fix_report(dry)
    assert dry.exit_code == 0, text
    assert text.count("skipped  compose-config") == 2, text
    assert text.count("(would be fixed): the check would no longer report it after this run's other fixes") == 2, text


def test_where_no_copy_can_tell_the_error_may_be_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.dry_verdict, "MAX_FILES", 1)  # a folder too large to mirror
    root = tmp_path / "p" / "app"
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(REQUIRED)
    (root / ".env.example").write_text("TAG=1.36\n")
    before = tree(root)
    dry = run(root, tmp_path / "s", True)
    assert tree(root) == before
    text = render_fix_report(dry)
    assert dry.exit_code == 0, text
    assert "may be left: another fix may settle it" in text and "would be left" not in text, text


def test_a_file_no_hard_link_reaches_is_copied_and_a_fifo_only_named(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Another file system (os.link fails): a small file is copied, a FIFO in the project (a dev tool's
    pipe) is linked by name and never opened, which would block the dry run."""
    def cross_device(*_: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(doctor.dry_verdict.os, "link", cross_device)
    root = tmp_path / "p" / "app"
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(REQUIRED)
    (root / ".env.example").write_text("TAG=1.36\n")
    os.mkfifo(root / "pipe")
    dry = run(root, tmp_path / "s", True)
    text = render_fix_report(dry)
    assert dry.exit_code == 0 and "(would be fixed)" in text and "may be left" not in text, text
    assert not (root / ".env").exists()
