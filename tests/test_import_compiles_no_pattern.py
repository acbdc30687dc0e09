"""No module of doctor parses a regular expression when it is imported.

A `re.compile(...)` at module level parses its pattern in every run that imports the module
(~0.5-0.7 M instructions each: project.make_env's five were ~1 % of a warm preflight), where a
`lazy(...)` stand-in (doctor.lazyre) takes it from doctor.recache's table when first used. The
probe imports every module of doctor and doctor.checks in a fresh interpreter with
`re._compiler.compile` wrapped, and names the module whose top-level code (or a function it
calls at import) reached it. Patterns built from a project's values are compiled in functions,
with `re.compile`, when they run: those are not at import and not seen here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# run by hand to generate code, never imported by a run
EXEMPT = {"doctor.project.spec.generate"}

_PROBE = r"""
import importlib, json, os, pkgutil, sys
import re._compiler

import doctor, doctor.checks

roots = tuple(os.path.realpath(p) + os.sep for p in (*doctor.__path__, *doctor.checks.__path__))
found = {}
real = re._compiler.compile

def importing(frame):
    # the innermost frame running a module's top-level code, if that module is doctor's
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            path = os.path.realpath(frame.f_code.co_filename)
            return frame.f_globals.get("__name__") if path.startswith(roots) else None
        frame = frame.f_back
    return None

def compile(p, flags=0):
    name = importing(sys._getframe(1))
    if name is not None:
        found.setdefault(name, []).append(p if isinstance(p, str) else repr(p))
    return real(p, flags)

re._compiler.compile = compile
exempt = set(sys.argv[1].split(","))
for package in (doctor, doctor.checks):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.endswith("__main__") or info.name in exempt:
            continue
        importlib.import_module(info.name)
print(json.dumps(found))
"""


def test_no_module_compiles_a_pattern_when_imported() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE, ",".join(sorted(EXEMPT))], capture_output=True,
                          text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    found: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    assert not found, "compiled at import (use doctor.lazyre.lazy):\n" + "\n".join(
        f"{module}: {patterns}" for module, patterns in sorted(found.items()))
