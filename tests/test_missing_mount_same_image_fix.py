"""missing-mount: one `doctor fix` gives every service of an image the folders they all miss.

nickjj/docker-django-example with an override mounting ./src/config alone for web and for worker
(one image): `doctor fix --mounts` added src/pages, src/templates and src/up to web one round at a
time, and skipped worker's three "applied in the next round". After the first round web mounted
src/pages, which made worker's gap look chosen by the author (a sibling of the image mounts it),
so the check dropped worker's findings: no round applied them, a second fix said "nothing to
fix", and preflight passed while worker ran the image's copies. Now each such fix adds the mount
for every service of the image missing the folder, in one edit.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.missing_mount import MissingMount

from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

OVERRIDE = """services:
  web:
    volumes:
      - ./src/config:/app/src/config{web}
  worker:
    command: celery -A config worker
    volumes:
      - ./src/config:/app/src/config
"""


def _project(root: Path, web_extra: str = "") -> dict[str, str]:
    root.mkdir()
    (root / "Dockerfile").write_text("FROM python:3.12\nWORKDIR /app\nCOPY src/config ./src/config\n"
                                     "COPY src/pages ./src/pages\nCOPY src/up ./src/up\n")
    for app in ("config", "pages", "up"):
        (root / "src" / app).mkdir(parents=True)
        (root / "src" / app / "__init__.py").write_text("")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n  worker:\n    build: .\n")
    (root / "compose.override.yaml").write_text(OVERRIDE.format(web=web_extra))
    return {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "state")}


def _findings(root: Path, env: dict[str, str]) -> list[Finding]:
    project = Project(ProjectOptions(path=root, env=env))
    return [f for f in MissingMount().run(project, Host(env=env)) if "mounts" in f.message]


def test_one_fix_run_mounts_the_folders_for_each_service_of_the_image(tmp_path: Path) -> None:
    root = tmp_path / "app"
    env = _project(root)
    assert sorted(f.subject for f in _findings(root, env)) == [
        "web:src/pages", "web:src/up", "worker:src/pages", "worker:src/up"]
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"mounts"}), yes=True,
                         env=env)
    report = fix(options, Registry({"missing-mount": MissingMount}))
    shown = render_fix_report(report)
    assert report.exit_code == 0, shown
    assert not [r for r in report.results if r.status is FixStatus.SKIPPED], shown
    assert all(r.fixed for r in report.results), shown
    text = (root / "compose.override.yaml").read_text()
    web, _, worker = text.partition("  worker:")
    for folder in ("pages", "up"):
        assert f"- ./src/{folder}:/app/src/{folder}" in web
        assert f"- ./src/{folder}:/app/src/{folder}" in worker
    assert _findings(root, env) == []
    again = fix(options, Registry({"missing-mount": MissingMount}))
    assert again.results == () and (root / "compose.override.yaml").read_text() == text


def test_each_finding_of_the_image_carries_the_same_edit_for_all(tmp_path: Path) -> None:
    """web's and worker's src/up findings: one edit, adding the line to both (the fixer plans it once)."""
    root = tmp_path / "app"
    env = _project(root, "\n      - ./src/pages:/app/src/pages")
    found = {f.subject: f for f in _findings(root, env)}
    # worker missing src/pages that web mounts by hand is the author's choice: left alone
    assert sorted(found) == ["web:src/up", "worker:src/up"]
    web, worker = found["web:src/up"].fix, found["worker:src/up"].fix
    assert web is not None and worker is not None and web == worker
    assert web.title == "mount ./src/up at /app/src/up in the dev override for 'web', 'worker'"
    assert str(web.edits[0].new).count("- ./src/up:/app/src/up") == 2
