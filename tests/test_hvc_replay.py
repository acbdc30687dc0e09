"""host-vs-container and `doctor exec` on the replay projects (tests/replay): the two agree.

- fastapi-template-0.11, Makefile `test: pytest backend/tests`, run from the repo root: preflight
  says to run it in 'backend' as `pytest /app/backend/tests`; exec runs exactly that (on the host,
  and in a container that is not the service, such as this machine when the suite runs in one).
- fastapi-template keeps upstream's `.python-version` = 3.14: with a pyenv that has no 3.14.x the
  host cannot even start pytest; preflight warns and exec goes to 'backend'. A host venv with
  the deps silences both.
No process of the project runs: `docker` is a stand-in that records its arguments.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.execute import execute
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.service_home import service_homes

REPLAY = Path(__file__).parent / "replay"
NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"


def copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(REPLAY / name, root)
    (root / "Makefile").write_text("test:\n\tpytest backend/tests\n")
    return root


def stand_in_docker(tmp_path: Path) -> tuple[Path, Path]:
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    record = tmp_path / "docker-argv.txt"
    (bin_dir / "docker").write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > {record}\n')
    (bin_dir / "docker").chmod(0o755)
    return bin_dir, record


def fake_pyenv(tmp_path: Path) -> dict[str, str]:
    """pyenv with 3.12.1 (no project packages) as the global version, and no 3.14."""
    root = tmp_path / "pyenv"
    (root / "shims").mkdir(parents=True)
    for name in ("python", "python3", "pytest"):
        (root / "shims" / name).write_text(f'#!/usr/bin/env bash\nexec "{root}/libexec/pyenv" exec "${{0##*/}}" "$@"\n')
        (root / "shims" / name).chmod(0o755)
    (root / "versions" / "3.12.1" / "bin").mkdir(parents=True)
    (root / "versions" / "3.12.1" / "lib" / "python3.12" / "site-packages").mkdir(parents=True)
    (root / "versions" / "3.12.1" / "bin" / "python3").write_bytes(b"\x7fELF fake")
    (root / "version").write_text("3.12.1\n")
    return {"PATH": str(root / "shims"), "PYENV_ROOT": str(root)}


def load(root: Path, env: dict[str, str], context: ExecutionContext) -> tuple[Project, Host]:
    host = Host(env=env)
    host.context = context  # type: ignore[misc]
    return Project(ProjectOptions(path=root, env=env)), host


def preflight_and_exec(root: Path, env: dict[str, str], context: ExecutionContext, record: Path,
                       monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], list[str] | None, int]:
    project, host = load(root, env, context)
    findings = [f for f in HostVsContainer().run(project, host) if f.location and f.location.path.name == "Makefile"]
    monkeypatch.chdir(root)
    record.unlink(missing_ok=True)
    project, host = load(root, env, context)
    code = execute(["pytest", "backend/tests"], project, host)
    return findings, record.read_text().splitlines() if record.exists() else None, code


CONTEXTS = [ExecutionContext(Runtime.HOST), ExecutionContext(Runtime.DOCKER, hostname="doctor-ci-box")]


@pytest.mark.parametrize("context", CONTEXTS, ids=["host", "docker-container"])
def test_exec_runs_a_root_makefile_line_where_preflight_says(
    context: ExecutionContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    root = copy(tmp_path, "fastapi-template-0.11")
    bin_dir, record = stand_in_docker(tmp_path)
    env = {"PATH": str(bin_dir), "DOCKER_HOST": NO_ENGINE}  # no python on PATH: the host lacks the packages
    [finding], argv, code = preflight_and_exec(root, env, context, record, monkeypatch)
    assert finding.subject == "backend:pytest backend/tests" and finding.message.endswith("run it in 'backend'")
    assert finding.fix is not None and finding.fix.command[-3:] == ("backend", "pytest", "/app/backend/tests")
    assert code == 0 and argv is not None
    assert "doctor: running 'pytest' in service 'backend'" in capfd.readouterr().err
    # the same command: preflight's (a terminal: no -T) and exec's (stdin is not one here)
    assert [a for a in argv if a != "-T"] == list(finding.fix.command[1:])


def test_a_pyenv_pin_that_is_not_installed_sends_pytest_to_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    root = copy(tmp_path, "fastapi-template")
    assert (root / ".python-version").read_text().strip() == "3.14"  # upstream's pin
    bin_dir, record = stand_in_docker(tmp_path)
    shell = fake_pyenv(tmp_path)
    env = {**shell, "PATH": f"{shell['PATH']}:{bin_dir}", "DOCKER_HOST": NO_ENGINE}
    context = ExecutionContext(Runtime.HOST)
    [finding], argv, code = preflight_and_exec(root, env, context, record, monkeypatch)
    assert finding.message == ("'pytest' (make target 'test') cannot start on the host (pyenv version '3.14', "
                               "set by .python-version, is not installed): run it in 'backend'")
    assert finding.fix is not None and code == 0 and argv is not None
    assert "(exec; the host's pyenv version '3.14' is not installed)" in capfd.readouterr().err
    assert [a for a in argv if a != "-T"] == list(finding.fix.command[1:])

    # without the pin, pyenv's global 3.12.1 runs it, and lacks the packages: the ordinary warning
    (root / ".python-version").unlink()
    [finding], _, _ = preflight_and_exec(root, env, context, record, monkeypatch)
    assert "needs 'fastapi' and" in finding.message and finding.message.endswith("run it in 'backend'")

    # a host venv that has every package the image installs: no warning, and exec runs pytest here
    project, host = load(root, env, context)
    [home] = [h for h in service_homes(project, host.packages) if h.service == "backend"]
    venv = root / ".venv"
    site = venv / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (venv / "bin").mkdir()
    (venv / "bin" / "python").write_bytes(b"\x7fELF fake")
    (venv / "bin" / "python").chmod(0o755)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = false\n")
    for dist in home.missing:
        (site / f"{dist.replace('-', '_')}-1.0.dist-info").mkdir()  # as wheels name them
    (root / ".python-version").write_text("3.14\n")  # the pin does not matter: the venv is the interpreter
    capfd.readouterr()
    findings, argv, _ = preflight_and_exec(root, env, context, record, monkeypatch)
    assert findings == [] and argv is None
    assert "doctor: running 'pytest' on the host" in capfd.readouterr().err


@pytest.mark.parametrize("context", CONTEXTS, ids=["host", "docker-container"])
def test_a_builder_stages_virtualenv_copied_into_the_final_image_is_the_services(
    context: ExecutionContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uv-docker-example's multistage.Dockerfile: the builder runs `uv sync` in /app, the final stage
    copies /app (and /app/.venv with it). With ./src bind-mounted, `python -m uv_docker_example` on
    the host (no fastapi) belongs in 'web', and exec runs it there. Before, only the final stage's
    RUN lines counted, none of which installs anything: no finding, and exec ran it on the host."""
    root = tmp_path / "proj"
    shutil.copytree(REPLAY / "uv-docker-example", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = (root / "compose.yml").read_text()
    assert "    build: .\n" in compose  # upstream's: the single-stage Dockerfile
    (root / "compose.yml").write_text(compose.replace(
        "    build: .\n", "    build:\n      context: .\n      dockerfile: multistage.Dockerfile\n"
        "    volumes:\n      - ./src:/app/src\n"))
    (root / "Makefile").write_text("hello:\n\tpython -m uv_docker_example\n")
    bin_dir, record = stand_in_docker(tmp_path)
    env = {"PATH": str(bin_dir), "DOCKER_HOST": NO_ENGINE}  # no python on PATH: the host lacks fastapi
    project, host = load(root, env, context)
    [finding] = [f for f in HostVsContainer().run(project, host) if f.location and f.location.path.name == "Makefile"]
    assert finding.message == ("'python' (make target 'hello') needs 'fastapi', which the host lacks: "
                               "run it in 'web'"), finding.message
    assert finding.fix is not None and finding.fix.command[-4:] == ("web", "python", "-m", "uv_docker_example")
    monkeypatch.chdir(root)
    project, host = load(root, env, context)
    assert execute(["python", "-m", "uv_docker_example"], project, host) == 0
    argv = record.read_text().splitlines()
    assert argv[-4:] == ["web", "python", "-m", "uv_docker_example"], argv
    assert argv[argv.index("-f") + 1] == str(root / "compose.yml"), argv


def synced_venv(root: Path, missing: tuple[str, ...]) -> Path:
    """The root `.venv` that upstream's `uv sync` makes (the workspace's), with every package the image
    installs, and a `pytest` console script that writes where it ran from."""
    venv = root / ".venv"
    site = venv / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (venv / "bin").mkdir()
    (venv / "bin" / "python").write_bytes(b"\x7fELF fake")
    (venv / "bin" / "python").chmod(0o755)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = false\n")
    for dist in missing:
        (site / f"{dist.replace('-', '_')}-1.0.dist-info").mkdir()
    (venv / "bin" / "pytest").write_text(f'#!/bin/sh\necho "$VIRTUAL_ENV $*" > {root / "ran.txt"}\n')
    (venv / "bin" / "pytest").chmod(0o755)
    return venv


def test_exec_runs_a_host_command_with_the_project_venv_it_judged_though_not_activated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """fastapi-template after `uv sync` (a root .venv with the packages), not activated, pyenv's global
    3.12.1 (none of them) first on PATH: preflight is right that pytest belongs on the host, and exec
    runs it there with that .venv, as `uv run` would. Before, exec ran PATH's pytest, pyenv's: the
    ModuleNotFoundError (here the shim's failure) of the mission's first fault, from the command doctor
    chose. An activated venv (VIRTUAL_ENV set, the user's choice) keeps the PATH as it is."""
    root = copy(tmp_path, "fastapi-template")
    (root / ".python-version").unlink()  # pyenv's global 3.12.1: it lacks the packages
    bin_dir, record = stand_in_docker(tmp_path)
    shell = fake_pyenv(tmp_path)
    env = {**shell, "PATH": f"{shell['PATH']}:{bin_dir}", "DOCKER_HOST": NO_ENGINE}
    context = ExecutionContext(Runtime.HOST)
    project, host = load(root, env, context)
    [home] = [h for h in service_homes(project, host.packages) if h.service == "backend"]
    venv = synced_venv(root, home.missing)
    capfd.readouterr()
    findings, argv, code = preflight_and_exec(root, env, context, record, monkeypatch)
    assert findings == [] and argv is None
    assert code == 0 and (root / "ran.txt").read_text() == f"{venv} backend/tests\n"
    assert ("doctor: running 'pytest' on the host, with .venv (not activated: doctor puts its bin/ first on "
            "PATH, as `activate` does)") in capfd.readouterr().err

    # activated (here: another venv the user chose), the PATH is theirs: pyenv's shim runs, and fails
    (root / "ran.txt").unlink()
    env["VIRTUAL_ENV"] = str(tmp_path / "other-venv")
    _, argv, code = preflight_and_exec(root, env, context, record, monkeypatch)
    assert argv is None and code != 0 and not (root / "ran.txt").exists()
    assert "not activated" not in capfd.readouterr().err
