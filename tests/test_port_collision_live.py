"""port-collision's live half against real holders: processes, other compose projects, our own stack.

The docker-marked tests use the real engine (never stopped here) and clean up every container
and project they create. The engine-down, permission-denied and hung-engine tests need no
engine: they point DOCKER_HOST at a missing, locked or silent socket.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import CheckResult, Finding, Fix, Safety, Severity, Status
from doctor.project import ProjectOptions

LISTENER = """
import socket, sys, time
s = socket.socket()
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(1)
print("ready", flush=True)
time.sleep(120)
"""


def project_name(base: str) -> str:
    """A per-run compose project name: two runs on one engine never share a project."""
    return f"{base}-{secrets.token_hex(4)}"


def free_port() -> int:
    """A tcp port free on all interfaces, below the kernel's ephemeral range (no range warning)."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        try:
            for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
                with socket.socket(family, socket.SOCK_STREAM) as probe:
                    if family == socket.AF_INET6:
                        probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    probe.bind((address, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


@pytest.fixture
def listener() -> Iterator[tuple[subprocess.Popen[str], int]]:
    """A python process holding a tcp port, as a dev server left running would."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", LISTENER, str(port)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc, port
    proc.kill()  # our own child, by its pid
    proc.wait()


def write_project(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(body)
    return root


def web_on(port: int, image: str = "doctor-busybox:test", service: str = "web") -> str:
    return (f"services:\n  {service}:\n    image: {image}\n    command: [httpd, -f, -p, '80']\n"
            f"    ports:\n      - \"{port}:80\"\n")


def run_doctor(project_dir: Path, env: dict[str, str], name: str | None = None) -> list[Finding]:
    result = run_check(project_dir, env, name)
    assert not result.reason, result
    return list(result.findings)


def run_check(project_dir: Path, env: dict[str, str], name: str | None = None) -> CheckResult:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project_dir), **env}
    options = ProjectOptions(path=project_dir, project_name=name, env=env)
    run = preflight(RunOptions(project=options, select=("port-collision",), env=env), load_registry())
    mine = [r for r in run.report.results if r.check == "port-collision"]
    assert len(mine) == 1, mine
    return mine[0]


def about(findings: list[Finding], port: int) -> list[Finding]:
    return [f for f in findings if f.subject.endswith(f":{port}/tcp") or f":{port}/tcp:clash:" in f.subject]


# ---------------------------------------------------------------- no engine needed


Listener = tuple[subprocess.Popen[str], int]


def test_process_holder_is_named_with_pid_even_without_engine(tmp_path: Path, listener: Listener) -> None:
    """Engine down: the bind probes and the static half still run; one info line says why owners are thin."""
    proc, port = listener
    other = free_port()
    body = web_on(port) + f"  admin:\n    image: x\n    ports:\n      - \"{other}:8080\"\n" \
        + f"  api:\n    image: x\n    ports:\n      - \"{other}:9000\"\n"
    findings = run_doctor(write_project(tmp_path / "p", body), {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    held = about(findings, port)
    assert len(held) == 1 and held[0].severity is Severity.ERROR
    assert held[0].message.startswith(f"0.0.0.0:{port}/tcp ('web') is held by pid {proc.pid} 'python")
    assert held[0].fix is not None and held[0].fix.title.startswith(f"move 'web' from host port {port} to ")
    assert [f.severity for f in about(findings, other)] == [Severity.WARNING]  # the static duplicate
    info = [f for f in findings if f.subject == "engine"]
    assert [(f.severity, f.message) for f in info] == [
        (Severity.INFO, "docker engine unavailable: no socket at /nonexistent/docker.sock "
                        "(is the docker engine running?)")]


def test_a_process_holding_only_the_ipv6_side_is_said_to_hold_it_there(tmp_path: Path) -> None:
    """`up` binds [::]:P beside 0.0.0.0:P: a server listening on [::] alone (IPV6_V6ONLY) stops it too."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    port = free_port()
    code = ("import socket, sys; s = socket.socket(socket.AF_INET6); "
            "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); s.bind(('::', int(sys.argv[1]))); "
            "s.listen(); print('ready', flush=True); sys.stdin.read()")
    proc = subprocess.Popen([sys.executable, "-c", code, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        findings = run_doctor(write_project(tmp_path / "p", web_on(port)),
                              {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
        (held,) = about(findings, port)
        assert held.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held on [::] by pid {proc.pid} 'python"), \
            held.message
    finally:
        proc.kill()
        proc.wait()


def test_a_process_holding_only_the_ipv6_loopback_is_said_to_hold_it_there(tmp_path: Path) -> None:
    """A server on [::1]:P alone stops `up`'s [::]:P bind too: the message names [::1], where it listens, not the
    [::] doctor's probe failed to bind."""
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as holder:
        holder.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            holder.bind(("::1", 0))
        except OSError:
            pytest.skip("no IPv6 loopback on this machine")
        holder.listen()
        port = holder.getsockname()[1]
        findings = run_doctor(write_project(tmp_path / "p", web_on(port)),
                              {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    (held,) = about(findings, port)
    assert held.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held on [::1] by pid {os.getpid()} '"), \
        held.message


def test_a_process_holding_only_the_ipv4_loopback_is_said_to_hold_it_there(tmp_path: Path) -> None:
    """A server on 127.0.0.1:P alone stops `up`'s 0.0.0.0:P bind: the lead is our mapping's socket, and the
    message names 127.0.0.1, where the holder sits (it was named with no address, as if on 0.0.0.0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        findings = run_doctor(write_project(tmp_path / "p", web_on(port)),
                              {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    (held,) = about(findings, port)
    assert held.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held on 127.0.0.1 by pid {os.getpid()} '"), \
        held.message


def test_free_ports_with_engine_down_are_skipped_with_the_reason_never_passed(tmp_path: Path) -> None:
    """Without the engine no other project's container was seen: the check looked halfway, so no ✓."""
    result = run_check(write_project(tmp_path / "p", web_on(free_port())),
                       {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert result.status is Status.SKIPPED
    assert result.reason == ("docker engine unavailable: no socket at /nonexistent/docker.sock "
                             "(is the docker engine running?); bind probes of 1 port passed")


def test_hung_engine_answers_within_three_seconds(short_dir: Path,
                                                  listener: Listener) -> None:
    proc, port = listener
    fake = FakeEngine(short_dir / "hung.sock", hung=True)
    try:
        start = time.monotonic()
        findings = run_doctor(write_project(short_dir / "p", web_on(port)), {"DOCKER_HOST": fake.url})
        elapsed = time.monotonic() - start
    finally:
        fake.close()
    assert elapsed < 3.5
    assert f"held by pid {proc.pid}" in about(findings, port)[0].message
    assert [f.message for f in findings if f.subject == "engine"] == [
        f"docker engine unavailable: no answer from {fake.path} in 2 s (engine hung?)"]


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_permission_denied_engine_and_hidden_holder(short_dir: Path,
                                                    listener: Listener) -> None:
    """Run as uid 65534: the locked socket gives EACCES, and root's listener pid is hidden from us."""
    _, port = listener
    fake = FakeEngine(short_dir / "locked.sock")
    os.chmod(fake.path, 0)
    project = write_project(short_dir / "p", web_on(port))
    project.chmod(0o755)
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from doctor.engine import RunOptions, load_registry, preflight\n"
        "from doctor.project import ProjectOptions\n"
        "env = {'PATH': '/usr/bin:/bin', 'HOME': '/nonexistent', 'DOCKER_HOST': sys.argv[2]}\n"
        "options = ProjectOptions(path=Path(sys.argv[1]), env=env)\n"
        "run = preflight(RunOptions(project=options, select=('port-collision',), env=env), load_registry())\n"
        "report = run.report\n"
        "print(json.dumps([[f.severity.label, f.message, list(f.fix.command if f.fix else ())]"
        " for f in report.findings]))\n"
    )
    try:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
                   "-c", script, str(project), fake.url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")
    finally:
        fake.close()
    assert done.returncode == 0, done.stderr
    import json

    found = json.loads(done.stdout)
    assert found == [
        ["error", f"0.0.0.0:{port}/tcp ('web') is held by a process hidden from doctor "
                  f"(sudo ss -ltnp 'sport = :{port}')", []],  # the fix moves our port: no command
        ["info", f"docker engine unavailable: permission denied on {fake.path} (only root may use it: run doctor as "
                     "root, or set DOCKER_HOST to an engine you may use)", []],
    ]
    assert fake.requests == []


# ---------------------------------------------------------------- the real engine


def offered_commands(fix: Fix) -> list[tuple[str, ...]]:
    """The commands that free the port instead of moving ours: offered only as a question, never applied."""
    alternatives = getattr(fix, "alternatives", ())
    assert all(a.safety is Safety.UNSAFE for a in alternatives)
    return [a.command for a in alternatives]


@pytest.fixture
def compose_projects(docker_engine: str) -> Iterator[list[tuple[str, Path]]]:
    """Projects to `down` at the end, whatever happened."""
    started: list[tuple[str, Path]] = []
    yield started
    for name, folder in started:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "--timeout", "1", "--remove-orphans"],
                       cwd=folder, capture_output=True, timeout=120)


def compose(docker: str, folder: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, "compose", "-p", name, *args], cwd=folder, capture_output=True, text=True,
                          timeout=180, env={**os.environ, "COMPOSE_PROJECT_NAME": name})


def another_track_up(tmp_path: Path, docker_engine: str, image: str, started: list[tuple[str, Path]],
                     base: str) -> tuple[int, str, Path]:
    """Another compose project's `traefik` up on a free port: (the port, its project name, its folder)."""
    port = free_port()
    other = project_name(base)
    theirs = write_project(tmp_path / base, web_on(port, image, service="traefik"))
    started.append((other, theirs))
    done = compose(docker_engine, theirs, other, "up", "-d")
    assert done.returncode == 0, done.stderr
    return port, other, theirs


@pytest.mark.docker
def test_container_of_another_compose_project(tmp_path: Path, docker_engine: str, busybox_image: str,
                                              compose_projects: list[tuple[str, Path]]) -> None:
    port, other, _ = another_track_up(tmp_path, docker_engine, busybox_image, compose_projects, "othertrack")
    findings = run_doctor(write_project(tmp_path / "mytrack", web_on(port, busybox_image)), {})
    held = about(findings, port)
    assert [f.message for f in held] == [
        f"0.0.0.0:{port}/tcp ('web') is taken by '{other}' service 'traefik' "
        f"(container {other}-traefik-1)"]
    assert held[0].severity is Severity.ERROR
    assert held[0].fix is not None and held[0].fix.title.startswith(f"move 'web' from host port {port} to ")
    assert offered_commands(held[0].fix) == [("docker", "compose", "-p", other, "stop", "traefik")]
    assert not [f for f in findings if f.subject == "engine"]


@pytest.mark.docker
def test_a_paused_container_of_another_project_is_named_and_said_paused(
        tmp_path: Path, docker_engine: str, busybox_image: str, compose_projects: list[tuple[str, Path]]) -> None:
    """`docker compose pause` keeps the port (docker-proxy holds it): it was "published by a container
    of the docker engine", unnamed, as the listing's paused containers were read as stopped ones."""
    port, other, theirs = another_track_up(tmp_path, docker_engine, busybox_image, compose_projects, "pausedtrack")
    paused = compose(docker_engine, theirs, other, "pause")
    assert paused.returncode == 0, paused.stderr
    try:
        held = about(run_doctor(write_project(tmp_path / "mytrack", web_on(port, busybox_image)), {}), port)
    finally:
        compose(docker_engine, theirs, other, "unpause")
    assert [f.message for f in held] == [
        f"0.0.0.0:{port}/tcp ('web') is taken by '{other}' service 'traefik' (container {other}-traefik-1), "
        "which is paused (it keeps the port while paused)"]
    assert held[0].fix is not None and held[0].fix.title.startswith(f"move 'web' from host port {port} to ")


@pytest.mark.docker
def test_a_container_name_another_track_holds_fails_up_and_is_found(
        tmp_path: Path, docker_engine: str, busybox_image: str, compose_projects: list[tuple[str, Path]]) -> None:
    # documenso's dev compose names its containers (`container_name: database`): track B, under its own
    # project name, cannot start while track A's container holds the name, running or stopped
    named = project_name("doctor-test-database")
    body = (f"services:\n  database:\n    image: {busybox_image}\n    container_name: {named}\n"
            "    command: [sleep, '30']\n")
    track_a, track_b = project_name("tracka"), project_name("trackb")
    first = write_project(tmp_path / "tracka", body)
    second = write_project(tmp_path / "trackb", body)
    compose_projects.extend([(track_a, first), (track_b, second)])
    assert compose(docker_engine, first, track_a, "create").returncode == 0
    assert run_doctor(first, {}, track_a) == []  # its own container: no clash
    (finding,) = run_doctor(second, {}, track_b)
    assert finding.severity is Severity.ERROR and finding.subject == f"container-name:{named}"
    assert finding.message == (f"container_name '{named}' of 'database' is taken by a stopped container of "
                               f"project '{track_a}' in {first}: 'up' fails, the name being in use")
    assert finding.fix is not None and "`container_name: !reset null` in the dev override" in finding.fix.title
    # at the `container_name:` line, not the service's key two lines up (awesome-compose's ELK in a second worktree:
    # compose.yaml:2 `elasticsearch:` for `container_name: es` at :4)
    assert finding.location is not None and (finding.location.path.name, finding.location.line) == ("compose.yaml", 4)
    up = compose(docker_engine, second, track_b, "up", "-d")
    assert up.returncode != 0 and "is already in use" in up.stderr  # what the finding foretold
    # `doctor why` after that `up`: no container was created, and the taken name is the cause
    why = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", track_b, "--format", "json"], cwd=second,
                         capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    causes = [f for f in json.loads(why.stdout)["findings"] if f["subject"] == f"container-name:{named}"]
    assert why.returncode == 1 and len(causes) == 1, why.stdout + why.stderr
    assert (causes[0]["file"], causes[0]["line"]) == ("compose.yaml", 4), causes
    (second / "compose.override.yaml").write_text("services:\n  database:\n    container_name: !reset null\n")
    assert run_doctor(second, {}, track_b) == []
    assert compose(docker_engine, second, track_b, "up", "-d").returncode == 0  # the advice works


@pytest.mark.docker
def test_stopped_project_declaring_our_port_warns(tmp_path: Path, docker_engine: str, busybox_image: str,
                                                  compose_projects: list[tuple[str, Path]]) -> None:
    port = free_port()
    other = project_name("trackb")
    theirs = write_project(tmp_path / "trackb", web_on(port, busybox_image, service="api"))
    compose_projects.append((other, theirs))
    created = compose(docker_engine, theirs, other, "create")
    assert created.returncode == 0, created.stderr
    findings = about(run_doctor(write_project(tmp_path / "tracka", web_on(port, busybox_image)), {}), port)
    assert [(f.severity, f.message) for f in findings] == [
        (Severity.WARNING, f"0.0.0.0:{port}/tcp ('web') is also published by stopped '{other}' service 'api': "
                           "both cannot run at once")]


@pytest.mark.docker
def test_a_port_held_by_a_process_and_declared_by_a_stopped_project_names_both(
        tmp_path: Path, docker_engine: str, busybox_image: str, compose_projects: list[tuple[str, Path]],
        listener: tuple[subprocess.Popen[str], int]) -> None:
    """A dev server holds the port and track B's stopped api declares it: the finding named the process
    alone, so stopping it seemed to free the port, which B's next `up` takes back; both are named now,
    and removing B's leftover is offered beside the move (asked), the move staying the fix."""
    proc, port = listener
    other = project_name("trackb")
    theirs = write_project(tmp_path / "trackb", web_on(port, busybox_image, service="api"))
    compose_projects.append((other, theirs))
    created = compose(docker_engine, theirs, other, "create")
    assert created.returncode == 0, created.stderr
    (found,) = about(run_doctor(write_project(tmp_path / "tracka", web_on(port, busybox_image)), {}), port)
    assert found.severity is Severity.ERROR
    assert found.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held by pid {proc.pid} ")
    assert found.message.endswith(f"; stopped '{other}' service 'api' (container {other}-api-1) publishes it too "
                                  "and binds it at its next start")
    assert found.fix is not None and [(a.title, a.command) for a in found.fix.alternatives] == [
        (f"remove the leftover container '{other}-api-1'", ("docker", "rm", f"{other}-api-1"))]


@pytest.mark.docker
def test_a_port_taken_by_a_running_project_and_declared_by_a_stopped_one_names_both(
        tmp_path: Path, docker_engine: str, busybox_image: str, compose_projects: list[tuple[str, Path]]) -> None:
    """Track B runs on our port and track C's stopped copy declares it: stopping B alone leaves the port to
    C's next `up`; both are named, and both repairs offered beside the move."""
    port = free_port()
    running, stopped = project_name("trackb"), project_name("trackc")
    for name in (running, stopped):
        compose_projects.append((name, write_project(tmp_path / name, web_on(port, busybox_image, service="api"))))
    assert compose(docker_engine, tmp_path / running, running, "up", "-d").returncode == 0
    assert compose(docker_engine, tmp_path / stopped, stopped, "create").returncode == 0
    (found,) = about(run_doctor(write_project(tmp_path / "tracka", web_on(port, busybox_image)), {}), port)
    assert found.message == (f"0.0.0.0:{port}/tcp ('web') is taken by '{running}' service 'api' (container "
                             f"{running}-api-1); stopped '{stopped}' service 'api' (container {stopped}-api-1) "
                             "publishes it too and binds it at its next start")
    assert found.fix is not None and [a.command for a in found.fix.alternatives] == [
        ("docker", "compose", "-p", running, "stop", "api"), ("docker", "rm", f"{stopped}-api-1")]


@pytest.mark.docker
def test_our_own_running_stack_is_not_a_finding(tmp_path: Path, docker_engine: str, busybox_image: str,
                                                compose_projects: list[tuple[str, Path]]) -> None:
    port = free_port()
    mine, yours = project_name("mytrack"), project_name("yourtrack")
    ours = write_project(tmp_path / "mytrack", web_on(port, busybox_image))
    compose_projects.append((mine, ours))
    started = compose(docker_engine, ours, mine, "up", "-d")
    assert started.returncode == 0, started.stderr
    # the port really is busy (docker-proxy holds it) ...
    with pytest.raises(OSError), socket.socket() as probe:
        probe.bind(("0.0.0.0", port))
    # ... but by us: no finding, under the same project name; another name sees the clash, with this
    # folder's own stack named as such, and compose under its name as the fix (a move would run two copies)
    assert run_doctor(ours, {}, name=mine) == []
    (clash,) = run_doctor(ours, {}, name=yours)
    assert clash.severity is Severity.ERROR
    assert f"is taken by this folder's own stack, started as project '{mine}' (service 'web'" in clash.message
    assert f"`up` as project '{yours}' starts a second copy" in clash.message
    assert clash.fix is not None and clash.fix.safety is Safety.ADVICE and not clash.fix.edits
    assert f"`export COMPOSE_PROJECT_NAME={mine}`" in clash.fix.title
    assert [a.command for a in clash.fix.alternatives] == [("docker", "compose", "-p", mine, "down")]


@pytest.mark.docker
def test_a_clone_in_a_folder_of_the_same_name_sees_the_running_namesake(
        tmp_path: Path, docker_engine: str, busybox_image: str, compose_projects: list[tuple[str, Path]]) -> None:
    # ~/work/app runs; ~/tmp/app (a second clone) gets the same project name: `up` there would
    # recreate the first clone's containers from the second one's files, and no port fails
    port = free_port()
    name = project_name("app")
    first = write_project(tmp_path / "work" / "app", web_on(port, busybox_image))
    second = write_project(tmp_path / "tmp" / "app", web_on(port, busybox_image))
    compose_projects.append((name, first))
    started = compose(docker_engine, first, name, "up", "-d")
    assert started.returncode == 0, started.stderr
    assert run_doctor(first, {}, name=name) == []  # its own stack
    (namesake,) = [f for f in run_doctor(second, {}, name=name) if f.subject == f"project:{name}"]
    assert namesake.severity is Severity.ERROR  # `up` here would recreate the running clone's containers
    assert str(first) in namesake.message and f"{name}-web-1" in namesake.message, namesake.message
    assert "'up' here replaces" in namesake.message, namesake.message
    assert namesake.fix is not None
    # the advised command names this folder and its files under a name of its own, from any folder
    command = namesake.fix.command
    assert command[-2:] == ("up", "-d") and command[command.index("-p") + 1] == f"{name}-tmp", command
    assert command[command.index("--project-directory") + 1] == str(second), command
    read = subprocess.run([*command[:-2], "config", "--services"], cwd="/", capture_output=True, text=True,
                          timeout=60, env={**os.environ, "DOCKER_HOST": docker_engine})
    assert read.returncode == 0 and read.stdout.split() == ["web"], read.stderr


@pytest.mark.docker
def test_leftover_plain_container(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    port = free_port()
    name = f"doctor-leftover-{port}"
    run = subprocess.run([docker_engine, "run", "-d", "--name", name, "-p", f"{port}:80", busybox_image,
                          "httpd", "-f", "-p", "80"], capture_output=True, text=True, timeout=120)
    try:
        assert run.returncode == 0, run.stderr
        held = about(run_doctor(write_project(tmp_path / "p", web_on(port, busybox_image)), {}), port)
        assert [f.message for f in held] == [
            f"0.0.0.0:{port}/tcp ('web') is taken by container '{name}' (not a compose container)"]
        assert held[0].fix is not None and offered_commands(held[0].fix) == [("docker", "rm", "-f", name)]
    finally:
        subprocess.run([docker_engine, "rm", "-f", "-v", name], capture_output=True, timeout=60)


@pytest.mark.docker
def test_static_rule_matches_compose(tmp_path: Path, docker_engine: str, busybox_image: str,
                                     compose_projects: list[tuple[str, Path]]) -> None:
    """What the static half calls an error fails for real; a warning-level pair starts one at a time."""
    port = free_port()
    body = (f"services:\n  front:\n    image: {busybox_image}\n    command: [sleep, '60']\n"
            "    depends_on: [a, b]\n")
    for service in ("a", "b", "c"):
        body += (f"  {service}:\n    image: {busybox_image}\n    command: [httpd, -f, -p, '80']\n"
                 f"    ports:\n      - \"{port}:80\"\n")
    folder = write_project(tmp_path / "clash", body)
    clash = project_name("doctorclash")
    compose_projects.append((clash, folder))
    findings = about(run_doctor(folder, {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}), port)
    assert [f.severity for f in findings] == [Severity.ERROR]  # a, b and c: front starts a and b
    failed = compose(docker_engine, folder, clash, "up", "-d", "front")
    assert failed.returncode != 0
    assert "port is already allocated" in failed.stderr or "address already in use" in failed.stderr
    compose(docker_engine, folder, clash, "down", "-v", "--timeout", "1")
    alone = compose(docker_engine, folder, clash, "up", "-d", "c")
    assert alone.returncode == 0, alone.stderr
