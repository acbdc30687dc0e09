"""A secret one-dash flag's value (Go's flag package, consul, many servers' options: `-db-password=X`, `-token X`,
`-token=X`, a JSON array's `"-token", "X"`) is masked by its shape, as `--password X` is.

Before: only `--` flags were read, so fix --dry-run's diff context printed
`command: ["/app/server", "-db-password=GoFlagPw7q", "-token", "GoTok3Lm9x"]`, `doctor why` the same command, and
port-collision a port holder's `(python3 srv 43383 -token=GoArgTok9x)`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from doctor.redact import Redactor, scrub

COMMAND = '["/app/server", "-db-password=GoFlagPw7q", "-token", "GoTok3Lm9x"]'
SECRETS = ("GoFlagPw7q", "GoTok3Lm9x")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME")}
    env.update(NO_COLOR="1", COLUMNS="400", XDG_STATE_HOME=str(tmp_path / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-shapes-go-flags.sock")
    return env


def _doctor(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=_env(cwd), input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize(("text", "shown"), [
    (COMMAND, '["/app/server", "-db-password=***", "-token", "***"]'),
    ("python3 srv 8080 -token=GoArgTok9x", "python3 srv 8080 -token=***"),
    ("/app/server -password=Mk9xLq2 -token Tk8xLq -port 8080", "/app/server -password=*** -token *** -port 8080"),
    ("consul agent -token=c0nsulT0k -data-dir /consul", "consul agent -token=*** -data-dir /consul"),
    ("app -api-key 'Ab 9 Kz'", "app -api-key '***'"),
    ("app -secret=s3cr3t", "app -secret=***"),
])
def test_a_one_dash_secret_flag_is_masked(text: str, shown: str) -> None:
    found: list[str] = []
    assert scrub(text, found.append) == shown
    assert found and all(value not in shown for value in found), found


@pytest.mark.parametrize("text", [
    "docker run -p 8080:80 -v data:/data -e TZ=UTC nginx",
    "openssl req -new -key server.key -out site.csr",
    "curl -key certs/client.pem https://api",
    "openssl enc -aes-256-cbc -pass env:BACKUP_PASSWORD -in dump.sql",
    "openssl enc -aes-256-cbc -pass file:/run/secrets/pw -in dump.sql",
    "/app/server -token $API_TOKEN -password=${DB_PASSWORD}",
    "/app/server -token \"$(cat /run/secrets/token)\"",
    "error: -token is required",
    "re-token the client; co-author the pass",
    "ssh-keygen -t ed25519 -f key -N ''",
    "psql -h db -U app -d app -c 'select 1'",
    "openssl req -x509 -newkey rsa:4096 -keyout key.pem -nodes",
    "openssl s_client -auth_level 2 -connect db:443",
    "app -auth basic -key Zx9",
])
def test_ordinary_one_dash_flags_and_references_stay(text: str) -> None:
    assert scrub(text) == text


def test_a_long_adversarial_line_of_one_dash_flags_is_masked_fast() -> None:
    for text in ("-token '" * 100_000, "-a-" * 300_000, "-token x " * 100_000, "-" * 1_000_000):
        started = time.process_time()
        scrub(text)
        assert time.process_time() - started < 5.0


def _project(root: Path) -> Path:
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n"
        f"  app:\n    image: busybox\n    command: {COMMAND}\n    environment:\n      DATABASE_HOST: postgresserver\n")
    return root


def test_fix_dry_runs_diff_context_masks_a_one_dash_flag(tmp_path: Path) -> None:
    out = _doctor(["fix", "--dry-run", "."], _project(tmp_path / "go"))
    assert "+      DATABASE_HOST: db" in out, out  # the diff is shown, with the command as its context
    assert '"-db-password=***", "-token", "***"' in out, out
    assert not any(secret in out for secret in SECRETS), out


def test_doctor_why_masks_a_one_dash_flag_of_a_command(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        'services:\n  app:\n    image: busybox\n    command: ["sh", "-c", "exit 2", "-db-password=GoFlagPw7q",'
        ' "-token", "GoTok3Lm9x"]\n')
    out = _doctor(["why", "-p", "doctor-h-redfixa-goflags", "."], tmp_path,
                  "Attaching to app-1\napp-1 exited with code 2\n")
    assert "-db-password=*** -token ***" in out, out
    assert not any(secret in out for secret in SECRETS), out


def test_a_port_holders_one_dash_token_is_masked(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "srv").write_text(
        "import socket, sys, time\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('0.0.0.0', int(sys.argv[1])))\ns.listen()\nprint('ready', flush=True)\ntime.sleep(120)\n")
    (tmp_path / "compose.yaml").write_text(f'services:\n  web:\n    image: busybox\n    ports:\n      - "{port}:80"\n')
    holder = subprocess.Popen([sys.executable, "srv", str(port), "-token=GoArgTok9x"], cwd=tmp_path,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        out = _doctor(["preflight", "."], tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert f"is held by pid {holder.pid}" in out, out
    assert "-token=***" in out and "GoArgTok9x" not in out, out


def test_the_redactor_masks_a_one_dash_flag_no_project_value_foretells() -> None:
    assert Redactor(["unrelated-Zq8x"]).text("ran /app/server -token GoTok3Lm9x") == "ran /app/server -token ***"
