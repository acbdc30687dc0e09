"""port-collision after review: a container in a restart loop holds its port, checkouts sharing a
compose project name each get a name of their own, and a full `ports.range` is named.

The fake-engine tests need no docker; the docker-marked ones use the real engine with per-run
`doctor-test-<hex>` project names, ports free at run time, and remove what they create.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.live import live_findings
from doctor.checks.port_collision.namesake import own_name
from fake_docker_engine import FakeEngine
from portprobe import bindable

from doctor.engine import RunOptions, load_registry, preflight
from doctor.host import Host
from doctor.model import CheckResult, Finding, Fix, Safety, Severity
from doctor.project import ProjectOptions
from doctor.project.types import ComposeModel, PortMapping, Service


def free_ports(count: int = 1) -> int:
    """The first of `count` adjacent tcp ports free now, below the kernel's ephemeral range."""
    span = Host(env={}).ports.ephemeral_range
    high = min(32000, span[0] - count) if span else 32000
    for _ in range(300):
        first = random.randint(20000, high)
        if all(bindable(p) for p in range(first, first + count)):
            return first
    raise RuntimeError("no free ports")


def offered(fix: Fix | None) -> list[tuple[str, ...]]:
    """The commands offered instead of the move: only ever asked, never applied."""
    assert fix is not None
    alternatives = getattr(fix, "alternatives", ())
    assert all(a.safety is Safety.UNSAFE for a in alternatives)
    return [a.command for a in alternatives]


def run_check(project_dir: Path, env: dict[str, str] | None = None) -> CheckResult:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project_dir), **(env or {})}
    run = preflight(RunOptions(project=ProjectOptions(path=project_dir, env=env), select=("port-collision",),
                               env=env), load_registry())
    (mine,) = [r for r in run.report.results if r.check == "port-collision"]
    return mine


def findings(project_dir: Path) -> list[Finding]:
    result = run_check(project_dir)
    assert not result.reason, result
    return list(result.findings)


# ---------------------------------------------------------------- 1. a restart loop holds its port


def looping(port: int, status: str, policy: str = "always", restarts: int = 7) -> dict[str, object]:
    """The engine's container list and inspect answers for 'other-flappy-1', not running now."""
    cid = "f1a9" * 16
    listed = {"Id": cid, "Names": ["/other-flappy-1"], "State": status, "Ports": [],
              "Labels": {"com.docker.compose.project": "other", "com.docker.compose.service": "flappy"}}
    inspected: dict[str, Any] = {
        "Id": cid, "State": {"Status": status, "Restarting": status == "restarting", "ExitCode": 3},
        "RestartCount": restarts,
        "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": str(port)}]},
                       "RestartPolicy": {"Name": policy, "MaximumRetryCount": 0}}}
    return {"/containers/json": [listed], f"/containers/{cid}/json": inspected,
            f"/containers/{cid[:12]}/json": inspected}


def live(short_dir: Path, routes: dict[str, object], port: int) -> list[Finding]:
    fake = FakeEngine(short_dir / "e.sock", routes)
    web = Service("web", None, ports=(PortMapping(80, str(port)),))
    compose = ComposeModel("mine", Path("/nowhere"), (), {"web": web})
    try:
        return list(live_findings(PortCollision(), compose, Host(env={"DOCKER_HOST": fake.url})))
    finally:
        fake.close()


def test_a_restarting_container_holds_its_port_though_the_bind_passes(short_dir: Path) -> None:
    """Between two starts of its loop the port binds and the engine lists it as not running; it takes
    the port back within seconds, and `docker rm` refuses it: an error, and the advice is to stop it."""
    port = free_ports()
    (found,) = live(short_dir, looping(port, "restarting"), port)
    assert (found.severity, found.message) == (
        Severity.ERROR, f"0.0.0.0:{port}/tcp ('web') is taken by 'other' service 'flappy' (container other-flappy-1), "
                        "which is restarting (restart: always)")
    assert offered(found.fix) == [("docker", "compose", "-p", "other", "stop", "flappy")]


