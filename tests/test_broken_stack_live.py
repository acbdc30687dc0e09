"""The fix issue's "Done when", for real: examples/broken-stack with its traefik port held.

`doctor fix --ports --yes` then `docker compose up -d` starts every service, and `doctor
preflight` is clean of the fixed checks. Run as a user would: `python -m doctor` in the
project folder, with the same `-f` list given to doctor and to compose.

- The stack's images cannot be pulled or built here (no registry): tests/ci_images.py builds
  local busybox stand-ins under doctor-only names (`doctor-test/postgres:17`, ...) and the
  copy's compose files are rewritten to use them, so a developer's real `postgres:17` is never
  shadowed; the stand-ins ignore the stack's `command:`, and prestart's `bash
  scripts/prestart.sh` exits 0 at once.
- The stack's files are otherwise used as they are. One test-only overlay (`compose.live.yaml`,
  given last with `-f`) only renames the project (a per-run name), so the test never touches a
  developer's real `trading` project; the other project holding the port is per-run too.
- Non-port faults are left in place while the port is fixed (the stack as users have it);
  the process-holder run then fixes everything with `doctor fix --yes`, starts the stack
  again, and requires a preflight of every fixable check with no warning or error at all.
- Ports: every host port the copy publishes (traefik's `${TRAEFIK_PORT:-8094}`, the one held
  and moved; db's `.env` POSTGRES_PORT=5433; backend's 8000; mailcatcher's 1080) is rewritten
  to a port free at run time, so two runs at once, a developer's own stack, and `doctor
  preflight examples/clean-stack` never compete for 8094/8000/1080/5433.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ci_images import BROKEN_STACK, ensure, rewrite_images, rewrite_ports
from portprobe import bindable

from doctor.engine import load_registry
from doctor.fixer import fix_families

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
OTHERTRACK = Path(__file__).resolve().parent / "live" / "othertrack" / "compose.yaml"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TRAEFIK = 8094  # traefik's `${TRAEFIK_PORT:-8094}:80`: the port held and moved (rewritten per run)
FIXED_PORTS = (TRAEFIK, 8000, 1080, 5433)  # every host port the example publishes
FILES = ("compose.yaml", "compose.override.yaml", "compose.live.yaml")
PASSWORD = "s3cret-Pa55"  # the example .env's database password: never printed
ONE_SHOT = frozenset({"prestart"})  # may have exited 0 by the time `ps` looks


def _unavailable(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} (CI=true: this test must run)")
    pytest.skip(what)


def ports_seen_or_skip(stack: Stack) -> None:
    """Skip (fail under CI=true) where port-collision cannot look: inside a container doctor asks
    the docker engine for the host's ports (this test needs no engine elsewhere)."""
    done = stack.doctor("preflight", "--format", "json", "--select", "port-collision")
    (check,) = json.loads(done.stdout)["checks"]
    if check["status"] == "skipped":
        _unavailable(f"port-collision cannot look here: {check['reason']}")



def free_ports(count: int) -> list[int]:
    """`count` distinct free high ports below the usual ephemeral range."""
    found: list[int] = []
    for _ in range(400):
        port = random.randrange(20000, 30000)
        if port not in found and bindable(port):
            found.append(port)
            if len(found) == count:
                return found
    _unavailable("no free high ports")
    raise AssertionError("unreachable")


def tree_hash(root: Path) -> str:
    """Every file's path, mode and bytes under `root` (a fix that changes nothing keeps this)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_mode}\0".encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Stack:
    """A copy of an example stack, and how to run doctor and compose on it."""

    root: Path
    name: str
    env: dict[str, str]
    docker: str
    ports: dict[int, int] = field(default_factory=dict)  # the example's host port -> this copy's
    files: tuple[str, ...] = FILES

    @property
    def held(self) -> int:
        """traefik's host port in this copy: the one a test holds and `fix --ports` moves."""
        return self.ports[TRAEFIK]

    def _f(self) -> list[str]:
        return [arg for name in self.files for arg in ("-f", name)]

    def doctor(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`python -m doctor COMMAND -f ... ARGS` in the project folder."""
        command, *rest = args
        argv = [sys.executable, "-m", "doctor", command, *self._f(), *rest]
        return subprocess.run(argv, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=120)

    def compose(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`docker compose -f ... ARGS` in the project folder."""
        return subprocess.run([self.docker, "compose", *self._f(), *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=180)

    def findings(self, *args: str) -> tuple[int, list[dict[str, object]]]:
        """`doctor preflight --format json ARGS`: the exit code and the findings."""
        done = self.doctor("preflight", "--format", "json", *args)
        assert done.returncode in (0, 1), done.stdout + done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        return done.returncode, list(json.loads(done.stdout)["findings"])

    def containers(self) -> list[dict[str, object]]:
        """`docker compose ps -a --format json`: one record per container, stopped ones too."""
        done = self.compose("ps", "-a", "--format", "json")
        assert done.returncode == 0, done.stderr
        text = done.stdout.strip()
        if text.startswith("["):
            return list(json.loads(text))
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "TRAEFIK_", "POSTGRES_"))}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")  # doctor's backups and locks stay in the test
    env.pop("SENTRY_DSN", None)
    return env


