"""env-drift: a `$` an env file's value means literally, which compose reads as a variable.

compose interpolates the values of `.env` and of a service's env_file: `POSTGRES_PASSWORD=Xy7$kLm`
is `Xy7` followed by the unset `$kLm`, and the container gets `Xy7` (compose only warns `The "kLm"
variable is not set`). A `$` glued to the word before it, or one whose name has a lowercase letter
(environment variables are upper case by convention: `$HOME`, `$PATH`), is a literal the author
meant; `${NAME}` and a bare upper-case `$NAME` after a separator are references, judged as such.
The fix single-quotes the value (compose and python-dotenv read single quotes literally, as a
shell sourcing the file does), asked, since `docker run --env-file` keeps quotes as part of it.
"""

from __future__ import annotations

import re

from doctor.model import Edit, Fix, Location, Safety
from doctor.project import Project
from doctor.project.edits import line_text
from doctor.project.envfile import parse_env_text, read_env_file
from doctor.project.types import EnvEntry, VariableUse


def literal_dollar(project: Project, use: VariableUse) -> tuple[str, Fix] | None:
    """(message, fix) where the unset `use` is a `$` its env file's value means literally; else None."""
    if use.location is None:
        return None
    entry = next((e for e in read_env_file(use.location.path).entries if e.line == use.location.line), None)
    if entry is None or not _looks_literal(entry.raw, use.name):
        return None
    message = (f"{entry.key}'s value has a literal '$' before '{use.name}', which compose reads as "
               f"the variable ${use.name} (not set) and drops from it")
    return message, _quote_fix(project, use.location, entry)


def _looks_literal(raw: str, name: str) -> bool:
    """Whether an unbraced `$name` of the raw value is glued to a word before it or names no
    upper-case variable; a `${name}` (or a single-quoted value, never interpolated) is no literal."""
    if raw.startswith("'"):
        return False
    for found in re.finditer(r"(?<!\$)\$" + re.escape(name) + r"(?![\w])", raw):
        before = raw[found.start() - 1] if found.start() else ""
        if before.isalnum() or any(ch.islower() for ch in name):
            return True
    return False


def _quote_fix(project: Project, at: Location, entry: EnvEntry) -> Fix:
    """The value single-quoted on its line, where that reads back as the literal text written;
    else advice (a value with a quote, a backslash or another reference in it)."""
    path, line = at.path, at.line
    raw = entry.raw.strip()
    literal = raw[1:-1] if len(raw) > 1 and raw[0] == raw[-1] == '"' else raw
    title = f"single-quote the value of {entry.key} at {project.shown(path)}:{line} so '$' stays a '$'"
    text = line_text(path, line)
    if (text is None or text.count(entry.raw) != 1 or any(c in literal for c in "'\\\"#")
            or "${" in literal):
        return Fix(f"write '$$' for each literal '$' in {entry.key} at {project.shown(path)}:{line}", Safety.ADVICE)
    new = text.replace(entry.raw, f"'{literal}'")
    parsed = parse_env_text(new + "\n", path).entries
    if len(parsed) != 1 or parsed[0].key != entry.key or parsed[0].value != literal:
        return Fix(f"write '$$' for each literal '$' in {entry.key} at {project.shown(path)}:{line}", Safety.ADVICE)
    return Fix(title, Safety.UNSAFE, (Edit(path, text, new, line),))
