"""host-vs-container: advice that works for an install target and a server target.

django/djangoproject.com's Makefile: `install: python -m pip install --requirement requirements/dev.txt`
was advised as `docker compose run --rm web python -m pip install ...` (it installs into a container that
`--rm` deletes: installing is the host's setup), and `run: python -m manage runserver 0.0.0.0:8000` as
`docker compose run --rm web ...`, which publishes no port: the server is never reached from the host.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.command_roles import installs_packages, listening_port, serves

MAKEFILE = """\
install:
\tpython -m pip install --requirement requirements/dev.txt

run:
\tpython -m manage runserver 0.0.0.0:8000

test:
\tpython -m manage test
"""


def djangoproject(tmp_path: Path, ports: str = "    ports:\n      - 8000:8000\n") -> Path:
    project = tmp_path / "djangoproject.com"
    project.mkdir()
    (project / "Makefile").write_text(MAKEFILE)
    (project / "requirements.txt").write_text("doctor-absent-django\n")
    (project / "Dockerfile").write_text(
        "FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        "COPY . .\n")
    (project / "docker-compose.yml").write_text(
        f"services:\n  web:\n    build: .\n    command: python manage.py runserver 0.0.0.0:8000\n{ports}"
        "    volumes:\n      - .:/usr/src/app/\n")
    return project


def findings(project: Path, monkeypatch: pytest.MonkeyPatch, running: bool | None = False) -> dict[int, Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: running)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
           "HOME": str(project.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    found = HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host)
    return {f.location.line: f for f in found if f.location and f.location.line}


def typed(finding: Finding) -> list[str]:
    assert finding.fix is not None
    argv = list(finding.fix.command)
    return argv[argv.index("run"):]


def test_an_install_target_is_not_advised_and_a_server_publishes_its_ports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(djangoproject(tmp_path), monkeypatch)
    assert sorted(found) == [5, 8]  # not Makefile:2's pip install
    assert typed(found[5]) == ["run", "--rm", "--service-ports", "web", "python", "-m", "manage", "runserver",
                               "0.0.0.0:8000"]
    assert typed(found[8]) == ["run", "--rm", "web", "python", "-m", "manage", "test"]


def test_a_server_of_a_service_without_ports_publishes_the_port_it_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(djangoproject(tmp_path, ports=""), monkeypatch)
    assert typed(found[5])[:5] == ["run", "--rm", "-p", "8000:8000", "web"]


def test_a_server_is_never_exec_into_the_running_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(djangoproject(tmp_path), monkeypatch, running=True)
    assert typed(found[5])[:4] == ["run", "--rm", "--service-ports", "web"]
    assert found[5].fix is not None and "stop 'web' first" in found[5].fix.title
    other = found[8].fix
    assert other is not None and "exec" in other.command  # not a server: into the running service


@pytest.mark.parametrize(("words", "installs"), [
    (["python", "-m", "pip", "install", "--requirement", "requirements/dev.txt"], True),
    (["pip3", "install", "-r", "r.txt"], True), (["uv", "pip", "install", "x"], True), (["uv", "sync"], True),
    (["npm", "ci"], True), (["yarn"], True), (["poetry", "install"], True),
    (["pip", "freeze"], False), (["npm", "run", "build"], False), (["python", "-m", "pytest"], False),
])
def test_installers(words: list[str], installs: bool) -> None:
    assert installs_packages(words[0], words[1:]) is installs


@pytest.mark.parametrize(("words", "server"), [
    (["python", "-m", "manage", "runserver", "0.0.0.0:8000"], True), (["uvicorn", "app:app", "--reload"], True),
    (["flask", "run", "--port", "5000"], True), (["./manage.py", "runserver"], True), (["vite"], True),
    (["python", "-m", "manage", "test"], False), (["flask", "db", "upgrade"], False), (["vite", "build"], False),
    (["python3", "-m", "http.server", "8000"], True), (["vite", "--port", "5173"], True),
    (["npx", "vite", "--host", "0.0.0.0"], True), (["vite", "--mode", "staging", "build"], False),
])
def test_servers(words: list[str], server: bool) -> None:
    assert serves(words) is server


def flagsmith_frontend(tmp_path: Path) -> Path:
    """Flagsmith's frontend: a dev server started through a package.json script (`npm run dev`)."""
    project = tmp_path / "frontend"
    project.mkdir()
    (project / "Dockerfile").write_text("FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\n")
    (project / "Makefile").write_text(
        "serve:\n\tnpm run dev\nbuild:\n\tnpm run build\nvite:\n\tnpx vite --host 0.0.0.0\n")
    (project / "compose.yaml").write_text(
        "services:\n  frontend:\n    build: .\n    ports:\n      - '3000:3000'\n    command: ['bash', '-l']\n")
    (project / "package.json").write_text(
        '{"name": "x", "scripts": {"dev": "vite", "build": "vite build", "start": "npm run dev"},\n'
        ' "dependencies": {"react": "18.3.1", "vite": "5.0.0"}}\n')
    return project


