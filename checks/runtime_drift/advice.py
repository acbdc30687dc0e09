"""runtime-drift's words: the places a message names, and the pins its advice changes."""

from __future__ import annotations

from doctor.model import Location
from doctor.project import Project
from doctor.project.runtime_locks import is_lock
from doctor.project.runtime_series import shown_source
from doctor.project.runtime_target import lowest_admitted
from doctor.project.runtimes import CALLED_MATRIX, Declared
from doctor.project.version_specs import parse_version, satisfies


def _shown(places: list[Declared], project: Project) -> str:
    """The places that say a version, as a message lists them (past three, the rest counted)."""
    shown = ", ".join(shown_source(d, _where(d.location, project)) for d in places[:3])
    return shown + (f" and {len(places) - 3} more" if len(places) > 3 else "")


def _outside(ranges: list[Declared], project: Project) -> str:
    """`, outside requires-python >=3.13 (pyproject.toml:6)`: the declared ranges a pin violates, a
    lock beside one of them named with it (`(pyproject.toml:6, locked in uv.lock:3)`)."""
    locks = [r for r in ranges if is_lock(r)]
    said = []
    for r in ranges:
        if is_lock(r) and any(not is_lock(o) and o.location.path.parent == r.location.path.parent for o in ranges):
            continue
        beside = [lock for lock in locks if lock is not r and lock.location.path.parent == r.location.path.parent]
        locked = "".join(f", locked in {_where(lock.location, project)}" for lock in beside)
        said.append(f", outside {r.source} ({_where(r.location, project)}{locked})")
    return "".join(said)


def _written(place: Declared, written: dict[Location, tuple[str, str]], version: str) -> str:
    """A FROM pin written by an ARG line or build arg, as its advice names the new value
    (`python_version=3.12-slim to python_version=3.13-slim`); "" where the value does not show it."""
    name, value = written.get(place.location, ("", ""))
    if not place.source.startswith("FROM ") or not place.versions or place.versions[0] not in value:
        return ""
    return f"{name}={value} to {name}={value.replace(place.versions[0], version, 1)}"


def _change(place: Declared, runtime: str, version: str, project: Project) -> str:
    """One pin to change, as advice names it: `FROM python:3.10-slim to python 3.12 in docker/Dockerfile:20`."""
    where = _where(place.location, project)
    if place.source.startswith("FROM "):
        return f"{place.source} to {runtime} {version} in {where}" + _pin_notes(place, runtime, version)
    return f"{runtime} {', '.join(place.versions)} to {version} in {where}"


def _listed(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _or_move(place: Declared, pinned: str, runtime: str, pins: list[Declared], project: Project) -> str:
    """The other way out of a range that excludes the pins: move them into it (django-react's poetry
    `python = "^3.12"` against `.python-version` 3.11 and `FROM python:3.11`, whose README asks for
    3.12): which way is right is the team's decision, so the advice names both."""
    into = lowest_admitted(place.spec, runtime, pinned) if place.spec else ""
    return f", or move {_shown(pins, project)} to {runtime} {into}, which it allows" if into and pins else ""


def _add_to_matrix(matrix: Declared, reference: str, runtime: str, pins: list[Declared], ranges: list[str],
                   project: Project) -> str:
    """The advice for a CI matrix (tox's env list too) that tests none of the project's version: add
    that version to it, written as the matrix writes its own (3.13, not 3.13.7), or move the pins to
    the version it tests nearest theirs (healthchecks' image on 3.13.7 against a 3.10-3.12 matrix,
    which upstream resolved by adding 3.13). Replacing the matrix by one version would drop the
    versions CI tests: a matrix agrees when one of its versions does."""
    depth = max(len(parse_version(v)) for v in matrix.versions)
    series = ".".join(str(part) for part in parse_version(reference)[:depth]) or reference
    advice = f"add {runtime} {series} to the matrix in {_where(matrix.location, project)}"
    if " of the jobs calling " in matrix.source and CALLED_MATRIX in matrix.source:
        # jobs each handing a reusable workflow one version (changedetection.io): no list to add it to
        called = matrix.source.split(" of the jobs calling ", 1)[1].split(CALLED_MATRIX, 1)[0]
        advice = (f"add a job calling {called} with {runtime} {series}, as the one at "
                  f"{_where(matrix.location, project)} does with its version")
    tested = sorted((v for v in matrix.versions if all(satisfies(v, spec, runtime) for spec in ranges)),
                    key=parse_version)
    # the lowest it tests above the pins (the smallest upgrade), else the newest below them
    above = [v for v in tested if parse_version(v) > parse_version(reference)]
    into = above[0] if above else tested[-1] if tested else ""
    moved = [d for d in pins if not d.spec]
    if not into or not moved:
        return advice
    return advice + f", or move {_shown(moved, project)} to {runtime} {into}, which it tests"


def _where(location: Location, project: Project) -> str:
    """A place as the user opens it (from where doctor runs, like the finding's location)."""
    shown = project.shown(location.path)
    return shown if location.line is None else f"{shown}:{location.line}"


# Debian releases the official python and node images stopped at before a version: no python:3.12
# or node:20 image was ever published on buster (django-on-docker's `python:3.11.4-slim-buster` made
# 3.12 reads `python:3.12-slim-buster`, a tag that does not exist)
_RETIRED = {"python": ((3, 12), ("buster", "stretch", "jessie")), "node": ((20,), ("buster", "stretch", "jessie"))}


def _variant_note(source: str, runtime: str, target: str) -> str:
    """Where the FROM's tag names a Debian release the target version has no image on: which to use."""
    retired = _RETIRED.get(runtime)
    if retired is None or not source.startswith("FROM "):
        return ""
    first, releases = retired
    tag = source.split(":", 1)[1].split()[0] if ":" in source else ""
    release = next((r for r in releases if tag.endswith("-" + r)), None)
    try:
        wanted = tuple(int(part) for part in target.split(".")[:len(first)])
    except ValueError:
        return ""
    if release is None or wanted < first:
        return ""
    slim = "-slim" if "-slim-" in tag else ""
    return f" (no {runtime}:{target} image was published on {release}: take {runtime}:{target}{slim}-bookworm)"


def _pin_notes(place: Declared, runtime: str, target: str) -> str:
    """What else a pin moved to `target` must change: its Debian release, its digest."""
    return _variant_note(place.source, runtime, target) + _digest_note(place, runtime, target)


def _digest_note(place: Declared, runtime: str, target: str) -> str:
    """Where the FROM pins a digest too (excalidraw's `node:24@sha256:8530...`): docker pulls the
    digest and ignores the tag, so a tag changed alone leaves the image as it was, while doctor,
    reading the tag, then reports nothing: the digest goes with it."""
    if not place.source.startswith("FROM ") or "@sha256:" not in place.source:
        return ""
    digest = place.source.split("@sha256:", 1)[1].split()[0][:12]
    return (f" (its @sha256:{digest} pins {runtime} {', '.join(place.versions)} whatever the tag says: "
            f"re-pin {runtime}:{target}'s digest, or drop it)")
