"""doctor.yaml settings reach the checks: `tools` (path-gap), `exclude` (root-owned-files), severity."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.checks.path_gap import PathGap
from doctor.checks.root_owned_files import RootOwnedFiles

from doctor.engine import RunOptions, load_registry, preflight
from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

COMPOSE = "services:\n  app:\n    image: busybox\n"


def test_tools_from_config_are_looked_up_on_both_paths(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text(COMPOSE)
    (project / "doctor.yaml").write_text("tools:\n  - mytool\n")
    home, bin_dir = tmp_path / "home", tmp_path / "brew" / "bin"
    home.mkdir()
    bin_dir.mkdir(parents=True)
    (bin_dir / "mytool").write_text("#!/bin/sh\necho mytool 1.0\n")
    (bin_dir / "mytool").chmod(0o755)
    (home / ".bash_profile").write_text(f'export PATH="/usr/bin:/bin:{bin_dir}"\n')
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": "/bin/bash"}
    findings = list(PathGap().run(Project(ProjectOptions(path=project, env=env)), Host(env=env)))
    about = [f for f in findings if f.subject == "tool:mytool"]
    assert len(about) == 1, [f.message for f in findings]
    assert str(bin_dir) in about[0].message
    assert about[0].location is not None and about[0].location.path == project / "doctor.yaml"
    assert about[0].location.line == 1


def test_exclude_from_config_keeps_paths_out_of_the_ownership_scan(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    for folder in ("cache", "build"):
        (project / folder).mkdir(parents=True)
        (project / folder / "file").write_text("x")
    (project / "compose.yaml").write_text(COMPOSE)
    (project / "doctor.yaml").write_text("exclude:\n  - cache\n")
    os.chown(project, 1000, 1000)
    for path in (project / "compose.yaml", project / "doctor.yaml"):
        os.chown(path, 1000, 1000)  # the rest stays root's: both folders are strays unless excluded
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    findings = list(RootOwnedFiles().run(Project(ProjectOptions(path=project, env=env)), Host(env=env)))
    subjects = sorted(f.subject for f in findings)
    assert any("build" in s for s in subjects), subjects
    assert not any("cache" in s for s in subjects), subjects


def test_severity_from_config_changes_a_checks_findings(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text(COMPOSE + "    environment:\n      A: ${UNSET_VARIABLE}\n")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    options = RunOptions(project=ProjectOptions(path=project, env=env), select=("env-drift",),
                         severities={"env-drift": Severity.ERROR}, env=env)
    findings = preflight(options, load_registry()).report.findings
    assert findings and {f.severity for f in findings} == {Severity.ERROR}


def test_root_owned_files_name_the_service_whose_mount_covers_them(tmp_path: Path) -> None:
    """backend/app is bind-mounted into 'api': root-owned files under it point at 'api' as their writer."""
    project = tmp_path / "proj"
    (project / "backend" / "app" / "__pycache__").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  api:\n    image: busybox\n    volumes:\n"
                                          "      - ./backend/app:/app\n")
    for path in (project, project / "backend", project / "backend" / "app", project / "compose.yaml"):
        os.chown(path, 1000, 1000)
    (project / "backend" / "app" / "__pycache__" / "x.pyc").write_text("")  # root's, like the rest below
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    (finding,) = RootOwnedFiles().run(Project(ProjectOptions(path=project, env=env)), Host(env=env))
    assert finding.subject == "owner:backend"
    assert finding.fix is not None and "'api'" in finding.fix.title
