"""Which kind of process started doctor, and where that kind reads its environment at start.

A PATH line in `~/.bashrc` reaches an interactive bash, but not `bash -c` (which reads only
`$BASH_ENV`), not `sh -c` (which reads nothing), not an IDE started from the Dock (launchd's
PATH), not a systemd service (`~/.config/environment.d`), and not a subprocess its parent
started with `env=`. The kind is read from the inherited variables; the advice names the one
place that kind of process reads, and the exact line to put there.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from pathlib import Path

from doctor.host.platform import Kind, Platform
from doctor.model import record

IDE_VARS = ("VSCODE_PID", "VSCODE_IPC_HOOK_CLI", "PYCHARM_HOSTED", "INTELLIJ_ENVIRONMENT_READER")


class ProcessKind(enum.Enum):
    """How the process that runs doctor (and the tools after it) was started."""

    TERMINAL = "an interactive shell"
    SCRIPT = "a non-interactive shell (script, hook, make)"
    IDE = "an IDE"
    LAUNCHD = "a launchd agent or an app started from the Dock"
    SYSTEMD = "a systemd service"
    SH = "a sh script or cron job"
    MAKE = "a make recipe"
    SUBPROCESS = "a program started by another program"


@record
class PathAdvice:
    """Where the kind of process reads PATH (`where`), and the line that adds `folder` there."""

    kind: ProcessKind
    where: str
    line: str
    present: bool = False  # the file already holds the line: the process started before, or elsewhere

    @property
    def title(self) -> str:
        if self.present:
            where = self.where.split(" ", 1)[0]
            return (f"'{self.line}' is in {where} already: what started this process did not read it "
                    f"(a terminal opened before the line was added): open a new one, or `source {where}`")
        return f"add '{self.line}' to {self.where}"


# the programs whose children read no startup file: dash and busybox sh (`sh -c`, cron's `/bin/sh -c`)
SH_PROGRAMS = frozenset({"sh", "dash", "ash", "busybox"})
MAKE_PROGRAMS = frozenset({"make", "gmake"})


def parent_program() -> str:
    """The program name of doctor's parent process (`/proc/PPID/comm`, Linux), "" where unknown."""
    import os

    try:
        with open(f"/proc/{os.getppid()}/comm", "rb") as comm:
            return comm.read(64).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def process_kind(env: Mapping[str, str], platform: Platform, parent: str = "") -> ProcessKind:
    """The kind of process doctor runs in, from the variables its starter left, and the program that
    started it (`parent`): dash sets no SHLVL, so `sh -c`, a make recipe and cron left none."""
    if env.get("TERM_PROGRAM") == "vscode" or "JetBrains" in env.get("TERMINAL_EMULATOR", "") or any(
            env.get(v) for v in IDE_VARS):
        return ProcessKind.IDE
    if env.get("TERM") and env.get("SHLVL"):
        return ProcessKind.TERMINAL
    if platform.kind is Kind.MACOS and env.get("XPC_SERVICE_NAME", "0") != "0":
        return ProcessKind.LAUNCHD
    if env.get("INVOCATION_ID") or env.get("JOURNAL_STREAM"):
        return ProcessKind.SYSTEMD
    if env.get("SHLVL"):
        return ProcessKind.SCRIPT
    if env.get("MAKELEVEL") or parent in MAKE_PROGRAMS:
        return ProcessKind.MAKE
    if parent in SH_PROGRAMS:
        return ProcessKind.SH
    return ProcessKind.SUBPROCESS


