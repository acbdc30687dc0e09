"""Two fixes that each create the same new YAML file (a dev override): one document holding both.

Each fix plans its file from scratch (`services:` / the service / its `ports:` or `volumes:`),
so the second could only be applied in a later round, after the first was written, and a dry
run (one round) never showed it. Both are plain block mappings: merged key by key, the first
fix's lines first and the second's new keys after them, which is what the second fix writes
into the file the first one left. Anything else (a comment, a blank line, flow style, a key
both set differently) is not merged: the fixer then applies the second in the next round.
"""

from __future__ import annotations

from doctor.lazyre import lazy

__all__ = ["merge_new_documents"]

_KEY = lazy(r"(?P<key>[A-Za-z0-9_.\"'/-][^:#]*):(?:\s+(?P<value>\S.*))?$")

_NOT_PLAIN = ("#", "---", "...", "{", "[", "&", "*", "?")  # a comment, a document marker, flow, anchors
Outline = list[tuple[str, list[str]]]  # (the key's line, the lines below it)


def merge_new_documents(first: str, second: str) -> str | None:
    """`first` and `second` (each a whole new block-mapping YAML document) as one, or None."""
    if not (first.endswith("\n") and second.endswith("\n")):
        return None
    merged = _merge(first.splitlines(), second.splitlines())
    return None if merged is None else "\n".join(merged) + "\n"


def _merge(first: list[str], second: list[str]) -> list[str] | None:
    mine, theirs = _outline(first), _outline(second)
    if mine is None or theirs is None:
        return None
    out = {_key(line): (line, below) for line, below in mine}
    for line, below in theirs:
        key = _key(line)
        if key not in out:
            out[key] = (line, below)
            continue
        have_line, have = out[key]
        if (have_line, have) == (line, below):
            continue
        if have_line != line or _value(line) is not None:  # a value (a list, a tag), or written another way
            return None
        nested = _merge(have, below)
        if nested is None:
            return None
        out[key] = (line, nested)
    return [text for line, below in out.values() for text in (line, *below)]


def _key(line: str) -> str:
    found = _KEY.match(line.strip())
    assert found is not None  # _outline keeps key lines only
    return found["key"].strip("\"'")


def _value(line: str) -> str | None:
    found = _KEY.match(line.strip())
    return found["value"] if found is not None else None


def _outline(lines: list[str]) -> Outline | None:
    """The lines as (key line, the lines below it) at their least indentation; None when they are
    not a plain block mapping (a comment, a blank line, a document marker, flow style)."""
    if not lines:
        return []
    if any(not line.strip() or line.lstrip().startswith(_NOT_PLAIN) for line in lines):
        return None
    indent = min(len(line) - len(line.lstrip(" ")) for line in lines)
    found: Outline = []
    for line in lines:
        depth = len(line) - len(line.lstrip(" "))
        text = line.strip()
        if depth == indent and not text.startswith("- "):
            if _KEY.match(text) is None:
                return None
            found.append((line, []))
        elif found:
            found[-1][1].append(line)  # deeper, or a `- item` of the key's list at the same indentation
        else:
            return None
    return found