def test_a_package_json_script_that_starts_a_server_is_run_with_the_service_ports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(flagsmith_frontend(tmp_path), monkeypatch)
    assert typed(found[2]) == ["run", "--build", "--rm", "--service-ports", "frontend", "npm", "run", "dev"]
    assert "--service-ports" not in typed(found[4])  # `vite build` serves nothing
    assert "--service-ports" in typed(found[6])


@pytest.mark.parametrize(("words", "server"), [
    (["npm", "run", "dev"], True), (["npm", "start"], True), (["yarn", "dev"], True), (["pnpm", "run", "dev"], True),
    (["pnpm", "dev", "--", "--host"], True), (["bun", "run", "dev"], True),
    (["npm", "run", "build"], False), (["npm", "test"], False), (["yarn", "install"], False), (["npm", "ci"], False),
    (["npm", "run", "lint"], False), (["npm", "run", "absent"], False),
])
def test_a_package_manager_serves_where_the_script_it_runs_does(words: list[str], server: bool, tmp_path: Path) -> None:
    from doctor.project.command_roles import PackageScripts
    from doctor.project.tasks import CommandKind

    project = flagsmith_frontend(tmp_path)
    (project / "package.json").write_text(
        '{"scripts": {"dev": "rspack serve", "start": "npm run dev", "build": "next build",'
        ' "test": "jest", "lint": "eslint . && next lint"}}\n')
    loaded = Project(ProjectOptions(path=project, env={"PATH": os.environ["PATH"]}))
    assert {c.name for c in loaded.commands if c.kind is CommandKind.NPM and c.name} >= {"dev", "start"}
    scripts = PackageScripts(loaded.commands, loaded.root)
    assert serves(words, scripts, project / "src") is server  # npm finds the package.json above the folder
    assert serves(words) is False  # without the scripts, a package manager serves nothing


def test_the_port_a_server_names() -> None:
    assert listening_port("python -m manage runserver 0.0.0.0:8000") == 8000
    assert listening_port("flask run --port 5000") == 5000
    assert listening_port("uvicorn app:app --reload") is None


def test_a_read_only_bind_of_the_commands_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CTFd/CTFd mounts `.:/opt/CTFd:ro`; `make test` (`pytest --cov-report=xml`) advised as a `run`
    writes coverage.xml into that mount and fails: the advice says the mount is read-only."""
    project = djangoproject(tmp_path, ports="")
    compose = project / "docker-compose.yml"
    compose.write_text(compose.read_text().replace(".:/usr/src/app/", ".:/usr/src/app/:ro"))
    title = findings(project, monkeypatch)[8].fix.title  # type: ignore[union-attr]
    assert title.endswith("('web' mounts . read-only: what the command writes there, a report or a cache, fails)")
    compose.write_text(compose.read_text().replace(":ro", ""))
    assert "read-only" not in findings(project, monkeypatch)[8].fix.title  # type: ignore[union-attr]
