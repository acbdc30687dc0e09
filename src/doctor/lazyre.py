"""Module-level regular expressions compiled on first use instead of at import.

doctor compiles ~130 patterns at import and a clean `doctor preflight` uses a fraction of them;
compiling costs tens of milliseconds of a run's start-up. `lazy(pattern, flags)` stands in for
`re.compile(pattern, flags)`: the first attribute read (`match`, `search`, `sub`, `groups`, ...)
compiles the pattern and binds the compiled pattern's methods onto the stand-in, so later calls
cost what they cost on the compiled pattern. `pattern` is there before compiling. Hand it only
to its own methods: `re.sub(stand_in, ...)` and `isinstance(stand_in, re.Pattern)` want the real
thing (`.compiled` gives it).

Compiling goes through `doctor.recache`, which keeps the compiled form across runs: so `lazy`
takes STATIC patterns only (a literal, or literals joined), never one built from a project's
values (a variable or service name, a secret) — use `re.compile` for those.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs a small run more than it gives
if TYPE_CHECKING:
    import re
    from typing import Any

_BOUND = ("match", "search", "fullmatch", "sub", "subn", "finditer", "findall", "split", "scanner")


class _LazyPattern:
    """A pattern compiled when first used; see the module docstring."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if not yet, from doctor.recache's table when a run stored it)."""
        found: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if found is None:
            from doctor.recache import compile as compile_static

            found = self.__dict__["_compiled"] = compile_static(self.pattern, self._flags)
        return found

    def __getattr__(self, name: str) -> Any:
        # reached only for what is not bound yet: compile, bind the methods, answer
        if name.startswith("__") or name == "_compiled":
            raise AttributeError(name)
        compiled = self.compiled
        for method in _BOUND:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self._flags})"


if TYPE_CHECKING:
    from typing import overload

    @overload
    def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]: ...
    @overload
    def lazy(pattern: bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[bytes]: ...
    def lazy(pattern: str | bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[str] | re.Pattern[bytes]:
        """`re.compile(pattern, flags)`, compiled on first use."""
else:
    def lazy(pattern: str, flags: int = 0) -> _LazyPattern:
        """`re.compile(pattern, flags)`, compiled on first use."""
        return _LazyPattern(pattern, flags)
