"""script-line-endings and files run by their path, whatever their suffix, and a platform's build.

New-user trial on django-react-boilerplate: `backend/manage.py`, executable, starts
`#!/usr/bin/env python\\r`; a recipe runs it by its path (`env: 'python\\r'` in the container where
host-vs-container sends it), and the check, walking the bound folder for `*.sh` only, missed it.
`render_build.sh`, which only render.yaml's `buildCommand` runs (Render's build, no container), was
an error "reaches 'backend' (bind mount)" because a bind of `./` carries it along.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.script_line_endings import ScriptLineEndings

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

COMPOSE = ("services:\n  backend:\n    build: {dockerfile: backend/Dockerfile, context: .}\n"
           "    volumes: [\"./:/home/user/app/\"]\n")
DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /home/user/app\nCMD [\"gunicorn\", \"app.wsgi\"]\n"
MANAGE = b"#!/usr/bin/env python\r\nimport sys\r\nprint(sys.argv)\r\n"


def findings(root: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env))
    return [f for f in ScriptLineEndings().run(project, Host(env=env, timeout=1.0)) if f.subject != ".gitattributes"]


def layout(root: Path, makefile: str) -> None:
    (root / "backend").mkdir(parents=True)
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "backend" / "Dockerfile").write_text(DOCKERFILE)
    (root / "backend" / "manage.py").write_bytes(MANAGE)
    (root / "backend" / "manage.py").chmod(0o755)
    (root / "Makefile").write_text(makefile)


def test_a_python_file_a_recipe_runs_by_its_path_is_judged_by_its_shebang(tmp_path: Path) -> None:
    layout(tmp_path, "test:\n\tbackend/manage.py test\n")
    [error] = findings(tmp_path)
    assert error.subject == "backend/manage.py"
    assert error.message == "has CRLF line endings and reaches 'backend' (bind mount, docker-compose.yml:4)"
    assert error.fix is not None and error.fix.edits


def test_a_python_file_run_by_its_interpreter_is_not_a_script(tmp_path: Path) -> None:
    layout(tmp_path, "test:\n\tpython backend/manage.py test\n")
    assert findings(tmp_path) == []


def test_a_script_only_render_builds_is_a_warning_naming_render(tmp_path: Path) -> None:
    layout(tmp_path, "test:\n\tpython backend/manage.py test\n")
    (tmp_path / "render_build.sh").write_bytes(b"#!/bin/bash\r\nset -e\r\npip install -r requirements.txt\r\n")
    (tmp_path / "render_build.sh").chmod(0o755)
    (tmp_path / "render.yaml").write_text("services:\n  - type: web\n    name: app\n"
                                          "    buildCommand: \"./render_build.sh\"\n")
    [warning] = findings(tmp_path)
    assert warning.severity is Severity.WARNING
    assert warning.message == "has CRLF line endings and breaks Render's buildCommand (render.yaml:4)"
    assert warning.fix is not None and warning.fix.edits and "rebuild" not in warning.fix.title


def test_a_render_blueprint_at_the_checkout_top_is_read_for_a_compose_folder_below(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # a checkout's top, as find_repo sees it (no git run)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "compose.yaml").write_text("services:\n  web:\n    image: python:3.12-slim\n"
                                                      "    volumes: [\"..:/app\"]\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "render_build.sh").write_bytes(b"#!/bin/bash\r\npip install -r requirements.txt\r\n")
    (tmp_path / "render.yaml").write_text("services:\n  - type: web\n    buildCommand: bash bin/render_build.sh\n")
    [warning] = findings(tmp_path / "docker")
    assert warning.message == "has CRLF line endings and breaks Render's buildCommand (../render.yaml:3)"
