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
from collections.abc import Collection, Iterable
from fnmatch import fnmatchcase
from pathlib import Path

from doctor.lazyre import lazy
from doctor.lean_imports import glob_patterns, match_glob
from doctor.model import Location, record
from doctor.regular import read_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.types import CopyInstruction

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
_WORKFLOW_KEYS = {"python-version": "python", "node-version": "node"}
# a matrix's own names for them, where a step uses the value (mathesar's `py-version: [3.10-bookworm, ...]` fed to
# the PYTHON_VERSION build arg of the image it tests)
_MATRIX_KEYS = {"python": "python", "py-version": "python", "py": "python", "python-versions": "python",
                "node": "node", "node-versions": "node"}


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
    if workflows.is_dir():
        from doctor.project.memo import remember

        kept = tuple(sorted(folders)) if folders is not None else None
        for path in sorted([*workflows.glob("*.yml"), *workflows.glob("*.yaml")]):
            # remembered: a warm run reads no YAML for an unchanged workflow
            jobs = tuple(sorted((runtime, first) for at, runtime, first in skip if at == path))
            found += remember("workflow-pins", (path,), (kept, jobs), functools.partial(_workflow, path, kept, jobs))
    return found


# a CircleCI job's image: its convenience images (`cimg/python:3.10`, the older `circleci/node:18.17`) or the
# official ones, as `- image:` writes it under `docker:`
_CIRCLECI_IMAGE = lazy(r"""^\s*-?\s*image:\s*["']?((?:cimg/|circleci/)?(python|node):(\d+(?:\.\d+){0,2})\b[^"'\s]*)""",
                       re.MULTILINE)


def read_circleci(top: Path) -> list[Declared]:
    """The Python/Node versions of the images `.circleci/config.yml` runs its jobs in (openfun/joanie's six
    jobs on `cimg/python:3.10`), each at its line: CI's voice beside GitHub's workflows."""
    from doctor.project.reading import read_regular_text

    path = top / ".circleci" / "config.yml"
    text = read_regular_text(path, 512 * 1024) if path.is_file() else None
    found: list[Declared] = []
    for match in _CIRCLECI_IMAGE.finditer(text or ""):
        line = text.count("\n", 0, match.start(1)) + 1 if text else 1
        found.append(Declared(match[2].lower(), Location(path, line), f"CircleCI image {match[1]}", (match[3],)))
    return found


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
    found: list[Declared] = []
    found += _version_file(folder / ".python-version", "python")
    for name in (".nvmrc", ".node-version"):
        found += _version_file(folder / name, "node")
    found += _tool_versions(folder / ".tool-versions")
    found += _runtime_txt(folder / "runtime.txt")
    for name in ("mise.toml", ".mise.toml"):
        found += _mise(folder / name)
    found += _pyproject(folder / "pyproject.toml")
    found += uv_lock(folder / "uv.lock")
    found += _package_json(folder / "package.json")
    from doctor.project.tox_envs import read_tox  # here: tox_envs imports this module

    return found + read_tox(folder)


def image_declared(path: Path, froms: tuple[tuple[str, int], ...]) -> list[Declared]:
    """The Python/Node versions of a Dockerfile's `FROM python:X` / `FROM node:X` lines."""
    return image_declared_at([(image, Location(path, line)) for image, line in froms])


def image_runtime(image: str) -> str | None:
    """`python` or `node` for an official runtime image (`node:24-slim`, `python:3.12`, pypy), else None
    (a dev container image, a name that only starts like one: `pythonista`)."""
    match = _IMAGE.match(image.strip())
    if match is None or match.group("dev") or image.strip()[match.end(2):match.end(2) + 1] not in ("", ":", "@"):
        return None
    return "node" if match.group(2).lower() == "node" else "python"


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
            folder = Path(os.path.normpath(start))  # `dockerfile: ../docker/Dockerfile` stays lexical
            if not folder.is_relative_to(self.root):
                outside += [folder] if folder not in outside else []
            while folder != self.root and folder.is_relative_to(self.root):
                inside.setdefault(folder, len(folder.parts))
                folder = folder.parent
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


