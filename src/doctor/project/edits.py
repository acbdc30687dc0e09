"""Text edits the checks' fixes are made of: a value on its defining line, an entry in the dev override.

A value is replaced on its own line (old line -> new line); entries added to the override make a
whole-file edit: lines inserted by project.textedit where the override has a shape it knows
(block style, one-line scalars), else the file rewritten by project.yamledit (round-trip YAML,
comments kept), the same text either way. A key the override already sets is rewritten on its
own line, byte for byte around the value. Where an exact edit is not safe
to compute (a value built by interpolation, an override yamledit refuses, a multi-line or flow
value) these return None and the check falls back to advice. Which override a fix writes to is
project.override_target's, the folder fixes may write in project.writable_root's.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit
from doctor.project import Project
from doctor.project.reading import COMPOSE_LIMIT
from doctor.project.types import EnvEntry, EnvVar

Replacer = Callable[[re.Match[str]], str]  # the new text for one match


# dev_override and edit_root are the checks' fixes' and the fixer's from here; their modules are imported on the
# first call: a check imports this module on every run, but only a fix asks where it may write
def dev_override(project: Project, services: Collection[str] = ()) -> Path | None:
    """The dev override a fix writes to (doctor.project.override_target.dev_override)."""
    from doctor.project.override_target import dev_override as target

    return target(project, services)


def edit_root(project: Project) -> Path:
    """The folder fixes may write in (doctor.project.writable_root.edit_root)."""
    from doctor.project.writable_root import edit_root as root

    return root(project)


def line_text(path: Path, line: int | None) -> str | None:
    """The text of a 1-based line, without its newline, or None when unreadable."""
    if line is None or line < 1:
        return None
    lines = _lines(path)
    return lines[line - 1] if lines is not None and line <= len(lines) else None


# path -> (stat stamp, its lines): a check asks for one line per finding, and splitting the file
# again for each made a project with a drifted host in every service quadratic in services. The
# stamp (inode, size, mtime, ctime) sees a fix's atomic rewrite (a new inode) between rounds.
_LINES: dict[str, tuple[tuple[int, int, int, int], list[str]]] = {}


def _lines(path: Path) -> list[str] | None:
    from doctor.project.yamlbytes import read_text as compose_text  # here: only a finding's line is read
    from doctor.regular import text_lines

    try:
        st = os.stat(path)
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        known = _LINES.get(os.fspath(path))
        if known is not None and known[0] == stamp:
            return known[1]
        text = compose_text(path, COMPOSE_LIMIT)  # UTF-16 too, as compose reads it; universal newlines
    except (OSError, UnicodeDecodeError):
        return None
    lines = text_lines(text)  # as the findings' lines and the fixer count them (not str.splitlines)
    if len(_LINES) >= 64:
        _LINES.clear()
    _LINES[os.fspath(path)] = (stamp, lines)
    return lines


class Bounded(str):
    """The pattern `(?<![\\wB])LITERAL(?![\\wA])` (a word of a project's text: a host, a service
    name), as its text for `re`, that `spans` finds with string methods as finditer would: a
    pattern spliced from a project's value is parsed and compiled anew on every run (~0.15 ms
    each), and never kept across runs (doctor.recache). `before` and `after` (B, A) are placed in
    the character classes as given: characters a class takes literally, `-` last."""

    literal: str
    before: str
    after: str
    digit_after: bool

    def __new__(cls, literal: str, before: str, after: str, digit_after: bool = False) -> Bounded:
        """`digit_after`: only a digit may not follow (`(?!\\d)`, an address's port), `after` unused."""
        tail = r"(?!\d)" if digit_after else rf"(?![\w{after}])"
        made = super().__new__(cls, rf"(?<![\w{before}]){re.escape(literal)}{tail}")
        made.literal, made.before, made.after, made.digit_after = literal, before, after, digit_after
        return made

    def _ends(self, after: str) -> bool:
        """Whether the match may end before `after` (the next character, "" at the end)."""
        if not after:
            return True
        if self.digit_after:
            return not after.isdecimal()  # re's \d in a str pattern
        return not (after.isalnum() or after == "_" or after in self.after)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each match, left to right, not overlapping (as re.finditer)."""
        literal, found = self.literal, []
        if not literal:
            return [m.span() for m in re.finditer(self, text)]
        size, at = len(literal), text.find(literal)
        while at >= 0:
            end = at + size
            before = text[at - 1:at]
            if not (before and (before.isalnum() or before == "_" or before in self.before)) \
                    and self._ends(text[end:end + 1]):
                found.append((at, end))
                at = text.find(literal, end)
            else:
                at = text.find(literal, at + 1)
        return found

    def __reduce__(self) -> tuple[object, ...]:  # a str subclass with fields: pickled by its parts
        return (Bounded, (self.literal, self.before, self.after, self.digit_after))


def replace_on_line(path: Path, line: int | None, pattern: str, new: str | Replacer,
                    every: bool = False) -> Edit | None:
    """An Edit replacing the single match of `pattern` on that line by `new` (text, or made from the
    match); None unless exactly one. With `every`, each match of it (a list of origins naming one
    address twice), and None unless one at least."""
    text = line_text(path, line)
    if text is None:
        return None
    if isinstance(pattern, Bounded) and isinstance(new, str):  # found without compiling it
        spans = pattern.spans(text)
        if not spans or (len(spans) != 1 and not every):
            return None
        parts, last = [], 0
        for start, end in spans:
            parts += [text[last:start], new]
            last = end
        return Edit(path, text, "".join(parts) + text[last:], line)
    made: Replacer = new if callable(new) else (lambda _found: new)
    if every:
        changed, count = re.subn(pattern, made, text)
        return Edit(path, text, changed, line) if count else None
    matches = list(re.finditer(pattern, text))
    if len(matches) != 1:
        return None
    found = matches[0]
    return Edit(path, text, text[: found.start()] + made(found) + text[found.end() :], line)


Wanted = Mapping[str, Mapping[str, str] | Sequence[str]]
Written = Mapping[str, Mapping[str, int]]


def override_edit(path: Path, section: str, wanted: Wanted, written: Written | None = None,
                  quote: str | None = None) -> Edit | None:
    """The whole-file Edit adding env keys (section "environment") or short-syntax volumes to services.

    `$` in env values is doubled so compose does not interpolate it. `written` (environment
    only) maps service -> key -> the 1-based line of `path` that already sets that key: its
    value is replaced there, list item (`- KEY=value`) or mapping (`KEY: value`), keeping the
    quoting, the indentation and a trailing comment; every other key is added. None when the
    override cannot be edited safely (not YAML, flow style in the way, a shared anchor, a
    written line that is not one `KEY=value` or `KEY: value`). An added env value YAML needs
    quoted that no sibling decides takes the quote of the override's values (wholefile.file_quote),
    else `quote` (the project's compose files', wholefile.files_quote).

    Remembered across runs (project.memo) while the override and ruamel.yaml's install are
    unchanged: the edit is a function of the override's text and the arguments alone, and a
    hit spares reading it back and, for an override project.textedit declines, the ruamel.yaml
    import and its round trips.
    """
    from doctor.project.memo import remember

    args = (section, _plain_wanted(wanted), None if written is None else _plain_wanted(written), quote)
    return remember("override-edit", (path, *_ruamel_files()), args,
                    lambda: _override_edit(path, section, wanted, written, quote=quote))


def _plain_wanted(wanted: Mapping[str, Mapping[str, object] | Sequence[str]]) -> tuple[object, ...]:
    """The arguments as plain tuples, in their order (it decides the order of the added lines)."""
    return tuple((service, ("map", tuple(items.items())) if isinstance(items, Mapping) else ("seq", tuple(items)))
                 for service, items in wanted.items())


@functools.cache
def _ruamel_files() -> tuple[str, ...]:
    """ruamel.yaml's own file, found as the import system finds it (the first `ruamel/yaml` package
    on sys.path) without importing it, nor importlib.util: an upgrade may write the same file differently."""
    loaded = getattr(sys.modules.get("ruamel.yaml"), "__file__", None)
    if isinstance(loaded, str):
        return (loaded,)
    for entry in sys.path:
        candidate = os.path.join(os.fspath(entry) or os.curdir, "ruamel", "yaml", "__init__.py")
        if os.path.isfile(candidate):
            return (os.path.abspath(candidate),)
    return ()


def _override_edit(path: Path, section: str, wanted: Wanted, written: Written | None, fast: bool = True,
                   quote: str | None = None) -> Edit | None:
    """override_edit's Edit: the written lines rewritten, then the entries added as plain text where
    project.textedit knows the shape (`fast`), else through ruamel.yaml's round trip."""
    from doctor.project.textedit import insert_entries
    from doctor.project.wholefile import YamlEditError, above_separators, file_quote, read_text, whole_file_edit

    try:
        text = read_text(path)
        lines = text.split("\n")
        additions: dict[str, Mapping[str, str] | Sequence[str]] = {}
        for service, items in wanted.items():
            if section != "environment" or not isinstance(items, Mapping):
                additions[service] = items
                continue
            on_lines = (written or {}).get(service, {})
            for key, value in items.items():
                line = on_lines.get(key)
                if line is None:
                    added = additions.setdefault(service, {})
                    assert isinstance(added, dict)
                    added[key] = value.replace("$", "$$")
                    continue
                new = _env_line(lines[line - 1], key, value.replace("$", "$$")) if 0 < line <= len(lines) else None
                if new is None:
                    return None
                lines[line - 1] = new
        edited = "\n".join(lines)
        quote = file_quote(edited) or quote  # decided once: the entries of one service would sway the next
        inserted = insert_entries(path, edited, section, additions, quote) if fast or not additions else None
        new = _round_trip(edited, section, additions, quote) if inserted is None else inserted
        # the plain-text path puts an entry where the round trip does (below the blank line that
        # separates services); both then move it above, as yamledit's own callers get it
        new = above_separators(edited, new)
        return whole_file_edit(path, new)
    except YamlEditError:
        return None


