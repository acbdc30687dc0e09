"""tomllib's `loads` and `TOMLDecodeError`, imported without `typing` (doctor.lean_imports): a first
run reads pyproject.toml in each of its processes, and the plain import cost each ~10 ms."""

from __future__ import annotations

from doctor.lean_imports import import_tomllib

import_tomllib()

from tomllib import TOMLDecodeError, loads  # noqa: E402  (after the lean import, which is the point)

__all__ = ["TOMLDecodeError", "loads"]
