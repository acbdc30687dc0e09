"""The version runtime-drift's advice brings a set of pins to, and every pin that must change for it.

A service's own version file against its image's FROM is settled among all the pins that speak
for that service: the file, every FROM line of its Dockerfile that names the runtime, the other
services' FROMs that read the same file, and the CI jobs that work in its folders. The target is
the version most of them pin, among those every range that applies admits (`requires-python`,
`engines.node`); on a tie the newest. The advice then names each pin not on the target, so that
following it leaves none of them apart: mealie's `.python-version` 3.12 against `FROM
python:3.10-slim` and CI's `python-version: "3.10"` is settled by changing the one file, not the
FROM alone (which left CI testing on 3.10 what the image ran on 3.12).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from doctor.project.runtimes import Declared
from doctor.project.version_specs import parse_version, pins_agree, satisfies


def target(voters: Iterable[Declared], ranges: Iterable[Declared], runtime: str) -> str:
    """The version most of the `voters` pin (Python by major.minor, Node by major; a file's several
    lines of one series, a multi-stage Dockerfile's FROMs, count once), among those every range
    admits (all of them when none is admitted); on a tie the newest. A place listing several
    versions (`.tool-versions`) votes with its first, the one its tool selects."""
    depth = 2 if runtime == "python" else 1
    pins = [(d.location.path, d.versions[0]) for d in voters if d.versions and not d.spec]
    specs = [d.spec for d in ranges if d.spec]
    allowed = [v for _, v in pins if all(satisfies(v, spec, runtime) for spec in specs)] or [v for _, v in pins]
    if not allowed:
        return ""
    series = {parse_version(v)[:depth] for v in allowed}
    votes = {(path, s) for path, v in pins if (s := parse_version(v)[:depth]) in series}
    best = max(Counter(s for _, s in votes).items(), key=lambda item: (item[1], item[0]))[0]
    members = [v for v in allowed if parse_version(v)[:depth] == best]
    return min(members, key=lambda v: (len(parse_version(v)), v))


def to_change(voters: Iterable[Declared], version: str) -> list[Declared]:
    """The pins among `voters` none of whose versions is `version` (each place once, in order)."""
    found: dict[object, Declared] = {}
    for place in voters:
        if place.versions and not place.spec and not any(pins_agree(v, version) for v in place.versions):
            found.setdefault(place.location, place)
    return list(found.values())


def excluded_by(place: Declared, ranges: Iterable[Declared], runtime: str) -> list[Declared]:
    """The ranges that admit none of the place's pinned versions (`.python-version` 3.12 under
    `requires-python >=3.13`)."""
    if place.spec or not place.versions:
        return []
    return [r for r in ranges if r.spec and r.location != place.location
            and not any(satisfies(v, r.spec, runtime) for v in place.versions)]


# the series a range's advice may name as the one to move pins to: the supported releases
_SERIES = {"python": [f"3.{minor}" for minor in range(8, 15)], "node": [str(major) for major in range(16, 27)]}


def lowest_admitted(spec: str, runtime: str, above: str) -> str:
    """The lowest release series at or above `above` that `spec` admits (`^3.12` above 3.11: 3.12;
    `>=22 <23` above 20: 22), the version pins move to instead of widening the range; "" when none
    (a range below every supported series, or one we cannot read)."""
    depth = 2 if runtime == "python" else 1
    floor = parse_version(above)[:depth]
    for series in _SERIES.get(runtime, ()):
        if parse_version(series) >= floor and satisfies(series, spec, runtime):
            return series
    return ""
