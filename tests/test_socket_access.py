"""A newcomer without access to the engine's socket is told the one thing to do (doctor.host.socket_access).

Every case is real: a socket served by a fake engine, given the mode and group a real install
gives it, connected to as an unprivileged user (uid 65534: root ignores modes). Before, the
default socket got "(add your user to the 'docker' group)" whatever its group and whether the
user had already joined it (the commonest case: `usermod -aG docker` done, this shell older),
and any other socket got no advice at all.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

REPLAY = Path(__file__).resolve().parent / "replay"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                                reason="needs root (to give a socket its group) and setpriv (to drop to uid 65534)")


def _nobody() -> pwd.struct_passwd:
    try:
        return pwd.getpwuid(65534)
    except KeyError:
        pytest.skip("no passwd entry for uid 65534")


def _foreign_group() -> grp.struct_group:
    """A named group uid 65534 is not in (per /etc/group): the socket's group it has not joined."""
    nobody = _nobody()
    joined = set(os.getgrouplist(nobody.pw_name, nobody.pw_gid))
    for group in grp.getgrall():
        if group.gr_gid not in joined and group.gr_gid != 0:
            return group
    pytest.skip("no group that uid 65534 is not in")


def _reason_as_nobody(url: str, gid: int) -> str:
    """The engine's reason as doctor gives it to uid 65534 running with primary group `gid` and no other."""
    script = ("from doctor.host.engine import find_engine; import sys; "
              "e = find_engine({'DOCKER_HOST': sys.argv[1]}); print(e.reason)")
    done = subprocess.run(["setpriv", "--reuid=65534", f"--regid={gid}", "--clear-groups",
                           sys.executable, "-c", script, url], capture_output=True, text=True, timeout=30, cwd="/")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _locked_socket(short_dir: Path, mode: int, gid: int) -> FakeEngine:
    fake = FakeEngine(short_dir / "docker.sock")
    os.chown(fake.path, 0, gid)
    os.chmod(fake.path, mode)
    return fake


def test_a_user_not_in_the_sockets_group_is_told_the_command_that_joins_it(short_dir: Path) -> None:
    group = _foreign_group()
    fake = _locked_socket(short_dir, 0o660, group.gr_gid)
    try:
        reason = _reason_as_nobody(fake.url, _nobody().pw_gid)
    finally:
        fake.close()
    assert reason == (f"permission denied on {fake.path} (join its group '{group.gr_name}': "
                      f"sudo usermod -aG {group.gr_name} $USER, then log in again)")
    assert fake.requests == []


def test_a_user_who_joined_the_group_after_the_session_began_is_told_to_log_in_again(short_dir: Path) -> None:
    """/etc/group lists the user in the socket's group; the running process (a shell older than the
    `usermod -aG`) lacks it. Joining again would change nothing."""
    nobody = _nobody()
    fake = _locked_socket(short_dir, 0o660, nobody.pw_gid)  # a group the database gives uid 65534
    try:
        reason = _reason_as_nobody(fake.url, _foreign_group().gr_gid)  # ... which this process does not hold
    finally:
        fake.close()
    group = grp.getgrgid(nobody.pw_gid).gr_name
    assert reason == (f"permission denied on {fake.path} (you are in group '{group}' but this session is not: "
                      f"log in again, or run 'newgrp {group}')")


@pytest.mark.parametrize("mode, gid", [(0o600, None), (0o660, 0)], ids=["owner only", "group root"])
def test_a_socket_no_group_opens_names_its_owner_not_a_group(short_dir: Path, mode: int, gid: int | None) -> None:
    """`root:root 0660` (an engine installed without a docker group) or `0600`: joining a group cannot help."""
    fake = _locked_socket(short_dir, mode, _foreign_group().gr_gid if gid is None else gid)
    try:
        reason = _reason_as_nobody(fake.url, _nobody().pw_gid)
    finally:
        fake.close()
    assert reason == (f"permission denied on {fake.path} (only root may use it: run doctor as root, "
                      "or set DOCKER_HOST to an engine you may use)")


