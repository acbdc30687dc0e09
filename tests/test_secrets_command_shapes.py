"""Passwords that a command line gives a tool (`rabbitmqctl add_user admin PW`, `htpasswd -bc FILE USER PW`,
`openssl ... -passin pass:PW`, `vault login TOKEN`, `https://TOKEN@github.com/...`, ...) are masked by their shape
in every output: text no project value foretells, such as the output of an `up` piped to `doctor why`.

Before: an auditor's probe found each of the new shapes below printed in the clear (`doctor why`'s symptom line
`/entrypoint.sh: line 3: rabbitmqctl add_user admin Hq4Wz8Nm2R...: command not found`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.redact import scrub

UPSTREAM = Path(__file__).parent / "replay" / "fastapi-template"

# each command with {pw} where its password goes; each gets a password of its own
SHAPES = [
    "rabbitmqctl add_user admin {pw}",
    "rabbitmqctl change_password admin {pw}",
    "htpasswd -b /etc/nginx/.htpasswd admin {pw}",
    "htpasswd -bc /etc/nginx/.htpasswd admin {pw}",
    "htpasswd -B -C 12 -nb admin {pw}",
    "openssl pkcs12 -export -passin pass:{pw} -in site.p12",
    "openssl pkcs12 -export -passout pass:{pw} -out site.p12",
    "openssl enc -aes-256-cbc -k {pw} -in dump.sql",
    "keytool -importcert -storepass {pw} -file ca.crt",
    "keytool -genkeypair -keypass {pw} -alias app",
    "smbclient -U admin%{pw} //files/share",
    "lftp -u admin,{pw} ftp://files",
    "influx setup -u admin -p {pw} -o org -b bucket -f",
    "influx setup -u admin --password {pw} -f",
    "mc alias set local http://minio:9000 minioadmin {pw}",
    "vault login {pw}",
    "git clone https://{pw}@github.com/org/repo.git",
    "redis-cli -a {pw} ping",
    "redis-cli --pass {pw} ping",
    "mysqladmin ping -uroot -p{pw}",
    "PGPASSWORD={pw} psql -h db -U app",
    "sshpass -p {pw} ssh deploy@host",
    "curl -u admin:{pw} http://api/health",
    "app --password={pw}",
    "app --password {pw}",
    "docker run -e MYSQL_ROOT_PASSWORD={pw} mysql:8",
]


def _password(index: int) -> str:
    """A random-looking password of 12 characters, its own for each shape."""
    return f"Hq4Wz8Nm2R{chr(ord('A') + index)}{index % 10}"


PASSWORDS = [_password(i) for i in range(len(SHAPES))]
COMMANDS = [shape.format(pw=pw) for shape, pw in zip(SHAPES, PASSWORDS, strict=True)]


def _fragments(secret: str) -> list[str]:
    return [secret[at:at + 8] for at in range(len(secret) - 7)]


def _leaks(text: str) -> list[str]:
    return [part for secret in PASSWORDS for part in _fragments(secret) if part in text]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_shape_is_masked(command: str) -> None:
    shown = scrub(command)
    assert "***" in shown and _leaks(shown) == [], shown


@pytest.mark.parametrize("text", [
    "docker run -p 8080:80 nginx",  # publishes a port
    "ps -u root",
    'curl -u "$USER" http://x',  # a reference
    "curl -u admin:${API_PASSWORD} http://x",
    "git clone https://github.com/org/repo",
    "git clone https://deploybot@github.com/org/repo",  # a user, no token
    "app --password-file /run/secrets/db",  # a path
    "rabbitmqctl add_user admin",  # asks for it
    "rabbitmqctl add_user \"$RABBIT_USER\" \"$RABBIT_PASS\"",
    "htpasswd -c /etc/nginx/.htpasswd admin",  # no -b: asks for it
    "htpasswd -bc /etc/nginx/.htpasswd admin $PASSWORD",
    "openssl pkcs12 -passin env:P12_PASS -passout file:/run/secrets/p12 -in x",
    "openssl s_client -connect db:5432 -starttls postgres",
    "keytool -list -storepass:env STORE_PASS",
    "smbclient -U admin //files/share",
    "lftp -u admin ftp://files",
    "influx -port 8086 -host db",
    "mc alias set local http://minio:9000 $MINIO_ROOT_USER $MINIO_ROOT_PASSWORD",
    "mc cp file local/bucket",
    "vault login -method=userpass username=admin",
    "vault login -method userpass username=admin",
    "vault read -field=value secret/x",
])
def test_ordinary_words_and_references_stay(text: str) -> None:
    assert scrub(text) == text


def _up_output() -> str:
    """An attached `up` of one service for each shape: each ran its command as its shell could not, and exited."""
    names = [f"svc{i}" for i in range(len(COMMANDS))]
    lines = ["me@box:~/app$ docker compose up " + " ".join(names), "Attaching to " + ", ".join(f"{n}-1" for n in names)]
    for name, command in zip(names, COMMANDS, strict=True):
        lines += [f"{name}-1  | + {command}", f"{name}-1  | /entrypoint.sh: line 3: {command}: command not found",
                  f"{name}-1 exited with code 127"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real fastapi-template with one more service for each shape (no command of theirs holds a password:
    the passwords are only in the piped output, which no project value foretells)."""
    root = tmp_path_factory.mktemp("shapes") / "app"
    shutil.copytree(UPSTREAM, root)
    compose = root / "compose.yml"
    text = compose.read_text()
    added = "".join(f"  svc{i}:\n    image: busybox\n" for i in range(len(COMMANDS)))
    assert "\nvolumes:\n" in text
    compose.write_text(text.replace("\nvolumes:\n", "\n" + added + "\nvolumes:\n", 1))
    return root


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
def test_doctor_why_prints_no_password_of_the_piped_commands(project: Path, fmt: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME")}
    env.update(NO_COLOR="1", COLUMNS="400", DOCKER_HOST="unix:///nonexistent/doctor-shapes.sock")
    out = project.parent / f"why.{fmt}"
    done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", "shapes", "--format", fmt, "--output",
                           str(out), "."], cwd=project, input=_up_output(), capture_output=True, text=True,
                          timeout=120, env=env)
    report = out.read_text()
    assert done.returncode == 1, done.stderr + report
    for name in ("svc0", f"svc{len(COMMANDS) - 1}"):  # each service's symptom is there, masked
        assert name in report, report
    assert "rabbitmqctl add_user admin ***" in report, report
    assert _leaks(done.stdout + done.stderr + report) == [], report
    if fmt in ("json", "sarif"):
        json.loads(report)
