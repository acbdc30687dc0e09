"""compose.ports.yaml writes a long-syntax entry as its author did: block YAML, the keys in the author's order,
the author's protocol, host_ip and mode kept (it was a JSON flow map, keys sorted, `protocol: tcp` dropped)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from doctor.checks.port_collision.plan_file import plan_file_edits

from doctor.project import Project, ProjectOptions, portsfile

BASE = "services:\n  minio:\n    image: minio/minio\n"
OVERRIDE = """services:
  minio:
    ports:
      - target: 9000
        published: 9000
        protocol: tcp
      - published: "9001"
        target: 9001
        host_ip: 127.0.0.1
        mode: host
"""


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


def _apply(edits: tuple[object, ...]) -> None:
    for edit in edits:
        path, old, new = edit.path, edit.old, edit.new  # type: ignore[attr-defined]
        text = path.read_text() if path.exists() else ""
        path.write_text(text + new if old == "" else text.replace(old, new, 1))


def test_a_long_entry_is_written_as_its_author_wrote_it(tmp_path: Path) -> None:
    main = tmp_path / "main"
    main.mkdir()
    (main / "compose.yml").write_text(BASE)
    (main / "compose.override.yml").write_text(OVERRIDE)
    _git(main, "init", "-q", "-b", "main")
    _git(main, "add", "-A")
    _git(main, "commit", "-q", "-m", "i")
    _git(main, "worktree", "add", "-q", "-b", "b", str(tmp_path / "b"))
    root = tmp_path / "b"
    project = Project(ProjectOptions(path=root, env={}))
    svc = project.services["minio"]
    mapping = next(m for m in svc.ports if m.target == 9000)
    edits, _, _ = plan_file_edits(project, svc, mapping, 20004, None, "compose.override.yml is tracked by git: x")
    _apply(edits)
    text = (root / portsfile.PORTS_FILE).read_text()
    assert text.split("services:\n", 1)[1] == (
        '  "minio":\n    ports: !override\n'
        '      - target: 9000\n        published: "20004"\n        protocol: tcp\n'
        '      - published: "9001"\n        target: 9001\n        host_ip: "127.0.0.1"\n        mode: host\n')
    # read back as the plan, and a second render is the same text
    assert portsfile.render(portsfile.read_plan(root / portsfile.PORTS_FILE)) == text
    if shutil.which("docker") is None:
        return
    done = subprocess.run(["docker", "compose", "-f", "compose.yml", "-f", "compose.override.yml", "-f",
                           portsfile.PORTS_FILE, "config", "--format", "json"], cwd=root, capture_output=True,
                          text=True, timeout=60)
    if done.returncode != 0 and "is not a docker command" in done.stderr:
        pytest.skip("no compose plugin")
    assert done.returncode == 0, done.stderr
    import json

    ports = json.loads(done.stdout)["services"]["minio"]["ports"]
    assert [(p["target"], p["published"], p.get("host_ip"), p["protocol"], p["mode"]) for p in ports] == [
        (9000, "20004", None, "tcp", "ingress"), (9001, "9001", "127.0.0.1", "tcp", "host")]
