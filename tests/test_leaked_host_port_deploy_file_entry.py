"""leaked-host-port where the one compose file is no dev file: kutt (tests/replay/kutt).

thedevs-network/kutt runs with `docker compose -f docker-compose.postgres.yml up` and `.env` copied from
`.example.env`. Planted: postgres published on `${DB_PORT}:5432` and the server's `DB_PORT: ${DB_PORT}`,
with DB_PORT=5433 in `.env`, so the server dials postgres:5433. doctor found it, but its fix was advice
('set DB_PORT=5432 in the environment of 'server''): no dev override is read under that `-f`, and the file's
name says no dev file, where doctor adds keys. The server's entry only interpolates the variable, so its
value is rewritten on its line (unsafe, asked), the `.env` keeping the host port; one `doctor fix --yes`
settles it, changing that line alone. An entry holding a value of its own stays advice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dial_checks import edit

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "kutt"
COMPOSE = "docker-compose.postgres.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
# `doctor fix --env`, the family of the fault: the stack publishes 3000 and DB_PORT's 5433, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
MESSAGE = ("DB_PORT=5433 is the host port of 'postgres', which listens on 5432 inside the network ('server' "
           "reads DB_PORT in knexfile.js)")


def _kutt(tmp_path: Path, entry: str = "DB_PORT: ${DB_PORT}") -> Path:
    root = tmp_path / "kutt"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = (root / ".example.env").read_text()
    (root / ".env").write_text(env.replace("DB_PORT=5432\n", "DB_PORT=5433\n").replace("DB_PASSWORD=\n",
                                                                                      "DB_PASSWORD=pw\n"))
    edit(root / COMPOSE, "DB_PORT: 5432", entry)
    edit(root / COMPOSE, "    expose:\n      - 5432\n", "    ports:\n      - ${DB_PORT}:5432\n")
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, files=(root / COMPOSE,), env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.fix.safety if f.fix else None) for f in report.findings]


def test_the_entry_that_interpolates_is_rewritten_on_its_line_in_one_run(tmp_path: Path) -> None:
    root = _kutt(tmp_path)
    before = (root / COMPOSE).read_text()
    assert _found(root) == [(MESSAGE, Safety.UNSAFE)]
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / COMPOSE).read_text() == before.replace("DB_PORT: ${DB_PORT}", "DB_PORT: 5432")
    assert "DB_PORT=5433\n" in (root / ".env").read_text()  # the host side stays published on 5433
    assert _found(root) == []


def test_an_entry_of_its_own_value_stays_advice(tmp_path: Path) -> None:
    root = _kutt(tmp_path, "DB_PORT: ${DB_PORT}  # postgres")
    assert _found(root) == [(MESSAGE, Safety.UNSAFE)]  # a comment after it is kept
    own = _kutt(tmp_path / "own", "DB_PORT: ${DB_PORT:-5432}${DB_SUFFIX:-}")
    assert _found(own) == [(MESSAGE, Safety.ADVICE)]


SHARED = """x-db-env: &db-env
  DB_PORT: ${DB_PORT}
  DB_NAME: kutt
services:
  server:
    image: node:20-alpine
    command: node server.js
    environment:
      <<: *db-env
      DB_HOST: postgres
    depends_on: [postgres]
  pgbackup:
    image: postgres:16-alpine
    network_mode: host
    command: sh -c 'while true; do pg_dump -h "$$DB_HOST" -p "$$DB_PORT" -U postgres "$$DB_NAME" > /b; sleep 60; done'
    environment:
      <<: *db-env
      DB_HOST: localhost
  postgres:
    image: postgres:16-alpine
    environment:
      POSTGRES_PASSWORD: pw
    ports:
      - ${DB_PORT}:5432
"""


def _compose_config(root: Path, *args: str, env: dict[str, str] | None = None) -> dict | None:
    """`docker compose config` as JSON, None without a compose binary."""
    import json
    import subprocess

    if shutil.which("docker") is None:
        return None
    done = subprocess.run(["docker", "compose", *args, "config", "--format", "json"], cwd=root, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin:/usr/local/bin", **(env or {})})
    if "is not a docker command" in done.stderr:
        return None
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_anchor_line_another_service_merges_is_not_rewritten(tmp_path: Path) -> None:
    """pgbackup merges the same `DB_PORT: ${DB_PORT}` on the host network, where 5433 is the published port
    it must dial: rewriting the anchor's line for 'server' silently moved pgbackup's pg_dump to 5432."""
    root = tmp_path / "shared"
    root.mkdir()
    (root / COMPOSE).write_text(SHARED)
    (root / ".env").write_text("DB_PORT=5433\n")
    assert [m for m, _ in _found(root)] == [
        "DB_PORT=5433 is the host port of 'postgres', which listens on 5432 inside the network ('server' sets "
        "DB_PORT in its environment)"]
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / COMPOSE).read_text() == SHARED
    assert _found(root)[0][1] is Safety.ADVICE
    config = _compose_config(root, "-f", COMPOSE)
    if config is not None:
        assert config["services"]["pgbackup"]["environment"]["DB_PORT"] == "5433"


PROD = """services:
  server:
    image: node:20-alpine
    command: node server.js
    environment:
      DB_HOST: ${DB_HOST:-postgres}
      DB_PORT: ${DB_PORT:-5432}
  postgres:
    image: postgres:16-alpine
    profiles: [localdb]
    environment:
      POSTGRES_PASSWORD: pw
    ports:
      - ${DB_PORT:-5432}:5432
"""


def test_a_port_variable_a_profile_off_setup_configures_is_not_hard_coded(tmp_path: Path) -> None:
    """With `localdb` on, DB_PORT=5433 is postgres' host port; without it, the server's DB_PORT is the external
    database's (DB_HOST=db.example.com DB_PORT=6543). Writing `DB_PORT: 5432` broke that setup: advice only."""
    root = tmp_path / "prod"
    root.mkdir()
    compose = "docker-compose.prod.yml"
    (root / compose).write_text(PROD)
    (root / ".env").write_text("DB_PORT=5433\n")
    options = ProjectOptions(path=root, files=(root / compose,),
                             env={**ENV, "HOME": str(root), "COMPOSE_PROFILES": "localdb"})
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / compose).read_text() == PROD
    config = _compose_config(root, "-f", compose, env={"DB_HOST": "db.example.com", "DB_PORT": "6543"})
    if config is not None:
        assert config["services"]["server"]["environment"]["DB_PORT"] == "6543"