# the dependency manifests an image's install step reads (`yarn install`, `pip install -r`, `uv sync`)
_MANIFESTS = ("package.json", "pyproject.toml", "requirements*.txt")
# _MANIFESTS and the workflows' globs, compiled from the regex table (doctor.lean_imports.glob_patterns)
_GLOBS = glob_patterns(*_MANIFESTS, "*.yml", "*.yaml")


def manifest_folders(context: Path, copies: Iterable[CopyInstruction]) -> list[Path]:
    """The folders of the build context a Dockerfile COPYs a dependency manifest from
    (`COPY assets/package.json assets/*yarn* ./`, nickjj/docker-django-example): the install
    step runs there, with that folder's `.nvmrc` and engines, not the context root's."""
    found: list[Path] = []
    for source in (s for copy in copies for s in copy.sources):
        name = posixpath.normpath(source.lstrip("/"))
        folder, base = posixpath.split(name)
        glob = any(c in base for c in "*?[")
        if not folder or folder.startswith("..") or any(c in folder for c in "*?[$"):
            continue
        # `assets/package*.json` copies the manifest too
        if any(fnmatchcase(base, p) for p in _MANIFESTS) or (glob and any(  # base: the project's glob
                match_glob(m, base) for m in ("package.json", "pyproject.toml", "requirements.txt"))):
            path = context / folder
            found += [path] if path not in found else []
    return found


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


def _pyproject(path: Path) -> list[Declared]:
    if not path.is_file():
        return []
    from doctor.project.memo import remember

    return remember("pyproject", (path,), "requires-python", lambda: _requires_python(path))


def _requires_python(path: Path) -> list[Declared]:
    lines = _lines(path)
    if not lines:
        return []
    from doctor import lean_toml as tomllib  # here: ~5 ms to import, and only a pyproject.toml needs it

    try:
        data = tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError:
        return []
    project = data.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(spec, str) or not spec.strip():
        return _poetry_python(path, data, lines)
    line = next((n for n, text in enumerate(lines, 1) if text.strip().startswith("requires-python")), None)
    return [Declared("python", Location(path, line), f"requires-python {spec.strip()}", spec=spec.strip())]


LOCKS = ("uv.lock",)  # the lockfiles whose requires-python runtime-drift reads


def uv_lock(path: Path) -> list[Declared]:
    """uv.lock's `requires-python = "==3.13.*"`: the range the lock was resolved for, which
    `uv sync --frozen` installs against. Only its header is read (before the first table): the lock
    itself can run to megabytes."""
    from doctor.regular import read_bytes

    try:  # its first 4 KiB, through the one bounded reader (a FIFO or a device named uv.lock is refused)
        head = read_bytes(path, 4096, head=True).decode("utf-8", "replace")
    except OSError:
        return []
    for number, line in enumerate(head.splitlines()[:50], 1):
        if line.startswith("["):
            return []
        key, equals, value = line.partition("=")
        spec = value.strip().strip('"').strip() if equals and key.strip() == "requires-python" else ""
        if spec:
            return [Declared("python", Location(path, number), f"requires-python {spec}", spec=spec)]
    return []


_POETRY_CLAUSE = lazy(r"\s*(\^|~=|~|===|==|!=|<=|>=|<|>|=)?\s*v?(\d+(?:\.\d+)*)(\.\*)?\s*(?:,|$|(?=[\s^~=!<>]))")


def _poetry_python(path: Path, data: dict[str, object], lines: list[str]) -> list[Declared]:
    """Poetry's `[tool.poetry.dependencies] python = "^3.11"` (where no `requires-python` says it)."""
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    value = dependencies.get("python") if isinstance(dependencies, dict) else None
    value = value.get("version") if isinstance(value, dict) else value
    spec = poetry_spec(value) if isinstance(value, str) else ""
    if not spec:
        return []
    start = next((n for n, text in enumerate(lines) if text.strip() == "[tool.poetry.dependencies]"), len(lines))
    line = next((n + 1 for n in range(start + 1, len(lines)) if re.match(r"\s*[\"']?python[\"']?\s*=", lines[n])),
                None)
    return [Declared("python", Location(path, line), f"poetry python {str(value).strip()}", spec=spec)]


