"""An empty `KEY=` item of a compose block list is a key with no value, not the key of the next item.

jhipster/jhipster-sample-app (tests/replay/jhipster-sample-app) gives its 'app' the environment list
`- SPRING_DATASOURCE_PASSWORD=` (postgres trusts every local user) and on the next line
`- SPRING_LIQUIBASE_URL=jdbc:postgresql://postgresql:5432/jhipsterSampleApplication`. The secret collector
reads each run of `- item` lines joined into one line too (a `command:` written one argument per line), and
there the empty password took the next item as its value: the whole `SPRING_LIQUIBASE_URL=...` line was a
"secret", masked wherever it appeared. With the Liquibase URL on the db's host port (planted), `doctor fix
--dry-run` showed its diff as `-      - ***` / `+      - SPRING_LIQUIBASE_URL=...:5432/...`: the line the fix
replaces could not be read. The joined line now keeps an empty item empty; a flag's value on the next item
(`- --password` / `- <value>`) is still one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from doctor.known_secrets import secrets_in_text

REPLAY = Path(__file__).parent / "replay" / "jhipster-sample-app"
LIQUIBASE = "SPRING_LIQUIBASE_URL=jdbc:postgresql://postgresql:5433/jhipsterSampleApplication"


def _planted(tmp_path: Path) -> Path:
    """The replay with the Liquibase URL on the host port the db is published on (5433, planted)."""
    root = tmp_path / "jhipster"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    docker = root / "src" / "main" / "docker"
    app = docker / "app.yml"
    app.write_text(app.read_text().replace(LIQUIBASE.replace(":5433/", ":5432/"), LIQUIBASE))
    db = docker / "postgresql.yml"
    db.write_text(db.read_text().replace("127.0.0.1:5432:5432", "127.0.0.1:5433:5432"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return docker


def test_the_fix_diff_shows_the_line_after_an_empty_password(tmp_path: Path) -> None:
    docker = _planted(tmp_path)
    assert LIQUIBASE in (docker / "app.yml").read_text()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DOCKER_HOST": "tcp://127.0.0.1:9",
           "DOCTOR_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--dry-run", "--env",
                           "-f", "app.yml"], cwd=docker, capture_output=True, text=True, timeout=120, env=env)
    assert f"-      - {LIQUIBASE}\n" in done.stdout, done.stdout
    assert f"+      - {LIQUIBASE.replace('5433', '5432')}\n" in done.stdout, done.stdout
    assert "***" not in done.stdout, done.stdout


def test_an_empty_item_takes_no_value_and_a_flag_still_does() -> None:
    text = (REPLAY / "src" / "main" / "docker" / "app.yml").read_text()
    assert secrets_in_text(text) == set()
    assert secrets_in_text("    environment:\n      - DB_PASSWORD=\n      - NEXT=plain\n") == set()
    assert secrets_in_text("    environment:\n      - 'DB_PASSWORD='\n      - NEXT=plain\n") == set()
    # a command one argument per line: the flag's value is the next item
    command = "    command:\n      - mysqld\n      - --password\n      - Kq7Wn2Px9Lz4Rt8Yh\n"
    assert "Kq7Wn2Px9Lz4Rt8Yh" in secrets_in_text(command)
    assert "Kq7Wn2Px9Lz4Rt8Yh" in secrets_in_text("    environment:\n      - DB_PASSWORD=Kq7Wn2Px9Lz4Rt8Yh\n")
