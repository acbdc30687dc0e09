"""`doctor fix --ports` in a linked worktree, its `.env` tracked, the new override ignored by no rule: the note to keep
the override out of commits names the repository's info/exclude, once.

Before (whyports audit): track A up on the committed ports, track B's `doctor fix --ports --yes` moved db and web
(their `${DB_PORT}`, `${WEB_PORT}` in the tracked `.env`) and mail (a literal) into the new untracked
`compose.override.yaml`, and said so three times in two wordings: db's and web's titles ended `keep
compose.override.yaml out of commits (by hand: add it to .git/info/exclude)`, mail's `(then, by hand: add
compose.override.yaml to /…/a/.git/info/exclude: ...)`. In a linked worktree `.git` is a file, so `.git/info/exclude`
is no path there (`echo compose.override.yaml >> .git/info/exclude`: Not a directory), and README says the override
is named once per file, by the first move that writes it. Now each move into it says only where the port goes, and
the first one's `(then, by hand: ...)` names the main checkout's info/exclude (`git rev-parse --git-path
info/exclude`), as every other move into a new override does.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from test_ports_worktrees_live import compose, fix_ports, free_pool, free_ports, git

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  db:
    image: {image}
    command: ["sleep", "300"]
    ports:
      - "${{DB_PORT:-{db}}}:5432"
  web:
    image: {image}
    command: ["sleep", "300"]
    ports:
      - "${{WEB_PORT:-{web}}}:8000"
  mail:
    image: {image}
    command: ["sleep", "300"]
    ports:
      - "127.0.0.1:{mail}:1080"
"""


def test_the_override_s_exclude_note_is_said_once_with_the_repository_s_exclude_file(
        tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    run = uuid.uuid4().hex[:8]
    db, web, mail = free_ports(3)
    main, track = tmp_path / f"doctor-h-whyports-{run}-a", tmp_path / f"doctor-h-whyports-{run}-b"
    main.mkdir()
    pool = free_pool()
    (main / "doctor.yaml").write_text(f"ports:\n  range: {pool}-{pool + 999}\n")
    (main / "compose.yaml").write_text(COMPOSE.format(image=busybox_image, db=db, web=web, mail=mail))
    (main / ".env").write_text(f"DB_PORT={db}\nWEB_PORT={web}\n")  # committed: every track's
    git(main, "init", "-q", "-b", "main")
    git(main, "remote", "add", "origin", f"https://example.com/acme/exclude-{run}.git")
    git(main, "add", ".")
    git(main, "commit", "-q", "-m", "fixture")
    git(main, "worktree", "add", "-q", "-b", "track-b", str(track))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_") and k not in ("DB_PORT", "WEB_PORT")}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    try:
        assert compose(docker_engine, main, "up", "-d").returncode == 0
        status, report = fix_ports(track, env)
        assert status == 0, report
        assert (track / "compose.override.yaml").is_file(), report
        up = compose(docker_engine, track, "up", "-d")
        assert up.returncode == 0, up.stderr
    finally:
        for root in (track, main):
            compose(docker_engine, root, "down", "-v", "-t", "0")
    moves = [line for line in report.splitlines() if "move '" in line]
    assert len(moves) == 3, report
    exclude = main / ".git" / "info" / "exclude"
    assert report.count("out of commits") == 1, report
    assert report.count(f"add compose.override.yaml to {exclude}: ") == 1, report
    assert "add it to .git/info/exclude" not in report, report
    assert not (track / ".git").is_dir()  # a linked worktree: `.git/info/exclude` is no path in it
