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

import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from functools import cache

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.filetree import failed
from doctor.project.goscalar import Timestamp
from doctor.project.types import Problem, ProblemKind
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from typing import Any

__all__ = ["Validation", "available", "validate"]

Path_ = tuple[str | int, ...]
_ANY = "*"


class _Date:
    """An unquoted YAML date: go-yaml gives compose a time.Time, which no schema type accepts."""


def _go_int(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise ValueError(f'strconv.Atoi: parsing "{text}": value out of range')
    return value


def _go_float(text: str) -> float:
    """strconv.ParseFloat for the decimal forms compose files use."""
    if text.strip() != text or "_" in text or not text.isascii():
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')
    try:
        return float(text)
    except ValueError:
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax') from None


def _go_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "y", "yes", "on"):
        return True
    if lowered in ("false", "n", "no", "off"):
        return False
    raise ValueError(f"invalid boolean: {text}")


_S = "services"
# loader/interpolate.go interpolateTypeCastMapping: string values at these paths are cast
_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    **{(_S, _ANY, key): _go_int for key in ("cpu_count", "cpu_period", "cpu_quota", "cpu_rt_period",
                                            "cpu_rt_runtime", "cpu_shares", "oom_score_adj", "pids_limit",
                                            "scale")},
    (_S, _ANY, "cpu_percent"): _go_float,
    (_S, _ANY, "cpus"): _go_float,
    **{(_S, _ANY, key): _go_bool for key in ("init", "oom_kill_disable", "privileged", "read_only",
                                             "stdin_open", "tty")},
    (_S, _ANY, "deploy", "replicas"): _go_int,
    (_S, _ANY, "deploy", "update_config", "parallelism"): _go_int,
    (_S, _ANY, "deploy", "update_config", "max_failure_ratio"): _go_float,
    (_S, _ANY, "deploy", "rollback_config", "parallelism"): _go_int,
    (_S, _ANY, "deploy", "rollback_config", "max_failure_ratio"): _go_float,
    (_S, _ANY, "deploy", "restart_policy", "max_attempts"): _go_int,
    (_S, _ANY, "deploy", "placement", "max_replicas_per_node"): _go_int,
    (_S, _ANY, "healthcheck", "retries"): _go_int,
    (_S, _ANY, "healthcheck", "disable"): _go_bool,
    (_S, _ANY, "ports", _ANY, "target"): _go_int,
    (_S, _ANY, "ulimits", _ANY): _go_int,
    (_S, _ANY, "ulimits", _ANY, "hard"): _go_int,
    (_S, _ANY, "ulimits", _ANY, "soft"): _go_int,
    (_S, _ANY, "volumes", _ANY, "read_only"): _go_bool,
    (_S, _ANY, "volumes", _ANY, "volume", "nocopy"): _go_bool,
    **{("networks", _ANY, key): _go_bool for key in ("external", "internal", "attachable", "enable_ipv4",
                                                     "enable_ipv6")},
    ("volumes", _ANY, "external"): _go_bool,
    ("secrets", _ANY, "external"): _go_bool,
    ("configs", _ANY, "external"): _go_bool,
}
# override/uncity.go: lists compose merges by key before validating (so never "equal items")
_UNIQUE = frozenset(tuple(p.split(".")) for p in (
    "networks.*.labels", "networks.*.ipam.options", "services.*.annotations", "services.*.build.args",
    "services.*.build.additional_contexts", "services.*.build.platform", "services.*.build.tags",
    "services.*.build.labels", "services.*.cap_add", "services.*.cap_drop", "services.*.devices",
    "services.*.configs", "services.*.deploy.labels", "services.*.dns", "services.*.dns_opt",
    "services.*.dns_search", "services.*.environment", "services.*.env_file", "services.*.expose",
    "services.*.labels", "services.*.links", "services.*.networks.*.aliases",
    "services.*.networks.*.link_local_ips", "services.*.ports", "services.*.profiles", "services.*.secrets",
    "services.*.sysctls", "services.*.tmpfs", "services.*.volumes"))


