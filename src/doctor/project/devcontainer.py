"""The dev containers (`devcontainer.json`) that start a compose project's files, as the Dev Container
CLI reads them, and the folders their lifecycle commands install into.

The CLI (VS Code's "Reopen in Container", `devcontainer up`) reads the configuration of the folder it
opens from `.devcontainer/devcontainer.json`, `.devcontainer.json` or `.devcontainer/<name>/devcontainer.json`:
JSON with comments and trailing commas. A compose-based one names the files it starts the stack with
(`dockerComposeFile`, one path or a list, relative to the configuration's folder, passed as -f), the
`service` it attaches to, and that container's `workspaceFolder` ("/" when unset), where it runs the
lifecycle commands as its `remoteUser`: `onCreateCommand`, `updateContentCommand` and `postCreateCommand`
once the container is created, `postStartCommand` at each start, `postAttachCommand` at each attach. Each
is a string (run by a shell), a list of words (run without one) or an object of such commands, run side by
side. Its compose project is COMPOSE_PROJECT_NAME, else `<folder>_devcontainer` for compose files in the
opened folder's `.devcontainer/`, else the first file's folder's name, never a `name:` of the files
(devcontainers/cli, src/spec-node/dockerCompose.ts, getProjectName).

doctor looks in the compose project's folder and in each folder above it up to the checkout's top (the
git work tree's; without one `archive_top`'s, or as far as it looks) and keeps the configurations naming
one of the project's compose files.
"""

from __future__ import annotations

import os
import posixpath
import shlex
from collections.abc import Mapping
from pathlib import Path

from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.gitrepo import GitRepo
    from doctor.project.recipe import Recipe
    from doctor.project.types import Service

# the lifecycle commands the CLI runs in the service's container (`initializeCommand` runs on the host)
LIFECYCLE_KEYS = ("onCreateCommand", "updateContentCommand", "postCreateCommand", "postStartCommand",
                  "postAttachCommand")
CONFIG_LIMIT = 1024 * 1024
_SHELL_SYNTAX = frozenset(";&|<>$`()*?[]{}~#\\\"'\n")  # a command with any of these is handed to `sh -c`


@record
class LifecycleCommand:
    """One command a dev container runs in its service's container: the key that names it and its
    words, `sh -c TEXT` for a string that needs a shell (run by one, as the CLI does)."""

    key: str
    words: tuple[str, ...]


@record
class DevContainer:
    """A compose-based devcontainer.json: the folder it is opened from (`top`), the compose files it
    passes as -f, its service, that container's workspace folder, user and lifecycle commands."""

    path: Path
    top: Path
    compose_files: tuple[Path, ...]
    service: str
    workspace: str
    user: str
    commands: tuple[LifecycleCommand, ...]

    def project_name(self, env: Mapping[str, str]) -> str:
        """The compose project the CLI starts it as: COMPOSE_PROJECT_NAME in its environment `env` or in
        the `.env` of the folder it opens, else a name made of the folders (getProjectName)."""
        from doctor.project.discover import normalize_project_name
        from doctor.project.reading import read_regular_text

        name = env.get("COMPOSE_PROJECT_NAME", "").strip()
        if not name:
            dotenv = read_regular_text(self.top / ".env") or ""
            name = next((line.split("=", 1)[1].strip() for line in dotenv.splitlines()
                         if line.startswith("COMPOSE_PROJECT_NAME=")), "")
        if not name:
            folder = self.compose_files[0].parent
            name = f"{self.top.name}_devcontainer" if folder == self.top / ".devcontainer" else folder.name
        return normalize_project_name(name)


@record
class DevInstall:
    """A folder of the service's container that a dev container's lifecycle command fills: the
    folder, the configuration, the command's key, and the command line that runs it again in the
    running container (`docker compose -f dev/containers/docker-compose.yml exec wiki yarn install`)."""

    path: str
    config: Path
    key: str
    rerun: str


