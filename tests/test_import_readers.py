"""A warm preflight imports the readers of an app's language only where such an app reaches a service.

examples/clean-stack (a Python backend and a static frontend) imported the readers of Rails, Laravel,
Symfony, Node, Go and Spring Boot apps on every preflight (and flask_config, with `ast`, though no
module of it loads a config object): ~16M of a warm run's ~312M instructions under callgrind. Each
reader is now imported behind the file test that decides it is needed (doctor.project.app_markers).
The other side is checked too: a Node replay still imports the Node reader, a Go replay the Go one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from portprobe import republish

REPO = Path(__file__).resolve().parent.parent
RAILS = ("doctor.project.rails_env", "doctor.project.ruby_dotenv")
PHP = ("doctor.project.laravel_env", "doctor.project.symfony_env")
NODE = ("doctor.project.node_dotenv", "doctor.project.node_dotenv_args")
GO = ("doctor.project.go_env", "doctor.project.go_build")
SPRING = ("doctor.project.spring_env",)
FLASK = ("doctor.project.flask_config",)

_PROBE = r"""
import json, sys
from doctor.cli import main
try:
    main(["preflight", sys.argv[1]])
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name.startswith("doctor.") or name == "ast")))
"""


def _modules(project: Path, tmp_path: Path) -> set[str]:
    """The modules a warm preflight of `project` holds at its end, every check in the run's own process."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "SHELL": "/bin/sh",
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8", "TERM": "dumb",
           "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "DOCTOR_JOBS": "1"}
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG"):
        if name in os.environ:
            env[name] = os.environ[name]
    for _ in range(2):  # the first run fills the caches (the model's, the file facts'), as a developer's does
        done = subprocess.run([sys.executable, "-c", _PROBE, str(project)], env=env, capture_output=True,
                              text=True, timeout=120, cwd=REPO)
        assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize(("project", "absent", "present"), [
    ("examples/clean-stack", (*RAILS, *PHP, *NODE, *GO, *SPRING, *FLASK, "ast"), ()),
    ("examples/broken-stack", (*RAILS, *PHP, *NODE, *GO, *SPRING, *FLASK), ()),
    ("tests/replay/node-express-boilerplate", (*RAILS, *PHP, *GO, *SPRING), NODE[:1]),
    ("tests/replay/go-coffeeshop", (*RAILS, *PHP, *NODE, *SPRING), GO),
])
def test_a_warm_preflight_imports_the_readers_of_the_languages_it_meets(
        project: str, absent: tuple[str, ...], present: tuple[str, ...], tmp_path: Path) -> None:
    modules = _modules(REPO / project, tmp_path)
    assert sorted(m for m in absent if m in modules) == []
    assert sorted(m for m in present if m not in modules) == []


# the modules that build fixes and advice, or read what only a finding or a rarer project needs: a warm
# preflight of examples/clean-stack (no stray, no localhost dial, no CRLF, no version range...) imported
# every one of them at the top of its check (~150 KB of code to unmarshal and run on each preflight)
FIX_BUILDERS = (
    "doctor.checks.root_owned_files.fix", "doctor.checks.leaked_host_port.run_fixes",
    "doctor.checks.service_name_drift.edits", "doctor.checks.script_line_endings.gitattributes",
    "doctor.checks.runtime_drift.advice", "doctor.project.portsfile", "doctor.project.server_binds",
    "doctor.project.service_entrypoint", "doctor.host.rootless_netns", "doctor.checks.missing_mount.start_copies",
    "doctor.checks.missing_mount.node_path", "doctor.checks.missing_mount.written_user",
)


def test_a_warm_clean_preflight_imports_no_fix_it_does_not_build(tmp_path: Path) -> None:
    """On a copy publishing on ports free now: a developer's own 8000 or 5433 is a port-collision finding,
    whose move (doctor.project.portsfile) the run then builds."""
    clean = tmp_path / "clean-stack"
    shutil.copytree(REPO / "examples" / "clean-stack", clean, symlinks=True)
    republish(clean)
    modules = _modules(clean, tmp_path)
    assert sorted(m for m in FIX_BUILDERS if m in modules) == []
