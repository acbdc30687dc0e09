"""The project's recipes and package.json scripts host-vs-container leaves on the host: those that set
up the host (a virtualenv, git hooks, git config), npm's install hooks and the `preX`/`postX` scripts npm
runs around another, and those that publish a release."""

from __future__ import annotations

from pathlib import Path

from doctor.model import Check, Finding, Fix, Safety
from doctor.project import Project
from doctor.project.command_home import runner_started
from doctor.project.manifests import Language
from doctor.project.tasks import Command, CommandKind

from .command_line import command_words

# npm's install lifecycle scripts: `npm install` (or yarn, pnpm) runs them, on the machine that installs
INSTALL_HOOKS = frozenset({"preinstall", "install", "postinstall"})
# the task files whose recipes run their lines in turn, on one machine
RECIPES = frozenset({CommandKind.MAKE, CommandKind.JUST, CommandKind.TASK})
# a package.json script sets up the host too: node-express-boilerplate's `"prepare": "husky install"`
SETUP_KINDS = RECIPES | {CommandKind.NPM}


def host_setups(commands: tuple[Command, ...]) -> dict[tuple[Path, str], str]:
    """The recipes (file, name) one of whose lines sets up the host (command_roles.sets_up_host: creates
    or activates a virtualenv, installs git hooks, sets git config), each with what its first such line
    does: the rest of the recipe runs there too (data-hub-api's `pre-commit` comes from the venv the
    recipe's `python3 -m venv env` creates)."""
    from doctor.project.command_roles import sets_up_host

    found: dict[tuple[Path, str], str] = {}
    for command in commands:
        if command.kind not in SETUP_KINDS or command.implied or (command.location.path, command.name) in found:
            continue
        words = runner_started(command_words(command.text))
        setup = sets_up_host(words[0], words[1:]) if words else None
        if setup is not None:
            found[command.location.path, command.name] = setup
    return found


def after_host_install(commands: tuple[Command, ...]) -> dict[int, set[Language]]:
    """For each of a recipe's commands that runs after one of its lines installed packages on the host in the same
    folder (command_roles.installs_own_packages: `pip install -r`, `npm ci`, a bare `yarn`; not `pip install
    --upgrade pip` nor `npm i -g pnpm`), its position in `commands` and the languages installed:
    suitenumerique/people's `install-front-desk`, `cd $(PATH_FRONT_DESK) && yarn && yarn playwright install
    chromium`, whose bare `yarn` fills the host's node_modules, which the `yarn playwright` after it runs from. A
    command of that language is the host's: in a service the install would be missing (it is the host's setup,
    never advised) and the command would run from another one."""
    from doctor.project.command_roles import installs_own_packages

    installed: dict[tuple[Path, str], set[tuple[Path, Language]]] = {}  # recipe -> (folder, language)
    found: dict[int, set[Language]] = {}
    for at, command in enumerate(commands):
        if command.kind not in RECIPES or command.implied:
            continue
        recipe = (command.location.path, command.name)
        done = {language for folder, language in installed.get(recipe, ()) if folder == command.cwd}
        if done:
            found[at] = done
        words = runner_started(command_words(command.text))
        if words and installs_own_packages(words[0], words[1:]):
            name = words[0].rsplit("/", 1)[-1]
            language = Language.NODE if name in ("npm", "yarn", "pnpm", "bun") else Language.PYTHON
            installed.setdefault(recipe, set()).add((command.cwd, language))
    return found


def npm_hooks(commands: tuple[Command, ...]) -> dict[tuple[Path, str], tuple[str, int]]:
    """The package.json scripts npm runs itself around another (`preX`, `postX` beside `X`: nestjs-boilerplate's
    `postmigration:generate`), (file, name) -> (the main script's name, the hook's line): part of what
    `npm run X` runs, advised with it or not at all."""
    scripts: dict[Path, dict[str, int]] = {}
    for command in commands:
        if command.kind is CommandKind.NPM and command.name and not command.implied:
            scripts.setdefault(command.location.path, {}).setdefault(command.name, command.location.line or 0)
    found: dict[tuple[Path, str], tuple[str, int]] = {}
    for path, names in scripts.items():
        for name, line in names.items():
            main = name[3:] if name.startswith("pre") else name[4:] if name.startswith("post") else ""
            if main and main in names:
                found[path, name] = (main, line)
    return found


def publishing(commands: tuple[Command, ...]) -> set[tuple[Path, str]]:
    """The package.json scripts (file, name) one of whose commands publishes a release (command_roles.publishes:
    release-it, semantic-release, `npm publish`): they need the host's git and credentials."""
    from doctor.project.command_roles import publishes

    found: set[tuple[Path, str]] = set()
    for command in commands:
        if command.kind is CommandKind.NPM and command.name and not command.implied:
            words = runner_started(command_words(command.text))
            if words and publishes(words[0], words[1:]):
                found.add((command.location.path, command.name))
    return found


def unstartable_setup(check: Check, project: Project, command: Command, unusable: tuple[str, str],
                      setup: str) -> Finding:
    """A recipe setting up the host (a virtualenv, git hooks) whose Python the pyenv pin cannot start:
    the fix is the pinned version, on the host; in a container the recipe would set up the wrong place
    (a root-owned ./env through the bind mount, hooks running the container's Python)."""
    version, pinned_by = unusable
    where = project.shown(Path(pinned_by)) if Path(pinned_by).is_absolute() else pinned_by
    message = (f"{command.tool!r} ({command.origin}) cannot start on the host (pyenv version {version!r}, set "
               f"by {where}, is not installed); the recipe {setup}: it sets up the host, not a container")
    fix = Fix(f"install the pinned Python {version} on the host", Safety.ADVICE,
              command=("pyenv", "install", version))
    return check.finding(message, command.location, f"host:{command.origin}", fix)
