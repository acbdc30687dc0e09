"""`doctor exec` with a Ruby command in nickjj/docker-rails-example (tests/replay/docker-rails-example).

Its asset watchers 'js' and 'css' build the Dockerfile's `assets` stage, on the same `ruby` image as
'web' (`app` stage), bind the checkout (`.:/app`) and hold its package.json: `doctor exec -- bundle exec
rspec`, `bin/rails db:migrate` or `bundle exec rails test` went to 'js', whose own start is `yarn build`.
They go to 'web', whose start is `rails s` (the project's `./run rails` and `./run bundle` run there).
And .env's `export RAILS_ENV=development`, which every app service loads, is what a test command would
run in (test/test_helper.rb's `ENV["RAILS_ENV"] ||= "test"` keeps a set value): against the development
database. `./run test` passes `-e RAILS_ENV=test`, and so does doctor now.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_execute import fake_docker

import doctor.execute
from doctor.execute import placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "docker-rails-example"


def _checkout(tmp_path: Path) -> Path:
    root = tmp_path / "hellorails"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")  # the README's `cp .env.example .env`
    return root


def _placed(tmp_path: Path, argv: list[str]) -> str | None:
    root = _checkout(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(argv, root, Project(ProjectOptions(path=root, env=env)), host)
    return home.service if home is not None else None


@pytest.mark.parametrize("argv", [["bundle", "exec", "rspec"], ["bin/rails", "db:migrate"], ["rails", "console"],
                                  ["bundle", "exec", "rails", "test"], ["bundle", "install"], ["rubocop"]])
def test_a_ruby_command_goes_to_the_service_running_rails_not_the_asset_watcher(
        tmp_path: Path, argv: list[str]) -> None:
    assert _placed(tmp_path, argv) == "web"


def test_the_asset_watchers_yarn_stays_there(tmp_path: Path) -> None:
    assert _placed(tmp_path, ["yarn", "build"]) in ("js", "css")


def test_the_asset_watcher_stays_where_no_service_of_its_image_runs_ruby(tmp_path: Path) -> None:
    """Where every service on the ruby image starts a node program, the command keeps the watcher it had."""
    root = _checkout(tmp_path)
    compose = root / "compose.yaml"
    text = compose.read_text().replace("bundle exec sidekiq -C config/sidekiq.yml", "yarn watch")
    text = text.replace("puma -p 28080 cable/config.ru", "yarn cable")
    compose.write_text(text.replace('    profiles: ["web"]', '    command: "yarn dev"\n    profiles: ["web"]'))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(["rails", "test"], root, Project(ProjectOptions(path=root, env=env)), host)
    assert home is not None and home.service in ("js", "css")


def _executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> list[str]:
    """The compose command `doctor exec -- ARGV` runs from the checkout (a fake docker; 'web' is up)."""
    root = _checkout(tmp_path)
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    monkeypatch.chdir(root)
    assert doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host) == 0
    return record.read_text().splitlines()


@pytest.mark.parametrize(("argv", "said"), [
    (["bundle", "exec", "rails", "test", "test/models"], "`rails test`"),
    (["bin/rails", "test:system"], "`bin/rails test:system`"),
    (["bundle", "exec", "rspec", "spec/models"], "`rspec`"),
    (["bundle", "exec", "rake", "spec"], "`rake spec`"),
])
def test_a_test_command_runs_with_rails_env_test_as_run_test_passes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
        argv: list[str], said: str) -> None:
    ran = _executed(tmp_path, monkeypatch, argv)
    err = capfd.readouterr().err
    assert ran[ran.index("exec"):] == ["exec", "-e", "RAILS_ENV=test", "-T", "web", *argv], ran
    assert "in service 'web' (exec;" in err and (
        f"with RAILS_ENV=test: the service's environment sets RAILS_ENV=development (.env:35), which {said} would "
        "run in instead of its test environment") in err, err


@pytest.mark.parametrize("argv", [["bin/rails", "db:migrate"], ["bundle", "exec", "rails", "console"],
                                  ["rails", "routes"], ["bundle", "exec", "rubocop"]])
def test_other_rails_commands_keep_the_services_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], argv: list[str]) -> None:
    ran = _executed(tmp_path, monkeypatch, argv)
    assert "-e" not in ran[ran.index("exec"):ran.index("web")] and "RAILS_ENV" not in capfd.readouterr().err


@pytest.mark.parametrize("dev", [
    "#!/usr/bin/env ruby\nexec \"./bin/rails\", \"server\", *ARGV\n",  # Rails 8
    "#!/usr/bin/env sh\nexec foreman start -f Procfile.dev \"$@\"\n",  # Rails 7, with Procfile.dev's `web: bin/rails s`
])
def test_a_service_starting_bin_dev_runs_ruby_before_the_sidekiq_worker(tmp_path: Path, dev: str) -> None:
    """`web` runs `bin/dev` (the Rails 7+ default), `worker` `bundle exec sidekiq`, both binding the checkout:
    `bin/rails db:migrate` went to 'worker', 'web' counting as starting no Ruby (a review's finding)."""
    root = _checkout(tmp_path)
    compose = root / "compose.yaml"
    text = compose.read_text()
    compose.write_text(text.replace('    profiles: ["web"]\n', '    profiles: ["web"]\n    command: "bin/dev"\n', 1))
    (root / "bin" / "dev").write_text(dev)
    (root / "Procfile.dev").write_text("web: bin/rails server -b 0.0.0.0\ncss: bin/rails tailwindcss:watch\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    for argv in (["bin/rails", "db:migrate"], ["bundle", "exec", "rspec"]):
        home, _ = placement(argv, root, Project(ProjectOptions(path=root, env=env)), host)
        assert home is not None and home.service == "web", argv
