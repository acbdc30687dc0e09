"""runtime-drift in a service folder whose image pins no Python: baserow (tests/replay/baserow).

baserow's backend/ holds its pyproject.toml (`requires-python = ">=3.11"`); its image builds FROM
debian:bookworm-slim with the distribution's python3, so no FROM names a version. A `.python-version`
of 3.10 planted in backend/ (pyenv then runs 3.10 there, which `pip install -e .` refuses) passed:
the service folders' pins were compared only with their image's FROM, and the root's with the root's
range. It is now found at its line, naming the range and the services built there; a pin the range
admits, and the project as cloned, stay clean.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "baserow"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}


def _found(tmp_path: Path, pin: str | None) -> list[tuple[str, int | None, str, str]]:
    root = tmp_path / "baserow"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text((root / ".env.dev.example").read_text())
    if pin is not None:
        (root / "backend" / ".python-version").write_text(f"{pin}\n")
    env = {**ENV, "HOME": str(tmp_path)}
    options = ProjectOptions(path=root, files=(root / "docker-compose.yml", root / "docker-compose.dev.yml"), env=env)
    report = preflight(RunOptions(project=options, select=("runtime-drift",), env=env), load_registry()).report
    return [(f.location.path.relative_to(root).as_posix() if f.location else "",
             f.location.line if f.location else None, f.message, f.fix.title if f.fix else "")
            for f in report.findings]


def test_a_pin_the_folders_range_excludes_is_found(tmp_path: Path) -> None:
    assert _found(tmp_path, "3.10") == [(
        "backend/.python-version", 1,
        "python 3.10 (.python-version 3.10), outside requires-python >=3.11 (backend/pyproject.toml:15), in the "
        "folder of 'backend', 'celery' and 3 more services",
        "change python 3.10 to 3.11 in backend/.python-version:1, or widen requires-python >=3.11 in "
        "backend/pyproject.toml:15 to allow 3.10")]


def test_as_cloned_and_a_pin_the_range_admits_nothing(tmp_path: Path) -> None:
    assert _found(tmp_path / "a", None) == []
    assert _found(tmp_path / "b", "3.12") == []
