"""`doctor ports` names the interface of a port bound on one address, in text and JSON."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from portprobe import bindable, free_ports

from doctor.portmap import PortsOptions, ports

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def _free_ports(count: int) -> list[int]:
    found = [p for p in range(21500, 21900, 2) if bindable(p) and bindable(p + 1)][:count]  # the last one's p+1 too
    assert len(found) == count
    return found


def test_a_port_bound_on_one_address_shows_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1:15432 was shown as `15432/tcp -> web:5432`, as if every client could reach it."""
    monkeypatch.chdir(tmp_path)
    loop4, loop6, every, both = _free_ports(4)
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    ports:\n"
        f"      - '127.0.0.1:{loop4}:5432'\n      - '[::1]:{loop6}:6379'\n      - '{every}:80'\n"
        f"      - '0.0.0.0:{both}-{both + 1}:90-91'\n")
    env = {**NO_ENGINE, "HOME": str(tmp_path)}
    out = io.StringIO()
    ports(PortsOptions(tmp_path, env=env), out)
    rows = [line.split()[:3] for line in out.getvalue().splitlines() if " -> " in line]
    assert [row[:3] for row in rows] == [
        [f"127.0.0.1:{loop4}/tcp", "->", "web:5432"], [f"[::1]:{loop6}/tcp", "->", "web:6379"],
        [f"{every}/tcp", "->", "web:80"], [f"{both}-{both + 1}/tcp", "->", "web:90-91"]]
    out = io.StringIO()
    ports(PortsOptions(tmp_path, env=env, as_json=True), out)
    shown = {p["port"]: p["host_ip"] for p in json.loads(out.getvalue())["checkouts"][0]["ports"]}
    assert shown == {loop4: "127.0.0.1", loop6: "::1", every: None, both: None, both + 1: None}


REPLAY = Path(__file__).parent / "replay"


def test_worktrees_on_addresses_that_do_not_meet_do_not_clash(tmp_path: Path) -> None:
    """nickjj/docker-django-example publishes web on `${DOCKER_WEB_PORT_FORWARD:-127.0.0.1:8000}`: one
    worktree on the default loopback and another on `[::1]:8000` both bind (another address family),
    yet `doctor ports` said `8000/tcp published by a ('web'), b ('web')` and exited 1, grouping by port
    alone. A track on all interfaces does meet the loopback one: that clash names each one's address."""
    import shutil
    import subprocess

    repo = tmp_path / "track-a"
    shutil.copytree(REPLAY / "docker-django-example", repo, ignore=shutil.ignore_patterns("SOURCE.md"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "track-b"), "-b", "b"], check=True)
    example = (repo / ".env.example").read_text()  # each track's `cp .env.example .env`, named apart

    def dotenv(track: str, forward: str) -> None:
        text = example.replace("COMPOSE_PROJECT_NAME=hellodjango", f"COMPOSE_PROJECT_NAME={track}")
        (tmp_path / track / ".env").write_text(text.replace("DOCKER_WEB_PORT_FORWARD=8000",
                                                            f"DOCKER_WEB_PORT_FORWARD={forward}"))

    # a host port free now for 8000: a developer's own stack on 8000 would be a held port, a clash of its own
    port = free_ports(1)[0]
    dotenv("track-a", f"127.0.0.1:{port}")
    dotenv("track-b", f"[::1]:{port}")
    env = {**NO_ENGINE, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    out = io.StringIO()
    assert ports(PortsOptions(repo, env=env), out) == 0, out.getvalue()
    assert "no clashes" in out.getvalue()
    dotenv("track-b", str(port))  # all interfaces
    out = io.StringIO()
    assert ports(PortsOptions(repo, env=env), out) == 1
    assert f"{port}/tcp published by track-a ('web' on 127.0.0.1), track-b ('web' on 0.0.0.0)" in out.getvalue()