def copy_stack(tmp_path: Path, example: str, docker: str, images: dict[str, str] | None = None) -> Stack:
    """The example in tmp_path: a per-run project name (the overlay), every host port moved to a
    port free now, and, for a stack that will run, its images renamed to the doctor-only stand-ins.
    """
    name = f"doctor-test-{secrets.token_hex(4)}"
    root = tmp_path / name
    shutil.copytree(EXAMPLES / example, root)
    (root / "compose.live.yaml").write_text(
        "# test-only: another project name, so a developer's real stack is never touched\n"
        f"name: {name}\n")
    ports = dict(zip(FIXED_PORTS, free_ports(len(FIXED_PORTS)), strict=True))
    rewrite_ports(root, ports)
    if images:
        rewrite_images(root, images)
    return Stack(root, name, _env(tmp_path), docker, ports)


@contextmanager
def held_by_othertrack(docker: str, image: str, port: int) -> Iterator[tuple[str, str]]:
    """`port` published by service 'traefik' of another compose project (a per-run name);
    yields the expected owner and that container's name."""
    other = f"othertrack-{secrets.token_hex(4)}"
    env = {**os.environ, "HOLD_PORT": str(port), "HOLD_IMAGE": image}
    argv = [docker, "compose", "-p", other, "-f", str(OTHERTRACK)]
    try:
        up = subprocess.run([*argv, "up", "-d"], env=env, capture_output=True, text=True, timeout=120)
        assert up.returncode == 0, up.stderr
        container = f"{other}-traefik-1"
        yield f"is taken by '{other}' service 'traefik' (container {container})", container
    finally:
        subprocess.run([*argv, "down", "-v", "--remove-orphans"], env=env, capture_output=True, timeout=120)


@contextmanager
def held_by_process(port: int) -> Iterator[tuple[str, str]]:
    """`port` listened on by a plain host process (not pytest itself); yields the expected owner."""
    code = ("import socket, sys, time\n"
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            f"s.bind(('0.0.0.0', {port})); s.listen(); print('ready', flush=True); time.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield f"is held by pid {holder.pid} ", ""
    finally:
        holder.kill()
        holder.wait(timeout=10)


@pytest.fixture
def images(docker_engine: str, busybox_image: str) -> dict[str, str]:
    """The stack's image references -> the doctor-only stand-ins built for them."""
    return ensure(docker_engine, busybox_image, BROKEN_STACK)


def _mapping_line(stack: Stack) -> int:
    lines = (stack.root / "compose.yaml").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if f'"${{TRAEFIK_PORT:-{stack.held}}}:80"' in line)


def _assert_all_running(stack: Stack) -> dict[str, dict[str, object]]:
    services = stack.compose("config", "--services")
    assert services.returncode == 0, services.stderr
    wanted = sorted(services.stdout.split())
    by_service = {str(c["Service"]): c for c in stack.containers()}
    assert sorted(by_service) == wanted == ["backend", "db", "frontend", "mailcatcher", "prestart", "traefik"]
    states = {s: (c["State"], c.get("ExitCode")) for s, c in by_service.items()}
    # a one-shot job (prestart) counts when it ran and exited 0; every other service must be running
    bad = {s: st for s, st in states.items()
           if st[0] != "running" and not (s in ONE_SHOT and st == ("exited", 0))}
    assert bad == {}, states
    return by_service


