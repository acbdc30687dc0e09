"""Where doctor keeps its caches (login PATH, compose model, compose version): one folder for all.

$XDG_CACHE_HOME/doctor, else ~/.cache/doctor; DOCTOR_NO_CACHE=1 turns every cache off. Imports
nothing but os: the login shell's cache is asked before the shell starts, first thing in a run.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def cache_dir(env: Mapping[str, str]) -> str | None:
    """The cache folder for this environment; None when caching is off or there is no HOME."""
    if env.get("DOCTOR_NO_CACHE", "").lower() in ("1", "true", "yes"):
        return None
    base = env.get("XDG_CACHE_HOME") or (os.path.join(env["HOME"], ".cache") if env.get("HOME") else "")
    return os.path.join(base, "doctor") if base else None
