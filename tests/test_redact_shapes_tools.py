"""The passwords more clients take as arguments (cypher-shell, cqlsh, couchbase-cli, rabbitmqadmin, mosquitto, vsql,
isql, Firebird's tools, etcdctl, kinit's standard input, openssl's `-password pass:`), and those SQL, redis and
`config set` statements set, are masked by their shape.

Before: none of these was known, so fix --dry-run's diff context printed a neo4j healthcheck's
`["CMD", "cypher-shell", "-u", "neo4j", "-p", "Ne4jHcPw9x", "RETURN 1"]` and doctor why a container's
`cypher-shell -u neo4j -p HcNeo4Pw7 failed`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from doctor.redact import scrub

# each command with {pw} where its password goes
SHAPES = [
    '["CMD", "cypher-shell", "-u", "neo4j", "-p", "{pw}", "RETURN 1"]',
    "healthcheck unhealthy: cypher-shell -u neo4j -p {pw} failed",
    "cqlsh -u cassandra -p {pw} -e 'describe keyspaces'",
    "couchbase-cli cluster-init -c localhost -u Administrator -p {pw} --services data",
    "rabbitmqadmin -u guest -p {pw} list queues",
    "mosquitto_pub -h broker -u me -P {pw} -t x -m y",
    "mosquitto_sub -h broker -p 1883 -u me -P '{pw}' -t x",
    "mosquitto_passwd -c -b /mosquitto/config/passwd user {pw}",
    "vsql -U dbadmin -w {pw} -c 'select 1'",
    "isql -U sa -P {pw} -S server",
    "isql -v mydsn user {pw}",
    "isql-fb -user SYSDBA -password {pw} db.fdb",
    "gbak -b -user SYSDBA -pas {pw} db.fdb db.fbk",
    "db2 connect to sample user db2inst1 using {pw}",
    "etcdctl --user root:{pw} get /x",
    "etcdctl --user=root:{pw} get /x",
    "psql -c \"CREATE USER app WITH PASSWORD '{pw}'\"",
    'ALTER USER app ENCRYPTED PASSWORD "{pw}";',
    "CREATE USER scott IDENTIFIED BY {pw};",
    "create user 'a'@'%' identified with mysql_native_password by '{pw}';",
    "mongosh --eval \"db.createUser({{user:'app', pwd:'{pw}', roles:['readWrite']}})\"",
    "redis-cli CONFIG SET requirepass {pw}",
    "127.0.0.1:6379> ACL SETUSER app on >{pw} ~* +@all",
    "acl sEtUsEr app on >{pw} ~* +@all",  # redis reads its commands in any case
    "ACL SETUſER app on >{pw}",  # _SETUSER is case-blind: `ſ` is an `s` to it
    "user worker on >{pw} ~jobs:* +@all",
    "aws configure set aws_secret_access_key {pw}",
    "npm config set //registry.npmjs.org/:_authToken {pw}",
    "rclone config create r s3 provider AWS secret_access_key {pw} region eu",
    "openssl pkcs12 -export -password pass:{pw} -in site.p12",
    "echo {pw} | kinit admin@EXAMPLE.COM",
]
PASSWORDS = [f"Tq{i}Wz8Nm{i % 7}" for i in range(len(SHAPES))]
COMMANDS = [shape.format(pw=pw) for shape, pw in zip(SHAPES, PASSWORDS, strict=True)]


@pytest.mark.parametrize(("command", "password"), list(zip(COMMANDS, PASSWORDS, strict=True)))
def test_each_shape_is_masked(command: str, password: str) -> None:
    found: list[str] = []
    shown = scrub(command, found.append)
    assert password not in shown and "***" in shown, shown
    assert found == [password], found
    assert shown == command.replace(password, "***")  # nothing else masked


@pytest.mark.parametrize("text", [
    "rabbitmqadmin -H rabbit -P 15672 list queues",
    "mosquitto_sub -h broker -p 1883 -t sensors/#",
    "vsql -h vertica -p 5433 -U dbadmin",
    "cqlsh cassandra 9042 -e 'describe keyspaces'",
    "isql -U sa -S server -D appdb",
    "isql -v mydsn",
    "etcdctl --user root get /x",
    "docker run -p 8080:80 nginx",
    'column "password" of relation "users" does not exist',
    "ALTER USER app PASSWORD NULL",
    "the container identified by name web was removed",
    "logged in as user root using ssh",
    "git config set user.name Me && npm config set registry https://registry.npmjs.org/",
    "user default on nopass ~* +@all",
    "requirepass is not set",
    "redis-cli CONFIG SET requirepass $REDIS_PASSWORD",
    "mongosh --eval \"db.createUser({user:'app', roles:['readWrite'], host:'db'})\"",
    "echo $KRB_PASSWORD | kinit admin@EXAMPLE.COM",
    "openssl pkcs12 -export -password env:P12_PASSWORD -in site.p12",
])
def test_ordinary_arguments_and_references_stay(text: str) -> None:
    assert scrub(text) == text


def test_long_adversarial_lines_are_masked_fast() -> None:
    for text in ("password '" * 100_000, "identified by " * 70_000, "user x identified by y " * 40_000,
                 "config set api_key x " * 50_000, "user a >b " * 100_000, "setuser " * 125_000, "pwd:'x' " * 120_000,
                 "cqlsh -p " * 100_000, "config create " * 70_000, "connect to a user b using c " * 35_000):
        started = time.process_time()
        scrub(text)
        assert time.process_time() - started < 5.0


def _doctor(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME")}
    env.update(NO_COLOR="1", COLUMNS="400", XDG_STATE_HOME=str(cwd / ".state"),
               DOCKER_HOST="unix:///nonexistent/doctor-shapes-tools.sock")
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def _project(root: Path) -> Path:
    (root / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n"
        "  neo4j:\n    image: neo4j:5\n    healthcheck:\n"
        '      test: ["CMD", "cypher-shell", "-u", "neo4j", "-p", "Ne4jHcPw9x", "RETURN 1"]\n'
        "    environment:\n      DB_HOST: postgresserver\n")
    return root


def test_fix_dry_runs_diff_context_masks_a_cypher_shell_password(tmp_path: Path) -> None:
    out = _doctor(["fix", "--dry-run", "."], _project(tmp_path))
    assert "+      DB_HOST: db" in out, out
    assert '"cypher-shell", "-u", "neo4j", "-p", "***", "RETURN 1"' in out, out
    assert "Ne4jHcPw9x" not in out, out


def test_doctor_why_masks_the_passwords_of_a_failed_services_log(tmp_path: Path) -> None:
    logged = "".join(f"neo4j-1  | {line}\n" for line in COMMANDS[1:])
    piped = "Attaching to neo4j-1\n" + logged + "neo4j-1 exited with code 1\n"
    out = _doctor(["why", "-p", "doctor-h-redfixa-tools", "."], _project(tmp_path), piped)
    assert "neo4j" in out and "exited" in out, out
    assert not [pw for pw in PASSWORDS if pw in out], out
