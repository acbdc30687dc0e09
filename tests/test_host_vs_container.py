"""host-vs-container: commands that belong in a service, and naming the service doctor runs in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"
MAKEFILE = ("test:\n\tcd backend && pytest -x\n\nlint:\n\truff check backend\n\nup:\n\tdocker compose up -d\n\n"
            "seed:\n\tpython backend/scripts/seed.py --small\n")


def make_project(tmp_path: Path, deps: str = '"sqlmodel>=0.0.16"', image: str = "doctor-busybox:test") -> Path:
    project = tmp_path / "proj"
    (project / "backend" / "scripts").mkdir(parents=True)
    (project / "backend" / "pyproject.toml").write_text(
        f'[project]\nname = "api"\nversion = "1"\ndependencies = [{deps}]\n')
    (project / "backend" / "Dockerfile").write_text("FROM python:3.11\nWORKDIR /app\nCOPY . .\n")
    (project / "compose.yaml").write_text(
        f"services:\n  backend:\n    build: ./backend\n    image: {image}\n    command: [sleep, '300']\n"
        "    volumes:\n      - ./backend:/app\n")
    (project / "Makefile").write_text(MAKEFILE)
    return project


def run(project: Path, env: dict[str, str], context: ExecutionContext | None = None) -> list[Finding]:
    host = Host(env=env)
    host.context = context or ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def test_python_commands_belong_in_the_service_when_the_host_lacks_its_deps(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    findings = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert [(f.location.line if f.location else None, f.subject) for f in findings] == [
        (2, "backend:pytest -x"), (11, "backend:python backend/scripts/seed.py --small")]
    pytest_finding, seed = findings
    assert pytest_finding.severity is Severity.WARNING
    assert pytest_finding.message == ("'pytest' (make target 'test') needs 'sqlmodel', which the host lacks: "
                                      "run it in 'backend'")
    assert pytest_finding.fix is not None and pytest_finding.fix.safety is Safety.ADVICE
    assert pytest_finding.fix.title == ("run it as 'docker compose exec backend pytest -x' "
                                        "(use 'run --rm' instead of 'exec' if it is not up)")
    # run from the project root, the script's host path becomes its path in the container
    assert seed.fix is not None and seed.fix.command[-4:] == ("backend", "python", "/app/scripts/seed.py", "--small")


def test_where_docker_compose_is_the_only_compose_the_fix_runs_it(tmp_path: Path) -> None:
    """Compose v1, or v2 installed without the docker CLI plugin: `docker compose` would fail."""
    project = make_project(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker-compose").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "docker-compose").chmod(0o755)
    findings = run(project, {"PATH": str(bin_dir), "DOCKER_HOST": NO_ENGINE, "HOME": str(tmp_path)})
    fix = findings[0].fix
    assert fix is not None and fix.title.startswith("run it as 'docker-compose exec backend pytest -x'")
    assert fix.command[:2] == ("docker-compose", "--project-directory")


def test_nothing_when_the_host_interpreter_has_the_deps(tmp_path: Path) -> None:
    project = make_project(tmp_path, deps='"PyYAML>=6", "typer"')
    (project / "backend" / ".venv").symlink_to(sys.prefix)  # the developer's venv has them
    assert run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}) == []


def test_nothing_on_a_plain_host_project(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "compose.yaml").write_text("services:\n  backend:\n    image: python:3.12\n")  # no build
    assert run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}) == []


def test_code_the_image_copies_runs_there_after_a_rebuild(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "compose.yaml").write_text("services:\n  backend:\n    build: ./backend\n")  # COPY . ., no mount
    first, _ = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert first.fix is not None and first.fix.title == "run it as 'docker compose run --build --rm backend pytest -x'"


def test_a_uv_workspace_member_at_the_repo_root_context_with_watch_sync(tmp_path: Path) -> None:
    """fastapi's layout: context = repo root, deps in backend/pyproject.toml, code synced by develop.watch."""
    project = make_project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["backend"]\n')
    (project / "backend" / "Dockerfile").write_text(
        "FROM python:3.12\nWORKDIR /app/\nCOPY ./backend/scripts /app/backend/scripts\n"
        "COPY ./backend/pyproject.toml /app/backend/\nWORKDIR /app/backend/\n")
    (project / "compose.yaml").write_text(
        "services:\n  backend:\n    build:\n      context: .\n      dockerfile: backend/Dockerfile\n"
        "    develop:\n      watch:\n        - path: ./backend\n          action: sync\n"
        "          target: /app/backend\n")
    findings = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert [f.subject for f in findings] == ["backend:pytest -x", "backend:python backend/scripts/seed.py --small"]
    assert findings[1].fix is not None and findings[1].fix.command[-4:] == (
        "backend", "python", "/app/backend/scripts/seed.py", "--small")


def test_node_scripts_belong_where_node_modules_are(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "frontend").mkdir(parents=True)
    (project / "frontend" / "package.json").write_text(json.dumps(
        {"scripts": {"test": "vitest run", "fmt": "prettier -w ."}, "dependencies": {"react": "18"},
         "devDependencies": {"vitest": "1"}}, indent=2))
    (project / "compose.yaml").write_text(
        "services:\n  web:\n    build: ./frontend\n    volumes:\n      - ./frontend:/src\n      - /src/node_modules\n")
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}
    findings = run(project, env)
    assert [(f.subject, f.message) for f in findings] == [
        ("web:vitest run", "'vitest' (npm script 'test') is not installed on the host (no node_modules/.bin/vitest),"
                           " nor is 'react': run it in 'web'")]
    (project / "frontend" / "node_modules" / ".bin").mkdir(parents=True)
    (project / "frontend" / "node_modules" / ".bin" / "vitest").write_text("")
    assert [f.message for f in run(project, env)] == [
        "'vitest' (npm script 'test') needs 'react', which the host lacks: run it in 'web'"]
    (project / "frontend" / "node_modules" / "react").mkdir(parents=True)
    assert run(project, env) == []


