"""PyYAML, imported without its slowest start-up step: every doctor module takes `yaml` from here.

PyYAML's pure-Python Reader compiles, when `yaml` is imported, a character class that reaches
U+10FFFF (its NON_PRINTABLE): ~10 ms, a third of the import and of a cold model load's parse,
for a pattern doctor never uses (it reads through libyaml; the pure Reader only for documents
nested deeper than libyaml reads, where it still works as before). The same set written as the
characters it leaves out compiles ~8x faster; placed in `re`'s cache under PyYAML's text, it is
what `re.compile` hands PyYAML. Where `re` keeps no such cache, PyYAML compiles its own.

The other nine patterns PyYAML compiles at import (its Resolver's implicit tags, its
constructor's timestamp: ~2.5 ms of a first run's model load) are placed there the same way,
compiled from the table doctor ships (doctor.regex_ship: they are `lazy(...)` patterns of this
module, written as the installed PyYAML writes them). A PyYAML that writes one differently
misses that entry of the cache and compiles its own: never a different pattern.

PyYAML imports `datetime`, `base64` and `binascii` for its timestamps and `!!binary`: it imports
here with `datetime` standing in as the C module `_datetime` (the classes datetime re-exports:
its pure-Python half, ~0.9 ms to load, is never read) and the other two deferred to their first
use (`_lean_import`); `base64` took `struct` too. Any other `import datetime` gets the real module.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType

from doctor.lazyre import lazy
from doctor.lean_imports import seed_patterns

PYYAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
NON_PRINTABLE = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"  # the same set


_NON_PRINTABLE = lazy(NON_PRINTABLE)
_X = re.X
# PyYAML 5.1-6.0's import-time patterns (yaml/resolver.py, yaml/constructor.py), text and flags as it passes them
PYYAML_PATTERNS = (
    lazy("^(?:yes|Yes|YES|no|No|NO\n                    |true|True|TRUE|false|False|FALSE\n"
         "                    |on|On|ON|off|Off|OFF)$", _X),
    lazy("^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?\n                    |\\.[0-9][0-9_]*"
         "(?:[eE][-+][0-9]+)?\n                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*\n"
         "                    |[-+]?\\.(?:inf|Inf|INF)\n                    |\\.(?:nan|NaN|NAN))$", _X),
    lazy("^(?:[-+]?0b[0-1_]+\n                    |[-+]?0[0-7_]+\n                    |[-+]?(?:0|[1-9][0-9_]*)\n"
         "                    |[-+]?0x[0-9a-fA-F_]+\n                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$", _X),
    lazy("^(?:<<)$"),
    lazy("^(?: ~\n                    |null|Null|NULL\n                    | )$", _X),
    lazy("^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\n                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]?"
         " -[0-9][0-9]?\n                     (?:[Tt]|[ \\t]+)[0-9][0-9]?\n                     :[0-9][0-9]"
         " :[0-9][0-9] (?:\\.[0-9]*)?\n                     (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
         _X),
    lazy("^(?:=)$"),
    lazy("^(?:!|&|\\*)$"),
    lazy("^(?P<year>[0-9][0-9][0-9][0-9])\n                -(?P<month>[0-9][0-9]?)\n"
         "                -(?P<day>[0-9][0-9]?)\n                (?:(?:[Tt]|[ \\t]+)\n"
         "                (?P<hour>[0-9][0-9]?)\n                :(?P<minute>[0-9][0-9])\n"
         "                :(?P<second>[0-9][0-9])\n                (?:\\.(?P<fraction>[0-9]*))?\n"
         "                (?:[ \\t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)\n"
         "                (?::(?P<tz_minute>[0-9][0-9]))?))?)?$", _X),
)


def _seed_pattern_cache() -> None:
    if "yaml" not in sys.modules:
        seed_patterns([(PYYAML_NON_PRINTABLE, _NON_PRINTABLE), *((p.pattern, p) for p in PYYAML_PATTERNS)])


def _lean_import() -> None:
    """PyYAML imported with stand-ins for three modules it reads at call time, or for their
    classes alone: `datetime` as `_datetime`, the C module `datetime` itself takes its classes
    from (the same types: not datetime.py's pure-Python half, ~0.9 ms of a first run to load),
    `base64` and `binascii` deferred (only `!!binary` reads them: imported then, by
    doctor.lean_imports.Deferred). Each stand-in is in `sys.modules` only while PyYAML imports:
    any other `import datetime` gets the real module, whose classes these are. Where `_datetime`
    is missing, or anything goes wrong, PyYAML's own modules are imported again, plainly."""
    if "yaml" in sys.modules:
        return
    from doctor.lean_imports import Deferred, standing_in

    placed: dict[str, ModuleType | None] = {}
    if "datetime" not in sys.modules:
        try:
            import _datetime  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # another Python: datetime.py whole
            pass
        else:
            placed["datetime"] = _datetime
    for name in ("base64", "binascii"):
        if name not in sys.modules:
            placed[name] = Deferred(name)
    before = set(sys.modules)
    try:
        with standing_in(placed):
            import yaml  # noqa: F401
    except Exception:  # a PyYAML that takes more of them at import: the plain import below
        for name in set(sys.modules) - before:
            if name == "yaml" or name.startswith("yaml."):
                del sys.modules[name]


_seed_pattern_cache()
_lean_import()

import yaml as yaml  # noqa: E402  (after the seed, which is the point)
