"""The Dockerfile line a failed build's missing COPY source points to.

A build that stops at a COPY or ADD whose source the build context lacks says which path, not where the
instruction is: BuildKit's `failed to solve: failed to compute cache key: "/requirements.txt" not found: not found`
(newer ones: `failed to calculate checksum of ref ...: "/requirements.txt": not found`), its step
`COPY requirements.txt ./: not found`, the classic builder's `COPY failed: file not found in build context or
excluded by .dockerignore: stat requirements.txt: file does not exist`. The COPY/ADD of that source in the stages
the service's build reaches (its `build.target`, else the last stage, the stages it derives from and those it
copies from), in the Dockerfile its `build.context` and `build.dockerfile` name, is what to look at, at its line.
"""

from __future__ import annotations

import posixpath
from fnmatch import fnmatchcase
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import Service

# the source path each builder names: BuildKit quotes it from the context's root, the classic builder stats it
_QUOTED = lazy(r"\"/?(?P<path>[^\"\s]+)\"(?::)? not found")
_STAT = lazy(r"\bstat (?:/var/lib/docker/tmp/docker-builder\d+/)?(?P<path>\S+): (?:file does not exist|no such file)")
_STEP = lazy(r"\b(?:COPY|ADD) (?P<args>.+?):? (?:failed to compute cache key: .*)?not found")


def missing_copy(project: Project, service: Service, line: str) -> tuple[Location | None, str] | None:
    """The COPY/ADD of the service's Dockerfile whose source a failed build's `line` names as missing, at its
    line, and what to do; None when the line names no source or no such instruction is in the stages it builds."""
    from doctor.project.dockerfile import read_dockerfile

    build = service.build
    path = build.dockerfile_path if build is not None else None
    if build is None or path is None:
        return None
    wanted = _missing(line)
    if not wanted:
        return None
    read = read_dockerfile(path, build.target)
    # its own stage and those it derives from first (in file order), then the stages it copies from
    copies = sorted(read.copies, key=lambda c: c.line) + sorted(read.staged, key=lambda c: c.line)
    found = next((c for c in copies if any(_same(s, wanted) for s in c.sources)), None)
    if found is None:
        return None
    written, stage = _written(path, found.line)
    context = Path(build.context)
    shown = project.shown(context)
    source = next(s for s in found.sources if _same(s, wanted))
    lacks = (f"{shown}/{wanted} is in the build context, but its .dockerignore leaves it out"
             if (context / wanted).exists() else
             f"the build context ({shown}) has no {wanted}: COPY reads from the context, not from the Dockerfile's "
             "folder")
    return Location(path, found.line), (f"its `{written}`{f' (stage {stage!r})' if stage else ''}: {lacks}: add "
                                        f"{source} there, or correct the path")


def _missing(line: str) -> str:
    """The context-relative source path a failed build's line names as missing, "" when it names none."""
    for pattern in (_QUOTED, _STAT):
        found = pattern.search(line)
        if found is not None:
            return posixpath.normpath(found["path"].lstrip("/"))
    step = _STEP.search(line)
    words = [w for w in step["args"].split() if not w.startswith("--")] if step is not None else []
    return posixpath.normpath(words[0].lstrip("/")) if len(words) == 2 else ""


def _same(source: str, wanted: str) -> bool:
    """Whether a COPY source as written (`./requirements.txt`, `requirements*.txt`) is the path the builder missed."""
    written = posixpath.normpath(source.lstrip("/"))
    return written == wanted or fnmatchcase(wanted, written)


def _written(path: Path, line: int) -> tuple[str, str]:
    """The instruction at `line` as written (one line, its continuations joined), and the name of its stage ("" for
    an unnamed one)."""
    from doctor.project.dockerfile import parsed_instructions
    from doctor.project.reading import read_regular_text

    text = read_regular_text(path) or ""
    stage, written = "", ""
    for ins in parsed_instructions(text):
        if ins.keyword == "FROM":
            words = ins.args.split()
            stage = words[words.index(next(w for w in words if w.lower() == "as")) + 1] if any(
                w.lower() == "as" for w in words[:-1]) else ""
        elif ins.line == line:
            written = f"{ins.keyword} {ins.args}"
            break
    from doctor.redact import clip

    return clip(written, 80, ellipsis="..."), stage
