"""The project's doctor configuration: `doctor.yaml` or `[tool.doctor]` in pyproject.toml.

One schema for both files. Every value remembers where it came from (default, a file and
line, or a command-line flag), so `doctor config` can say why a setting is what it is, and
every mistake (an unknown key, a wrong type) is a ConfigError naming file and line; the CLI
turns it into exit status 2.

Parsing (with line numbers) lives in doctor.configfile; this module is the schema.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Collection
from pathlib import Path

from doctor.configfile import ConfigError as ConfigError
from doctor.configfile import Raw, read_pyproject, read_yaml
from doctor.model import Finding, Severity, field, fields, record, replace

TYPE_CHECKING = False  # typing costs a clean preflight ~4 ms, and nothing reads Setting's parameter at run time
if TYPE_CHECKING:
    from typing import Any, Generic, TypeVar

    T = TypeVar("T")

    class _Generic(Generic[T]):
        """To mypy, Setting is generic in its value's type."""
else:
    T = None

    class _Generic:
        """At run time `Setting[X]` is Setting (as a subscripted Generic would construct one)."""

        def __class_getitem__(cls, item: object) -> type:
            return cls

YAML_FILE = "doctor.yaml"
PYPROJECT = "pyproject.toml"
KEYS = (
    "select",
    "ignore",
    "severity",
    "fail-on",
    "compose-files",
    "profiles",
    "exclude",
    "tools",
    "ports",
    "suppressions",
)
LIST_KEYS = ("select", "ignore", "compose-files", "profiles", "exclude", "tools")
PORT_KEYS = ("range", "ranges")
SUPPRESSION_KEYS = ("check", "subject", "reason")

BASELINE_FILE = ".doctor-baseline.json"  # here so a run without one never imports doctor.baseline


@record
class Origin:
    """Where a value came from: `default`, `flag`, or a config file name with its line."""

    source: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


DEFAULT = Origin("default")
FLAG = Origin("flag")


@record
class Setting(_Generic[T]):
    """A configured value and where it came from."""

    value: T
    origin: Origin = DEFAULT


@record
class PortRange:
    """An inclusive range of host ports, written `8000-8010`."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> PortRange:
        match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text)
        if not match:
            raise ValueError(f"port range {text!r} is not START-END, e.g. '8000-8010'")
        start, end = int(match[1]), int(match[2])
        if not 1 <= start <= end <= 65535:
            raise ValueError(f"port range {text!r} must satisfy 1 <= START <= END <= 65535")
        return cls(start, end)

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


@record
class Ports:
    """`ports.range`, and `ports.ranges` per worktree (folder-name glob -> range)."""

    range: PortRange | None = None
    ranges: tuple[tuple[str, PortRange], ...] = ()

    def for_project(self, project_dir: Path) -> PortRange | None:
        """The range for this worktree: the first `ranges` glob matching its folder name, else `range`."""
        for pattern, port_range in self.ranges:
            if fnmatch.fnmatchcase(project_dir.name, pattern):
                return port_range
        return self.range


@record
class Suppression:
    """Findings of `check` whose subject matches the glob `subject` are accepted, for `reason`."""

    check: str
    subject: str
    reason: str
    origin: Origin = DEFAULT

    def matches(self, finding: Finding) -> bool:
        return finding.check == self.check and fnmatch.fnmatchcase(finding.subject, self.subject)


@record
class ConfigFlags:
    """What the command line said; None means "not given" (the file or the default stands)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: Severity | None = None
    compose_files: tuple[str, ...] | None = None
    profiles: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    port_range: PortRange | None = None


