"""Whether the project's own commands start the services of a clash together, or each alone.

Two services that nothing links and that publish one host port clash on a bare `docker compose up`,
which starts every service. What the project itself runs decides how likely that is: mathesar's
DEVELOPER_GUIDE.md starts `dev-service` (`up dev-service`), its CI `test-service` (`up --build -d
test-service dev-db`), both on 8000 and never together, so only a user's own bare `up` of the dev file
clashes (a note naming those starts); a Makefile whose `up` target runs a bare `docker compose up`
fails every time (as certain as a `depends_on`). The starts are doctor.project.compose_starts'.

A start publishes the ports of the services it brings up: those it names and what they depend on
(`--no-deps`: only those named), else every service its `--profile`s enable; a `run` publishes its
own service's ports only with `--service-ports`, its dependencies' always.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.compose_starts import OwnStart
    from doctor.project.types import Service


@record
class Verdict:
    """`together`: a start of the project's that publishes two of the services; else `alone`: each
    service with the first start that brings it up (empty when one of them has none)."""

    together: OwnStart | None = None
    alone: tuple[tuple[str, OwnStart], ...] = ()


def judge(names: Sequence[str], starts: Sequence[OwnStart], services: Mapping[str, Service],
          closure: Callable[[str], frozenset[str]]) -> Verdict:
    """How the project's `starts` bring up the clashing services `names` (`closure`: a service and
    what `up` starts with it)."""
    wanted = set(names)
    first: dict[str, OwnStart] = {}
    for own in starts:
        started, published = _brought_up(own, services, closure)
        if len(published & wanted) >= 2:
            return Verdict(together=own)
        for name in sorted(started & wanted, key=names.index):
            first.setdefault(name, own)
    if len(first) < len(wanted):
        return Verdict()
    return Verdict(alone=tuple((name, first[name]) for name in names))


def _brought_up(own: OwnStart, services: Mapping[str, Service],
                closure: Callable[[str], frozenset[str]]) -> tuple[set[str], set[str]]:
    """(the services a start brings up, those whose ports it publishes)."""
    start = own.start
    verb = start.verb.split()[0]
    if not start.services:
        if verb == "run":
            return set(), set()
        enabled = set(start.profiles)
        everyone = {n for n, s in services.items() if not s.profiles or "*" in enabled or enabled & set(s.profiles)}
        return everyone, everyone
    named = [n for n in start.services if n in services]
    alone = "--no-deps" in start.options
    started = set().union(*({n} if alone else closure(n) for n in named)) if named else set()
    published = set(started)
    if verb == "run" and named and "--service-ports" not in start.options:
        published.discard(named[0])  # `run` publishes none of its own service's ports
    return started, published
