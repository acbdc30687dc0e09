"""A lockfile's `requires-python` in runtime-drift: a voice agreeing with the range it was locked for.

uv.lock records the `requires-python` its resolution was made for (python-discord/site's
`==3.13.*`), and `uv sync --frozen` installs that resolution whatever the Dockerfile's Python.
A pin outside a range the lock also excludes is the pin's fault, not the range's: widening
`requires-python` alone would leave an image whose `uv sync` refuses the lock. A lock that
alone excludes what the others agree on is stale: it is re-locked, not edited.
"""

from __future__ import annotations

from collections.abc import Iterable

from doctor.project.python_requires import LOCKS
from doctor.project.runtimes import Declared
from doctor.project.version_specs import parse_version, satisfies


def is_lock(place: Declared) -> bool:
    """Whether the place is a lockfile's requires-python (uv.lock)."""
    return place.location.path.name in LOCKS


def locked_reference(declared: Iterable[Declared], reference: str, runtime: str) -> str:
    """The version to bring the pins to where no pinned version is admitted by every range and a
    lock excludes `reference` as a range beside it does: the series nearest `reference` that every
    range admits (on a tie the newer); else `reference` unchanged."""
    ranges = [d for d in declared if d.spec]
    if not reference or not any(is_lock(r) and not satisfies(reference, r.spec, runtime) for r in ranges):
        return reference
    if not any(not is_lock(r) and not satisfies(reference, r.spec, runtime) for r in ranges):
        return reference  # the lock alone excludes it: the lock is stale
    parts = parse_version(reference)
    depth = 2 if runtime == "python" else 1
    if len(parts) < depth:
        return reference
    # the series around the reference's (Python's minors of its major, Node's majors), nearest first, newer on a tie
    candidates = [(*parts[:depth - 1], n) for n in range(0, 60)]
    admitted = [c for c in candidates if all(satisfies(".".join(map(str, c)), r.spec, runtime) for r in ranges)]
    if not admitted:
        return reference
    best = min(admitted, key=lambda c: (abs(c[-1] - parts[depth - 1]), -c[-1]))
    return ".".join(map(str, best))


def relock_advice(lock: Declared, ranges: Iterable[Declared], version: str, where: str) -> str:
    """How a stale lock is brought back: re-locked for the range beside it."""
    beside = [r for r in ranges if r.spec and not is_lock(r) and r.location.path.parent == lock.location.path.parent]
    wanted = f"{beside[0].source} of {beside[0].location.path.name}" if beside else f"python {version}"
    return f"re-lock {where} for {wanted} (`uv lock`): it was resolved for {lock.source}"
