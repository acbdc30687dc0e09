"""Live: a folder whose own stack runs under another project name (`docker compose -p NAME up -d`, or
COMPOSE_PROJECT_NAME in another shell) and a `doctor fix --ports` run without that name. The run moves no
port (moving them would start a second copy beside the first): each finding is advice to run compose under
that name. Its `--dry-run` said the opposite: played in a scratch copy of the folder, whose path the
containers' compose working_dir label does not name, the stack read as another project's, and the preview
moved every port ("7 fix(es) would apply") the run then left alone ("0 applied, 7 skipped"). The dry run
now reads the labels of the folder it mirrors as its copy's: the preview is the run's."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

import pytest
from test_ports_worktrees_live import compose, fixture_repo, free_ports, image

from doctor import app, commands

pytestmark = pytest.mark.docker
__all__ = ["image"]  # the fixture, used by name


def _fix(root: Path, env: dict[str, str], dry_run: bool) -> tuple[int, str]:
    out = io.StringIO()
    command = commands.FixCommand(target=app.PreflightOptions(path=root, env=env), families=frozenset({"ports"}),
                                  dry_run=dry_run)
    return commands.fix(command, out), out.getvalue()


def test_the_dry_run_moves_no_port_of_this_folder_s_own_stack_run_under_another_name(
        tmp_path: Path, docker_engine: str, image: str) -> None:
    run = uuid.uuid4().hex[:8]
    web, api = free_ports(2)
    root = tmp_path / f"doctor-test-{run}-own"
    fixture_repo(root, image, web, api)
    project = f"doctor-test-own-{run}"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "COLUMNS": "400"}
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "WEB_PORT"):
        env.pop(name, None)
    try:
        up = compose(docker_engine, root, "-p", project, "up", "-d")
        assert up.returncode == 0, up.stderr
        status, preview = _fix(root, env, dry_run=True)
        assert "would apply" not in preview.replace("0 fix(es) would apply", ""), preview
        assert "+++" not in preview and "move 'web'" not in preview and "move 'api'" not in preview, preview
        skipped = [line for line in preview.splitlines() if line.startswith("skipped ")]
        assert len(skipped) == 2 and all(f"run compose here as project '{project}'" in s for s in skipped), preview
        status_run, done = _fix(root, env, dry_run=False)
        assert "0 applied" in done and "2 skipped" in done, done
        assert [line for line in done.splitlines() if line.startswith("skipped ")] == skipped, (preview, done)
        assert status == status_run == 1, (preview, done)
        assert not (root / "compose.override.yaml").exists() and not (root / ".env").exists()
    finally:
        compose(docker_engine, root, "-p", project, "down", "-v", "-t", "0")