def poetry_spec(constraint: str) -> str:
    """A Poetry version constraint as the PEP 440 range it means (`^3.11` -> `>=3.11,<4.0`, `~3.11`
    -> `>=3.11,<3.12`, `3.11` -> `==3.11.*`); "" for none (`*`) or what is not read (`^3.9 || ^3.11`)."""
    text, clauses, position = constraint.strip(), [], 0
    while position < len(text):
        found = _POETRY_CLAUSE.match(text, position)
        if found is None or found.end() == position:
            return ""
        position = found.end()
        op, raw, star = found.group(1) or "", found.group(2), found.group(3)
        parts = [int(p) for p in raw.split(".")]
        if op in ("^", "~") and not star:
            # ^: the first non-zero part stays (^3.11 is 3.x); ~: the minor stays (~3.11.2 is 3.11.x), ~3 is 3.x
            first = next((i for i, p in enumerate(parts) if p), len(parts) - 1) if op == "^" else min(len(parts) - 1, 1)
            upper = [*parts[:first], parts[first] + 1]
            clauses += [f">={raw}", f"<{'.'.join(map(str, upper))}{'.0' if len(upper) == 1 else ''}"]
        elif op in ("", "=", "==", "==="):
            clauses.append(f"=={raw}.*" if star or len(parts) < 3 else f"=={raw}")
        elif op == "!=" or (not star and op not in ("^", "~")):
            clauses.append(f"{op}{raw}{star or ''}")
        else:
            return ""
    return ",".join(clauses)


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


def _workflow(path: Path, folders: Collection[str] | None = None,
              skip: Collection[tuple[str, int | None]] = ()) -> list[Declared]:
    """The pins of one workflow; `skip`: (runtime, first line) of the jobs whose pins of that
    runtime are no voice (they work in another folder)."""
    from doctor.project.ciimages import default_directory
    from doctor.project.workflow_env import Scopes, env_value, with_env
    from doctor.project.yamlload import YamlError, YList, YMap, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError):
        return []
    found: list[Declared | None] = []

    def walk(node: object, default: str | None, job: object = None, matrix: bool = False, scopes: Scopes = (),
             skipped: Collection[str] = ()) -> None:
        if isinstance(node, YMap):
            scopes = with_env(node, scopes)  # the workflow's, a job's or a step's `env:`
            for key, value in node.items():
                runtime = _WORKFLOW_KEYS.get(key) or (_MATRIX_KEYS.get(key) if matrix else None)
                where = node.loc_of(key)
                if runtime is not None and where is not None and runtime not in skipped:
                    # a matrix value only where a step uses it (`node-version: ${{ matrix.node-version }}`):
                    # django-react-boilerplate's deploy job lists node 20.13 and runs git alone
                    if matrix and not _mentions(job, "matrix." + str(key)):
                        continue
                    named_env = env_value(value, scopes) if not matrix and isinstance(value, str) else None
                    if named_env is not None:  # `${{ env.PYTHON_VERSION }}`: pinned where that env: writes it
                        written, at, name = named_env
                        found.append(_pinned(runtime, at, f"CI env {name}", list(written) if isinstance(
                            written, YList) else [written]))
                        continue
                    if not matrix and isinstance(value, str) and "${{" in value:
                        # `python-version: ${{ matrix.python }}`: the versions of the job's matrix key
                        # (a matrix key named `python-version` is read where it is listed, above)
                        named = _matrix_key(value)
                        if named is not None and named not in _WORKFLOW_KEYS:
                            found.extend(_pinned(runtime, at, f"CI matrix {named}", items)
                                         for items, at in _matrix_values(job, named))
                        continue
                    found.append(_pinned(runtime, where, f"CI {key}", list(value) if isinstance(value, YList)
                                         else [value]))
                elif key == "jobs" and isinstance(value, YMap):
                    for name, each in value.items():  # (an expression: where it runs is not known, so it counts)
                        first = (value.loc_of(name) or Location(path)).line
                        if _checks_out_another_repo(each):
                            continue  # openlibrary's docs job: setup-node for the wiki's package.json
                        if folders is None or default_directory(each, default) in (None, *folders):
                            walk(each, default, each, scopes=scopes, skipped={r for r, n in skip if n == first})
                else:
                    walk(value, default, job, matrix or (key == "matrix" and job is not None), scopes, skipped)
        elif isinstance(node, YList):
            for item in node:
                walk(item, default, job, matrix, scopes, skipped)

    for doc in docs:
        walk(doc, default_directory(doc, "."))
    # a matrix key read both where it is listed (_MATRIX_KEYS) and through the setup step that names it
    # (`python-version: ${{ matrix.python }}`): once, as the step's
    by_place: dict[tuple[str, Location], Declared] = {}
    for declared in found:
        if declared is None:
            continue
        place = (declared.runtime, declared.location)
        if place not in by_place or declared.source.startswith("CI matrix "):
            by_place[place] = declared
    return list(by_place.values())


