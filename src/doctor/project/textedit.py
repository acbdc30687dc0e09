"""Entries added to a compose override as plain text: what project.yamledit's round trip writes, without ruamel.yaml.

A fix's override edit (project.edits.override_edit) is, in the common case, a few lines inserted
into the file: keys added to a service's block `environment:` (a mapping or a `- KEY=value` list),
items appended to its short-syntax `volumes:`, the section or the service added, a new or empty
override. `insert_entries` writes those lines itself where ruamel.yaml's round trip would put
them, quoted as it would quote them, for an override of block mappings and one-line scalars that
the round trip writes back unchanged. Anything else (flow style, anchors, tags, multi-line or
quoted-with-escapes scalars, indentation the round trip would normalise, values it would rewrite
such as `~` or `True`) returns None, and the caller takes the ruamel path. Every result is read
back with doctor's own loader and must be the old model plus exactly the wanted entries.

The whole-file Edit convention and the file's indentation guess, which both paths share, are
project.wholefile's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.wholefile import indent_of, plain_safe, same_ending
from doctor.project.yamlmounts import binds_long

Additions = Mapping[str, Mapping[str, str] | Sequence[str]]

# The hot path (a cold run's one or two override edits) tests characters with str methods: compiling
# a dozen patterns cost more than the edit. A key's characters: letters, digits, `_`, `.` and `-`.
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
# a one-line flow list as the round trip writes it: `[]`, `["sleep", "60"]`, `[a, 'b']`
_FLOW_ITEM = r"'(?:[^']|'')*'|\"[^\"\\]*\"|([A-Za-z0-9_./$][A-Za-z0-9_./@+:=$-]*)"
_FLOW = lazy(rf"\[(?:(?:{_FLOW_ITEM})(?:, (?:{_FLOW_ITEM}))*)?\]")
_FLOW_ITEMS = lazy(_FLOW_ITEM)
# the plain scalars ruamel.yaml's YAML 1.2 resolver reads as something else than a string (its
# resolver.py: bool, float, int, null, merge, timestamp, value, yaml): written back quoted
_NOT_STR = lazy(r"""(?x)^(?:true|True|TRUE|false|False|FALSE
  |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
  |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
  |[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+
  |~|null|Null|NULL||<<|=|!|&|\*
  |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
  |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
   (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""")
_NUMBER_STARTS = frozenset("-+.0123456789")
# the exact words among _NOT_STR's matches; every other match starts with one of "-+.0123456789"
_NOT_STR_WORDS = frozenset(("", "true", "True", "TRUE", "false", "False", "FALSE", "~", "null", "Null", "NULL",
                            "<<", "=", "!", "&", "*"))
_LONGEST = 200  # far below ruamel's line width (4096): no value of ours is ever wrapped
_LONGEST_LINE = 1000  # nor a line of the file (ruamel folds a scalar that reaches past 4096)


class _Block:
    """A block mapping or sequence of the file: its column, its last line, its keys and nested blocks."""

    __slots__ = ("children", "column", "keys", "last", "quotes", "seq")

    def __init__(self, column: int, seq: bool, line: int) -> None:
        self.column = column
        self.seq = seq
        self.last = line
        self.keys: set[str] = set()
        self.children: dict[str, _Block] = {}
        self.quotes: set[str] = set()  # of a list of scalars: how its items are quoted ("'", '"', "")


def _outline(lines: list[str], mapping: int, offset: int) -> _Block | None:
    """The file's block structure, or None unless every line is one the round trip writes back
    unchanged: blank, a comment, `key:`, `key: scalar` or `- scalar` (one-line scalars, an optional
    comment), `- key: ...` starting a mapping in a list, each nested block at the file's own indentation."""
    root = _Block(0, False, -1)
    stack = [root]
    opener: tuple[_Block, str, int] | None = None  # the last key with nothing after it
    started = False  # past the comments and blank lines that may come before the document's `---`
    for index, line in enumerate(lines):
        if not line or (not started and line == "---"):  # the round trip keeps a leading `---`
            started = True if line else started
            continue
        if len(line) > _LONGEST_LINE:
            return None
        body = line.lstrip(" ")
        column = len(line) - len(body)
        if body.startswith("#"):
            continue
        started = True
        if line[-1] == " " or "\t" in line or not line.isprintable():
            return None
        item = body.startswith("- ")
        if opener is not None:
            parent, key, at = opener
            opener = None
            if column == at + (offset if item else mapping) and (item or column > at):
                child = _Block(column, item, index)
                parent.children[key] = child
                stack.append(child)
            elif column > at:
                return None
        while stack[-1].column > column or (stack[-1].column == column and stack[-1].seq and not item):
            stack.pop()
        block = stack[-1]
        if block.column != column or block.seq != item:
            return None
        for open_block in stack:
            open_block.last = index
        content = body[2:] if item else body
        key, colon, rest = content.partition(":")
        if item:
            if not (colon and _is_key(key) and (not rest or rest[0] == " ")):  # `- scalar`, not `- key: ...`
                if _scalar_end(body[2:]) is None:
                    return None
                block.quotes.add(body[2] if body[2:3] in ("'", '"') else "")
                continue
            block.quotes.add("")  # a mapping among the items: they are not all quoted alike
            column += 2  # a mapping in a list: its keys line up after the dash
            block = _Block(column, False, index)
            stack.append(block)
        if not colon or not _is_key(key) or key in block.keys:
            return None
        block.keys.add(key)
        if _is_tail(rest):
            opener = (block, key, column)
            block.quotes.add("")  # a null or a nested block: not a quoted scalar
        elif rest[0] != " " or _scalar_end(rest[1:]) is None:
            return None
        else:
            block.quotes.add(rest[1] if rest[1:2] in ("'", '"') else "")  # how a mapping's values are quoted
    return root if root.keys else None


def _scalar_end(text: str) -> int | None:
    """Where the one-line scalar at the start of `text` ends (a comment may follow), or None unless
    the round trip writes it back as it is."""
    if text[:1] == "[":
        found = _FLOW.match(text)
        if found is None or not all(_kept_plain(plain) for plain in _FLOW_ITEMS.findall(found.group(0)) if plain):
            return None
        end: int | None = found.end()
    elif text[:1] == "'":
        end, at = None, 1
        while (at := text.find("'", at)) >= 0:
            if text[at + 1:at + 2] != "'":
                end = at + 1
                break
            at += 2  # `''` is a quote inside
    elif text[:1] == '"':
        at = text.find('"', 1)
        end = None if at < 0 or "\\" in text[:at] else at + 1
    else:
        comment = text.find(" #")
        end = len(text) if comment < 0 else len(text[:comment].rstrip(" "))
        if not end or not _plain_ok(text[:end]) or not _kept_plain(text[:end]):
            return None
    return end if end is not None and _is_tail(text[end:]) else None


def _is_tail(text: str) -> bool:
    """Nothing, or a comment after one or more spaces."""
    return not text or (text[0] == " " and text.lstrip(" ")[:1] == "#")


def _is_key(text: str) -> bool:
    """A plain key the round trip writes back as it is and that needs no quotes: `POSTGRES_PORT`, `x-env`."""
    return bool(text) and (text[0].isalpha() or text[0] == "_") and text.isascii() and all(
        ch in _KEY_CHARS for ch in text) and text not in _NOT_STR_WORDS


def _not_str(value: str) -> bool:
    """Whether ruamel.yaml's YAML 1.2 resolver reads this plain scalar as something else than a string."""
    if value[:1] not in _NUMBER_STARTS:
        return value in _NOT_STR_WORDS
    if value.isascii() and value.isdigit():
        return True
    return value[:2] != "./" and _NOT_STR.match(value) is not None


def _kept_plain(value: str) -> bool:
    """Whether the round trip writes this plain scalar back as it is: a string, a decimal int or
    lowercase true/false (`True` comes back `true`, `~` empty, `0755` and `1.50` as they may)."""
    if value[-1] == ":" or value.startswith("..."):
        return False
    decimal = value.isascii() and value.isdigit() and (value == "0" or value[0] != "0")
    return not _not_str(value) or value in ("true", "false") or decimal


def _plain_ok(value: str) -> bool:
    """Whether ruamel.yaml's emitter writes this printable-ASCII string plain in block context
    (its Emitter.analyze_scalar, allow_block_plain)."""
    if not value:
        return True
    if value.startswith(("---", "...")) or value[0] in "#,[]{}&*!|>'\"%@`" or " " in (value[0], value[-1]):
        return False
    if value[0] in "?:-" and (len(value) == 1 or value[1] == " "):
        return False
    return not any((ch == ":" and (i + 1 == len(value) or value[i + 1] == " ")) or (ch == "#" and value[i - 1] == " ")
                   for i, ch in enumerate(value) if i)


def emitted(value: str, double_quoted: bool = False) -> str | None:
    """`value` as ruamel.yaml writes a str (`double_quoted`: a DoubleQuotedScalarString); None
    when it may write it otherwise than this knows (not printable ASCII, long)."""
    if len(value) > _LONGEST or not all(" " <= ch <= "~" for ch in value):
        return None
    if not double_quoted and _plain_ok(value) and not _not_str(value):
        return value
    if double_quoted or "'" in value:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"'{value}'"


def insert_entries(path: Path, text: str, section: str, additions: Additions, quote: str | None = None) -> str | None:
    """`text` with `additions` made the way project.yamledit's add_environment (section
    "environment": service -> {KEY: value}, with its `quote`) or add_volume (section "volumes":
    service -> [volume]) would make them, byte for byte; None when this cannot be sure of that."""
    if not additions:
        return text
    if section == "environment":
        if not all(isinstance(items, Mapping) for items in additions.values()):
            return None
    elif section != "volumes" or any(isinstance(items, Mapping) for items in additions.values()):
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    mapping, _, offset = indent_of(text)
    root = _outline(lines, mapping, offset) if text else _Block(0, False, -1)
    if root is None:
        return None
    old = _model(text, path)
    if old is None:
        return None
    plan = _plan(lines, root, old, section, additions, mapping, offset, quote if section == "environment" else None)
    if plan is None:
        return None
    inserts, expected = plan
    if not inserts:
        return text  # every entry is there already: yamledit returns the text it was given
    new_lines = list(lines)
    # bottom up; at one place, the entries of a deeper block come first (they end before it)
    for at, _, _, added in sorted(inserts, key=lambda x: (x[0], -x[1], x[2]), reverse=True):
        new_lines[at:at] = added
    new = same_ending(text, "".join(line + "\n" for line in new_lines))
    return new if new != text and _model(new, path) == expected else None


def _model(text: str, path: Path) -> dict[str, object] | None:
    """The file's one document as doctor reads it ({} when empty), or None (not one mapping, not YAML)."""
    from doctor.project.yamlload import YamlError, parse_bytes

    try:
        docs, tags = parse_bytes(text.encode("utf-8"), path)
    except YamlError:
        return None
    if tags or len(docs) > 1 or (docs and docs[0] is None):
        return None
    return _plain(docs[0]) if docs and docs[0] is not None else {}


def _plain(value: dict[str, object]) -> dict[str, object]:
    """A deep copy as plain dicts and lists, to build the expected model in."""
    return {key: _plain(item) if isinstance(item, dict) else _plain_list(item) if isinstance(item, list) else item
            for key, item in value.items()}


def _plain_list(value: list[object]) -> list[object]:
    return [_plain(item) if isinstance(item, dict) else _plain_list(item) if isinstance(item, list) else item
            for item in value]


Insert = tuple[int, int, int, list[str]]  # (line index, column of the block it ends, order, lines)
Entry = tuple[str | None, str]  # (env key, or None for a volume; value)


def _plan(lines: list[str], root: _Block, old: dict[str, object], section: str, additions: Additions,
          mapping: int, offset: int, fallback: str | None) -> tuple[list[Insert], dict[str, object]] | None:
    """The lines to insert (where ruamel's dump puts them) and the model expected after them, or None."""
    services = root.children.get("services")
    if ("services" in root.keys) != (services is not None) or (services is not None and services.seq):
        return None
    model = old.setdefault("services", {})
    if not isinstance(model, dict):
        return None
    inserts: list[Insert] = []
    new_services: list[str] = []
    for order, (name, items) in enumerate(additions.items()):
        if name in model and not isinstance(model[name], dict):
            return None
        svc = model.setdefault(name, {})
        entries = _new_entries(svc, section, items)
        if entries is None:
            return None
        if not entries:
            if not svc:
                del model[name]
            continue
        block = services.children.get(name) if services is not None else None
        if services is not None and (name in services.keys) != (block is not None):
            return None
        target = block.children.get(section) if block is not None else None
        if block is not None and ((section in block.keys) != (target is not None)
                                  or (target is not None and target.seq != isinstance(svc.get(section), list))):
            return None
        if target is not None:
            where, column = _after(lines, target), target.column
            added = _items(section, entries, target.seq, column, _sibling_quote(target, section), fallback)
        elif block is not None:
            where, column = _after(lines, block), block.column
            added = _section(section, entries, column, mapping, offset, fallback)
        else:
            body = _section(section, entries, 2 * mapping, mapping, offset, fallback)
            if body is None or not _is_key(name):
                return None
            new_services += [" " * mapping + f"{name}:", *body]
            continue
        if added is None:
            return None
        inserts.append((where, column, order, added))
    if new_services:
        if services is None:
            inserts.append((len(lines), -1, len(additions), ["services:", *new_services]))
        else:
            inserts.append((_after(lines, services), services.column, len(additions), new_services))
    if not old["services"] and "services" not in root.keys:
        del old["services"]
    return inserts, old


def _new_entries(svc: dict[str, object], section: str, items: Mapping[str, str] | Sequence[str]) -> list[Entry] | None:
    """The entries of `items` the service lacks (added to `svc`, the model), or None when its
    section is neither absent nor a list (volumes) or a list of strings or a mapping (environment)."""
    if section in svc and not isinstance(svc[section], list | dict):
        return None
    known = svc.get(section)
    entries: list[Entry] = []
    if isinstance(items, Mapping):
        if isinstance(known, list):
            if not all(isinstance(item, str) for item in known):
                return None
            present = {str(item).partition("=")[0] for item in known}
            entries = [(key, value) for key, value in items.items() if key not in present]
            known.extend(f"{key}={value}" for key, value in entries)
        else:
            if known is None:
                known = {}
            assert isinstance(known, dict)
            entries = [(key, value) for key, value in items.items() if key not in known]
            known.update(entries)
    else:
        if known is None:
            known = []
        # every bind long syntax (`- type: bind`): the round trip writes an added one like them (project.yamlmounts)
        if not isinstance(known, list) or binds_long(known):
            return None
        for volume in items:
            if volume not in known:
                entries.append((None, volume))
                known.append(volume)
    if entries:
        svc[section] = known
    return entries


def _sibling_quote(block: _Block, section: str) -> str | None:
    """The quote every volume or environment value of the block is written in (DefectDojo's
    `- './dojo:/app/dojo:z'`, fastapi-template's `SMTP_PORT: "1025"`), which project.yamledit's
    add_volume and add_environment give an added one too; None when they differ or are plain."""
    quotes = block.quotes
    return next(iter(quotes)) if section in ("volumes", "environment") and len(quotes) == 1 and "" not in quotes \
        else None


def _quoted(text: str, quote: str | None) -> str | None:
    """`text` in the siblings' `quote`, where it needs no escape (the round trip's way with them is its own)."""
    if quote is None or any(c in text for c in "'\\\""):
        return None
    return f"{quote}{text}{quote}" if emitted(text, double_quoted=True) is not None else None


def _items(section: str, entries: list[Entry], seq: bool, column: int, quote: str | None = None,
           fallback: str | None = None) -> list[str] | None:
    """The entries as lines of a block at `column`: `- KEY=value` or `- volume` items, or `KEY: value`;
    in `quote` where its siblings are, else one YAML needs quoted in `fallback` (the file's or project's)."""
    out: list[str] = []
    for key, value in entries:
        if seq:
            item = value if key is None else f"{key}={value}"
            text = _quoted(item, quote) if quote is not None else _in_fallback(item, emitted(item), fallback)
            line = None if text is None else f"{' ' * column}- {text}"
        elif key is None or not _is_key(key):
            line = None
        else:
            text = _quoted(value, quote) if quote is not None else _in_fallback(
                value, emitted(value, double_quoted=not plain_safe(value)), fallback)
            line = None if text is None else f"{' ' * column}{key}: {text}"
        if line is None:
            return None
        out.append(line)
    return out


def _in_fallback(text: str, written: str | None, fallback: str | None) -> str | None:
    """`written` (how YAML writes `text`) in the `fallback` quote where it is quoted at all (yamledit's _in_quote)."""
    if fallback is None or written is None or written == text or not text:
        return written
    return _quoted(text, fallback) or written


def _section(section: str, entries: list[Entry], column: int, mapping: int, offset: int,
             fallback: str | None = None) -> list[str] | None:
    """`section:` at `column` with the entries under it, as the round trip writes a new one."""
    seq = section == "volumes"
    items = _items(section, entries, seq, column + (offset if seq else mapping), fallback=fallback)
    return None if items is None else [f"{' ' * column}{section}:", *items]


def _after(lines: list[str], block: _Block) -> int:
    """Where ruamel's dump puts an entry appended to `block`: after its last line and the blank and
    comment lines that follow it (the round trip hangs those on the block's last value)."""
    at = block.last + 1
    while at < len(lines) and (not lines[at].strip() or lines[at].lstrip().startswith("#")):
        at += 1
    return at
