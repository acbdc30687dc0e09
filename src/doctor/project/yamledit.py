"""Round-trip edits of compose files: set a service's ports, add environment keys or volumes.

Every function takes the file's current text (or a path, or None for a file that does not
exist yet) and returns the complete new text, keeping comments, anchors, key order, quoting
and the file's own indentation. The fixer then applies it with the whole-file convention of
`whole_file_edit`: `Edit(path, old=<entire old text>, new=<entire new text>, line=1)`, which
it refuses when the file no longer holds exactly that text. ruamel.yaml's round-trip mode is
used here and only here (project/ owns the YAML libraries).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tag import Tag

from doctor.project.wholefile import (
    YamlEditError,
    indent_of,
    keep_comments,
    plain_safe,
    read_text,
    whole_file_edit,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["YamlEditError", "add_environment", "add_extra_host", "add_volume", "keep_comments", "override_ports",
           "read_text", "whole_file_edit"]

Source = str | Path | None
PortSpec = str | Mapping[str, object]



def override_ports(source: Source, service: str, ports: Sequence[PortSpec],
                   use_override_tag: bool = True) -> str:
    """The text with `services.<service>.ports` set to `ports` (tagged `!override` when asked).

    Short specs are written double-quoted ("8095:80": YAML 1.1 readers take `80:80` for a
    base-60 number); long specs are written as mappings. Compose appends an override file's
    ports to the base list, so an override that moves a port needs the `!override` tag
    (compose >= 2.24.4) or the base list edited in place instead.
    """
    text = read_text(source)
    yaml, root = _load(text)
    svc = _service(root, service, text)
    seq = CommentedSeq(_port_node(p) for p in ports)
    if use_override_tag:
        seq.yaml_set_ctag(Tag(suffix="!override"))
    old = svc.get("ports")
    if isinstance(old, CommentedSeq) and _same_ports(old, seq, use_override_tag):
        return text
    if isinstance(old, CommentedSeq):
        seq = _reuse_items(old, seq)
    svc["ports"] = seq
    return _dump(yaml, root, text)


def _reuse_items(old: CommentedSeq, new: CommentedSeq) -> CommentedSeq:
    """`new`, taking each entry equal to an old one from the old list with its quoting and comment."""
    merged = CommentedSeq()
    pairs: dict[int, int] = {}
    for i, item in enumerate(new):
        match = next((j for j, o in enumerate(old) if j not in pairs.values() and _plain(o) == _plain(item)), None)
        if match is not None:
            pairs[i] = match
    # an entry that changed (8080:80 -> 8081:80) keeps the comment of the one it replaces
    left_old = iter(j for j in range(len(old)) if j not in pairs.values())
    comments = {}
    for i in range(len(new)):
        source = pairs.get(i)
        if source is None:
            source = next(left_old, None)
            merged.append(new[i])
        else:
            merged.append(old[source])
        if source is not None and source in old.ca.items:
            comments[i] = old.ca.items[source]
    merged.ca.items.update(comments)  # after the appends: inserting shifts ruamel's comment slots
    merged.ca.comment = old.ca.comment
    if old.fa.flow_style():
        merged.fa.set_flow_style()
    tag = getattr(getattr(new, "tag", None), "value", None)
    if tag:
        merged.yaml_set_ctag(Tag(suffix=tag))
    return merged


def add_environment(source: Source, service: str, variables: Mapping[str, str]) -> str:
    """The text with each missing key of `variables` added to `services.<service>.environment`.

    Keys already set are left as they are; a list-style block gets `KEY=value` items, a
    mapping gets `KEY: "value"`, matching what the file already uses.
    """
    text = read_text(source)
    yaml, root = _load(text)
    svc = _service(root, service, text)
    env = svc.get("environment")
    if env is None:
        env = CommentedMap()
        svc["environment"] = env
    _refuse_shared(env, "environment", text)
    changed = False
    if isinstance(env, CommentedSeq):
        present = {str(item).partition("=")[0] for item in env}
        for key, value in variables.items():
            if key not in present:
                env.append(f"{key}={value}")
                changed = True
    elif isinstance(env, CommentedMap):
        for key, value in variables.items():
            if key not in env:
                env[key] = value if plain_safe(value) else DoubleQuotedScalarString(value)
                changed = True
    else:
        raise YamlEditError(f"services.{service}.environment is neither a list nor a mapping")
    return _dump(yaml, root, text) if changed else text


def add_volume(source: Source, service: str, volume: str) -> str:
    """The text with `volume` (short syntax: `./src:/app/src`) appended to `services.<service>.volumes`."""
    text = read_text(source)
    yaml, root = _load(text)
    svc = _service(root, service, text)
    volumes = svc.get("volumes")
    if volumes is None:
        volumes = CommentedSeq()
        svc["volumes"] = volumes
    if not isinstance(volumes, CommentedSeq):
        raise YamlEditError(f"services.{service}.volumes is not a list")
    _refuse_shared(volumes, "volumes", text)
    if any(isinstance(v, str) and v == volume for v in volumes):
        return text
    volumes.append(volume)
    return _dump(yaml, root, text)


def add_extra_host(source: Source, service: str, entry: str) -> str:
    """The text with `entry` (`host.docker.internal:host-gateway`) added to `services.<service>.extra_hosts`.

    A mapping-style `extra_hosts` gets `name: value`; a list gets the entry quoted. An entry for
    the same host name already there is left as it is.
    """
    text = read_text(source)
    yaml, root = _load(text)
    svc = _service(root, service, text)
    hosts = svc.get("extra_hosts")
    name, _, value = entry.partition(":")
    if hosts is None:
        hosts = CommentedSeq()
        svc["extra_hosts"] = hosts
    _refuse_shared(hosts, "extra_hosts", text)
    if isinstance(hosts, CommentedMap):
        if name in hosts:
            return text
        hosts[name] = value
    elif isinstance(hosts, CommentedSeq):
        if any(isinstance(h, str) and re.split(r"[:=]", h, maxsplit=1)[0].strip() == name for h in hosts):
            return text
        hosts.append(DoubleQuotedScalarString(entry))
    else:
        raise YamlEditError(f"services.{service}.extra_hosts is neither a list nor a mapping")
    return _dump(yaml, root, text)


def _load(text: str) -> tuple[YAML, CommentedMap]:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the author wrote on one line
    mapping, sequence, offset = indent_of(text)  # a mixed file: match the part we edit
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.explicit_start = text.lstrip().startswith("---")
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
    return yaml, root


def _dump(yaml: YAML, root: CommentedMap, original: str) -> str:
    out = io.StringIO()
    try:
        yaml.dump(root, out)
    except RecursionError:
        raise YamlEditError("nested too deeply for doctor to rewrite it safely; edit it by hand") from None
    text = out.getvalue()
    if text.strip() == "{}":
        text = ""
    return text


def _service(root: CommentedMap, service: str, text: str) -> CommentedMap:
    services = root.get("services")
    if services is None:
        services = CommentedMap()
        root["services"] = services
    if not isinstance(services, CommentedMap):
        raise YamlEditError("'services' is not a mapping")
    svc = services.get(service)
    if svc is None:
        svc = CommentedMap()
        services[service] = svc
    if not isinstance(svc, CommentedMap):
        raise YamlEditError(f"service {service!r} is not a mapping")
    _refuse_shared(svc, f"service {service!r}", text)
    return svc


def _is_shared(node: Any, text: str) -> bool:
    """Whether `node` carries an anchor that an alias elsewhere in the file reuses."""
    anchor = getattr(getattr(node, "anchor", None), "value", None)
    return isinstance(anchor, str) and re.search(rf"\*{re.escape(anchor)}\b", text) is not None


def _refuse_shared(node: Any, what: str, text: str) -> None:
    """Refuse to change a node in place when an alias elsewhere reuses it: the edit would leak there."""
    if _is_shared(node, text):
        anchor = node.anchor.value
        raise YamlEditError(f"{what} is anchor '&{anchor}', reused elsewhere; edit it by hand")


def _port_node(port: PortSpec) -> object:
    if isinstance(port, str):
        return DoubleQuotedScalarString(port)
    node = CommentedMap()
    for key, value in port.items():
        node[key] = DoubleQuotedScalarString(value) if isinstance(value, str) and key == "published" else value
    return node


def _same_ports(old: CommentedSeq, new: CommentedSeq, tagged: bool) -> bool:
    old_tag = getattr(getattr(old, "tag", None), "value", None)
    if (old_tag == "!override") != tagged:
        return False
    return [_plain(x) for x in old] == [_plain(x) for x in new]


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
