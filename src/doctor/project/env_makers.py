"""Who makes a missing env file: a Makefile rule for it (redash's `.env:`, printf of fresh secrets)
or a recipe line that writes it (`cp .env.example .env`, `> .env`, pontoon's `sed ... template >
docker/config/server.env`). compose-config offers that `make` command for compose's "env file not
found"; env-drift copies a template itself only where the recipe is such a plain copy (a `sed` of
placeholders would leave `SITE_URL=#SITE_URL#` in the copy)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Fix, Safety
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

_REDIRECT = lazy(r">>?")  # `> .env` writes the file, `>> .env` appends to it


def recipe_lines(project: Project) -> Iterator[tuple[str, int, str, str]]:
    """(makefile, line number, the rule's first target, the line) for each line of the project's
    Makefile from its first rule on: the rule lines themselves (`.env:`) and their recipes."""
    from doctor.project.reading import read_regular_text
    from doctor.project.tasks import MAKEFILES

    for makefile in MAKEFILES:
        text = read_regular_text(project.root / makefile)
        target = ""
        for number, line in enumerate(text_lines(text or ""), 1):
            head = line.split(":", 1)[0]
            if line[:1] not in ("\t", " ", "#", "") and ":" in line and "=" not in head and head.strip():
                target = head.strip().split()[0]
                yield makefile, number, target, line
            elif target:
                yield makefile, number, target, line
        if text is not None:
            return  # make reads the first of these names it finds


def env_file_maker(project: Project, path: Path) -> tuple[Fix, bool] | None:
    """The `make` advice for the env file at `path`, and whether its recipe only copies a file
    there (a target's `cp` or `install` line; every command of a rule's recipe a `cp`, whatever its
    options); None when no rule or recipe of the Makefile writes it. A rule for the file wins
    (unless its recipe only refuses: `exit 1`, a guard naming another target), then the first
    recipe that copies or writes it (`>`), then one that appends to it (`>>`):
    suitenumerique/people's `add-dev-rsa-private-key-to-env` appends a key to
    env.d/development/common, which its own rule, further down, copies from common.dist."""
    try:
        relative = path.relative_to(project.root).as_posix()
    except ValueError:
        return None
    names = {relative, f"./{relative}"}
    appender: tuple[Fix, bool] | None = None
    writer: tuple[Fix, bool] | None = None
    rule: Fix | None = None
    # the rule's recipe refuses (`exit 1`) and writes nothing: a guard that says how, making nothing
    guard = writes = in_rule = False
    # the rule's recipe only copies a file there (people's `cp --update=none common.dist common`, an option
    # coreutils before 9.3 and macOS' cp refuse): env-drift's copy of the template does what `make` would
    # (not `install -m 600`, whose file only its owner reads)
    copies_only = True
    for makefile, number, target, line in recipe_lines(project):
        if not line.startswith(("\t", " ")):  # a rule line: `.env:` or `.env .env.local: .env.example`
            in_rule = rule is None and bool(names & set(line.split(":", 1)[0].split()))
            if in_rule:
                rule = Fix(f"create it with the Makefile's rule for it ({makefile}:{number})", Safety.ADVICE,
                           command=("make", relative))
            continue
        # each command of the line: kitsune's `cp -n .env-dist .env;` ends in `;`, others chain with &&
        commands = line.replace("&&", ";").replace("||", ";").split(";")
        if in_rule:  # a precondition (`command -v openssl || { ...; exit 1; }`) before the line writing it is no guard
            guard = guard or "$(error" in line or any(_refuses(command.split()) for command in commands)
            writes = writes or any(_writes(command, names | {"$@"}) for command in commands)
            copies_only = copies_only and all(_says(command) or (_written(command, names | {"$@"})[1]
                                                                 and command.split()[0].lstrip("@-") == "cp")
                                              for command in commands)
            continue
        if target.startswith(".") or writer is not None:
            continue
        for command in commands:
            redirect, copied = _written(command, names)
            if redirect or copied:
                found = Fix(f"create it with the Makefile's target {target} ({makefile}:{number} writes it)",
                            Safety.ADVICE, command=("make", target)), copied
                if redirect == ">>" and not copied:
                    appender = appender or found
                else:
                    writer = found
                    break
    if rule is not None and (writes or not guard):
        return rule, writes and copies_only
    return writer or appender


def _written(command: str, names: set[str]) -> tuple[str, bool]:
    """How a recipe command writes one of `names`: the redirect (`>` or `>>`, "" for none), and whether it
    copies a file there (`cp`, `install`)."""
    words = _REDIRECT.sub(r" \g<0> ", command).split()
    redirect = next((words[index - 1] for index, word in enumerate(words)
                     if word in names and index and words[index - 1] in (">", ">>")), "")
    copied = len(words) >= 3 and words[0].lstrip("@-({") in ("cp", "install") and words[-1] in names
    return redirect, copied


def _says(command: str) -> bool:
    """Whether a recipe command only talks or is blank (`@echo "creating .env"`, a comment): no part of what
    the rule makes."""
    words = command.split()
    return not words or (words[0].lstrip("@-") in ("echo", "printf") and ">" not in command) or words[0].startswith("#")


def _writes(command: str, names: set[str]) -> bool:
    redirect, copied = _written(command, names)
    return bool(redirect) or copied


def _refuses(words: list[str]) -> bool:
    """Whether a recipe command ends make with a failure on purpose: `exit 1`, `false` (a rule that only
    says which target to run instead: `.env:` with `@echo "run make bootstrap first" && exit 1`)."""
    first = words[0].lstrip("@-") if words else ""
    return first == "false" or (first == "exit" and len(words) > 1 and words[1] != "0")
