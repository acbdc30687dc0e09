"""runtime-drift in a service's own folders whose image pins no version: a pin there that the range beside
it excludes (baserow's backend/, `requires-python = ">=3.11"` in its pyproject.toml, built FROM
debian:bookworm-slim with the distribution's python3: a `.python-version` 3.10 there makes pyenv pick a
Python that `pip install -e .` refuses)."""

from __future__ import annotations

from collections.abc import Iterator

from doctor.model import Check, Finding, Fix, Location, Safety, service_names
from doctor.project import Project
from doctor.project.runtime_locks import is_lock
from doctor.project.runtime_target import excluded_by, lowest_admitted
from doctor.project.runtimes import Declared

from .agreement import subject_of

# per service group, as runtime-drift's run gathers them: (names, image pins, own folders' files, CI pins)
Group = tuple[list[str], list[Declared], list[Declared], list[Declared]]


def unpinned_images(check: Check, project: Project, runtime: str, groups: list[Group],
                    flagged: set[Location | None], top: list[Declared]) -> Iterator[Finding]:
    """Each pin of a service's own folders that a range there (else the root's) excludes, for services
    whose image pins no version of the runtime (a FROM of debian, alpine...: no FROM to compare it with),
    once per pin, naming every service reading it. A pin the other comparisons reported is left to them."""
    readers: dict[Declared, tuple[list[str], list[Declared]]] = {}
    for names, image_pins, own, _ in groups:
        if any(d.runtime == runtime for d in image_pins):
            continue  # compared with its FROM (RuntimeDrift._services)
        mine = [d for d in own if d.runtime == runtime]
        kinds = {d.location.path.name for d in mine}
        applying = [d for d in [*mine, *top] if d.spec and d.runtime == runtime
                    and (d in mine or d.location.path.name not in kinds)]
        for place in mine:
            if place.spec or is_lock(place) or place.location in flagged or place in top:
                continue
            excluded = excluded_by(place, applying, runtime)
            if excluded:
                found = readers.setdefault(place, ([], excluded))
                found[0].extend(n for n in names if n not in found[0])
    for place, (names, excluded) in readers.items():
        from .advice import _outside, _where  # here: advice's wording only for a finding

        version = ", ".join(place.versions)
        into = lowest_admitted(excluded[0].spec or "", runtime, place.versions[0])
        message = (f"{runtime} {version} ({place.source}){_outside(excluded, project)}, in the folder of "
                   f"{service_names(names, 3)}")
        where = _where(place.location, project)
        advice = f"change {runtime} {version} to {into} in {where}, or " if into else ""
        advice += f"widen {excluded[0].source} in {_where(excluded[0].location, project)} to allow {version}"
        subject = subject_of(runtime, place.location.path, project)
        yield check.finding(message, place.location, subject, Fix(advice, Safety.ADVICE))
