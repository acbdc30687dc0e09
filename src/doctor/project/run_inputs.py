"""What a Dockerfile's RUN lines take in from the project: the requirements files pip installs by
name, and the context files a `RUN --mount` binds (from the context, or from a stage that COPYs them).

doctor.project.service_home reads the manifests an image installs from the files its build
copies; these are the two ways a RUN changes that answer. healthchecks' image COPYs
requirements.txt and runs `pip install -r /tmp/requirements.txt`: the requirements-dev.txt beside it
(mypy, django-stubs) is not installed, though `COPY . /app` later brings it. DefectDojo's final
stage copies no requirements file at all: `RUN --mount=from=build,src=/app/requirements.txt,...
pip install -r ./requirements.txt` binds the one the build stage COPYed from the context.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.recipe import Recipe

# a pip install (wheel, download) and what follows it in its shell command: `pip3 install`,
# `python -m pip install`, `uv pip install`
_PIP = lazy(r"\bpip[\d.]*\s+(?:-\S+\s+)*(?:install|wheel|download)\b(?P<args>[^;&|\n]*)")
_REQUIREMENT = lazy(r"(?:^|\s)(?:-r|--requirement)(?:[ \t]*=?[ \t]*)(?P<file>[^\s;&|]+)")


def pip_requirement_names(text: str) -> frozenset[str] | None:
    """The names of the requirements files the RUN lines of a Dockerfile's text (every stage) give
    pip by `-r` (`requirements.txt` of `pip install -r /tmp/requirements.txt`); None when none does,
    or one is named by a variable doctor does not follow here (`-r ${REQ_FILE}`)."""
    from doctor.project.dockerfile import parsed_instructions

    names: set[str] = set()
    for ins in parsed_instructions(text):
        if ins.keyword != "RUN":
            continue
        for pip in _PIP.finditer(" ".join((ins.args, *ins.heredocs))):
            for found in _REQUIREMENT.finditer(pip.group("args")):
                file = found.group("file").strip("\"'")
                if "$" in file or "*" in file:
                    return None
                names.add(posixpath.basename(file))
    return frozenset(names) or None


def mounted_sources(recipe: Recipe, context: Path) -> list[Path]:
    """The context files the RUN lines of the image's chain bind with `--mount` (type bind, the
    default): a `source=` of the context itself, or one a stage named by `from=` COPYed from the
    context (`from=build,src=/app/requirements.txt` where build ran `COPY requirements.txt ./`
    in /app). A stage that took it elsewhere (a RUN, another stage) or an image gives nothing."""
    found: list[Path] = []
    for step in recipe.runs:
        for options in _mounts(step.text):
            if options.get("type", "bind") != "bind":
                continue
            source = options.get("source", options.get("src", ""))
            if "$" in source or "*" in source or "?" in source:
                continue
            stage = options.get("from")
            if stage is None:
                found.append(context / posixpath.normpath(source.lstrip("/") or "."))
                continue
            if "$" not in stage:
                found += _copied_to(recipe.path, stage, posixpath.normpath(posixpath.join("/", source)), context)
    return list(dict.fromkeys(p for p in found if p.is_relative_to(context)))


def _mounts(text: str) -> list[dict[str, str]]:
    """The options of each `--mount=` flag a RUN's text starts with (`type=bind,from=build,src=...`)."""
    found: list[dict[str, str]] = []
    for word in text.split():
        if not word.startswith("--"):
            break
        if word.startswith("--mount="):
            pairs = (part.partition("=") for part in word[len("--mount="):].strip("\"'").split(","))
            found.append({key.strip().lower(): value.strip("\"'") for key, _, value in pairs})
    return found


def _copied_to(path: Path, stage: str, inside: str, context: Path) -> list[Path]:
    """The context paths stage `stage` of the Dockerfile at `path` COPYed to `inside` (or under it,
    or around it)."""
    from doctor.project.dockerfile import stage_copies

    copies = stage_copies(path, stage)
    found: list[Path] = []
    for copy in copies or ():
        destination = copy.destination if copy.destination.startswith("/") else "/" + copy.destination
        for source in copy.sources:
            if "*" in source or "?" in source or "$" in source:
                continue
            host = context / posixpath.normpath(source)
            # a folder's contents land in the destination; a file lands in it when it is a folder
            folder = destination.endswith("/") or len(copy.sources) > 1
            placed = posixpath.normpath(destination if host.is_dir() or not folder
                                        else posixpath.join(destination, host.name))
            if inside == placed or inside.startswith(placed.rstrip("/") + "/"):
                found.append(host / posixpath.relpath(inside, placed))
            elif placed.startswith(inside.rstrip("/") + "/"):
                found.append(host)
    return [Path(posixpath.normpath(p)) for p in found]
