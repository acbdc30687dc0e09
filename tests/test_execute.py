"""`doctor exec`: a command runs in the service host-vs-container names for it (or, for a shell, the one
whose mount covers the cwd), or here."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from doctor.execute import compose_argv, execute, home_for, placement, service_homes
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  backend:
    build: ./backend
    image: {image}
    working_dir: /app
    command: ["sleep", "300"]
    volumes:
      - ./backend:/app
"""


def make_project(tmp_path: Path, image: str = "doctor-busybox:test") -> Path:
    project = tmp_path / "proj"
    (project / "backend" / "sub").mkdir(parents=True)
    (project / "backend" / "pyproject.toml").write_text(
        '[project]\nname = "api"\nversion = "1"\ndependencies = ["doctor-absent-package>=1"]\n')
    (project / "backend" / "Dockerfile").write_text("FROM scratch\n")
    (project / "compose.yaml").write_text(COMPOSE.format(image=image))
    return project


def env_for(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "COMPOSE_PROJECT_NAME": f"doctorexec{os.getpid()}{tmp_path.name[-6:].lower()}"}


def load(project: Path, env: dict[str, str], runtime: Runtime = Runtime.HOST) -> tuple[Project, Host]:
    host = Host(env=env)
    host.context = ExecutionContext(runtime)  # type: ignore[misc]
    return Project(ProjectOptions(path=project, env=env)), host


def test_home_maps_cwd_into_the_container(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path)
    project, host = load(project_dir, env_for(tmp_path))
    homes = service_homes(project, host.packages)
    assert [(h.service, h.missing, h.workdir) for h in homes] == [("backend", ("doctor-absent-package",), "/app")]
    home = home_for(homes, project_dir / "backend" / "sub")
    assert home is not None and home.container_path(project_dir / "backend" / "sub") == "/app/sub"
    assert home_for(homes, project_dir) is None  # the project root is not in the mount
    argv = compose_argv(project, "exec", home, project_dir / "backend" / "sub", ["pytest", "-x"], tty=False)
    assert argv[argv.index("exec"):] == ["exec", "-T", "-w", "/app/sub", "backend", "pytest", "-x"]
    argv = compose_argv(project, "run", home, project_dir / "backend", ["pytest"], tty=True)
    assert argv[argv.index("run"):] == ["run", "--rm", "backend", "pytest"]  # /app is the workdir already


def test_the_command_reads_the_env_files_the_run_was_given(tmp_path: Path) -> None:
    """`doctor preflight --env-file dev.env`: the `docker compose exec|run` it advises (and `doctor
    exec` runs) interpolates from the same file, not `.env`."""
    project_dir = make_project(tmp_path)
    (project_dir / "dev.env").write_text("X=1\n")
    env = env_for(tmp_path)
    project = Project(ProjectOptions(path=project_dir, env=env, env_files=(project_dir / "dev.env",)))
    homes = service_homes(project, Host(env=env).packages)
    home = home_for(homes, project_dir / "backend")
    assert home is not None
    argv = compose_argv(project, "run", home, project_dir / "backend", ["pytest"], tty=True)
    assert argv[argv.index("--env-file"):argv.index("run")] == ["--env-file", str(project_dir / "dev.env")]


def test_no_home_when_the_host_has_the_dependencies(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path)
    (project_dir / "backend" / "pyproject.toml").write_text(
        '[project]\nname = "api"\nversion = "1"\ndependencies = ["PyYAML>=6", "typer"]\n')
    import sys

    (project_dir / "backend" / ".venv").symlink_to(sys.prefix)  # a venv that has them
    project, host = load(project_dir, env_for(tmp_path))
    assert service_homes(project, host.packages) == ()


def fake_docker(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `docker` on PATH that writes its arguments to a file and exits 0: what exec would run."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    record = tmp_path / "docker-argv.txt"
    (bin_dir / "docker").write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > {record}\n')
    (bin_dir / "docker").chmod(0o755)
    # no python on this PATH: the host has none of the service's packages
    return {"PATH": str(bin_dir), "COMPOSE_PROJECT_NAME": "doctorexecfake",
            "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock"}, record


def test_runs_on_the_host_outside_any_mount_and_here_inside_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    project_dir = make_project(tmp_path)
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env_for(tmp_path))
    assert execute(["sh", "-c", "exit 4"], project, host) == 4
    assert "running 'sh' on the host" in capfd.readouterr().err
    # doctor runs in the backend container itself (its hostname): the command is where it belongs
    compose = (project_dir / "compose.yaml").read_text()
    compose = compose.replace("    working_dir:", "    hostname: box\n    working_dir:")
    (project_dir / "compose.yaml").write_text(compose)
    monkeypatch.chdir(project_dir / "backend")
    project, host = load(project_dir, env_for(tmp_path), Runtime.DOCKER)
    host.context = ExecutionContext(Runtime.DOCKER, hostname="box")  # type: ignore[misc]
    assert execute(["sh", "-c", "exit 5"], project, host) == 5
    assert "here, in service 'backend' (the container doctor runs in)" in capfd.readouterr().err
    assert execute([], project, host) == 2


