"""leaked-host-port and service-name-drift on the fallbacks of a Rails app's config/*.yml.

nickjj/docker-rails-example (tests/replay/docker-rails-example) reads `host: "<%=
ENV.fetch('POSTGRES_HOST') { 'postgres' } %>"` in config/database.yml, and .env leaves POSTGRES_HOST
commented out: the app dials the fallback. A Rails app first made on the host says `{ 'localhost' }`
there (or a server name of another setup, `{ 'postgresserver' }`), and preflight passed while every
app container dialed itself (`connection to server at "localhost" (::1), port 5432 failed`). The
fallback is now the app's value of POSTGRES_HOST at its database.yml line: one fix sets it in compose
(which ENV.fetch then reads), or rewrites the name in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dial_checks import found as _found
from dial_checks import shown as _shown
from fake_docker_engine import linux_engine_env

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "docker-rails-example"


def _app(tmp_path: Path, host: str = "postgres", env_extra: str = "", cable: str = "redis") -> Path:
    root = tmp_path / "rails"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text((root / ".env.example").read_text() + env_extra)  # the README's `cp`
    database = root / "config" / "database.yml"
    database.write_text(database.read_text().replace("{ 'postgres' }", f"{{ '{host}' }}"))
    cable_yml = root / "config" / "cable.yml"
    cable_yml.write_text(cable_yml.read_text().replace("redis://redis:6379/1", f"redis://{cable}:6379/1"))
    return root


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def test_the_project_as_cloned_gives_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    assert _found(_app(tmp_path), env) == []


def test_a_localhost_fallback_dials_the_app_container_and_settles_in_one_fix(
        tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path, "localhost")
    found = _found(root, env)
    assert _shown(root, found) == [("leaked-host-port", "config/database.yml", 7,
                                    "POSTGRES_HOST=localhost is each container itself in 'web', 'worker', 'cable' "
                                    "and 2 more services (did you mean 'postgres'?): 'web' reads POSTGRES_HOST "
                                    "in config/database.yml")]
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"env"}), yes=True, env=env)
    fix(options, load_registry())
    assert "POSTGRES_HOST: postgres" in (root / "compose.override.yaml").read_text()
    assert _found(root, env) == []


def test_a_fallback_naming_no_service_is_service_name_drift_rewritten_in_place(
        tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path, cable="redisserver")
    assert _shown(root, _found(root, env)) == [
        ("service-name-drift", "config/cable.yml", 3,
         "REDIS_URL host 'redisserver' names no service on the network (did you mean 'redis'?)")]
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"env"}), yes=True, env=env)
    fix(options, load_registry())
    assert "{ 'redis://redis:6379/1' }" in (root / "config" / "cable.yml").read_text()
    assert _found(root, env) == []


def test_a_key_the_environment_sets_keeps_its_value(tmp_path: Path, env: dict[str, str]) -> None:
    assert _found(_app(tmp_path, "localhost", env_extra="export POSTGRES_HOST=postgres\n"), env) == []


def test_only_the_sections_the_environment_reads_count(tmp_path: Path, env: dict[str, str]) -> None:
    """A production section's fallback is not read under .env's RAILS_ENV=development."""
    root = _app(tmp_path)
    database = root / "config" / "database.yml"
    database.write_text(database.read_text() + "  host: \"<%= ENV.fetch('PROD_DB_HOST') { 'localhost' } %>\"\n")
    assert "production:" in database.read_text().splitlines()[-4:]
    assert _found(root, env) == []


def test_no_rails_app_no_fallbacks(tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path, "localhost")
    (root / "config" / "application.rb").unlink()
    assert _found(root, env) == []


HUMAN_ESSENTIALS = Path(__file__).parent / "replay" / "human-essentials"


def _devcontainer(tmp_path: Path, compose_edit: tuple[str, str] = ("", "")) -> Path:
    root = tmp_path / "workspaces" / "human-essentials"
    shutil.copytree(HUMAN_ESSENTIALS, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / ".devcontainer" / "docker-compose.yml"
    compose.write_text(compose.read_text().replace(*compose_edit))
    return root


def test_a_localhost_fallback_in_a_shared_network_namespace_is_the_database(tmp_path: Path,
                                                                           env: dict[str, str]) -> None:
    """rubyforgood/human-essentials' dev container: 'app' runs with `network_mode: service:postgres`."""
    assert _found(_devcontainer(tmp_path) / ".devcontainer", env) == []


def test_a_localhost_fallback_on_the_default_network_dials_the_app(tmp_path: Path, env: dict[str, str]) -> None:
    root = _devcontainer(tmp_path, ("    network_mode: service:postgres", "    depends_on: [postgres]"))
    found = _found(root / ".devcontainer", env)
    assert _shown(root, found) == [("leaked-host-port", "config/database.yml", 4,
                                    "PG_HOST=localhost is 'app' itself in its container (did you mean 'postgres'?): "
                                    "'app' reads PG_HOST in ../config/database.yml")]


def test_an_anchored_section_counts_only_where_the_environment_merges_it(tmp_path: Path, env: dict[str, str]) -> None:
    """`production: &production` with a localhost DATABASE_URL fallback, merged by `staging` alone: the app in
    development never reads it (a review's finding: every anchored section was taken as read)."""
    root = _app(tmp_path)
    database = root / "config" / "database.yml"
    database.write_text(database.read_text().replace(
        "production:\n  <<: *default\n",
        "production: &production\n  <<: *default\n  url: <%= ENV.fetch(\"DATABASE_URL\") "
        "{ \"postgres://postgres@localhost:5432/app\" } %>\n") + "\nstaging:\n  <<: *production\n")
    assert _found(root, env) == []
    # the same section merged by the environment the app runs in is read
    database.write_text(database.read_text().replace("development:\n  <<: *default\n",
                                                     "development:\n  <<: *production\n"))
    assert [line for _, _, line, _ in _shown(root, _found(root, env))] == [22]


def test_a_key_dotenv_rails_loads_from_the_bound_env_is_no_fallback(tmp_path: Path, env: dict[str, str]) -> None:
    """With `gem "dotenv-rails"`, the railtie loads `.env.development` (bound in with the code; compose reads it
    not) at boot: its POSTGRES_HOST=postgres is the app's value, not database.yml's `{ 'localhost' }` (a review's
    finding)."""
    root = _app(tmp_path, "localhost")
    (root / ".env.development").write_text("POSTGRES_HOST=postgres\n")
    assert [f.location.path.name for f in _found(root, env) if f.location] == ["database.yml"]
    gemfile = 'source "https://rubygems.org"\ngem "rails"\ngem "dotenv-rails", groups: [:development]\n'
    (root / "Gemfile").write_text(gemfile)
    assert _found(root, env) == []
