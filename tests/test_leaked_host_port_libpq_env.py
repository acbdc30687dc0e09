"""leaked-host-port for libpq's own variables (PGHOST, PGPORT) that a Rails app's pg gem reads.

A project in the shape of ryanwi/rails7-on-docker (640d002; no license, so not copied: written here): 'web'
runs `bin/rails s` on a ruby image with the checkout bound at /usr/src/app and `env_file: .env`, whose
`.env.example` (`PGHOST=db`, `PGUSER=postgres`) is copied to `.env`; config/database.yml's postgresql adapter
names no `host:` nor `port:`, so libpq dials what PGHOST and PGPORT say. With `PGHOST=localhost` in `.env`
(a developer who ran postgres on the host first), or `PGPORT=5433` behind `"5433:5432"`, `doctor preflight`
said nothing: the project's `.env` is every service's, and no file of 'web' names the variable. Now a
Rails service whose database.yml leaves the host (or port) to libpq reads it: an error at the `.env` line,
and one `doctor fix` sets the container's value in a dev override, `.env` kept for the host's psql.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from replay_found import HOST_ENV, found

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

CHECKS = ("leaked-host-port", "service-name-drift")
COMPOSE = """\
services:
  web:
    build:
      context: ./
      dockerfile: development.Dockerfile
    command: bash -c "rm -f tmp/pids/server.pid && bin/rails s -p 3000 -b '0.0.0.0'"
    volumes:
      - .:/usr/src/app
      - bundle:/usr/local/bundle
    ports:
      - "3000:3000"
    env_file:
      - .env
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:17
    ports:
      - "5432:5432"
    environment:
      - POSTGRES_PASSWORD=changeme
    healthcheck:
      test: pg_isready -U postgres

volumes:
  bundle:
"""
DOCKERFILE = """\
FROM docker.io/library/ruby:3.3.9-slim
WORKDIR /usr/src/app
EXPOSE 3000
CMD ["./bin/rails", "server"]
"""
DATABASE_YML = """\
default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

development:
  <<: *default
  database: app_development
  # Connect on a TCP socket: uncomment when the client has no domain socket.
  #host: localhost

production:
  <<: *default
  url: <%= ENV['DATABASE_URL'] %>
