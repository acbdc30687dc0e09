"""Whether declared runtime versions agree: a pin against a pin (3.12 ~ 3.12.4) or against a range,
Python's PEP 440 clauses (`>=3.11,<3.13`, `~=3.11`, `==3.12.*`) and npm's (`^20 || ^22`, `18 - 20`)."""

from __future__ import annotations

import re

from doctor.lazyre import lazy
from doctor.project.digits import written_number
from doctor.project.runtimes import _VERSION


def parse_version(text: str) -> tuple[int, ...]:
    """`3.12.1` -> (3, 12, 1); `v20` -> (20,); () when not a version (also a part of more than nine
    digits, `v999...`: no runtime numbers a release so, and int() refuses a run of over 4300)."""
    found = _VERSION.match(text.strip())
    parts = [written_number(p, 9) for p in found.group(1).split(".")] if found else []
    return tuple(p for p in parts if p is not None) if parts and None not in parts else ()


def pins_agree(a: str, b: str) -> bool:
    """Whether two pinned versions can be the same interpreter: one is a prefix of the other (3.12 ~ 3.12.4)."""
    left, right = parse_version(a), parse_version(b)
    shortest = min(len(left), len(right))
    return left[:shortest] == right[:shortest]


def satisfies(version: str, spec: str, runtime: str) -> bool:
    """Whether some release of a pinned version (3.12 = any 3.12.x) can satisfy the range `spec`."""
    parts = parse_version(version)
    if not parts or (runtime == "python" and len(parts) < 2):
        return True  # `python:3` names no minor: too loose to call drift against a range
    # a short pin stands for its whole series: try its lowest and a high member
    low = (*parts, 0, 0, 0)[:3]
    high = (*parts, 999, 999, 999)[:3]
    check = _python_ok if runtime == "python" else _node_ok
    try:
        return check(low, spec) or check(high, spec)
    except ValueError:
        return True  # a range we cannot read is never reported as drift


_PYTHON_CLAUSE = lazy(r"^(~=|===|==|!=|<=|>=|<|>)\s*([\d.]+)(\.\*)?$")


def _python_ok(version: tuple[int, ...], spec: str) -> bool:
    for clause in (c.strip() for c in spec.split(",") if c.strip()):
        match = _PYTHON_CLAUSE.match(clause)
        if match is None:
            raise ValueError(clause)
        op, raw, star = match.groups()
        other = tuple(int(p) for p in raw.strip(".").split("."))  # ValueError, over 4300 digits: unread
        if not _compare(version, op, other, bool(star)):
            return False
    return True


def _compare(version: tuple[int, ...], op: str, other: tuple[int, ...], star: bool) -> bool:
    size = max(len(other), 3)
    padded = (other + (0,) * size)[:size]
    mine = (version + (0,) * size)[:size]
    if op in ("==", "===", "!="):
        same = mine[: len(other)] == other if star else mine == padded
        return same if op != "!=" else not same
    if op == "~=":
        prefix = other[:-1]
        return mine >= padded and mine[: len(prefix)] == prefix
    return {"<=": mine <= padded, ">=": mine >= padded, "<": mine < padded, ">": mine > padded}[op]


def _node_ok(version: tuple[int, ...], spec: str) -> bool:
    return any(_node_set(version, alt.strip()) for alt in spec.split("||"))


def _node_set(version: tuple[int, ...], text: str) -> bool:
    if not text or text in ("*", "x", "latest"):
        return True
    hyphen = re.match(r"^([\d.x*]+)\s+-\s+([\d.x*]+)$", text)
    if hyphen:
        return _node_set(version, f">={hyphen.group(1)}") and _node_set(version, f"<={hyphen.group(2)}")
    for clause in text.split():
        match = re.match(r"^(\^|~|>=|<=|>|<|=)?v?([\d]+(?:\.[\dxX*]+){0,2}|[xX*])$", clause)
        if match is None:
            raise ValueError(clause)
        op, raw = match.group(1) or "", match.group(2)
        fixed = tuple(int(p) for p in raw.split(".") if p.isdigit())
        if not fixed:
            continue
        padded = (*fixed, 0, 0, 0)[:3]
        if op == "^":
            upper = (fixed[0] + 1, 0, 0) if fixed[0] else (0, fixed[1] + 1 if len(fixed) > 1 else 1, 0)
            ok = padded <= version < upper
        elif op == "~":
            upper = (fixed[0], fixed[1] + 1, 0) if len(fixed) > 1 else (fixed[0] + 1, 0, 0)
            ok = padded <= version < upper
        elif op in ("", "="):
            ok = version[: len(fixed)] == fixed
        else:
            ok = _compare(version, op, fixed, False)
        if not ok:
            return False
    return True
