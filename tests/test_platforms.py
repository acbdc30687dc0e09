"""Each platform's path on Linux: macOS (Docker Desktop, Colima, OrbStack), WSL2, rootless, remote.

Recorded outputs live in tests/platforms/ (their sources: tests/platforms/SOURCES.md). What can
be real here is: `lsof` and `ss` on a real listener, the `ss` fallback when psutil hides the
pid, a user-namespace uid mapping (rootless), an ssh:// endpoint (tests/test_host_engine.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from doctor.checks.path_gap import _fix as path_fix
from doctor.checks.port_collision import PortCollision
from doctor.checks.root_owned_files import RootOwnedFiles
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.host import endpoint as endpoint_module
from doctor.host.endpoint import Endpoint, discover_endpoint
from doctor.host.platform import Kind, Platform, detect_platform, forwarder_of, parse_lsof, parse_ss
from doctor.host.ports import PortProber
from doctor.host.startup import ProcessKind, path_advice
from doctor.info import collect_info, render_info
from doctor.model import Severity, Unavailable
from doctor.project import Project, ProjectOptions

FIXTURES = Path(__file__).parent / "platforms"
MACOS = {"macos-docker-desktop": ("desktop-linux", "Docker Desktop", "com.docker.backend"),
         "macos-colima": ("colima", "Colima", "limactl"),
         "macos-orbstack": ("orbstack", "OrbStack", "OrbStack Helper")}


def recorded(case: str) -> Platform:
    """A platform whose commands answer with the case's recorded outputs."""
    folder = FIXTURES / case

    def run(argv: Sequence[str]) -> str | None:
        name = {"lsof": "lsof-8080.txt", "launchctl": "launchctl-getenv-PATH.txt", "ss": "ss-3000.txt"}[argv[0]]
        path = folder / name
        return path.read_text() if path.is_file() else None

    kind = Kind.MACOS if case.startswith("macos") else Kind.WSL2 if case == "wsl2" else Kind.LINUX
    return Platform(kind, {}, folder, run)


def docker_config(home: Path, case: str) -> None:
    """Write the recorded `docker context inspect` as the CLI stores it, and make it current."""
    inspected = json.loads((FIXTURES / case / "docker-context-inspect.json").read_text())[0]
    name = inspected["Name"]
    meta = home / ".docker" / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    assert inspected["Storage"]["MetadataPath"].endswith(meta.name)  # the recorded hash is the real one
    meta.mkdir(parents=True)
    stored = {"Name": name, "Metadata": inspected["Metadata"], "Endpoints": inspected["Endpoints"]}
    (meta / "meta.json").write_text(json.dumps(stored))
    (home / ".docker" / "config.json").write_text(json.dumps({"auths": {}, "currentContext": name}))


def project(tmp_path: Path, body: str) -> Project:
    folder = tmp_path / "proj"
    folder.mkdir(exist_ok=True)
    (folder / "compose.yaml").write_text(body)
    return Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))


