"""A hostile doctor.yaml, [tool.doctor] or .doctor-baseline.json: one line naming the file, exit 2.

An alias bomb is refused by the limit compose files have (yamlload.ALIAS_BUDGET) in bounded
time and memory; a value nested thousands of levels deep (or an alias of itself) is refused
before a parser recurses through it. Never a traceback, an internal error or a hang.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE = "services:\n  web:\n    image: busybox\n"
MEMORY = 512 << 20  # bytes of address space the run may take: the bomb reached 1.8 GB


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _doctor(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(project)}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "doctor", *args, str(project)], capture_output=True, text=True,
                          env=env, timeout=60, errors="replace", preexec_fn=_limit_memory)


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "app"
    project.mkdir()
    (project / "compose.yaml").write_text(COMPOSE)
    return project


def _one_line(done: subprocess.CompletedProcess[str], expected: str) -> None:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "internal error" not in done.stderr + done.stdout
    assert len(lines) == 1 and expected in lines[0], done.stderr


def _bomb(levels: int = 9, fan: int = 9) -> str:
    """`a: &a ["x", ...]`, then each level a list of `fan` aliases of the one before: fan**levels values."""
    lines = [f"l0: &l0 [{', '.join(['x'] * fan)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_doctor_yaml_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "doctor.yaml").write_text(_bomb())
    done = _doctor(project, "preflight")
    _one_line(done, f"{project / 'doctor.yaml'}:1: yaml: document contains excessive aliasing")
    assert "MemoryError" not in done.stderr


@pytest.mark.parametrize("command", ["preflight", "config"])
def test_select_nested_5000_levels_in_doctor_yaml_is_a_config_error(command: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "doctor.yaml").write_text("fail-on: error\nselect: " + "[" * 5000 + "]" * 5000 + "\n")
    _one_line(_doctor(project, command), f"{project / 'doctor.yaml'}:2: value nested over 100 levels deep")


def test_a_block_list_nested_300_levels_names_the_line_past_the_limit(tmp_path: Path) -> None:
    """The pure-Python composer that reads doctor.yaml recursed out at ~300 levels."""
    project = _project(tmp_path)
    nested = "".join("  " * level + "-\n" for level in range(1, 300)) + "  " * 300 + "- x\n"
    (project / "doctor.yaml").write_text("select:\n" + nested)
    _one_line(_doctor(project, "preflight"), f"{project / 'doctor.yaml'}:101: value nested over 100 levels deep")


def test_an_alias_of_itself_in_doctor_yaml_is_a_config_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "doctor.yaml").write_text("select: &a [*a]\n")
    _one_line(_doctor(project, "preflight"), f"{project / 'doctor.yaml'}:1: value nested over 100 levels deep")


@pytest.mark.parametrize("depth", [150, 5000])
def test_select_nested_deep_in_tool_doctor_is_a_config_error(depth: int, tmp_path: Path) -> None:
    """5,000 levels: tomllib raises RecursionError; 150: tomllib reads it, the converter refuses it."""
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.doctor]\nselect = ' + "[" * depth + '"x"' + "]" * depth + "\n"
    )
    _one_line(_doctor(project, "preflight"), f"{project / 'pyproject.toml'}:5: value nested over 100 levels deep")


def test_a_deep_pyproject_that_does_not_configure_doctor_is_not_doctors_business(tmp_path: Path) -> None:
    """As for a pyproject.toml with a syntax error and no [tool.doctor]: the defaults apply."""
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text("# not doctor's\n[tool.other]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    done = _doctor(project, "config")
    assert done.returncode == 0, done.stderr
    assert "no doctor.yaml or [tool.doctor]" in done.stdout


def test_a_baseline_of_100000_open_brackets_cannot_be_read(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / ".doctor-baseline.json").write_text("[" * 100_000)
    _one_line(_doctor(project, "preflight"),
              f"{project / '.doctor-baseline.json'}:1: invalid JSON: value nested over 100 levels deep")


def test_a_deep_baseline_names_the_line_where_it_passes_the_limit(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / ".doctor-baseline.json").write_text('{"version": 1, "findings": "[{", "x":\n' + "[\n" * 5000)
    _one_line(_doctor(project, "preflight"),
              f"{project / '.doctor-baseline.json'}:101: invalid JSON: value nested over 100 levels deep")


@pytest.mark.parametrize(("select", "shown"), [("[[x]]", "not a list"), ("[{a: b}]", "not a mapping"),
                                               ("[3]", "not 3")])
def test_a_wrong_select_item_is_named_by_its_kind(select: str, shown: str, tmp_path: Path) -> None:
    """`select: [[x]]` printed the loader's records (`not [Raw(value=[Raw(value='x', line=1)], line=1)]`),
    a line of ~2,500 characters at 99 levels."""
    project = _project(tmp_path)
    (project / "doctor.yaml").write_text(f"select: {select}\n")
    _one_line(_doctor(project, "preflight"), f"'select' items must be non-empty strings, {shown}")
    assert "Raw(" not in _doctor(project, "preflight").stderr
