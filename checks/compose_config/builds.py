"""compose-config's advice for a build context or Dockerfile that does not exist: the path meant (a
Dockerfile of a close name, a context whose COPY lines fit), or the variable still holding the
template's placeholder."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.model import Fix, Location, Safety, service_names
from doctor.project import Project

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.buildmissing import MissingBuild


def _build_advice(project: Project, miss: MissingBuild, shown: str) -> Fix:
    """Create the missing build input or point every service building from it at the right path: a
    Dockerfile of a close name in the build context or compose folder (./Dockerfile.dev for
    docker/dev/Dockerfile), or a context at the same path from a folder above (doctor.project.moved_paths)."""
    from doctor.project.buildmissing import close_dockerfile
    from doctor.project.moved_paths import found_above

    whose = service_names(list(miss.services or (miss.service,)))
    folder = project.compose.project_dir
    meant = ""
    extra = miss.what.startswith("additional context ")
    if miss.what == "build context" or extra:
        above = found_above(miss.path, folder, directory=True)
        if above is not None:
            meant = f" (did you mean {miss.what.split(' ', 2)[2] if extra else 'context'}: {above[1]}?)"
    elif miss.context is not None:
        close = close_dockerfile(miss.path, tuple(dict.fromkeys((miss.context, folder))))
        if close is not None:
            written = Path(os.path.relpath(close, miss.context)).as_posix()
            meant = f" (did you mean dockerfile: {written}? {project.shown(close)} exists)"
            top = _copies_from(close, miss.context)
            if top is not None:  # AdventureLog's docker/Dockerfile COPYs backend/..., frontend/...: from the top
                context = Path(os.path.relpath(top, folder)).as_posix()
                inside = Path(os.path.relpath(close, top)).as_posix()
                meant = (f" (did you mean context: {context} and dockerfile: {inside}? {project.shown(close)} "
                         f"exists, and its COPY lines name paths from {project.shown(top)}, not from "
                         f"{project.shown(miss.context)})")
    slash = "/" if miss.what == "build context" or extra else ""
    key = f"additional_contexts.{miss.what.split(' ', 2)[2]}" if extra else "build:"
    return Fix(f"create {shown}{slash} or point {key} of {whose} at the right path{meant}", Safety.ADVICE)


def _copies_from(dockerfile: Path, context: Path) -> Path | None:
    """The folder above `context` the Dockerfile's COPY sources are written from, when they do not all exist
    in `context` and do in that folder (the Dockerfile's own folder or one above it, the nearest); None
    when they fit `context`, or no folder fits them."""
    from doctor.project.dockerfile import read_dockerfile

    sources = {src for copy in read_dockerfile(dockerfile).copies for src in copy.sources
               if src not in (".", "./") and not any(c in src for c in "*?[$")}
    if not sources or all((context / src).exists() for src in sources):
        return None
    for folder in dockerfile.parent.parents if dockerfile.parent.name else ():
        if context.is_relative_to(folder) and all((folder / src).exists() for src in sources):
            return folder
    return None


def _placeholder(project: Project, at: Location | None) -> tuple[str, str] | None:
    """(the variable, ` in FILE:LINE` where it is set) when the compose line at `at` interpolates a
    variable whose value is a template's placeholder path (`/path/to/wger/server`), else None."""
    from doctor.project.buildmissing import PLACEHOLDER_PATH
    from doctor.project.edits import interpolated_at

    if at is None:
        return None
    for use in project.compose.variable_uses:
        value = project.compose.variables.get(use.name)
        if use.location == at and value and PLACEHOLDER_PATH.match(value):
            found = interpolated_at(project, use.name, at.path)
            where = f" in {project.shown(found[0])}:{found[1].line}" if found is not None else ""
            return use.name, where
    return None
