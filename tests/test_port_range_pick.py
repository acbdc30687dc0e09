"""port-collision on a host range mapped onto one container port (`P-P+2:82`): the engine picks one port.

From Docker Engine 27.0 (moby PR #47871) it tries each port of the range until one binds; before it
(this machine's Debian docker.io 20.10) it skips only the ports docker allocated and takes the others
in turn, so a process outside docker on the port it picks stops `up` (moby issue #44136). The unit
tests stub the engine's release with a fake engine on both sides of 27.0; the docker-marked test
runs `up` on the real engine and holds doctor to what happens.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine
from test_port_collision_live import LISTENER, compose, project_name, run_check, run_doctor, write_project

from doctor.host.engine import EngineConnection
from doctor.host.engine_version import EngineRelease, moby_release
from doctor.model import Finding, Safety, Severity

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}


def free_run(length: int = 4) -> int:
    """The first of `length` contiguous tcp ports free on all interfaces, below the ephemeral range."""
    import random

    for _ in range(200):
        first = random.randint(20000, 31000)
        try:
            for port in range(first, first + length):
                for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
                    with socket.socket(family, socket.SOCK_STREAM) as probe:
                        if family == socket.AF_INET6:
                            probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                        probe.bind((address, port))
            return first
        except OSError:
            continue
    raise RuntimeError("no free run of ports")


def hold(port: int) -> subprocess.Popen[str]:
    """A python process listening on `port`, as a dev server left running would."""
    proc = subprocess.Popen([sys.executable, "-c", LISTENER, str(port)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


@pytest.fixture
def holders() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:  # our own children, by their pids
        proc.kill()
        proc.wait()


def range_project(root: Path, first: int, last: int, image: str = "doctor-busybox:test") -> Path:
    return write_project(root, f"services:\n  a:\n    image: {image}\n    command: [sleep, '3600']\n"
                               f"    ports: [\"{first}-{last}:82\"]\n")


def on_engine(short: Path, project: Path, info: dict[str, object], containers: list[object] | None = None
              ) -> list[Finding]:
    fake = FakeEngine(short / "e.sock", {"/info": info, "/containers/json": containers or []})
    try:
        return run_doctor(project, {"DOCKER_HOST": fake.url})
    finally:
        fake.close()


@pytest.mark.parametrize("version", ["20.10.24+dfsg1", "26.1.4"])
def test_before_27_the_first_port_held_by_a_process_fails_up(short_dir: Path, holders: list[subprocess.Popen[str]],
                                                             version: str) -> None:
    first = free_run()
    holders.append(hold(first))
    findings = on_engine(short_dir, range_project(short_dir / "p", first, first + 2), {"ServerVersion": version})
    pid = holders[0].pid
    found = [f for f in findings if f.subject == f"port:0.0.0.0:{first}/tcp"]
    assert len(found) == 1, findings
    assert found[0].severity is Severity.ERROR
    assert found[0].message.startswith(f"0.0.0.0:{first}/tcp ('a') is held by pid {pid} 'python")
    assert found[0].message.endswith(f": engine {version} (before 27.0) picks it first from {first}-{first + 2} "
                                     "and fails, never trying the next")
    assert found[0].fix is not None and found[0].fix.safety is Safety.ADVICE
    assert found[0].fix.title == f"publish 'a' on host ports {first + 1}-{first + 2} instead of {first}-{first + 2} " \
                                 "(held by no other process now)"


@pytest.mark.parametrize("info", [{"ServerVersion": "27.0.3"}, {"ServerVersion": "28.5.1"},
                                  # podman's API counts podman's releases: judged as before
                                  {"ServerVersion": "4.9.3", "BuildahVersion": "1.33.7"}])
def test_from_27_a_busy_port_of_the_range_is_skipped(short_dir: Path, holders: list[subprocess.Popen[str]],
                                                     info: dict[str, object]) -> None:
    first = free_run()
    holders.append(hold(first))
    findings = on_engine(short_dir, range_project(short_dir / "p", first, first + 2), info)
    assert [f for f in findings if f":{first}" in f.subject or str(first) in f.message] == []


def test_another_containers_port_is_skipped_before_27_and_the_next_one_is_picked(
        short_dir: Path, holders: list[subprocess.Popen[str]]) -> None:
    """The allocator knows docker's own allocations: a container's port is skipped, a process's is not."""
    first = free_run()
    holders.append(hold(first + 1))
    container = {"Id": "c0ffee" * 10, "Names": ["/other-web-1"], "State": "running",
                 "Labels": {"com.docker.compose.project": "other", "com.docker.compose.service": "web"},
                 "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": first, "Type": "tcp"}]}
    findings = on_engine(short_dir, range_project(short_dir / "p", first, first + 3),
                         {"ServerVersion": "26.0.0"}, [container])
    assert [(f.severity, f.subject) for f in findings if "before 27.0" in f.message] == [
        (Severity.ERROR, f"port:0.0.0.0:{first + 1}/tcp")]
    assert [f for f in findings if f.subject == f"port:0.0.0.0:{first}/tcp"] == []


