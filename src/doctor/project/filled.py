"""Paths a Dockerfile's RUN steps fill with installed dependencies (node_modules, virtualenvs, vendor/),
and the paths COPY --from fills with another stage's output (a compiled frontend, a binary).

Read from the RUN lines of the stage a service builds (`project.recipe(path, target)`): `npm ci` /
`yarn` / `pnpm install` / `bun install` fill `WORKDIR/node_modules` (not with `-g`); `python -m
venv X`, `virtualenv X`, `uv venv X` fill X (`${VIRTUAL_ENV}` read from the image's ENV); `uv sync`
fills `UV_PROJECT_ENVIRONMENT` or `WORKDIR/.venv`; `composer install` fills `WORKDIR/vendor`. A step that moves
the folder elsewhere (`mv node_modules /node_modules`) is not counted: the path is then empty.
A yarn install follows the `.yarnrc` beside its package.json (`yarn_relocated`): `--modules-folder
/node_modules` (nickjj's docker-*-example projects) fills that folder instead, and a `.yarnrc.yml`
with `nodeLinker: pnp` fills none.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.recipe import Recipe
from doctor.project.types import Mount, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

_NODE = lazy(
    r"\b(?:npm\s+(?:ci|install|i)|yarn(?:\s+install)?|pnpm\s+(?:install|i)|bun\s+(?:install|i))(?=\s|$|;|&)"
)
_VENV = lazy(r"\b(?:python[\d.]*\s+-m\s+venv|virtualenv|uv\s+venv)\s+(?:--?\S+\s+)*([^\s;&|-][^\s;&|]*)")
_UV_SYNC = lazy(r"\buv\s+sync\b")
_GLOBAL = lazy(r"\s(?:-g|--global)\b|\byarn\s+global\b")
_COMPOSER = lazy(r"\bcomposer\s+install\b")


@record
class FilledPath:
    """A folder the image fills at build time: its absolute path, the RUN line, the tool that did it."""

    path: str
    line: int
    tool: str


def filled_paths(recipe: Recipe) -> list[FilledPath]:
    """The dependency folders the recipe's RUN steps create, in order, each once."""
    found: dict[str, FilledPath] = {}
    env = dict(recipe.env)
    for step in recipe.runs:
        text = step.text
        candidates: list[tuple[str, str]] = []
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
        if _UV_SYNC.search(text):
            candidates.append((_expanded(env.get("UV_PROJECT_ENVIRONMENT", ""), env) or ".venv", "uv sync"))
        if _COMPOSER.search(text):
            candidates.append(("vendor", "composer"))
        for relative, tool in candidates:
            path = posixpath.normpath(posixpath.join(step.workdir, relative))
            moved = re.search(rf"\b(?:mv|rm\s+-\w*r\w*)\s+(?:\S+\s+)*\S*{re.escape(posixpath.basename(path))}\b", text)
            if moved is None and path not in found:
                found[path] = FilledPath(path, step.line, tool)
    for path, line, source in recipe.built:  # a build stage's output: paperless-ngx's compiled frontend
        found.setdefault(path, FilledPath(path, line, f"COPY --from={source}"))
    return list(found.values())


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
    from doctor.regular import read_text

    code = project.code_map(svc)

    def text(container: str) -> str | None:
        found = code.to_host(container)
        if found is None:
            return None
        try:
            return read_text(found[0], 64 * 1024)
        except (OSError, UnicodeDecodeError):
            return None

    moved = []
    for f in filled:
        folder = posixpath.dirname(f.path)
        where = yarn_relocated(f, text(posixpath.join(folder, ".yarnrc")), text(posixpath.join(folder, ".yarnrc.yml")))
        if where is not None:
            moved.append(where)
    return moved


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
    filled = installed(project, svc, filled_paths(recipe))
    return [hidden for hidden in filled for mount in svc.volumes
            if mount.type == "bind" and mount.source and hides(mount, hidden, volumes)]
