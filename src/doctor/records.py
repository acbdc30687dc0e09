"""`@record`: doctor's dataclasses, made without importing the dataclasses module.

`import dataclasses` pulls in inspect, ast, dis, tokenize and linecache (a sixth of a clean
preflight's imports), and Python 3.11's dataclass compiles six methods per class from source
text: for doctor's ~90 records that was a quarter of the CPU of a whole `doctor preflight`.
`record` reads the annotations itself, compiles only `__init__` (on the first instance, from
code shared by every record with as many fields), and shares `__eq__`, `__hash__`, `__repr__`
and the frozen `__setattr__` / `__delattr__` between all records; they behave as dataclass's.

To the dataclasses module a record is a dataclass: `__dataclass_fields__` and
`__dataclass_params__` are made by it on first access (so only by a caller that imported it),
which is what `dataclasses.fields`, `replace`, `asdict` and a `@dataclass` extending a record
read. A frozen record raises `dataclasses.FrozenInstanceError` on assignment, imported then.
`fields`, `replace`, `asdict` and `is_dataclass` (doctor.record_api) work on records without that
import (and hand anything else to the dataclasses module). Not supported: InitVar, KW_ONLY, slots, order.
"""

from __future__ import annotations

import functools
import reprlib
import sys
import types

# replace is re-exported: doctor.why and checks import it from here
from doctor.record_api import replace as replace

TYPE_CHECKING = False  # typing costs a clean preflight ~4 ms: its names are for mypy only
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform, overload

    _T = TypeVar("_T")
    _Class = TypeVar("_Class", bound=type)


class _Missing:
    """The "no default" marker (dataclasses.MISSING's counterpart)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"  # unpickles as this module's one instance


MISSING: Any = _Missing()


class Field:
    """One field of a record: what a `dataclasses.Field` says of it."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "kw_only", "metadata", "name", "repr",
                 "type")

    def __init__(self, default: Any, default_factory: Any, repr: bool, hash: bool | None, compare: bool) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name: str = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.init = True
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata: types.MappingProxyType[Any, Any] = types.MappingProxyType({})
        self.kw_only = False

    def __repr__(self) -> str:
        return (f"Field(name={self.name!r},type={self.type!r},default={self.default!r},"
                f"default_factory={self.default_factory!r},repr={self.repr!r},hash={self.hash!r},"
                f"compare={self.compare!r})")


if TYPE_CHECKING:  # the overloads are mypy's: at run time only the implementation below exists
    @overload
    def field(*, default: _T, repr: bool = True, hash: bool | None = None, compare: bool = True) -> _T: ...
    @overload
    def field(*, default_factory: Callable[[], _T], repr: bool = True, hash: bool | None = None,
              compare: bool = True) -> _T: ...
    @overload
    def field(*, repr: bool = True, hash: bool | None = None, compare: bool = True) -> Any: ...
def field(*, default: Any = MISSING, default_factory: Any = MISSING, repr: bool = True, hash: bool | None = None,
          compare: bool = True) -> Any:
    """A record field with a default, a default factory, or left out of eq / hash / repr."""
    return Field(default, default_factory, repr, hash, compare)


if TYPE_CHECKING:
    @overload
    @dataclass_transform(frozen_default=True, field_specifiers=(Field, field))
    def record(cls: _Class, /) -> _Class: ...
    @overload
    def record(*, frozen: bool = True) -> Callable[[_Class], _Class]: ...
def record(cls: Any = None, /, *, frozen: bool = True) -> Any:
    """`@dataclass(frozen=True)` (or `@record(frozen=False)`: `@dataclass`) without the dataclasses module."""
    if cls is None:
        return functools.partial(_make, frozen=frozen)
    return _make(cls, frozen)


