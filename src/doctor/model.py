"""The records every part of doctor speaks in: findings, fixes, check results and the Check base."""

from __future__ import annotations

import copy
import enum
import functools
import types
from collections.abc import Callable, Iterable
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform

if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project

_Record = TypeVar("_Record", bound=type)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: _Record) -> _Record:
    """`@dataclass(frozen=True)` at a fifth of the import cost, for doctor's records.

    Python 3.11's dataclass compiles six methods per frozen class from source text, and doctor
    defines ~90 records: that was a quarter of the CPU of a whole `doctor preflight`. Here only
    `__init__` is compiled (the same code dataclass writes: defaults, default factories,
    `__post_init__`); `__eq__`, `__hash__`, `__repr__` and the frozen `__setattr__` /
    `__delattr__` are shared functions that behave the same (fields compared and hashed as a
    tuple; a class's own methods kept; `field(compare=False)`, `field(hash=...)`,
    `field(repr=False)` honoured). `fields()`, `replace()`, `asdict()` work as on any dataclass.
    A record extending a record, or with its own `__init__`, has its `__init__` and frozen
    methods written by dataclass itself. (No record uses keyword-only or init-less fields.)
    """
    own = vars(cls)
    made: Any
    if "__init__" in own or any(getattr(getattr(base, "__dataclass_params__", None), "frozen", False)
                                for base in cls.__mro__[1:]):  # dataclass checks frozen bases itself
        made = dataclass(frozen=True, eq=False, repr=False)(cls)
        every = fields(made)
    else:
        made = dataclass(init=False, repr=False, eq=False)(cls)  # the fields only: nothing compiled
        every = fields(made)
        defaulted = False  # the check dataclass makes when it writes __init__ (ours is written later)
        for f in every:
            if f.default is not MISSING or f.default_factory is not MISSING:
                defaulted = True
            elif defaulted:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
        made.__init__ = _first_init(made, every)
        made.__setattr__ = _record_setattr
        made.__delattr__ = _record_delattr
    # what it is to its subclasses (a plain frozen dataclass may extend a record) and to readers
    params = copy.copy(made.__dataclass_params__)
    params.init = params.repr = params.eq = params.frozen = True
    made.__dataclass_params__ = params
    made.__record_compared__ = tuple(f.name for f in every if f.compare)
    made.__record_hashed__ = tuple(f.name for f in every if (f.compare if f.hash is None else f.hash))
    made.__record_shown__ = tuple(f.name for f in every if f.repr)
    if "__eq__" not in own:
        made.__eq__ = _record_eq
        if "__hash__" not in own:
            made.__hash__ = _record_hash
    if "__repr__" not in own:
        made.__repr__ = _record_repr
    return made  # type: ignore[no-any-return]


def _record_init(cls: Any, every: tuple[Any, ...]) -> Callable[..., None]:
    """The `__init__` dataclass(frozen=True) would write for these fields.

    Its code is compiled once per number of fields with placeholder names, then renamed for this
    class (compiling is what costs); the defaults are the function's, as `def` would set them.
    """
    template = _init_template(len(every), hasattr(cls, "__post_init__"))
    names = {f"_f{i}": f.name for i, f in enumerate(every)}
    code = template.replace(
        co_varnames=tuple(names.get(v, v) for v in template.co_varnames),
        co_consts=tuple(names.get(c, c) if isinstance(c, str) else c for c in template.co_consts),
        co_qualname=f"{cls.__qualname__}.__init__")
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
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


@functools.cache
def _init_template(count: int, post_init: bool) -> types.CodeType:
    """`__init__(self, _f0, .., _fN)` setting each field; one holding _FACTORY calls its factory.

    (Only a field with a default factory can hold _FACTORY, as its default: it is private.)
    """
    params, body = [], []
    for i in range(count):
        params.append(f"_f{i}")
        body.append(f"if _f{i} is _FACTORY: _f{i} = _factory{i}()")
        body.append(f"_set(self, '_f{i}', _f{i})")
    if post_init:
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    exec(source, namespace)
    code: types.CodeType = namespace["__init__"].__code__
    return code


def _first_init(cls: Any, every: tuple[Any, ...]) -> Callable[..., None]:
    """An `__init__` that compiles the real one on the class's first instance, then hands over.

    Compiling is most of what a record costs at import, and a run makes instances of a fraction
    of its records (a clean preflight: about a third).
    """

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if cls.__init__ is __init__:  # else another thread or a subclass's call got here first
            cls.__init__ = _record_init(cls, every)
        cls.__init__(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


_FACTORY = object()


def _record_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _record_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _record_eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = self.__record_compared__
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _record_hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in self.__record_hashed__))


def _record_repr(self: Any) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__record_shown__)
    return f"{self.__class__.__qualname__}({shown})"


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that `>=` compares with a --fail-on threshold."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


@record
class Location:
    """A place in a file: absolute path, 1-based line and column where known."""

    path: Path
    line: int | None = None
    column: int | None = None

    def display(self, root: Path | None = None) -> str:
        """`path:line` with the path relative to root when it lies inside it."""
        shown = relative_to(self.path, root) if root is not None else str(self.path)
        if self.line is None:
            return shown
        return f"{shown}:{self.line}"


