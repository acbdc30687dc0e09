"""path-gap: tools the project needs that the login shell finds but the inherited PATH does not."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project import Project
from doctor.project.tasks import Command, CommandKind

# how long after its start the login shell may take when the run can do without it (a new
# account's shell answers in ~5 ms, one loading pyenv, nvm or oh-my-zsh in 0.1-0.5 s)
PATIENCE = 0.05


class PathGap(Check):
    """tools the project needs that the login shell finds but the inherited PATH does not

    What it finds
        Tools named by the project (Makefile and justfile recipes, Taskfile cmds, package.json
        scripts and the package manager it names, system hooks of .pre-commit-config.yaml,
        pyproject [tool.*] CLIs, docker for compose; each named where a command runs it, hoppscotch's
        `pnpm -r do-dev` at npm script 'dev', before a file that only implies it) that your login
        shell finds (`$SHELL -l -i`; under cron's SHELL=/bin/sh the passwd entry's bash or zsh, the
        shell the terminal runs) but the PATH doctor inherited does not, e.g. a tool in
        /opt/homebrew/bin or ~/.local/bin; a tool that resolves to two different programs on
        the two PATHs; relative PATH entries (`.` or an empty entry); entries that are no folder this user can use
        (missing, a file, or behind a folder closed to this user: root's `/root/.pyenv/shims` kept by `runuser`).
        A command host-vs-container puts in a service (a recipe or script in code whose packages
        a service image installs and the host lacks, or a tool named only by a pyproject [tool.*]
        section such an image installs) is the service's: no PATH makes it work here.
        A recipe running `docker-compose` (compose v1's name) that neither PATH has, where compose
        v2 is installed as the docker CLI plugin, is a note: write `docker compose` there.
        A recipe's `sudo TOOL` (`sudo -E`, `sudo -u USER`, `-Eu USER`, `--user USER` too) where PATH
        finds TOOL in a folder sudo's secure_path lacks: sudo looks it up there, not on PATH ("sudo: poetry: command not
        found" for ~/.local/bin on Debian). secure_path is read from /etc/sudoers and the files it
        includes (@include, @includedir) as sudo reads them: `Defaults !secure_path` keeps PATH, a
        `Defaults:USER` line for this user beats a plain one, continued lines, comments and several
        parameters on a line are read; where only root can read them, a tool in a folder under HOME
        is a note, unless the distributions' usual secure_path has a copy sudo would run.
        doctor itself run through sudo compares root's PATH and login shell, not the user's: a note
        says so.
        The login shell's PATH is cached (asked again after an hour, once the run is over).
        Without it, a run starts the shell and waits for it only when PATH lacks a tool the
        project names; when every tool is on PATH, the shell is asked once the run has ended
        (one loading pyenv, nvm or oh-my-zsh takes 0.1-0.5 s of CPU the run would compete
        with): a note says so, and which copies it runs is compared from the next run. With
        the cache off (DOCTOR_NO_CACHE=1) each run starts the shell first thing, and does not
        wait for one that has not answered 50 ms after it started. A shell still in its
        startup files is never signalled (a signal there can leave pyenv's rehash lock behind,
        and every later shell then waits 60 s): one not waited for, or whose wait timed out,
        is let go; one still in them 30 s later (a network call or a prompt that never returns)
        is hung up on, its process group, as a closing terminal does; the timeout is
        remembered for 10 minutes.

    Why it matters
        An IDE, a git hook, a service manager or a subprocess started with a scrubbed
        environment does not read ~/.zprofile: `make lint` works in the terminal but the
        editor's task fails with "command not found", or runs another version of the tool. A
        relative entry runs whatever program of that name sits in the current directory.

    Example
        Makefile:7  'ruff' (make target 'lint') is found only by the login shell, in /opt/homebrew/bin

    Fix
        Add the directory to PATH where the kind of process that runs doctor reads its environment
        at start: an interactive bash ~/.bashrc, every zsh ~/.zshenv (not ~/.zprofile, which only
        login shells read), a `bash -c` script the file $BASH_ENV names, a `sh -c` script or a cron
        job (dash reads no startup file: told by the program that started doctor) the script itself
        or the crontab's `PATH=` line (spelled out: cron expands no `$VAR` there), a make recipe the
        Makefile's `export PATH := ...`, a systemd user service ~/.config/environment.d/, a macOS
        app started from the Dock or a launchd agent `launchctl setenv PATH` (the IDE's own setting
        for an IDE), a subprocess the `env=` its parent passes. The line is printed; `doctor fix`
        does not write it, since the file lies outside the project. A tool run through sudo: its
        path after `sudo` (`sudo /home/dev/.local/bin/poetry`), or no sudo; a `#!/usr/bin/env node`
        script (env looks node up on secure_path: none, or not yours): `sudo env "PATH=$PATH" pnpm`; a manager's shim
        (run as root under sudo): the program it picks here; `sudo -u deploy` with the tool under a
        folder deploy cannot enter: install it where deploy reaches it, or drop `-u`.
        A folder a version manager or Homebrew owns is advised as the manager documents for other
        processes: fnm's per-shell ~/.local/state/fnm_multishells/PID_MILLIS/bin (gone with its
        shell) as its aliases/default/bin (fnm's folder being the one the link names, FNM_DIR, or
        macOS's ~/Library/Application Support/fnm; with no default alias, the version folder the link
        names, noting that it pins that version); mise's or asdf's version folder (`mise activate` sets
        PATH at the interactive prompt only) as their shims, which pick the version per folder;
        nvm's version folder with a note that the line pins that version (nvm.sh sets it in
        interactive shells only); Homebrew's folder, in a bash or zsh startup file, as
        `eval "$(/opt/homebrew/bin/brew shellenv)"` (noting its installer's ~/.zprofile line,
        which only login shells read).
        Two copies of a tool are compared as files (same file, same bytes), never by running
        them; a pyenv shim as the program it runs where the command runs, read from pyenv's files
        as `pyenv exec` picks it (PYENV_VERSION, the nearest .python-version, ~/.pyenv/version; a
        prefix such as CTFd's `3.11` is the newest 3.11.x installed): an IDE's
        ~/.pyenv/versions/3.11.7/bin/ruff and the terminal's ~/.pyenv/shims/ruff are one ruff
        until 3.11.9 is installed, and the message then names the program the shim runs; inside
        an active virtualenv its own `bin/pytest` differing from the login shell's is expected
        and not reported. The other managers' shims likewise, each read as the manager picks a
        version: rbenv's, nodenv's and goenv's as pyenv's (.ruby-version, .node-version, .go-version;
        rbenv and nodenv take no prefix: their `3.3` runs nothing with only 3.3.5 installed);
        asdf's (its `# asdf-plugin:` lines; ASDF_NODEJS_VERSION, the nearest .tool-versions or, with
        ~/.asdfrc's legacy_version_file = yes, .nvmrc, ~/.tool-versions); mise's (a link to mise;
        MISE_NODE_VERSION, the nearest mise.toml or .tool-versions, or .nvmrc for a tool its
        idiomatic_version_file_enable_tools names, ~/.config/mise/config.toml); volta's (a link to
        volta-shim; package.json's "volta", a workspace's "extends" followed,
        ~/.volta/tools/user/platform.json): an IDE's
        ~/.asdf/installs/nodejs/20.11.0/bin/yarn and the terminal's ~/.asdf/shims/yarn are one yarn
        while asdf picks 20.11.0 there.
        A version a manager's per-folder switch put on PATH (`mise activate`, `fnm env --use-on-cd`,
        an `nvm use` hook) differing from the login shell's, which starts in HOME and has the
        default, is expected where the project pins it (.nvmrc, .node-version, .tool-versions,
        mise.toml), and reported where it does not.

    Fix safety
        Advice: the rc file or service setting lies outside the project, so doctor prints the line
        and writes nothing.
    """

    id = "path-gap"
    severity = Severity.WARNING
    prefetch = ("shell",)
    _looked: tuple[dict[str, Command], dict[str, str | None], bool] | None = None  # _lookup's, this run's

    def start(self, project: Project, host: Host) -> None:
        """With no cached login PATH, start the login shell now when the run will wait for it (a
        tool PATH lacks): it then runs beside the other checks, not after them."""
        if host.shell.later and self._lookup(project, host)[2]:
            host.shell.start_now()

    def _lookup(self, project: Project, host: Host) -> tuple[dict[str, Command], dict[str, str | None], bool]:
        """The tools the project names, where PATH finds each, and whether one PATH lacks is not
        run in a service (the run then waits for the login shell: it may be the gap itself; with
        every tool on PATH only which copies run is left to compare, and a slow shell's answer is
        not waited for, the refresher asking it after the run for the next one). Once per run."""
        if self._looked is None:
            shell = host.shell
            tools = _needed(project.commands)
            inherited = [e for e in shell.inherited if os.path.isabs(e)]
            found = {tool: shell.which(tool, inherited) for tool in tools}
            lacking = any(here is None and not _runs_in_a_service(project, host, tools[tool])
                          for tool, here in found.items())
            self._looked = (tools, found, lacking)
        return self._looked

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        shell = host.shell
        home = host.env.get("HOME", "")
        user = host.env.get("SUDO_USER", "")
        if user and user != "root" and os.geteuid() == 0:  # `sudo doctor`: root's PATHs, not the user's
            yield self.finding(f"doctor runs through sudo for {user!r}: PATH is sudo's and the login shell root's, so "
                               f"{user}'s tools are not compared (run doctor as {user})", None, "sudo-run",
                               severity=Severity.INFO)
        for entry in dict.fromkeys(shell.inherited):
            if entry in ("", ".") or not os.path.isabs(entry):
                shown = "'' (empty)" if entry == "" else repr(entry)
                yield self.finding(f"PATH entry {shown} is relative: programs in the current directory "
                                   "shadow real ones", None, f"path-entry:{entry}")
            elif not os.path.isdir(entry):
                yield self.finding(f"PATH entry {_tilde(entry, home)!r} {_why_unusable(entry)}", None,
                                   f"path-entry:{entry}", severity=Severity.INFO)
        yield from _sudo_lookups(self, project, host)
        tools, found, lacking = self._lookup(project, host)
        if not tools:
            shell.release()  # started early for nothing: no tool to look up
            return
        login = shell.login if lacking else shell.login_by(PATIENCE)
        if login is None:
            waited = ("is asked once this run has ended (no PATH of it is cached yet)" if shell.later else
                      f"had not answered {PATIENCE * 1000:.0f} ms after it started")
            yield self.finding(f"login shell {shell.shell!r} {waited}: every tool the project names is on PATH, "
                               "and whether the login shell runs other copies is compared from the next run",
                               None, "login-shell", severity=Severity.INFO)
            return
        if not login.ok:
            yield self.finding(f"{login.error}: its PATH cannot be compared", None, "login-shell",
                               severity=Severity.INFO)
            return
        for tool, command in tools.items():
            here = found[tool]
            there = shell.which(tool, login.entries)
            if there is None:
                if tool == "docker-compose" and here is None:
                    yield from _compose_v1(self, command, host)
                continue
            if here is None:
                if _runs_in_a_service(project, host, command):
                    continue
                folder = os.path.dirname(there)
                message = (f"{tool!r} ({command.origin}) is found only by the login shell, "
                           f"in {_tilde(folder, home)}")
                fix = _fix(folder, host, tool)
                yield self.finding(message, command.location, f"tool:{tool}", fix)
            elif not _same_program(here, there, host.env, str(command.cwd)):
                message = f"{tool!r} is {_tilde(here, home)} on PATH but {_tilde(there, home)} in the login shell"
                runs = _shim_runs(there, str(command.cwd), host.env)
                message += f" (a shim running {_tilde(runs, home)} there)" if runs else ""
                # the login shell's program is the one the terminal runs: its folder goes first
                fix = _fix(str(Path(there).parent), host, tool)
                yield self.finding(message, command.location, f"tool-differs:{tool}", fix)


def _needed(commands: tuple[Command, ...]) -> dict[str, Command]:
    """Each tool once, at the first place the project names it (package-provided npm tools left out),
    a command that runs it before one a file only implies: hoppscotch's `pnpm -r do-dev` (npm script
    'dev', the line the user runs) over the pnpm its package.json's packageManager names."""
    tools: dict[str, Command] = {}
    for command in commands:
        if not command.local and (command.tool not in tools or (tools[command.tool].implied and not command.implied)):
            tools[command.tool] = command
    return tools


