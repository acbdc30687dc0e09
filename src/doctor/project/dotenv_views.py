"""What loading a `.env` file sets in a process: python-dotenv's view (its own parser and variable
expansion, with the container environment where it would read os.environ), and Node dotenv's."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import ENV_LIMIT
from doctor.regular import read_text


def app_view(path: Path, environ: Mapping[str, str], override: bool) -> Iterator[tuple[str, str, int]]:
    """The (key, value, line) that `load_dotenv(path, override)` sets in a process with `environ`.

    python-dotenv's own parser and variable expansion, with the container environment where
    python-dotenv would read os.environ.
    """
    from dotenv.parser import parse_stream
    from dotenv.variables import parse_variables

    try:
        bindings = [b for b in parse_stream(io.StringIO(read_text(path, ENV_LIMIT))) if b.key is not None]
    except OSError:
        return
    resolved: dict[str, str | None] = {}
    lines: dict[str, int] = {}
    for binding in bindings:
        key = binding.key or ""
        lines[key] = binding.original.line
        if binding.value is None:
            resolved[key] = None
            continue
        scope: dict[str, str | None] = {**environ, **resolved} if override else {**resolved, **environ}
        resolved[key] = "".join(atom.resolve(scope) for atom in parse_variables(binding.value))
    for key, value in resolved.items():
        if value is None or (key in environ and not override):
            continue
        yield key, value, lines[key]


# the loaders node_dotenv reads, whose files node_view reads
NODE_LOADERS = frozenset({"dotenv", "dotenv-safe", "dotenv/config", "--env-file", "dotenv-cli", "env-cmd",
                          "@nestjs/config"})
# Node dotenv's LINE (lib/main.js, v16), the parser dotenv-safe, dotenv-cli and `node --env-file` share
NODE_LINE = lazy(r"^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*\"(?:\\\"|[^\"])*\"|"
                 r"\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$", re.MULTILINE)
NODE_QUOTED = lazy(r"^(['\"`])([\s\S]*)\1$", re.MULTILINE)


def node_view(path: Path, environ: Mapping[str, str], override: bool) -> Iterator[tuple[str, str, int]]:
    """The (key, value, line) that Node's `dotenv.config({ path, override })` sets in a process with
    `environ`: dotenv's own line rule, no variable expansion, the last line of a key wins, and a
    variable already set stays unless `override`."""
    try:
        text = read_text(path, ENV_LIMIT).replace("\r\n", "\n").replace("\r", "\n")
    except OSError:
        return
    found: dict[str, tuple[str, int]] = {}
    line, counted = 1, 0  # the line number at `counted`, carried from match to match (each counted once)
    for match in NODE_LINE.finditer(text):
        value = (match.group(2) or "").strip()
        quote = value[:1]
        value = NODE_QUOTED.sub(r"\2", value)
        if quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
        line += text.count("\n", counted, match.start(1))
        counted = match.start(1)
        found[match.group(1)] = (value, line)
    for key, (value, line) in found.items():
        if override or key not in environ:
            yield key, value, line
