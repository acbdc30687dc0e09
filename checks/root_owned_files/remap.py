"""root-owned-files under a daemon started with `userns-remap`: container uid N is uid first+N here
(a rootless engine's: first+N-1, `inside_subuids`).

dockerd's `--userns-remap=default` (or a named user) runs every container in a user namespace
mapped onto the remap user's subordinate range (`dockremap:100000:65536` in /etc/subuid, which
dockerd writes): container root is uid 100000 here, not 0, and container uid 1000 is 101000 (no
`-1` as with a rootless engine, whose container root is you). Verified on dockerd 20.10.24 with
`--userns-remap=default`: a container's `touch` as root left uid 100000, `chown 1000:1000` inside
left 101000. The engine's /info says `name=userns` in SecurityOptions, and its DockerRootDir ends in
`<uid>.<gid>` of the range (`/var/lib/docker/100000.100000`): the range's first ids, whatever
user the daemon remaps to.
"""

from __future__ import annotations

from doctor.host import Host
from doctor.host.owners import Owner
from doctor.model import Unavailable, record

from .places import Row

# uids past 16 bits: where subordinate ranges live (useradd gives them from 100000, dockerd's own from
# 100000 too); only a stray owned by one is worth the engine's /info (~20 ms) to ask about a remap
SUBUID_FLOOR = 65536
DEFAULT_COUNT = 65536  # the size dockerd gives the range it makes; used when /etc/subuid does not say


@record
class Remap:
    """The range a userns-remap daemon maps container uids onto: container uid N is `first + N` here."""

    first: int
    count: int

    def inside(self, uid: int) -> int | None:
        """The container uid that `uid` here is, or None for a uid outside the range."""
        return uid - self.first if self.first <= uid < self.first + self.count else None

    def translated(self, rows: list[Row]) -> list[Row] | None:
        """`rows` with each owner as the container uid that wrote it; None unless every one is in the range
        (a stray of another uid, root's from a `sudo`, was not written through the remap)."""
        found = [(path, inner, gid, is_dir) for path, uid, gid, is_dir in rows
                 if (inner := self.inside(uid)) is not None]
        return found if len(found) == len(rows) else None


def userns_remap(host: Host, uids: set[int]) -> Remap | None:
    """The remap of the local engine when the strays (owned by `uids`) may be its containers' (one
    owner at SUBUID_FLOOR or above) and its /info says `name=userns`; None otherwise. A remote
    engine's containers write nothing here."""
    if not any(uid >= SUBUID_FLOOR for uid in uids):
        return None
    engine = host.engine
    if engine.endpoint is None or not engine.endpoint.is_local:
        return None
    try:
        info = engine.info
    except Unavailable:
        return None
    if not any("name=userns" in str(option) for option in info.get("SecurityOptions") or ()):
        return None
    uid, dot, gid = str(info.get("DockerRootDir") or "").rstrip("/").rpartition("/")[2].partition(".")
    if not (dot and uid.isdigit() and gid.isdigit()):
        return None
    first = int(uid)
    # the count from /etc/subuid where dockerd's own user has the range (a named remap user: the default)
    count = next((n for start, n in host.platform.subuid_ranges("dockremap", -1) if start == first), DEFAULT_COUNT)
    return Remap(first, count)


def remapped_as_you(remap: Remap, expected: Owner, who: str, advice: str) -> str:
    """How to keep `who` from writing there again under the remap: `advice` (its `user:`, PUID, or a user
    built with your ids) alone writes as first+your uid here, since every container uid is shifted;
    `userns_mode: "host"` runs that one service outside the remap, where your uid inside is yours."""
    shifted = remap.first + expected.uid
    return (f'give {who} userns_mode: "host" (under the engine\'s userns-remap uid {expected.uid} inside is '
            f"{shifted} here), and {advice}")


def inside_subuids(rows: list[Row], subuids: tuple[tuple[int, int], ...], yours: int) -> list[Row] | None:
    """`rows` with each owner as the container uid a rootless engine (or Docker Desktop's file sharing)
    wrote it as: subuid first+N-1 here is container uid N (container root is you, never a stray). None
    unless every one lies in `subuids` (root's from a `sudo` was not written through the engine), or
    when one is your own uid `yours` inside: a `user: "${UID}:${GID}"` meant as you, which here writes
    files you cannot edit (a stray, never a service's own user by design)."""
    found = [(path, inner, gid, is_dir) for path, uid, gid, is_dir in rows
             for first, count in subuids if first <= uid < first + count and (inner := uid - first + 1) != yours]
    return found if len(found) == len(rows) else None


def rootless_kept(service: str) -> str:
    """The advice for a server's data kept as its own container user under a rootless engine: your
    chown (to container root) would take it from that user, and its `user:` as you is container root."""
    return (f"expected while {service!r} runs as its own user; nothing to change: chowned back to you "
            f"(root inside), {service!r} could no longer write there")
