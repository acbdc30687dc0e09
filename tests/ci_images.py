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

The real names are only *tags* on the stand-ins for the duration of a test (`tagged`): an
image a developer already has under that name (a real `postgres:17`) is never overwritten,
and the tags are removed afterwards, so a later real `docker compose up` pulls the real image
instead of silently running busybox.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LABEL = "org.doctor.standin"  # value: the spec digest, so a changed spec rebuilds


class StandInRefused(Exception):
    """A real image (not a stand-in of ours) already has the name: tagging over it would clobber it."""


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
        """The stand-in's own name, which keeps the image while the real name is untagged."""
        slug = "".join(c if c.isalnum() else "-" for c in self.reference.split("@")[0]).strip("-").lower()
        return f"doctor-standin/{slug}:{self.digest}"

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


@contextmanager
def tagged(docker: str, base_image: str, specs: Iterable[StandIn]) -> Iterator[tuple[str, ...]]:
    """Tag each stand-in with its real reference for the block; untag them afterwards.

    Raises StandInRefused, before tagging anything, when a reference names an image that is
    not a stand-in (a developer's real one). Yields the references tagged.
    """
    wanted = list(specs)
    for spec in wanted:
        if image_label(docker, spec.reference) == "":
            raise StandInRefused(f"image {spec.reference!r} exists and is not a doctor stand-in: not replacing it")
    build(docker, base_image, wanted)
    done: list[str] = []
    try:
        for spec in wanted:
            _docker(docker, "tag", spec.local_tag, spec.reference)
            done.append(spec.reference)
        yield tuple(done)
    finally:
        for reference in done:
            # removes the tag only: the image stays under its local tag for the next run
            if image_label(docker, reference):
                _docker(docker, "image", "rm", reference, check=False)


# the images of examples/broken-stack (and clean-stack): what each listens on inside the network
BROKEN_STACK = (
    StandIn("postgres:17", (5432,)),
    StandIn("traefik:3.1", (80,)),
    StandIn("schickling/mailcatcher", (1080, 1025)),
    StandIn("trading-frontend:dev", (80,)),
    # backend and prestart share the image; prestart runs `bash scripts/prestart.sh` once
    StandIn("trading-backend:dev", (8000,), oneshot=("bash",)),
)
