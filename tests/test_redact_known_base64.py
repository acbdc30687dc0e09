"""A known secret is also masked base64-encoded, as `printf %s "$DB_PASSWORD" | base64` writes it and as
`echo "$DB_PASSWORD" | base64` does (the newline after it encoded too), padded or not.

Before: a container logging `sent $(printf %s "$DB_PASSWORD" | base64)` was quoted by `doctor why` as
`sent RGJwNHNzVzByZFg= and RGJwNHNzVzByZFgK`, the project's DB_PASSWORD=Dbp4ssW0rdX to whoever decodes it.
"""

from __future__ import annotations

import base64
from pathlib import Path

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions
from doctor.secret_pieces import base64_forms


def _redactor(root: Path):  # type: ignore[no-untyped-def]
    (root / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: .env\n")
    (root / ".env").write_text("DB_PASSWORD=Dbp4ssW0rdX\nAPI_TOKEN=t0k?>>~Zq8\nSHORT_PASSWORD=x7q9\nAPP_NAME=shop\n")
    return project_redactor(Project(ProjectOptions(path=root, env={})))


def test_a_known_secret_base64_encoded_is_masked(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path)
    assert redactor.text("b64-1  | sent RGJwNHNzVzByZFg= and RGJwNHNzVzByZFgK") == "b64-1  | sent *** and ***"
    token = base64.b64encode(b"t0k?>>~Zq8").decode()
    bare = token.rstrip("=")
    assert token != bare
    assert redactor.text(f"sig {token} and bare {bare}") == "sig *** and bare ***"
    assert redactor.text("pin eDdxOQ== given") == "pin *** given"  # a short one where it stands alone


def test_a_plain_values_base64_stays_readable(tmp_path: Path) -> None:
    said = f"name {base64.b64encode(b'shop').decode()}"
    assert _redactor(tmp_path).text(said) == said


def test_the_forms_echo_and_printf_write() -> None:
    forms = base64_forms("Dbp4ssW0rdX")
    assert {"RGJwNHNzVzByZFg=", "RGJwNHNzVzByZFg", "RGJwNHNzVzByZFgK"} <= forms


def test_what_why_learns_from_the_logs_keeps_the_encoded_forms(tmp_path: Path) -> None:
    learned = _redactor(tmp_path).knowing(["Lg5mQx8Vw"])
    encoded = base64.b64encode(b"Lg5mQx8Vw\n").decode()
    assert learned.text(f"sent RGJwNHNzVzByZFg= and {encoded}") == "sent *** and ***"


def test_the_forms_are_made_only_for_a_text_that_may_hold_one(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path)
    assert redactor.text("services postgres started on port 8080") == "services postgres started on port 8080"
    assert redactor._forms is None  # no run of base64 characters: nothing encoded, nothing looked up
    assert redactor.text("sent RGJwNHNzVzByZFgK") == "sent ***"
    assert redactor._forms is not None
