"""path-gap: tools the project needs that the login shell finds but the inherited PATH does not."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project import Project
from doctor.project.tasks import Command

IDE_VARS = ("VSCODE_PID", "VSCODE_IPC_HOOK_CLI", "PYCHARM_HOSTED", "INTELLIJ_ENVIRONMENT_READER")
# rc files that every interactive (or every) shell of that kind reads, unlike the login profile
RC_FILES = {"bash": ".bashrc", "zsh": ".zshenv", "fish": ".config/fish/config.fish", "sh": ".profile"}


class PathGap(Check):
    """tools the project needs that the login shell finds but the inherited PATH does not

    What it finds
        Tools named by the project (Makefile recipes, package.json scripts, system hooks of
        .pre-commit-config.yaml, pyproject [tool.*] CLIs, docker for compose) that your login
        shell finds (`$SHELL -l -i`) but the PATH doctor inherited does not, e.g. a tool in
        /opt/homebrew/bin or ~/.local/bin; a tool that resolves to two different programs on
        the two PATHs; relative PATH entries (`.` or an empty entry); entries that do not exist.

    Why it matters
        An IDE, a git hook, a service manager or a subprocess started with a scrubbed
        environment does not read ~/.zprofile: `make lint` works in the terminal but the
        editor's task fails with "command not found", or runs another version of the tool. A
        relative entry runs whatever program of that name sits in the current directory.

    Example
        Makefile:7  'ruff' (make target 'lint') is found only by the login shell, in /opt/homebrew/bin

    Fix
        Add the directory to PATH where the inherited environment comes from: the rc file
        every shell reads (~/.bashrc, ~/.zshenv), the IDE's or service's environment settings,
        or for a subprocess `env={**os.environ, "PATH": "/opt/homebrew/bin:" + os.environ["PATH"]}`.
        The line to add is printed; `doctor fix` does not write it, since the rc file lies
        outside the project.

    Fix safety
        Advice: the rc file or service setting lies outside the project, so doctor prints the line
        and writes nothing.
    """

    id = "path-gap"
    severity = Severity.WARNING
    prefetch = ("shell",)

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        shell = host.shell
        home = host.env.get("HOME", "")
        for entry in dict.fromkeys(shell.inherited):
            if entry in ("", ".") or not os.path.isabs(entry):
                shown = "'' (empty)" if entry == "" else repr(entry)
                yield self.finding(f"PATH entry {shown} is relative: programs in the current directory "
                                   "shadow real ones", None, f"path-entry:{entry}")
            elif not os.path.isdir(entry):
                yield self.finding(f"PATH entry {_tilde(entry, home)!r} does not exist", None,
                                   f"path-entry:{entry}", severity=Severity.INFO)
        tools = _needed(project.commands)
        if not tools:
            return
        login = shell.login
        if not login.ok:
            yield self.finding(f"{login.error}: its PATH cannot be compared", None, "login-shell",
                               severity=Severity.INFO)
            return
        inherited = [e for e in shell.inherited if os.path.isabs(e)]
        for tool, command in tools.items():
            here = shell.which(tool, inherited)
            there = shell.which(tool, login.entries)
            if there is None:
                continue
            if here is None:
                folder = os.path.dirname(there)
                message = (f"{tool!r} ({command.origin}) is found only by the login shell, "
                           f"in {_tilde(folder, home)}")
                fix = _fix(folder, shell.shell, host.env)
                yield self.finding(message, command.location, f"tool:{tool}", fix)
            elif not _same_file(here, there):
                versions = (shell.version(here), shell.version(there))
                if versions[0] is not None and versions[0] == versions[1]:
                    continue  # two copies of the same release: harmless
                old, new = (f" ({_version(v)})" if v else "" for v in versions)
                message = (f"{tool!r} is {_tilde(here, home)}{old} on PATH but {_tilde(there, home)}{new} "
                           "in the login shell")
                yield self.finding(message, command.location, f"tool-differs:{tool}")


def _needed(commands: tuple[Command, ...]) -> dict[str, Command]:
    """Each tool once, at the first place the project names it (package-provided npm tools left out)."""
    tools: dict[str, Command] = {}
    for command in commands:
        if not command.local:
            tools.setdefault(command.tool, command)
    return tools


def _version(text: str) -> str:
    """`Docker version 28.2.2, build e6534b4` -> `28.2.2` (the whole line when no number is in it)."""
    found = re.search(r"\d+\.\d+[\w.+-]*", text)
    return found.group(0).rstrip(",") if found else text[:30]


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _tilde(path: str, home: str) -> str:
    if home and (path == home or path.startswith(home.rstrip("/") + "/")):
        return "~" + path[len(home.rstrip("/")):]
    return path


def _fix(folder: str, shell: str, env: Mapping[str, str]) -> Fix:
    home = env.get("HOME", "")
    shown = _tilde(folder, home)
    if env.get("TERM_PROGRAM") == "vscode" or "JetBrains" in env.get("TERMINAL_EMULATOR", "") or any(
        env.get(v) for v in IDE_VARS
    ):
        return Fix(f"add {shown} to PATH in the IDE's environment settings", Safety.ADVICE)
    if not env.get("TERM") and not env.get("SHLVL"):
        return Fix(f"add {shown} to PATH in the environment that starts doctor (IDE, service or cron settings)",
                   Safety.ADVICE)
    name = Path(shell).name
    rc = RC_FILES.get(name, ".profile")
    written = "$HOME" + shown[1:] if shown.startswith("~") else folder
    line = f"fish_add_path {written}" if name == "fish" else f'export PATH="{written}:$PATH"'
    # advice, not an edit: the rc file lies outside the project, which `doctor fix` never writes
    return Fix(f"add '{line}' to ~/{rc}", Safety.ADVICE)
