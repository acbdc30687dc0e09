"""`fix --ports` on a long-syntax entry whose published port is a variable.

DefectDojo's docker-compose.yml publishes nginx as
`- target: 8080` / `published: ${DD_PORT:-8080}` / `protocol: tcp` / `mode: host`. With 8080 held,
`doctor fix --ports --yes` wrote `DD_PORT=8081` to `.env` (right: compose then publishes 8081) but
said `(.env DD_PORT; the container side too: both sides are ${DD_PORT})` and then
`NOT fixed: 'nginx' does not publish 8081 after the fix`, exit 1: a long entry's raw text is its
`published:` value alone, which was read as a short spec's container side, so the target was
taken to move to 8081 too and the verify looked for a container port 8081.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from doctor.checks.port_collision.compose_file import port_specs
from doctor.checks.port_collision.fix import PortMove, port_fix, verify_port_move
from test_portfix import BusyPorts, FakeHost, FakePorts, host_with, load, only_mapping, project_env

import doctor.host
from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.project import Project, ProjectOptions

DEFECTDOJO_NGINX = ("services:\n  nginx:\n    image: nginx\n    ports:\n"
                    "      - target: 8080\n        published: ${DD_PORT:-8080}\n        protocol: tcp\n"
                    "        mode: host\n"
                    "      - target: 8443\n        published: ${DD_TLS_PORT:-8443}\n        protocol: tcp\n"
                    "        mode: host\n")


def test_a_long_entrys_variable_moves_the_host_side_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = load(tmp_path, DEFECTDOJO_NGINX)
    mapping = only_mapping(project, "nginx")
    move = port_fix(project, host_with({8080}), "nginx", mapping, compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8081
    assert move.target == 8080
    assert move.title == "move 'nginx' from host port 8080 to 8081 (.env DD_PORT)", move.title
    assert [(e.path.name, e.new) for e in move.edits] == [(".env", "DD_PORT=8081\n")]
    monkeypatch.setattr("doctor.checks.port_collision.fix.compose_config", lambda project: None)
    (tmp_path / "p" / ".env").write_text("DD_PORT=8081\n")
    assert verify_port_move(Project(project.options), move) == ""


def test_a_long_entry_with_the_variable_as_its_target_too_keeps_the_target(tmp_path: Path) -> None:
    # the long form of '${JVB_PORT:-10000}:${JVB_PORT:-10000}/udp' (tests/test_portfix_both_sides.py)
    compose = ("services:\n  jvb:\n    image: jvb\n    ports:\n"
               "      - target: ${JVB_PORT:-10000}\n        published: ${JVB_PORT:-10000}\n        protocol: udp\n")
    project = load(tmp_path, compose)
    move = port_fix(project, host_with({10000}), "jvb", only_mapping(project, "jvb"), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.target == 10000 and move.new == 10001
    assert "container port 10000 kept, not ${JVB_PORT}" in move.title
    assert [e.path.name for e in move.edits] == ["compose.override.yaml"]


def test_port_specs_keep_a_long_entry_with_a_variable_long(tmp_path: Path) -> None:
    # a `published: ${DD_TLS_PORT:-8443}` has a `:` inside `${...}`: it was taken for a short spec and
    # written back into the override as the string "${DD_TLS_PORT:-8443}" (a container port 8443 alone)
    compose = DEFECTDOJO_NGINX.replace("${DD_PORT:-8080}", "8080")
    project = load(tmp_path, compose)
    svc = project.services["nginx"]
    moved = next(p for p in svc.ports if p.target == 8080)
    assert port_specs(svc, moved, 8081) == [  # the author's `protocol: tcp` kept, in the author's order
        {"target": 8080, "published": "8081", "protocol": "tcp", "mode": "host"},
        {"target": 8443, "published": "${DD_TLS_PORT:-8443}", "protocol": "tcp", "mode": "host"}]
    assert [list(spec) for spec in port_specs(svc, moved, 8081) if isinstance(spec, dict)] == [
        ["target", "published", "protocol", "mode"]] * 2


def test_the_fixer_calls_the_defectdojo_move_fixed(tmp_path: Path, monkeypatch: Any) -> None:
    """End to end: the move is applied, verified (by `docker compose config` too where it is
    installed) and called fixed; a second run has nothing to fix."""
    root = load(tmp_path, DEFECTDOJO_NGINX).root
    monkeypatch.setattr(doctor.host, "Host", FakeHost)
    monkeypatch.setattr(FakeHost, "ports_for_run", FakePorts({8080}))
    env = {**project_env(tmp_path), "PATH": "/usr/local/bin:/usr/bin:/bin"}
    options = FixOptions(ProjectOptions(path=root, env=env), env=env)
    report = fix(options, Registry({"port-collision": BusyPorts}))
    assert [r.status for r in report.results] == [FixStatus.APPLIED], render_fix_report(report)
    assert report.results[0].fixed, render_fix_report(report)
    assert (root / ".env").read_text() == "DD_PORT=8081\n"
    assert fix(options, Registry({"port-collision": BusyPorts})).results == ()
