"""What a Dockerfile's RUN deletes of what its stage copied: the paths its `rm` commands name.

healthchecks' builder stage runs `COPY . /opt/healthchecks/`, then `rm -rf /opt/healthchecks/.git &&
rm -rf /opt/healthchecks/stuff`: the image it hands on has no stuff/, so no dev mount of stuff/ is
missing. Read from the RUN's simple commands (split at `&&`, `||`, `;`, `|`), its exec form and its
heredoc scripts; a relative path is taken from the WORKDIR or a `cd` earlier in the same RUN. A path
doctor cannot pin down (a variable it could not expand, a glob) removes nothing here: a removal
doctor invents would hide a real gap.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable

from doctor.project.types import CopyInstruction

_RM = frozenset(("rm", "/bin/rm", "/usr/bin/rm"))
_WRAPPERS = frozenset(("sudo", "command", "exec", "nice"))


def run_removes(args: str, heredocs: tuple[str, ...], workdir: str | None,
                expand: Callable[[str], str]) -> list[str]:
    """The absolute container paths one RUN (its argument text, its heredoc scripts) deletes."""
    from doctor.project.dockerfile import json_array  # (dockerfile imports this module when it runs)
    from doctor.project.shellwords import simple_commands

    while args.startswith("--"):  # `RUN --mount=type=cache,target=/root/.cache rm ...`
        args = args.partition(" ")[2].lstrip()
    exec_form = json_array(args)
    scripts = [line for body in heredocs for line in body.splitlines()]
    commands = [exec_form] if exec_form is not None else [
        words for text in (args, *scripts) for words in simple_commands(text)]
    return removed_paths(commands, workdir, expand)


def removed_paths(commands: Iterable[list[str]], workdir: str | None, expand: Callable[[str], str]) -> list[str]:
    """The absolute container paths the `rm` commands among `commands` (a RUN's, each as its words)
    delete, normalised; `workdir` is the stage's WORKDIR (None when doctor does not know it)."""
    cwd = workdir
    found: list[str] = []
    for words in commands:
        while words and words[0] in _WRAPPERS:
            words = words[1:]
        if not words:
            continue
        if words[0] == "cd":  # the RUN's shell keeps it for the commands after
            cwd = _absolute(expand(words[1]), cwd) if len(words) == 2 else None
        elif words[0] in _RM:
            found.extend(p for p in (_absolute(expand(w), cwd) for w in _operands(words[1:])) if p)
    return found


def _operands(words: list[str]) -> list[str]:
    """rm's operands: its options (`-rf`, `--force`, anywhere, as GNU rm reads them) left out, up to `--`."""
    if "--" in words:
        at = words.index("--")
        return [w for w in words[:at] if not w.startswith("-")] + words[at + 1:]
    return [w for w in words if not w.startswith("-")]


def _absolute(path: str, cwd: str | None) -> str | None:
    """`path` made absolute against `cwd` and normalised; None for one doctor cannot pin down."""
    if not path or any(c in path for c in "$*?[{~`") or (not path.startswith("/") and cwd is None):
        return None
    return posixpath.normpath(posixpath.join(cwd or "/", path))


def without(copy: CopyInstruction, paths: Iterable[str]) -> CopyInstruction:
    """`copy` with what `paths` delete of it (relative to its destination, "." for all of it) added to
    its `removed`; a copy to a relative destination (no WORKDIR known) as it was."""
    destination = posixpath.normpath(copy.destination)
    if not destination.startswith("/"):
        return copy
    gone: list[str] = []
    for path in paths:
        if path == destination or path == "/" or destination.startswith(path + "/"):
            gone.append(".")
        elif destination == "/" or path.startswith(destination + "/"):
            gone.append(posixpath.relpath(path, destination))
    removed = tuple(dict.fromkeys((*copy.removed, *gone)))
    return copy if removed == copy.removed else CopyInstruction(copy.sources, copy.destination, copy.line, removed)


def kept_below(removed: tuple[str, ...], rel: str) -> tuple[str, ...] | None:
    """What `removed` (of a copy) deletes of its folder `rel`, relative to that folder; None when the
    folder itself is gone (umap's `COPY --from=build /srv/umap/docker/ ...` of a `COPY . /srv/umap`)."""
    if any(r == "." or r == rel or rel.startswith(r + "/") for r in removed):
        return None
    return tuple(posixpath.relpath(r, rel) for r in removed if r.startswith(rel + "/"))
