"""compose's messages for the schema's violations: jsonschema (imported only for an invalid file) finds
each, and each is told as compose-go's schema.go tells it (the most specific cause, santhosh-tekuri/
jsonschema's English texts) at the file:line of the value."""

from __future__ import annotations

import json
import re
from functools import cache

from doctor.model import Location
from doctor.project.schema_casts import Path_, _Date, _go_duration, _Plain
from doctor.project.types import Problem, ProblemKind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
