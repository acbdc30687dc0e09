"""Control characters in a folder name never reach the terminal raw (CI review).

Before: a folder named `esc` ESC `[31mred` holding examples/clean-stack's compose.yaml: `doctor preflight DIR` wrote
the ESC raw in its header (Progress.begin wrote header() without visible()), so did `doctor config DIR`'s
compose-files row, `doctor baseline DIR`'s "wrote ..." line and the error line of `doctor preflight DIR/nope`; a line
break in a folder name was escaped nowhere (visible() keeps a message's own line breaks). Paths are shown through
one border, model.shown_path (and shown_text for an absolute one and an error line), with every control character in
caret notation: `esc^[[31mred`, `nl^Jname`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.model import shown_path, shown_text

REPO = Path(__file__).resolve().parent.parent
NAMES = [("esc\x1b[31mred", "esc^[[31mred"), ("nl\nname", "nl^Jname")]


def _doctor(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT", "DOCTOR_DEBUG")}
    env.update(NO_COLOR="1", HOME=str(cwd / "home"), DOCTOR_NO_CACHE="1",
               DOCKER_HOST="unix:///nonexistent/doctor-control-paths.sock")
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.stdout + done.stderr


@pytest.fixture(params=NAMES, ids=["escape", "newline"])
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str, str]:
    name, shown = request.param
    (tmp_path / name).mkdir()
    shutil.copy(REPO / "examples" / "clean-stack" / "compose.yaml", tmp_path / name / "compose.yaml")
    return tmp_path, name, shown


def _clean(out: str, name: str) -> None:
    assert "\x1b" not in out
    assert name not in out


def test_the_preflight_header_shows_the_folder_in_caret_notation(folder: tuple[Path, str, str]) -> None:
    cwd, name, shown = folder
    out = _doctor(cwd, "preflight", name)
    assert out.splitlines()[0].startswith(f"doctor preflight '{shown}'"), out
    _clean(out, name)


def test_config_shows_the_compose_file_in_caret_notation(folder: tuple[Path, str, str]) -> None:
    cwd, name, shown = folder
    out = _doctor(cwd, "config", name)
    assert f"{shown}/compose.yaml" in out, out
    _clean(out, name)


def test_baseline_says_where_it_wrote_in_caret_notation(folder: tuple[Path, str, str]) -> None:
    cwd, name, shown = folder
    out = _doctor(cwd, "baseline", name)
    assert f"wrote {cwd}/{shown}/.doctor-baseline.json" in out, out
    assert (cwd / name / ".doctor-baseline.json").is_file()  # the file itself where the folder is
    _clean(out, name)


def test_the_error_line_names_the_path_in_caret_notation(folder: tuple[Path, str, str]) -> None:
    cwd, name, shown = folder
    out = _doctor(cwd, "preflight", f"{name}/nope")
    assert out == f"doctor: {shown}/nope: no such file or directory\n"


def test_shown_path_and_shown_text() -> None:
    assert shown_path(Path("/p/esc\x1b[31mred/.env"), Path("/p")) == "esc^[[31mred/.env"
    assert shown_path(Path("/p/q/nl\nname"), Path("/p/x")) == "../q/nl^Jname"
    assert shown_text("a\x7fb\x9bc\td") == "a^?b\\x9bc^Id"
    assert shown_path(Path("/p/backend/.env"), Path("/p")) == "backend/.env"