def dev_containers(project: Project) -> tuple[DevContainer, ...]:
    """The compose-based dev containers that start one of the project's compose files, read once."""
    return project.once("dev-containers", lambda: _dev_containers(project))


def _dev_containers(project: Project) -> tuple[DevContainer, ...]:
    ours = {os.path.realpath(f) for f in project.compose.files}
    found = []
    for path in _config_files(project.root, project.repo()):
        config = read_config(path)
        if config is not None and any(os.path.realpath(f) in ours for f in config.compose_files):
            found.append(config)
    return tuple(found)


def _config_files(root: Path, repo: GitRepo | None) -> list[Path]:
    """The devcontainer.json files of `root` and of each folder above it, up to the top of `repo`,
    the checkout holding it (the project's own lookup, Project.repo)."""
    from doctor.project.gitrepo import archive_top

    top = repo.top if repo is not None else archive_top(root, farthest=True)
    root = root.resolve()
    folders = [root]
    if top is not None and root.is_relative_to(top.resolve()):
        folders += [f for f in root.parents if f.is_relative_to(top.resolve())]
    return [path for folder in folders for path in configs_in(folder)]


def configs_in(folder: Path) -> list[Path]:
    """The devcontainer configurations of one folder where containers.dev looks for them:
    `.devcontainer/devcontainer.json`, `.devcontainer.json`, and one folder deeper for several
    (`.devcontainer/python/devcontainer.json`)."""
    from doctor.project.reading import glob, is_dir, is_file

    found = [p for p in (folder / ".devcontainer" / "devcontainer.json", folder / ".devcontainer.json") if is_file(p)]
    if is_dir(folder / ".devcontainer"):
        found += [p for p in glob(folder / ".devcontainer", "*/devcontainer.json") if is_file(p)]
    return found


def read_config(path: Path) -> DevContainer | None:
    """The compose-based dev container `path` configures; None for one that names no compose file or
    service, or that cannot be read."""
    from doctor.project.reading import parse_json, read_regular_text

    text = read_regular_text(path, CONFIG_LIMIT)
    try:
        data = parse_json(without_comments(text)) if text is not None else None
    except ValueError:
        return None
    if not isinstance(data, Mapping):
        return None
    files = data.get("dockerComposeFile")
    names = [files] if isinstance(files, str) else files if isinstance(files, list) else []
    service = data.get("service")
    if not names or not all(isinstance(n, str) and n for n in names) or not isinstance(service, str):
        return None
    # the folder opened: the one holding `.devcontainer/` (also for `.devcontainer/<name>/`) or `.devcontainer.json`
    top = next((f.parent for f in (path.parent, path.parent.parent) if f.name == ".devcontainer"), path.parent)
    known = {"localWorkspaceFolder": str(top), "localWorkspaceFolderBasename": top.name}
    folder = data.get("workspaceFolder")
    workspace = _substituted(folder if isinstance(folder, str) and folder else "/", known)
    known["containerWorkspaceFolder"] = workspace
    commands = []
    for key in LIFECYCLE_KEYS:
        value = data.get(key)
        for one in value.values() if isinstance(value, Mapping) else [value]:
            words = _command_words(one, known)
            if words:
                commands.append(LifecycleCommand(key, words))
    user = data.get("remoteUser") or data.get("containerUser")
    user = user if isinstance(user, str) and "$" not in user else ""  # `${localEnv:USER}`: not known here
    return DevContainer(path, top, tuple(Path(os.path.normpath(path.parent / name)) for name in names), service,
                        workspace, user, tuple(commands))


def _command_words(value: object, known: dict[str, str]) -> tuple[str, ...]:
    """A lifecycle command's words: a list as written, a string as its words or, where it needs a
    shell, `sh -c TEXT`; () for anything else."""
    if isinstance(value, list) and value and all(isinstance(w, str) for w in value):
        return tuple(_substituted(w, known) for w in value)
    if not isinstance(value, str) or not value.strip():
        return ()
    text = _substituted(value.strip(), known)
    return ("sh", "-c", text) if any(c in _SHELL_SYNTAX for c in text) else tuple(text.split())