def path_advice(folder: str, shell: str, env: Mapping[str, str], platform: Platform,
                kind: ProcessKind | None = None, parent: str = "", shell_line: str = "") -> PathAdvice:
    """The line that puts `folder` on PATH where `kind` (default: doctor's own kind, its starter
    `parent`) reads it; `present` when that file of HOME holds the line already (asking for it
    again helps nobody). `shell_line` is what a bash or zsh startup file takes instead of an
    `export PATH=` line (Homebrew's `eval "$(/opt/homebrew/bin/brew shellenv)"`)."""
    advice = _path_advice(folder, shell, env, platform, kind or process_kind(env, platform, parent))
    if shell_line and advice.line.startswith("export PATH=") and advice.kind in (ProcessKind.TERMINAL,
                                                                                 ProcessKind.SCRIPT):
        advice = PathAdvice(advice.kind, advice.where, shell_line)
    home = env.get("HOME", "")
    if home and advice.where.startswith("~/"):
        from doctor.regular import read_text

        try:
            text = read_text(Path(home) / advice.where.split(" ", 1)[0][2:], 1024 * 1024)
        except (OSError, UnicodeDecodeError):
            return advice
        if any(line.strip() == advice.line for line in text.splitlines()):
            return PathAdvice(advice.kind, advice.where, advice.line, present=True)
    return advice


def _path_advice(folder: str, shell: str, env: Mapping[str, str], platform: Platform,
                 kind: ProcessKind) -> PathAdvice:
    home = env.get("HOME", "").rstrip("/")
    written = "$HOME" + folder[len(home):] if home and folder.startswith(home + "/") else folder
    export = f'export PATH="{written}:$PATH"'
    name = Path(shell).name
    if kind is ProcessKind.TERMINAL:
        if name == "fish":
            return PathAdvice(kind, "~/.config/fish/config.fish", f"fish_add_path {written}")
        if name == "zsh":  # every zsh reads ~/.zshenv, `zsh -c` included; ~/.zprofile only login ones
            return PathAdvice(kind, "~/.zshenv", export)
        if name == "bash":
            return PathAdvice(kind, "~/.bashrc", export)
        return PathAdvice(kind, "~/.profile (and log in again)", export)
    if kind is ProcessKind.SCRIPT:
        if name == "zsh":
            return PathAdvice(kind, "~/.zshenv", export)
        # `bash -c` reads only the file $BASH_ENV names; `sh -c` reads nothing at all
        return PathAdvice(kind, "~/.bashenv, with BASH_ENV=$HOME/.bashenv set where the script starts", export)
    if kind is ProcessKind.SH:  # dash reads no startup file unless interactive: the script itself, or cron's
        # a crontab's `PATH=$HOME/bin:$PATH` is taken as written (crontab(5): no variable is expanded
        # there): its line is the whole PATH, spelled out
        crontab = f"PATH={folder}:{env.get('PATH') or '/usr/bin:/bin'}"
        return PathAdvice(kind, f"the script that starts it (for cron: '{crontab}' at the crontab's top, spelled "
                                "out: cron expands no $VAR there)", export)
    if kind is ProcessKind.MAKE:  # make's recipes run sh: the Makefile exports it to them
        shown = "$(HOME)" + folder[len(home):] if home and folder.startswith(home + "/") else folder
        return PathAdvice(kind, "the Makefile", f"export PATH := {shown}:$(PATH)")
    if kind is ProcessKind.SYSTEMD:
        return PathAdvice(kind, "~/.config/environment.d/50-path.conf (user services; a system unit: "
                                "Environment=)", f"PATH={folder}:$PATH")
    if kind in (ProcessKind.LAUNCHD, ProcessKind.IDE) and platform.kind is Kind.MACOS:
        current = ":".join(platform.launchd_path())
        where = "launchd (apps started from the Dock; `sudo launchctl config user path` keeps it)"
        if kind is ProcessKind.IDE:
            where = "launchd, or the IDE's environment setting (terminal.integrated.env.osx, run configuration)"
        return PathAdvice(kind, where, f'launchctl setenv PATH "{folder}:{current}"')
    if kind is ProcessKind.IDE:
        return PathAdvice(kind, "~/.config/environment.d/50-path.conf (apps of the desktop session), or the "
                                "IDE's environment setting", f"PATH={folder}:$PATH")
    value = f'os.path.expanduser("~{folder[len(home):]}:")' if written != folder else f'"{folder}:"'
    return PathAdvice(kind, "the env= of the program that starts it",
                      f'env={{**os.environ, "PATH": {value} + os.environ["PATH"]}}')
