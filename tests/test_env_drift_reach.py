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


DEVSTACK = """services:
  mysql80:
    image: mysql:8.0.33-oracle
    container_name: "edx.${{COMPOSE_PROJECT_NAME:-devstack}}.mysql80"
{extra}    environment:
      MYSQL_ALLOW_EMPTY_PASSWORD: "yes"
"""
DRUPAL = "# your machine's IP, to debug\nXDEBUG_IP_ADDRESS=127.0.0.1\nDRUPAL_EXTRA_SETTINGS=/var/www/settings.php\n"


@pytest.mark.parametrize(("extra", "template", "severity"), [
    ("", DRUPAL, "info"),
    # compose takes one key, with a default of its own: it runs on that, a copy is advice (maybe-finance)
    ("    labels:\n      xdebug: ${XDEBUG_IP_ADDRESS:-127.0.0.1}\n", DRUPAL, "defaults"),
    ("    labels:\n      xdebug: ${XDEBUG_IP_ADDRESS}\n", DRUPAL, "warning"),  # one key, no default
    ("    volumes:\n      - .:/var/www/html\n", DRUPAL, "warning"),  # the app can read .env from its bind mount
    ("", DRUPAL + "COMPOSE_PROJECT_NAME=edx\n", "warning"),  # compose reads it from .env itself
], ids=["nothing-uses-it", "one-key-interpolated-with-a-default", "one-key-interpolated", "bind-mounted",
        "compose-setting"])
def test_no_dotenv_whose_template_nothing_uses_is_info(tmp_path: Path, extra: str, template: str,
                                                       severity: str) -> None:
    """openedx/devstack's `.env.example` is a Drupal leftover: compose interpolates only
    ${COMPOSE_PROJECT_NAME:-devstack}, none of the template's keys, and no service gets a .env."""
    (tmp_path / "compose.yaml").write_text(DEVSTACK.format(extra=extra))
    (tmp_path / ".env.example").write_text(template)
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    found = next(f for f in EnvDrift().run(project, Host(env={})) if f.subject == ".env")
    if severity == "defaults":
        assert found.severity.label == "info" and found.message.endswith(
            "; compose runs on its own defaults for XDEBUG_IP_ADDRESS, which a copy would replace with "
            ".env.example's values")
        assert found.fix is not None and found.fix.safety is Safety.ADVICE
        return
    assert found.severity.label == severity
    assert found.message.startswith("there is no .env: .env.example lists ")
    assert found.message.endswith("(no service loads .env, and compose interpolates none of its keys)") is (
        severity == "info")
    assert found.fix is not None and found.fix.title == "copy .env.example to .env"


def test_an_env_files_reference_nothing_sets_is_reported_at_its_line(tmp_path: Path) -> None:
    """A new user's check of the trial fixes (litestar-fullstack's shape): `app.env` writes
    `DB_PORT=${DB_PORT}` and nothing sets DB_PORT; compose warns 'The "DB_PORT" variable is not set'
    and passes DB_PORT="" to the container, while env-drift, reading only the compose files' own
    `${VAR}`, said nothing. A default, a key set earlier in the file, and .env's value are no finding."""
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: app.env\n")
    (tmp_path / "app.env").write_text("DB_HOST=db\nDB_PORT=${DB_PORT}\nX=${Y:-1}\nZ=${DB_HOST}\nW=${FROM_DOTENV}\n")
    (tmp_path / ".env").write_text("FROM_DOTENV=1\n")
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin", "HOME": str(tmp_path)}))
    found = [(f.location.line if f.location else None, f.subject, f.severity.name, f.message)
             for f in EnvDrift().run(project, Host(env={}))]
    assert found == [(2, "DB_PORT", "WARNING",
                      "'DB_PORT' is not set: compose passes an empty environment value on (and warns too)")], found