def _compose_v1(check: Check, command: Command, host: Host) -> Iterator[Finding]:
    """A recipe running `docker-compose` (compose v1's name) where only the v2 plugin is installed
    (bxcodec/go-clean-arch's Makefile: `docker-compose up -d --build mysql`): `make up` stops
    with "docker-compose: command not found" on either PATH."""
    from doctor.host.compose_cache import has_plugin

    if has_plugin(host.env):
        fix = Fix(f"write `docker compose` for `docker-compose` in {command.location.path.name} (compose v2 is a "
                  "docker CLI plugin)", Safety.ADVICE)
        yield check.finding(f"'docker-compose' ({command.origin}) is not installed here; compose is, as "
                                "`docker compose`", command.location, "tool:docker-compose", fix, Severity.INFO)


def _sudo_lookups(check: Check, project: Project, host: Host) -> Iterator[Finding]:
    """A recipe's `sudo TOOL` where PATH finds TOOL in a folder sudo's secure_path lacks (Debian's
    `sudo poetry install` with poetry in ~/.local/bin: "sudo: poetry: command not found")."""
    commands = {c.tool: c for c in reversed(project.commands) if c.sudo and not c.local}
    if not commands:
        return
    from doctor.host.sudo_advice import DEFAULT_SECURE_PATH
    from doctor.host.sudoers import secure_path

    secure, shell, home = secure_path(), host.shell, host.env.get("HOME", "")
    # unreadable: the distributions' secure_path, whose copy of the tool sudo would find (run, not a failure)
    looked = secure.entries if secure.readable else DEFAULT_SECURE_PATH
    for tool, command in sorted(commands.items()):
        here = shell.which(tool, [e for e in shell.inherited if os.path.isabs(e)])
        folder = os.path.dirname(here) if here else ""
        if not here or (looked is not None and shell.which(tool, looked)):
            continue  # not on PATH at all, or sudo finds one (the same or another: not a lookup failure)
        if secure.entries is not None:
            message, severity = f"secure_path ({secure.source}) lacks {_tilde(folder, home)}", Severity.WARNING
        elif not secure.readable and home and folder.startswith(home.rstrip("/") + "/"):
            message, severity = (f"secure_path, where /etc/sudoers sets one (Debian, Ubuntu, Fedora; root's to read "
                                 f"here), lacks {_tilde(folder, home)}"), Severity.INFO
        else:
            continue
        from doctor.host.sudo_advice import sudo_advice

        dollar = "$$" if command.kind is CommandKind.MAKE else "$"
        fix = Fix(sudo_advice(here, tool, command.sudo, str(command.cwd), host.env, secure.entries, dollar),
                  Safety.ADVICE)
        yield check.finding(f"{tool!r} ({command.origin}) runs through sudo, whose {message}", command.location,
                            f"sudo:{tool}", fix, severity)


