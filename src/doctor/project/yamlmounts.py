"""A bind mount added to a `volumes:` list written the way its sibling binds are (project.yamledit's add_volume).

Where every bind of the list is long syntax (`- type: bind` / `source:` / `target:`), a short
`./backend/scripts:/app/backend/scripts` appended beside them would be the one entry written
otherwise; `long_like` writes it as they are: their key order, the quoting of their values, and the
options they all share (`read_only`, `consistency`, `bind:`'s `selinux`, `propagation`,
`create_host_path`). Named volumes and tmpfs entries of the list are not binds and do not vote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from doctor.project.volumes import VolumeError, split_short

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

# a short spec's mode options as the long syntax writes them: (key, sub-key under `bind:` or None, value)
_OPTIONS: dict[str, tuple[str, str | None, object]] = {
    "ro": ("read_only", None, True), "rw": ("read_only", None, False),
    "z": ("bind", "selinux", "z"), "Z": ("bind", "selinux", "Z"),
    "cached": ("consistency", None, "cached"), "delegated": ("consistency", None, "delegated"),
    "consistent": ("consistency", None, "consistent"),
}
_SHARED = ("read_only", "consistency")  # top-level options an added bind takes when every sibling has the same
_BIND_SHARED = ("selinux", "propagation", "create_host_path")


def long_like(volumes: Sequence[object], volume: str) -> CommentedMap | None:
    """`volume` (short syntax) as a long-syntax entry like its siblings, when it is a bind and every
    bind beside it in `volumes` is long syntax; None otherwise (it is then appended as written)."""
    if not binds_long(volumes):
        return None
    try:
        source, target, options = split_short(volume)
    except VolumeError:
        return None
    if not _bind_source(source) or any(o and o not in _OPTIONS for o in options.split(",")):
        return None
    siblings = [v for v in volumes if isinstance(v, Mapping) and _is_bind(v)]
    values: dict[str, object] = {"type": _like(siblings, "type", "bind"), "source": _like(siblings, "source", source),
                                 "target": _like(siblings, "target", target)}
    values.update(_shared(siblings))
    for option in filter(None, options.split(",")):  # a mode the caller asked for wins over the shared one
        key, sub, value = _OPTIONS[option]
        if sub is None:
            values[key] = value
        else:
            values[key] = {**_plain_map(values.get(key)), sub: value}
    return _ordered(values, siblings[0])


def binds_long(volumes: Sequence[object]) -> bool:
    """Whether the list has binds and every one is long syntax (textedit's plain-text path declines those:
    ruamel.yaml is imported only where an entry is written)."""
    binds = [v for v in volumes if _is_bind(v)]
    return bool(binds) and all(isinstance(v, Mapping) for v in binds)


def same_bind(entry: object, volume: str) -> bool:
    """Whether a long-syntax `entry` mounts what the short `volume` does (source and target)."""
    if not isinstance(entry, Mapping):
        return False
    try:
        source, target, _ = split_short(volume)
    except VolumeError:
        return False
    return str(entry.get("source", "")) == source and str(entry.get("target", "")) == target


def _is_bind(entry: object) -> bool:
    if isinstance(entry, Mapping):
        return str(entry.get("type", "")) == "bind"
    if not isinstance(entry, str):
        return False
    try:
        return _bind_source(split_short(entry)[0])
    except VolumeError:
        return False


def _bind_source(source: str) -> bool:
    """A short-syntax source compose takes for a host path (not a named volume); `${PWD}/x` too."""
    return source.startswith((".", "/", "~", "$")) or (len(source) > 1 and source[1] == ":")


def _like(siblings: list[Mapping[str, object]], key: str, value: str) -> object:
    """`value` quoted as every sibling's `key` is (`source: "./backend/app"`), where it needs no escape."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if any(c in value for c in "'\\\""):
        return value
    for quoted in (SingleQuotedScalarString, DoubleQuotedScalarString):
        if all(isinstance(s.get(key), quoted) for s in siblings):
            return quoted(value)
    return value


def _shared(siblings: list[Mapping[str, object]]) -> dict[str, object]:
    """The options every sibling sets to the same value: `read_only: true` only where all are
    read-only (one writable sibling says the container may write there), `bind.selinux: z` where all
    are relabelled (SELinux hides an unlabelled folder)."""
    out: dict[str, object] = {}
    for key in _SHARED:
        values = [s.get(key) for s in siblings]
        if values[0] is not None and all(v == values[0] for v in values):
            out[key] = values[0]
    binds = [_plain_map(s.get("bind")) for s in siblings]
    shared = {sub: binds[0][sub] for sub in _BIND_SHARED
              if sub in binds[0] and all(b.get(sub) == binds[0][sub] for b in binds)}
    if shared:
        out["bind"] = shared
    return out


def _plain_map(value: object) -> dict[str, object]:
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _ordered(values: dict[str, object], first: Mapping[str, object]) -> CommentedMap:
    """The entry with its keys in the order of the first sibling's (the rest after them), and in flow
    style where that sibling is (`- {type: bind, source: ./app, target: /app}`)."""
    from ruamel.yaml.comments import CommentedMap

    keys = [str(k) for k in first if str(k) in values] + [k for k in values if k not in first]
    entry = CommentedMap()
    for key in keys:
        value = values[key]
        if isinstance(value, dict):
            inner, sibling = CommentedMap(), first.get(key)
            order = [str(k) for k in sibling if str(k) in value] if isinstance(sibling, Mapping) else []
            for sub in order + [k for k in value if k not in order]:
                inner[sub] = value[sub]
            value = inner
        entry[key] = value
    flow = getattr(first, "fa", None)
    if flow is not None and flow.flow_style():
        entry.fa.set_flow_style()
    return entry
