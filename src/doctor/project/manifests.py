"""The dependency manifests of a folder: what an image built from it installs.

pyproject.toml (`[project].dependencies`, Poetry's `[tool.poetry.dependencies]`),
requirements*.txt and package.json (`dependencies`). Only unconditional runtime
requirements are kept: one behind an environment marker may not apply to this machine.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path

from doctor.lazyre import lazy
from doctor.lean_imports import glob_patterns
from doctor.model import Location, record
from doctor.project.reading import glob, is_file, parse_json, read_regular_text
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_NAME = lazy(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_SEPARATORS = lazy(r"[-_.]+")
# distribution -> top-level module, for the common packages whose names differ
MODULES = {
    "pyyaml": "yaml", "python-dotenv": "dotenv", "beautifulsoup4": "bs4", "pillow": "PIL",
    "scikit-learn": "sklearn", "psycopg2-binary": "psycopg2", "psycopg-binary": "psycopg",
    "python-jose": "jose", "python-multipart": "multipart", "opencv-python": "cv2",
    "opencv-python-headless": "cv2", "attrs": "attr", "pyjwt": "jwt", "email-validator": "email_validator",
    "django-environ": "environ", "djangorestframework": "rest_framework", "msgpack-python": "msgpack",
    "protobuf": "google.protobuf", "google-cloud-storage": "google.cloud.storage", "pymysql": "pymysql",
    "mysqlclient": "MySQLdb", "python-dateutil": "dateutil", "typing-extensions": "typing_extensions",
}


class Language(enum.Enum):
    """The ecosystem of a manifest."""

    PYTHON = "python"
    NODE = "node"
    # a runtime doctor reads no manifest of (Elixir's mix, Ruby's bundle): only doctor.project.toolchains'
    # homes, where `doctor exec` runs such a program, have it
    OTHER = "other"


@record
class Requirement:
    """One declared dependency: its normalized distribution name and the module it provides."""

    name: str
    module: str
    location: Location


@record
class Manifest:
    """A dependency manifest and its unconditional runtime requirements."""

    path: Path
    language: Language
    requirements: tuple[Requirement, ...]


def normalize(name: str) -> str:
    """PEP 503 normalization: `Foo_Bar.baz` -> `foo-bar-baz`."""
    return _SEPARATORS.sub("-", name).lower()


def module_of(name: str) -> str:
    return MODULES.get(normalize(name), normalize(name).replace("-", "_"))


def read_manifests(directory: Path) -> tuple[Manifest, ...]:
    """The manifests found directly in `directory` (a build context)."""
    found: list[Manifest] = []
    pyproject = _pyproject(directory / "pyproject.toml")
    if pyproject is not None:
        found.append(pyproject)
    for path in glob(directory, "requirements*.txt"):
        found.append(_requirements_txt(path))
    node = _package_json(directory / "package.json")
    if node is not None:
        found.append(node)
    return tuple(found)


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _requirement(spec: str, path: Path, line: int | None) -> Requirement | None:
    if ";" in spec or spec.strip().startswith(("-", "git+", "http:", "https:", "file:", ".", "/")):
        return None
    match = _NAME.match(spec)
    if match is None:
        return None
    return Requirement(normalize(match.group(1)), module_of(match.group(1)), Location(path, line))


def _pyproject(path: Path) -> Manifest | None:
    return _from_pyproject(path, "manifest", _pyproject_manifest)


def _from_pyproject(path: Path, key: str, build: Callable[[Path, str, dict[str, Any]], Manifest | None]
                    ) -> Manifest | None:
    """`build(path, text, table)` of a pyproject.toml, remembered under `key` while the file is
    unchanged (a warm run parses no TOML); None where it is absent or does not parse."""
    if not is_file(path) or sys.version_info < (3, 11):
        return None
    from doctor.project.memo import remember

    def parsed() -> Manifest | None:
        text = read_regular_text(path)
        data = _toml(text) if text is not None else None
        return build(path, text, data) if text is not None and data is not None else None

    return remember("pyproject", (path,), key, parsed)


def _toml(text: str) -> dict[str, Any] | None:
    """The TOML document's table, None where it does not parse."""
    from doctor import lean_toml as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _pyproject_manifest(path: Path, text: str, data: dict[str, Any]) -> Manifest | None:
    own = normalize(str(data.get("project", {}).get("name", "")))
    specs: list[str] = [d for d in data.get("project", {}).get("dependencies", []) if isinstance(d, str)]
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    if isinstance(poetry, dict):
        specs += [name for name, value in poetry.items()
                  if name.lower() != "python" and not (isinstance(value, dict) and ("markers" in value or
                                                                                    value.get("optional")))]
    requirements = []
    for spec in specs:
        found = _requirement(spec, path, _line_of(text, spec))
        if found is not None and found.name != own:
            requirements.append(found)
    return Manifest(path, Language.PYTHON, tuple(requirements))


