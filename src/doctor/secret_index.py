"""Which of many known secret values a text holds, found in one pass over the text (moved from doctor.redact)."""

from __future__ import annotations

from collections.abc import Iterable

from doctor.secret_pieces import MIN_SECRET_LENGTH

_HEAD = MIN_SECRET_LENGTH


class Heads:
    """Which of many values a text holds: each value indexed by its first characters, the text read once, a
    candidate confirmed where it starts (every masked value has MIN_SECRET_LENGTH characters or more)."""

    def __init__(self, values: Iterable[str]) -> None:
        # a head's one value itself, a list only where heads collide: a big .env's 200,000 secrets were
        # 200,000 one-item lists (~17 MB of the Redactor) before
        self.by_head: dict[str, str | list[str]] = {}
        # a form shorter than a head (a 3-character secret's, WHOLE_SECRET_LENGTH): found by its own slices of
        # the text, one a place for each length, as a big .env of short secrets is read in one pass too
        self.short: set[str] = set()
        heads = self.by_head
        for value in values:
            if len(value) < _HEAD:
                self.short.add(value)
                continue
            head = value[:_HEAD]
            there = heads.setdefault(head, value)
            if isinstance(there, list):
                there.append(value)
            elif there is not value:
                heads[head] = [there, value]

    def held(self, text: str) -> list[str]:
        """The values in `text`, the longest first."""
        found: set[str] = set()
        short = self.short
        for size in {len(v) for v in short} if short else ():
            found.update(piece for at in range(len(text) - size + 1) if (piece := text[at:at + size]) in short)
        heads = self.by_head
        for at in range(len(text) - _HEAD + 1):
            candidates = heads.get(text[at:at + _HEAD])
            if candidates is None:
                continue
            if isinstance(candidates, str):
                if text.startswith(candidates, at):
                    found.add(candidates)
            else:
                found.update(v for v in candidates if text.startswith(v, at))
        return sorted(found, key=len, reverse=True)
