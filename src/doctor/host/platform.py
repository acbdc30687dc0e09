"""The few facts and commands that differ between the machines doctor runs on.

One seam for Linux, macOS (Docker Desktop, Colima, OrbStack, Rancher Desktop, Podman machine)
and WSL2: who holds a port (`lsof` on macOS, `ss` on Linux when psutil sees no pid), where a
login shell and a GUI app get PATH (`/etc/paths(.d)` through `path_helper`, `launchctl getenv
PATH`), whether a repo lies on the Windows drives of WSL2 (9p/drvfs: no file events), whether
containers can leave root-owned files at all, and the subuid range of a rootless engine.

Everything is read from a filesystem `root` and through a `run` callable, so tests drive each
platform's path on Linux with recorded outputs (tests/platforms/); nothing runs at import.
"""

from __future__ import annotations

import enum
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import field, record

COMMAND_TIMEOUT = 2.0
LAUNCHD_DEFAULT_PATH = "/usr/bin:/bin:/usr/sbin:/sbin"
# processes that hold a published port on behalf of a container: the engine names the container. Rootless
# podman's ports are held by `rootlessport` (slirp4netns) or by pasta, podman 5's default, which on x86-64
# runs as `pasta.avx2` (the name ss and psutil show)
FORWARDERS: dict[str, str] = {
    "docker-proxy": "the docker engine", "rootlesskit": "a rootless engine", "slirp4netns": "a rootless engine",
    "pasta": "a rootless engine", "pasta.avx2": "a rootless engine", "conmon": "podman", "rootlessport": "podman",
    "com.docker.backend": "Docker Desktop",
    "com.docker.vpnkit": "Docker Desktop", "vpnkit": "Docker Desktop", "vpnkit-bridge": "Docker Desktop",
    "gvproxy": "Docker Desktop or Podman machine", "wslrelay": "Docker Desktop (WSL)",
    "OrbStack Helper": "OrbStack", "OrbStack": "OrbStack", "limactl": "Colima",
    "Rancher Desktop": "Rancher Desktop",
}
# a dev server's own switch to poll instead of waiting for file events (9p sends none)
POLLING_VARIABLES = ("CHOKIDAR_USEPOLLING=true", "WATCHPACK_POLLING=true", "WATCHFILES_FORCE_POLLING=true")

Runner = Callable[[Sequence[str]], "str | None"]


class Kind(enum.Enum):
    """The operating system family whose differences matter to doctor."""

    LINUX = "linux"
    MACOS = "macos"
    WSL2 = "wsl2"


@record
class PortHolder:
    """A process that listens on a port, as `lsof` or `ss` names it (pid None when hidden)."""

    pid: int | None
    name: str
    user: str = ""
    ips: tuple[str, ...] = ()  # where its sockets on the port sit (`127.0.0.1`, `::1`; `0.0.0.0`/`::` for all)


@record
class WindowsMount:
    """A Windows drive mounted into WSL2 (`/mnt/c`, 9p or drvfs): no inotify events cross it."""

    mount_point: str
    fstype: str
    source: str


