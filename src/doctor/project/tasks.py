"""The commands a project runs and the tools they need, read from its files.

Sources: Makefile recipes, justfile recipes, Taskfile `cmds`, package.json scripts,
`.pre-commit-config.yaml` hooks with `language: system`, pyproject `[tool.*]` sections of
command-line tools, and compose itself (which needs `docker`). Each command keeps the file and
line it came from, the directory it runs in (after a leading `cd DIR &&`) and its first word,
the tool looked up on PATH.
"""

from __future__ import annotations

import enum
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, record
from doctor.project import is_file
from doctor.project.reading import parse_json, read_regular_text
from doctor.project.shellwords import SHELL_WORDS, WRAPPERS, split_command, split_pipelines, sudo_programs
from doctor.regular import text_lines

__all__ = ["MAKEFILES", "SHELL_WORDS", "WRAPPERS", "Command", "CommandKind", "read_commands", "split_command",
           "task_commands"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
JUSTFILES = ("justfile", "Justfile", ".justfile", "JUSTFILE")
TASKFILES = ("Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml",
             "taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml")
# pyproject sections that configure a command-line tool, and that tool's executable
PYPROJECT_TOOLS = {
    "ruff": "ruff", "mypy": "mypy", "black": "black", "isort": "isort", "pytest": "pytest",
    "poetry": "poetry", "uv": "uv", "pdm": "pdm", "hatch": "hatch", "pylint": "pylint",
    "coverage": "coverage", "tox": "tox", "pyright": "pyright", "bandit": "bandit",
    "codespell": "codespell", "commitizen": "cz", "towncrier": "towncrier", "nox": "nox",
    "pre-commit": "pre-commit", "maturin": "maturin", "pydocstyle": "pydocstyle",
}
RULE = lazy(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)")
# a just recipe header at column 0: `name params: deps` (never `x := 1`, `set ...`, `alias a := b`)
_JUST_RECIPE = lazy(r"^@?([A-Za-z_][A-Za-z0-9_-]*)(?:\s[^:]*)?:(?!=)")
_JUST_INTERPOLATION = lazy(r"\{\{.*?\}\}")
SKIP_DIRS = frozenset(("node_modules", "vendor", "dist", "build", "target", "venv"))


class CommandKind(enum.Enum):
    """Which file a command was read from."""

    MAKE = "make"
    JUST = "just"
    TASK = "task"
    NPM = "npm"
    PRE_COMMIT = "pre-commit"
    PYPROJECT = "pyproject"
    COMPOSE = "compose"
    CONFIG = "config"


@record
class Command:
    """One command the project runs: its text, its tool (first word), where it is written.

    `origin` names it for a message (`make target 'test'`, `npm script 'lint'`), `name` is that
    target's, recipe's, task's or script's own name; `cwd` is the directory it runs in; `local`
    is True when the package manager provides the tool itself (an npm script's `jest` comes from
    node_modules/.bin, not from PATH) or the project does (`./manage.py`, run by its path);
    `implied` marks a tool the file needs without spelling out a command (package.json needs npm,
    compose needs docker); `pipeline` is the whole pipeline a recipe's command is a stage of, or its
    own text where `xargs` runs it (`psql ... | xargs python update.py`: its input decides what it
    runs on), "" for a command that stands alone.
    """

    text: str
    tool: str
    kind: CommandKind
    location: Location
    origin: str
    cwd: Path
    local: bool = False
    implied: bool = False
    name: str = ""
    pipeline: str = ""
    sudo: str = ""  # run through `sudo` by its name, as this user: looked up on sudo's secure_path, not PATH
    assigned: tuple[str, ...] = ()  # the assignments before its tool, as written (`GOOS=darwin`, `PYTHONPATH=src`)
    written: str = ""  # the command as its line writes it (its quotes, redirections, `&`): what `sh -c` runs


def read_commands(root: Path, compose_files: Sequence[Path] = ()) -> tuple[Command, ...]:
    """Every command of the project at `root` and of its first-level folders (frontend/, backend/)."""
    found: list[Command] = []
    for directory in (root, *subdirectories(root)):
        found += task_commands(directory)
    found += _pre_commit(root / ".pre-commit-config.yaml")
    found += _pyproject(root / "pyproject.toml")
    if compose_files:
        found.append(Command("docker compose", "docker", CommandKind.COMPOSE, Location(compose_files[0], 1),
                             f"compose file {compose_files[0].name!r}", root, implied=True))
    return tuple(found)


def task_commands(directory: Path) -> list[Command]:
    """The commands of one folder's task files: Makefile, justfile, Taskfile, package.json scripts."""
    found: list[Command] = []
    for names, reader in ((MAKEFILES, _makefile), (JUSTFILES, _justfile), (TASKFILES, _taskfile)):
        name = next((n for n in names if is_file(directory / n)), None)
        if name is not None:
            found += reader(directory / name)
    return found + _package_json(directory / "package.json")


def subdirectories(root: Path) -> list[Path]:
    """The first-level folders whose task files count (not dot, dependency or build folders)."""
    try:
        return sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                      and not p.name.startswith(".") and p.name not in SKIP_DIRS)
    except OSError:
        return []