def _checks_out_another_repo(job: object) -> bool:
    """Whether every `actions/checkout` step of the job checks out another repository
    (`repository: internetarchive/openlibrary.wiki`): its runtime pins are that repository's,
    not this one's. A job that also checks out its own (no `repository:`, or
    `${{ github.repository }}`) keeps them, and so does one with no checkout step."""
    steps = job.get("steps") if isinstance(job, dict) else None
    if not isinstance(steps, list):
        return False
    others = False
    for step in steps:
        uses = step.get("uses") if isinstance(step, dict) else None
        if not isinstance(uses, str) or uses.split("@", 1)[0].strip().lower() != "actions/checkout":
            continue
        given = step.get("with")
        repository = given.get("repository") if isinstance(given, dict) else None
        if not isinstance(repository, str) or not repository.strip() or "github.repository" in repository:
            return False
        others = True
    return others


def _pinned(runtime: str, at: Location, label: str, items: list[object]) -> Declared | None:
    """The versions CI pins at `at` (`label: 3.11, 3.12`), or None unless every item is one."""
    versions = [_VERSION.match(str(v)) for v in items if "${{" not in str(v)]
    pinned = tuple(v.group(1) for v in versions if v is not None)
    if not pinned or len(pinned) != len(items):
        return None
    return Declared(runtime, at, f"{label}: {', '.join(str(v) for v in items)}", pinned)


def _matrix_key(value: str) -> str | None:
    """The key of `${{ matrix.KEY }}`, or None for another expression."""
    inner = value.strip()
    if not (inner.startswith("${{") and inner.endswith("}}")):
        return None
    name = inner[3:-2].strip()
    if not name.startswith("matrix."):
        return None
    key = name[len("matrix."):]
    return key if key and all(c.isalnum() or c in "-_" for c in key) else None


def _matrix_values(job: object, key: str) -> list[tuple[list[object], Location]]:
    """The values a job's `strategy.matrix` lists for `key` (its list, and each `include:` entry's),
    each with where it is written."""
    from doctor.project.yamlload import YList, YMap

    strategy = job.get("strategy") if isinstance(job, YMap) else None
    matrix = strategy.get("matrix") if isinstance(strategy, YMap) else None
    if not isinstance(matrix, YMap):
        return []
    found: list[tuple[list[object], Location]] = []
    value, at = matrix.get(key), matrix.loc_of(key)
    if value is not None and at is not None and not isinstance(value, YMap):
        found.append((list(value) if isinstance(value, YList) else [value], at))
    include = matrix.get("include")
    for entry in include if isinstance(include, YList) else ():
        value = entry.get(key) if isinstance(entry, YMap) else None
        if value is not None and not isinstance(value, (YMap, YList)) and (where := entry.loc_of(key)) is not None:
            found.append(([value], where))
    return found


def _mentions(node: object, text: str) -> bool:
    """Whether a string of the node (a job: its steps' `with:` and `run:`) holds `text`."""
    from doctor.project.yamlload import YList, YMap

    if isinstance(node, YMap):
        return any(_mentions(value, text) for key, value in node.items() if key != "strategy")
    if isinstance(node, YList):
        return any(_mentions(item, text) for item in node)
    return isinstance(node, str) and text in node


