"""Read compose YAML the way compose's go-yaml does, keeping the file and line of every value.

PyYAML's resolver is YAML 1.1 (`22:22` is the sexagesimal int 1342, `yes` is true); compose
uses go-yaml v3, which is YAML 1.2-like. So we only let PyYAML *compose* nodes (with marks,
through libyaml when available) and resolve plain scalars ourselves, following go-yaml's
`resolve.go` (`doctor.project.goscalar`). Mappings and sequences come back as `YMap` / `YList`,
which remember the location of each key / item and the `!reset` / `!override` tags on values.
A document deeper than libyaml's 1,000 levels is read by `doctor.project.yamldeep`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doctor.model import Location
from doctor.project.goscalar import NUMBER_STARTS, SPECIAL, go_parse_int, resolve_plain, stringify
from doctor.project.reading import COMPOSE_LIMIT, read_regular
from doctor.project.yamlbytes import YAML_BREAK, RefusedEncoding, compose_text, pyyaml_lines
from doctor.project.yamlimport import yaml

try:  # libyaml is ~10x faster on big files; fall back to the pure-Python loader
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

PLAIN = "tag:doctor:plain"

TYPE_CHECKING = False  # typing costs ~4 ms of a run: its names are for mypy only
if TYPE_CHECKING:
    from typing import Any

    _Dict = dict[str, Any]
    _List = list[Any]
else:
    _Dict = dict
    _List = list


class _Loader(_BaseLoader):
    """No YAML 1.1 implicit typing: untagged plain scalars keep a marker tag, resolved by us."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        # called only for untagged nodes; PyYAML's own resolver is a slow regex table walk
        if kind is yaml.ScalarNode:
            return PLAIN
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"


class _Redefining(yaml.SafeLoader):
    """PyYAML's own composer, letting a later anchor of a name replace the earlier one.

    YAML 1.2 lets a document define an anchor again: an alias names the nearest one before it
    (spec 3.2.2.2), and go-yaml v3, compose's parser, does so (mobilizon's `.gitlab-ci.yml`
    defines `&release-tag-rules` twice; a compose file's `x-a: &env` then `x-b: &env` gives the
    services after it the second). PyYAML refuses with "found duplicate anchor", and libyaml's
    composer inside it cannot be told otherwise: a file it refuses so is composed again here."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:  # as _Loader: plain scalars are resolved as go-yaml does
            return PLAIN
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.check_event(yaml.AliasEvent):
            anchor = self.peek_event().anchor  # type: ignore[no-untyped-call]
            if anchor is not None:
                self.anchors.pop(anchor, None)  # the next definition is the one later aliases name
        return super().compose_node(parent, index)


def _duplicate_anchor(exc: yaml.MarkedYAMLError) -> bool:
    return str(exc.context or "").startswith("found duplicate anchor")


RESET = "!reset"
# Alias bombs ("billion laughs"). go-yaml v3 refuses a document once more than 99% of its first
# 400,000 decodes (less beyond) come from aliases (decode.go allowedAliasRatio), but compose
# v2.40.3 never meets that rule: compose-go v2.9.1's ResetProcessor replaces every alias node by
# its anchor's node before go-yaml decodes, so compose expands any fan-out until memory runs out
# (9 aliases a level: 5 levels, 125,000 values from aliases, load in ~13 s; 6 levels, 1.1 million,
# die out of memory). doctor expands up to 250,000 alias-driven decodes, as it counts them (the 5
# levels take 216,000; go-yaml's own allowance, 400,000, takes 1.3 s here to reach): what compose
# loads stays readable, a bomb is refused in bounded time and memory (~0.8 s).
ALIAS_BUDGET = 250_000
_QUOTED = ("'", '"', "|", ">")  # scalar styles that are text whatever they read
KEPT_DEPTH = 100  # levels of nesting kept in the model (see _Converter.value)
MAX_DEPTH = 10_000  # go-yaml v3's max_flow_level / max_indents
OVERRIDE = "!override"
_TAGGED = (RESET, OVERRIDE)


class YamlError(Exception):
    """A file compose could not parse, with the 1-based line where known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class YMap(_Dict):
    """A mapping that remembers where it and each of its keys are, and the tags on its values."""

    def __init__(self, loc: Location | None = None) -> None:
        super().__init__()
        self.loc = loc
        self.locs: dict[str, Location] = {}
        self.tags: dict[str, str] = {}

    def loc_of(self, key: str) -> Location | None:
        return self.locs.get(key, self.loc)