def _make(cls: Any, frozen: bool) -> Any:
    """cls made a record: its fields read from its annotations (after its bases'), its methods set."""
    own = cls.__dict__
    every = _inherited(cls, frozen)
    # the dataclasses module's Field, once imported (none can exist before): a `dataclasses.field(...)` means ours
    dataclass_field = getattr(sys.modules.get("dataclasses"), "Field", None)
    typing = sys.modules.get("typing")
    for name, annotation in own.get("__annotations__", {}).items():
        # without typing imported no annotation is a ClassVar, and a string naming neither InitVar nor
        # KW_ONLY is no special one (_special's answer, without its parse: ~40 % of a record's making)
        if typing is not None or (isinstance(annotation, str) and ("InitVar" in annotation or "KW_ONLY" in annotation)):
            kind = _special(annotation, cls)
            if kind == "ClassVar":
                continue
            if kind:
                raise TypeError(f"field {name!r}: a record has no {kind} fields")
        value = own.get(name, MISSING)
        if dataclass_field is not None and isinstance(value, dataclass_field):
            value = _from_dataclass(value)
        if isinstance(value, Field):
            f = value
            if f.default is MISSING:
                delattr(cls, name)  # as dataclass: the class keeps the default, never the Field
            else:
                setattr(cls, name, f.default)
        else:
            if isinstance(value, types.MemberDescriptorType):
                value = MISSING
            f = Field(value, MISSING, True, None, True)
        f.name, f.type = name, annotation
        if f.default is not MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        every[name] = f
    for name, value in own.items():
        if (isinstance(value, Field) or (dataclass_field is not None and isinstance(value, dataclass_field))) \
                and name not in every:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    fields = tuple(every.values())
    defaulted = False
    for f in fields:
        if f.default is not MISSING or f.default_factory is not MISSING:
            defaulted = True
        elif defaulted:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")

    cls.__record_fields__ = fields
    cls.__record_frozen__ = frozen
    cls.__record_names__ = frozenset(every)
    cls.__record_compared__ = tuple(f.name for f in fields if f.compare)
    cls.__record_hashed__ = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    cls.__record_shown__ = tuple(f.name for f in fields if f.repr)
    cls.__dataclass_fields__ = _DataclassView(cls, "__dataclass_fields__")
    cls.__dataclass_params__ = _DataclassView(cls, "__dataclass_params__")
    if "__init__" not in own:
        cls.__init__ = _first_init(cls, fields)
    if "__repr__" not in own:
        cls.__repr__ = _record_repr
    if "__eq__" not in own:
        cls.__eq__ = _record_eq
    # dataclass's hash table for eq=True: a class's own __hash__ stays; else frozen hashes the
    # fields and mutable is unhashable (`__hash__ = None` beside an own __eq__ is Python's, not own)
    class_hash = own.get("__hash__", MISSING)
    if class_hash is MISSING or (class_hash is None and "__eq__" in own):
        cls.__hash__ = _record_hash if frozen else None
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
        cls.__setattr__ = _record_setattr
        cls.__delattr__ = _record_delattr
    if "__match_args__" not in own:
        cls.__match_args__ = tuple(every)  # type: ignore[misc]
    if not cls.__doc__:
        cls.__doc__ = f"{cls.__name__}({', '.join(_signature_part(f) for f in fields)})"
    return cls


def _inherited(cls: Any, frozen: bool) -> dict[str, Field]:
    """The fields of cls's bases, in dataclass's order (the root's first, a redefinition in place)."""
    every: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        if "__record_fields__" in base.__dict__:
            base_fields, base_frozen = base.__record_fields__, base.__record_frozen__
        elif isinstance(base.__dict__.get("__dataclass_fields__"), dict):  # made by the dataclasses module
            import dataclasses

            base_frozen = base.__dataclass_params__.frozen
            base_fields = tuple(_from_dataclass(f) for f in dataclasses.fields(base))
        else:
            continue
        if base_frozen and not frozen:
            raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
        if frozen and not base_frozen:
            raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
        for f in base_fields:
            every[f.name] = f
    return every


def _from_dataclass(source: Any) -> Field:
    import dataclasses

    f = Field(MISSING if source.default is dataclasses.MISSING else source.default,
              MISSING if source.default_factory is dataclasses.MISSING else source.default_factory,
              source.repr, source.hash, source.compare)
    f.name, f.type = source.name, source.type
    return f


