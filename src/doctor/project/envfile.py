"""Compose's `.env` / env_file reader, ported from compose-go v2.9.1 `dotenv/parser.go`.

These are compose's rules, not python-dotenv's (COMPOSE-SEMANTICS.md §3): `KEY: v` works,
an inline comment starts only at " #", `$X` and every `${X-d}` operator expand in unquoted
and double-quoted values, a bare `KEY` inherits from the lookup, text after a closing quote
starts the next statement. Unlike compose, which stops at the first bad line, every line
compose would reject becomes a Problem at its line and parsing goes on, so one typo does not
hide the rest of the file. `format: raw` files follow docker's kvfile reader instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.env_nul import unless_binary, utf16_file
from doctor.project.env_parses import shared_parse
from doctor.project.interpolate import InterpolationError, Rescans, as_lookup, substitute
from doctor.project.reading import ENV_LIMIT, read_regular
from doctor.project.types import EnvEntry, EnvFile, Problem, ProblemKind

__all__ = ["parse_env_text", "parse_raw_env_text", "read_dotenv_files", "read_env_file",
           "read_service_env_files"]

LookupSource = Callable[[str], "str | None"] | Mapping[str, str] | None

_BOM = "\ufeff"
# Go's unicode.IsSpace (Python's str.isspace also accepts \x1c-\x1f, Go does not).
_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
_GO_SPACES = "".join(sorted(_GO_SPACE))  # for strip: joined once, not on every line
# parser.go isSpace: a space that is not a line break.
_LINE_SPACE = frozenset("\t\v\f\r \x85\xa0")
_KEY_PUNCTUATION = frozenset("_.-[]")
# the ASCII characters a key's loop in _locate_key steps over (letters, digits, those two sets), taken at once
_ASCII_KEY = lazy("[A-Za-z0-9" + re.escape("".join(sorted(c for c in _KEY_PUNCTUATION | _LINE_SPACE if c.isascii())))
                  + "]*+")
# Go's regexp `\s` is ASCII [\t\n\f\r ] (no \v).
_EXPORT = lazy(r"export[\t\n\f\r ]+")
# parser.go escapeSeqRegex; Go's `\d` is ASCII.
_ESCAPE = lazy(r"\\(?:[abcfnrtv$\"\\]|0[0-9]{0,3})")
_NEWLINE = lazy("\n")
_SURROGATE = lazy("[\udc80-\udcff]")  # an undecodable byte, as surrogateescape reads it
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                   "\\": "\\", '"': '"'}


class _LineError(Exception):
    """A statement compose rejects; parsing resumes at `resume`."""

    def __init__(self, message: str, resume: int) -> None:
        super().__init__(message)
        self.message = message
        self.resume = resume


def read_env_file(
    path: Path, lookup: LookupSource = None, *, raw: bool = False, earlier: Mapping[str, str] | None = None
) -> EnvFile:
    """Read and parse an env file as compose does; never raises for bad input.

    An unreadable file (missing, a directory, permission denied) gives an EnvFile with one
    UNREADABLE Problem. `raw=True` is env_file `format: raw` (docker's KEY=VALUE reader).
    `earlier` is as in `parse_env_text`.
    """
    try:
        data = read_regular(path, ENV_LIMIT)
    except OSError as exc:
        from doctor.project.memo import unreadable

        unreadable()  # not a fact of the file: a later run reads it again
        reason = (exc.strerror or str(exc)).lower()
        if reason.startswith(("too large", "over doctor's")):  # compose reads it: doctor does not look
            return EnvFile(path, problems=(Problem(ProblemKind.LIMIT, f"env file not read: {reason} (compose reads "
                                                   "it; the checks that need it are partial)", Location(path)),))
        return EnvFile(path, problems=(Problem(ProblemKind.UNREADABLE, f"cannot read env file: {reason}",
                                               Location(path)),))
    text = data.decode("utf-8", "surrogateescape")  # the same bytes, asked the same: parsed once per run
    return shared_parse(path, data, raw, as_lookup(lookup), earlier, lambda look: (
        parse_raw_env_text(text, path, look) if raw else parse_env_text(text, path, look, earlier=earlier)))


def remembered_env_file(path: Path, env: Mapping[str, str] | None) -> EnvFile:
    """`read_env_file(path, env)`, remembered across runs (doctor.project.memo) while the file is
    unchanged and every variable its `${X}` asked of `env` has the value it had then (an otel-demo
    `.env` of 138 keys: ~5 ms of every run's start, before its checks are shared out)."""
    from doctor.project.memo import remember

    current = as_lookup(env)

    def parse() -> tuple[EnvFile, tuple[tuple[str, str | None], ...]]:
        asked: dict[str, str | None] = {}

        def look(name: str) -> str | None:
            asked[name] = value = current(name)
            return value

        return read_env_file(path, look), tuple(sorted(asked.items()))

    def same(stored: tuple[EnvFile, tuple[tuple[str, str | None], ...]]) -> bool:
        return all(current(name) == value for name, value in stored[1])

    # the environment changed what the file says: it is read again, and that parse is remembered instead
    return remember("env-file", (path,), None, parse, valid=same)[0]


def read_dotenv_files(
    paths: Sequence[Path], os_env: Mapping[str, str]
) -> tuple[dict[str, str], tuple[EnvFile, ...]]:
    """compose's `--env-file` / `.env` loading (`GetEnvFromFile`): later files override.

    `${X}` in each file sees the OS env, then the file's own earlier keys, then keys of
    earlier files (verified on v2.40.3); a bare key sees the OS env (an earlier value stays
    when it has none). The result holds the files' keys only: the caller lays the OS env
    over it (the shell beats `.env`).
    """
    merged: dict[str, str] = {}
    files: list[EnvFile] = []
    for path in paths:
        parsed = read_env_file(path, os_env, earlier=dict(merged))
        files.append(parsed)
        merged.update(parsed.as_dict())
    return merged, tuple(files)


def read_service_env_files(
    files: Sequence[tuple[Path, bool]], project_env: Mapping[str, str], environment: Mapping[str, str | None]
) -> tuple[EnvFile, ...]:
    """A service's `env_file:` list, `(path, raw)` each, as compose v2.40.3 resolves it.

    `${X}` sees the project environment, then the service's `environment:` values, then
    keys parsed earlier (this file's, then earlier files'); a bare key sees only the first
    two. Missing `required: false` files are the caller's to skip. Later files win.
    """

    def look(name: str) -> str | None:
        found = project_env.get(name)
        return found if found is not None else environment.get(name)

    merged: dict[str, str] = {}
    parsed: list[EnvFile] = []
    for path, raw in files:
        one = read_env_file(path, look, raw=raw, earlier=dict(merged))
        parsed.append(one)
        merged.update(one.as_dict())
    return tuple(parsed)


MAX_PROBLEMS = 10  # unparsable statements of one env file reported before doctor stops reading it


def parse_env_text(
    text: str, path: Path, lookup: LookupSource = None, *, earlier: Mapping[str, str] | None = None
) -> EnvFile:
    """Parse `.env` text with compose's dotenv rules.

    `${X}` / `$X` resolve through `lookup`, then keys parsed earlier in this text, then
    `earlier` (keys of env files read before this one, for a service's env_file list). A bare
    `KEY` line takes its value from `lookup` only, and is absent when the lookup has none (an
    earlier `KEY=v` then stays). Text decoded with `surrogateescape` may carry invalid UTF-8
    bytes: compose accepts them, and here they read as U+FFFD.
    """
    look = as_lookup(lookup)
    before = earlier or {}
    if text.startswith(_BOM):
        text = text[1:]
    lines = _LineIndex(text)
    utf16 = utf16_file(text, path, lines.line_of)  # no statement of it is one: compose stops at the first
    if utf16 is not None:
        return utf16
    problems: list[Problem] = []
    bad_bytes = _undecodable_lines(text)
    if bad_bytes:
        text = re.sub("[\udc80-\udcff]", "\ufffd", text)

    entries: list[EnvEntry] = []
    seen: dict[str, str] = {}
    unset: list[tuple[str, int]] = []
    line = 0
    rescans = Rescans()  # the file's values' nested `${`, read again: one budget for them all

    def expand(value: str) -> str:
        def find(name: str) -> str | None:
            found = look(name)
            if found is None:
                found = seen.get(name)
            return found if found is not None else before.get(name)

        expanded, refs = substitute(value, find, rescans=rescans)
        unset.extend((r.name, line) for r in refs if not r.has_default and not r.required and find(r.name) is None)
        return expanded

    pos = 0
    while True:
        pos = _statement_start(text, pos)
        if pos < 0:
            break
        line = lines.line_of(pos)
        try:
            key, pos, inherited = _locate_key(text, pos)
            if inherited:
                if " " in key:
                    raise _LineError(f"key {_quote(key)} cannot contain a space", pos)
                found = look(key)
                if found is not None:
                    entries.append(EnvEntry(key, found, line, ""))
                    seen[key] = found
                continue
            if " " in key:
                # compose stops here; find where the value ends to resume after it
                try:
                    end = _extract_value(text, pos, key, lambda value: value)[2]
                except _LineError as skipped:
                    end = skipped.resume
                raise _LineError(f"key {_quote(key)} cannot contain a space", end)
            value, raw_text, end = _extract_value(text, pos, key, expand)
            entries.append(EnvEntry(key, value, line, raw_text))
            seen[key] = value
            pos = end
        except _LineError as exc:
            problems.append(Problem(ProblemKind.ENV_FILE, exc.message, Location(path, line)))
            pos = exc.resume
            if rescans.left < 0:
                break  # its values' nested `${` read again past the budget: said once, doctor reads no more
            if len(problems) >= MAX_PROBLEMS:  # compose reports the first and stops; a garbled file would
                # otherwise be a finding per line (7,640 for 2 MB of random bytes)
                problems.append(Problem(ProblemKind.ENV_FILE, f"doctor stopped reading after {MAX_PROBLEMS} "
                                        "lines it cannot parse: is this a text file?", Location(path, line)))
                break

    # invalid UTF-8 is no fault: compose v2.40.3 reads the bytes as they are (doctor sees U+FFFD)
    problems.sort(key=lambda p: p.location.line or 0 if p.location else 0)
    return unless_binary(EnvFile(path, tuple(entries), tuple(problems), tuple(dict.fromkeys(unset))), text, lines)


def parse_raw_env_text(text: str, path: Path, lookup: LookupSource = None) -> EnvFile:
    """Parse env_file `format: raw` text: docker's kvfile reader, values taken verbatim.

    Leading whitespace and `#` comment lines are skipped, `KEY=VALUE` keeps the value exactly
    as written (quotes and trailing spaces included: the docker CLI vendored by compose
    v2.40.3 does not trim quotes yet), a bare `KEY` inherits from the lookup. No expansion,
    no escapes, no inline comments.
    """
    look = as_lookup(lookup)
    entries: list[EnvEntry] = []
    problems: list[Problem] = []
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    for number, line_text in enumerate(physical, start=1):
        if line_text.endswith("\r"):
            line_text = line_text[:-1]
        if number == 1 and line_text.startswith(_BOM):
            line_text = line_text[1:]
        where = Location(path, number)
        if _has_surrogates(line_text):
            problems.append(Problem(ProblemKind.ENV_FILE, "line is not valid UTF-8", where))
            continue
        stripped = line_text.lstrip(_GO_SPACES)
        if not stripped or stripped.startswith("#"):
            continue
        key, has_value, value = stripped.partition("=")
        if not key:
            problems.append(Problem(ProblemKind.ENV_FILE, 'no variable name before "="', where))
            continue
        if " " in key or "\t" in key:
            problems.append(Problem(ProblemKind.ENV_FILE, f"variable {_quote(key)} contains whitespaces",
                                    where))
            continue
        if has_value:
            entries.append(EnvEntry(key, value, number, value))
            continue
        found = look(stripped)
        if found is not None:
            entries.append(EnvEntry(key, found, number, ""))
    return EnvFile(path, tuple(entries), tuple(problems))


class _LineIndex:
    """Offsets of line starts, to turn a text offset into a 1-based line number."""

    def __init__(self, text: str) -> None:
        from bisect import bisect_right  # here: a warm run parses no env file, and imports neither

        self._starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self._bisect = bisect_right  # once a parse, not an import statement a line

    def line_of(self, offset: int) -> int:
        return self._bisect(self._starts, offset)


def _undecodable_lines(text: str) -> list[int]:
    if text.isascii() or not _SURROGATE.search(text):  # the usual text, without a look at each character
        return []
    return [n for n, line in enumerate(text.split("\n"), start=1) if _has_surrogates(line)]


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _statement_start(text: str, pos: int) -> int:
    """getStatementStart: skip whitespace and `#` comment lines; -1 at the end of the text."""
    n = len(text)
    while True:
        while pos < n and text[pos] in _GO_SPACE:
            pos += 1
        if pos >= n:
            return -1
        if text[pos] != "#":
            return pos
        newline = text.find("\n", pos)
        if newline < 0:
            return -1
        pos = newline


def _locate_key(text: str, pos: int) -> tuple[str, int, bool]:
    """locateKeyName: (key, offset of what follows, inherited) or a _LineError."""
    n = len(text)
    if _EXPORT.match(text, pos):
        pos += len("export")
        while pos < n and text[pos] in _LINE_SPACE:
            pos += 1
    if pos >= n:
        raise _LineError("zero length string", n)
    key = ""
    offset = pos
    inherited = False
    ascii_run = _ASCII_KEY.match(text, pos)  # what the loop below takes one by one, at once
    i = ascii_run.end() if ascii_run is not None else pos
    while i < n:
        char = text[i]
        if char in _LINE_SPACE:
            i += 1
            continue
        if char in "=:\n":
            key = text[pos:i]
            offset = i + 1
            inherited = char == "\n"
            break
        if char in _KEY_PUNCTUATION or _is_letter_or_number(char):
            i += 1
            continue
        newline = text.find("\n", i)
        end = n if newline < 0 else newline
        # Show the key only (up to the separator), never the value: it may be a secret.
        shown = re.split("[=:]", text[pos:end], maxsplit=1)[0].rstrip()
        raise _LineError(f"unexpected character {_quote(char)} in variable name {_quote(shown)}",
                         end + 1)
    # No separator and no newline (a last line `KEY` without "\n"): compose then reads the
    # whole text as the value of the empty key, so `offset` stays at the key's start.
    key = key.rstrip(_GO_SPACES)
    while offset < n and text[offset] in _LINE_SPACE:
        offset += 1
    return key, offset, inherited


def _is_letter_or_number(char: str) -> bool:
    import unicodedata  # here: a .so (~0.4 ms) for keys beyond ASCII alone

    category = unicodedata.category(char)
    return category[0] in "LN"


def _extract_value(text: str, pos: int, key: str, expand: Callable[[str], str]) -> tuple[str, str, int]:
    """extractVarValue: (value, raw text as written, offset after the value)."""
    n = len(text)
    quote = text[pos] if pos < n and text[pos] in "'\"" else ""
    if not quote:
        newline = text.find("\n", pos)
        end = n if newline < 0 else newline
        raw = text[pos:end].split(" #", 1)[0].rstrip(_GO_SPACES)
        resume = n if newline < 0 else newline + 1
        return _expanded(raw, key, expand, resume), raw, resume

    chars: list[str] = []
    escaped = False
    i = pos + 1
    while i < n:
        char = text[i]
        if char != quote:
            if not escaped and char == "\\":
                escaped = True
            else:
                if escaped:
                    escaped = False
                    chars.append("\\")
                chars.append(char)
            i += 1
            continue
        if escaped:
            escaped = False
            chars.append(char)
            i += 1
            continue
        value = "".join(chars)
        if quote == '"':
            value = _expanded(_expand_escapes(value), key, expand, i + 1)
        return value, text[pos : i + 1], i + 1

    newline = text.find("\n", pos)
    raise _LineError(f"unterminated quoted value for {_quote(key)}", n if newline < 0 else newline + 1)


def _expanded(value: str, key: str, expand: Callable[[str], str], resume: int) -> str:
    try:
        return expand(value)
    except InterpolationError as exc:
        if exc.too_big:
            message = f"the value of {_quote(key)}: {exc}"
        elif exc.invalid_format:
            message = f"invalid interpolation format in the value of {_quote(key)} (escape a literal $ as $$)"
        else:
            message = str(exc)
        raise _LineError(message, resume) from None


def _expand_escapes(value: str) -> str:
    """expandEscapes: shell-echo escapes of double-quoted values, through Go's UnquoteChar."""

    def one(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "\\$":
            return "$$"  # the interpolation pass turns it into a literal $
        if text.startswith("\\0"):
            text = "\\" + text[2:]  # `\0123` is Go's octal `\123`
        body = text[1:]
        if body in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[body]
        if len(body) == 3 and all(c in "01234567" for c in body) and int(body, 8) <= 255:
            return chr(int(body, 8))
        return text  # UnquoteChar failed: Go keeps the (rewritten) match

    return _ESCAPE.sub(one, value)


def _quote(text: str) -> str:
    """Go's %q for the strings that appear in messages."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif char in "\a\b\f\n\r\t\v":
            out.append(repr(char)[1:-1])
        elif ord(char) < 0x10000:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x80 else f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)
