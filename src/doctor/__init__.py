"""doctor: diagnose and repair Docker Compose development environments."""

import sys as _sys

__version__ = "0.1.0"


def _interrupted(kind: type[BaseException], error: BaseException, trace: object) -> None:
    """A Ctrl-C before doctor's own handler is in place (while it imports, its first ~50 ms): one
    line, as after it, not a traceback; the interpreter still ends by SIGINT (exit 130)."""
    if issubclass(kind, KeyboardInterrupt):
        _sys.stderr.write("doctor: interrupted\n")
    else:
        _sys.__excepthook__(kind, error, trace)  # type: ignore[arg-type]


if _sys.excepthook is _sys.__excepthook__:  # never over a host program's own (doctor imported as a library)
    _sys.excepthook = _interrupted
