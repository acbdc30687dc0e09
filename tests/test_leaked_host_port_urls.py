"""leaked-host-port on addresses: a URL or `host:port` naming a service with the port it publishes.

Each project is written to a temporary folder and read by doctor's own loader (interpolation,
`${X:-default}`, env_file, overrides), so the value judged is the one `docker compose config`
prints. Every quiet case has a twin, differing only in the excuse, that is found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

DB = """services:
  db:
    image: postgres:17
    ports:
      - "{ports}"
  api:
    image: api:dev
    depends_on: [db]
{extra}    environment:
      DATABASE_URL: {url}
"""


def findings(root: Path, compose: str, dotenv: str = "", override: str | None = None) -> list[Finding]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(compose)
    if dotenv:
        (root / ".env").write_text(dotenv)
    if override is not None:
        (root / "compose.override.yaml").write_text(override)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))


def db_project(root: Path, url: str, ports: str = "5433:5432", dotenv: str = "", extra: str = "") -> list[Finding]:
    return findings(root, DB.format(ports=ports, url=url, extra=extra), dotenv)


@pytest.mark.parametrize(("url", "ports", "dotenv", "address"), [
    ("postgresql+psycopg://app@db:${POSTGRES_PORT}/app", "${POSTGRES_PORT}:5432", "POSTGRES_PORT=5433\n", "db:5433"),
    ("postgresql://app@db:${POSTGRES_PORT:-15432}/app", "${POSTGRES_PORT:-15432}:5432", "POSTGRES_PORT=15433\n",
     "db:15433"),
    ("postgresql://app@db:${POSTGRES_PORT:-15432}/app", "${POSTGRES_PORT:-15432}:5432", "", "db:15432"),
    ("postgresql://app@db:5433/app", "5433:5432", "", "db:5433"),
    ("postgresql://app@db:5433/app", "127.0.0.1:5433:5432", "", "db:5433"),
    ("postgresql://app@DB:5440/app", "5440-5441:5432", "", "DB:5440"),
], ids=["variable", "default-overridden", "default", "literal", "host-ip", "range"])
def test_url_with_a_published_host_port_is_found(tmp_path: Path, url: str, ports: str, dotenv: str,
                                                 address: str) -> None:
    found = db_project(tmp_path, url, ports, dotenv)
    origin = f"; .env:1 sets {dotenv.strip()}" if dotenv else ""  # where a `.env` variable writes the port
    assert [f.message for f in found] == [
        f"DATABASE_URL dials {address}, the host port of 'db', which listens on 5432 inside the network "
        f"('api' sets DATABASE_URL in its environment){origin}"]
    assert found[0].subject == "api:DATABASE_URL"
    loc = found[0].location
    assert loc is not None and loc.path == tmp_path / "compose.yaml" and loc.line == 10


def test_plain_host_port_value_and_a_network_alias_are_found(tmp_path: Path) -> None:
    compose = """services:
  cache:
    image: redis:7
    ports: ["6380:6379"]
    networks:
      back:
        aliases: [redis-main]
  worker:
    image: worker:dev
    networks: [back]
    environment:
      - CACHE_HOST=cache:6380
      - BROKER_URL=redis://redis-main:6380/0
networks:
  back: {}
