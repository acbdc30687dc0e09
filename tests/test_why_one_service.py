"""`doctor why --service S`: S's findings first; another service's finding is named by that service, or left out,
never shown as a fault of them all.

Before: an `up` that created no container (a bind source that must exist is missing for web and for db) asked about
with `--service web` listed db's finding under "(all services)" beside web's row, and the count line said "(and a
fault of them all)"; with `--service cache` (a service with no fault) both were "(all services)", cache's own. A
line of the output piped in that names no service (`nc: bad address 'postgresserver'`), explained by worker's
finding, stayed under "(all services)" with `--service worker`, and was shown with `--service web` too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

NOT_CREATED = """\
services:
  web:
    image: busybox
    volumes:
      - type: bind
        source: ./webdata
        target: /data
        bind:
          create_host_path: false
  db:
    image: busybox
    volumes:
      - type: bind
        source: ./dbdata
        target: /data
        bind:
          create_host_path: false
  cache:
    image: busybox
"""

DRIFTED = """\
services:
  web:
    image: busybox
    environment:
      DB_HOST: db
  worker:
    image: busybox
    environment:
      POSTGRES_SERVER: postgresserver
  db:
    image: busybox
"""
UNNAMED = "nc: bad address 'postgresserver'\n"  # worker's line, without compose's `worker-1  |` prefix


def _why(root: Path, *args: str, text: str = "", engine: str = "tcp://127.0.0.1:9") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES",
                                                                "COMPOSE_FILE")}
    environ = {**environ, "DOCKER_HOST": engine, "HOME": str(root), "PATH": "/nonexistent"}
    return subprocess.run([sys.executable, "-m", "doctor", "why", *args], cwd=root, capture_output=True, text=True,
                          timeout=120, input=text, env=environ)


def _rows(out: str) -> list[str]:
    """The services listed, in order (a row starts with its mark)."""
    return [line.split()[1] if not line.startswith(("✗ (all", "- (all")) else "(all services)"
            for line in out.splitlines() if line[:2] in ("✗ ", "✓ ", "- ")]


@pytest.fixture
def not_created(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A project no container of which the (fake) engine has: `up` failed before creating one."""
    root = tmp_path / "shop"
    root.mkdir()
    (root / "compose.yaml").write_text(NOT_CREATED)
    engine = FakeEngine(tmp_path / "docker.sock", {"/containers/json": []})
    yield root, engine.url
    engine.close()


def test_the_asked_service_s_finding_alone_when_it_has_one(not_created: tuple[Path, str]) -> None:
    root, engine = not_created
    whole = _why(root, engine=engine)
    assert _rows(whole.stdout) == ["cache", "db", "web"], whole  # unchanged without --service
    done = _why(root, "--service", "web", engine=engine)
    assert done.returncode == 1, done
    assert _rows(done.stdout) == ["web"], done.stdout
    assert "'web' cannot start" in done.stdout and "'db' cannot start" not in done.stdout, done.stdout
    assert done.stdout.rstrip().endswith("1 of 1 services failed · 1 explained by a finding"), done.stdout


def test_another_service_s_finding_is_named_by_it_when_nothing_explains_the_asked_one(
        not_created: tuple[Path, str]) -> None:
    root, engine = not_created
    done = _why(root, "--service", "cache", engine=engine)
    assert done.returncode == 1, done
    assert _rows(done.stdout) == ["cache", "db", "web"], done.stdout  # the asked one first, the others by name
    assert "- cache  no container (not created)" in done.stdout, done.stdout
    web = done.stdout[done.stdout.index("✗ web"):]
    assert "'web' cannot start" in web and "'db' cannot start" not in web, done.stdout
    assert done.stdout.rstrip().endswith("2 of 3 services failed · 2 explained by a finding (1 not started)"), \
        done.stdout


@pytest.fixture
def drifted(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "compose.yaml").write_text(DRIFTED)
    return root


def test_a_line_naming_no_service_is_the_asked_service_s_when_its_cause_names_it(drifted: Path) -> None:
    whole = _why(drifted, text=UNNAMED)
    assert _rows(whole.stdout) == ["(all services)"], whole  # unchanged without --service: it names none
    done = _why(drifted, "--service", "worker", "--format", "json", text=UNNAMED)
    assert done.returncode == 1, done
    (finding,) = json.loads(done.stdout)["findings"]
    assert finding["check"] == "service-name-drift" and finding["symptom"]["service"] == "worker", finding
    assert "(explains 'worker' " in finding["message"], finding["message"]
    console = _why(drifted, "--service", "worker", text=UNNAMED)
    assert _rows(console.stdout) == ["worker"], console.stdout
    assert "POSTGRES_SERVER=postgresserver names no service" in console.stdout, console.stdout


def test_a_line_naming_no_service_is_another_s_by_name_or_left_out(drifted: Path) -> None:
    done = _why(drifted, "--service", "web", text=UNNAMED)  # web shows nothing of its own: worker's is named
    assert done.returncode == 1, done
    assert _rows(done.stdout) == ["web", "worker"], done.stdout
    assert "- web     not started: `up` stopped at 'worker' first" in done.stdout, done.stdout
    own = "web-1  | Error: boom\nweb-1 exited with code 1\n"  # web's own failure: worker's is left out
    alone = _why(drifted, "--service", "web", text=own + UNNAMED)
    assert _rows(alone.stdout) == ["web"], alone.stdout
    assert "postgresserver" not in alone.stdout, alone.stdout
