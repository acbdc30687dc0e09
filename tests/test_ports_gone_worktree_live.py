"""Live: a worktree removed while its stack runs (`git worktree remove --force` with `up -d` still up) leaves
containers that hold host ports for no checkout. `doctor ports` in the main checkout showed nothing of them
(the engine's project was skipped: its folder is gone); it now lists the stack under its gone folder, with the
ports it holds and the `docker compose -p NAME down` that stops it (`gone` in --json), and the exit stays 0;
preflight's port-collision says the stack holding a port was started from a folder that is gone."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_ports_worktrees_live import compose, fixture_repo, free_ports, git, image

from doctor.portmap import PortsOptions, ports

pytestmark = pytest.mark.docker
__all__ = ["image"]  # the fixture, used by name


def _map(root: Path, env: dict[str, str], as_json: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    return ports(PortsOptions(path=root, as_json=as_json, env=env), out), out.getvalue()


def test_a_removed_worktree_s_running_stack_is_listed_with_its_ports(tmp_path: Path, docker_engine: str,
                                                                     image: str) -> None:
    run = uuid.uuid4().hex[:8]
    web, api, moved_web, moved_api = free_ports(4)
    main, second = tmp_path / f"doctor-test-{run}-a", tmp_path / f"doctor-test-{run}-b"
    fixture_repo(main, image, web, api)
    git(main, "worktree", "add", "-q", "-b", "track-b", str(second))
    # track B on ports of its own (its .env, its compose file edited in the worktree), under a name of this run
    (second / ".env").write_text(f"WEB_PORT={moved_web}\n")
    compose_file = second / "compose.yaml"
    compose_file.write_text(compose_file.read_text().replace(f"{api}:8000", f"{moved_api}:8000"))
    project = f"doctor-test-gone-{run}"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("COMPOSE_FILE", None)
    try:
        up = compose(docker_engine, second, "-p", project, "up", "-d")
        assert up.returncode == 0, up.stderr
        status, before = _map(main, env)
        assert status == 0 and f"project '{project}' still runs" not in before, before  # a checkout's own: not gone
        git(main, "worktree", "remove", "--force", str(second))
        assert not second.exists()
        status, text = _map(main, env)
        assert status == 0, text
        assert f"{second}  (gone: its folder was removed, project '{project}' still runs)" in text, text
        assert f"    {moved_web}/tcp held by 'web' (container {project}-web-1)" in text, text
        assert f"    {moved_api}/tcp held by 'api' (container {project}-api-1)" in text, text
        assert text.count(f"{moved_web}/tcp") == 1, text  # bound on 0.0.0.0 and [::]: one line
        assert f"no checkout runs it any more: `docker compose -p {shlex.quote(project)} down` stops it" in text, text
        # a project publishing a port the gone stack holds: port-collision names it, and that its folder is gone
        other = tmp_path / f"doctor-test-{run}-other"
        other.mkdir()
        (other / "compose.yaml").write_text(f"services:\n  site:\n    image: {image}\n"
                                            f"    ports: [\"{moved_web}:80\"]\n")
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "port-collision", str(other)],
                              capture_output=True, text=True, timeout=120, env={**env, "COLUMNS": "400"})
        assert done.returncode == 1, done.stdout + done.stderr
        assert (f"is taken by '{project}' service 'web' (container {project}-web-1), started from {second}, "
                "which is gone (a removed worktree or clone)") in done.stdout, done.stdout
        status, raw = _map(main, env, as_json=True)
        gone = [g for g in json.loads(raw)["gone"] if g["project"] == project]
        assert gone == [{"project": project, "working_dir": str(second),
                         "ports": [{"port": p, "protocol": "tcp", "service": s, "container": f"{project}-{s}-1"}
                                   for p, s in sorted([(moved_web, "web"), (moved_api, "api")])],
                         "stop": f"docker compose -p {project} down"}], raw
        # the command it prints works without the worktree's files
        down = compose(docker_engine, tmp_path, "-p", project, "down", "-t", "0")
        assert down.returncode == 0, down.stderr
        status, after = _map(main, env)
        assert f"project '{project}' still runs" not in after, after
    finally:
        compose(docker_engine, tmp_path, "-p", project, "down", "-v", "-t", "0")
