"""The images a build starts FROM, and the project's own scripts that build such an image first.

EdwinVW/pitstop's services build `FROM pitstop-dotnet-sdk-base:1.0` and `FROM pitstop-dotnet-aspnet-base:1.0`,
which no registry has: `scripts/RebuildAllDockerImages.sh` builds them (`docker build -t
pitstop-dotnet-sdk-base:1.0 . -f dotnet-sdk-base-dockerfile`) before `docker compose build`, and a
`docker compose up` on a fresh engine fails ("pull access denied for pitstop-dotnet-sdk-base"). Only the
stages BuildKit builds for the target count: its FROM chain and the stages (or images) its `COPY --from`
names, theirs too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.regular import text_lines

_FROM_FLAG = lazy(r"--\S+")
_COPY_FROM = lazy(r"--from=(\S+)")
# files a project keeps its setup scripts in, read for `docker build -t` lines (bounded: a few folders)
_SCRIPT_FOLDERS = (".", "scripts", "script", "bin", "tools", "build")
_SCRIPT_SUFFIXES = (".sh", ".bash")
_MAKEFILES = ("Makefile", "makefile", "GNUmakefile")
MAX_SCRIPTS = 64
MAX_SCRIPT_BYTES = 256 * 1024


def base_images(path: Path, target: str | None = None) -> tuple[tuple[str, int], ...]:
    """(image as written, FROM or COPY line) of each image the build of `target` (else the last stage)
    pulls or finds on the engine: not a stage of the file, not `scratch`; an image whose name holds a
    variable is given expanded with the global ARG defaults (`$` left where none is)."""
    from doctor.project.dockerfile import _assignments, _expand, parsed_instructions
    from doctor.project.reading import read_text

    try:
        text = read_text(path, 1024 * 1024)
    except (OSError, ValueError):
        return ()
    stages: list[tuple[str, str, int, list[tuple[str, int]]]] = []  # name, base, line, copied-from refs
    global_args: dict[str, str] = {}
    for ins in parsed_instructions(text):
        if ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not _FROM_FLAG.fullmatch(w)]
            base = _expand(words[0], global_args) if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else str(len(stages))
            stages.append((name.lower(), base, ins.line, []))
        elif not stages and ins.keyword == "ARG":
            global_args.update(_assignments(ins.args, global_args, global_args))
        elif stages and ins.keyword in ("COPY", "ADD"):
            stages[-1][3].extend((found, ins.line) for found in _COPY_FROM.findall(ins.args))
    if not stages:
        return ()
    names = {s[0]: s for s in stages}
    wanted = names.get(target.lower()) if target else stages[-1]
    if wanted is None:
        return ()
    images: dict[str, int] = {}
    todo, seen = [wanted], set()
    while todo:
        name, base, line, pulls = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for ref, at in [(base, line), *pulls]:
            stage = names.get(ref.lower())
            if stage is not None:
                todo.append(stage)
            elif ref and ref.lower() != "scratch" and not ref.isdigit():
                images.setdefault(ref, at)
    return tuple(images.items())


def script_builds(folders: tuple[Path, ...]) -> dict[str, tuple[Path, int, str]]:
    """`docker build -t TAG` lines of the shell scripts and Makefiles of `folders` (and of their
    scripts/, bin/, tools/ and build/ folders): each tag -> (file, line, the command as written)."""
    from doctor.project.ciimages import _commands, _docker
    from doctor.project.reading import read_text

    found: dict[str, tuple[Path, int, str]] = {}
    for path in _scripts(folders):
        try:
            text = read_text(path, MAX_SCRIPT_BYTES)
        except (OSError, ValueError):
            continue
        lines = text_lines(text)
        for offset, words in _commands(text):
            if path.name in _MAKEFILES and words[:1] and words[0].startswith("@"):
                words = [words[0][1:], *words[1:]] if words[0][1:] else words[1:]
            kind, tags, _ = _docker(words)
            if kind != "build" or words[:2] == ["docker", "tag"]:
                continue
            for tag in tags:
                found.setdefault(tag, (path, offset + 1, lines[offset].strip() if offset < len(lines) else ""))
    return found


def _scripts(folders: tuple[Path, ...]) -> Iterator[Path]:
    seen: set[Path] = set()
    count = 0
    for top in folders:
        for sub in _SCRIPT_FOLDERS:
            folder = Path(os.path.normpath(top / sub))
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                path = Path(entry.path)
                if path in seen or not (entry.name.endswith(_SCRIPT_SUFFIXES) or entry.name in _MAKEFILES):
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                seen.add(path)
                count += 1
                if count > MAX_SCRIPTS:
                    return
                yield path
