"""A shell expansion under a secret key names no secret: `api_token=$(ckan ... user token add ...)`.

ckan-docker's CRLF `ckan/docker-entrypoint.d/01_setup_datapusher.sh` writes
`"ckan.datapusher.api_token=$(ckan -c $CKAN_INI user token add ckan_admin datapusher | ...)"`:
`doctor fix --scripts --dry-run` showed both sides of its diff as `api_token=*** -c $CKAN_INI ...`,
a line that is no longer the script's. A literal token after the same key is still masked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.redact import Redactor, scrub, secrets_in_mapping
from doctor.secret_keys import is_expansion, secret_for_key

TOKEN = "Xk9Qw2LzPm4Rt7Vb3Nc8"
CKAN = ('      ckan config-tool $CKAN_INI "ckan.datapusher.api_token=$(ckan -c $CKAN_INI user token add '
        "ckan_admin datapusher | tail -n 1 | tr -d '\\t')\"")


@pytest.mark.parametrize("text", [
    CKAN,
    'API_TOKEN="$(cat /run/secrets/api_token)"',
    "API_TOKEN=$(cat /run/secrets/api_token)",
    "export GITHUB_TOKEN=`gh auth token`",
    'DB_PASSWORD="`cat /run/secrets/db`"',
    "API_TOKEN=$((1 + 2))",
    "API_TOKEN=${TOKEN}",
    "API_TOKEN=$TOKEN",
    "API_TOKEN=$PREFIX$SUFFIX",
    "API_TOKEN=${A}${B}; echo done",
    "password: $(vault read -field=pw secret/db)",
    "run --token $(cat /run/secrets/t) --verbose",
])
def test_a_shell_expansion_is_no_secret(text: str) -> None:
    assert scrub(text) == text
    assert Redactor().text(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    (f"ckan.datapusher.api_token={TOKEN}", "ckan.datapusher.api_token=***"),
    (f'API_TOKEN="{TOKEN}"', 'API_TOKEN="***"'),
    ("API_TOKEN=Pa$sw0rd", "API_TOKEN=***"),  # a `$` inside a literal: no expansion starts the value
    ("API_TOKEN=$(unclosed-Pw9xQ7", "API_TOKEN=***"),  # no substitution closes: it may be a password
    ("API_TOKEN=$(id)Kq7Wn2Px", "API_TOKEN=***"),  # a literal glued after it
    ("API_TOKEN=${TOKEN:-s3cretvalue}", "API_TOKEN=${TOKEN:-***}"),  # a default is a value
    (f"run --token {TOKEN} --verbose", "run --token *** --verbose"),
])
def test_a_literal_secret_under_the_same_keys_is_still_masked(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_the_value_rules_agree_with_the_shapes() -> None:
    assert not secret_for_key("API_TOKEN", "$(cat /run/secrets/api_token)")
    assert not secret_for_key("API_TOKEN", "`gh auth token`")
    assert secret_for_key("API_TOKEN", "$(unclosed")
    assert secret_for_key("API_TOKEN", TOKEN)
    assert is_expansion("$A$B") and not is_expansion("$A-literal") and not is_expansion("x$(y)")
    # a .env value that is a substitution is masked nowhere by value; a literal one everywhere
    redactor = Redactor(secrets_in_mapping({"API_TOKEN": "$(openssl rand -hex 16)", "DB_PASSWORD": TOKEN}))
    assert redactor.text("API_TOKEN=$(openssl rand -hex 16)") == "API_TOKEN=$(openssl rand -hex 16)"
    assert redactor.text(f"connecting with {TOKEN}") == "connecting with ***"


def isolated_doctor(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m doctor ARGS` as a user runs it, with caches and state of its own, no engine and no
    COMPOSE_* variable of this shell."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    env = {k: v for k, v in env.items() if not k.startswith("COMPOSE_")}
    return subprocess.run([sys.executable, "-m", "doctor", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_fix_diff_of_a_crlf_script_shows_its_command_substitution(tmp_path: Path) -> None:
    """The ckan-docker layout: a CRLF script COPY'd into the image; the dry-run diff of its line
    endings shows the substitution as written, and a literal token in the same script masked."""
    project = tmp_path / "ckan-docker"
    (project / "ckan" / "docker-entrypoint.d").mkdir(parents=True)
    (project / "ckan" / "Dockerfile").write_text(
        "FROM ckan/ckan-base:2.11\nCOPY docker-entrypoint.d/* /docker-entrypoint.d/\n")
    script = ("#!/bin/bash\n"
              'if [ -z "$CKAN__DATAPUSHER__API_TOKEN" ] ; then\n'
              f"{CKAN}\n"
              "fi\n"
              f"ckan config-tool $CKAN_INI ckan.other.api_token={TOKEN}\n")
    (project / "ckan" / "docker-entrypoint.d" / "01_setup_datapusher.sh").write_bytes(
        script.replace("\n", "\r\n").encode())
    (project / "compose.yaml").write_text("services:\n  ckan:\n    build:\n      context: ckan/\n")
    done = isolated_doctor(tmp_path, "fix", "--scripts", "--dry-run", str(project))
    assert "Traceback" not in done.stderr, done.stderr
    diff = [line for line in done.stdout.splitlines() if line.startswith(("-", "+"))]
    assert [line for line in diff if "datapusher.api_token=" in line] == [
        f"-{CKAN}\\r", f"+{CKAN}"], done.stdout
    assert TOKEN not in done.stdout + done.stderr
    assert "ckan.other.api_token=***" in done.stdout
