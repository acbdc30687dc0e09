"""The rare compose file nested deeper than libyaml's 1,000 levels, read as deep as go-yaml does.

libyaml's limit is raised through ctypes where this PyYAML build allows it; otherwise an
iterative composer over PyYAML's pure-Python parser reads the document (correct, but quadratic
in depth), after a bracket count refuses flow collections beyond MAX_DEPTH as go-yaml does.
`doctor.project.yamlload` imports this only for such a document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from doctor.project.yamlimport import yaml
from doctor.project.yamlload import MAX_DEPTH, PLAIN, YamlError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def libyaml_limit_raised() -> bool:
    return libyaml_reads_max_depth.cache_info().currsize > 0


@cache
def libyaml_reads_max_depth() -> bool:
    """Raise libyaml's nesting limit to go-yaml's; False when this PyYAML build cannot."""
    if not getattr(yaml, "__with_libyaml__", False):
        return False
    try:
        import ctypes

        from yaml import _yaml

        ctypes.CDLL(_yaml.__file__).yaml_set_max_nest_level(MAX_DEPTH)
    except (ImportError, OSError, AttributeError):
        return False
    return True


def refuse_beyond_max_depth(text: str) -> None:
    """Fail fast, as go-yaml does, on flow collections nested beyond MAX_DEPTH (the pure-Python
    scanner needs minutes to reach that point). Counts brackets; quoted text is rarely this deep."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise YamlError(f"yaml: line {line}: exceeded max depth of {MAX_DEPTH}", line)


def compose_deep(text: str) -> Iterator[yaml.Node]:
    """PyYAML's composer without recursion, over the pure-Python (iterative) parser's events.

    Refuses more than MAX_DEPTH levels with go-yaml's message.
    """
    stack: list[tuple[yaml.Node, list[yaml.Node]]] = []
    anchors: dict[str, yaml.Node] = {}
    for parsed in yaml.parse(text, Loader=yaml.SafeLoader):
        event: Any = parsed
        start: Any = event.start_mark
        end: Any = event.end_mark
        node: yaml.Node | None = None
        if isinstance(event, yaml.DocumentStartEvent):
            anchors = {}
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise YamlError(f"yaml: unknown anchor '{event.anchor}' referenced", start.line + 1)
            node = anchors[event.anchor]
        elif isinstance(event, yaml.ScalarEvent):
            tag = PLAIN if event.tag in (None, "!") else event.tag
            node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise YamlError(f"yaml: line {start.line + 1}: exceeded max depth of {MAX_DEPTH}",
                                start.line + 1)
            sequence = isinstance(event, yaml.SequenceStartEvent)
            default = "tag:yaml.org,2002:seq" if sequence else "tag:yaml.org,2002:map"
            tag = default if event.tag in (None, "!") else event.tag
            kind = yaml.SequenceNode if sequence else yaml.MappingNode
            collection = kind(tag, [], start, None, flow_style=event.flow_style)
            if event.anchor is not None:
                anchors[event.anchor] = collection
            stack.append((collection, []))
            continue
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node, items = stack.pop()
            node.end_mark = end
            if isinstance(node, yaml.MappingNode):
                node.value = list(zip(items[::2], items[1::2], strict=True))
            else:
                node.value = items
        else:
            continue
        if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            anchors[event.anchor] = node
        if stack:
            stack[-1][1].append(node)
        else:
            yield node
