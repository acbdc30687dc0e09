"""compose-spec's own JSON schema, applied the way compose-go v2.9.1 (docker compose v2.40.3) does.

compose-go validates each file's interpolated mapping against `schema/compose-spec.json`
(vendored beside this module in `spec/`, see spec/SOURCE.txt) after casting a few typed fields
from strings (`scale: "${N}"` -> int). Compose stops at the first violation and names the most
specific one (deepest path; an unknown key counts one deeper); doctor reports every violation
that way, each with the file:line of the value.

A valid file is the common case: spec/compose_spec_validator.py, generated from the schema
ahead of time (spec/generate.py), says so without importing anything. Only when it says
"invalid" is `jsonschema` imported (~0.1-0.2 s) to name each violation as compose does.
Without jsonschema, the hand-written shape checks of `service.py` stand in.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable
from functools import cache

from doctor.project.schema_casts import _go_duration, _Plain
from doctor.project.schema_messages import _location, validate
from doctor.project.types import Problem, ProblemKind
from doctor.project.yamlload import YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from typing import Any

__all__ = ["Validation", "available", "validate"]


@cache
def available() -> bool:
    """Whether the schema's violations can be told (jsonschema installed; imported only for an invalid file)."""
    return jsonschema_spec() is not None


def jsonschema_spec() -> ModuleSpec | None:
    """jsonschema's spec as the import system finds it: the path finder first (importlib's own,
    already loaded: importlib.util costs a cold run ~0.8 ms to import), the whole import system
    where that finds none (an editable install's own finder); None when absent or broken."""
    finder = sys.modules["_frozen_importlib_external"].PathFinder
    try:
        found: ModuleSpec | None = finder.find_spec("jsonschema")
        if found is None:
            import importlib.util

            found = importlib.util.find_spec("jsonschema")
    except (ImportError, ValueError):  # a broken install: as absent
        return None
    return found


class Validation:
    """compose validates the mapping merged so far after each file: a `null` in an override keeps
    the earlier value (override.Merge), so it is no violation there. Each violation is reported once.

    The generated validator judges first, and only what the file changed while all before was
    valid (the schema judges each top-level key and each service, volume... on its own, which
    spec/generate.py asserts); jsonschema runs on the whole mapping only once that says invalid."""

    def __init__(self) -> None:
        self.merged: dict[str, Any] = {}
        self.plain = _Plain()
        self.seen: set[str] = set()
        self.valid = True  # the generated validator's verdict on self.merged

    def add(self, document: YMap) -> list[Problem]:
        """The new violations once this interpolated document is merged onto the earlier ones."""
        before = len(self.plain.problems)
        instance = self.plain.convert(document, (), document.loc)
        problems = self.plain.problems[before:]
        if isinstance(instance, dict) and "include" in instance and instance["include"] is None:
            del instance["include"]  # ApplyInclude consumes the key before the merge; `include: ~` is nothing
        base, self.merged = self.merged, _merge(self.merged, instance)
        judged = _changed(base, self.merged, instance) if self.valid else self.merged
        self.valid = _fast_valid(judged)
        found = ([*_durations(judged, self.plain), *_sizes(judged, self.plain)] if self.valid
                 else [*validate(self.merged, self.plain), *_durations(self.merged, self.plain),
                       *_sizes(self.merged, self.plain)])
        for problem in found:
            if problem.message not in self.seen:
                self.seen.add(problem.message)
                problems.append(problem)
        return problems


def _changed(base: dict[str, Any], merged: dict[str, Any], instance: dict[str, Any]) -> dict[str, Any]:
    """The part of `merged` (= _merge(base, instance)) that may differ from `base`: the top-level
    keys the document names, and in a section merged onto an earlier one the entries it names
    (in merged order, so that problems come in the order a whole-mapping pass finds them)."""
    sections = _compiled().SECTIONS
    changed: dict[str, Any] = {}
    for key, value in instance.items():
        old, new = base.get(key), merged[key]
        if value is None and key in base:
            continue  # a null keeps the earlier value
        if key in sections and isinstance(value, dict) and isinstance(old, dict) and isinstance(new, dict):
            changed[key] = {name: item for name, item in new.items()
                            if name in value and (value[name] is not None or name not in old)}
        else:
            changed[key] = new
    return changed


