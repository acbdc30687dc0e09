"""path-gap: the tools a project names, the login shell's PATH, and the check comparing them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from doctor.checks.path_gap import PathGap

from doctor.host import Host
from doctor.host.shell import ShellPaths, login_command, login_path
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.tasks import CommandKind, read_commands, split_command

BASH = "/bin/bash"


def tool(folder: Path, name: str, version: str = "1.0") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'#!/bin/sh\necho "{name} {version}"\n')
    path.chmod(0o755)
    return path


def project_with(tmp_path: Path, makefile: str) -> Path:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    (project / "Makefile").write_text(makefile)
    return project


def run_check(project: Path, env: dict[str, str]) -> list[Finding]:
    host = Host(env=env)
    host.parent_program = ""  # `env` alone says how doctor was started: not the test runner's parent (make)
    return list(PathGap().run(Project(ProjectOptions(path=project, env=env)), host))


def asked(env: dict[str, str]) -> dict[str, str]:
    """`env`, its login shell asked once already (its PATH cached, as for every run after the first:
    a first run with every tool on PATH only notes that the shell is asked after it)."""
    assert Host(env=env).shell.login.ok
    return env


def test_login_path_is_read_between_markers_despite_rc_noise(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bash_profile").write_text('echo "welcome back!"\nprintf "MOTD %s\\n" "$PATH"\n'
                                        'export PATH="/usr/bin:/bin:$HOME/.local/bin"\n')
    found = login_path(BASH, {"HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert found.ok, found.error
    assert found.entries == ("/usr/bin", "/bin", f"{home}/.local/bin")


def test_login_shell_that_hangs_is_killed_and_reported(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bash_profile").write_text("sleep 30\n")
    found = login_path(BASH, {"HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=0.5)
    assert not found.ok
    assert found.error == f"login shell '{BASH}' did not answer in 0.5 s"


def test_fish_and_csh_get_their_own_syntax() -> None:
    assert "(string join : $PATH)" in login_command("/usr/bin/fish")[-1]
    assert login_command("/bin/tcsh")[:2] == ["/bin/tcsh", "-c"]
    assert login_command("/bin/zsh")[:4] == ["/bin/zsh", "-l", "-i", "-c"]


def test_tool_found_only_by_the_login_shell_names_tool_and_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    tool(home / "brew" / "bin", "ruff")
    # /etc/profile sets its own PATH first; the profile pins the rest so the test does not depend on it
    (home / ".profile").write_text('PATH="$HOME/brew/bin:/usr/bin:/bin"\nexport PATH\n')
    project = project_with(tmp_path, "lint:\n\truff check .\n")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": BASH, "TERM": "xterm", "SHLVL": "1"}
    findings = run_check(project, env)
    assert [(f.subject, f.message) for f in findings] == [
        ("tool:ruff", "'ruff' (make target 'lint') is found only by the login shell, in ~/brew/bin")]
    finding = findings[0]
    assert finding.location is not None and finding.location.line == 2
    assert finding.fix is not None
    assert finding.fix.title == "add 'export PATH=\"$HOME/brew/bin:$PATH\"' to ~/.bashrc"
    assert finding.fix.safety is Safety.ADVICE and not finding.fix.edits  # ~/.bashrc is outside the project


@pytest.mark.parametrize("built", [True, False])
def test_a_configured_tool_whose_packages_live_in_a_service_is_not_a_gap(tmp_path: Path, built: bool) -> None:
    # cookiecutter-django: pytest appears only as pyproject's [tool.pytest]; the django image installs the
    # packages the host lacks, so the host's pytest would fail at its first import however PATH is set
    home = tmp_path / "home"
    tool(home / "brew" / "bin", "pytest")
    (home / ".profile").write_text('PATH="$HOME/brew/bin:/usr/bin:/bin"\nexport PATH\n')
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n'
                                            'dependencies = ["sqlmodel>=0.0.16"]\n\n[tool.pytest.ini_options]\n')
    (project / "Dockerfile").write_text("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n")
    service = "build: ." if built else "image: python:3.12"
    (project / "compose.yaml").write_text(f"services:\n  django:\n    {service}\n    volumes:\n      - .:/app\n")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": BASH, "TERM": "xterm", "SHLVL": "1"}
    subjects = [f.subject for f in run_check(project, asked(env))]
    assert subjects == ([] if built else ["tool:pytest"])


def test_nothing_when_both_paths_agree(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bin_dir = home / "bin"
    tool(bin_dir, "ruff")
    (home / ".profile").write_text(f'PATH="{bin_dir}:/usr/bin:/bin"\n')
    project = project_with(tmp_path, "lint:\n\truff check .\n")
    env = {"HOME": str(home), "PATH": f"{bin_dir}:/usr/bin:/bin", "SHELL": BASH}
    assert [f.subject for f in run_check(project, env)] == ["login-shell"]  # a first run: asked after it
    assert run_check(project, asked(env)) == []


def test_two_different_programs_warn_unless_same_bytes_and_are_never_run(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    tool(home / "old", "ruff", "0.1.0")
    tool(home / "new", "ruff", "0.5.0")
    (home / ".profile").write_text(f'PATH="{home}/new:/usr/bin:/bin"\n')
    project = project_with(tmp_path, "lint:\n\truff check .\n")
    env = {"HOME": str(home), "PATH": f"{home}/old:/usr/bin:/bin", "SHELL": BASH}
    Host(env=env).shell.login  # noqa: B018 - the login shell may run; the tools themselves may not
    started: list[object] = []
    real_popen = subprocess.Popen

    def popen(argv: object, *args: object, **kwargs: object) -> object:
        started.append(argv)
        return real_popen(argv, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", popen)
    findings = run_check(project, env)
    assert [f.message for f in findings] == ["'ruff' is ~/old/ruff on PATH but ~/new/ruff in the login shell"]
    assert findings[0].severity is Severity.WARNING
    # a warning with no fix line left the user guessing: the login shell's folder goes first
    assert findings[0].fix is not None and "~/new:" in findings[0].fix.title  # as the login-only advice words it
    tool(home / "old", "ruff", "0.5.0")  # two copies of one release, byte for byte: harmless
    assert run_check(project, env) == []
    assert not [argv for argv in started if "ruff" in str(argv)]


def test_the_active_virtualenvs_own_tool_is_expected(tmp_path: Path) -> None:
    home = tmp_path / "home"
    tool(home / "bin", "pytest", "7.0")
    venv = tmp_path / "proj-venv"
    tool(venv / "bin", "pytest", "8.3")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (home / ".profile").write_text(f'PATH="{home}/bin:/usr/bin:/bin"\n')
    project = project_with(tmp_path, "test:\n\tpytest -q\n")
    env = {"HOME": str(home), "PATH": f"{venv}/bin:/usr/bin:/bin", "SHELL": BASH, "VIRTUAL_ENV": str(venv)}
    assert run_check(project, asked(env)) == []


def pyenv_shim(root: Path, name: str) -> None:
    """A shim as pyenv's libexec/pyenv-rehash writes it (it would run `pyenv exec`; never run here)."""
    (root / "shims").mkdir(parents=True, exist_ok=True)
    shim = root / "shims" / name
    shim.write_text('#!/usr/bin/env bash\nset -e\n[ -n "$PYENV_DEBUG" ] && set -x\n\nprogram="${0##*/}"\n\n'
                    f'export PYENV_ROOT="{root}"\nexec "{root}/libexec/pyenv" exec "$program" "$@"\n')
    shim.chmod(0o755)


