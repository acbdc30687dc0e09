"""leaked-host-port's dev-override fix says when the override is git-ignored.

knadh/listmonk's .gitignore names docker-compose.override.yml: `LISTMONK_db__host: localhost` in the
committed docker-compose.yml was "fixed" in an override `git status` never shows, so teammates and
`-f docker-compose.yml` (listmonk's docs) still got the fault, and nothing said so.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  app:
    image: listmonk/listmonk:latest
    environment:
      LISTMONK_db__host: localhost
      LISTMONK_db__port: 5432
  db:
    image: postgres:17-alpine
    ports:
      - "9432:5432"
"""


def _title(root: Path) -> str:
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    (finding,) = [f for f in LeakedHostPort().run(project, Host(env={})) if "LISTMONK_db__host" in f.subject]
    assert finding.fix is not None and finding.fix.edits
    return finding.fix.title


def test_a_git_ignored_override_is_named_with_the_line_it_leaves(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert _title(tmp_path) == "set LISTMONK_db__host=db for 'app' in a new dev override docker-compose.override.yml"
    (tmp_path / ".gitignore").write_text("uploads\ndocker-compose.override.yml\n")
    assert _title(tmp_path) == (
        "set LISTMONK_db__host=db for 'app' in a new dev override docker-compose.override.yml (it is git-ignored: "
        "this checkout only; docker-compose.yml:5 keeps its value for other checkouts)")
