"""Whether a service's own entrypoint or command strips a script of its CRs before running it, read from
its words, never run (dify's ssrf_proxy, onyx's nginx)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.shipped import Shipped
from doctor.project.types import Service

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
_STRIPS_CR = lazy(r"\bsed\b[^;&|]*?\bs([/|#,])(?:\\r|\r)|\bdos2unix\b|\btr\s+-d\s+['\"]?(?:\\r|\r)")


def strips_cr(project: Project, shipped: Shipped) -> bool:
    """Whether the service's entrypoint or command strips the CRs of the script before running
    it: `sed -i 's/\r$//'` or `dos2unix` of its mount target, or of a copy of it
    (`cp /docker-entrypoint-mount.sh /docker-entrypoint.sh`), or `sed 's/\r$//' A > B` (`tr -d '\r' < A > B`)
    writing B, and then runs a stripped path, not one that keeps its CRs (onyx's nginx starts /tmp/run-nginx.sh)."""
    if shipped.run:  # the builder stage's RUN: `sed -i 's/\r$//' /build.sh && /build.sh`
        return bool(_STRIPS_CR.search(shipped.run))
    service = project.services.get(shipped.service) or project.compose.profiled.get(shipped.service)
    if service is None:
        return False
    text = " ".join(part if isinstance(part, str) else " ".join(part)
                    for part in (service.entrypoint, service.command) if part)
    if not text or not _STRIPS_CR.search(text):
        return False
    names = set(_mounted_at(service, shipped.path))  # the paths holding the script with its CRs
    stripped: set[str] = set()  # and those holding it without
    for step in re.split(r"&&|\|\||[;|\n]", text):  # in order: `cp A B` makes B the script too
        words = [w.strip("'\"") for w in step.split()]
        at = words.index("cp") if "cp" in words else -1  # `sh -c cp A B`: the list's words come first
        paths = [w for w in words[at + 1:] if not w.startswith("-")] if at >= 0 else []
        if len(paths) >= 2:
            copies, clean = _copied_to(names, paths[:-1], paths[-1]), _copied_to(stripped, paths[:-1], paths[-1])
            names, stripped = (names - clean) | copies, (stripped - copies) | clean
        elif _STRIPS_CR.search(step):
            done = _stripped_by(words, names | stripped)
            names, stripped = names - done, stripped | done
        elif (ran := _ran(words)) in stripped:
            return True
        elif ran in names:
            return False
    return bool(stripped) and not names  # nothing run by its path: every copy of it was stripped in place


def _stripped_by(words: list[str], names: set[str]) -> set[str]:
    """The paths a strip step leaves without CRs: the redirect's target of a `sed`/`tr` reading one of `names`
    (`sed 's/\r$//' A > B` strips B, never A), the new file of `dos2unix -n A B`, else the files themselves that
    `sed -i` or `dos2unix` rewrites in place."""
    for i, word in enumerate(words):
        if word.startswith(">"):
            target = word.lstrip(">") or (words[i + 1] if i + 1 < len(words) else "")
            inputs = {w.lstrip("<") for w in words[:i]}
            return {target} if target and names & inputs else set()
    if "dos2unix" in words and ("-n" in words or "--newfile" in words):
        return {words[i + 1] for i, word in enumerate(words[:-1]) if word in names}
    in_place = "dos2unix" in words or any(w.startswith("-i") or w.startswith("--in-place") for w in words)
    return names.intersection(words) if in_place else set()


def _ran(words: list[str]) -> str:
    """The program a command step starts: a script run by its path, or through `sh PATH`, `bash -e PATH`,
    `exec PATH`, `. PATH` (past an `sh -c` the command list stands in)."""
    rest = words
    while rest:
        head = posixpath.basename(rest[0])
        if head in _SHELLS and len(rest) > 1 and re.fullmatch(r"-[a-z]*c[a-z]*", rest[1]):
            rest = rest[2:]
        elif head in ("exec", "command", "env", ".", "source") or "=" in rest[0]:
            rest = rest[1:]
        elif head in _SHELLS:
            return next((w for w in rest[1:] if not w.startswith("-")), "")
        else:
            return rest[0]
    return ""


def _mounted_at(service: Service, path: Path) -> Iterator[str]:
    """The container paths of `path` through the service's bind mounts: of the file itself, or inside a bound
    folder (onyx's nginx binds ../data/nginx onto /nginx-templates: its run-nginx.sh is there)."""
    for mount in service.volumes:
        if mount.type != "bind" or not mount.source:
            continue
        source = Path(mount.source)
        if source == path:
            yield mount.target
        elif path.is_relative_to(source):
            yield posixpath.join(mount.target, path.relative_to(source).as_posix())


def _copied_to(names: set[str], sources: list[str], target: str) -> set[str]:
    """Where `cp SOURCES... TARGET` puts the copies of `names`: a file named as a source, or one inside a folder
    copied whole (`cp -a /nginx-templates/. /etc/nginx/conf.d/`: its contents, as `cp -r DIR NEW` also puts
    them; into an existing TARGET `cp -r DIR` puts DIR itself: both places are counted)."""
    found = set()
    for source in sources:
        folder = posixpath.normpath(source)
        for name in names:
            if name in (source, folder):
                found.add(posixpath.join(target, posixpath.basename(name)) if target.endswith("/") else target)
            elif name.startswith(folder.rstrip("/") + "/"):
                inside = name[len(folder.rstrip("/")) + 1:]
                found.add(posixpath.join(target, inside))
                if not source.endswith(("/.", "/./")):
                    found.add(posixpath.join(target, posixpath.basename(folder), inside))
    return found