def _special(annotation: Any, cls: Any) -> str:
    """"ClassVar", "InitVar" or "KW_ONLY" when the annotation is one (as dataclass tells them), else "".

    A ClassVar is typing's: while nothing has imported typing, no annotation can be one.
    """
    typing = sys.modules.get("typing")
    if isinstance(annotation, str):
        head = annotation.split("[", 1)[0].strip()
        module, _, name = head.rpartition(".")
        name = name.strip()
        if name in ("InitVar", "KW_ONLY"):
            return name
        if typing is None:
            return ""  # no module can hold typing.ClassVar
        namespace = vars(sys.modules[cls.__module__]) if cls.__module__ in sys.modules else {}
        found = namespace.get(name) if not module else getattr(namespace.get(module.strip()), name, None)
        return "ClassVar" if found is typing.ClassVar else ""
    if typing is not None and (annotation is typing.ClassVar or typing.get_origin(annotation) is typing.ClassVar):
        return "ClassVar"
    return ""


def _signature_part(f: Field) -> str:
    """A field as inspect.signature shows it in the docstring dataclass gives an undocumented class."""
    kind = f.type  # as inspect.formatannotation shows it
    if getattr(kind, "__module__", None) == "typing":
        kind = repr(kind).replace("typing.", "")
    elif isinstance(kind, types.GenericAlias):
        kind = str(kind)
    elif isinstance(kind, type):
        kind = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    else:
        kind = repr(kind)
    shown = f"{f.name}: {kind}"
    if f.default is not MISSING:
        return f"{shown} = {f.default!r}"
    return f"{shown} = <factory>" if f.default_factory is not MISSING else shown


class _DataclassView:
    """A record's `__dataclass_fields__` or `__dataclass_params__`, made by dataclasses when first read.

    A throwaway class with the same fields goes through `@dataclass`; its two attributes then
    replace both descriptors on the record, so the dataclasses module sees what it made itself.
    """

    def __init__(self, owner: Any, name: str) -> None:
        self.owner = owner
        self.name = name

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        import dataclasses

        cls = self.owner
        namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                     "__annotations__": {}}
        for f in cls.__record_fields__:
            namespace["__annotations__"][f.name] = f.type
            namespace[f.name] = dataclasses.field(
                default=dataclasses.MISSING if f.default is MISSING else f.default,
                default_factory=dataclasses.MISSING if f.default_factory is MISSING else f.default_factory,
                repr=f.repr, hash=f.hash, compare=f.compare)
        made: Any = dataclasses.dataclass(frozen=cls.__record_frozen__)(type(cls.__name__, (), namespace))
        type.__setattr__(cls, "__dataclass_fields__", made.__dataclass_fields__)
        type.__setattr__(cls, "__dataclass_params__", made.__dataclass_params__)
        return getattr(made, self.name)


def _record_init(cls: Any, every: tuple[Field, ...]) -> Callable[..., None]:
    """The `__init__` dataclass would write for these fields.

    Its code is compiled once per number of fields with placeholder names, then renamed for this
    class (compiling is what costs); the defaults are the function's, as `def` would set them.
    A frozen record sets its fields with object.__setattr__, a mutable one with its own setattr.
    """
    template = _init_template(len(every), hasattr(cls, "__post_init__"))
    names = {f"_f{i}": f.name for i, f in enumerate(every)}
    code = template.replace(
        co_varnames=tuple(names.get(v, v) for v in template.co_varnames),
        co_consts=tuple(names.get(c, c) if isinstance(c, str) else c for c in template.co_consts),
        co_qualname=f"{cls.__qualname__}.__init__")
    setter = object.__setattr__ if cls.__record_frozen__ else setattr
    namespace: dict[str, Any] = {"_set": setter, "_FACTORY": _FACTORY}
    defaults = []
    for i, f in enumerate(every):
        if f.default is not MISSING:
            defaults.append(f.default)
        elif f.default_factory is not MISSING:
            namespace[f"_factory{i}"] = f.default_factory
            defaults.append(_FACTORY)
    init: Callable[..., None] = types.FunctionType(code, namespace, "__init__", tuple(defaults) or None)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


