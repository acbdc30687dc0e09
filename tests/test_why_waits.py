"""`doctor why` on a service `up` never started: what it waited on, not its log (an auditor's netbox-docker run).

netbox-docker's `netbox-worker` and `netbox-housekeeping` wait on `netbox: condition: service_healthy`; when
netbox never gets healthy, `up` ends with `dependency failed to start: container ...-netbox-1 is unhealthy` and
leaves both created, never started. Before: `why` said only "compose stopped at 'netbox' first" (from the
containers) or "it depends on 'netbox', which failed" (piped in), naming neither the condition nor netbox's probe.
Now each says the `depends_on` line (file:line) and the healthcheck's `test:` line it waits for.

And a container the engine created and never ran (its start failed) has no log: `why` said `look at docker
compose -p X logs S` for it, which prints nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_why_live import compose, run_why
from why_run import run_why as run_piped

NETBOX = "netbox-community__netbox-docker"
# what compose v2.40.3 wrote for `up -d` of netbox-docker with busybox stand-ins whose netbox probe fails
UP = """\
 Container whynb-r1-postgres-1  Created
 Container whynb-r1-redis-1  Created
 Container whynb-r1-redis-cache-1  Created
 Container whynb-r1-netbox-1  Creating
 Container whynb-r1-netbox-1  Created
 Container whynb-r1-netbox-housekeeping-1  Creating
 Container whynb-r1-netbox-worker-1  Creating
 Container whynb-r1-netbox-housekeeping-1  Created
 Container whynb-r1-netbox-worker-1  Created
 Container whynb-r1-redis-cache-1  Starting
 Container whynb-r1-postgres-1  Starting
 Container whynb-r1-redis-1  Starting
 Container whynb-r1-postgres-1  Started
 Container whynb-r1-redis-1  Started
 Container whynb-r1-redis-cache-1  Started
 Container whynb-r1-netbox-1  Starting
 Container whynb-r1-netbox-1  Started
 Container whynb-r1-netbox-1  Waiting
 Container whynb-r1-netbox-1  Waiting
 Container whynb-r1-netbox-1  Error
 Container whynb-r1-netbox-1  Error
dependency failed to start: container whynb-r1-netbox-1 is unhealthy
"""


def _netbox(shared_dir: Path, root: Path) -> Path:
    """A copy of netbox-docker's compose project (its compose files and env/) at `root`."""
    shutil.copytree(shared_dir / "corpus" / NETBOX, root)
    (root / "configuration").mkdir()
    return root


def test_piped_unhealthy_dependency_names_the_condition_and_the_probe(shared_dir: Path, tmp_path: Path) -> None:
    root = _netbox(shared_dir, tmp_path / "netbox-docker")
    done = run_piped(root, UP, "-p", "whynb-r1")
    out = done.stdout
    assert done.returncode == 1, done
    assert "- netbox-worker        not started: it depends on 'netbox', which failed" in out, out
    assert "    waits on docker-compose.yml:24  depends_on: netbox: condition: service_healthy\n" in out, out
    assert "    waits on docker-compose.yml:38  depends_on: netbox: condition: service_healthy\n" in out, out
    assert ("    look at  docker-compose.yml:11  the healthcheck of 'netbox': compose starts 'netbox-worker' only "
            "once it passes") in out, out
    assert "✓ postgres" in out and "waits on" not in out.split("✓ postgres")[1], out  # those that came up: nothing


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> Iterator[str]:
    tag = f"doctor-test/whynb-{uuid.uuid4().hex[:8]}:1"
    subprocess.run([docker_engine, "tag", busybox_image, tag], check=True, capture_output=True)
    yield tag
    subprocess.run([docker_engine, "rmi", tag], capture_output=True)


def _override(image: str, netbox_probe: str) -> str:
    """Busybox stand-ins for netbox-docker's services, each sleeping; netbox's probe runs `netbox_probe`."""
    fast = "      interval: 1s\n      start_period: 0s\n      timeout: 1s\n      retries: 2\n"
    out = "services:\n"
    for service in ("netbox", "netbox-worker", "netbox-housekeeping", "postgres", "redis", "redis-cache"):
        probe = netbox_probe if service == "netbox" else "true"
        out += (f"  {service}:\n    image: {image}\n    user: \"0:0\"\n    command: [\"sleep\", \"300\"]\n"
                f"    healthcheck:\n      test: [\"CMD\", \"{probe}\"]\n{fast}")
    return out


@pytest.mark.docker
def test_containers_waiting_on_an_unhealthy_netbox_name_the_condition_and_the_probe(
        shared_dir: Path, tmp_path: Path, docker_engine: str, image: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _netbox(shared_dir, tmp_path / "netbox-docker")
    monkeypatch.chdir(root)  # the console names files as they open from here
    (root / "docker-compose.override.yml").write_text(_override(image, "false"))
    name = f"whynb-{uuid.uuid4().hex[:8]}"
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode == 1 and "is unhealthy" in up.stderr, up
        status, out = run_why(root, name)
        assert status == 1, out
        assert "- netbox-worker        created, never started: compose stopped at 'netbox' first" in out, out
        assert "    waits on docker-compose.yml:24  depends_on: netbox: condition: service_healthy\n" in out, out
        # the override's test: is the one compose runs (the last file writing it)
        assert ("    look at  docker-compose.override.yml:7  the healthcheck of 'netbox': compose starts "
                "'netbox-housekeeping' only once it passes") in out, out
        assert "logs netbox-worker" not in out, out
    finally:
        compose(docker_engine, root, name, "down", "-v", "-t", "0")


@pytest.mark.docker
def test_a_container_whose_start_failed_is_not_sent_to_its_empty_log(tmp_path: Path, docker_engine: str,
                                                                     image: str) -> None:
    root = tmp_path / "sysctl"
    root.mkdir()
    # runc fails the start (`open /proc/sys/net/ipv4/...: no such file or directory`): created, never ran
    (root / "compose.yaml").write_text(f"services:\n  worker:\n    image: {image}\n    command: [\"sleep\", \"300\"]\n"
                                       "    sysctls:\n      net.ipv4.doctor_no_such_key: \"1\"\n")
    name = f"whynb-{uuid.uuid4().hex[:8]}"
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0 and "/proc/sys/net/ipv4/doctor_no_such_key" in up.stderr, up
        assert compose(docker_engine, root, name, "logs", "worker").stdout == ""  # what the old advice showed
        status, out = run_why(root, name)
        assert status == 1 and "✗ worker  created, never started" in out, out
        assert "look at  the engine's error above ('worker' never ran: it has no log)" in out, out
        assert f"docker compose -p {name} logs worker" not in out, out
    finally:
        compose(docker_engine, root, name, "down", "-v", "-t", "0")
