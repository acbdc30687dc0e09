"""Service volume entries as compose reads them: compose-go `format.ParseVolume` plus long syntax.

A short-syntax source starting with `.`, `/`, `~` (or a Windows drive / `\\\\`) is a bind,
anything else is a named volume. Relative bind sources resolve against the base directory
(the project directory, or the extended/included file's own), `~` against $HOME.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from doctor.model import Location
from doctor.project.types import Mount

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.project.yamlload import YMap

_TRUE = ("true", "True", "TRUE", "1", "yes", "y", "on")


class VolumeError(ValueError):
    """A volume spec compose rejects."""


def parse_volume(value: Any, location: Location | None, base: Path, home: str | None) -> Mount:
    # the loader's own modules, imported by the loader: a check that only splits a spec written in
    # the model (split_short) must not import them, and PyYAML with them, in a warm preflight
    from doctor.project.filetree import failed, raw_text
    from doctor.project.goscalar import stringify
    from doctor.project.yamlload import YMap

    """One `volumes:` entry of a service as a Mount with an absolute bind source."""
    if isinstance(value, YMap):
        return _long(value, location, base, home)
    if not isinstance(value, str):
        raise VolumeError(f"invalid volume specification {stringify(value)!r}")
    if failed(value):
        raise VolumeError("")
    source, target, options = split_short(value)
    raw = raw_text(value)
    read_only = False
    for option in options.split(",") if options else ():
        if option == "ro":
            read_only = True
        elif option == "rw":
            read_only = False
    if not source:
        return Mount("volume", None, clean_target(target), read_only, False, location, raw)
    if is_file_path(source):
        return Mount("bind", resolve_source(source, base, home), clean_target(target), read_only, True,
                      location, raw, source.startswith("."))
    return Mount("volume", source, clean_target(target), read_only, False, location, raw)


def split_short(spec: str) -> tuple[str, str, str]:
    """(source, target, options) of `SOURCE:TARGET[:MODE]`; a lone target is anonymous."""
    if not spec:
        raise VolumeError("invalid empty volume spec")
    if len(spec) <= 2:
        return "", spec, ""
    fields: list[str] = []
    buffer: list[str] = []
    depth = 0
    index = 0
    while index < len(spec):
        char = spec[index]
        if char == ":" and len(buffer) == 1 and buffer[0].isalpha():
            buffer.append(char)  # a Windows drive letter (`C:`) is part of the path
        elif char == "$" and spec.startswith("${", index):
            depth += 1
            buffer.append(char)
        elif char == "}" and depth > 0:
            depth -= 1
            buffer.append(char)
        elif char == ":" and depth == 0:
            _push(fields, buffer, spec)
            buffer = []
        else:
            buffer.append(char)
        index += 1
    if not buffer:
        raise VolumeError(f"invalid spec: {spec}: empty section between colons")
    fields.append("".join(buffer))
    if len(fields) == 1:
        return "", fields[0], ""
    if len(fields) > 3:
        raise VolumeError(f"invalid spec: {spec}: too many colons")
    return fields[0], fields[1], fields[2] if len(fields) == 3 else ""


def _push(fields: list[str], buffer: list[str], spec: str) -> None:
    if not buffer:
        raise VolumeError(f"invalid spec: {spec}: empty section between colons")
    if len(fields) >= 2:
        raise VolumeError(f"invalid spec: {spec}: too many colons")
    fields.append("".join(buffer))


def is_file_path(source: str) -> bool:
    """compose-go isFilePath: what makes a short-syntax source a bind rather than a volume name."""
    if not source:
        return False
    if source[0] in "./~" or source.startswith("\\\\"):
        return True
    return len(source) >= 2 and source[0].isalpha() and source[1] == ":"


def resolve_source(source: str, base: Path, home: str | None) -> str:
    """A bind source made absolute: `~` is $HOME (no user lookup), relative joins `base`."""
    if source.startswith("~") and home:
        return os.path.normpath(f"{home}/{source[1:]}")
    if posixpath.isabs(source) or (len(source) >= 2 and source[1] == ":") or source.startswith("\\\\"):
        return source
    return os.path.normpath(os.path.join(base, source))


def clean_target(target: str) -> str:
    return posixpath.normpath(target) if target.startswith("/") else target


def _long(entry: YMap, location: Location | None, base: Path, home: str | None) -> Mount:
    from doctor.project.filetree import failed, raw_text
    from doctor.project.goscalar import stringify
    from doctor.project.yamlload import YMap

    if any(failed(v) for v in entry.values()):
        raise VolumeError("")
    kind = stringify(entry.get("type") or "")
    if not kind:
        raise VolumeError("volume definition is missing the required 'type'")
    target = stringify(entry.get("target") or "")
    source_value = entry.get("source")
    source = None if source_value in (None, "") else stringify(source_value)
    read_only = stringify(entry.get("read_only", False)) in _TRUE
    create = True
    bind = entry.get("bind")
    relative = False
    if kind == "bind":
        if source is None:
            raise VolumeError("bind mount is missing its 'source'")
        relative = source.startswith(".")
        source = resolve_source(source, base, home)
        if isinstance(bind, YMap):
            # compose v2.40.3 (compose-go v2.9.1): a bind block without the key means false
            create = stringify(bind.get("create_host_path", False)) in _TRUE
    else:
        create = False
    return Mount(kind, source, clean_target(target), read_only, create, location,
                 raw_text(source_value) if source_value is not None else "", relative)


def unique_mounts(mounts: list[Mount]) -> list[Mount]:
    """compose's unicity by target: first position, last value."""
    order: dict[str, int] = {}
    out: list[Mount] = []
    for mount in mounts:
        key = clean_target(mount.target)
        if key in order:
            out[order[key]] = mount
        else:
            order[key] = len(out)
            out.append(mount)
    return out