# the `__init__` code of a record of up to this many fields is in doctor.record_inits: doctor's biggest
# records (a compose Service, 30 fields; the ComposeModel and a Dockerfile's Recipe, 17) included,
# whose code a cold run compiled each time (~1.4 ms) where 16 was the limit; the module's code for
# 0 to 32 fields takes ~0.06 ms to load
STATIC_INITS = 32


@functools.cache
def _init_template(count: int, post_init: bool) -> types.CodeType:
    """`__init__(self, _f0, .., _fN)` setting each field; one holding _FACTORY calls its factory.

    (Only a field with a default factory can hold _FACTORY, as its default: it is private.)
    Up to STATIC_INITS fields (without `__post_init__`) the code comes compiled with doctor, from
    doctor.record_inits (written by `template_source`): compiling it here cost a run ~4 ms in
    each of its processes; others are compiled now.
    """
    if count <= STATIC_INITS and not post_init:
        from doctor import record_inits

        static: types.CodeType = getattr(record_inits, f"_init{count}").__code__
        return static.replace(co_name="__init__")
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    exec(template_source(count, post_init), namespace)
    code: types.CodeType = namespace["__init__"].__code__
    return code


def template_source(count: int, post_init: bool, name: str = "__init__") -> str:
    """The source of `_init_template(count, post_init)`'s code, as a function called `name`."""
    params, body = ["self"], []
    for i in range(count):
        params.append(f"_f{i}")
        body += [f"if _f{i} is _FACTORY:", f"    _f{i} = _factory{i}()", f"_set(self, '_f{i}', _f{i})"]
    if post_init:
        body.append("self.__post_init__()")
    return f"def {name}({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])


def record_inits_source() -> str:
    """The text of doctor/record_inits.py (`python -m doctor.records` writes it; a test compares)."""
    head = ('"""The `__init__` code of records of 0 to STATIC_INITS fields, compiled with doctor (see\n'
            'doctor.records._init_template). Written by `python -m doctor.records`: do not edit.\n\n'
            'Each function is only a code template: `_set`, `_FACTORY` and `_factoryN` are the globals\n'
            'doctor.records gives the `__init__` it makes of it, and the `_fN` names are renamed there.\n"""\n'
            "# ruff: noqa: F821, E501\n# mypy: ignore-errors\n")
    return head + "".join(f"\n\n{template_source(n, False, f'_init{n}')}" for n in range(STATIC_INITS + 1))


def _first_init(cls: Any, every: tuple[Field, ...]) -> Callable[..., None]:
    """An `__init__` that compiles the real one on the class's first instance, then hands over.

    Compiling is most of what a record costs, and a run makes instances of a fraction of its
    records (a clean preflight: about a third).
    """

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if cls.__init__ is __init__:  # else another thread or a subclass's call got here first
            type.__setattr__(cls, "__init__", _record_init(cls, every))
        cls.__init__(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


_FACTORY = object()


def _frozen(message: str) -> Exception:
    from dataclasses import FrozenInstanceError  # an AttributeError; imported only by a caller who errs

    return FrozenInstanceError(message)


def _record_setattr(self: Any, name: str, value: Any) -> None:
    cls = self.__class__
    if "__record_fields__" in cls.__dict__ or name in cls.__record_names__:
        raise _frozen(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)  # a plain subclass's own attribute, as dataclass allows


def _record_delattr(self: Any, name: str) -> None:
    cls = self.__class__
    if "__record_fields__" in cls.__dict__ or name in cls.__record_names__:
        raise _frozen(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _record_eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = self.__record_compared__
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _record_hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in self.__record_hashed__))


@reprlib.recursive_repr()
def _record_repr(self: Any) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__record_shown__)
    return f"{self.__class__.__qualname__}({shown})"


if __name__ == "__main__":
    import os

    with open(os.path.join(os.path.dirname(__file__), "record_inits.py"), "w", encoding="utf-8") as out:
        out.write(record_inits_source())
