"""`fix --ports` writes `ports: !override` only where a base file gives the service ports.

wemake-django-template's docker-compose.yml publishes nothing for `web`; its
docker-compose.override.yml writes `ports: ["8000:8000"]` (with a comment). Moving that port
rewrote the list as `ports: !override`, which needs compose >= 2.24.4 and says the list replaces
one it does not (DefectDojo's `mailhog`, defined in docker-compose.override.dev.yml alone, the
same). Where a base file does publish ports for the service, the tag stays: compose appends the
override's list, and the old binding would survive.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.port_collision.fix import PortMove, port_fix
from test_portfix import host_with, project_env

from doctor.project import Project, ProjectOptions

BASE = "services:\n  web:\n    image: web\n  db:\n    image: postgres\n"
OVERRIDE = ("services:\n  web:\n    ports:\n      # We only bind ports directly in development:\n"
            '      - "8000:8000"\n')


def project_of(tmp_path: Path, base: str, override: str) -> Project:
    root = tmp_path / "wmproj"
    root.mkdir()
    (root / "compose.yaml").write_text(base)
    (root / "compose.override.yaml").write_text(override)
    return Project(ProjectOptions(path=root, env=project_env(tmp_path)))


@pytest.mark.parametrize("version", [(2, 40, 3), (2, 20, 0), None])
def test_ports_only_the_override_writes_are_rewritten_untagged(tmp_path: Path,
                                                               version: tuple[int, int, int] | None) -> None:
    project = project_of(tmp_path, BASE, OVERRIDE)
    move = port_fix(project, host_with({8000}), "web", project.services["web"].ports[0], compose_version=version)
    assert isinstance(move, PortMove) and move.new == 8001
    assert move.title == "move 'web' from host port 8000 to 8001 (compose.override.yaml:5)", move.title
    (edit,) = move.edits  # the override's own line: untagged, its comment kept
    assert (edit.line, edit.old, edit.new) == (5, '      - "8000:8000"', '      - "8001:8000"')


def test_a_port_the_override_alone_publishes_moves_on_its_line_beside_the_base_s_other_ports(tmp_path: Path) -> None:
    """appwrite's traefik: the base publishes 80 and 443, the override adds `9520:80`; compose appends
    the override's entry, so its line is the whole move (the list rewritten `!override` with the base's
    entries copied in changed far more than the port)."""
    base = BASE.replace("image: web\n", "image: web\n    ports: ['9000:9000', '${WEB_TLS_PORT:-9443}:443']\n")
    project = project_of(tmp_path, base, OVERRIDE)
    mapping = next(p for p in project.services["web"].ports if p.published == "8000")
    move = port_fix(project, host_with({8000}), "web", mapping, compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.title.endswith("(compose.override.yaml:5)"), move.title
    assert [(e.line, e.new) for e in move.edits] == [(5, '      - "8001:8000"')]


@pytest.mark.parametrize("base", [
    BASE.replace("image: web\n", "image: web\n    ports: ['8000:8000']\n"),  # the same one: merged into one entry
    BASE.replace("image: web\n", "image: web\n    ports: ['127.0.0.1:8000:80']\n"),  # the same host port
    BASE.replace("image: web\n", "image: web\n    ports: ['${WEB_PORT:-8000}:8000']\n"),  # interpolated: the same
    BASE + "  app:\n    image: web\n    ports: ['8000:8000']\n",  # extends brings the base's ports
])
def test_ports_a_base_file_also_gives_keep_the_tag(tmp_path: Path, base: str) -> None:
    override = OVERRIDE.replace("  web:\n", "  web:\n    extends: app\n") if "app:" in base else OVERRIDE
    project = project_of(tmp_path, base, override)
    mapping = next(p for p in project.services["web"].ports if p.published == "8000")
    move = port_fix(project, host_with({8000}), "web", mapping, compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.title.endswith("(compose.override.yaml ports !override)"), move.title
    assert "ports: !override" in str(move.edits[0].new)


def test_the_authors_own_override_tag_is_kept(tmp_path: Path) -> None:
    base = BASE.replace("image: web\n", "image: web\n    ports: ['7000:7000']\n")
    project = project_of(tmp_path, base, OVERRIDE.replace("    ports:\n", "    ports: !override\n"))
    assert [p.published for p in project.services["web"].ports] == ["8000"]  # the base's 7000 replaced
    move = port_fix(project, host_with({8000}), "web", project.services["web"].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove)  # the tagged list's own line: the tag stays as the author wrote it
    assert [(e.line, e.new) for e in move.edits] == [(5, '      - "8001:8000"')]


@pytest.mark.parametrize("ignored", [False, True])
def test_a_new_override_in_a_git_work_tree_is_named_to_keep_out_of_commits(tmp_path: Path, ignored: bool) -> None:
    """A port moved into an override the move creates: `git add -A` would commit this machine's
    port for the whole team, so the fix says to keep the new file out (unless git ignores it)."""
    root = tmp_path / "gitproj"
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".gitignore").write_text("compose.override.yaml\n" if ignored else "*.pyc\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    image: web\n    ports: ['8000:8000']\n")
    project = Project(ProjectOptions(path=root, env=project_env(tmp_path)))
    move = port_fix(project, host_with({8000}), "web", project.services["web"].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8001
    assert [e.path.name for e in move.edits] == ["compose.override.yaml"]
    note = ("(then, by hand: add compose.override.yaml to .git/info/exclude: this port is this machine's, keep it "
            "out of commits)")
    assert (note in move.title) is not ignored, move.title


def test_a_linked_worktree_is_told_the_repositorys_exclude_file(tmp_path: Path) -> None:
    """A linked worktree's `.git` is a file: the note named `.git/info/exclude`, which is not there; the
    file git reads is the main checkout's (`git rev-parse --git-path info/exclude`)."""
    import subprocess

    main = tmp_path / "main"
    main.mkdir()
    (main / "compose.yaml").write_text("services:\n  web:\n    image: web\n    ports: ['8000:8000']\n")
    git = ["git", "-c", "user.email=a@b", "-c", "user.name=a", "-C", str(main)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "compose.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "track-b")], check=True)
    project = Project(ProjectOptions(path=tmp_path / "track-b", env=project_env(tmp_path)))
    move = port_fix(project, host_with({8000}), "web", project.services["web"].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove)
    exclude = main.resolve() / ".git" / "info" / "exclude"
    assert f"add compose.override.yaml to {exclude}:" in move.title, move.title