def test_a_pyenv_shim_is_the_version_it_picks_not_another_program(tmp_path: Path) -> None:
    # an IDE runs with its interpreter's bin on PATH (~/.pyenv/versions/3.12.1/bin); the terminal's
    # .bashrc (pyenv init, read through Debian's .profile) finds ~/.pyenv/shims/ruff first: the same
    # ruff where pyenv picks 3.12.1 there, another one where .python-version picks 3.11.7
    home = tmp_path / "home"
    root = home / ".pyenv"
    pyenv_shim(root, "ruff")
    tool(root / "versions" / "3.12.1" / "bin", "ruff", "0.5.0")
    tool(root / "versions" / "3.11.7" / "bin", "ruff", "0.1.0")
    (root / "version").write_text("3.12.1\n")
    (home / ".profile").write_text('PATH="/usr/bin:/bin"\n. "$HOME/.bashrc"\n')
    (home / ".bashrc").write_text('case $- in *i*) ;; *) return;; esac\nexport PATH="$HOME/.pyenv/shims:$PATH"\n')
    project = project_with(tmp_path, "lint:\n\truff check .\n")
    env = {"HOME": str(home), "PATH": f"{root}/versions/3.12.1/bin:/usr/bin:/bin", "SHELL": BASH}
    assert run_check(project, asked(env)) == []
    (project / ".python-version").write_text("# the project's\n3.11.7\n")
    assert [f.message for f in run_check(project, env)] == [
        "'ruff' is ~/.pyenv/versions/3.12.1/bin/ruff on PATH but ~/.pyenv/shims/ruff in the login shell "
        "(a shim running ~/.pyenv/versions/3.11.7/bin/ruff there)"]
    assert run_check(project, {**env, "PYENV_VERSION": "3.12.1"}) == []  # PYENV_VERSION beats the file


