"""Secrets that no word on their own line names, given away by what stands beside them or on the line
before: an AWS secret access key after its `AKIA...`/`ASIA...` id (a credentials CSV's row, `id secret`,
the next line), and a one-word line under a heading that names a secret and ends with `:` (Elasticsearch's
first start: `Password for the elastic user (reset with ...):` then the password; Kibana's enrollment
token), also `New value: X` under `elasticsearch-reset-password`'s `Password for the [elastic] user
successfully reset.` and `The generated password for the elastic built-in superuser is : X`; and an
Elasticsearch enrollment token by its shape alone (base64 of `{"ver":...`: `eyJ2ZXIiOi...`), as `doctor why`
quotes it as a stopped container's last log line, without the heading above it.
A compose log's `service-1  | ` before each line is no part of it. `doctor.redact.scrub` applies them,
before the token shapes mask the id.
"""

from __future__ import annotations

from collections.abc import Iterable

from doctor.lazyre import lazy
from doctor.secret_keys import Sink
from doctor.secret_tools import spans_masked

# the id, then a separator (`,`, `:`, `=`, `|`, blanks, or the line's end), then 40 characters of the key
_AWS_PAIR = lazy(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}+[\"'`]?(?:[ \t]*+[,;:|=][ \t]*+|[ \t]++"
                 r"|[ \t]*+\r?\n[ \t]*+)[\"'`]?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
_ENROLLMENT = lazy(r"(?<![A-Za-z0-9+/])eyJ2ZXIiOi[A-Za-z0-9+/]{40,}+={0,2}")
_HEADING_END = lazy(r":[ \t]*+\r?\n")
# `es01-1  | ` before a line of a compose project's logs
_LOG_PREFIX = lazy(r"[\w.-]++[ \t]++\|[ \t]?")
_ONE_WORD = lazy(r"[ \t]*+(?P<v>[^\s'\"`$<-][^\s]{7,}+)[ \t]*+\r?$")
_NEW_VALUE = lazy(r"[ \t]*+New value:[ \t]*+(?P<v>\S++)[ \t]*+\r?$")
_GENERATED = lazy(r"(?i)password for the [^\n:]{1,80}? is[ \t]*+:[ \t]*+(?P<v>[^\s'\"`]++)")
_NAMES = ("password", "passwd", "passphrase", "token", "secret", "api key", "credential")


def _line(text: str, start: int) -> tuple[int, int]:
    """The span of the line starting at `start`, after a compose log's prefix."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    prefix = _LOG_PREFIX.match(text, start, end)
    return (prefix.end() if prefix else start), end


def _lower_path(word: str) -> bool:
    """A command or a file named on the line (`bin/elasticsearch-reset-password`), no generated secret."""
    return "/" in word and all(c.islower() or c.isdigit() or c in "_.~/-" for c in word)


def _heading(line: str) -> bool:
    lower = line.lower()
    return len(line.split()) >= 3 and any(name in lower for name in _NAMES)


def _value_at(text: str, heading: str, start: int) -> tuple[int, int] | None:
    """The span of the secret on the line at `start` that `heading` (the line before) announces."""
    announces = heading.rstrip().endswith(":") and _heading(heading)
    resets = "successfully reset" in heading and "password" in heading.lower()
    if not (announces or resets):
        return None  # most headings (a YAML key's `environment:`): the line after them is not read
    at, end = _line(text, start)
    if announces:
        word = _ONE_WORD.match(text, at, end)
        if word is not None and "://" not in word.group("v") and not word.group("v").endswith(":") \
                and not _lower_path(word.group("v")):
            return word.span("v")
    if resets:
        new = _NEW_VALUE.match(text, at, end)
        if new is not None:
            return new.span("v")
    return None


def beside(text: str, sink: Sink) -> str:
    """`text` with the secrets the module docs list masked; each value goes to `sink`."""
    spans: list[tuple[int, int]] = []
    if "AKIA" in text or "ASIA" in text:
        spans += [match.span("v") for match in _AWS_PAIR.finditer(text)]
    if "eyJ2ZXIiOi" in text:
        spans += [match.span() for match in _ENROLLMENT.finditer(text)]
    if "\n" in text:
        for heading in _HEADING_END.finditer(text):
            at, _ = _line(text, text.rfind("\n", 0, heading.start()) + 1)
            found = _value_at(text, text[at:heading.end()], heading.end())
            if found is not None:
                spans.append(found)
        at = text.find("successfully reset")
        while at >= 0:
            line_start, line_end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
            found = None if line_end < 0 else _value_at(text, text[line_start:line_end], line_end + 1)
            if found is not None:
                spans.append(found)
            at = text.find("successfully reset", at + 1)
    if "for the" in text and "password for the" in text.lower():  # the cheap test first: most texts lack both
        spans += [match.span("v") for match in _GENERATED.finditer(text)]
    return spans_masked(text, spans, sink)


def secrets_beside(texts: Iterable[str]) -> set[str]:
    """The secrets `beside` finds in `texts` (a failed `up`'s output, each container's log), also in each
    service's own lines where compose's attached output interleaves them (`es01-1  | ` then `kibana-1  | ` between
    a heading and its value): the values the Redactor of a `doctor why` report learns, so that a quote of the bare
    value, without the heading above it (a container's last log line), is masked too."""
    found: set[str] = set()
    for text in texts:
        beside(text, found.add)
        services: dict[str, list[str]] = {}
        for line in text.split("\n"):
            prefix = _LOG_PREFIX.match(line)
            if prefix is not None:
                services.setdefault(line[:prefix.end()].rstrip(" \t|"), []).append(line)
        if len(services) > 1:
            for lines in services.values():
                beside("\n".join(lines), found.add)
    return found
