"""sys.stderr for what `doctor exec` says itself, each write masked by the project's redactor."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO, cast


class RedactedStderr:
    """sys.stderr for doctor's own lines: each write masked, all else (isatty, fileno, flush) the stream's."""

    def __init__(self, stream: TextIO, mask: Callable[[str], str]) -> None:
        self._stream, self._mask = stream, mask

    def write(self, text: str) -> int:
        return self._stream.write(self._mask(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def redacted_stderr(mask: Callable[[str], str]) -> Iterator[None]:
    """sys.stderr masked by `mask` while the block runs (doctor exec's own lines pass the project's redactor)."""
    stream = sys.stderr
    sys.stderr = cast("TextIO", RedactedStderr(stream, mask))
    try:
        yield
    finally:
        sys.stderr = stream