def test_a_container_stopped_by_its_user_stays_a_leftover_whatever_its_policy(short_dir: Path) -> None:
    """`restart: always` and exited: the engine would be restarting it had it crashed, so the user
    stopped it; it holds nothing until someone starts it, and `docker rm` works."""
    port = free_ports()
    (found,) = live(short_dir, looping(port, "exited"), port)
    assert found.severity is Severity.WARNING
    assert "is also published by stopped 'other' service 'flappy'" in found.message
    assert offered(found.fix) == [("docker", "rm", "other-flappy-1")]


@pytest.fixture
def down_after(docker_engine: str) -> Iterator[list[tuple[str, Path]]]:
    """Compose projects to take down at the end, whatever happened."""
    started: list[tuple[str, Path]] = []
    yield started
    for name, folder in started:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "--timeout", "1"], cwd=folder,
                       capture_output=True, timeout=120)


def state(docker: str, container: str) -> tuple[str, int]:
    done = subprocess.run([docker, "inspect", "-f", "{{.State.Status}} {{.RestartCount}}", container],
                          capture_output=True, text=True, timeout=30)
    status, _, count = done.stdout.strip().partition(" ")
    return status, int(count or 0)


@pytest.mark.docker
def test_a_real_restart_loop_is_an_error_and_stopping_it_works(tmp_path: Path, docker_engine: str,
                                                               busybox_image: str,
                                                               down_after: list[tuple[str, Path]]) -> None:
    port, other = free_ports(), f"doctor-test-{secrets.token_hex(4)}"
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "compose.yaml").write_text(
        f"services:\n  flappy:\n    image: {busybox_image}\n    command: [sh, -c, 'exit 3']\n"
        f"    restart: always\n    ports: ['{port}:80']\n")
    down_after.append((other, theirs))
    up = subprocess.run([docker_engine, "compose", "-p", other, "up", "-d"], cwd=theirs, capture_output=True,
                        text=True, timeout=180)
    assert up.returncode == 0, up.stderr
    name = f"{other}-flappy-1"
    deadline = time.monotonic() + 60
    while (now := state(docker_engine, name))[0] != "restarting" or now[1] < 5:
        assert time.monotonic() < deadline, now
        time.sleep(0.2)  # the engine's back-off doubles: from the 5th restart it waits 3 s and more
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "compose.yaml").write_text(f"services:\n  web:\n    image: {busybox_image}\n    ports: ['{port}:80']\n")
    (found,) = findings(ours)
    assert found.severity is Severity.ERROR, found
    assert found.message.endswith(f"(container {name}), which is restarting (restart: always)"), found.message
    (stop,) = offered(found.fix)
    assert stop == ("docker", "compose", "-p", other, "stop", "flappy")
    refused = subprocess.run([docker_engine, "rm", name], capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0  # what the old advice ran into ("cannot remove a restarting container")
    stopped = subprocess.run([docker_engine, *stop[1:]], cwd="/", capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 0 and state(docker_engine, name)[0] == "exited", stopped.stderr
    time.sleep(1)
    assert state(docker_engine, name)[0] == "exited"  # stopped by its user: the policy leaves it be
    (left,) = findings(ours)
    assert left.severity is Severity.WARNING and offered(left.fix) == [("docker", "rm", name)]
    assert subprocess.run([docker_engine, "rm", name], capture_output=True, timeout=60).returncode == 0


# ---------------------------------------------------------------- 2. one project name, several checkouts


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd, check=True,
                   capture_output=True, timeout=60)


def repository(main: Path, files: dict[str, str], branch: str = "main") -> Path:
    main.mkdir(parents=True)
    git(main, "init", "-q", "-b", branch, ".")
    for name, text in files.items():
        (main / name).write_text(text)
    git(main, "add", "-A")
    git(main, "commit", "-qm", "init")
    return main


def test_each_worktree_of_one_folder_gets_a_name_of_its_own(tmp_path: Path) -> None:
    main = repository(tmp_path / "review" / "a", {"compose.yaml": "services: {}\n"})
    git(main, "worktree", "add", "-q", "-b", "feature/b", "../b")
    git(main, "worktree", "add", "-q", "-b", "c", "../c")
    b, c = tmp_path / "review" / "b", tmp_path / "review" / "c"
    assert own_name("app", b, (main,), {"app"}) == "app-b"
    assert own_name("app", c, (main,), {"app"}) == "app-c"
    assert own_name("app", c, (main, b), {"app", "app-b"}) == "app-c"


def test_a_worktree_folder_named_after_the_project_is_its_name_not_a_double_prefix(tmp_path: Path) -> None:
    """`git worktree add ../app-b` beside `app` was advised `app-app-b`; the stack it then ran under that name
    made the next run (its name now taken) advise `app-b` instead."""
    main = repository(tmp_path / "w" / "app", {"compose.yaml": "services: {}\n"})
    git(main, "worktree", "add", "-q", "-b", "b", "../app-b")
    assert own_name("app", tmp_path / "w" / "app-b", (main,), {"app"}) == "app-b"


def test_checkouts_in_folders_of_one_name_are_told_apart_by_branch_then_by_the_folder_above(tmp_path: Path) -> None:
    main = repository(tmp_path / "one" / "app", {"compose.yaml": "services: {}\n"})
    git(main, "worktree", "add", "-q", "-b", "feature/Login", str(tmp_path / "two" / "app"))
    assert own_name("app", tmp_path / "two" / "app", (main,), {"app"}) == "app-feature-login"
    plain_a, plain_b = tmp_path / "work" / "shop", tmp_path / "tmp" / "shop"  # no git: the folder above
    plain_a.mkdir(parents=True)
    plain_b.mkdir(parents=True)
    assert own_name("shop", plain_b, (plain_a,), {"shop"}) == "shop-tmp"
    assert own_name("shop", plain_b, (plain_a,), {"shop", "shop-tmp"}) == "shop-2"  # taken on the engine


def test_a_running_namesake_is_an_error_also_for_a_project_that_publishes_no_port(short_dir: Path) -> None:
    first, second = short_dir / "work" / "app", short_dir / "tmp" / "app"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    listed = [{"Id": "ab" * 32, "Names": ["/app-worker-1"], "State": "running", "Ports": [],
               "Labels": {"com.docker.compose.project": "app", "com.docker.compose.service": "worker",
                          "com.docker.compose.project.working_dir": str(first)}}]
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": listed})
    compose = ComposeModel("app", second, (), {"worker": Service("worker", None)})
    try:
        (found,) = live_findings(PortCollision(), compose, Host(env={"DOCKER_HOST": fake.url}))
    finally:
        fake.close()
    assert found.severity is Severity.ERROR
    assert found.message.startswith(f"compose project 'app' already runs from {first}"), found.message
    assert found.fix is not None and found.fix.command == ("docker", "compose", "-p", "app-tmp", "up", "-d")


def test_a_running_namesake_names_the_ports_it_holds_that_this_checkout_publishes(short_dir: Path) -> None:
    """nickjj/docker-flask-example run as one project name from two copies: the second copy's
    preflight said only to rename it; once renamed, 8000 (held by the first's web) clashed, found
    only by a second preflight. The first report names the port too."""
    from doctor.project.types import PortMapping

    first, second = short_dir / "work" / "app", short_dir / "tmp" / "app"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    listed = [{"Id": "ab" * 32, "Names": ["/app-web-1"], "State": "running",
               "Ports": [{"IP": "0.0.0.0", "PrivatePort": 8000, "PublicPort": 8000, "Type": "tcp"}],
               "Labels": {"com.docker.compose.project": "app", "com.docker.compose.service": "web",
                          "com.docker.compose.project.working_dir": str(first)}}]
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": listed})
    web = Service("web", None, ports=(PortMapping(8000, "8000"), PortMapping(9000, "9000")))
    compose = ComposeModel("app", second, (), {"web": web})
    try:
        found = [f for f in live_findings(PortCollision(), compose, Host(env={"DOCKER_HOST": fake.url}))
                 if f.subject == "project:app"]
    finally:
        fake.close()
    assert found and found[0].message.endswith("'up' here replaces its containers; they also hold 8000 ('web'), "
                                               "which this checkout publishes: once it has its own name, move "
                                               "those with doctor fix --ports"), found


@pytest.mark.docker
def test_worktrees_sharing_a_tracked_project_name_are_an_error_with_names_of_their_own(
        tmp_path: Path, docker_engine: str, busybox_image: str, down_after: list[tuple[str, Path]]) -> None:
    """Each worktree's tracked .env sets one COMPOSE_PROJECT_NAME; A is up. `up` in B would recreate A's
    containers: B and C each get an error and a name of their own (not one both would clash on again)."""
    shared, port = f"doctor-test-{secrets.token_hex(4)}", free_ports()
    a = repository(tmp_path / "review" / "a", {  # its port is "ours" to B: no port fails, only the name tells
        "compose.yaml": f"services:\n  web:\n    image: {busybox_image}\n    command: [httpd, -f, -p, '80']\n"
                        f"    ports: ['{port}:80']\n",
        ".env": f"COMPOSE_PROJECT_NAME={shared}\n"})
    git(a, "worktree", "add", "-q", "-b", "b", "../b")
    git(a, "worktree", "add", "-q", "-b", "c", "../c")
    down_after.append((shared, a))
    up = subprocess.run([docker_engine, "compose", "up", "-d"], cwd=a, capture_output=True, text=True, timeout=180,
                        env={k: v for k, v in os.environ.items() if k != "COMPOSE_PROJECT_NAME"})
    assert up.returncode == 0, up.stderr
    assert findings(a) == []  # its own containers
    advised = {}
    for checkout in ("b", "c"):
        (found,) = findings(tmp_path / "review" / checkout)
        assert (found.severity, found.subject) == (Severity.ERROR, f"project:{shared}"), found
        assert found.message == (f"compose project '{shared}' already runs from {a} (container {shared}-web-1): "
                                 f"'up' here replaces its containers; they also hold {port} ('web'), which this "
                                 "checkout publishes: once it has its own name, move those with doctor fix --ports")
        assert found.fix is not None and found.fix.safety is Safety.ADVICE
        command = found.fix.command
        advised[checkout] = command[command.index("-p") + 1]
        assert f"`export COMPOSE_PROJECT_NAME={advised[checkout]}`" in found.fix.title  # .env is tracked
    assert advised == {"b": f"{shared}-b", "c": f"{shared}-c"}
    argv = [sys.executable, "-m", "doctor", "preflight", "--select", "port-collision", "--format", "json"]
    cli = subprocess.run(argv, cwd=tmp_path / "review" / "b", capture_output=True, text=True, timeout=120,
                         env={**os.environ, "NO_COLOR": "1"})
    assert cli.returncode == 1, cli.stdout + cli.stderr  # `doctor preflight && docker compose up -d` stops here
    assert [f["severity"] for f in json.loads(cli.stdout)["findings"]] == ["error"]
    stop = subprocess.run([docker_engine, "compose", "stop", "-t", "1"], cwd=a, capture_output=True, timeout=120)
    assert stop.returncode == 0
    (found,) = findings(tmp_path / "review" / "b")
    assert found.severity is Severity.WARNING and "has stopped containers in" in found.message, found


# ---------------------------------------------------------------- 3. a full ports.range is named


def test_a_full_range_from_doctor_yaml_is_named(tmp_path: Path) -> None:
    port = free_ports(3)
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: busybox\n    ports: ['{port}:80']\n")
    (tmp_path / "doctor.yaml").write_text(f"ports:\n  range: {port + 1}-{port + 2}\n")
    held = []
    try:
        for taken in range(port, port + 3):
            holder = socket.socket()
            held.append(holder)
            holder.bind(("0.0.0.0", taken))
            holder.listen(1)
        (found,) = [f for f in findings(tmp_path) if f.subject == f"port:0.0.0.0:{port}/tcp"]
    finally:
        for holder in held:
            holder.close()
    assert found.fix is not None and found.fix.safety is Safety.ADVICE
    assert found.fix.title == (f"publish 'web' on another host port (every port of ports.range {port + 1}-{port + 2} "
                               "in doctor.yaml:1 is taken: widen it)")
