"""Module-level regular expressions compiled on first use instead of at import.

doctor compiles ~130 patterns at import and a clean `doctor preflight` uses a fraction of them;
compiling costs tens of milliseconds of a run's start-up. `lazy(pattern, flags)` stands in for
`re.compile(pattern, flags)`: the first attribute read (`match`, `search`, `sub`, `groups`, ...)
compiles the pattern and binds the compiled pattern's methods onto the stand-in, so later calls
cost what they cost on the compiled pattern. `pattern` is there before compiling. Hand it only
to its own methods: `re.sub(stand_in, ...)` and `isinstance(stand_in, re.Pattern)` want the real
thing (`.compiled` gives it).
"""

from __future__ import annotations

import re

_BOUND = ("match", "search", "fullmatch", "sub", "subn", "finditer", "findall", "split", "scanner")


class _LazyPattern:
    """A pattern compiled when first used; see the module docstring."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if not yet; `re` caches it)."""
        return re.compile(self.pattern, self._flags)

    def __getattr__(self, name: str) -> Any:
        # reached only for what is not bound yet: compile, bind the methods, answer
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = self.compiled
        for method in _BOUND:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self._flags})"


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
    def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
        """`re.compile(pattern, flags)`, compiled on first use."""
else:
    def lazy(pattern: str, flags: int = 0) -> _LazyPattern:
        """`re.compile(pattern, flags)`, compiled on first use."""
        return _LazyPattern(pattern, flags)
