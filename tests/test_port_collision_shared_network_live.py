"""preflight's port-collision names a fixed network `name:` another project's `up` made: this `up` would join it.

dittofeed's docker-compose.yaml declares `dittofeed-network-dev: {name: dittofeed-network-dev}`. With a second
worktree up under its own project name (and its own ports), this checkout's `up` only warns `a network with name
dittofeed-network-dev exists but was not created for project` and joins it, where each service name answers for
both checkouts' containers. `doctor ports` said so (8c67c78a); preflight said nothing, as it does say for a
`container_name` another project's container has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.shared_network import shared_network_findings
from test_ports_worktrees_live import free_ports

from doctor.model import Severity, Unavailable
from doctor.project import Project, ProjectOptions

PREFIX = os.environ.get("DOCTOR_TEST_PROJECT_PREFIX", "doctor-test-")


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> Iterator[str]:
    name = f"doctor-test/shared-network-{uuid.uuid4().hex[:8]}:latest"
    subprocess.run([docker_engine, "tag", busybox_image, name], check=True, capture_output=True)
    yield name
    subprocess.run([docker_engine, "rmi", name], capture_output=True)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}


def _compose(docker: str, root: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, "compose", "-p", name, *args], cwd=root, capture_output=True, text=True,
                          timeout=180, env=_env())


def _network_findings(root: Path, name: str) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "port-collision", "--format",
                           "json", "-p", name, str(root)], capture_output=True, text=True, timeout=120, env=_env())
    assert done.returncode in (0, 1), done.stderr
    return [f for f in json.loads(done.stdout)["findings"] if str(f["subject"]).startswith("network:")]


@pytest.mark.docker
@pytest.mark.parametrize("published", [True, False])
def test_a_fixed_network_name_another_project_made_is_a_warning(tmp_path: Path, docker_engine: str, image: str,
                                                                published: bool) -> None:
    run = uuid.uuid4().hex[:8]
    network = f"{PREFIX}{run}-net"
    port_a, port_b = free_ports(2)
    ports = "    ports: ['${DB_PORT}:5432']\n" if published else ""
    compose = (f"services:\n  db:\n    image: {image}\n    command: ['sleep', '600']\n    networks: [dev]\n{ports}"
               f"networks:\n  dev:\n    driver: bridge\n    name: {network}\n")
    track_a, track_b = tmp_path / "track-a", tmp_path / "track-b"
    for root, port in ((track_a, port_a), (track_b, port_b)):
        root.mkdir()
        (root / "compose.yaml").write_text(compose)
        (root / ".env").write_text(f"DB_PORT={port}\n")
    name_a, name_b = f"{PREFIX}{run}-a", f"{PREFIX}{run}-b"
    try:
        assert not _network_findings(track_b, name_b)  # no such network on the engine yet
        up = _compose(docker_engine, track_a, name_a, "up", "-d")
        assert up.returncode == 0, up.stderr
        assert not _network_findings(track_a, name_a)  # its own project's network

        (finding,) = _network_findings(track_b, name_b)
        assert finding["severity"] == "warning"
        assert finding["message"] == (
            f"network '{network}' (`networks: dev: name:`) exists on the engine, made by project '{name_a}': 'up' "
            "joins it, where each service name answers for both projects' containers")
        assert (finding["file"], finding["line"]) == ("compose.yaml", 10 if published else 9)
        fix = finding["fix"]
        assert isinstance(fix, dict) and str(fix["title"]).startswith(
            f"give this checkout a network of its own: `networks: dev: name: !reset null` in the dev override "
            f"(compose then names it {name_b}_dev)")
        # what the finding says `up` does, it does
        up = _compose(docker_engine, track_b, name_b, "up", "-d")
        assert f"a network with name {network} exists but was not created for project" in up.stderr, up.stderr
        _compose(docker_engine, track_b, name_b, "down", "-t", "0")

        # the advised override: B makes a network of its own, and preflight says nothing of A's
        (track_b / "compose.override.yaml").write_text("networks:\n  dev:\n    name: !reset null\n")
        assert not _network_findings(track_b, name_b)
    finally:
        _compose(docker_engine, track_b, name_b, "down", "-v", "-t", "0")
        _compose(docker_engine, track_a, name_a, "down", "-v", "-t", "0")


def test_an_engine_that_does_not_answer_in_time_is_said_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    image: busybox\n    networks: [dev]\n"
                                           "networks:\n  dev:\n    name: shared-dev\n")
    project = Project(ProjectOptions(path=tmp_path, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}))

    def slow(path: str) -> object:
        raise Unavailable("docker engine did not answer GET /networks/shared-dev in 2.0 s")

    host = SimpleNamespace(engine=SimpleNamespace(get_json=slow))
    (finding,) = shared_network_findings(PortCollision(), project.compose, host, project)  # type: ignore[arg-type]
    assert finding.severity is Severity.INFO and finding.location is not None and finding.location.line == 7
    assert finding.message == ("could not ask the engine for network 'shared-dev' (docker engine did not answer GET "
                               "/networks/shared-dev in 2.0 s): whether another project's 'up' made it is unknown")

    def absent(path: str) -> object:
        raise Unavailable("docker engine answered 404 to GET /networks/shared-dev")

    host = SimpleNamespace(engine=SimpleNamespace(get_json=absent))
    assert not list(shared_network_findings(PortCollision(), project.compose, host, project))  # type: ignore[arg-type]


@pytest.mark.docker
@pytest.mark.parametrize("maker", ["hand", "other-key"])
def test_a_fixed_network_name_up_refuses_is_an_error(tmp_path: Path, docker_engine: str, image: str,
                                                     maker: str) -> None:
    """A network of that name with no compose labels (`docker network create`) or another key's: `up` stops at it
    ("was found but has incorrect label"), and preflight said nothing of it; the advised `external: true` starts."""
    run = uuid.uuid4().hex[:8]
    network = f"{PREFIX}{run}-net"
    compose = (f"services:\n  db:\n    image: {image}\n    command: ['sleep', '600']\n    networks: [dev]\n"
               f"networks:\n  dev:\n    driver: bridge\n    name: {network}\n")
    root, other = tmp_path / "app", tmp_path / "other"
    root.mkdir()
    other.mkdir()
    (root / "compose.yaml").write_text(compose)
    (other / "compose.yaml").write_text(compose.replace("[dev]", "[shared]").replace("  dev:\n", "  shared:\n"))
    name, name_other = f"{PREFIX}{run}-app", f"{PREFIX}{run}-other"
    try:
        if maker == "hand":
            made = subprocess.run([docker_engine, "network", "create", network], capture_output=True, text=True)
            assert made.returncode == 0, made.stderr
            made_by, label = "outside compose (it has no compose labels: `docker network create`, another tool)", ""
        else:
            up = _compose(docker_engine, other, name_other, "up", "-d")
            assert up.returncode == 0, up.stderr
            made_by, label = f"by project '{name_other}' as its network 'shared'", "shared"

        (finding,) = _network_findings(root, name)
        refusal = f'network {network} was found but has incorrect label com.docker.compose.network set to "{label}"'
        assert finding["severity"] == "error"
        assert finding["message"] == (
            f"network '{network}' (`networks: dev: name:`) exists on the engine, made {made_by}: 'up' refuses it "
            f"('{refusal}') and starts nothing")
        assert (finding["file"], finding["line"]) == ("compose.yaml", 9)
        fix = finding["fix"]
        assert isinstance(fix, dict) and str(fix["title"]).startswith(
            "to share that network, declare it `networks: dev: external: true` (compose then uses it as it is); else "
            f"give this project a network of its own, `networks: dev: name: !reset null` in the dev override "
            f"(compose then names it {name}_dev)")
        # what the finding says `up` does, it does
        up = _compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0 and refusal in up.stderr, up.stderr

        # each way out the advice gives: no finding, and `up` starts
        for override in ("networks:\n  dev:\n    external: true\n", "networks:\n  dev:\n    name: !reset null\n"):
            (root / "compose.override.yaml").write_text(override)
            assert not _network_findings(root, name)
            up = _compose(docker_engine, root, name, "up", "-d")
            assert up.returncode == 0, up.stderr
            _compose(docker_engine, root, name, "down", "-t", "0")
    finally:
        _compose(docker_engine, root, name, "down", "-v", "-t", "0")
        _compose(docker_engine, other, name_other, "down", "-v", "-t", "0")
        subprocess.run([docker_engine, "network", "rm", network], capture_output=True)


@pytest.mark.parametrize(("labels", "maker"), [
    ({}, "outside compose (it has no compose labels: `docker network create`, another tool)"),
    ({"com.docker.compose.project": "older", "com.docker.compose.version": "1.29.2"},
     "by project 'older' without compose's network label (an older compose, or by hand)"),
    ({"com.docker.compose.network": "dev2"}, "with the label of a network 'dev2' and no compose project's"),
    ({"com.docker.compose.version": "2.40.3"}, "with compose labels but no project's nor network's"),
    ({"com.docker.compose.project": "other", "com.docker.compose.network": "shared"},
     "by project 'other' as its network 'shared'"),
])
def test_who_made_the_network_up_refuses_is_read_from_its_labels(tmp_path: Path, labels: dict[str, str],
                                                                 maker: str) -> None:
    """The review's case: a network with this project's old compose v1 labels (a project label, no network label)
    was said to have no compose labels at all."""
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    image: busybox\n    networks: [dev]\n"
                                           "networks:\n  dev:\n    name: shared-dev\n")
    project = Project(ProjectOptions(path=tmp_path, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}))
    host = SimpleNamespace(engine=SimpleNamespace(get_json=lambda path: [{"Name": "shared-dev", "Labels": labels}]))
    (finding,) = shared_network_findings(PortCollision(), project.compose, host, project)  # type: ignore[arg-type]
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(f"network 'shared-dev' (`networks: dev: name:`) exists on the engine, made "
                                      f"{maker}: 'up' refuses it"), finding.message


@pytest.mark.docker
def test_this_projects_own_network_under_a_renamed_key_is_to_be_removed(tmp_path: Path, docker_engine: str,
                                                                        image: str) -> None:
    """The review's case: `networks: old: {name: N}` up, then the key renamed to `backend`: `up` refuses the
    project's own network, whose first advice was `external: true` (keeping it); compose's `down` removes it."""
    run = uuid.uuid4().hex[:8]
    network, name = f"{PREFIX}{run}-net", f"{PREFIX}{run}-own"
    compose = (f"services:\n  db:\n    image: {image}\n    command: ['sleep', '600']\n    networks: [old]\n"
               f"networks:\n  old:\n    name: {network}\n")
    (tmp_path / "compose.yaml").write_text(compose)
    try:
        up = _compose(docker_engine, tmp_path, name, "up", "-d")
        assert up.returncode == 0, up.stderr
        (tmp_path / "compose.yaml").write_text(compose.replace("old", "backend"))
        (finding,) = _network_findings(tmp_path, name)
        assert finding["severity"] == "error"
        assert str(finding["message"]).startswith(
            f"network '{network}' (`networks: backend: name:`) exists on the engine, made by this project's own 'up' "
            "as its network 'old': 'up' refuses it"), finding
        fix = finding["fix"]
        assert isinstance(fix, dict) and str(fix["title"]).startswith(
            "remove it: `docker compose down` does, with the project's containers"), fix
        up = _compose(docker_engine, tmp_path, name, "up", "-d")
        assert up.returncode != 0 and "has incorrect label" in up.stderr, up.stderr
        # what it says: `down` removes it, and `up` starts
        _compose(docker_engine, tmp_path, name, "down", "-t", "0")
        assert not _network_findings(tmp_path, name)
        up = _compose(docker_engine, tmp_path, name, "up", "-d")
        assert up.returncode == 0, up.stderr
    finally:
        _compose(docker_engine, tmp_path, name, "down", "-v", "-t", "0")
        subprocess.run([docker_engine, "network", "rm", network], capture_output=True)


@pytest.mark.docker
@pytest.mark.parametrize("key", ["default", "backend"])
def test_a_hand_made_network_of_the_name_compose_gives_is_refused_too(tmp_path: Path, docker_engine: str, image: str,
                                                                      key: str) -> None:
    """No `name:`: compose names the network `<project>_<key>` (the implicit `default`, or a declared `backend`).
    One made by hand under that name (`docker network create myproj_default`) `up` refuses as it refuses a fixed
    name's ("was found but has incorrect label"); preflight looked up fixed names alone and said nothing."""
    run = uuid.uuid4().hex[:8]
    name = f"{PREFIX}{run}-own"
    network = f"{name}_{key}"
    joins, declared = ("", "") if key == "default" else ("    networks: [backend]\n", "networks:\n  backend: {}\n")
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  db:\n    image: {image}\n    command: ['sleep', '600']\n{joins}{declared}")
    try:
        assert not _network_findings(tmp_path, name)  # no such network yet
        made = subprocess.run([docker_engine, "network", "create", network], capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        (finding,) = _network_findings(tmp_path, name)
        refusal = f'network {network} was found but has incorrect label com.docker.compose.network set to ""'
        assert finding["severity"] == "error"
        assert finding["message"] == (
            f"network '{network}' (the project's network '{key}', which compose names {network}) exists on the "
            "engine, made outside compose (it has no compose labels: `docker network create`, another tool): 'up' "
            f"refuses it ('{refusal}') and starts nothing")
        fix = finding["fix"]
        assert isinstance(fix, dict) and str(fix["title"]).startswith(
            f"to share that network, declare it `networks: {key}: {{name: {network}, external: true}}`"), fix
        up = _compose(docker_engine, tmp_path, name, "up", "-d")  # what the finding says `up` does, it does
        assert up.returncode != 0 and refusal in up.stderr, up.stderr
        # the network removed: `up` makes its own, which preflight then leaves alone
        subprocess.run([docker_engine, "network", "rm", network], capture_output=True, check=True)
        up = _compose(docker_engine, tmp_path, name, "up", "-d")
        assert up.returncode == 0, up.stderr
        assert not _network_findings(tmp_path, name)
    finally:
        _compose(docker_engine, tmp_path, name, "down", "-v", "-t", "0")
        subprocess.run([docker_engine, "network", "rm", network], capture_output=True)