def _read(path: Path) -> str | None:
    return read_regular_text(path)


def _makefile(path: Path) -> list[Command]:
    text = _read(path)
    if text is None:
        return []
    from doctor.project.makevars import MakeVariables, logical_lines

    commands: list[Command] = []
    target = ""
    lines = text_lines(text)
    variables = MakeVariables.read(lines)
    for number, line in logical_lines(lines):
        stripped = line.strip()
        if line.startswith("\t") and target:
            recipe = variables.expand(stripped.lstrip("@-+ "), target)
            sudo = sudo_programs(recipe)
            for segment, tool, cwd, pipeline, assigned, written in split_pipelines(recipe, path.parent):
                commands.append(Command(segment, tool, CommandKind.MAKE, Location(path, number),
                                        f"make target {target!r}", cwd, "/" in tool, name=target, pipeline=pipeline,
                                        sudo=sudo.get(tool, ""), assigned=assigned, written=written))
            continue
        rule = RULE.match(line)
        if rule and not line.startswith("\t"):
            target = rule.group(1).split()[0]
    return commands


def _justfile(path: Path) -> list[Command]:
    """The recipe lines of a justfile (read, never run): a shebang recipe's body is another
    language's script and is skipped; `{{...}}` stands for a value just fills in."""
    text = _read(path)
    if text is None:
        return []
    commands = [Command("just", "just", CommandKind.JUST, Location(path, 1), path.name, path.parent, implied=True)]
    recipe, shebang, script, lines = "", False, False, text_lines(text)
    index = 0
    while index < len(lines):
        line, number = lines[index], index + 1
        index += 1
        if not line.strip():
            continue
        if not line[0].isspace():
            if line.startswith("[script"):  # `[script("python3")]`: the next recipe's body is not shell
                script = True
                continue
            header = _JUST_RECIPE.match(line)
            recipe, shebang = (header.group(1), script) if header else ("", False)
            script = script and not header
            if header and index < len(lines) and lines[index].strip().startswith("#!"):
                shebang = True
            continue
        while line.endswith("\\") and index < len(lines):
            line = line[:-1] + " " + lines[index].strip()
            index += 1
        body = line.strip().lstrip("@-").lstrip("@- ")
        if not recipe or shebang or body.startswith("#"):
            continue
        line = _JUST_INTERPOLATION.sub("$just", body)
        sudo = sudo_programs(line)
        for segment, tool, cwd, pipeline, assigned, written in split_pipelines(line, path.parent):
            commands.append(Command(segment, tool, CommandKind.JUST, Location(path, number),
                                    f"just recipe {recipe!r}", cwd, "/" in tool, name=recipe, pipeline=pipeline,
                                    sudo=sudo.get(tool, ""), assigned=assigned, written=written))
    return commands


