"""host-vs-container and `doctor exec -- make TARGET` with a Ruby or Elixir recipe where the host has no Ruby or
Elixir: nickjj/docker-rails-example and docker-phoenix-example (tests/replay/), whose gems and mix live only in
the `web` image, with the Makefile a developer adds beside them (`test: bundle exec rails test`, `mix test`).

Preflight said nothing (it read no package of Ruby or Elixir, so no service was the command's home) and `doctor
exec -- make test` ran make here, where `bundle` is not found. Now the recipe's program goes to the service on
its runtime that starts it ('web': `rails s`, `mix phx.server`; not the asset watcher 'js' on the same ruby image),
with `-e RAILS_ENV=test` / `-e MIX_ENV=test` where .env's `export RAILS_ENV=development` (MIX_ENV=dev), which every
service loads, would run the tests against the development database, as the projects' own `./run test` passes it.
A host with the runtime (ruby and bundle on PATH) runs it itself: nothing is said.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer
from test_execute import fake_docker

import doctor.execute
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay"
NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"
CASES = {
    "docker-rails-example": ("bundle exec rails test", "RAILS_ENV=test", "Ruby", "bundle"),
    "docker-phoenix-example": ("mix test", "MIX_ENV=test", "Elixir", "mix"),
}


def _checkout(tmp_path: Path, name: str, makefile: bool = True) -> Path:
    root = tmp_path / name
    shutil.copytree(REPLAY / name, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")  # the README's `cp .env.example .env`
    if makefile:
        (root / "Makefile").write_text(f".PHONY: test\ntest:\n\t{CASES[name][0]}\n")
    return root


def _findings(root: Path, env: dict[str, str]) -> list[Finding]:
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_recipe_of_a_runtime_the_host_lacks_belongs_in_the_service_that_starts_it(tmp_path: Path,
                                                                                     name: str) -> None:
    root = _checkout(tmp_path, name)
    command, pinned, runtime, tool = CASES[name]
    (found,) = _findings(root, {"PATH": "/nonexistent", "HOME": str(tmp_path), "DOCKER_HOST": NO_ENGINE})
    assert found.message == (f"{tool!r} (make target 'test') needs {runtime}, which the host lacks "
                             f"(no {tool!r} on PATH): run it in 'web'")
    assert found.location is not None and found.location.path == root / "Makefile" and found.location.line == 3
    assert found.fix is not None and found.fix.command is not None
    assert found.fix.title.startswith(f"run it as 'docker compose exec -e {pinned} web {command}' (use 'run --rm'")
    assert "which `" in found.fix.title and "would run in instead of its test environment" in found.fix.title
    argv = list(found.fix.command)
    assert argv[argv.index("exec"):] == ["exec", "-e", pinned, "web", *command.split()]


def test_a_host_with_ruby_and_bundle_runs_it_itself(tmp_path: Path) -> None:
    root = _checkout(tmp_path, "docker-rails-example")
    bin_dir = tmp_path / "hostbin"
    bin_dir.mkdir()
    for program in ("ruby", "bundle"):
        (bin_dir / program).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / program).chmod(0o755)
    assert _findings(root, {"PATH": str(bin_dir), "HOME": str(tmp_path), "DOCKER_HOST": NO_ENGINE}) == []


def test_the_projects_own_run_script_drives_compose_and_is_never_advised(tmp_path: Path) -> None:
    root = _checkout(tmp_path, "docker-rails-example", makefile=False)
    assert _findings(root, {"PATH": "/nonexistent", "HOME": str(tmp_path), "DOCKER_HOST": NO_ENGINE}) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_exec_make_test_runs_the_recipe_in_web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capfd: pytest.CaptureFixture[str], name: str) -> None:
    root = _checkout(tmp_path, name)
    command, pinned, _, _ = CASES[name]
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    monkeypatch.chdir(root)
    assert doctor.execute.execute(["make", "test"], Project(ProjectOptions(path=root, env=env)), host) == 0
    ran = record.read_text().splitlines()
    assert ran[ran.index("exec"):] == ["exec", "-e", pinned, "-T", "web", *command.split()]
    assert "'make test': its recipe belongs in service 'web'" in capfd.readouterr().err


@pytest.mark.parametrize(("name", "server", "advised"), [
    ("docker-phoenix-example", "mix phx.server", "mix phx.server"),
    ("docker-rails-example", "bundle exec rails server -b 127.0.0.1", "bundle exec rails server -b 0.0.0.0"),
])
def test_a_server_is_advised_as_a_run_publishing_the_services_ports(tmp_path: Path, name: str, server: str,
                                                                    advised: str) -> None:
    """`exec` would start a second server in 'web', beside its own, on the port that one holds; one told to
    listen on localhost listens on every interface, which the published port reaches."""
    root = _checkout(tmp_path, name, makefile=False)
    (root / "Makefile").write_text(f".PHONY: run\nrun:\n\t{server}\n")
    (found,) = _findings(root, {"PATH": "/nonexistent", "HOME": str(tmp_path), "DOCKER_HOST": NO_ENGINE})
    assert found.fix is not None and found.fix.title.startswith(
        f"run it as 'docker compose run --rm --service-ports web {advised}' (stop 'web' first, ")