@cache
def _compiled() -> Any:
    """spec/compose_spec_validator.py: compose-spec.json compiled to Python (spec/generate.py)."""
    from doctor.project.spec import compose_spec_validator

    return compose_spec_validator


def _any_format(value: object) -> bool:
    return True


def _is_duration(value: object) -> bool:
    try:
        return _go_duration(value)
    except ValueError:
        return False


# jsonschema's FormatChecker above checks `duration` only; the generated code asks this for every format
_FORMATS: defaultdict[str, Callable[[object], bool]] = defaultdict(lambda: _any_format, duration=_is_duration)


def _fast_valid(instance: dict[str, Any]) -> bool:
    """The generated validator's verdict: the same as jsonschema's (tests/test_schema_fast.py)."""
    try:
        _compiled().validate(instance, _FORMATS)
    except (ValueError, TypeError, RecursionError):  # its exception is a ValueError; the others: jsonschema decides
        return False
    return True


# types.Duration fields: compose decodes them with time.ParseDuration after the schema passed
_DURATIONS = (("stop_grace_period",), ("healthcheck", "interval"), ("healthcheck", "timeout"),
              ("healthcheck", "start_period"), ("healthcheck", "start_interval"),
              ("deploy", "restart_policy", "delay"), ("deploy", "restart_policy", "window"),
              ("deploy", "update_config", "delay"), ("deploy", "update_config", "monitor"),
              ("deploy", "rollback_config", "delay"), ("deploy", "rollback_config", "monitor"))


def _durations(merged: dict[str, Any], plain: _Plain) -> list[Problem]:
    """compose's decode errors for durations (`stop_grace_period: 5` lacks a unit)."""
    problems: list[Problem] = []
    services = merged.get("services")
    for name, service in (services.items() if isinstance(services, dict) else ()):
        for path in _DURATIONS:
            value: Any = service
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if not isinstance(value, str):
                continue
            try:
                _go_duration(value)
            except ValueError:
                reason = ("missing unit in duration" if re.fullmatch(r"[+-]?[0-9.]+", value) and value.strip("+-0.")
                          else "invalid duration")
                where = f"'services[{name}].{'.'.join(path)}'"
                loc = _location(plain.locations, ("services", name, *path), None)
                problems.append(Problem(ProblemKind.SCHEMA, f'{where} time: {reason} "{value}"', loc))
    return problems


def _sizes(merged: dict[str, Any], plain: _Plain) -> list[Problem]:
    """compose's decode errors for byte sizes (`shm_size: 1gig`, a tmpfs mount's `size`): go-units' words."""
    from doctor.project.gosize import SIZE_FIELDS, size_error

    problems: list[Problem] = []
    services = merged.get("services")
    for name, service in (services.items() if isinstance(services, dict) else ()):
        mounts = service.get("volumes") if isinstance(service, dict) else None
        tmpfs = [("volumes", i, "tmpfs", "size") for i, m in enumerate(mounts if isinstance(mounts, list) else ())
                 if isinstance(m, dict)]
        paths: list[tuple[str | int, ...]] = [*SIZE_FIELDS, *tmpfs]
        for path in paths:
            value: Any = service
            for key in path:
                value = value.get(key) if isinstance(value, dict) else (
                    value[key] if isinstance(value, list) and isinstance(key, int) else None)
            error = size_error(value) if isinstance(value, str) else None
            if error is not None:
                where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
                loc = _location(plain.locations, ("services", name, *path), None)
                problems.append(Problem(ProblemKind.SCHEMA, f"'services[{name}]{where}' {error}", loc))
    return problems


def _merge(base: Any, other: Any) -> Any:
    if other is None:
        return base
    if isinstance(base, dict) and isinstance(other, dict):
        out = dict(base)
        for key, value in other.items():
            out[key] = _merge(base.get(key), value)
        return out
    return other


