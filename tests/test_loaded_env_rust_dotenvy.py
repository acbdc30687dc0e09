"""A Rust app's dotenvy `.env`, read as its env: svix-server (tests/replay/svix-server).

svix/svix-webhooks' server calls `dotenv().ok()` (`use dotenvy::dotenv;`) at the top of main.rs, and its cfg.rs
takes `std::env::var("DATABASE_URL")` for SVIX_DB_DSN where nothing sets that. Planted: a dev override building
the Dockerfile's `build` stage (WORKDIR /app), binding `.:/app` and running `cargo run`, the `.env` sqlx wants on
the host (`DATABASE_URL=postgresql://postgres@localhost:8079/postgres`, pgbouncer published `8079:5432`), and
compose's SVIX_DB_DSN line gone. The server then dials its own container for its database; doctor preflight said
nothing, reading no Rust loader. Now dotenvy's non-overriding loads count as Go's godotenv does: an error at the
`.env` line, one `doctor fix --yes` sets the value in the dev override (which the load leaves alone), a second
preflight is clean, `.env` untouched for the host's sqlx.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "svix-server"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
# `doctor fix --env`, the family of the fault: the stack publishes 8071, 8078 and 8079, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
CHECKS = ("leaked-host-port", "service-name-drift")
COMPOSE_DSN = '      SVIX_DB_DSN: "postgresql://postgres:postgres@pgbouncer/postgres"\n'
DEV = """services:
  backend:
    build:
      target: build
    working_dir: /app
    command: cargo run --bin svix-server
    volumes:
      - .:/app
    environment:
      SVIX_JWT_SECRET: "x"
  pgbouncer:
    ports:
      - "8079:5432" # Needed for sqlx
"""
DOTENV = "DATABASE_URL=postgresql://postgres@localhost:8079/postgres\n"


def _svix(tmp_path: Path, planted: bool = True) -> Path:
    root = tmp_path / "svix-server"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if planted:
        compose = root / "docker-compose.yml"
        assert compose.read_text().count(COMPOSE_DSN) == 1
        compose.write_text(compose.read_text().replace(COMPOSE_DSN, ""))
        (root / "docker-compose.override.yml").write_text(DEV)
        (root / ".env").write_text(DOTENV)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str | None, int | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.path.name if f.location else None, f.location.line if f.location else None)
            for f in report.findings]


def test_the_dotenvy_env_on_localhost_is_found_at_its_line_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _svix(tmp_path)
    found = _found(root)
    assert [(path, line) for _, path, line in found] == [(".env", 1)]
    assert found[0][0] == ("DATABASE_URL host 'localhost' is 'backend' itself in its container (did you mean "
                           "'pgbouncer'?): 'backend' reads DATABASE_URL in svix-server/src/cfg.rs")
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / "docker-compose.override.yml").read_text() == DEV.replace(
        '      SVIX_JWT_SECRET: "x"\n',
        '      SVIX_JWT_SECRET: "x"\n      DATABASE_URL: "postgresql://postgres@pgbouncer:5432/postgres"\n')
    assert (root / ".env").read_text() == DOTENV
    assert _found(root) == []


def test_the_server_as_cloned_and_a_load_its_unit_tests_make_stay_clean(tmp_path: Path) -> None:
    assert _found(_svix(tmp_path / "a", planted=False)) == []
    # a unit test's own load below #[cfg(test)] is no load of the server's
    root = _svix(tmp_path / "b")
    main = root / "svix-server" / "src" / "main.rs"
    text = main.read_text()
    assert text.count("    dotenv().ok();\n") == 1
    main.write_text(text.replace("    dotenv().ok();\n", "") + "\n#[cfg(test)]\nmod tests {\n    fn setup() {\n"
                    "        dotenvy::dotenv().ok();\n    }\n}\n")
    assert _found(root) == []
