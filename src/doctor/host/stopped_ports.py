"""The host ports stopped compose containers would publish, remembered across runs.

port-collision reads them from each stopped container's `HostConfig.PortBindings`, one engine
request per container (~1 ms each, up to ports.MAX_INSPECTED): a host keeps its leftovers for
weeks. Those bindings are fixed when the container is created (`docker update` cannot change
them; compose recreates a container, with a new id, to change its ports), and a container id
is never reused, so an entry keyed by the full id can never be stale: a write keeps only the
entries of containers the engine still lists. It lives in doctor.cachedir's folder, never inside
the project a run reads; DOCTOR_NO_CACHE=1 turns it off; an unreadable or malformed cache is empty.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

FILE = "stopped-ports.json"
FORMAT = 1

#: (host ip, host port, protocol) of each fixed binding of one container
Bindings = tuple[tuple[str, int, str], ...]


class StoppedPorts:
    """Bindings by container id: read once, written back only when it learned something."""

    def __init__(self, env: Mapping[str, str], engine_url: str) -> None:
        from doctor.cachedir import cache_dir

        folder = cache_dir(env)
        self.path = os.path.join(folder, FILE) if folder else None
        self.engine_url = engine_url
        self.known = self._read()
        self.learned: dict[str, Bindings] = {}

    def _read(self) -> dict[str, Bindings]:
        from doctor.cachedir import read_json

        entry = read_json(self.path) if self.path is not None else None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("engine") != self.engine_url:
            return {}
        try:
            return {str(cid): tuple((str(ip), int(port), str(proto)) for ip, port, proto in bindings)
                    for cid, bindings in entry["containers"].items()}
        except (ValueError, TypeError, KeyError, AttributeError):  # not this shape
            return {}

    def get(self, container_id: str) -> Bindings | None:
        return self.known.get(container_id)

    def add(self, container_id: str, bindings: Bindings) -> None:
        self.known[container_id] = self.learned[container_id] = bindings

    def save(self, listed: set[str]) -> None:
        """Write the entries of the containers still listed, when one is new.

        Entries of removed containers are dropped then, not on their own: they are never read
        again (an id is never reused), and a run that learned nothing writes nothing.
        """
        if self.path is None or not self.learned:
            return
        from doctor.cachedir import write_json

        kept = {cid: bindings for cid, bindings in self.known.items() if cid in listed}
        write_json(self.path, {"format": FORMAT, "engine": self.engine_url, "containers": kept})
