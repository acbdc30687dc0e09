"""The engine fault matrix (issue 10): each fault is one reason line, static checks still run, no false ✓.

Faults: a missing socket, a socket nobody listens on (refused), a hung engine, a garbage
DOCKER_HOST, a regular file at the socket path, a socket we may not open (permission denied), and
an engine that sends JSON nested deeper than any real document.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.host.engine import find_engine
from doctor.model import Status, Unavailable
from doctor.project import ProjectOptions


def free_port() -> int:
    """A free port below the kernel's ephemeral range (a port inside it is a warning of its own)."""
    for port in random.sample(range(20000, 30000), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port in 20000-29999")


def write_project(folder: Path) -> Path:
    """A free published port (only the engine could find a clash) and a static fault env-drift finds."""
    folder.mkdir(parents=True)
    (folder / "compose.yaml").write_text(
        f"services:\n  web:\n    image: busybox\n    ports:\n      - \"{free_port()}:80\"\n"
        "    environment:\n      API_URL: http://api:${API_PORT}\n")
    return folder


def refused(folder: Path) -> tuple[str, str, Callable[[], None]]:
    path = folder / "stale.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stale:
        stale.bind(str(path))  # closed without unlinking: a socket file, nobody listening
    return f"unix://{path}", f"nothing listens on {path} (is the docker engine running?)", lambda: None


def regular_file(folder: Path) -> tuple[str, str, Callable[[], None]]:
    path = folder / "docker.sock"
    path.touch()  # docker/for-win#15061: a zero-byte regular file where the socket should be
    return f"unix://{path}", f"{path} is a regular file, not the engine's socket", lambda: None


def hung(folder: Path) -> tuple[str, str, Callable[[], None]]:
    fake = FakeEngine(folder / "hung.sock", hung=True)
    return fake.url, f"no answer from {fake.path} in 2 s (engine hung?)", fake.close


def deep_json(folder: Path) -> tuple[str, str, Callable[[], None]]:
    fake = FakeEngine(folder / "deep.sock", {"/containers/json": "[" * 100_000 + "]" * 100_000})
    return fake.url, "docker engine sent JSON nested over 200 levels for GET /containers/json", fake.close


FAULTS: dict[str, Callable[[Path], tuple[str, str, Callable[[], None]]]] = {
    "missing socket": lambda d: ("unix:///nonexistent/docker.sock",
                                 "no socket at /nonexistent/docker.sock (is the docker engine running?)", lambda: None),
    "refused": refused,
    "hung": hung,
    "garbage DOCKER_HOST": lambda d: ("garbage", "DOCKER_HOST='garbage' is not an engine address "
                                                 "(unix:///path, tcp://host:port, ssh://host)", lambda: None),
    "garbage port": lambda d: ("tcp://localhost:abc", "DOCKER_HOST='tcp://localhost:abc' has an invalid port",
                               lambda: None),
    "regular file": regular_file,
    "deep JSON": deep_json,
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_engine_fault_is_one_reason_and_never_a_pass(fault: str, short_dir: Path) -> None:
    docker_host, reason, close = FAULTS[fault](short_dir)
    folder = write_project(short_dir / "p")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(short_dir), "DOCKER_HOST": docker_host, "DOCTOR_NO_CACHE": "1"}
    try:
        run = preflight(RunOptions(project=ProjectOptions(path=folder, env=env), env=env), load_registry())
    finally:
        close()
    results = {r.check: r for r in run.report.results}
    ports = results["port-collision"]
    assert ports.status is Status.SKIPPED  # it asked nothing of the engine: no ✓
    prefix = "" if reason.startswith("docker engine") else "docker engine unavailable: "
    # inside a container a socket file with no listener here may be the host's (probes then skipped)
    assert ports.reason in (f"{prefix}{reason}; bind probes of 1 port passed", f"{prefix}{reason}")
    assert "\n" not in ports.reason
    assert all(r.status is not Status.ERROR for r in results.values()), [r for r in results.values() if r.reason]
    assert results["env-drift"].status is Status.FAILED  # the static checks still ran
    messages = [f.message for f in run.report.findings]
    assert not [m for m in messages if "publishes outside this container" in m]
    assert sum(reason in m for m in messages) <= 1


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_permission_denied_is_one_reason_and_never_a_pass(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "locked.sock")
    os.chmod(fake.path, 0)
    folder = write_project(short_dir / "p")
    short_dir.chmod(0o755)
    script = (
        "import json, sys\nfrom pathlib import Path\n"
        "from doctor.engine import RunOptions, load_registry, preflight\n"
        "from doctor.project import ProjectOptions\n"
        "env = {'PATH': '/usr/bin:/bin', 'HOME': '/nonexistent', 'DOCKER_HOST': sys.argv[2], 'DOCTOR_NO_CACHE': '1'}\n"
        "run = preflight(RunOptions(project=ProjectOptions(path=Path(sys.argv[1]), env=env), env=env), "
        "load_registry())\n"
        "print(json.dumps({r.check: [r.status.value, r.reason] for r in run.report.results}))\n"
    )
    try:
        done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                               script, str(folder), fake.url], capture_output=True, text=True, timeout=60, cwd="/")
    finally:
        fake.close()
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["port-collision"] == [
        "skipped", f"docker engine unavailable: permission denied on {fake.path} (only root may use it: run doctor as "
        "root, or set DOCKER_HOST to an engine you may use); bind probes of 1 port passed"]
    assert results["env-drift"][0] == "failed"
    assert fake.requests == []


def test_deep_json_is_refused_without_recursing(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/info": "[" * 1_000_000 + "]" * 1_000_000,
                                             "/version": '{"a": "[[[[[[[[", "b": [[1]]}'})
    try:
        engine = find_engine({"DOCKER_HOST": fake.url})
        with pytest.raises(Unavailable, match="nested over 200 levels for GET /info"):
            engine.get_json("/info")
        assert engine.get_json("/version") == {"a": "[[[[[[[[", "b": [[1]]}  # brackets in strings do not count
    finally:
        fake.close()


def test_a_long_docker_host_is_cut_after_its_password_is_masked() -> None:
    """DOCKER_HOST was cut at 57 characters before the report masked it: the password's prefix,
    no value the report knows, was printed."""
    from doctor.host.endpoint import _validate_host

    password = "Sup3rS3cretDockerPw9x" * 3
    with pytest.raises(Unavailable) as raised:
        _validate_host(f"tcp://admin:{password}@10.0.0.1:notaport")
    assert str(raised.value) == "DOCKER_HOST='tcp://admin:***@10.0.0.1:notaport' has an invalid port"
    assert "Sup3r" not in str(raised.value)
