"""What a Dockerfile's final image is made of: its base image, RUN lines, ENTRYPOINT/CMD, WORKDIR.

`dockerfile.read_dockerfile` answers "which context files reach the image"; this answers "what
else is in it": the external base image the final stage descends from (stage names resolved),
and every RUN of that chain, so a check can tell whether `bash` was installed on an alpine base
or where `npm ci` put `node_modules`. Every FROM of the file (all stages) is kept too, with its
line, for the runtime versions a project declares.
"""

from __future__ import annotations

import os
import posixpath
from functools import lru_cache
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import field, record
from doctor.project.dockerfile import TEXTS_KEPT, json_array, parsed_instructions
from doctor.project.reading import is_file, parse_json
from doctor.regular import read_text

_ARG_REFERENCE = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
# what shlex.split reads otherwise than str.split does: a quote, a backslash, or a blank it does not split
# at (shlex's are space, tab, CR and LF; str.split's are every Unicode blank: a form feed, U+00A0...)
_NOT_PLAIN = lazy(r"[\"'\\]|[^\S \t\r\n]")


@record
class Step:
    """One RUN of the final image's chain: its text (heredoc bodies appended), line and WORKDIR, and how many of the
    recipe's `env_lines` are in force there (None: all of them, the final ENV, as for a command the container runs)."""

    text: str
    line: int
    workdir: str
    env_count: int | None = None


@record
class Recipe:
    """The final image of a Dockerfile: external base, RUN steps, ENTRYPOINT/CMD, WORKDIR, every FROM."""

    path: Path
    base: str = ""
    base_line: int | None = None
    runs: tuple[Step, ...] = ()
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    workdir: str = "/"
    froms: tuple[tuple[str, int], ...] = ()
    env: tuple[tuple[str, str], ...] = ()  # the final ENV of the chain
    raw_froms: tuple[str, ...] = ()  # each of `froms` as written (`python:${PYTHON_VERSION}-slim`)
    global_args: tuple[tuple[str, str, int], ...] = ()  # the ARGs before the first FROM: name, default, line
    # what COPY --from puts in the image: absolute destination, line, the stage or image it comes from
    built: tuple[tuple[str, int, str], ...] = ()
    # the paths those copies take from the other stage or image, as written (`/venv`, `/app/node_modules`)
    pulled: tuple[str, ...] = ()
    # every stage of the file, in order: its name (`AS build`, else its index, as `--from=0` names
    # it) and the line of its FROM
    stages: tuple[tuple[str, int], ...] = ()
    user: str = ""  # the last USER of the chain (its name or uid, no group), "" when none is set
    # the words of `HEALTHCHECK ... CMD x` (exec form as written; shell form as sh -c), () for none or NONE
    healthcheck: tuple[str, ...] = ()
    # the VOLUME paths of the chain (absolute, cleaned as compose compares them) and their lines: each
    # is an anonymous volume of every container of the image that no compose mount replaces
    volumes: tuple[tuple[str, int], ...] = ()
    # every ENV assignment of the chain, in order (a step's `env_count` of them are in force at its RUN)
    env_lines: tuple[tuple[str, str], ...] = ()


@record(frozen=False)
class _Stage:
    name: str
    base: str
    line: int
    runs: list[Step]
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    built: list[tuple[str, int, str]] = field(default_factory=list)
    pulled: list[str] = field(default_factory=list)
    user: str = ""
    healthcheck: tuple[str, ...] = ()
    args: dict[str, str] = field(default_factory=dict)  # the stage's own ARGs (a stage inherits none)
    volumes: list[tuple[str, int]] = field(default_factory=list)
    env_lines: list[tuple[str, str]] = field(default_factory=list)


def read_recipe(path: Path, target: str | None = None) -> Recipe:
    """The recipe of the final stage (or `target`); an empty Recipe when the file cannot be read.
    Remembered across runs while the file is unchanged (doctor.project.memo)."""
    from doctor.project.memo import remember

    return remember("recipe", (path,), target, lambda: _read_recipe(path, target))


# the recipes this process read, by (path, target), with the file's stat when it was read: what a
# reader without the Project (doctor.project.service_network's server family of a build) finds
# here is what Project.recipe read (before a preflight forks, so its helper reads none again)
_KNOWN: dict[tuple[Path, str | None], tuple[tuple[int, int, int, int], Recipe]] = {}


