"""Which peer a host that names no service most likely meant (`suggest`: by its port, its server family,
the role its key names, then by likeness of name), and what keeps that fast on big projects: the names
of some networks kept by length (CandidateTable) and a group of peers ranked by likeness to the host
(NameGroup), each built once however many drifted hosts ask."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from doctor.project.env_hosts import DATABASE_FAMILIES, FAMILIES, HostRef, family_of, image_basename, key_names
from doctor.project.types import Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.service_network import NetworkView

FAMILY_PORTS = frozenset(port for port, _ in FAMILIES.values())
CUTOFF = 0.75  # how alike a drifted name and a peer's must be for a "did you mean" (difflib ratio)


def _named_for(service: Service, family: str) -> bool:
    """Whether the image's name starts with a name of the family (`postgres-partman`, `redis-alpine`)."""
    product = image_basename(service.image or "")
    return any(product == name or product.startswith(name + "-") for name in FAMILIES[family][1])


def suggest(view: NetworkView, ref: HostRef, env: Mapping[str, str | None], exclude: str = "") -> str | None:
    """The peer the reference most likely meant: by its port, then its server family, then by name.

    The peers by port and by family come from the index (a scan of every peer, with an image
    and name family each, per drifted host was quadratic in services); the names to compare
    are gathered once per view.
    """
    wanted = ref.expected_port(env)
    # Only a well-known server port says which service was meant; 8080 or 3000 says nothing.
    known = wanted is not None and wanted in FAMILY_PORTS
    family = ref.family or family_of(ref.host)
    for table, key in (("listeners", wanted if known else None), ("families", family)):
        if key is None:
            continue
        group = view.index.group(table, view.networks, key)
        if table == "listeners" and family is not None:
            # a server of the family on the port before any other peer exposing it (awesome-compose's
            # react-java-mysql: its node `frontend` exposes 3306 too, `db` runs mariadb)
            kin = view.index.group("kin", view.networks, (key, family))
            group = kin if any(name != exclude for name in kin.order) else group
        first = next((name for name in group.order if name != exclude), None)  # names are unique: 2 steps at most
        if first is not None:
            return group.closest(ref.host, exclude) or first
    if wanted is not None and not known and family is not None:
        # a server on a port no family owns (lago's POSTGRES_PORT=5433 moves PGPORT too) on an image
        # named for the family without being one of its exact names (getlago/postgres-partman): the
        # peer listening on the very port dialed
        group = view.index.group("listeners", view.networks, wanted)
        services = view.index.model.services
        named = next((n for n in group.order if n != exclude and _named_for(services[n], family)), None)
        if named is not None:
            return named
    if family is None and ref.generic_database:
        # `DB_HOST=olddb` beside one database server: that server (its name alone, `db`, resembles
        # too little of `olddb` for the comparison below)
        servers = dict.fromkeys(name for kind in DATABASE_FAMILIES
                                for name in view.index.group("families", view.networks, kind).order if name != exclude)
        if len(servers) == 1:
            return next(iter(servers))
    # the key names a peer before its role (DefectDojo's DD_UWSGI_HOST=django beside 'uwsgi'), unless it
    # names the host itself: polar's POLAR_TINYBIRD_API_URL=http://tinybird:7181 means tinybird's API, not
    # its own 'api' service
    named = None if _names_host(ref.key, ref.host) else next(
        (peer for name in key_names(ref.key) if (peer := view.resolve(name)) not in (None, exclude)), None)
    if named is not None:
        return named
    import difflib  # here: only a host naming no service needs it

    word = ref.host.lower()
    close = difflib.get_close_matches(word, view.candidates(exclude, word, CUTOFF), n=1, cutoff=CUTOFF)
    if not close:
        return None
    if ref.family is not None:
        # a name alike on a server of another family than the URL's scheme says is no match: `redis://cache:6379`
        # beside a memcached `my-cache` (leaked-host-port then wrote its port, `redis://my-cache:11211`); a
        # family guessed from the drifted host's own word (`postgress`) is no such proof
        from doctor.project.service_network import server_family

        peer = view.resolve(str(close[0]))
        service = view.index.model.services.get(peer) if peer is not None else None
        theirs = server_family(service) if service is not None else None
        if theirs is not None and theirs != ref.family:
            return None
    return str(close[0])


