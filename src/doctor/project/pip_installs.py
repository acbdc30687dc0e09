"""What the `pip install`s of a RUN line (or a start script) name: each one's folder (after the `cd`s
before it) and arguments, the requirements files its `-r` lines install, and the local projects of
the repo it installs (`.`, `-e .`, `file:.`, a requirements file's `-e .`)."""

from __future__ import annotations

import posixpath
from pathlib import Path

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from doctor.project.codepaths import CodeMap


# a start script is a page or two: a bigger file is not read for installs
START_SCRIPT_LIMIT = 256 * 1024


def _local_targets(args: list[str], folder: str, codes: CodeMap, depth: int = 0) -> Iterator[str]:
    """The container paths of the local projects a `pip install`'s arguments name: `.`, `-e .`,
    `-e file:.`, `/app[dev]`, and those of the requirements files it installs (`-r`), relative to the
    folder pip runs in."""
    at = 0
    while at < len(args):
        word = args[at]
        named = _requirement_at(args, at)
        if named is not None:
            at += named[1]
            if named[0] and "$" not in named[0] and depth < 8:
                host = codes.to_host(posixpath.normpath(posixpath.join(folder, named[0])))
                if host is not None:
                    yield from _file_targets(host[0], posixpath.dirname(posixpath.join(folder, named[0])), folder,
                                             codes, depth + 1)
            continue
        if word in ("-e", "--editable") and at + 1 < len(args):
            word, at = args[at + 1], at + 1
        elif word.startswith("--editable="):
            word = word.partition("=")[2]
        elif word.startswith("-"):
            at += 2 if word in _PIP_VALUED else 1
            continue
        at += 1
        local = _local_path(word)
        if local is not None:
            yield posixpath.join(folder, local)


def _file_targets(path: Path, inside: str, folder: str, codes: CodeMap, depth: int) -> Iterator[str]:
    """The local projects a requirements file's lines name (`-e .`: the folder pip runs in), and those
    of the files its `-r` lines include (relative to its own folder, `inside` in the container)."""
    from doctor.project.reading import read_regular_text

    for line in (read_regular_text(path, START_SCRIPT_LIMIT) or "").splitlines():
        spec = line.split(" #", 1)[0].strip()
        include = _INCLUDE.fullmatch(spec)
        if include is not None and depth < 8:
            name = include.group(1).strip("\"'")
            host = codes.to_host(posixpath.normpath(posixpath.join(inside, name)))
            if host is not None:
                yield from _file_targets(host[0], posixpath.dirname(posixpath.join(inside, name)), folder, codes,
                                         depth + 1)
            continue
        words = spec.split()
        if words[:1] in (["-e"], ["--editable"]) and len(words) > 1:
            words = words[1:]
        local = _local_path(words[0]) if words else None
        if local is not None:
            yield posixpath.join(folder, local)


def _local_path(word: str) -> str | None:
    """The path a pip argument names when it is a local folder (`.`, `./app`, `/app[dev]`, `file:.`,
    `file:///app`); None for a package name, a URL, a wheel or an archive."""
    if word.startswith("file:"):
        word = word[len("file:"):]
        word = word[2:] if word.startswith("//") else word
    word = word.split("#", 1)[0].split("[", 1)[0]
    if not word or "$" in word or word.endswith((".whl", ".zip", ".tar.gz", ".tgz")):
        return None
    return word if word in (".", "..") or word.startswith(("./", "../", "/")) else None


# installers doctor cannot see through: a project or folder installed (`.`, `-e`, a wheel), a lock
_OPAQUE_INSTALL = lazy(r"\b(?:poetry|pipenv|pdm|hatch|conda|mamba|micromamba|pipx|easy_install|pixi)\b"
                       r"|\buv\s+(?:sync|add|tool)\b|\bsetup\.py\b")


_PIP = lazy(r"(?:python[\d.]*\s+-m\s+pip|\buv\s+pip|(?:^|[\s/])pip[\d.]*)\s+(?:-\S+\s+)*install\b(?P<args>.*)")


_SEGMENTS = lazy(r"&&|\|\||[;|\n]")


_PIP_VALUED = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
                         "--prefix", "--root", "--trusted-host", "--platform", "--python-version", "--cache-dir",
                         "--implementation", "--abi", "--progress-bar", "--src", "--upgrade-strategy", "--log",
                         "--no-binary", "--only-binary", "--timeout", "--retries", "--proxy", "--root-user-action",
                         "-c", "--constraint", "-C", "--config-settings", "--python", "--report", "--cert"})


_INCLUDE = lazy(r"(?:-r\s*|--requirement(?:\s+|\s*=\s*))(\S+)")


def _pip_commands(segments: Iterable[str], workdir: str) -> Iterator[tuple[str, list[str] | None]]:
    """For each `pip install` among a RUN's commands: the folder it runs in (after the `cd`s before
    it) and its arguments, None where they do not parse as shell words."""
    import shlex

    for segment in segments:
        try:
            words = shlex.split(segment)
        except ValueError:
            words = segment.split()
        if words[:1] == ["cd"] and len(words) == 2:
            workdir = posixpath.normpath(posixpath.join(workdir, words[1]))
            continue
        match = _PIP.search(segment)
        if match is None:
            continue
        try:
            yield workdir, shlex.split(match.group("args"))
        except ValueError:
            yield workdir, None


def _requirement_at(args: list[str], at: int) -> tuple[str, int] | None:
    """The file `-r FILE`, `-rFILE` or `--requirement=FILE` at args[at] names ("" when none follows),
    and how many words it takes; None for another argument."""
    word = args[at]
    named = next((word[len(p):].lstrip("=") for p in ("--requirement", "-r") if word.startswith(p)), None)
    if named is None:
        return None
    return (named, 1) if named else ((args[at + 1] if at + 1 < len(args) else ""), 2)


def _requirement_files(text: str, workdir: str) -> list[str] | None:
    """The container paths of the requirements files a RUN's `pip install -r` lines install ([] for a
    RUN installing no Python package, or only named ones); None when it installs what doctor cannot
    read (`pip install .`, `-e`, a wheel, a variable, `poetry install`, `uv sync`)."""
    if _OPAQUE_INSTALL.search(text):
        return None
    files: list[str] = []
    for folder, args in _pip_commands(_SEGMENTS.split(text), workdir):
        if args is None:
            return None
        at = 0
        while at < len(args):
            word = args[at]
            named = _requirement_at(args, at)
            if named is not None:
                path, taken = named
                at += taken
                if not path or "$" in path:
                    return None
                files.append(posixpath.normpath(posixpath.join(folder, path)))
                continue
            if word in ("-e", "--editable") or (not word.startswith("-") and (
                    "/" in word or word.startswith(".") or "$" in word or "*" in word or "@" in word
                    or word.endswith((".whl", ".zip", ".tar.gz")))):
                return None
            at += 2 if word in _PIP_VALUED else 1
    return files
