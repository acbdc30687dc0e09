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


def test_a_three_character_secret_is_masked_where_it_stands_alone() -> None:
    found = secrets_in_mapping({"REDIS_PASSWORD": "x7q", "DB_PASSWORD": "abc", "PIN_SECRET": "123", "K_TOKEN": "ab"})
    redactor = Redactor(found, ["app", "db"])
    # before: printed as they are (only values of 4 characters or more were masked by value)
    assert redactor.text("WRONGPASS x7q rejected") == "WRONGPASS *** rejected"
    assert redactor.text("DB_PASSWORD=abc for app") == "DB_PASSWORD=*** for app"  # by its key, as before
    # never inside a word or a name, and a short number or two characters stay readable
    assert redactor.text("abcdef abc-x x7q.sh port 123 ab") == "abcdef abc-x x7q.sh port 123 ab"


def test_a_three_character_secret_among_many_is_found_by_the_index() -> None:
    values = [f"Zq{i:05d}Lm" for i in range(400)] + ["x7q"]
    redactor = Redactor(values, [])
    assert redactor._strong_index is not None  # many values: searched by their heads
    assert redactor.text("AUTH x7q and Zq00007Lm, x7qz") == "AUTH *** and ***, x7qz"


def test_three_letters_alone_are_words_of_doctors_own_messages() -> None:
    """POSTGRES_PASSWORD=dev (a common dev value) masked "the *** override" and, =run, broke the command to copy
    (`docker compose *** --rm`): three letters are masked after their key only; a digit or a sign makes a secret."""
    found = secrets_in_mapping({"POSTGRES_PASSWORD": "dev", "REDIS_PASSWORD": "run", "API_SECRET": "App"})
    redactor = Redactor(found, ["web"])
    said = "fix: set DB_HOST=db for 'web' in a new dev override; docker compose run --rm web; App ready"
    assert redactor.text(said) == said
    assert redactor.text("POSTGRES_PASSWORD=dev") == "POSTGRES_PASSWORD=***"
