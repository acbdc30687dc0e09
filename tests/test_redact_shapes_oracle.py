"""Oracle's `user/password@...` (a JDBC thin URL, SQL*Plus and the other Oracle tools, EZConnect) is masked by its
shape: the password, whatever the project defines, the user and the connect identifier readable.

Before: the shapes knew only `scheme://user:password@`, and a weak known value (`ORACLE_PASSWORD: oracle123`) is
masked only where it stands alone, never after a `/`: fix --dry-run's diff context printed
`SPRING_DATASOURCE_URL: jdbc:oracle:thin:system/oracle123@oracle:1521/XEPDB1` and `doctor why` a container's
`ERROR: sqlplus -L system/oracle123@//db:1521/XE failed`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from doctor.redact import scrub


def _doctor(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME")}
    env.update(NO_COLOR="1", COLUMNS="400", XDG_STATE_HOME=str(cwd / ".state"),
               DOCKER_HOST="unix:///nonexistent/doctor-shapes-oracle.sock")
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize(("text", "shown"), [
    ("SPRING_DATASOURCE_URL: jdbc:oracle:thin:system/oracle123@oracle:1521/XEPDB1",
     "SPRING_DATASOURCE_URL: jdbc:oracle:thin:system/***@oracle:1521/XEPDB1"),
    ("DB=jdbc:oracle:thin:scott/Tig3rPw9x@oracledb:1521:XE", "DB=jdbc:oracle:thin:scott/***@oracledb:1521:XE"),
    ("jdbc:oracle:thin:app/Pw9x@ORCL", "jdbc:oracle:thin:app/***@ORCL"),
    ("ERROR: sqlplus -L system/oracle123@//db:1521/XE failed", "ERROR: sqlplus -L system/***@//db:1521/XE failed"),
    ("ORACLE_CONN=system/Or4clePw7@//oracledb:1521/XE", "ORACLE_CONN=system/***@//oracledb:1521/XE"),
    ("ORACLE_EZ=scott/tiger1234@oracledb/XEPDB1", "ORACLE_EZ=scott/***@oracledb/XEPDB1"),
    ("echo 'select 1 from dual;' | sqlplus -s system/oracle123@//localhost/XEPDB1",
     "echo 'select 1 from dual;' | sqlplus -s system/***@//localhost/XEPDB1"),
    ("sqlplus sys/Pw9x$ as sysdba", "sqlplus sys/*** as sysdba"),
    ('sqlplus system/"p@ss w0rd"@db', "sqlplus system/***@db"),
    ("rman target sys/Rm9pw@db", "rman target sys/***@db"),
    ("SQL> CONNECT hr/Hr9pw@pdb1", "SQL> CONNECT hr/***@pdb1"),
    ("SQL> cOnnect hr/Hr9pw@pdb1", "SQL> cOnnect hr/***@pdb1"),  # _ORACLE_TOOL takes connect in any case
    ("expdp system/Ex9pw@XE directory=dump", "expdp system/***@XE directory=dump"),
    ("app/Pw9@(DESCRIPTION=(ADDRESS=(HOST=db)(PORT=1521)))", "app/***@(DESCRIPTION=(ADDRESS=(HOST=db)(PORT=1521)))"),
])
def test_an_oracle_password_is_masked(text: str, shown: str) -> None:
    found: list[str] = []
    assert scrub(text, found.append) == shown
    assert found


@pytest.mark.parametrize("text", [
    "uses: actions/checkout@v4",
    "image: docker.io/library/postgres@sha256:0123456789abcdef0123456789abcdef",
    "npm i @scope/pkg@1.2.3 && git clone git@github.com:org/repo.git",
    "psql -f init/schema.sql && sqlplus @scripts/init.sql",
    "sqlplus /nolog && sqlplus / as sysdba",
    "jdbc:oracle:thin:@//oracle:1521/XEPDB1",
    "sqlplus -L system/$ORACLE_PASSWORD@//db:1521/XE",
    "could not connect to oracle/xe at db:1521",
])
def test_paths_packages_and_references_stay(text: str) -> None:
    assert scrub(text) == text


def test_a_long_adversarial_line_is_masked_fast() -> None:
    for text in ("a/b@//" * 160_000, "sqlplus a/" * 100_000, "CONNECT a/b " * 80_000, "@" * 1_000_000,
                 "a/" + "b" * 1_000_000 + "@//db"):
        started = time.process_time()
        scrub(text)
        assert time.process_time() - started < 5.0


def _project(root: Path) -> Path:
    (root / "compose.yaml").write_text(
        "services:\n  oracle:\n    image: gvenzl/oracle-xe:21-slim\n    environment:\n"
        "      ORACLE_PASSWORD: oracle123\n    healthcheck:\n"
        "      test: [\"CMD-SHELL\", \"echo 'select 1 from dual;' | sqlplus -s system/oracle123@//localhost/XEPDB1\"]\n"
        "  app:\n    image: busybox\n    environment:\n      DB_HOST: oracl\n"
        "      SPRING_DATASOURCE_URL: jdbc:oracle:thin:system/oracle123@oracle:1521/XEPDB1\n")
    return root


def test_fix_dry_runs_diff_context_masks_a_known_oracle_password(tmp_path: Path) -> None:
    out = _doctor(["fix", "--dry-run", "."], _project(tmp_path))
    assert "+      DB_HOST: oracle" in out, out
    assert "jdbc:oracle:thin:system/***@oracle:1521/XEPDB1" in out, out
    assert "oracle123" not in out, out


def test_doctor_why_masks_an_oracle_password_in_a_log_line(tmp_path: Path) -> None:
    piped = ("Attaching to app-1, oracle-1\napp-1  | ERROR: sqlplus -L system/oracle123@//oracle:1521/XE failed\n"
             "app-1 exited with code 1\n")
    out = _doctor(["why", "-p", "doctor-h-redfixa-oracle", "."], _project(tmp_path), piped)
    assert "sqlplus -L system/***@//oracle:1521/XE failed" in out, out
    assert "oracle123" not in out, out
