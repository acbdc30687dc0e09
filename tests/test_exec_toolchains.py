"""`doctor exec` with a program of a runtime doctor reads no packages of: it runs in an image of that runtime.

nickjj/docker-phoenix-example (tests/replay/docker-phoenix-example): `doctor exec -- mix test` from the
checkout said "running 'mix' in service 'js' (run; its code is in 'js', ...)" and built the asset
watcher's `node:22` image to run mix in it, which has none; 'web' builds the Dockerfile's `dev` stage
on `elixir:1.18.4-slim` and binds the same `.:/app` (the project's own `./run test` uses web).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from doctor.execute import placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "docker-phoenix-example"


def _placed(tmp_path: Path, argv: list[str], cwd: str = ".", path: str = "/usr/bin:/bin") -> str | None:
    root = tmp_path / "phoenix"
    if not root.exists():
        shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
        shutil.copyfile(root / ".env.example", root / ".env")  # the README's `cp .env.example .env`
    env = {"PATH": path, "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(argv, root / cwd, Project(ProjectOptions(path=root, env=env)), host)
    return home.service if home is not None else None


@pytest.mark.parametrize("argv", [["mix", "test"], ["iex", "-S", "mix"], ["mix", "format", "--check-formatted"]])
def test_a_mix_command_goes_to_the_elixir_service_not_the_node_asset_watcher(tmp_path: Path, argv: list[str]) -> None:
    assert _placed(tmp_path, argv) == "web"


def test_a_node_program_of_the_assets_stays_with_the_asset_watcher(tmp_path: Path) -> None:
    assert _placed(tmp_path, ["yarn", "build"], "assets") in ("js", "css")


def test_mix_on_this_machines_path_runs_here(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "mix").write_text("#!/bin/sh\n")
    os.chmod(tools / "mix", 0o755)
    assert _placed(tmp_path, ["mix", "test"], path=f"{tools}:/usr/bin:/bin") is None


def test_a_program_of_a_runtime_no_service_runs_stays_here(tmp_path: Path) -> None:
    assert _placed(tmp_path, ["bundle", "exec", "rspec"]) is None  # no ruby image in a Phoenix app
