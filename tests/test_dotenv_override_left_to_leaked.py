"""One fault, one finding, only where the other finding is there: dotenv-override leaves a `.env`
line's localhost to leaked-host-port (its note points at the line) only where this run's
leaked-host-port reports that line. An app reading `APP_*` by prefix gives leaked-host-port no
reason to say it dials the key, and a run of dotenv-override alone has no leaked-host-port: in both,
f08bbea turned the error into a note pointing at a finding that did not exist (and preflight passed)."""

from __future__ import annotations

from pathlib import Path

from test_dotenv_override_node import CHECK, _boilerplate, _findings

from doctor.model import Severity

COMPOSE = """services:
  web:
    image: python:3.12-slim
    command: python app.py
    working_dir: /app
    volumes:
      - .:/app
    depends_on: [db]
  db:
    image: postgres:16
"""
APP = """import os
from dotenv import load_dotenv

load_dotenv()
settings = {k[4:]: v for k, v in os.environ.items() if k.startswith("APP_")}
"""


def test_a_key_read_by_prefix_stays_an_error_here(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / ".env").write_text("APP_DATABASE_URL=postgres://u:p@localhost:5432/app\n")
    findings = _findings(tmp_path, checks=(CHECK, "leaked-host-port"))
    assert [(f.check, f.severity) for f in findings] == [(CHECK, Severity.ERROR)]
    assert "leaked-host-port reports it" not in findings[0].message


def test_without_leaked_host_port_in_the_run_the_error_stays_here(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", with_url=False)
    (alone,) = _findings(root, "docker-compose.yml", "docker-compose.dev.yml")
    assert alone.severity is Severity.ERROR and "leaked-host-port reports it" not in alone.message
    both = _findings(root, "docker-compose.yml", "docker-compose.dev.yml", checks=(CHECK, "leaked-host-port"))
    assert [(f.check, f.severity) for f in both] == [(CHECK, Severity.INFO), ("leaked-host-port", Severity.ERROR)]