@pytest.mark.parametrize("runtime", [Runtime.HOST, Runtime.DOCKER])
def test_a_container_that_is_not_the_service_sends_commands_there_as_the_host_does(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A devcontainer or CI job container: what preflight says there (run it in 'backend'), exec does."""
    project_dir = make_project(tmp_path)
    env, record = fake_docker(tmp_path)
    monkeypatch.chdir(project_dir / "backend" / "sub")
    project, host = load(project_dir, env, runtime)
    assert execute(["pytest", "-x"], project, host) == 0
    said = capfd.readouterr().err
    assert "running 'pytest' in service 'backend' (exec; the host lacks doctor-absent-package)" in said
    argv = record.read_text().splitlines()
    assert argv[argv.index("exec"):] == ["exec", "-T", "-w", "/app/sub", "backend", "pytest", "-x"]


def test_path_arguments_from_the_root_choose_the_service_and_are_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    project_dir = make_project(tmp_path)
    (project_dir / "frontend").mkdir()
    env, record = fake_docker(tmp_path)
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["env", "X=1", "pytest", "backend/sub", "-k", "a/b"], project, host) == 0
    assert "running 'env' in service 'backend'" in capfd.readouterr().err
    argv = record.read_text().splitlines()
    assert argv[argv.index("exec"):] == ["exec", "-T", "backend", "env", "X=1", "pytest", "/app/sub", "-k", "a/b"]
    # a python tool run from a folder no service holds, with no path into one: here (the host)
    assert placement(["python3", "x.py"], project_dir / "frontend", project, host) == (None, None)
    # a program of another language is not sent to a Python service because of the folder
    assert placement(["npm", "test"], project_dir / "backend", project, host) == (None, None)
    # a shell is: the service whose code holds the folder
    home, _ = placement(["bash"], project_dir / "backend", project, host)
    assert home is not None and home.service == "backend"


def test_no_docker_cli_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    project_dir = make_project(tmp_path)
    env, _ = fake_docker(tmp_path)
    (tmp_path / "fakebin" / "docker").unlink()
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["pytest", "backend"], project, host) == 127
    assert capfd.readouterr().err == (
        "doctor exec: 'pytest' belongs in service 'backend', but the docker CLI is not on PATH\n")


def test_where_docker_compose_is_the_only_compose_exec_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capfd: pytest.CaptureFixture[str]) -> None:
    """Compose v1, or v2 without the docker CLI plugin, and no docker CLI: `docker-compose exec`."""
    project_dir = make_project(tmp_path)
    env, record = fake_docker(tmp_path)
    (tmp_path / "fakebin" / "docker").rename(tmp_path / "fakebin" / "docker-compose")
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["pytest", "backend"], project, host) == 0
    assert "running 'pytest' in service 'backend'" in capfd.readouterr().err
    argv = record.read_text().splitlines()
    assert argv[:1] == ["--project-directory"]  # the program itself was docker-compose, not `docker compose`
    # ./backend is mounted at /app: the folder pytest is given is where the container has it
    assert argv[argv.index("exec"):] == ["exec", "-T", "backend", "pytest", "/app"]


@pytest.fixture
def compose_project(tmp_path: Path, docker_engine: str, compose_bin: str, busybox_image: str) -> Iterator[Path]:
    project_dir = make_project(tmp_path, busybox_image)
    yield project_dir
    subprocess.run([docker_engine, "compose", "down", "-v", "-t", "0", "--remove-orphans"], cwd=project_dir,
                   env=env_for(tmp_path), capture_output=True)


@pytest.mark.docker
def test_exec_in_a_service_that_is_not_running_then_running(
    compose_project: Path, tmp_path: Path, docker_engine: str, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str]
) -> None:
    env = env_for(tmp_path)
    monkeypatch.chdir(compose_project / "backend" / "sub")
    project, host = load(compose_project, env)
    script = ["sh", "-c", "pwd > /app/where.txt; exit 3"]
    assert execute(script, project, host) == 3
    assert "in service 'backend' (run;" in capfd.readouterr().err
    assert (compose_project / "backend" / "where.txt").read_text().strip() == "/app/sub"

    subprocess.run([docker_engine, "compose", "up", "-d"], cwd=compose_project, env=env, check=True,
                   capture_output=True)
    (compose_project / "backend" / "where.txt").unlink()
    project, host = load(compose_project, env)
    assert execute(script, project, host) == 3
    assert "in service 'backend' (exec;" in capfd.readouterr().err
    assert (compose_project / "backend" / "where.txt").read_text().strip() == "/app/sub"


def test_a_run_into_an_image_whose_entrypoint_is_a_program_drops_it(tmp_path: Path) -> None:
    """awesome-compose flask-redis: ENTRYPOINT ["python3"]. `doctor exec -- python -m pytest` ran
    `docker compose run --rm backend python -m pytest`, which the image runs as `python3 python -m pytest`
    ("can't open file '/app/python'"). preflight's advice already said --entrypoint ''; exec does too."""
    project_dir = make_project(tmp_path)
    (project_dir / "backend" / "Dockerfile").write_text('FROM python:3.12\nENTRYPOINT ["python3"]\nCMD ["app.py"]\n')
    project, host = load(project_dir, env_for(tmp_path))
    (home,) = service_homes(project, host.packages)
    argv = compose_argv(project, "run", home, project_dir / "backend", ["python", "-m", "pytest"], tty=True)
    assert argv[argv.index("run"):] == ["run", "--rm", "--entrypoint", "", "backend", "python", "-m", "pytest"]
    (project_dir / "backend" / "Dockerfile").write_text('FROM python:3.12\nENTRYPOINT ["tini", "--"]\n')
    project, host = load(project_dir, env_for(tmp_path))
    (home,) = service_homes(project, host.packages)
    argv = compose_argv(project, "run", home, project_dir / "backend", ["pytest"], tty=True)
    assert argv[argv.index("run"):] == ["run", "--rm", "backend", "pytest"]  # tini hands the command on
    # and the value of a `--flag=path` is a path like a bare one (exec and the advice share the mapping)
    from doctor.execute import mapped_words

    assert mapped_words(["pytest", "backend/sub", "--cov=backend/sub"], project_dir, home) == [
        "pytest", "/app/sub", "--cov=/app/sub"]


def test_a_standalone_linter_this_machine_has_runs_here_and_one_it_lacks_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """wagtail/bakerydemo: `doctor exec -- ruff check .` went to 'app' "(the host lacks django,
    python-dotenv)", though ruff imports nothing of the project and the image has no ruff. A linter
    on this machine's PATH runs here; one it lacks still goes where the folder's code is, saying so."""
    project_dir = make_project(tmp_path)
    env, _record = fake_docker(tmp_path)
    monkeypatch.chdir(project_dir / "backend")
    project, host = load(project_dir, env)
    home, _ = placement(["ruff", "check", "."], project_dir / "backend", project, host)
    assert home is not None and home.service == "backend"  # no ruff on this PATH
    assert execute(["ruff", "check", "."], project, host) == 0
    assert ("running 'ruff' in service 'backend' (exec; its code is in 'backend', and this machine has no "
            "'ruff' on PATH)") in capfd.readouterr().err
    fake = Path(env["PATH"]) / "ruff"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    assert placement(["ruff", "check", "."], project_dir / "backend", project, host) == (None, None)


def test_a_program_this_machine_has_runs_here_and_the_projects_own_script_in_its_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """vintasoftware/django-react-boilerplate: `doctor exec -- echo hello` at the root went to
    'frontend' (which mounts `.`) and built its image to echo there. A program on PATH of no known
    language runs here; a shell, or the project's own script by its path, goes where its code is."""
    project_dir = make_project(tmp_path)
    env, _record = fake_docker(tmp_path)
    for name in ("echo", "sh"):
        (Path(env["PATH"]) / name).write_text("#!/bin/sh\nexit 0\n")
        (Path(env["PATH"]) / name).chmod(0o755)
    (project_dir / "backend" / "run.sh").write_text("#!/bin/sh\npytest\n")
    (project_dir / "backend" / "run.sh").chmod(0o755)
    project, host = load(project_dir, env)
    assert placement(["echo", "hello"], project_dir / "backend", project, host) == (None, None)
    for argv in (["sh", "-c", "pytest"], ["./run.sh"]):
        home, _ = placement(argv, project_dir / "backend", project, host)
        assert home is not None and home.service == "backend", argv


def test_exec_says_when_the_image_lacks_the_tool_as_preflight_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """wagtail/bakerydemo: preflight said the image installs requirements/production.txt, which has
    no pytest; `doctor exec -- pytest` ran it there in silence, to end in "not found"."""
    from test_host_vs_container_advice import django_on_docker

    project_dir = django_on_docker(tmp_path)
    env, _record = fake_docker(tmp_path)
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["pytest", "app"], project, host) == 0
    said = capfd.readouterr().err
    assert ("doctor: note: its image does not install 'pytest' (app/requirements.txt, which it installs, does not "
            "list it): add it there and rebuild (`docker compose build web`)") in said, said


