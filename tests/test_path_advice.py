"""path-gap's advice, applied and then proven: the failing kind of process finds the tool afterwards.

Each test writes the advised line where the advice says, starts that kind of process (an
interactive bash, `bash -c`, `sh -c` under it, a Python subprocess with `env=`, systemd's own
environment.d generator) with a PATH that lacks the folder, and asks it for the tool. Kinds this
machine cannot start (launchd, an IDE on macOS) are covered by tests/test_platforms.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.host.platform import Kind, Platform
from doctor.host.startup import PathAdvice, ProcessKind, path_advice, process_kind

BASE = "/usr/bin:/bin"
LINUX = Platform(Kind.LINUX)
GENERATOR = "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A HOME with `mytool` in ~/tools, a folder only the login profile adds."""
    home = tmp_path / "home"
    (home / "tools").mkdir(parents=True)
    tool = home / "tools" / "mytool"
    tool.write_text("#!/bin/sh\necho found\n")
    tool.chmod(0o755)
    (home / ".profile").write_text('PATH="$HOME/tools:$PATH"\n')
    return home


def apply(advice: PathAdvice, home: Path) -> Path:
    """Append the advised line to the advised file (its first word, `~/...`), as a user would."""
    target = home / advice.where.split()[0].rstrip(",").removeprefix("~/")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a") as out:
        out.write(advice.line + "\n")
    return target


def finds(argv: list[str], env: dict[str, str]) -> bool:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=20)
    return done.stdout.strip().endswith("/tools/mytool")