def test_failing_login_shell_is_one_info_line_and_path_entries_still_checked(tmp_path: Path) -> None:
    project = project_with(tmp_path, "lint:\n\truff check .\n")
    env = {"HOME": str(tmp_path), "PATH": f"/usr/bin::{tmp_path}/nope", "SHELL": "/nonexistent/shell"}
    findings = run_check(project, env)
    assert [(f.severity, f.subject) for f in findings] == [
        (Severity.WARNING, "path-entry:"), (Severity.INFO, f"path-entry:{tmp_path}/nope"),
        (Severity.INFO, "login-shell")]
    assert findings[2].message.startswith("cannot start login shell '/nonexistent/shell'")


def test_inherited_keeps_empty_entries() -> None:
    assert ShellPaths({"PATH": "/a::/b:"}).inherited == ("/a", "", "/b", "")


@pytest.mark.parametrize(("line", "tools"), [
    ("@cd backend && VAR=1 pytest -x", ["pytest"]),
    ("$(MAKE) -C sub all", []),
    ("if [ -f .env ]; then cp .env.example .env; fi", ["cp"]),
    ("./scripts/test.sh && npm run build | tee log.txt", ["npm", "tee"]),
    ("env -i FOO=1 ruff check . || true", ["ruff"]),
    ("docker compose exec backend pytest", ["docker"]),
    ("sudo -u www-data -E pytest -x", ["pytest"]),  # -u's argument is no program
])
def test_split_command_first_words(line: str, tools: list[str]) -> None:
    assert [t for _, t, _ in split_command(line.lstrip("@"), Path("/p"))] == tools


def test_cd_moves_the_working_directory() -> None:
    [(segment, tool_name, cwd)] = list(split_command("cd backend && pytest -x", Path("/p")))
    assert (segment, tool_name, cwd) == ("pytest -x", "pytest", Path("/p/backend"))


def test_read_commands_from_every_source(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(
        "X := 1\n.PHONY: test\ntest: deps\n\t@pytest \\\n\t  -x\n\ndefine BLOCK\n\tnotatool\nendef\n")
    frontend = tmp_path / "frontend"
    frontend.mkdir()
    (frontend / "package.json").write_text(json.dumps(
        {"scripts": {"test": "jest --ci", "lint": "eslint . && prettier --check ."},
         "devDependencies": {"jest": "29", "eslint": "9"}}, indent=2))
    (frontend / "pnpm-lock.yaml").write_text("")
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: mypy\n    name: mypy\n    entry: mypy --strict\n"
        "    language: system\n  - id: fmt\n    entry: black\n    language: python\n")
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n\n[tool.setuptools]\nx = 1\n")
    compose = tmp_path / "compose.yaml"
    compose.write_text("services: {}\n")
    commands = read_commands(tmp_path, (compose,))
    summary = [(c.kind, c.tool, c.location.line, c.local) for c in commands]
    assert summary == [
        (CommandKind.MAKE, "pytest", 4, False),
        (CommandKind.NPM, "pnpm", 1, False),
        (CommandKind.NPM, "jest", 3, True),
        (CommandKind.NPM, "eslint", 4, True),
        (CommandKind.NPM, "prettier", 4, False),
        (CommandKind.PRE_COMMIT, "pre-commit", 1, False),
        (CommandKind.PRE_COMMIT, "mypy", 6, False),
        (CommandKind.PYPROJECT, "ruff", 1, False),
        (CommandKind.COMPOSE, "docker", 1, False),
    ]
    assert commands[0].text == "pytest -x" and commands[0].origin == "make target 'test'"


