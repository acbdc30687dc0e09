"""runtime-drift: Python/Node versions that disagree across the files a project declares them in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, relative_to
from doctor.project import Project
from doctor.project.runtimes import Declared, parse_version, pins_agree, read_declared, satisfies


class RuntimeDrift(Check):
    """Python/Node versions that disagree across .python-version, pyproject, Dockerfile FROM, CI, .nvmrc

    What it finds
        The Python and Node versions a project states in several places: `.python-version`,
        `.nvmrc` / `.node-version`, `.tool-versions`, the `FROM python:X` / `FROM node:X` of the
        Dockerfiles compose builds, GitHub workflow `python-version` / `node-version`, and the
        ranges `requires-python` (pyproject) and `engines.node` (package.json). A pinned version
        that disagrees with the others, or a range that excludes what the others pin, is reported
        at the place that differs, with every other place and its version. A pin inside a range
        (`requires-python = ">=3.11"` with `FROM python:3.12`) and `3.12` next to `3.12.4` agree.
        Dockerfiles that only disagree with each other (separate services) are not compared.

    Why it matters
        Local runs, CI and the container then use different interpreters: a test passes on the
        laptop's 3.12 and fails in the 3.10 image, a lockfile resolved for one version does not
        install on the other, and nobody knows which one the project really supports.

    Example
        backend/Dockerfile:1  python 3.10 (FROM python:3.10-slim), elsewhere 3.12: .python-version:1

    Fix
        Advice: change the version at the reported place to the one the other places agree on
        (the majority; on a tie the newest). doctor edits nothing: which version is right is a
        decision for the team.

    Fix safety
        Advice only: nothing is written.
    """

    id = "runtime-drift"
    severity = Severity.WARNING
    fix_family = ""  # advice only: no `doctor fix` flag

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        root = project.root
        dockerfiles: dict[Path, tuple[tuple[str, int], ...]] = {}
        for service in project.services.values():
            path = service.build.dockerfile_path if service.build else None
            recipe = project.recipe(path) if path is not None and path not in dockerfiles else None
            if path is not None and recipe is not None:
                dockerfiles[path] = recipe.froms
        declared = read_declared(root, tuple(dockerfiles.items()))
        for runtime in ("python", "node"):
            yield from self._drift(root, [d for d in declared if d.runtime == runtime], runtime)

    def _drift(self, root: Path, declared: list[Declared], runtime: str) -> Iterator[Finding]:
        single = [d for d in declared if len(d.versions) == 1]
        # Dockerfiles alone are separate services (a polyglot repo's node:18 tool and node:22 app);
        # drift needs a place that speaks for the project: a version file, pyproject, package.json, CI
        if not single or all(d.source.startswith("FROM ") for d in declared):
            return
        reference = _reference([d.versions[0] for d in single], 2 if runtime == "python" else 1)
        agreeing = [d for d in single if pins_agree(d.versions[0], reference)]
        shown = ", ".join(f"{_where(d.location, root)}" for d in agreeing[:3])
        for place in declared:
            if place.spec:
                if satisfies(reference, place.spec, runtime):
                    continue
                message = f"{place.source} excludes {runtime} {reference} pinned at {shown}"
                advice = f"widen {place.source} in {_where(place.location, root)} to allow {reference}"
            elif any(pins_agree(v, reference) for v in place.versions):
                continue
            else:
                version = ", ".join(place.versions)
                message = f"{runtime} {version} ({place.source}), elsewhere {reference}: {shown}"
                advice = f"change {runtime} {version} to {reference} in {_where(place.location, root)}"
            subject = f"{runtime}:{relative_to(place.location.path, root)}"
            yield self.finding(message, place.location, subject, Fix(advice, Safety.ADVICE))


def _reference(versions: list[str], depth: int) -> str:
    """The version most places agree on (Python by major.minor, Node by major); on a tie the newest."""
    series = Counter(parse_version(v)[:depth] for v in versions)
    best = max(series.items(), key=lambda item: (item[1], item[0]))[0]
    members = [v for v in versions if parse_version(v)[:depth] == best]
    return min(members, key=lambda v: (len(parse_version(v)), v))


def _where(location: Location, root: Path) -> str:
    return location.display(root)
