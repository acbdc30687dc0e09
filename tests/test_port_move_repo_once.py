"""A port move's planning looks up the project's git checkout once (Project.repo), not at each question.

Planning a move asks of the project's folder which checkout holds it several times: whether a
worktree beside it runs this stack (portregistry.side_by_side), which ports the other worktrees
publish (siblings), whether each file the move edits is tracked or ignored, where info/exclude
is. Each asked gitrepo.find_repo again (resolve the folder, stat `.git` upwards, read the
`.git` file and `commondir` of a linked worktree: ~0.1-0.3 ms each, five times on a preflight of
a copy of examples/broken-stack with its db port held). They now take the project's own lookup
when the folder is the project's, and look up any other folder as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks.port_collision import PortCollision
from test_port_collision_live import free_port

from doctor.host import Host
from doctor.project import Project, ProjectOptions, gitrepo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}
HOLD = "import socket, sys\ns = socket.socket()\ns.bind(('0.0.0.0', int(sys.argv[1])))\ns.listen()\n" \
       "print('ready', flush=True)\nsys.stdin.read()\n"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


@pytest.fixture
def held_port() -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield port
    proc.kill()
    proc.wait()


@pytest.fixture
def checkout(tmp_path: Path, held_port: int) -> Path:
    """A checkout with a linked worktree beside it, its tracked `.env` publishing the held port."""
    root = tmp_path / "main"
    root.mkdir()
    _git(root, "init", "-q")
    (root / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n    ports: ['${WEB_PORT}:80']\n")
    (root / ".env").write_text(f"WEB_PORT={held_port}\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "init")
    _git(root, "worktree", "add", "-q", str(tmp_path / "track"))
    return root


def _findings(root: Path, port: int) -> list[str]:
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root.parent), **NO_ENGINE}))
    found = [f for f in PortCollision().run(project, Host(env=NO_ENGINE)) if f.subject.endswith(f":{port}/tcp")]
    return [f"{f.message} | {f.fix.title if f.fix else None}" for f in found]


def test_a_port_move_looks_up_the_checkout_once(checkout: Path, held_port: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[Path] = []
    real = gitrepo.find_repo

    def counted(folder: Path) -> gitrepo.GitRepo | None:
        looked.append(folder)
        return real(folder)

    monkeypatch.setattr(gitrepo, "find_repo", counted)
    found = _findings(checkout, held_port)
    assert found and "None" not in found[0].rsplit("|", 1)[1]  # a move was planned
    assert looked == [checkout]  # the project's own lookup, and no other
    monkeypatch.setattr(gitrepo, "find_repo", real)
    assert _findings(checkout, held_port) == found


def test_a_folder_written_otherwise_is_looked_up_itself(checkout: Path) -> None:
    project = Project(ProjectOptions(path=checkout, env={"PATH": "/usr/bin:/bin", "HOME": str(checkout.parent)}))
    assert gitrepo.repo_of(checkout, project) is project.repo()
    link = checkout.parent / "link"
    link.symlink_to(checkout)  # the project's folder written otherwise: looked up itself, the same checkout
    assert gitrepo.repo_of(link, project) == project.repo()
    inner = checkout / "sub"
    inner.mkdir()
    (inner / ".git").mkdir()  # a checkout of its own inside the project (a nested repository)
    assert gitrepo.repo_of(inner, project) == gitrepo.find_repo(inner) != project.repo()
    assert gitrepo.repo_of(checkout / "sub" / "..", project) == gitrepo.find_repo(checkout)
