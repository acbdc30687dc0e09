"""The shapes' cheap pre-screens (issue 12: a first and a cold preflight scrub every text with no clean
digest yet) find what the full scans they stand in front of find, so masking is exactly as strong.

`doctor.secret_named.key_values` tries _KEY_SEP only at `key_starts` (read back from each `=` and `:`)
where it ran `finditer` over every position; `prose_secrets` tries _PROSE_HINT only where one of
PROSE_NAMES begins; `doctor.secret_tools.tool_args` looks for each of TOOL_STARTS with `in` where it
searched their alternation. Each is compared with the full scan on every format the secrets battery
plants, under every way a key meets its value, and on texts drawn from the characters the look-behinds,
quotes and separators turn on: a place the pre-screen missed fails here.
"""

from __future__ import annotations

import random
import re

import pytest
from test_secrets_formats import FORMATS

from doctor import secret_named
from doctor.redact import scrub
from doctor.secret_named import _KEY_SEP, _PROSE_HINT, PROSE_NAMES, key_starts, key_values
from doctor.secret_shapes import MASK, matches_at, places
from doctor.secret_tools import TOOL_STARTS

# how a key meets its value in what doctor reads and prints: env files, YAML, JSON (also escaped), flags,
# Java properties, prose, commands
LAYOUTS = ("{k}={v}", "export {k}={v}", "  {k}: {v}", '"{k}": "{v}"', '{{\\"{k}\\": \\"{v}\\"}}',
           "'{k}' : '{v}'", "-D{k}={v}", "java -Dapp.{k}={v} -jar x", "x.-D{k}={v}", "{k} = {v}",
           "{k}\t:\t{v}", "--{k} {v}", "-{k}={v}", "your {k} is {v}", "invalid token {v}",
           "mysql -u root -p{v} -h db", "cqlsh -u cassandra -p {v}", "a;{k}={v};EndpointSuffix=x",
           "é{k}={v}", "$HOME/{k}={v}", "- {k}={v}\n- NEXT: {v}")


def _texts() -> list[str]:
    texts = [layout.format(k=key, v=value) for key, value, _ in FORMATS for layout in LAYOUTS]
    rng = random.Random(20261206)
    alphabet = [*"aAzZ_D-.$/\\\"' \t\n=:9é", "-D", '\\"', "KEY", "PASSWORD", " = ", ": ", "==", "token ",
                "secret: ", "mysql", "cqlsh -p ", "passphrase is "]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    return texts


TEXTS = _texts()


def test_key_values_tried_at_key_starts_finds_what_finditer_finds() -> None:
    for text in TEXTS:
        assert [m.span() for m in matches_at(_KEY_SEP, text, key_starts(text))] == \
            [m.span() for m in _KEY_SEP.finditer(text)], text


def test_key_values_passing_over_bare_and_innocent_colons_masks_the_same() -> None:
    """_value_starts leaves out a `host:port` and a colon after a key that names no secret: key_values gives the
    same text and sinks the same values in the same order as when tried at every key start."""
    texts = [*TEXTS, *("\n".join(random.Random(n).sample(TEXTS, 8)) for n in range(2000))]
    saved = secret_named._value_starts
    try:
        every: list[tuple[str, list[str]]] = []
        secret_named._value_starts = key_starts
        for text in texts:
            sunk: list[str] = []
            every.append((key_values(text, sunk.append), sunk))
    finally:
        secret_named._value_starts = saved
    assert secret_named._value_starts is not key_starts
    for text, expected in zip(texts, every, strict=True):
        sunk: list[str] = []
        assert (key_values(text, sunk.append), sunk) == expected, text


def test_prose_hint_at_its_names_answers_as_its_search() -> None:
    for text in TEXTS:
        lower = text.lower()
        found = next(matches_at(_PROSE_HINT, lower, places(lower, PROSE_NAMES)), None)
        assert (found is None) == (_PROSE_HINT.search(lower) is None), text


def test_tool_names_found_with_in_as_their_alternation() -> None:
    alternation = re.compile("|".join(TOOL_STARTS))
    for text in [*TEXTS, *(f"x {tool} -p s3cretPw9 y" for tool in TOOL_STARTS)]:
        assert any(start in text for start in TOOL_STARTS) == (alternation.search(text) is not None), text


@pytest.mark.parametrize(("key", "value", "parts"), FORMATS, ids=[key for key, _, _ in FORMATS])
def test_each_planted_format_is_still_masked_under_a_secret_key(key: str, value: str, parts: list[str] | None) -> None:
    """Every format of the battery, under a key that names a secret, through scrub's pre-screened passes."""
    for layout in ("{k}_PASSWORD={v}", '  {k}_TOKEN: "{v}"', '{{"{k}_SECRET": "{v}"}}', "-Dapp.{k}.password={v}"):
        text = layout.format(k=key, v=value.replace("\\n", " "))
        shown = scrub(text)
        assert MASK in shown, text
        for part in parts or [value.replace("\\n", " ")]:
            assert part not in shown, (text, shown)