class YList(_List):
    """A sequence that remembers where it and each of its items are."""

    def __init__(self, loc: Location | None = None) -> None:
        super().__init__()
        self.loc = loc
        self.locs: list[Location | None] = []

    def add(self, value: Any, loc: Location | None) -> None:
        self.append(value)
        self.locs.append(loc)

    def loc_of(self, index: int) -> Location | None:
        if 0 <= index < len(self.locs):
            return self.locs[index] or self.loc
        return self.loc


class _Converter:
    """Turns composed PyYAML nodes into Python values with locations, go-yaml style."""

    def __init__(self, path: Path, table: list[tuple[int, int]] | None = None) -> None:
        self.path = path
        self.table = table  # yamlbytes.pyyaml_lines: None where PyYAML counts lines as doctor does
        self.tag_paths: list[tuple[tuple[str, ...], str]] = []
        self.start_document()

    def line(self, index: int) -> int:
        """doctor's 1-based line of PyYAML's 0-based line `index` (an error's; the locations are moved once
        the file is read, see _moved)."""
        return _line(self.table, index)

    def start_document(self) -> None:
        """go-yaml counts per document (a new decoder each): decodes, alias-driven decodes, anchors."""
        self.decodes = 0
        self.aliased = 0
        self.alias_depth = 0
        # each node's own place (parent node id, key or index): PyYAML hands an alias over as its
        # anchor's node, so the node met in any other place is an alias there
        self.homes: dict[int, tuple[int, object] | None] = {}

    def _enter(self, node: yaml.Node, slot: tuple[int, object] | None) -> bool:
        """Count `node` met at `slot` as go-yaml's decoder.unmarshal does; True when it is an alias
        there (the caller then leaves it with `self.alias_depth -= 1`).

        An alias counts once itself, then its anchor's nodes count as alias-driven (go-yaml's
        decodeCount / aliasCount); past ALIAS_BUDGET of those the document is refused.
        """
        home = self.homes.setdefault(id(node), slot)
        self._count(node)
        if home == slot:
            return False
        self.alias_depth += 1
        self._count(node)
        return True

    def _count(self, node: yaml.Node) -> None:
        self.decodes += 1
        if self.alias_depth > 0:
            self.aliased += 1
            if self.aliased > ALIAS_BUDGET:
                raise YamlError(f"yaml: document contains excessive aliasing (over {ALIAS_BUDGET:,} "
                                "values expanded from aliases)", self.line(node.start_mark.line))

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def value(self, node: yaml.Node, at: tuple[str, ...], slot: tuple[int, object] | None = None) -> Any:
        if not self._enter(node, slot):
            return self._value(node, at)
        try:
            return self._value(node, at)
        finally:
            self.alias_depth -= 1

    def _value(self, node: yaml.Node, at: tuple[str, ...]) -> Any:
        if len(at) >= KEPT_DEPTH and not isinstance(node, yaml.ScalarNode):
            # compose reads up to 10,000 levels; nothing doctor judges lies this deep (only
            # `x-` extensions can nest freely), so the deeper part is kept as an empty collection
            return YList(self.loc(node)) if isinstance(node, yaml.SequenceNode) else YMap(self.loc(node))
        tag = node.tag or ""
        if tag in (RESET, OVERRIDE):
            self.tag_paths.append((at, tag))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            out = YList(self.loc(node))
            path, homes, parent = self.path, self.homes, id(node)
            for index, item in enumerate(node.value):
                if isinstance(item, yaml.ScalarNode) and not self.alias_depth and id(item) not in homes:
                    # self.value(item, ...) for a scalar met first at its own place, outside any alias:
                    # most of a file's values (the calls, path tuples and slot tuples were a third of a parse)
                    homes[id(item)] = (parent, index)
                    self.decodes += 1
                    tag = item.tag
                    if tag in _TAGGED:
                        self.tag_paths.append(((*at, f"[{index}]"), tag))
                    value = self.scalar(item)
                else:
                    value = self.value(item, (*at, f"[{index}]"), (parent, index))
                mark = item.start_mark
                out.append(value)
                out.locs.append(Location(path, mark.line + 1, mark.column + 1))
            return out
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, at)
        raise YamlError(f"unsupported yaml node {type(node).__name__}", self.line(node.start_mark.line))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text: str = node.value
        if node.style in _QUOTED:
            return text
        tag = node.tag or ""
        if tag == PLAIN or tag in _TAGGED:
            # resolve_plain(text), without the call for the words and names that stay text
            if text in SPECIAL or not text or text[0] in NUMBER_STARTS:
                return resolve_plain(text)
            return text
        if tag.startswith("tag:yaml.org,2002:") and tag not in ("tag:yaml.org,2002:null",):
            explicit = tag.rsplit(":", 1)[1]
            if explicit == "str":
                return text
            if explicit == "int":
                number = go_parse_int(text.replace("_", ""))
                if number is None:
                    raise YamlError(f"cannot decode !!str `{text}` as a !!int", self.line(node.start_mark.line))
                return number
            if explicit == "float":
                try:
                    return float(text)
                except ValueError:
                    raise YamlError(f"cannot decode !!str `{text}` as a !!float",
                                    self.line(node.start_mark.line)) from None
            if explicit == "bool" and text in ("true", "True", "TRUE", "false", "False", "FALSE"):
                return text.lower() == "true"
        return resolve_plain(text)

    def mapping(self, node: yaml.MappingNode, at: tuple[str, ...]) -> YMap:
        out = YMap(self.loc(node))
        merged: list[tuple[yaml.MappingNode, tuple[int, object]]] = []
        path, homes, locs, parent = self.path, self.homes, out.locs, id(node)
        for key_node, value_node in node.value:
            if (isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<"
                    and not key_node.style and key_node.tag in (PLAIN, "tag:yaml.org,2002:merge")):
                merged.extend(self._merge_sources(key_node, value_node, parent))
                continue
            if self.alias_depth or not isinstance(key_node, yaml.ScalarNode):
                key = self.key(key_node)
            else:  # self.key(key_node), which counts it and cannot refuse it here
                self.decodes += 1
                key = self.scalar(key_node)
                if type(key) is not str:
                    key = stringify(key)
            if key in locs:
                line = self.line((locs[key].line or 1) - 1)
                raise YamlError(f'mapping key "{key}" already defined at line {line}',
                                self.line(key_node.start_mark.line))
            mark = key_node.start_mark
            locs[key] = Location(path, mark.line + 1, mark.column + 1)
            value_tag = value_node.tag
            if value_tag in _TAGGED:
                out.tags[key] = value_tag
            if isinstance(value_node, yaml.ScalarNode) and not self.alias_depth and id(value_node) not in homes:
                # self.value(value_node, ...) for a scalar met first at its own place (see _value's sequences)
                homes[id(value_node)] = (parent, key)
                self.decodes += 1
                if value_tag in _TAGGED:
                    self.tag_paths.append(((*at, key), value_tag))
                out[key] = self.scalar(value_node)
            else:
                out[key] = self.value(value_node, (*at, key), (parent, key))
        # explicit keys win over merged ones; among merged maps the first one wins (go-yaml v3)
        for source, slot in merged:
            alias = self._enter(source, slot)
            try:
                sub = self.mapping(source, at)
            finally:
                self.alias_depth -= alias
            for key, value in sub.items():
                if key not in out:
                    out[key] = value
                    out.locs[key] = sub.locs[key]
                    if key in sub.tags:
                        out.tags[key] = sub.tags[key]
        return out

    def _merge_sources(self, key: yaml.Node, node: yaml.Node, parent: int
                       ) -> list[tuple[yaml.MappingNode, tuple[int, object]]]:
        """The maps a `<<` merges, each with its place (an alias there is counted as one)."""
        if isinstance(node, yaml.MappingNode):
            return [(node, (parent, "<<"))]
        if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.MappingNode) for n in node.value):
            return [(item, (id(node), index)) for index, item in enumerate(node.value)]
        # the `<<:` line is the fault (`<<: *a` merging `x-a: &a always`): PyYAML hands the alias over as
        # its anchor's node, whose mark is the anchor's line, which is not wrong by itself
        message = "map merge requires map or sequence of maps as the value"
        if id(node) in self.homes:  # met before at its own place: an alias here
            what = "a sequence holding more than maps" if isinstance(node, yaml.SequenceNode) else "a scalar"
            message += f" (the anchor it merges, at line {self.line(node.start_mark.line)}, is {what})"
        raise YamlError(message, self.line(key.start_mark.line))

    def key(self, node: yaml.Node) -> str:
        self._count(node)
        if not isinstance(node, yaml.ScalarNode):
            raise YamlError("mapping key must be a scalar", self.line(node.start_mark.line))
        value = self.scalar(node)
        return stringify(value)


