"""host-gateway on a rootless engine whose host-gateway cannot reach this machine, the entry already written.

Before: under a real rootless dockerd (Debian's 20.10.24 from dockerd-rootless.sh, rootlesskit 1.1, slirp4netns),
a service with `extra_hosts: ["host.docker.internal:host-gateway"]` dialing `API=http://host.docker.internal:23451/`
(a host `python3 -m http.server 23451`) passed doctor preflight, also right after `doctor fix --hosts` wrote that
entry ('(fixed)'), while in the container `nc host.docker.internal 23451` was refused (172.17.0.1, the bridge
of rootlesskit's namespace); with `"host-gateway-ip": "10.0.2.2"` in ~/.config/docker/daemon.json alone it was
'Network is unreachable' (rootlesskit's --disable-host-loopback); with that and
DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false it answered 'HTTP/1.0 200 OK'. The process
tree here is that one's shape: rootlesskit, then dockerd, whose pid is in docker.pid beside its socket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

COMPOSE = """services:
  web:
    image: doctor-test/web
    extra_hosts:
      - "host.docker.internal:host-gateway"
    environment:
      API: http://host.docker.internal:23451/
"""
# a "rootlesskit" running a "dockerd" child, which writes its pid to docker.pid as dockerd-rootless.sh's does
KIT = "import subprocess, sys\np = subprocess.Popen([sys.argv[-3], '-c', sys.argv[-2], sys.argv[-1]])\np.wait()\n"
DOCKERD = ("import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(60)\n")


def _findings(tmp_path: Path, short_dir: Path, kit_flags: list[str], config: dict[str, str] | None) -> list[str]:
    runtime = short_dir / "run"
    runtime.mkdir()
    home = tmp_path / "home"
    if config is not None:
        (home / ".config" / "docker").mkdir(parents=True)
        (home / ".config" / "docker" / "daemon.json").write_text(json.dumps(config))
    home.mkdir(exist_ok=True)
    for name in ("rootlesskit", "dockerd"):  # the kernel names a process after the file it ran
        (tmp_path / name).symlink_to(sys.executable)
    info = {"OSType": "linux", "ServerVersion": "20.10.24+dfsg1",
            "SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]}
    engine = FakeEngine(runtime / "docker.sock", {"/info": info})
    kit = subprocess.Popen([str(tmp_path / "rootlesskit"), "-c", KIT, *kit_flags, str(tmp_path / "dockerd"), DOCKERD,
                            str(runtime / "docker.pid")], env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
    try:
        for _ in range(100):
            if (runtime / "docker.pid").is_file() and (runtime / "docker.pid").read_text():
                break
            time.sleep(0.05)
        project = tmp_path / "proj"
        project.mkdir()
        (project / "compose.yaml").write_text(COMPOSE)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": engine.url}
        options = ProjectOptions(path=project, env=env)
        report = preflight(RunOptions(project=options, select=("host-gateway",), env=env), load_registry()).report
    finally:
        engine.close()
        subprocess.run(["pkill", "-P", str(kit.pid)], check=False)  # its dockerd, by its parent's pid
        kit.kill()
        kit.wait()
    return [f"{f.message} | {f.fix.title if f.fix else ''}" for f in report.findings]


def _flags(*extra: str) -> list[str]:
    # the flags the rootlesskit of dockerd-rootless.sh got, then the command it runs (`-c` comes before them)
    return ["--net=slirp4netns", "--mtu=65520", "--disable-host-loopback", "--port-driver=builtin", *extra]


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")


@needs_proc
def test_an_engine_as_dockerd_rootless_sh_starts_it_is_named_with_both_settings(tmp_path: Path,
                                                                                 short_dir: Path) -> None:
    found = _findings(tmp_path, short_dir, _flags(), None)
    assert found == [
        "'web' dials host.docker.internal (API) through host-gateway, which this rootless engine does not let reach "
        "this machine: no \"host-gateway-ip\" in its daemon.json and its rootlesskit runs with --disable-host-loopback"
        " | let this rootless engine reach the host: \"host-gateway-ip\": \"10.0.2.2\" in ~/.config/docker/daemon.json"
        " and DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false in its environment, then restart it "
        "(doctor explain host-gateway)"], found


@needs_proc
def test_the_gateway_set_with_loopback_still_off_names_the_loopback(tmp_path: Path, short_dir: Path) -> None:
    found = _findings(tmp_path, short_dir, _flags(), {"host-gateway-ip": "10.0.2.2"})
    assert len(found) == 1 and found[0].endswith("its rootlesskit runs with --disable-host-loopback | let this "
                                                 "rootless engine reach the host: DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS"
                                                 "=--disable-host-loopback=false in its environment, then restart "
                                                 "it (doctor explain host-gateway)"), found


@needs_proc
def test_an_engine_that_reaches_the_host_is_clean(tmp_path: Path, short_dir: Path) -> None:
    on = _flags("--disable-host-loopback=false")
    assert _findings(tmp_path, short_dir, on, {"host-gateway-ip": "10.0.2.2"}) == []
