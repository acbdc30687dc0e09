"""host-vs-container and `doctor exec`: the project's own console scripts (allegro/ralph's `test_ralph`,
installed by `-e .` in the requirements file its entrypoint installs) are tools its image has and the
host lacks; advice and exec never skip the entrypoint that installs a service's packages; exec says when
compose must build or pull the image first."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.execute import execute, placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.console_scripts import console_scripts
from doctor.project.image_installs import project_install
from doctor.run_images import image_note as _image_note

SETUP_PY = '''from setuptools import setup

setup(
    name="app",
    packages=["app"],
    entry_points={"console_scripts": ["test_app = app.tests:main"]},
)
'''


def repro(tmp_path: Path, requirements: str = "-e .\n", run: str = "RUN pip install -r requirements.txt\n") -> Path:
    """The brief's minimal project: setup.py's console script, requirements.txt `-e .`, `make test`."""
    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "setup.py").write_text(SETUP_PY)
    (project / "requirements.txt").write_text(requirements)
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "tests.py").write_text("def main():\n    print('ran')\n")
    (project / "Dockerfile").write_text(f"FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\n{run}")
    (project / "compose.yaml").write_text("services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n")
    (project / "Makefile").write_text("test:\n\ttest_app\n")
    return project


def host_env(project: Path, path: str = "/nonexistent/doctor-test") -> dict[str, str]:
    return {"PATH": path, "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock", "HOME": str(project.parent)}


def load(project: Path, env: dict[str, str]) -> tuple[Project, Host]:
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return Project(ProjectOptions(path=project, env=env)), host


def findings(project: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str] | None = None,
             running: bool | None = False) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: running)
    return list(HostVsContainer().run(*load(project, env or host_env(project))))


def test_console_scripts_read_from_setup_py_setup_cfg_and_pyproject(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text(
        "import setuptools\nENTRY = {'console_scripts': ['ralph = ralph.__main__:prod', 'test_ralph=ralph:test'],\n"
        "         'other.group': ['x = y:z']}\nsetuptools.setup(name='r', entry_points=ENTRY)\n")
    assert console_scripts(tmp_path) == (("ralph", "test_ralph"), tmp_path / "setup.py")
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(entry_points={'console_scripts': "
                                       "'''\n  serve = app:serve\n  check = app:check\n'''})\n")
    assert console_scripts(tmp_path)[0] == ("serve", "check")
    (tmp_path / "setup.py").write_text("import os; os.system('touch ran')\nsetup(entry_points=find())\n")
    assert console_scripts(tmp_path) == ((), None)  # read, never run
    assert not (tmp_path / "ran").exists()
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = a\n\n[options.entry_points]\nconsole_scripts =\n"
                                        "    cfg_tool = a.cli:main\n")
    assert console_scripts(tmp_path) == (("cfg_tool",), tmp_path / "setup.cfg")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\n\n[project.scripts]\nproj-tool = "a:main"\n\n'
                                             '[tool.poetry.scripts]\npoetry_tool = "a:run"\n')
    assert console_scripts(tmp_path) == (("proj-tool", "poetry_tool"), tmp_path / "pyproject.toml")


def test_make_test_running_the_projects_console_script_belongs_in_the_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The brief's repro: `make test` ran `test_app` on the host ("No such file or directory")."""
    project = repro(tmp_path)
    found = findings(project, monkeypatch)
    assert [(f.location.line if f.location else None, f.subject) for f in found] == [(2, "web:test_app")]
    assert found[0].message == ("'test_app' (make target 'test') is a console script of the project (setup.py), "
                                "which the image of 'web' installs and the host lacks: run it in 'web'")
    assert found[0].fix is not None and found[0].fix.command is not None
    assert list(found[0].fix.command[found[0].fix.command.index("run"):]) == ["run", "--rm", "web", "test_app"]


def test_a_console_script_on_the_host_path_stays_on_the_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = repro(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "test_app").write_text("#!/bin/sh\n")
    (bin_dir / "test_app").chmod(0o755)
    assert findings(project, monkeypatch, host_env(project, str(bin_dir))) == []


