"""Engine discovery (DOCKER_HOST, contexts, default sockets) and the ping's failure modes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.host import endpoint as endpoint_module
from doctor.host.endpoint import Endpoint, discover_endpoint
from doctor.host.engine import find_engine
from doctor.model import Unavailable


def write_context(config_dir: Path, name: str, host: str, current: bool = True) -> Path:
    meta = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Endpoints": {"docker": {"Host": host}}}))
    if current:
        (config_dir / "config.json").write_text(json.dumps({"currentContext": name}))
    return meta


def test_docker_host_wins_over_context(tmp_path: Path) -> None:
    write_context(tmp_path / ".docker", "colima", "unix:///ctx.sock")
    found = discover_endpoint({"HOME": str(tmp_path), "DOCKER_HOST": "tcp://10.0.0.5:2375"})
    assert found == Endpoint("tcp://10.0.0.5:2375", "DOCKER_HOST")
    assert not found.is_local


def test_current_context_from_config_json(tmp_path: Path) -> None:
    write_context(tmp_path / ".docker", "colima", "unix:///Users/me/.colima/default/docker.sock")
    found = discover_endpoint({"HOME": str(tmp_path)})
    assert found is not None
    assert found.url == "unix:///Users/me/.colima/default/docker.sock"
    assert found.source == "context 'colima'"
    assert found.socket_path == "/Users/me/.colima/default/docker.sock"


def test_docker_config_and_docker_context_env(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere"
    write_context(config, "one", "unix:///one.sock")
    write_context(config, "two", "unix:///two.sock", current=False)
    env = {"HOME": str(tmp_path), "DOCKER_CONFIG": str(config)}
    assert discover_endpoint(env) == Endpoint("unix:///one.sock", "context 'one'")
    two = Endpoint("unix:///two.sock", "context 'two'")
    assert discover_endpoint({**env, "DOCKER_CONTEXT": "two"}) == two


def test_default_context_means_default_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              short_dir: Path) -> None:
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(json.dumps({"currentContext": "default"}))
    default = short_dir / "docker.sock"
    default.touch()
    monkeypatch.setattr(endpoint_module, "DEFAULT_SOCKET", str(default))
    assert discover_endpoint({"HOME": str(tmp_path)}) == Endpoint(f"unix://{default}", "default socket")


def test_context_without_meta_is_unavailable_with_reason(tmp_path: Path) -> None:
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(json.dumps({"currentContext": "gone"}))
    found = find_engine({"HOME": str(tmp_path)})
    assert not found.available
    assert "docker context 'gone' has no readable endpoint" in found.reason


def test_rootless_then_podman_when_default_socket_missing(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint_module, "DEFAULT_SOCKET", str(tmp_path / "missing.sock"))
    runtime = tmp_path / "run"
    (runtime / "podman").mkdir(parents=True)
    (runtime / "podman" / "podman.sock").touch()
    env = {"HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(runtime)}
    assert discover_endpoint(env) == Endpoint(f"unix://{runtime}/podman/podman.sock", "podman socket")
    (runtime / "docker.sock").touch()
    assert discover_endpoint(env) == Endpoint(f"unix://{runtime}/docker.sock", "rootless socket")


def test_no_socket_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint_module, "DEFAULT_SOCKET", str(tmp_path / "missing.sock"))
    found = find_engine({"HOME": str(tmp_path)})
    assert not found.available and found.not_running
    assert found.reason == f"no socket at {tmp_path}/missing.sock (is the docker engine running?)"


def test_nonexistent_docker_host_socket() -> None:
    found = find_engine({"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert found.reason == "no socket at /nonexistent/docker.sock (is the docker engine running?)"
    with pytest.raises(Unavailable, match="docker engine unavailable: no socket at /nonexistent"):
        _ = found.client
    with pytest.raises(Unavailable):
        found.get_json("/containers/json")


def test_stale_socket_file_nothing_listens(short_dir: Path) -> None:
    path = short_dir / "stale.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the file stays, nobody listens: what a crashed dockerd leaves behind
    found = find_engine({"DOCKER_HOST": f"unix://{path}"})
    assert found.reason.startswith(f"nothing listens on {path}")
    assert found.not_running


def test_answering_engine_is_available_and_serves_json(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/info": {"SecurityOptions": ["name=seccomp", "name=rootless"]},
                                             "/containers/json": [{"Id": "abc"}]})
    try:
        found = find_engine({"DOCKER_HOST": fake.url})
        assert found.available, found.reason
        assert found.rootless is True
        assert found.get_json("/containers/json?all=1") == [{"Id": "abc"}]
        with pytest.raises(Unavailable, match="answered 404"):
            found.get_json("/nope")
        assert fake.requests[0] == "/_ping"
    finally:
        fake.close()


def test_rootful_engine_is_not_rootless(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/info": {"SecurityOptions": ["name=seccomp,profile=default"]}})
    try:
        assert find_engine({"DOCKER_HOST": fake.url}).rootless is False
    finally:
        fake.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root makes a socket root owns")
def test_a_socket_root_owns_is_a_rootful_engine_without_asking_its_info(short_dir: Path) -> None:
    """A rootless daemon runs as its user, who owns its socket: a root-owned one is rootful, and
    /info (a ~15-20 ms round trip) is not asked; a socket another user owns is asked."""
    says_rootless = {"/info": {"SecurityOptions": ["name=rootless"]}}
    fake = FakeEngine(short_dir / "e.sock", says_rootless)
    try:
        assert os.stat(fake.path).st_uid != 0  # the fake's rootless daemon owns its socket
        assert find_engine({"DOCKER_HOST": fake.url}).rootless is True
        assert "/info" in fake.requests
        os.chown(fake.path, 0, 0)
        fake.requests.clear()
        assert find_engine({"DOCKER_HOST": fake.url}).rootless is False
        assert "/info" not in fake.requests
        os.symlink(fake.path, short_dir / "link.sock")  # followed to the socket, as Docker Desktop's link is
        assert find_engine({"DOCKER_HOST": f"unix://{short_dir / 'link.sock'}"}).rootless is False
        assert "/info" not in fake.requests
    finally:
        fake.close()


def test_hung_engine_is_unavailable_within_the_timeout(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "hung.sock", hung=True)
    try:
        start = time.monotonic()
        found = find_engine({"DOCKER_HOST": fake.url}, timeout=1.0)
        available = found.available  # the ping is sent when availability is first asked
        elapsed = time.monotonic() - start
    finally:
        fake.close()
    assert not available and not found.not_running
    assert found.reason == f"no answer from {fake.path} in 1 s (engine hung?)"
    assert 0.9 <= elapsed < 2.0


def test_not_an_engine(short_dir: Path) -> None:
    path = short_dir / "junk.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def answer_junk() -> None:
        conn, _ = server.accept()
        conn.recv(1024)
        conn.sendall(b"SSH-2.0-OpenSSH\r\n")
        conn.close()

    import threading

    threading.Thread(target=answer_junk, daemon=True).start()
    try:
        found = find_engine({"DOCKER_HOST": f"unix://{path}"})
        reason = found.reason  # the ping is sent when availability is first asked
    finally:
        server.close()
    assert reason == f"{path} did not answer like a docker engine"


FAKE_SSH = """#!{python}
import socket, sys
open({log!r}, "w").write(" ".join(sys.argv[1:]))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect({sock!r})
s.sendall(sys.stdin.buffer.read())
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    sys.stdout.buffer.write(chunk)
"""


def test_ssh_engine_is_asked_through_dial_stdio(short_dir: Path) -> None:
    """An ssh:// endpoint for real: an `ssh` on PATH that pipes to a fake engine, as `dial-stdio` would."""
    fake = FakeEngine(short_dir / "remote.sock", {"/containers/json": [{"Id": "abc", "State": "running"}]})
    bin_dir = short_dir / "bin"
    bin_dir.mkdir()
    log = short_dir / "argv"
    (bin_dir / "ssh").write_text(FAKE_SSH.format(python=sys.executable, log=str(log), sock=str(fake.path)))
    (bin_dir / "ssh").chmod(0o755)
    try:
        found = find_engine({"DOCKER_HOST": "ssh://me@build-box:2222", "PATH": str(bin_dir)})
        listed = found.get_json("/containers/json?all=1")
    finally:
        fake.close()
    assert found.available, found.reason
    assert found.endpoint is not None and not found.endpoint.is_local
    assert found.endpoint.product == "remote engine over ssh (build-box)"
    assert listed == [{"Id": "abc", "State": "running"}]
    assert log.read_text().endswith("-l me -p 2222 -- build-box docker system dial-stdio")
    assert "BatchMode=yes" in log.read_text()


