"""The records every part of doctor speaks in: findings, fixes, check results and the Check base."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

# re-exported: checks and the rest of doctor make and read records through doctor.model
from doctor.record_api import asdict as asdict
from doctor.record_api import fields as fields
from doctor.record_api import is_dataclass as is_dataclass
from doctor.record_api import replace as replace
from doctor.records import MISSING as MISSING
from doctor.records import Field as Field
from doctor.records import field as field
from doctor.records import record as record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from doctor.host import Host
    from doctor.project import Project


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


def shown_path(path: Path, cwd: Path | None = None) -> str:
    """The path as it opens from the current directory: relative below it, `../x` in the folder
    around it (the repo of a project in `development/` or `.devcontainer/`, unless that folder
    is `/`), else absolute; its control characters in caret notation (shown_text).

    Locations, and the paths that messages and fix titles name, are all written this way, so a
    run from the repo root on a project in `docker/` names `docker/.env` everywhere.
    """
    here = cwd or Path.cwd()
    try:
        return shown_text(str(path.relative_to(here)) or ".")
    except ValueError:
        pass
    outer = here.parent
    if outer != outer.parent and path.is_relative_to(outer):
        return shown_text(str(Path("..") / path.relative_to(outer)))
    return shown_text(str(path))


# every control character in caret notation (`^[` for ESC, `^J` for a line break), a C1 one escaped
_CARET = {**{c: f"^{chr(c + 64)}" for c in range(32)}, 127: "^?", **{c: f"\\x{c:02x}" for c in range(0x80, 0xA0)}}


def shown_text(text: str) -> str:
    """A path (or a one-line message naming one) as a person reads it: a folder named with an escape
    sequence (`esc\\033[31mred`) must not drive the terminal, nor a line break in it start a new line
    (the console's `visible` keeps those of a message's own text)."""
    return text.translate(_CARET)


def relative_to(path: Path, root: Path) -> str:
    """The path relative to root when it lies inside root, else the path as it is."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def and_list(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`: items as a message's sentence lists them ("" for none)."""
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)


def service_names(names: Sequence[str], most: int = 4) -> str:
    """`'scheduler', 'server', 'worker'`; past `most`, the first three and how many more
    (`'api', 'scheduler', 'update-listener' and 8 more services`): a message naming a project's
    services stays a line long however many share the fault."""
    if len(names) <= most:
        return ", ".join(f"'{name}'" for name in names)
    return ", ".join(f"'{name}'" for name in names[:most - 1]) + f" and {len(names) - most + 1} more services"


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
        return fingerprint_of(self.check, self.subject)


def _sha256() -> Callable[[bytes], Any]:
    """SHA-256 from CPython's own module (`_sha256`, `_sha2` from 3.12): ~0.5 ms to import where
    `hashlib` loads OpenSSL first (~2 ms of every run with a finding); the digests are the same."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]
        except ImportError:  # a build without them: OpenSSL's
            from hashlib import sha256
    return sha256  # type: ignore[no-any-return]


def fingerprint_of(check: str, subject: str) -> str:
    """`check/` and 16 hex digits of the hash of check and subject (Finding.fingerprint)."""
    # surrogateescape: a subject naming a file whose name is not UTF-8 (caf\xe9.sh) hashes too
    digest = _sha256()(f"{check}\0{subject}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{check}/{digest}"


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


class StartedProbe(BaseException):
    """A check running in the helper process of a preflight (doctor.forked) reached a probe the run
    started early (the login shell, the ownership walk, compose's version, the engine's container
    or image list): its answer belongs to the run, so the check is handed back to the run, which
    runs it there. A BaseException: no check's `except Exception` may take it for a fault."""


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
    #: True when the check reads only the project and the run's environment (`host.env`): no
    #: other host fact, probe, socket or program. Such checks may run in a helper process beside
    #: the run (doctor.forked), so their results must pickle; a plugin keeps the default
    project_only: ClassVar[bool] = False
    #: True when the check reads host facts but may still run in that helper: it reaches no probe a
    #: preflight starts early (any check's `prefetch`: the login shell, the ownership walk, compose's
    #: version, the engine's container and image lists; where a project leads it to one, the helper
    #: hands it back to the run, see StartedProbe), its own engine requests each open a connection of
    #: their own, and it leaves no host fact the run must not compute again. Its results must pickle
    fork_safe: ClassVar[bool] = False
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
        return cleandoc(cls.__doc__ or "")

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

    def start(self, project: Project, host: Host) -> None:
        """Start what `run` will wait for once the project says it is needed (a probe of `prefetch`
        that is not started until then). The engine calls it in the process that runs this check,
        before that process runs any check, so the probe overlaps them; nothing by default. It is
        called at most once, before `run`, and what it raises is ignored (`run` meets it again)."""

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


def cleandoc(doc: str) -> str:
    """inspect.cleandoc, without importing inspect (and ast, dis, tokenize with it) on every run.

    Tabs expanded; the first line's leading blanks and the other lines' common indentation
    removed; leading and trailing blank lines dropped.
    """
    lines = doc.expandtabs().split("\n")
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()), default=None)
    lines[0] = lines[0].lstrip()
    if margin is not None:
        lines[1:] = [line[margin:] for line in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)