def dev_groups_manifest(path: Path) -> Manifest | None:
    """The development groups of a pyproject.toml that `uv sync` and `poetry install` install by
    default: uv's `[dependency-groups]` named by `tool.uv.default-groups` (`dev` unless set), Poetry's
    groups that are not optional and its old `dev-dependencies`; None without any."""
    return _from_pyproject(path, "dev-groups", _dev_groups_manifest)


def _dev_groups_manifest(path: Path, text: str, data: dict[str, Any]) -> Manifest | None:
    specs: list[str] = []
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        default = data.get("tool", {}).get("uv", {}).get("default-groups", ["dev"])
        chosen = list(groups) if default == "all" else default if isinstance(default, list) else ["dev"]
        specs += [spec for name in chosen if isinstance(groups.get(name), list)
                  for spec in groups[name] if isinstance(spec, str)]
    poetry = data.get("tool", {}).get("poetry", {})
    poetry_groups = poetry.get("group") if isinstance(poetry, dict) else None
    for group in poetry_groups.values() if isinstance(poetry_groups, dict) else ():
        if isinstance(group, dict) and not group.get("optional") and isinstance(group.get("dependencies"), dict):
            specs += [name for name in group["dependencies"] if isinstance(name, str)]
    if isinstance(poetry, dict) and isinstance(poetry.get("dev-dependencies"), dict):
        specs += [name for name in poetry["dev-dependencies"] if isinstance(name, str)]
    requirements = [found for spec in specs if (found := _requirement(spec, path, _line_of(text, spec))) is not None]
    return Manifest(path, Language.PYTHON, tuple(requirements)) if requirements else None


def requirements_manifest(path: Path) -> Manifest:
    """The manifest of one requirements file, wherever it lies (`requirements/tests.txt`, which
    read_manifests of its folder does not read: an image installs it when its RUN names it)."""
    return _requirements_txt(path)


def _requirements_txt(path: Path) -> Manifest:
    """A requirements file's packages, with those of the files it includes (`-r requirements/base.txt`,
    `--requirement=dev.txt`: relative to its own folder, as pip reads them; `-c` constraints install
    nothing). bakerydemo's requirements.txt holds one `-r` line and nothing else."""
    requirements: list[Requirement] = []
    _requirement_lines(path, requirements, {path.resolve()})
    return Manifest(path, Language.PYTHON, tuple(requirements))


MAX_INCLUDED = 32  # requirements files one manifest may pull in through -r (a cycle is read once)


def _requirement_lines(path: Path, requirements: list[Requirement], read: set[Path]) -> None:
    lines = text_lines(read_regular_text(path) or "")
    for number, line in enumerate(lines, 1):
        spec = line.split(" #", 1)[0].strip()
        if not spec or spec.startswith("#"):
            continue
        included = _INCLUDE.fullmatch(spec)
        if included is not None:
            target = (path.parent / included.group(1).strip("\"'")).resolve()
            if target not in read and len(read) < MAX_INCLUDED and is_file(target):
                read.add(target)
                _requirement_lines(target, requirements, read)
            continue
        found = _requirement(spec, path, number)
        if found is not None:
            requirements.append(found)


_INCLUDE = lazy(r"(?:-r\s*|--requirement(?:\s+|\s*=\s*))(\S+)")


