"""`doctor ports` names a network `name:` two checkouts share: the second `up` joins the first's network.

dittofeed's docker-compose.yaml (tests/replay/dittofeed) declares `dittofeed-network-dev: {name:
dittofeed-network-dev}` and puts every service on it. Two worktrees, each with its own project name and, after
`doctor fix --ports`, its own ports, still met there: compose found the network, warned `a network with name
dittofeed-network-dev exists but was not created for project "...-b"` and joined it, so from track B `postgres`
answered with both tracks' databases. `doctor ports` said `✓ no clashes`.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_ports_worktrees_live import free_ports, git

from doctor.portmap import PortsOptions, ports

REPLAY = Path(__file__).parent / "replay" / "dittofeed"
NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
RESET = "networks:\n  dittofeed-network-dev:\n    name: !reset null\n"


def _ports(path: Path, env: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    return ports(PortsOptions(path, env=env), out), out.getvalue()


def _tracks(tmp_path: Path, compose: str | None = None) -> tuple[Path, Path]:
    """dittofeed's compose file (or `compose`) committed in a repository, and a second worktree of it."""
    main = tmp_path / "dittofeed"
    main.mkdir()
    shutil.copy(REPLAY / "docker-compose.yaml", main)
    if compose is not None:
        (main / "docker-compose.yaml").write_text(compose)
    (main / ".gitignore").write_text("docker-compose.override.yml\n")
    git(main, "init", "-q", "-b", "main")
    git(main, "add", ".")
    git(main, "commit", "-q", "-m", "upstream")
    other = tmp_path / "dittofeed-b"
    git(main, "worktree", "add", "-q", "-b", "track-b", str(other))
    return main, other


def test_two_worktrees_sharing_a_fixed_network_name_clash(tmp_path: Path) -> None:
    _, other = _tracks(tmp_path)
    env = {**NO_ENGINE, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    status, out = _ports(other, env)
    assert status == 1
    assert ("network 'dittofeed-network-dev' (`networks: dittofeed-network-dev: name:`) is used by dittofeed, "
            "dittofeed-b: the second 'up' joins the first's, where each service name answers for both checkouts' "
            "containers (in all but one, `networks: dittofeed-network-dev: name: !reset null` in the dev override: "
            "compose then names it PROJECT_dittofeed-network-dev)") in out
    assert "fix: first drop fixed container names and drop fixed network names (above)" in out
    # what the line advises, in track B's untracked override: the network is B's own, only temporal's name is shared
    (other / "docker-compose.override.yml").write_text(RESET)
    status, out = _ports(other, env)
    assert "network 'dittofeed-network-dev'" not in out
    assert "container_name 'temporal' is used by dittofeed, dittofeed-b" in out


@pytest.mark.parametrize("networks", [
    # compose makes PROJECT_KEY of a network with no name: one of its own per checkout
    "networks:\n  dev:\n    driver: bridge\n",
    # an external network is shared on purpose (penpot's `name: penpot_shared, external: true`)
    "networks:\n  dev:\n    name: shared-dev\n    external: true\n",
    # a name declared for a network no enabled service joins is never created
    "networks:\n  dev:\n  unused:\n    name: shared-dev\n",
])
def test_networks_each_checkout_makes_its_own_or_shares_on_purpose_are_no_clash(tmp_path: Path,
                                                                                 networks: str) -> None:
    compose = "services:\n  db:\n    image: busybox\n    networks: [dev]\n" + networks
    _, other = _tracks(tmp_path, compose)
    status, out = _ports(other, {**NO_ENGINE, "HOME": str(tmp_path)})
    assert status == 0 and "clash" not in out.replace("no clashes", ""), out


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> Iterator[str]:
    name = f"doctor-test/fixed-network-{uuid.uuid4().hex[:8]}:latest"
    subprocess.run([docker_engine, "tag", busybox_image, name], check=True, capture_output=True)
    yield name
    subprocess.run([docker_engine, "rmi", name], capture_output=True)


@pytest.mark.docker
def test_the_second_up_joins_the_first_network_until_the_override_resets_its_name(
        tmp_path: Path, docker_engine: str, image: str) -> None:
    """The clash is real: with both tracks up, B's `db` answers with both tracks' containers, and compose only warned;
    with the advised `name: !reset null` in B's override each track's `db` is its own and `doctor ports` is clean.
    dittofeed's shape on the stand-in image: one service per track on a network of a fixed name, a port each."""
    run = uuid.uuid4().hex[:8]
    network = f"doctor-h-auditwhy-{run}-net"  # compose names are lowercase
    port_a, port_b = free_ports(2)
    compose = (f"services:\n  db:\n    image: {image}\n    command: ['sleep', '600']\n    networks: [dev]\n"
               f"    ports: ['${{DB_PORT:-{port_a}}}:5432']\n"
               f"networks:\n  dev:\n    driver: bridge\n    name: {network}\n")
    main, other = _tracks(tmp_path, compose)
    (other / ".env").write_text(f"DB_PORT={port_b}\n")  # its own port: the network is all the tracks share
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}

    def compose_in(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([docker_engine, "compose", "-p", f"doctor-h-auditwhy-{run}-{root.name}", *args], cwd=root,
                              capture_output=True, text=True, timeout=180)

    def db_addresses() -> int:
        done = compose_in(other, "exec", "-T", "db", "busybox", "nslookup", "db")
        return done.stdout.split("Name:", 1)[-1].count("Address")

    try:
        assert compose_in(main, "up", "-d").returncode == 0
        up = compose_in(other, "up", "-d")
        assert up.returncode == 0, up.stderr
        assert f"a network with name {network} exists but was not created for project" in up.stderr
        assert db_addresses() == 2  # B's `db` is B's and A's
        buffer = io.StringIO()
        status = ports(PortsOptions(other, env=env, project_name=f"doctor-h-auditwhy-{run}-{other.name}"), buffer)
        out = buffer.getvalue()
        assert status == 1 and f"network '{network}' (`networks: dev: name:`) is used by" in out, out

        compose_in(other, "down")
        (other / "docker-compose.override.yml").write_text("networks:\n  dev:\n    name: !reset null\n")
        up = compose_in(other, "up", "-d")
        assert up.returncode == 0 and "was not created for project" not in up.stderr, up.stderr
        assert db_addresses() == 1
        buffer = io.StringIO()
        status = ports(PortsOptions(other, env=env, project_name=f"doctor-h-auditwhy-{run}-{other.name}"), buffer)
        assert (status, buffer.getvalue().splitlines()[-1]) == (0, "✓ no clashes"), buffer.getvalue()
    finally:
        compose_in(other, "down", "-v")
        compose_in(main, "down", "-v")
