"""`doctor why` on a `depends_on` chain thousands of services long: the right service, in linear time.

A generated compose file (a service per shard, each `depends_on: sN+1: condition: service_healthy`), its `up` piped in
after `s1500`'s healthcheck failed: why took 103 s for 3,000 services (started_before, from each service not started,
read the chain below it again, and its own `not in` a list read its queue again: cubic) before it said `s1500`. The
services that depend on a failed one are now found in one walk back from it (project.types.nearest_of); the answer
is the same. The count of service lookups is what is measured, not time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from why_run import run_why

from doctor.project import Project, ProjectOptions
from doctor.project.types import Service, nearest_of, started_before
from doctor.why.from_text import _rest_of_text
from doctor.why.waits import with_waits

LENGTH, BAD = 3000, 1500


def _chain(root: Path) -> Path:
    lines = ["services:"]
    for i in range(LENGTH):
        lines += [f"  s{i}:", "    image: busybox", "    healthcheck:", "      test: [CMD, 'true']"]
        if i < LENGTH - 1:
            lines += ["    depends_on:", f"      s{i + 1}:", "        condition: service_healthy"]
    root.mkdir(exist_ok=True)
    (root / "compose.yaml").write_text("\n".join(lines) + "\n")
    return root


def _up_text() -> str:
    out = [f" Container chain-s{i}-1  Created" for i in range(LENGTH)]
    for i in range(LENGTH - 1, BAD - 1, -1):
        out += [f" Container chain-s{i}-1  Starting", f" Container chain-s{i}-1  Started"]
        out += [f" Container chain-s{i}-1  Healthy"] if i != BAD else []
    return "\n".join([*out, f"dependency failed to start: container chain-s{BAD}-1 is unhealthy"]) + "\n"


class _Counted(Mapping[str, Service]):
    """The project's services, counting each lookup of one (get, [], iteration)."""

    def __init__(self, services: Mapping[str, Service]) -> None:
        self.services, self.reads = services, 0

    def __getitem__(self, name: str) -> Service:
        self.reads += 1
        return self.services[name]

    def __iter__(self) -> Iterator[str]:
        self.reads += len(self.services)
        return iter(self.services)

    def __len__(self) -> int:
        return len(self.services)


def test_the_services_below_a_failed_one_are_found_in_linear_work(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(ProjectOptions(path=_chain(tmp_path / "chain"), env={"PATH": "/usr/bin:/bin"}))
    counted = _Counted(project.services)
    monkeypatch.setattr(Project, "services", property(lambda self: counted))
    failed = (f"s{BAD}",)
    rest = _rest_of_text(project, _up_text(), {}, failed, set(failed), None)
    shown = {d.service: d for d in with_waits(project, rest)}
    assert counted.reads < 20 * LENGTH, counted.reads  # 3,000 services: millions of lookups before
    assert shown["s0"].text_state == f"not started: it depends on 's{BAD}', which failed"
    assert shown[f"s{BAD - 1}"].waits[0].service == f"s{BAD}"
    assert shown["s0"].waits[0].service == "s1" and shown["s0"].waits[0].condition == "service_healthy"
    assert f"s{BAD + 1}" not in shown or not shown[f"s{BAD + 1}"].stopped_at


def test_the_nearest_failed_service_is_the_same_as_a_walk_from_each() -> None:
    def service(name: str, *deps: str) -> Service:
        return Service(name=name, location=None, depends_on=deps)

    services = {s.name: s for s in (service("web", "api", "cache"), service("api", "db"), service("cache"),
                                    service("db"), service("worker", "db", "cache"), service("lone"))}
    assert nearest_of(services, ["db", "cache"]) == {"web": "cache", "api": "db", "worker": "cache"}
    for name in services:  # the first failed one of a breadth-first walk by name from each, where it is nearest
        walked = next((d for d in started_before(services, name, by_name=True) if d in ("db", "cache")), None)
        assert nearest_of(services, ["db", "cache"]).get(name) == walked


def test_why_names_the_unhealthy_service_of_a_long_chain(tmp_path: Path) -> None:
    root = _chain(tmp_path / "chain")
    done = run_why(root, _up_text(), "-p", "chain", ".")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"✗ s{BAD}  " in done.stdout and done.stdout.count("✗ ") == 1, done.stdout[-2000:]
    assert f"- s0     not started: it depends on 's{BAD}', which failed" in done.stdout
    last = f"1 of {LENGTH} services failed · 0 explained by a finding ({BAD} not started)"
    assert done.stdout.rstrip().endswith(last), done.stdout[-300:]
