"""`doctor why` on a silent exit quotes the service's `command:`, shortened to 60 characters: it was cut inside a word,
`postgresql://appuser:S3cr3tPassw0rd2024@db:5432/appdb` shown as `postgresql://appuser:S3cr3tPassw0rd202...`, a
prefix of the password that matches no known value and no URL shape, so it printed in the clear (console and JSON,
live and piped). It is now cut between words (doctor.redact.clip): the DSN is shown whole, and masked, or not at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

COMPOSE = """\
services:
  migrate:
    image: busybox
    command: ["/app/migrate", "--dsn", "postgresql://appuser:S3cr3tPassw0rd2024@db:5432/appdb"]
    depends_on: [db]
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: appuser
      POSTGRES_PASSWORD: S3cr3tPassw0rd2024
"""


def _up(name: str) -> str:
    return (f" ✔ Container {name}-db-1       Created\n ✔ Container {name}-migrate-1  Created\n"
            f"Attaching to db-1, migrate-1\nmigrate-1 exited with code 1\n")


@pytest.mark.parametrize("form", ["console", "json"])
def test_a_silent_exits_long_command_is_cut_between_words(tmp_path: Path, form: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    name = f"x{uuid.uuid4().hex[:8]}"
    done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name, "--format", form, "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, input=_up(name), env=dict(os.environ))
    assert done.returncode == 1, done
    assert "S3cr3tP" not in done.stdout + done.stderr, done.stdout
    assert "its `command: /app/migrate --dsn...`" in done.stdout, done.stdout


def test_clip_keeps_a_short_command_whole() -> None:
    from doctor.redact import clip

    assert clip("migrate", 60, ellipsis="...") == "migrate"
    assert clip("a " * 40, 60, ellipsis="...").endswith("a...")
