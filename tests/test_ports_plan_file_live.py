"""Live: block mode where the override publishing the ports and `.env` are tracked (the fastapi template's
case). A second worktree's `doctor fix --ports` writes its own compose.ports.yaml, git-ignored, and hands
back the one export; with it both stacks run side by side; a second fix (with or without the export)
moves nothing and rewrites nothing."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from test_ports_worktrees_live import SERVE, compose, fix_ports, free_pool, free_ports, git, image, published

from doctor.project import portsfile

pytestmark = pytest.mark.docker
__all__ = ["image"]  # the fixture, used by name


def _repo(root: Path, image: str, web: int, api: int, pool: int) -> None:
    root.mkdir()
    (root / "doctor.yaml").write_text(f"ports:\n  range: {pool}-{pool + 999}\n")
    serve = {"web": SERVE.format(port=80), "api": SERVE.format(port=8000)}
    (root / "compose.yaml").write_text("services:\n" + "".join(
        f"  {name}:\n    image: {image}\n    command: {command}\n" for name, command in serve.items()))
    (root / "compose.override.yaml").write_text(
        f"services:\n  web:\n    ports: [\"{web}:80\"]\n  api:\n    ports: [\"127.0.0.1:{api}:8000\"]\n")
    (root / ".env").write_text("APP_ENV=development\n")
    git(root, "init", "-q", "-b", "main")
    run = root.name.rsplit("-", 1)[0]  # an origin of this run alone
    git(root, "remote", "add", "origin", f"https://example.com/acme/plan-{run}.git")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "fixture")


def test_a_worktree_s_ports_file_is_written_and_both_run_with_the_export(tmp_path: Path, docker_engine: str,
                                                                        image: str) -> None:
    run = uuid.uuid4().hex[:8]
    web, api = free_ports(2)
    main, second = tmp_path / f"doctor-test-{run}-a", tmp_path / f"doctor-test-{run}-b"
    pool = free_pool()  # this run's own: a CI run beside it took 20000 from the same ten pools
    _repo(main, image, web, api, pool)
    git(main, "worktree", "add", "-q", "-b", "track-b", str(second))
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("COMPOSE_FILE", None)
    value = "compose.yaml:compose.override.yaml:compose.ports.yaml"
    try:
        up = compose(docker_engine, main, "up", "-d")
        assert up.returncode == 0, up.stderr
        status, report = fix_ports(second, env)
        assert status == 0, report
        assert f"export COMPOSE_FILE={value}" in report and "2 applied (2 verified fixed)" in report, report
        plan = portsfile.read_plan(second / portsfile.PORTS_FILE)
        moved = {int(str(s).split(":")[-2]) for specs in plan.values() for s in specs}
        assert len(moved) == 2 and all(pool <= p < pool + 1000 for p in moved), plan
        assert git(second, "status", "--porcelain") == ""  # nothing tracked changed, the file ignored
        text = (second / portsfile.PORTS_FILE).read_text()
        _, report2 = fix_ports(second, env)  # no export: nothing moves again, the export is named once
        assert (second / portsfile.PORTS_FILE).read_text() == text, report2
        assert report2.count(f"compose reads it once you export COMPOSE_FILE={value}") == 1, report2
        assert "applied" not in report2.split("\n")[0] and "0 applied" in report2, report2
        exported = {**env, "COMPOSE_FILE": value}
        up = subprocess.run([docker_engine, "compose", "up", "-d"], cwd=second, capture_output=True, text=True,
                            timeout=180, env=exported)
        assert up.returncode == 0, up.stderr
        assert published(docker_engine, main) == {web, api}
        ps = subprocess.run([docker_engine, "compose", "ps", "--format", "{{.Ports}}"], cwd=second,
                            capture_output=True, text=True, timeout=60, env=exported)
        assert all(f":{p}->" in ps.stdout for p in moved), ps.stdout
        for port in (web, *moved):
            assert _answers(port), port
        status, report3 = fix_ports(second, exported)
        assert status == 0 and "nothing to fix" in report3, report3
        assert (second / portsfile.PORTS_FILE).read_text() == text
    finally:
        compose(docker_engine, main, "down", "-v", "-t", "0")
        subprocess.run([docker_engine, "compose", "down", "-v", "-t", "0"], cwd=second, capture_output=True,
                       timeout=180, env={**os.environ, "COMPOSE_FILE": value})



def _answers(port: int) -> bool:
    """Whether an HTTP server answers on 127.0.0.1:`port` (busybox httpd: a 404 for `/` is an answer)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        return sock.recv(16).startswith(b"HTTP/")
