"""`doctor why` against a real engine, where the cause is not where the symptom shows: the service `up`
stopped at has no container at all, a variable left the image reference empty, a host name no
service has is only a note of service-name-drift."""

from __future__ import annotations

import io
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, run_why

from doctor.why.command import WhyOptions, why

pytestmark = pytest.mark.docker


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> Iterator[str]:
    tag = f"doctor-test/why-causes-{uuid.uuid4().hex[:8]}:latest"
    subprocess.run([docker_engine, "tag", busybox_image, tag], check=True, capture_output=True)
    yield tag
    subprocess.run([docker_engine, "rmi", tag], capture_output=True)


def test_why_blames_the_service_up_stopped_at_not_the_one_it_left_unstarted(tmp_path: Path, docker_engine: str,
                                                                            image: str) -> None:
    """api's image is on no registry and `pull_policy: never`: `up` created cache (which depends on
    nothing) and stopped at api. why said 'cache created, never started' was the failure, and api merely
    not created ('1 of 1 services failed · 0 explained')."""
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    absent = f"doctor-test/why-absent-{uuid.uuid4().hex[:8]}:dev"
    root = tmp_path / "stack"
    root.mkdir()
    # api depends on cache only so that compose creates cache before it fails at api, every time
    (root / "compose.yaml").write_text(f"""\
services:
  api:
    image: {absent}
    pull_policy: never
    command: ["sleep", "1000"]
    depends_on: [cache]
  cache:
    image: {image}
    command: ["sleep", "1000"]
""")
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0 and "No such image" in up.stderr, up.stderr
        status, text = run_why(root, name)
        assert status == 1, text
        blocks = _blocks(text)
        assert blocks["api"].startswith("✗ api"), text
        assert "image-availability" in blocks["api"] and "compose.yaml:3" in blocks["api"], text
        assert absent in blocks["api"], text
        assert blocks["cache"].splitlines()[0] == "- cache  created, never started: compose stopped at 'api' first"
        assert "symptom" not in blocks["cache"], text
        assert "1 of 2 services failed · 1 explained by a finding" in text, text
        status, document = run_why(root, name, fmt="json")
        services = {s["service"]: s for s in json.loads(document)["facts"]["services"]}
        assert status == 1 and services["api"]["failed"] and not services["cache"]["failed"], document
        status, text = run_why(root, name, service="cache")
        assert status == 1 and "never started: `up` failed at 'api' first" in text, text
        status, text = run_why(root, name, service="api")
        assert status == 1 and "image-availability" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")


def test_why_after_an_up_an_unset_tag_stopped_names_the_variable(tmp_path: Path, docker_engine: str,
                                                                 image: str) -> None:
    """`image: repo:${APP_TAG}` with APP_TAG unset: `up` fails 'invalid reference format' before creating
    anything. why said 'run docker compose up first' though env-drift has the error that says why."""
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "stack"
    root.mkdir()
    repo = image.rsplit(":", 1)[0]
    (root / "compose.yaml").write_text(f"services:\n  app:\n    image: {repo}:${{APP_TAG}}\n"
                                       "    command: [\"sleep\", \"1000\"]\n")
    env = {k: v for k, v in os.environ.items() if k != "APP_TAG"}
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=root, capture_output=True,
                            text=True, timeout=180, env=env)
        assert up.returncode != 0 and "invalid reference format" in up.stderr, up.stderr
        out = io.StringIO()
        status = why(WhyOptions(path=root, project_name=name, env=env), out)
        text = out.getvalue()
        assert status == 1, text
        assert "env-drift" in text and "compose.yaml:3" in text and "'APP_TAG' is not set" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")


def test_why_names_the_note_on_the_host_the_log_line_could_not_resolve(tmp_path: Path, docker_engine: str,
                                                                       image: str) -> None:
    """No postgres and no redis service: service-name-drift notes `DB_HOST=postgres names no service`
    (an info, having nothing to suggest), and why said no finding explained the log lines that fail on
    exactly those names."""
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "stack"
    root.mkdir()
    (root / "compose.yaml").write_text(f"""\
services:
  db:
    image: {image}
    command: ["sleep", "1000"]
  migrate:
    image: {image}
    environment:
      DB_HOST: postgres
    command: ["sh", "-c", "echo 'psycopg2.OperationalError: could not translate host name \\"postgres\\" to address: \
Name or service not known' >&2; exit 1"]
  looper:
    image: {image}
    environment:
      REDIS_HOST: redis
    command: ["sh", "-c", "echo 'Error: getaddrinfo ENOTFOUND redis' >&2; exit 1"]
""")
    try:
        assert compose(docker_engine, root, name, "up", "-d").returncode == 0
        compose(docker_engine, root, name, "wait", "migrate", "looper")
        status, text = run_why(root, name)
        assert status == 1, text
        blocks = _blocks(text)
        for service, line, var in (("migrate", 8, "DB_HOST=postgres"), ("looper", 13, "REDIS_HOST=redis")):
            assert "service-name-drift" in blocks[service] and f"compose.yaml:{line}" in blocks[service], text
            assert f"{var} names no service" in blocks[service], text
            assert "does not resolve" in blocks[service] and "could not reach its database" not in blocks[service]
        assert "2 of 3 services failed · 2 explained by a finding" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
