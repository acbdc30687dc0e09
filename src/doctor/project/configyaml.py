"""doctor.yaml's YAML as plain values that remember their line (the config reader's YAML half).

Only project/ touches PyYAML; doctor.configfile turns these (value, line) pairs into its Raw
records. A duplicate key is an error here, as it is for compose.
"""

from __future__ import annotations

from typing import Any

#: (value, 1-based line): a mapping's value is dict[str, Lined], a sequence's list[Lined]
Lined = tuple[Any, "int | None"]


class ConfigYamlError(Exception):
    """The YAML cannot be read; `line` where known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def lined_tree(text: str) -> Lined:
    """The document as (value, line) pairs; an empty document is an empty mapping on line 1."""
    from doctor.project.yamlimport import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigYamlError(f"invalid YAML: {exc.problem or exc.context}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise ConfigYamlError(f"invalid YAML: {exc}") from None
    if node is None:
        return {}, 1
    loader = yaml.SafeLoader("")

    def convert(n: yaml.Node, line: int) -> Lined:
        if isinstance(n, yaml.MappingNode):
            out: dict[str, Lined] = {}
            for key_node, value_node in n.value:
                key_line = key_node.start_mark.line + 1
                key = str(loader.construct_object(key_node, deep=True))
                if key in out:
                    raise ConfigYamlError(f"key {key!r} is given twice (first on line {out[key][1]})", key_line)
                out[key] = convert(value_node, key_line)
            return out, line
        if isinstance(n, yaml.SequenceNode):
            return [convert(item, item.start_mark.line + 1) for item in n.value], line
        try:
            return loader.construct_object(n, deep=True), line
        except yaml.YAMLError as exc:
            raise ConfigYamlError(f"invalid value: {exc}", line) from None

    return convert(node, node.start_mark.line + 1)