def test_a_later_port_of_the_range_is_a_warning_folded_per_owner(short_dir: Path,
                                                                 holders: list[subprocess.Popen[str]]) -> None:
    first = free_run(6)
    holders += [hold(first + 2), hold(first + 4)]
    findings = on_engine(short_dir, range_project(short_dir / "p", first, first + 5), {"ServerVersion": "25.0.5"})
    said = [f for f in findings if "before 27.0" in f.message]
    assert [(f.severity, f.subject) for f in said] == [
        (Severity.WARNING, f"port:0.0.0.0:{first + 2}/tcp"), (Severity.WARNING, f"port:0.0.0.0:{first + 4}/tcp")]
    assert said[0].message.endswith(f": engine 25.0.5 (before 27.0) takes the ports of {first}-{first + 5} in turn, "
                                    "never skipping a busy one: a later `up` fails on it")
    assert said[0].fix is not None and said[0].fix.title.startswith(f"publish 'a' on host ports {first}-{first + 1} ")


@pytest.mark.parametrize("info", [{"ServerVersion": "20.10.24+dfsg1"}, {"ServerVersion": "27.0.3"},
                                  {"ServerVersion": "28.5.1"}, None])  # None: no engine answers
def test_every_port_held_by_a_process_is_an_error_on_any_engine(short_dir: Path, holders: list[subprocess.Popen[str]],
                                                                info: dict[str, object] | None) -> None:
    """No port of the range binds: 27.0's engine tries each and fails at the last, an older one at the first."""
    first = free_run()
    holders += [hold(first), hold(first + 1), hold(first + 2)]
    project = range_project(short_dir / "p", first, first + 2)
    findings = on_engine(short_dir, project, info) if info else run_check(project, NO_ENGINE).findings
    said = [f for f in findings if "every port" in f.message]
    assert [(f.severity, f.subject) for f in said] == [
        (Severity.ERROR, f"port:0.0.0.0:{first + i}/tcp") for i in range(3)], findings
    for proc, finding in zip(holders, said, strict=True):  # each holder named with its own port
        assert finding.message.startswith(f"0.0.0.0:{finding.subject.split(':')[2].split('/')[0]}/tcp ('a') is held "
                                          f"by pid {proc.pid} 'python"), finding.message
        assert finding.message.endswith(f": every port of {first}-{first + 2} is held, so `up` fails on any engine")
        assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
        assert finding.fix.title == "publish 'a' on a host port range nothing else holds"
    assert [f for f in findings if "27.0" in f.message] == []


def test_every_port_held_by_one_process_folds_into_one_error(short_dir: Path) -> None:
    first = free_run()
    listener = ("import socket, sys\nsocks = []\nfor p in sys.argv[1:]:\n    s = socket.socket()\n"
                "    s.bind(('0.0.0.0', int(p)))\n    s.listen()\n    socks.append(s)\nprint('ready', flush=True)\n"
                "sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", listener, *(str(first + i) for i in range(3))],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        findings = on_engine(short_dir, range_project(short_dir / "p", first, first + 2), {"ServerVersion": "28.5.1"})
    finally:
        proc.kill()
        proc.wait()
    (said,) = [f for f in findings if "every port" in f.message]
    assert said.severity is Severity.ERROR
    assert said.message.startswith(f"3 host ports of 'a' (0.0.0.0/tcp: {first}-{first + 2}) are held by pid "
                                   f"{proc.pid} 'python"), said.message
    assert said.fix is not None
    assert said.fix.title == f"publish 'a' on a host port range that avoids {first}-{first + 2}"