def relative_to(path: Path, root: Path) -> str:
    """The path relative to root when it lies inside root, else the path as it is."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class Safety(enum.Enum):
    """Whether a fix may be applied without asking (ruff's safe / unsafe / advice)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    ADVICE = "advice"


@record
class Edit:
    """Replace `old` by `new` in `path`, at `line` (1-based) when given.

    Text edits (`str`) work on the file's text with "\\n" line breaks and are written back with
    each line's own ending. `old == ""` with `line is None` appends `new` to the end of the
    file (creating it if needed). Byte edits (`bytes`, `line` None) work on the raw file: `old`
    must occur exactly once (the whole content, to rewrite a file whole) and is replaced by
    `new` as it is, so an edit can change line endings, drop a BOM, or touch bytes that are
    not UTF-8 text.
    """

    path: Path
    old: str | bytes
    new: str | bytes
    line: int | None = None

    @property
    def raw(self) -> bool:
        """Whether this edit works on the file's bytes rather than its text."""
        return isinstance(self.old, bytes) or isinstance(self.new, bytes)

    def as_dict(self) -> dict[str, object]:
        return {"file": str(self.path), "line": self.line, "old": _shown(self.old), "new": _shown(self.new)}


def _shown(value: str | bytes) -> str:
    """An edit's text for a report: bytes are shown as text, with escapes where not UTF-8."""
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value


#: a fix's own proof, beyond its finding being gone: given the reloaded project, "" when the
#: fix did what it says, else why not (a moved port that compose does not publish)
Verify = Callable[["Project"], str]


@record
class Fix:
    """An imperative title plus the text edits or the one command that repair a finding.

    `alternatives` are other repairs of the same finding, offered (asked) on a terminal only,
    never applied by default or by `--yes` alone. `verify` is the fix's own proof, run by the
    fixer on the reloaded project after the fix is applied.
    """

    title: str
    safety: Safety = Safety.SAFE
    edits: tuple[Edit, ...] = ()
    command: tuple[str, ...] = ()
    alternatives: tuple[Fix, ...] = ()
    verify: Verify | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "safety": self.safety.value,
            "edits": [e.as_dict() for e in self.edits],
            "command": list(self.command) or None,
            "alternatives": [a.as_dict() for a in self.alternatives],
        }


@record
class Finding:
    """One fault: which check, how bad, what (message), where (location), about what (subject)."""

    check: str
    severity: Severity
    message: str
    location: Location | None
    subject: str
    fix: Fix | None = None

    @property
    def fingerprint(self) -> str:
        """A stable id: the check id plus a hash of the subject (not of the message or line)."""
        import hashlib  # not at module level: it loads OpenSSL, ~5 ms of every start-up

        digest = hashlib.sha256(f"{self.check}\0{self.subject}".encode()).hexdigest()[:16]
        return f"{self.check}/{digest}"


class Status(enum.Enum):
    """How a check ended: the checklist mark of a doctor."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"


@record
class CheckResult:
    """A check's outcome: its findings, or why it was skipped, or the error that stopped it."""

    check: str
    summary: str
    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str = ""


class Unavailable(Exception):
    """A fact about the machine cannot be had (engine down, permission denied, timed out).

    Raised when a check touches such a fact; the engine turns it into a Skipped result with
    this reason, so a check never has to test for availability itself.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: the headings of a check's documentation, in this order; each is a line of its own
DOC_HEADINGS = ("What it finds", "Why it matters", "Example", "Fix", "Fix safety")


class Check:
    """Base class of every check. Subclasses set `id` and document themselves in their docstring.

    The docstring's first line is the one-line summary (`doctor list`); the rest, under the
    headings of DOC_HEADINGS, each alone on its line with the text indented below it, is what
    `doctor explain` and the SARIF rule help print. `fix_family` names the `doctor fix --FAMILY`
    flag that selects this check's fixes ("" for none); the CLI builds those flags from the
    registry.
    """

    id: ClassVar[str] = ""
    fix_family: ClassVar[str] = ""
    #: slow host probes this check reads ("shell": the login shell's PATH); the engine starts
    #: them before running any check, so they overlap the other checks instead of adding up
    prefetch: ClassVar[tuple[str, ...]] = ()
    #: the class sets the default; an instance carries the configured one (doctor.yaml `severity:`)
    severity: Severity = Severity.ERROR

    def __init__(self, severity: Severity | None = None) -> None:
        if severity is not None:
            self.severity = severity

    @classmethod
    def summary(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        return doc.splitlines()[0].strip() if doc else ""

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The documentation by heading: a line that is exactly a heading of DOC_HEADINGS starts
        its section, the indented lines below it are its text. Headings are matched exactly (no
        colon, no other words), so a heading word in prose starts nothing.
        """
        sections: dict[str, list[str]] = {}
        current: list[str] | None = None
        for line in cls.documentation().splitlines()[1:]:
            if line in DOC_HEADINGS:
                current = sections.setdefault(line, [])
            elif current is not None and (not line.strip() or line.startswith((" ", "\t"))):
                current.append(line.strip())
            elif line.strip():
                current = None
        return {name: "\n".join(body).strip() for name, body in sections.items()}

    def run(self, project: Project, host: Host) -> Iterable[Finding]:
        """Yield the findings of this check; never print, write files, or raise for "not applicable"."""
        raise NotImplementedError

    def finding(
        self,
        message: str,
        location: Location | None,
        subject: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A Finding of this check, at this check's configured severity unless told otherwise."""
        return Finding(self.id, severity or self.severity, message, location, subject, fix)
