"""A mask shows neither a part of a secret nor loses the shape of the text around it.

compose's (and compose-config's) go-units error for `mem_limit: ${SECRET}` quoted the number it cut of
the value: `strconv.ParseFloat: parsing "Sc3Vb7"` of SECRET=Sc3Vb7Nq, 6 of its 8 characters, where
masking by value covered the whole value only. A PEM private key in a fix's diff lost its line breaks to
the mask: `PRIV="-----BEGIN OPENSSH PRIVATE KEY-----******` and the END line right after it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.project.gosize import size_error
from doctor.redact import Redactor, scrub

REPO = Path(__file__).resolve().parents[1]
BODY = ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        "QyNTUxOQAAACDr4B7Zk9vJq2xQd3LmN8pRt5sWv6yUa1bHc0eFg2iJkQAAAJiNq3LmjatyLm"]
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(BODY) + "\n-----END OPENSSH PRIVATE KEY-----"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCTOR_DEBUG")}
    env.update(NO_COLOR="1", COLUMNS="200", HOME=str(home), XDG_STATE_HOME=str(home / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-partial.sock")
    return env


@pytest.mark.parametrize(("value", "part"), [("Sc3Vb7Nq", "Sc3Vb7"), ("9xKqLmNpZr", "xKqLmNpZr")])
def test_the_part_of_a_secret_a_size_error_quotes_is_masked(value: str, part: str) -> None:
    error = size_error(value)
    assert error is not None and f"{part}" in error  # go-units quotes that part, as compose prints it
    shown = Redactor([value]).text(f"'services[app].mem_limit' {error}")
    assert part not in shown and "***" in shown


def test_a_plain_size_error_stays_readable() -> None:
    error = size_error("12x4m")
    assert Redactor(["Sc3Vb7Nq"]).text(f"x {error}") == f"x {error}"


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_compose_configs_size_error_shows_no_part_of_the_secret(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    mem_limit: ${SECRET}\n")
    (tmp_path / ".env").write_text("SECRET=Sc3Vb7Nq\n")
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", fmt, str(tmp_path)],
                          capture_output=True, text=True, env=_env(tmp_path / "home"), timeout=120)
    assert "mem_limit" in done.stdout and "strconv.ParseFloat" in done.stdout, done.stdout + done.stderr
    assert "Sc3Vb7" not in done.stdout + done.stderr


def test_a_private_keys_body_is_masked_line_by_line() -> None:
    assert scrub(f'PRIV="{KEY}"') == ('PRIV="-----BEGIN OPENSSH PRIVATE KEY-----\n***\n***\n'
                                      '-----END OPENSSH PRIVATE KEY-----"')
    diff = " SECRET_KEY=x\n PRIV=\"" + KEY.replace("\n", "\n ") + "\"\n-A=1\n+A=2\n"
    shown = Redactor([KEY]).text(diff)
    assert shown.splitlines() == [" SECRET_KEY=***", ' PRIV="-----BEGIN OPENSSH PRIVATE KEY-----', " ***", " ***",
                                  ' -----END OPENSSH PRIVATE KEY-----"', "-A=1", "+A=2"]


def test_a_fix_diff_keeps_a_private_keys_lines(tmp_path: Path) -> None:
    root = tmp_path / "broken-stack"
    shutil.copytree(REPO / "examples" / "broken-stack", root)
    with (root / ".env").open("a") as env:
        env.write(f'STATS_SERVER=postgresserver\nPRIV="{KEY}"\nOTHER_SERVER=postgresserver\n')
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--dry-run", str(root)], capture_output=True,
                          text=True, env=_env(tmp_path / "home"), timeout=120)
    lines = done.stdout.splitlines()
    begin = next(i for i, line in enumerate(lines) if "BEGIN OPENSSH PRIVATE KEY" in line)
    assert lines[begin].endswith("-----BEGIN OPENSSH PRIVATE KEY-----"), done.stdout
    assert [line.strip() for line in lines[begin + 1:begin + 4]] == ["***", "***", '-----END OPENSSH PRIVATE KEY-----"']
    assert not any(part in done.stdout for part in BODY)


@pytest.mark.parametrize(("secret", "text"), [
    # a size part that is a lower-case word is no piece of a secret: masked wherever it stands alone, the
    # suffix `password` of `my root password` hid MySQL's `(using password: YES)`, and `secret` of `2fa.secret`
    ("my root password", "Access denied for user 'app'@'172.18.0.3' (using password: YES)"),
    ("2fa.secret", "the secret is not set"),
])
def test_a_size_part_that_is_a_word_stays_readable(secret: str, text: str) -> None:
    assert Redactor([secret]).text(text) == text
    assert Redactor([secret]).text(f"x {secret} y") == "x *** y"