def test_kind_is_read_from_the_inherited_variables() -> None:
    mac = Platform(Kind.MACOS)
    assert process_kind({"TERM": "xterm", "SHLVL": "1"}, LINUX) is ProcessKind.TERMINAL
    assert process_kind({"TERM_PROGRAM": "vscode", "TERM": "xterm", "SHLVL": "1"}, LINUX) is ProcessKind.IDE
    assert process_kind({"SHLVL": "2"}, LINUX) is ProcessKind.SCRIPT
    assert process_kind({"INVOCATION_ID": "f00"}, LINUX) is ProcessKind.SYSTEMD
    assert process_kind({"XPC_SERVICE_NAME": "application.com.apple.Terminal"}, mac) is ProcessKind.LAUNCHD
    assert process_kind({"XPC_SERVICE_NAME": "0", "SHLVL": "1"}, mac) is ProcessKind.SCRIPT
    assert process_kind({}, LINUX) is ProcessKind.SUBPROCESS
    # dash sets no SHLVL: `sh -c`, cron and a make recipe are told by the program that started doctor
    assert process_kind({}, LINUX, parent="sh") is ProcessKind.SH
    assert process_kind({}, LINUX, parent="dash") is ProcessKind.SH
    assert process_kind({"MAKELEVEL": "1"}, LINUX, parent="sh") is ProcessKind.MAKE
    assert process_kind({}, LINUX, parent="python3") is ProcessKind.SUBPROCESS


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_sh_and_make_advice_is_a_line_they_run(home: Path) -> None:
    """Leantime's `pip-compile` in ~/.local/bin, doctor run from `sh -c`, a make recipe or cron: the
    advice was Python's `env={**os.environ, ...}`, which no shell script nor Makefile can hold."""
    import subprocess

    env = {"HOME": str(home), "PATH": BASE}
    shell = path_advice(str(home / "tools"), "/bin/bash", env, LINUX, parent="sh")
    assert shell.where.startswith("the script that starts it") and shell.line == 'export PATH="$HOME/tools:$PATH"'
    # a crontab takes `PATH=$HOME/tools:$PATH` as written (crontab(5)): its line is spelled out
    assert f"(for cron: 'PATH={home}/tools:{BASE}' at the crontab's top" in shell.where
    assert finds(["sh", "-c", f"{shell.line}; command -v mytool"], env)
    made = path_advice(str(home / "tools"), "/bin/bash", {**env, "MAKELEVEL": "1"}, LINUX, parent="sh")
    assert (made.where, made.line) == ("the Makefile", "export PATH := $(HOME)/tools:$(PATH)")
    (home / "Makefile").write_text(f"{made.line}\nall:\n\t@command -v mytool\n")
    done = subprocess.run(["make", "-s", "-C", str(home)], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.strip() == str(home / "tools" / "mytool"), done.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_interactive_bash_advice_reaches_the_shell_and_its_children(home: Path) -> None:
    env = {"HOME": str(home), "PATH": BASE, "TERM": "dumb", "SHLVL": "1"}
    advice = path_advice(str(home / "tools"), "/bin/bash", env, LINUX)
    assert (advice.where, advice.line) == ("~/.bashrc", 'export PATH="$HOME/tools:$PATH"')
    argv = ["bash", "-i", "-c", "sh -c 'command -v mytool'"]
    assert not finds(argv, env)
    apply(advice, home)
    assert finds(argv, env)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_c_reads_bash_env_not_bashrc(home: Path) -> None:
    """The issue's own case: an export in ~/.bashrc does not reach `bash -c`; $BASH_ENV does."""
    env = {"HOME": str(home), "PATH": BASE, "SHLVL": "1"}
    advice = path_advice(str(home / "tools"), "/bin/bash", env, LINUX)
    assert advice.kind is ProcessKind.SCRIPT and advice.where.startswith("~/.bashenv, with BASH_ENV=")
    (home / ".bashrc").write_text(advice.line + "\n")
    argv = ["bash", "-c", "command -v mytool"]
    assert not finds(argv, env)
    apply(advice, home)
    assert finds(argv, {**env, "BASH_ENV": str(home / ".bashenv")})


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed here")
def test_zsh_c_reads_zshenv(home: Path) -> None:
    env = {"HOME": str(home), "PATH": BASE, "SHLVL": "1", "ZDOTDIR": str(home)}
    advice = path_advice(str(home / "tools"), "/bin/zsh", env, LINUX)
    assert advice.where == "~/.zshenv"
    argv = ["zsh", "-c", "command -v mytool"]
    assert not finds(argv, env)
    apply(advice, home)
    assert finds(argv, env)


def test_subprocess_env_advice_is_python_that_works(home: Path) -> None:
    env = {"HOME": str(home), "PATH": BASE}
    advice = path_advice(str(home / "tools"), "/bin/bash", env, LINUX)
    assert advice.kind is ProcessKind.SUBPROCESS and advice.where == "the env= of the program that starts it"
    assert not finds(["sh", "-c", "command -v mytool"], env)
    scope: dict[str, object] = {"os": os}
    saved = dict(os.environ)
    try:  # the line runs in the parent, whose own environment it extends
        os.environ.clear()
        os.environ.update(env)
        exec(advice.line, scope)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    child_env = scope["env"]
    assert isinstance(child_env, dict)
    assert finds(["sh", "-c", "command -v mytool"], child_env)


@pytest.mark.skipif(not os.access(GENERATOR, os.X_OK), reason="systemd's environment.d generator is not installed")
def test_systemd_user_service_advice_through_systemds_own_generator(home: Path) -> None:
    env = {"HOME": str(home), "PATH": BASE, "INVOCATION_ID": "0123"}
    advice = path_advice(str(home / "tools"), "/bin/bash", env, LINUX)
    assert advice.where.startswith("~/.config/environment.d/50-path.conf")
    apply(advice, home)
    done = subprocess.run([GENERATOR], env={"PATH": BASE, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")},
                          capture_output=True, text=True, timeout=20)
    service_path = next(line for line in done.stdout.splitlines() if line.startswith("PATH=")).removeprefix("PATH=")
    assert finds(["sh", "-c", "command -v mytool"], {"PATH": service_path})


def test_linux_ide_advice_names_environment_d_and_the_ide_setting(home: Path) -> None:
    advice = path_advice(str(home / "tools"), "/bin/bash", {"HOME": str(home), "PYCHARM_HOSTED": "1"}, LINUX)
    assert advice.kind is ProcessKind.IDE
    assert advice.where.startswith("~/.config/environment.d/50-path.conf") and "IDE's environment" in advice.where


def test_a_line_already_in_the_file_is_not_asked_for_again(home: Path) -> None:
    """The line sits in ~/.bashrc already: this process started before it was added (or from
    something that does not read it). Asking to add it again helped nobody."""
    env = {"HOME": str(home), "PATH": BASE, "TERM": "dumb", "SHLVL": "1"}
    advice = path_advice(str(home / "tools"), "/bin/bash", env, LINUX)
    assert not advice.present and advice.title == "add 'export PATH=\"$HOME/tools:$PATH\"' to ~/.bashrc"
    apply(advice, home)
    again = path_advice(str(home / "tools"), "/bin/bash", env, LINUX)
    assert again.present and again.title == (
        "'export PATH=\"$HOME/tools:$PATH\"' is in ~/.bashrc already: what started this process did not read "
        "it (a terminal opened before the line was added): open a new one, or `source ~/.bashrc`")