def load_documents(path: Path) -> tuple[list[YMap | None], list[tuple[tuple[str, ...], str]]]:
    """Every YAML document of a compose file (None for an empty one) and its `!reset`/`!override` paths.

    Raises YamlError for anything compose would refuse to parse, OSError when unreadable.
    """
    return parse_bytes(read_regular(path, COMPOSE_LIMIT), path)


def parse_bytes(data: bytes, path: Path) -> tuple[list[YMap | None], list[tuple[tuple[str, ...], str]]]:
    """Parse compose YAML bytes (see load_documents)."""
    try:
        text = compose_text(data)  # UTF-8, or UTF-16 after its mark, as go-yaml decodes
    except RefusedEncoding as exc:
        raise YamlError(exc.message, exc.line) from None
    table = pyyaml_lines(text)
    converter = _Converter(path, table)
    docs: list[YMap | None] = []
    try:
        for node in _compose_all(text):
            converter.start_document()
            value = converter.value(node, ())
            if value is None:
                docs.append(None)
            elif not isinstance(value, YMap):
                raise YamlError("top-level object must be a mapping", converter.line(node.start_mark.line))
            else:
                docs.append(value)
    except yaml.MarkedYAMLError as exc:
        mark = ("quoted" in (exc.context or "") and exc.context_mark) or exc.problem_mark or exc.context_mark
        where = _line(table, mark.line) if mark is not None else 1
        # the end of the stream is past the final newline: the file's last line, as compose says it
        where = max(1, min(where, text.count("\n") + (0 if text.endswith("\n") else 1)))
        what = exc.problem or exc.context or "invalid YAML"
        if what.startswith("found undefined alias") and mark is not None:
            what = _unknown_anchor(text, mark) or what
        raise YamlError(f"yaml: {what}", where) from None
    except yaml.YAMLError as exc:  # libyaml's ReaderError (a control character) has the UTF-8 offset, no mark
        at = text.encode()[:getattr(exc, "position", 0)].count(b"\n") + 1  # compose names no line at all
        raise YamlError(f"yaml: {str(exc).splitlines()[0] if str(exc) else 'invalid YAML'}", at) from None
    except RecursionError:
        raise YamlError("yaml: document nested too deeply", 1) from None
    if table is not None:
        _moved(docs, table)
    return docs, converter.tag_paths


