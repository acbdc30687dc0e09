"""`doctor fix --ports` in two worktrees of one repository chooses two ports (pythondotorg's trial:
redis's 6379 held, the fix in the first worktree and then in the second moved both to 6380, and
`doctor ports` reported `6380/tcp published by wt-main ('redis'), wt-feature ('redis')`)."""

from __future__ import annotations

import io
import os
import random
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks.port_collision import siblings
from doctor.checks.port_collision.fix import PortMove, port_fix
from portprobe import bindable
from test_portfix import host_with, only_mapping

from doctor import app, commands
from doctor.portmap import PortsOptions, ports
from doctor.project import Project, ProjectOptions


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


def _free_run() -> int:
    """A port with the next three free too, below the ephemeral range and outside the plan's pool."""
    for _ in range(200):
        port = random.randrange(10000, 19000)
        if all(bindable(p) for p in range(port, port + 4)):
            return port
    pytest.skip("no free run of ports")


@pytest.fixture
def held() -> Iterator[int]:
    """A free port, held by a listening socket for the test (the trial's `python3 -m http.server 6379`)."""
    port = _free_run()
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", port))
        sock.listen()
        yield port


def _worktrees(tmp_path: Path, port: int) -> tuple[Path, Path]:
    main, feature = tmp_path / "wt-main", tmp_path / "wt-feature"
    main.mkdir()
    (main / "compose.yaml").write_text(f'services:\n  redis:\n    image: redis:7\n    ports: ["{port}:6379"]\n')
    _git(main, "init", "-q", "-b", "main")
    _git(main, "add", "-A")
    _git(main, "commit", "-q", "-m", "i")
    _git(main, "worktree", "add", "-q", str(feature), "-b", "feature")
    return main, feature


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    for name in ("COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME", "COMPOSE_ENV_FILES"):
        env.pop(name, None)
    return env


def _fix(root: Path, env: dict[str, str]) -> str:
    out = io.StringIO()
    command = commands.FixCommand(target=app.PreflightOptions(path=root, env=env), families=frozenset({"ports"}),
                                  yes=True)
    status = commands.fix(command, out)
    assert status == 0, out.getvalue()
    return out.getvalue()


def test_the_second_worktree_s_fix_keeps_off_the_port_the_first_one_chose(tmp_path: Path, held: int) -> None:
    main, feature = _worktrees(tmp_path, held)
    env = _env(tmp_path)
    first = _fix(main, env)
    assert f"move 'redis' from host port {held} to {held + 1}" in first, first
    second = _fix(feature, env)
    assert f"move 'redis' from host port {held} to {held + 2}" in second, second
    assert f'"{held + 1}:6379"' in (main / "compose.override.yaml").read_text()
    assert f'"{held + 2}:6379"' in (feature / "compose.override.yaml").read_text()

    out = io.StringIO()
    status = ports(PortsOptions(path=feature, env=env), out)
    text = out.getvalue()
    # "✓ no clashes", or without an engine "~ no clashes among the worktrees and this machine's binds ..."
    assert status == 0 and "no clashes" in text and "published by" not in text, text
    assert f"{held + 1}/tcp -> redis:6379" in text and f"{held + 2}/tcp -> redis:6379" in text, text


def _load(folder: Path, files: tuple[Path, ...] = ()) -> Project:
    return Project(ProjectOptions(path=folder, files=files, env={"HOME": str(folder), "PATH": "/usr/bin:/bin"}))


def test_a_sibling_s_env_value_and_other_profiles_are_its_claims(tmp_path: Path) -> None:
    main, feature = _worktrees(tmp_path, 6379)
    for root in (main, feature):  # the same files in both; the feature worktree's .env moved web
        (root / "compose.yaml").write_text(
            'services:\n  web:\n    image: x\n    ports: ["${WEB_PORT:-8000}:80"]\n'
            '  docs:\n    image: x\n    profiles: [docs]\n    ports: ["${DOCS_PORT:-8001}:80"]\n')
    (feature / ".env").write_text("WEB_PORT=8002\nDOCS_PORT=8003\n")
    project = _load(main)  # its own: 8000, and 8001 of a profile that is off
    assert siblings.sibling_ports(project) == {(8002, "tcp"): "wt-feature", (8003, "tcp"): "wt-feature"}
    move = port_fix(project, host_with({8000}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8004, move


def test_a_lone_checkout_and_a_worktree_without_the_project_claim_nothing(tmp_path: Path) -> None:
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "compose.yaml").write_text('services:\n  web:\n    image: x\n    ports: ["8000:80"]\n')
    assert siblings.sibling_ports(_load(lone)) == {}  # no repository
    main, feature = _worktrees(tmp_path, 6379)
    (main / "app").mkdir()
    (main / "app" / "compose.yaml").write_text('services:\n  web:\n    image: x\n    ports: ["8000:80"]\n')
    assert siblings.sibling_ports(_load(main / "app")) == {}  # app/ is not committed: not in wt-feature
    assert siblings.sibling_ports(_load(feature)) == {(6379, "tcp"): "wt-main"}
    # -f names a file: read at the same place in the other worktree, or that worktree claims nothing
    named = (Path("compose.yaml"), Path("extra.yaml"))
    (main / "extra.yaml").write_text('services:\n  redis:\n    ports: !override ["7000:6379"]\n')
    assert siblings.sibling_ports(_load(main, files=named)) == {}
    (feature / "extra.yaml").write_text('services:\n  redis:\n    ports: !override ["7001:6379"]\n')
    assert siblings.sibling_ports(_load(main, files=named)) == {(7001, "tcp"): "wt-feature"}


def test_at_most_max_worktrees_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    main, feature = _worktrees(tmp_path, 6379)
    _git(main, "worktree", "add", "-q", str(tmp_path / "wt-third"), "-b", "third")
    (feature / "compose.override.yaml").write_text('services:\n  redis:\n    ports: !override ["6380:6379"]\n')
    (tmp_path / "wt-third" / "compose.override.yaml").write_text(
        'services:\n  redis:\n    ports: !override ["6381:6379"]\n')
    assert set(siblings.sibling_ports(_load(main))) == {(6380, "tcp"), (6381, "tcp")}
    monkeypatch.setattr(siblings, "MAX_WORKTREES", 1)
    assert set(siblings.sibling_ports(_load(main))) == {(6380, "tcp")}


def test_worktrees_are_read_only_when_a_move_is_planned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       held: int) -> None:
    free = tmp_path / "free"
    free.mkdir()
    main, _ = _worktrees(free, held + 3)  # a free port: no collision, nothing to fix
    calls: list[Project] = []

    def counted(project: Project) -> dict[tuple[int, str], str]:
        calls.append(project)
        return {}

    monkeypatch.setattr(siblings, "sibling_ports", counted)
    out = io.StringIO()
    app.preflight(app.PreflightOptions(path=main, env=_env(tmp_path)), out)
    assert calls == [], out.getvalue()
    main, _ = _worktrees(tmp_path, held)  # the held port: the fix line's port is chosen, once
    app.preflight(app.PreflightOptions(path=main, env=_env(tmp_path)), out)
    assert len(calls) == 1, out.getvalue()
