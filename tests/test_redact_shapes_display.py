"""What a masked secret leaves around it stays as doctor wrote it: the `)` and the `…` after a port holder's
password, and a PEM key's armour lines.

Before: a flag's or a tool's value ran to its first blank, so port-collision's `(python3 srv 43383 -token=X)` printed
`(python3 srv 43383 -token=***` and its shortened `(python3 srv 43383 --pw X…)` printed `(... --pw ***`; and a
`.env`'s `JWT_KEY="-----BEGIN PRIVATE KEY-----` taught the redactor its armour line as a secret, so every key's armour
in fix --dry-run's diff printed `-----END PRIVATE ***` and `-----BEGIN EC PRIVATE ***`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.redact import Redactor, scrub

KEY_BODY = "MC4CAQAwBQYDK2VwBCIEIPD0k3HIC7xjtVT5vprvMvtN52Gv4XumlDCAboKT4Cjb"
EC_BODY = "MHcCAQEEIBkg4LVWM9nuwNSk3yBKTZYUBk2Vvz6Tn8JCmxOt1lBZoAoGCCqGSM49"


@pytest.mark.parametrize(("text", "shown"), [
    ("is held by pid 7 'python3' (python3 srv 43383 -token=GoArgTok9x)",
     "is held by pid 7 'python3' (python3 srv 43383 -token=***)"),
    ("(python3 listen.py 42269 --pw Secr3tPw…)", "(python3 listen.py 42269 --pw ***…)"),
    ("(mysql -uroot -pSecret9)", "(mysql -uroot -p***)"),
    ("(cqlsh -u cassandra -p Cq9pw)", "(cqlsh -u cassandra -p ***)"),
    ("(app --token=Qc(9)xLq2)", "(app --token=***)"),
    ("app --token=Qc(9)xLq2", "app --token=***"),
    ("mysql -uroot -pSecret)", "mysql -uroot -p***"),  # no parenthesis opened before it: the `)` is the password's
])
def test_a_masked_value_leaves_the_parenthesis_and_ellipsis_around_it(text: str, shown: str) -> None:
    found: list[str] = []
    assert scrub(text, found.append) == shown
    assert found and all(value not in shown for value in found)


def test_a_pem_keys_armour_stays_readable_its_body_masked() -> None:
    env = f'JWT_KEY="-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----"\n'
    learned: set[str] = set()
    shown = scrub(env, learned.add)
    assert shown == 'JWT_KEY="-----BEGIN PRIVATE KEY-----\n***\n-----END PRIVATE KEY-----"\n'
    redactor = Redactor(learned | {"-----BEGIN EC PRIVATE KEY-----"})
    assert redactor.text("        -----END EC PRIVATE KEY-----") == "        -----END EC PRIVATE KEY-----"
    assert redactor.text(f"key {KEY_BODY} here") == "key *** here"


def _doctor(args: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME")}
    env.update(NO_COLOR="1", COLUMNS="400", XDG_STATE_HOME=str(cwd / ".state"),
               DOCKER_HOST="unix:///nonexistent/doctor-shapes-display.sock")
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def test_fix_dry_runs_diff_shows_a_keys_armour(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  redis:\n    image: redis:7\n  app:\n    image: busybox\n    env_file: .env\n    environment:\n"
        "      CACHE_HOST: redisserver\n      TLS_CERT_KEY: |\n        -----BEGIN EC PRIVATE KEY-----\n"
        f"        {EC_BODY}\n        -----END EC PRIVATE KEY-----\n")
    (tmp_path / ".env").write_text(
        f'JWT_KEY="-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----"\nREDIS_HOST=redisserver\n')
    out = _doctor(["fix", "--dry-run", "."], tmp_path)
    assert "+REDIS_HOST=redis" in out and "+      CACHE_HOST: redis" in out, out
    assert "-----END PRIVATE KEY-----\"" in out and "-----BEGIN EC PRIVATE KEY-----" in out, out
    assert "PRIVATE ***" not in out and KEY_BODY not in out and EC_BODY not in out, out


@pytest.mark.parametrize(("args", "shown"), [
    (["-token=GoArgTok9x"], "-token=***)"),
    (["--pw", "Secr3tPw9", "webserver-long-name"], "--pw ***…)"),  # shortened to 40 characters between words
])
def test_a_port_holders_line_keeps_its_parenthesis(tmp_path: Path, args: list[str], shown: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "srv").write_text(
        "import socket, sys, time\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('0.0.0.0', int(sys.argv[1])))\ns.listen()\nprint('ready', flush=True)\ntime.sleep(120)\n")
    (tmp_path / "compose.yaml").write_text(f'services:\n  web:\n    image: busybox\n    ports:\n      - "{port}:80"\n')
    holder = subprocess.Popen([sys.executable, "srv", str(port), *args], cwd=tmp_path, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        out = _doctor(["preflight", "."], tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert f"is held by pid {holder.pid}" in out, out
    assert shown in out, out
    assert "GoArgTok9x" not in out and "Secr3tPw9" not in out, out
