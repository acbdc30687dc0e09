"""Read the parts of a Dockerfile doctor needs: COPY/ADD from the build context, the final WORKDIR.

This is not a full Dockerfile parser. It follows BuildKit's lexical rules where they change
what a COPY means: parser directives (`# escape=`), line continuations (with comment and
blank lines inside them dropped), heredoc bodies (skipped, so a `COPY` inside a `RUN <<EOF`
script is never read as an instruction), JSON-array arguments, flags, stages (`FROM x AS y`,
a later `FROM y` inherits y's WORKDIR and copies), what a later RUN's `rm` deletes of a copy
(doctor.project.run_removals), and `$VAR` / `${VAR}` expansion from ARG defaults and ENV values.
A file that cannot be read yields an empty Dockerfile: the checks that use it then have nothing
to judge, which is the quiet, correct outcome.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import field, record
from doctor.project.reading import parse_json, read_regular_text
from doctor.project.types import CopyInstruction, Dockerfile
from doctor.regular import text_lines

DIRECTIVE = lazy(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
HEREDOC = lazy(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
VARIABLE = lazy(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+])?(?P<word>[^}]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
WORD = lazy(r"(?:\"(?:\\.|[^\"])*\"|'[^']*'|[^\s\"']+)+")
QUOTED = lazy(r"\"((?:\\.|[^\"])*)\"|'([^']*)'")
REMOTE = ("http://", "https://", "git@", "git://", "ssh://")
TEXTS_KEPT = 64  # the Dockerfiles of one run whose parse is kept: a project builds from a few dozen


@record
class Instruction:
    """One logical instruction: keyword, its argument text, the line it starts on, heredoc bodies."""

    keyword: str
    args: str
    line: int
    heredocs: tuple[str, ...] = ()


@record(frozen=False)
class _Stage:
    name: str
    workdir: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    copies: list[CopyInstruction] = field(default_factory=list)
    pulls: list[str] = field(default_factory=list)  # the stages its `COPY --from=` name
    relayed: list[CopyInstruction] = field(default_factory=list)  # context copies a `COPY --from` brings


def read_dockerfile(path: Path, target: str | None = None) -> Dockerfile:
    """The context COPY/ADDs and WORKDIR of the final stage (or of `target`) and its ancestors.

    Destinations are made absolute against the WORKDIR in effect at the instruction when one is
    known; copies from another stage or image (`--from=`), heredoc and URL sources are left out.
    Remembered across runs while the file is unchanged (doctor.project.memo).
    """
    from doctor.project.memo import remember

    return remember("dockerfile", (path,), target, lambda: _read_dockerfile(path, target))


def _read_dockerfile(path: Path, target: str | None) -> Dockerfile:
    text = read_regular_text(path)
    if text is None:
        return Dockerfile(path)
    stages = _stages_of(text)
    if not stages:
        return Dockerfile(path)
    chosen = stages[-1]
    if target is not None:
        chosen = next((s for s in stages if s.name.lower() == target.lower()), chosen)
    return Dockerfile(path, tuple(chosen.copies), chosen.workdir, _staged(chosen, stages), tuple(chosen.relayed),
                      tuple(chosen.env.items()))


def staged_sources(dockerfile: Dockerfile, context: Path) -> list[Path]:
    """The host paths the stages a Dockerfile's chosen stage copies from took from `context`
    (`Dockerfile.staged`; glob sources left out)."""
    return [context / source for copy in dockerfile.staged for source in copy.sources
            if "*" not in source and "?" not in source]


def stage_copies(path: Path, name: str) -> tuple[CopyInstruction, ...] | None:
    """The context COPY/ADDs of the Dockerfile's stage `name` (`AS build`, or its index) and of the
    stages it descends from; None when no stage has that name (an image, `from=alpine`)."""
    text = read_regular_text(path)
    stage = next((s for s in _stages_of(text) if s.name.lower() == name.lower()), None) if text else None
    return tuple(stage.copies) if stage is not None else None


def _staged(chosen: _Stage, stages: tuple[_Stage, ...]) -> tuple[CopyInstruction, ...]:
    """The context copies of the stages `chosen` copies from, and of the ones those copy from."""
    by_name = {s.name.lower(): s for s in stages}
    found: dict[int, CopyInstruction] = {}
    todo, seen = list(chosen.pulls), {chosen.name.lower()}
    while todo:
        name = todo.pop().lower()
        stage = by_name.get(name)
        if stage is None or name in seen:  # an image (`--from=nginx:1`), or read already
            continue
        seen.add(name)
        for copy in stage.copies:
            found.setdefault(copy.line, copy)
        todo.extend(stage.pulls)
    return tuple(found[line] for line in sorted(found))


@lru_cache(maxsize=TEXTS_KEPT)
def _stages_of(text: str) -> tuple[_Stage, ...]:
    """Every stage of a Dockerfile's text, worked out once per run however many targets are read
    (a builder stage, the service's own target); the stages are not changed afterwards."""
    return tuple(_stages(parsed_instructions(text)))


@lru_cache(maxsize=TEXTS_KEPT)
def parsed_instructions(text: str) -> tuple[Instruction, ...]:
    """`instructions(text)`, split once per run for every reader of the same Dockerfile (the copies,
    the recipe of each stage read, the Python places)."""
    return tuple(instructions(text))


def instructions(text: str) -> Iterator[Instruction]:
    """The logical instructions of a Dockerfile, continuations joined and heredoc bodies attached."""
    lines = text_lines(text)
    escape = _escape_char(lines)
    index = 0
    while index < len(lines):
        start = index
        stripped = lines[index].strip()
        index += 1
        if not stripped or stripped[0] == "#":
            continue
        parts = [stripped]
        # a line continues where it ends in the escape character and blanks (str.rstrip and endswith, as
        # `\\[ \t]*$` matched: splitlines leaves no line break in a line), which is then dropped
        while (end := parts[-1].rstrip(" \t")).endswith(escape) and index < len(lines):
            parts[-1] = end[:-1]
            following = lines[index].strip()
            index += 1
            # BuildKit drops comment and empty lines inside a continuation instead of ending it.
            while (not following or following[0] == "#") and index < len(lines):
                following = lines[index].strip()
                index += 1
            if following and following[0] != "#":
                parts.append(following)
        if end.endswith(escape):
            parts[-1] = end[:-1]
        logical = parts[0].strip() if len(parts) == 1 else " ".join(p.strip() for p in parts if p.strip())
        keyword, _, args = logical.partition(" ")
        keyword = keyword.upper()
        bodies: list[str] = []
        if "<<" in args and keyword in ("RUN", "COPY", "ADD"):
            for match in HEREDOC.finditer(args):
                body, index = _heredoc_body(lines, index, match.group(3), strip_tabs=bool(match.group(1)))
                bodies.append(body)
        yield Instruction(keyword, args.strip(), start + 1, tuple(bodies))


def _escape_char(lines: list[str]) -> str:
    for line in lines:
        match = DIRECTIVE.match(line.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            return match.group(2)
    return "\\"


def _heredoc_body(lines: list[str], index: int, word: str, strip_tabs: bool) -> tuple[str, int]:
    body: list[str] = []
    while index < len(lines):
        line = lines[index]
        index += 1
        if (line.lstrip("\t") if strip_tabs else line) == word:
            break
        body.append(line)
    return "\n".join(body), index


def _stages(found: Iterable[Instruction]) -> list[_Stage]:
    stages: list[_Stage] = []
    global_args: dict[str, str] = {}
    landed: dict[str, _Landed] = {}  # per finished stage: its context copies sorted by destination
    for ins in found:
        if ins.keyword == "FROM":
            stages.append(_from(ins.args, stages, global_args))
        elif not stages:
            if ins.keyword == "ARG":
                global_args.update(_assignments(ins.args, global_args, global_args))
        elif ins.keyword in ("ARG", "ENV"):
            stage = stages[-1]
            inherited = global_args if ins.keyword == "ARG" else None
            stage.env.update(_assignments(ins.args, stage.env, inherited))
        elif ins.keyword == "WORKDIR":
            stage = stages[-1]
            workdir = _expand(ins.args, stage.env)
            stage.workdir = posixpath.normpath(posixpath.join(stage.workdir or "/", workdir))
        elif ins.keyword in ("COPY", "ADD"):
            words = _arguments(ins.args)  # split once for the copy, its `--from` and what that relays
            copy = _copy(ins, stages[-1], words)
            if copy is not None:
                stages[-1].copies.append(copy)
            pulled = _pulled_stage(stages[-1], words)
            if pulled:
                stages[-1].pulls.append(pulled)
                stages[-1].relayed.extend(_relayed(ins, pulled, stages, landed, words))
        elif ins.keyword == "RUN" and (stages[-1].copies or stages[-1].relayed) and any(
                "rm" in text for text in (ins.args, *ins.heredocs)):
            _remove(ins, stages[-1])
    return stages


def _remove(ins: Instruction, stage: _Stage) -> None:
    """Mark what a RUN's `rm` deletes of the copies before it (healthchecks' builder deleting stuff/)."""
    from doctor.project.run_removals import run_removes, without

    paths = run_removes(ins.args, ins.heredocs, stage.workdir, lambda word: _expand(word, stage.env))
    if paths:
        stage.copies = [without(copy, paths) for copy in stage.copies]
        stage.relayed = [without(copy, paths) for copy in stage.relayed]


_Landed = tuple[list[str], list[CopyInstruction]]  # destinations (normalised, sorted) and their copies


def _relayed(ins: Instruction, pulled: str, stages: list[_Stage], landed: dict[str, _Landed],
             words: list[str]) -> Iterator[CopyInstruction]:
    """The context copies of stage `pulled` (its own and those it relayed) that `COPY --from=pulled
    SRC DEST` brings whole, placed where they land: healthchecks' builder `COPY . /opt/healthchecks/`
    then `COPY --from=builder /opt/healthchecks/ /opt/healthchecks/`. Only a SRC at or above a copy's
    destination: a path below it (`/app/dist`) is what the stage built there, not the context's."""
    import bisect  # here: a warm run reads its Dockerfiles' facts from the memo

    from doctor.project.run_removals import kept_below

    stage = stages[-1]
    source = next((s for s in reversed(stages[:-1]) if s.name.lower() == pulled.lower()), None)
    operands = [w for w in words if not w.startswith("--")]
    if source is None or len(operands) < 2:
        return
    *sources, destination = [_expand(w, stage.env) for w in operands]
    if not destination.startswith("/"):
        if stage.workdir is None:
            return
        destination = posixpath.join(stage.workdir, destination)
    if "$" in destination:
        return
    key = source.name.lower()
    if key not in landed:  # a stage before this one is finished: sorted once, searched per COPY --from
        ordered = sorted(((posixpath.normpath(c.destination), c) for c in (*source.copies, *source.relayed)
                          if c.destination.startswith("/")), key=lambda pair: pair[0])
        landed[key] = ([d for d, _ in ordered], [c for _, c in ordered])
    keys, copies = landed[key]
    for written in sources:
        if any(c in written for c in "*?[$"):
            continue
        top = posixpath.normpath(posixpath.join("/", written))
        # the copies at `top`, then those below it: two contiguous runs of the sorted destinations
        below = "/" if top == "/" else top + "/"
        at_top = range(bisect.bisect_left(keys, top), bisect.bisect_right(keys, top)) if top != "/" else range(0)
        start = bisect.bisect_left(keys, below)
        for at in (*at_top, *range(start, bisect.bisect_left(keys, below[:-1] + chr(ord("/") + 1), start))):
            copy = copies[at]
            if "." in copy.removed:  # the stage deleted it after copying it
                continue
            moved = posixpath.normpath(posixpath.join(destination, posixpath.relpath(keys[at], top)))
            trailing = "/" if copy.destination.endswith("/") and moved != "/" else ""
            yield CopyInstruction(copy.sources, moved + trailing, ins.line, copy.removed)
        # a folder below what a copy of the context put there (umap's build stage `COPY . /srv/umap`, then
        # `COPY --from=build /srv/umap/docker/ /srv/umap/docker/`): that folder of the copy's sources, where the
        # context has it (a folder the stage built there, `/app/dist`, is in no source: its path names nothing)
        above = posixpath.dirname(top)
        while top != "/" and above:
            at = bisect.bisect_left(keys, above)
            for copy in copies[at:bisect.bisect_right(keys, above)]:
                rel = posixpath.relpath(top, above)
                plain = [src for src in copy.sources if not any(c in src for c in "*?[$")]
                kept = kept_below(copy.removed, rel)  # None: the stage deleted that folder after copying it
                if plain and len(plain) == len(copy.sources) and kept is not None:
                    yield CopyInstruction(tuple(posixpath.normpath(posixpath.join(src, rel)) for src in plain),
                                          destination, ins.line, kept)
            if above == "/":
                break
            above = posixpath.dirname(above)


def _pulled_stage(stage: _Stage, words: list[str]) -> str:
    """The stage (or image) a `COPY --from=X` copies from, "" for a copy from the context (`words`: the
    instruction's `_arguments`)."""
    for flag in words:
        if not flag.startswith("--"):
            break
        if flag.startswith("--from="):
            return _expand(flag.partition("=")[2], stage.env)
    return ""


def _from(args: str, stages: list[_Stage], global_args: Mapping[str, str]) -> _Stage:
    words = [w for w in args.split() if not w.startswith("--")]
    base = _expand(words[0], global_args) if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else str(len(stages))
    parent = next((s for s in reversed(stages) if s.name.lower() == base.lower()), None)
    if parent is None:
        return _Stage(name)
    return _Stage(name, parent.workdir, dict(parent.env), list(parent.copies), list(parent.pulls),
                  list(parent.relayed))


def _assignments(
    args: str, scope: Mapping[str, str], inherited: Mapping[str, str] | None = None
) -> dict[str, str]:
    """ENV/ARG `k=v` pairs (quotes removed) and legacy `ENV k v`.

    `inherited` is given for ARG: a bare `ARG k` in a stage takes the global ARG's default.
    """
    words = _split_words(args)
    if inherited is None and len(words) >= 2 and "=" not in words[0]:
        return {words[0]: _expand(args.split(None, 1)[1].strip(), scope)}
    values: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if sep:
            values[key] = _expand(value, {**scope, **values})
        elif inherited is not None and key in inherited:
            values[key] = inherited[key]
    return values


def _split_words(args: str) -> list[str]:
    if '"' not in args and "'" not in args:  # nothing to unquote: the words between blanks, as WORD finds them
        return [m.group(0) for m in WORD.finditer(args)]
    return [QUOTED.sub(_unquote, m.group(0)) for m in WORD.finditer(args)]


def _unquote(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2) or ""


def _expand(text: str, scope: Mapping[str, str]) -> str:
    """`$VAR` / `${VAR}` / `${VAR:-d}` / `${VAR:+x}` from scope; unknown variables stay as written."""
    if "$" not in text:  # no variable: `text` itself, as VARIABLE.sub gives it back unmatched
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        value = scope.get(name)
        op = match.group("op")
        if op is None:
            return value if value is not None else match.group(0)
        if op.endswith("-"):
            unset = value is None or (op == ":-" and value == "")
            return match.group("word") if unset else str(value)
        present = value is not None and (op == "+" or value != "")
        return match.group("word") if present else ""

    return VARIABLE.sub(replace, text)


def _copy(ins: Instruction, stage: _Stage, words: list[str]) -> CopyInstruction | None:
    flags = [w for w in words if w.startswith("--")]
    operands = [w for w in words if not w.startswith("--")]
    if any(f.startswith("--from") for f in flags) or len(operands) < 2:
        return None
    *sources, destination = [_expand(w, stage.env) for w in operands]
    local = tuple(s for s in sources if not s.startswith("<<") and not s.startswith(REMOTE))
    if not local:
        return None
    if not destination.startswith("/") and stage.workdir is not None:
        trailing = "/" if destination.endswith("/") or destination in (".", "./") else ""
        destination = posixpath.normpath(posixpath.join(stage.workdir, destination))
        destination = destination.rstrip("/") + trailing if destination != "/" else "/"
    return CopyInstruction(local, destination, ins.line)


def _arguments(args: str) -> list[str]:
    """Flags then operands; the JSON-array form (`COPY ["a b", "/dst/"]`) after any flags."""
    flags: list[str] = []
    rest = args
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    parsed = json_array(rest)
    return flags + (parsed if parsed is not None else _split_words(rest))


def json_array(text: str) -> list[str] | None:
    """The strings of an instruction's JSON-array (exec) form, `["a b", "c"]`; None for any other text."""
    if not text.startswith("["):
        return None
    try:
        parsed = parse_json(text)
    except ValueError:
        return None
    return list(parsed) if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed) else None
