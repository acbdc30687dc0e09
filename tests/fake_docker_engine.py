"""A fake docker engine on a unix socket: answers canned JSON per path, or never answers (hung)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from pathlib import Path


class FakeEngine:
    """Serve `routes` (path without query -> JSON body, or a function of the whole target, query included,
    that returns it: an answer that depends on the filters) over HTTP/1.0; `hung=True` accepts, says nothing."""

    def __init__(self, path: Path, routes: dict[str, object] | None = None, hung: bool = False) -> None:
        self.path = path
        self.routes = {"/_ping": "OK", **(routes or {})}
        self.hung = hung
        self.requests: list[str] = []
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        info = self.routes.get("/info")
        if os.geteuid() == 0 and isinstance(info, dict) and "name=rootless" in str(info.get("SecurityOptions")):
            os.chown(path, 65534, 65534)  # a rootless daemon's socket is its user's, never root's (as doctor knows)
        self._server.listen(16)
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            if self.hung:
                self._held.append(conn)  # keep it open, answer nothing
                continue
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                line = data.split(b"\r\n", 1)[0].decode()
                target = line.split(" ")[1] if " " in line else ""
                self.requests.append(target)
                body = self.routes.get(target.split("?")[0])
                if callable(body):
                    body = body(target)
                if body is None:
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + payload)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the serving thread
        self._server.close()
        for conn in self._held:
            conn.close()


LINUX = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "OSType": "linux", "Architecture": "x86_64"}


def linux_engine_env(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A preflight's environment on a fake Linux engine of its own, for a fixture to yield from: no cache,
    the state and home folders in `tmp_path`; the engine closed when the fixture ends."""
    engine = FakeEngine(tmp_path / "e.sock", {"/info": LINUX})
    yield {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": engine.url}
    engine.close()


def host_gateway_findings(root: Path, compose: str):  # type: ignore[no-untyped-def]
    """host-gateway's findings on the project at `root` (its compose file `compose`), run on a fake Linux engine of
    its own (a socket in `root`, made again for a second run): the engine that does not resolve the name."""
    from doctor.engine import RunOptions, load_registry, preflight
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    (root / "e.sock").unlink(missing_ok=True)
    engine = FakeEngine(root / "e.sock", {"/info": {"OperatingSystem": "Debian GNU/Linux 12", "OSType": "linux"}})
    try:
        env["DOCKER_HOST"] = engine.url
        options = ProjectOptions(path=root, files=(root / compose,), env=env)
        report = preflight(RunOptions(project=options, select=("host-gateway",), env=env), load_registry()).report
        return report.findings
    finally:
        engine.close()