def _package_json(path: Path) -> Manifest | None:
    try:
        text = read_regular_text(path)
        data = parse_json(text) if text is not None else None
    except ValueError:  # invalid, or nested too deep to parse
        return None
    if not isinstance(data, dict) or text is None:
        return None
    deps = data.get("dependencies")
    names = [name for name in deps if isinstance(name, str)] if isinstance(deps, dict) else []
    requirements = tuple(Requirement(name, name, Location(path, _line_of(text, json.dumps(name))))
                         for name in names)
    return Manifest(path, Language.NODE, requirements)


_DEV_LISTS = ("requirements*.txt", "*requirements.txt", "dev*.txt", "test*.txt", "development.txt",
              "requirements/*.txt")
# the wildcard parts of the globs above, compiled from the regex table (doctor.lean_imports.glob_patterns)
_GLOBS = glob_patterns("requirements*.txt", "*requirements.txt", "dev*.txt", "test*.txt", "*.txt")


def dev_listing(folder: Path, name: str, installed: Path) -> Path | None:
    """The file beside an installed requirements file that lists `name` for development (pyproject's
    `[dependency-groups]`, `[project.optional-dependencies]` or Poetry's groups; a requirements-dev.txt,
    development.txt or requirements/test.txt), when `installed` does not: CTFd's image installs
    requirements.txt (`uv export --no-dev`) and pytest is in pyproject's dev group."""
    wanted = normalize(name)
    listings = dict.fromkeys(path for pattern in _DEV_LISTS for path in glob(folder, pattern))
    for path in listings:  # each file once, though two patterns match it
        if path != installed and any(_brings(r.name, wanted) for r in _requirements_txt(path).requirements):
            return path
    pyproject = folder / "pyproject.toml"
    if not is_file(pyproject) or sys.version_info < (3, 11):
        return None
    from doctor.project.memo import remember

    # remembered while the file is unchanged: a warm run parses no TOML
    listed = remember("pyproject-dev", (pyproject,), wanted, lambda: _dev_listed(pyproject, wanted))
    return pyproject if listed else None


def read_requirements(path: Path) -> Manifest:
    """A requirements file of any name (plane's requirements/local.txt, which read_manifests, reading
    a build context's `requirements*.txt`, does not find), with the files its `-r` lines include."""
    return _requirements_txt(path)


def plugins_beside(listed: Path, name: str) -> tuple[str, ...]:
    """The plugins of a tool a requirements file lists beside it (plane's requirements/test.txt:
    pytest-django, pytest-cov; its pytest.ini needs the first): what installing the tool alone leaves
    out. Empty for a pyproject, whose groups and extras are installed by name, not read here."""
    if listed.suffix != ".txt":
        return ()
    wanted = normalize(name)
    return tuple(dict.fromkeys(r.name for r in _requirements_txt(listed).requirements
                               if r.name.startswith(wanted + "-")))


def _dev_listed(pyproject: Path, wanted: str) -> bool:
    """Whether pyproject.toml lists the (normalized) name, or a package named after it, in a
    dependency group, an extra or a Poetry group."""
    text = read_regular_text(pyproject)
    if text is None or wanted not in text.lower().replace("_", "-"):
        return False
    data = _toml(text)
    if data is None:
        return False
    groups: list[object] = []
    for table in (data.get("dependency-groups"), data.get("project", {}).get("optional-dependencies")):
        if isinstance(table, dict):
            groups += [spec for specs in table.values() if isinstance(specs, list) for spec in specs]
    poetry = data.get("tool", {}).get("poetry", {})
    for group in (poetry.get("group") or {}).values() if isinstance(poetry.get("group"), dict) else ():
        if isinstance(group, dict) and isinstance(group.get("dependencies"), dict):
            groups += list(group["dependencies"])
    if isinstance(poetry.get("dev-dependencies"), dict):
        groups += list(poetry["dev-dependencies"])
    for spec in groups:
        found = _NAME.match(spec) if isinstance(spec, str) else None
        if found is not None and _brings(normalize(found.group(1)), wanted):
            return True
    return False


def _brings(listed: str, wanted: str) -> bool:
    """Whether a listed package brings the tool: itself, or one named after it that depends on it
    (mealie's dev group lists mkdocs-material, which installs mkdocs; pytest-asyncio brings pytest)."""
    return listed == wanted or listed.startswith(wanted + "-")
