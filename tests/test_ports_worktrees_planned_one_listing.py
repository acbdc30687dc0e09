"""The other worktrees' running stacks come from the engine's one container listing of the run.

port-collision's live half lists every container (`/containers/json?all=1`, sent as the preflight starts);
the planned half then asked the engine again for the running compose containers (`status` running and
paused, filtered by the engine): a round trip the run sat blocked on (~1.5 ms of a warm preflight of
clean-stack, in every repository with worktrees). It now reads the running ones of that listing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from doctor.checks.port_collision import PortCollision
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.project import Project, ProjectOptions


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return int(probe.getsockname()[1])


def _repo(tmp_path: Path, port: int) -> tuple[Path, Path]:
    main, feature = tmp_path / "repo", tmp_path / "track-b"
    main.mkdir()
    (main / "compose.yaml").write_text(
        f'services:\n  web:\n    image: busybox\n    ports:\n      - "{port}:80"\n  db:\n    image: busybox\n')
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "i"),
                 ("worktree", "add", "-q", str(feature), "-b", "track-b")):
        subprocess.run(["git", *args], cwd=main, check=True, capture_output=True, env=env, timeout=60)
    return main, feature


def _containers(main: Path, state: str) -> list[dict[str, object]]:
    """The main worktree's stack, its db started (`up db`), web not; and another project's container."""
    labels = {"com.docker.compose.project": "repo", "com.docker.compose.service": "db",
              "com.docker.compose.project.working_dir": str(main),
              "com.docker.compose.project.config_files": str(main / "compose.yaml")}
    return [{"Id": "a" * 64, "Names": ["/repo-db-1"], "State": state, "Ports": [], "Labels": labels},
            {"Id": "b" * 64, "Names": ["/loose"], "State": "running", "Ports": [], "Labels": {}}]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[FakeEngine]:
    listed: list[dict[str, object]] = []

    def containers(target: str) -> list[dict[str, object]]:  # honours `all=1` and a `status` filter, as docker
        query = parse_qs(urlsplit(target).query)
        status = json.loads(query.get("filters", ["{}"])[0]).get("status")
        wanted = status or (None if query.get("all") == ["1"] else ["running"])
        return [c for c in listed if wanted is None or c["State"] in wanted]

    fake = FakeEngine(tmp_path / "e.sock", {"/containers/json": containers, "/images/json": []})
    fake.listed = listed  # type: ignore[attr-defined]
    yield fake
    fake.close()


@pytest.mark.parametrize("state", ["running", "paused"])
def test_a_sibling_stack_is_read_from_the_one_listing(tmp_path: Path, engine: FakeEngine, state: str) -> None:
    port = _free_port()
    main, feature = _repo(tmp_path, port)
    engine.listed.extend(_containers(main, state))  # type: ignore[attr-defined]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": engine.url}
    project = Project(ProjectOptions(path=feature, env=env))
    found = list(PortCollision().run(project, Host(env=env, timeout=2.0)))
    assert [f.message for f in found if "also published by worktree 'repo'" in f.message], [f.message for f in found]
    assert "/containers/json?all=1" in engine.requests
    filters = [json.loads(parse_qs(urlsplit(r).query).get("filters", ["{}"])[0]) for r in engine.requests]
    asked = [f for f in filters if "status" in f]
    assert asked == [], asked  # the running ones were taken from the listing, not asked for


def test_a_stopped_sibling_stack_in_the_listing_runs_nothing(tmp_path: Path, engine: FakeEngine) -> None:
    port = _free_port()
    main, feature = _repo(tmp_path, port)
    engine.listed.extend(_containers(main, "exited"))  # type: ignore[attr-defined]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": engine.url}
    project = Project(ProjectOptions(path=feature, env=env))
    found = list(PortCollision().run(project, Host(env=env, timeout=2.0)))
    assert not [f for f in found if "worktree" in f.message], [f.message for f in found]
