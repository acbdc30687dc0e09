"""Where `make TARGET` belongs: the recipe lines it runs (its prerequisites' first), each placed by the
rule host-vs-container reports with (command_home.belongs_in).

`doctor exec -- make test` ran make on the host while preflight said the target's `python -m coverage
run ... manage test` belongs in 'web' (djangoproject.com; DefectDojo's `python3 manage.py test` in
'uwsgi'): make then failed with "No module named coverage". `make_plan` reads the Makefile's rules
(targets, prerequisites, recipe lines), walks the goal's prerequisites as make does (depth first, each
target once, a prerequisite no rule makes taken for a file), and places every recipe line: in one
service (every command of the line the same service's), here (a command of the line belongs here),
or nowhere in particular (a line of shell builtins only, `echo ...`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project import Project
from doctor.project.command_home import belongs_in
from doctor.project.service_home import ServiceHome
from doctor.regular import text_lines

_RULE = lazy(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)(.*)$")
_OPTIONS_WITH_VALUE = frozenset({"-C", "--directory", "-f", "--file", "--makefile", "-j", "--jobs", "-l", "-o", "-W"})
_HARMLESS_OPTIONS = frozenset({"-s", "--silent", "--quiet", "-k", "--keep-going"})
_MAKE_VARIABLES = frozenset({"$(MAKE)", "${MAKE}"})  # as a recipe line holds them: set nowhere in the file
_MAKE_PROGRAMS = frozenset({"make", "gmake"})
_ASSIGNMENT = lazy(r"^[A-Za-z_]\w*=")  # `SPHINXOPTS=-W make html`
MAX_SUB_MAKES = 8  # makes a recipe runs within one another that doctor follows, at most


@record
class Step:
    """One simple command of a recipe line: its text, its tool, the folder it runs in."""

    text: str
    tool: str
    cwd: Path


@record
class RecipeLine:
    """One recipe line of a target make would run: where it is, its commands, and where it belongs
    (`home`: the service; None with `here` True: this machine; None with `here` False: anywhere)."""

    target: str
    line: int
    text: str  # as make hands it to the shell: variables expanded, no leading `@`, `-`, `+`
    commands: tuple[Step, ...]
    home: ServiceHome | None
    here: bool
    # a service some command of a line that cannot run there whole belongs in (`python -m manage check
    # && git status`): the line is advice
    partly: str | None = None


@record
class MakePlan:
    """What `make ARGS` runs, in order (`make NAME=value`'s values in its lines); `makefile` the file
    read, `unsupported` an option doctor does not follow (`-j`, `-n`): the plan is then advice only."""

    makefile: Path
    lines: tuple[RecipeLine, ...]
    unsupported: str | None = None

    @property
    def services(self) -> list[str]:
        """The services the plan's lines belong in, in order."""
        named = (line.home.service if line.home is not None else line.partly for line in self.lines)
        return list(dict.fromkeys(name for name in named if name))

    @property
    def one_service(self) -> ServiceHome | None:
        """The service every line that belongs somewhere belongs in, when there is exactly one and no
        line belongs here."""
        homes = [line.home for line in self.lines if line.home is not None]
        if not homes or any(line.here for line in self.lines) or len(self.services) != 1:
            return None
        return homes[0]


def make_plan(project: Project, homes: Sequence[ServiceHome], arguments: Sequence[str], cwd: Path) -> MakePlan | None:
    """The plan of `make *arguments` run in `cwd`; None when no Makefile is found there or the goal
    is not a target of it."""
    goal = _goal_rules(arguments, cwd)
    if goal is None:
        return None
    path, rules, order, unsupported, _directory = goal
    from doctor.project.command_roles import sets_up_host
    from doctor.project.tasks import split_command

    lines: list[RecipeLine] = []
    for target in order:
        steps = [(number, text, tuple(Step(*found) for found in split_command(text, path.parent)))
                 for number, text in rules[target][1]]
        # data-hub-api's `python3 -m venv env`, then `pre-commit install` from it: the whole recipe sets
        # up this machine, which a container would do in the wrong place
        setup = any(sets_up_host(s.tool, s.text.split()[1:]) for _, _, own in steps for s in own)
        for number, text, own in steps:
            lines.append(RecipeLine(target, number, text, own, None, True) if setup
                         else _placed(target, number, text, own, homes, project))
    return MakePlan(path, tuple(lines), unsupported)


def goal_recipes(arguments: Sequence[str], cwd: Path) -> list[tuple[str, Path]] | None:
    """The recipe lines (variables expanded) `make *arguments` run in `cwd` runs, each with the folder
    it runs in, each goal's prerequisites first; a goal no rule names is made by a match-anything rule
    where the Makefile has one (the Sphinx Makefile's `%: Makefile`, which `make html` runs). A line
    that runs make again (`$(MAKE) livehtml`, `${MAKE} -C docs html`, `cd docs && make html`) is
    followed by the lines that make runs, with the command line's `NAME=value`s make passes on: each
    such make once, at most MAX_SUB_MAKES within one another. None when no Makefile is found in `cwd`
    or a goal is made by no rule."""
    return _recipes(list(arguments), cwd, {(cwd, tuple(arguments))}, 0)


def _recipes(arguments: list[str], cwd: Path, followed: set[tuple[Path, tuple[str, ...]]],
             depth: int) -> list[tuple[str, Path]] | None:
    goal = _goal_rules(arguments, cwd, anything=True)
    if goal is None:
        return None
    _path, rules, order, _unsupported, directory = goal
    # make hands its command line's variables to the makes its recipes run (through MAKEFLAGS)
    overrides = [word for word in arguments if not word.startswith("-") and "=" in word]
    found: list[tuple[str, Path]] = []
    for target in order:
        for _number, text in rules[target][1]:
            found.append((text, directory))
            for words, where in _sub_makes(text, directory) if depth < MAX_SUB_MAKES else ():
                again = [*overrides, *words]
                if (where, tuple(again)) not in followed:  # a cycle (`a` runs `$(MAKE) b`, `b` runs `a`) ends
                    followed.add((where, tuple(again)))
                    found += _recipes(again, where, followed, depth + 1) or ()
    return found


def _sub_makes(text: str, cwd: Path) -> Iterator[tuple[list[str], Path]]:
    """The arguments of each command of a recipe line that runs make (`$(MAKE)`, which make sets to
    itself, `${MAKE}`, `make`), with the folder it runs in (after the line's `cd DIR`)."""
    from doctor.project.shellwords import WRAPPERS, simple_commands

    for words in simple_commands(text):
        while words and (words[0] in WRAPPERS or _ASSIGNMENT.match(words[0])):
            words = words[1:]  # `exec make x`, `SPHINXOPTS=-W make html`
        if words[:1] == ["cd"] and len(words) > 1 and "$" not in words[1]:
            cwd = Path(os.path.normpath(cwd / words[1]))
        elif words and (words[0] in _MAKE_VARIABLES or posixpath.basename(words[0]) in _MAKE_PROGRAMS):
            yield words[1:], cwd


def _goal_rules(arguments: Sequence[str], cwd: Path, anything: bool = False) -> tuple[
        Path, dict[str, tuple[list[str], list[tuple[int, str]]]], list[str], str | None, Path] | None:
    """The Makefile `make *arguments` reads in `cwd`, its rules, the targets it makes in order, the
    first option doctor does not follow and the folder make runs in (`-C`); None when there is no
    Makefile or a goal is made by no rule (`anything`: nor by a match-anything rule `%:`, which then
    makes it)."""
    from doctor.project.tasks import MAKEFILES

    directory, named, goals, unsupported = cwd, None, [], None
    overrides: dict[str, str] = {}
    at = 0
    while at < len(arguments):
        word = arguments[at]
        value = arguments[at + 1] if at + 1 < len(arguments) else ""
        if word in ("-C", "--directory"):
            directory, at = (directory / value).resolve(), at + 2
            continue
        if word in ("-f", "--file", "--makefile"):
            named, at = value, at + 2
            continue
        if not word.startswith("-") and "=" in word:  # `make test APP_LIST=blog`
            name, _, overrides[name] = word.partition("=")
            at += 1
            continue
        if word.startswith("-"):
            unsupported = unsupported or word if word not in _HARMLESS_OPTIONS else unsupported
            at += 2 if word in _OPTIONS_WITH_VALUE else 1
            continue
        goals.append(word)
        at += 1
    path = directory / named if named else next((directory / n for n in MAKEFILES if (directory / n).is_file()), None)
    if path is None or not path.is_file():
        return None
    rules, default = _rules(path, overrides, goals)
    order: list[str] = []
    # make's default goal: `.DEFAULT_GOAL` where set (`.DEFAULT_GOAL := help` above a first `test:`),
    # else the first target that is neither special (`.PHONY`) nor a pattern (`%.o: %.c`)
    first = [t for t in rules if not t.startswith(".") and "%" not in t][:1]
    for goal in goals or ([default] if default else first):
        if goal not in rules and anything and "%" in rules:
            order.append("%")
            continue
        if goal not in rules:
            return None
        _walk(goal, rules, order, set())
    return path, rules, order, unsupported, directory


def _placed(target: str, number: int, text: str, commands: tuple[Step, ...], homes: Sequence[ServiceHome],
            project: Project) -> RecipeLine:
    from doctor.project.tasks import SHELL_WORDS
    from doctor.project.toolchains import runtime_home

    if not commands:  # `echo ...`, `@:`; anything else doctor did not read (`./manage.py`) runs here
        words = text.strip().lstrip("@-+").split()
        return RecipeLine(target, number, text, (), None, bool(words) and words[0] not in SHELL_WORDS)
    # a program of Ruby, Elixir, Go or Java this machine cannot run: the service on its runtime (`bundle exec
    # rails test` in 'web'), as preflight advises
    placed = [belongs_in(c.tool, c.text.split()[1:], c.cwd, homes, project.root, services=project.services)
              or runtime_home(project, c.tool, c.cwd) for c in commands]
    first = placed[0]
    if first is not None and {home.service if home is not None else None for home in placed} == {first.service}:
        return RecipeLine(target, number, text, commands, first, False)
    partly = next((home.service for home in placed if home is not None), None)
    return RecipeLine(target, number, text, commands, None, True, partly)


def _walk(target: str, rules: dict[str, tuple[list[str], list[tuple[int, str]]]], order: list[str],
          seen: set[str]) -> None:
    if target in seen or target in order:
        return
    seen.add(target)
    for prerequisite in rules[target][0]:
        if prerequisite in rules:
            _walk(prerequisite, rules, order, seen)
    order.append(target)


def _rules(path: Path, overrides: dict[str, str],
           goals: Sequence[str] = ()) -> tuple[dict[str, tuple[list[str], list[tuple[int, str]]]], str]:
    """Each target of the Makefile: its prerequisites (variables expanded, order-only ones too) and
    its recipe lines (number, text), with `make NAME=value`'s values and `make GOAL...`'s goals (none:
    the default goal's); and `.DEFAULT_GOAL` ("" unset)."""
    from doctor.project.makevars import MakeVariables, logical_lines
    from doctor.project.reading import read_regular_text

    lines = text_lines(read_regular_text(path) or "")
    variables = MakeVariables.read(lines, overrides, goals)
    rules: dict[str, tuple[list[str], list[tuple[int, str]]]] = {}
    current: list[str] = []
    for number, line in logical_lines(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line.startswith("\t"):
            for target in current:
                rules[target][1].append((number, variables.expand(line.strip().lstrip("@-+ "), target)))
            continue
        rule = _RULE.match(line)
        if rule is None:
            current = [] if "=" in line else current
            continue
        names = variables.expand(rule.group(1)).split()
        rest = rule.group(2).split("#", 1)[0]
        body = rest.split(";", 1)
        prerequisites = variables.expand(body[0].replace("|", " ")).split()
        if "=" in body[0] and len(body) == 1:  # `target: VAR = value`, a target-specific variable
            current = []
            continue
        current = names
        for name in names:
            known = rules.setdefault(name, ([], []))
            known[0].extend(p for p in prerequisites if p not in known[0])
            if len(body) > 1 and body[1].strip():
                known[1].append((number, variables.expand(body[1].strip(), name)))
    default = variables.expand("$(.DEFAULT_GOAL)").strip()
    return rules, "" if default.startswith("$(") else default
