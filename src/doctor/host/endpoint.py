"""Where the docker engine listens, found as the docker CLI finds it, and what product serves it.

Discovery order (the CLI's, not docker-py's `from_env`, which ignores contexts):
`DOCKER_HOST`; else `DOCKER_CONTEXT` or `currentContext` of `$DOCKER_CONFIG/config.json`
(default `~/.docker`), whose endpoint lives in `contexts/meta/<sha256(name)>/meta.json`;
else the default socket `/var/run/docker.sock` (also a link whose engine is stopped: the CLI
dials it, and its target names the product), and when that does not exist the sockets of
rootless docker and Podman, Docker Desktop (`~/.docker/run`), Colima (`~/.colima/<profile>`),
OrbStack (`~/.orbstack/run`), Rancher Desktop (`~/.rd`), a Podman machine, and Docker
Desktop's WSL integration (`/mnt/wsl/docker-desktop/...`). `Endpoint.product` names it.
Nothing here connects: `doctor.host.engine` asks the endpoint found.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from doctor.model import Unavailable, field, record

DEFAULT_SOCKET = "/var/run/docker.sock"
WSL_DESKTOP_SOCKET = "/mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock"
SCHEMES = ("unix", "tcp", "http", "https", "ssh", "npipe", "fd")
# socket path or context name -> the product that serves it (the docker CLI's own names)
_PRODUCTS: tuple[tuple[str, str], ...] = (
    ("/.docker/run/docker.sock", "Docker Desktop"), ("/mnt/wsl/docker-desktop", "Docker Desktop (WSL integration)"),
    ("/.colima/", "Colima"), ("/.orbstack/", "OrbStack"), ("/.rd/", "Rancher Desktop"),
    ("/podman/machine/", "Podman machine"), ("podman-machine", "Podman machine"),
    ("/podman/podman.sock", "Podman"), ("desktop-linux", "Docker Desktop"), ("colima", "Colima"),
    ("orbstack", "OrbStack"), ("rancher-desktop", "Rancher Desktop"),
)


@record
class Endpoint:
    """Where the engine listens (`unix:///path`, `tcp://host:port`, `ssh://...`) and who said so."""

    url: str
    source: str
    tls_dir: Path | None = None
    tls_verify: bool = False
    ssh: str = field(default="ssh", compare=False)  # the ssh client (from the PATH doctor sees)

    @property
    def scheme(self) -> str:
        if plain_socket(self.url) is not None:
            return "unix"
        from urllib.parse import urlsplit

        return urlsplit(self.url).scheme or "unix"

    @property
    def socket_path(self) -> str:
        """The unix socket path of a `unix://` endpoint ("" otherwise)."""
        plain = plain_socket(self.url)
        if plain is not None:
            return plain
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(self.url)
        return unquote(parts.path) if self.scheme == "unix" else ""

    @property
    def product(self) -> str:
        """What serves this endpoint: Docker Desktop, Colima, OrbStack, ... or a remote/plain engine."""
        if self.scheme == "ssh":
            return f"remote engine over ssh ({_hostname(self.url)})"
        if not self.is_local:
            return f"remote engine ({_hostname(self.url)})"
        path = self.socket_path
        real = os.path.realpath(path) if path else ""
        for marker, name in _PRODUCTS:
            if marker in path or marker in real or marker in self.source:
                return name
        if path.startswith(("/run/user/", "/var/run/user/")) or "rootless" in self.source:
            return "rootless Docker"
        return "Docker Engine" if self.scheme == "unix" else self.scheme

    @property
    def colima_profile(self) -> str:
        """The Colima profile whose VM serves this socket (`~/.colima/<profile>/docker.sock`, context
        `colima-<profile>`), "" for another product. A bare `colima start` starts `default`, not it."""
        if self.product != "Colima":
            return ""
        folder = os.path.basename(os.path.dirname(os.path.realpath(self.socket_path)))  # through /var/run's link
        return "" if folder == ".colima" or not folder.isprintable() or " " in folder else folder

    @property
    def is_local(self) -> bool:
        """True when the engine's published ports appear on this machine (unix socket or loopback tcp)."""
        if self.scheme in ("unix", "npipe", "fd"):
            return True
        try:
            host = _hostname(self.url) or ""
        except ValueError:
            return True
        return host in ("localhost", "127.0.0.1", "::1")


def _hostname(url: str) -> str | None:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname


def plain_socket(url: str) -> str | None:
    """The path of a `unix:///path` URL written plainly (no %-escape, query, fragment, blank or
    control character), as urlsplit and unquote read it; None for any other URL. The engine found
    on nearly every machine, named without importing urllib.parse (~3 ms with the ipaddress it
    imports, at the start of every run)."""
    if url.startswith("unix:///") and url.isprintable() and not any(c in url for c in " %?#"):
        return url[len("unix://"):]
    return None