@pytest.mark.parametrize(("requirements", "run", "installed"), [
    ("flask\n", "RUN pip install -r requirements.txt\n", False),  # the project itself is not installed
    ("flask\n", "RUN pip install .\n", True),
    ("flask\n", "RUN pip install -e file:.\n", True),
    ("flask\n", "RUN pip install -e /app[dev]\n", True),
    ("flask\n", "RUN pip install /elsewhere\n", False),
    ("flask\n", "RUN uv sync --frozen\n", True),
    ("flask\n", "RUN uv sync --no-install-project\n", False),
    ("flask\n", "RUN poetry install --no-root\n", False),
    ("flask\n", "RUN cd /app && poetry install\n", True),
])
def test_what_installs_the_project_itself(tmp_path: Path, requirements: str, run: str, installed: bool) -> None:
    project = repro(tmp_path, requirements, run)
    loaded, _ = load(project, host_env(project))
    found = project_install(loaded, "web")
    assert (found is not None and found[1] == project) is installed, found


def test_doctor_exec_runs_the_console_script_in_the_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    import doctor.execute

    project = repro(tmp_path)
    env, record = fake_docker(tmp_path, project)
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project)
    loaded, host = load(project, env)
    home, _ = placement(["test_app"], project, loaded, host)
    assert home is not None and home.service == "web"
    # a home of console scripts alone takes no other command: a shell stays here
    assert placement(["sh", "-c", "true"], project, loaded, host)[0] is None
    assert execute(["make", "test"], loaded, host) == 0
    said = capfd.readouterr().err
    assert "running 'test_app' in service 'web' (run; its image installs the project's console scripts, test_app" \
        in said, said
    argv = record.read_text().splitlines()
    assert argv[argv.index("run"):] == ["run", "--rm", "-T", "web", "test_app", "--"]


def fake_docker(tmp_path: Path, project: Path, docker_host: str = "unix:///nonexistent/doctor-test/docker.sock"
                ) -> tuple[dict[str, str], Path]:
    """A `docker` on PATH that appends its arguments (one a line, then `--`) to a file and exits 0."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    record = tmp_path / "docker-argv.txt"
    (bin_dir / "docker").write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done >> {record}\n'
                                    f'echo -- >> {record}\n')
    (bin_dir / "docker").chmod(0o755)
    return {"PATH": str(bin_dir), "COMPOSE_PROJECT_NAME": "doctorhv2fake", "DOCKER_HOST": docker_host,
            "HOME": str(project.parent)}, record


RALPH_ENTRYPOINT = "#!/bin/bash\nset -e\npip3 install -r /app/requirements.txt\ncd /app\nmake run\n"


def ralph_like(tmp_path: Path, entrypoint: str = RALPH_ENTRYPOINT) -> Path:
    """allegro/ralph's shape: an image that installs nothing of Python; its entrypoint `pip3 install`s the
    requirements (and the project through `-e .`), then starts the server, reading no argument."""
    project = repro(tmp_path, "-e .\ndoctor-absent-django==4.2\npytest\n", "")
    (project / "Makefile").write_text("test:\n\tpytest app\n")
    (project / "entrypoint.sh").write_text(entrypoint)
    (project / "Dockerfile").write_text("FROM ubuntu:22.04\nRUN apt-get install -y python3-pip\n"
                                        "COPY entrypoint.sh /entrypoint.sh\nWORKDIR /app\n"
                                        "ENTRYPOINT /entrypoint.sh\n")
    return project


def test_advice_never_skips_the_entrypoint_that_installs_the_packages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ralph's web not running: `run --rm --entrypoint '' web isort` skipped the install: isort was missing."""
    project = ralph_like(tmp_path)
    (found,) = findings(project, monkeypatch)
    assert found.fix is not None and found.fix.command is not None
    assert "--entrypoint" not in found.fix.command
    assert list(found.fix.command[found.fix.command.index("exec"):]) == ["exec", "web", "pytest", "app"]
    assert found.fix.title.startswith("start 'web' first, `docker compose up -d web` (what it runs at start "
                                      "installs the packages the command needs, which a `run` would skip), then ")
    (maybe,) = findings(project, monkeypatch, running=None)
    assert maybe.fix is not None and "--entrypoint" not in maybe.fix.title
    assert "(start it first, `docker compose up -d web`, if it is not up" in maybe.fix.title
    # an entrypoint that hands its arguments on installs, then runs the command: a plain `run`
    project = ralph_like(tmp_path / "b", RALPH_ENTRYPOINT.replace("make run", 'exec "$@"'))
    dockerfile = (project / "Dockerfile").read_text()  # exec form: a shell form's `sh -c` drops the arguments
    (project / "Dockerfile").write_text(dockerfile.replace("ENTRYPOINT /entrypoint.sh",
                                                           'ENTRYPOINT ["/entrypoint.sh"]'))
    (found,) = findings(project, monkeypatch)
    assert found.fix is not None and found.fix.command is not None
    assert list(found.fix.command[found.fix.command.index("run"):]) == ["run", "--rm", "web", "pytest", "app"]
    (maybe,) = findings(project, monkeypatch, running=None)
    assert maybe.fix is not None and "(use 'run --rm' instead of 'exec' if it is not up)" in maybe.fix.title