def _round_trip(text: str, section: str, additions: Wanted, quote: str | None = None) -> str:
    """`text` with the additions made by ruamel.yaml's round trip (project.yamledit)."""
    # imported here: ruamel.yaml is needed only when a fix is built and the plain-text path declined
    from doctor.project.yamledit import add_environment, add_volume

    for service, items in additions.items():
        if section == "environment" and isinstance(items, Mapping):
            text = add_environment(text, service, items, quote=quote)
        else:
            for volume in items:
                text = add_volume(text, service, volume)
    return text


_QUOTED = {'"': lazy(r'"(?:[^"\\]|\\.)*"'), "'": lazy(r"'(?:[^']|'')*'")}
_PLAIN = lazy(r"(.*?)(?=\s+#|\s*$)")
_AFTER = lazy(r"(\s+#.*)?\s*$")
_PLAIN_UNSAFE = lazy(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|: | #|[\s:]$|[\n\r]")


def _env_line(line: str, key: str, value: str) -> str | None:
    """The line setting `key` to `value` in place of its old value, in the line's own style; None
    unless the line is one `- KEY=value`, `- KEY` or `KEY: value` entry on a single line."""
    item = re.match(r"\s*-\s+", line)
    if item is not None:
        scalar = _one_scalar(line[item.end():])
        if scalar is None:
            return None
        quote, body, tail = scalar
        text = body[1:-1] if quote else body
        if text != key and not text.startswith(f"{key}="):
            return None
        return f"{line[:item.end()]}{_scalar(f'{key}={value}', quote)}{tail}"
    entry = re.match(rf"\s*([\"']?){re.escape(key)}\1\s*:[ \t]*", line)
    scalar = _one_scalar(line[entry.end():]) if entry is not None else None
    if entry is None or scalar is None:
        return None
    quote, _, tail = scalar
    lead = line[:entry.end()] if entry.group(0)[-1].isspace() else f"{entry.group(0)} "  # `KEY:` had no value
    return f"{lead}{_scalar(value, quote)}{tail}"


def _one_scalar(text: str) -> tuple[str, str, str] | None:
    """(quote, the scalar as written, what follows it) for a one-line scalar; None for a block
    scalar, a flow collection, an anchor, an alias or a tag."""
    if text.startswith("#"):  # `KEY:  # comment`: no value yet, the comment stays after the new one
        return "", "", f" {text}"
    if text[:1] in _QUOTED:
        found = _QUOTED[text[0]].match(text)
        quote = text[0]
    elif text[:1] in ("|", ">", "[", "{", "&", "*", "!"):
        return None
    else:
        found = _PLAIN.match(text)
        quote = ""
    if found is None or _AFTER.fullmatch(text[found.end():]) is None:
        return None
    return quote, found.group(0), text[found.end():]


def _scalar(text: str, quote: str) -> str:
    """`text` as a YAML scalar in the given quote style; plain text that YAML would misread is double-quoted."""
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    if quote == "" and not _PLAIN_UNSAFE.search(text) and text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def value_edit(project: Project, var: EnvVar, pattern: str, new: str | Replacer, every: bool = False) -> Edit | None:
    """Replace `pattern` where the value is written: its own line, else the env file line it
    interpolates (`.env`, or the file --env-file / COMPOSE_ENV_FILES chose); each match with `every`."""
    if var.location is not None and not _in_unused_default(project, var, pattern):
        edit = replace_on_line(var.location.path, var.location.line, pattern, new, every)
        if edit is not None:
            return edit
    for name in var.variables:
        found = interpolated_at(project, name, var.location.path if var.location is not None else None)
        edit = replace_on_line(found[0], found[1].line, pattern, new, every) if found is not None else None
        if edit is not None:
            return edit
    return None


# `${NAME:-default}` / `${NAME-default}` with a default holding no braces (the form a default URL takes)
_DEFAULTED = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)-([^{}]*)\}")