def _published(container: dict[str, object]) -> set[int]:
    publishers = container.get("Publishers") or []
    assert isinstance(publishers, list)
    return {int(p["PublishedPort"]) for p in publishers if p.get("PublishedPort")}


def _answers(port: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
                if conn.recv(64).startswith(b"HTTP/"):
                    return True
        except OSError:
            time.sleep(0.2)
    return False


@pytest.mark.docker
@pytest.mark.parametrize("holder", ["othertrack", "process"])
def test_fix_ports_then_up_starts_every_service(holder: str, tmp_path: Path, docker_engine: str,
                                                busybox_image: str, images: dict[str, str]) -> None:
    stack = copy_stack(tmp_path, "broken-stack", docker_engine, images)
    held = stack.held
    env_before = (stack.root / ".env").read_text()
    line = _mapping_line(stack)
    hold = (held_by_othertrack(docker_engine, busybox_image, held) if holder == "othertrack"
            else held_by_process(held))
    try:
        with hold as (owner, _):
            # without doctor, compose stops half-way on the held port
            failed = stack.compose("up", "-d")
            assert failed.returncode != 0 and f":{held}" in failed.stderr, failed.stderr

            code, found = stack.findings("--select", "port-collision")
            assert code == 1
            assert [(f["severity"], f["file"], f["line"], f["subject"]) for f in found] == [
                ("error", "compose.yaml", line, f"port:0.0.0.0:{held}/tcp")], found
            message = str(found[0]["message"])
            assert message.startswith(f"0.0.0.0:{held}/tcp ('traefik') {owner}"), message

            fixed = stack.doctor("fix", "--ports", "--yes")
            assert fixed.returncode == 0, fixed.stdout + fixed.stderr
            assert "1 applied (1 verified fixed), 0 skipped, 0 failed" in fixed.stdout, fixed.stdout
            assert PASSWORD not in fixed.stdout + fixed.stderr
            env_after = (stack.root / ".env").read_text()
            added = re.fullmatch(re.escape(env_before) + r"TRAEFIK_PORT=(\d+)\n", env_after)
            assert added is not None, env_after  # one line appended, nothing else touched
            new = int(added[1])
            assert new != held and new not in stack.ports.values() and 1024 <= new < 32768, new

            up = stack.compose("up", "-d")
            assert up.returncode == 0, up.stderr
            by_service = _assert_all_running(stack)
            assert _published(by_service["traefik"]) == {new}
            assert _answers(new), f"traefik's stand-in does not answer on {new}"
            frontend_env = subprocess.run(
                [docker_engine, "inspect", "--format", "{{json .Config.Env}}", str(by_service["frontend"]["Name"])],
                capture_output=True, text=True, timeout=30)
            # the browser URL follows the moved port: it reads the same variable
            assert f"VITE_API_URL=http://localhost:{new}/api" in json.loads(frontend_env.stdout)

            # our own running containers hold our own ports: no collision, nothing left to fix
            code, found = stack.findings("--select", "port-collision")
            assert (code, found) == (0, [])
            before = tree_hash(stack.root)
            again = stack.doctor("fix", "--ports", "--yes")
            assert again.returncode == 0 and "nothing to fix" in again.stdout, again.stdout + again.stderr
            assert tree_hash(stack.root) == before

            if holder == "process":
                _fix_everything_and_rerun(stack, new)
    finally:
        stack.compose("down", "-v", "--remove-orphans")


def _fix_everything_and_rerun(stack: Stack, new: int) -> None:
    """The non-port faults too: `doctor fix --yes`, `up -d` again, then a preflight with nothing to say."""
    everything = stack.doctor("fix", "--yes")
    assert everything.returncode == 0, everything.stdout + everything.stderr
    assert re.search(r"^(\d+) applied \(\1 verified fixed\), \d+ skipped, 0 failed$", everything.stdout, re.M), (
        everything.stdout)
    # only advice is skipped: host-vs-container's "run it in the service", which judges this test
    # machine too (a CI job container is not the backend service)
    skipped = [line for line in everything.stdout.splitlines() if line.startswith("skipped")]
    assert all("advice only" in line for line in skipped), everything.stdout
    assert PASSWORD not in everything.stdout + everything.stderr
    up = stack.compose("up", "-d")
    assert up.returncode == 0, up.stderr
    by_service = _assert_all_running(stack)
    assert _published(by_service["traefik"]) == {new}
    # every check `doctor fix` has a family for
    fixable = ",".join(sorted(c for ids in fix_families(load_registry()).values() for c in ids))
    code, found = stack.findings("--select", fixable, "--fail-on", "warning")
    assert [(f["check"], f["severity"], f["message"]) for f in found if f["severity"] != "info"] == []
    assert code == 0


@pytest.mark.docker
def test_fix_dry_run_on_the_held_port_stack_changes_nothing(tmp_path: Path, docker_engine: str,
                                                            busybox_image: str) -> None:
    stack = copy_stack(tmp_path, "broken-stack", docker_engine)
    before = tree_hash(stack.root)
    with held_by_othertrack(docker_engine, busybox_image, stack.held) as (_, container):
        for args in (("--dry-run",), ("--ports", "--yes", "--dry-run")):
            done = stack.doctor("fix", *args)
            assert done.returncode == 0, done.stdout + done.stderr
            assert re.search(r"^\+TRAEFIK_PORT=\d+$", done.stdout, re.M), done.stdout  # the diff is shown
            assert "no file changed" in done.stdout and PASSWORD not in done.stdout + done.stderr
            assert tree_hash(stack.root) == before, args
        # the other project's container was neither stopped nor removed
        state = subprocess.run([docker_engine, "inspect", "--format", "{{.State.Status}}", container],
                               capture_output=True, text=True, timeout=30)
        assert state.stdout.strip() == "running", state.stderr
    assert not (tmp_path / "state" / "doctor" / "backups").exists()
    code, found = stack.findings("--select", "port-collision")
    assert (code, found) == (0, [])  # the hold is gone, and the files still publish the held port


def test_fix_ports_leaves_the_clean_stack_clean(tmp_path: Path) -> None:
    """examples/clean-stack with traefik's port held: after `doctor fix --ports --yes`, preflight is clean again.

    The port moves through `.env` TRAEFIK_PORT, and backend/prestart read that `.env` with
    `env_file:`; the fix must not leave the stack with a finding it did not have before.
    """
    stack = copy_stack(tmp_path, "clean-stack", "docker")
    with held_by_process(stack.held):
        ports_seen_or_skip(stack)
        code, found = stack.findings()
        assert code == 1
        assert {(f["check"], f["severity"]) for f in found if f["severity"] != "info"} == {
            ("port-collision", "error")}, found
        fixed = stack.doctor("fix", "--ports", "--yes")
        assert fixed.returncode == 0, fixed.stdout + fixed.stderr
        code, found = stack.findings()
        assert [(f["check"], f["message"]) for f in found if f["severity"] != "info"] == []
        assert code == 0


@pytest.mark.docker
@pytest.mark.parametrize("variable", [("TRAEFIK_PORT", "held"), ("COMPOSE_ENV_FILES", "outside")],
                         ids=["port-variable-in-shell", "compose-env-files-outside"])
def test_fix_ports_yes_never_stops_another_projects_container(variable: tuple[str, str], tmp_path: Path,
                                                               docker_engine: str, busybox_image: str) -> None:
    """When no edit can move the port (the variable is set in the shell, or comes from an env file
    COMPOSE_ENV_FILES names outside the project, which a fix does not write), `fix --ports --yes`
    must print that advice; stopping 'othertrack' is only ever asked.
    """
    stack = copy_stack(tmp_path, "broken-stack", docker_engine)
    if variable[1] == "held":
        stack.env[variable[0]] = str(stack.held)
    else:  # compose reads .env, then a file of the user's outside the project that sets the port
        outside = tmp_path / "ports.env"
        outside.write_text(f"TRAEFIK_PORT={stack.held}\n")
        stack.env[variable[0]] = f".env,{outside}"
    before = tree_hash(stack.root)
    with held_by_othertrack(docker_engine, busybox_image, stack.held) as (_, container):
        done = stack.doctor("fix", "--ports", "--yes")
        state = subprocess.run([docker_engine, "inspect", "--format", "{{.State.Status}}", container],
                               capture_output=True, text=True, timeout=30)
        assert state.stdout.strip() == "running", done.stdout + done.stderr
        assert "TRAEFIK_PORT" in done.stdout, done.stdout  # the advice says which variable to set, and where
        # the error is still there: `doctor fix --ports --yes && docker compose up -d` must stop here
        assert done.returncode == 1, done.stdout + done.stderr
    assert tree_hash(stack.root) == before
