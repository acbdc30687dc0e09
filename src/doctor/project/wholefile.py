"""The whole-file Edit of a compose file, and the indentation it is written with: shared by
project.yamledit's round trip and project.textedit's plain-text insertions, free of ruamel.yaml.

A fix that adds entries to a compose file replaces the file whole:
`Edit(path, old=<entire old text>, new=<entire new text>, line=1)`, refused by the fixer when the
file no longer holds exactly `old`; a file that does not exist yet is created by the append form
`Edit(path, old="", new=<text>, line=None)`.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit

Source = str | Path | None

_BLOCK_KEY = lazy(r"^( *)(?:[^\s#'\"-][^:#]*|'[^']*'|\"[^\"]*\")\s*:\s*(?:[&!]\S+\s*)*(?:#.*)?$")
_SERVICES_KEY = lazy(r"(?m)^services\s*:")


# the characters of an env value both edit paths (yamledit's round trip, textedit's lines) write
# as a plain scalar; a value with any other character, or an empty one, is double-quoted
SAFE_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./@+-")


def plain_safe(value: str) -> bool:
    """Whether an env value is written as a plain scalar (see SAFE_PLAIN)."""
    return bool(value) and all(ch in SAFE_PLAIN for ch in value)


class YamlEditError(ValueError):
    """The file cannot be edited safely (not YAML, not a mapping, a shared anchor in the way)."""


def read_text(source: Source) -> str:
    """`source` itself when a string, else the file's text ("\\n" newlines), "" when absent."""
    if source is None:
        return ""
    if isinstance(source, Path):
        if not source.exists():
            return ""
        try:
            return source.read_text(encoding="utf-8")  # universal newlines: the fixer restores CRLF
        except (OSError, UnicodeDecodeError) as exc:
            if isinstance(exc, OSError):
                from doctor.project.memo import unreadable

                unreadable()
            raise YamlEditError(f"cannot read {source.name}: {exc}") from None
    return source.replace("\r\n", "\n")


def whole_file_edit(path: Path, new_text: str, old_text: str | None = None) -> Edit | None:
    """The Edit that turns the file into `new_text`, or None when it already is.

    Convention (the fixer's): a file that exists is replaced whole by
    `Edit(path, old=<entire old text>, new=<entire new text>, line=1)`, refused when the file
    no longer holds exactly `old`; a file that does not exist is created by the append form
    `Edit(path, old="", new=<text>, line=None)`.
    """
    old = read_text(path) if old_text is None else old_text
    new_text = keep_comments(old, new_text)
    if old == new_text:
        return None
    if not path.exists():
        return Edit(path, "", new_text, None)
    return Edit(path, old, new_text, 1)


def keep_comments(old: str, new: str) -> str:
    """`new` with every comment-only and blank line of `old` that the round trip dropped put back
    where it stood: ruamel loses a comment that follows a tagged or rewritten sequence, and a fix
    must change only what it means to change.
    """
    import difflib

    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(before[a1:a2])
            continue
        kept = [line for line in before[a1:a2] if _is_comment_or_blank(line) and line not in after[b1:b2]]
        out.extend(after[b1:b2])
        out.extend(kept)
    text = "".join(out)
    if new.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    return text


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) as the file already writes them.

    ruamel's own guess reads one sequence only and mixes the two up when a file indents
    mappings by 2 and sequences by 4; this looks at the first block of each kind instead.
    """
    mapping: int | None = None
    offset: int | None = None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for parent, child in itertools.pairwise(lines):
        head = _BLOCK_KEY.match(parent)
        if head is None:
            continue
        parent_col = len(head.group(1))
        child_col = len(child) - len(child.lstrip(" "))
        if child.lstrip().startswith("- "):
            if offset is None and child_col >= parent_col:
                offset = child_col - parent_col
        elif mapping is None and child_col > parent_col:
            mapping = child_col - parent_col
        if mapping is not None and offset is not None:
            break
    mapping = mapping or 2
    offset = 2 if offset is None else offset
    return mapping, offset + 2, offset


def indent_of(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) the round trip writes `text` with: guessed from
    the part from `services:` on in a file that mixes styles, as that is the part a fix edits."""
    services = _SERVICES_KEY.search(text)
    return guess_indent(text[services.start():] if services else text)
