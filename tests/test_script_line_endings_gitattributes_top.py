"""script-line-endings' `.gitattributes` rule goes to the checkout's own file.

mealie-recipes/mealie keeps its compose project in docker/ (built from `..`) and a .gitattributes at
the repository's top: `doctor fix --scripts docker` created docker/.gitattributes beside it. The
rule is appended to the top's file where fixes may write there; a compose folder that builds from
itself alone keeps its own file.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.checks.script_line_endings import ScriptLineEndings

from doctor.host import Host
from doctor.project import Project, ProjectOptions


def _mealie(root: Path, context: str) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitattributes").write_text("*.png binary\n")
    (root / "docker").mkdir()
    (root / "docker" / "entry.sh").write_bytes(b"#!/bin/sh\r\nexec gunicorn app\r\n")
    (root / "docker" / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY docker/entry.sh /entry.sh\n"
                                                "ENTRYPOINT [\"/entry.sh\"]\n")
    (root / "docker" / "docker-compose.yml").write_text(
        f"services:\n  mealie:\n    build:\n      context: {context}\n      dockerfile: docker/Dockerfile\n")
    return root / "docker"


def _attributes_fix(folder: Path) -> tuple[Path, str]:
    project = Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "HOME": str(folder)}))
    [finding] = [f for f in ScriptLineEndings().run(project, Host(env={})) if f.subject == ".gitattributes"]
    assert finding.fix is not None and finding.location is not None
    return finding.location.path, finding.fix.edits[0].new


def test_the_rule_goes_to_the_checkouts_own_gitattributes(tmp_path: Path) -> None:
    folder = _mealie(tmp_path / "mealie", "..")
    path, new = _attributes_fix(folder)
    assert path == tmp_path / "mealie" / ".gitattributes"
    assert new == "*.sh text eol=lf\n"  # appended to its rules
