"""A big `.env` costs preflight a pass over its keys, never a parse of each for each moved port.

A `.env` of 200,000 `API_KEY_i=<24 letters and digits>` lines (or `HOST_i=svc-i`, `PORT_i=80i`),
read by two services through `env_file:`, is 400,000 container values: port-collision's fix parsed
each with local_address's pattern (follow_edits, and each line again in host_follow_edits, whose
loop also resolved the file's path once a line), and service-name-drift parsed each for hosts
(value_refs); examples/clean-stack with it took ~22 s of CPU to preflight with its db port held.
Counted here: the values parsed stay those that can name a local host or a host, whatever the
number of keys, and the fix and findings are those of the small project.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from doctor.checks.port_collision import follow, host_follow
from doctor.checks.port_collision.fix import PortMove, port_fix
from doctor.checks.service_name_drift import ServiceNameDrift, refs
from portprobe import BusyHost

from doctor.host import Host
from doctor.project import Project, ProjectOptions

COMPOSE = ("services:\n  web:\n    image: python:3.13\n    command: python -m http.server 8000\n"
           "    ports:\n      - \"127.0.0.1:8000:8000\"\n    env_file: .env\n"
           "  worker:\n    image: busybox\n    env_file: .env\n  db:\n    image: postgres:17\n")
OWN = ("SITE_URL=http://localhost:8000\nDATABASE_URL=postgres://app:pw@dbx:5432/app\n"
       "REDIS_HOST=localhost\nREDIS_PORT=8000\n")


def _env(keys: int, secrets: bool) -> str:
    chance = random.Random(keys)
    alphabet = string.ascii_letters + string.digits
    if secrets:
        lines = [f"API_KEY_{i}={''.join(chance.choice(alphabet) for _ in range(24))}" for i in range(keys)]
    else:
        lines = [f"HOST_{i}=svc-{i}\nPORT_{i}=80{i}" for i in range(keys // 2)]
    return OWN + "\n".join(lines) + "\n"


def _project(root: Path, keys: int, secrets: bool) -> Project:
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env").write_text(_env(keys, secrets))
    return Project(ProjectOptions(path=root, env={"HOME": str(root / "home"), "PATH": "/usr/bin:/bin"}))


def _counted(monkeypatch: pytest.MonkeyPatch, project: Project) -> tuple[dict[str, int], PortMove, list[str]]:
    """What fixing web's held 8000 and service-name-drift cost, counted: the values and lines
    local_address's pattern was made for, those runs_it matched against what containers run (as
    own_port_notes does for each value of web, which listens on 8000 itself), and the values
    host_refs parsed."""
    counts = {"local_address": 0, "runs_it": 0, "host_refs": 0}

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(follow, "local_address", counting("local_address", follow.local_address))
    monkeypatch.setattr(host_follow, "local_address", counting("local_address", host_follow.local_address))
    monkeypatch.setattr(follow, "runs_it", counting("runs_it", follow.runs_it))
    monkeypatch.setattr(host_follow, "runs_it", counting("runs_it", host_follow.runs_it))
    monkeypatch.setattr(refs, "host_refs", counting("host_refs", refs.host_refs))
    move = port_fix(project, BusyHost({8000}), "web", project.services["web"].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove), move
    found = [f.message for f in ServiceNameDrift().run(project, Host(env={}))]
    monkeypatch.undo()  # the next project counted afresh
    return counts, move, found


@pytest.mark.parametrize("secrets", [True, False], ids=["api-keys", "hosts-and-ports"])
def test_ten_times_the_keys_parse_no_more_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 secrets: bool) -> None:
    small, small_move, small_found = _counted(monkeypatch, _project(tmp_path / "small", 300, secrets))
    big, big_move, big_found = _counted(monkeypatch, _project(tmp_path / "big", 3000, secrets))
    # the own keys' values, from two readers, and their few lines: not one per key of the .env
    assert 0 < small["local_address"] <= 24, small
    assert small["runs_it"] <= 24, small
    assert 0 < small["host_refs"] <= 24, small
    assert big == small, (small, big)
    # and the same fix and findings: SITE_URL follows, REDIS_PORT beside REDIS_HOST=localhost follows
    assert [(e.path.name, e.line, e.new) for e in big_move.edits] == \
        [(e.path.name, e.line, e.new) for e in small_move.edits]
    assert {(e.line, e.new) for e in big_move.edits if e.path.name == ".env"} >= \
        {(1, "SITE_URL=http://localhost:8001"), (4, "REDIS_PORT=8001")}, big_move.edits
    assert big_move.title == small_move.title
    assert big_found == small_found and any("dbx" in message for message in big_found), big_found