def discover_endpoint(env: Mapping[str, str]) -> Endpoint | None:
    """DOCKER_HOST, else the current context, else the first local socket that exists."""
    tls_dir = Path(env["DOCKER_CERT_PATH"]) if env.get("DOCKER_CERT_PATH") else None
    verify = env.get("DOCKER_TLS_VERIFY", "") not in ("", "0")
    if env.get("DOCKER_HOST"):
        _validate_host(env["DOCKER_HOST"])
        use_tls = verify or bool(env.get("DOCKER_TLS"))
        if use_tls and tls_dir is None:
            tls_dir = Path(env.get("HOME", "/")) / ".docker"
        ssh = _which_ssh(env)
        return Endpoint(env["DOCKER_HOST"], "DOCKER_HOST", tls_dir if use_tls else None, verify, ssh)
    context = _context_endpoint(env)
    if context is not None:
        return context
    home = env.get("HOME", "")
    candidates = [(DEFAULT_SOCKET, "default socket")]
    if env.get("XDG_RUNTIME_DIR"):
        runtime = env["XDG_RUNTIME_DIR"]
        candidates += [(f"{runtime}/docker.sock", "rootless socket"),
                       (f"{runtime}/podman/podman.sock", "podman socket")]
    if home:
        candidates += [(f"{home}/.docker/run/docker.sock", "Docker Desktop socket"),
                       (f"{home}/.orbstack/run/docker.sock", "OrbStack socket"),
                       *_colima_sockets(home),
                       (f"{home}/.rd/docker.sock", "Rancher Desktop socket"),
                       (f"{home}/.local/share/containers/podman/machine/podman.sock", "Podman machine socket")]
    candidates += [("/run/podman/podman.sock", "podman socket"),
                   (WSL_DESKTOP_SOCKET, "Docker Desktop WSL integration socket")]
    # the default socket counts as a link whose engine is stopped, too: the CLI dials it all the same, and
    # where it leads names the product to start (Docker Desktop's "Allow the default Docker socket to be
    # used", docs.docker.com/desktop/mac/permission-requirements, docker/for-mac#6529; Colima's FAQ:
    # `sudo ln -sf $HOME/.colima/default/docker.sock /var/run/docker.sock`)
    for path, source in candidates:
        if os.path.exists(path) or (path == DEFAULT_SOCKET and os.path.islink(path)):
            return Endpoint(f"unix://{path}", source)
    return None


def _colima_sockets(home: str) -> list[tuple[str, str]]:
    """Colima's per-profile sockets, `default` first (`~/.colima/<profile>/docker.sock`)."""
    try:
        profiles = sorted(os.listdir(f"{home}/.colima"), key=lambda p: (p != "default", p))
    except OSError:
        return []
    return [(f"{home}/.colima/{p}/docker.sock", f"Colima socket (profile {p!r})") for p in profiles]


def _validate_host(url: str) -> None:
    """Refuse a DOCKER_HOST the docker CLI would refuse too, in one line (never a traceback)."""
    from doctor.redact import scrub

    masked = scrub(url)  # its password masked before it is cut (a cut one would be shown in part)
    shown = masked if len(masked) <= 60 else masked[:57] + "..."
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in SCHEMES or not rest.strip("/"):
        raise Unavailable(f"DOCKER_HOST={shown!r} is not an engine address (unix:///path, tcp://host:port, ssh://host)")
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise Unavailable(f"DOCKER_HOST={shown!r} has an invalid port") from None
    if scheme in ("tcp", "http", "https", "ssh") and not parts.hostname:
        raise Unavailable(f"DOCKER_HOST={shown!r} names no host")


def _context_endpoint(env: Mapping[str, str]) -> Endpoint | None:
    """The endpoint of DOCKER_CONTEXT / currentContext, or None for the `default` context."""
    home = Path(env.get("HOME", "/"))
    config_dir = Path(env["DOCKER_CONFIG"]) if env.get("DOCKER_CONFIG") else home / ".docker"
    name = env.get("DOCKER_CONTEXT", "")
    if not name:
        try:
            config = json.loads((config_dir / "config.json").read_text())
        except (OSError, ValueError):
            return None
        name = str(config.get("currentContext") or "") if isinstance(config, dict) else ""
    if not name or name == "default":
        return None
    import hashlib  # only a named context needs it

    digest = hashlib.sha256(name.encode()).hexdigest()
    meta_path = config_dir / "contexts" / "meta" / digest / "meta.json"
    try:
        meta = json.loads(meta_path.read_text())
        docker_endpoint = meta["Endpoints"]["docker"]
        url = str(docker_endpoint["Host"])
    except (OSError, ValueError, KeyError, TypeError):
        raise Unavailable(f"docker context {name!r} has no readable endpoint ({meta_path})") from None
    if url.startswith("npipe:"):
        raise Unavailable(f"docker context {name!r} is a Windows named pipe ({url}): use the WSL "
                          "integration socket, not the Windows docker.exe context")
    tls_dir = config_dir / "contexts" / "tls" / digest / "docker"
    ssh = _which_ssh(env)
    if not tls_dir.is_dir():
        return Endpoint(url, f"context {name!r}", ssh=ssh)
    return Endpoint(url, f"context {name!r}", tls_dir, not docker_endpoint.get("SkipTLSVerify"), ssh)


def _which_ssh(env: Mapping[str, str]) -> str:
    """The ssh client on the PATH doctor sees (`ssh` when there is none): asked only for a configured engine."""
    import shutil

    return shutil.which("ssh", path=env.get("PATH", os.defpath)) or "ssh"