def _yaml_root(path: Path) -> tuple[Any] | None:
    """(the root node of the file's YAML document,) (None inside for an empty one); None when the
    file cannot be read or is no YAML."""
    text = _read(path)
    if text is None:
        return None
    from doctor.project.yamlimport import yaml

    try:
        return (yaml.compose(text, Loader=yaml.SafeLoader),)
    except yaml.YAMLError:
        return None


def _taskfile(path: Path) -> list[Command]:
    """The `cmds` of each task of a Taskfile (go-task): strings, or `cmd:` entries."""
    root = _yaml_root(path)
    if root is None:
        return []
    (node,) = root
    from doctor.project.yamlimport import yaml  # here: a project without the file needs no PyYAML

    commands = [Command("task", "task", CommandKind.TASK, Location(path, 1), path.name, path.parent, implied=True)]
    tasks = _mapping(node).get("tasks")
    for name, task in _mapping(tasks).items() if tasks is not None else ():
        cmds = _mapping(task).get("cmds") if isinstance(task, yaml.MappingNode) else task
        folder = _task_dir(path.parent, _mapping(task).get("dir"))
        entries = cmds.value if isinstance(cmds, yaml.SequenceNode) else [cmds] if cmds is not None else []
        for entry in entries:
            scalar = _mapping(entry).get("cmd") if isinstance(entry, yaml.MappingNode) else entry
            if not isinstance(scalar, yaml.ScalarNode) or not isinstance(scalar.value, str):
                continue
            block = scalar.style in ("|", ">")
            for offset, line in enumerate(scalar.value.splitlines()):
                number = scalar.start_mark.line + 1 + (offset + 1 if block else 0)
                sudo = sudo_programs(_task_text(line))
                for segment, tool, cwd, pipeline, assigned, written in split_pipelines(_task_text(line), folder):
                    commands.append(Command(segment, tool, CommandKind.TASK, Location(path, number),
                                            f"task {name!r}", cwd, "/" in tool, name=name, pipeline=pipeline,
                                            sudo=sudo.get(tool, ""), assigned=assigned, written=written))
    return commands


# go-task's `{{.CLI_ARGS}}`: the words after `task NAME --`, none when the task is run by its name
_CLI_ARGS = lazy(r"(?P<quote>[\"']?)\{\{-?\s*\.CLI_ARGS\s*-?\}\}(?P=quote)")


def _task_text(line: str) -> str:
    """A Taskfile command as `task NAME` runs it: `{{.CLI_ARGS}}` is empty (`pytest {{.CLI_ARGS}}`
    runs `pytest`, `-m "{{.CLI_ARGS}}"` passes ''); any other template stands as `$task`."""
    line = _CLI_ARGS.sub(lambda m: "''" if m.group("quote") else "", line)
    return _JUST_INTERPOLATION.sub("$task", line)


def _task_dir(base: Path, node: object) -> Path:
    """A task's `dir:` (relative to the Taskfile's folder), else that folder; a templated one
    (`{{.USER_WORKING_DIR}}`) is not known here: the Taskfile's folder stands for it."""
    from doctor.project.yamlimport import yaml

    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value and "{{" not in node.value:
        return Path(os.path.normpath(base / node.value))
    return base


def _mapping(node: object) -> dict[str, Any]:
    """A YAML mapping node's values by their string keys (nothing for any other node)."""
    from doctor.project.yamlimport import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode) and isinstance(k.value, str)}