def _file_stamp(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def recipe_of(path: Path, target: str | None = None) -> Recipe | None:
    """`read_recipe`, read once per process while the file's stat stays the same; None when the
    path is no regular file."""
    stamp = _file_stamp(path)
    found = _KNOWN.get((path, target))
    if found is not None and stamp is not None and found[0] == stamp:
        return found[1]
    if stamp is None or not is_file(path):
        return None
    recipe = read_recipe(path, target)
    _KNOWN[path, target] = (stamp, recipe)
    return recipe


def _read_recipe(path: Path, target: str | None) -> Recipe:
    try:
        text = read_text(path)
    except OSError:
        return Recipe(path)
    parsed = _parse(text)
    if parsed is None:
        return Recipe(path)
    stages, froms, raw, arg_lines, starts = parsed
    chosen = stages[-1]
    if target is not None:
        chosen = next((s for s in stages if s.name.lower() == target.lower()), chosen)
    return Recipe(path, chosen.base, chosen.line, tuple(chosen.runs), chosen.entrypoint, chosen.cmd,
                  chosen.workdir, froms, tuple(chosen.env.items()), raw, arg_lines,
                  tuple(chosen.built), tuple(chosen.pulled), starts, chosen.user, chosen.healthcheck,
                  tuple(chosen.volumes), env_lines=tuple(chosen.env_lines))


_Parsed = tuple[tuple[_Stage, ...], tuple[tuple[str, int], ...], tuple[str, ...], tuple[tuple[str, str, int], ...],
                tuple[tuple[str, int], ...]]


@lru_cache(maxsize=TEXTS_KEPT)
def _parse(text: str) -> _Parsed | None:
    """Every stage of a Dockerfile's text (and its FROMs, global ARGs, stage starts), worked out once
    per run however many targets are read; the stages are not changed afterwards."""
    stages: list[_Stage] = []
    args: dict[str, str] = {}
    arg_lines: list[tuple[str, str, int]] = []
    froms: list[tuple[str, int]] = []
    starts: list[tuple[str, int]] = []
    raw: list[str] = []
    for ins in parsed_instructions(text):
        if ins.keyword == "ARG" and not stages:
            name, _, default = ins.args.partition("=")
            # a default may name an ARG before it or BuildKit's platform ARGs (nautobot's
            # `ARG ARCH=${TARGETARCH:-amd64}`, then `FROM system-dev-dependencies-${ARCH}`)
            args[name.strip()] = _expand(default.strip().strip("\"'"), {**_platform_args(), **args})
            arg_lines.append((name.strip(), args[name.strip()], ins.line))
        elif ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            base = _expand(words[0], {**_platform_args(), **args}) if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else str(len(stages))
            starts.append((name, ins.line))
            parent = next((s for s in reversed(stages) if s.name.lower() == base.lower()), None)
            if parent is None:
                froms.append((base, ins.line))
                raw.append(words[0] if words else "")
                stages.append(_Stage(name, base, ins.line, []))
            else:
                stages.append(_Stage(name, parent.base, parent.line, list(parent.runs), parent.entrypoint,
                                     parent.cmd, parent.workdir, dict(parent.env), list(parent.built),
                                     list(parent.pulled), parent.user, parent.healthcheck,
                                     volumes=list(parent.volumes), env_lines=list(parent.env_lines)))
        elif not stages:
            continue
        elif ins.keyword == "RUN":
            body = " ".join((ins.args, *ins.heredocs))
            stages[-1].runs.append(Step(body, ins.line, stages[-1].workdir, len(stages[-1].env_lines)))
        elif ins.keyword in ("COPY", "ADD") and "--from=" in ins.args and (  # else no stage nor image to copy from
                copied := _copied_from(ins.args, {**stages[-1].args, **stages[-1].env})) is not None:
            destination, source, paths = copied
            stages[-1].built.append((posixpath.normpath(posixpath.join(stages[-1].workdir, destination)), ins.line,
                                     source))
            stages[-1].pulled.extend(paths)
        elif ins.keyword == "ARG":
            name, _, default = ins.args.partition("=")
            # `ARG NAME` brings the global ARG's default into the stage; ENV wins over an ARG
            value = _expand(default.strip().strip("\"'"), {**stages[-1].args, **stages[-1].env}) if default else None
            stages[-1].args[name.strip()] = value if value is not None else args.get(name.strip(), "")
        elif ins.keyword == "WORKDIR":
            # intelowl's `ENV PYTHONPATH=/opt/deploy/intel_owl`, then `WORKDIR $PYTHONPATH`
            workdir = _expand(ins.args.strip("\"'"), {**stages[-1].args, **stages[-1].env})
            stages[-1].workdir = posixpath.normpath(posixpath.join(stages[-1].workdir, workdir))
        elif ins.keyword == "ENTRYPOINT":
            stages[-1].entrypoint = _exec_form(ins.args)
            stages[-1].cmd = ()  # docker resets CMD when ENTRYPOINT is set
        elif ins.keyword == "CMD":
            stages[-1].cmd = _exec_form(ins.args)
        elif ins.keyword == "HEALTHCHECK":
            stages[-1].healthcheck = _healthcheck(ins.args)
        elif ins.keyword == "ENV":
            assigned = env_assignments(ins.args)
            stages[-1].env.update(assigned)
            stages[-1].env_lines.extend(assigned.items())
        elif ins.keyword == "VOLUME":
            values = {**stages[-1].args, **stages[-1].env}
            stages[-1].volumes.extend((path, ins.line) for path in _volume_paths(ins.args, values))
        elif ins.keyword == "USER":
            stages[-1].user = ins.args.split(":")[0].strip()
    if not stages:
        return None
    return tuple(stages), tuple(froms), tuple(raw), tuple(arg_lines), tuple(starts)


def _copied_from(args: str, scope: dict[str, str]) -> tuple[str, str, tuple[str, ...]] | None:
    """(destination, stage, source paths) of a `COPY --from=stage SRC... DEST`, each path with the stage's
    ARG and ENV values (tilavarauspalvelu's `COPY --from=builder $VENV_ROOT $VENV_ROOT`, `ARG
    VENV_ROOT=$PROJECT_ROOT/venv`: /tvp/venv); None for a copy from the context, or a destination doctor
    cannot place (`${BUNDLE_PATH}`, set by no ARG or ENV of the stage)."""
    words = args.split()
    flags = [w for w in words if w.startswith("--")]
    source = next((f.partition("=")[2] for f in flags if f.startswith("--from=")), "")
    if not source:
        return None
    rest = args.split(maxsplit=len(flags))[-1] if len(words) > len(flags) else ""
    try:
        operands = parse_json(rest) if rest.startswith("[") else shell_split(rest)
    except ValueError:
        return None
    if not isinstance(operands, list) or len(operands) < 2 or not isinstance(operands[-1], str):
        return None
    destination = _expand(operands[-1], scope)
    return None if "$" in destination else (destination, source,
                                            tuple(_expand(str(o), scope) for o in operands[:-1]))


def _volume_paths(args: str, values: dict[str, str]) -> list[str]:
    """The paths of `VOLUME /a /b` or `VOLUME ["/a", "/b"]`, ARGs and ENV expanded and cleaned as
    compose compares them (`path.Clean`); a path doctor cannot place (`$DATA`, relative) is left out."""
    words = json_array(args)
    paths = [_expand(w.strip("\"'"), values) for w in (words if words is not None else args.split())]
    return [posixpath.normpath(p) for p in paths if p.startswith("/") and "$" not in p]


def _healthcheck(args: str) -> tuple[str, ...]:
    """The command of `HEALTHCHECK [--interval=30s ...] CMD command`; () for `HEALTHCHECK NONE`."""
    rest = args.strip()
    while rest.startswith("--"):
        rest = rest.partition(" ")[2].lstrip()
    keyword, _, command = rest.partition(" ")
    return _exec_form(command.strip()) if keyword.upper() == "CMD" and command.strip() else ()


def env_assignments(args: str) -> dict[str, str]:
    """`ENV A=1 B="two words"` or the legacy `ENV A value with spaces`."""
    try:
        words = shell_split(args)
    except ValueError:
        return {}
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(word.partition("=")[::2] for word in words if "=" in word)


def shell_split(text: str) -> list[str]:
    """`shlex.split(text)`; str.split where that gives the same words (no quote, backslash or other blank:
    _NOT_PLAIN), without shlex's reading of each character in Python (~15x the cost of str.split)."""
    if _NOT_PLAIN.search(text) is None:
        return text.split()
    import shlex

    return shlex.split(text)


def _exec_form(args: str) -> tuple[str, ...]:
    """`["a", "b"]` -> (a, b); shell form -> ("/bin/sh", "-c", text)."""
    parsed = json_array(args)
    return tuple(parsed) if parsed is not None else ("/bin/sh", "-c", args)


@lru_cache(maxsize=1)
def _platform_args() -> dict[str, str]:
    """The ARGs BuildKit defines in the global scope for a build on this machine's platform
    (TARGETARCH `amd64`...), as a FROM or an ARG default reads them when nothing else sets them."""
    if hasattr(os, "uname"):  # what platform.machine() reads there (platform not imported: ~2 ms)
        machine = os.uname().machine.lower()
    else:
        import platform

        machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    values = {"TARGETOS": "linux", "TARGETARCH": arch, "TARGETPLATFORM": f"linux/{arch}"}
    return {**values, **{k.replace("TARGET", "BUILD"): v for k, v in values.items()}}


def arg_names(word: str) -> list[str]:
    """The ARG names a word refers to (`${PYTHON_VERSION}`, `$TAG`, `${X:-d}`)."""
    return [m.group(1) or m.group(3) for m in _ARG_REFERENCE.finditer(word)]


def expand_args(word: str, args: dict[str, str]) -> str:
    """`word` with the given ARG values, as `FROM` reads them."""
    return _expand(word, args)


def _expand(word: str, args: dict[str, str]) -> str:
    """`${VAR}` / `$VAR` / `${VAR:-d}` from global ARG defaults; unknown variables stay as written."""
    import re

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        default = match.group(2)
        value = args.get(name, "")
        if value:
            return value
        return default if default is not None else match.group(0)

    return _ARG_REFERENCE.sub(replace, word)
