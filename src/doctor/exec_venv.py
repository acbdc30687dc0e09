"""The project virtualenv `doctor exec` activates for a command it runs here, where the shell has not."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from doctor.host import Host


def inactive_venv(host: Host, cwd: Path) -> Path | None:
    """The project virtualenv placement judged the host's Python by, where the shell has not activated it.

    Its packages are why the command stays here (django-on-docker's app/.venv has Django; the one
    `poetry install` made in Poetry's cache); run with the PATH as it is, `python manage.py test`
    starts PATH's python, which lacks them. The one of the project folder holding `cwd` (the
    deepest), else the only one.
    """
    venvs = host.packages.inactive_virtualenvs()
    here = cwd.resolve()
    holding = [(v, f.resolve()) for v, f in venvs if f.resolve() == here or f.resolve() in here.parents]
    if holding:
        return max(holding, key=lambda pair: len(pair[1].parts))[0]
    return venvs[0][0] if len(venvs) == 1 else None


def activated(env: Mapping[str, str], venv: Path) -> dict[str, str]:
    """`env` as `source VENV/bin/activate` leaves it: VIRTUAL_ENV set, its bin/ first on PATH, no PYTHONHOME."""
    path = env.get("PATH", "")
    activated = {k: v for k, v in env.items() if k != "PYTHONHOME"}
    activated["VIRTUAL_ENV"] = str(venv)
    activated["PATH"] = f"{venv / 'bin'}{os.pathsep}{path}" if path else str(venv / "bin")
    return activated
