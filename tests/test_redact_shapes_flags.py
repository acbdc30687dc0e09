"""A secret flag's value in quotes of its own (`--db-password 'Mk!9xLq2Zw'`, `--api-key='Ak!9xLq2'`), as a
Makefile writes it and as doctor itself quotes a command it prints, is masked by its shape, whole.

Before: the long flag's value could not begin with a quote, so host-vs-container's fix printed
`docker compose exec backend pytest -x --db-password 'Mk!9xLq2Zw'`, and `doctor why` quoted a service's
`command: [..., "--password", "Qa9 xLq2Zw"]` as `--password '*** xLq2Zw'` (the first word alone known).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from doctor.redact import Redactor, scrub

CASES = Path(__file__).parent / "cases"


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME", "MAKELEVEL",
                                                           "MAKEFLAGS")}
    env.update(NO_COLOR="1", COLUMNS="400", XDG_STATE_HOME=str(tmp_path / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-shapes-flags.sock", **more)
    return env


def _doctor(args: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize(("text", "shown"), [
    ("pytest -x --db-password 'Mk!9xLq2Zw'", "pytest -x --db-password '***'"),
    ('pytest -x --api-token "Mk9 xLq2Zw"', 'pytest -x --api-token "***"'),
    ("app --api-key='Ak!9xLq2'", "app --api-key='***'"),
    ('app --password "Pw9 xLq2"', 'app --password "***"'),
    ("sh -c 'exit 2' --password 'Qa9 xLq2Zw'", "sh -c 'exit 2' --password '***'"),
    ('["/app/run", "--db-pass", "Wrk Pw3Rt6"]', '["/app/run", "--db-pass", "***"]'),
    ("app --token = 'Tk 9 x' --name 'my app'", "app --token = '***' --name 'my app'"),
])
def test_a_quoted_flag_value_is_masked_whole(text: str, shown: str) -> None:
    found: list[str] = []
    assert scrub(text, found.append) == shown
    assert found and all(value in text and value not in shown for value in found), found


@pytest.mark.parametrize("text", [
    "app --name 'my app' --host 'db'",
    'app --password "$DB_PASSWORD"',
    "app --password '${DB_PASSWORD}'",
    "app --token \"$(cat /run/secrets/token)\"",
    "app --password-file '/run/secrets/db'",
    "echo $PW | docker login --password-stdin 'registry.example.com'",
    "app --password '' --user 'me'",
])
def test_quoted_ordinary_values_and_references_stay(text: str) -> None:
    assert scrub(text) == text


def test_a_long_adversarial_line_of_quoted_flags_is_masked_fast() -> None:
    for text in ("--password '" * 100_000, "--a \"" + "x" * 1_000_000, "--token 'a' " * 80_000):
        started = time.process_time()
        scrub(text)
        assert time.process_time() - started < 5.0


def test_host_vs_containers_fix_masks_a_quoted_flag_value(tmp_path: Path) -> None:
    project = tmp_path / "mk"
    shutil.copytree(CASES / "host-vs-container" / "deps-only-in-image", project)
    (project / "expected.json").unlink()
    (project / "Makefile").write_text(
        ".PHONY: test e2e\nDB_PASS := Mk!9xLq2Zw\ntest:\n\tcd backend && pytest -x --db-password '$(DB_PASS)'\n"
        'e2e:\n\tcd backend && pytest -x --api-token "Mk9 xLq2Zw"\n')
    out = _doctor(["preflight", "."], project, _env(tmp_path, DOCTOR_CONTEXT="host"))
    assert "exec backend pytest -x --db-password '***'" in out, out
    assert "exec backend pytest -x --api-token '***'" in out, out
    assert "Mk!9xLq2Zw" not in out and "xLq2Zw" not in out, out


def test_doctor_why_masks_a_multi_word_flag_value_of_a_command(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: busybox\n"
        '    command: ["sh", "-c", "exit 2", "--password", "Qa9 xLq2Zw"]\n')
    piped = "Attaching to a-1\na-1 exited with code 2\n"
    out = _doctor(["why", "-p", "doctor-h-redfixa-flags", "."], tmp_path, _env(tmp_path), piped)
    assert "--password '***'" in out, out
    assert "xLq2Zw" not in out, out


def test_the_redactor_masks_a_quoted_flag_value_no_project_value_foretells() -> None:
    shown = Redactor(["unrelated-value-Zq8"]).text("running: app --api-token 'Mk9 xLq2Zw' --port 8080")
    assert shown == "running: app --api-token '***' --port 8080"