def test_ssh_engine_that_cannot_be_reached_says_why_in_one_line(short_dir: Path) -> None:
    bin_dir = short_dir / "bin"
    bin_dir.mkdir()
    (bin_dir / "ssh").write_text("#!/bin/sh\necho 'ssh: connect to host build-box port 22: Connection refused' >&2\n"
                                 "exit 255\n")
    (bin_dir / "ssh").chmod(0o755)
    found = find_engine({"DOCKER_HOST": "ssh://build-box", "PATH": str(bin_dir)})
    assert found.reason == ("ssh to ssh://build-box failed: ssh: connect to host build-box port 22: "
                            "Connection refused")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_permission_denied_as_an_unprivileged_user(short_dir: Path) -> None:
    """EACCES for real: a socket with mode 000, connected to by uid 65534 (root ignores modes)."""
    fake = FakeEngine(short_dir / "locked.sock")
    os.chmod(fake.path, 0)
    short_dir.chmod(0o755)
    script = ("from doctor.host.engine import find_engine; import sys; "
              "e = find_engine({'DOCKER_HOST': sys.argv[1]}); print(e.reason)")
    try:
        done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               sys.executable, "-c", script, fake.url],
                              capture_output=True, text=True, timeout=30, cwd="/")
    finally:
        fake.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"permission denied on {fake.path} (only root may use it: run doctor as root, "
                                   "or set DOCKER_HOST to an engine you may use)")
    assert fake.requests == []  # the engine itself was never reached


