"""A secret a bind-mounted script the service runs defines (`export API_TOKEN=...` in the entrypoint, a
password in a postgres init script) is a known value, masked wherever it appears; a bound file the service
does not run is not read for this.

Before: a failed `up` piped to `doctor why` quoted `auth with Zq4wLp9xKd refused` in the clear, though the
project's own `docker/entrypoint.sh` says `export API_TOKEN=Zq4wLp9xKd`.
"""

from __future__ import annotations

from pathlib import Path

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  app:
    image: python:3.12-slim
    entrypoint: ["/entrypoint.sh"]
    volumes:
      - ./docker/entrypoint.sh:/entrypoint.sh:ro
      - ./docker/notes.sh:/opt/notes.sh:ro
  db:
    image: postgis/postgis:16-3.4
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD:-changeme}
    volumes:
      - ./docker/init-db.sh:/docker-entrypoint-initdb.d/init-db.sh:ro
"""


def _redactor(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "docker" / "entrypoint.sh").write_text("#!/bin/sh\nexport API_TOKEN=Zq4wLp9xKd\nexec python app.py\n")
    (tmp_path / "docker" / "init-db.sh").write_text(
        "#!/bin/bash\npsql -c \"CREATE USER reporter WITH PASSWORD 'x'\"\nREPORTER_PASSWORD='Rp5tKw2nQ'\n")
    (tmp_path / "docker" / "notes.sh").write_text("#!/bin/sh\nOLD_TOKEN=Nt8vBq3mZ\n")
    return project_redactor(Project(ProjectOptions(path=tmp_path, env={})))


def test_a_secret_a_run_script_defines_is_masked_wherever_it_appears(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path)
    assert redactor.text("app-1  | auth with Zq4wLp9xKd refused") == "app-1  | auth with *** refused"
    assert redactor.text("db-1  | login Rp5tKw2nQ failed") == "db-1  | login *** failed"


def test_a_bound_file_the_service_does_not_run_is_not_read(tmp_path: Path) -> None:
    assert _redactor(tmp_path).text("kept Nt8vBq3mZ") == "kept Nt8vBq3mZ"