def test_a_monorepo_roots_scripts_are_not_a_packages_service(tmp_path: Path) -> None:
    """hoppscotch/hoppscotch (docker-compose.yml 'hoppscotch-old-backend' with its dev bind
    `./packages/hoppscotch-backend/:/usr/src/app` uncommented, as the file says to when modifying
    code): the root package.json's `husky` and `pnpm -r do-dev` were sent into the backend, whose
    image installs packages/hoppscotch-backend/package.json, not the root's."""
    project = tmp_path / "proj"
    backend = project / "packages" / "hoppscotch-backend"
    backend.mkdir(parents=True)
    root_scripts = {"prepare": "husky", "dev": "pnpm -r do-dev"}
    (project / "package.json").write_text(json.dumps(
        {"scripts": root_scripts, "workspaces": ["./packages/*"], "devDependencies": {"husky": "9"}}, indent=2))
    (project / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    (backend / "package.json").write_text(json.dumps(
        {"scripts": {"test": "jest"}, "dependencies": {"@apollo/server": "4"}, "devDependencies": {"jest": "29"}},
        indent=2))
    (backend / "Dockerfile").write_text(
        "FROM node:20.12.2\nWORKDIR /usr/src/app\nCOPY pnpm-lock.yaml .\nCOPY ./packages/hoppscotch-backend .\n"
        "RUN pnpm i --filter hoppscotch-backend\n")
    (project / "compose.yaml").write_text(
        "services:\n  backend:\n    build:\n      dockerfile: packages/hoppscotch-backend/Dockerfile\n"
        "      context: .\n    volumes:\n      - ./packages/hoppscotch-backend/:/usr/src/app\n"
        "      - /usr/src/app/node_modules/\n")
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}
    assert run(project, env) == []
    # an image that installs the root package.json (the whole repo copied and mounted) takes them
    (project / "package.json").write_text(json.dumps(
        {"scripts": root_scripts, "dependencies": {"turbo": "2"}, "devDependencies": {"husky": "9"}}, indent=2))
    (backend / "Dockerfile").write_text("FROM node:20.12.2\nWORKDIR /usr/src/app\nCOPY . .\nRUN pnpm i\n")
    compose = (project / "compose.yaml").read_text()
    (project / "compose.yaml").write_text(compose.replace("./packages/hoppscotch-backend/:", ".:"))
    # (its `"prepare": "husky"` installs git hooks: the host's setup, never advised into a service)
    assert [f.subject for f in run(project, env)] == ["backend:pnpm -r do-dev"]


def test_a_dev_dependency_tool_is_named_first_and_a_quoted_command_is_not_quoted_again(tmp_path: Path) -> None:
    """react-express-mongodb (docker/awesome-compose): `prettier --write {**/,}*.js` said it needed 'bcryptjs',
    and its fix title nested the command's own quotes in quotes."""
    project = tmp_path / "proj"
    (project / "backend").mkdir(parents=True)
    (project / "backend" / "package.json").write_text(json.dumps(
        {"scripts": {"format": "prettier --write {**/,}*.js"}, "dependencies": {"bcryptjs": "2", "express": "4"},
         "devDependencies": {"prettier": "2"}}, indent=2))
    (project / "compose.yaml").write_text(
        "services:\n  backend:\n    build: ./backend\n    volumes:\n      - ./backend:/usr/src/app\n"
        "      - /usr/src/app/node_modules\n")
    (project / "Makefile").write_text("seed:\n\tcd backend && node seed.js '{**/,}*.js'\n")
    target, script = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert script.message == ("'prettier' (npm script 'format') is not installed on the host (no "
                              "node_modules/.bin/prettier), nor are 'bcryptjs' and 1 more: run it in 'backend'")
    # the script by its name: npm puts node_modules/.bin on PATH, as a node image does not
    assert script.fix is not None
    assert script.fix.title == ("run it as 'docker compose exec -w /usr/src/app backend npm run format'"
                                " (use 'run --rm' instead of 'exec' if it is not up)")
    assert target.fix is not None
    assert target.fix.title == ("run it as `docker compose exec -w /usr/src/app backend node seed.js '{**/,}*.js'`"
                                " (use 'run --rm' instead of 'exec' if it is not up)")


def test_inside_the_service_itself_commands_are_where_they_belong(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    compose = (project / "compose.yaml").read_text()
    (project / "compose.yaml").write_text(compose.replace("    command:", "    hostname: box\n    command:"))
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}
    assert run(project, env, ExecutionContext(Runtime.DOCKER, hostname="box")) == []
    # a devcontainer or CI job container is not the service: the commands still belong there
    devcontainer = ExecutionContext(Runtime.DOCKER, devcontainer=True, hostname="devbox")
    assert [f.subject for f in run(project, env, devcontainer)] == [
        "backend:pytest -x", "backend:python backend/scripts/seed.py --small"]


@pytest.fixture
def up(
    tmp_path: Path, docker_engine: str, compose_bin: str, busybox_image: str
) -> Iterator[tuple[Path, dict[str, str]]]:
    project = make_project(tmp_path, image=busybox_image)
    env = {**os.environ, "COMPOSE_PROJECT_NAME": f"doctorhvc{os.getpid()}"}
    yield project, env
    subprocess.run([docker_engine, "compose", "down", "-v", "-t", "0"], cwd=project, env=env, capture_output=True)