def _substituted(text: str, known: dict[str, str]) -> str:
    """`text` with the CLI's `${localWorkspaceFolderBasename}`-style variables doctor knows put in."""
    for name, value in known.items():
        text = text.replace(f"${{{name}}}", value)
    return text


def installs(project: Project, svc: Service, recipe: Recipe) -> dict[str, DevInstall]:
    """The folders of `svc`'s container its dev containers' lifecycle commands fill, read as
    doctor.project.filled reads a RUN line (`yarn install` fills WORKSPACE/node_modules), run in the
    workspace folder with the image's ENV; a workspace folder with a variable doctor cannot place
    fills nothing."""
    from doctor.project.filled import filled_paths, installed
    from doctor.project.recipe import Step
    from doctor.records import replace

    found: dict[str, DevInstall] = {}
    for dev in dev_containers(project):
        if dev.service != svc.name or "$" in dev.workspace or not dev.commands:
            continue
        # each command a RUN step whose "line" is its index: a filled path's line names its command
        steps = tuple(Step(_shell_text(c.words), index, dev.workspace) for index, c in enumerate(dev.commands))
        home = posixpath.normpath(svc.working_dir or recipe.workdir or "/")
        for path in installed(project, svc, filled_paths(replace(recipe, runs=steps, built=()))):
            command = dev.commands[path.line]
            found.setdefault(path.path, DevInstall(path.path, dev.path, command.key,
                                                   _rerun(project, dev, command, home)))
    return found


def _shell_text(words: tuple[str, ...]) -> str:
    """The command as a shell line: the text `sh -c` runs (`cd client && npm ci`), else its words quoted."""
    return words[2] if len(words) == 3 and words[:2] == ("sh", "-c") else shlex.join(words)


def _rerun(project: Project, dev: DevContainer, command: LifecycleCommand, home: str) -> str:
    """`docker compose ... exec [-u USER] [-w WORKSPACE] SERVICE WORDS`: the command run again where
    the CLI ran it, in the container of the project the CLI named (-p where compose names these files
    otherwise: `shop_devcontainer` for .devcontainer/compose.yaml, which compose calls `devcontainer`;
    none where doctor was given one)."""
    name = dev.project_name(project.options.env)
    keep = project.options.project_name is not None or name == project.compose.project_name
    words = ["exec"]
    if dev.user:
        words += ["-u", dev.user]
    if posixpath.normpath(dev.workspace) != home:
        words += ["-w", dev.workspace]
    return f"{project.compose_words(None if keep else name)} {shlex.join([*words, dev.service, *command.words])}"


def without_comments(text: str) -> str:
    """JSON with comments (JSONC, as devcontainer.json is written) as plain JSON: `//` and `/* */`
    comments left out (the newlines in them kept) and a comma before `}` or `]` dropped; strings untouched."""
    out: list[str] = []
    comma = -1  # the index in `out` of the last comma, while only blanks have followed it
    at, end = 0, len(text)
    while at < end:
        char = text[at]
        if char == '"':
            close = at + 1
            while close < end and text[close] != '"':
                close += 2 if text[close] == "\\" else 1
            out.append(text[at:close + 1])
            comma, at = -1, close + 1
            continue
        if text.startswith("//", at):
            newline = text.find("\n", at)
            at = end if newline < 0 else newline
            continue
        if text.startswith("/*", at):
            close = text.find("*/", at + 2)
            close = end if close < 0 else close + 2
            out.append("\n" * text.count("\n", at, close))
            at = close
            continue
        if char in "}]" and comma >= 0:
            out[comma] = ""
        if char == ",":
            comma = len(out)
        elif not char.isspace():
            comma = -1
        out.append(char)
        at += 1
    return "".join(out)
