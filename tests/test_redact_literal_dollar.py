"""A password with a literal `$` before upper-case letters and digits (`POSTGRES_PASSWORD=G7x$KQZ9WPLM4T`, as a
password generator writes it) was printed 10 characters of 14 in every format: env-drift's message "POSTGRES_PASSWORD's
value has a literal '$' before 'KQZ9WPLM4T', which compose reads as the variable $KQZ9WPLM4T", its subject (JSON,
SARIF, `.doctor-baseline.json`), and compose's `The "KQZ9WPLM4T" variable is not set` that `doctor why` reads. The
redactor masked the name after a bare `$` only when it had a lower-case letter (an upper-case one being a reference
by convention), where env-drift (checks/env_drift/dollars.py) judges a `$` glued to the letter or digit before it
literal whatever the case. Planted on the real fastapi template (tests/replay/fastapi-template, see its SOURCE.txt),
whose `.env` compose interpolates from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.redact import Redactor

UPSTREAM = Path(__file__).parent / "replay" / "fastapi-template"
PASSWORD = "G7x$KQZ9WPLM4T"
NAME = "KQZ9WPLM4T"  # what compose takes for a variable: the password's last 10 characters


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("dollar")
    root = base / "fastapi"
    shutil.copytree(UPSTREAM, root)
    dotenv = root / ".env"
    dotenv.write_text(dotenv.read_text().replace("POSTGRES_PASSWORD=changethis", f"POSTGRES_PASSWORD={PASSWORD}"))
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT")}
    env.update(NO_COLOR="1", HOME=str(base / "home"), XDG_STATE_HOME=str(base / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-dollar.sock")
    return root, env


def doctor(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
def test_no_format_names_the_part_after_the_dollar(planted: tuple[Path, dict[str, str]], fmt: str) -> None:
    root, env = planted
    done = doctor("preflight", "--format", fmt, ".", cwd=root, env=env)
    assert done.returncode in (0, 1), done.stderr
    said = done.stdout + done.stderr
    assert "POSTGRES_PASSWORD's value has a literal '$' before '***'" in said  # the finding is there, masked
    assert NAME not in said and NAME[:8] not in said
    if fmt in ("json", "sarif"):
        json.loads(done.stdout)


def test_the_baseline_stores_no_part_of_it(planted: tuple[Path, dict[str, str]]) -> None:
    root, env = planted
    done = doctor("baseline", ".", cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    stored = (root / ".doctor-baseline.json").read_text()
    assert "literal '$' before '***'" in stored and NAME not in stored


@pytest.mark.parametrize("password", ["G7x$KQZ9WPLM4T", "9$KQZ9WPLM4T", "Xy7$kLmQ9pw",
                                      "django-insecure-k3$j9x!q2w@e4r"])
def test_compose_s_warning_names_no_part_of_it(password: str) -> None:
    name = password.split("$")[1].split("!")[0]
    shown = Redactor([password]).text(f'WARN[0000] The "{name}" variable is not set. Defaulting to a blank string.')
    assert shown == 'WARN[0000] The "***" variable is not set. Defaulting to a blank string.'


@pytest.mark.parametrize("value", ["prefix_$PGPASS_NAME", "$PGPASS_NAME", "s3cr3t-pw:$PGPASS_NAME",
                                   "Kq7x$PGPASS_NAME"])
def test_a_reference_by_convention_stays_readable(value: str) -> None:
    """An upper-case name after a separator is a variable the author meant (env-drift reports it unset)."""
    assert Redactor([value]).text("'PGPASS_NAME' is not set in the shell") == "'PGPASS_NAME' is not set in the shell"
