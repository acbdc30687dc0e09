"""Host port 0 is ephemeral, as a container port alone is: the engine picks a free port for each.

Buuntu/fastapi-react's stack, its fixed host ports swapped for `"0:80"`, `"0:6379"`, `"0:5555"` (so that a
second copy runs beside the first): `up` started redis with its port 0 and failed only on postgres's held
port, yet preflight and `doctor why` said "0.0.0.0:0/tcp is published by 'nginx', 'redis' and 'flower', all
started by 'docker compose up flower'" with the fix "move 'flower' from host port 0 to 8000", and `doctor
ports` listed three `0/tcp` as ports held.
"""

from __future__ import annotations

from pathlib import Path

from test_port_collision_static import findings, port, svc

from doctor.project import Project, ProjectOptions


def test_port_zero_publishes_no_port_to_clash_on() -> None:
    assert port("0").published_range is None
    assert port("8000").published_range == (8000, 8000)
    assert findings(svc("nginx", port("0", 80)), svc("redis", port("0", 6379)), svc("flower", port("0", 5555)),
                    svc("postgres", port("5432", 5432))) == []


def test_a_compose_file_of_zero_host_ports_has_none_to_judge(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  nginx:\n    image: nginx\n    ports:\n      - 0:80\n"
        "  redis:\n    image: redis\n    ports:\n      - '0:6379'\n"
        "  flower:\n    image: mher/flower\n    ports:\n      - target: 5555\n        published: '0'\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=tmp_path, env=env))
    ranges = [p.published_range for s in project.services.values() for p in s.ports]
    assert ranges == [None, None, None]
