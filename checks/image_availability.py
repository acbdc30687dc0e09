"""image-availability: images with no build that the engine lacks, or has for another platform."""

from __future__ import annotations

from collections.abc import Iterator

from doctor.host import Host
from doctor.host.images import ImageFacts
from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project import Project
from doctor.project.types import Service

_PLAIN_REFERENCE = lazy(r"[\w./:@-]+")
_TAG = lazy(r":[^/]+$")

# tags nobody publishes to a registry: an image tagged so was meant to be built on this machine
LOCAL_TAGS = frozenset(("test", "local", "dev", "ci", "snapshot", "localdev"))


class ImageAvailability(Check):
    """images with no build that are absent on the engine, or present for another platform

    What it finds
        Services with `image:` and no `build:` whose image the engine does not have: compose will
        pull it on `up`. It is a warning when no registry is likely to have it — another service
        of the project builds that very tag, the tag is a local one (`:test`, `:local`, `:dev`),
        or the service says `pull_policy: never` — and a note otherwise. Also images present
        for another platform than the engine's (`linux/arm64` on an `linux/amd64` engine) with
        no `platform:` on the service. Live: asks the engine; skipped when it cannot be reached.

    Why it matters
        A pull fails offline, behind a proxy, or in CI before the job has built the image
        ("pull access denied for csv-analyst-runner"); an image for another architecture starts
        and dies with "exec format error", or runs slowly under emulation.

    Example
        compose.yaml:7  'runner' image 'csv-analyst-runner:test' is not on the engine and only 'builder' builds it

    Fix
        Advice: the command that makes the image present — `docker compose build SERVICE` for
        the service that builds it, else build or load the local tag first — or, for a platform
        mismatch, `platform: linux/ARCH` on the service (or pull the engine's platform). An
        image compose will simply pull is a note with no fix.

    Fix safety
        Advice only: nothing is run or written.
    """

    id = "image-availability"
    severity = Severity.WARNING
    fix_family = ""  # advice only: no `doctor fix` flag

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        pulled = [svc for svc in project.services.values() if svc.image and svc.build is None
                  and _PLAIN_REFERENCE.fullmatch(svc.image) and not svc.image.endswith((":", "/"))]
        if not pulled:
            return
        builders = {_canonical(svc.image): svc.name for svc in project.services.values() if svc.image and svc.build}
        # one image list for the whole project; an inspect only for what is present and has no platform:
        present = host.images.present(_canonical(svc.image or "") for svc in pulled)
        for svc in sorted(pulled, key=lambda s: s.name):
            image = svc.image or ""
            if _canonical(image) not in present:
                yield self._absent(svc, image, builders.get(_canonical(image)), svc.pull_policy or "")
            elif not svc.platform:
                facts = host.images.image(_canonical(image))
                if facts is not None:
                    yield from self._platform(svc, facts, host.images.platform)

    def _absent(self, svc: Service, image: str, builder: str | None, policy: str) -> Finding:
        subject = f"{svc.name}:{image}"
        if builder is not None:
            message = f"'{svc.name}' image '{image}' is not on the engine and only '{builder}' builds it"
            fix = Fix(f"run docker compose build {builder}", Safety.ADVICE)
            return self.finding(message, svc.location, subject, fix)
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
        if policy == "never" or tag in LOCAL_TAGS:
            why = "pull_policy is never" if policy == "never" else f"tag ':{tag}' is a local build"
            message = f"'{svc.name}' image '{image}' is not on the engine and {why}: nothing will pull it"
            return self.finding(message, svc.location, subject, Fix(f"build or load '{image}' first", Safety.ADVICE))
        # a note without a fix: pulling on `up` is compose's normal way, nothing to repair
        message = f"'{svc.name}' image '{image}' is not on the engine: compose pulls it on up (needs the registry)"
        return self.finding(message, svc.location, subject, None, Severity.INFO)

    def _platform(self, svc: Service, facts: ImageFacts, engine: str) -> Iterator[Finding]:
        mine = _os_arch(facts.platform)
        if len(mine) < 2 or not mine[1] or mine == _os_arch(engine):
            return
        message = f"'{svc.name}' image '{facts.name}' is {facts.platform}, the engine {engine}: exec format error"
        title = f"pull '{facts.name}' for {engine} (docker pull --platform {engine}) or set platform: {facts.platform}"
        yield self.finding(message, svc.location, f"{svc.name}:{facts.name}:platform", Fix(title, Safety.ADVICE))


def _canonical(image: str) -> str:
    """`redis` -> `redis:latest`; a digest or an explicit tag stays as written."""
    if "@" in image or _TAG.search(image):
        return image
    return f"{image}:latest"


def _os_arch(platform: str) -> tuple[str, ...]:
    return tuple(platform.split("/")[:2])
