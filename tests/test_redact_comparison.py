"""A comparison of a secret-named variable is no assignment: the redactor leaves `===` and `==` alone.

Before (fixW audit on ljlm0402/typescript-express-starter): a fix diff over src/config/index.ts, whose dotenv call had
`override: true`, showed its context line `export const CREDENTIALS = process.env.CREDENTIALS === 'true';` as
`... process.env.CREDENTIALS =*** 'true';`: the key-value shape took `CREDENTIALS =` for an assignment and masked
`==`. Now `=` followed by `=` is no separator (`!==`, `!=`, `>=`, `<=` never were), while `PASSWORD = 'x'`,
`password: 'x'` and `PASSWORD='x'` are masked as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.redact import scrub

REPLAY = Path(__file__).parent / "replay" / "typescript-express-starter-knex"
LOAD = "config({ path: `.env.${process.env.NODE_ENV || 'development'}.local` });"
OVERRIDE = "config({ path: `.env.${process.env.NODE_ENV || 'development'}.local`, override: true });"
COMPARED = " export const CREDENTIALS = process.env.CREDENTIALS === 'true';\n"


@pytest.mark.parametrize("line", [
    "export const CREDENTIALS = process.env.CREDENTIALS === 'true';",
    "if (process.env.SECRET_KEY == 'changeme') throw new Error('set SECRET_KEY')",
    "if (TOKEN !== 'abc') return",
    "if token != 'abc':",
    "ok = PASSWORD >= 'a' and PASSWORD <= 'z'",
    "if [ \"$DB_PASSWORD\" == 'postgres' ]; then",
])
def test_a_comparison_is_left_as_written(line: str) -> None:
    assert scrub(line) == line


@pytest.mark.parametrize(("line", "masked"), [
    ("PASSWORD = 'x'", "PASSWORD = '***'"),
    ("password: 'x'", "password: '***'"),
    ("PASSWORD='x'", "PASSWORD='***'"),
    ("SECRET_KEY=abc==", "SECRET_KEY=***"),  # base64 padding is part of the value
    ("const SECRET = 'hunter2hunter2'; if (x === SECRET) {}", "const SECRET = '***'; if (x === SECRET) {}"),
    # glued to its key, `==` assigns a value starting with `=` (a review of aaa1a146: these were printed in clear)
    ("DB_PASSWORD==hunter2hunter2", "DB_PASSWORD=***"),
    ("export DB_PASSWORD==s3cr3tvalue", "export DB_PASSWORD=***"),
    ("docker run -e POSTGRES_PASSWORD==s3cr3tvalue img", "docker run -e POSTGRES_PASSWORD=*** img"),
    ("API_KEY===abc123abc123", "API_KEY=***"),
    ("-Dspring.datasource.password==hunter2", "-Dspring.datasource.password=***"),
    ("JWT_SECRET==dGhpcyBpcyBhIHNlY3JldA==", "JWT_SECRET=***"),
    ("SECRET=='hunter2hunter2'", "SECRET=***'"),  # the value masked; its closing quote stays, as before aaa1a146
    ("web-1  | Error: invalid config, STRIPE_SECRET_KEY==sk_live_zz9Qx7Lm2 rejected",
     "web-1  | Error: invalid config, STRIPE_SECRET_KEY=*** rejected"),
])
def test_an_assignment_is_masked_as_before(line: str, masked: str) -> None:
    assert scrub(line) == masked


def test_a_fix_diff_shows_the_comparison_beside_it(tmp_path: Path) -> None:
    root = tmp_path / "typescript-express-starter"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    config = root / "src" / "config" / "index.ts"
    assert config.read_text().count(LOAD) == 1
    config.write_text(config.read_text().replace(LOAD, OVERRIDE))  # the dotenv call's override beats compose's
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("      DB_DATABASE: dev\n", "      DB_DATABASE: dev\n"
                                                   "      DB_HOST: mysql\n", 1))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}, "HOME": str(root),
           "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--dry-run", "."], cwd=root, capture_output=True,
                          text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert f"-{OVERRIDE}\n+{LOAD}\n" in done.stdout, done
    assert COMPARED in done.stdout, done.stdout
