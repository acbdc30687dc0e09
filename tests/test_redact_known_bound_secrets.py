"""Secret files a service binds in instead of compose's `secrets:` (at or under /run/secrets, or the file a
`*_FILE` variable of a secret names) are read as a compose secret's file is: their text and lines are known
values. A file named for no secret (`db_user`), a big one (a CA bundle) or a binary one is not read.

Before: `DB_PASSWORD_FILE=/run/secrets/db_pass` with `./db_pass.txt:/run/secrets/db_pass:ro` and a container
logging the password had `doctor why` print `auth failed using SfPw9xLq2`: only `secrets:` files were read.
"""

from __future__ import annotations

from pathlib import Path

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  app:
    image: busybox
    environment:
      DB_PASSWORD_FILE: /run/secrets/db_pass
      API_TOKEN_FILE: /app/config/token
      DB_USER_FILE: /app/config/user
    volumes:
      - ./db_pass.txt:/run/secrets/db_pass:ro
      - ./config:/app/config:ro
  worker:
    image: busybox
    volumes:
      - ./secrets:/run/secrets:ro
"""


def _redactor(root: Path):  # type: ignore[no-untyped-def]
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "db_pass.txt").write_text("SfPw9xLq2\n")
    (root / "config").mkdir()
    (root / "config" / "token").write_text("CfTok7Mn4Qz\n")
    (root / "config" / "user").write_text("appuser\n")
    (root / "config" / "other.txt").write_text("NotRead8Kq\n")  # no *_FILE names it, not under /run/secrets
    (root / "secrets").mkdir()
    (root / "secrets" / "api_key").write_text("DirKey5Wn8\n")
    (root / "secrets" / "db_user").write_text("reporter\n")
    (root / "secrets" / "bundle.pem").write_text("Bundle7Line9x\n" * 10_000)  # 140 KB: no secret's file
    return project_redactor(Project(ProjectOptions(path=root, env={})))


def test_a_bound_secret_files_content_is_masked_wherever_it_appears(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path)
    assert redactor.text("sf-1  | auth failed using SfPw9xLq2") == "sf-1  | auth failed using ***"
    assert redactor.text("token CfTok7Mn4Qz refused; key DirKey5Wn8") == "token *** refused; key ***"


def test_files_that_are_no_secrets_stay_readable(tmp_path: Path) -> None:
    said = "user appuser and reporter, NotRead8Kq, Bundle7Line9x"
    assert _redactor(tmp_path).text(said) == said
