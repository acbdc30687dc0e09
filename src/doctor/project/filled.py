"""Paths a Dockerfile's RUN steps fill with installed dependencies (node_modules, virtualenvs, vendor/),
and the paths COPY --from fills with another stage's output (a compiled frontend, a binary).

Read from the RUN lines of the stage a service builds (`project.recipe(path, target)`): `npm ci` /
`yarn` / `pnpm install` / `bun install` fill `WORKDIR/node_modules` (not with `-g`); `python -m
venv X`, `virtualenv X`, `uv venv X` fill X (`${VIRTUAL_ENV}` read from the image's ENV); `uv sync`
fills `UV_PROJECT_ENVIRONMENT` or `WORKDIR/.venv` (`uv sync --active`: `VIRTUAL_ENV` where the image sets
it); `poetry install` / `poetry sync` fill `WORKDIR/.venv` when
Poetry keeps its virtualenv in the project (`poetry_venv`: `poetry config virtualenvs.in-project true`,
`POETRY_VIRTUALENVS_IN_PROJECT=true` in ENV, an ARG or the RUN, or the project's poetry.toml), else its
venv is under Poetry's cache folder, outside the project, and nothing there is counted (nor with
`virtualenvs.create false`: the system site-packages); `composer install` fills `WORKDIR/vendor`. A step that moves
the folder elsewhere (`mv node_modules /node_modules`) is not counted: the path is then empty.
A yarn install follows the `.yarnrc` beside its package.json (`yarn_relocated`): `--modules-folder
/node_modules` (nickjj's docker-*-example projects) fills that folder instead, and a `.yarnrc.yml`
with `nodeLinker: pnp` fills none.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.recipe import Recipe
from doctor.project.types import Mount, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

# yarn installs as `yarn`, `yarn install`, `yarn add X`, `yarn workspaces focus` or `yarn --flag`; `yarn dev`
# runs a package.json script and installs nothing, nor does `rm /usr/local/bin/yarn /usr/local/bin/yarnpkg`
_NODE = lazy(
    r"\b(?:npm\s+(?:ci|install|i)|yarn(?:\s+(?:install|add|workspaces\s+focus)|(?=\s*(?:$|[;&|\\]|-)))"
    r"|pnpm\s+(?:install|i)|bun\s+(?:install|i))(?=\s|$|;|&)"
)
_VENV = lazy(r"\b(?:python[\d.]*\s+-m\s+venv|virtualenv|uv\s+venv)\s+(?:--?\S+\s+)*([^\s;&|-][^\s;&|]*)")
_UV_SYNC = lazy(r"\buv\s+sync\b")
# `uv sync --active` syncs into the active virtualenv, VIRTUAL_ENV, where it is set (uv's ActiveEnvironment::Prefer)
_UV_SYNC_ACTIVE = lazy(r"\buv\s+sync\b[^;&|\n]*?\s--active\b")
_GLOBAL = lazy(r"\s(?:-g|--global)\b|\byarn\s+global\b")
_COMPOSER = lazy(r"\bcomposer\s+install\b")
_MOVE_OR_REMOVE = lazy(r"\b(?:mv|rm\s+-\w*r\w*)\s")  # `mv`, `rm -rf`, and the blank after it
# `poetry [global options] config|install|sync REST`: an option may take a value (`-C app`, `--directory app`)
_POETRY = lazy(r"\bpoetry\s+((?:-\S+\s+(?:[^\s;&|-][^\s;&|]*\s+)?)*?)(config|install|sync)\b([^;&|\n]*)")
_POETRY_ENV = lazy(r"\bPOETRY_VIRTUALENVS_(IN_PROJECT|CREATE)=[\"']?(\w*)")
_POETRY_DIRECTORY = lazy(r"(?:^|\s)(?:-C|--directory|-P|--project)(?:=|\s+)[\"']?([^\s\"';&|$`]+)")


@record
class FilledPath:
    """A folder the image fills at build time: its absolute path, the RUN line, the tool that did it."""

    path: str
    line: int
    tool: str
    # the variable an ENV of the base image, which the project does not show, may set to put it
    # elsewhere (`UV_PROJECT_ENVIRONMENT`: mitodl/ol-python-base's /opt/venv); "" when known
    unless: str = ""


def filled_paths(recipe: Recipe, values: Mapping[str, str] | None = None,
                 poetry_toml: Callable[[str], str | None] | None = None) -> list[FilledPath]:
    """The dependency folders the recipe's RUN steps create, in order, each once. `values`: what
    the RUN lines see (the build's ARGs and ENV, `buildvalues.build_values`; the image's ENV when
    not given); `poetry_toml`: the text of the poetry.toml in a container folder (None: none)."""
    found: dict[str, FilledPath] = {}
    final = dict(recipe.env)
    known = known_base(recipe.base)
    poetry = PoetryConfig(dict(values) if values is not None else final, poetry_toml)
    env: dict[str, str] = {}
    applied = 0  # how many of recipe.env_lines `env` holds: the steps come in order, so each line is applied once
    for step in recipe.runs:
        text = step.text
        if step.env_count is None:  # a command the container runs: the final ENV
            env = final
        else:  # the ENV in force at the RUN's line, not the stage's last (`ENV VIRTUAL_ENV=...` after `uv sync`)
            if step.env_count < applied or env is final:
                env, applied = {}, 0
            env.update(recipe.env_lines[applied:step.env_count])
            applied = step.env_count
        # `uv sync` fills WORKDIR/.venv unless UV_PROJECT_ENVIRONMENT says otherwise, which a base image
        # the project does not show may set in its own ENV
        unsure = "" if "UV_PROJECT_ENVIRONMENT" in env or known else "UV_PROJECT_ENVIRONMENT"
        candidates: list[tuple[str, str]] = []
        if "poetry" in text:
            candidates += poetry.venvs(text, step.workdir)
        node = _NODE.search(text)
        if node is not None and not _GLOBAL.search(text):
            # mathesar's `RUN cd mathesar_ui && npm ci`: the install's folder is the one it cd'd into
            into = [m.group(1).strip("\"'") for m in _CD.finditer(text, 0, node.start())]
            folder = posixpath.join(*into) if into else ""
            candidates.append((posixpath.join(folder, "node_modules"), node.group(0).split()[0]))
        for match in _VENV.finditer(text):
            venv = _expanded(match.group(1).strip("\"'"), env)  # `uv venv ${VIRTUAL_ENV}` (bakerydemo)
            if venv:
                candidates.append((venv, "venv"))
        active = ""
        if _UV_SYNC.search(text):
            # code4romania/redirectioneaza's `uv sync --active --locked` under `ENV VIRTUAL_ENV=/opt/venv`
            # fills /opt/venv (its `uv venv ${VIRTUAL_ENV}`), not WORKDIR/.venv; with no VIRTUAL_ENV set
            # at that RUN (an ENV after it), `--active` falls back to the project's .venv
            active = _expanded(env.get("VIRTUAL_ENV", ""), env) if _UV_SYNC_ACTIVE.search(text) else ""
            candidates.append((active or _expanded(env.get("UV_PROJECT_ENVIRONMENT", ""), env) or ".venv",
                               "uv sync"))
        if _COMPOSER.search(text):
            candidates.append(("vendor", "composer"))
        for relative, tool in candidates:
            path = posixpath.normpath(posixpath.join(step.workdir, relative))
            if not _moved(text, posixpath.basename(path)) and path not in found:
                found[path] = FilledPath(path, step.line, tool, unsure if tool == "uv sync" and not active else "")
    for path, line, source in recipe.built:  # a build stage's output: paperless-ngx's compiled frontend
        found.setdefault(path, FilledPath(path, line, f"COPY --from={source}"))
    return list(found.values())


def _moved(text: str, name: str) -> bool:
    """Whether a step moves or removes a path ending in `name` (`mv .venv /opt`, `rm -rf
    node_modules`), as the pattern `\\b(?:mv|rm\\s+-\\w*r\\w*)\\s+(?:\\S+\\s+)*\\S*NAME\\b` finds it,
    without compiling a pattern spliced from the project's folder names each run: its middle
    matches any text that begins with a blank, so the name may be anywhere after the first
    `mv`/`rm -r` and the blank after it, and must end where a word does."""
    if not name:
        return re.search(r"\b(?:mv|rm\s+-\w*r\w*)\s+(?:\S+\s+)*\S*\b", text) is not None
    command = _MOVE_OR_REMOVE.search(text)
    at = text.find(name, command.end()) if command is not None else -1
    while at >= 0:
        end = at + len(name)
        if _is_word(text[end - 1]) != (end < len(text) and _is_word(text[end])):  # `\b` after it
            return True
        at = text.find(name, at + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # re's `\w` in a str pattern


# images whose ENV doctor knows besides Docker's official library (none of which sets UV_PROJECT_ENVIRONMENT)
KNOWN_IMAGES = frozenset(("ghcr.io/astral-sh/uv", "astral/uv", "docker.io/astral/uv"))


def known_base(image: str) -> bool:
    """Whether the ENV of a FROM image is known: one of Docker's official library images
    (`python:3.12-slim`, `docker.io/library/python`, `scratch`) or astral's uv images, none of which
    moves a tool's folders; not an organisation's own base (`mitodl/ol-python-base:3.11`), nor an
    image named by a variable doctor could not read."""
    name = image.strip().split("@", 1)[0].lower()
    slash = name.rfind("/")
    if ":" in name[slash + 1:]:
        name = name[: name.rindex(":")]
    if not name or "$" in name:
        return not name  # no external base: nothing is inherited
    name = name.removeprefix("docker.io/").removeprefix("index.docker.io/").removeprefix("library/")
    return "/" not in name or name in KNOWN_IMAGES


class PoetryConfig:
    """Where `poetry install` puts its virtualenv, as Poetry reads its settings: a
    `POETRY_VIRTUALENVS_*` variable, then the project's poetry.toml (`--local`), then the global
    `poetry config` the earlier steps ran; the venv is the project's `.venv` only with
    `virtualenvs.in-project` true and `virtualenvs.create` not false."""

    def __init__(self, env: dict[str, str], poetry_toml: Callable[[str], str | None] | None) -> None:
        self.env = {key: _truth(env[f"POETRY_VIRTUALENVS_{key}"]) for key in ("IN_PROJECT", "CREATE")
                    if env.get(f"POETRY_VIRTUALENVS_{key}", "").strip()}
        self.configured: dict[str, bool] = {}  # the global settings `poetry config` wrote
        self.local: dict[str, dict[str, bool]] = {}  # per project folder: `poetry config --local` and poetry.toml
        self.read_toml = poetry_toml

    def venvs(self, text: str, workdir: str) -> list[tuple[str, str]]:
        """The in-project venvs (folder relative to `workdir`, tool) the Poetry commands of one RUN fill."""
        found: list[tuple[str, str]] = []
        env = dict(self.env)
        for match in _POETRY.finditer(text):
            # `export POETRY_VIRTUALENVS_IN_PROJECT=1 && poetry install`, or the variable before the command
            env.update((m[1], _truth(m[2])) for m in _POETRY_ENV.finditer(text, 0, match.start()))
            into = [m.group(1).strip("\"'") for m in _CD.finditer(text, 0, match.start())]
            named = _POETRY_DIRECTORY.search(f" {match[1]} {match[3]}")
            folder = posixpath.normpath(posixpath.join(workdir, *into, named[1] if named else ""))
            if match[2] == "config":
                self._configure(match[3].split(), folder)
                continue
            settings = {**self.configured, **self._local(folder), **env}
            if settings.get("IN_PROJECT", False) and settings.get("CREATE", True):
                found.append((posixpath.join(folder, ".venv"), f"poetry {match[2]}"))
        return found

    def _configure(self, words: list[str], folder: str) -> None:
        operands = [w.strip("\"'") for w in words if not w.startswith("-")]
        key = {"virtualenvs.in-project": "IN_PROJECT", "virtualenvs.create": "CREATE"}.get(
            operands[0] if operands else "")
        if key is None:
            return
        settings = self._local(folder) if "--local" in words else self.configured
        if "--unset" in words:
            settings.pop(key, None)
        elif len(operands) > 1:
            settings[key] = _truth(operands[1])

    def _local(self, folder: str) -> dict[str, bool]:
        if folder not in self.local:
            self.local[folder] = _poetry_toml(self.read_toml(posixpath.join(folder, "poetry.toml"))
                                              if self.read_toml is not None else None)
        return self.local[folder]


def _truth(value: str) -> bool:
    """A Poetry boolean setting as Poetry reads it (`true` or `1`)."""
    return value.strip().strip("\"'").lower() in ("true", "1")


def _poetry_toml(text: str | None) -> dict[str, bool]:
    """The `[virtualenvs]` settings of a poetry.toml's text."""
    from doctor import lean_toml as tomllib

    if not text:
        return {}
    try:
        table = tomllib.loads(text).get("virtualenvs")
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}
    if not isinstance(table, dict):
        return {}
    names = (("IN_PROJECT", "in-project"), ("CREATE", "create"))
    return {key: value if isinstance(value, bool) else _truth(str(value))
            for key, name in names if (value := table.get(name)) is not None}


