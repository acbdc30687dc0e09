"""The checks a preflight shares with its helper process (doctor.forked) never reach a probe the run
started early: on every fixture, replay and example project, a shareable check (`project_only` or
`fork_safe`) runs on a fenced Host (Host.fence, as the helper's is) without meeting one; the checks
that wait on a probe do meet the fence; and a shared check that meets it in the helper is run by the run."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from doctor import forked
from doctor.engine import _run_one, load_registry
from doctor.host import Host
from doctor.host.engine import CONTAINER_LIST, IMAGE_LIST
from doctor.model import Check, Finding, StartedProbe, Status
from doctor.project import Project, ProjectOptions

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
CHECKS = load_registry().checks
SHARED = sorted(name for name, cls in CHECKS.items() if cls.project_only or cls.fork_safe)
PROJECTS = sorted([*(p for p in (TESTS / "cases").glob("*/*") if p.is_dir()),
                   *(p for p in (TESTS / "replay").iterdir() if p.is_dir()),
                   REPO / "examples" / "broken-stack", REPO / "examples" / "clean-stack"])


DEFAULT_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")


def _fenced(root: Path) -> tuple[Project, Host]:
    env = {**os.environ, "HOME": str(root / ".home-outside")}  # no user's own files in the verdict
    host = Host(env=env)
    host.fence()
    # a replay whose only compose file has another name (docker-compose.local.yml): that one
    named = () if any((root / name).is_file() for name in DEFAULT_NAMES) \
        else tuple(sorted(root.glob("*compose*.y*ml")))[:1]
    return Project(ProjectOptions(path=root, files=named, env=env)), host


def test_the_shared_checks_are_the_ones_that_wait_on_no_probe() -> None:
    assert {"host-gateway", "compose-config", "volume-shadowing"} <= set(SHARED)
    assert not [name for name in SHARED if CHECKS[name].prefetch]
    waiting = {name for name, cls in CHECKS.items() if cls.prefetch}
    assert waiting and not waiting & set(SHARED)


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: str(p.relative_to(REPO)))
def test_no_shared_check_reaches_a_probe_the_run_started(root: Path) -> None:
    project, host = _fenced(root)
    reached = []
    for name in SHARED:
        try:
            _run_one(CHECKS[name](), project, host)
        except StartedProbe as exc:
            reached.append((name, str(exc)))
    assert reached == []


@pytest.mark.parametrize(("name", "probe"), [
    ("path-gap", "shell"), ("port-collision", "ports"), ("root-owned-files", "owners"),
    ("image-availability", "/images/json"),
])
def test_a_check_that_waits_on_a_probe_meets_the_fence(name: str, probe: str) -> None:
    """What the test above would say of such a check, were it marked shareable."""
    project, host = _fenced(REPO / "examples" / "broken-stack")
    with pytest.raises(StartedProbe, match=probe):
        _run_one(CHECKS[name](), project, host)


@pytest.mark.parametrize("path", [CONTAINER_LIST, IMAGE_LIST])
def test_a_fenced_engine_leaves_the_lists_it_prefetches_to_the_run(path: str) -> None:
    host = Host(env={"DOCKER_HOST": "unix:///nonexistent/d.sock", "PATH": os.environ.get("PATH", "")})
    host.fence()
    with pytest.raises(StartedProbe):
        host.engine.get_json(path)
    with pytest.raises(StartedProbe):
        _ = host.compose_version


class _Where(Check):
    """reports the process it ran in"""

    id = "where"
    fork_safe = True
    pause = 0.0

    def run(self, project: object, host: Host) -> Iterator[Finding]:  # type: ignore[override]
        time.sleep(self.pause)
        yield self.finding(f"{self.id} ran in {os.getpid()}", None, self.id)


class _Busy(_Where):
    """the run's own check, long enough that the helper takes every shared one"""

    id = "busy"
    fork_safe = False
    pause = 0.4


class _Shell(_Where):
    """reads the login shell's PATH, which the run started"""

    id = "shell-reader"

    def run(self, project: object, host: Host) -> Iterator[Finding]:  # type: ignore[override]
        yield self.finding(f"{host.shell} seen", None, "shell")
        yield from super().run(project, host)


@pytest.mark.skipif(not forked.may_fork(os.environ | {"DOCTOR_JOBS": "2"}), reason="no helper process here")
def test_a_shared_check_that_reaches_a_probe_in_the_helper_is_run_by_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")
    host = Host(env={"DOCKER_HOST": "unix:///nonexistent/d.sock"})
    host.__dict__["shell"] = "the run's shell"  # what the run's prefetch left before the fork
    light = type("light", (_Where,), {"id": "light"})
    globals()["light"] = light  # the helper's results name it: importable (pickle)
    checks = [_Shell(), light(), _Busy()]
    results = forked.run(checks, lambda check: _run_one(check, None, host),  # type: ignore[arg-type]
                         weight=lambda check: 1.0 if check.id == "shell-reader" else 0.0, enter=host.fence)
    assert [r.check for r in results] == ["shell-reader", "light", "busy"]
    assert all(r.status is Status.FAILED for r in results)
    where = {r.check: int(r.findings[-1].message.rsplit(" ", 1)[1]) for r in results}
    assert where["light"] != os.getpid()  # the helper ran the one that reads no probe
    assert where["shell-reader"] == where["busy"] == os.getpid()
    assert results[0].findings[0].message == "the run's shell seen"
