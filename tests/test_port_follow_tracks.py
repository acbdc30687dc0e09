"""Tracks side by side: a site URL in a tracked compose file follows the move in the track's own override.

saleor-platform (saleor/saleor-platform, docker-compose.yml, BSD-3-Clause) gives its api
`DASHBOARD_URL=http://localhost:9000/`, the dashboard's published `9000:80`. Alone, `doctor fix --ports`
moves the dashboard into the untracked dev override and sets DASHBOARD_URL there too. In a second
worktree, beside the first one's running stack, the same move only said "by hand: change 9000 to 20201
in DASHBOARD_URL:22 for this checkout's programs (git tracks it ...)": the tracked compose file was
rightly left alone, but the untracked override the move writes anyway could hold the value, and the
step named no file. The api of the second track sent its users to the first track's dashboard.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from doctor.checks.port_collision.fix import PortMove, port_fix
from test_portfix import FakePorts

from doctor.host.engine import EngineConnection
from doctor.project import Project, ProjectOptions

# saleor-platform's docker-compose.yml, the two services of the move (its other services, volumes and networks
# dropped: they publish other ports and name no localhost:9000)
SALEOR = """\
services:
  api:
    image: ghcr.io/saleor/saleor:3.22
    ports:
      - 8000:8000
    restart: unless-stopped
    environment:
      - DASHBOARD_URL=http://localhost:9000/
      - ALLOWED_HOSTS=localhost,127.0.0.1,api

  dashboard:
    image: ghcr.io/saleor/saleor-dashboard:latest
    ports:
      - 9000:80
    restart: unless-stopped
"""


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


class _Engine(EngineConnection):
    """An engine on which the compose projects of `running` have containers (nothing is connected to)."""

    def __init__(self, running: list[Path]) -> None:
        super().__init__(None, "no engine in these tests")
        self.running = running

    def get_json(self, path: str, *args: object, **kwargs: object) -> list[dict[str, object]]:
        return [{"Labels": {"com.docker.compose.project": folder.name,
                            "com.docker.compose.project.working_dir": str(folder)}} for folder in self.running]


class _Host:
    def __init__(self, busy: set[int], running: list[Path]) -> None:
        self.ports = FakePorts(busy)
        self.engine = _Engine(running)


def _move(tmp_path: Path, running: bool, text: str = SALEOR) -> tuple[PortMove, Path]:
    main, feature = tmp_path / "saleor-platform", tmp_path / "saleor-feature"
    main.mkdir()
    (main / "docker-compose.yml").write_text(text)
    _git(main, "init", "-q", "-b", "main")
    _git(main, "add", "-A")
    _git(main, "commit", "-q", "-m", "i")
    _git(main, "worktree", "add", "-q", str(feature), "-b", "feature")
    env = {"HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}
    project = Project(ProjectOptions(path=feature, env=env))
    dashboard = project.services["dashboard"]
    host = _Host({9000}, [main.resolve()] if running else [])
    move = port_fix(project, host, "dashboard", dashboard.ports[0], ports_range=(20200, 20299),  # type: ignore[arg-type]
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20200, move
    return move, feature


def _written(move: PortMove, folder: Path) -> dict[str, str]:
    return {edit.path.relative_to(folder).as_posix(): str(edit.new) for edit in move.edits}


def test_beside_a_running_track_the_site_url_follows_in_the_untracked_override(tmp_path: Path) -> None:
    move, feature = _move(tmp_path, running=True)
    written = _written(move, feature)
    assert list(written) == ["docker-compose.override.yml"], written  # the tracked compose file untouched
    override = written["docker-compose.override.yml"]
    assert '- "20200:80"' in override and 'DASHBOARD_URL: "http://localhost:20200/"' in override, override
    assert "DASHBOARD_URL follows to localhost:20200 (in docker-compose.override.yml)" in move.title, move.title
    assert "by hand: change" not in move.title, move.title


def test_alone_the_move_was_already_so(tmp_path: Path) -> None:
    move, feature = _move(tmp_path, running=False)
    written = _written(move, feature)
    assert list(written) == ["docker-compose.override.yml"], written
    assert 'DASHBOARD_URL: "http://localhost:20200/"' in written["docker-compose.override.yml"]


def test_a_value_the_override_cannot_take_is_named_with_its_file(tmp_path: Path) -> None:
    """A value compose interpolates stays where it is written; in a tracked file beside a running track it is
    a step by hand, named with its file and line (it said `DASHBOARD_URL:8`)."""
    text = SALEOR.replace("http://localhost:9000/", "http://localhost:9000/${DASHBOARD_PATH:-}")
    move, feature = _move(tmp_path, running=True, text=text)
    assert "change 9000 to 20200 in DASHBOARD_URL in docker-compose.yml:8 for this checkout's programs" in move.title, \
        move.title
    assert list(_written(move, feature)) == ["docker-compose.override.yml"]
