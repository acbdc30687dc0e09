"""A host that names the folder a service builds from means that service.

docker/awesome-compose's nginx-flask-mongo: nginx dials `FLASK_SERVER_ADDR=backend:9091`, and
`backend` builds `./flask`. Written `flask:9091`, doctor said it names no service, as info, and that
"no service on the networks of 'web' is a flask server": 'backend' is, and up gives nginx 502s.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  web:
    image: nginx
    environment:
      - FLASK_SERVER_ADDR={addr}
  backend:
    build: {context}
    environment:
      - FLASK_SERVER_PORT=9091
  mongo:
    image: mongo
"""


def run(tmp_path: Path, addr: str, context: str = "flask") -> list:  # type: ignore[type-arg]
    (tmp_path / "flask").mkdir(exist_ok=True)
    (tmp_path / "flask" / "Dockerfile").write_text("FROM python:3.12\n")
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(addr=addr, context=context))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return list(ServiceNameDrift().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env, timeout=1.0)))


def test_the_service_built_from_the_named_folder_is_meant(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, "flask:9091")
    assert finding.severity is Severity.ERROR
    assert finding.message == ("FLASK_SERVER_ADDR=flask names no service on the network "
                               "(did you mean 'backend'? it builds from flask/)")
    assert finding.fix is not None and finding.fix.title == "replace 'flask' by 'backend' in FLASK_SERVER_ADDR"
    assert [e.new for e in finding.fix.edits] == ["      - FLASK_SERVER_ADDR=backend:9091"]


def test_no_guess_where_no_service_builds_such_a_folder(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, "flask:9091", context="./flask/..")
    assert finding.severity is Severity.INFO  # as before: nothing of the project is named so
    # no claim it cannot make (it said no service "is a flask server")
    assert finding.fix is not None and finding.fix.title.startswith(
        "no service on the networks of 'web' is named 'flask' or builds from a flask/ folder: ")
