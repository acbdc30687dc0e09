"""The six checks of issue 13 where a fixture case cannot show it: skips, live volume facts, version math."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.host.images import engine_time
from doctor.model import Status
from doctor.project import ProjectOptions
from doctor.project.version_specs import pins_agree, satisfies


def _run(project: Path, check: str, env: dict[str, str]) -> tuple[Status, str, list[tuple[str, tuple[str, ...]]]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "DOCTOR_NO_CACHE": "1", **env}
    options = ProjectOptions(path=project, env=env)
    report = preflight(RunOptions(project=options, select=(check,), env=env), load_registry()).report
    result = next(r for r in report.results if r.check == check)
    found = [(f.message, f.fix.command if f.fix else ()) for f in report.findings if f.check == check]
    return result.status, result.reason, found


@pytest.mark.parametrize(("version", "spec", "runtime", "ok"), [
    ("3.12", ">=3.11", "python", True),
    ("3.12", ">=3.11,<3.12", "python", False),
    ("3.10", ">=3.12", "python", False),
    ("3.12.4", "~=3.12", "python", True),
    ("3.11", "==3.11.*", "python", True),
    ("3", ">=3.11,<3.13", "python", True),  # `python:3` names no minor: never called drift
    ("20", "^20 || ^22", "node", True),
    ("18", ">=20", "node", False),
    ("20.11.0", "20.x", "node", True),
    ("22", "18 - 20", "node", False),
    ("3.12", "not a range", "python", True),  # unreadable ranges are never drift
])
def test_a_pinned_version_against_a_range(version: str, spec: str, runtime: str, ok: bool) -> None:
    assert satisfies(version, spec, runtime) is ok


def test_pins_agree_by_prefix() -> None:
    assert pins_agree("3.12", "3.12.4") and not pins_agree("3.12", "3.10")


def test_engine_times_with_nanoseconds_and_offsets() -> None:
    assert engine_time("2025-06-20T09:00:00.123456789Z") == datetime(2025, 6, 20, 9, 0, 0, 123456, UTC)
    assert engine_time("2025-06-20T11:00:00+02:00") == datetime(2025, 6, 20, 9, 0, 0, tzinfo=UTC)
    assert engine_time("") is None


def test_compose_version_skips_with_a_reason_when_no_compose_answers(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n    develop:\n      watch: []\n")
    status, reason, found = _run(tmp_path, "compose-version", {"PATH": str(tmp_path / "nothing")})
    assert (status, found) == (Status.SKIPPED, [])
    assert reason.startswith("neither docker nor docker-compose is on PATH"), reason


def test_host_gateway_skips_only_when_a_service_dials_the_name(tmp_path: Path) -> None:
    down = {"DOCKER_HOST": f"unix://{tmp_path}/absent.sock"}
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    assert _run(tmp_path, "host-gateway", down)[0] is Status.PASSED
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n      API: http://host.docker.internal:8000\n")
    status, reason, _ = _run(tmp_path, "host-gateway", down)
    assert status is Status.SKIPPED and "engine" in reason


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    (project / "web").mkdir(parents=True)
    (project / "compose.yaml").write_text(
        "name: shop\nservices:\n  web:\n    build: ./web\n    volumes:\n      - /app/node_modules\n"
        "      - deps:/opt/venv\nvolumes:\n  deps:\n")
    (project / "web" / "Dockerfile").write_text(
        "FROM node:20-alpine\nWORKDIR /app\nRUN npm ci\nRUN python3 -m venv /opt/venv\n")
    return project


def test_stale_volumes_are_named_with_their_age_and_a_command_fix(shop: Path, tmp_path: Path) -> None:
    image = {"Id": "sha256:1", "Os": "linux", "Architecture": "amd64", "Created": "2025-06-20T09:00:00Z"}
    container = {"Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": "web"},
                 "Mounts": [{"Type": "volume", "Name": "3f2a9c", "Destination": "/app/node_modules"}]}
    volumes = {"Volumes": [
        {"Name": "3f2a9c", "CreatedAt": "2025-06-19T07:00:00Z", "Labels": {}},
        {"Name": "shop_deps", "CreatedAt": "2025-06-01T09:00:00Z",
         "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.volume": "deps"}},
    ]}
    engine = FakeEngine(tmp_path / "e.sock", {"/info": {"OSType": "linux", "Architecture": "x86_64"},
                                              "/images/shop-web/json": image, "/volumes": volumes,
                                              "/containers/json": [container]})
    try:
        status, _, found = _run(shop, "volume-shadowing", {"DOCKER_HOST": engine.url})
    finally:
        engine.close()
    assert status is Status.FAILED
    messages = dict(found)
    anonymous = next(m for m in messages if "'3f2a9c'" in m)
    named = next(m for m in messages if "'shop_deps'" in m)
    assert "1 day older" in anonymous and "19 days older" in named
    assert messages[named] == ("docker", "volume", "rm", "shop_deps")
    assert messages[anonymous][:4] == ("docker", "compose", "-p", "shop")
    assert messages[anonymous][-4:] == ("-d", "--force-recreate", "--renew-anon-volumes", "web")


def test_volumes_are_only_a_note_without_an_engine(shop: Path, tmp_path: Path) -> None:
    status, _, found = _run(shop, "volume-shadowing", {"DOCKER_HOST": f"unix://{tmp_path}/absent.sock"})
    assert status is Status.PASSED  # info notes only
    assert len(found) == 2 and all(command == () for _, command in found)


@pytest.mark.docker
def test_live_stale_anonymous_volume_and_up_v(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    """Real engine: an anonymous node_modules volume outlives a rebuilt image; `doctor fix --volumes` renews it."""
    import subprocess
    import time
    import uuid

    from doctor.fixer import FixOptions, fix

    run_id = uuid.uuid4().hex[:8]
    name, image = f"doctor-test-{run_id}", f"doctor-test/newchecks-{run_id}:web"
    project = tmp_path / "proj"
    project.mkdir()
    (project / "Dockerfile").write_text(f"FROM {busybox_image}\nWORKDIR /app\nRUN npm ci\n")
    (project / "compose.yaml").write_text(
        f"name: {name}\nservices:\n  web:\n    build: .\n    image: {image}\n    command: [\"sleep\", \"600\"]\n"
        "    volumes:\n      - /app/node_modules\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state")}

    def docker(*args: str) -> str:
        return subprocess.run([docker_engine, *args], cwd=project, capture_output=True, text=True, check=True,
                              timeout=120).stdout.strip()

    volumes: set[str] = set()
    docker("tag", busybox_image, image)
    try:
        docker("compose", "up", "-d", "--no-build", "web")
        volumes |= set(docker("ps", "-a", "--no-trunc", "--filter", f"label=com.docker.compose.project={name}",
                              "--format", "{{.Mounts}}").split(","))
        time.sleep(1.1)  # the rebuilt image must be younger than the volume, to the second
        container = docker("compose", "ps", "-q", "web")
        docker("commit", container, image)  # what a rebuild does: a newer image under the same name
        status, _, found = _run(project, "volume-shadowing", {"PATH": env["PATH"]})
        assert status is Status.FAILED, found
        message, command = found[0]
        assert "older than its image" in message and "--renew-anon-volumes" in command
        options = FixOptions(project=ProjectOptions(path=project, env=env), families=frozenset({"volumes"}),
                             yes=True, env=env)
        report = fix(options, load_registry())
        assert [r.fixed for r in report.results if r.title.startswith("recreate")] == [True], report.results
        assert all(r.fixed is not False for r in report.results), report.results
        assert _run(project, "volume-shadowing", {"PATH": env["PATH"]})[0] is Status.PASSED  # the note only
        volumes |= set(docker("ps", "-a", "--no-trunc", "--filter", f"label=com.docker.compose.project={name}",
                              "--format", "{{.Mounts}}").split(","))
    finally:
        subprocess.run([docker_engine, "compose", "down", "-v", "-t", "0"], cwd=project, capture_output=True,
                       timeout=120)
        for volume in volumes - {""}:
            subprocess.run([docker_engine, "volume", "rm", volume], capture_output=True, timeout=60)
        subprocess.run([docker_engine, "rmi", "-f", image], capture_output=True, timeout=60)


@pytest.mark.parametrize(("bind", "found"), [("127.0.0.1", True), ("0.0.0.0", False), ("::ffff:127.0.0.1", True)])
def test_host_service_on_loopback_only_is_out_of_a_containers_reach(tmp_path: Path, bind: str, found: bool) -> None:
    """A listener on `::ffff:127.0.0.1` (an IPv6 socket taking IPv4's 127.0.0.1 alone, as a JVM's shows) is on
    loopback too: Python before 3.13 calls that address no loopback, and the finding was missed."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET) as listener:
        listener.bind((bind, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        (tmp_path / "compose.yaml").write_text(
            "services:\n  api:\n    image: nginx\n    extra_hosts:\n      - host.docker.internal:host-gateway\n"
            f"    environment:\n      DATABASE_URL: postgres://u@host.docker.internal:{port}/app\n")
        linux = {"OperatingSystem": "Debian GNU/Linux 12", "OSType": "linux"}
        engine = FakeEngine(tmp_path / "e.sock", {"/info": linux})
        try:
            _, _, findings = _run(tmp_path, "host-gateway", {"DOCKER_HOST": engine.url})
        finally:
            engine.close()
    assert [m for m, _ in findings] == ([f"'api' dials host.docker.internal:{port} (DATABASE_URL), but the host "
                                         f"listens there on {bind} only"] if found else [])


def test_a_rootless_engine_is_told_that_host_gateway_alone_does_not_reach_the_host(tmp_path: Path) -> None:
    """Rootless docker's host-gateway is the bridge of its own namespace (moby/moby#47684): the extra_hosts
    line is still needed, but also the engine's host-gateway-ip; and a loopback-only host service is then
    reachable through slirp4netns's 10.0.2.2, so "listen on 0.0.0.0" is no advice there."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        (tmp_path / "compose.yaml").write_text(
            "services:\n  api:\n    image: nginx\n"
            f"    environment:\n      DATABASE_URL: postgres://u@host.docker.internal:{port}/app\n")
        rootless = {"OperatingSystem": "Ubuntu 24.04 LTS", "OSType": "linux",
                    "SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]}
        engine = FakeEngine(tmp_path / "e.sock", {"/info": rootless})
        try:
            env = {"DOCKER_HOST": engine.url}
            options = ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env})
            report = preflight(RunOptions(project=options, select=("host-gateway",), env=options.env),
                               load_registry()).report
        finally:
            engine.close()
    (finding,) = report.findings
    assert finding.message == ("'api' dials host.docker.internal (DATABASE_URL); this rootless engine does not "
                               "resolve it, and its host-gateway is not this machine")
    assert finding.fix is not None and "host-gateway-ip" in finding.fix.title
    from doctor.checks.host_gateway import HostGateway

    doc = " ".join((HostGateway.__doc__ or "").split())
    assert "DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false" in doc and "10.0.2.2" in doc
