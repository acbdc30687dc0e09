"""Remote engines and userns-remap: what a check may say about this machine when the engine is elsewhere,
or maps container uids to a range of its own.

missing-mount: with a remote engine a bind source is a path of the engine's machine (compose sends the
absolute path it resolved here), so a source missing here proves nothing, and a `mkdir` here fixes nothing.
port-collision: a moved port is the remote engine's machine's, not this machine's.
root-owned-files: under a daemon's userns-remap, container uid N writes as first+N (dockremap's 100000+N).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount
from doctor.checks.port_collision.fix import PortMove, port_fix
from test_portfix import host_with, load

from doctor.host import Host
from doctor.host.endpoint import Endpoint
from doctor.host.engine import EngineConnection
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="files of other owners need root")

BINDS = """services:
  web:
    image: nginx
    volumes:
      - ./data:/data
      - ./nginx.conf:/etc/nginx/nginx.conf
      - type: bind
        source: ./strict
        target: /strict
        bind:
          create_host_path: false
"""


def _missing_sources(tmp_path: Path, env: dict[str, str]) -> dict[str, Finding]:
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "compose.yaml").write_text(BINDS)
    project = Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    found = MissingMount().run(project, Host(env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **env}))
    return {f.subject: f for f in found}


def _context(home: Path, name: str, url: str) -> None:
    """A docker context named `name` whose engine is `url`, made current, as the docker CLI stores it."""
    meta = home / ".docker" / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": {},
                                                "Endpoints": {"docker": {"Host": url, "SkipTLSVerify": False}}}))
    (home / ".docker" / "config.json").write_text(json.dumps({"currentContext": name}))


def test_a_missing_bind_source_under_a_remote_tcp_engine_is_the_engine_machines(tmp_path: Path) -> None:
    found = _missing_sources(tmp_path, {"DOCKER_HOST": "tcp://203.0.113.7:2376"})
    data, conf, strict = found["web:data"], found["web:nginx.conf"], found["web:strict"]
    where = tmp_path / "proj"
    assert (data.severity, data.message) == (Severity.INFO, (
        "bind source ./data is missing here, but the remote engine looks it up on 203.0.113.7: docker makes it "
        "root-owned there if it is missing there too"))
    assert data.fix is not None and data.fix.safety is Safety.ADVICE and data.fix.command == ()  # never run here
    assert data.fix.title == (f"on 203.0.113.7, the engine's machine (not this one), create {where}/data/ before "
                              f"starting, if it is missing there: mkdir -p {where}/data")
    assert (conf.severity, conf.message.rpartition(": ")[2]) == (
        Severity.INFO, "docker makes a root-owned directory there if it is missing there too")
    assert conf.fix is not None and conf.fix.command == () and conf.fix.title.startswith(
        f"on 203.0.113.7, the engine's machine (not this one), create the file {where}/nginx.conf before starting")
    # create_host_path false: the service cannot start if it is missing there too (a warning, not the local error)
    assert (strict.severity, strict.message.rpartition(": ")[2]) == (
        Severity.WARNING, "'web' cannot start if it is missing there (create_host_path is false)")
    assert strict.fix is not None and strict.fix.safety is Safety.ADVICE and strict.fix.command == ()
    assert not (where / "data").exists()


def test_a_context_naming_an_ssh_engine_gets_the_mkdir_through_ssh(tmp_path: Path) -> None:
    _context(tmp_path, "build-box", "ssh://me@build-box.example:2222")
    data = _missing_sources(tmp_path, {})["web:data"]
    assert data.message.startswith("bind source ./data is missing here, but the remote engine looks it up on "
                                   "build-box.example: ")
    assert data.fix is not None and data.fix.command == ()
    assert data.fix.title.endswith(f"missing there: ssh -p 2222 me@build-box.example 'mkdir -p {tmp_path}/proj/data'")


@pytest.mark.parametrize("env", [{"DOCKER_HOST": "tcp://127.0.0.1:2375"}, {"DOCKER_HOST": "ssh://me@localhost"},
                                 {"DOCKER_HOST": "unix:///var/run/docker.sock"}])
def test_a_local_engine_keeps_the_local_judgement(tmp_path: Path, env: dict[str, str]) -> None:
    found = _missing_sources(tmp_path, env)
    assert found["web:data"].message == "bind source ./data does not exist: docker will create it root-owned"
    assert found["web:strict"].severity is Severity.ERROR


@pytest.mark.parametrize(("url", "whose"), [
    ("tcp://203.0.113.7:2376", "203.0.113.7's (the remote engine's machine)"),
    ("ssh://me@build-box.example", "build-box.example's (the remote engine's machine)"),
    ("tcp://127.0.0.1:2375", "this machine's"),
])
def test_a_moved_port_under_a_remote_engine_is_that_machines(tmp_path: Path, url: str, whose: str) -> None:
    """With a remote engine the port is published on the engine's machine: "this machine's" was wrong there."""
    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["${WEB_PORT:-8000}:80"]\n',
                   "WEB_PORT=8000\n")
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    subprocess.run(["git", "-C", str(project.root), "add", ".env", "compose.yaml"], check=True)
    host = host_with({8000})
    host.engine = EngineConnection(Endpoint(url, "DOCKER_HOST"), None)
    move = port_fix(project, host, "web", project.services["web"].ports[0], ports_range=(20000, 20010),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.title.endswith(
        f"(.env WEB_PORT; .env is tracked by git: this port is {whose}, keep it out of commits)"), move.title


# root-owned-files under userns-remap -------------------------------------------------------------

REMAP_INFO = {"SecurityOptions": ["name=seccomp,profile=default", "name=userns"],
              "DockerRootDir": "/var/lib/docker/100000.100000"}  # dockerd 20.10.24 --userns-remap=default


def _remapped_strays(short_dir: Path, body: str, owned: dict[str, int], info: dict[str, object],
                     monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    """RootOwnedFiles on a project owned by uid 1000 whose `owned` paths (made here) belong to those uids,
    run as uid 1000 without sudo (the chown goes through the engine) against a fake engine answering `info`."""
    from doctor.checks.root_owned_files import RootOwnedFiles
    from fake_docker_engine import FakeEngine

    from doctor.host import owners as owners_module
    from doctor.host.platform import Kind, Platform

    folder = short_dir / "proj"
    folder.mkdir()
    (folder / "compose.yaml").write_text(body)
    os.chown(folder, 1000, 1000)
    os.chown(folder / "compose.yaml", 1000, 1000)
    for rel, uid in owned.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.chown(path.parent, uid, uid)
        os.chown(path, uid, uid)
    root = short_dir / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "subuid").write_text("dockremap:100000:65536\n")  # as dockerd wrote it here
    monkeypatch.setattr(owners_module.OwnerProbe, "euid", property(lambda self: 1000))
    fake = FakeEngine(short_dir / "e.sock", {
        "/info": info, "/images/json": [{"RepoTags": ["doctor-test/web:latest"]}],
        "/images/doctor-test/web/json": {"Id": "sha256:ab", "Config": {"User": ""}}})
    try:
        host = Host(env={"DOCKER_HOST": fake.url, "PATH": str(short_dir / "empty"), "DOCTOR_NO_CACHE": "1"})
        host.__dict__["platform"] = Platform(Kind.LINUX, {}, root)
        return list(RootOwnedFiles().run(Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin"})), host))
    finally:
        fake.close()


WEB = "services:\n  web:\n    image: doctor-test/web\n    volumes:\n      - ./cache:/srv/cache\n"


@needs_root
def test_strays_of_a_userns_remap_are_container_root_and_chowned_outside_the_remap(
        short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `--userns-remap=default` container root writes as 100000 (dockremap's first subuid): these are
    the container's files, and `docker run --user 0:0 ... chown 1000:1000` would leave them 101000."""
    (finding,) = _remapped_strays(short_dir, WEB, {"cache/x": 100000}, REMAP_INFO, monkeypatch)
    assert finding.message == ("2 paths in 'cache' owned by container uid 0 of the engine's userns-remap (uids from "
                               "100000), not uid 1000: cache, ...")
    fix = finding.fix
    assert fix is not None and fix.command == (
        "docker", "run", "--rm", "--userns=host", "--user", "0:0", "--entrypoint", "chown", "-v",
        f"{short_dir}/proj:/w", "doctor-test/web:latest", "-hR", "1000:1000", "/w/cache")
    # `user: "${UID}:${GID}"` alone would write as 101000 under the remap: the service leaves it too
    assert fix.title == (
        "chown cache to 1000:1000 through the docker engine, outside its userns-remap (then, by hand: give 'web' "
        "userns_mode: \"host\" (under the engine's userns-remap uid 1000 inside is 101000 here), and set UID=1000 and "
        "GID=1000 in .env and run 'web' with user: \"${UID}:${GID}\")")


@needs_root
def test_a_servers_data_under_a_userns_remap_is_its_own_user(short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """postgres's uid 999 writes as 100999 under the remap: its data kept by design, as on a plain engine."""
    body = "services:\n  db:\n    image: postgres:16\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n"
    (finding,) = _remapped_strays(short_dir, body, {"pgdata/PG_VERSION": 100999}, REMAP_INFO, monkeypatch)
    assert finding.severity is Severity.INFO
    assert finding.message.startswith("2 paths in 'pgdata' owned by container uid 999 of the engine's userns-remap")
    assert finding.fix is not None and finding.fix.command == () and 'userns_mode: "host"' in finding.fix.title


@needs_root
def test_without_a_userns_remap_a_high_uid_is_no_containers(short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    info = {"SecurityOptions": ["name=seccomp,profile=default"], "DockerRootDir": "/var/lib/docker"}
    (finding,) = _remapped_strays(short_dir, WEB, {"cache/x": 100000}, info, monkeypatch)
    assert finding.message.startswith("2 paths in 'cache' owned by uid 100000, not uid 1000")
    assert finding.fix is not None and "--userns=host" not in finding.fix.command
