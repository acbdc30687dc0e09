"""`docker compose --progress json up -d 2>&1 | doctor why` (testdrivenio/django-on-docker layout, audit 2026-12).

Before: compose's json progress, one object a line (`{"id":"Container proj-db-1","status":"Error response from
daemon: No such image: ..."}`, the last `{"error":true,"message":"..."}`), was read as no text a signature knows:
`doctor why < up.log` said "'docker compose up' has not run, or it failed before creating one" where the same `up`
with plain progress was diagnosed. Each line is now read as the plain progress writes it.
"""

from __future__ import annotations

from pathlib import Path

from why_run import run_why

from doctor.why.piped import from_json_progress

# testdrivenio/django-on-docker's docker-compose.yml (MIT), its build and images replaced by stand-ins
COMPOSE = """\
services:
  web:
    image: doctor-test/backend
    command: python manage.py runserver 0.0.0.0:8000
    volumes:
      - ./app/:/usr/src/app/
    ports:
      - 46417:8000
    depends_on:
      - db
  db:
    image: doctor-test/postgres:99
    volumes:
      - postgres_data:/var/lib/postgresql/data/
    environment:
      - POSTGRES_USER=hello_django
      - POSTGRES_PASSWORD=hello_django

volumes:
  postgres_data:
"""
# what compose v2.40's `--progress json up -d` wrote: the db image absent (`--pull never`), then the web port held
NO_IMAGE = "".join([
    '{"level":"warning","msg":"/tmp/audit-why-dod/docker-compose.yml: the attribute `version` is obso'
    'lete, it will be ignored, please remove it to avoid potential confusion","time":"2026-12-05T13:3'
    '4:04Z"}\n',
    '{"id":"Container audit-why-np-db-1","status":"Creating"}\n',
    '{"id":"Container audit-why-np-db-1","status":"Error response from daemon: No such image: doctor-'
    'test/postgres:99"}\n',
    '{"error":true,"message":"Error response from daemon: No such image: doctor-test/postgres:99"}\n',
])
PORT_HELD = "".join([
    '{"level":"warning","msg":"/tmp/audit-why-dod/docker-compose.yml: the attribute `version` is obso'
    'lete, it will be ignored, please remove it to avoid potential confusion","time":"2026-12-05T13:4'
    '2:29Z"}\n',
    '{"id":"Network audit-why-j_default","status":"Creating"}\n',
    '{"id":"Network audit-why-j_default","status":"Created"}\n',
    '{"id":"Volume audit-why-j_postgres_data","status":"Creating"}\n',
    '{"id":"Volume audit-why-j_postgres_data","status":"Created"}\n',
    '{"id":"Container audit-why-j-db-1","status":"Creating"}\n',
    '{"id":"Container audit-why-j-db-1","status":"Created"}\n',
    '{"id":"Container audit-why-j-web-1","status":"Creating"}\n',
    '{"id":"Container audit-why-j-web-1","status":"Created"}\n',
    '{"id":"Container audit-why-j-db-1","status":"Starting"}\n',
    '{"id":"Container audit-why-j-db-1","status":"Started"}\n',
    '{"id":"Container audit-why-j-web-1","status":"Starting"}\n',
    '{"error":true,"message":"Error response from daemon: driver failed programming external connecti'
    'vity on endpoint audit-why-j-web-1 (032d4b2804379a682b0892d15897f5816a5a75ab20567ab6427cae5f3012'
    'f69a): Error starting userland proxy: listen tcp4 0.0.0.0:46417: bind: address already in use"}\n',
])


def test_json_progress_reads_as_plain_progress() -> None:
    plain = from_json_progress(NO_IMAGE)
    assert " Container audit-why-np-db-1  Error response from daemon: No such image: doctor-test/postgres:99\n" in plain
    assert plain.endswith("\nError response from daemon: No such image: doctor-test/postgres:99\n"), plain
    assert plain.startswith('level=warning msg="/tmp/audit-why-dod/docker-compose.yml: the attribute'), plain
    # a container's own json log line after compose's prefix, and a line that is no json, stay
    for line in ('web-1  | {"level":"error","msg":"boom"}', '{"id": broken', '{"id":"x","status":{"nested":1}}'):
        assert from_json_progress(line) == line


def test_a_json_up_that_found_no_image_is_diagnosed(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    done = run_why(tmp_path, NO_IMAGE)
    assert done.returncode == 1, done
    assert "✗ db   failed, in the piped output" in done.stdout, done.stdout
    assert "means    the engine has no such image and compose did not pull or build it" in done.stdout, done.stdout
    assert "- web  not started: it depends on 'db', which failed" in done.stdout, done.stdout
    assert "has not run" not in done.stderr, done.stderr


def test_a_json_up_that_found_its_port_held_is_diagnosed(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    done = run_why(tmp_path, PORT_HELD)
    assert done.returncode == 1, done
    assert "✓ db   started, in the piped output" in done.stdout, done.stdout
    assert "✗ web  failed, in the piped output" in done.stdout, done.stdout
    assert "symptom  …listen tcp4 0.0.0.0:46417: bind: address already in use" in done.stdout, done.stdout
    assert "means    the host port the service publishes is already held" in done.stdout, done.stdout
