"""ruamel.yaml's round trip of a compose file, as yamledit's edits use it: the file loaded in its own
indentation (_load), and written back (_dump) only as text that reads back as what the edit meant,
keeping every line it did not change as written; else YamlEditError, so that such text never
reaches the fixer. Split from yamledit, which imports it; like yamledit, imported only when a fix
is built.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, TaggedScalar
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

from doctor.project.wholefile import (
    YamlEditError,
    above_separators,
    block_end,
    indent_of,
    keep_comments,
    lines_of,
    restore_lines,
    same_ending,
    shifted,
    splice,
)
from doctor.project.yamlload import ALIAS_BUDGET


def _load(text: str, root_of: str | None = None) -> tuple[YAML, CommentedMap]:
    """The round trip set to `text`'s indentation, and what it reads of `root_of` (None: `text` itself)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the author wrote on one line
    mapping, sequence, offset = indent_of(text)  # a mixed file: match the part we edit
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # `---` after the file's leading comments (nautobot's docker-compose.dev.yml) starts it too
    yaml.explicit_start = next((line.strip() for line in text.splitlines()
                                if line.strip() and not line.lstrip().startswith("#")), "").startswith("---")
    text = text if root_of is None else root_of
    try:
        root = yaml.load(text) if text.strip() else None
    except YAMLError as exc:
        raise YamlEditError(f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        # ruamel's round-trip loader recurses per level; compose reads 10,000 levels
        raise YamlEditError("nested too deeply for doctor to rewrite it safely; edit it by hand") from None
    if root is None:
        root = CommentedMap()
    if not isinstance(root, CommentedMap):
        raise YamlEditError("the file's top level is not a mapping")
    if not _within_budget(root):
        raise YamlEditError(f"its aliases expand to over {ALIAS_BUDGET:,} nodes (an alias bomb); edit it by hand")
    return yaml, root


def _within_budget(root: object) -> bool:
    """Whether `root`'s aliases, expanded, add at most ALIAS_BUDGET nodes to those the file writes
    (the values from aliases doctor.project.yamlload allows), and no alias holds itself. ruamel keeps
    an alias as the one list or mapping its anchor made, so each is counted once (linear in the file),
    where comparing the tree node by node (_data) expanded nine levels of nine aliases to 387 million
    values: minutes and gigabytes, then a MemoryError."""
    sizes: dict[int, int] = {}  # a list's or mapping's nodes, its aliases expanded
    written = [0]  # the nodes the file writes: each list or mapping once, with its scalars
    open_: set[int] = set()

    def size(node: object) -> int:
        if not isinstance(node, (Mapping, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise RecursionError  # an anchor inside itself: no finite expansion
        children = [*node.keys(), *node.values()] if isinstance(node, Mapping) else node
        open_.add(key)
        total = 1 + sum(size(child) for child in children)
        open_.discard(key)
        written[0] += 1 + sum(not isinstance(child, (Mapping, list)) for child in children)
        sizes[key] = total
        return total

    try:
        return size(root) - written[0] <= ALIAS_BUDGET
    except RecursionError:
        return False  # an anchor inside itself, or nested past Python's stack


def _dump(yaml: YAML, root: CommentedMap, original: str, added: tuple[str, str] | None = None,
          touched: tuple[str, str] | None = None) -> str:
    """The new text of the file (_written), with added lines moved above the blank and comment
    lines that separate the service from the next one (wholefile.above_separators), where it
    still reads back as `root`: a `|+` block scalar keeps the blank lines after it as its own."""
    text = _written(yaml, root, original, added, touched)
    moved = above_separators(original, text)
    return moved if moved == text or _reads_back(original, moved, root) else text


def _written(yaml: YAML, root: CommentedMap, original: str, added: tuple[str, str] | None,
             touched: tuple[str, str] | None) -> str:
    """The new text of the file: the round trip of `root`, checked to read back as `root`, and
    otherwise the file's own bytes.

    Where the edit rewrote the key `touched` = (service, key) that the file already had, only
    that key's lines are taken from the round trip and every other line is kept as written
    (ruamel drops a comment of a tagged list's item, a BOM, an unused anchor). Lines the round
    trip writes as they were are taken from the original, with their comment's spacing.
    ruamel's emitter can write YAML that reads back as something else, or not at all (a comment
    above a flow `[]` followed by a new tagged list comes out as `ports: !override   -`). Such
    text is never handed to the fixer. Where the edit added the key `added` = (service, key) to
    a service that had keys already, that key alone is then written below the service's last
    line and the rest of the file kept byte for byte; if that does not read back either,
    YamlEditError.
    """
    out = io.StringIO()
    try:
        yaml.dump(root, out)
    except RecursionError:
        raise YamlEditError("nested too deeply for doctor to rewrite it safely; edit it by hand") from None
    text = _with_preamble(original, out.getvalue())
    if text.strip() == "{}":
        text = ""
    if touched is not None and added is None:
        spliced = _spliced(root, original, text, *touched)
        if spliced is not None and _reads_back(original, spliced, root):
            return same_ending(original, spliced)
    if original.strip() and text.strip():
        kept = _with_bom(original, "".join(restore_lines(lines_of(original), lines_of(text))))
        if _reads_back(original, kept, root):
            # a key added to a service adds lines and changes none; where the round trip re-indented
            # others (open-prices' redis, six spaces deep in a file of two and four), it is written alone
            if added is not None and not _only_adds(original, kept):
                inserted = _insert_key(yaml, root, original, *added)
                if inserted is not None and _reads_back(original, inserted, root):
                    return same_ending(original, inserted)
            return same_ending(original, kept)
    if _reads_back(original, text, root):
        return same_ending(original, _with_bom(original, text))
    inserted = _insert_key(yaml, root, original, *added) if added is not None else None
    if inserted is not None and _reads_back(original, inserted, root):
        return same_ending(original, inserted)
    raise YamlEditError("doctor's YAML writer would change more than the fix means to in this file; "
                        "edit it by hand")


def _only_adds(original: str, new: str) -> bool:
    """Whether every line of `original` is in `new`, in order (`new` only adds lines)."""
    remaining = iter(lines_of(new))
    return all(any(line == other for other in remaining) for line in lines_of(original))


def _with_preamble(original: str, text: str) -> str:
    """`text` led by the comment lines `original` has above its `---` (ruamel drops them)."""
    lines = original.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), None)
    if not start or not lines[start].startswith("---") or not text.startswith("---"):
        return text
    preamble = "".join(lines[:start]).lstrip("\ufeff")
    return text if text.startswith(preamble) else preamble + text


def _with_bom(original: str, text: str) -> str:
    """`text` led by the BOM `original` starts with (ruamel's reader drops it)."""
    return "\ufeff" + text if original.startswith("\ufeff") and not text.startswith("\ufeff") else text


def _spliced(root: CommentedMap, original: str, new: str, service: str, key: str) -> str | None:
    """`original` with the lines of `services.<service>.<key>` replaced by that key's lines in
    `new`; None where the file gives no such block (a flow mapping, a key or service the edit
    added, line breaks other than "\\n")."""
    if not original.strip() or any(ch in original or ch in new for ch in "\r\x85\u2028\u2029"):
        return None
    services = root.get("services")
    svc = services.get(service) if isinstance(services, CommentedMap) else None
    if not isinstance(svc, CommentedMap) or svc.fa.flow_style() or services.fa.flow_style():
        return None
    # a key the service takes by a `<<` merge is written in the mapping its anchor names
    # (open-prices' `x-api-base: &api-base` holding the volumes of three services): that block is spliced
    owner = _owner(svc, key)
    path = _path_to(root, owner) if owner is not None else None
    if owner is None or path is None or owner.fa.flow_style():
        return None
    try:
        first, column = owner.lc.key(key)
        again: object = YAML(typ="rt").load(new)
        for step in path:
            again = again[step]  # type: ignore[index]
        new_first, new_column = again.lc.key(key)  # type: ignore[attr-defined]
    except (YAMLError, RecursionError, AttributeError, KeyError, TypeError, IndexError):
        return None
    old_lines, new_lines = lines_of(original), lines_of(new)
    old_span = (first, block_end(old_lines, first, column))
    new_span = (new_first, block_end(new_lines, new_first, new_column))
    # the list's own indentation, where it differs from the one the round trip guessed for the file
    # (`volumes:` then `- ./app` at the key's column, in a file whose first lists are indented)
    old_item, new_item = _item_column(old_lines, old_span), _item_column(new_lines, new_span)
    if old_item is not None and new_item is not None and old_item - column != new_item - new_column:
        value = shifted(new_lines[new_span[0] + 1:new_span[1]], (old_item - column) - (new_item - new_column))
        if value is None:
            return None
        new = "".join([*new_lines[:new_span[0] + 1], *value, *new_lines[new_span[1]:]])
    return splice(original, new, old_span, new_span, column, new_column)


def _owner(mapping: CommentedMap, key: str, seen: frozenset[int] = frozenset()) -> CommentedMap | None:
    """The mapping that writes `mapping[key]`: `mapping` itself, else the first mapping its `<<` merges
    that does (YAML's merge: the first one listed wins), followed through its own merges; None if none."""
    if key in mapping._ok:  # the keys the mapping writes itself, not those a merge gives it
        return mapping
    for merged in getattr(mapping, "merge", ()):
        if isinstance(merged, CommentedMap) and id(merged) not in seen:
            found = _owner(merged, key, seen | {id(mapping)})
            if found is not None:
                return found
    return None


def _path_to(root: CommentedMap, target: CommentedMap) -> tuple[str | int, ...] | None:
    """The keys (and list indexes) leading from `root` to the node `target` itself, through the
    nodes the file writes (each visited once, so an alias is no second path); None if none."""
    seen: set[int] = set()
    stack: list[tuple[object, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CommentedMap):
            stack.extend((node[k], (*path, k)) for k in node._ok if isinstance(k, (str, int)))
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
    return None


def _item_column(lines: list[str], span: tuple[int, int]) -> int | None:
    """The column of the first list item below the key on line span[0] (None: its value is no block list)."""
    for line in lines[span[0] + 1:span[1]]:
        body = line.lstrip(" ")
        if body.startswith("- ") or body.rstrip() == "-":
            return len(line) - len(body)
        if body.strip() and not body.startswith("#"):
            return None
    return None


def _reads_back(original: str, new: str, root: CommentedMap) -> bool:
    """Whether `new`, as the fixer writes it (with the comment lines whole_file_edit puts back),
    reads as `root`."""
    loader = YAML(typ="rt")
    try:
        again = loader.load(keep_comments(original, new)) if new.strip() else None
    except (YAMLError, RecursionError):
        return False
    if not _within_budget(again):  # the text would read as an alias bomb: never what the edit meant
        return False
    try:
        return _data(again if again is not None else CommentedMap()) == _data(root)
    except RecursionError:
        return False


def _data(node: object) -> object:
    """`node` as plain, comparable data: tags and scalar kinds kept; styles, comments and key order
    not (a `<<` merge's keys come after the mapping's own ones once read back)."""
    tag = getattr(getattr(node, "tag", None), "value", None)
    if isinstance(node, Mapping):
        return "map", tag, sorted((repr(_data(k)), _data(v)) for k, v in node.items())
    if isinstance(node, list):
        return "seq", tag, [_data(v) for v in node]
    if isinstance(node, TaggedScalar):
        return "tagged", tag, str(node.value)
    if isinstance(node, (bool, ScalarBoolean)):
        return "bool", bool(node)
    if isinstance(node, int):
        return "int", int(node)
    if isinstance(node, float):
        return "float", float(node)
    if node is None:
        return ("null",)
    return type(node).__name__ if not isinstance(node, str) else "str", str(node)


def _insert_key(yaml: YAML, root: CommentedMap, original: str, service: str, key: str) -> str | None:
    """`original` with `services.<service>.<key>` (as `root` holds it) written as a block below the
    service's last line, at its keys' indentation; None where the file gives no such place."""
    services = root.get("services")
    svc = services.get(service) if isinstance(services, CommentedMap) else None
    if not isinstance(svc, CommentedMap) or key not in svc:
        return None
    others = [k for k in svc if k != key]
    try:
        service_line, service_col = services.lc.key(service)
        column = svc.lc.key(others[0])[1] if others else None
    except (AttributeError, KeyError, TypeError):
        return None
    if column is None or column <= service_col:
        return None
    lines = lines_of(original)
    end = block_end(lines, service_line, service_col)  # its last line, then the comments after it
    last = next((n for n in range(end - 1, service_line, -1)
                 if lines[n].strip() and not lines[n].lstrip().startswith("#")), service_line)
    if last == service_line:  # the service's keys share its line (a flow mapping): no block to extend
        return None
    alone = CommentedMap()
    alone[key] = svc[key]
    out = io.StringIO()
    explicit, yaml.explicit_start = yaml.explicit_start, False  # a block inside the document: no `---`
    try:
        yaml.dump(alone, out)
    except RecursionError:
        return None
    finally:
        yaml.explicit_start = explicit
    block = "".join(" " * column + line if line.strip() else line for line in out.getvalue().splitlines(keepends=True))
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, block)
    return "".join(lines)