_ENV_REFERENCE = lazy(r"\$\{(\w+)\}|\$(\w+)")
_CD = lazy(r"(?:^|&&|;)\s*cd\s+([^\s;&|$`]+)\s*(?=&&|;)")


def _expanded(word: str, env: dict[str, str]) -> str:
    """`word` with its `$NAME` / `${NAME}` taken from the image's ENV; "" when one is not set there
    (a path doctor cannot place is not guessed)."""
    unknown = False

    def value(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(2)
        if name not in env:
            unknown = True
            return ""
        return env[name]

    expanded = _ENV_REFERENCE.sub(value, word)
    return "" if unknown or "$" in expanded else expanded


_MODULES_FOLDER = lazy(r"^[ \t]*+-?-?modules-folder[ \t]++[\"']?([^\s\"']++)", re.MULTILINE)
_PNP = lazy(r"^[ \t]*+nodeLinker[ \t]*+:[ \t]*+[\"']?pnp\b", re.MULTILINE)


def yarn_relocated(filled: FilledPath, yarnrc: str | None, yarnrc_yml: str | None) -> FilledPath | None:
    """Where a yarn install's node_modules really is, given the text of the `.yarnrc` and
    `.yarnrc.yml` in its folder (None: no such file): the `--modules-folder` it names (relative to
    the folder), or None when Plug'n'Play installs no node_modules at all."""
    if not filled.tool.startswith("yarn") or posixpath.basename(filled.path) != "node_modules":
        return filled
    if yarnrc_yml is not None and _PNP.search(yarnrc_yml):
        return None
    found = _MODULES_FOLDER.search(yarnrc or "")
    if found is None:
        return filled
    folder = posixpath.normpath(posixpath.join(posixpath.dirname(filled.path), found[1]))
    return FilledPath(folder, filled.line, filled.tool)


def hides(bind: Mount, hidden: FilledPath, volumes: list[Mount]) -> bool:
    """The bind covers the filled path, no volume re-exposes it, and the host has no such folder."""
    if not within(hidden.path, bind.target):
        return False
    if any(within(hidden.path, v.target) and len(v.target) > len(bind.target) for v in volumes):
        return False
    on_host = Path(bind.source or "") / posixpath.relpath(hidden.path, bind.target)
    return not on_host.exists()


def within(path: str, folder: str) -> bool:
    """Whether a container path is `folder` or lies below it."""
    folder = folder.rstrip("/") or "/"
    return path == folder or path.startswith(folder if folder == "/" else folder + "/")


def installed(project: Project, svc: Service, filled: list[FilledPath]) -> list[FilledPath]:
    """The filled paths where the installs really put them: a yarn install follows the `.yarnrc`
    files the build brings beside its package.json (yarn_relocated)."""
    if not any(f.tool.startswith("yarn") for f in filled):
        return filled
    moved = []
    for f in filled:
        folder = posixpath.dirname(f.path)
        where = yarn_relocated(f, _host_text(project, svc, posixpath.join(folder, ".yarnrc")),
                               _host_text(project, svc, posixpath.join(folder, ".yarnrc.yml")))
        if where is not None:
            moved.append(where)
    return moved


def image_filled(project: Project, svc: Service, recipe: Recipe) -> list[FilledPath]:
    """The folders the service's build of `recipe` fills, where the installs put them: the RUN
    lines read with the build's ARGs and ENV, a Poetry install with the poetry.toml the build
    brings (read through the service's code map), a yarn install with its `.yarnrc` (`installed`)."""
    values: dict[str, str] | None = None
    poetry_toml: Callable[[str], str | None] | None = None
    if svc.build is not None and any("poetry" in step.text for step in recipe.runs):
        from doctor.project.buildvalues import build_values

        values = build_values(svc.build, recipe)
        poetry_toml = functools.partial(_host_text, project, svc)
    return installed(project, svc, filled_paths(recipe, values, poetry_toml))


def _host_text(project: Project, svc: Service, container: str) -> str | None:
    """The text of the host file behind a container path of the service (None: none, or unreadable)."""
    from doctor.regular import read_text

    found = project.code_map(svc).to_host(container)
    if found is None:
        return None
    try:
        return read_text(found[0], 64 * 1024)
    except (OSError, UnicodeDecodeError):
        return None


def hidden_installs(project: Project, svc: Service) -> list[FilledPath]:
    """The folders the service's image fills (node_modules, a venv) that one of its bind mounts
    hides: no volume re-exposes them and the host has none (node-express-boilerplate's
    `.:/usr/src/node-app` over the image's node_modules)."""
    if svc.build is None or svc.build.dockerfile_path is None:
        return []
    recipe = project.recipe(svc.build.dockerfile_path, svc.build.target)
    if recipe is None:
        return []
    volumes = [m for m in svc.volumes if m.type == "volume"]
    filled = image_filled(project, svc, recipe)
    return [hidden for hidden in filled for mount in svc.volumes
            if mount.type == "bind" and mount.source and hides(mount, hidden, volumes)]