"""
ENV_FILE = "PGHOST=db\nPGUSER=postgres\nPGPASSWORD=changeme\n"
LOCALHOST = ("PGHOST=localhost is 'web' itself in its container (did you mean 'db'?): 'web' reads PGHOST through "
             "libpq (config/database.yml sets no host for its postgresql adapter)")


def _project(root: Path, env: str = ENV_FILE, database: str = DATABASE_YML, compose: str = COMPOSE) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "compose.yaml").write_text(compose)
    (root / "development.Dockerfile").write_text(DOCKERFILE)
    (root / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails", "~> 7.2"\ngem "pg", "~> 1.5"\n')
    (root / "config" / "application.rb").write_text('require_relative "boot"\nrequire "rails/all"\n\n'
                                                    "module App\n  class Application < Rails::Application\n"
                                                    "  end\nend\n")
    (root / "config" / "database.yml").write_text(database)
    (root / ".env").write_text(env)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**HOST_ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    return found(_options(root), CHECKS)


def _web_env(root: Path) -> dict[str, str] | None:
    """The environment the real compose gives 'web', None without a compose binary."""
    if shutil.which("docker") is None:
        return None
    done = subprocess.run(["docker", "compose", "config", "--format", "json"], cwd=root, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin:/usr/local/bin"})
    if "is not a docker command" in done.stderr:
        return None
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["services"]["web"]["environment"]


def test_pghost_localhost_in_the_shared_dotenv_is_reported_and_fixed_in_one_run(tmp_path: Path) -> None:
    env = ENV_FILE.replace("PGHOST=db", "PGHOST=localhost")
    root = _project(tmp_path / "app", env)
    assert _found(root) == [(LOCALHOST, ".env", 1)]
    options = _options(root)
    first = fix(FixOptions(project=options, families=frozenset({"env"}), yes=True, env=dict(options.env)),
                load_registry())
    assert [r.title for r in first.results] == ["set PGHOST=db for 'web' in a new dev override compose.override.yaml"]
    assert (root / "compose.override.yaml").read_text() == "services:\n  web:\n    environment:\n      PGHOST: db\n"
    assert (root / ".env").read_text() == env  # the host's psql keeps its localhost
    assert (root / "compose.yaml").read_text() == COMPOSE
    assert _found(root) == []
    second = fix(FixOptions(project=options, families=frozenset({"env"}), yes=True, env=dict(options.env)),
                load_registry())
    assert second.results == () and second.diffs == ()
    web = _web_env(root)
    assert web is None or web["PGHOST"] == "db"


def test_pgport_of_the_published_port_is_reported(tmp_path: Path) -> None:
    root = _project(tmp_path / "app", ENV_FILE + "PGPORT=5433\n", compose=COMPOSE.replace('"5432:5432"',
                                                                                           '"5433:5432"'))
    assert _found(root) == [("PGPORT dials db:5433, the host port of 'db', which listens on 5432 inside the network "
                             "('web' reads PGPORT through libpq (config/database.yml sets no port for its postgresql "
                             "adapter))", ".env", 4)]


def test_as_cloned_and_where_libpq_does_not_read_the_variable_it_stays_clean(tmp_path: Path) -> None:
    assert _found(_project(tmp_path / "cloned")) == []
    localhost = ENV_FILE.replace("PGHOST=db", "PGHOST=localhost")
    # database.yml names the host itself (ERB or literal): libpq's PGHOST is not what the app dials
    erb = DATABASE_YML.replace("  #host: localhost", "  host: <%= ENV.fetch('DB_HOST') { 'db' } %>")
    assert _found(_project(tmp_path / "erb", localhost, erb)) == []
    # DATABASE_URL, which Rails merges over the section
    url = COMPOSE.replace("    env_file:\n", "    environment:\n      - DATABASE_URL=postgres://postgres@db/app\n"
                                                "    env_file:\n")
    assert _found(_project(tmp_path / "url", localhost, compose=url)) == []
    # another adapter: no libpq
    mysql = DATABASE_YML.replace("adapter: postgresql", "adapter: mysql2")
    assert _found(_project(tmp_path / "mysql", localhost, mysql)) == []
    # RAILS_ENV=production reads the section with `url:`
    assert _found(_project(tmp_path / "prod", localhost + "RAILS_ENV=production\n")) == []


MULTI = """\
development:
  primary:
    adapter: postgresql
    database: app_development
  queue:
    adapter: postgresql
    database: app_queue
    host: db
"""


def test_a_three_level_database_yml_is_read_per_database(tmp_path: Path) -> None:
    # Rails 6's multiple databases: 'queue' names its host, 'primary' leaves it to libpq's PGHOST (a review of
    # 403daa74 found the queue's `host:` taken for the whole section: no finding)
    localhost = ENV_FILE.replace("PGHOST=db", "PGHOST=localhost")
    root = _project(tmp_path / "multi", localhost, MULTI)
    assert _found(root) == [(LOCALHOST, ".env", 1)]
    options = _options(root)
    first = fix(FixOptions(project=options, families=frozenset({"env"}), yes=True, env=dict(options.env)),
                load_registry())
    assert [r.title for r in first.results] == ["set PGHOST=db for 'web' in a new dev override compose.override.yaml"]
    assert _found(root) == []
    # each database names its host: libpq's PGHOST is read by none
    both = MULTI.replace("    database: app_development\n", "    database: app_development\n    host: db\n")
    assert _found(_project(tmp_path / "both", localhost, both)) == []
    # a mapping setting of a two-level file (`variables:`) is no database of its own
    variables = ("development:\n  adapter: postgresql\n  host: db\n  variables:\n    statement_timeout: 5000\n"
                 "  database: app_development\n")
    assert _found(_project(tmp_path / "variables", localhost, variables)) == []
    # three levels merging an anchored default that names no host: the primary reads PGHOST
    merged = ("default: &default\n  adapter: postgresql\n\ndevelopment:\n  primary:\n    <<: *default\n"
              "    database: app_development\n  queue:\n    <<: *default\n    host: db\n    database: app_queue\n")
    assert _found(_project(tmp_path / "merged", localhost, merged)) == [(LOCALHOST, ".env", 1)]
