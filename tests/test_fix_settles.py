"""One `doctor fix` run settles, and touches no byte it does not mean to.

The port cases hold real ports with sockets of this test (chosen free at run time) and run the
real port-collision check: a clash inside the project and a process on the same port were one
fingerprint, so the fixer moved one service per run. Each case runs fix twice: the second run
finds nothing and changes no byte.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.fix import port_fix
from doctor.checks.port_collision.free_port import taken_ports
from doctor.checks.service_name_drift import ServiceNameDrift
from portprobe import bindable
from test_portfix import host_with, project_env, tree

from doctor.engine import Registry
from doctor.fix_report import FixReport, FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.project import Project, ProjectOptions


def free_block(size: int) -> int:
    """The first port of `size` consecutive ports that bind now, below the ephemeral range."""
    for base in range(21000, 32000, size + 7):
        if all(bindable(port) for port in range(base, base + size)):
            return base
    pytest.skip("no block of free ports below 32000")



@pytest.fixture
def hold() -> Iterator[Any]:
    held: list[socket.socket] = []

    def holder(port: int) -> None:
        sock = socket.socket()
        sock.bind(("0.0.0.0", port))
        sock.listen()
        held.append(sock)

    yield holder
    for sock in held:
        sock.close()


def run_fix(root: Path, tmp_path: Path, registry: Registry, families: str) -> FixReport:
    env = {**project_env(tmp_path), "COMPOSE_PROJECT_NAME": f"doctor-test-{tmp_path.name[-8:].lower()}"}
    options = FixOptions(ProjectOptions(path=root, env=env), families=frozenset({families}), yes=True, env=env)
    return fix(options, registry)


def settles(root: Path, tmp_path: Path, registry: Registry, families: str) -> FixReport:
    """The first run's report, after asserting that every fix applied and was verified, and that a
    second run finds nothing to fix and changes no byte."""
    report = run_fix(root, tmp_path, registry, families)
    assert report.results and all(r.status is FixStatus.APPLIED and r.fixed for r in report.results), (
        render_fix_report(report))
    after = tree(root)
    again = run_fix(root, tmp_path, registry, families)
    assert not [r for r in again.results if r.status is FixStatus.APPLIED], render_fix_report(again)
    assert tree(root) == after
    return report


PORTS = Registry({"port-collision": PortCollision})


def test_a_port_of_a_service_of_an_inactive_profile_is_never_chosen(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text('services:\n  web:\n    image: busybox\n    ports: ["21000:80"]\n'
                                       '  api:\n    image: busybox\n    profiles: [extra]\n    ports: ["21001:90"]\n')
    project = Project(ProjectOptions(path=root, env=project_env(tmp_path)))
    host = host_with({21000})
    assert (21001, "tcp") in taken_ports(project, host)
    moved = port_fix(project, host, "web", project.services["web"].ports[0], compose_version=(2, 40, 3))
    assert moved is not None and getattr(moved, "new", None) == 21002


def test_a_held_port_two_services_share_through_an_anchor_moves_both_in_one_run(tmp_path: Path, hold: Any) -> None:
    port = free_block(4)
    hold(port)
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n  web2:\n    image: busybox\n")
    (root / "compose.override.yaml").write_text(
        f'x-ports: &p\n  - "{port}:80"\nservices:\n  web:\n    ports: *p\n  web2:\n    ports: *p\n')
    settles(root, tmp_path, PORTS, "ports")
    project = Project(ProjectOptions(path=root, env=project_env(tmp_path)))
    published = {name: [m.published for m in svc.ports] for name, svc in project.services.items()}
    # each service gets its own `ports: !override` list, on its own free port (the shared anchor
    # would have put both on one new port: a clash again)
    assert published["web"] != published["web2"] and str(port) not in published["web"] + published["web2"]
    assert (root / "compose.override.yaml").read_text().startswith(f'x-ports: &p\n  - "{port}:80"\n')


def test_two_moves_in_one_override_keep_every_comment_bom_and_long_entry(tmp_path: Path, hold: Any) -> None:
    port = free_block(8)
    for busy in (port, port + 4, port + 6):
        hold(busy)
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  a:\n    image: busybox\n  b:\n    image: busybox\n"
                                       "  c:\n    image: busybox\n")
    before = (f'\ufeffservices:\n  a:\n    ports:\n      - "{port}:8025"  # mail ui\n'
              f"  b:\n    ports:\n      - target: 9323\n        published: {port + 4}\n"
              f"        protocol: tcp   # long\n      - target: 443\n        published: \"{port + 5}\"\n"
              f'  c:\n    environment: {{A: "1"}}  # flow\n    ports: ["{port + 6}:90"]  # flow\n')
    (root / "compose.override.yaml").write_bytes(before.encode())
    report = settles(root, tmp_path, PORTS, "ports")
    assert len(report.results) == 3
    after = (root / "compose.override.yaml").read_bytes().decode()
    changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines(), strict=True) if old != new]
    # compose.yaml gives a, b and c no ports: the override's lists are rewritten untagged (no `!override`:
    # nothing to append to; tests/test_portfix_override_tag.py), each entry in place
    assert [old for old, _ in changed] == [f'      - "{port}:8025"  # mail ui', f"        published: {port + 4}",
                                           f'    ports: ["{port + 6}:90"]  # flow']
    assert changed[0][1].endswith('  # mail ui') and changed[1][1].startswith("        published: ")
    assert changed[2][1].startswith("    ports: [") and changed[2][1].endswith("]  # flow")
    assert after.startswith("\ufeff")


DRIFT = Registry({"service-name-drift": ServiceNameDrift})
COMPOSE = "services:\n  db:\n    image: postgres\n  app:\n    image: busybox\n    environment:\n" \
          "      DB_HOSTS: ${DB_HOSTS}\n      PG_HOSTS: \"postgresserver:5432 postgresserver2:5433\"\n"


@pytest.mark.parametrize(("value", "expected"), [
    ("postgresserver,postgresserver2", "db"),
    ("db,postgresserver", "db"),
    ("postgresserver, postgresserver2,db", "db"),
])
def test_every_host_of_a_list_is_fixed_in_one_run_and_never_written_twice(
        tmp_path: Path, value: str, expected: str) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env").write_text(f"# hosts\nDB_HOSTS={value}  # the replicas\n")
    report = settles(root, tmp_path, DRIFT, "env")
    assert (root / ".env").read_text() == f"# hosts\nDB_HOSTS={expected}  # the replicas\n"
    titles = " / ".join(r.title for r in report.results)
    assert "is in the list already" in titles  # the dropped host is named, never dropped silently
    # different ports are different entries: both kept, both replaced
    assert 'PG_HOSTS: "db:5432 db:5433"' in (root / "compose.yaml").read_text()


@pytest.mark.parametrize("explicit", [False, True])
def test_a_held_port_alternatives_share_moves_them_together_and_leaves_the_catalogue_alone(
        tmp_path: Path, hold: Any, explicit: bool) -> None:
    """laradock's shape: mailcatcher and mailhog both publish P, nginx and apache P+1, mysql and
    mariadb P+2, none starting another (a catalogue: started one at a time); a process holds P. The
    move took mailcatcher alone: mailhog kept P ("NOT fixed", a second run moved it), and the pair no
    longer clashing turned apache and mariadb from notes into moves. Now both alternatives move to
    one new port in one edit (of the dev override; with COMPOSE_FILE naming the one file, as laradock's
    .env does, no override is read: each mapping's own line), and the other pairs stay as they are."""
    port = free_block(8)
    hold(port)
    root = tmp_path / "p"
    root.mkdir()
    pairs = (("mailcatcher", "mailhog", port, 1080, 8025), ("nginx", "apache", port + 1, 80, 80),
             ("mysql", "mariadb", port + 2, 3306, 3306))
    (root / "compose.yaml").write_text("services:\n" + "".join(
        f"  {a}:\n    image: busybox\n    ports: ['{p}:{ta}']\n  {b}:\n    image: busybox\n    ports: ['{p}:{tb}']\n"
        for a, b, p, ta, tb in pairs))
    if explicit:
        (root / ".env").write_text("COMPOSE_FILE=compose.yaml\n")
    report = run_fix(root, tmp_path, PORTS, "ports")
    applied = [r for r in report.results if r.status is FixStatus.APPLIED]
    assert len(applied) == 1 and applied[0].fixed, render_fix_report(report)
    assert "move 'mailcatcher' and its alternative 'mailhog' from host port" in applied[0].title
    assert all(r.status is FixStatus.SKIPPED for r in report.results if r is not applied[0])  # notes, advice
    after = tree(root)
    again = run_fix(root, tmp_path, PORTS, "ports")
    assert not [r for r in again.results if r.status is FixStatus.APPLIED] and tree(root) == after
    assert (root / "compose.override.yaml").exists() is not explicit
    project = Project(ProjectOptions(path=root, env=project_env(tmp_path)))
    published = {name: [m.published for m in svc.ports] for name, svc in project.services.items()}
    assert published["mailcatcher"] == published["mailhog"] != [str(port)]
    assert published["apache"] == published["nginx"] == [str(port + 1)]
    assert published["mariadb"] == published["mysql"] == [str(port + 2)]


@pytest.mark.parametrize("line", ["WEB_PORT=", 'WEB_PORT=""'])
def test_an_empty_port_variable_under_a_colon_default_is_moved_on_its_env_line(tmp_path: Path, hold: Any,
                                                                              line: str) -> None:
    """frappe_docker's example.env ships `HTTP_PUBLISH_PORT=` under `${HTTP_PUBLISH_PORT:-8080}`: compose
    publishes the default, and the fix pinned a literal in a new override (`!override`), which left the
    author's variable dead; its own line is where the port is set."""
    port = free_block(3)
    hold(port)
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text(f'services:\n  web:\n    image: busybox\n    ports:\n'
                                       f'      - "${{WEB_PORT:-{port}}}:80"\n')
    (root / ".env").write_text(f"# the site's port, {port} when empty\n{line}\n")
    settles(root, tmp_path, PORTS, "ports")
    quote = '"' if line.endswith('""') else ""
    assert (root / ".env").read_text() == f"# the site's port, {port} when empty\nWEB_PORT={quote}{port + 1}{quote}\n"
    assert not (root / "compose.override.yaml").exists()


def test_three_services_merging_one_variable_port_settle_with_the_first_on_it(tmp_path: Path) -> None:
    """monica's laravel.queue and laravel.cron merge laravel.test (`<<: *app`) with `${APP_PORT:-80}:80`:
    moving APP_PORT moved all three (the clash with it, round after round, each called fixed); the
    services after the first now get ports of their own, the variable and .env left as they were."""
    port = free_block(4)
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text(
        f"services:\n  web: &app\n    image: busybox\n    ports:\n      - '${{APP_PORT:-{port}}}:80'\n"
        "  queue:\n    <<: *app\n    command: work\n  cron:\n    <<: *app\n    command: schedule\n")
    (root / ".env").write_text(f"APP_PORT={port}\n")
    settles(root, tmp_path, PORTS, "ports")
    assert (root / ".env").read_text() == f"APP_PORT={port}\n"
    project = Project(ProjectOptions(path=root, env=project_env(tmp_path)))
    published = {name: [m.published for m in svc.ports] for name, svc in project.services.items()}
    assert published["web"] == [str(port)] and len({p for ports in published.values() for p in ports}) == 3


def test_a_move_names_the_override_as_it_opens_from_where_doctor_runs(tmp_path: Path) -> None:
    """`doctor preflight why1` from the folder above: the title named `docker-compose.override.yml`,
    which is not there from that folder; the console names files from where doctor runs."""
    root = tmp_path / "why1"
    root.mkdir()
    (root / "docker-compose.yml").write_text('services:\n  result:\n    image: busybox\n    ports: ["21700:80"]\n')
    project = Project(ProjectOptions(path=root, cwd=tmp_path, env=project_env(tmp_path)))
    moved = port_fix(project, host_with({21700}), "result", project.services["result"].ports[0],
                     compose_version=(2, 40, 3))
    assert moved is not None and "(why1/docker-compose.override.yml ports !override)" in moved.title, moved.title
