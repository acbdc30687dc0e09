"""The Python and Node versions a project declares, each with the file and line that says so.

Sources: `.python-version`, `.nvmrc` / `.node-version`, `.tool-versions` (asdf/mise), Heroku's
`runtime.txt`, the `[tools]` table of `mise.toml` / `.mise.toml`, tox's env list (doctor.project.tox_envs),
`pyproject.toml` `requires-python`, `package.json` `engines.node`, Dockerfile `FROM python:X` /
`FROM node:X`, and GitHub workflow `python-version` / `node-version` (a matrix list is a set).
A pin names versions (`3.12`, `20.11.0`); a range constrains them (`>=3.11`, `^20`). Values
that are expressions (`${{ matrix.python-version }}`), aliases (`lts/*`) or tags without a
version (`python:latest`) are left out: they declare nothing comparable.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable, Collection, Iterable
from fnmatch import fnmatchcase
from pathlib import Path

from doctor.lazyre import lazy
from doctor.lean_imports import glob_patterns, match_glob
from doctor.model import Location, record
from doctor.project.reading import glob as files_matching
from doctor.project.reading import is_dir, is_file
from doctor.regular import read_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import CopyInstruction, Service

_VERSION = lazy(r"^v?(\d+(?:\.\d+){0,2})")
# the official images, and the dev container images (`mcr.microsoft.com/devcontainers/python:3.12`,
# tag `1-3.12-bookworm`: the image's own major version, then python's)
_IMAGE = lazy(r"^(?:[\w.-]+(?::\d+)?/)?(?:library/|(?P<dev>(?:vscode/)?devcontainers/))?(python|node|pypy)"
              r"(?::([^@\s]+))?", re.IGNORECASE)
_DEVCONTAINER_TAG = lazy(r"^\d+-(?=\d)")
# images that carry a Python in their tag: astral's uv images (`ghcr.io/astral-sh/uv:0.11.32-python3.12-
# trixie-slim`, paperless-ngx's Dockerfile; `uv:python3.12-bookworm-slim`), tiangolo's
# (`tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim`, awesome-compose's fastapi sample),
# `nikolaik/python-nodejs:python3.12-nodejs20`: a tag word `pythonX.Y`, first or after a `-`
_TAGGED_PYTHON = lazy(r"^[^\s@]*?:(?:[\w.]+-)?python(\d+\.\d+(?:\.\d+)?)(?![\d.])", re.IGNORECASE)


# in a Declared's source, before the versions several jobs hand one reusable workflow (doctor.project.ci_pins):
# `CI python-version of the jobs calling ./.github/workflows/x.yml with: 3.10, 3.11`
CALLED_MATRIX = " with: "


@record
class Declared:
    """One place that declares a runtime version.

    `versions` holds the pinned versions (one, or several for a CI matrix); `spec` holds a range
    instead (`>=3.11`, `^20 || ^22`). `source` names the place for a message (`FROM python:3.12`).
    """

    runtime: str
    location: Location
    source: str
    versions: tuple[str, ...] = ()
    spec: str = ""


def read_declared(root: Path, dockerfiles: tuple[tuple[Path, tuple[tuple[str, int], ...]], ...]) -> list[Declared]:
    """Every declared Python/Node version at `root`, plus the FROM lines of the given Dockerfiles."""
    found = read_folder(root)
    for path, froms in dockerfiles:
        found += image_declared(path, froms)
    return found + read_workflows(root)


def read_workflows(root: Path, folders: Collection[str] | None = None,
                   skip: Collection[tuple[Path, str, int]] = ()) -> list[Declared]:
    """The `python-version` / `node-version` of the GitHub workflows at `root` (a value
    `${{ env.NAME }}` where the step's, job's or workflow's `env:` writes it). With `folders`
    (relative to `root`, `.` for itself), a job whose `defaults.run.working-directory` is another
    folder is left out: mealie's e2e job runs node 18 for its playwright package in tests/e2e,
    not for the app the Dockerfile builds on node 16. `skip`: (workflow, runtime, the job's first
    line) of jobs whose pins of that runtime are left out too (the `env:` they read included)."""
    found: list[Declared] = []
    workflows = root / ".github" / "workflows"
    if is_dir(workflows):  # a folder this user may not enter holds none it can read
        from doctor.project.ci_pins import _workflow  # here: ci_pins imports this module
        from doctor.project.memo import remember

        kept = tuple(sorted(folders)) if folders is not None else None
        # the repository's own composite actions a step may use (`uses: ./.github/actions/setup-node`): read with
        # the workflow that uses one, and so among the files its remembered pins depend on
        actions = local_actions(root)
        for path in sorted([*workflows.glob("*.yml"), *workflows.glob("*.yaml")]):
            # remembered: a warm run reads no YAML for an unchanged workflow
            jobs = tuple(sorted((runtime, first) for at, runtime, first in skip if at == path))
            found += remember("workflow-pins", (path, *actions), (kept, jobs),
                              functools.partial(_workflow, path, kept, jobs))
    return found


def local_actions(root: Path) -> tuple[Path, ...]:
    """The action files of the composite actions in the repository's `.github/actions/` folder, one level deep
    (`.github/actions/setup-node/action.yml`), which a workflow step uses by path."""
    folder = root / ".github" / "actions"
    if not is_dir(folder):
        return ()
    return tuple(sorted(path for name in ("action.yml", "action.yaml") for path in folder.glob(f"*/{name}")))


VENV_FOLDERS = (".venv", "venv")
_VENV_VERSION = lazy(r"^\s*version(?:_info)?\s*=\s*(\d+\.\d+(?:\.\d+)?)", re.MULTILINE)


def read_venvs(root: Path, active: str | None) -> list[Declared]:
    """The Python of the project's own virtualenvs, from their pyvenv.cfg (`version = 3.11.7`,
    uv's and virtualenv's `version_info`): `.venv` or `venv` at the root, and the active one
    (VIRTUAL_ENV) where it lies inside the project. Read, never run: what tests run with locally."""
    folders = [root / name for name in VENV_FOLDERS]
    if active and Path(active).is_relative_to(root) and Path(active) not in folders:
        folders.append(Path(active))
    found = []
    for folder in folders:
        path = folder / "pyvenv.cfg"
        text = "\n".join(_lines(path))
        version = _VENV_VERSION.search(text)
        if version is not None:
            line = text.count("\n", 0, version.start(1)) + 1
            name = folder.relative_to(root).as_posix()
            found.append(Declared("python", Location(path, line), f"the virtualenv {name}/",
                                  (version[1],)))
    return found


def read_folder(folder: Path) -> list[Declared]:
    """The versions one folder's own files declare (version files, pyproject, package.json)."""
    # a reader is asked only where the folder holds its file: most of a project's folders hold one or two of
    # the thirteen names, and each absent one cost a path, a stat and its reader's call (otel-demo's nineteen folders)
    listed = _listed(folder)
    found: list[Declared] = []
    for name, reader in _FOLDER_READERS:
        if listed is None or name in listed:
            found += reader(folder / name)
    from doctor.project.tox_envs import TOX_FILES, read_tox  # here: tox_envs imports this module

    if listed is None or not listed.isdisjoint(TOX_FILES):
        found += read_tox(folder)
    return found