def _runs_in_a_service(project: Project, host: Host, command: Command) -> bool:
    """Whether host-vs-container puts the command in a service: a Makefile or package.json command
    in code a service image installs packages for that the host lacks (broken-stack's `cd backend
    && pytest`), or a tool named only in pyproject's [tool.*] such an image installs (cookiecutter-
    django's [tool.pytest]). On the host it would fail at its first import however PATH is set,
    so a PATH line is no fix (command_home.belongs_in: the rule host-vs-container reports and
    `doctor exec` follows). Only asked for a tool PATH lacks."""
    if command.kind is CommandKind.PYPROJECT:
        words: list[str] = []
    elif command.kind in (CommandKind.MAKE, CommandKind.NPM) and not command.implied:
        words = command.text.split()[1:]
    else:
        return False
    from doctor.project.command_home import belongs_in
    from doctor.project.service_home import service_homes

    homes = service_homes(project, host.packages)
    return belongs_in(command.tool, words, command.cwd, homes, project.root, npm_script=command.kind is CommandKind.NPM,
                      local=command.local, services=project.services) is not None


def _same_program(here: str, there: str, env: Mapping[str, str], cwd: str) -> bool:
    """Whether two resolutions are one program, judged from the files alone (never run).

    Same file (realpath, inode) or byte-identical copies, a pyenv shim taken for the program it
    runs from `cwd` (the IDE's `~/.pyenv/versions/3.12.1/bin/ruff` and the login shell's
    `~/.pyenv/shims/ruff` when 3.12.1 is the version pyenv picks there); the version a manager's
    per-folder switch put on PATH where the project pins it (`mise activate` with the project's
    mise.toml, against the login shell's default, picked in HOME); and a tool of the
    virtualenv that is active (or that PATH leads into) is meant to differ from the login shell's.
    """
    if _one_file(here, there):
        return True
    ran_here, ran_there = _shim_runs(here, cwd, env) or here, _shim_runs(there, cwd, env) or there
    if (ran_here, ran_there) != (here, there) and _one_file(ran_here, ran_there):
        return True
    from doctor.host.project_pins import project_pick

    if project_pick(here, there, cwd, env):
        return True
    folder = Path(here).parent
    active = env.get("VIRTUAL_ENV") or env.get("CONDA_PREFIX")
    if active and folder.parent == Path(active):
        return True
    return (folder.parent / "pyvenv.cfg").is_file() or (folder.parent / "conda-meta").is_dir()


