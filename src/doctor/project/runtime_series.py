"""Which declared places say a version: runtime-drift names them beside the place that differs.

A pin says its own version (`FROM python:3.12` says 3.12, and 3.12.4); a range says one only when
it admits that series alone: `requires-python = "==3.12.*"` (djangoproject.com's pyproject),
`==3.12`, `~=3.12.0` or `>=3.12,<3.13` are 3.12 written as a range, while `>=3.8` admits 3.12
without saying it. A series is Python's major.minor and Node's major.
"""

from __future__ import annotations

from doctor.project.runtimes import Declared
from doctor.project.version_specs import parse_version, pins_agree, satisfies


def says(place: Declared, version: str, runtime: str) -> bool:
    """Whether the place states `version`: one of its pins, or a range admitting its series alone."""
    if not place.spec:
        return any(pins_agree(v, version) for v in place.versions)
    parts = parse_version(version)
    depth = 2 if runtime == "python" else 1
    if len(parts) < depth or not satisfies(version, place.spec, runtime):
        return False
    series = parts[:depth]
    below = (*series[:-1], series[-1] - 1) if series[-1] > 0 else None
    above = (*series[:-1], series[-1] + 1)
    return not any(satisfies(".".join(map(str, s)), place.spec, runtime) for s in (below, above) if s is not None)


def shown_source(place: Declared, where: str) -> str:
    """A place as a message lists it: `Dockerfile:2`, a range with what it says
    (`pyproject.toml:5 (requires-python ==3.12.*)`)."""
    return f"{where} ({place.source})" if place.spec else where
