"""dotenv-override where the service joins another's network namespace (`network_mode: service:db`).

Azure-Samples/rag-postgres-openai-python's .devcontainer (tests/replay/rag-postgres-openai-python): 'app'
runs `sleep infinity` in 'db''s namespace (pgvector), and the README's first step copies `.env.sample`
to `.env`, whose `POSTGRES_HOST=localhost` ("to connect to the local database from within the
devcontainer") the app's `load_dotenv(override=True)` reads. localhost in 'app' is db: the stack works.
doctor preflight .devcontainer said, once per loader, "POSTGRES_HOST='localhost' from ../.env:2 dials the
container itself in 'app', not 'db' (compose sets none)", five errors on a clean checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_docker_engine import linux_engine_env

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "rag-postgres-openai-python"
CHECK = "dotenv-override"
JOINS = "    network_mode: service:db\n"


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def _findings(tmp_path: Path, env: dict[str, str], *edits: tuple[str, str]) -> list[Finding]:
    root = tmp_path / "rag"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copy(root / ".env.sample", root / ".env")  # the README's first step
    compose = root / ".devcontainer" / "docker-compose.yaml"
    text = compose.read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    compose.write_text(text)
    options = ProjectOptions(path=root / ".devcontainer", env=env)
    report = preflight(RunOptions(project=options, select=(CHECK,), env=env), load_registry()).report
    return [f for f in report.findings if f.check == CHECK]


def test_localhost_in_dbs_namespace_is_db(tmp_path: Path, env: dict[str, str]) -> None:
    assert _findings(tmp_path, env) == []


def test_on_the_bridge_localhost_is_the_container_itself(tmp_path: Path, env: dict[str, str]) -> None:
    found = _findings(tmp_path, env, (JOINS, "    depends_on: [db]\n"))
    assert [f.message for f in found] == [
        "POSTGRES_HOST='localhost' from ../.env:2 dials the container itself in 'app', not 'db' (compose sets none)"]


def test_the_namespace_of_another_server_is_named(tmp_path: Path, env: dict[str, str]) -> None:
    found = _findings(tmp_path, env, (JOINS, "    network_mode: service:cache\n"),
                      ("volumes:\n  postgres-data:", "  cache:\n    image: redis:7\n\nvolumes:\n  postgres-data:"))
    assert [f.message for f in found] == [
        "POSTGRES_HOST='localhost' from ../.env:2 dials the namespace of 'cache' (network_mode: service:cache) in "
        "'app', not 'db' (compose sets none)"]
