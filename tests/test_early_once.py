"""The command line's fast path starts the early probes once for the whole run.

`doctor preflight` starts the ownership walk, the login shell and `docker compose version`
(doctor.host.owner_early, early, compose_probe) before it imports the rest of doctor, and
doctor.app's run_preflight asks for the same again (it is also the entry of `fix` and of code
calling doctor in-process): that second ask, with the same arguments, is answered by the first
instead of looking at the project again. Counted by what each ask reads: `early.configured`
opens the project's pyproject.toml (a doctor configuration may choose the checks) each time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from doctor.host import early

SRC = str(Path(early.__file__).parents[2])
# a process running the console script's main() in-process, an audit hook listing each open of the
# project's pyproject.toml by early.configured (owner_early, the login shell's and compose's asks)
COUNTING = """
import json, sys
asks = []
def hook(event, args):
    if event == "open" and str(args[0]).endswith("pyproject.toml"):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != "configured":
            frame = frame.f_back
        if frame is not None:
            asks.append(frame.f_back.f_code.co_name)
sys.addaudithook(hook)
from doctor.cli import main
try:
    main(sys.argv[1:])
except SystemExit as end:
    status = end.code
print(json.dumps([status, asks]), file=sys.stderr)
"""


def asks(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    project = tmp_path / "proj"
    project.mkdir(exist_ok=True)
    (project / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    (project / "pyproject.toml").write_text('[project]\nname = "app"\n')
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": SRC,
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "DOCTOR_JOBS": "1", "SHELL": "/bin/sh"}
    done = subprocess.run([sys.executable, "-c", COUNTING, "preflight", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)
    status, found = json.loads(done.stderr.strip().splitlines()[-1])
    return status, found


def test_the_fast_path_asks_each_early_start_once(tmp_path: Path) -> None:
    for _ in range(2):  # a first run, then a warm one
        status, found = asks(tmp_path, "--format", "json")
        assert status in (0, 1)
        # the walk's, the login shell's, compose's: each once (their second ask, doctor.app's, was each again)
        assert sorted(found) == ["_start", "start_early", "start_shell_early"], found


def test_a_run_of_its_own_after_the_command_line_asks_again(tmp_path: Path) -> None:
    """What the command line started answers doctor.app's next ask only: a run after it (code
    calling doctor in-process) asks for itself."""
    code = ("from pathlib import Path\n"
            "from doctor import app\n"
            "app.run_preflight(app.PreflightOptions(path=Path('.'), format='json'))\n")
    counting = COUNTING.replace("from doctor.cli import main", code + "from doctor.cli import main")
    project = tmp_path / "proj"
    asks(tmp_path, "--format", "json")  # makes the project
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": SRC,
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "DOCTOR_JOBS": "1", "SHELL": "/bin/sh"}
    done = subprocess.run([sys.executable, "-c", counting, "preflight", "--format", "json"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=120)
    status, found = json.loads(done.stderr.strip().splitlines()[-1])
    assert status in (0, 1)
    # the run of its own: three asks; the command line's: three, and doctor.app's none
    assert sorted(found) == sorted(["_start", "start_early", "start_shell_early"] * 2), found