@record
class Platform:
    """This machine's kind, plus the reads and commands whose answers differ per platform."""

    kind: Kind
    env: Mapping[str, str] = field(default_factory=dict)
    root: Path = Path("/")
    run: Runner | None = None

    def describe(self) -> str:
        return {Kind.LINUX: "Linux", Kind.MACOS: "macOS", Kind.WSL2: "WSL2 (Linux on Windows)"}[self.kind]

    def _read(self, path: str) -> str | None:
        try:
            return (self.root / path.lstrip("/")).read_text(errors="replace")
        except OSError:
            return None

    def _command(self, argv: Sequence[str]) -> str | None:
        return (self.run or run_command)(argv)

    # ports -----------------------------------------------------------------------------------

    def port_holders(self, port: int, protocol: str = "tcp") -> tuple[PortHolder, ...] | None:
        """Who listens on `port`, from `lsof` (macOS) or `ss` (Linux); None when the tool cannot say."""
        if self.kind is Kind.MACOS:
            spec = f"-iUDP:{port}" if protocol == "udp" else f"-iTCP:{port}"
            argv = ["lsof", "-nP", "+c", "0", spec] + ([] if protocol == "udp" else ["-sTCP:LISTEN"])
            text = self._command(argv)
            return None if text is None else parse_lsof(text)
        flag = "-Hlunp" if protocol == "udp" else "-Hltnp"
        text = self._command(["ss", flag, f"sport = :{port}"])
        return None if text is None else parse_ss(text)

    # PATH ------------------------------------------------------------------------------------

    def path_helper_entries(self) -> dict[str, str]:
        """macOS: each PATH entry `path_helper` gives login shells, mapped to the file that adds it.

        path_helper reads `/etc/paths`, then `/etc/paths.d/*` in name order, one directory a line.
        """
        if self.kind is not Kind.MACOS:
            return {}
        found: dict[str, str] = {}
        files = ["/etc/paths"]
        try:
            names = sorted(os.listdir(self.root / "etc/paths.d"))
        except OSError:
            names = []
        files += [f"/etc/paths.d/{name}" for name in names]
        for name in files:
            for line in (self._read(name) or "").splitlines():
                entry = line.strip()
                if entry and not entry.startswith("#"):
                    found.setdefault(os.path.expanduser(entry) if entry.startswith("~") else entry, name)
        return found

    def launchd_path(self) -> tuple[str, ...]:
        """macOS: the PATH GUI apps and launchd services get (`launchctl getenv PATH`, else launchd's default)."""
        if self.kind is not Kind.MACOS:
            return ()
        text = (self._command(["launchctl", "getenv", "PATH"]) or "").strip()
        return tuple((text or LAUNCHD_DEFAULT_PATH).split(":"))

    # files -----------------------------------------------------------------------------------

    def windows_mount(self, path: Path) -> WindowsMount | None:
        """WSL2: the Windows drive mount `path` lies on (`/mnt/c`, 9p or drvfs), else None."""
        if self.kind is not Kind.WSL2:
            return None
        best: WindowsMount | None = None
        for line in (self._read("/proc/self/mountinfo") or "").splitlines():
            fields = line.split()
            _, _, tail = line.partition(" - ")
            rest = tail.split()
            if len(fields) < 5 or len(rest) < 2:
                continue
            point = fields[4].replace("\\040", " ")
            fstype, source = rest[0], rest[1]
            windows = fstype in ("9p", "drvfs") and ("drvfs" in tail or re.fullmatch(r"[A-Za-z]:\\?", source))
            covers = windows and (path == Path(point) or path.is_relative_to(point))
            if covers and (best is None or len(point) > len(best.mount_point)):
                best = WindowsMount(point, fstype, source)
        return best

    def windows_docker(self) -> str | None:
        """WSL2: a Windows-side `docker.exe` the PATH reaches (it talks to Windows' engine, not this one)."""
        if self.kind is not Kind.WSL2:
            return None
        path = self.env.get("PATH", "")
        from doctor.host.which import which_on

        docker = which_on("docker", path)
        if docker and docker.startswith("/mnt/"):
            return docker
        return which_on("docker.exe", path)

    def no_engine_advice(self) -> str:
        """Where to start an engine when no socket of any is found ("" on Linux: the engine's own service).

        WSL2: Docker Desktop's engine reaches a distro only where its WSL integration is on for it
        (what WSL prints for `docker` there: "We recommend to activate the WSL integration in Docker
        Desktop settings"); a Windows `docker.exe` on PATH talks to Windows' engine, never this one.
        """
        if self.kind is Kind.WSL2:
            windows = self.windows_docker()
            also = f"; {windows} is Windows' CLI, not this distro's" if windows else ""
            return ("on WSL2: start Docker Desktop with WSL integration on for this distro (Settings > Resources > "
                    f"WSL Integration), or this distro's own dockerd{also}")
        if self.kind is Kind.MACOS:
            return "on macOS: start Docker Desktop or OrbStack, or `colima start`"
        return ""

    def bind_mounts_write_as_user(self) -> str:
        """Why containers cannot leave root-owned files in a bind mount here ("" when they can)."""
        if self.kind is Kind.MACOS:
            return ("on macOS the engine runs in a VM whose file sharing (virtiofs, gRPC FUSE) writes "
                    "bind-mount files as you: no root-owned files to look for")
        return ""

    def subuid_ranges(self, user: str, uid: int) -> tuple[tuple[int, int], ...]:
        """The (first, count) subordinate uid ranges `/etc/subuid` gives `user` (a rootless engine's uids)."""
        ranges = []
        for line in (self._read("/etc/subuid") or "").splitlines():
            parts = line.strip().split(":")
            if len(parts) == 3 and parts[0] in (user, str(uid)) and parts[1].isdigit() and parts[2].isdigit():
                ranges.append((int(parts[1]), int(parts[2])))
        return tuple(ranges)

    def as_dict(self, project_root: Path | None = None) -> dict[str, object]:
        """The platform facts for `doctor info` and the report header."""
        facts: dict[str, object] = {"kind": self.kind.value, "description": self.describe()}
        if self.kind is Kind.WSL2:
            mount = self.windows_mount(project_root) if project_root is not None else None
            facts["windows_mount"] = None if mount is None else {
                "mount_point": mount.mount_point, "fstype": mount.fstype,
                "advice": windows_mount_advice(mount)}
            facts["windows_docker"] = self.windows_docker()
        if self.kind is Kind.MACOS:
            facts["launchd_path"] = list(self.launchd_path())
            facts["path_helper"] = self.path_helper_entries()
        return facts