@record
class Config:
    """The effective configuration; each field a Setting that knows its origin."""

    select: Setting[tuple[str, ...]] = Setting(())
    ignore: Setting[tuple[str, ...]] = Setting(())
    severity: Setting[tuple[tuple[str, Severity], ...]] = Setting(())
    fail_on: Setting[Severity] = Setting(Severity.ERROR)
    compose_files: Setting[tuple[str, ...]] = Setting(())
    profiles: Setting[tuple[str, ...]] = Setting(())
    exclude: Setting[tuple[str, ...]] = Setting(())
    tools: Setting[tuple[str, ...]] = Setting(())
    ports: Setting[Ports] = Setting(Ports())
    suppressions: Setting[tuple[Suppression, ...]] = Setting(())
    file: Path | None = field(default=None, compare=False)

    @property
    def severities(self) -> dict[str, Severity]:
        """check id -> severity override, as engine.RunOptions takes it."""
        return dict(self.severity.value)

    def compose_paths(self, project_dir: Path) -> tuple[Path, ...]:
        """`compose-files` as paths (relative ones resolved against the project directory)."""
        return tuple(project_dir / p for p in self.compose_files.value)

    def merged_with_flags(self, flags: ConfigFlags) -> Config:
        """This config with every given flag replacing the file's value (origin `flag`)."""
        changes: dict[str, Any] = {}
        for name in ("select", "ignore", "fail_on", "compose_files", "profiles", "exclude"):
            given = getattr(flags, name)
            if given is not None:
                changes[name] = Setting(given, FLAG)
        if flags.port_range is not None:
            changes["ports"] = Setting(replace(self.ports.value, range=flags.port_range, ranges=()), FLAG)
        return replace(self, **changes)

    def check_known_ids(self, known: Collection[str]) -> None:
        """Raise ConfigError (with file:line) for a check id no registered check has."""
        named = [(i, self.select.origin) for i in self.select.value]
        named += [(i, self.ignore.origin) for i in self.ignore.value]
        named += [(i, self.severity.origin) for i, _ in self.severity.value]
        named += [(s.check, s.origin) for s in self.suppressions.value]
        for check_id, origin in named:
            if check_id not in known:
                hint = did_you_mean(check_id, known)
                path = self.file if origin.line else None
                raise ConfigError(
                    f"unknown check id {check_id!r}{hint} (see 'doctor list')", path, origin.line
                )


    def check_runs_some(self, known: Collection[str]) -> None:
        """Raise ConfigError when `ignore` removes every check `select` chose (or every check, without
        a `select`): a run of no check would pass, exit 0, having looked at nothing."""
        if set(self.select.value or known) - set(self.ignore.value):
            return
        chose = f"every check {_said('select', self.select.origin)} chose" if self.select.value else "every check"
        raise ConfigError(f"nothing to run: {_said('ignore', self.ignore.origin)} removes {chose}")


def _said(key: str, origin: Origin) -> str:
    """Where a setting was said, as the user wrote it: `--ignore`, or `ignore (doctor.yaml:3)`."""
    return f"--{key}" if origin == FLAG else f"{key} ({origin})"


def config_dir(start: Path) -> Path:
    """Where the configuration of a run from folder `start` lives: the nearest folder, from `start`
    upwards, that holds doctor.yaml or a pyproject.toml with [tool.doctor], stopping at the first
    one that holds a compose file (where compose's own upward search stops: the project root) or
    the top of the git work tree. `start` itself when neither is found.
    """
    from doctor.project.discover import MAIN_NAMES

    for folder in (start, *start.parents):
        # os.path: a folder on the way this user may not search is "not here", never a PermissionError
        if os.path.isfile(folder / YAML_FILE) or _configures_doctor(folder / PYPROJECT):
            return folder
        if any(os.path.isfile(folder / name) for name in MAIN_NAMES):
            return folder
        if os.path.lexists(folder / ".git"):  # never another repository's (or the home folder's) config
            break
    return start


def _configures_doctor(pyproject: Path) -> bool:
    from doctor.regular import read_text  # regular files only: a FIFO named pyproject.toml never blocks

    try:
        return "[tool.doctor" in read_text(pyproject)
    except OSError:  # RefusedFile too (a FIFO, a device, too big)
        return False