def _in_unused_default(project: Project, var: EnvVar, pattern: str) -> bool:
    """Whether every match of `pattern` in the value as written lies in the default of a variable
    that is set, which compose does not use (AdventureLog's `SITE_URL: ${SITE_URL:-http://localhost:8015}`
    while .env sets SITE_URL): the value is the variable's line, and rewriting the default changes
    nothing but a tracked file."""
    raw = var.raw
    if not raw or "${" not in raw:
        return False
    values = project.compose.variables
    unused = [m.span(3) for m in _DEFAULTED.finditer(raw)
              if (values.get(m[1]) if m[2] else values.get(m[1]) is not None)]
    if not unused:
        return False
    spans = pattern.spans(raw) if isinstance(pattern, Bounded) else [m.span() for m in re.finditer(pattern, raw)]
    return bool(spans) and all(any(a <= start and end <= b for a, b in unused) for start, end in spans)


def interpolated_at(project: Project, name: str, written_in: Path | None = None) -> tuple[Path, EnvEntry] | None:
    """The env file line compose interpolates `name` from: the last of the files `--env-file` or
    COMPOSE_ENV_FILES choose that sets it (compose then reads no `.env`), else `.env`'s; for a value
    written in a file an `include` loads (`written_in`) and left unset there, the env_file of that
    include that sets it (laradock's `gearman/defaults.env` for `gearman/compose.yml`)."""
    found = _first_setting(project, reversed(project.interpolation_files), name)
    if found is not None:
        return found
    chain = project.compose.include_env.get(written_in, ()) if written_in is not None else ()
    if not chain or name in project.compose.variables:  # the shell's, or the project's own
        return None
    return _first_setting(project, chain, name)


def _first_setting(project: Project, paths: Iterable[Path], name: str) -> tuple[Path, EnvEntry] | None:
    """The first of the env files `paths` that sets `name`, with its line; None when none does."""
    for found in map(project.env_file, paths):
        entry = found.entry(name) if found is not None else None
        if found is not None and entry is not None:
            return found.path, entry
    return None
