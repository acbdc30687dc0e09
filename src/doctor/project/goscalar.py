"""Scalars as compose's Go code sees them: go-yaml v3's plain-scalar resolution, Go's printing.

`resolve_plain` follows go-yaml's `resolve.go` (YAML 1.2 core schema, plus 0777 octal), not
PyYAML's YAML 1.1 (`22:22` stays a string, `yes` is no bool); `stringify` and `go_float` print a
value as fmt.Sprint and strconv.FormatFloat do, which is how compose turns values into strings.
"""

from __future__ import annotations

import math

from doctor.lazyre import lazy

TYPE_CHECKING = False  # typing costs ~4 ms of a run: its names are for mypy only
if TYPE_CHECKING:
    from typing import Any

_FLOAT = lazy(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TIMESTAMP = lazy(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?$"
)
# the plain scalars go-yaml reads as something other than themselves: these words, and text starting
# with one of NUMBER_STARTS (doctor.project.yamlload keeps any other plain scalar as it is, uncalled)
SPECIAL = {
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
}
NUMBER_STARTS = "+-.0123456789"


class Timestamp(str):
    """An unquoted date: go-yaml decodes it as time.Time, which compose's schema rejects."""


def resolve_plain(text: str) -> Any:
    """The value go-yaml v3 gives an untagged plain scalar (YAML 1.2 core schema, plus 0777 octal)."""
    if text in SPECIAL:
        return SPECIAL[text]
    if not text:
        return text
    first = text[0]
    if first == ".":
        try:
            return float(text)
        except ValueError:
            return text
    if first not in "+-0123456789":
        return text
    if _TIMESTAMP.match(text):
        return Timestamp(text)
    plain = text.replace("_", "")
    number = go_parse_int(plain)
    if number is not None:
        return number
    if _FLOAT.match(plain):
        try:
            return float(plain)
        except ValueError:
            return text
    for prefix, base in (("0b", 2), ("-0b", 2), ("0o", 8), ("-0o", 8)):
        if plain.startswith(prefix):
            try:
                value = int(plain[len(prefix):], base)
            except ValueError:
                return text
            return -value if prefix.startswith("-") else value
    return text


def go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) (then ParseUint): 0x/0o/0b prefixes and legacy 0777 octal."""
    sign, body = "", text
    if body[:1] in ("+", "-"):
        sign, body = body[0], body[1:]
    if not body:
        return None
    try:
        if body[:2] in ("0x", "0X"):
            value = int(body[2:], 16)
        elif body[:2] in ("0o", "0O"):
            value = int(body[2:], 8)
        elif body[:2] in ("0b", "0B"):
            value = int(body[2:], 2)
        elif len(body) > 1 and body[0] == "0":
            value = int(body[1:], 8)
        elif body.isdigit():
            value = int(body)
        else:
            return None
    except ValueError:
        return None
    if not body[-1:].isalnum():
        return None
    value = -value if sign == "-" else value
    if value < -(2**63) or value >= 2**64 or (sign == "-" and value < -(2**63)):
        return None
    return value


def stringify(value: Any) -> str:
    """A scalar as Go's fmt.Sprint prints it (how compose turns non-string values into strings)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def go_float(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 64): shortest digits, exponent form from 1e6 or below 1e-4."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = repr(abs(value))
    mantissa, _, exp_text = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + (int(exp_text) if exp_text else 0)  # position of the decimal point
    lead = len(whole + frac) - len((whole + frac).lstrip("0"))
    point -= lead
    digits = digits.rstrip("0") or "0"
    exp = point - 1
    sign = "-" if value < 0 else ""
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"
