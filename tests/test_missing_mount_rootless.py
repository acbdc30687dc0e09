"""missing-mount under a rootless engine: the engine makes a missing bind source as its user, not as root.

Before: with DOCKER_HOST at a real rootless dockerd (Debian's 20.10.24 run by uid 1001), `doctor preflight` on
tests/replay/ctfd said `bind source ./.data/redis does not exist: docker will create it root-owned`, and the
engine then made `.data/redis` 1001:1001. A plain local engine whose socket a user owns is that user's.
"""

from __future__ import annotations

import importlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="a socket of another owner needs root")

CTFD_LIKE = """services:
  cache:
    image: redis:4
    volumes:
      - .data/redis:/data
  nginx:
    image: nginx:stable
    volumes:
      - ./conf/nginx/http.conf:/etc/nginx/nginx.conf
  worker:
    image: alpine
    user: "1001:1001"
    volumes:
      - ./uploads:/var/uploads
"""


@pytest.fixture
def engine_socket(tmp_path: Path) -> Iterator[Path]:
    """A listening unix socket standing for an engine's docker.sock."""
    path = tmp_path / "run" / "docker.sock"
    path.parent.mkdir()
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(1)
    try:
        yield path
    finally:
        server.close()


def _found(tmp_path: Path, sock: Path) -> dict[str, Finding]:
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "compose.yaml").write_text(CTFD_LIKE)
    project = Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    host = Host(env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "DOCKER_HOST": f"unix://{sock}"})
    return {f.subject: f for f in MissingMount().run(project, host)}


@needs_root
def test_a_rootless_engines_user_makes_the_missing_source(tmp_path: Path, engine_socket: Path) -> None:
    os.chown(engine_socket, 4242, 4242)  # the engine's user: not the one running doctor (root)
    found = _found(tmp_path, engine_socket)
    engine = "owned by uid 4242, the rootless engine's user (root in its containers)"
    assert found["cache:.data/redis"].severity is Severity.INFO
    assert found["cache:.data/redis"].message == \
        f"bind source ./.data/redis does not exist: docker will create it {engine}"
    assert found["nginx:conf/nginx/http.conf"].message.endswith(f"docker will make it a directory {engine}")
    assert found["worker:uploads"].message.endswith(f"docker makes it {engine}, 'worker' runs as '1001:1001'")
    # its uid 1001 is a subuid of the engine's user: a chown on the host would give it to no uid the container has
    fix = found["worker:uploads"].fix
    assert fix is not None and fix.title.endswith(
        "then give it to 1001:1001 inside the rootless engine: docker compose run --rm --no-deps --user 0:0 "
        "--entrypoint chown worker 1001:1001 /var/uploads"), fix


@needs_root
def test_a_root_owned_socket_is_a_rootful_engines_and_your_own_is_yours(tmp_path: Path, engine_socket: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    found = _found(tmp_path, engine_socket)  # made by root: the rootful engine's
    assert found["cache:.data/redis"].message.endswith("docker will create it root-owned")
    assert found["nginx:conf/nginx/http.conf"].message.endswith("docker will make it a root-owned directory")
    assert found["worker:uploads"].fix is not None and found["worker:uploads"].fix.title.endswith(
        "then as root chown 1001:1001 uploads")
    # the engine's user running doctor: you
    os.chown(engine_socket, 4242, 4242)
    made_as = importlib.import_module("doctor.checks.missing_mount.made_as")
    monkeypatch.setattr(made_as.os, "geteuid", lambda: 4242)
    (tmp_path / "again").mkdir()
    assert _found(tmp_path / "again", engine_socket)["cache:.data/redis"].message.endswith(
        "docker will create it owned by you (root in the rootless engine)")