def test_no_sdk_or_http_client_import_on_the_engine_path(short_dir: Path) -> None:
    """Discovery, ping and container listing stay on the stdlib socket (no docker SDK, no http.client)."""
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": []})
    script = ("import sys; from doctor.host import Host; h = Host(env={'DOCKER_HOST': sys.argv[1]}); "
              "assert h.engine.available, h.engine.reason; h.ports.container_ports(); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docker', 'http', 'requests')))")
    try:
        done = subprocess.run([sys.executable, "-c", script, fake.url], capture_output=True, text=True,
                              timeout=30)
    finally:
        fake.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.docker
def test_sdk_client_of_the_real_engine(docker_engine: str) -> None:
    found = find_engine(dict(os.environ))
    assert found.available, found.reason
    assert found.client.ping() is True
    assert isinstance(found.get_json("/containers/json"), list)


def _reference_nesting(body: bytes) -> int:
    """The byte-by-byte depth scan engine.py used before (the spec of _deeper_than)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def test_deeper_than_agrees_with_a_byte_scan_on_json_with_brackets_and_escapes_in_strings() -> None:
    import json
    import random

    from doctor.host.engine import _deeper_than

    rnd = random.Random(12)

    def value(depth: int) -> object:
        roll = rnd.random()
        if depth > 6 or roll < 0.3:
            return "".join(rnd.choice('\\"[]{}a\n') for _ in range(rnd.randint(0, 8)))
        if roll < 0.65:
            return [value(depth + 1) for _ in range(rnd.randint(0, 3))]
        return {str(value(7)): value(depth + 1) for _ in range(rnd.randint(0, 3))}

    for _ in range(3000):
        body = json.dumps(value(0)).encode()
        for limit in (0, 1, 2, 3, 5):
            assert _deeper_than(body, limit) == (_reference_nesting(body) > limit), (body, limit)
    assert _deeper_than(b"[" * 300 + b"]" * 300, 200)
    assert not _deeper_than(b'["' + b"[" * 300 + b'"]', 200)  # brackets in a string do not count
    assert not _deeper_than(b'["\\\\", ' + b"[1], " * 300 + b"2]", 200)  # many, but two deep


def test_a_prefetched_list_is_sent_at_once_and_read_when_asked(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [{"Id": "abc"}], "/images/json": []})
    try:
        found = find_engine({"DOCKER_HOST": fake.url})
        def served(count: int) -> list[str]:
            deadline = time.monotonic() + 5
            while len(fake.requests) < count and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.05)  # and its answer written
            return fake.requests

        found.prefetch("/containers/json?all=1")
        assert served(1) == ["/containers/json?all=1"]  # the engine has it before anyone asks
        fake.routes["/containers/json"] = [{"Id": "abc"}, {"Id": "def"}]
        assert found.get_json("/containers/json?all=1") == [{"Id": "abc"}]  # the answer sent then
        assert found.available  # the prefetched answer was the first contact, as a plain request is
        assert len(found.get_json("/containers/json?all=1")) == 2  # asked again: a new request
        found.prefetch("/containers/json?all=1")
        served(3)
        fake.routes["/containers/json"] = []
        found.prefetch("/containers/json?all=1")  # again before anyone read it: the newer answer wins
        assert found.get_json("/containers/json?all=1") == []
        assert fake.requests == ["/containers/json?all=1"] * 4
    finally:
        fake.close()


def test_a_prefetch_that_cannot_connect_leaves_the_fault_to_the_request(short_dir: Path) -> None:
    for url in ("unix:///nonexistent/docker.sock", f"unix://{short_dir}"):
        plain, early = find_engine({"DOCKER_HOST": url}), find_engine({"DOCKER_HOST": url})
        early.prefetch("/images/json")  # never raises
        with pytest.raises(Unavailable) as said_plain:
            plain.get_json("/images/json")
        with pytest.raises(Unavailable) as said_early:
            early.get_json("/images/json")
        assert str(said_early.value) == str(said_plain.value)
        assert early.reason == plain.reason


def test_a_prefetch_of_a_hung_engine_times_out_once(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "hung.sock", hung=True)
    try:
        found = find_engine({"DOCKER_HOST": fake.url}, timeout=1.0)
        found.prefetch("/images/json")
        start = time.monotonic()
        with pytest.raises(Unavailable, match="engine hung"):
            found.get_json("/images/json")
        assert time.monotonic() - start < 2.0
        assert not found.available
    finally:
        fake.close()


@pytest.mark.parametrize(("where", "hint"), [
    ("/run/user/99999/docker.sock", "systemctl --user start docker"),
    ("{home}/.docker/run/docker.sock", "start Docker Desktop"),
    ("{home}/.colima/default/docker.sock", "colima start"),
    ("{home}/.orbstack/run/docker.sock", "start OrbStack"),
])
def test_an_engine_that_is_not_running_says_how_to_start_that_engine(tmp_path: Path, where: str, hint: str) -> None:
    """A rootless daemon is started with systemctl --user, Docker Desktop and Colima are apps: 'is the
    docker engine running?' alone sends a rootless user to `sudo systemctl start docker`."""
    path = where.format(home=tmp_path)
    found = find_engine({"DOCKER_HOST": f"unix://{path}", "HOME": str(tmp_path)})
    assert found.not_running and found.reason == f"no socket at {path} (is the docker engine running? {hint})"
