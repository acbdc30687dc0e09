"""`doctor exec -- make TARGET`: the target's recipe lines run where preflight puts them.

Each line whose command belongs in a service runs there (doctor.execute.run_in_service), one after
another as make runs them; the project's own target that runs the recipe in its service (a twin,
doctor.project.task_twins) is run instead where preflight advises it; where the lines belong in
different places, or make is given an option doctor does not follow, the advice is printed and
nothing runs.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import doctor.execute
from doctor.exec_notes import image_lacks_tool, verb_at
from doctor.host import Host
from doctor.project import Project
from doctor.project.command_home import compose_argv, mapped_words
from doctor.project.make_targets import MakePlan, RecipeLine
from doctor.project.service_entrypoint import program_entrypoint
from doctor.project.service_home import ServiceHome


def run_make(words: Sequence[str], cwd: Path, project: Project, host: Host) -> int | None:
    """`make TARGET` whose recipe preflight puts in a service: its recipe lines run there, one after
    another as make runs them (djangoproject.com's `make test`: `python -m coverage run ...` in 'web');
    where its lines belong in different places, or make is given an option doctor does not follow
    (`-j2`), preflight's advice is printed and nothing runs. A `NAME=value` of make's command line
    is written into the recipe as make expands it (not also exported into the service's
    environment, as make exports it to the recipe's). None: make runs here (no line belongs in a
    service, or no Makefile doctor reads)."""
    from doctor.project.make_targets import make_plan

    homes, _ = doctor.execute.homes_and_here(project, host)
    plan = make_plan(project, homes, words[1:], cwd)  # no Python or Node home: a Ruby or Go line may have one
    if plan is None or not plan.services:
        return None
    shown = " ".join(words)
    home = plan.one_service
    if home is not None and plan.unsupported is None:
        twin = _twin_target(words, plan, home, project)
        if twin is not None:  # what preflight advises first: the project's own target for it
            name, at = twin
            print(f"doctor: {shown!r}: its recipe belongs in service {home.service!r}; the project's own target "
                  f"for it, {name!r} ({at}), runs it there: running `make {name}` here", file=sys.stderr)
            given = [w for w in words[1:] if _assignment(w)]  # `make test ARG=x`: its values too
            argv = [words[0], "--no-print-directory", "-C", str(plan.makefile.parent), name, *given]
            return doctor.execute.run_process(argv, dict(project.options.env))
        print(f"doctor: {shown!r}: its recipe belongs in service {home.service!r} (as preflight says): running "
              "each line there", file=sys.stderr)
        for line in plan.lines:
            if line.home is None:
                continue  # `echo ...`: nothing of the project's
            argv, where = _line_words(line, plan.makefile.parent)
            code = doctor.execute.run_in_service(argv, where, line.home, project, host)
            if code:
                return code
        return 0
    why = f"make is given {plan.unsupported!r}, which doctor does not follow" if plan.unsupported else (
        "its lines belong in different places")
    print(f"doctor: {shown!r} runs commands preflight puts in a service ({why}); make here would run them "
          "without their packages. Run them where they belong:", file=sys.stderr)
    for line in plan.lines:
        at = f"{project.shown(plan.makefile)}:{line.line}"
        if line.home is not None:
            argv, folder = _line_words(line, plan.makefile.parent)
            from doctor.project.image_installs import start_install_mode

            up = start_install_mode(project, line.home) == "up"  # ralph: its entrypoint installs the packages
            full = compose_argv(project, "exec" if up else "run", line.home, folder,
                                mapped_words(argv, folder, line.home), True)
            at_verb = full.index("exec") if up else verb_at(full)
            shown = shlex.join(['docker', 'compose', *full[at_verb:]])
            shown = f"docker compose up -d {line.home.service} && {shown}" if up else shown
            print(f"  {at}: {shown}", file=sys.stderr)
        elif line.partly:  # `python -m manage check && git status`: split it by hand
            print(f"  {at}: {line.text} (a part of it belongs in {line.partly!r})", file=sys.stderr)
        elif line.here:
            print(f"  {at}: here: {line.text}", file=sys.stderr)
    return 1


def _assignment(word: str) -> bool:
    """Whether a word of make's command line sets a variable (`ARG=x`), not a goal."""
    name, equals, _ = word.partition("=")
    return bool(equals and name) and not name[0].isdigit() and name.replace("_", "").replace(".", "").isalnum()


def _twin_target(words: Sequence[str], plan: MakePlan, home: ServiceHome, project: Project) -> tuple[str, str] | None:
    """(name, file:line) of the Makefile target that runs `make GOAL`'s recipe in its service
    (task_twins: django-react-boilerplate's `docker_test` of `test`), where preflight advises it: one
    goal, the service's start wipes no data and installs nothing a `run` would skip, its image has the
    command's tool; None where the recipe runs as before."""
    goals = [w for w in words[1:] if not w.startswith("-") and not _assignment(w)]
    if len(goals) != 1 or any(line.target != goals[0] for line in plan.lines):
        return None  # a prerequisite's recipe too (kitsune's `.docker-build`): the twin would not run it
    from doctor.project.entrypoint_wipes import entrypoint_wipe
    from doctor.project.image_installs import start_install_mode
    from doctor.project.task_twins import twin_of

    own = [c for c in project.commands if c.location.path == plan.makefile and c.name == goals[0] and not c.implied]
    if not own or start_install_mode(project, home) == "up" or entrypoint_wipe(project, home.service) is not None \
            or program_entrypoint(project, home.service):
        return None
    if any(image_lacks_tool(project, home, doctor.execute.command_words(c.text.split())) for c in own):
        return None
    twin = twin_of(project, own[0], home)
    if twin is None or twin.invocation[0] != "make" or twin.location.path != plan.makefile:
        return None
    return twin.invocation[-1], f"{project.shown(twin.location.path)}:{twin.location.line}"


def _line_words(line: RecipeLine, folder: Path) -> tuple[list[str], Path]:
    """The words to run for a recipe line, and where: its one command as preflight advises it (in the
    folder a leading `cd` moved to), else the whole line through `sh -c` in the Makefile's folder."""
    if len(line.commands) == 1:
        command = line.commands[0]
        try:
            return shlex.split(command.text), command.cwd
        except ValueError:
            return command.text.split(), command.cwd
    return ["sh", "-c", line.text], folder
