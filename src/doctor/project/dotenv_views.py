"""What loading a `.env` file sets in a process: python-dotenv's view (its own parser and variable
expansion, with the container environment where it would read os.environ)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from pathlib import Path

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
