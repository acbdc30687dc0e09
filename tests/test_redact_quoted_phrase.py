"""A quoted command line whose last word ends in a secret's key name is no `'KEY': value`: on
openwisp/docker-openwisp (Makefile:36, `python build.py change-secret-key`) preflight's fix line read
`run it as '... python build.py change-secret-key': *** compose --project-directory . ...`, the
command doctor gives to copy losing its first word, `docker`. A quoted key (`'KEY': v`, `"KEY": v`,
`\\"KEY\\": v`) has its quote on both sides and stays masked."""

from __future__ import annotations

import pytest

from doctor.redact import Redactor, scrub

OPENWISP = ("run it as 'docker compose run --build --rm nginx python build.py change-secret-key': docker compose "
            "--project-directory . -p openwispdocker-openwisp -f docker-compose.yml run --build --rm nginx python "
            "build.py change-secret-key")


def test_a_quoted_command_ending_in_a_key_name_keeps_the_command_after_it() -> None:
    assert Redactor().text(OPENWISP) == OPENWISP
    assert scrub(OPENWISP) == OPENWISP
    assert Redactor().text("run it as 'manage.py set-password': docker compose") == (
        "run it as 'manage.py set-password': docker compose")


@pytest.mark.parametrize(("text", "shown"), [
    ("{'DB_PASSWORD': 'hunter2x'}", "{'DB_PASSWORD': '***'}"),
    ('{"api_token": "abc123zz"}', '{"api_token": "***"}'),
    ('{\\"secret_key\\": \\"Zq8x7Wk2\\"}', '{\\"secret_key\\": \\"***\\"}'),
    ("'SECRET_KEY': s3cr3tv4lue", "'SECRET_KEY': ***"),
    ("'DB_PASSWORD' : hunter2x", "'DB_PASSWORD' : ***"),
    ("password: hunter2x", "password: ***"),
    # keys of a few words (6e7db2d read their last word as a phrase's and showed the value)
    ('{"Secret Key": "hunter2xyzq"}', '{"Secret Key": "***"}'),
    ('{"db password": "hunter2xyzq"}', '{"db password": "***"}'),
    ('"App Secret": hunter2xyzq', '"App Secret": ***'),
    ("{'aws secret_access_key': 'AbCdEf123456'}", "{'aws secret_access_key': '***'}"),
])
def test_a_quoted_key_still_masks_its_value(text: str, shown: str) -> None:
    assert Redactor().text(text) == shown