@pytest.mark.docker
def test_fix_says_run_or_exec_as_the_engine_tells(up: tuple[Path, dict[str, str]], docker_engine: str) -> None:
    project, env = up
    [first, _] = run(project, env)
    assert first.fix is not None and first.fix.title == "run it as 'docker compose run --rm backend pytest -x'"
    subprocess.run([docker_engine, "compose", "up", "-d"], cwd=project, env=env, check=True, capture_output=True)
    [first, _] = run(project, env)
    assert first.fix is not None and first.fix.title == "run it as 'docker compose exec backend pytest -x'"


@pytest.mark.docker
def test_inside_a_compose_container_the_engine_names_the_service(
    up: tuple[Path, dict[str, str]], docker_engine: str
) -> None:
    project, env = up
    subprocess.run([docker_engine, "compose", "up", "-d"], cwd=project, env=env, check=True, capture_output=True)
    container = subprocess.run([docker_engine, "compose", "ps", "-q", "backend"], cwd=project, env=env,
                               capture_output=True, text=True, check=True).stdout.strip()
    # what doctor would read inside that container
    from doctor.host.context import ContextFiles, classify

    mountinfo = subprocess.run([docker_engine, "exec", container, "cat", "/proc/self/mountinfo"],
                               capture_output=True, text=True, check=True).stdout
    context = classify({}, ContextFiles(mountinfo=mountinfo, cgroup="0::/\n"))
    assert context.container_id == container
    assert run(project, env, context) == []  # it runs in 'backend' itself: the commands are where they belong


