"""A container removed between the engine's list and its inspect (compose cleaning up after a failed
create): `doctor why` stopped with "cannot look at the containers: docker engine answered 404"."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.host.containers import project_containers
from doctor.model import Unavailable

LISTED = [{"Id": "aaa", "Names": ["/p-web-1"]}, {"Id": "bbb", "Names": ["/p-db-1"]}]
WEB = {"Id": "aaa", "Name": "/p-web-1", "State": {"Status": "running", "Running": True, "ExitCode": 0},
       "Config": {"Labels": {"com.docker.compose.project": "p", "com.docker.compose.service": "web"}}}


def test_a_container_gone_since_the_list_is_left_out(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path / "docker.sock", {"/containers/json": LISTED, "/containers/aaa/json": WEB})
    try:
        states = project_containers(Host(env={"DOCKER_HOST": engine.url}, timeout=5).engine, "p")
        assert [s.service for s in states] == ["web"]
    finally:
        engine.close()


def test_an_engine_that_cannot_answer_still_says_so(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path / "docker.sock", {"/containers/aaa/json": WEB})  # the list itself is missing
    try:
        with pytest.raises(Unavailable, match="answered 404 to GET /containers/json"):
            project_containers(Host(env={"DOCKER_HOST": engine.url}, timeout=5).engine, "p")
    finally:
        engine.close()
