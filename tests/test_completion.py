"""Shell completion (typer): the script doctor prints, and the completions that script asks for.

typer detects the shell from the parent process (shellingham), so `doctor --show-completion`
is run from bash here; `doctor --install-completion` writes the same script into the shell's
startup file.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

DOCTOR = f"{shlex.quote(sys.executable)} -m doctor"


def bash(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    # `exit $?` after it: bash -c would exec a lone command in its own place, and doctor would then find its
    # shell among pytest's ancestors (none under `timeout pytest`: "Shell  not supported")
    return subprocess.run(["bash", "--norc", "--noprofile", "-c", f"{script}\nexit $?"], capture_output=True,
                          text=True, env={**os.environ, "SHELL": "/bin/bash", **env}, timeout=60)


def test_show_completion_prints_a_bash_script() -> None:
    done = bash(f"{DOCTOR} --show-completion")
    assert done.returncode == 0, done.stderr
    assert "_DOCTOR_COMPLETE=complete_bash" in done.stdout
    assert done.stdout.rstrip().endswith("complete -o default -F _doctor_completion doctor")


def test_the_script_completes_commands_and_options() -> None:
    ask = f"{DOCTOR} --show-completion > /dev/null && " + "_DOCTOR_COMPLETE=complete_bash {} " + DOCTOR
    commands = bash(ask.format('COMP_WORDS="doctor pre" COMP_CWORD=1'))
    assert commands.stdout.split() == ["preflight"]
    options = bash(ask.format('COMP_WORDS="doctor preflight --fail" COMP_CWORD=2'))
    assert options.stdout.split() == ["--fail-on"]


def test_the_installed_script_really_completes_in_bash(tmp_path: Path) -> None:
    # the script runs `doctor` from PATH (through env): put the one under test there
    (tmp_path / "doctor").write_text(f"#!/bin/sh\nexec {DOCTOR} \"$@\"\n")
    (tmp_path / "doctor").chmod(0o755)
    # source the printed script, then call its completion function as bash's `complete` would
    script = """
eval "$(doctor --show-completion)"
COMP_WORDS=(doctor ex) COMP_CWORD=1
_doctor_completion doctor
printf '%s\\n' "${COMPREPLY[@]}"
"""
    done = bash(script, PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == ["exec", "explain"]


def _complete(words: str, cword: int) -> list[str]:
    ask = f"{DOCTOR} --show-completion > /dev/null && " + "_DOCTOR_COMPLETE=complete_bash {} " + DOCTOR
    done = bash(ask.format(f'COMP_WORDS="{words}" COMP_CWORD={cword}'))
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_choices_complete_instead_of_file_names() -> None:
    assert _complete("doctor preflight --format s", 3) == ["sarif"]
    assert _complete("doctor preflight --format ", 3) == ["console", "json", "sarif", "junit", "github"]
    assert _complete("doctor preflight --fail-on w", 3) == ["warning"]


def test_check_ids_complete_from_the_registry() -> None:
    from doctor.engine import load_registry

    ids = sorted(load_registry().checks)
    assert "compose-config" in ids
    assert _complete("doctor explain ", 2) == ids
    assert _complete("doctor explain port", 2) == ["port-collision"]
    assert _complete("doctor preflight --select env", 3) == ["env-drift"]
    # a comma list: the last item completes, the ones before stay and are not offered again
    assert _complete("doctor preflight --ignore env-drift,p", 3) == ["env-drift,path-gap", "env-drift,port-collision"]
