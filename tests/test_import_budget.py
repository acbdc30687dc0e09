"""A warm `doctor preflight examples/clean-stack` leaves out the standard library it does not use.

subprocess, shutil (which drags bz2, lzma, zlib), hashlib, filecmp, tempfile, socket, typing... cost a preflight
milliseconds of imports each, and a clean run calls none of them: doctor imports them in the
function that needs them. The run happens in a subprocess with `builtins.__import__` wrapped,
so every import statement a deny-listed module comes from is known: the innermost doctor file
on the stack, or the deny-listed (or allowed) module that imported it (`bz2` comes with
`shutil`). Other slices' tests assert `dataclasses` and `inspect` (records) are absent; `yaml`
is listed here too, as a warm run reads the model from its cache.

PENDING names the (module, file) pairs still expected while other work lands: the lead removes
a pair when its file imports the module where it is used. Any other importer fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "clean-stack"

# every one is used only off the clean path (a failure, a fix, a cold cache, ssh or tls engines);
# zlib is not listed: shutil drags it in, but the model cache reads its entries with it
DENY = (
    "subprocess", "shutil", "hashlib", "filecmp", "tempfile", "random", "base64", "datetime",
    "bz2", "lzma", "locale", "signal", "selectors", "ssl", "http.client", "email", "docker", "yaml",
    "typing",  # doctor's own names from it are for mypy only (TYPE_CHECKING); tomllib's use is its own
    "socket", "threading",  # the engine and the bind probes use _socket; locks come from _thread
    "configparser",  # .gitmodules and git config are read only where a build context or a repo needs it
    "ast",  # read where a Python app's module is (flask_config: where one loads a config object)
)
# modules whose own imports are theirs (tomllib: a pyproject.toml is read; psutil, when a port is busy)
ALLOWED = ("tomllib", "psutil")
PENDING: dict[tuple[str, str], str] = {}
# doctor's own modules only a finding or a fix uses (issue 12): each imported in the function that needs it
DEFERRED = (
    "doctor.checks.port_collision.co_owner", "doctor.checks.port_collision.range_move",
    "doctor.project.override_target", "doctor.project.writable_root", "doctor.project.yamlbytes",
    "doctor.project.conn_strings", "doctor.project.go_tests",
)

_PROBE = r"""
import builtins, json, os, sys
deny, allowed = set(sys.argv[2].split(",")), set(sys.argv[3].split(","))
import doctor, doctor.checks
roots = {os.path.dirname(os.path.realpath(doctor.__file__)) + os.sep: "",
         **{os.path.realpath(p) + os.sep: "checks/" for p in doctor.checks.__path__}}
seen = {}
real_import = builtins.__import__

def importer(frame):
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name in deny or name in allowed:
            return name
        path = frame.f_code.co_filename
        for root, prefix in roots.items():
            if path.startswith(root):
                return prefix + path[len(root):]
        frame = frame.f_back
    return "?"

def hook(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0:
        for module in deny:
            if name == module or name.startswith(module + "."):
                seen.setdefault(module, set()).add(importer(sys._getframe(1)))
    return real_import(name, globals, locals, fromlist, level)

builtins.__import__ = hook
from doctor.cli import main
try:
    main(["preflight", sys.argv[1]])
except SystemExit as exc:
    status = exc.code
builtins.__import__ = real_import
print(json.dumps({"status": status, "present": sorted(m for m in deny if m in sys.modules),
                  "deferred": sorted(m for m in sys.argv[4].split(",") if m in sys.modules),
                  "importers": {m: sorted(found) for m, found in seen.items()}}))
"""


def _preflight(env: dict[str, str], probe: bool) -> dict[str, object]:
    argv = [sys.executable, "-c", _PROBE, str(EXAMPLE), ",".join(DENY), ",".join(ALLOWED), ",".join(DEFERRED)] \
        if probe else [
        sys.executable, "-m", "doctor", "preflight", str(EXAMPLE)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout.splitlines()[-1]) if probe else {}


def _unexpected(report: dict[str, object]) -> list[str]:
    """Every deny-listed module present for a reason other than PENDING (or a pending module's imports)."""
    importers: dict[str, list[str]] = report["importers"]  # type: ignore[assignment]
    present: list[str] = report["present"]  # type: ignore[assignment]
    problems = []
    for module in present:
        for who in importers.get(module, ["?"]):
            if who in ALLOWED or (who in DENY and who in present and _allowed(who, importers)):
                continue
            if (module, who) not in PENDING:
                problems.append(f"{module} imported by {who}")
    return problems


def _allowed(module: str, importers: dict[str, list[str]], depth: int = 0) -> bool:
    if depth > len(DENY):
        return False
    return all(who in ALLOWED or (module, who) in PENDING
               or (who in DENY and _allowed(who, importers, depth + 1)) for who in importers.get(module, ["?"]))


def test_a_warm_clean_preflight_imports_no_unused_standard_library(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # DOCTOR_JOBS=1: every check in the run's own process, where the probe sees its imports (a check
    # doctor.forked's helper took hid them: star_imports' `from typing import TYPE_CHECKING`)
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "SHELL": "/bin/sh",
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8", "TERM": "dumb",
           "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "DOCTOR_JOBS": "1"}
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "CI"):
        if name in os.environ:
            env[name] = os.environ[name]
    _preflight(env, probe=False)  # the first run fills the caches, as every developer's first run does
    report = _preflight(env, probe=True)
    if report["status"] != 0:  # not clean here: a port clean-stack publishes is held (a developer's own server)
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", "json", str(EXAMPLE)],
                              env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
        failed = {c["id"] for c in json.loads(done.stdout)["checks"] if c["status"] == "failed"}
        if failed == {"port-collision"}:
            pytest.skip("a port examples/clean-stack publishes is held on this machine: no clean preflight here")
        raise AssertionError(f"examples/clean-stack is not clean: {sorted(failed)} failed")
    problems = _unexpected(report)
    assert not problems, "imported on a clean preflight:\n" + "\n".join(problems)
    assert report["deferred"] == [], "imported on a clean preflight, though only a finding or a fix uses them"


def test_the_probe_sees_an_unexpected_importer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PENDING, ("shutil", "host/platform.py"), "a pending importer, for this test")
    report = {"present": ["shutil", "bz2", "subprocess", "selectors"],
              "importers": {"shutil": ["host/platform.py"], "bz2": ["shutil"], "subprocess": ["host/engine.py"],
                            "selectors": ["psutil", "subprocess"]}}
    assert _unexpected(report) == ["subprocess imported by host/engine.py", "selectors imported by subprocess"]
    report["importers"]["shutil"] = ["host/engine.py"]  # type: ignore[index]
    assert "bz2 imported by shutil" in _unexpected(report)
    report = {"present": ["typing"], "importers": {"typing": ["tomllib"]}}
    assert _unexpected(report) == []  # tomllib's own import


def test_a_coloured_report_and_diff_import_no_rich(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\nsys.path.insert(0, sys.argv[1])\n"
        "from reports.canonical import canonical_report, write_project\n"
        "from doctor.redact import Redactor\nfrom doctor.report import RenderOptions\n"
        "from doctor.report.console import color_diff, render\n"
        "root = write_project(Path(sys.argv[2]))\n"
        "text = render(canonical_report(root), Redactor(), RenderOptions(color=True, links=True, width=80, cwd=root))\n"
        "text += color_diff('--- a\\n+++ b\\n@@ -1 +1 @@\\n-x\\n+y\\n')\n"
        "assert '\\x1b[' in text and '\\x1b]8;;' in text, text\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(REPO / "tests"), str(tmp_path / "proj")],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
