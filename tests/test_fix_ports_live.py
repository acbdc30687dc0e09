"""`doctor fix --ports --yes` against a real engine: after the fix, `docker compose up -d` starts everything.

One port is held by a plain host process (published through a `.env` variable), another by a
container of another compose project (a literal port, fixed through the override file).
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from doctor.checks.port_collision.fix import port_fix
from portprobe import bindable

from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.host.ports import HostSocket
from doctor.model import Check, Finding
from doctor.project import ProjectOptions

pytestmark = pytest.mark.docker


class LiveCollision(Check):
    """Test port-collision: a published port the real bind probe finds taken, with the port Fix"""

    id: ClassVar[str] = "port-collision"
    fix_family: ClassVar[str] = "ports"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        ours = {c.socket.port for c in host.ports.container_ports() if c.project == project.compose.project_name}
        for svc in project.services.values():
            for mapping in svc.ports:
                span = mapping.published_range
                if span and span[0] in ours:
                    continue  # a running container of this project holding its own port is no collision
                if span and host.ports.probe(HostSocket(mapping.host_ip, span[0], mapping.protocol)):
                    yield self.finding(f"port {span[0]} is taken", mapping.location, f"{svc.name}:{mapping.target}",
                                       port_fix(project, host, svc.name, mapping))


def free_pair() -> tuple[int, int]:
    """Two adjacent-free high ports below the usual ephemeral range (so the fix lands near them)."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 30000, 10)
        if all(bindable(p) for p in range(port, port + 10)):
            return port, port + 5
    pytest.skip("no free high ports")



def compose(docker: str, root: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, "compose", "-p", name, *args], cwd=root, capture_output=True, text=True,
                          timeout=180)


def test_fix_ports_then_compose_up_starts_every_service(tmp_path: Path, docker_engine: str,
                                                        busybox_image: str) -> None:
    held_by_process, held_by_container = free_pair()
    suffix = f"{os.getpid()}{random.randrange(1000)}"
    name, other = f"doctorfix{suffix}", f"doctorhold{suffix}"
    root = tmp_path / name
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        f"    image: {busybox_image}\n"
        "    command: [httpd, -f, -p, '80']\n"
        "    ports:\n"
        f"      - \"${{WEB_PORT:-{held_by_process}}}:80\"   # the site\n"
        "  api:\n"
        f"    image: {busybox_image}\n"
        "    command: [httpd, -f, -p, '80']\n"
        "    ports:\n"
        f"      - \"{held_by_container}:80\"\n"
    )
    (root / ".env").write_text(f"# local\nWEB_PORT={held_by_process}\n")
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("0.0.0.0", held_by_process))
    holder.listen()
    container = subprocess.run(
        [docker_engine, "run", "-d", "--label", f"com.docker.compose.project={other}",
         "--label", "com.docker.compose.service=web", "-p", f"{held_by_container}:80", busybox_image,
         "httpd", "-f", "-p", "80"], capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("WEB_PORT", None)
    try:
        options = FixOptions(ProjectOptions(path=root, project_name=name, env=env), families=frozenset({"ports"}),
                             yes=True, env=env)
        report = fix(options, Registry({"port-collision": LiveCollision}))
        text = render_fix_report(report)
        assert [r.status for r in report.results] == [FixStatus.APPLIED] * 2, text
        assert all(r.fixed for r in report.results), text
        env_text = (root / ".env").read_text()
        assert env_text.startswith("# local\nWEB_PORT=") and f"WEB_PORT={held_by_process}\n" not in env_text
        assert "!override" in (root / "compose.override.yaml").read_text()

        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode == 0, up.stderr
        ps = compose(docker_engine, root, name, "ps", "--format", "json")
        rows = [json.loads(line) for line in ps.stdout.splitlines() if line.strip()]
        assert sorted((r["Service"], r["State"]) for r in rows) == [("api", "running"), ("web", "running")]
        published = {p["PublishedPort"] for r in rows for p in r.get("Publishers") or [] if p.get("PublishedPort")}
        assert held_by_process not in published and held_by_container not in published
        web_port = int(env_text.split("WEB_PORT=")[1].split()[0])
        assert web_port in published
        _answers(web_port)

        again = fix(options, Registry({"port-collision": LiveCollision}))  # running, our ports are ours
        assert again.results == (), render_fix_report(again)
        assert (root / ".env").read_text() == env_text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "--timeout", "1")
        subprocess.run([docker_engine, "rm", "-f", "-v", container], capture_output=True, timeout=60)
        holder.close()


def _answers(port: int) -> None:
    """busybox httpd behind the new port answers HTTP (404 for / is an answer)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
                assert conn.recv(64).startswith(b"HTTP/")
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
