"""Whether the `if` conditions around a `.env` load hold in a service's environment: the Guard
tuples dotenv_ast writes (see appenv.Guard), judged on compose's environment over the image's ENV."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.appenv import Guard


def _specs(value: object) -> tuple[tuple[object, ...], ...]:
    return tuple(v for v in value if isinstance(v, tuple)) if isinstance(value, tuple) else ()


def guard_holds(guard: Iterable[Guard], environ: Mapping[str, str], vague: frozenset[str] = frozenset()
                ) -> bool | None:
    """Whether every condition holds in a process with `environ` (a name outside it is unset):
    None when doctor cannot tell (a condition it could not read, a name in `vague`)."""
    return _all(_truth(g, environ, vague) for g in guard)


def _all(values: Iterable[bool | None]) -> bool | None:
    found: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            found = None
    return found


def _truth(guard: Guard, environ: Mapping[str, str], vague: frozenset[str]) -> bool | None:
    kind, args = guard[0], guard[1:]
    if kind == "not":
        inner = _truth(_specs(args)[0], environ, vague) if _specs(args) else None
        return None if inner is None else not inner
    if kind == "and":
        return _all(_truth(g, environ, vague) for g in _specs(args))
    if kind == "or":
        return _not(_all(_not(_truth(g, environ, vague)) for g in _specs(args)))
    if kind == "container":
        return True
    if kind == "set":
        return None if args[0] in vague else args[0] in environ
    values = [_term(t, environ, vague) for t in _specs(args)]
    if any(v is _UNKNOWN for v in values):
        return None
    if kind == "eq" and len(values) == 2:
        return values[0] == values[1]
    if kind == "truthy" and len(values) == 1:
        return bool(values[0])
    return None


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


_UNKNOWN = object()
# what django-environ (BOOLEAN_TRUE_STRINGS) and environs (marshmallow's Boolean) read as true
_TRUE_WORDS = frozenset({"true", "on", "ok", "y", "yes", "1", "t"})


def _term(term: Guard, environ: Mapping[str, str], vague: frozenset[str]) -> object:
    if term[0] == "lit":
        return term[1]
    if term[0] != "env" or term[1] in vague:
        return _UNKNOWN
    value = environ.get(str(term[1]), term[2])
    for method in term[3] if isinstance(term[3], tuple) else ():
        if method == "bool" and isinstance(value, (bool, str)):  # `env.bool(...)`: the default as written
            value = value if isinstance(value, bool) else value.strip().lower() in _TRUE_WORDS
            continue
        if not isinstance(value, str):
            return _UNKNOWN  # None.lower() raises: the module stops before its call
        value = getattr(value, str(method))()
    return value