class _Rules:
    """What compose does at the paths of one node of the _CASTS/_UNIQUE pattern tree (`*` is any key or index)."""

    __slots__ = ("cast", "children", "rank", "unique")

    def __init__(self) -> None:
        self.children: dict[str, _Rules] = {}
        self.cast: Callable[[str], Any] | None = None
        self.rank = len(_CASTS)  # the first pattern of _CASTS that matches wins
        self.unique = False

    def at(self, pattern: tuple[str, ...]) -> _Rules:
        node = self
        for part in pattern:
            node = node.children.setdefault(part, _Rules())
        return node


def _rules() -> _Rules:
    root = _Rules()
    for rank, (pattern, cast) in enumerate(_CASTS.items()):
        node = root.at(pattern)
        if node.cast is None:
            node.cast, node.rank = cast, rank
    for pattern in _UNIQUE:
        root.at(pattern).unique = True
    return root


_ROOT = (_rules(),)
_NONE: tuple[_Rules, ...] = ()


def _step(states: tuple[_Rules, ...], key: str | int) -> tuple[_Rules, ...]:
    """The pattern nodes matching path + key, given those matching path."""
    if not states:
        return _NONE
    found = []
    for state in states:
        if isinstance(key, str) and key in state.children:
            found.append(state.children[key])
        if _ANY in state.children:
            found.append(state.children[_ANY])
    return tuple(found)


def _distinct(items: list[Any]) -> list[Any]:
    kept: dict[str, Any] = {}
    for item in items:
        kept.setdefault(json.dumps(item, sort_keys=True, default=id), item)
    return list(kept.values())


def _caster(states: tuple[_Rules, ...]) -> Callable[[str], Any] | None:
    best: _Rules | None = None
    for state in states:
        if state.cast is not None and (best is None or state.rank < best.rank):
            best = state
    return None if best is None else best.cast


class _Plain:
    """The document as compose-go hands it to the schema: plain values, typed fields cast."""

    def __init__(self) -> None:
        self.locations: dict[Path_, Location] = {}
        self.skip: set[Path_] = set()  # values whose interpolation failed (already reported)
        self.problems: list[Problem] = []

    def convert(self, node: Any, path: Path_, loc: Location | None, states: tuple[_Rules, ...] = _ROOT) -> Any:
        if loc is not None:
            self.locations[path] = loc
        if isinstance(node, YMap):
            locs, default, convert = node.locs, node.loc, self.convert
            if not states:  # no cast nor unicity below: most of a service
                return {key: convert(value, (*path, key), locs.get(key, default), _NONE) for key, value in node.items()}
            return {key: convert(value, (*path, key), locs.get(key, default), _step(states, key))
                    for key, value in node.items()}
        if isinstance(node, YList):
            items = [self.convert(value, (*path, i), node.loc_of(i), _step(states, i)) for i, value in enumerate(node)]
            if any(state.unique for state in states):
                return _distinct(items)
            return items
        if isinstance(node, Timestamp):
            return _Date()
        if isinstance(node, str):
            if failed(node):
                self.skip.add(path)
            cast = _caster(states) if states else None
            if cast is None:
                return str(node)
            try:
                return cast(str(node))
            except ValueError as exc:
                where = ".".join("[]" if isinstance(p, int) else p for p in path)
                self.problems.append(Problem(ProblemKind.INTERPOLATION, f"error while interpolating {where}: "
                                             f"failed to cast to expected type: {exc}", loc))
                self.skip.add(path)
                return str(node)
        return node


@cache
def _validator() -> Any:
    """The compiled draft-07 validator, or None without the jsonschema package."""
    try:
        import jsonschema  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - jsonschema is a dependency
        return None
    from importlib import resources  # ~10 ms: only an invalid file gets here

    schema = json.loads(resources.files("doctor.project").joinpath("spec", "compose-spec.json").read_text())
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("duration", raises=ValueError)(_go_duration)
    return jsonschema.Draft7Validator(schema, format_checker=checker)


_DURATION = lazy(r"^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")


