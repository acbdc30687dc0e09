"""Which places speak for a project's runtime version, and the version they agree on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from doctor.project.runtimes import Declared
from doctor.project.version_specs import parse_version, pins_agree, satisfies

from .ci_jobs import GITLAB_CI  # not gitlab_ci's own: a run without a pipeline never imports that module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def _voices(declared: list[Declared], runtime: str) -> list[Declared]:
    """The places that speak for the project's version: not a CI job's pin a CI matrix also tests,
    nor a CI pin wider than the comparison."""
    # one job's pin that a CI matrix also tests is that job's choice within what CI covers
    # (paperless-ngx lints on 3.14 and tests 3.11-3.14): it is no voice against .python-version
    tested = {v for d in declared if _in_workflow(d) and len(d.versions) > 1 for v in d.versions}
    declared = [d for d in declared if not (_in_workflow(d) and len(d.versions) == 1
                                            and any(pins_agree(d.versions[0], v) for v in tested))]
    # a CI pin wider than the comparison (`python-version: 3.x`, a docs job's: any Python 3) is
    # no voice: counted, it outweighed Tandoor's tests on 3.12 against its image's 3.13
    depth = 2 if runtime == "python" else 1
    return [d for d in declared if not (_in_workflow(d) and len(d.versions) == 1 and not d.spec
                                        and len(parse_version(d.versions[0])) < depth)]


def _one_per_dockerfile(pins: list[tuple[Path, list[Declared], list[Declared]]]) -> set[Declared]:
    """The FROM pins that cast no vote: of each Dockerfile's (its FROM pins, those of the stage its image
    runs), per runtime all but one, the stage it runs (the last such), else its last FROM of that runtime.
    A multi-stage Dockerfile is one decision (healthchecks' builder and final stage both on
    python:3.13.7): counted per stage, it outvoted a `.python-version` two to one."""
    files: dict[Path, tuple[list[Declared], list[Declared]]] = {}
    for path, stages, runs in pins:
        found = files.setdefault(path, ([], []))
        found[0].extend(stages)
        found[1].extend(runs)
    silent: set[Declared] = set()
    for stages, runs in files.values():
        for runtime in {d.runtime for d in stages}:
            mine = [d for d in stages if d.runtime == runtime and d.versions]
            voice = next((d for d in reversed(runs) if d.runtime == runtime and d.versions), mine[-1] if mine else None)
            silent.update(d for d in mine if d != voice)
    return silent


def _in_workflow(place: Declared) -> bool:
    """Whether the place is a GitHub workflow's `python-version` / `node-version`, a GitLab job's image
    (in the pipeline or a file it includes; a matrix there, `parallel: matrix:`, is one as well), or
    tox's env list (the interpreters the tests run on: a matrix of its own, `py3` in it any Python 3)."""
    path = place.location.path
    return ((path.parent.name == "workflows" and path.parent.parent.name == ".github") or path.name == GITLAB_CI
            or place.source.startswith(("GitLab CI ", "tox ")))  # (a pipeline's included files too)


def _agrees(place: Declared, version: str, runtime: str) -> bool:
    """Whether a place admits `version`: a range it satisfies, or one of its pins."""
    if place.spec:
        return satisfies(version, place.spec, runtime)
    return any(pins_agree(v, version) for v in place.versions)


def _most_admitted(declared: list[Declared], reference: str, runtime: str,
                   voting: list[Declared] | None = None) -> str:
    """The pinned version the most places admit (ranges and CI matrices included), so that one
    Dockerfile's 3.11 against `requires-python >=3.12` and a 3.12/3.13 matrix is the odd one out,
    not the two places that agree; the single pins' majority (`reference`) wins a tie. Counted
    among `voting` (each Dockerfile once), chosen among every place's pins: a builder stage's 3.14
    is still the version to bring a final stage's 3.12 to under `requires-python >=3.13`."""
    def admitted(version: str) -> int:
        return sum(_agrees(d, version, runtime) for d in (declared if voting is None else voting))

    candidates = sorted({v for d in declared for v in d.versions}, key=parse_version, reverse=True)
    # a declared range is a requirement (engines, requires-python): hoppscotch's ten node 20 build jobs
    # do not outvote `engines >=22` and the test job on 22
    specs = [d.spec for d in declared if d.spec]
    allowed = [v for v in candidates if all(satisfies(v, spec, runtime) for spec in specs)]
    if allowed and not all(satisfies(reference, spec, runtime) for spec in specs):
        reference = max(allowed, key=admitted)  # the first of the most admitted: the newest on a tie
    best = admitted(reference)
    for version in allowed or candidates:
        if admitted(version) > best:
            reference, best = version, admitted(version)
    return reference


def _reference(versions: list[str], depth: int) -> str:
    """The version most places agree on (Python by major.minor, Node by major); on a tie the newest."""
    series = Counter(parse_version(v)[:depth] for v in versions)
    best = max(series.items(), key=lambda item: (item[1], item[0]))[0]
    members = [v for v in versions if parse_version(v)[:depth] == best]
    return min(members, key=lambda v: (len(parse_version(v)), v))


def subject_of(runtime: str, path: Path, project: Project) -> str:
    """A finding's subject: the runtime and the file, from the project's folder; a file above it in the checkout
    (documenso's top `.nvmrc` or CI beside compose files in docker/) as `../.nvmrc`, never an absolute path, so
    the fingerprint is the same in every clone and worktree (a baseline taken in one matches in another)."""
    import os

    try:
        return f"{runtime}:{path.relative_to(project.root)}"
    except ValueError:
        pass
    repo = project.repo()
    if repo is not None and path.is_relative_to(repo.top) and project.root.is_relative_to(repo.top):
        return f"{runtime}:{os.path.relpath(path, project.root)}"
    return f"{runtime}:{path}"
