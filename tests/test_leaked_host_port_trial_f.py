"""leaked-host-port's findings from new-user trials: each place that dials a host port, in one run.

A: DefectDojo-like `app` waits for `db:${DB_PORT:-5432}` (DB_PORT=5433 in .env): the entrypoint is
rewritten on its line to the container port (the variable keeps the host side), and where the
mapping writes the same variable on its container side (`target: ${DB_PORT:-5432}`) both the
mapping and the entrypoint are reported at once, and one `fix` settles both.
B: saleor-platform's backend.env `DATABASE_URL=...@db:${DB_PORT}/saleor` is rewritten on its line,
and the message names the `.env` line that sets DB_PORT.
C: flask-on-docker's reader is the script its Dockerfile's ENTRYPOINT runs, not a twin beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

WAITER = """services:
  db:
    image: postgres:16-alpine
    ports:
      - target: {target}
        published: ${{DB_PORT:-5432}}
  app:
    image: python:3.12-slim
    depends_on: [db]
    entrypoint: ['/wait-for-it.sh', 'db:${{DB_PORT:-5432}}', '--', 'python', '-m', 'http.server']
"""


def run(root: Path) -> list[Finding]:
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))


def applied(found: list[Finding]) -> None:
    for finding in found:
        assert finding.fix is not None
        for edit in finding.fix.edits:
            text = edit.path.read_text()
            assert edit.old in text
            edit.path.write_text(text.replace(str(edit.old), str(edit.new), 1))


def waiter(root: Path, target: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(WAITER.format(target=target))
    (root / ".env").write_text("DB_PORT=5433\n")
    return root


@pytest.mark.parametrize("target", ["5432", "${DB_PORT:-5432}"])
def test_the_entrypoint_dialing_the_host_port_variable_is_rewritten_on_its_line(tmp_path: Path, target: str) -> None:
    root = waiter(tmp_path, target)
    found = run(root)
    entry = [f for f in found if f.subject == "app:entrypoint:db"]
    assert [f.message for f in entry] == [
        "the entrypoint of 'app' dials db:5433, the host port of 'db', which listens on 5432 inside the network"]
    assert entry[0].location is not None and entry[0].location.line == 10
    fix = entry[0].fix
    assert fix is not None and len(fix.edits) == 1 and "'db:5432'" in str(fix.edits[0].new)
    assert "${DB_PORT" not in str(fix.edits[0].new)
    assert len(found) == (1 if target == "5432" else 2)  # the unheard mapping too, in the same run
    applied(found)
    assert run(root) == []
    assert "published: ${DB_PORT:-5432}" in (root / "compose.yaml").read_text()  # the host side keeps it
    assert (root / ".env").read_text() == "DB_PORT=5433\n"


def test_the_unheard_mapping_is_rewritten_in_the_short_form_too(tmp_path: Path) -> None:
    root = waiter(tmp_path, "5432")
    text = WAITER.format(target="5432").replace(
        "      - target: 5432\n        published: ${DB_PORT:-5432}\n", '      - "${DB_PORT:-5432}:${DB_PORT:-5432}"\n')
    (root / "compose.yaml").write_text(text)
    found = run(root)
    assert {f.subject for f in found} == {"app:entrypoint:db", "db:target:DB_PORT"}
    applied(found)
    assert '"${DB_PORT:-5432}:5432"' in (root / "compose.yaml").read_text()
    assert run(root) == []


def test_a_container_variable_on_the_line_is_not_taken_for_the_port(tmp_path: Path) -> None:
    root = waiter(tmp_path, "5432")
    (root / "compose.yaml").write_text(WAITER.format(target="5432").replace(
        "'db:${DB_PORT:-5432}', '--'", "'db:${DB_PORT:-5432}', 'db:$${DB_PORT}', '--'"))
    fix = next(f.fix for f in run(root) if f.subject == "app:entrypoint:db")
    assert fix is not None and fix.edits and "'db:$${DB_PORT}'" in str(fix.edits[0].new)


SALEOR = """services:
  api:
    image: ghcr.io/saleor/saleor:latest
    depends_on: [db]
    env_file: [{env_file}]
  worker:
    image: ghcr.io/saleor/saleor:latest
    env_file: [{env_file}]
  db:
    image: postgres:15
    ports: ["${{DB_PORT:-5432}}:5432"]
"""


@pytest.mark.parametrize("env_file", ["backend.env", ".env.backend"])
def test_a_port_variable_in_a_containers_env_file_is_rewritten_and_its_origin_named(tmp_path: Path,
                                                                                     env_file: str) -> None:
    (tmp_path / "compose.yaml").write_text(SALEOR.format(env_file=env_file))
    (tmp_path / ".env").write_text("DB_PORT=5433\n")
    (tmp_path / env_file).write_text("DEBUG=1\nSECRET=x\nDATABASE_URL=postgres://saleor:saleor@db:${DB_PORT}/saleor\n")
    found = run(tmp_path)
    assert [f.message for f in found] == [
        "DATABASE_URL dials db:5433, the host port of 'db', which listens on 5432 inside the network ('api' depends "
        "on 'db'); .env:1 sets DB_PORT=5433"]
    fix = found[0].fix
    assert fix is not None
    # a dotenv-named file a host tool may read is rewritten on its line too: its host `db` is a compose
    # service, which no tool on the host resolves (trial H2, kitsune's .env)
    assert [str(e.new) for e in fix.edits] == ["DATABASE_URL=postgres://saleor:saleor@db:5432/saleor"]
    assert [e.path for e in fix.edits] == [tmp_path / env_file]
    applied(found)
    assert run(tmp_path) == []


def test_the_reader_is_the_script_the_dockerfile_runs(tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "Dockerfile").write_text(
        'FROM python:3.11-slim\nWORKDIR /app\nCOPY . /app\nENTRYPOINT ["/app/entrypoint.sh"]\n')
    script = "#!/bin/sh\nwhile ! nc -z $SQL_HOST $SQL_PORT; do sleep 0.1; done\n"
    (web / "entrypoint.sh").write_text(script)
    (web / "entrypoint.prod.sh").write_text(script)
    (tmp_path / "compose.yaml").write_text(
        'services: {web: {build: ./web, env_file: .env.dev}, db: {image: postgres:16, environment: '
        '{POSTGRES_PASSWORD: pw}, ports: ["5433:5432"]}}\n')
    (tmp_path / ".env.dev").write_text("SQL_HOST=db\nSQL_PORT=5433\n")
    found = run(tmp_path)
    assert [f.message for f in found] == [
        "SQL_PORT dials db:5433, the host port of 'db', which listens on 5432 inside the network ('web' reads "
        "SQL_PORT in web/entrypoint.sh)"]
