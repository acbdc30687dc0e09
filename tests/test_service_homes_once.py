"""The service homes of a project are made once per project and package probe: host-vs-container asks,
then path-gap once per command PATH lacks (each ask made them anew: 10-25 ms a time on redash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.host import Host
from doctor.project import Project, ProjectOptions, service_home

REPLAY = Path(__file__).resolve().parent / "replay"


@pytest.mark.parametrize("name", ["redash", "open-prices"])
def test_service_homes_are_made_once_per_project_and_probe(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = service_home._service_homes

    def counted(project: Project, shell: object) -> tuple[service_home.ServiceHome, ...]:
        made.append(project.root.name)
        return real(project, shell)  # type: ignore[arg-type]

    monkeypatch.setattr(service_home, "_service_homes", counted)
    host = Host(env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    project = Project(ProjectOptions(path=REPLAY / name, env=host.env))
    first = service_home.service_homes(project, host.packages)
    assert first  # a project whose images install what the host lacks
    assert service_home.service_homes(project, host.packages) is first
    assert made == [name]
    again = Project(ProjectOptions(path=REPLAY / name, env=host.env))  # the fixer's next round: a new Project
    assert service_home.service_homes(again, host.packages) == first
    other = Host(env=host.env)
    assert service_home.service_homes(again, other.packages) == first
    assert made == [name] * 3