def test_a_package_json_script_that_serves_runs_with_the_service_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """`doctor exec -- npm run dev` of `"dev": "vite"` publishes the service's ports, as preflight advises."""
    import doctor.execute

    project_dir = tmp_path / "frontend"
    project_dir.mkdir()
    (project_dir / "Dockerfile").write_text("FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\n")
    (project_dir / "compose.yaml").write_text(
        "services:\n  frontend:\n    build: .\n    ports: ['3000:3000']\n    volumes: ['.:/app']\n")
    (project_dir / "package.json").write_text(
        '{"scripts": {"dev": "vite", "build": "vite build"}, "dependencies": {"react": "18.3.1", "vite": "5.0.0"}}\n')
    env, record = fake_docker(tmp_path)
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project_dir)
    project, host = load(project_dir, env)
    assert execute(["npm", "run", "dev"], project, host) == 0
    argv = record.read_text().splitlines()
    # `.:/app` hides the image's node_modules and the host has none: the volume preflight's advice adds too
    # vite listens on localhost unless told `--host`, which `npm run` passes on after `--`
    assert argv[argv.index("run"):] == ["run", "--service-ports", "--rm", "-v", "/app/node_modules", "-T", "frontend",
                                        "npm", "run", "dev", "--", "--host"]
    assert execute(["npm", "run", "build"], project, host) == 0  # `vite build` serves nothing
    argv = record.read_text().splitlines()
    assert argv[argv.index("run"):] == ["run", "--rm", "-v", "/app/node_modules", "-T", "frontend", "npm", "run",
                                        "build"]