@pytest.fixture
def listener() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A real process listening on a free port (started as a program, so lsof and ss can name it)."""
    code = ("import socket, sys, time\ns = socket.socket()\ns.bind(('0.0.0.0', 0))\ns.listen()\n"
            "print(s.getsockname()[1], flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    yield proc, port
    proc.kill()
    proc.wait()


# ------------------------------------------------------------------ real tools, real sockets


@pytest.mark.skipif(shutil.which("lsof") is None, reason="lsof is not installed")
def test_lsof_parses_the_real_tools_output(listener: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = listener
    holders = Platform(Kind.MACOS).port_holders(port)  # the macOS command line, run by the real lsof
    assert holders is not None and [(h.pid, h.name) for h in holders] == [(proc.pid, Path(sys.executable).name)]


@pytest.mark.skipif(shutil.which("ss") is None, reason="ss is not installed")
def test_ss_fallback_names_the_pid_psutil_hid(listener: tuple[subprocess.Popen[bytes], int],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """psutil gives pid None where /proc hides a process (hidepid, another user): `ss -ltnp` answers."""
    import psutil

    proc, port = listener
    real = psutil.net_connections

    def hidden(kind: str = "inet") -> list[object]:
        return [c._replace(pid=None) for c in real(kind=kind)]

    monkeypatch.setattr(psutil, "net_connections", hidden)
    holders = Host(env={}).ports.process_holders(_socket(port))
    # the table still saw where the socket sits: ss's one holder holds it
    assert [(h.pid, h.name, h.ips) for h in holders] == [(proc.pid, Path(sys.executable).name, ("0.0.0.0",))]


def test_the_socket_table_is_read_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import psutil

    calls: list[str] = []
    real = psutil.net_connections
    monkeypatch.setattr(psutil, "net_connections", lambda kind="inet": calls.append(kind) or real(kind=kind))
    prober = PortProber(Host(env={}))
    for port in (1, 2, 3, 4):
        prober.process_holders(_socket(port))
    assert calls == ["tcp"]


def _socket(port: int) -> object:
    from doctor.host.ports import HostSocket

    return HostSocket("", port)


# ------------------------------------------------------------------ macOS: Desktop, Colima, OrbStack


@pytest.mark.parametrize("case", sorted(MACOS))
def test_macos_engine_is_found_through_its_context_and_named(case: str, tmp_path: Path) -> None:
    docker_config(tmp_path, case)
    endpoint = discover_endpoint({"HOME": str(tmp_path)})
    context, product, _ = MACOS[case]
    assert endpoint is not None and endpoint.source == f"context {context!r}"
    assert endpoint.product == product


@pytest.mark.parametrize("case", sorted(MACOS))
def test_macos_port_owner_is_the_container_behind_the_forwarder(
        case: str, tmp_path: Path, listener: tuple[subprocess.Popen[bytes], int]) -> None:
    """psutil is refused on macOS without root: lsof names the forwarder, which stands for a container."""
    _, port = listener
    _, product, process = MACOS[case]
    platform = recorded(case)
    holders = platform.port_holders(8080)
    assert holders is not None and holders[0].name == process
    assert forwarder_of(process) == product
    host = Host(env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    host.__dict__["platform"] = platform
    host.ports._tables["tcp"] = None  # what psutil.AccessDenied leaves on macOS
    found = list(PortCollision().run(project(tmp_path, f"services:\n  web:\n    image: x\n    ports:\n"
                                                       f"      - \"{port}:80\"\n"), host))
    held = next(f for f in found if f.subject.startswith("port:"))
    assert f"is published by a container of {product} (forwarded by '{process}'" in held.message
    # the engine did not answer (this host's DOCKER_HOST): the container may be the project's own, which `up`
    # recreates: a warning saying so, not an error asking to move the port
    assert held.message.endswith(f"docker ps --filter publish={port} names it; the engine did not answer, so it may "
                                 "be this project's own container"), held.message
    assert held.severity is Severity.WARNING


@pytest.mark.parametrize(("process", "engine", "listed"), [
    ("rootlessport", "podman", "podman ps names it"),
    ("pasta.avx2", "a rootless engine", "docker ps --filter publish={port} or podman ps names it"),
])
def test_rootless_podman_forwarder_is_named_as_its_containers(process: str, engine: str, listed: str,
                                                                tmp_path: Path, short_dir: Path) -> None:
    """Rootless podman publishes through `rootlessport` (slirp4netns) or pasta (podman 5's default, `pasta.avx2`
    on x86-64), as `ss -ltnp` names them: a container of podman, never a process to kill. Here a real listener
    runs under that name (a link to python: the kernel names a process after the file it ran) beside a docker
    engine that answers and knows no such container: podman's containers are not docker's, so `podman ps`."""
    link = tmp_path / process
    link.symlink_to(sys.executable)
    code = ("import socket, time\ns = socket.socket()\ns.bind(('0.0.0.0', 0))\ns.listen()\n"
            "print(s.getsockname()[1], flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([str(link), "-c", code], stdout=subprocess.PIPE)
    fake = FakeEngine(short_dir / "e.sock", {"/info": {"SecurityOptions": ["name=seccomp"]}, "/containers/json": []})
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        host = Host(env={"DOCKER_HOST": fake.url, "PATH": "/nonexistent"})
        body = f"services:\n  web:\n    image: x\n    ports:\n      - \"{port}:80\"\n"
        found = list(PortCollision().run(project(tmp_path, body), host))
    finally:
        fake.close()
        proc.kill()
        proc.wait()
    held = next(f for f in found if f.subject.startswith("port:"))
    assert f"is published by a container of {engine} (forwarded by '{process}', pid {proc.pid}): " \
           f"{listed.format(port=port)}" in held.message, held.message
    assert held.severity is Severity.ERROR
    assert held.fix is not None
    asked = [held.fix, *held.fix.alternatives]
    assert not any(f.command[:1] == ("kill",) for f in asked), asked


def test_colima_ssh_forwarder_is_recognised_by_its_command_line() -> None:
    argv = ("ssh", "-F", "/Users/dev/.colima/_lima/colima/ssh.config", "-L", "8080:127.0.0.1:8080", "lima-colima")
    assert forwarder_of("ssh", argv) == "Colima"
    assert forwarder_of("ssh", ("ssh", "build-box")) == ""
    assert forwarder_of("node") == ""


@pytest.mark.parametrize("case", sorted(MACOS))
def test_macos_root_owned_files_is_skipped_with_one_line(case: str, tmp_path: Path) -> None:
    host = Host(env={})
    host.__dict__["platform"] = recorded(case)
    with pytest.raises(Unavailable) as raised:
        list(RootOwnedFiles().run(project(tmp_path, "services:\n  web:\n    image: x\n"), host))
    assert raised.value.reason.startswith("on macOS the engine runs in a VM whose file sharing")
    assert "\n" not in raised.value.reason


def test_macos_path_advice_for_gui_apps_uses_launchd_and_names_path_helper() -> None:
    platform = recorded("macos-docker-desktop")
    assert platform.launchd_path() == ("/usr/bin", "/bin", "/usr/sbin", "/sbin")
    assert platform.path_helper_entries()["/usr/local/go/bin"] == "/etc/paths.d/go"
    env = {"HOME": "/Users/dev", "XPC_SERVICE_NAME": "application.com.jetbrains.pycharm.123"}
    host = Host(env=env)
    host.__dict__["platform"] = platform
    fix = path_fix("/usr/local/go/bin", host)
    assert fix.title == ("add 'launchctl setenv PATH \"/usr/local/go/bin:/usr/bin:/bin:/usr/sbin:/sbin\"' to launchd "
                         "(apps started from the Dock; `sudo launchctl config user path` keeps it) (/usr/local/go/bin "
                         "comes from /etc/paths.d/go, which only login shells read through path_helper)")


def test_macos_ide_and_zsh_terminal_advice() -> None:
    colima = recorded("macos-colima")
    ide = path_advice("/opt/homebrew/bin", "/bin/zsh", {"HOME": "/Users/dev", "TERM_PROGRAM": "vscode"}, colima)
    assert ide.kind is ProcessKind.IDE
    assert ide.line == 'launchctl setenv PATH "/opt/homebrew/bin:/Users/dev/.local/bin:/usr/bin:/bin:/usr/sbin:/sbin"'
    assert "terminal.integrated.env.osx" in ide.where
    terminal = path_advice("/opt/homebrew/bin", "/bin/zsh", {"HOME": "/Users/dev", "TERM": "xterm", "SHLVL": "1"},
                           colima)
    assert (terminal.where, terminal.line) == ("~/.zshenv", 'export PATH="/opt/homebrew/bin:$PATH"')


@pytest.mark.parametrize("case", sorted(MACOS))
def test_doctor_info_names_macos_and_its_engine(case: str, tmp_path: Path) -> None:
    docker_config(tmp_path, case)
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"}
    host = Host(env=env)
    host.__dict__["platform"] = recorded(case)
    info = collect_info(env, timeout=1.0, host=host, project_root=str(tmp_path))
    product = MACOS[case][1]
    assert info["host_platform"]["description"] == "macOS"  # type: ignore[index]
    assert info["engine"]["product"] == product  # type: ignore[index]
    text = render_info(info)
    assert re.search(r"^host +macOS$", text, re.M) and f", {product}: unavailable:" in text
    assert re.search(r"^launchd PATH +(\S+:)?/usr/bin:/bin:/usr/sbin:/sbin \(apps started from the Dock\)$", text, re.M)


# ------------------------------------------------------------------ WSL2


def test_wsl2_is_detected_from_its_kernel() -> None:
    assert detect_platform({}, FIXTURES / "wsl2", system="linux").kind is Kind.WSL2
    assert detect_platform({}, FIXTURES / "linux-rootless", system="linux").kind is Kind.LINUX
    assert detect_platform({}, FIXTURES / "wsl2", system="darwin").kind is Kind.MACOS


def test_wsl2_repo_on_a_windows_drive_is_reported_with_the_fix(tmp_path: Path) -> None:
    platform = detect_platform({}, FIXTURES / "wsl2", system="linux")
    mount = platform.windows_mount(Path("/mnt/c/Users/dev/src/app"))
    assert mount is not None and (mount.mount_point, mount.fstype) == ("/mnt/c", "9p")
    assert platform.windows_mount(Path("/home/dev/src/app")) is None
    assert platform.windows_mount(Path("/mnt/wsl/x")) is None
    facts = platform.as_dict(Path("/mnt/c/Users/dev/src/app"))
    advice = facts["windows_mount"]["advice"]  # type: ignore[index]
    assert advice.startswith("the project is on /mnt/c (9p): bind mounts get no file events")
    for variable in ("CHOKIDAR_USEPOLLING", "WATCHPACK_POLLING", "WATCHFILES_FORCE_POLLING"):
        assert variable in advice
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"}
    host = Host(env=env)
    host.__dict__["platform"] = platform
    text = render_info(collect_info(env, timeout=1.0, host=host, project_root="/mnt/c/Users/dev/src/app"))
    assert re.search(r"^host +WSL2 \(Linux on Windows\)$", text, re.M)
    assert re.search(r"^windows drive +the project is on /mnt/c \(9p\): bind mounts get no file events", text, re.M)


def test_wsl2_windows_docker_exe_and_desktop_integration_socket(tmp_path: Path) -> None:
    bin_dir = tmp_path / "mnt" / "c" / "Program Files" / "Docker" / "Docker" / "resources" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "docker.exe").write_text("MZ")
    (bin_dir / "docker.exe").chmod(0o755)
    platform = Platform(Kind.WSL2, {"PATH": f"/usr/bin:{bin_dir}"}, FIXTURES / "wsl2")
    assert platform.windows_docker() == str(bin_dir / "docker.exe")
    assert Platform(Kind.LINUX, {"PATH": str(bin_dir)}).windows_docker() is None
    desktop = Endpoint(f"unix://{endpoint_module.WSL_DESKTOP_SOCKET}", "Docker Desktop WSL integration socket")
    assert desktop.product == "Docker Desktop (WSL integration)"


def test_wsl2_context_on_a_windows_pipe_says_so(tmp_path: Path) -> None:
    meta = tmp_path / ".docker" / "contexts" / "meta" / hashlib.sha256(b"desktop-windows").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": "desktop-windows", "Endpoints": {
        "docker": {"Host": "npipe:////./pipe/dockerDesktopLinuxEngine"}}}))
    (tmp_path / ".docker" / "config.json").write_text(json.dumps({"currentContext": "desktop-windows"}))
    with pytest.raises(Unavailable, match="is a Windows named pipe"):
        discover_endpoint({"HOME": str(tmp_path)})


def test_wsl2_port_owner_and_advice_are_linuxs() -> None:
    platform = recorded("wsl2")
    holders = platform.port_holders(3000)
    assert holders is not None and [(h.pid, h.name) for h in holders] == [(2231, "node")]
    assert platform.bind_mounts_write_as_user() == ""  # a Linux engine: root-owned files do happen
    advice = path_advice("/home/dev/.local/bin", "/bin/bash", {"HOME": "/home/dev", "TERM": "xterm", "SHLVL": "1"},
                         platform)
    assert (advice.where, advice.line) == ("~/.bashrc", 'export PATH="$HOME/.local/bin:$PATH"')


def test_parsers_ignore_headers_and_noise() -> None:
    assert parse_lsof("COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n") == ()
    assert parse_ss("State Recv-Q\nLISTEN 0 5 0.0.0.0:80 0.0.0.0:*\n")[0].pid is None


# ------------------------------------------------------------------ rootless: a real user namespace


def write_in_user_namespace(folder: Path, script: str) -> None:
    """Run `script` as root of a user namespace mapping 0 -> uid 1000 and 1.. -> 100000.. (rootless docker's map)."""
    child = subprocess.Popen(["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "unshare", "--user",
                              "--", "sh", "-c", f"read go; {script}"], stdin=subprocess.PIPE, cwd=folder)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{child.pid}/comm").read_text().strip() == "sh":
                break
        except OSError:
            pass
        time.sleep(0.01)
    for name in ("uid_map", "gid_map"):
        Path(f"/proc/{child.pid}/{name}").write_text("0 1000 1\n1 100000 65536\n")
    child.communicate(b"go\n", timeout=20)
    assert child.returncode == 0


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("unshare"),
                    reason="needs root, setpriv and unshare to build a user namespace")