def _names_host(key: str, host: str) -> bool:
    """Whether the key's words hold the host's (`POLAR_TINYBIRD_API_URL` and `tinybird`, `OL_WEB_URL` and
    `ol-web`): the key says which server it means, and it is the host written."""
    words = host.lower().replace("-", "_").replace(".", "_")
    return bool(words) and f"_{words}_" in f"_{key.lower().replace('-', '_')}_"


class CandidateTable:
    """The names the views of some networks resolve to a peer, and the peers' own, kept by length.

    A drifted host is compared (difflib) with the names of about its length. Up to EXACT such
    names are all handed on; more (thousands of look-alike services on one network) only the
    NameGroup neighbours of the host in name and reversed-name order: comparing every name with
    every drifted host was quadratic in services (2,000 services, 34 s).
    """

    EXACT = 256

    def __init__(self, owners: dict[str, set[str]]) -> None:
        self.owners = owners  # name -> the peers it stands for (a peer's own name, what a view resolves it to)
        self._by_length = sorted(owners, key=len)
        self._lengths = [len(n) for n in self._by_length]

    @cached_property
    def _group(self) -> NameGroup:
        return NameGroup(list(self.owners))

    def between(self, low: int, high: int, exclude: str, word: str) -> list[str]:
        """The names of `low` to `high` characters not reaching `exclude` (the nearest, past EXACT)."""
        from bisect import bisect_left, bisect_right  # here: only a host naming no service needs it

        start, end = bisect_left(self._lengths, low), bisect_right(self._lengths, high)
        names = self._by_length[start:end] if end - start <= self.EXACT else [
            n for n in self._group.near(word, "") if low <= len(n) <= high]
        return [n for n in names if self.owners[n] - {exclude}]


class NameGroup:
    """Peers one drifted host may have meant (the listeners of its port, the members of its family).

    `closest` ranks them by difflib's ratio against the host, ties by name. A group of up to
    RANKED names is ranked whole; a bigger one (hundreds of postgres services on one network)
    only the RANKED // 2 names on either side of the host in name order and in reversed-name
    order (a shared prefix, a shared suffix such as the digits): ranking every member for every
    drifted host was quadratic in services.
    """

    RANKED = 16

    def __init__(self, order: list[str]) -> None:
        self.order = order  # file order

    @cached_property
    def _sorted(self) -> tuple[tuple[list[str], list[str]], ...]:
        """(names, their keys) in name order and in reversed-name order, lowercased."""
        out = []
        for key in (str.lower, lambda n: n.lower()[::-1]):
            names = sorted(self.order, key=key)
            out.append((names, [key(n) for n in names]))
        return tuple(out)

    def closest(self, host: str, exclude: str) -> str | None:
        if len(self.order) <= self.RANKED + 1:
            names = [n for n in self.order if n != exclude]
        else:
            names = self.near(host, exclude)
        if len(names) <= 1:
            return names[0] if names else None
        import difflib

        word = host.lower()
        best: tuple[float, str] | None = None  # (-ratio, name): the least wins
        for name in names:
            matcher = difflib.SequenceMatcher(None, word, name.lower())
            # the quick ratios bound the ratio from above: a name that cannot reach the best is skipped
            if best is not None and (-matcher.real_quick_ratio() > best[0] or -matcher.quick_ratio() > best[0]):
                continue
            ranked = (-matcher.ratio(), name)
            if best is None or ranked < best:
                best = ranked
        return best[1] if best else None

    def near(self, host: str, exclude: str) -> list[str]:
        from bisect import bisect_left

        half = self.RANKED // 2
        near: dict[str, None] = {}
        for (names, keys), key in zip(self._sorted, (host.lower(), host.lower()[::-1]), strict=True):
            at = bisect_left(keys, key)
            near.update(dict.fromkeys(names[max(0, at - half):at + half]))
        near.pop(exclude, None)
        return list(near)
