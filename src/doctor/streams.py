"""What doctor's own output streams do with a character they cannot encode."""

from __future__ import annotations

import sys

# what a terminal that cannot show doctor's marks gets instead: '?' for both ✓ and ✗ made a passed
# check and a failed one look the same (LANG=en_US.ISO-8859-1, PYTHONIOENCODING=ascii)
_ASCII = {"✓": "+", "✔": "+", "✗": "X", "·": "-", "…": "...", "—": "-", "→": "->"}


def _ascii_marks(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler of a stream that cannot encode a mark: its ASCII stand-in, else '?'."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(_ASCII.get(char, "?") for char in text), error.end


def fit_streams() -> None:
    """Set stdout's and stderr's codec error handling before a command prints."""
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 locale gets ASCII marks, never a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if stream is None or reconfigure is None:
            continue
        if (stream.encoding or "").lower().replace("-", "") != "utf8":
            import codecs

            codecs.register_error("doctor-ascii", _ascii_marks)
            reconfigure(errors="doctor-ascii")
        elif stream.errors == "strict":
            # a file name that is not UTF-8 (`e\xfe.sh`, a surrogate escape) printed as its own bytes,
            # as Python's C.UTF-8 streams and `ls` do: en_US.UTF-8's strict stream lost the report to it
            reconfigure(errors="surrogateescape")
