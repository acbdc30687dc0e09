"""What the port fixes say of git, for the file they actually edit.

DefectDojo's .gitignore names docker-compose.override.yml, a symlink to the tracked
docker-compose.override.dev.yml: port-collision said "docker-compose.override.yml is tracked by git"
and leaked-host-port "docker-compose.override.yml is git-ignored: this checkout only", while the
edit changed the tracked target (`git status`: `M docker-compose.override.dev.yml`). And in a folder
outside any git repository leaked-host-port called the override git-ignored.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.checks.leaked_host_port import LeakedHostPort
from doctor.checks.port_collision.fix import PortMove, port_fix
from test_portfix import host_with, project_env

from doctor.host import Host
from doctor.project import Project, ProjectOptions
from doctor.project.gitrepo import find_repo
from doctor.project.portplan import git_ignored

COMPOSE = """\
services:
  app:
    image: listmonk/listmonk:latest
    environment:
      LISTMONK_db__host: localhost
      LISTMONK_db__port: 5432
  db:
    image: postgres:17-alpine
"""
DEV = """\
services:
  app:
    environment:
      DEBUG: "1"
  mail:
    image: mailhog/mailhog
    ports:
      - "8025:8025"
"""


def _defectdojo(root: Path) -> Path:
    root.mkdir()
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "docker-compose.override.dev.yml").write_text(DEV)
    (root / "docker-compose.override.yml").symlink_to("docker-compose.override.dev.yml")
    (root / ".gitignore").write_text("docker-compose.override.yml\n.env\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "."], check=True)
    return root


def _project(root: Path) -> Project:
    return Project(ProjectOptions(path=root, env=project_env(root.parent)))


def _leak_title(project: Project) -> str:
    (finding,) = [f for f in LeakedHostPort().run(project, Host(env={})) if "LISTMONK_db__host" in f.subject]
    assert finding.fix is not None and finding.fix.edits
    return finding.fix.title


def test_git_ignored_judges_the_link_and_answers_only_in_a_work_tree(tmp_path: Path) -> None:
    from doctor.project.portplan import edited_name

    root = _defectdojo(tmp_path / "dojo")
    link = root / "docker-compose.override.yml"
    assert git_ignored(link) is True and git_ignored(link.resolve()) is False
    assert edited_name(link) == "docker-compose.override.dev.yml (through the symlink docker-compose.override.yml)"
    assert edited_name(root / "docker-compose.yml") == "docker-compose.yml"
    plain = tmp_path / "plain"
    plain.mkdir()
    assert find_repo(plain) is None
    assert git_ignored(plain / "compose.override.yaml") is None


def test_leaked_host_port_names_the_tracked_target_it_edits(tmp_path: Path) -> None:
    project = _project(_defectdojo(tmp_path / "dojo"))
    assert _leak_title(project) == (
        "set LISTMONK_db__host=db for 'app' in the dev override (edits docker-compose.override.dev.yml, "
        "tracked by git, through the symlink docker-compose.override.yml)")


def test_port_collision_names_the_tracked_target_it_edits(tmp_path: Path) -> None:
    project = _project(_defectdojo(tmp_path / "dojo"))
    move = port_fix(project, host_with({8025}), "mail", project.services["mail"].ports[0],
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8026
    assert ("docker-compose.override.dev.yml (through the symlink docker-compose.override.yml) is tracked by git"
            in move.title), move.title
    assert "docker-compose.override.yml is tracked" not in move.title


def test_no_git_claim_outside_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / ".gitignore").write_text("uploads\n")  # a .gitignore, but no repository around it
    assert find_repo(root) is None
    # no claim about git (ignored or tracked), only that the override is new
    assert _leak_title(_project(root)) == ("set LISTMONK_db__host=db for 'app' in a new dev override "
                                           "docker-compose.override.yml")


def test_rules_match_as_fnmatch_does() -> None:
    import fnmatch
    import random

    from doctor.lean_imports import match_glob

    rng = random.Random(7)
    alphabet = "ab./*?[]!-"
    rules = ["", "*", "**", ".venv", "*.pyc", "gradlew*", "a*", "*a*", "a*b*", "*.egg-info", "a*b", "[ab]", "[!a]*",
             "?", "a/b", "*/b", "*[", "a\\*"]
    rules += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(400)]
    texts = ["", "a", "b", "a.pyc", "x/a.pyc", ".venv", "x.egg-info", "ab", "a/b", "a\\b", "[ab]", "*"]
    texts += ["".join(rng.choice("ab./-") for _ in range(rng.randint(0, 6))) for _ in range(200)]
    for rule in rules:
        for text in texts:
            assert match_glob(text, rule) == fnmatch.fnmatchcase(text, rule), (text, rule)