def _line(table: list[tuple[int, int]] | None, index: int) -> int:
    """doctor's 1-based line of PyYAML's 0-based line `index` (yamlbytes.pyyaml_lines' `table`)."""
    return table[index][0] if table is not None and 0 <= index < len(table) else index + 1


def _moved(docs: list[YMap | None], table: list[tuple[int, int]]) -> None:
    """Every location of the parsed documents at doctor's line and column, where PyYAML counted a line more at a
    NEL, U+2028 or U+2029 (a quoted value may hold one): a fix then edits the line its finding names."""
    moved: dict[int, Location] = {}

    def place(loc: Location | None) -> Location | None:
        if loc is None or loc.line is None or not 0 < loc.line <= len(table):
            return loc
        new = moved.get(id(loc))
        if new is None:
            line, before = table[loc.line - 1]
            new = moved[id(loc)] = Location(loc.path, line, loc.column + before if loc.column is not None else None)
        return new

    seen: set[int] = set()
    stack: list[object] = [doc for doc in docs if doc is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YMap):
            node.loc = place(node.loc)
            node.locs = {key: place(loc) or loc for key, loc in node.locs.items()}
            stack.extend(value for value in node.values() if isinstance(value, (YMap, YList)))
        elif isinstance(node, YList):
            node.loc = place(node.loc)
            node.locs = [place(loc) for loc in node.locs]
            stack.extend(value for value in node if isinstance(value, (YMap, YList)))


def _unknown_anchor(text: str, mark: yaml.Mark) -> str | None:
    """compose's words for an alias with no anchor, naming it (libyaml's message does not): the usual
    cause is an anchor defined in another compose file, which YAML never sees from this one."""
    lines = YAML_BREAK.split(text)  # the lines PyYAML's marks count
    rest = lines[mark.line][mark.column:] if mark.line < len(lines) else ""
    if not rest.startswith("*"):
        return None
    name = rest[1:]
    for stop in " \t,[]{}#":
        name = name.split(stop, 1)[0]
    if not name:
        return None
    return f"unknown anchor '{name}' referenced (an anchor is seen only in the file that defines it)"


