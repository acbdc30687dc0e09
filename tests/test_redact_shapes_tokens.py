"""More token formats are masked by their shape under any key and in log prose (Slack's `xapp-`, Google's `ya29.`
and `1//0`, Discord bot tokens, Terraform's `.atlasv1.`, Groq's `gsk_`, Replicate's `r8_`, Notion's `secret_`,
Figma's `figd_`, shorter Atlassian, Square, Fly.io and Airtable tokens), and a short random secret right after a
word that names one (`tried password Zr8qLm3vXp2`).

Before: `MYCFG=<token>` of each printed in the clear in fix --dry-run's diff context, and doctor why quoted a
container's `tried password Zr8qLm3vXp2`, `token "QtTok4Lm9Xz2" invalid`, `Using API key AbCdEf1234567890Xy`
(the prose rule wanted 24 characters).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from doctor.redact import scrub

TOKENS = [
    "xapp-1-A0123456789-0123456789012-abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
    "ya29.a0AfH6SMBAb1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3",
    "1//0gAb1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7",
    "MTE5ODc2NTQzMjEwOTg3NjU0.GxYz12.Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2",
    "ATATT3xFfGF0Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6=A1B2C3D4",
    "Xq7LmN2pR8sT4v.atlasv1.Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8",
    "AbCdEf.atlasv1.Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8",
    "pat1234567890abcde.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "gsk_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7",
    "r8_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2",
    "secret_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4",
    "fo1_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4",
    "figd_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2",
    "EAAAEAbCdEf1234567890AbCdEf1234567890AbCdEf1234567890AbCdEf12",
]
PROSE = [
    ("tried password Zr8qLm3vXp2", "Zr8qLm3vXp2"),
    ('token "QtTok4Lm9Xz2" invalid', "QtTok4Lm9Xz2"),
    ("Using API key AbCdEf1234567890Xy", "AbCdEf1234567890Xy"),
    (f"{TOKENS[8]} rejected", TOKENS[8]),
]


@pytest.mark.parametrize("token", TOKENS)
def test_a_token_under_an_ordinary_key_is_masked(token: str) -> None:
    found: list[str] = []
    assert scrub(f"MYCFG={token}", found.append) == "MYCFG=***"
    assert token in found
    assert scrub(f"sending {token} upstream") == "sending *** upstream"


@pytest.mark.parametrize(("text", "secret"), PROSE)
def test_a_short_secret_a_word_names_in_prose_is_masked(text: str, secret: str) -> None:
    assert scrub(text) == text.replace(secret, "***")


@pytest.mark.parametrize("text", [
    "password authentication failed for user postgres",
    "signing key SHA256withRSA; api key v1alpha1; key MyApp2Service3; key Password123",
    "token expired, secret not found, key sha256:abc",
    "a generated password `Xy7$kLmQ9pw` is named as that",
    "secret_key_base_abcdefghijklmnopqrstuvwxyz0123456789 and secret_key_base",
    "Microsoft.Extensions.Logging.Console and OAuth2Proxy.Config.Loader.Module.Name",
    "My name is Nobody.Special and see N.B. or Ostrich.Feathers.Collection",
    "https://example.com/terraform.atlasv1.docs",
])
def test_identifiers_and_prose_stay(text: str) -> None:
    assert scrub(text) == text


def test_long_adversarial_lines_are_masked_fast() -> None:
    for text in ("M" * 1_000_000, ("M" + "a" * 25 + ".") * 37_000, ("Mabcdefghijklmnopqrstuvwxyz.abcdef.") * 28_000,
                 ".atlasv1." * 110_000, ("a" * 60 + ".atlasv1.") * 14_000, "password " * 110_000,
                 "token Ab1Cd2Ef3 " * 60_000, "ya29." * 200_000, "1//0" * 250_000):
        started = time.process_time()
        scrub(text)
        assert time.process_time() - started < 5.0


def _doctor(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_PROJECT_NAME")}
    env.update(NO_COLOR="1", COLUMNS="400", XDG_STATE_HOME=str(cwd / ".state"),
               DOCKER_HOST="unix:///nonexistent/doctor-shapes-tokens.sock")
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def _project(root: Path) -> Path:
    (root / "compose.yaml").write_text(
        "services:\n  redis:\n    image: redis:7\n  app:\n    image: busybox\n    env_file: .env\n")
    (root / ".env").write_text("".join(f"MYCFG{i}={token}\n" for i, token in enumerate(TOKENS))
                               + "REDIS_HOST=redisserver\n")
    return root


def test_fix_dry_runs_diff_context_masks_each_token(tmp_path: Path) -> None:
    out = _doctor(["fix", "--dry-run", "."], _project(tmp_path))
    assert "+REDIS_HOST=redis" in out and f"MYCFG{len(TOKENS) - 1}=***" in out, out
    assert not [token for token in TOKENS if token in out], out


def test_doctor_why_masks_tokens_and_short_secrets_in_a_log(tmp_path: Path) -> None:
    lines = [text for text, _ in PROSE] + [f"upstream said {token}" for token in TOKENS]
    piped = "Attaching to app-1\n" + "".join(f"app-1  | {line}\n" for line in lines) + "app-1 exited with code 1\n"
    out = _doctor(["why", "-p", "doctor-h-redfixa-tokens", "."], _project(tmp_path), piped)
    assert "app" in out and "exited" in out, out
    assert not [token for token in TOKENS if token in out], out
    assert not [secret for _, secret in PROSE if secret in out], out