def test_relative_entry_is_a_warning_even_without_tools(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    (tmp_path / ".profile").write_text(f'PATH="{os.defpath}"\n')
    env = {"HOME": str(tmp_path), "PATH": f".:{os.defpath}", "SHELL": BASH}
    subjects = [f.subject for f in run_check(project, env) if f.severity is Severity.WARNING]
    assert subjects == ["path-entry:."]


def test_read_commands_from_a_justfile_and_a_taskfile(tmp_path: Path) -> None:
    """just recipes (any indent, `@`/`-` prefixes, `{{var}}`, no shebang bodies) and Taskfile cmds."""
    (tmp_path / "justfile").write_text(
        "set dotenv-load\nexport PORT := \"8000\"\n\n# format the code\n[group('dev')]\nfmt dir='.':\n"
        "    justtool fmt {{dir}}\n\nlint: fmt\n    @-ruff check . && mypy src\n\nalias l := lint\n\n"
        "script:\n    #!/usr/bin/env python3\n    print('not a tool')\n\n"
        "serve port=PORT:\n\tuvicorn app:app --port {{port}}\n\n[script('python3')]\npy:\n    notatool.run()\n")
    (tmp_path / "Taskfile.yml").write_text(
        "version: '3'\ntasks:\n  build:\n    cmds:\n      - tasktool build\n      - task: lint\n"
        "      - cmd: golangci-lint run\n  lint:\n    cmds: [\"eslint .\"]\n")
    commands = read_commands(tmp_path)
    summary = [(c.kind, c.tool, c.location.line, c.origin) for c in commands]
    assert summary == [
        (CommandKind.JUST, "just", 1, "justfile"),
        (CommandKind.JUST, "justtool", 7, "just recipe 'fmt'"),
        (CommandKind.JUST, "ruff", 10, "just recipe 'lint'"),
        (CommandKind.JUST, "mypy", 10, "just recipe 'lint'"),
        (CommandKind.JUST, "uvicorn", 19, "just recipe 'serve'"),
        (CommandKind.TASK, "task", 1, "Taskfile.yml"),
        (CommandKind.TASK, "tasktool", 5, "task 'build'"),
        (CommandKind.TASK, "golangci-lint", 7, "task 'build'"),
        (CommandKind.TASK, "eslint", 9, "task 'lint'"),
    ]


@pytest.mark.parametrize("docker", [True, False])
def test_docker_compose_v1_in_a_recipe_where_only_the_v2_plugin_exists(tmp_path: Path, docker: bool) -> None:
    # bxcodec/go-clean-arch's Makefile runs `docker-compose up -d --build mysql`; this machine has
    # compose v2 only, as a docker CLI plugin: `make up` stops with "docker-compose: command not found"
    home = tmp_path / "home"
    bin_dir = home / "bin"
    bin_dir.mkdir(parents=True)
    if docker:
        tool(bin_dir, "docker").write_bytes(b"\x7fELF" + bytes(60))  # the docker CLI is a compiled program
    tool(home / ".docker" / "cli-plugins", "docker-compose")
    (home / ".profile").write_text(f'PATH="{bin_dir}"\n')
    project = project_with(tmp_path, "dev-env:\n\t@ docker-compose up -d --build mysql\n")
    env = {"HOME": str(home), "PATH": str(bin_dir), "SHELL": BASH}
    found = [(f.subject, f.severity, f.message) for f in run_check(project, env) if "compose" in f.subject]
    assert found == ([("tool:docker-compose", Severity.INFO, "'docker-compose' (make target 'dev-env') is not "
                       "installed here; compose is, as `docker compose`")] if docker else [])


def test_a_recipe_host_vs_container_puts_in_a_service_is_not_a_gap(tmp_path: Path) -> None:
    """broken-stack's `test: cd backend && pytest`: the backend image installs fastapi, the host
    lacks it, so host-vs-container says to run it in 'backend'. A pytest only the login shell
    finds (pyenv's shims) would fail at its first import all the same: advising a PATH line beside
    that contradicted it."""
    home = tmp_path / "home"
    tool(home / "brew" / "bin", "pytest")
    (home / ".profile").write_text('PATH="$HOME/brew/bin:/usr/bin:/bin"\nexport PATH\n')
    project = tmp_path / "proj"
    (project / "backend").mkdir(parents=True)
    (project / "backend" / "requirements.txt").write_text("fastapi==0.115.0\n")
    (project / "backend" / "Dockerfile").write_text(
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n")
    (project / "compose.yaml").write_text(
        "services:\n  backend:\n    build: ./backend\n    volumes:\n      - ./backend:/app\n")
    (project / "Makefile").write_text("test:\n\tcd backend && pytest\nlint:\n\truff check .\n")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": BASH, "TERM": "xterm", "SHLVL": "1"}
    tool(home / "brew" / "bin", "ruff")
    assert [f.subject for f in run_check(project, env)] == ["tool:ruff"]  # ruff runs on the host: a gap


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a step as another user")
def test_an_entry_this_user_cannot_reach_is_not_said_missing(tmp_path: Path) -> None:
    """CTFd trial: `runuser` keeps root's PATH; '/root/.pyenv/shims' exists but the user cannot enter
    /root, and doctor said it 'does not exist'."""
    from doctor.checks.path_gap import _why_unusable
    from run_as import as_user

    closed = tmp_path / "closed" / "shims"
    closed.mkdir(parents=True)
    (tmp_path / "closed").chmod(0o700)
    said = as_user(65534, lambda: (_why_unusable(str(closed)), _why_unusable("/nonexistent-doctor-path")))
    assert said == ("cannot be reached by this user (a folder on the way is closed to it)", "does not exist")


def test_an_entry_that_is_a_file_is_said_so(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    (tmp_path / "afile").write_text("")
    (tmp_path / ".profile").write_text(f'PATH="{os.defpath}"\n')
    env = {"HOME": str(tmp_path), "PATH": f"{tmp_path / 'afile'}:{tmp_path / 'gone'}:{os.defpath}", "SHELL": BASH}
    messages = sorted(f.message for f in run_check(project, env) if f.subject.startswith("path-entry:"))
    assert messages == ["PATH entry '~/afile' is not a folder", "PATH entry '~/gone' does not exist"]


def test_a_cron_job_is_compared_with_the_users_bash_not_cron_s_sh(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # cron runs every job with SHELL=/bin/sh; the terminal runs the passwd entry's bash, whose
    # .bashrc (read through Debian's .profile, interactive shells only) loads nvm: dash reads
    # only ~/.profile, skips the .bashrc, and so never saw the gap of yarn
    import pwd
    from types import SimpleNamespace

    monkeypatch.setattr(pwd, "getpwuid", lambda uid: SimpleNamespace(pw_shell=BASH))
    home = tmp_path / "home"
    tool(home / ".nvm" / "versions" / "node" / "v20.11.0" / "bin", "yarn")
    (home / ".profile").write_text('PATH="/usr/bin:/bin"\nif [ -n "$BASH_VERSION" ]; then\n    . "$HOME/.bashrc"\nfi\n')
    (home / ".bashrc").write_text('case $- in *i*) ;; *) return;; esac\n'
                                  'PATH="$HOME/.nvm/versions/node/v20.11.0/bin:$PATH"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", "LOGNAME": "dev"}
    host = Host(env=env)
    host.parent_program = "sh"  # cron's `/bin/sh -c`
    assert host.shell.shell == BASH
    findings = list(PathGap().run(Project(ProjectOptions(path=project, env=env)), host))
    assert [f.message for f in findings] == [
        "'yarn' (make target 'lint') is found only by the login shell, in ~/.nvm/versions/node/v20.11.0/bin"]
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: SimpleNamespace(pw_shell="/usr/sbin/nologin"))
    assert Host(env=env).shell.shell == "/bin/sh"  # a service account's: its SHELL stands
