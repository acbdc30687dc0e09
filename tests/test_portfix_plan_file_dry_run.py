"""A dry run of a block-mode port fix moving several ports of tracked compose files (full-stack-fastapi-
template's compose.override.yml, a second worktree): each move is a round of its own (all write the new
compose.ports.yaml), and each planned the worktree's info/exclude line on the repository's file, which a
dry run leaves untouched; its diff showed `+compose.ports.yaml` once per round (8 times for fastapi's 8
ports) where the run writes it once. The dry run's rounds now re-plan that shared file on its copy, as
the run re-plans it on the file as it is (doctor.sharedexclude)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_portfix import BusyPorts, FakeHost, FakePorts, project_env, tree
from test_portfix_plan_file import _exclude, _worktree

import doctor.host
import doctor.host.containers
from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.host.containers import ComposeProjectLabels
from doctor.project import ProjectOptions


def test_a_dry_run_shows_the_exclude_line_once_as_the_run_writes_it(tmp_path: Path, monkeypatch: Any) -> None:
    root = _worktree(tmp_path, "FASTAPI_ENV=development\n", track_env=True)
    monkeypatch.setattr(doctor.host, "Host", FakeHost)
    main = str(tmp_path / "main")  # the main checkout's stack runs: the tracks are side by side
    monkeypatch.setattr(doctor.host.containers, "compose_projects",
                        lambda engine: (ComposeProjectLabels("main", main, (f"{main}/compose.yml",)),))
    monkeypatch.setattr(FakeHost, "ports_for_run", FakePorts({80, 8090, 5432}))
    env = {**project_env(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    options = FixOptions(ProjectOptions(path=root, env=env), env=env, dry_run=True)
    before, exclude = tree(root), _exclude(root).read_text()
    dry = fix(options, Registry({"port-collision": BusyPorts}))
    shown = render_fix_report(dry)
    assert tree(root) == before and _exclude(root).read_text() == exclude
    assert len(dry.results) == 3, shown
    assert shown.count("+compose.ports.yaml") == 1, shown
    done = fix(FixOptions(ProjectOptions(path=root, env=env), env=env), Registry({"port-collision": BusyPorts}))
    assert all(r.status is FixStatus.APPLIED for r in done.results), render_fix_report(done)
    assert _exclude(root).read_text().splitlines().count("compose.ports.yaml") == 1
    # the dry run's diff of the shared file is the run's
    wrote = "".join(d.diff for d in done.diffs if "exclude" in d.diff.splitlines()[0])
    assert wrote and wrote.split("\n", 2)[2] in shown