def fake_pyenv(tmp_path: Path, versions: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """A pyenv root (shims for python/python3, versions/NAME with the given dist-infos), as its env."""
    root = tmp_path / "pyenv"
    (root / "shims").mkdir(parents=True)
    for name in ("python", "python3", "pytest"):
        (root / "shims" / name).write_text(f'#!/usr/bin/env bash\nexec "{root}/libexec/pyenv" exec "${{0##*/}}" "$@"\n')
        (root / "shims" / name).chmod(0o755)
    for version, dists in versions.items():
        (root / "versions" / version / "bin").mkdir(parents=True)
        short = ".".join(version.split(".")[:2])
        site = root / "versions" / version / "lib" / f"python{short}" / "site-packages"
        site.mkdir(parents=True)
        for dist in dists:
            (site / f"{dist}-1.0.dist-info").mkdir()
        (root / "versions" / version / "bin" / "python3").write_bytes(b"\x7fELF fake")
    return {"PATH": f"{root / 'shims'}:/nonexistent", "PYENV_ROOT": str(root), "DOCKER_HOST": NO_ENGINE}


def test_a_pyenv_pin_that_is_not_installed_cannot_start_the_command(tmp_path: Path) -> None:
    """fastapi-template keeps `.python-version` = 3.14; pyenv here has no 3.14.x: pytest cannot even start."""
    project = make_project(tmp_path)
    env = fake_pyenv(tmp_path, {"3.12.1": ("sqlmodel",), "3.13.0": ()})
    (project / ".python-version").write_text("3.14\n")
    findings = run(project, env)
    assert [f.subject for f in findings] == ["backend:pytest -x", "backend:python backend/scripts/seed.py --small"]
    assert findings[0].message == ("'pytest' (make target 'test') cannot start on the host (pyenv version '3.14', "
                                   "set by .python-version, is not installed): run it in 'backend'")
    assert [f.subject for f in run(project, {**env, "PYENV_VERSION": "3.15"})][:1] == ["backend:pytest -x"]
    assert "set by PYENV_VERSION" in run(project, {**env, "PYENV_VERSION": "3.15"})[0].message
    # the pin names an installed version (or a prefix of one) that has the deps: the host can run it
    (project / ".python-version").write_text("3.12\n")
    assert run(project, env) == []
    (project / ".python-version").write_text("# pinned for the team\n3.14\n3.12.1\n")
    assert run(project, env) == []  # pyenv runs the first installed one of the list
    # an installed pin without the deps: the ordinary message
    (project / ".python-version").write_text("python-3.13.0\n")
    assert run(project, env)[0].message == ("'pytest' (make target 'test') needs 'sqlmodel', which the host "
                                            "lacks: run it in 'backend'")


def test_a_host_venv_with_the_deps_beats_a_pin_that_is_not_installed(tmp_path: Path) -> None:
    project = make_project(tmp_path, deps='"PyYAML>=6", "typer"')
    env = fake_pyenv(tmp_path, {"3.12.1": ()})
    (project / ".python-version").write_text("3.14\n")
    assert [f.subject for f in run(project, env)][:1] == ["backend:pytest -x"]
    (project / "backend" / ".venv").symlink_to(sys.prefix)  # the developer's venv has them
    assert run(project, env) == []


def test_a_bare_folder_a_test_runner_is_given_is_mapped_into_the_container(tmp_path: Path) -> None:
    """django-on-docker: `pytest app` from the repo root (./app mounted at /usr/src/app) was advised as
    `... run --rm web pytest app`, a folder the container does not have; a label stays a label."""
    project = make_project(tmp_path)
    (project / "Makefile").write_text("unit:\n\tpytest backend -x\n\nlabel:\n\tpython backend/manage.py test backend\n")
    findings = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    unit, label = findings
    assert unit.fix is not None and unit.fix.command[-3:] == ("pytest", "/app", "-x")
    assert label.fix is not None and label.fix.command[-4:] == ("python", "/app/manage.py", "test", "backend")


def test_a_devcontainer_that_mounts_the_repo_judges_the_repos_makefile(tmp_path: Path) -> None:
    """saleor: compose in .devcontainer/ builds and mounts `..`; the repo's `make test` (pytest) was
    never judged: its Makefile lies above the compose folder, and so did the code the mount carries."""
    repo = tmp_path / "saleor"
    (repo / ".devcontainer").mkdir(parents=True)
    (repo / "saleor").mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "saleor"\nversion = "1"\ndependencies = ["sqlmodel"]\n')
    (repo / "Makefile").write_text("test:\n\tpytest saleor -x\n")
    (repo / ".devcontainer" / "Dockerfile").write_text(
        "FROM mcr.microsoft.com/devcontainers/python:3.12\nRUN --mount=type=bind,source=pyproject.toml,"
        "target=pyproject.toml pip install .\n")
    (repo / ".devcontainer" / "docker-compose.yml").write_text(
        "services:\n  saleor:\n    build:\n      context: ..\n      dockerfile: .devcontainer/Dockerfile\n"
        "    command: sleep infinity\n    volumes:\n      - ..:/app\n")
    findings = run(repo / ".devcontainer", {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert [(f.location.path if f.location else None, f.subject) for f in findings] == [
        (repo / "Makefile", "saleor:pytest saleor -x")]
    # the repo root is /app in the container: the command runs there, its words as written
    assert findings[0].fix is not None
    assert findings[0].fix.command[-6:] == ("-w", "/app", "saleor", "pytest", "saleor", "-x")


@pytest.mark.parametrize(("script", "dispatching"), [
    ('#!/usr/bin/env bash\ncase $1 in\n  start)\n    npm start | cat\n    ;;\n  *)\n    npm "$@"\n    ;;\n'
     'esac\n', True),
    ('#!/bin/sh\nset -e\ncase "$1" in\n  migrate) python manage.py migrate ;;\nesac\nexec "$@"\n', False),
    ('#!/bin/sh\nset -e\nexec "$@"\n', False),
    # CTFd's docker-entrypoint.sh reads no argument: `run web pytest` would start gunicorn
    ('#!/bin/sh\nset -e\npython ping.py\nexec gunicorn "app:create_app()" --bind 0.0.0.0:8000\n', True),
    ('#!/bin/sh\nset -e\nif [ $# -eq 0 ]; then exec gunicorn app; fi\nexec "${@}"\n', False),
    # it reads options, then ends in a fixed program: `run frontend npm run build` would start npm start
    ('#!/usr/bin/env bash\nwhile getopts "v" opt; do :; done\nexec npm start\n', True),
])
def test_run_advice_replaces_an_entrypoint_that_dispatches_on_its_first_argument(
        tmp_path: Path, script: str, dispatching: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Buuntu/fastapi-react: ENTRYPOINT ["/bin/bash", "/app/run.sh"], whose `case $1` turned
    `run frontend react-scripts start` into `npm react-scripts start`."""
    project = tmp_path / "proj"
    (project / "frontend").mkdir(parents=True)
    (project / "frontend" / "run.sh").write_text(script)
    (project / "frontend" / "Dockerfile").write_text(
        'FROM node:20\nADD package.json /package.json\nRUN npm install\nWORKDIR /app\nADD . /app\n'
        'ENTRYPOINT ["/bin/bash", "/app/run.sh"]\nCMD ["start"]\n')
    (project / "frontend" / "package.json").write_text(json.dumps(
        {"scripts": {"build": "react-scripts build"}, "dependencies": {"react": "18", "react-scripts": "5"}}))
    (project / "compose.yaml").write_text(
        "services:\n  frontend:\n    build: ./frontend\n    volumes:\n      - ./frontend:/app\n")
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)  # not up: `run`
    [finding] = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.fix is not None
    assert ("--entrypoint" in finding.fix.command) is dispatching, finding.fix.command


def test_a_monorepo_roots_manifest_is_not_an_image_that_copies_one_package(tmp_path: Path) -> None:
    # hoppscotch-like: the root package.json (workspace tooling, here with a dependency of its own) is
    # not installed by an image that copies packages/backend alone; one that copies `.` installs it
    from doctor.project.service_home import installed_manifests

    root = tmp_path / "repo"
    (root / "packages" / "backend").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "mono", "dependencies": {"husky": "9"}}))
    (root / "packages" / "backend" / "package.json").write_text(
        json.dumps({"name": "backend", "dependencies": {"express": "4"}}))
    (root / "compose.yaml").write_text("services:\n  backend:\n    build: .\n")
    project = Project(ProjectOptions(path=root, env={}))
    one = installed_manifests(project, root, [root / "packages" / "backend" / "package.json",
                                              root / "packages" / "backend"])
    assert [m.path.relative_to(root).as_posix() for m in one] == ["packages/backend/package.json"]
    everything = installed_manifests(project, root, [root])
    assert "package.json" in [m.path.relative_to(root).as_posix() for m in everything]


def test_a_builder_stages_copies_count_as_what_the_image_installs(tmp_path: Path) -> None:
    # healthchecks: the builder stage copies requirements.txt and the repo and builds wheels; the final
    # stage installs them and copies the built tree (`COPY --from=builder`) plus one file of its own
    from doctor.project.service_home import service_homes

    root = tmp_path / "repo"
    (root / "docker").mkdir(parents=True)
    (root / "requirements.txt").write_text("Django==5.2\n")
    (root / "docker" / "Dockerfile").write_text(
        "FROM python:3.14-slim AS builder\nCOPY requirements.txt /tmp\n"
        "RUN pip wheel -w /wheels -r /tmp/requirements.txt\nCOPY . /opt/app/\nFROM python:3.14-slim\n"
        "RUN --mount=type=bind,target=/wheels,source=/wheels,from=builder pip install /wheels/*\n"
        "COPY --from=builder /opt/app/ /opt/app/\nCOPY docker/fetchstatus.py /opt/app/\n")
    (root / "docker" / "fetchstatus.py").write_text("print(1)\n")
    (root / "docker" / "compose.yaml").write_text(
        "services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n"
        "    volumes: ['..:/opt/app']\n")
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}
    homes = service_homes(Project(ProjectOptions(path=root / "docker", env=env)), Host(env=env).packages)
    assert [(h.service, h.manifest.name) for h in homes] == [("web", "requirements.txt")]


# a builder stage installs the dependencies; the final stage copies what it installed, or only its output
BUILDER_STAGES = {
    "venv": ("FROM python:3.12 AS builder\nCOPY requirements.txt .\n"
             "RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt\n"
             "FROM python:3.12-slim\nCOPY --from=builder /venv /venv\nENV PATH=/venv/bin:$PATH\n"
             "WORKDIR /app\nCOPY . .\n"),
    "prefix": ("FROM python:3.12 AS builder\nCOPY requirements.txt .\n"
               "RUN pip install --prefix=/install -r requirements.txt\n"
               "FROM python:3.12-slim\nCOPY --from=builder /install /usr/local\nWORKDIR /app\nCOPY . .\n"),
    "uv": ("FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS builder\nWORKDIR /app\nCOPY . .\n"
           "RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked --no-dev\n"
           "FROM python:3.12-slim\nCOPY --from=builder --chown=app:app /app /app\nWORKDIR /app\n"),
    "user": ("FROM python:3.12 AS builder\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\n"
             "FROM python:3.12-slim\nCOPY --from=builder /root/.local /root/.local\nWORKDIR /app\nCOPY . .\n"),
    "output only": ("FROM python:3.12 AS builder\nCOPY . /src\nRUN pip install build && python -m build /src -o /dist\n"
                    "FROM python:3.12-slim\nCOPY --from=builder /dist/app.whl /opt/\nWORKDIR /app\nCOPY . .\n"),
}


@pytest.mark.parametrize("shape", sorted(BUILDER_STAGES))
def test_dependencies_a_builder_stage_installs_count_when_the_final_stage_copies_them(
        tmp_path: Path, shape: str) -> None:
    """`COPY --from=builder /venv /venv` (or --prefix=/install, pip --user, uv's /app/.venv) brings the
    packages into the final image: `pytest` there works, on the host not. A final stage that copies
    only the builder's output (a wheel) holds none of them: no service home."""
    from doctor.project.service_home import service_homes

    root = tmp_path / "repo"
    (root / "backend").mkdir(parents=True)
    (root / "backend" / "requirements.txt").write_text("doctor-absent-package==1.0\n")
    (root / "backend" / "Dockerfile").write_text(BUILDER_STAGES[shape])
    (root / "compose.yaml").write_text("services:\n  backend:\n    build: ./backend\n"
                                       "    volumes: ['./backend:/app']\n")
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}
    homes = service_homes(Project(ProjectOptions(path=root, env=env)), Host(env=env).packages)
    expected = [] if shape == "output only" else [("backend", ("doctor-absent-package",))]
    assert [(h.service, h.missing) for h in homes] == expected


@pytest.mark.parametrize(("copied", "counts"), [("/app/node_modules ./node_modules", True),
                                                ("/app/dist /usr/share/nginx/html", False)])
def test_node_modules_a_deps_stage_installs_count_when_copied(tmp_path: Path, copied: str, counts: bool) -> None:
    from doctor.project.service_home import service_homes

    root = tmp_path / "repo"
    (root / "web").mkdir(parents=True)
    (root / "web" / "package.json").write_text(json.dumps({"name": "web", "dependencies": {"doctor-absent": "1"},
                                                           "scripts": {"test": "vitest"}}))
    (root / "web" / "Dockerfile").write_text(
        "FROM node:22 AS deps\nWORKDIR /app\nCOPY package.json .\nRUN npm install\n"
        f"FROM node:22-slim\nWORKDIR /app\nCOPY --from=deps {copied}\nCOPY . .\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: ./web\n    volumes: ['./web/src:/app/src']\n")
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}
    homes = service_homes(Project(ProjectOptions(path=root, env=env)), Host(env=env).packages)
    assert [h.service for h in homes] == (["web"] if counts else [])


def web_and_worker(tmp_path: Path) -> Path:
    """nickjj/docker-flask-example's shape: a web app and its celery worker, built alike from the same code."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "requirements.txt").write_text("doctor-absent-package==1.0\npytest==8.0\n")
    (root / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /code\nCOPY requirements.txt .\n"
                                     "RUN pip install -r requirements.txt\nCOPY . .\n")
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    build: .\n    volumes: ['.:/code']\n"
        "  worker:\n    build: .\n    command: celery -A app worker\n    volumes: ['.:/code']\n")
    return root


def test_a_web_app_and_its_worker_built_alike_are_one_home(tmp_path: Path) -> None:
    """`pytest` in a root Makefile: both services have the code and the packages; that made the
    command ambiguous, and no finding came (flask and django examples: pytest, ruff, flask db)."""
    root = web_and_worker(tmp_path)
    (root / "Makefile").write_text("test:\n\tpytest\n")
    findings = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert [f.subject for f in findings] == ["web:pytest"]
    # built from other code (another context), two python services stay ambiguous from the root
    (root / "other").mkdir()
    (root / "other" / "requirements.txt").write_text("doctor-absent-package==1.0\n")
    (root / "other" / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . .\nRUN pip install -r requirements.txt\n")
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    build: .\n    volumes: ['.:/code']\n"
        "  worker:\n    build: other\n    volumes: ['./other:/code']\n")
    assert run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}) == []


@pytest.mark.parametrize(("name", "text", "origin"), [
    ("justfile", "test:\n    pytest\n", "just recipe 'test'"),
    ("Taskfile.yml", "version: '3'\ntasks:\n  test:\n    cmds:\n      - pytest\n", "task 'test'"),
])
def test_justfile_and_taskfile_commands_are_judged_too(tmp_path: Path, name: str, text: str, origin: str) -> None:
    root = web_and_worker(tmp_path)
    (root / name).write_text(text)
    [finding] = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.message == (f"'pytest' ({origin}) needs 'doctor-absent-package', which the host lacks: "
                               "run it in 'web'")


def test_a_taskfile_tasks_dir_is_where_its_commands_run(tmp_path: Path) -> None:
    """`dir: backend` (relative to the Taskfile): `pytest` runs in backend/, which only 'backend' holds."""
    project = make_project(tmp_path)
    (project / "Makefile").unlink()
    (project / "Taskfile.yml").write_text("version: '3'\ntasks:\n  test:\n    dir: backend\n    cmds: [pytest -x]\n")
    [finding] = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.subject == "backend:pytest -x" and finding.location is not None
    assert finding.location.path.name == "Taskfile.yml" and finding.location.line == 5


def test_the_script_the_service_itself_runs_is_not_advised(tmp_path: Path) -> None:
    """nickjj/docker-node-example: the service runs `yarn watch-${NODE_ENV}`; its package.json
    watch scripts are what `up` starts, and `run --rm web node ./src/server` would start a second,
    port-less server. Its test script still belongs in the service."""
    root = tmp_path / "node"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({
        "dependencies": {"doctor-absent": "1"}, "devDependencies": {"vitest": "1"},
        "scripts": {"watch-development": "node --watch src/server.js", "watch-production": "node src/server.js",
                    "start": "node src/server.js", "test": "vitest run"}}))
    (root / "Dockerfile").write_text("FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\n"
                                     'CMD ["npm", "start"]\n')
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n"
                                       "    command: yarn watch-${NODE_ENV:-production}\n"
                                       "    volumes: ['.:/app', '/app/node_modules']\n")
    # compose interpolates the command: `yarn watch-production` runs `node src/server.js`, as `start`
    # does; with NODE_ENV=development (a .env) it runs watch-development: neither is advised
    findings = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert [f.subject for f in findings] == ["web:vitest run"]
    findings = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "NODE_ENV": "development"})
    assert [f.subject for f in findings] == ["web:vitest run"]
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n"
                                       "    volumes: ['.:/app', '/app/node_modules']\n")
    findings = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})  # the image's CMD: npm start
    assert [f.subject for f in findings] == ["web:node --watch src/server.js", "web:vitest run"]



def test_the_script_the_service_runs_with_more_options_is_not_advised(tmp_path: Path) -> None:
    """awesome-compose/angular: the image's CMD is `ng serve --host 0.0.0.0` and the `start`
    script `ng serve`: `run --rm web npm run start` would start a second dev server. `ng build`
    (another subcommand) is still advised; a one-word command is never taken as a prefix."""
    root = tmp_path / "angular"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({
        "dependencies": {"doctor-absent": "1"}, "devDependencies": {"@angular/cli": "13"},
        "scripts": {"start": "ng serve", "build": "ng build", "test": "ng"}}))
    (root / "Dockerfile").write_text("FROM node:17\nWORKDIR /project\nCOPY package.json ./\nRUN npm ci\nCOPY . .\n"
                                     'CMD ["ng", "serve", "--host", "0.0.0.0"]\n')
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n"
                                       "    volumes: ['.:/project', '/project/node_modules']\n")
    findings = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert [f.subject for f in findings] == ["web:ng build", "web:ng"]

def test_a_requirements_file_that_only_includes_others_names_their_packages(tmp_path: Path) -> None:
    """wagtail/bakerydemo: requirements.txt is `-r requirements/production.txt`, which includes
    base.txt; the image installs them. Read as it was, it named no package: no finding."""
    from doctor.project.manifests import read_manifests

    root = tmp_path / "bakery"
    (root / "requirements").mkdir(parents=True)
    (root / "requirements.txt").write_text("-r requirements/production.txt\n")
    (root / "requirements" / "production.txt").write_text("--requirement=base.txt\n-c constraints.txt\ngunicorn\n")
    (root / "requirements" / "base.txt").write_text("-r production.txt  # a cycle is read once\ndoctor-absent==1\n")
    (root / "requirements" / "constraints.txt").write_text("doctor-constrained==1\n")
    [manifest] = read_manifests(root)
    assert [(r.name, r.location.path.name, r.location.line) for r in manifest.requirements] == [
        ("doctor-absent", "base.txt", 2), ("gunicorn", "production.txt", 3)]
    (root / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY requirements/ /requirements/\n"
                                     "RUN pip install -r /requirements/production.txt\nWORKDIR /code\nCOPY . .\n")
    (root / "compose.yaml").write_text("services:\n  app:\n    build: .\n"
                                       "    volumes: ['./bakerydemo:/code/bakerydemo']\n")
    (root / "bakerydemo").mkdir()
    (root / "Makefile").write_text("test:\n\tpython manage.py test\n")
    [finding] = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.message.startswith("'python' (make target 'test') needs 'doctor-absent'"), finding.message


def test_code_only_watch_synced_is_rebuilt_for_a_run(tmp_path: Path) -> None:
    """full-stack-fastapi-template syncs backend/ with develop.watch: the container `up` started
    gets the edits, a `docker compose run` one does not (no sync reaches it): run --build."""
    from doctor.project.command_home import compose_argv, home_for
    from doctor.project.service_home import service_homes

    project_dir = make_project(tmp_path)
    (project_dir / "compose.yaml").write_text(
        "services:\n  backend:\n    build: ./backend\n    command: [sleep, '300']\n"
        "    develop:\n      watch:\n        - {action: sync, path: ./backend, target: /app}\n")
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}
    findings = run(project_dir, env)
    pytest_finding = next(f for f in findings if f.subject == "backend:pytest -x")
    assert pytest_finding.fix is not None
    assert pytest_finding.fix.title.endswith("(use 'run --build --rm' instead of 'exec' if it is not up)")
    project = Project(ProjectOptions(path=project_dir, env=env))
    home = home_for(service_homes(project, Host(env=env).packages), project_dir / "backend")
    assert home is not None and home.live and not home.bound
    argv = compose_argv(project, "run", home, project_dir / "backend", ["pytest"], tty=True)
    assert argv[argv.index("run"):] == ["run", "--build", "--rm", "backend", "pytest"]


def test_an_image_of_another_runtime_is_no_home_for_node_scripts(tmp_path: Path) -> None:
    """BookStack: `app` builds FROM php:8.3-apache and mounts the repo, whose package.json belongs
    to its `node` service (an image, no build). Counted as installing it (its Dockerfile names no
    npm), every npm script went to 'app', which has no node: 13 false warnings on the project."""
    root = tmp_path / "bookstack"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"scripts": {"test": "jest"}, "dependencies": {"doctor-absent": "1"},
                                                   "devDependencies": {"jest": "29"}}))
    (root / "Dockerfile").write_text("FROM php:8.3-apache\nWORKDIR /app\n")
    (root / "compose.yaml").write_text("services:\n  app:\n    build: .\n    volumes: ['./:/app']\n")
    assert run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE}) == []
    # the same base with node brought in (a stage copied, or installed): the scripts are its
    (root / "Dockerfile").write_text("FROM php:8.3-apache\nCOPY --from=node:22 /usr/local/bin/node /usr/local/bin/\n"
                                     "WORKDIR /app\n")
    assert [f.subject for f in run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})] == ["app:jest"]


def test_a_runtime_image_is_no_home_for_the_other_languages_commands(tmp_path: Path) -> None:
    """django-react-boilerplate builds `frontend` (FROM node, `pnpm install`) and `backend` (FROM
    python, `poetry install`) from the repo's root, which holds both pyproject.toml and
    package.json: `frontend` counted as a Python home (its Dockerfile names no pip), so a Makefile's
    `python backend/manage.py test` went to the node container, and with `backend` counted as a
    Node home too, the npm scripts had no single home and most were not advised."""
    root = tmp_path / "drb"
    (root / "frontend").mkdir(parents=True)
    (root / "backend").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "drb"\nversion = "0"\n'
                                         'dependencies = ["doctor-absent-django"]\n')
    (root / "package.json").write_text(json.dumps({"scripts": {"lint": "eslint ."},
                                                   "dependencies": {"doctor-absent": "1"},
                                                   "devDependencies": {"eslint": "9"}}))
    (root / "frontend" / "Dockerfile").write_text(
        "FROM node:22-alpine\nWORKDIR /app/\nADD package.json /app/\nRUN pnpm install\nADD . /app/\n")
    (root / "backend" / "Dockerfile").write_text(
        "FROM python:3.12-slim\nCOPY pyproject.toml /home/user/app/\nWORKDIR /home/user/app/\n"
        "RUN pip install poetry && poetry install --no-root\nCOPY backend/ /home/user/app/backend\n")
    (root / "compose.yaml").write_text(
        "services:\n  frontend:\n    build: {context: ., dockerfile: frontend/Dockerfile}\n    volumes: ['.:/app/']\n"
        "  backend:\n    build: {context: ., dockerfile: backend/Dockerfile}\n    volumes: ['./:/home/user/app/']\n")
    (root / "Makefile").write_text("test:\n\tpython backend/manage.py test\n")
    findings = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    by_file = {f.location.path.name: f.subject for f in findings if f.location is not None}
    assert (by_file["Makefile"], by_file["package.json"]) == ("backend:python backend/manage.py test",
                                                             "frontend:eslint .")


def test_what_a_sibling_service_runs_is_not_advised_either(tmp_path: Path) -> None:
    """docker-rails-example: `js` runs `yarn build`, `css` runs `yarn build:css` (a tailwind
    watcher), both built alike; a Makefile's `yarn build:css` went to 'js' as a second watcher."""
    root = tmp_path / "rails"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"scripts": {"build": "esbuild app.js", "build:css": "tailwindcss",
                                                               "lint": "eslint ."},
                                                   "dependencies": {"doctor-absent": "1"}}))
    (root / "Dockerfile").write_text("FROM node:22\nWORKDIR /app\nCOPY package.json .\nRUN yarn install\nCOPY . .\n")
    (root / "compose.yaml").write_text(
        "x-assets: &assets\n  build: .\n  volumes: ['.:/app']\nservices:\n"
        "  js:\n    <<: *assets\n    command: yarn build\n  css:\n    <<: *assets\n    command: yarn build:css\n")
    (root / "Makefile").write_text("css:\n\tyarn build:css\n\nlint:\n\tyarn lint\n")
    findings = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert [f.subject for f in findings if f.location and f.location.path.name == "Makefile"] == ["js:yarn lint"]


