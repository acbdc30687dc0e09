"""PyYAML, imported without its slowest start-up step: every doctor module takes `yaml` from here.

PyYAML's pure-Python Reader compiles, when `yaml` is imported, a character class that reaches
U+10FFFF (its NON_PRINTABLE): ~10 ms, a third of the import and of a cold model load's parse,
for a pattern doctor never uses (it reads through libyaml; the pure Reader only for documents
nested deeper than libyaml reads, where it still works as before). The same set written as the
characters it leaves out compiles ~8x faster; placed in `re`'s cache under PyYAML's text, it is
what `re.compile` hands PyYAML. Where `re` keeps no such cache, PyYAML compiles its own.
"""

from __future__ import annotations

import re
import sys

PYYAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
NON_PRINTABLE = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"  # the same set


def _seed_pattern_cache() -> None:
    cache = getattr(re, "_cache", None)  # CPython 3.11-3.13: {(type, pattern, flags): Pattern}
    if "yaml" not in sys.modules and isinstance(cache, dict):
        cache.setdefault((str, PYYAML_NON_PRINTABLE, 0), re.compile(NON_PRINTABLE))


_seed_pattern_cache()

import yaml as yaml  # noqa: E402  (after the seed, which is the point)
