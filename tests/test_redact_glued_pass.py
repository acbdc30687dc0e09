"""Secret keys with `PASS` glued to the word before it (lead's find).

Before: examples/broken-stack's `.env` with `MYPASS=correcthorsebattery` and `SMTPPASS=zz9plural` beside the
`POSTGRES_SERVER=postgresserver` line a fix rewrites: `doctor fix --dry-run` printed both values in the diff's context
lines, while `DB_PASS`, `DBPASSWD`, `MYSECRET`, `APIKEY`, `AUTHTOKEN` were masked (`PASS` counted only as a word of
its own). Now a word ending in PASS is a password's key, except the words that only end so: `BYPASS`, `COMPASS`,
`SURPASS`, ...; `PASSPORT_HOST`, `*_PASSTHROUGH` and `PASS_THROUGH` stay no secret.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.secret_keys import is_secret_key, secret_for_key

REPO = Path(__file__).resolve().parent.parent
SECRET = ["MYPASS", "SMTPPASS", "REDISPASS", "MYPASS2", "smtpPass", "DB_PASS", "DBPASSWD", "MYSECRET", "APIKEY",
          "AUTHTOKEN"]
NOT_SECRET = ["BYPASS", "CACHE_BYPASS", "PASSPORT_HOST", "PASSPORT", "COMPASS", "COMPASS_URL", "NGINX_PASSTHROUGH",
              "SSL_PASSTHROUGH", "SURPASS", "PASS_THROUGH", "PASS_THRU", "TRESPASS", "MULTIPASS", "LOWPASS"]


@pytest.mark.parametrize("key", SECRET)
def test_a_key_naming_a_password_is_secret(key: str) -> None:
    assert is_secret_key(key)
    assert secret_for_key(key, "correcthorsebattery")


@pytest.mark.parametrize("key", NOT_SECRET)
def test_a_word_that_only_ends_in_pass_is_no_secret(key: str) -> None:
    assert not is_secret_key(key)
    assert not secret_for_key(key, "correcthorsebattery")


def test_the_fix_diff_masks_glued_pass_keys_in_its_context(tmp_path: Path) -> None:
    root = tmp_path / "stack"
    shutil.copytree(REPO / "examples" / "broken-stack", root)
    env_file = root / ".env"
    text = env_file.read_text()
    assert "POSTGRES_SERVER=postgresserver\n" in text
    env_file.write_text(text.replace("POSTGRES_SERVER=postgresserver\n", "MYPASS=correcthorsebattery\n"
                                     "POSTGRES_SERVER=postgresserver\nSMTPPASS=zz9plural\nBYPASS=cachekeep\n"))
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT", "DOCTOR_DEBUG")}
    env.update(NO_COLOR="1", COLUMNS="200", HOME=str(tmp_path / "home"), DOCTOR_NO_CACHE="1",
               DOCKER_HOST="unix:///nonexistent/doctor-glued-pass.sock")
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--dry-run", "."], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert "-POSTGRES_SERVER=postgresserver" in out, out  # the diff whose context holds them
    assert " MYPASS=***" in out and " SMTPPASS=***" in out, out
    assert "correcthorsebattery" not in out and "zz9plural" not in out
    assert " BYPASS=cachekeep" in out, out  # no secret: shown as written
