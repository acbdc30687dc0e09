"""schema_casts._distinct keeps each item at its first place, two items being one where their JSON texts are
(what it did with `json.dumps` of every item): a string keyed by itself, with no `json` import, must keep that
rule, a Timestamp (a plain scalar YAML reads as a date, a `str`) and the plain string of its text being one."""

from __future__ import annotations

import json
import random
from typing import Any

from doctor.project.goscalar import Timestamp
from doctor.project.schema_casts import _distinct


def _by_json(items: list[Any]) -> list[Any]:
    kept: dict[str, Any] = {}
    for item in items:
        kept.setdefault(json.dumps(item, sort_keys=True, default=id), item)
    return list(kept.values())


def test_a_timestamp_and_its_text_are_one_item() -> None:
    items = ["2001-12-14", Timestamp("2001-12-14"), Timestamp("2002-01-01"), "2002-01-01"]
    assert _distinct(items) == ["2001-12-14", Timestamp("2002-01-01")]
    assert [type(i) for i in _distinct(items)] == [str, Timestamp]


def test_the_same_items_as_their_json_texts_say() -> None:
    pool: list[Any] = ["1", 1, 1.0, True, "true", None, "null", "", '"x"', "x", Timestamp("x"), {"a": 1}, {"a": "1"},
                       ["x"], [1], {"b": [None]}, 0, False, "0", "false"]
    drawn = random.Random(12)
    for _ in range(2000):
        items = [drawn.choice(pool) for _ in range(drawn.randrange(0, 8))]
        assert _distinct(items) == _by_json(items), items
        assert [type(i) for i in _distinct(items)] == [type(i) for i in _by_json(items)], items
