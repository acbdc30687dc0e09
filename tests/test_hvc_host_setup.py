"""host-vs-container: a recipe that sets up the host is never advised into a container.

uktrade/data-hub-api's `setup-flake8-hook` (`python3 -m venv env`, then `. env/bin/activate && pip install
pre-commit && pre-commit install && git config ...`), its `.python-version` 3.12.8 not installed under
pyenv: preflight advised `docker compose run --rm api python3 -m venv env` and `... pre-commit install`,
which would create ./env root-owned through the bind mount, with hooks running the container's Python.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer
from test_host_vs_container import fake_pyenv

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions
from doctor.project.command_roles import sets_up_host

SETUP_HOOK = ("setup-hook:\n\tpython3 -m venv env\n"
              "\t. env/bin/activate && pip install pre-commit && pre-commit install\n")


def data_hub(tmp_path: Path, makefile: str) -> Path:
    project = tmp_path / "data-hub-api"
    project.mkdir()
    (project / ".python-version").write_text("3.12.8\n")
    (project / "Dockerfile").write_text("FROM python:3.12.8\nWORKDIR /app\nADD requirements-dev.txt .\n"
                                        "RUN pip install -r requirements-dev.txt\nADD . /app/\n")
    (project / "requirements-dev.txt").write_text("pre-commit\n")
    (project / "compose.yaml").write_text('services:\n  api:\n    build: .\n    volumes: [".:/app"]\n')
    (project / "Makefile").write_text(makefile)
    return project


def run(project: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def test_a_recipe_creating_a_venv_is_the_hosts_and_the_fix_is_the_pinned_python(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = fake_pyenv(tmp_path, {"3.11.4": ()})
    found = run(data_hub(tmp_path, SETUP_HOOK), env, monkeypatch)
    assert len(found) == 1  # one for the recipe, not one for python3 and another for pre-commit
    [finding] = found
    assert finding.location is not None and finding.location.line == 2
    assert finding.message == ("'python3' (make target 'setup-hook') cannot start on the host (pyenv version "
                               "'3.12.8', set by .python-version, is not installed); the recipe creates a "
                               "virtualenv: it sets up the host, not a container")
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
    assert finding.fix.command == ("pyenv", "install", "3.12.8")
    assert "docker" not in finding.fix.title and "run --rm" not in finding.fix.title
    # the command follows the title on the fix line: the title does not say it again
    assert finding.fix.title == "install the pinned Python 3.12.8 on the host"


def test_a_recipe_installing_git_hooks_is_the_hosts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = fake_pyenv(tmp_path, {"3.11.4": ()})
    makefile = "hooks:\n\tpre-commit install\n\nlint:\n\tpre-commit run --all-files\n"
    found = run(data_hub(tmp_path, makefile), env, monkeypatch)
    # `pre-commit run` is no setup: still advised into 'api' (the host cannot start it)
    assert [(f.location.line if f.location else 0, f.fix.command[:1] if f.fix else ()) for f in found] == [
        (2, ("pyenv",)), (5, ("docker",))]


def test_a_host_setup_recipe_whose_python_starts_is_not_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = fake_pyenv(tmp_path, {"3.12.8": ()})  # the pin is installed; it lacks pre-commit, which the venv gets
    assert run(data_hub(tmp_path, SETUP_HOOK), env, monkeypatch) == []


@pytest.mark.parametrize(("line", "expected"), [
    ("python3 -m venv env", "creates a virtualenv"),
    ("virtualenv .venv", "creates a virtualenv"),
    ("uv venv", "creates a virtualenv"),
    ("source .venv/bin/activate", "activates a virtualenv"),
    ("pre-commit install", "installs git hooks"),
    ("cp scripts/pre-push .git/hooks/pre-push", "installs git hooks"),
    ("git config --bool flake8.strict true", "sets git config"),
    ("husky install", "installs git hooks"),
    ("husky", "installs git hooks"),
    ("lefthook install", "installs git hooks"),
    ("simple-git-hooks", "installs git hooks"),
    ("husky add .husky/pre-commit", None),
    ("lefthook run pre-commit", None),
    ("pre-commit run --all-files", None),
    ("python3 -m pytest", None),
    ("git status", None),
])
def test_what_sets_up_the_host(line: str, expected: str | None) -> None:
    tool, *arguments = line.split()
    assert sets_up_host(tool, arguments) == expected


def test_doctor_exec_make_runs_a_host_setup_recipe_here(tmp_path: Path) -> None:
    """`doctor exec -- make setup-hook` follows the same rule: every line of the recipe belongs here."""
    from doctor.project.make_targets import make_plan
    from doctor.project.service_home import service_homes

    env = fake_pyenv(tmp_path, {"3.11.4": ()})
    root = data_hub(tmp_path, SETUP_HOOK + "\nlint:\n\tpre-commit run --all-files\n")
    project = Project(ProjectOptions(path=root, env=env))
    homes = service_homes(project, Host(env=env).packages)
    plan = make_plan(project, homes, ["setup-hook"], root)
    assert plan is not None and [(line.line, line.home, line.here) for line in plan.lines] == [
        (2, None, True), (3, None, True)]
    plan = make_plan(project, homes, ["lint"], root)
    assert plan is not None and [line.home.service if line.home else None for line in plan.lines] == ["api"]


def test_a_package_json_script_installing_git_hooks_is_the_hosts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """hagopj13/node-express-boilerplate: `"prepare": "husky install"` (package.json:27) was advised as
    `docker compose run --rm -v /usr/src/node-app/node_modules node-app yarn run prepare`, a container
    (node:alpine, no git) setting up the checkout's git hooks through the bind mount; it is the host's,
    like a recipe's `pre-commit install`. Its `yarn test` (jest) still belongs in 'node-app'."""
    import shutil

    root = tmp_path / "proj"
    shutil.copytree(Path(__file__).parent / "replay" / "node-express-boilerplate", root,
                    ignore=shutil.ignore_patterns("SOURCE.md"))
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
           "HOME": str(tmp_path)}
    found = {(f.location.path.name, f.location.line) for f in run(root, env, monkeypatch) if f.location is not None}
    assert ("package.json", 16) in found and ("package.json", 27) not in found
