"""A secret no word on its own line names, given away by the line before it or the id beside it: an AWS secret
access key after its `AKIA...` id (a CSV's row, `id secret`, the next line), Elasticsearch's generated `elastic`
password under its heading (first start, `elasticsearch-reset-password`), Kibana's enrollment token under its
heading; and a hex token that prose names with `is` between (`your auth token is 3f2a...`) or after `sid`.

Before: `doctor why` quoted each of them in the clear from a failed `up`'s logs (`es01-1  | LE*zCliAiSj*0Dp1Usdn`).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from doctor.host.containers import ContainerState
from doctor.redact import Redactor, scrub
from doctor.secret_beside import secrets_beside
from doctor.why.command import WhyOptions, why

SECRET = "q1X9rT4bVz0Lm8NwK2pH6sJd3Fy7Gc5Ae/Uo+WiR"
ES_FIRST_START = (
    "es01-1  | ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n"
    "es01-1  | ✅ Elasticsearch security features have been automatically configured!\n"
    "es01-1  | ✅ Authentication is enabled and cluster connections are encrypted.\n"
    "es01-1  | \n"
    "es01-1  | ℹ️  Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):\n"
    "es01-1  |   LE*zCliAiSj*0Dp1Usdn\n"
    "es01-1  | \n"
    "es01-1  | ℹ️  HTTP CA certificate SHA-256 fingerprint:\n"
    "es01-1  |   c6879864aeda3732660ea4123582c2e6f01c4eb7e8e74565da8b32a8d9f061c\n"
    "es01-1  | \n"
    "es01-1  | ℹ️  Configure Kibana to use this cluster:\n"
    "es01-1  | • Copy the following enrollment token and paste it into Kibana in your browser"
    " (valid for the next 30 minutes):\n"
    "es01-1  |   eyJ2ZXIiOiI4LjE0LjAiLCJhZHIiOlsiMTkyLjE2OC44MC4xMjg6OTIwMCJdLCJmZ3IiOiJjNjg3OTg2NGFlZGEzNzMy\n"
)


@pytest.mark.parametrize(("text", "shown"), [
    (f"AKIAZ3MSJV4WWNKWW5FG {SECRET}", "*** ***"),
    (f"Access key ID,Secret access key\nAKIAZ3MSJV4WWNKWW5FG,{SECRET}\n",
     "Access key ID,Secret access key\n***,***\n"),
    (f"AKIAZ3MSJV4WWNKWW5FG\n{SECRET}", "***\n***"),
    (f'["ASIAZ3MSJV4WWNKWW5FG", "{SECRET}"]', '["***", "***"]'),
    # 40 characters beside no id: a digest, a path, stay
    ("sha1 0123456789abcdef0123456789abcdef01234567", "sha1 0123456789abcdef0123456789abcdef01234567"),
    ("Password for the [elastic] user successfully reset.\nNew value: 5Nq*lA0zmX-Tk2YfUu9p\n",
     "Password for the [elastic] user successfully reset.\nNew value: ***\n"),
    ("The generated password for the elastic built-in superuser is : cJJJDI5kTQzJ_YpGdqVw\n",
     "The generated password for the elastic built-in superuser is : ***\n"),
    # Kibana's enrollment token alone, as doctor why quotes a stopped container's last log line
    ("es01-1  |   eyJ2ZXIiOiI4LjE0LjAiLCJhZHIiOlsiMTkyLjE2OC44MC4xMjg6OTIwMCJdLCJmZ3IiOiJjNjg3OTg2NGFlZGEzNzMy",
     "es01-1  |   ***"),
    ("your auth token is 3f2a9c1b7d4e8f6a0b5c2d9e1f7a3b4c", "your auth token is ***"),
    ("Jenkins API token was 11e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7 for admin", "Jenkins API token was *** for admin"),
    ("session sid 3f2a9c1b7d4e8f6a0b5c2d9e1f7a3b4c expired", "session sid *** expired"),
    # prose around a hex that is no secret, and a heading whose next line is prose or a command
    ("commit 3f2a9c1b7d4e8f6a0b5c2d9e1f7a3b4c is the token fix",
     "commit 3f2a9c1b7d4e8f6a0b5c2d9e1f7a3b4c is the token fix"),
    *[(text, text) for text in [
        "Reset the password of the elastic built-in superuser with\n"
        "'/usr/share/elasticsearch/bin/elasticsearch-reset-password -u elastic'."]],
    ("To reset the password for the elastic user, run:\n  bin/elasticsearch-reset-password\n",
     "To reset the password for the elastic user, run:\n  bin/elasticsearch-reset-password\n"),
])
def test_a_secret_the_line_before_or_the_id_beside_gives_away_is_masked(text: str, shown: str) -> None:
    assert scrub(text) == shown


def test_elasticsearch_first_start_output_masks_the_password_and_the_enrollment_token_only() -> None:
    found: set[str] = set()
    shown = scrub(ES_FIRST_START, found.add)
    assert "LE*zCliAiSj*0Dp1Usdn" not in shown and "es01-1  |   ***\n" in shown
    assert "eyJ2ZXIiOiI4" not in shown
    assert "c6879864aeda3732660ea4123582c2e6f01c4eb7e8e74565da8b32a8d9f061c" in shown  # a fingerprint, public
    assert "LE*zCliAiSj*0Dp1Usdn" in found


PASSWORD = "LE*zCliAiSj*0Dp1Usdn"
ES_REPLAY = Path(__file__).parent / "replay" / "awesome-compose-elasticsearch-logstash-kibana"


def test_the_secrets_a_heading_gives_away_are_found_in_an_interleaved_up() -> None:
    # compose's attached output interleaves the services' lines: the heading and its value are each es01's
    piped = ("es01-1  | ℹ️  Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):\n"
             "kibana-1  | [2024-05-18T10:00:00.000+00:00][INFO ][root] Kibana is starting\n"
             f"es01-1  |   {PASSWORD}\n")
    assert secrets_beside([piped]) == {PASSWORD}
    assert secrets_beside(["password for the elastic user is in the keystore\n  bin/elasticsearch-keystore\n"]) == set()


def test_a_redactor_knowing_more_masks_them_and_keeps_the_rest() -> None:
    redactor = Redactor(["Zq4wLp9xKd"], ["es01"])
    assert redactor.knowing(()) is redactor
    knows = redactor.knowing({PASSWORD})
    assert knows.text(f"  {PASSWORD}") == "  ***" and knows.text("Zq4wLp9xKd es01") == "*** es01"
    assert redactor.text(f"  {PASSWORD}") == f"  {PASSWORD}"  # the project's own is unchanged


def test_doctor_why_masks_the_password_a_heading_gave_away_where_it_quotes_the_bare_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Elasticsearch 8's first start (the awesome-compose stack on an 8.x image), killed right after its banner:
    # `doctor why` quotes the last log line alone, the password, without the heading above it
    import doctor.host.containers as containers

    log = tuple(line.split("|", 1)[1][1:] for line in ES_FIRST_START.splitlines()[:6] if line.split("|", 1)[1].strip())
    dead = ContainerState(id="c", name="es", service="elasticsearch", state="exited", exit_code=1, log_tail=log)
    monkeypatch.setattr(containers, "project_containers", lambda engine, name, **_: (dead,))
    root = tmp_path / "elk"
    shutil.copytree(ES_REPLAY, root)
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"], "DOCKER_HOST": f"unix://{tmp_path}/none.sock"}
    for fmt in ("console", "json"):
        out = io.StringIO()
        why(WhyOptions(path=root, service="elasticsearch", format=fmt, env=env), out)
        assert PASSWORD not in out.getvalue(), out.getvalue()
        assert "***" in out.getvalue()
