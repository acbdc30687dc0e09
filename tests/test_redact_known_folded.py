"""A secret key's YAML value written over several lines (a folded `>-` or literal `|` block, a plain or quoted
scalar going on below its key) has each of its lines masked: a fix's diff shows the file's lines, never
the one value compose folds them into.

Before: `doctor fix --dry-run` on a compose file with `MASTER_PASSPHRASE: >-` then `correct horse` and
`battery staple` beside a drifted host showed both lines as diff context in the clear.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from doctor.known_secrets import spread_lines

COMPOSE = """\
services:
  redis:
    image: redis:7
  app:
    image: busybox
    environment:
      MASTER_PASSPHRASE: >-
        correct horse
        battery staple
      CACHE_HOST: redisserver
      SHARED_SECRET: opening words
        closing words
      GREETING: >-
        hello there
        general kenobi
"""


def test_a_diff_shows_each_line_of_a_folded_secret_masked(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path / "home"), "NO_COLOR": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "DOCKER_HOST": "unix:///nonexistent/doctor-redfix.sock"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--dry-run", "."], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert "+      CACHE_HOST: redis\n" in out, out
    for secret in ("correct horse", "battery staple", "opening words", "closing words"):
        assert secret not in out, out
    assert "      MASTER_PASSPHRASE: >-\n         ***\n         ***\n" in out, out


def test_the_lines_of_a_spread_value_under_a_secret_key() -> None:
    assert spread_lines(COMPOSE) == {"correct horse", "battery staple", "opening words", "closing words"}
    assert spread_lines("  DB_PASSWORD: one line\n  OTHER: x\n") == set()  # one line: the value itself covers it
    assert spread_lines('  API_TOKEN: "Tk9 first\n    Lm2 second"\n') == {"Tk9 first", "Lm2 second"}
    assert spread_lines("  SECRET_KEY: |\n    -----BEGIN X-----\n    AbCd\n") == {"-----BEGIN X-----", "AbCd"}
    assert spread_lines("x-secrets: &secrets\n  A: b\n") == set()
