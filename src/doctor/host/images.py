"""Image and volume facts from the docker engine, typed: what a check needs, never raw JSON.

Each answer comes from one read-only API call on the engine doctor found (`host.engine`), with
its short timeout; an unreachable engine raises `Unavailable` from the first call, which skips
the check that asked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cached_property

from doctor.host.engine import IMAGE_LIST, quote
from doctor.lazyre import lazy
from doctor.model import Unavailable, record
from doctor.project.image_builders import reference_key as reference_key  # the project model matches with it too

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime  # imported where a timestamp is read: a preflight reads none
    from typing import Any

    from doctor.host.engine import EngineConnection

# engine `/info` Architecture (uname -m) -> OCI architecture names images carry
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm",
         "armv6l": "arm", "i386": "386", "i686": "386", "s390x": "s390x", "ppc64le": "ppc64le", "riscv64": "riscv64"}
# engines whose VM answers host.docker.internal without extra_hosts
_DESKTOPS = ("docker desktop", "orbstack", "rancher desktop")
# what the engine may also read as an image id (`sha256:...`, a hex prefix): only an inspect answers those
_ID_LIKE = lazy(r"(sha256:)?[0-9a-f]{6,64}")
_VERSION = lazy(r"v?(\d+)\.(\d+)")


@record
class ImageFacts:
    """A local image: its id, platform (`linux/arm64`), when it was built (UTC), the user it
    runs as (its `USER`: `2000`, `mattermost:mattermost`; empty for root by default), its ENV and
    when the engine last tagged it (`Metadata.LastTagTime`, which compose's `pull_policy: daily`
    reads; year 1 where the engine records none, None where it gives no such field), and whether it came
    from a registry (its `RepoDigests`: none for an image built, imported or loaded here; None where unknown)."""

    name: str
    id: str
    platform: str
    created: datetime | None
    user: str
    env: tuple[tuple[str, str], ...] = ()
    tagged: datetime | None = None
    pulled: bool | None = None


@record
class VolumeFacts:
    """A volume on the engine: name, compose labels, creation time (UTC)."""

    name: str
    created: datetime | None
    labels: dict[str, str]


@record
class ContainerMount:
    """A volume mounted in a compose-created container: which service, volume name, target."""

    service: str
    volume: str
    target: str


class EngineImages:
    """Typed image, volume and platform facts of one engine."""

    def __init__(self, engine: EngineConnection) -> None:
        self.engine = engine

    @cached_property
    def platform(self) -> str:
        """The engine's native platform, `linux/amd64`."""
        info = self.engine.info
        arch = str(info.get("Architecture") or "")
        return f"{str(info.get('OSType') or 'linux').lower()}/{_ARCH.get(arch, arch)}"

    @cached_property
    def provides_host_gateway_name(self) -> bool:
        """True when the engine's VM resolves host.docker.internal by itself (Docker Desktop, OrbStack...)."""
        system = str(self.engine.info.get("OperatingSystem") or "").lower()
        if any(name in system for name in _DESKTOPS):
            return True
        # Colima's /info names the VM's distro, not Colima: its socket (~/.colima/) or its VM's name
        # (`colima`, `colima-PROFILE`) says it; its VM answers the name (abiosoft/colima#277). So does
        # Rancher Desktop's Lima VM on macOS and Linux (its /info: an Alpine OperatingSystem, Name
        # `lima-rancher-desktop`, as ddev tells it; rancher-desktop#1625, #3163), where `host-gateway`
        # is the VM's bridge, refused (rancher-desktop#5095)
        endpoint = self.engine.endpoint
        name = str(self.engine.info.get("Name") or "").lower()
        return (endpoint is not None and endpoint.product in ("Colima", "Rancher Desktop")) or name == "colima" \
            or name.startswith("colima-") or name == "lima-rancher-desktop"

    @cached_property
    def adds_host_gateway_name(self) -> bool:
        """True when the engine writes host.docker.internal into every container's /etc/hosts itself:
        Podman from 4.7 (containers/common#1592, beside host.containers.internal; the `host-gateway`
        an extra_hosts line would name is the same address, and where podman knows none both fail)."""
        info = self.engine.info
        if "BuildahVersion" not in info:  # a field only podman's docker-compatible /info has
            return False
        found = _VERSION.match(str(info.get("ServerVersion") or ""))
        return found is not None and (int(found[1]), int(found[2])) >= (4, 7)

    def present(self, names: Iterable[str]) -> frozenset[str]:
        """Which of `names` (`repo:tag`, `repo@sha256:...`) the engine has locally.

        One image list answers for all of them, however many services name them; a name is
        inspected on its own only when the engine cannot list or the name may be an image id.
        """
        listed = self._listed
        found: set[str] = set()
        for name in set(names):
            if listed is not None and not _ID_LIKE.fullmatch(name):
                if reference_key(name) in listed:
                    found.add(name)
            elif self.image(name) is not None:
                found.add(name)
        return frozenset(found)

    @cached_property
    def _listed(self) -> frozenset[str] | None:
        """Every tag and digest of the engine's images (see reference_key); None when it cannot list."""
        try:
            data = self.engine.get_json(IMAGE_LIST)
        except Unavailable as exc:
            if not_found(exc):
                return None
            raise
        if not isinstance(data, list):
            return None
        keys: set[str] = set()
        for item in data:
            refs = [*(item.get("RepoTags") or []), *(item.get("RepoDigests") or [])] if isinstance(item, dict) else []
            keys.update(reference_key(ref) for ref in refs if isinstance(ref, str) and "<none>" not in ref)
        return frozenset(keys)

    def image(self, name: str) -> ImageFacts | None:
        """The local image called `name` (`repo:tag`, `repo@sha256:...`), None when absent; asked once per run."""
        if name not in self._inspected:
            self._inspected[name] = self._inspect(name)
        return self._inspected[name]

    @cached_property
    def _inspected(self) -> dict[str, ImageFacts | None]:
        return {}

    def _inspect(self, name: str) -> ImageFacts | None:
        try:
            data = self.engine.get_json(f"/images/{quote(name, safe='/:@')}/json")
        except Unavailable as exc:
            if not_found(exc):
                return None
            raise
        if not isinstance(data, dict):
            return None
        platform = f"{data.get('Os') or 'linux'}/{data.get('Architecture') or ''}"
        if data.get("Variant"):
            platform += f"/{data['Variant']}"
        config = data.get("Config")
        config = config if isinstance(config, dict) else {}
        user = str(config.get("User") or "")
        listed = config.get("Env")
        listed = listed if isinstance(listed, list) else []
        env = tuple((key, value) for key, _, value in (str(e).partition("=") for e in listed) if key)
        metadata = data.get("Metadata")
        tagged = engine_time(metadata.get("LastTagTime")) if isinstance(metadata, dict) else None
        digests = data.get("RepoDigests")
        return ImageFacts(name, str(data.get("Id") or ""), platform, engine_time(data.get("Created")), user, env,
                          tagged, bool(digests) if isinstance(digests, list) else None)

    @cached_property
    def volumes(self) -> dict[str, VolumeFacts]:
        """Every volume on the engine, by name."""
        data = self.engine.get_json("/volumes")
        found: dict[str, VolumeFacts] = {}
        for item in (data.get("Volumes") or []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and item.get("Name"):
                labels = item.get("Labels") or {}
                found[str(item["Name"])] = VolumeFacts(str(item["Name"]), engine_time(item.get("CreatedAt")),
                                                       {str(k): str(v) for k, v in labels.items()})
        return found

    def project_mounts(self, project: str) -> list[ContainerMount]:
        """The volumes mounted in the containers of compose project `project` (running or not)."""
        query = quote(json.dumps({"label": [f"com.docker.compose.project={project}"]}), safe="")
        data = self.engine.get_json(f"/containers/json?all=1&filters={query}")
        found: list[ContainerMount] = []
        for item in data if isinstance(data, list) else []:
            labels = item.get("Labels") or {}
            service = str(labels.get("com.docker.compose.service") or "")
            for mount in item.get("Mounts") or []:
                if isinstance(mount, dict) and mount.get("Type") == "volume" and mount.get("Name"):
                    found.append(ContainerMount(service, str(mount["Name"]), str(mount.get("Destination") or "")))
        return found


def not_found(exc: Unavailable) -> bool:
    """Whether the engine answered 404: the thing asked for is not there (not that it could not be asked)."""
    return " 404 " in f" {exc.reason} " or "answered 404" in exc.reason


def engine_time(value: Any) -> datetime | None:
    """Engine timestamps: RFC 3339 strings (nanoseconds, offsets) or unix seconds."""
    from datetime import UTC, datetime

    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:  # python parses at most microseconds: trim the nanoseconds, keep the offset
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[:min(digits, 6)]}{rest[digits:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
