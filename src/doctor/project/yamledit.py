"""Round-trip edits of compose files: set a service's ports, add environment keys or volumes.

Every function takes the file's current text (or a path, or None for a file that does not
exist yet) and returns the complete new text, keeping comments, anchors, key order, quoting
and the file's own indentation. The fixer then applies it with the whole-file convention of
`whole_file_edit`: `Edit(path, old=<entire old text>, new=<entire new text>, line=1)`, which
it refuses when the file no longer holds exactly that text. ruamel.yaml's round-trip mode is
used here and only here (project/ owns the YAML libraries); its load and checked write are in
yamlround.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tag import Tag

from doctor.lazyre import lazy
from doctor.project.textedit import emitted
from doctor.project.wholefile import YamlEditError, keep_comments, plain_safe, read_text, whole_file_edit
from doctor.project.yamlmounts import long_like, same_bind
from doctor.project.yamlround import _dump, _load

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["YamlEditError", "add_environment", "add_extra_host", "add_volume", "keep_comments", "override_ports",
           "read_text", "whole_file_edit"]

Source = str | Path | None
PortSpec = str | Mapping[str, object]



def override_ports(source: Source, service: str, ports: Sequence[PortSpec],
                   use_override_tag: bool = True, style: str = "") -> str:
    """The text with `services.<service>.ports` set to `ports` (tagged `!override` when asked).

    Short specs are written double-quoted ("8095:80": YAML 1.1 readers take `80:80` for a
    base-60 number); long specs are written as mappings. Compose appends an override file's
    ports to the base list, so an override that moves a port needs the `!override` tag
    (compose >= 2.24.4) or the base list edited in place instead. A new (empty) file is written in the
    indentation and quote of `style`, the base file's text, as an edit keeps a file's own.
    """
    text = read_text(source)
    new_file = not text.strip() and bool(style)
    yaml, root = _load(text if not new_file else style, root_of="" if new_file else None)
    svc = _service(root, service, text)
    seq = CommentedSeq(_port_node(p) for p in ports)
    if new_file and _ports_quote(style) == "'":  # the base's single quotes, where the spec holds none
        seq = CommentedSeq(SingleQuotedScalarString(p) if isinstance(p, DoubleQuotedScalarString) and "'" not in p
                           else p for p in seq)
    if use_override_tag:
        seq.yaml_set_ctag(Tag(suffix="!override"))
    old = svc.get("ports")
    if isinstance(old, CommentedSeq) and _same_ports(old, seq, use_override_tag):
        return text
    if isinstance(old, CommentedSeq):
        seq = _reuse_items(old, seq)
    svc["ports"] = seq
    return _dump(yaml, root, text, (service, "ports") if old is None else None, (service, "ports"))


# a short port entry quoted (`- '${HTTP_PORT}:8000'`, `- "127.0.0.1:8080:80/tcp"`): its quote
_QUOTED_PORT = lazy(r"""^\s*-\s*(['"])[^'"\s]*:\d+(?:-\d+)?(?:/(?:tcp|udp|sctp))?\1\s*(?:#.*)?$""", re.MULTILINE)


def _ports_quote(text: str) -> str | None:
    """The one quote the file's short port entries are written in (docker-jitsi-meet's `- '${HTTP_PORT}:8000'`
    beside `service: "jitsi-web"`); None where they are plain (pontoon's `- 8000:8000`: a new entry stays
    double-quoted, as a YAML 1.1 reader takes a plain `80:80` for a base-60 number) or quoted both ways."""
    quotes = {found[1] for found in _QUOTED_PORT.finditer(text)}
    return quotes.pop() if len(quotes) == 1 else None


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
            kept: object = None
            if source is not None:  # the entry it replaces: its published value, else its quoting, kept
                kept = _published_in_place(old[source], new[i])
                if kept is None:
                    kept = _styled_like(old[source], new[i])
            merged.append(new[i] if kept is None else kept)
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


# a short port spec YAML 1.1 reads as a string, written plain: digits, dots and colons (an IPv4 host
# address), a protocol; not a bracketed IPv6 address (`[` opens a flow list)
_PLAIN_PORT = lazy(r"[0-9][0-9.:]*(?:/[a-z]+)?")
# what YAML 1.1 readers (PyYAML, docker-compose v1) take for a base-60 number: `1:22` is 82
_SEXAGESIMAL = lazy(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")


def _styled_like(old: object, new: object) -> object:
    """A changed short entry written in the style of the one it replaces (`- 8080:80` stays plain
    as `- 8081:80`, `- '8080:80'` single-quoted), where that style reads the same; else as made
    (double-quoted: a plain `1:22` is a base-60 number to a YAML 1.1 reader)."""
    if not isinstance(new, str) or not isinstance(old, str):
        return new
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(str(new))
    if isinstance(old, DoubleQuotedScalarString) or type(old) is not str:
        return new
    text = str(new)
    if _PLAIN_PORT.fullmatch(text) and not _SEXAGESIMAL.fullmatch(text):
        return text
    return new


def _published_in_place(old: object, new: object) -> CommentedMap | None:
    """The old long-syntax entry with only its `published` value changed to `new`'s, when that is
    all that differs: its keys keep their order, style and comments. None otherwise."""
    if not isinstance(old, CommentedMap) or not isinstance(new, Mapping) or "published" not in old:
        return None
    before, after = _plain(old), _plain(new)
    assert isinstance(before, dict) and isinstance(after, dict)
    before.pop("published", None)
    value = str(after.pop("published", ""))
    if before != after or not value:
        return None
    was = old["published"]
    if isinstance(was, int) and not isinstance(was, bool) and value.isdigit():
        old["published"] = type(was)(int(value)) if type(was) is not int else int(value)
    elif isinstance(was, str) and type(was) is not str:
        old["published"] = type(was)(value)  # the quoting it was written with
    else:
        old["published"] = DoubleQuotedScalarString(value)
    return old


def add_environment(source: Source, service: str, variables: Mapping[str, str], *,
                    interpolated: bool = False, quote: str | None = None) -> str:
    """The text with each missing key of `variables` added to `services.<service>.environment`.

    Keys already set are left as they are; with `interpolated`, one whose value is only what compose
    interpolates (`POSTGRES_PORT=${POSTGRES_PORT-5432}`: the host's .env value, mathesar's dev file) is set
    to the new value instead. A list-style block gets `KEY=value` items, a mapping gets `KEY: value`,
    matching what the file already uses, quoted as every value beside it is; else, where YAML needs it
    quoted, in `quote` (the file's or project's, wholefile.file_quote: nickjj's `"5432"`, not '5432'),
    else double-quoted where a plain one would not read back as the same string.
    """
    text = read_text(source)
    yaml, root = _load(text)
    svc = _service(root, service, text)
    env = svc.get("environment")
    added = (service, "environment") if env is None else None
    if env is None:
        env = CommentedMap()
        svc["environment"] = env
    _refuse_shared(env, "environment", text)
    changed = False
    if isinstance(env, CommentedSeq):
        present = {str(item).partition("=")[0]: at for at, item in enumerate(env)}
        siblings = list(env)
        for key, value in variables.items():
            if key not in present:
                item = f"{key}={value}"
                like = _quoted_like(siblings, item)
                env.append(like if like is not item else _in_quote(item, quote, double=False) or item)
                changed = True
            elif interpolated and _only_interpolated(str(env[present[key]]).partition("=")[2]):
                env[present[key]] = f"{key}={value}"
                changed = True
    elif isinstance(env, CommentedMap):
        siblings = list(env.values())
        for key, value in variables.items():
            if key not in env or (interpolated and _only_interpolated(str(env[key]))):
                like = _quoted_like(siblings, value)
                if like is value:
                    like = _in_quote(value, quote, double=not plain_safe(value)) or (
                        value if plain_safe(value) else DoubleQuotedScalarString(value))
                env[key] = like
                changed = True
    else:
        raise YamlEditError(f"services.{service}.environment is neither a list nor a mapping")
    return _dump(yaml, root, text, added, (service, "environment")) if changed else text


def _only_interpolated(value: str) -> bool:
    """Whether a value is one `${NAME...}` and nothing else."""
    import re

    return re.fullmatch(r"\$\{[A-Za-z_]\w*(?:[:]?[-?+=][^}]*)?\}", value.strip()) is not None


def add_volume(source: Source, service: str, volume: str) -> str:
    """The text with `volume` (short syntax: `./src:/app/src`) appended to `services.<service>.volumes`:
    in long syntax where every bind beside it is (project.yamlmounts)."""
    text = read_text(source)
    yaml, root = _load(text)
    svc = _service(root, service, text)
    volumes = svc.get("volumes")
    added = (service, "volumes") if volumes is None else None
    if volumes is None:
        volumes = CommentedSeq()
        svc["volumes"] = volumes
    if not isinstance(volumes, CommentedSeq):
        raise YamlEditError(f"services.{service}.volumes is not a list")
    _refuse_shared(volumes, "volumes", text)
    if any((isinstance(v, str) and v == volume) or same_bind(v, volume) for v in volumes):
        return text
    # in long syntax where every sibling bind is (fastapi-template's `- type: bind`), with the options they share
    entry = long_like(volumes, volume)
    if entry is not None:
        volumes.append(entry)
        return _dump(yaml, root, text, added, (service, "volumes"))
    # quoted as every sibling is (DefectDojo's `- './dojo:/app/dojo:z'`), else as ruamel writes a str
    for quoted in (SingleQuotedScalarString, DoubleQuotedScalarString):
        if volumes and all(isinstance(v, quoted) for v in volumes):
            volumes.append(quoted(volume))
            break
    else:
        volumes.append(volume)
    return _dump(yaml, root, text, added, (service, "volumes"))


def _quoted_like(siblings: list[object], value: str) -> object:
    """`value` quoted as every sibling is (fastapi-template's `SMTP_PORT: "1025"` gets `POSTGRES_PORT:
    "5432"` beside it, not '5432'), where it needs no escape; else `value` itself."""
    if any(c in value for c in "'\\\""):
        return value
    for quoted in (SingleQuotedScalarString, DoubleQuotedScalarString):
        if siblings and all(isinstance(v, quoted) for v in siblings):
            return quoted(value)
    return value


def _in_quote(value: str, quote: str | None, double: bool) -> object | None:
    """`value` in `quote` where YAML writes it quoted at all (textedit.emitted, `double` as asked), None
    otherwise: an added value no sibling decides follows the file's (or project's) quoting."""
    # not an empty value: ruamel.yaml writes it "" whatever its quote
    if quote not in ("'", '"') or not value or any(c in value for c in "'\\\""):
        return None
    written = emitted(value, double_quoted=double)
    if written is None or written == value:
        return None
    quoted: object = SingleQuotedScalarString(value) if quote == "'" else DoubleQuotedScalarString(value)
    return quoted


def add_extra_host(source: Source, service: str, entry: str) -> str:
    """The text with `entry` (`host.docker.internal:host-gateway`) added to `services.<service>.extra_hosts`.

    A mapping-style `extra_hosts` gets `name: value`; a list gets the entry quoted. An entry for
    the same host name already there is left as it is.
    """
    text = read_text(source)
    yaml, root = _load(text)
    svc = _service(root, service, text)
    hosts = svc.get("extra_hosts")
    added = (service, "extra_hosts") if hosts is None else None
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
    return _dump(yaml, root, text, added, (service, "extra_hosts"))



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


_LONG_DEFAULTS = {"protocol": "tcp", "mode": "ingress"}


def _plain(value: object) -> object:
    """An entry as comparable data: a long entry's keys with their default value (`protocol: tcp`,
    `mode: ingress`) count as absent, so an unchanged entry is kept as the author wrote it."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if _LONG_DEFAULTS.get(str(k)) != str(v)}
    return str(value)
