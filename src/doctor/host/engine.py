"""The docker engine, found as the docker CLI finds it (`doctor.host.endpoint`), reached with a short timeout.

An `ssh://` engine is asked the way the docker CLI asks it: `ssh HOST docker system
dial-stdio`, with HTTP over the pipe (BatchMode: never a password prompt).

Pings and the few read-only API calls doctor needs (`/_ping`, `/info`, `/containers/json`)
speak HTTP/1.0 over a plain socket: the docker SDK (and http.client, ~30 ms of imports) is
imported only when a caller asks for `EngineConnection.client`.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from collections.abc import Mapping
from functools import cached_property
from itertools import accumulate
from pathlib import Path

from doctor.host import endpoint as discovery  # its DEFAULT_SOCKET read when used: one place to move it
from doctor.host.endpoint import Endpoint
from doctor.model import Unavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    import _socket
    from typing import Any

# hashlib, shutil, subprocess and socket are imported where they are used: a preflight that finds
# the default socket and answers from it needs none of them (~12 ms of imports), and reaches a
# unix socket through the C module _socket alone (socket.py's enums and selectors cost ~3 ms)

_MAX_DEPTH = 200  # the engine's documents nest a dozen levels; deeper is garbage, not data
_MAX_RESPONSE = 32 * 1024 * 1024
# the lists a preflight's checks read, which the engine takes milliseconds to build (Host.prefetch)
CONTAINER_LIST = "/containers/json?all=1"
IMAGE_LIST = "/images/json"


class Gone(Unavailable):
    """The engine answered 404: what the path names is not there (a container removed since it was listed)."""


class EngineConnection:
    """A found engine and whether it answered; never raises on construction.

    `reason` is "" when the engine answered its ping, else one line saying why not. Every
    accessor that needs the engine raises `Unavailable(reason)` when it did not. With
    `reason=None` the engine is not asked yet: the ping is sent when `reason` is first read,
    unless a request comes first: its answer says what the ping would have (one round trip less
    on every run, a VM's socket on Docker Desktop costs milliseconds per request).
    """

    def __init__(self, endpoint: Endpoint | None, reason: str | None = "", timeout: float = 2.0) -> None:
        self.endpoint = endpoint
        self._reason = reason if reason or endpoint is not None else "no docker engine endpoint found"
        self.timeout = timeout
        # prefetched GETs: path -> its connection (answer unread) and when it was sent
        self._sent: dict[str, tuple[_socket.socket, float]] = {}
        self._fenced = False  # in a preflight's helper process: the prefetched answers are the run's

    def fence(self) -> None:
        """In the helper process of a preflight (Host.fence): a GET of a list the run prefetches (the
        containers', the images'), sent or not, raises doctor.model.StartedProbe: a sent one's answer
        is left unread for the run, and a check that reads one runs there whatever the project."""
        self._fenced = True

    def prefetch(self, path: str) -> None:
        """Send `GET path` now and read the answer when get_json(path) asks: the engine builds it meanwhile.

        Only over a local socket, where connecting cannot wait; any fault here leaves the
        request to get_json, which meets it again and says what it is. Prefetching a path again
        replaces an answer nobody read (the state may have changed since).
        """
        endpoint = self.endpoint
        if endpoint is None or self._reason or endpoint.scheme != "unix":
            return
        unread = self._sent.pop(path, None)
        if unread is not None:  # sent for an earlier run on this host, never read: ask anew, not stale
            unread[0].close()
        try:
            sock = _connect(endpoint, self.timeout)
        except (Unavailable, OSError):
            return
        try:
            sock.sendall(_request_line(path))
        except OSError:
            sock.close()
            return
        self._sent[path] = (sock, time.monotonic())

    @property
    def reason(self) -> str:
        """"" when the engine answers (asked now if it was not yet), else why not."""
        if self._reason is None:
            endpoint = self.endpoint
            self._reason = ping(endpoint, self.timeout) if endpoint is not None else "no docker engine endpoint found"
        return self._reason

    def __repr__(self) -> str:
        where = self.endpoint.url if self.endpoint else "none"
        return f"EngineConnection({where}, {'available' if self.available else self.reason!r})"

    @property
    def available(self) -> bool:
        return not self.reason

    @property
    def not_running(self) -> bool:
        """True when unavailable because nothing listens (so no container can be running either)."""
        return self.reason.startswith(("no socket at", "nothing listens", "no docker engine"))

    def _require(self) -> Endpoint:
        if self.reason or self.endpoint is None:
            raise Unavailable(f"docker engine unavailable: {self.reason}")
        return self.endpoint

    def get_json(self, path: str) -> Any:
        """GET an API path (e.g. `/containers/json?all=1`) and decode its JSON body."""
        if self._fenced and (path in self._sent or path in (CONTAINER_LIST, IMAGE_LIST)):
            from doctor.model import StartedProbe

            raise StartedProbe(path)
        if self._reason is None and self.endpoint is not None:
            # not pinged yet: this request is the first contact, and a fault on it (nothing
            # listens, no answer in time, not an engine) is the one the ping would have met
            try:
                status, body = _request(self.endpoint, path, self.timeout, *self._sent.pop(path, (None, None)))
            except Unavailable as exc:
                self._reason = exc.reason
                raise Unavailable(f"docker engine unavailable: {exc.reason}") from None
            if status == 200:
                self._reason = ""
            else:
                self._require()  # whether it answers its ping decides, as when it was pinged first
        else:
            status, body = _request(self._require(), path, self.timeout, *self._sent.pop(path, (None, None)))
        if status != 200:
            answered = f"docker engine answered {status} to GET {path.split('?')[0]}"
            raise Gone(answered) if status == 404 else Unavailable(answered)
        shown = path.split("?")[0]
        if _deeper_than(body, _MAX_DEPTH):  # json.loads would recurse until RecursionError
            raise Unavailable(f"docker engine sent JSON nested over {_MAX_DEPTH} levels for GET {shown}")
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise Unavailable(f"docker engine sent invalid JSON for GET {shown}") from None

    @cached_property
    def info(self) -> Mapping[str, Any]:
        """The engine's `/info` document."""
        found = self.get_json("/info")
        return found if isinstance(found, dict) else {}

    @property
    def rootless(self) -> bool:
        """True for a rootless engine (docker or podman), as `/info` SecurityOptions tell.

        A local socket that root owns is a rootful daemon's: a rootless one runs as its user, who
        owns the socket it made (and a symlink, as Docker Desktop's /var/run/docker.sock, is
        followed to it). That one is not asked: dockerd's /info costs a round trip of ~15-20 ms,
        on the run's own path, of every preflight of a project publishing a port below 1024.
        """
        if "info" not in self.__dict__ and self._root_owned_socket():
            return False
        try:
            options = self.info.get("SecurityOptions") or []
        except Unavailable:
            return False
        return any("name=rootless" in str(option) for option in options)

    def _root_owned_socket(self) -> bool:
        endpoint = self.endpoint
        if endpoint is None or endpoint.scheme != "unix":
            return False
        try:
            return os.stat(endpoint.socket_path).st_uid == 0
        except OSError:
            return False

    @cached_property
    def client(self) -> Any:
        """A `docker.DockerClient` for this endpoint (the SDK is imported here, and only here)."""
        endpoint = self._require()
        import docker

        tls: Any = False
        if endpoint.tls_dir is not None:
            from docker.tls import TLSConfig

            ca = endpoint.tls_dir / "ca.pem"
            tls = TLSConfig(
                client_cert=(str(endpoint.tls_dir / "cert.pem"), str(endpoint.tls_dir / "key.pem")),
                ca_cert=str(ca) if endpoint.tls_verify else None,
                verify=endpoint.tls_verify,
            )
        return docker.DockerClient(base_url=endpoint.url, timeout=max(1, round(self.timeout)), tls=tls)


_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


def quote(text: str, safe: str = "/") -> str:
    """`urllib.parse.quote(text, safe)` for an API path or query: every byte of its UTF-8 but the
    unreserved ones and `safe` written as %XX. Without importing urllib.parse (and the ipaddress
    it imports: ~3 ms) in the run that asks the engine about its containers."""
    keep = _UNRESERVED.union(safe.encode("ascii", "ignore"))
    return "".join(chr(b) if b in keep else f"%{b:02X}" for b in text.encode("utf-8"))


def find_engine(env: Mapping[str, str], timeout: float = 2.0, root: Path = Path("/")) -> EngineConnection:
    """The engine the docker CLI would talk to, pinged once with `timeout` seconds when first asked
    (`root`: where the platform is read from, when no engine's socket is found)."""
    try:
        endpoint = discovery.discover_endpoint(env)
    except Unavailable as exc:
        return EngineConnection(None, exc.reason, timeout)
    if endpoint is None:
        from doctor.host.platform import detect_platform

        advice = " ".join(("is the docker engine running?", detect_platform(env, root).no_engine_advice())).strip()
        reason = f"no socket at {discovery.DEFAULT_SOCKET} ({advice})"
        return EngineConnection(None, reason, timeout)
    return EngineConnection(endpoint, None, timeout)


def _deeper_than(body: bytes, limit: int) -> bool:
    """Whether a JSON text nests brackets more than `limit` deep (brackets in strings do not count).

    In C, not byte by byte in Python (that took 1 ms per 4 KB, and a developer's image list is
    hundreds of KB): a text with at most `limit` opening brackets cannot be deeper; else escaped
    backslashes and quotes are dropped, the text between quotes (strings; an unterminated one runs
    to the end) left out, and the running depth of the brackets that remain summed. Exact for
    any text whose backslashes are all in strings, as in every JSON text.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    outside = body.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')[::2]
    brackets = b"".join(outside).translate(None, bytes(range(256)).translate(None, b"[]{}"))
    step = {0x5B: 1, 0x7B: 1, 0x5D: -1, 0x7D: -1}
    return max(accumulate(map(step.__getitem__, brackets)), default=0) > limit


def ping(endpoint: Endpoint, timeout: float) -> str:
    """"" when `GET /_ping` answers OK within `timeout`, else one line saying what went wrong."""
    try:
        status, _ = _request(endpoint, "/_ping", timeout)
    except Unavailable as exc:
        return exc.reason
    return "" if status == 200 else f"{endpoint.url} answered {status} to a ping"


def _connect(endpoint: Endpoint, timeout: float) -> _socket.socket:
    """A connected socket (socket.socket, or for a unix socket the C module's own _socket.socket)."""
    scheme = endpoint.scheme
    if scheme == "unix":
        import _socket

        path = endpoint.socket_path
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = 0
        if mode and not stat.S_ISSOCK(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "a regular file" if stat.S_ISREG(mode) else "no socket"
            raise Unavailable(f"{path} is {kind}, not the engine's socket")
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(endpoint.socket_path)
        except BaseException:
            sock.close()
            raise
        return sock
    if scheme in ("tcp", "http", "https"):
        import socket
        from urllib.parse import urlsplit

        parts = urlsplit(endpoint.url)
        tls = endpoint.tls_dir is not None or scheme == "https"
        try:
            port = parts.port or (2376 if tls else 2375)
        except ValueError:
            raise Unavailable(f"{endpoint.url} has an invalid port") from None
        raw = socket.create_connection((parts.hostname or "localhost", port), timeout=timeout)
        if not tls:
            return raw
        import ssl  # only for tls engines: it costs imports nobody else needs

        context = ssl.create_default_context()
        if endpoint.tls_dir is not None:
            if (endpoint.tls_dir / "ca.pem").is_file() and endpoint.tls_verify:
                context.load_verify_locations(str(endpoint.tls_dir / "ca.pem"))
            if (endpoint.tls_dir / "cert.pem").is_file():
                context.load_cert_chain(str(endpoint.tls_dir / "cert.pem"), str(endpoint.tls_dir / "key.pem"))
        if not endpoint.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context.wrap_socket(raw, server_hostname=parts.hostname)
    raise Unavailable(f"{scheme}:// engines are not probed by doctor ({endpoint.source})")


def ssh_command(url: str, timeout: float, ssh: str = "ssh") -> list[str]:
    """The docker CLI's way to reach an ssh:// engine: `docker system dial-stdio` on the far side."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    argv = [ssh, "-o", "BatchMode=yes", "-o", f"ConnectTimeout={max(1, round(timeout))}", "-T"]
    if parts.username:
        argv += ["-l", unquote(parts.username)]
    if parts.port:
        argv += ["-p", str(parts.port)]
    return [*argv, "--", parts.hostname or "", "docker", "system", "dial-stdio"]


def _ssh_request(endpoint: Endpoint, request: bytes, timeout: float) -> bytes:
    import subprocess

    try:
        proc = subprocess.Popen(ssh_command(endpoint.url, timeout, endpoint.ssh), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise Unavailable(f"cannot run ssh for {endpoint.url}: {exc.strerror or exc}") from None
    try:
        out, err = proc.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise Unavailable(f"no answer from {endpoint.url} in {timeout:g} s (ssh or engine hung?)") from None
    if not out:
        said = err.decode(errors="replace").strip().splitlines()
        raise Unavailable(f"ssh to {endpoint.url} failed: {said[-1] if said else f'exit {proc.returncode}'}")
    return out[:_MAX_RESPONSE]


def _request_line(path: str) -> bytes:
    return f"GET {path} HTTP/1.0\r\nHost: docker\r\nUser-Agent: doctor\r\n\r\n".encode()


def _request(endpoint: Endpoint, path: str, timeout: float, sent: _socket.socket | None = None,
             sent_at: float | None = None) -> tuple[int, bytes]:
    """One HTTP/1.0 GET (so the engine neither chunks nor keeps the connection), with errors as one line.

    `sent` is a connection this GET was already sent on (EngineConnection.prefetch), at `sent_at`
    (time.monotonic()): only its answer is read, and `timeout` runs from when it was sent. Requests
    prefetched together (port-collision's inspections of stopped containers) so wait `timeout` in all
    for an engine that answers none of them, not `timeout` each, one after another.
    """
    where = endpoint.socket_path or endpoint.url
    request = _request_line(path)
    if endpoint.scheme == "ssh":
        return _parse_response(_ssh_request(endpoint, request, timeout), where)
    try:
        sock = sent if sent is not None else _connect(endpoint, timeout)
        try:
            if sent is None:
                sock.sendall(request)
            chunks: list[bytes] = []
            size = 0
            # a trickling engine must not stretch the budget
            deadline = (sent_at if sent is not None and sent_at is not None else time.monotonic()) + timeout
            while size < _MAX_RESPONSE:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            sock.close()
    except TimeoutError:
        raise Unavailable(f"no answer from {where} in {timeout:g} s (engine hung?)") from None
    except OSError as exc:
        raise Unavailable(_describe(exc, endpoint, where)) from None
    return _parse_response(b"".join(chunks), where)


def _parse_response(raw: bytes, where: str) -> tuple[int, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise Unavailable(f"{where} did not answer like a docker engine")
    return int(status_line[1]), body


def _describe(exc: OSError, endpoint: Endpoint, where: str) -> str:
    own = ""
    if endpoint.source == "default socket" and exc.errno in (errno.EACCES, errno.EPERM, errno.ECONNREFUSED):
        from doctor.host.socket_access import own_rootless_socket  # only once the engine refused this user

        own = own_rootless_socket(endpoint.socket_path or "")
        own = f"your own rootless engine listens on {own}: export DOCKER_HOST=unix://{own}, which compose and " \
              f"the docker CLI need too" if own else ""
    if exc.errno in (errno.EACCES, errno.EPERM):
        from doctor.host.socket_access import access_hint

        hint = own or (access_hint(endpoint.socket_path) if endpoint.socket_path else "")
        return f"permission denied on {where}{f' ({hint})' if hint else ''}"
    if own:
        return f"nothing listens on {where} ({own})"
    start = _START_HINTS.get(endpoint.product, "")
    start += f" --profile {endpoint.colima_profile}" if endpoint.colima_profile not in ("", "default") else ""
    running = f"is the docker engine running?{' ' + start if start else ''}"
    if exc.errno == errno.ENOENT:
        link = f"a link to {os.path.realpath(where)}; " if os.path.islink(where) else ""  # its engine's socket gone
        return f"no socket at {where} ({link}{running})"
    if exc.errno == errno.ENOTSOCK:
        return f"{where} is not a socket"
    if exc.errno == errno.ECONNREFUSED:
        return f"nothing listens on {where} ({running})"
    return f"cannot reach {where}: {exc.strerror or exc}"


# how each product's engine is started: a rootless daemon is a user service (not `sudo systemctl`),
# the desktop engines are apps or VMs of their own
_START_HINTS = {
    "rootless Docker": "systemctl --user start docker", "Docker Desktop": "start Docker Desktop",
    "Docker Desktop (WSL integration)": "start Docker Desktop, with WSL integration on for this distro",
    "Colima": "colima start", "OrbStack": "start OrbStack", "Rancher Desktop": "start Rancher Desktop",
    "Podman machine": "podman machine start", "Podman": "systemctl [--user] start podman.socket",
}