def _lines(path: Path) -> list[str]:
    try:
        return read_text(path, encoding="utf-8-sig", errors="strict").splitlines() if path.is_file() else []
    except UnicodeDecodeError:
        return []
    except OSError:
        from doctor.project.memo import unreadable

        unreadable()
        return []


def parse_version(text: str) -> tuple[int, ...]:
    """`3.12.1` -> (3, 12, 1); `v20` -> (20,); () when not a version."""
    found = _VERSION.match(text.strip())
    return tuple(int(part) for part in found.group(1).split(".")) if found else ()


def pins_agree(a: str, b: str) -> bool:
    """Whether two pinned versions can be the same interpreter: one is a prefix of the other (3.12 ~ 3.12.4)."""
    left, right = parse_version(a), parse_version(b)
    shortest = min(len(left), len(right))
    return left[:shortest] == right[:shortest]


def satisfies(version: str, spec: str, runtime: str) -> bool:
    """Whether some release of a pinned version (3.12 = any 3.12.x) can satisfy the range `spec`."""
    parts = parse_version(version)
    if not parts or (runtime == "python" and len(parts) < 2):
        return True  # `python:3` names no minor: too loose to call drift against a range
    # a short pin stands for its whole series: try its lowest and a high member
    low = (*parts, 0, 0, 0)[:3]
    high = (*parts, 999, 999, 999)[:3]
    check = _python_ok if runtime == "python" else _node_ok
    try:
        return check(low, spec) or check(high, spec)
    except ValueError:
        return True  # a range we cannot read is never reported as drift


_PYTHON_CLAUSE = lazy(r"^(~=|===|==|!=|<=|>=|<|>)\s*([\d.]+)(\.\*)?$")


def _python_ok(version: tuple[int, ...], spec: str) -> bool:
    for clause in (c.strip() for c in spec.split(",") if c.strip()):
        match = _PYTHON_CLAUSE.match(clause)
        if match is None:
            raise ValueError(clause)
        op, raw, star = match.groups()
        other = tuple(int(p) for p in raw.strip(".").split("."))
        if not _compare(version, op, other, bool(star)):
            return False
    return True


def _compare(version: tuple[int, ...], op: str, other: tuple[int, ...], star: bool) -> bool:
    size = max(len(other), 3)
    padded = (other + (0,) * size)[:size]
    mine = (version + (0,) * size)[:size]
    if op in ("==", "===", "!="):
        same = mine[: len(other)] == other if star else mine == padded
        return same if op != "!=" else not same
    if op == "~=":
        prefix = other[:-1]
        return mine >= padded and mine[: len(prefix)] == prefix
    return {"<=": mine <= padded, ">=": mine >= padded, "<": mine < padded, ">": mine > padded}[op]


def _node_ok(version: tuple[int, ...], spec: str) -> bool:
    return any(_node_set(version, alt.strip()) for alt in spec.split("||"))


def _node_set(version: tuple[int, ...], text: str) -> bool:
    if not text or text in ("*", "x", "latest"):
        return True
    hyphen = re.match(r"^([\d.x*]+)\s+-\s+([\d.x*]+)$", text)
    if hyphen:
        return _node_set(version, f">={hyphen.group(1)}") and _node_set(version, f"<={hyphen.group(2)}")
    for clause in text.split():
        match = re.match(r"^(\^|~|>=|<=|>|<|=)?v?([\d]+(?:\.[\dxX*]+){0,2}|[xX*])$", clause)
        if match is None:
            raise ValueError(clause)
        op, raw = match.group(1) or "", match.group(2)
        fixed = tuple(int(p) for p in raw.split(".") if p.isdigit())
        if not fixed:
            continue
        padded = (*fixed, 0, 0, 0)[:3]
        if op == "^":
            upper = (fixed[0] + 1, 0, 0) if fixed[0] else (0, fixed[1] + 1 if len(fixed) > 1 else 1, 0)
            ok = padded <= version < upper
        elif op == "~":
            upper = (fixed[0], fixed[1] + 1, 0) if len(fixed) > 1 else (fixed[0] + 1, 0, 0)
            ok = padded <= version < upper
        elif op in ("", "="):
            ok = version[: len(fixed)] == fixed
        else:
            ok = _compare(version, op, fixed, False)
        if not ok:
            return False
    return True
