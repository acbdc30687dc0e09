"""Bad input is never a hang: any file of a project may be a named pipe.

`open()` of a FIFO blocks until a writer comes, which for a stray pipe in a project is forever.
Each file of examples/broken-stack (and the configuration files doctor looks for) is replaced
by a FIFO in turn (clean-stack has the same files and fewer faults, so fewer reads), and the
command line runs `preflight --format sarif` and `fix --dry-run` on the copy: each must end
(within TIMEOUT) with a report and no traceback. Through the real command line, because some
reads happen before the app runs (doctor.host.early reads pyproject.toml to decide whether to
start the login shell).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# absent from the examples, but read when present
PROBED = ("pyproject.toml", "doctor.yaml", ".doctor-baseline.json", ".python-version", ".nvmrc",
          ".gitattributes", ".dockerignore", "backend/pyproject.toml")
COMMANDS = (("preflight", "--format", "sarif"), ("fix", "--dry-run"))
TIMEOUT = 30  # generous for a shared CI machine; a real hang never ends


def _cases() -> list[tuple[str, str]]:
    root = EXAMPLES / "broken-stack"
    names = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} | set(PROBED)
    return [("broken-stack", name) for name in sorted(names) if "__pycache__" not in name]


def _run(project: Path, home: Path, command: tuple[str, ...]) -> tuple[tuple[str, ...], int | None, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "SHELL": "/bin/sh",
           "DOCKER_HOST": f"unix://{home}/no-engine.sock", "DOCTOR_NO_CACHE": "1", "LC_ALL": "C.UTF-8",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        done = subprocess.run([sys.executable, "-m", "doctor", *command, str(project)], env=env, cwd=project,
                              capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return command, None, ""
    return command, done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize(("example", "name"), _cases())
def test_a_fifo_in_place_of_any_file_ends_in_a_report(tmp_path: Path, example: str, name: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES / example, project, ignore=shutil.ignore_patterns("__pycache__"))
    fifo = project / name
    fifo.unlink(missing_ok=True)
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    with ThreadPoolExecutor(len(COMMANDS)) as pool:
        results = list(pool.map(lambda c: _run(project, tmp_path, c), COMMANDS))
    for command, code, output in results:
        assert code is not None, f"doctor {' '.join(command)} hung on a FIFO {name}"
        assert "Traceback" not in output, output[-3000:]
        assert code in (0, 1, 2), (code, output[-3000:])


def test_a_dotenv_that_is_a_fifo_is_not_called_missing(tmp_path: Path) -> None:
    """compose-config says why `.env` cannot be read; env-drift must not say there is none and offer
    to copy the template over it (the fixer would refuse the write anyway)."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES / "clean-stack", project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / ".env").unlink()
    os.mkfifo(project / ".env")
    _, code, output = _run(project, tmp_path, ("preflight",))
    assert code == 1 and "a named pipe, not a regular file" in output, output
    assert "there is no .env" not in output, output
