"""A symptom's line as `doctor why` shows it: around the signature's match, cut between words (excerpt).

A log line can be 16 KiB, and an engine error starts with an endpoint's hash: the excerpt starts at the line's
start, or at the match when more comes before it, but then at the words naming the host it failed on (MySQL's
`server on 'db'`); it keeps EXCERPT_WIDTH characters and the line's last EXCERPT_TAIL (where an engine error puts
its hint). A value is never shown without its key, nor a long word cut inside: the redactor masks the excerpt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from doctor.lazyre import lazy

WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", "", "localhost"})  # name no particular host
EXCERPT_WIDTH = 160  # characters of a symptom line shown (a log line can be 16 KiB)
EXCERPT_TAIL = 160  # and of its end, when the line is longer
EXCERPT_LEAD = 40  # a match that starts later is shown from itself, or from the words naming the host before it
EXCERPT_REACH = 80  # how far before the match the host it failed on is looked for
# a quoted name (`'mariadbserver'`, `"db"`) or a host:port: what a connection error names its host with
_HOST_TOKEN = lazy(r"""(['"])[A-Za-z0-9][\w.-]*\1|(?<![\w.-])[A-Za-z0-9][\w.-]*:\d{2,5}(?!\d)""")
_SEPARATORS = " \t,;&)]}'\"@:/=?"  # where a long word may be cut: after one of these


def excerpt(line: str, start: int, captured: Mapping[str, str] | None = None) -> str:
    """`line` around a signature's match at `start` (see Symptom.excerpt); `captured`, what the match captured.

    Cuts fall between words (after a blank, else a separator) so that the redactor, which masks the
    excerpt, still sees a secret's key and whole value."""
    left = 0 if start <= EXCERPT_LEAD else start
    if left:
        named = _host_before(line, start, captured or {})
        if named is not None:
            left = _with_key(line, _word_start(line, max(0, named - EXCERPT_LEAD), named))
        if left <= EXCERPT_LEAD and start + EXCERPT_LEAD <= EXCERPT_WIDTH:  # a short start is shown, if the match fits
            left = 0
    right = left + EXCERPT_WIDTH
    tail = ""
    if len(line) - left <= EXCERPT_WIDTH + EXCERPT_TAIL:
        right = len(line)
    else:
        floor = max(start, left + EXCERPT_WIDTH // 2)  # an earlier blank would lose the match, or most of the width
        cut = max(line.rfind(" ", floor, right + 1), line.rfind("\t", floor, right + 1))
        if cut <= floor:  # a long word: cut before it, never inside (a part of a secret is no secret to the redactor)
            cut = max(line.rfind(c, start + 1, right) + 1 for c in _SEPARATORS)
        right = cut if cut > start + 1 else right
        # the line's end, where an engine error puts its hint (`Are you trying to mount a directory onto a file`)
        blank = line.find(" ", len(line) - EXCERPT_TAIL)
        tail = line[_with_key(line, blank + 1):].strip() if blank >= 0 else ""
    shown = ("…" if left else "") + line[left:right].rstrip()
    return f"{shown} … {tail}" if tail else shown + ("…" if right < len(line) else "")


def _with_key(line: str, at: int) -> int:
    """`at`, a word's start, or the start of the word before it when that is its key (`password: s3cret`,
    `token= abc`): a value shown without its key is no secret to the redactor."""
    before = line[:at].rstrip()
    if at and before.endswith((":", "=")):
        return line.rfind(" ", 0, len(before)) + 1
    return at


def _host_before(line: str, start: int, captured: Mapping[str, str]) -> int | None:
    """Where, in the EXCERPT_REACH characters before `start`, the line names the host it failed on:
    the captured host, else (when the match captured no port of its own: `Bind for 0.0.0.0:8000` is the
    endpoint) the last quoted name or host:port there (MySQL's `server on 'db'`)."""
    reach = max(0, start - EXCERPT_REACH)
    host = captured.get("host", "")
    if host and host not in WILDCARDS:
        found = [m.start() for m in re.finditer(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", line[reach:start])]
        if found:
            return reach + found[-1]
    if "port" in captured:
        return None
    named = [m.start() for m in _HOST_TOKEN.finditer(line, reach, start)]
    return named[-1] if named else None


def _word_start(line: str, lo: int, hi: int) -> int:
    """The first word boundary at or after `lo` (just after a blank), else `hi`: never inside a word."""
    if lo == 0:
        return 0
    blank = line.find(" ", lo - 1, hi)
    return blank + 1 if blank >= 0 else hi
