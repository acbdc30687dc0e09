"""Building the Redactor of a big `.env` (200,000 secret keys, 7.7 MB) spent ~1.5 s of ~10 s making
each value's escaped forms (its `$$`, `''`, JSON and XML spellings: ten strings, then a set) though a
value of plain printable ASCII has no form but itself; and go-units' cut of each value (what a size
error quotes, doctor.project.gosize.size_parts) looked for each of twelve characters over the whole
value. Both now do the work their value needs, with the same results. Work is counted, not timed."""

from __future__ import annotations

import json
import random

import pytest

from doctor import secret_pieces
from doctor.project import gosize
from doctor.redact import Redactor


def _slow_forms(value: str) -> set[str]:
    written = {value, value.replace("$", "$$"), value.replace("'", "''"),
               value.replace("\\", "\\\\").replace('"', '\\"'), repr(value)[1:-1]}
    forms = set(written)
    for form in written:
        forms.update({json.dumps(form, ensure_ascii=False)[1:-1], json.dumps(form)[1:-1],
                      form.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")})
    return forms


def _slow_parts(text: str) -> tuple[str, str] | None:
    sep = max((text.rfind(c) for c in "0123456789. "), default=-1)
    if sep == -1:
        return None
    return (text[:sep + 1], text[sep + 1:]) if text[sep] != " " else (text[:sep], text[sep + 1:])


def test_forms_and_parts_are_what_the_full_spelling_gives() -> None:
    rng = random.Random(7)
    alphabet = "aZ9. $\"'\\&<>\né\t/"
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(9)))
        assert secret_pieces.escaped_forms(value) == _slow_forms(value), value
        assert gosize.size_parts(value) == _slow_parts(value), value


def test_a_plain_secret_is_spelled_no_other_way(monkeypatch: pytest.MonkeyPatch) -> None:
    encoded = [0]
    dumps = json.dumps

    def counted(*args: object, **kwargs: object) -> str:
        encoded[0] += 1
        return dumps(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(secret_pieces.json, "dumps", counted)
    values = [f"Kq7Wn2Px9Lz4Rt{i}" for i in range(1000)]
    redactor = Redactor(values)
    assert encoded[0] == 0
    assert redactor.text("token Kq7Wn2Px9Lz4Rt17 here") == "token *** here"
    Redactor(["Pa$$w0rd-9x"])
    assert encoded[0] > 0  # one with a `$` has its `$$` spelling, JSON's and XML's
