"""env-drift: a template key missing from .env is a warning only where .env reaches a container.

Shaped like maybe-finance/maybe compose.example.yml with its .env.example (self-hosting: `touch .env`):
compose reads .env only to interpolate ${POSTGRES_*}; SMTP_ADDRESS is in the template for setups
that pass it on, and reaches no container from this compose file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Safety
from doctor.project import Project, ProjectOptions

COMPOSE = """services:
  web:
    image: ghcr.io/maybe-finance/maybe:latest
{extra}    environment:
      POSTGRES_USER: ${{POSTGRES_USER:-maybe_user}}
      REDIS_URL: redis://redis:6379/1
  redis:
    image: redis:latest
"""


@pytest.mark.parametrize(("extra", "severity"), [
    ("", "info"),
    ("    env_file: .env\n", "warning"),
    ("    volumes:\n      - .:/rails\n", "warning"),  # the app can read .env from its bind mount
    ("    build: .\n", "warning"),  # COPY . . bakes .env into the image
    ("    build: .\n", "info"),  # ... unless the .dockerignore keeps it out
], ids=["interpolation-only", "env-file", "bind-mounted", "copied", "dockerignored"])
def test_a_key_no_container_gets_is_info(tmp_path: Path, extra: str, severity: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(extra=extra))
    (tmp_path / "Dockerfile").write_text("FROM ruby:3.4-slim\nWORKDIR /rails\nCOPY . .\n")
    if "build" in extra and severity == "info":
        (tmp_path / ".dockerignore").write_text("/.env*\n!/.env.example\n")
    (tmp_path / ".env.example").write_text("SMTP_ADDRESS=\nPOSTGRES_USER=maybe_user\n")
    (tmp_path / ".env").write_text("POSTGRES_USER=maybe_user\n")
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    (found,) = EnvDrift().run(project, Host(env={}))
    assert found.subject == "SMTP_ADDRESS" and found.severity.label == severity
    assert found.message.startswith("'SMTP_ADDRESS' from .env.example is missing from .env")
    assert found.message.endswith("(no service loads .env, and compose interpolates no ${SMTP_ADDRESS})") is (
        severity == "info")
    assert found.fix is not None and found.fix.safety is Safety.SAFE  # appending it stays harmless