def load_config(project_dir: Path) -> Config:
    """The configuration in `project_dir` (doctor.yaml, else [tool.doctor]), or the defaults."""
    yaml_path = project_dir / YAML_FILE
    pyproject = project_dir / PYPROJECT
    from_toml = read_pyproject(pyproject) if pyproject.is_file() else None
    if os.path.lexists(yaml_path) and not yaml_path.is_file():  # a FIFO, a folder, a dangling link: was ignored
        what = ("a folder" if yaml_path.is_dir() else "a link to nothing" if yaml_path.is_symlink()
                else "not a regular file (a FIFO, a socket or a device)")
        raise ConfigError(f"{what}: doctor reads its configuration from a regular file", yaml_path)
    if yaml_path.is_file():
        if from_toml is not None:
            raise ConfigError(
                f"doctor is also configured in {pyproject} ([tool.doctor]); keep one of the two", yaml_path
            )
        return _build(read_yaml(yaml_path), yaml_path)
    if from_toml is not None:
        return _build(from_toml, pyproject)
    return Config()


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """` (did you mean 'x'?)` for the one choice closest to a misspelt (or upper-cased) id or key."""
    import difflib  # here: only a misspelt key needs it
    close = difflib.get_close_matches(word.lower(), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _build(raw: Raw, path: Path) -> Config:
    """Validate the parsed file against the schema and build the Config."""

    def origin(line: int | None) -> Origin:
        return Origin(path.name, line)

    def fail(message: str, line: int | None) -> ConfigError:
        return ConfigError(message, path, line)

    if not isinstance(raw.value, dict):
        raise fail("the configuration must be a mapping of settings", raw.line)
    table: dict[str, Raw] = raw.value
    for key, value in table.items():
        if key not in KEYS:
            raise fail(f"unknown key {key!r}{did_you_mean(key, KEYS)}", value.line)
    settings: dict[str, Any] = {}
    for key in LIST_KEYS:
        if key in table:
            settings[key.replace("-", "_")] = Setting(
                _strings(table[key], key, fail), origin(table[key].line)
            )
    if "severity" in table:
        entries = _table(table["severity"], "severity", fail)
        pairs = tuple((k, _severity(v, f"severity.{k}", fail)) for k, v in entries.items())
        settings["severity"] = Setting(pairs, origin(table["severity"].line))
    if "fail-on" in table:
        settings["fail_on"] = Setting(
            _severity(table["fail-on"], "fail-on", fail), origin(table["fail-on"].line)
        )
    if "ports" in table:
        settings["ports"] = Setting(_ports(table["ports"], fail), origin(table["ports"].line))
    if "suppressions" in table:
        items = table["suppressions"]
        if not isinstance(items.value, list):
            raise fail("'suppressions' must be a list of {check, subject, reason}", items.line)
        found = tuple(_suppression(item, origin(item.line), fail) for item in items.value)
        settings["suppressions"] = Setting(found, origin(items.line))
    return Config(**settings, file=path)


Fail = Callable[[str, "int | None"], ConfigError]


def _strings(raw: Raw, key: str, fail: Fail) -> tuple[str, ...]:
    if not isinstance(raw.value, list):
        raise fail(f"{key!r} must be a list of strings", raw.line)
    out = []
    for item in raw.value:
        if not isinstance(item.value, str) or not item.value:
            raise fail(f"{key!r} items must be non-empty strings, not {_kind(item.value)}", item.line)
        out.append(item.value)
    return tuple(out)


def _kind(value: object) -> str:
    """How a message names a wrong item: a list or a mapping by its kind (`[[x]]` printed the
    loader's own records, 2,500 characters at 99 levels), else as written, cut between words."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    from doctor.redact import clip

    return clip(repr(value), 60)


def _table(raw: Raw, key: str, fail: Fail) -> dict[str, Raw]:
    if not isinstance(raw.value, dict):
        raise fail(f"{key!r} must be a mapping", raw.line)
    table: dict[str, Raw] = raw.value
    return table


def _string(raw: Raw, key: str, fail: Fail) -> str:
    if not isinstance(raw.value, str) or not raw.value.strip():
        raise fail(f"{key!r} must be a non-empty string", raw.line)
    return raw.value


def _severity(raw: Raw, key: str, fail: Fail) -> Severity:
    try:
        return Severity.parse(_string(raw, key, fail))
    except ValueError as exc:
        raise fail(f"{key!r}: {exc}", raw.line) from None


def _port_range(raw: Raw, key: str, fail: Fail) -> PortRange:
    try:
        return PortRange.parse(_string(raw, key, fail))
    except ValueError as exc:
        raise fail(f"{key!r}: {exc}", raw.line) from None


def _ports(raw: Raw, fail: Fail) -> Ports:
    table = _table(raw, "ports", fail)
    for key, value in table.items():
        if key not in PORT_KEYS:
            raise fail(f"unknown key 'ports.{key}'{did_you_mean(key, PORT_KEYS)}", value.line)
    port_range = _port_range(table["range"], "ports.range", fail) if "range" in table else None
    ranges: tuple[tuple[str, PortRange], ...] = ()
    if "ranges" in table:
        entries = _table(table["ranges"], "ports.ranges", fail)
        ranges = tuple((glob, _port_range(v, f"ports.ranges.{glob}", fail)) for glob, v in entries.items())
    return Ports(port_range, ranges)


def _suppression(raw: Raw, origin: Origin, fail: Fail) -> Suppression:
    table = _table(raw, "suppressions item", fail)
    for key, value in table.items():
        if key not in SUPPRESSION_KEYS:
            raise fail(
                f"unknown key {key!r} in a suppression{did_you_mean(key, SUPPRESSION_KEYS)}", value.line
            )
    for key in SUPPRESSION_KEYS:
        if key not in table:
            why = " (say why the finding is accepted)" if key == "reason" else ""
            raise fail(f"a suppression needs {key!r}{why}", raw.line)
    check, subject, reason = (_string(table[k], f"suppression {k}", fail) for k in SUPPRESSION_KEYS)
    return Suppression(check, subject, reason, origin)


def render_config(config: Config, found: tuple[str, ...] = (), found_by: str = "") -> str:
    """`doctor config`: each setting's effective value and where it came from.

    `found` are the compose files compose itself would read (COMPOSE_FILE or discovery), shown
    when no `compose-files` setting names them, with `found_by` as their origin.
    """
    rows: list[tuple[str, str, str]] = []
    for f in fields(config):
        if f.name == "file":
            continue
        setting: Setting[Any] = getattr(config, f.name)
        if f.name == "compose_files" and not setting.value and found:
            rows.append(("compose-files", ", ".join(found), found_by))
            continue
        rows.extend(_rows(f.name.replace("_", "-"), setting))
    width = max(len(key) for key, _, _ in rows)
    value_width = min(max(len(value) for _, value, _ in rows), 60)
    head = f"# {config.file}" if config.file is not None else "# no doctor.yaml or [tool.doctor]: defaults"
    body = [f"{key:<{width}}  {value:<{value_width}}  {origin}".rstrip() for key, value, origin in rows]
    return "\n".join([head, *body]) + "\n"


def _rows(key: str, setting: Setting[Any]) -> list[tuple[str, str, str]]:
    value, origin = setting.value, str(setting.origin)
    if key == "suppressions":
        if not value:
            return [(key, "(none)", origin)]
        return [(key, f"{s.check} {s.subject!r}: {s.reason}", str(s.origin)) for s in value]
    if key == "severity":
        shown = ", ".join(f"{k}={v.label}" for k, v in value) or "(check defaults)"
    elif isinstance(value, Severity):
        shown = value.label
    elif isinstance(value, Ports):
        shown = (
            ", ".join(
                [
                    *([f"range {value.range}"] if value.range else []),
                    *(f"{glob}: {r}" for glob, r in value.ranges),
                ]
            )
            or "(any)"
        )
    elif not value:
        shown = "(all checks)" if key == "select" else "(none)"
    else:
        shown = ", ".join(value)
    return [(key, shown, origin)]
