"""host-gateway for a `.env` line whose service's code never names the variable: a library may read it.

a145982d took such a line (a `.env` line a service loads, its readable program never naming the key) for no
dial, to keep PeerDB's UI quiet about the host tests' `CI_MONGO_HOST=host.docker.internal`. A program reads
many variables through its libraries and frameworks, never writing their names: OpenTelemetry's
OTEL_EXPORTER_OTLP_ENDPOINT, Spring Boot's SPRING_DATASOURCE_URL (relaxed binding) and `@Value("${app.db.host}")`
(APP_DB_HOST), libpq's PGHOST under `psycopg.connect()`, Rails' DATABASE_URL, a name built at run time
(`os.environ[f"{PREFIX}_HOST"]`); each dialed host.docker.internal on a Linux engine and doctor said nothing.
The line is now no finding only where another program of the project reads the key (PeerDB's
local_provision_scripts/setup-mongodb-peer.sh reads CI_MONGO_HOST on the host): the key is that program's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_docker_engine import host_gateway_findings

REPLAY = Path(__file__).parent / "replay" / "peerdb"


def _found(root: Path, compose: str = "compose.yaml") -> list[tuple[str, str | None, int | None]]:
    return [(f.message.split(" (")[0], f.location.path.name if f.location else None,
             f.location.line if f.location else None) for f in host_gateway_findings(root, compose)]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _api(root: Path, dotenv: str, dockerfile: str, code: dict[str, str]) -> Path:
    compose = "services:\n  api:\n    build: ./api\n    env_file: .env\n    ports: ['8000']\n"
    return _write(root, {".env": dotenv, "compose.yaml": compose, "api/Dockerfile": dockerfile,
                         **{f"api/{name}": text for name, text in code.items()}})


PYTHON = 'FROM python:3.12\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'
JAVA = 'FROM eclipse-temurin:21\nCOPY . /app\nCMD ["java", "-jar", "/app/app.jar"]\n'
RUBY = 'FROM ruby:3.3\nCOPY . /app\nCMD ["bin/rails", "server"]\n'

# (dotenv, Dockerfile, the service's code): a library or framework reads the key, the code never names it
LIBRARY_READS = {
    "otel": ("OTEL_EXPORTER_OTLP_ENDPOINT=http://host.docker.internal:4317\n", PYTHON, {
        "main.py": "from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter\n"
                   "OTLPSpanExporter()\n"}),
    "spring-relaxed": ("SPRING_DATASOURCE_URL=jdbc:postgresql://host.docker.internal:5432/app\n", JAVA, {
        "src/main/java/app/App.java": "package app;\n@SpringBootApplication\npublic class App {\n  public static"
                                      " void main(String[] a) { SpringApplication.run(App.class, a); }\n}\n"}),
    "spring-value": ("APP_DB_HOST=host.docker.internal\n", JAVA, {
        "src/main/java/app/Db.java": "package app;\n@Component\npublic class Db {\n"
                                     "  @Value(\"${app.db.host}\") String host;\n}\n"}),
    "libpq": ("PGHOST=host.docker.internal\n", PYTHON, {
        "main.py": "import psycopg\nconn = psycopg.connect()\n"}),
    "rails": ("DATABASE_URL=postgres://app@host.docker.internal:5432/app\n", RUBY, {
        "config/database.yml": "development:\n  adapter: postgresql\n  pool: 5\n",
        "config/application.rb": "require 'rails/all'\nmodule App\n  class Application < Rails::Application\n"
                                 "  end\nend\n"}),
    "f-string": ("APP_HOST=host.docker.internal\n", PYTHON, {
        "main.py": 'import os\nPREFIX = "APP"\nhost = os.environ[f"{PREFIX}_HOST"]\n'}),
}


@pytest.mark.parametrize("case", sorted(LIBRARY_READS))
def test_a_key_a_library_reads_still_dials(tmp_path: Path, case: str) -> None:
    dotenv, dockerfile, code = LIBRARY_READS[case]
    assert _found(_api(tmp_path, dotenv, dockerfile, code)) == [("'api' dials host.docker.internal", ".env", 1)]


def test_a_binary_beside_a_stray_script_still_dials(tmp_path: Path) -> None:
    root = _api(tmp_path, "BACKEND_HOST=host.docker.internal\n",
                'FROM debian:12-slim\nCOPY . /srv\nCMD ["/srv/bin/server"]\n',
                {"bin/server": "\x7fELF", "web/app.js": "document.title = 'status';\n"})
    assert _found(root) == [("'api' dials host.docker.internal", ".env", 1)]


def test_a_key_another_program_reads_is_no_dial(tmp_path: Path) -> None:
    # the host's seed script reads SEED_DB_HOST; the api's code never names it: the key is the script's
    root = _api(tmp_path, "SEED_DB_HOST=host.docker.internal\n", PYTHON, {"main.py": "print('hello')\n"})
    _write(root, {"scripts/seed.sh": '#!/bin/sh\npsql -h "$SEED_DB_HOST" -f seed.sql\n'})
    assert _found(root) == []


def test_a_key_only_named_elsewhere_still_dials(tmp_path: Path) -> None:
    # a file that sets the key (a default) or names it in a comment reads nothing: no program claims it
    root = _api(tmp_path, "SEED_DB_HOST=host.docker.internal\n", PYTHON, {"main.py": "print('hello')\n"})
    _write(root, {"scripts/defaults.sh": "#!/bin/sh\n# SEED_DB_HOST is the seed database\nSEED_DB_HOST=localhost\n"})
    assert _found(root) == [("'api' dials host.docker.internal", ".env", 1)]


def test_peerdb_ui_never_dials_the_host_tests_keys(tmp_path: Path) -> None:
    root = tmp_path / "peerdb"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")  # the README's first step
    assert _found(root, "docker-compose-dev.yml") == []
    # without the host tests' programs, the UI's readable code claims none of their keys: the line stays
    for name in ("local_provision_scripts", "flow"):
        shutil.rmtree(root / name)
    assert _found(root, "docker-compose-dev.yml") == [("'peerdb-ui' dials host.docker.internal", ".env", 1)]
