"""The project's own wrappers of compose that name its files, and so never read an override.

`docker compose` reads `compose.override.yaml` (`docker-compose.override.yml`) beside the compose
file only when no `-f` and no COMPOSE_FILE names the files. A project whose Makefile or scripts run
compose with `-f docker-compose.yml` (openfun/joanie's bin/_config.sh: `-f "${COMPOSE_FILE}"`, with
`COMPOSE_FILE="${REPO_DIR}/docker-compose.yml"`) runs without the override a fix writes: `doctor fix`
says so, with the line to change (doctor.fixer).

Read, never run: the Makefile and the shell scripts at the project's top and in bin/, script/,
scripts/, tools/ and docker/ (a `*.sh`, or a file starting with a `#!` naming a shell), each up to
64 KiB, and the scripts of its package.json (unsend's `pnpm dx:up`, `docker compose -f
docker/dev/compose.yml up -d`). A command continued with `\\` is one line (one run over `ssh` is another machine's: left
out; a literal `cd DIR` before compose on the same line, or in the same package.json script, puts the names
in DIR); `${VAR}`, `$VAR` and
`$(VAR)` in a file name are what the same file assigns to VAR (a name
built any other way counts as a file of unknown name, which may be the override: no note).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_file, read_text
from doctor.project.tasks import MAKEFILES
from doctor.project.wrapper_scripts import COMPOSE, LIMIT, candidates
from doctor.regular import text_lines

_WORD = lazy(r"""(?:"[^"]*"|'[^']*'|[^\s"';|&)]+)+""")
_ASSIGN = lazy(r"""^\s*(?:export\s+|readonly\s+|local\s+|override\s+)?([A-Za-z_]\w*)\s*[:?]?=\s*"""
                     r"""("[^"]*"|'[^']*'|\S*)""")
