"""missing-mount: many folders one mount line misses are one finding, with one edit.

django/djangoproject.com COPYs its whole context (`COPY . /usr/src/app`); with an override that
mounts `./accounts` alone, doctor gave thirteen warnings at the same line, each "'web' mounts
accounts, djangoproject but not <app>". Past three folders they are one finding naming the first
few, and its fix adds every mount at once; up to three stay findings of their own.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

APPS = ("accounts", "aggregator", "blog", "contact", "dashboard", "members")


def _findings(root: Path, apps: tuple[str, ...]) -> list[Finding]:
    (root / "Dockerfile").write_text("FROM python:3.12\nWORKDIR /usr/src/app\nCOPY accounts ./accounts\n"
                                     + "".join(f"COPY {app} ./{app}\n" for app in apps[1:]))
    for app in apps:
        (root / app).mkdir(exist_ok=True)
        (root / app / "views.py").write_text("x = 1\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (root / "compose.override.yaml").write_text("services:\n  web:\n    volumes:\n"
                                                "      - ./accounts:/usr/src/app/accounts\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    return [f for f in MissingMount().run(Project(ProjectOptions(path=root, env=env)), Host(env=env))
            if "mounts" in f.message]


def test_five_missed_folders_are_one_finding_with_one_edit(tmp_path: Path) -> None:
    [finding] = _findings(tmp_path, APPS)
    assert finding.message == ("'web' mounts accounts but not 5 of its COPY'd folders: aggregator, blog, contact "
                               "and 2 more")
    assert finding.subject == "web:aggregator,blog,contact,dashboard,members"
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE and len(finding.fix.edits) == 1
    added = finding.fix.edits[0].new
    assert all(f"- ./{app}:/usr/src/app/{app}" in str(added) for app in APPS[1:])


def test_up_to_three_stay_findings_of_their_own(tmp_path: Path) -> None:
    found = _findings(tmp_path, APPS[:4])
    assert sorted(f.subject for f in found) == ["web:aggregator", "web:blog", "web:contact"]
    assert all(f.fix is not None and f.fix.title.startswith("mount ./") for f in found)
