"""mask_tokens tries `_TOKEN_HINT` only at `hint_places`: those must hold every place a hint begins,
so that the hints it meets are the ones `_TOKEN_HINT.search` finds (the same masked text)."""

from __future__ import annotations

import random
from pathlib import Path

from doctor import secret_shapes
from doctor.secret_shapes import _HINT_LITERALS, _TOKEN_HINT, hint_places, mask_tokens

try:
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]


def _literal_prefixes(items: list, prefix: str = "") -> list[str]:
    """The literal text every match of `items` begins with, one string per way through its branches."""
    if not items:
        return [prefix]
    op, av = items[0]
    rest = items[1:]
    if op is sre_constants.LITERAL:
        return _literal_prefixes(rest, prefix + chr(av))
    if op is sre_constants.IN and all(kind is sre_constants.LITERAL for kind, _ in av):
        return [found for _, code in av for found in _literal_prefixes(rest, prefix + chr(code))]
    if op is sre_constants.BRANCH:
        return [found for branch in av[1] for found in _literal_prefixes(list(branch) + rest, prefix)]
    if op is sre_constants.SUBPATTERN:
        return _literal_prefixes(list(av[-1]) + rest, prefix)
    if op is sre_constants.ASSERT and av[0] == 1:  # a look-ahead: its text is there too, nothing after it counts
        return _literal_prefixes(list(av[1]), prefix)
    return [prefix]


def test_every_hint_begins_at_one_of_its_literals() -> None:
    prefixes = _literal_prefixes(list(sre_parse.parse(_TOKEN_HINT.pattern)))
    assert len(prefixes) > 90
    for prefix in prefixes:
        if prefix in ("M", "N", "O"):  # the Discord bot token's: _DOT_SIX_DOT
            continue
        assert any(prefix[back:].startswith(literal) for literal, back in _HINT_LITERALS), prefix


def _searched(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    while (hint := _TOKEN_HINT.search(text, start)) is not None:
        spans.append(hint.span())
        start = hint.end()
    return spans


def _placed(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for place in hint_places(text):
        if place >= start and (hint := _TOKEN_HINT.match(text, place)) is not None:
            spans.append(hint.span())
            start = hint.end()
    return spans


def _discord(draw: random.Random, first: str) -> str:
    alphabet = "abcXYZ019_-"
    return (first + "".join(draw.choice(alphabet) for _ in range(draw.randint(22, 28))) + "."
            + "".join(draw.choice(alphabet) for _ in range(draw.choice((5, 6, 7)))) + ".x")


def test_the_same_hints_as_search_in_drawn_and_real_texts() -> None:
    draw = random.Random(12)
    hints = _literal_prefixes(list(sre_parse.parse(_TOKEN_HINT.pattern)))  # each branch's literal start
    pieces = hints + [literal for literal, _ in _HINT_LITERALS] + [
        "doo_v1_", "dop_v1_", "7Q~", "?sig=", "&sig=", "1:AA" + "b" * 32, "patABCDEFGHIJKLMN.", "pat123", "$2a$",
        "$2y$10$", "discordapp.com/api/webhooks/", "outlook.office365.com/webhook/", "sk-", "ghcr.io", "global",
        " ", "\n", ".", "x", "M", "N", "O", "MNO", "-", "_", "=", ":"]
    texts = ["".join(draw.choice(pieces) for _ in range(draw.randint(1, 60))) for _ in range(3000)]
    texts += [_discord(draw, draw.choice("MNOPx")) * draw.randint(1, 3) for _ in range(500)]
    root = Path(__file__).parent
    texts += [path.read_text(errors="replace") for path in sorted((root / "replay").rglob("*.y*ml"))[:300]]
    found = 0
    for text in texts:
        expected = _searched(text)
        assert _placed(text) == expected, text
        found += bool(expected)
    assert found > 3000


def test_discord_token_masked_at_its_place() -> None:
    token = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"
    sunk: list[str] = []
    assert mask_tokens(f"BOT={token}\n", sunk.append) == "BOT=***\n"
    assert sunk == [token]
    assert 4 in hint_places(f"BOT={token}")
    assert secret_shapes._DOT_SIX_DOT.pattern.startswith(r"\.")


def _looped(text: str) -> list[int]:
    """hint_places as it was, every literal sought in every text (no _ANY_HINT gate)."""
    found: set[int] = set()
    for literal, back in _HINT_LITERALS:
        at = text.find(literal)
        while at >= 0:
            found.add(at - back)
            at = text.find(literal, at + 1)
    for dot in secret_shapes._DOT_SIX_DOT.finditer(text):
        found.update(at for at in range(dot.start() - 28, dot.start() - 23) if at >= 0 and text[at] in "MNO")
    found.discard(-1)
    return sorted(found)


def test_the_gate_finds_every_literal() -> None:
    # a short text is searched for any literal first: each literal, wherever it stands, must be found
    for literal, _ in _HINT_LITERALS:
        assert secret_shapes._ANY_HINT.fullmatch(literal), literal
        assert secret_shapes._ANY_HINT.search(f"x{literal}y") is not None, literal
    draw = random.Random(7)
    pieces = [literal for literal, _ in _HINT_LITERALS] + ["a", "b", "Z", "9", " ", "\n", ".", "-", "_", "MTk4"]
    texts = ["".join(draw.choice(pieces) for _ in range(draw.randint(0, 40))) for _ in range(5000)]
    texts += [text[:at] for text in texts[:200] for at in range(0, len(text), 3)]
    for text in texts:
        assert hint_places(text) == _looped(text), text

