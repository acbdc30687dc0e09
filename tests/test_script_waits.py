"""service-name-drift: a host a project script the service runs waits for.

testdrivenio/fastapi-tdd-docker's project/entrypoint.sh (the image's ENTRYPOINT, also under the
./project bind mount) waits with `while ! nc -z web-db 5432; do sleep 0.1; done`: with the
database service renamed, or the script copied from another stack (`nc -z db 5432`), web waits
forever and preflight said nothing, as only compose's own entrypoint, command and healthcheck
were read.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  web:
    build: ./project
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    volumes:
      - ./project:/usr/src/app
    depends_on:
      - web-db
  web-db:
    image: postgres:17
    environment:
      - POSTGRES_PASSWORD=postgres
"""
DOCKERFILE = ("FROM python:3.13-slim\nWORKDIR /usr/src/app\nCOPY . .\nCOPY ./entrypoint.sh .\n"
              'RUN chmod +x /usr/src/app/entrypoint.sh\nENTRYPOINT ["/usr/src/app/entrypoint.sh"]\n')


def _findings(root: Path, script: str) -> list[Finding]:
    (root / "project").mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "project" / "Dockerfile").write_text(DOCKERFILE)
    (root / "project" / "entrypoint.sh").write_text(script)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


def test_a_host_the_entrypoint_script_waits_for_is_judged_at_its_line(tmp_path: Path) -> None:
    script = ('#!/bin/sh\n\necho "Waiting for postgres..."\n\nwhile ! nc -z db 5432; do\n  sleep 0.1\ndone\n\n'
              'echo "PostgreSQL started"\n\nexec "$@"\n')
    (finding,) = _findings(tmp_path, script)
    assert finding.severity is Severity.ERROR
    assert finding.location is not None and (finding.location.path.name, finding.location.line) == ("entrypoint.sh", 5)
    assert finding.message == ("the script project/entrypoint.sh (ENTRYPOINT) of 'web' waits for db:5432, which names "
                               "no service on the network (did you mean 'web-db'?)")
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    (edit,) = finding.fix.edits
    assert (edit.line, edit.new) == (5, "while ! nc -z web-db 5432; do")


def test_right_hosts_variables_and_comments_are_left_alone(tmp_path: Path) -> None:
    script = ('#!/bin/sh\n# nc -z db 5432 was the old name\nwhile ! nc -z web-db 5432; do sleep 0.1; done\n'
              'while ! nc -z "$SQL_HOST" "$SQL_PORT"; do sleep 0.1; done\nexec "$@"\n')
    assert _findings(tmp_path, script) == []
