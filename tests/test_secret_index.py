"""doctor.secret_index.Heads: a head's one value is kept as itself, a list only where heads collide, and
`held` answers as the index of one list per head did (a differential test over random values)."""

from __future__ import annotations

import random
import string

from doctor.secret_index import _HEAD, Heads


def _held_by_lists(values: list[str], text: str) -> list[str]:
    """The former index: one list per head."""
    by_head: dict[str, list[str]] = {}
    short = [v for v in values if len(v) < _HEAD]
    for value in values:
        if len(value) >= _HEAD:
            by_head.setdefault(value[:_HEAD], []).append(value)
    found = {v for v in short if v in text}
    for at in range(len(text) - _HEAD + 1):
        found.update(v for v in by_head.get(text[at:at + _HEAD], ()) if text.startswith(v, at))
    return sorted(found, key=len, reverse=True)


def test_distinct_heads_make_no_lists() -> None:
    rng = random.Random(7)
    values = {"".join(rng.choices(string.ascii_letters + string.digits, k=24)) for _ in range(1000)}
    index = Heads(sorted(values))
    # before: 1,000 one-item lists
    assert sum(isinstance(v, list) for v in index.by_head.values()) == 0
    assert len(index.by_head) == len(values)


def test_held_is_the_former_answer() -> None:
    rng = random.Random(11)
    alphabet = "abAB01-_:/@ $"  # a small alphabet: heads collide, values overlap and nest
    for _ in range(300):
        values = sorted({"".join(rng.choices(alphabet, k=rng.randint(1, 14))) for _ in range(rng.randint(1, 40))})
        values += [values[0]]  # a value given twice
        index = Heads(values)
        for _ in range(5):
            text = "".join(rng.choices(alphabet, k=rng.randint(0, 80)))
            if values and rng.random() < 0.5:
                text += rng.choice(values) + text[:5]
            assert sorted(index.held(text)) == sorted(_held_by_lists(values, text))
            assert [len(v) for v in index.held(text)] == [len(v) for v in _held_by_lists(values, text)]