def test_rootless_strays_are_the_users_subuids(short_dir: Path) -> None:
    folder = short_dir / "proj"
    folder.mkdir()
    (folder / "compose.yaml").write_text("services:\n  web:\n    image: doctor-test/web\n    volumes:\n"
                                         "      - ./cache:/srv/cache\n")
    os.chown(folder, 1000, 1000)
    os.chown(folder / "compose.yaml", 1000, 1000)
    # container root writes `mine` (it is you), container uid 33 (www-data) owns cache/
    write_in_user_namespace(folder, "touch mine && mkdir cache && touch cache/x && chown -R 33:33 cache")
    assert (folder / "mine").stat().st_uid == 1000 and (folder / "cache" / "x").stat().st_uid == 100032
    root = short_dir / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "subuid").write_text("1000:100000:65536\n")
    fake = FakeEngine(short_dir / "e.sock", {"/info": {"SecurityOptions": ["name=seccomp", "name=rootless"]},
                                             "/images/json": [{"RepoTags": ["doctor-test/web:latest"]}]})
    try:
        host = Host(env={"DOCKER_HOST": fake.url, "PATH": "/nonexistent"})
        host.__dict__["platform"] = Platform(Kind.LINUX, {}, root)
        found = list(RootOwnedFiles().run(Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin"})), host))
    finally:
        fake.close()
    assert [f.message for f in found] == [
        "2 paths in 'cache' owned by container uid 33 of the rootless engine (your subuid range), not uid 1000: "
        "cache, ..."]
    fix = found[0].fix
    assert fix is not None and fix.command[:2] == ("docker", "run") and fix.command[-3:] == ("-hR", "0:0", "/w/cache")


DESKTOP_LINUX_INFO = {"OperatingSystem": "Docker Desktop", "Name": "docker-desktop",
                      "KernelVersion": "6.10.14-linuxkit",
                      "SecurityOptions": ["name=seccomp,profile=unconfined", "name=cgroupns"]}


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("unshare"),
                    reason="needs root, setpriv and unshare to build a user namespace")
@pytest.mark.parametrize("kind", [Kind.LINUX, Kind.WSL2])
def test_docker_desktop_for_linux_strays_are_the_users_subuids(kind: Kind, short_dir: Path) -> None:
    """Docker Desktop for Linux shares files through virtiofsd in a user namespace: container root is you,
    container uid 1000 is 100999 (docker/docs#15264), though its engine is rootful. Its `user: 1000:1000`
    wrote these strays, so advising it (and a chown to 1000 inside, which lands as 100999) was wrong. On
    WSL2 Docker Desktop shares the distro's files as they are: no mapping."""
    folder = short_dir / "proj"
    folder.mkdir()
    (folder / "compose.yaml").write_text("services:\n  web:\n    image: doctor-test/web\n    volumes:\n"
                                         "      - ./cache:/srv/cache\n")
    os.chown(folder, 1000, 1000)
    os.chown(folder / "compose.yaml", 1000, 1000)
    write_in_user_namespace(folder, "mkdir cache && touch cache/x && chown -R 1000:1000 cache")
    assert (folder / "cache" / "x").stat().st_uid == 100999
    root = short_dir / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "subuid").write_text("1000:100000:65536\n")
    fake = FakeEngine(short_dir / "e.sock", {"/info": DESKTOP_LINUX_INFO,
                                             "/images/json": [{"RepoTags": ["doctor-test/web:latest"]}]})
    try:
        host = Host(env={"DOCKER_HOST": fake.url, "PATH": "/nonexistent"})
        host.__dict__["platform"] = Platform(kind, {}, root)
        found = list(RootOwnedFiles().run(Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin"})), host))
    finally:
        fake.close()
    assert len(found) == 1
    fix = found[0].fix
    assert fix is not None
    if kind is Kind.WSL2:
        assert found[0].message.startswith("2 paths in 'cache' owned by uid 100999, not uid 1000")
        return
    assert found[0].message == ("2 paths in 'cache' owned by container uid 1000 of Docker Desktop's file sharing "
                                "(your subuid range), not uid 1000: cache, ...")
    assert fix.title == "chown cache back to you through Docker Desktop (then, by hand: run 'web' as root inside, " \
                        "which is you)"
    assert fix.command[:2] == ("docker", "run") and fix.command[-3:] == ("-hR", "0:0", "/w/cache")


@pytest.mark.parametrize(("where", "source", "product"), [
    (".colima/work/docker.sock", "Colima socket (profile 'work')", "Colima"),
    (".orbstack/run/docker.sock", "OrbStack socket", "OrbStack"),
    (".docker/run/docker.sock", "Docker Desktop socket", "Docker Desktop"),
    (".rd/docker.sock", "Rancher Desktop socket", "Rancher Desktop"),
])
def test_macos_sockets_are_found_without_a_context(where: str, source: str, product: str, short_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """No DOCKER_HOST, no current context, no /var/run/docker.sock: each product's own socket."""
    monkeypatch.setattr(endpoint_module, "DEFAULT_SOCKET", str(short_dir / "absent.sock"))
    monkeypatch.setattr(endpoint_module, "WSL_DESKTOP_SOCKET", str(short_dir / "absent-wsl.sock"))
    path = short_dir / where
    path.parent.mkdir(parents=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        endpoint = discover_endpoint({"HOME": str(short_dir)})
    assert endpoint is not None and (endpoint.url, endpoint.source) == (f"unix://{path}", source)
    assert endpoint.product == product


# podman's docker-compatible /info (pkg/api/handlers/compat/info.go): the docker fields, with
# OperatingSystem the distribution, plus BuildahVersion and Rootless, which only podman sends
PODMAN_INFO = {"OperatingSystem": "fedora", "OSType": "linux", "ProductLicense": "Apache-2.0",
               "BuildahVersion": "1.38.0", "SecurityOptions": ["name=seccomp,profile=default", "name=selinux"]}


@pytest.mark.parametrize(("version", "loopback", "found"), [
    ("5.3.1", "0.0.0.0", []),
    ("4.7.0", "0.0.0.0", []),
    ("4.6.2", "0.0.0.0", ["does not resolve"]),
    ("5.3.1", "127.0.0.1", ["listens there on 127.0.0.1 only"]),
])
def test_podman_from_4_7_writes_host_docker_internal_itself(version: str, loopback: str, found: list[str],
                                                             short_dir: Path) -> None:
    """Podman from 4.7 adds host.docker.internal to each container's /etc/hosts (containers/common#1592)
    as it does host.containers.internal: no extra_hosts line is missing there (and where podman
    knows no host address, `host-gateway` fails as well: podman#22881). A host service that listens
    on loopback only is still out of a rootful podman bridge's reach."""
    import socket

    from doctor.engine import RunOptions, load_registry, preflight

    project = short_dir / "proj"
    project.mkdir()
    with socket.socket() as listener:
        listener.bind((loopback, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        (project / "compose.yaml").write_text("services:\n  api:\n    image: nginx\n    environment:\n"
                                              f"      DATABASE_URL: postgres://u@host.docker.internal:{port}/app\n")
        engine = FakeEngine(short_dir / "podman.sock", {"/info": {**PODMAN_INFO, "ServerVersion": version}})
        try:
            env = {"DOCKER_HOST": engine.url, "PATH": "/usr/bin:/bin", "HOME": str(short_dir), "DOCTOR_NO_CACHE": "1"}
            options = ProjectOptions(path=project, env=env)
            report = preflight(RunOptions(project=options, select=("host-gateway",), env=env),
                               load_registry()).report
        finally:
            engine.close()
    assert len(report.findings) == len(found), report.findings
    for finding, words in zip(report.findings, found, strict=True):
        assert words in finding.message


@pytest.mark.parametrize(("where", "info", "found"), [
    (".colima/default/docker.sock", {"OperatingSystem": "Ubuntu 24.04 LTS", "Name": "colima"}, False),
    ("plain/docker.sock", {"OperatingSystem": "Ubuntu 24.04 LTS", "Name": "colima-work"}, False),
    ("plain/docker.sock", {"OperatingSystem": "Ubuntu 24.04 LTS", "Name": "laptop"}, True),
])
def test_colima_answers_host_docker_internal_itself(where: str, info: dict[str, str], found: bool,
                                                    short_dir: Path) -> None:
    """Colima's VM resolves host.docker.internal for its containers (to the Mac), as Docker Desktop does;
    `extra_hosts: host-gateway` there points at the VM instead (abiosoft/colima#277, #902). Its /info
    OperatingSystem is the VM's distro, so the engine is known by its socket or its VM name."""
    from doctor.engine import RunOptions, load_registry, preflight

    project = short_dir / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  api:\n    image: nginx\n    environment:\n"
                                          "      XDEBUG_HOST: host.docker.internal\n")
    path = short_dir / where
    path.parent.mkdir(parents=True)
    engine = FakeEngine(path, {"/info": {**info, "OSType": "linux"}})
    try:
        env = {"DOCKER_HOST": engine.url, "PATH": "/usr/bin:/bin", "HOME": str(short_dir), "DOCTOR_NO_CACHE": "1"}
        options = ProjectOptions(path=project, env=env)
        report = preflight(RunOptions(project=options, select=("host-gateway",), env=env), load_registry()).report
    finally:
        engine.close()
    assert bool(report.findings) is found, report.findings
