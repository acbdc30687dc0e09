"""leaked-host-port on a bare `*_PORT` equal to a literal host port, with no `*_HOST` beside it.

nickjj/docker-rails-example (tests/replay/docker-rails-example): a developer publishes postgres on
the host with a dev override (`"5433:5432"`, the host's own postgres holds 5432) and sets
`export POSTGRES_PORT=5433` in .env to reach it from the host. Every app service loads .env
(`env_file`), and config/database.yml reads `ENV.fetch('POSTGRES_PORT') { 5432 }` beside
`ENV.fetch('POSTGRES_HOST') { 'postgres' }`: inside the network the app dials postgres:5433, where
nothing listens. The check named only a port variable the mapping itself interpolates
(`"${POSTGRES_PORT}:5432"`), or one beside a `*_HOST` naming the server, so this went unreported.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_docker_engine import linux_engine_env

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Finding, Severity
from doctor.project import ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "docker-rails-example"
OVERRIDE = 'services:\n  postgres:\n    ports:\n      - "{published}:5432"\n'


def _app(tmp_path: Path, port: str = "5433", published: str = "5433", env_extra: str = "") -> Path:
    root = tmp_path / "rails"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = (root / ".env.example").read_text()  # the README's `cp .env.example .env`, then the plant
    env = env.replace("#export POSTGRES_PORT=5432", f"export POSTGRES_PORT={port}") + env_extra
    (root / ".env").write_text(env)
    (root / "compose.override.yaml").write_text(OVERRIDE.format(published=published))
    return root


def _found(root: Path, env: dict[str, str]) -> list[Finding]:
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=env), load_registry()).report
    return [f for f in report.findings if f.check == "leaked-host-port" and f.severity >= Severity.WARNING]


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def test_the_host_port_in_env_is_found_at_its_line_and_settles_in_one_fix(tmp_path: Path,
                                                                          env: dict[str, str]) -> None:
    root = _app(tmp_path)
    found = _found(root, env)
    assert [f.message for f in found] == [
        # the host is database.yml's fallback, `ENV.fetch('POSTGRES_HOST') { 'postgres' }` (rails_env)
        "POSTGRES_PORT dials postgres:5433, the host port of 'postgres', which listens on 5432 inside the network "
        "('web' reads POSTGRES_PORT in config/database.yml)"], [f.message for f in found]
    at = found[0].location
    line = (root / ".env").read_text().splitlines().index("export POSTGRES_PORT=5433") + 1
    assert at is not None and at.path == root / ".env" and at.line == line
    before = {p: p.read_bytes() for p in (root / "compose.yaml", root / ".env", root / "config" / "database.yml")}
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"env"}), yes=True, env=env)
    report = fix(options, load_registry())
    assert report.results and all(r.fixed for r in report.results), report.results
    assert _found(root, env) == []
    assert {p: p.read_bytes() for p in before} == before  # the override carries the container's value
    assert 'POSTGRES_PORT: "5432"' in (root / "compose.override.yaml").read_text()


@pytest.mark.parametrize(("port", "published", "env_extra"), [
    ("5432", "5433", ""),  # the container port: right inside the network
    ("5433", "5433", "export POSTGRES_HOST=host.docker.internal\n"),  # through the host: 5433 is right
    ("5433", "5433", "export POSTGRES_HOST=db.example.com\n"),  # another server altogether
])
def test_a_port_that_is_not_the_peers_host_port_stays_quiet(tmp_path: Path, env: dict[str, str], port: str,
                                                            published: str, env_extra: str) -> None:
    assert _found(_app(tmp_path, port, published, env_extra), env) == []


def test_a_port_postgres_neither_listens_on_nor_publishes_is_dialed_at_the_fallback_host(
        tmp_path: Path, env: dict[str, str]) -> None:
    """POSTGRES_PORT=5433 beside `"5432:5432"`: no host port leaks, but database.yml's fallback host
    `postgres` (POSTGRES_HOST unset) at 5433 is no server either."""
    found = _found(_app(tmp_path, "5433", "5432"), env)
    assert [f.message for f in found] == [
        "POSTGRES_PORT dials postgres:5433, where 'postgres' neither listens nor publishes: it listens on 5432 "
        "inside the network ('web' reads POSTGRES_PORT in config/database.yml)"], [f.message for f in found]