def _listed(folder: Path) -> frozenset[str] | None:
    """The names in `folder`, lower case; None where it cannot be listed or a name is not ASCII: a file
    system that matches names by case (or by Unicode form) may then find a file under another spelling,
    so every reader is asked, as it was before this look."""
    try:
        names = os.listdir(folder)
    except (OSError, ValueError):
        return None
    # the names as listed: a non-ASCII one may lower to ASCII (the Kelvin sign's `k`)
    return frozenset(name.lower() for name in names) if all(name.isascii() for name in names) else None


def _python_version(path: Path) -> list[Declared]:
    return _version_file(path, "python")


def _node_version(path: Path) -> list[Declared]:
    return _version_file(path, "node")


def _pyproject(path: Path) -> list[Declared]:
    from doctor.project.python_requires import _pyproject  # here: python_requires imports this module

    return _pyproject(path)


def _uv_lock(path: Path) -> list[Declared]:
    from doctor.project.python_requires import uv_lock

    return uv_lock(path)


# read_folder's files, each with its reader, in the order their versions are listed; then tox's (a lambda for a
# reader defined further down)
_FOLDER_READERS: tuple[tuple[str, Callable[[Path], list[Declared]]], ...] = (
    (".python-version", _python_version), (".nvmrc", _node_version), (".node-version", _node_version),
    (".tool-versions", lambda path: _tool_versions(path)), ("runtime.txt", lambda path: _runtime_txt(path)),
    ("mise.toml", lambda path: _mise(path)), (".mise.toml", lambda path: _mise(path)), ("pyproject.toml", _pyproject),
    ("uv.lock", _uv_lock), ("package.json", lambda path: _package_json(path)))