def _package_json(path: Path) -> list[Command]:
    text = _read(path)
    if text is None:
        return []
    try:
        data = parse_json(text)
    except ValueError:  # invalid, or nested too deep to parse
        return []
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return []
    provided = set()
    for key in ("dependencies", "devDependencies"):
        deps = data.get(key)
        # `@types/node` is TypeScript's declarations, no `node` in node_modules/.bin: the script's node is PATH's
        provided |= {name.rsplit("/", 1)[-1] for name in deps if not name.startswith("@types/")} \
            if isinstance(deps, dict) else set()
    bins = path.parent / "node_modules" / ".bin"
    manager = _package_manager(path.parent, data)
    # where the file names its manager (`"packageManager": "pnpm@10.33.4"`, hoppscotch's), else its top
    declared = text.find('"packageManager"') if isinstance(data.get("packageManager"), str) else -1
    where, origin = (Location(path, text.count("\n", 0, declared) + 1), "package.json 'packageManager'") \
        if declared >= 0 else (Location(path, 1), "package.json")
    commands = [Command(manager, manager, CommandKind.NPM, where, origin, path.parent, implied=True)]
    start = text.find('"scripts"')
    for name, value in scripts.items():
        if not isinstance(value, str):
            continue
        at = text.find(json.dumps(name), start)
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        for segment, tool, cwd in split_command(value, path.parent):
            local = (tool in provided or "/" in tool or (bins / tool).exists()
                     or tool in ("tsc", "ng", "vue-cli-service"))
            commands.append(Command(segment, tool, CommandKind.NPM, Location(path, line),
                                    f"npm script {name!r}", cwd, local, name=name))
    return commands


def _package_manager(directory: Path, data: dict[str, object]) -> str:
    declared = data.get("packageManager")
    if isinstance(declared, str) and declared:
        return declared.split("@", 1)[0]
    for lockfile, manager in (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lockb", "bun")):
        if (directory / lockfile).is_file():
            return manager
    return "npm"


def _pre_commit(path: Path) -> list[Command]:
    root = _yaml_root(path)
    if root is None:
        return []
    (node,) = root
    from doctor.project.yamlimport import yaml  # here: a project without the file needs no PyYAML

    commands = [Command("pre-commit", "pre-commit", CommandKind.PRE_COMMIT, Location(path, 1),
                        ".pre-commit-config.yaml", path.parent, implied=True)]
    for hook in _hooks(node):
        values = {k.value: v for k, v in hook.value if isinstance(v, yaml.ScalarNode)}
        if "language" not in values or values["language"].value != "system" or "entry" not in values:
            continue
        entry = values["entry"]
        hook_id = values["id"].value if "id" in values else "?"
        for segment, tool, cwd in split_command(entry.value, path.parent):
            where = Location(path, entry.start_mark.line + 1)
            origin = f"pre-commit hook {hook_id!r}"
            commands.append(Command(segment, tool, CommandKind.PRE_COMMIT, where, origin, cwd, "/" in tool))
            break  # the entry is one program plus arguments
    return commands


def _hooks(node: object) -> Iterator[Any]:
    from doctor.project.yamlimport import yaml

    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        if key.value == "repos" and isinstance(value, yaml.SequenceNode):
            for repo in value.value:
                if not isinstance(repo, yaml.MappingNode):
                    continue
                for rkey, hooks in repo.value:
                    if rkey.value == "hooks" and isinstance(hooks, yaml.SequenceNode):
                        yield from (h for h in hooks.value if isinstance(h, yaml.MappingNode))


def _pyproject(path: Path) -> list[Command]:
    if not path.is_file():
        return []
    from doctor.project.memo import remember

    return remember("pyproject", (path,), "tool-commands", lambda: _tool_commands(path))


def _tool_commands(path: Path) -> list[Command]:
    text = _read(path)
    if text is None or sys.version_info < (3, 11):
        return []
    from doctor import lean_toml as tomllib

    try:
        tools = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return []
    commands = []
    for section in tools if isinstance(tools, dict) else ():
        executable = PYPROJECT_TOOLS.get(section)
        if executable is None:
            continue
        found = re.search(rf"^\[tool\.{re.escape(section)}[\].]", text, re.M)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        commands.append(Command(executable, executable, CommandKind.PYPROJECT, Location(path, line),
                                f"[tool.{section}]", path.parent, implied=True))
    return commands

