"""Local stand-ins for the images a compose stack names, so `docker compose up` runs with no registry.

No registry is reachable in CI (nor here), so `postgres:17`, `traefik:3.1` or a `build:` image
whose base is `python:3.12-slim` can neither be pulled nor built. A stand-in is the busybox
rootfs of the `busybox_image` fixture re-imported (`docker import --change`) with an entrypoint
that serves plain HTTP (`httpd`) on the ports the real image listens on, until it is stopped.

The entrypoint is `sh -c SCRIPT standin`, so whatever `command:` the stack gives (traefik's
`--providers.docker`, the backend's `fastapi dev ...`) lands in `$1...` and is ignored: the
stack's own files run unchanged. A `oneshot` first word (prestart's `bash scripts/prestart.sh`)
exits 0 at once, as a real one-shot job does when it succeeds. TERM is trapped so `docker stop`
is instant (a plain PID 1 ignores TERM and would cost the 10 s kill timeout per container).

Stand-ins live only under doctor-only names (`doctor-test/postgres:17`, never `postgres:17`):
the copy of a stack a test runs has its compose files rewritten to those names
(`rewrite_images`), so a developer's real images are never shadowed, and two test runs on one
engine share the same stand-ins without untagging them under each other.

The example stacks also publish fixed host ports (8094, 8000, 1080, 5433); `rewrite_ports`
moves a copy onto ports free at run time, so a test never holds or takes a port that a
developer's own stack, or `doctor preflight examples/clean-stack`, expects free.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LABEL = "org.doctor.standin"  # value: the spec digest, so a changed spec rebuilds


TEST_NAMESPACE = "doctor-test/"


@dataclass(frozen=True)
class StandIn:
    """An image reference the stack uses, the container ports it serves, and one-shot commands."""

    reference: str
    ports: tuple[int, ...]
    oneshot: tuple[str, ...] = ()

    @property
    def script(self) -> str:
        """The entrypoint's shell script: exit 0 for a one-shot command, else serve every port."""
        lines = ['trap "exit 0" TERM INT']
        if self.oneshot:
            lines.append(f'case "$1" in {"|".join(self.oneshot)}) exit 0;; esac')
        lines.extend(f"httpd -f -p {port} -h / &" for port in self.ports)
        lines.append("wait")
        return "\n".join(lines)

    @property
    def digest(self) -> str:
        """A short hash of everything that shapes the image (the rootfs is the busybox fixture's)."""
        spec = json.dumps([self.reference, self.ports, self.oneshot, self.script])
        return hashlib.sha256(spec.encode()).hexdigest()[:12]

    @property
    def local_tag(self) -> str:
        """The stand-in's doctor-only name: `postgres:17` -> `doctor-test/postgres:17`."""
        name = self.reference.split("@")[0]
        return TEST_NAMESPACE + (name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest")

    def changes(self) -> list[str]:
        """`docker import --change` arguments (Dockerfile instructions, JSON forms)."""
        entrypoint = json.dumps(["sh", "-c", self.script, "standin"])
        found = ["ENTRYPOINT " + entrypoint, "CMD []", f"LABEL {LABEL}={self.digest}"]
        found.extend(f"EXPOSE {port}" for port in self.ports)
        return found


def _docker(docker: str, *args: str, stdin: bytes | None = None, check: bool = True,
            ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([docker, *args], input=stdin, capture_output=True, timeout=120, check=check)


def image_label(docker: str, reference: str) -> str | None:
    """The stand-in label of a local image: None when there is no such image, "" when it is not ours."""
    done = _docker(docker, "image", "inspect", "--format", "{{json .Config.Labels}}", reference, check=False)
    if done.returncode != 0:
        return None
    labels = json.loads(done.stdout or b"null") or {}
    return str(labels.get(LABEL, ""))


def build(docker: str, base_image: str, specs: Iterable[StandIn]) -> None:
    """Import every stand-in not yet present under its local tag, from `base_image`'s rootfs."""
    missing = [s for s in specs if image_label(docker, s.local_tag) != s.digest]
    if not missing:
        return
    container = _docker(docker, "create", base_image, "sh").stdout.decode().strip()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rootfs = Path(tmp) / "rootfs.tar"
            _docker(docker, "export", "--output", str(rootfs), container)
            for spec in missing:
                argv = ["import"]
                for change in spec.changes():
                    argv += ["--change", change]
                _docker(docker, *argv, str(rootfs), spec.local_tag)
    finally:
        _docker(docker, "rm", "-f", container, check=False)


def ensure(docker: str, base_image: str, specs: Iterable[StandIn]) -> dict[str, str]:
    """Build the stand-ins that are missing or stale; returns {reference in the stack: doctor-only name}.

    The doctor-test/ names are never removed: they are ours alone, and another test run on the
    same engine may be starting containers from them right now.
    """
    wanted = list(specs)
    build(docker, base_image, wanted)
    return {spec.reference: spec.local_tag for spec in wanted}


def rewrite_images(root: Path, names: dict[str, str]) -> None:
    """Point every `image:` line of the compose files under `root` at the doctor-only names."""
    for path in sorted(root.glob("*compose*.y*ml")):
        lines = path.read_text().splitlines(keepends=True)
        for n, line in enumerate(lines):
            key, sep, value = line.partition("image:")
            if sep and not key.strip() and value.strip().strip("'\"") in names:
                lines[n] = f"{key}{sep} {names[value.strip().strip(chr(39) + chr(34))]}\n"
        path.write_text("".join(lines))


def rewrite_ports(root: Path, ports: dict[int, int]) -> None:
    """Move a copied stack's fixed host ports, `old` -> `new`: the host side of `"8094:80"`,
    a `${VAR:-8094}` default and a `.env` `KEY=8094`, in the compose files and `.env` of `root`.

    Container ports (`"1080:1080"`'s right side, `"8000"`) and comments stay as they are.
    """
    alternatives = "|".join(str(p) for p in ports)
    host_port = re.compile(rf"""(?:(?<=:-)|(?<=[=\s"'])|^)({alternatives})(?=:\d|}}|\s*$)""")
    for path in [*sorted(root.glob("*compose*.y*ml")), root / ".env"]:
        if not path.is_file():
            continue
        lines = path.read_text().splitlines(keepends=True)
        for n, line in enumerate(lines):
            if not line.lstrip().startswith("#"):
                lines[n] = host_port.sub(lambda m: str(ports[int(m.group(1))]), line)
        path.write_text("".join(lines))


# the images of examples/broken-stack (and clean-stack): what each listens on inside the network
BROKEN_STACK = (
    StandIn("postgres:17", (5432,)),
    StandIn("traefik:3.1", (80,)),
    StandIn("schickling/mailcatcher", (1080, 1025)),
    StandIn("trading-frontend:dev", (80,)),
    # backend and prestart share the image; prestart runs `bash scripts/prestart.sh` once
    StandIn("trading-backend:dev", (8000,), oneshot=("bash",)),
)
