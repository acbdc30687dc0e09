"""Preflight starts no process in a pyenv shell or an activated virtualenv, and reads interpreters from disk.

Counted in-process with an audit hook (every `subprocess.Popen`, `os.exec*`, `os.posix_spawn`,
`os.fork` and `os.system` raises an audit event), not with strace. The login shell's PATH is
taken from its cache (filled by a first, unaudited run), as on every run after the first.
The one fork allowed is doctor.forked's helper (doctor itself, running the project-only checks
beside the run, no program); with DOCTOR_JOBS=1 those checks run in this process under the hook.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks import path_gap
from portprobe import republish

from doctor.engine import RunOptions, load_registry, preflight
from doctor.forked import may_fork
from doctor.host.interpreter import find_interpreter
from doctor.model import Status
from doctor.project import ProjectOptions

REPO = Path(__file__).resolve().parent.parent
EVENTS = ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.fork", "os.system", "os.spawn")
SHIM = '#!/usr/bin/env bash\nexport PYENV_ROOT="{root}"\nexec "{root}/libexec/pyenv" exec "${{0##*/}}" "$@"\n'
PLAIN = "/usr/local/bin:/usr/bin:/bin"

_started: list[tuple[str, str]] = []
_helpers: list[str] = []  # doctor.forked's forks
_counting = [False]
HELPER = os.path.join("doctor", "forked.py")


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _counting[0] and event.startswith(EVENTS):
        if event == "os.fork" and sys._getframe(1).f_code.co_filename.endswith(HELPER):
            _helpers.append(event)
            return
        _started.append((event, repr(args)[:200]))


sys.addaudithook(_hook)  # hooks cannot be removed: it counts only while _counting is set


@pytest.fixture
def counted() -> Iterator[list[tuple[str, str]]]:
    _started.clear()
    _helpers.clear()
    _counting[0] = True
    try:
        yield _started
    finally:
        _counting[0] = False


def fake_python(prefix: Path, version: str, dists: tuple[str, ...], venv: bool = False) -> Path:
    """An interpreter tree: bin/python3 (not a script), site-packages with the given dist-infos."""
    (prefix / "bin").mkdir(parents=True)
    site = prefix / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    for dist in dists:
        (site / f"{dist}-1.0.dist-info").mkdir()
    for name in ("python3", "python"):
        (prefix / "bin" / name).write_bytes(b"\x7fELF fake interpreter")
        (prefix / "bin" / name).chmod(0o755)
    if venv:
        config = f"home = /usr/bin\ninclude-system-site-packages = false\nversion = {version}\n"
        (prefix / "pyvenv.cfg").write_text(config)
    return prefix / "bin" / "python3"


def pyenv_env(tmp_path: Path, version_dists: tuple[str, ...] = ("pytest",)) -> dict[str, str]:
    root = tmp_path / "pyenv"
    (root / "shims").mkdir(parents=True)
    for name in ("python", "python3", "pytest"):
        (root / "shims" / name).write_text(SHIM.format(root=root))
        (root / "shims" / name).chmod(0o755)
    fake_python(root / "versions" / "3.12.1", "3.12", version_dists)
    (root / "version").write_text("3.12.1\n")
    return {"PATH": f"{root / 'shims'}:{PLAIN}", "PYENV_ROOT": str(root), "PYENV_SHELL": "bash"}


def venv_env(tmp_path: Path) -> dict[str, str]:
    venv = tmp_path / "venv"
    fake_python(venv, "3.12", ("pytest", "iniconfig"), venv=True)
    (venv / "bin" / "pytest").write_text(f"#!{venv}/bin/python\nimport sys\n")
    (venv / "bin" / "pytest").chmod(0o755)
    return {"PATH": f"{venv / 'bin'}:{PLAIN}", "VIRTUAL_ENV": str(venv)}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("kind", ["pyenv", "venv"])
def test_preflight_starts_no_process(kind: str, jobs: str, tmp_path: Path, counted: list[tuple[str, str]],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", jobs)
    project = tmp_path / "clean-stack"
    shutil.copytree(REPO / "examples" / "clean-stack", project)
    # on ports free now: a developer's listener on 8000 would make port-collision plan a move, which asks compose
    # its version (the mid-stop run's `docker-compose docker-cli-plugin-metadata`), a subject of another test
    republish(project)
    # a make target that runs the tests on the host, so the interpreter probe has work to do
    (project / "Makefile").write_text("test:\n\tpytest\n")
    shell_env = pyenv_env(tmp_path) if kind == "pyenv" else venv_env(tmp_path)
    env = {**shell_env, "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "SHELL": "/bin/sh", "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
           "DOCTOR_CONTEXT": "host"}  # judged as on a laptop, also when the tests run in a container
    (tmp_path / "home").mkdir()
    options = RunOptions(project=ProjectOptions(path=project, env=env), env=env)
    registry = load_registry()
    _counting[0] = False
    # fills the login-PATH cache, as any first run does; waiting for the shell, which a first run
    # lets go after 50 ms when every tool is on PATH (the cache is then filled after the run, and
    # on a busy machine, two test runs at once, that could be after the audited run below started)
    with monkeypatch.context() as waiting:
        waiting.setattr(path_gap, "PATIENCE", 60.0)
        preflight(options, registry)
    _counting[0] = True
    report = preflight(options, registry).report
    assert [r.check for r in report.results if r.status is Status.ERROR] == []
    assert counted == []
    assert len(_helpers) == (1 if jobs != "1" and may_fork(os.environ) else 0)
    # the probe ran: the backend's dependencies are judged against the shell's interpreter
    hvc = [f for f in report.findings if f.check == "host-vs-container"]
    assert [f.subject for f in hvc] == ["backend:pytest"]
    assert hvc[0].message.startswith("'pytest' (make target 'test') needs 'fastapi' and 2 more")


def test_a_pyenv_shim_is_resolved_without_running_it(tmp_path: Path, counted: list[tuple[str, str]]) -> None:
    env = pyenv_env(tmp_path, ("sqlmodel",))
    project = tmp_path / "proj"
    project.mkdir()
    python = find_interpreter([project], env)
    assert python is not None and python.executable == tmp_path / "pyenv" / "versions" / "3.12.1" / "bin" / "python3"
    assert python.missing([("SQLModel", "sqlmodel"), ("fastapi", "fastapi")]) == ("fastapi",)
    # the project's .python-version beats the global version, PYENV_VERSION beats both
    fake_python(tmp_path / "pyenv" / "versions" / "3.13.0", "3.13", ("fastapi",))
    (project / ".python-version").write_text("3.13.0\n")
    python = find_interpreter([project], env)
    assert python is not None and python.missing([("sqlmodel", "sqlmodel"), ("fastapi", "fastapi")]) == ("sqlmodel",)
    python = find_interpreter([project], {**env, "PYENV_VERSION": "3.12.1"})
    assert python is not None and python.missing([("sqlmodel", "sqlmodel")]) == ()
    assert counted == []


def test_a_project_venv_wins_and_modules_count(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    fake_python(project / ".venv", "3.12", ("typer",), venv=True)
    site = project / ".venv" / "lib" / "python3.12" / "site-packages"
    (site / "yaml").mkdir()  # a module without metadata still imports
    (site / "_cffi_backend.cpython-312-x86_64-linux-gnu.so").touch()
    python = find_interpreter([project], {"PATH": PLAIN})
    assert python is not None
    assert python.missing([("typer", "typer"), ("PyYAML", "yaml"), ("cffi", "_cffi_backend"), ("rich", "rich")]) == (
        "rich",)


def test_an_unknown_shim_is_unknown_not_missing(tmp_path: Path) -> None:
    shims = tmp_path / "asdf" / "shims"
    shims.mkdir(parents=True)
    (shims / "python3").write_text("#!/usr/bin/env bash\nexec asdf exec python3 \"$@\"\n")
    (shims / "python3").chmod(0o755)
    assert find_interpreter([tmp_path], {"PATH": str(shims)}) is None
