"""`doctor exec` with a program of a runtime doctor reads no packages of: it runs in an image of that runtime.

nickjj/docker-phoenix-example (tests/replay/docker-phoenix-example): `doctor exec -- mix test` from the
checkout said "running 'mix' in service 'js' (run; its code is in 'js', ...)" and built the asset
watcher's `node:22` image to run mix in it, which has none; 'web' builds the Dockerfile's `dev` stage
on `elixir:1.18.4-slim` and binds the same `.:/app` (the project's own `./run test` uses web).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_execute import fake_docker

import doctor.execute
from doctor.execute import placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "docker-phoenix-example"


def _placed(tmp_path: Path, argv: list[str], cwd: str = ".", path: str = "/usr/bin:/bin") -> str | None:
    root = tmp_path / "phoenix"
    if not root.exists():
        shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
        shutil.copyfile(root / ".env.example", root / ".env")  # the README's `cp .env.example .env`
    env = {"PATH": path, "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(argv, root / cwd, Project(ProjectOptions(path=root, env=env)), host)
    return home.service if home is not None else None


@pytest.mark.parametrize("argv", [["mix", "test"], ["iex", "-S", "mix"], ["mix", "format", "--check-formatted"]])
def test_a_mix_command_goes_to_the_elixir_service_not_the_node_asset_watcher(tmp_path: Path, argv: list[str]) -> None:
    assert _placed(tmp_path, argv) == "web"


def test_a_node_program_of_the_assets_stays_with_the_asset_watcher(tmp_path: Path) -> None:
    assert _placed(tmp_path, ["yarn", "build"], "assets") in ("js", "css")


def test_mix_on_this_machines_path_runs_here(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "mix").write_text("#!/bin/sh\n")
    os.chmod(tools / "mix", 0o755)
    assert _placed(tmp_path, ["mix", "test"], path=f"{tools}:/usr/bin:/bin") is None


def test_a_program_of_a_runtime_no_service_runs_stays_here(tmp_path: Path) -> None:
    assert _placed(tmp_path, ["bundle", "exec", "rspec"]) is None  # no ruby image in a Phoenix app


def _executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> list[str]:
    """The compose command `doctor exec -- ARGV` runs from the phoenix checkout (a fake docker; 'web' is up)."""
    root = tmp_path / "phoenix"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    monkeypatch.chdir(root)
    assert doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host) == 0
    return record.read_text().splitlines()


def test_mix_test_runs_in_the_test_environment_the_env_file_overrides(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """.env's `export MIX_ENV=dev` reaches 'web' (env_file: .env): with it set, Mix runs `mix test` in dev
    (Mix.Tasks.Test refuses another environment only where MIX_ENV is unset), against config/dev.exs;
    the project's own `./run test` passes `-e MIX_ENV=test`, and so does doctor, saying so."""
    argv = _executed(tmp_path, monkeypatch, ["mix", "test", "test/hello_web"])
    said = capfd.readouterr().err
    assert argv[argv.index("exec"):] == ["exec", "-e", "MIX_ENV=test", "-T", "web", "mix", "test", "test/hello_web"]
    assert "in service 'web' (exec;" in said and (
        "with MIX_ENV=test: the service's environment sets MIX_ENV=dev (.env:38), which `mix test` would run in "
        "instead of its test environment") in said, said


@pytest.mark.parametrize("argv", [["mix", "format"], ["iex", "-S", "mix"], ["mix", "deps.get"]])
def test_other_mix_tasks_keep_the_services_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], argv: list[str]) -> None:
    ran = _executed(tmp_path, monkeypatch, argv)
    assert "-e" not in ran and "MIX_ENV" not in capfd.readouterr().err


MINIFLUX = Path(__file__).parent / "replay" / "miniflux-devcontainer"


def _placed_miniflux(tmp_path: Path, argv: list[str], cwd: str, compose_edit: tuple[str, str] = ("", "")) -> str | None:
    """Where `argv` run in `cwd` (of the checkout) goes, the project being miniflux's .devcontainer."""
    root = tmp_path / "miniflux"
    shutil.copytree(MINIFLUX, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / "internal").mkdir()
    compose = root / ".devcontainer" / "docker-compose.yml"
    compose.write_text(compose.read_text().replace(*compose_edit))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    project = Project(ProjectOptions(path=root / ".devcontainer", env=env))
    home, _ = placement(argv, root / cwd, project, host)
    return None if home is None else f"{home.service} {home.container_path(root / cwd)}"


@pytest.mark.parametrize("cwd", [".", "internal"])
def test_go_test_goes_to_the_devcontainer_image_that_binds_the_checkout(tmp_path: Path, cwd: str) -> None:
    """miniflux's 'app' builds nothing (`image: mcr.microsoft.com/devcontainers/go:1-trixie`) and binds
    `..:/workspace`: `go test` ran on this machine, which has no go."""
    assert _placed_miniflux(tmp_path, ["go", "test", "./..."], cwd) == (
        "app /workspace" if cwd == "." else "app /workspace/internal")


@pytest.mark.parametrize("image", ["mcr.microsoft.com/devcontainers/python:3.12", "postgres:latest",
                                   "mcr.microsoft.com/devcontainers/base:trixie"])
def test_an_image_of_no_go_runtime_is_no_home_of_go(tmp_path: Path, image: str) -> None:
    assert _placed_miniflux(tmp_path, ["go", "test"], ".",
                            ("mcr.microsoft.com/devcontainers/go:1-trixie", image)) is None


def test_an_image_that_binds_no_code_of_the_folder_is_no_home(tmp_path: Path) -> None:
    assert _placed_miniflux(tmp_path, ["go", "test"], ".", ("..:/workspace:cached", "../internal:/src")) is None


@pytest.mark.parametrize(("words", "served"), [
    (["./gradlew", "bootRun"], True),
    (["./gradlew", ":app:bootRun"], True),  # a subproject's task by its path: a multi-project build's server
    (["gradle", "service:api:bootRun", "--args=--server.port=8081"], True),
    (["./gradlew", ":app:test"], False),
    (["mvn", "spring-boot:run"], True),
    (["mvn", "dependency:run"], False),
])
def test_a_gradle_task_by_its_project_path_is_judged_by_its_name(words: list[str], served: bool) -> None:
    from doctor.project.toolchains import runtime_server

    assert runtime_server(words) is served


@pytest.mark.parametrize("command", ['bash -c "rails server -b 0.0.0.0"', "sh -c 'bundle exec sidekiq'",
                                     '["sh", "-c", "rails s"]'])
def test_a_quoted_shell_text_names_its_program_as_the_shell_splits_it(tmp_path: Path, command: str) -> None:
    """starts_runtime split compose's command string at blanks, so `bash -c "rails server"` gave the word `"rails`
    (a quote and all), no program of Ruby's; it reads the words a shell would (service_start.started_words)."""
    from doctor.project.toolchains import starts_runtime

    (tmp_path / "compose.yaml").write_text(f"services:\n  web:\n    image: ruby:3.3\n    command: {command}\n"
                                           "  assets:\n    image: ruby:3.3\n    command: yarn build --watch\n")
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin"}))
    assert starts_runtime(project, project.services["web"], "ruby")
    assert not starts_runtime(project, project.services["assets"], "ruby")
