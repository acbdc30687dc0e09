"""A yes/no after a secret's key is no secret in any case: MySQL's `Access denied for user 'app'@'...'
(using password: YES)` showed as `(using password: ***)` in `doctor why`'s symptom (every format), which
hides the one fact the line gives: YES, a wrong password was sent; NO, none was (the variable never
reached the app). `yes` and `true` were already let through; `YES`, `NO`, `TRUE` now are too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.redact import Redactor, scrub

DENIED = "ERROR 1045 (28000): Access denied for user 'app'@'172.18.0.3' (using password: {})"


@pytest.mark.parametrize("answer", ["YES", "NO"])
def test_mysqls_using_password_answer_is_shown(answer: str) -> None:
    assert scrub(DENIED.format(answer)) == DENIED.format(answer)
    assert Redactor().text(DENIED.format(answer)) == DENIED.format(answer)


@pytest.mark.parametrize(("text", "shown"), [
    ("DB_PASSWORD: TRUE", "DB_PASSWORD: TRUE"),
    ("password=Off", "password=Off"),
    ("DB_PASSWORD=Yes123", "DB_PASSWORD=***"),  # a word that only starts like one stays a secret
    ("DB_PASSWORD=YESNO", "DB_PASSWORD=***"),
])
def test_a_flag_word_in_any_case_is_no_secret_and_nothing_else_changes(text: str, shown: str) -> None:
    assert scrub(text) == shown


def test_why_shows_whether_mysql_got_a_password(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    piped = f" Container {tmp_path.name}-web-1  Started\nweb-1  | {DENIED.format('YES')}\nweb-1 exited with code 1\n"
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "doctor", "why", str(tmp_path)], input=piped, capture_output=True,
                          text=True, env=env, timeout=60)
    assert "(using password: YES)" in done.stdout, done.stdout + done.stderr