def _go_duration(value: object) -> bool:
    """time.ParseDuration's grammar (`1m30s`, `0`, `-1.5h`)."""
    if not isinstance(value, str):
        return True
    if value in ("0", "+0", "-0"):
        return True
    if not _DURATION.match(value):
        raise ValueError(f"time: invalid duration {value!r}")
    return True


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


def validate(instance: Any, plain: _Plain) -> list[Problem]:
    """Every schema violation of a plain compose mapping, each the most specific of its branch."""
    validator = _validator()
    problems: list[Problem] = []
    if validator is None:
        return problems
    seen: set[tuple[Path_, str]] = set()
    for error in validator.iter_errors(instance):
        leaf = _most_specific(error)
        path = tuple(leaf.absolute_path)
        if any(path[: len(skipped)] == skipped for skipped in plain.skip):
            continue
        message = _message(leaf, path)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(Problem(ProblemKind.SCHEMA, message, _location(plain.locations, path, leaf)))
    return problems


def _specificity(error: Any) -> int:
    extra = 1 if error.validator == "additionalProperties" else 0
    return len(error.absolute_path) + extra


def _most_specific(error: Any) -> Any:
    """schema.go getMostSpecificError: the deepest cause; the first one found among equals."""
    if not error.context:
        return error
    best = None
    for cause in error.context:
        found = _most_specific(cause)
        if best is None or _specificity(found) > _specificity(best):
            best = found
    return best


def _location(locations: dict[Path_, Location], path: Path_, error: Any) -> Location | None:
    if error is not None and error.validator == "additionalProperties":
        extra = _extra_keys(error)
        if extra and (*path, extra[0]) in locations:
            return locations[(*path, extra[0])]
    for end in range(len(path), -1, -1):
        if path[:end] in locations:
            return locations[path[:end]]
    return None


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def _human_type(want: Any) -> str:
    names = [want] if isinstance(want, str) else list(want)
    names = sorted("mapping" if n == "object" else n for n in names)
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _extra_keys(error: Any) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [k for k in instance if k not in allowed and not any(p.search(k) for p in patterns)]


def _message(error: Any, path: Path_) -> str:
    """schema.go validationError.Error(), with santhosh-tekuri/jsonschema's English texts."""
    where = _dotted(path)
    kind = error.validator
    value = error.validator_value
    if kind == "type" and isinstance(error.instance, _Date):
        return f"{where} invalid jsonType time.Time (an unquoted date: quote it)"
    if kind == "type":
        return f"{where} must be a {_human_type(value)}"
    if kind == "minimum":
        return f"{where} must be greater than or equal to {value}"
    if kind == "maximum":
        return f"{where} must be less than or equal to {value}"
    if kind == "additionalProperties":
        keys = ", ".join(f"'{k}'" for k in _extra_keys(error))
        return f"{where} additional properties {keys} not allowed".lstrip()
    if kind == "enum":
        return f"{where} value must be one of {', '.join(_quote(v) for v in value)}".lstrip()
    if kind == "required":
        missing = [k for k in value if isinstance(error.instance, dict) and k not in error.instance]
        return f"{where} missing property {', '.join(repr(k) for k in missing)}".lstrip()
    if kind == "uniqueItems":
        return f"{where} {_equal_items(error.instance)}".lstrip()
    if kind == "pattern":
        return f"{where} does not match pattern {_quote(value)}".lstrip()
    if kind == "format":
        return f"{where} is not a valid {value}".lstrip()
    if kind in ("minItems", "maxItems", "minProperties", "maxProperties"):
        return f"{where} {error.message}".lstrip()
    if kind == "oneOf":
        return f"{where} must be valid against exactly one of the allowed forms".lstrip()
    return f"{where} {error.message}".lstrip()


def _equal_items(items: object) -> str:
    """santhosh-tekuri/jsonschema's text: the first pair of equal items."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else ()):
        key = json.dumps(item, sort_keys=True, default=str)
        if key in seen:
            return f"items at {seen[key]} and {index} are equal"
        seen[key] = index
    return "items must be unique"


def _quote(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)