def _one_file(here: str, there: str) -> bool:
    """Same file (realpath, inode) or byte-identical copies."""
    try:
        if os.path.samefile(here, there):
            return True
        import filecmp  # only for two files to compare (a clean run has none)

        return filecmp.cmp(here, there, shallow=False)
    except OSError:
        return os.path.realpath(here) == os.path.realpath(there)


def _shim_runs(path: str, cwd: str, env: Mapping[str, str]) -> str | None:
    """The program a version manager's shim runs from `cwd` (doctor.host.shims: its files read, never run)."""
    from doctor.host.shims import shim_target

    return shim_target(path, cwd, env)


def _why_unusable(entry: str) -> str:
    """Why a PATH entry that is no folder this user can use is so: it is missing, is a file, or a
    folder on the way cannot be entered (root's `/root/.pyenv/shims` kept by `runuser`, `sudo -E`)."""
    try:
        os.stat(entry)
    except PermissionError:
        return "cannot be reached by this user (a folder on the way is closed to it)"
    except OSError:
        return "does not exist"
    return "is not a folder"


def _tilde(path: str, home: str) -> str:
    if home and (path == home or path.startswith(home.rstrip("/") + "/")):
        return "~" + path[len(home.rstrip("/")):]
    return path


def _fix(folder: str, host: Host, tool: str = "") -> Fix:
    """Advice (the file lies outside the project, which `doctor fix` never writes): the line for
    the place where the kind of process that runs doctor reads its environment; for a folder a
    version manager or Homebrew owns, the one that manager documents for such processes (fnm's
    per-shell folder is gone with its shell: its `aliases/default`; mise's and asdf's version
    folder: their shims; Homebrew: `eval "$(brew shellenv)"`)."""
    from doctor.host.managed_folders import managed_folder
    from doctor.host.startup import path_advice  # here: a clean run has no gap to advise on

    managed = managed_folder(folder, tool, host.env) if tool else None
    advice = path_advice(managed.folder if managed else folder, host.shell.shell, host.env, host.platform,
                         parent=host.parent_program, shell_line=managed.shell_line if managed else "")
    source = host.platform.path_helper_entries().get(folder)
    note = f" ({folder} comes from {source}, which only login shells read through path_helper)" if source else ""
    if managed and managed.note and (advice.line == managed.shell_line or not managed.note_with_line):
        note += f" ({managed.note})"
    return Fix(advice.title + note, Safety.ADVICE)
