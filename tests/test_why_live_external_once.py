"""`doctor why` after an `up` that stopped at an external network no service could join: the cause said once.

awesome-compose's nginx-flask-mongo (tests/replay/awesome-compose-nginx-flask-mongo) with its default network made
external (`name: ...`, `external: true`) and not created: compose says `network ... declared as external, but could
not be found` and creates no container. why put the one compose-config finding ('backend', 'mongo', 'web' use
external network ...) under each of the three services, three times, where an external volume only mongo mounts was
said once. A finding about every service `up` was to start is now said once, under "(all services)", each service
listed as not created below it; one about some of them stays under each.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, run_why
from test_why_live import image as image  # the stand-in image fixture, tagged per test

pytestmark = pytest.mark.docker

REPLAY = Path(__file__).parent / "replay" / "awesome-compose-nginx-flask-mongo"


def _copy(tmp_path: Path, image: str, tail: str) -> Path:
    root = tmp_path / "nfm"
    shutil.copytree(REPLAY, root)
    text = (root / "compose.yaml").read_text()
    text = text.replace("image: nginx\n", f"image: {image}\n").replace("image: mongo\n", f"image: {image}\n")
    (root / "compose.yaml").write_text(text + tail)
    return root


def test_an_external_network_every_service_joins_is_said_once(tmp_path: Path, docker_engine: str,
                                                              image: str) -> None:
    run = uuid.uuid4().hex[:8]
    name, network = f"doctor-test-{run}", f"doctor-test-absent-{run}"
    root = _copy(tmp_path, image, f"networks:\n  default:\n    name: {network}\n    external: true\n")
    try:
        up = compose(docker_engine, root, name, "up", "-d", "--no-build")
        assert up.returncode != 0 and "declared as external, but could not be found" in up.stderr, up.stderr
        status, text = run_why(root, name)
        assert status == 1, text
        assert text.count(f"external network '{network}'") == 1, text
        blocks = _blocks(text)
        assert "compose-config" in blocks["(all services)"] and f"docker network create {network}" in text, text
        assert [" ".join(blocks[s].splitlines()[0].split()) for s in ("backend", "mongo", "web")] == [
            f"- {s} no container (not created)" for s in ("backend", "mongo", "web")], text
        status, text = run_why(root, name, service="web")  # asked about web: the cause is web's own
        assert status == 1 and text.count(f"external network '{network}'") == 1, text
        assert "compose-config" in _blocks(text)["web"], text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")


def test_an_external_volume_one_service_mounts_stays_under_it(tmp_path: Path, docker_engine: str, image: str) -> None:
    run = uuid.uuid4().hex[:8]
    name, volume = f"doctor-test-{run}", f"doctor-test-absent-{run}"
    root = _copy(tmp_path, image, f"volumes:\n  data:\n    name: {volume}\n    external: true\n")
    text = (root / "compose.yaml").read_text()
    (root / "compose.yaml").write_text(text.replace(f"    image: {image}\n", f"    image: {image}\n"
                                                    "    volumes:\n      - data:/data/db\n", 2)
                                       .replace("    volumes:\n      - data:/data/db\n", "", 1))
    try:
        up = compose(docker_engine, root, name, "up", "-d", "--no-build")
        assert up.returncode != 0 and "not found" in up.stderr, up.stderr
        status, text = run_why(root, name)
        assert status == 1 and text.count(f"external volume '{volume}'") == 1, text
        blocks = _blocks(text)
        assert "(all services)" not in blocks and "compose-config" in blocks["mongo"], text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")


def test_an_external_volume_two_of_three_services_mount_is_said_once(tmp_path: Path, docker_engine: str,
                                                                       image: str) -> None:
    """backend and mongo mount the external volume, web does not: the finding was said whole under each of the two
    (its words and its fix twice, as two faults); it is now said under 'backend', and under 'mongo' by its check and
    line, pointing there."""
    run = uuid.uuid4().hex[:8]
    name, volume = f"doctor-test-{run}", f"doctor-test-absent-{run}"
    root = _copy(tmp_path, image, f"volumes:\n  shared:\n    name: {volume}\n    external: true\n")
    text = (root / "compose.yaml").read_text()
    text = text.replace("      - ./flask:/src\n", "      - ./flask:/src\n      - shared:/shared\n")
    (root / "compose.yaml").write_text(text.replace("    image: ", "    volumes:\n      - shared:/data\n    image: ", 2)
                                       .replace("    volumes:\n      - shared:/data\n    image: ", "    image: ", 1))
    try:
        up = compose(docker_engine, root, name, "up", "-d", "--no-build")
        assert up.returncode != 0 and "not found" in up.stderr, up.stderr
        status, text = run_why(root, name)
        assert status == 1 and text.count(f"external volume '{volume}'") == 1, text
        assert text.count(f"docker volume create {volume}") == 1, text
        blocks = _blocks(text)
        assert f"docker volume create {volume}" in blocks["backend"], text
        assert "compose-config  " in blocks["mongo"] and "nfm/compose.yaml:34" in blocks["mongo"], text
        assert "the same finding as under 'backend' (its fix is there)" in blocks["mongo"], text
        assert "compose-config" not in blocks["web"], text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
