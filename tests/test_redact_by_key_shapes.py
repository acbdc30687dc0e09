"""A secret-named key's value is masked whatever its shape: a UUID (the shapes call it an id, so only its
key says it is a secret) is masked wherever it appears, as any long random value is."""

from __future__ import annotations

from doctor.redact import Redactor, secrets_in_mapping

UUIDS = {"API_TOKEN": "e23e4567-e89b-12d3-a456-426614174000", "CLIENT_SECRET": "123e4567-e89b-12d3-a456-426614174000"}


def test_a_uuid_under_a_secret_key_is_masked_inside_a_path_too() -> None:
    redactor = Redactor(secrets_in_mapping(UUIDS), ["app", "db"])
    for value in UUIDS.values():
        assert redactor.text(f"token {value}.") == "token ***."
        # before: a UUID led by a letter read as a name, masked only where it stood alone
        assert redactor.text(f"open /data/{value}/state: denied") == "open /data/***/state: denied"


def test_a_uuid_under_no_secret_key_stays_readable() -> None:
    assert secrets_in_mapping({"TENANT_ID": UUIDS["API_TOKEN"]}) == set()
    assert Redactor(["conductor"]).text("conductor-redis and conductor") == "conductor-redis and ***"
