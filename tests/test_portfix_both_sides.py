"""`fix --ports` on a mapping whose one variable is written on both sides.

DefectDojo's dev override publishes postgres as `target: ${DD_DATABASE_PORT:-5432}` / `published:
${DD_DATABASE_PORT:-5432}`. With 5432 held, `doctor fix --ports` wrote `DD_DATABASE_PORT=5433` to `.env`,
which moved the container side too (postgres still listens on 5432 inside), called it "verified
fixed", and the next preflight found leaked-host-port's "'db' publishes container port 5433 ...
listens on 5432". The host side moves alone: the mapping is written with literals (`target: 5432`,
`published: 5433`), in the dev override or on its own lines, and the variable is left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort
from doctor.checks.port_collision.fix import PortMove, port_fix
from test_portfix import BusyPorts, FakeHost, FakePorts, host_with, load, only_mapping, project_env

import doctor.host
from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.project import Project, ProjectOptions

LONG = "      - target: ${DB_PORT:-5432}\n        published: ${DB_PORT:-5432}\n"
SHORT = "      - \"${DB_PORT:-5432}:${DB_PORT:-5432}\"  # postgres\n"


def compose(ports: str) -> str:
    return ("services:\n  db:\n    image: postgres:16-alpine\n    ports:\n" + ports +
            "  app:\n    image: python:3.12-slim\n    environment:\n"
            "      DATABASE_URL: postgresql://app@db:${DB_PORT:-5432}/app\n")


@pytest.mark.parametrize("ports", [LONG, SHORT], ids=["long", "short"])
@pytest.mark.parametrize("explicit", [False, True], ids=["override", "own-lines"])
def test_the_container_port_stays_and_one_run_settles_it(tmp_path: Path, monkeypatch: Any, ports: str,
                                                         explicit: bool) -> None:
    root = load(tmp_path, compose(ports)).root
    monkeypatch.setattr(doctor.host, "Host", FakeHost)
    monkeypatch.setattr(FakeHost, "ports_for_run", FakePorts({5432}))
    monkeypatch.setattr("doctor.checks.port_collision.fix.compose_config", lambda project: None)
    env = project_env(tmp_path)
    # one -f file: no dev override is read, the mapping's own lines are rewritten
    files = (root / "compose.yaml",) if explicit else ()
    options = FixOptions(ProjectOptions(path=root, files=files, env=env), env=env)
    report = fix(options, Registry({"port-collision": BusyPorts}))
    assert [r.status for r in report.results] == [FixStatus.APPLIED], render_fix_report(report)
    assert report.results[0].fixed, render_fix_report(report)
    assert not (root / ".env").exists()  # DB_PORT=5433 would move postgres's container port too
    assert (root / "compose.override.yaml").exists() is not explicit
    moved = Project(options.project)
    assert [(p.target, p.published) for p in moved.services["db"].ports] == [(5432, "5433")]
    # the app still dials db:5432, and leaked-host-port finds no mapping reaching a deaf port
    assert moved.services["app"].environment["DATABASE_URL"].value == "postgresql://app@db:5432/app"
    assert list(LeakedHostPort().run(moved, FakeHost())) == []
    assert fix(options, Registry({"port-collision": BusyPorts})).results == ()


def test_the_title_says_the_container_port_is_kept(tmp_path: Path) -> None:
    project = load(tmp_path, compose(LONG))
    move = port_fix(project, host_with({5432}), "db", only_mapping(project, "db"), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 5433 and move.target == 5432
    assert [e.path.name for e in move.edits] == ["compose.override.yaml"]
    assert "container port 5432 kept, not ${DB_PORT}, which would move it too" in move.title, move.title
    assert "- target: 5432\n        published: \"5433\"\n" in move.edits[0].new


def test_the_own_lines_keep_their_comments_and_a_tcp_udp_pair_moves_together(tmp_path: Path) -> None:
    ports = SHORT + ("      - target: ${DB_PORT:-5432}  # same\n        published: ${DB_PORT:-5432}\n"
                     "        protocol: udp\n")
    project = load(tmp_path, compose(ports))
    options = ProjectOptions(path=project.root, files=(project.root / "compose.yaml",), env=project_env(tmp_path))
    project = Project(options)
    udp = next(p for p in project.services["db"].ports if p.protocol == "udp")
    move = port_fix(project, host_with({5432}), "db", udp, compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and "tcp and udp together" in move.title
    assert [(e.line, e.new) for e in move.edits] == [(6, "      - target: 5432  # same"),
                                                     (7, "        published: 5433"),
                                                     (5, '      - "5433:5432"  # postgres')]
