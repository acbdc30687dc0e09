"""dataclasses' `is_dataclass`, `fields`, `replace` and `asdict` for records (doctor.records), without
importing the dataclasses module: a class the dataclasses module made (or one extending it) is handed
to that module's own functions."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing costs a clean preflight ~4 ms: its names are for mypy only
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from doctor.records import Field

    _T = TypeVar("_T")


def _own_fields(cls: type) -> tuple[Field, ...] | None:
    """The record fields of cls, or None when the dataclasses module made it (or a class it extends)."""
    for c in cls.__mro__:
        if "__record_fields__" in c.__dict__:
            return c.__dict__["__record_fields__"]  # type: ignore[no-any-return]
        if isinstance(c.__dict__.get("__dataclass_fields__"), dict):
            return None
    return None


def is_dataclass(obj: Any) -> bool:
    """dataclasses.is_dataclass, true of records (and of the dataclasses module's classes, if loaded)."""
    cls = obj if isinstance(obj, type) else type(obj)
    if _own_fields(cls) is not None:
        return True
    module = sys.modules.get("dataclasses")
    return module is not None and module.is_dataclass(obj)


def fields(obj: Any) -> tuple[Field, ...]:
    """dataclasses.fields of a record or record instance (the dataclasses module's for others)."""
    got = _own_fields(obj if isinstance(obj, type) else type(obj))
    if got is None:
        import dataclasses

        return dataclasses.fields(obj)  # type: ignore[return-value]
    return got


def replace(obj: _T, /, **changes: Any) -> _T:
    """dataclasses.replace: a new instance of obj's class, with these fields changed."""
    got = _own_fields(type(obj))
    if got is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    for f in got:
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def asdict(obj: Any, *, dict_factory: Callable[[list[tuple[str, Any]]], Any] = dict) -> Any:
    """dataclasses.asdict: a record instance as a dict, recursively (values deep-copied)."""
    if isinstance(obj, type) or not is_dataclass(obj):
        raise TypeError("asdict() should be called on dataclass instances")
    return _asdict(obj, dict_factory)


def _asdict(value: Any, dict_factory: Callable[[list[tuple[str, Any]]], Any]) -> Any:
    if not isinstance(value, type) and is_dataclass(value):
        return dict_factory([(f.name, _asdict(getattr(value, f.name), dict_factory)) for f in fields(value)])
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[_asdict(v, dict_factory) for v in value])
    if isinstance(value, (list, tuple)):
        return type(value)(_asdict(v, dict_factory) for v in value)
    if isinstance(value, dict):
        return type(value)((_asdict(k, dict_factory), _asdict(v, dict_factory)) for k, v in value.items())
    import copy

    return copy.deepcopy(value)