def windows_mount_advice(mount: WindowsMount) -> str:
    """One line: why hot reload is dead on a Windows drive, and the two fixes."""
    return (f"the project is on {mount.mount_point} ({mount.fstype}): bind mounts get no file events, so hot "
            f"reload does nothing and I/O is slow; move it into the Linux filesystem (~/...) or set "
            f"{' / '.join(POLLING_VARIABLES)} for the dev server")


def detect_platform(env: Mapping[str, str], root: Path = Path("/"), system: str | None = None,
                    run: Runner | None = None) -> Platform:
    """The platform from `sys.platform` and, on Linux, `/proc/version` (WSL2's kernel says so)."""
    system = system or sys.platform
    if system == "darwin":
        return Platform(Kind.MACOS, env, root, run)
    try:
        version = (root / "proc/version").read_text(errors="replace").lower()
    except OSError:
        version = ""
    wsl = "microsoft" in version or bool(env.get("WSL_DISTRO_NAME"))
    return Platform(Kind.WSL2 if wsl else Kind.LINUX, env, root, run)


def run_command(argv: Sequence[str], timeout: float = COMMAND_TIMEOUT) -> str | None:
    """stdout of `argv` (stdin closed, `timeout` seconds), or None when it cannot run or hangs."""
    import subprocess  # here: only a platform command needs it (a clean preflight on Linux runs none)

    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode not in (0, 1):  # lsof and ss say 1 for "nothing matched"
        return None
    return done.stdout


_SS_USER = lazy(r'\("([^"]*)",pid=(\d+)')