def test_an_install_in_the_command_is_skipped_by_any_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`command: sh -c "pip install -r requirements.txt && ..."`: `run web pytest` replaces the command."""
    project = ralph_like(tmp_path)
    (project / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\n")
    (project / "compose.yaml").write_text(
        "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n"
        "    command: sh -c 'pip install -r requirements.txt && python3 -m http.server'\n")
    (found,) = findings(project, monkeypatch)
    assert found.fix is not None and found.fix.command is not None and "exec" in found.fix.command
    assert "docker compose up -d web" in found.fix.title


def test_doctor_exec_starts_the_service_then_execs_where_a_run_would_skip_the_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    import doctor.execute

    project = ralph_like(tmp_path)
    env, record = fake_docker(tmp_path, project)
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project)
    assert execute(["pytest", "app"], *load(project, env)) == 0
    said = capfd.readouterr().err
    assert "doctor: starting 'web' first (`docker compose up -d web`)" in said, said
    first, second = record.read_text().split("--\n")[:2]
    assert first.splitlines()[-3:] == ["up", "-d", "web"]
    assert second.splitlines()[second.splitlines().index("exec"):] == ["exec", "-T", "web", "pytest", "app"]


def test_image_note_says_when_the_engine_cannot_be_asked(tmp_path: Path) -> None:
    """Silence there read as "nothing to build": the note says doctor could not tell."""
    project = repro(tmp_path)
    loaded, host = load(project, host_env(project))
    note = _image_note(loaded, host, "web")
    assert note is not None and note.startswith("could not ask the engine whether it has the image of 'web' (")
    assert note.endswith("): compose may build it first"), note


def engine_env(project: Path) -> dict[str, str]:
    return {**os.environ, "HOME": os.environ.get("HOME", str(project.parent)),
            "COMPOSE_PROJECT_NAME": f"doctor-test-hv2-{os.getpid()}"}


@pytest.mark.docker
def test_image_note_with_the_engine(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    """openedx/devstack: `doctor exec -- pytest` ran `compose run` on an absent image, which compose
    pulled (no registry) in silence; image-availability knew it was absent."""
    project = repro(tmp_path)
    absent = f"doctor-test/hv2-absent-{os.getpid()}:none"
    (project / "compose.yaml").write_text(
        f"services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n"
        f"  pulled:\n    image: {absent}\n  present:\n    image: {busybox_image}\n"
        f"  built:\n    build: .\n    image: {absent}\n")
    loaded, host = load(project, engine_env(project))
    name = loaded.compose.project_name
    assert _image_note(loaded, host, "pulled") == (
        f"image '{absent}' of service 'pulled' is not on the engine: compose will pull it first (which fails "
        "without registry access)")
    assert _image_note(loaded, host, "present") is None
    assert _image_note(loaded, host, "web") == (
        f"image '{name}-web' of service 'web' is not built yet: compose will build it first")
    # compose tries the pull of a named image first, and builds it only where that fails (a warning)
    assert _image_note(loaded, host, "built") == (
        f"image '{absent}' of service 'built' is not on the engine: compose will pull it first, and build it if "
        "that fails")
    subprocess.run([docker_engine, "tag", busybox_image, f"{name}-web"], check=True, capture_output=True)
    try:
        loaded, host = load(project, engine_env(project))
        assert _image_note(loaded, host, "web") is None
    finally:
        subprocess.run([docker_engine, "rmi", f"{name}-web"], capture_output=True)


@pytest.mark.docker
def test_doctor_exec_notes_the_build_before_a_run(tmp_path: Path, docker_engine: str, monkeypatch: pytest.MonkeyPatch,
                                                  capfd: pytest.CaptureFixture[str]) -> None:
    project = repro(tmp_path)
    real = engine_env(project)
    env, record = fake_docker(tmp_path, project, real.get("DOCKER_HOST", "unix:///var/run/docker.sock"))
    env["COMPOSE_PROJECT_NAME"] = real["COMPOSE_PROJECT_NAME"]
    monkeypatch.chdir(project)
    assert execute(["test_app"], *load(project, env)) == 0
    said = capfd.readouterr().err.splitlines()
    assert said[1] == (f"doctor: note: image '{real['COMPOSE_PROJECT_NAME']}-web' of service 'web' is not built "
                       "yet: compose will build it first"), said
    assert "run" in record.read_text().splitlines()  # then it runs as before
