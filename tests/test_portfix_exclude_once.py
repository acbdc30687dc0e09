"""`fix --ports` says to keep a new override out of commits once per file, not once per moved port.

awesome-compose's elasticsearch-logstash-kibana in a git checkout, with 9200, 9600 and 5601 held: the three
moves write one new compose.override.yaml, and each said "(then, by hand: add compose.override.yaml to
.git/info/exclude: ...)", three times in `doctor fix --ports` and preflight. The first move into the file
says it (and says it again when asked again); the others do not.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.checks.port_collision.fix import PortMove, port_fix
from test_portfix import host_with, project_env

from doctor.project import Project, ProjectOptions

ELK = Path(__file__).parent / "replay" / "awesome-compose-elasticsearch-logstash-kibana"
NOTE = "add compose.override.yaml to .git/info/exclude: this port is this machine's, keep it out of commits"


def _checkout(tmp_path: Path) -> Path:
    root = tmp_path / "elk"
    shutil.copytree(ELK, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _moves(project: Project, busy: set[int]) -> list[PortMove]:
    host = host_with(busy)
    moves = []
    for service, port in (("elasticsearch", 9200), ("logstash", 9600), ("kibana", 5601)):
        mapping = next(p for p in project.services[service].ports if p.published == str(port))
        move = port_fix(project, host, service, mapping, compose_version=(2, 40, 3))
        assert isinstance(move, PortMove) and move.new == port + 1, move
        moves.append(move)
    return moves


def test_three_moves_into_one_new_override_name_it_once(tmp_path: Path) -> None:
    project = Project(ProjectOptions(path=_checkout(tmp_path), env=project_env(tmp_path)))
    moves = _moves(project, {9200, 9600, 5601})
    assert [NOTE in m.title for m in moves] == [True, False, False], [m.title for m in moves]
    assert all(e.path.name == "compose.override.yaml" for m in moves for e in m.edits)
    # the move that named it, asked again (preflight's finding, then the fixer), names it again
    mapping = next(p for p in project.services["elasticsearch"].ports if p.published == "9200")
    again = port_fix(project, host_with({9200, 9600, 5601}), "elasticsearch", mapping, compose_version=(2, 40, 3))
    assert isinstance(again, PortMove) and NOTE in again.title, again.title


def test_each_project_load_names_it_once_again(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    for _ in range(2):  # a second run (a new load of the project) is told as the first was
        project = Project(ProjectOptions(path=root, env=project_env(tmp_path)))
        assert [NOTE in m.title for m in _moves(project, {9200, 9600, 5601})] == [True, False, False]
