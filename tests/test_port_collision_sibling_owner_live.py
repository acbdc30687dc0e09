"""Live: tracks side by side, track A's stack up on the committed ports. Preflight in track B named the owner
of each held port by its compose project, service and container (`is taken by 'doctor-test-...' service 'web'
(container ...-web-1)`), not by the checkout it runs from, which a `-p` name given by hand does not tell; it now
adds the folder its stack was started from and that worktree's name, as `doctor ports` names it
(`, started from /.../doctor-test-...-a (worktree 'doctor-test-...-a')`). A stack of a folder outside the
repository is named as before."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_ports_worktrees_live import compose, fixture_repo, free_ports, git, image

pytestmark = pytest.mark.docker
__all__ = ["image"]  # the fixture, used by name


def _preflight(root: Path, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "port-collision", str(root)],
                          capture_output=True, text=True, timeout=120, env={**env, "COLUMNS": "400"})
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout


def test_a_port_another_worktree_s_stack_holds_names_that_worktree(tmp_path: Path, docker_engine: str,
                                                                    image: str) -> None:
    run = uuid.uuid4().hex[:8]
    web, api, stray = free_ports(3)
    main, second = tmp_path / f"doctor-test-{run}-a", tmp_path / f"doctor-test-{run}-b"
    fixture_repo(main, image, web, api)
    git(main, "worktree", "add", "-q", "-b", "track-b", str(second))
    outside = tmp_path / f"doctor-test-{run}-outside"
    outside.mkdir()
    (outside / "compose.yaml").write_text(f"services:\n  site:\n    image: {image}\n"
                                          f"    command: [\"sleep\", \"3600\"]\n    ports: [\"{stray}:80\"]\n")
    (second / "compose.override.yaml").write_text(f"services:\n  extra:\n    image: {image}\n"
                                                  f"    ports: [\"{stray}:80\"]\n")
    track_a, other = f"doctor-test-tracka-{run}", f"doctor-test-outside-{run}"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "WEB_PORT"):
        env.pop(name, None)
    try:
        assert compose(docker_engine, main, "-p", track_a, "up", "-d").returncode == 0
        assert compose(docker_engine, outside, "-p", other, "up", "-d").returncode == 0
        text = _preflight(second, env)
        assert (f"0.0.0.0:{web}/tcp ('web') is taken by '{track_a}' service 'web' (container {track_a}-web-1), "
                f"started from {main} (worktree '{main.name}')") in text, text
        assert (f"0.0.0.0:{api}/tcp ('api') is taken by '{track_a}' service 'api' (container {track_a}-api-1), "
                f"started from {main} (worktree '{main.name}')") in text, text
        assert f"is taken by '{other}' service 'site' (container {other}-site-1)\n" in text, text
    finally:
        compose(docker_engine, main, "-p", track_a, "down", "-v", "-t", "0")
        compose(docker_engine, outside, "-p", other, "down", "-v", "-t", "0")
