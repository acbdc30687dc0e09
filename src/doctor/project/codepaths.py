"""Where a service's files come from: host folder <-> container path, through binds, watch syncs and COPY.

A bind mount (or a `develop.watch` sync rule) shows the host folder live in the container and
hides whatever the image holds below its target; anything else under a COPY destination comes
from the build context as it was at build time, minus what `.dockerignore` keeps out. Shared by
dotenv-override (does the app's `.env` reach the container?) and the service-home logic.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from doctor.model import Location, field, record
from doctor.project.reading import exists, is_dir, names_nothing
from doctor.project.types import Build, Dockerfile, Service
from doctor.regular import read_text


@record
class CodePath:
    """One way host files reach the container: `host` appears at `container` (via bind, watch or copy)."""

    host: Path
    container: str
    via: str
    location: Location | None = None


@record
class DockerIgnore:
    """The `.dockerignore` of a build context: (negated, regex) rules, the last match wins."""

    path: Path | None
    rules: tuple[tuple[bool, re.Pattern[str]], ...] = ()

    def excludes(self, relative: str) -> bool:
        """Whether docker leaves the context-relative path out of the build: as moby's
        patternmatcher (MatchesOrParentMatches) does, each rule in order matches the path or a
        folder above it and the last that matches decides, so `tools` then `!tools/keep.sh`
        sends tools/keep.sh (asking of each folder above it alone kept it out)."""
        parts = relative.strip("/").split("/")
        paths = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
        verdict = False
        for negated, pattern in self.rules:
            if negated == verdict and any(pattern.fullmatch(p) for p in paths):
                verdict = not negated
        return verdict


@record
class CodeMap:
    """A service's code paths: live ones (bind, watch sync) first, then the image's COPYs in order."""

    live: tuple[CodePath, ...]
    copies: tuple[CodePath, ...]
    context: Path | None
    ignore: DockerIgnore
    # the app markers asked of its folders (doctor.project.app_markers), host path -> whether there: loaded_env,
    # dotenv-override and leaked-host-port each ask a service's, several times a run; Project.code_map gives every
    # service's map the run's one store
    marks: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def to_host(self, container: str) -> tuple[Path, CodePath] | None:
        """The host file behind a container path, and the way it gets there (None: not from the host)."""
        container = posixpath.normpath(container)
        live = _deepest(self.live, container)
        if live is not None:
            return _below(live, container), live
        for path in reversed(self.copies):  # a later COPY overwrites an earlier one
            if _covers(path.container, container):
                host = _below(path, container)
                if exists(host) and not self._ignored(host):
                    return host, path
        return None

    def to_container(self, host: Path) -> str | None:
        """Where a host file appears in the container (a live path first), or None."""
        for group in (self.live, tuple(reversed(self.copies))):
            found = [p for p in group if host == p.host or p.host in host.parents]
            if found:
                best = max(found, key=lambda p: len(str(p.host)))
                relative = host.relative_to(best.host).as_posix()
                return posixpath.normpath(posixpath.join(best.container, relative))
        return None

    def _ignored(self, host: Path) -> bool:
        if self.context is None or not host.is_relative_to(self.context):
            return False
        return self.ignore.excludes(host.relative_to(self.context).as_posix())


# (build context, Dockerfile) -> its COPY'd paths and .dockerignore: the same for every service built so
BuildPaths = dict[tuple[Path, Path | None, str | None], tuple[tuple[CodePath, ...], DockerIgnore]]


def code_map(service: Service, dockerfile: Dockerfile | None, builds: BuildPaths | None = None,
             build: Build | None = None, marks: dict[str, bool] | None = None) -> CodeMap:
    """The service's code paths from its binds, watch sync rules and its Dockerfile's context COPYs
    (`build`: the one that makes its image, where not its own: Project.build_of).

    `builds` (Project.code_map's) keeps the COPY part of each build, so 2,000 services built from
    one context read its `.dockerignore` and stat its COPY sources once; `marks` (its too) the app markers
    found in code folders this run (CodeMap.marks), a new store where none is given.
    """
    marks = {} if marks is None else marks
    live = [CodePath(Path(os.path.normpath(m.source or "")), posixpath.normpath(m.target), "bind", m.location)
            for m in service.volumes if m.type == "bind" and m.source and "$" not in m.source
            and m.target.startswith("/")]
    live += [CodePath(Path(os.path.normpath(r.path)), posixpath.normpath(r.target or "/"), "watch", r.location)
             for r in service.watch if r.syncs and (r.target or "").startswith("/")]
    live = [p for p in live if not names_nothing(p.host)]  # a name too long to exist carries nothing
    build = build if build is not None else service.build
    if build is None or "://" in build.context:
        return CodeMap(tuple(live), (), None, read_dockerignore(None, None), marks)
    context = Path(os.path.normpath(build.context))
    key = (context, build.dockerfile_path, build.target)  # a target copies its stages only
    shared = builds.get(key) if builds is not None else None
    if shared is None:
        copies: list[CodePath] = []
        if dockerfile is not None:
            # and the context a `COPY --from=builder /fba /fba` brings from a stage that copied it (fba's
            # builder `COPY . /fba`): placed where it lands
            for copy in (*dockerfile.copies, *dockerfile.relayed):
                copies.extend(_copy_paths(context, copy.sources, copy.destination,
                                          Location(dockerfile.path, copy.line)))
        shared = (tuple(copies), read_dockerignore(context, build.dockerfile_path))
        if builds is not None:
            builds[key] = shared
    return CodeMap(tuple(live), shared[0], context, shared[1], marks)


def _copy_paths(context: Path, sources: Sequence[str], destination: str, where: Location) -> list[CodePath]:
    if not destination.startswith("/"):
        return []
    found = []
    into_folder = destination.endswith("/") or len(sources) > 1
    root = str(context)
    for source in sources:
        if any(c in source for c in "*?[$"):
            continue
        # joined and compared as text: pathlib's parsing was most of a warm code map's cost (otel-demo's 32 COPYs)
        text = os.path.normpath(os.path.join(root, source))
        if not within(text, root) or names_nothing(text):
            continue  # outside the context, or a name too long to exist: nothing of it is copied
        host = Path(text)
        # a folder's contents land in the destination, a file in it when it is a folder
        target = destination if is_dir(text) or not into_folder else posixpath.join(destination, host.name)
        found.append(CodePath(host, posixpath.normpath(target), "copy", where))
    return found


def within(path: str, folder: str) -> bool:
    """`Path(path).is_relative_to(folder)` for two normalised paths, by their text where the folder is absolute
    (pathlib's parsing costs more than the test: asked for every COPY source, and every code folder of a service)."""
    if not folder.startswith("/"):
        return Path(path).is_relative_to(folder)
    if path.startswith("//") != folder.startswith("//"):  # to pathlib a leading `//` is a root of its own
        return False
    return path == folder or path.startswith(folder if folder.endswith("/") else folder + "/")


def read_dockerignore(context: Path | None, dockerfile: Path | None) -> DockerIgnore:
    """`<Dockerfile>.dockerignore` beside the Dockerfile, else the context's `.dockerignore`."""
    if context is None:
        return DockerIgnore(None)
    candidates = [f"{dockerfile}.dockerignore"] if dockerfile is not None else []
    for path in [*candidates, os.path.join(context, ".dockerignore")]:  # as text: most builds have neither
        try:
            text = read_text(path)
        except OSError:
            continue
        return DockerIgnore(Path(path), tuple(_rules(text)))
    return DockerIgnore(None)


def _rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = posixpath.normpath(line.lstrip("!").strip()).lstrip("/")
        if pattern in ("", "."):
            continue
        rules.append((negated, re.compile(_translate(pattern))))
    return rules


def _translate(pattern: str) -> str:
    """Docker's filepath.Match with `**` (any number of folders) as a regex."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "\\" and index + 1 < len(pattern):  # an escaped character stands for itself
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        if char == "[":  # a class, as Go's filepath.Match reads it: [abc], [a-z], [^x] or [!x]
            end = pattern.find("]", index + 2)
            if end > index:
                body = pattern[index + 1:end]
                negated = body[:1] in ("^", "!")
                body = body[1:] if negated else body
                out.append("[" + ("^/" if negated else "") + body.replace("\\", "\\\\") + "]")
                index = end + 1
                continue
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        index += 1
    return "".join(out)


def _covers(prefix: str, path: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def _deepest(paths: Sequence[CodePath], container: str) -> CodePath | None:
    found = [p for p in paths if _covers(p.container, container)]
    return max(found, key=lambda p: len(p.container), default=None)


def _below(path: CodePath, container: str) -> Path:
    relative = posixpath.relpath(container, path.container)
    return path.host if relative == "." else Path(os.path.normpath(path.host / relative))
