"""`include`: another compose project loaded on its own and imported (compose-go include.go, v2.9.1).

Each entry has its own project directory (the first file's, or `project_directory` against the
including base) and environment (the includer's values win over its env files). Imported
resources must not clash with the including file's, unless identical (compose v2.40.x).
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.model import Location, fields, is_dataclass, replace
from doctor.project.envfile import read_env_file
from doctor.project.goscalar import stringify
from doctor.project.inputs import env_copy, probed
from doctor.project.reading import file_or_unreachable, is_file
from doctor.project.types import ProblemKind
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.project.assemble import Assembler, Scope

IMPORTED = ("services", "volumes", "networks", "secrets", "configs", "models")


def apply_include(assembler: Assembler, doc: YMap, scope: Scope) -> None:
    """Import every `include` entry of the document into it; remove the `include` key."""
    entries = doc.pop("include")
    location = doc.loc_of("include")
    if entries is None:
        return
    if not isinstance(entries, YList):
        assembler.shape("include must be a array", location)
        return
    for index, entry in enumerate(entries):
        _include_one(assembler, doc, scope, entry, entries.loc_of(index))


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [stringify(v) for v in value]
    return [stringify(value)]


def _include_one(assembler: Assembler, doc: YMap, scope: Scope, entry: Any, loc: Location | None) -> None:
    if isinstance(entry, YMap):
        paths, project_dir_text, env_files = _strings(entry.get("path")), entry.get("project_directory"), \
            entry.get("env_file")
    else:
        paths, project_dir_text, env_files = _strings(entry), None, None
    if not paths:
        assembler.problem(ProblemKind.SCHEMA, "include entry needs a path", loc)
        return
    files = [Path(os.path.normpath(os.path.join(scope.base, os.path.expanduser(p)))) for p in paths]
    if project_dir_text:
        project_dir = Path(os.path.normpath(os.path.join(scope.base, stringify(project_dir_text))))
    else:
        project_dir = files[0].parent
    if files[0] in scope.included:
        assembler.problem(ProblemKind.REFERENCE, f"include cycle detected: {files[0]}", loc)
        return
    for path in files:
        probed(path)
        if not file_or_unreachable(path):  # one this user cannot reach is read: 'cannot read compose file'
            assembler.problem(ProblemKind.REFERENCE, f"included file {path} not found", loc)
            return
    read = _include_env(assembler, scope, project_dir, _strings(env_files), loc)
    if read is None:
        return
    env, env_paths = read
    chain = (*scope.env_files, *reversed(env_paths))
    for path in files:
        assembler.include_env.setdefault(path, chain)
    sub_scope = replace(scope, base=project_dir, env=env, included=(*scope.included, files[0]), env_files=chain)
    imported = assembler.load_files(files, sub_scope)
    for key in IMPORTED:
        resources = imported.get(key)
        if not isinstance(resources, YMap):
            continue
        target = doc.get(key)
        if not isinstance(target, YMap):
            target = YMap(resources.loc)
            doc[key] = target
        for name, value in resources.items():
            if name in target and _comparable(target[name]) != _comparable(value):
                assembler.problem(ProblemKind.REFERENCE, f"{key}.{name} conflicts with imported resource",
                                  target.loc_of(name))
                continue
            target[name] = value
            target.locs[name] = resources.loc_of(name) or Location(files[0])


def _include_env(assembler: Assembler, scope: Scope, project_dir: Path, env_files: list[str],
                 loc: Location | None) -> tuple[dict[str, str], list[Path]] | None:
    """The includer's env plus the included env files' keys it does not have, and those files."""
    paths: list[Path] = []
    if not env_files:
        default = project_dir / ".env"
        probed(default)
        if is_file(default):  # compose opens the included file first, and says so where it cannot
            paths.append(default)
    for text in env_files:
        if text == "/dev/null":
            continue
        path = Path(os.path.normpath(os.path.join(scope.base, text)))
        probed(path)
        if not file_or_unreachable(path):
            assembler.problem(ProblemKind.ENV_FILE, f"include env_file {path} not found", loc)
            return None
        paths.append(path)
    env = env_copy(scope.env)
    read: dict[str, str] = {}
    for path in paths:
        parsed = read_env_file(path, lambda name: scope.env.get(name, read.get(name)))
        assembler.problems.extend(parsed.problems)
        read.update(parsed.as_dict())
    for key, value in read.items():
        env.setdefault(key, value)
    return env, paths


def _comparable(value: Any) -> Any:
    """A value with locations stripped, to tell a true conflict from the same definition twice."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _comparable(getattr(value, f.name)) for f in fields(value)
                if f.name != "location"}
    return value
