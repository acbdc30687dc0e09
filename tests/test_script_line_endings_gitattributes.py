"""script-line-endings reads every .gitattributes git reads, not only the compose project's own.

Shaped like penpot/penpot: the compose project is docker/devenv (docker-compose.main.yml builds
Dockerfile, which COPYs files/entrypoint.sh and makes it the ENTRYPOINT), and the repository's
rules live in the root .gitattributes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

CHECK = "script-line-endings"


def _penpot_like(root: Path, root_attributes: str | None) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    if root_attributes is not None:
        (root / ".gitattributes").write_text(root_attributes)
    devenv = root / "docker" / "devenv"
    (devenv / "files").mkdir(parents=True)
    (devenv / "docker-compose.main.yml").write_text(
        "services:\n  main:\n    image: \"penpotapp/devenv:latest\"\n    build:\n      context: \".\"\n")
    (devenv / "Dockerfile").write_text(
        "FROM ubuntu:26.04\nCOPY files/entrypoint.sh /home/entrypoint.sh\n"
        "ENTRYPOINT [\"/home/entrypoint.sh\"]\n")
    (devenv / "files" / "entrypoint.sh").write_bytes(b"#!/usr/bin/env bash\r\nset -e\r\nexec \"$@\"\r\n")
    return devenv


def _findings(devenv: Path, cwd: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(devenv), "DOCTOR_NO_CACHE": "1"}
    options = ProjectOptions(path=devenv, files=(devenv / "docker-compose.main.yml",), env=env, cwd=cwd)
    report = preflight(RunOptions(project=options, select=(CHECK,), env=env), load_registry()).report
    return [f for f in report.findings if f.check == CHECK]


@pytest.mark.parametrize("rule", ["*.sh text eol=lf\n", "docker/devenv/files/*.sh text eol=lf\n"])
def test_a_root_rule_keeps_the_nested_projects_script_at_lf(tmp_path: Path, rule: str) -> None:
    devenv = _penpot_like(tmp_path, "frontend/vendor/* linguist-vendored\n" + rule)
    found = _findings(devenv, tmp_path)
    assert [f.message for f in found] == ["has CRLF line endings and reaches 'main' (ENTRYPOINT)"]


def test_without_a_rule_the_fix_names_the_file_it_writes(tmp_path: Path) -> None:
    devenv = _penpot_like(tmp_path, "frontend/vendor/* linguist-vendored\n")
    found = _findings(devenv, tmp_path)
    attributes = [f for f in found if f.subject == ".gitattributes"]
    assert len(attributes) == 1 and attributes[0].fix is not None
    assert attributes[0].fix.title == "add '*.sh text eol=lf' to docker/devenv/.gitattributes"
