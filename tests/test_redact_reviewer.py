"""The reviewer's redaction defects, through real runs of doctor: whole values masked, secrets
under innocent keys masked by their shape, `${VAR}` references readable.

One project plants every value the reviewer reproduced (in `.env` beside service-name drifts, so
`fix --dry-run` prints them as diff context, and in an edit's old/new text), and every output is
searched for each 4-character piece of each secret; the keys, hosts, paths and references
around them must stay readable. A piece that doctor prints anyway (`ect ` of `correct`, `cret`
of its own docs' "secret") is told apart by a control run of the same project with every letter
and digit of the secrets replaced by `Z`: a piece counts only when the control run lacks it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SENTRY_KEY = "0123456789abcdef0123456789abcdef"
NEXTAUTH = "3f9a7c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a"

# (.env line, the secret in it, what the output must show instead)
ENV_LINES = [
    ("MASTER_PASS=correct horse battery staple", "correct horse battery staple", "MASTER_PASS=***"),
    ("REDIS_URL=redis://:hunter@2025@rediss:6379/0", "hunter@2025", "redis://:***@rediss:6379/0"),
    ("API_TOKEN=it's\"Quote2Tail", "it's\"Quote2Tail", "API_TOKEN=***"),
    ("REDIS_PASSWORD=back\\slash4Tail", "back\\slash4Tail", "REDIS_PASSWORD=***"),
    (f"NEXTAUTH={NEXTAUTH}", NEXTAUTH, "NEXTAUTH=***"),
    ("DJANGO_SK=django-insecure-k3$j9x!q2w@e4r5t6y7u8i9o0p", "django-insecure-k3$j9x!q2w@e4r5t6y7u8i9o0p",
     "DJANGO_SK=***"),
    ("MEILI_MASTER=Mk9Lp2Qr7Xz4Wv8Bn3Hj6Tg1Ys5Dc0Fa", "Mk9Lp2Qr7Xz4Wv8Bn3Hj6Tg1Ys5Dc0Fa", "MEILI_MASTER=***"),
    ("SESSION_SIGNING=Hq7mZ2pL9xK4vR8nT3wY6sB1cF5gJ0dA", "Hq7mZ2pL9xK4vR8nT3wY6sB1cF5gJ0dA", "SESSION_SIGNING=***"),
    ("ENCRYPTION=b64:dGhpc2lzYXZlcnlsb25nc2VjcmV0a2V5MTIzNDU2Nzg=",
     "b64:dGhpc2lzYXZlcnlsb25nc2VjcmV0a2V5MTIzNDU2Nzg=", "ENCRYPTION=***"),
    (f"SENTRY=https://{SENTRY_KEY}@o123.ingest.sentry.io/456", SENTRY_KEY, "SENTRY=https://***@o123.ingest.sentry.io/456"),
    ("POSTGRES_PASSWORD=PgPass8xq", "PgPass8xq", "POSTGRES_PASSWORD=***"),
]
# values that are not secrets and sit beside them: they must stay readable
PLAIN_LINES = [
    "STATIC_ROOT=/srv/app/static",
    "CACHE_HOST=cache.internal.example",
    "APP_PORT=8080",
    "APP_IMAGE=ghcr.io/acme/app:1.4.2",
    "DOCS_URL=https://docs.example.com/guide",
    "TENANT_ID=123e4567-e89b-12d3-a456-426614174000",
    "OPAMP_GO_REF=fc016b0599ee6cb5ba479452055a3370e7238aaa",
]
DRIFT = "DATABASE_URL=postgres://app:pg@Pass9@postgresserver/app"  # an edit whose old/new hold a secret

COMPOSE = """\
services:
  db:
    image: postgres:16
  web:
    image: nginx
    env_file: .env
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}
      SMTP_PASSWORD: ${SMTP_PASSWORD:-}
      MAIL_PASSWORD: ${MAIL_PASSWORD:-Dflt5ecretPw}
      APP_DATABASE_URL: postgres://u:x@postgresserver/x
      Y_PASSWORD: 'it''s Yaml7Tail'
      LOG_LEVEL: info