def test_a_poetry_run_goes_nowhere_when_poetrys_environment_has_the_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """fastapi-template 0.11's backend (Poetry) after `poetry install`: `doctor exec -- poetry run pytest`
    went to 'backend' (a `run` that pulled its images, and failed without the registry), as preflight
    advised a Makefile's: the host's Python was PATH's, not the environment Poetry made in its cache.
    Now the host has the packages; a bare `python` runs with that environment activated."""
    project_dir = make_project(tmp_path)
    backend = project_dir / "backend"
    (backend / "pyproject.toml").write_text('[tool.poetry]\nname = "api"\nversion = "1"\n\n'
                                            '[tool.poetry.dependencies]\ndoctor-absent-package = "^1"\n')
    env, record = fake_docker(tmp_path)
    monkeypatch.chdir(backend)
    project, host = load(project_dir, env)
    assert placement(["poetry", "run", "pytest"], backend, project, host)[0] is not None  # no environment yet

    (backend / "poetry.lock").write_text("")
    from doctor.host.interpreter import poetry_env_stem

    env["HOME"] = str(tmp_path / "home")
    venv = tmp_path / "home" / ".cache" / "pypoetry" / "virtualenvs" / f"{poetry_env_stem('api', str(backend))}-py3.12"
    (venv / "lib" / "python3.12" / "site-packages" / "doctor_absent_package-1.0.dist-info").mkdir(parents=True)
    (venv / "bin").mkdir()
    (venv / "bin" / "python").write_text(f'#!/bin/sh\necho "$VIRTUAL_ENV $*" > {tmp_path / "ran.txt"}\n')
    (venv / "bin" / "python").chmod(0o755)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    project, host = load(project_dir, env)
    assert service_homes(project, host.packages) == ()
    assert placement(["poetry", "run", "pytest"], backend, project, host)[0] is None
    capfd.readouterr()
    project, host = load(project_dir, env)
    assert execute(["python", "-m", "pytest"], project, host) == 0
    assert (tmp_path / "ran.txt").read_text() == f"{venv} -m pytest\n" and not record.exists()
    assert f"running 'python' on the host, with {project.shown(venv)} (not activated" in capfd.readouterr().err
