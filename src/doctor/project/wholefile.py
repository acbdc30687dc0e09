"""The whole-file Edit of a compose file, and the indentation it is written with: shared by
project.yamledit's round trip and project.textedit's plain-text insertions, free of ruamel.yaml.

A fix that adds entries to a compose file replaces the file whole:
`Edit(path, old=<entire old text>, new=<entire new text>, line=1)`, refused by the fixer when the
file no longer holds exactly `old`; a file that does not exist yet is created by the append form
`Edit(path, old="", new=<text>, line=None)`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit
from doctor.project.reading import COMPOSE_LIMIT
from doctor.project.yamlbytes import read_text as regular_text

Source = str | Path | None

_BLOCK_KEY = lazy(r"^( *)(?:[^\s#'\"-][^:#]*|'[^']*'|\"[^\"]*\")\s*:\s*(?:[&!]\S+\s*)*(?:#.*)?$")
_SERVICES_KEY = lazy(r"(?m)^services\s*:")


# the characters of an env value both edit paths (yamledit's round trip, textedit's lines) write
# as a plain scalar; a value with any other character, or an empty one, is double-quoted
SAFE_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./@+-")


def plain_safe(value: str) -> bool:
    """Whether an env value is written as a plain scalar (see SAFE_PLAIN)."""
    return bool(value) and all(ch in SAFE_PLAIN for ch in value)


def file_quote(text: str) -> str | None:
    """The one quote character the file's quoted scalar values are written in (`"` in nickjj's
    compose.yaml, where every value is double-quoted), which an added value that YAML needs quoted
    (`'5432'`, `"app user"`) takes where no sibling decides; None where the file quotes none, or both ways."""
    seen: set[str] = set()
    for line in text.split("\n"):
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        item = body.startswith("- ")
        while body.startswith("- "):
            body = body[2:].lstrip(" ")
        if not (item and body[:1] in ("'", '"')):
            _, colon, body = body.partition(": ")  # a mapping's value (a quoted key is not a value)
            body = body.lstrip(" [{") if colon else ""
        if body[:1] in ("'", '"'):
            seen.add(body[0])
    return next(iter(seen)) if len(seen) == 1 else None


def files_quote(paths: Iterable[Path]) -> str | None:
    """file_quote over the files together (a project's compose files); None where one is unreadable."""
    try:
        return file_quote("\n".join(read_text(path) for path in paths))
    except YamlEditError:
        return None


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
            # universal newlines, UTF-16 decoded after its mark: the fixer restores both
            return regular_text(source, COMPOSE_LIMIT)
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


def is_whole_file(edit: Edit) -> bool:
    """Whether `edit` is whole_file_edit's form (the file made, or its whole text replaced), not a
    line's edit."""
    return edit.line is None or "\n" in str(edit.old)


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


def above_separators(old: str, new: str) -> str:
    """`new` with each block of added lines moved above the blank and comment lines right before it
    when it closes a nested block: ruamel hangs the blank line (and a comment) that separates two
    services on the last entry, so an appended entry or key lands below the separator, against the
    next service (project.yamledit's edits, and project.textedit's, which put it where the round
    trip does)."""
    import difflib

    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, _, _, b1, b2 in matcher.get_opcodes():
        block = after[b1:b2]
        start = len(out)
        while start > 0 and _is_comment_or_blank(out[start - 1]):
            start -= 1
        following = next((line for line in after[b2:] if not _is_comment_or_blank(line)), None)
        if op == "insert" and start < len(out) and not any(_is_comment_or_blank(line) for line in block) and (
                following is None or _indent(following) < _indent(block[0])):
            out[start:start] = block
        else:
            out.extend(block)
    return "".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


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


def same_ending(original: str, new: str) -> str:
    """`new` without its final "\\n" when the file it rewrites had none: a fix changes no other byte."""
    return new[:-1] if original and not original.endswith("\n") and new.endswith("\n") else new


def lines_of(text: str) -> list[str]:
    """The lines of `text`, each with its "\\n" (split at "\\n" only, as the fixer counts lines)."""
    lines = text.split("\n")
    tail = lines.pop()
    return [line + "\n" for line in lines] + ([tail] if tail else [])


def block_end(lines: list[str], first: int, column: int) -> int:
    """The index of the first line after the value of the key on line `first` (at `column`): the
    lines below it indented deeper, or list items at its own column, and the comment and blank
    lines that follow them (ruamel's round trip hangs those on the value's last item)."""
    for index in range(first + 1, len(lines)):
        body = lines[index].lstrip(" ")
        indent = len(lines[index]) - len(body)
        if not body.strip() or body.startswith("#"):
            continue
        if indent > column or (indent == column and (body.startswith("- ") or body.rstrip() == "-")):
            continue
        return index
    return len(lines)


def split_comment(line: str) -> tuple[str, str]:
    """(the line without its trailing comment, the comment with the spaces before it and the line end)."""
    quote, index = "", 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            content = line[:index].rstrip(" \t")
            return content, line[len(content):]
        index += 1
    content = line.rstrip("\r\n").rstrip(" \t")
    return content, line[len(content):]


def restore_lines(old: list[str], new: list[str]) -> list[str]:
    """`new`, with each line whose YAML is an `old` line's taken from `old` as written (its comment
    and the spaces before it), and a changed line given the spacing of the comment it keeps:
    ruamel drops a comment of a tagged list's item and writes one space before a flow line's one.
    """
    import difflib

    def key(line: str) -> str:
        content = split_comment(line)[0]
        return content if content.strip() else line.strip()  # a comment line: its own text

    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, [key(x) for x in old], [key(x) for x in new], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":  # (the file's last line may lack the "\n" it needs in the middle)
            out.extend(o if o.endswith("\n") or not n.endswith("\n") else o + "\n"
                       for o, n in zip(old[a1:a2], new[b1:b2], strict=True))
        elif op == "replace" and a2 - a1 == b2 - b1:
            for before, after in zip(old[a1:a2], new[b1:b2], strict=True):
                (_, was), (content, now) = split_comment(before), split_comment(after)
                same = was.strip() and was.strip() == now.strip()
                kept = content + was.rstrip("\n") + ("\n" if after.endswith("\n") else "")
                out.append(kept if same else after)
        else:
            out.extend(new[b1:b2])
    return out


def shifted(lines: list[str], delta: int) -> list[str] | None:
    """`lines` moved `delta` columns right (left where negative), blank lines as they are; None where one
    is not indented enough to move left."""
    if delta > 0:
        return [" " * delta + line if line.strip() else line for line in lines]
    if delta < 0:
        if any(line.strip() and not line.startswith(" " * -delta) for line in lines):
            return None
        return [line[-delta:] if line.strip() else line for line in lines]
    return list(lines)


def splice(original: str, new: str, old_span: tuple[int, int], new_span: tuple[int, int], column: int,
           new_column: int) -> str:
    """`original` with lines [old_span) replaced by lines [new_span) of `new`, moved from
    `new_column` to `column` and restored as restore_lines does: a fix rewrites one block of a
    compose file and keeps every other byte (comments, spacing, a BOM) as it was written."""
    old_lines, new_lines = lines_of(original), lines_of(new)
    moved = shifted(new_lines[new_span[0]:new_span[1]], column - new_column)
    if moved is None:
        return new
    block = restore_lines(old_lines[old_span[0]:old_span[1]], moved)
    head = old_lines[:old_span[0]]
    if head and not head[-1].endswith("\n") and block:
        head[-1] += "\n"
    if block and not block[-1].endswith("\n") and old_span[1] < len(old_lines):
        block[-1] += "\n"
    return "".join(head + block + old_lines[old_span[1]:])
