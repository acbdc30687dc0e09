"""Text edits the checks' fixes are made of: a value on its defining line, an entry in the dev override.

A value is replaced on its own line (old line -> new line); the override is rewritten whole by
project.yamledit (round-trip YAML, comments kept). Where an exact edit is not safe to compute
(a value built by interpolation, an override yamledit refuses) these return None and the check
falls back to advice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from doctor.model import Edit
from doctor.project import Project
from doctor.project.types import EnvVar


def line_text(path: Path, line: int | None) -> str | None:
    """The text of a 1-based line, without its newline, or None when unreadable."""
    if line is None or line < 1:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[line - 1] if line <= len(lines) else None


def replace_on_line(path: Path, line: int | None, pattern: str, new: str) -> Edit | None:
    """An Edit replacing the single match of `pattern` on that line by `new`; None unless exactly one."""
    text = line_text(path, line)
    if text is None:
        return None
    matches = list(re.finditer(pattern, text))
    if len(matches) != 1:
        return None
    found = matches[0]
    return Edit(path, text, text[: found.start()] + new + text[found.end() :], line)


def dev_override(project: Project) -> Path | None:
    """The dev override a fix writes to: always a file compose will read for this project.

    The loaded override (`compose.override.yaml`, `docker-compose.override.yml`, any
    `*.override.*`); else, when the files are named explicitly (-f, a file path, COMPOSE_FILE
    from the shell or `.env`) and there are several, the last of them (compose reads it and it
    wins the merge); else, under default discovery, a new override beside the main file. None
    when one explicit file is all compose reads: a new override there would never be read.
    """
    from doctor.project.discover import OVERRIDE_NAMES

    model = project.compose
    loaded = [f for f in model.files if f.name in OVERRIDE_NAMES or ".override." in f.name]
    if loaded:
        return loaded[-1]
    options = project.options
    explicit = bool(options.files) or not Path(options.path).is_dir() or "COMPOSE_FILE" in model.variables
    if explicit:
        return model.files[-1] if len(model.files) > 1 else None
    if not model.files:
        return None
    main = model.files[0]
    name = "docker-compose.override.yml" if main.name.startswith("docker-") else "compose.override.yaml"
    return main.parent / name


Wanted = Mapping[str, Mapping[str, str] | Sequence[str]]


def override_edit(path: Path, section: str, wanted: Wanted) -> Edit | None:
    """The whole-file Edit adding env keys (section "environment") or short-syntax volumes to services.

    `$` in env values is doubled so compose does not interpolate it. None when the override
    cannot be edited safely (not YAML, flow style in the way, a shared anchor).
    """
    # imported here: ruamel.yaml is needed only when a fix is built, never on a clean run
    from doctor.project.yamledit import YamlEditError, add_environment, add_volume, read_text, whole_file_edit

    try:
        text = read_text(path)
        for service, items in wanted.items():
            if section == "environment" and isinstance(items, Mapping):
                text = add_environment(text, service, {k: v.replace("$", "$$") for k, v in items.items()})
            else:
                for volume in items:
                    text = add_volume(text, service, volume)
        return whole_file_edit(path, text)
    except YamlEditError:
        return None


def value_edit(project: Project, var: EnvVar, pattern: str, new: str) -> Edit | None:
    """Replace `pattern` where the value is written: its own line, else the .env line it interpolates."""
    if var.location is not None:
        edit = replace_on_line(var.location.path, var.location.line, pattern, new)
        if edit is not None:
            return edit
    dotenv = project.dotenv
    if dotenv is None:
        return None
    for name in var.variables:
        entry = dotenv.entry(name)
        edit = replace_on_line(dotenv.path, entry.line, pattern, new) if entry is not None else None
        if edit is not None:
            return edit
    return None