"""
    found = findings(tmp_path, compose)
    assert sorted((f.subject, f.location.line if f.location else 0) for f in found) == [
        ("worker:BROKER_URL", 13), ("worker:CACHE_HOST", 12)]
    assert all("which listens on 6379 inside the network" in f.message for f in found)


@pytest.mark.parametrize(("quiet", "loud"), [
    # the container port behind the published one
    ({"url": "postgresql://app@db:5432/app"}, {"url": "postgresql://app@db:5433/app"}),
    # both sides the same port
    ({"url": "postgresql://app@db:5432/app", "ports": "5432:5432"},
     {"url": "postgresql://app@db:5433/app", "ports": "5433:5432"}),
    # a host that is no service of the project
    ({"url": "postgresql://app@db.example.com:5433/app"}, {"url": "postgresql://app@db:5433/app"}),
    # the host port through the host gateway is the right way to reach it
    ({"url": "postgresql://app@host.docker.internal:5433/app",
      "extra": "    extra_hosts: [\"host.docker.internal:host-gateway\"]\n"},
     {"url": "postgresql://app@db:5433/app", "extra": "    extra_hosts: [\"host.docker.internal:host-gateway\"]\n"}),
    # db also listens on 5433 inside the network
    ({"url": "postgresql://app@db:5433/app", "ports": "5433:5432\"\n      - \"5433"},
     {"url": "postgresql://app@db:5433/app"}),
], ids=["container-port", "same-port", "not-a-service", "host-gateway", "listens-inside-too"])
def test_right_addresses_are_quiet_and_their_twins_are_found(tmp_path: Path, quiet: dict[str, str],
                                                            loud: dict[str, str]) -> None:
    assert db_project(tmp_path / "quiet", **quiet) == []
    assert len(db_project(tmp_path / "loud", **loud)) == 1


def test_service_on_a_network_the_client_does_not_join_is_quiet(tmp_path: Path) -> None:
    compose = """services:
  db:
    image: postgres:17
    networks: [{net}]
    ports: ["5433:5432"]
  api:
    image: api:dev
    networks: [front]
    environment:
      DATABASE_URL: postgresql://app@db:5433/app
networks:
  front: {{}}
  back: {{}}
"""
    assert findings(tmp_path / "quiet", compose.format(net="back")) == []
    assert len(findings(tmp_path / "loud", compose.format(net="front"))) == 1


def test_browser_key_is_quiet_unless_the_service_dials_it_from_inside(tmp_path: Path) -> None:
    compose = """services:
  backend:
    image: backend:dev
    ports: ["8001:8000"]
  frontend:
    image: frontend:dev
    environment:
      {key}: http://backend:8001
"""
    assert findings(tmp_path / "quiet", compose.format(key="VITE_API_URL")) == []
    assert len(findings(tmp_path / "loud", compose.format(key="API_URL"))) == 1


def test_shared_env_file_only_reports_the_services_that_use_it(tmp_path: Path) -> None:
    """A project-wide .env every service loads: a service with no reason to dial db is left out."""
    compose = """services:
  db:
    image: postgres:17
    ports: ["${POSTGRES_PORT}:5432"]
  api:
    image: api:dev
    env_file: .env
    depends_on: [db]
  docs:
    image: docs:dev
    env_file: .env
"""
    found = findings(tmp_path, compose, "POSTGRES_PORT=5433\nDATABASE_URL=postgresql://app@db:${POSTGRES_PORT}/app\n")
    assert [(f.subject, f.location.line if f.location else 0) for f in found] == [("api:DATABASE_URL", 2)]
    assert found[0].message.endswith("('api' depends on 'db')")


def test_fix_writes_the_container_address_and_never_copies_a_password(tmp_path: Path) -> None:
    override = "services:\n  api:\n    environment:\n      DEBUG: '1'\n"
    safe = findings(tmp_path / "safe", DB.format(ports="5433:5432", url="postgresql://app@db:5433/app", extra=""),
                    override=override)
    fix = safe[0].fix
    assert fix is not None and fix.safety is Safety.SAFE
    new = str(fix.edits[0].new)
    # quoted as its one sibling is (DEBUG: '1'), as every key a fix adds to a compose file's environment
    assert "DATABASE_URL: 'postgresql://app@db:5432/app'" in new and "DEBUG: '1'" in new
    url = "postgresql://app:pw@db:5433/app"
    secret = findings(tmp_path / "secret", DB.format(ports="5433:5432", url=url, extra=""), override=override)
    # the override would get a copy of the password: the URL's own line is rewritten instead, asked
    fix = secret[0].fix
    assert fix is not None and fix.safety is Safety.UNSAFE
    assert [(e.path.name, e.old, e.new) for e in fix.edits] == [
        ("compose.yaml", f"      DATABASE_URL: {url}", "      DATABASE_URL: postgresql://app:pw@db:5432/app")]
    assert "pw" not in fix.title


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_password_in_the_url_is_never_printed(tmp_path: Path, fmt: str) -> None:
    password = "Hunter2-s3cr3t"  # the planted secret the output must not show
    (tmp_path / "compose.yaml").write_text(DB.format(
        ports="${POSTGRES_PORT}:5432", extra="", url="postgresql://app:${DB_PASS}@db:${POSTGRES_PORT}/app"))
    (tmp_path / ".env").write_text(f"POSTGRES_PORT=5433\nDB_PASS={password}\n")
    env = {**os.environ, "DOCTOR_NO_CACHE": "1", "HOME": str(tmp_path), "COLUMNS": "200"}
    env = {k: v for k, v in env.items() if not k.startswith(("COMPOSE_", "POSTGRES_", "DB_"))}
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "leaked-host-port",
                           "--format", fmt, str(tmp_path)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert password not in done.stdout + done.stderr
    if fmt == "json":
        [finding] = json.loads(done.stdout)["findings"]
        assert finding["message"].startswith("DATABASE_URL dials db:5433, the host port of 'db'")
        assert finding["file"] == "compose.yaml" and finding["line"] == 10
    else:
        assert "DATABASE_URL dials db:5433" in done.stdout


MAYBE = """x-rails-env: &rails_env
  DB_HOST: localhost
  JOBS_HOST: localhost
  REDIS_URL: redis://redis:6379/1
