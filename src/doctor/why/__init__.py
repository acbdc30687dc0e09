"""`doctor why`: from a failed `docker compose up` (the symptom) to the finding that explains it (the cause)."""

from __future__ import annotations

import importlib.metadata

from doctor.model import record
from doctor.why.signatures import Signature

ENTRY_POINT_GROUP = "doctor.signatures"


@record
class SignatureError:
    """A signature plugin that could not be loaded, named by its entry point."""

    name: str
    message: str


def load_signatures(group: str = ENTRY_POINT_GROUP) -> tuple[tuple[Signature, ...], tuple[SignatureError, ...]]:
    """Every registered signature (built-ins and plugins alike), in entry-point name order; a broken one is an error."""
    found: dict[str, Signature] = {}
    errors: list[SignatureError] = []
    for ep in sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name):
        try:
            loaded = ep.load()
        except Exception as exc:  # a plugin border: its failure must not kill the run
            errors.append(SignatureError(ep.name, f"cannot be imported: {type(exc).__name__}: {exc}"))
            continue
        problem = _validate(ep.name, loaded)
        if problem:
            errors.append(SignatureError(ep.name, problem))
        elif ep.name not in found:
            found[ep.name] = loaded
    return tuple(found.values()), tuple(errors)


def _validate(name: str, loaded: object) -> str:
    if not isinstance(loaded, Signature):
        return "is not a doctor.why.signatures.Signature"
    if loaded.id != name:
        return f"declares id {loaded.id!r} but is registered as {name!r}"
    try:
        loaded.regex  # noqa: B018 - compiling it is the validation
    except Exception as exc:  # re.error, or a pattern that is not a string
        return f"has an invalid pattern: {exc}"
    return ""
