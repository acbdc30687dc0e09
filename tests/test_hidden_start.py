"""volume-shadowing: a bind over the folder holding the file the container starts.

seanmorley15/AdventureLog's docker/docker-compose.dev.yml binds `../backend/server:/code` into `server`,
whose image COPYs `backend/entrypoint.sh` to `/code/entrypoint.sh` and names it as ENTRYPOINT: the
bind replaces /code with a folder that has no entrypoint.sh, and `up` fails with `exec
/code/entrypoint.sh: no such file or directory`. doctor said "16 checks (16 passed)".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

DOCKERFILE = """FROM python:3.13-slim
WORKDIR /code
COPY backend/server /code/
COPY backend/entrypoint.sh /code/entrypoint.sh
ENTRYPOINT ["/code/entrypoint.sh"]
CMD ["supervisord"]
"""
COMPOSE = """services:
  server:
    build:
      context: ..
      dockerfile: docker/Dockerfile
{extra}    volumes:
      - ../backend/server:/code
"""


def _findings(root: Path, dockerfile: str = DOCKERFILE, extra: str = "") -> list[Finding]:
    (root / "backend" / "server").mkdir(parents=True)
    (root / "backend" / "server" / "manage.py").write_text("print('x')\n")
    (root / "backend" / "entrypoint.sh").write_text("#!/bin/sh\nexec \"$@\"\n")
    (root / "docker").mkdir()
    (root / "docker" / "Dockerfile").write_text(dockerfile)
    (root / "docker" / "compose.yaml").write_text(COMPOSE.format(extra=extra))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root / "docker", env=env, cwd=root))
    return [f for f in VolumeShadowing().run(project, Host(env=env, timeout=1.0)) if "entrypoint" in f.subject
            or "start" in f.subject]


def test_a_bind_over_the_images_entrypoint_is_an_error(tmp_path: Path) -> None:
    [found] = _findings(tmp_path)
    assert found.severity is Severity.ERROR
    assert found.message == ("'server' bind backend/server:/code hides /code/entrypoint.sh, which is its image's "
                             "ENTRYPOINT: backend/server has no entrypoint.sh, so the container cannot start "
                             "(`exec ... no such file or directory`)"), found.message
    assert found.location is not None and found.location.line == 7
    assert found.subject == "server:/code/entrypoint.sh"


def test_a_compose_command_running_a_hidden_script_through_a_shell_is_one_too(tmp_path: Path) -> None:
    dockerfile = DOCKERFILE.replace('ENTRYPOINT ["/code/entrypoint.sh"]\n', "").replace(
        "backend/entrypoint.sh /code/entrypoint.sh", "backend/entrypoint.sh /code/start.sh")
    [found] = _findings(tmp_path, dockerfile, '    command: ["sh", "/code/start.sh"]\n')
    assert "hides /code/start.sh, which its command runs" in found.message, found.message


@pytest.mark.parametrize("case", ["in-the-bind", "copied-whole", "deeper-volume", "own-entrypoint", "made-by-run"])
def test_what_the_container_still_finds_is_no_finding(tmp_path: Path, case: str) -> None:
    dockerfile, extra = DOCKERFILE, ""
    if case == "in-the-bind":  # the bound folder has the script too
        (tmp_path / "backend" / "server").mkdir(parents=True)
        (tmp_path / "backend" / "server" / "entrypoint.sh").write_text("#!/bin/sh\n")
    elif case == "copied-whole":  # the image's file is the bound folder's own (COPY of it): the build needs it
        dockerfile = DOCKERFILE.replace("COPY backend/entrypoint.sh /code/entrypoint.sh\n", "")
    elif case == "own-entrypoint":  # compose starts something else
        extra = '    entrypoint: ["/usr/local/bin/gunicorn"]\n'
    elif case == "made-by-run":  # no COPY from the host puts it there
        dockerfile = DOCKERFILE.replace("COPY backend/entrypoint.sh /code/entrypoint.sh\n",
                                        "RUN printf '#!/bin/sh\\n' > /code/entrypoint.sh\n")
    if case == "deeper-volume":
        bind = "      - ../backend/server:/code\n"
        compose = COMPOSE.format(extra="").replace(bind, bind + "      - scripts:/code/entrypoint.sh\n")
        found = _findings_with(tmp_path, dockerfile, compose + "volumes:\n  scripts:\n")
    else:
        found = _findings(tmp_path, dockerfile, extra) if case != "in-the-bind" else _findings_existing(tmp_path)
    assert found == []


def _findings_existing(root: Path) -> list[Finding]:
    (root / "backend" / "entrypoint.sh").write_text("#!/bin/sh\nexec \"$@\"\n")
    (root / "docker").mkdir()
    (root / "docker" / "Dockerfile").write_text(DOCKERFILE)
    (root / "docker" / "compose.yaml").write_text(COMPOSE.format(extra=""))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root / "docker", env=env, cwd=root))
    return [f for f in VolumeShadowing().run(project, Host(env=env, timeout=1.0)) if "entrypoint" in f.subject]


def _findings_with(root: Path, dockerfile: str, compose: str) -> list[Finding]:
    (root / "backend" / "server").mkdir(parents=True)
    (root / "backend" / "entrypoint.sh").write_text("#!/bin/sh\nexec \"$@\"\n")
    (root / "docker").mkdir()
    (root / "docker" / "Dockerfile").write_text(dockerfile)
    (root / "docker" / "compose.yaml").write_text(compose)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root / "docker", env=env, cwd=root))
    return [f for f in VolumeShadowing().run(project, Host(env=env, timeout=1.0)) if "entrypoint" in f.subject]