def parse_ss(text: str) -> tuple[PortHolder, ...]:
    """Holders from `ss -Hltnp` lines: `users:(("node",pid=123,fd=20))`; a line without users is hidden.

    Each holder carries the local addresses of its lines (`127.0.0.1:3000`, `[::1]:3000`; `*:3000`, a
    dual-stack socket on every address, is `::`).
    """
    found: dict[int | None, tuple[str, dict[str, None]]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith(("State", "Netid")):
            continue
        fields = line.split()
        ip = _local_ip(fields[3], "::") if len(fields) > 3 else ""
        users = _SS_USER.findall(line)
        for name, pid in users or [("", None)]:
            where = found.setdefault(int(pid) if pid else None, (name, {}))[1]
            if ip:
                where[ip] = None
    return tuple(PortHolder(pid, name, ips=tuple(ips)) for pid, (name, ips) in found.items())


def parse_lsof(text: str) -> tuple[PortHolder, ...]:
    """Holders from `lsof -nP` table output (COMMAND PID USER FD TYPE ... NODE NAME), with the local
    address of each NAME (`127.0.0.1:8080`; `*:8080` is `0.0.0.0` or `::` by TYPE, IPv4 or IPv6).

    lsof escapes a space in a command name as `\\x20` ("OrbStack\\x20Helper"), so fields split on blanks.
    """
    found: dict[int, tuple[str, str, dict[str, None]]] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3 or not fields[1].isdigit():
            continue  # the COMMAND header, or noise
        pid = int(fields[1])
        where = found.setdefault(pid, (fields[0].replace("\\x20", " "), fields[2], {}))[2]
        node = next((i for i, f in enumerate(fields) if i > 4 and f in ("TCP", "UDP")), None)
        if node is not None and node + 1 < len(fields):
            everywhere = "::" if fields[4] == "IPv6" else "0.0.0.0"
            ip = _local_ip(fields[node + 1].partition("->")[0], everywhere)
            if ip:
                where[ip] = None
    return tuple(PortHolder(pid, name, user, tuple(ips)) for pid, (name, user, ips) in found.items())


def _local_ip(address: str, everywhere: str) -> str:
    """The host part of `127.0.0.1:80`, `[::1]:80`, lsof's `[fe80::1%eth0]:80` or ss's `[fe80::1]%eth0:80`;
    `everywhere` for `*:80`; "" when `address` names no port."""
    host, colon, _ = address.rpartition(":")
    if not colon:
        return ""
    host = host.partition("%")[0].strip("[]")
    return everywhere if host == "*" else host


def container_listers(engine: str, port: int, socket: str = "") -> tuple[tuple[str, ...], ...]:
    """The commands that name the container a forwarder of `engine` holds `port` for, likeliest first:
    podman's containers are its own, which `docker ps` (the docker engine's) does not list, and
    slirp4netns or pasta forward for rootless docker and rootless podman alike. `socket`: the rootless
    docker engine's own (`rootless_socket`), which a plain `docker ps` may not reach."""
    if socket:
        return (("docker", "-H", f"unix://{socket}", "ps", "--filter", f"publish={port}"),)
    docker = ("docker", "ps", "--filter", f"publish={port}")
    podman = ("podman", "ps")  # its PORTS column names the mapping
    if engine == "podman":
        return (podman,)
    return (docker, podman) if engine == "a rootless engine" else (docker,)


def rootless_socket(pid: int | None) -> str:
    """The socket of the rootless docker engine whose rootlesskit (or slirp4netns) is `pid`: `docker.sock`
    in the XDG_RUNTIME_DIR it was started with, dockerd-rootless.sh's layout; "" when /proc does not
    say (another user's process, read only by root or its user) or no socket is there. A user's
    rootless engine is not the one a plain `docker ps` asks (/var/run/docker.sock, another context)."""
    import stat

    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return ""
    runtime = next((e[16:] for e in environ if e.startswith(b"XDG_RUNTIME_DIR=")), b"").decode(errors="replace")
    path = f"{runtime}/docker.sock"
    try:
        return path if runtime.startswith("/") and stat.S_ISSOCK(os.stat(path).st_mode) else ""
    except OSError:
        return ""


def proxy_engine_hosts(pid: int | None) -> tuple[str, ...]:
    """The addresses (`unix:///var/run/docker.sock`, `tcp://...`) of the dockerd whose `docker-proxy` is `pid`: its
    `-H`/`--host` flags, else its daemon.json's "hosts", else the default socket for a dockerd of root; `fd://`
    (systemd's docker.socket) is the default socket. () when /proc does not say. Another engine than the one
    doctor asks (a current context of a user's rootless engine beside the system's) is not what `docker ps`
    lists, so its containers are named with `docker -H` these addresses."""
    import json

    try:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
        if Path(f"/proc/{parent}/comm").read_text().strip() != "dockerd":
            return ()
        argv = Path(f"/proc/{parent}/cmdline").read_bytes().decode(errors="replace").split("\0")
        owner = os.stat(f"/proc/{parent}").st_uid
    except (OSError, ValueError, IndexError):
        return ()
    hosts, config = [], "/etc/docker/daemon.json" if owner == 0 else ""
    for i, arg in enumerate(argv):
        flag, eq, value = arg.partition("=")
        if flag in ("-H", "--host", "--config-file") and not eq:
            value = argv[i + 1] if i + 1 < len(argv) else ""
        if flag in ("-H", "--host"):
            hosts.append(value)
        elif flag == "--config-file":
            config = value
    if not hosts and config:
        try:
            listed = json.loads(Path(config).read_text()).get("hosts")
        except (OSError, ValueError, AttributeError):
            listed = None
        hosts = [str(h) for h in listed] if isinstance(listed, list) else []
    if not hosts and owner != 0:
        return ()
    default = "unix:///var/run/docker.sock"
    return tuple(dict.fromkeys(default if h.startswith("fd://") else h for h in hosts or [default]))


def same_engine(url: str, hosts: Sequence[str]) -> bool:
    """Whether the endpoint `url` is one of `hosts` (unix sockets compared through links: /var/run is /run)."""
    def key(address: str) -> str:
        return os.path.realpath(address[len("unix://"):]) if address.startswith("unix://") else address.rstrip("/")

    return key(url) in {key(h) for h in hosts}


def forwarder_of(name: str, cmdline: Sequence[str] = ()) -> str:
    """The engine a port-forwarding process works for ("" when `name` is an ordinary program)."""
    if name in FORWARDERS:
        return FORWARDERS[name]
    joined = " ".join(cmdline)
    if name == "ssh" and ("colima" in joined or "/.lima/" in joined):
        return "Colima"
    if "OrbStack" in name or "/OrbStack.app/" in joined:
        return "OrbStack"
    return ""
