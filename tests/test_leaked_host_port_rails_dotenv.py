"""leaked-host-port on the `.env` a Rails app's dotenv railtie loads in its container: casa (tests/replay).

rubyforgood/casa runs 'web' (`bin/dev` under `.:/usr/src/app`) on `env_file: config/docker.env`, which sets
`DATABASE_HOST=database` and no POSTGRES_PORT, beside 'database' published `5435:5432`; its Gemfile loads
`gem "dotenv-rails"` in development, and config/database.yml reads `ENV.fetch("POSTGRES_PORT", "5432")`.
Planted: the `.env` made from `.env.example` to run the app on the host says `POSTGRES_PORT=5435` (the
published port). The railtie fills that unset variable in the container, and the app dials database:5435.
doctor said nothing: a Rails app's dotenv counted only where it overwrites (dotenv-override's). Now its
load fills what compose leaves unset, as Laravel's phpdotenv does: an error at `.env:2`, fixed in one run
by a new dev override setting POSTGRES_PORT=5432 for 'web', the `.env` left as it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from replay_found import found, host_options

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix

REPLAY = Path(__file__).parent / "replay" / "casa"
# `doctor fix --env`, the family of the fault: the stack publishes 3000, 5435 and more, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")
GEM = '  gem "dotenv-rails" # Environment variable management\n'


def _casa(tmp_path: Path, port: str = "5432", gem: bool = True) -> Path:
    root = tmp_path / "casa"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    example = (root / ".env.example").read_text()
    assert example.count("POSTGRES_PORT=5432\n") == 1
    (root / ".env").write_text(example.replace("POSTGRES_PORT=5432\n", f"POSTGRES_PORT={port}\n"))
    if not gem:
        gemfile = root / "Gemfile"
        assert gemfile.read_text().count(GEM) == 1
        gemfile.write_text(gemfile.read_text().replace(GEM, ""))
    return root


def test_the_app_as_set_up_from_env_example_is_clean(tmp_path: Path) -> None:
    # DATABASE_HOST=localhost of .env loses to docker.env's `database`: dotenv leaves what the process holds
    assert found(host_options(_casa(tmp_path)), CHECKS) == []


def test_the_host_port_in_the_env_dotenv_loads_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _casa(tmp_path, "5435")
    env = (root / ".env").read_text()
    assert found(host_options(root), CHECKS) == [
        ("POSTGRES_PORT=5435 is the host port of 'database', which listens on 5432 inside the network ('web' reads "
         "POSTGRES_PORT in config/database.yml)", ".env", 2)]
    options = host_options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / "docker-compose.override.yml").read_text() == (
        'services:\n  web:\n    environment:\n      POSTGRES_PORT: "5432"\n')
    assert (root / ".env").read_text() == env
    assert found(host_options(root), CHECKS) == []
    again = fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert again.diffs == ()


def test_without_the_dotenv_gem_the_env_reaches_no_process(tmp_path: Path) -> None:
    assert found(host_options(_casa(tmp_path, "5435", gem=False)), CHECKS) == []


def test_what_database_yml_reads_is_no_dial_where_compose_sets_database_url(tmp_path: Path) -> None:
    """Rails merges DATABASE_URL over config/database.yml, the URL's host, port and user winning: the host `.env`'s
    DATABASE_HOST=localhost (and POSTGRES_PORT=5435), which only database.yml reads, dials nothing there. The
    railtie's load was taken for the app's dial of them, an error with a fix; the same .env without DATABASE_URL
    is still found."""
    root = _casa(tmp_path, "5435")
    (root / "config" / "docker.env").write_text(
        "DOCKER=true\nDATABASE_URL=postgres://postgres@database:5432/casa_development\n\n"
        "POSTGRES_USER=postgres\nPOSTGRES_HOST_AUTH_METHOD=trust\n")
    assert found(host_options(root), CHECKS) == []