def test_the_ports_other_projects_containers_hold_count_as_held_and_this_projects_do_not(
        short_dir: Path, holders: list[subprocess.Popen[str]]) -> None:
    first = free_run()
    holders += [hold(first + 1), hold(first + 2)]

    def container(project: str) -> dict[str, object]:
        return {"Id": "c0ffee" * 10, "Names": [f"/{project}-web-1"], "State": "running",
                "Labels": {"com.docker.compose.project": project, "com.docker.compose.service": "web"},
                "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": first, "Type": "tcp"}]}

    folder = range_project(short_dir / "p", first, first + 2)
    findings = on_engine(short_dir, folder, {"ServerVersion": "28.5.1"}, [container("other")])
    assert [(f.severity, f.subject) for f in findings if "every port" in f.message] == [
        (Severity.ERROR, f"port:0.0.0.0:{first + i}/tcp") for i in range(3)], findings
    assert next(f.message for f in findings if "every port" in f.message).startswith(
        f"0.0.0.0:{first}/tcp ('a') is taken by 'other' service 'web' (container other-web-1): every port")
    # this project's own container on the first port: `up` keeps or recreates it there, nothing fails
    (short_dir / "o").mkdir()  # a second fake engine, on its own socket
    ours = on_engine(short_dir / "o", folder, {"ServerVersion": "28.5.1"}, [container("p")])  # the folder's name
    assert [f for f in ours if "every port" in f.message] == []


def test_without_an_engine_a_held_port_is_a_warning_saying_the_release_is_unknown(
        tmp_path: Path, holders: list[subprocess.Popen[str]]) -> None:
    first = free_run()
    holders.append(hold(first))
    result = run_check(range_project(tmp_path / "p", first, first + 2), NO_ENGINE)
    said = [f for f in result.findings if f.subject == f"port:0.0.0.0:{first}/tcp"]
    assert [(f.severity, f.message.partition("): ")[2]) for f in said] == [
        (Severity.WARNING, f"an engine before 27.0 picks it first from {first}-{first + 2} and fails, never trying "
                           "the next (the engine did not answer: its version is unknown)")]
    assert [f.severity for f in result.findings if f.subject == "engine"] == [Severity.INFO]


def test_without_an_engine_a_free_range_is_not_a_pass(tmp_path: Path) -> None:
    """Nothing held, no engine: other projects' containers went unseen, as for a single port."""
    first = free_run()
    result = run_check(range_project(tmp_path / "p", first, first + 2), NO_ENGINE)
    assert list(result.findings) == []
    assert "docker engine unavailable" in (result.reason or "") and "bind probes of 3 ports passed" in result.reason


@pytest.mark.parametrize(("text", "release"), [
    ("20.10.24+dfsg1", EngineRelease("20.10.24+dfsg1", 20, 10)), ("27.0.0-rc.1", EngineRelease("27.0.0-rc.1", 27, 0)),
    ("v26.1.4", EngineRelease("v26.1.4", 26, 1)), ("dev", None), ("", None), ("28", None)])
def test_the_release_is_read_from_info(text: str, release: EngineRelease | None) -> None:
    engine = EngineConnection(None)
    engine.__dict__["info"] = {"ServerVersion": text}  # what /info said, without an engine
    assert moby_release(engine) == release
    if release is not None:
        assert release.before(27) is (release.major < 27)


# ---------------------------------------------------------------- the real engine


@pytest.mark.docker
@pytest.mark.parametrize("held_at", [0, 3, -1])  # the range's first port; the port just past it; -1: every port
def test_up_fails_exactly_when_doctor_says_so(tmp_path: Path, docker_engine: str, busybox_image: str,
                                              holders: list[subprocess.Popen[str]], held_at: int) -> None:
    """A fresh range (random ports): the engine's first request of it, so its first pick is the range's first port."""
    first = free_run()
    holders += [hold(first + at) for at in ((held_at,) if held_at >= 0 else range(3))]
    folder = range_project(tmp_path / "p", first, first + 2, busybox_image)
    name = project_name("doctor-range")
    findings = run_doctor(folder, {}, name)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    try:
        up = compose(docker_engine, folder, name, "up", "-d")
    finally:
        compose(docker_engine, folder, name, "down", "-v", "--timeout", "1")
    assert bool(errors) == (up.returncode != 0), (errors, up.stderr)
    version = subprocess.run([docker_engine, "version", "--format", "{{.Server.Version}}"], capture_output=True,
                             text=True, check=True).stdout.strip()
    major = int(version.split(".")[0])
    if held_at == 0 and major < 27:  # this machine's engine: the case must be the failing one, not vacuous
        assert f"listen tcp4 0.0.0.0:{first}: bind: address already in use" in up.stderr
        assert [f.subject for f in errors] == [f"port:0.0.0.0:{first}/tcp"]
    if held_at == -1:  # no port of the range binds, whatever the engine's release
        assert up.returncode != 0 and [f.subject for f in errors] == [f"port:0.0.0.0:{first + i}/tcp" for i in range(3)]
    elif held_at == 3 or major >= 27:
        assert up.returncode == 0 and errors == []