def _compose_all(text: str) -> Iterator[yaml.Node]:
    """The documents' node trees, read as deep as go-yaml reads them (10,000 levels).

    libyaml stops at 1,000 levels unless told otherwise (its `yaml_set_max_nest_level`, which
    PyYAML does not expose); without that, documents deeper than 1,000 levels go through an
    iterative composer over PyYAML's pure-Python parser (correct, but quadratic in depth).
    """
    too_deep = False
    try:
        nodes = _compose_nested(text)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" not in str(exc.problem or ""):
            raise
        from doctor.project.yamldeep import libyaml_reads_max_depth

        if libyaml_reads_max_depth():
            line = exc.problem_mark.line + 1 if exc.problem_mark is not None else 1
            raise YamlError(f"yaml: line {line}: exceeded max depth of {MAX_DEPTH}", line) from None
        too_deep = True
    if too_deep:  # outside the except block: no chained C-level traceback
        from doctor.project.yamldeep import compose_deep, refuse_beyond_max_depth

        refuse_beyond_max_depth(text)
        nodes = list(compose_deep(text))
    yield from nodes


def _compose_nested(text: str) -> list[yaml.Node]:
    """libyaml's node trees; past its default 1,000 levels, once more with go-yaml's limit set
    (setting it loads ctypes: only the rare document that deep pays for that); with an anchor
    defined twice, PyYAML's own composer's (_Redefining)."""
    try:
        return list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        redefined = _duplicate_anchor(exc)
        if not redefined:
            if "nesting depth" not in str(exc.problem or ""):
                raise
            from doctor.project.yamldeep import libyaml_limit_raised, libyaml_reads_max_depth

            if libyaml_limit_raised() or not libyaml_reads_max_depth():
                raise
    if redefined:  # outside the except block: no chained traceback
        return list(yaml.compose_all(text, Loader=_Redefining))
    return list(yaml.compose_all(text, Loader=_Loader))


def refuse_expansion(text: str, max_depth: int) -> None:
    """Raise YamlError when a document of `text`, its aliases expanded, nests collections deeper
    than `max_depth` (a cycle, `&a [*a]`, included) or expands more aliases than parse_bytes
    allows (ALIAS_BUDGET, counted as it counts them).

    For a reader that builds every value of a small file (doctor.yaml): only nodes are composed
    and counted here, so a bomb is refused in bounded time and memory. Text that does not parse
    is left to that reader, to say in its own words.
    """
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem or ""):  # libyaml's own limit, 1,000 levels
            line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
            raise YamlError(f"value nested over {max_depth} levels deep", line) from None
        nodes = _pure_nodes(text, max_depth)  # libyaml refused it: count what PyYAML's own parser reads
    except yaml.YAMLError:
        nodes = _pure_nodes(text, max_depth)
    except RecursionError:  # PyYAML without libyaml: its composer recurses once a level
        raise YamlError(f"value nested over {max_depth} levels deep") from None
    for node in nodes:
        counter = _Converter(Path())
        # (node, its place, its depth), or None where an alias's expansion ends
        todo: list[tuple[yaml.Node, tuple[int, object] | None, int] | None] = [(node, None, 1)]
        while todo:
            item = todo.pop()
            if item is None:
                counter.alias_depth -= 1
                continue
            current, slot, depth = item
            if counter._enter(current, slot):
                todo.append(None)
            if isinstance(current, yaml.ScalarNode):
                continue
            if depth > max_depth:
                raise YamlError(f"value nested over {max_depth} levels deep", current.start_mark.line + 1)
            parent = id(current)
            children: list[tuple[yaml.Node, tuple[int, object], int]]
            if isinstance(current, yaml.SequenceNode):
                children = [(child, (parent, index), depth + 1) for index, child in enumerate(current.value)]
            else:
                children = [
                    (child, (parent, (index, side)), depth + 1)
                    for index, pair in enumerate(current.value)
                    for side, child in enumerate(pair)
                ]
            todo.extend(reversed(children))


def _pure_nodes(text: str, max_depth: int) -> list[yaml.Node]:
    """The documents as PyYAML's pure-Python composer reads them ([] when it cannot)."""
    try:
        return list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    except RecursionError:
        raise YamlError(f"value nested over {max_depth} levels deep") from None
