"""leaked-host-port (8) on a Rails app's literal `host: localhost` in config/database.yml.

nickjj/docker-rails-example (tests/replay/docker-rails-example) reads its host through ERB
(`ENV.fetch('POSTGRES_HOST') { 'postgres' }`); a Rails app first made on the host writes `host: localhost`
there as a literal, which no variable changes. Before, preflight passed (no env value held localhost) while
every app container dialed itself; now the line is reported, with advice (it is no variable to set).
Precision: as cloned, a DATABASE_URL compose sets (Rails merges it over the section), a section RAILS_ENV
does not read, and human-essentials' dev container (its localhost is postgres's namespace) say nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_docker_engine import linux_engine_env
from test_rails_config_defaults import _app, _devcontainer, _found, _shown

ERB_HOST = """  host: "<%= ENV.fetch('POSTGRES_HOST') { 'postgres' } %>"\n"""


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def _literal(tmp_path: Path, host: str = "  host: localhost\n", env_extra: str = "") -> Path:
    root = _app(tmp_path, env_extra=env_extra)
    database = root / "config" / "database.yml"
    text = database.read_text()
    assert ERB_HOST in text
    database.write_text(text.replace(ERB_HOST, host))
    return root


def test_a_literal_localhost_host_dials_the_app_container(tmp_path: Path, env: dict[str, str]) -> None:
    root = _literal(tmp_path)
    found = _found(root, env)
    assert _shown(root, found) == [("leaked-host-port", "config/database.yml", 7,
                                    "host is localhost:5432 here, which is each container itself in 'web', "
                                    "'worker', 'cable' and 2 more services (did you mean 'postgres'?): 'web', "
                                    "'worker', 'cable' and 2 more services run this code")]
    assert found[0].location is not None and found[0].location.column == 9
    assert found[0].fix is not None and found[0].fix.title.startswith("make host dial postgres:5432")


def test_a_quoted_literal_and_127_0_0_1_too(tmp_path: Path, env: dict[str, str]) -> None:
    root = _literal(tmp_path, '  host: "127.0.0.1" # dev\n')
    assert [f.location.line for f in _found(root, env) if f.location] == [7]


def test_as_cloned_or_database_url_set_or_other_section_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    assert _found(_app(tmp_path / "a"), env) == []
    assert _found(_literal(tmp_path / "b", env_extra="export DATABASE_URL=postgres://hello@postgres/hello\n"),
                  env) == []
    root = _app(tmp_path / "c")
    database = root / "config" / "database.yml"
    database.write_text(database.read_text() + "  host: localhost\n")  # under production:
    assert _found(root, env) == []


def test_human_essentials_shared_namespace_stays_silent(tmp_path: Path, env: dict[str, str]) -> None:
    root = _devcontainer(tmp_path)
    database = root / "config" / "database.yml"
    database.write_text(database.read_text().replace("""host: <%= ENV.fetch("PG_HOST", 'localhost') %>""",
                                                     "host: localhost"))
    assert "  host: localhost\n" in database.read_text()
    assert _found(root / ".devcontainer", env) == []


def test_human_essentials_off_the_shared_namespace_dials_the_app(tmp_path: Path, env: dict[str, str]) -> None:
    root = _devcontainer(tmp_path, ("    network_mode: service:postgres", "    depends_on: [postgres]"))
    database = root / "config" / "database.yml"
    database.write_text(database.read_text().replace("""host: <%= ENV.fetch("PG_HOST", 'localhost') %>""",
                                                     "host: localhost"))
    found = _found(root / ".devcontainer", env)
    assert _shown(root, found) == [("leaked-host-port", "config/database.yml", 4,
                                    "host is localhost:5432 here, which is 'app' itself in its container (did you "
                                    "mean 'postgres'?): 'app' runs this code")]
