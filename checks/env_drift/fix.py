"""env-drift's fixes: a key appended to .env from its template, written so the file still parses
as it did plus that key."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.model import Edit, Fix, Safety
from doctor.project.envfile import parse_env_text, read_env_file
from doctor.project.reading import ENV_LIMIT, is_file, read_bytes
from doctor.project.types import EnvEntry, EnvFile


def _template(candidate: Path) -> EnvFile | None:
    return read_env_file(candidate) if is_file(candidate) else None


def _rel(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _append_fix(example: EnvFile, entry: EnvEntry, dotenv: Path, target: str, shown: str, root: Path) -> Fix:
    """Append the example's own text for the key to .env, after a comment saying where it came from.

    The entry is copied as it stands in the example, every line of a multi-line quoted value
    byte for byte (compose keeps a CR inside quotes, so those lines are a byte edit: the
    fixer's line-ending rewrite would change the value). The fix is offered only when .env with
    the addition still reads as before plus this one entry, with the example's value; else advice.
    `target` and `shown` name the two files as the user opens them (from the current directory);
    the comment written into the file names the template relative to the project, the same
    wherever doctor runs.
    """
    title = f"add {entry.key} to {target} from {shown}"
    statement = _statement(example.path, entry)
    try:
        data = read_bytes(dotenv, ENV_LIMIT)
    except OSError:
        data = b""
    crlf = data.count(b"\r\n") * 2 > data.count(b"\n") > 0
    eol = "\r\n" if crlf else "\n"
    comment = f"# added by doctor from {_rel(example.path, root)}"
    lead = eol if data and not data.endswith(b"\n") else ""
    added = f"{lead}{comment}{eol}{statement}{eol}" if statement is not None else ""
    if statement is None or not _adds_only(data, added, entry, dotenv):
        advice = f"add {entry.key} to {target} by hand, copying its lines from {shown}"
        return Fix(advice, Safety.ADVICE)
    if "\n" not in statement:
        # a `.env` whose last line has no line break gets one from the fixer, once, however many keys
        # this run appends (each fix adding its own gave a blank line before every key's comment)
        return Fix(title, Safety.SAFE, (Edit(dotenv, "", f"{comment}\n{statement}\n"),))
    return Fix(title, Safety.SAFE, (Edit(dotenv, b"", added.encode("utf-8", "surrogateescape")),))


def _statement(path: Path, entry: EnvEntry) -> str | None:
    """The entry's text in its file: from its line's start (indentation dropped) to the end of its
    value, with the rest of the last line when that is only a comment; None when it cannot be found.
    """
    try:
        text = read_bytes(path, ENV_LIMIT).decode("utf-8", "surrogateescape")
    except OSError:
        return None
    text = text.removeprefix("\ufeff")
    starts = [0, *(i + 1 for i, ch in enumerate(text) if ch == "\n")]
    if not 0 < entry.line <= len(starts):
        return None
    begin = starts[entry.line - 1]
    line_end = text.find("\n", begin)
    first = text[begin: len(text) if line_end < 0 else line_end].rstrip("\r")
    if not first.lstrip().startswith((entry.key, f"export {entry.key}")):
        return None
    if entry.raw[:1] not in ("'", '"') or "\n" not in entry.raw:
        return first.strip()  # one line: the whole line as written, comment included
    at = text.find(entry.raw, begin)
    if at < 0:
        return None
    end = at + len(entry.raw)
    rest_end = text.find("\n", end)
    rest = text[end: len(text) if rest_end < 0 else rest_end].rstrip("\r")
    statement = text[begin:end].lstrip()
    if not rest.strip() or rest.lstrip().startswith("#"):
        statement += rest.rstrip()
    return statement


def _adds_only(data: bytes, added: str, entry: EnvEntry, dotenv: Path) -> bool:
    """Whether .env plus `added` parses (compose's rules) as .env's entries plus this one entry."""
    before = parse_env_text(data.decode("utf-8", "surrogateescape"), dotenv)
    after = parse_env_text(data.decode("utf-8", "surrogateescape") + added, dotenv)
    expected = [(e.key, e.raw) for e in before.entries] + [(entry.key, entry.raw)]
    return [(e.key, e.raw) for e in after.entries] == expected and len(after.problems) == len(before.problems)
