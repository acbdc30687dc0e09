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

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.recipe import Recipe

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
        if _NODE.search(text) and not _GLOBAL.search(text):
            candidates.append(("node_modules", _NODE.search(text).group(0).split()[0]))  # type: ignore[union-attr]
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