_EXPORTED = lazy(r"^\s*export\s+COMPOSE_FILE\s*[:?]?=")
_REFERENCE = lazy(r"\$\{([A-Za-z_]\w*)(?::?[-=?+][^}]*)?\}|\$\(([A-Za-z_]\w*)\)|\$([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Wrapper:
    """A line of the project's that runs compose on named files (`names`: their file names)."""

    path: Path
    line: int
    names: tuple[str, ...]
    folder: str = ""  # where the line runs compose from its file's folder (`cd docker/dev && ...`): "" there


def wrappers(root: Path) -> list[Wrapper]:
    """Every place under `root` (see the module) that runs compose with -f, or exports COMPOSE_FILE, with
    the file names it gives; a name this cannot know (a variable the file does not assign) is ""."""
    found: list[Wrapper] = []
    for path in candidates(root):
        try:
            text = read_text(path, LIMIT)
        except (OSError, ValueError):
            continue
        found.extend(_in_text(path, text, makefile=path.name in MAKEFILES))
    return found + _package_scripts(root / "package.json")


# where one command of an npm script ends: the next runs on its own (`pnpm i && docker compose -f x up -d`)
_COMMAND_END = lazy(r"&&|\|\||[;|&]")


def _package_scripts(path: Path) -> list[Wrapper]:
    """The scripts of a package.json that run compose with -f, each at its line: a Node monorepo's
    `"dx:up": "docker compose -f docker/dev/compose.yml up -d"` (unsend's, run from the package.json's folder as
    npm, pnpm and yarn run a script)."""
    import json

    from doctor.project.reading import parse_json

    if not is_file(path):
        return []
    try:
        text = read_text(path, LIMIT)
        data = parse_json(text)
    except (OSError, ValueError):
        return []
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return []
    start = text.find('"scripts"')
    found = []
    for name, value in scripts.items():
        if not isinstance(value, str) or COMPOSE.search(value) is None or re.search(r"\bssh\s", value):
            continue
        at = text.find(json.dumps(name), start)
        number = text.count("\n", 0, at) + 1 if at >= 0 else 1
        for command in COMPOSE.finditer(value):
            rest = _COMMAND_END.split(value[command.end():], 1)[0]
            folder = _cd_folder(value[:command.start()])
            given = [_in_folder(_expand(word, {}), folder) for word in _files(rest)]
            if given:
                found.append(Wrapper(path, number, tuple(given), folder or ""))
    return found


# a command that only changes the folder the next ones run in: `cd docker/dev` (a literal path)
_CD = lazy(r"""^\s*[@+-]*\(?\s*(cd|pushd|popd)(?:\s+("[^"$`]*"|'[^']*'|[^\s"'$`;&|()]+))?\s*$""")
# a subshell's group, `(cd frontend && npm ci)`, and a command substitution, `$(dirname "$0")`, innermost first
_GROUP = lazy(r"(\$?)\(([^()]*)\)")
# a redirection of a command's output (`pushd docker/dev > /dev/null`, `2>&1`): no word of the command
_REDIRECT = lazy(r"\d*>>?\s*(?:&\d|[^\s;&|()]+)")


def _cd_folder(before: str) -> str | None:
    """The folder a line or script changes to before it runs compose (`before`: what it runs first): "DIR" for
    `cd DIR && docker compose ...` (or `cd DIR; ...`, several chained, `pushd DIR >/dev/null`), "" where it changes
    none, None where only the shell knows it (`cd "$(dirname "$0")"`, `cd ~`, a bare `cd`). `cd -` goes back to
    the folder before the last cd or pushd, `popd` to the one before the last pushd, as the shell's stacks do. A
    subshell closed before compose, `(cd frontend && npm ci) && docker compose ...`, changes nothing here."""
    while True:  # a substitution's text is unknown to this reading ($X); a closed subshell's cd stays in it
        shed = _GROUP.sub(lambda group: "$X" if group[1] else " ", before)
        if shed == before:
            break
        before = shed
    folders: list[str] = []
    previous: list[str] | None = None  # OLDPWD: where `cd -` goes
    pushed: list[list[str]] = []  # the directory stack: where each `popd` goes
    for command in _COMMAND_END.split(_REDIRECT.sub(" ", before)):
        if re.match(r"\s*[@+-]*\(?\s*(?:cd|pushd|popd)\b", command) is None:
            continue
        found = _CD.match(command)
        if found is None:
            return None
        verb, word = found[1], (found[2] or "").strip("\"'")
        if verb == "popd":
            if not pushed:
                return None
            previous, folders = folders, pushed.pop()
            continue
        if word == "-" and verb == "cd":
            if previous is None:
                return None
            previous, folders = folders, previous
            continue
        if not word or word.startswith(("~", "-", "+")):
            return None
        if verb == "pushd":
            pushed.append(list(folders))
        previous, folders = folders, [word] if os.path.isabs(word) else [*folders, word]
    return os.path.normpath(os.path.join(*folders)) if folders else ""


def _in_folder(name: str, folder: str | None) -> str:
    """A file name compose is given, from the folder where the line or script starts: what `cd DIR && docker
    compose -f compose.yml up` names is DIR/compose.yml; unknown ("") where the folder is (None)."""
    if folder is None:
        return ""
    return os.path.normpath(os.path.join(folder, name)) if name and folder and not os.path.isabs(name) else name


def _in_text(path: Path, text: str, makefile: bool) -> list[Wrapper]:
    from doctor.project.makevars import logical_lines

    lines = list(logical_lines(text_lines(text)))
    values: dict[str, str] = {}
    for _, line in lines:
        assigned = _ASSIGN.match(line)
        if assigned is not None:
            values.setdefault(assigned[1], assigned[2].strip("\"'"))
    found = []
    for number, line in lines:
        if line.lstrip().startswith("#"):
            continue
        if re.search(r"\bssh\s", line):
            continue  # compose on another machine, in its own folder
        assigned = _ASSIGN.match(line)
        if assigned is not None and assigned[1] == "COMPOSE_FILE":
            if makefile or _EXPORTED.match(line):
                # the files compose reads from its environment: exported by the script, or by make to its recipes
                files = _expand(assigned[2].strip("\"'"), values)
                found.append(Wrapper(path, number, tuple(p for p in re.split(r"[:,]", files) if p) or ("",)))
        elif (command := COMPOSE.search(line)) is not None:
            folder = _cd_folder(line[:command.start()])
            given = [_in_folder(_expand(word, values), folder) for word in _files(line[command.end():])]
            if given:
                found.append(Wrapper(path, number, tuple(given), folder or ""))
    return found


def _files(rest: str) -> list[str]:
    """The files compose's global options name in `rest`, the words after `docker compose` (up to its
    subcommand: what follows is its own, `logs -f`), read with compose's option table
    (doctor.project.compose_line)."""
    from doctor.project.compose_line import parse_compose

    words = [w.replace('"', "").replace("'", "") for w in _WORD.findall(rest.split(" #", 1)[0])]
    return [o.value for o in parse_compose(words).global_options
            if o.name == "--file" and o.value is not None and not o.late]


def _expand(value: str, values: dict[str, str], depth: int = 0) -> str:
    """`value` with the variables the file assigns put in; "" where one is not known (the name is unknown)."""
    unknown = False

    def put(found: re.Match[str]) -> str:
        nonlocal unknown
        name = found[1] or found[2] or found[3]
        if name not in values or depth > 3:
            unknown = True
            return ""
        return _expand(values[name], values, depth + 1)

    expanded = _REFERENCE.sub(put, value)
    return "" if unknown and not expanded.endswith((".yml", ".yaml")) else expanded


# the compose files compose finds in a folder, in its order of preference: the override goes with the first
_DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def override_left_out(root: Path, override: Path) -> list[Wrapper]:
    """The wrappers under `root`, and at the top of its git checkout, that name the compose file
    `override` overrides, and only it (joanie's `-f docker-compose.yml`; Leantime's top makefile
    `--file .dev/docker-compose.yaml`, for `.dev/docker-compose.override.yml`): the project's everyday
    stack, run without the override. One naming other files beside it (`-f docker-compose.yml -f
    docker-compose.prod.yml`) runs another stack on purpose. The override goes with the compose file
    compose finds beside it, whatever the extension or name family of either."""
    folder = override.parent
    base = next((folder / name for name in _DEFAULT_FILES if is_file(folder / name)),
                folder / override.name.replace(".override.", ".", 1))
    from doctor.project.gitrepo import find_repo

    repo = find_repo(root)
    tops = dict.fromkeys([root, *([repo.top] if repo is not None else [])])
    found: list[Wrapper] = []
    for top in tops:
        for wrapper in wrappers(top):
            if wrapper not in found and len(set(wrapper.names)) == 1 and _names(wrapper, wrapper.names[0], base,
                                                                                  top == root):
                found.append(wrapper)
    return found


def _names(wrapper: Wrapper, name: str, base: Path, beside: bool) -> bool:
    """Whether the file name a wrapper gives is `base`: in the project's own folder (`beside`) a name
    ending in base's (joanie's `${REPO_DIR}/docker-compose.yml`), from the checkout's top the same path
    from the wrapper's folder."""
    if not name:
        return False
    if beside:
        return os.path.basename(name) == base.name
    return os.path.normpath(os.path.join(wrapper.path.parent, name)) == os.path.normpath(base)