def test_fastapi_template_as_a_newcomer_without_engine_access(short_dir: Path) -> None:
    """The fastapi template, preflight run by a user outside the socket's group: the engine's checks are
    skipped (never passed) with the advice, in every format the same, and the run is not failed for it."""
    project = short_dir / "fastapi"
    shutil.copytree(REPLAY / "fastapi-template", project)
    for folder, _, files in os.walk(project):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    group = _foreign_group()
    fake = _locked_socket(short_dir, 0o660, group.gr_gid)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent", "DOCKER_HOST": fake.url,
           "DOCTOR_NO_CACHE": "1", "NO_COLOR": "1"}
    try:
        done = subprocess.run(["setpriv", "--reuid=65534", f"--regid={_nobody().pw_gid}", "--clear-groups",
                               sys.executable, "-m", "doctor", "preflight", "--format", "json",
                               "--select", "image-availability,port-collision", str(project)],
                              capture_output=True, text=True, timeout=60, env=env, cwd="/")
    finally:
        fake.close()
    checks = {check["id"]: check for check in json.loads(done.stdout)["checks"]}
    reason = (f"docker engine unavailable: permission denied on {fake.path} (join its group '{group.gr_name}': "
              f"sudo usermod -aG {group.gr_name} $USER, then log in again)")
    assert checks["image-availability"]["status"] == "skipped"
    assert checks["image-availability"]["reason"] == reason
    # skipped when the bind probes pass; failed (with the same reason) when a port here is taken now
    ports = checks["port-collision"]
    assert ports["status"] in ("skipped", "failed") and ports["reason"].startswith(reason), ports
    assert done.returncode == (1 if ports["status"] == "failed" else 0), done.stderr


def _default_socket_reason_as_nobody(default: Path, runtime: Path) -> str:
    """The engine's reason for uid 65534 with no DOCKER_HOST: the default socket (here `default`, standing in
    for /var/run/docker.sock) refused, and XDG_RUNTIME_DIR `runtime`."""
    script = ("import sys; import doctor.host.endpoint as ep; ep.DEFAULT_SOCKET = sys.argv[1]; "
              "from doctor.host.engine import find_engine; print(find_engine({'HOME': '/nonexistent'}).reason)")
    done = subprocess.run(["setpriv", "--reuid=65534", f"--regid={_nobody().pw_gid}", "--clear-groups",
                           sys.executable, "-c", script, str(default)], capture_output=True, text=True, timeout=30,
                          cwd="/", env={"PATH": os.environ.get("PATH", ""), "XDG_RUNTIME_DIR": str(runtime)})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_rootless_user_refused_by_the_rootful_socket_is_told_to_set_docker_host(short_dir: Path) -> None:
    """A machine with a rootful engine (`root:docker 0660` at the default socket) and this user's own rootless
    engine running, DOCKER_HOST not set: doctor (and compose) dial the default socket and are refused. The
    advice was to join the docker group (root's engine, for a user who chose rootless); it is the export
    dockerd-rootless-setuptool.sh prints. Found on a real rootless dockerd (rootlesskit 1.1, Debian's 20.10.24)."""
    group = _foreign_group()
    (short_dir / "root").mkdir()
    rootful = _locked_socket(short_dir / "root", 0o660, group.gr_gid)
    runtime = short_dir / "run"
    runtime.mkdir()
    own = FakeEngine(runtime / "docker.sock")
    os.chown(runtime, 65534, _nobody().pw_gid)
    os.chown(own.path, 65534, _nobody().pw_gid)
    try:
        reason = _default_socket_reason_as_nobody(rootful.path, runtime)
        os.chown(own.path, 0, 0)  # a socket of another user's is not this user's engine
        other = _default_socket_reason_as_nobody(rootful.path, runtime)
    finally:
        rootful.close()
        own.close()
    assert reason == (f"permission denied on {rootful.path} (your own rootless engine listens on {own.path}: "
                      f"export DOCKER_HOST=unix://{own.path}, which compose and the docker CLI need too)")
    assert other == (f"permission denied on {rootful.path} (join its group '{group.gr_name}': "
                     f"sudo usermod -aG {group.gr_name} $USER, then log in again)")