def image_declared(path: Path, froms: tuple[tuple[str, int], ...]) -> list[Declared]:
    """The Python/Node versions of a Dockerfile's `FROM python:X` / `FROM node:X` lines."""
    return image_declared_at([(image, Location(path, line)) for image, line in froms])


def image_runtime(image: str, dev: bool = False) -> str | None:
    """`python` or `node` for an official runtime image (`node:24-slim`, `python:3.12`, pypy), else None
    (a name that only starts like one: `pythonista`; a dev container image, unless `dev`:
    `mcr.microsoft.com/devcontainers/python:3.12`)."""
    image = image.strip()
    match = _IMAGE.match(image)
    if match is None or (match.group("dev") and not dev) or image[match.end(2):match.end(2) + 1] not in ("", ":", "@"):
        return None
    return "node" if match.group(2).lower() == "node" else "python"


def service_base(project: Project, service: Service) -> str:
    """The image the service runs on: its stage's base where it builds one from a Dockerfile ("" where
    that cannot be read), else its `image:` ("" for none)."""
    build = service.build
    if build is not None and build.dockerfile_path is not None:
        recipe = project.recipe(build.dockerfile_path, build.target)
        return recipe.base if recipe is not None else ""
    return service.image or ""


def image_declared_at(froms: list[tuple[str, Location]]) -> list[Declared]:
    """The same, each FROM at the place its version is written (an ARG line, a compose build arg)."""
    found: list[Declared] = []
    for image, location in froms:
        tagged = _TAGGED_PYTHON.match(image)
        if tagged is not None:
            found.append(Declared("python", location, f"FROM {image}", (tagged.group(1),)))
            continue
        match = _IMAGE.match(image)
        tag = (match.group(3) or "") if match else ""
        if match and match.group("dev"):
            tag = _DEVCONTAINER_TAG.sub("", tag)
        version = _VERSION.match(tag) if match else None
        if match and version and match.group(2).lower() != "pypy":
            runtime = "node" if match.group(2).lower() == "node" else "python"
            found.append(Declared(runtime, location, f"FROM {image}", (version.group(1),)))
    return found


