"""port-collision on host ranges: `1-65535:1-65535` costs a socket-table read, not 131,070 binds, and
its findings fold per owner into a bounded report (issue 10). Counts, never wall time."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.live import TABLE_FROM
from doctor.checks.port_collision.ranges import MAX_OWNERS, Published, fold, runs, shown_runs

from doctor.host import Host
from doctor.model import Finding, Fix, Safety, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.types import PortMapping

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def findings(root: Path, ports: str) -> tuple[list[Finding], Host]:
    (root / "compose.yaml").write_text(f'services:\n  web:\n    image: busybox\n    ports: ["{ports}"]\n')
    env = {**NO_ENGINE, "HOME": str(root)}
    host = Host(env=env)
    project = Project(ProjectOptions(path=root, env=env))
    return list(PortCollision().run(project, host)), host


@pytest.fixture
def held_run() -> Iterator[tuple[int, int]]:
    """Three contiguous tcp ports below the ephemeral range, held (listening) by this process."""
    for first in range(21000, 31000, 7):
        socks: list[socket.socket] = []
        try:
            for port in range(first, first + 3):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("0.0.0.0", port))
                sock.listen(1)
        except OSError:
            for sock in socks:
                sock.close()
            continue
        try:
            yield first, first + 2
        finally:
            for sock in socks:
                sock.close()
        return
    pytest.skip("no three contiguous free ports")


def test_every_port_of_the_machine_is_a_bounded_report_from_a_few_probes(tmp_path: Path) -> None:
    found, host = findings(tmp_path, "1-65535:1-65535")
    busy = host.ports.busy_ports("tcp")
    assert busy is not None, "the socket table is hidden here: every port would be probed"
    # one probe per address family of each busy port, never one per published port
    assert host.ports.probes <= 2 * len(busy) + 2
    assert len(found) <= MAX_OWNERS + 2  # the owners, one line counting the rest, the engine note
    assert all(len(f.message) < 400 for f in found)
    span = host.ports.ephemeral_range
    if span is not None:
        ephemeral = [f for f in found if "ephemeral range" in f.message]
        assert len(ephemeral) == 1 and ephemeral[0].severity is Severity.INFO
        assert " host ports of 'web' (0.0.0.0/tcp: " in ephemeral[0].message


def test_busy_ports_of_one_owner_fold_into_one_finding(tmp_path: Path, held_run: tuple[int, int]) -> None:
    first, last = held_run
    found, host = findings(tmp_path, f"{first - 5}-{last + 5}:{first - 5}-{last + 5}")
    ours = [f for f in found if f"pid {os.getpid()} " in f.message]
    assert [(f.severity, f.message.partition(" are held by ")[0], f.subject) for f in ours] == [
        (Severity.ERROR, f"3 host ports of 'web' (0.0.0.0/tcp: {first}-{last})",
         f"port:0.0.0.0:{first}-{last}/tcp")]
    # a range is never moved one port at a time (that would write every port of it into the override): the
    # whole entry moves, one line, its container side kept (checks/port_collision/range_move.py)
    fix = ours[0].fix
    assert fix is not None and len(fix.edits) == 1, fix
    assert fix.title.startswith(f"move 'web' from host ports {first - 5}-{last + 5} to "), fix.title
    entries = [line.strip() for line in str(fix.edits[0].new).splitlines() if line.strip().startswith("- ")]
    assert len(entries) == 1 and entries[0].endswith(f':{first - 5}-{last + 5}"'), entries
    # few ports: a bind each (microseconds) answers without reading the socket table (tens of ms)
    assert (last + 5) - (first - 5) + 1 <= TABLE_FROM
    # and the move's new run, each of its ports bound once per family (the first free run above: no retry here)
    assert host.ports.probes <= 2 * 2 * ((last + 5) - (first - 5) + 1)


def test_one_busy_port_of_a_range_keeps_the_single_port_message(tmp_path: Path, held_run: tuple[int, int]) -> None:
    first, _ = held_run
    found, _ = findings(tmp_path, f"{first - 3}-{first}:{first - 3}-{first}")
    ours = [f for f in found if f"pid {os.getpid()} " in f.message]
    assert len(ours) == 1 and ours[0].message.startswith(f"0.0.0.0:{first}/tcp ('web') is held by pid {os.getpid()} ")
    assert ours[0].subject == f"port:0.0.0.0:{first}/tcp"


def test_runs_are_shown_short() -> None:
    assert runs([1, 2, 3, 7, 9, 10]) == [(1, 3), (7, 7), (9, 10)]
    assert shown_runs(runs([1, 2, 3])) == "1-3"
    assert shown_runs(runs([1, 2, 7])) == "1-2 and 7"
    assert shown_runs(runs([1, 2, 7, 9, 20, 21])) == "1-2, 7 and 2 more ranges"
    assert shown_runs(runs([1, 3, 5])) == "1, 3 and 1 more range"


def test_owners_past_the_cap_are_counted_in_one_line() -> None:
    mappings = [PortMapping(p, str(p), raw="20000-20099:20000-20099") for p in range(20000, 20100)]
    group = Published("web", "", "tcp", [m.target for m in mappings], mappings)
    check = PortCollision()
    owners = {}
    for k in range(15):  # fifteen owners of two ports each; the last five hold errors
        first = group.target(2 * k)
        severity = Severity.ERROR if k >= 10 else Severity.INFO
        owners[("pid", k)] = (check.finding(f"{first.socket} ('web') is held by pid {k} 'x' (x)", None,
                                            f"port:{first.socket}", Fix("stop it", Safety.ADVICE), severity),
                              [2 * k + 20000, 2 * k + 20001])
    folded = fold(check, group, owners)
    assert len(folded) == MAX_OWNERS + 1
    assert [f.severity for f in folded[:5]] == [Severity.ERROR] * 5  # the worst are shown first
    assert folded[0].message == "2 host ports of 'web' (0.0.0.0/tcp: 20020-20021) are held by pid 10 'x' (x)"
    assert (folded[-1].severity, folded[-1].message) == (
        Severity.INFO, "10 more host ports of 'web' (0.0.0.0/tcp) are held by 5 more owners")


def test_the_port_map_shows_a_range_entry_as_runs(tmp_path: Path, held_run: tuple[int, int]) -> None:
    """`doctor ports` on a range: one line per run of ports with one holder, not one per port."""
    import io

    from doctor.portmap import PortsOptions, ports

    first, last = held_run
    (tmp_path / "compose.yaml").write_text(f'services:\n  web:\n    image: busybox\n    ports: '
                                           f'["{first - 100}-{last + 100}:{first - 100}-{last + 100}"]\n')
    out = io.StringIO()
    assert ports(PortsOptions(tmp_path, env={**NO_ENGINE, "HOME": str(tmp_path)}), out) == 1
    rows = [line.split() for line in out.getvalue().splitlines() if "/tcp -> web:" in line]
    ours = [row for row in rows if row[0] == f"{first}-{last}/tcp"]
    assert [row[:6] for row in ours] == [[f"{first}-{last}/tcp", "->", f"web:{first}-{last}", "held", "by", "pid"]]
    # the free ports around it fold too (other tests may hold a port or two of the window meanwhile)
    assert len(rows) <= 3 + 2 * len(Host(env=NO_ENGINE).ports.busy_ports("tcp") or ())
