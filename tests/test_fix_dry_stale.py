"""A dry run's scratch folder left behind by a killed dry run is removed by a later one.

A review of d2a8bc2e found that SIGTERM and SIGHUP end a dry run with its copy removed, but SIGKILL (the OOM
killer, a CI job's timeout) leaves `doctor-dry-*` in TMPDIR, a whole copy of the project, and nothing removed
it later. Now each scratch folder is named for its process (`doctor-dry-PID-...`), and a dry run removes the
folders of dry runs whose process is gone and which are over an hour old, never a live one's, a recent one's
(a dry run in another PID namespace sharing TMPDIR) or another user's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from test_fix_dry_rounds import environment
from test_fixer import TwoFixesOneLine, make_project

from doctor.dry_verdict import STALE_AFTER, scratch_folder
from doctor.engine import Registry
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions


def _dead_pid() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def _folder(temp: Path, name: str, age: float) -> Path:
    folder = temp / name
    (folder / "proj").mkdir(parents=True)
    (folder / "proj" / "compose.yaml").write_text("services: {}\n")
    then = time.time() - age
    os.utime(folder, (then, then))
    return folder


def test_a_killed_dry_runs_old_folder_is_removed_and_no_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead = _dead_pid()
    killed = _folder(temp, f"doctor-dry-{dead}-abc123", STALE_AFTER + 60)
    recent = _folder(temp, f"doctor-dry-{dead}-def456", 60)  # maybe a live dry run in another PID namespace
    alive = _folder(temp, f"doctor-dry-{os.getpid()}-ghi789", STALE_AFTER + 60)
    unnamed = _folder(temp, "doctor-dry-oldstyle", STALE_AFTER + 60)  # no pid in its name: whose, unknown
    other = _folder(temp, f"other-{dead}-x", STALE_AFTER + 60)
    root = make_project(tmp_path / "p")
    env = environment(tmp_path / "state")
    report = fix(FixOptions(project=ProjectOptions(path=root, env=env), env=env, dry_run=True),
                 Registry({"env-drift": TwoFixesOneLine}))
    assert report.dry_run
    assert not killed.exists()
    assert recent.exists() and alive.exists() and unnamed.exists() and other.exists()
    assert sorted(p.name for p in temp.iterdir()) == sorted(p.name for p in (recent, alive, unnamed, other))
    assert (root / ".env").read_text() == "COLOR=red\n"


def test_the_scratch_folder_is_named_for_its_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with scratch_folder() as scratch:
        assert Path(scratch).name.startswith(f"doctor-dry-{os.getpid()}-")
    assert not Path(scratch).exists()
