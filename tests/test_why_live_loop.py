"""`doctor why` against a real engine on a service that runs but never comes up: its entrypoint waits in a
loop on a database host that does not resolve (wagtail/bakerydemo with `.env`'s host drifted to
`postgresserver`), beside a twin that failed once at start and went on."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, run_why

pytestmark = pytest.mark.docker

# bakerydemo's docker-entrypoint.sh, with busybox nslookup standing in for psql
WAIT = ('until nslookup "$$DATABASE_HOST" >/dev/null 2>&1; do echo "psql: error: could not translate host name '
        '\\"$$DATABASE_HOST\\" to address: Name or service not known" >&2; '
        'echo "Postgres is unavailable - sleeping"; sleep 1; done; echo "Postgres is up - executing command"; '
        'trap "exit 0" TERM; sleep 1000 & wait')
# its healthy twin: one failure while the database started, then up, and serving
WENT_ON = ('echo "psql: error: could not translate host name \\"db\\" to address: Name or service not known" >&2; '
           'echo "Postgres is unavailable - sleeping"; echo "Postgres is up - executing command"; '
           'echo "Listening at: http://0.0.0.0:8000"; trap "exit 0" TERM; sleep 1000 & wait')


@pytest.fixture
def images(docker_engine: str, busybox_image: str) -> Iterator[tuple[str, str]]:
    """The stand-in image for the app, and for the database under a name that says it runs postgres."""
    run = uuid.uuid4().hex[:8]
    tags = (f"doctor-test/why-loop-{run}:latest", f"doctor-test/why-loop-{run}/postgres:16")
    for tag in tags:
        subprocess.run([docker_engine, "tag", busybox_image, tag], check=True, capture_output=True)
    yield tags
    subprocess.run([docker_engine, "rmi", *tags], capture_output=True)


def test_a_running_service_stuck_waiting_on_a_drifted_host_is_not_up(tmp_path: Path, docker_engine: str,
                                                                     images: tuple[str, str]) -> None:
    image, postgres = images
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "bakery"
    root.mkdir()
    (root / ".env").write_text("DATABASE_HOST=postgresserver\n")
    (root / "compose.yaml").write_text(f"""\
services:
  db:
    image: {postgres}
    command: ["sh", "-c", 'trap "exit 0" TERM; httpd -f -p 5432 -h / & wait']
  app:
    image: {image}
    environment:
      DATABASE_HOST: ${{DATABASE_HOST}}
    command: ["sh", "-c", '{WAIT}']
    depends_on: [db]
  twin:
    image: {image}
    command: ["sh", "-c", '{WENT_ON}']
    depends_on: [db]
""")
    try:
        assert compose(docker_engine, root, name, "up", "-d").returncode == 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the loop has gone round a few times
            logs = compose(docker_engine, root, name, "logs", "--no-log-prefix", "app").stdout
            if logs.count("could not translate host name") >= 5:
                break
            time.sleep(1)
        status, text = run_why(root, name)
        assert status == 1, text
        blocks = _blocks(text)
        app = blocks["app"]
        assert app.startswith("✗ app   running, but its log repeats: unknown-host"), text
        assert 'could not translate host name "postgresserver"' in app, text
        assert "service-name-drift" in app and ".env:1" in app and "DATABASE_HOST=postgresserver" in app, text
        assert "    fix      replace 'postgresserver' by 'db'" in app, text
        assert blocks["twin"].splitlines()[0] == "✓ twin  running", text
        assert blocks["db"].splitlines()[0] == "✓ db    running", text
        assert "1 of 3 services failed · 1 explained by a finding" in text, text
        status, document = run_why(root, name, fmt="json")
        services = {s["service"]: s for s in json.loads(document)["facts"]["services"]}
        assert status == 1 and services["app"]["failed"] and not services["twin"]["failed"], document
        assert services["app"]["state"] == "running, but its log repeats: unknown-host", document
        status, text = run_why(root, name, service="twin")
        assert status == 0 and "all 1 services are up" in text, text
        status, text = run_why(root, name, service="app")
        assert status == 1 and "service-name-drift" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
