"""Standard modules imported without the parts of them a run never uses.

`pathlib` (before Python 3.13) imports `urllib.parse` for one function, `quote_from_bytes`, that
only `Path.as_uri()` calls; `urllib.parse` imports `ipaddress`. The two cost ~3.5 ms of every
run's start (a fifth of what doctor's own modules cost to load) and a preflight calls `as_uri`
never. `import_pathlib` imports pathlib with a stand-in for `urllib.parse` that holds only that
function: the stand-in imports the real module at the first call, and is in `sys.modules` only
while pathlib imports, so any other `import urllib.parse` gets the real module, as always.
Where pathlib or urllib.parse is already imported, or pathlib imports urllib.parse lazily itself
(3.13+), or anything goes wrong, it is the plain `import pathlib`.
"""

from __future__ import annotations

import sys
from types import ModuleType

STAND_IN = "urllib.parse"


def import_pathlib() -> ModuleType:
    """The `pathlib` module; imported without `urllib.parse` when it is imported here first."""
    if "pathlib" not in sys.modules and STAND_IN not in sys.modules and sys.version_info < (3, 13):
        stand_in = ModuleType(STAND_IN, "doctor.lean_imports' stand-in: what pathlib takes from urllib.parse")
        stand_in.quote_from_bytes = _quote_from_bytes  # type: ignore[attr-defined]
        sys.modules[STAND_IN] = stand_in
        try:
            import pathlib
        except ImportError:  # a pathlib that takes more from urllib.parse: the plain import below
            pass
        finally:
            if sys.modules.get(STAND_IN) is stand_in:
                del sys.modules[STAND_IN]
    import pathlib

    return pathlib


def _quote_from_bytes(*args: object, **kwargs: object) -> str:
    """`urllib.parse.quote_from_bytes`, imported at its first call (`Path.as_uri()`)."""
    from urllib.parse import quote_from_bytes

    return quote_from_bytes(*args, **kwargs)  # type: ignore[arg-type]
