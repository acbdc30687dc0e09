"""Tracks side by side: a tracked `.env` line that both the containers (`env_file: .env`) and the host's
programs read is one step by hand, said once.

ThreeDotsLabs/wild-workouts (tests/replay/wild-workouts) commits `.env`, which every Go service reads through
`env_file: .env` and `make test` hands the host's `go test`: `CORS_ALLOWED_ORIGINS=http://localhost:8080`, the
address of `web` ("127.0.0.1:8080:8080"). In a second worktree beside the first one's running stack, moving
`web` said `(then, by hand: change 8080 to 20200 in CORS_ALLOWED_ORIGINS in .env:14 for this checkout's
programs (...); change 8080 to 20200 in CORS_ALLOWED_ORIGINS in .env:14 for this checkout's programs (...))`:
the containers' values and the host env files each left the same line. It is now named once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.port_collision.fix import PortMove, port_fix
from test_port_follow_tracks import _git, _Host

from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "wild-workouts"


def test_a_line_the_containers_and_the_host_read_is_one_step(tmp_path: Path) -> None:
    main, feature = tmp_path / "wild-workouts", tmp_path / "wild-workouts-b"
    shutil.copytree(REPLAY, main)
    _git(main, "init", "-q", "-b", "main")
    _git(main, "add", "-A")
    _git(main, "commit", "-q", "-m", "i")
    _git(main, "worktree", "add", "-q", str(feature), "-b", "feature")
    env = {"HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}
    project = Project(ProjectOptions(path=feature, env=env))
    web = project.services["web"]
    host = _Host({8080}, [main.resolve()])
    move = port_fix(project, host, "web", web.ports[0], ports_range=(20200, 20299),  # type: ignore[arg-type]
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20200, move
    step = "change 8080 to 20200 in CORS_ALLOWED_ORIGINS in .env:14 for this checkout's programs"
    assert move.title.count(step) == 1, move.title
    assert "change 8080 to 20200" not in move.title.replace(step, ""), move.title
    assert all(e.path.name != ".env" for e in move.edits), move.edits  # the tracked .env untouched