"""
COMPOSE_SECRETS = ["it's Yaml7Tail", "Dflt5ecretPw", "pg@Pass9"]
COMPOSE_SHOWN = ["Y_PASSWORD: '***'", "${MAIL_PASSWORD:-***}", "${POSTGRES_PASSWORD:?Variable not set}",
                 "SMTP_PASSWORD: ${SMTP_PASSWORD:-}", "LOG_LEVEL: info"]
SECRETS = [secret for _, secret, _ in ENV_LINES] + COMPOSE_SECRETS


def _hidden(text: str) -> str:
    """The text with the letters and digits of every secret replaced by Z (the control project)."""
    for secret in sorted(SECRETS, key=len, reverse=True):
        text = text.replace(secret, "".join("Z" if c.isalnum() else c for c in secret))
    return text


def _env_text() -> str:
    """Every planted line within three lines of a drifted URL, so the diff shows it as context."""
    lines: list[str] = []
    for index, line in enumerate([*(line for line, _, _ in ENV_LINES), *PLAIN_LINES]):
        lines.append(line)
        if index % 3 == 2:
            lines.append(f"DATABASE_URL{index}=postgres://u:x@postgresserver/x")
    lines.append(DRIFT)
    return "\n".join(lines) + "\n"


def _instant_shell(folder: Path) -> Path:
    """A login shell that prints the inherited PATH at once, asked once before the runs (`_env`),
    so each run of `outputs` and `control` gets the same path-gap result: with the machine's own
    shell, whether it answered within path-gap's 50 ms varied from run to run, and without a
    cached PATH a first run notes that the shell is asked after it (its refresher may or may not
    have answered by the next run): a note in one output but not the other."""
    from doctor.host.early import MARK

    shell = folder / "instant-shell"
    shell.write_text(f'#!/bin/sh\nprintf "{MARK}%s{MARK}" "$PATH"\n')
    shell.chmod(0o755)
    return shell


def _env(cache: Path) -> dict[str, str]:
    """The runs' environment, its login shell's PATH already cached in `cache`."""
    from doctor.host.shell import ShellPaths

    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250", "XDG_CACHE_HOME": str(cache),
           "SHELL": str(_instant_shell(cache))}
    env.pop("GITHUB_ACTIONS", None)
    env.pop("POSTGRES_PASSWORD", None)
    assert ShellPaths(env).login.ok
    return env


def _run(project: Path, cache: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "doctor", *args, str(project)], env=_env(cache),
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def _outputs(tmp_path_factory: pytest.TempPathFactory, shown: Callable[[str], str]) -> dict[str, str]:
    project = tmp_path_factory.mktemp("reviewer")
    (project / "compose.yaml").write_text(shown(COMPOSE))
    (project / ".env").write_text(shown(_env_text()))
    cache = tmp_path_factory.mktemp("reviewer-cache")
    return {
        "fix": _run(project, cache, "fix", "--dry-run", "--yes"),
        "console": _run(project, cache, "preflight"),
        "json": _run(project, cache, "preflight", "--format", "json"),
        "sarif": _run(project, cache, "preflight", "--format", "sarif"),
    }


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _outputs(tmp_path_factory, lambda text: text)


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _outputs(tmp_path_factory, _hidden)


def _pieces(secret: str) -> set[str]:
    return {secret[i:i + 4] for i in range(len(secret) - 3)}


@pytest.mark.parametrize("fmt", ["fix", "console", "json", "sarif"])
@pytest.mark.parametrize("secret", SECRETS)
def test_no_piece_of_a_secret_is_printed(outputs: dict[str, str], control: dict[str, str], fmt: str,
                                         secret: str) -> None:
    import json

    text = outputs[fmt]
    escaped = json.dumps(secret)[1:-1]
    pieces = _pieces(secret) | _pieces(escaped)
    leaked = sorted(p for p in pieces if p in text and p not in control[fmt])
    assert leaked == [], f"{fmt}: {leaked}\n{text}"
    # most pieces are checked: absent from what the control says of its own project (the SARIF's rules carry each
    # check's documentation, the same in both, whose words, `incorrect label`, hold pieces of a passphrase)
    said = _without_rules(control[fmt]) if fmt == "sarif" else control[fmt]
    assert len([p for p in pieces if p not in said]) * 3 >= len(pieces)


def _without_rules(sarif: str) -> str:
    """The SARIF log without its rules' static help: what it says of the project alone."""
    import json

    log = json.loads(sarif)
    for run in log["runs"]:
        run["tool"]["driver"].pop("rules", None)
    return json.dumps(log)


@pytest.mark.parametrize("shown", [shown for _, _, shown in ENV_LINES] + PLAIN_LINES + COMPOSE_SHOWN)
def test_the_diff_shows_each_line_with_its_key_and_context(outputs: dict[str, str], shown: str) -> None:
    assert shown in outputs["fix"], outputs["fix"]


def test_json_edits_hold_the_masked_old_and_new_text(outputs: dict[str, str]) -> None:
    import json

    report = json.loads(outputs["json"])
    edits = [e for f in report["findings"] if f["fix"] for e in f["fix"]["edits"]]
    pairs = {(e["old"], e["new"]) for e in edits}
    assert ("DATABASE_URL=postgres://app:***@postgresserver/app", "DATABASE_URL=postgres://app:***@db/app") in pairs
    assert ("      APP_DATABASE_URL: postgres://u:***@postgresserver/x",
            "      APP_DATABASE_URL: postgres://u:***@db/x") in {(o.rstrip("\n"), n.rstrip("\n")) for o, n in pairs}
    messages = " ".join(f["message"] for f in report["findings"])
    assert "'rediss'" in messages and "'postgresserver'" in messages and "'db'" in messages
