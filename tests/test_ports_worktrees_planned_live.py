"""fastapi-template in parallel worktrees, live: the ports track A publishes but has not started move too.

Track A runs db and adminer on the committed ports (its compose.override.yml publishes eight, as in
tests/replay/fastapi-template, moved onto ports free at run time). `doctor fix --ports` in track B
moved only the two A's containers held; B's backend, proxy, mailpit and playwright kept A's committed
ports, `doctor ports` kept listing them as B's clashes, and A's next `up` of them failed beside B's.
Now every port A's running project publishes is moved into B's block, once; A's files stay as they are,
and with B up, A's preflight does not ask A to move for B (B holds a block of the plan, A the committed ports).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from ci_images import StandIn, ensure
from test_ports_worktrees_live import compose, fix_ports, free_pool, free_ports, git

from doctor.engine import RunOptions, load_registry, preflight
from doctor.host.portregistry import read_blocks, registry_path
from doctor.project import ProjectOptions

pytestmark = pytest.mark.docker

REPLAY = Path(__file__).parent / "replay" / "fastapi-template"


def _copy(root: Path, image: str, pool: int) -> dict[int, int]:
    """The replay copy as a repo of its own: every image the stand-in, every host port a free one."""
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.txt"))
    override = root / "compose.override.yml"
    text = override.read_text()
    committed = [int(p) for p in re.findall(r'^\s+- "?(\d+):\d+"?$', text, flags=re.MULTILINE)]
    moved = dict(zip(committed, free_ports(len(committed)), strict=True))
    text = re.sub(r'^(\s+- "?)(\d+):', lambda m: f"{m[1]}{moved[int(m[2])]}:", text, flags=re.MULTILINE)
    for path in (root / "compose.yml", override):
        body = text if path == override else path.read_text()
        path.write_text(re.sub(r"^(\s+image:) \S+$", rf"\1 {image}", body, flags=re.MULTILINE))
    (root / "doctor.yaml").write_text(f"ports:\n  range: {pool}-{pool + 999}\n")
    git(root, "init", "-q", "-b", "master")
    git(root, "remote", "add", "origin", f"https://example.com/acme/fastapi-{root.name}.git")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "copy")
    return moved


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> str:
    """A stand-in serving plain HTTP until stopped (ci_images), under its doctor-only name."""
    return ensure(docker_engine, busybox_image, [StandIn("ports-planned", (80,))])["ports-planned"]


def test_a_fix_moves_every_port_a_running_worktree_publishes(tmp_path: Path, docker_engine: str, image: str) -> None:
    run = uuid.uuid4().hex[:8]
    a, b = tmp_path / f"doctor-test-{run}-a", tmp_path / f"doctor-test-{run}-b"
    pool = free_pool()
    moved = _copy(a, image, pool)
    git(a, "worktree", "add", "-q", "-b", "track-b", str(b))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    try:
        up = compose(docker_engine, a, "up", "-d", "db", "adminer")
        assert up.returncode == 0, up.stderr
        status, report = fix_ports(b, env)
        assert status == 0, report
        written = (b / "compose.ports.yaml").read_text()
        block = {x.owner: x for x in read_blocks(registry_path(env))}[str(b)]
        ports = {int(p) for p in re.findall(r'- "(\d+):\d+"', written)}
        # all eight: db's and adminer's, which A holds, and the six A publishes but has not started
        assert len(ports) == len(moved) == 8 and all(block.start <= p <= block.end for p in ports), written
        # .env is tracked: B's shell exports the COMPOSE_FILE the fix named
        b_env = {**env, "COMPOSE_FILE": "compose.yml:compose.override.yml:compose.ports.yaml"}
        again, report = fix_ports(b, b_env)  # stable: a second run rewrites nothing
        assert again == 0 and (b / "compose.ports.yaml").read_text() == written, report
        assert git(a, "status", "--porcelain") == "" and not (a / "compose.ports.yaml").exists()
        done = subprocess.run([docker_engine, "compose", "up", "-d", "db", "adminer"], cwd=b, capture_output=True,
                              text=True, timeout=180, env=b_env)
        assert done.returncode == 0, done.stderr
        run_a = preflight(RunOptions(project=ProjectOptions(path=a, env=env), select=("port-collision",), env=env),
                          load_registry())
        findings = [f for r in run_a.report.results for f in r.findings]
        assert not [f for f in findings if "published by worktree" in f.message], [f.message for f in findings]
    finally:
        compose(docker_engine, b, "down", "-v", "-t", "0")
        compose(docker_engine, a, "down", "-v", "-t", "0")
