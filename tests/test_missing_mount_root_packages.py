"""missing-mount on a repo-root build context: its Python packages count, one finding per shared lines.

openfoodfacts/robotoff builds every service from the repo root (`COPY . /opt/robotoff`) and its
docker/dev.yml anchor mounts tests/, migrations/, scripts/ and ten more into eleven services: with
the package robotoff/ left out (the mission's forgotten mount), edits to the app never reached a
container and doctor said nothing, since a repo-root context was not judged folder by folder.
Its top folders that are Python packages (an `__init__.py`) are judged now; docs/ and the like
still are not. Eleven services merging the one anchor are one finding, fixed for each at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.checks.missing_mount import MissingMount

from doctor.engine import Registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

COMPOSE = "services:\n  api:\n    build: .\n  worker:\n    build: .\n"
OVERRIDE = ("x-dev: &dev\n  volumes:\n    - ./tests:/opt/robotoff/tests\n    - ./docs:/opt/robotoff/docs\n\n"
            "services:\n  api:\n    <<: *dev\n  worker:\n    <<: *dev\n")


def _robotoff(root: Path, mounted: tuple[str, ...] = ()) -> Path:
    for package in ("robotoff", "tests"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# docs\n")
    (root / "Dockerfile").write_text("FROM python:3.11-slim\nWORKDIR /opt/robotoff\nCOPY . /opt/robotoff\n")
    (root / "compose.yaml").write_text(COMPOSE)
    extra = "".join(f"    - ./{m}:/opt/robotoff/{m}\n" for m in mounted)
    (root / "compose.override.yaml").write_text(OVERRIDE.replace("\n\nservices", f"\n{extra}\nservices", 1))
    return root


def _env(root: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "s")}


def _findings(root: Path) -> list[Finding]:
    project = Project(ProjectOptions(path=root, env=_env(root)))
    return [f for f in MissingMount().run(project, Host(env={})) if "but not" in f.message]


def test_the_forgotten_package_of_a_root_context_is_one_finding_for_the_services_sharing_the_mounts(
        tmp_path: Path) -> None:
    root = _robotoff(tmp_path / "robotoff")
    [finding] = _findings(root)
    assert finding.message == "'api', 'worker' (2 services sharing these mounts) mount tests but not robotoff"
    assert finding.subject == "api,worker:robotoff"
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    report = fix(FixOptions(project=ProjectOptions(path=root, env=_env(root)), env=_env(root), yes=True),
                 Registry({"missing-mount": MissingMount}))
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)]
    # the anchor's list gets the mount (a service's own `volumes:` would replace the anchor's), above
    # the blank line that separates it from `services:`
    assert (root / "compose.override.yaml").read_text() == OVERRIDE.replace(
        "docs\n\n", "docs\n    - ./robotoff:/opt/robotoff/robotoff\n\n")
    assert _findings(root) == []


def test_mounted_packages_and_folders_of_no_package_say_nothing(tmp_path: Path) -> None:
    assert _findings(_robotoff(tmp_path / "all", ("robotoff",))) == []


def test_a_package_named_like_a_docs_or_deploy_folder_still_counts(tmp_path: Path) -> None:
    """docker/awesome-compose's django sample: its Django project is the package app/example/
    (settings.py, urls.py); `example` is on the list of folders taken for samples or docs, so with a
    sibling app/polls/ mounted alone missing-mount said ✓. A package is code, whatever its name."""
    root = tmp_path / "django"
    for package in ("example", "polls"):
        (root / "app" / package).mkdir(parents=True)
        (root / "app" / package / "__init__.py").write_text("")
    (root / "app" / "examples").mkdir()  # no package: samples, not judged
    (root / "app" / "examples" / "demo.md").write_text("# demo\n")
    (root / "app" / "Dockerfile").write_text("FROM python:3.11\nWORKDIR /app\nCOPY . /app\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: app\n")
    (root / "compose.override.yaml").write_text("services:\n  web:\n    volumes:\n      - ./app/polls:/app/polls\n")
    assert [f.message for f in _findings(root)] == ["'web' mounts app/polls but not app/example"]
