"""What the root-owned-files advice tests share: a tree chowned to one owner, the check run on it
with no cache and no UID exported (as from bash), and a finding's fix title."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.checks.root_owned_files import RootOwnedFiles

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions


def chown_tree(top: Path, uid: int) -> None:
    """Every folder and file under `top` (itself included) to uid:uid, links themselves."""
    for folder, dirs, names in os.walk(top):
        for name in [folder, *(os.path.join(folder, n) for n in [*dirs, *names])]:
            os.lchown(name, uid, uid)


def run_check(project: Path) -> dict[str, Finding]:
    env = {"PATH": os.environ["PATH"], "DOCTOR_NO_CACHE": "1"}  # no UID exported, as from bash
    findings = RootOwnedFiles().run(Project(ProjectOptions(path=project, env=env)), Host(env=env))
    return {f.subject: f for f in findings}


def title(finding: Finding) -> str:
    assert finding.fix is not None
    return finding.fix.title
