"""compose-go's override.Merge for canonical services and top-level resources, plus `!reset`/`!override`.

Ports are appended (then de-duplicated), volumes replaced by target, environment by key,
command/entrypoint replaced, networks and depends_on merged by name, other mappings merged
recursively, other sequences appended, scalars replaced (COMPOSE-SEMANTICS.md §5.1).
"""

from __future__ import annotations

from collections.abc import Iterable

from doctor.project.ports import unique_ports
from doctor.project.volumes import unique_mounts
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_REPLACED = ("command", "entrypoint")
_BY_KEY = ("environment", "networks", "depends_on")


def merge_service(base: YMap, over: YMap) -> YMap:
    """`over` merged onto a copy of `base` with compose's per-attribute rules."""
    out = _copy(base)
    for key, value in over.items():
        if value is None and key not in _REPLACED and key in out:
            continue  # a bare `key:` in an override keeps the base value (checked on v2.40.3)
        loc = over.locs.get(key)
        if loc is not None:
            out.locs[key] = loc
        current = out.get(key)
        if key not in out or current is None or value is None or key in _REPLACED:
            out[key] = value
        elif key == "ports":
            out[key] = unique_ports([*current, *value])
        elif key == "volumes":
            out[key] = unique_mounts([*current, *value])
        elif key in ("env_file", "label_file"):
            merged = {ref.path: ref for ref in current}
            for ref in value:
                merged.pop(ref.path, None)
                merged[ref.path] = ref
            out[key] = list(merged.values())
        elif key in _BY_KEY and isinstance(current, dict) and isinstance(value, dict):
            out[key] = _by_key(key, current, value)
        elif key == "extra_hosts" and isinstance(current, list):
            out[key] = [*current, *(h for h in value if h not in current)]
        else:
            out[key] = merge_value(current, value)
    return out


def _by_key(key: str, current: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for name, item in value.items():
        if key == "networks" and name in merged:
            merged[name] = tuple(dict.fromkeys((*merged[name], *item)))
        else:
            merged[name] = item
    return merged


def merge_value(current: Any, value: Any) -> Any:
    """The generic rule: mappings merge recursively, sequences append (unique), scalars replace."""
    if isinstance(current, YMap) and isinstance(value, YMap):
        out = _copy(current)
        for key, item in value.items():
            out[key] = merge_value(out[key], item) if key in out else item
            if key in value.locs:
                out.locs[key] = value.locs[key]
        return out
    if isinstance(current, list) and isinstance(value, list):
        if isinstance(current, YList) and isinstance(value, YList):
            out_list = YList(current.loc)
            for index, item in enumerate(current):
                out_list.add(item, current.loc_of(index))
            for index, item in enumerate(value):
                if _hashable(item) and item in current:
                    continue
                out_list.add(item, value.loc_of(index))
            return out_list
        return [*current, *(v for v in value if not (_hashable(v) and v in current))]
    return value


def merge_resources(base: YMap, over: YMap) -> YMap:
    """Top-level `volumes`/`networks`/`secrets`/`configs`: merged per name."""
    out = _copy(base)
    for name, value in over.items():
        out[name] = merge_value(out[name], value) if name in out and out[name] is not None else value
        if name in over.locs:
            out.locs[name] = over.locs[name]
    return out


def delete_paths(target: YMap, paths: Iterable[tuple[str, ...]]) -> None:
    """Remove what `!reset`/`!override` paths name from the model merged so far. Each mapping on the
    way is copied first: below the service, `target` shares them with the service it was copied from
    (an `extends:` base, whose own `environment:` a child's `A: !reset null` must leave alone)."""
    for path in paths:
        node: Any = target
        for part in path[:-1]:
            child = node.get(part) if isinstance(node, dict) else None
            if isinstance(child, YMap):
                child = node[part] = _copy(child)
            elif type(child) is dict:
                child = node[part] = dict(child)
            node = child
            if node is None:
                break
        if isinstance(node, dict) and path and path[-1] in node:
            del node[path[-1]]


def _copy(source: YMap) -> YMap:
    out = YMap(source.loc)
    out.locs = dict(source.locs)
    out.tags = dict(source.tags)
    out.update(source)
    return out


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