services:
  app:
    image: app:dev
    environment:
      <<: *rails_env
  worker:
    image: app:dev
    environment:
      <<: *rails_env
  db:
    image: postgres:17
  jobs:
    image: busybox
  redis:
    image: redis:7
"""


def test_a_portless_localhost_host_whose_key_names_a_server_peer_is_found_and_fixed_in_place(tmp_path: Path) -> None:
    # maybe-finance/maybe's .devcontainer/docker-compose.yml with DB_HOST: localhost. The value names no
    # port, the key names the peer; 'jobs' listens on nothing (no server), so JOBS_HOST is not judged.
    # The devcontainer reads this one file: no override would be read, so the line itself is edited.
    tmp_path.mkdir(exist_ok=True)
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(MAYBE)
    project = Project(ProjectOptions(path=compose, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    (finding,) = LeakedHostPort().run(project, Host(env={}))
    assert finding.message.startswith("DB_HOST=localhost is each container itself in 'app' and 'worker' "
                                      "(did you mean 'db'?)"), finding.message
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    (edit,) = finding.fix.edits
    assert (edit.path, edit.line, edit.old, edit.new) == (compose, 2, "  DB_HOST: localhost", "  DB_HOST: db")
    # under default discovery an override is read, but the line is the anchor both services merge: the one
    # source they share takes the value there too
    (finding,) = findings(tmp_path / "discovered", MAYBE)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert [(e.path.name, e.line, e.new) for e in finding.fix.edits] == [("compose.yaml", 2, "  DB_HOST: db")]


def test_a_portless_localhost_host_is_right_in_the_named_peers_own_network_namespace(tmp_path: Path) -> None:
    compose = ("services:\n  db:\n    image: postgres:17\n  app:\n    image: app:dev\n"
               "    network_mode: service:db\n    environment:\n      DB_HOST: localhost\n")
    assert findings(tmp_path, compose) == []


def test_a_program_built_in_a_stage_it_copies_from_is_read_for_the_variable(tmp_path: Path) -> None:
    # healthchecks/healthchecks: docker/compose.yml builds `context: ..`; the builder stage copies the
    # repo and the final stage copies the built tree (`COPY --from=builder`), so hc/settings.py, which
    # reads DB_HOST, is the program; docker/.env (DB_HOST=localhost) is also compose's own .env
    (tmp_path / "hc").mkdir()
    (tmp_path / "hc" / "settings.py").write_text('import os\nHOST = os.getenv("DB_HOST", "")\n')
    docker = tmp_path / "docker"
    docker.mkdir()
    (docker / "fetchstatus.py").write_text("print('ok')\n")
    (docker / "Dockerfile").write_text(
        "FROM python:3.14-slim AS builder\nCOPY . /opt/healthchecks/\n"
        "FROM python:3.14-slim\nCOPY --from=builder /opt/healthchecks/ /opt/healthchecks/\n"
        "COPY docker/fetchstatus.py /opt/healthchecks/\n")
    (docker / ".env").write_text("DB_HOST=localhost\nDB_PORT=5432\n")
    compose = ("services:\n  db:\n    image: postgres:16\n  web:\n    build:\n      context: ..\n"
               "      dockerfile: docker/Dockerfile\n    env_file: [.env]\n    depends_on: [db]\n")
    (finding,) = findings(docker, compose)
    assert finding.message == ("DB_HOST=localhost is 'web' itself in its container (did you mean 'db'?): "
                               "'web' reads DB_HOST in ../hc/settings.py")


def test_a_command_line_an_anchor_gives_several_services_is_one_finding_naming_them(tmp_path: Path) -> None:
    """`x-app: &app {command: wait-for db:5433 ...}` merged into web, worker and beat: one line, one
    finding (it was one per service, each with the same edit), naming every service it reaches."""
    compose = ('x-app: &app\n  image: busybox\n  command: sh -c "wait-for db:5433 && ./run"\nservices:\n'
               '  web:\n    <<: *app\n  worker:\n    <<: *app\n  beat:\n    <<: *app\n'
               '  db:\n    image: postgres:16\n    ports:\n      - "5433:5432"\n')
    [found] = findings(tmp_path / "p", compose)
    assert found.message == ("the command of 'web' dials db:5433, the host port of 'db', which listens on 5432 inside "
                             "the network; so do 'worker' and 'beat' (the same line)")
    assert found.location is not None and found.location.line == 3
    assert found.fix is not None and found.fix.safety is Safety.UNSAFE and len(found.fix.edits) == 1


@pytest.mark.parametrize(("env_file", "in_place"), [("plausible-conf.env", True), (".env.local", False)])
def test_a_localhost_in_an_env_file_only_the_containers_read_is_fixed_on_its_line(tmp_path: Path, env_file: str,
                                                                                 in_place: bool) -> None:
    """plausible/community-edition's plausible-conf.env, loaded by `env_file:` alone: its localhost is
    rewritten on its line (was advice for an override the project does not have, while a drifted
    host on the next line was fixed in place); a dotenv-named file an app on the host may read keeps
    the override."""
    root = tmp_path / "p"
    root.mkdir()
    (root / env_file).write_text("BASE_URL=http://localhost:8000\n"
                                 "DATABASE_URL=postgres://postgres:postgres@localhost:5432/plausible_db\n")
    compose = ("services:\n  plausible_db:\n    image: postgres:16-alpine\n  plausible:\n"
               "    image: ghcr.io/plausible/community-edition:v2.1\n    depends_on: [plausible_db]\n"
               f"    ports:\n      - \"8000:8000\"\n    env_file:\n      - {env_file}\n")
    [found] = findings(root, compose)
    assert found.location is not None and (found.location.path.name, found.location.line) == (env_file, 2)
    assert found.fix is not None
    if not in_place:
        assert "dev override" in found.fix.title and "postgres:postgres" not in found.fix.title
        return
    assert found.fix.title == ("rewrite DATABASE_URL on its line in plausible-conf.env, with plausible_db:5432 in "
                               "place of localhost:5432 (only the containers read it)")
    assert found.fix.safety is Safety.UNSAFE
    [edit] = found.fix.edits
    assert (edit.path, edit.line) == (root / env_file, 2)
    assert edit.new == "DATABASE_URL=postgres://postgres:postgres@plausible_db:5432/plausible_db"


def test_a_bare_environment_key_is_reported_at_the_env_line_that_gives_its_localhost(tmp_path: Path) -> None:
    """zammad-docker-compose's `ELASTICSEARCH_HOST:` (no value: compose takes the project variable)
    with ELASTICSEARCH_HOST=localhost in .env: the .env line writes it, as for `${ELASTICSEARCH_HOST}`."""
    compose = ("services:\n  elasticsearch:\n    image: elasticsearch:8.15.0\n  railsserver:\n"
               "    image: ghcr.io/zammad/zammad:6.4\n    depends_on: [elasticsearch]\n    environment:\n"
               "      ELASTICSEARCH_HOST:\n      ELASTICSEARCH_PORT: 9200\n")
    [found] = findings(tmp_path / "p", compose, dotenv="TZ=UTC\nELASTICSEARCH_HOST=localhost\n")
    assert found.location is not None and (found.location.path.name, found.location.line) == (".env", 2)
