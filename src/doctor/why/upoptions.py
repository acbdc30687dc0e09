"""`doctor why < up.log` after `docker compose -p track-b up`: the options that chose that `up`'s project, read from its
command line in the text (doctor.why.up_line.up_command), taken as if they had been given to `doctor why`.

Pasted above the output (`$ docker compose -f docker-compose.dev.yml --profile debug up`), a `set -x` trace or a CI
log's `Run ...`, the command line says which project failed: its `-p` (or a `COMPOSE_PROJECT_NAME=track-b` before the
command), `-f`, `--profile`, `--env-file` and `--project-directory`. Without them, `why` diagnosed the folder's default
project: another name (track A where track B failed), other files, no profile. Each kind of option `doctor why` was
given itself is the user's choice and wins; stderr says so in one line when the two disagree.

Paths on the line are relative to where that `up` ran, which `why` takes to be PATH (the folder it looks at, or a
compose file's folder), as for the folder's own `up`: `-f` and `--env-file` from there, as compose resolves them from
its current directory. `--project-directory` becomes PATH: doctor finds the compose files and the `.env` from there, as
compose does (a project directory apart from the `-f` files' folder is not modelled: the files' folder is then the
project's). A `-f` or `--project-directory` that is not here (another machine's path, `-f -`) is said and not taken:
doctor cannot read it, and reading the rest alone would be a project no `up` ran; a project name compose refuses is
not taken (that `up` ran under no name: its refusal is read from the text).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from doctor.records import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from doctor.why.command import WhyOptions
    from doctor.why.up_line import UpCommand

def with_up_options(opts: WhyOptions, command: UpCommand | None) -> tuple[WhyOptions, list[str]]:
    """`opts` with the project options of `command` (the `up` command line in the text) of each kind `opts` was not
    given, and the lines to say on stderr: one per option that is not here, one naming the user's options that
    disagree with the line's (those win), and one naming the options taken. `opts` itself, and no line, when the
    line has none of these options."""
    from doctor.project.discover import is_valid_project_name

    if command is None:
        return opts, []
    base = opts.path if opts.path.is_dir() else opts.path.parent  # where that `up` ran, as `why` takes it
    changes: dict[str, object] = {}
    taken: list[str] = []
    mine: list[str] = []
    theirs: list[str] = []
    notes: list[str] = []
    name = command.project_name
    if name is not None and is_valid_project_name(name):
        said = [f"COMPOSE_PROJECT_NAME={name}"] if command.name_from_env else ["-p", name]
        if opts.project_name is None:
            changes["project_name"] = name
            taken += said
        elif opts.project_name != name:
            mine += ["-p", opts.project_name]
            theirs += said
    if command.files:
        files = tuple(_at(base, f) for f in command.files)
        given = (() if opts.path.is_dir() else (opts.path,)) + tuple(opts.files or ())
        gone = [typed for typed, path in zip(command.files, files, strict=True) if typed == "-" or not path.exists()]
        if given:
            if _real(given) != _real(files):
                mine += [*([] if opts.path.is_dir() else [str(opts.path)]), *_flagged("-f", opts.files or ())]
                theirs += _flagged("-f", command.files)
        elif gone:
            notes.append(f"doctor: the `up` command line in the text names -f {shlex.quote(gone[0])}, which is not "
                         "here: not using its -f")
        else:
            changes["files"] = files
            taken += _flagged("-f", command.files)
    if command.profiles:
        if opts.profiles is None:
            changes["profiles"] = command.profiles
            taken += _flagged("--profile", command.profiles)
        elif set(opts.profiles) != set(command.profiles):
            mine += _flagged("--profile", opts.profiles)
            theirs += _flagged("--profile", command.profiles)
    if command.env_files:  # one not here is compose's refusal of that `up` too: the loader's finding says it
        env_files = tuple(_at(base, f) for f in command.env_files)
        if opts.env_files is None:
            changes["env_files"] = env_files
            taken += _flagged("--env-file", command.env_files)
        elif _real(opts.env_files) != _real(env_files):
            mine += _flagged("--env-file", opts.env_files)
            theirs += _flagged("--env-file", command.env_files)
    if command.project_directory is not None:
        folder = _at(base, command.project_directory)
        if opts.path != Path():  # PATH given: the user's
            if _real((base,)) != _real((folder,)):
                mine.append(str(opts.path))
                theirs += ["--project-directory", command.project_directory]
        elif not folder.is_dir():
            notes.append("doctor: the `up` command line in the text names --project-directory "
                         f"{shlex.quote(command.project_directory)}, which is not here: not using it")
        else:
            changes["path"] = folder
            taken += ["--project-directory", command.project_directory]
    if theirs:
        notes.append(f"doctor: using {shlex.join(mine)} given to doctor why, not the `up` command line's "
                     f"{shlex.join(theirs)}")
    if taken:
        notes.append(f"doctor: using {shlex.join(taken)} from the `up` command line in the text")
    return (replace(opts, **changes) if changes else opts), notes


def _at(base: Path, typed: str) -> Path:
    """A path of the command line, as compose resolves it where it ran (`base`): `~` expanded, lexically cleaned."""
    return Path(os.path.normpath(base / os.path.expanduser(typed)))


def _real(paths: Sequence[Path]) -> list[str]:
    """The paths as the files they are (from the current directory), to compare what two command lines name."""
    return [os.path.realpath(p) for p in paths]


def _flagged(flag: str, values: Sequence[object]) -> list[str]:
    """`-f a -f b`: the flag before each value."""
    return [word for value in values for word in (flag, str(value))]