def test_a_package_json_script_is_advised_by_its_name_through_the_projects_package_manager(tmp_path: Path) -> None:
    """pypi/warehouse: `run --rm static webpack` would not find webpack (the node image puts no
    node_modules/.bin on PATH) and dropped a script's prefix (`NODE_OPTIONS=... jest`); each part
    of a script (`a && b`) was advised apart. The script by its name does all of it."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "package.json").write_text(json.dumps(
        {"scripts": {"build": "webpack && webpack --mode production"}, "dependencies": {"jquery": "3"},
         "devDependencies": {"webpack": "5"}}, indent=2))
    (project / "yarn.lock").write_text("")
    (project / "Dockerfile").write_text("FROM node:22\nWORKDIR /opt/src\nCOPY package.json yarn.lock ./\n"
                                        "RUN yarn install\n")
    (project / "compose.yaml").write_text(
        "services:\n  static:\n    build: .\n    command: [yarn, run, watch]\n    volumes:\n      - .:/opt/src\n")
    [finding] = run(project, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.fix is not None
    assert finding.fix.command[-4:] == ("static", "yarn", "run", "build")
    assert "-w" not in finding.fix.command  # the package.json folder is the image's WORKDIR


def test_a_path_the_dockerignore_keeps_out_of_the_image_is_mounted_by_the_run(tmp_path: Path) -> None:
    """testdrivenio/flask-celery-like: `COPY . .`, tests/ in .dockerignore, no bind mount: `run --build
    --rm web pytest tests` found no tests in the container. The run mounts the folder."""
    from doctor.report.console import _shown_command

    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "requirements.txt").write_text("doctor-absent-celery==5.3\n")
    (root / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                                     "RUN pip install -r requirements.txt\nCOPY . .\n")
    (root / ".dockerignore").write_text("tests/\n")
    (root / "app" / "__init__.py").write_text("import celery\n")
    (root / "tests" / "test_x.py").write_text("def test_x():\n    assert True\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (root / "Makefile").write_text("test:\n\tpytest tests\n")
    [finding] = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.fix is not None
    command = finding.fix.command
    assert command[command.index("run"):] == ("run", "--build", "--rm", "-v", f"{root.resolve()}/tests:/app/tests",
                                              "web", "pytest", "tests")
    assert "'docker compose run --build --rm -v ./tests:/app/tests web pytest tests'" in finding.fix.title
    # shown from the project folder, the volume keeps its `./` (a bare `tests:` names a volume)
    assert "-v ./tests:/app/tests" in _shown_command(command, root.resolve())
    (root / ".dockerignore").write_text("*.pyc\n")  # in the image: run as before
    [finding] = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.fix is not None and "-v" not in finding.fix.command


@pytest.mark.parametrize(("install", "lacks"), [
    ("pip install -r requirements.txt", True),
    ("pip install -r requirements.txt -r requirements-dev.txt", False),
    ("pip install uv && uv sync --frozen", False),  # uv installs the dev group by default
    ("pip install -r requirements.txt pytest", False),
])
def test_a_tool_only_a_dev_listing_names_is_not_in_the_image_either(tmp_path: Path, install: str, lacks: bool) -> None:
    """CTFd: the image installs requirements.txt (`uv export --no-dev`), pytest is in pyproject's
    dev group: `docker compose run ctfd pytest` would say `pytest: not found` too."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "requirements.txt").write_text("doctor-absent-flask==3.0\n")
    (root / "requirements-dev.txt").write_text("pytest==8.4\n")
    (root / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["doctor-absent-flask"]\n'
                                         '[dependency-groups]\ndev = ["pytest==8.4.2", "pytest-cov"]\n')
    (root / "Dockerfile").write_text(f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN {install}\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n")
    (root / "Makefile").write_text("test:\n\tpytest -x\n")
    [finding] = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert ("its image does not install 'pytest' either" in finding.message) is lacks, finding.message
    assert finding.fix is not None and finding.fix.title.startswith("install 'pytest' in the image") is lacks


def test_a_run_puts_a_volume_over_node_modules_a_bind_hides(tmp_path: Path) -> None:
    """hagopj13/node-express-boilerplate's dev compose binds `.:/usr/src/node-app` over the image's
    node_modules (volume-shadowing reports it): `run --rm node-app yarn run test` ended in `jest: not
    found` on a host without node_modules. An anonymous volume there is filled from the image when
    created (seen on the engine: `run -v /usr/src/app/node_modules` under a bind of /usr/src/app)."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"scripts": {"test": "jest"}, "dependencies": {"bcryptjs": "2"},
                                                   "devDependencies": {"jest": "29"}}))
    (root / "Dockerfile").write_text("FROM node:20-alpine\nWORKDIR /usr/src/node-app\nCOPY package.json ./\n"
                                     "RUN yarn install --pure-lockfile\nCOPY . .\n")
    (root / "compose.yaml").write_text("services:\n  node-app:\n    build: .\n    command: yarn dev\n"
                                       "    volumes:\n      - .:/usr/src/node-app\n")
    [finding] = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.fix is not None
    command = finding.fix.command
    assert command[command.index("run"):] == ("run", "--rm", "-v", "/usr/src/node-app/node_modules", "node-app",
                                              "npm", "run", "test")
    (root / "compose.yaml").write_text("services:\n  node-app:\n    build: .\n    command: yarn dev\n"
                                       "    volumes:\n      - .:/usr/src/node-app\n"
                                       "      - /usr/src/node-app/node_modules\n")
    [finding] = run(root, {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE})
    assert finding.fix is not None and "-v" not in finding.fix.command


def test_a_volume_of_the_current_folder_is_shown_as_dot(tmp_path: Path) -> None:
    """root-owned-files' chown through the engine mounts the project (`-v /src/app:/w`): run from the project,
    the console showed `-v ../app:/w` (the word `app:` is no folder below it, so it went up to the parent)."""
    from doctor.report.console import _shown_command

    root = (tmp_path / "app").resolve()
    root.mkdir()
    command = ("docker", "run", "--rm", "-v", f"{root}:/w", "img", "chown", "-hR", "1000:1000", "/w/x")
    assert "-v .:/w img" in _shown_command(command, root)
    assert "-v ./app:/w img" in _shown_command(command, root.parent)
    assert "-v ./sub:/w img" in _shown_command(("docker", "run", "-v", f"{root}/sub:/w", "img"), root)
    assert "-v ../sub:/w img" in _shown_command(("docker", "run", "-v", f"{root}/sub:/w", "img"), root / "other")