class FolderVersions:
    """The versions declared in a project's folders, each folder read once however many services
    share it; `nearest` resolves them as pyenv, nvm, asdf, uv and npm do: the nearest file wins."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._read: dict[Path, list[Declared]] = {}
        # per start (as written): its folders, deepest first, up to the root's (None: the start lies outside it),
        # worked out once per run: a start is in many builds (the context of every otel-demo service is the root)
        self._chains: dict[Path, tuple[Path, ...] | None] = {}

    def folder(self, path: Path) -> list[Declared]:
        """What one folder declares (read on first use)."""
        if path not in self._read:
            self._read[path] = read_folder(path)
        return self._read[path]

    def nearest(self, starts: tuple[Path, ...]) -> list[Declared]:
        """Per kind of file and runtime, the declaration nearest to `starts` (each start folder,
        then its parents up to the project root), unless that nearest one is the root's: a root
        file applies to the whole project and is read by `read_declared`. A start outside the root
        (a devcontainer's `context: ..`) counts alone, after the root: what lies above it is not
        the project's."""
        inside: dict[Path, int] = {}
        outside: list[Path] = []
        for start in starts:
            if start not in self._chains:
                self._chains[start] = self._chain(start)
            chain = self._chains[start]
            if chain is None:
                folder = Path(os.path.normpath(start))
                outside += [folder] if folder not in outside else []
                continue
            for folder in chain:
                inside.setdefault(folder, len(folder.parts))
        seen: set[tuple[str, str, bool]] = set()
        found: list[Declared] = []
        # deepest first (siblings in the order of `starts`); the root only shadows what lies above it
        for folder in [*sorted(inside, key=lambda f: -inside[f]), self.root, *outside]:
            for declared in self.folder(folder):
                # a pyproject's `[tool.tox]` env list is a kind of its own beside its requires-python
                kind = (declared.location.path.name, declared.runtime, declared.source.startswith("tox "))
                if kind not in seen:
                    seen.add(kind)
                    if folder != self.root:
                        found.append(declared)
        return found

    def _chain(self, start: Path) -> tuple[Path, ...] | None:
        """The folders from `start` up to the root's, the root's left out; None for a start outside the root.
        A folder below the root has the root's parts and more: the walk up stops at the root's count of parts
        (`is_relative_to` parsed the root's path again for each folder on the way, in each build)."""
        folder = Path(os.path.normpath(start))  # `dockerfile: ../docker/Dockerfile` stays lexical
        if not folder.is_relative_to(self.root):
            return None
        chain = []
        depth = len(self.root.parts)
        while len(folder.parts) > depth:
            chain.append(folder)
            folder = folder.parent
        return tuple(chain)


# the dependency manifests an image's install step reads (`yarn install`, `pip install -r`, `uv sync`)
_MANIFESTS = ("package.json", "pyproject.toml", "requirements*.txt")
# _MANIFESTS and the workflows' globs, compiled from the regex table (doctor.lean_imports.glob_patterns)
_GLOBS = glob_patterns(*_MANIFESTS, "*.yml", "*.yaml")
# a glob's wildcards, and with them a variable (`$APP/package.json`): a source with one names no one folder
_GLOB = lazy(r"[*?[]")
_WILD = lazy(r"[*?[$]")


def manifest_folders(context: Path, copies: Iterable[CopyInstruction]) -> list[Path]:
    """The folders of the build context a Dockerfile COPYs a dependency manifest from
    (`COPY assets/package.json assets/*yarn* ./`, nickjj/docker-django-example), or COPYs whole
    with a manifest at its top (`COPY src/backend /app` over its pyproject.toml, suitenumerique/meet):
    the install step runs there, with that folder's `.nvmrc` and engines, not the context root's."""
    # by the folders' text, joined as `context / name` would be (a name normalised, never `..` nor `.`): a Path
    # made only for a folder found, not for each COPY source (otel-demo's sixteen builds copy ninety-odd)
    top = os.fspath(context)
    found: dict[str, Path] = {}
    for source in (s for copy in copies for s in copy.sources):
        name = posixpath.normpath(source.lstrip("/"))
        if name != "." and not name.startswith("..") and not _WILD.search(name) \
                and _holds_manifest(posixpath.join(top, name)):
            found.setdefault(name, context / name)
            continue
        folder, base = posixpath.split(name)
        if not folder or folder.startswith("..") or _WILD.search(folder):
            continue
        # `assets/package*.json` copies the manifest too (_MANIFESTS: two names and a glob)
        if base in _MANIFESTS[:2] or fnmatchcase(base, _MANIFESTS[2]) or (_GLOB.search(base) and any(
                match_glob(m, base) for m in ("package.json", "pyproject.toml", "requirements.txt"))):  # its glob
            found.setdefault(folder, context / folder)
    return list(found.values())


# what a folder copied whole installs from, at its top
_FOLDER_MANIFESTS = ("pyproject.toml", "setup.py", "Pipfile", "package.json")


def _holds_manifest(folder: Path | str) -> bool:
    """Whether `folder` is a folder with a dependency manifest at its top (a few stats, one listing
    for `requirements*.txt` only when none of the fixed names is there)."""
    text = os.fspath(folder)
    return is_dir(text) and (any(is_file(posixpath.join(text, n)) for n in _FOLDER_MANIFESTS)
                             or any(is_file(p) for p in files_matching(Path(text), "requirements*.txt")))


def _version_file(path: Path, runtime: str) -> list[Declared]:
    lines = _lines(path)
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        version = _VERSION.match(text)
        if version is None:
            return []
        return [Declared(runtime, Location(path, number), f"{path.name} {text}", (version.group(1),))]
    return []


# Heroku's (and the Python buildpacks') `runtime.txt`: `python-3.12.1`, the Python the app deploys on
_RUNTIME_TXT = lazy(r"^python-(\d+(?:\.\d+){0,2})$")


def _runtime_txt(path: Path) -> list[Declared]:
    for number, line in enumerate(_lines(path), 1):
        text = line.strip()
        if text:
            found = _RUNTIME_TXT.match(text)
            return [Declared("python", Location(path, number), f"runtime.txt {text}", (found.group(1),))] if found \
                else []
    return []


def _tool_versions(path: Path) -> list[Declared]:
    found = []
    for number, line in enumerate(_lines(path), 1):
        words = line.split("#", 1)[0].split()
        if len(words) < 2 or words[0] not in ("python", "nodejs", "node"):
            continue
        version = _VERSION.match(words[1])
        if version is not None:
            runtime = "python" if words[0] == "python" else "node"
            found.append(Declared(runtime, Location(path, number), f".tool-versions {words[0]} {words[1]}",
                                  (version.group(1),)))
    return found


def _mise(path: Path) -> list[Declared]:
    """mise's `[tools]`: `python = "3.12"`, `node = ["20", "18"]`, `python = { version = "3.12" }`."""
    lines = _lines(path)
    if not lines:
        return []
    from doctor import lean_toml as tomllib  # only a folder with a mise file pays for it

    try:
        tools = tomllib.loads("\n".join(lines)).get("tools")
    except tomllib.TOMLDecodeError:
        return []
    start = next((n for n, text in enumerate(lines) if text.strip() == "[tools]"), len(lines))
    found = []
    for tool, runtime in (("python", "python"), ("node", "node"), ("nodejs", "node")):
        value = tools.get(tool) if isinstance(tools, dict) else None
        values = value if isinstance(value, list) else [value]
        values = [v.get("version") if isinstance(v, dict) else v for v in values]
        versions = tuple(m.group(1) for v in values if isinstance(v, str) for m in [_VERSION.match(v)] if m)
        if not versions:
            continue
        key = re.compile(rf"^\s*[\"']?{tool}[\"']?\s*=")
        line = next((n + 1 for n in range(start, len(lines)) if key.match(lines[n])), None)
        found.append(Declared(runtime, Location(path, line), f"{path.name} {tool} {', '.join(versions)}", versions))
    return found


def _package_json(path: Path) -> list[Declared]:
    from doctor.project.reading import parse_json

    lines = _lines(path)
    if not lines:
        return []
    try:
        data = parse_json("\n".join(lines))  # a RecursionError too: unreadable, as invalid JSON
    except ValueError:
        return []
    engines = data.get("engines") if isinstance(data, dict) else None
    spec = engines.get("node") if isinstance(engines, dict) else None
    if not isinstance(spec, str) or not spec.strip():
        return []
    line = next((n for n, text in enumerate(lines, 1) if re.search(r'"node"\s*:', text)), None)
    return [Declared("node", Location(path, line), f"engines.node {spec.strip()}", spec=spec.strip())]


def _lines(path: Path) -> list[str]:
    try:
        return read_text(path, encoding="utf-8-sig", errors="strict").splitlines() if is_file(path) else []
    except (UnicodeDecodeError, PermissionError):
        return []
    except OSError:
        from doctor.project.memo import unreadable

        unreadable()
        return []
