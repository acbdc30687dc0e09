"""The move written into a compose file: the dev override's ports list, or the mapping's own lines.

A literal published port goes to the dev override as `ports: !override [...]`: compose appends an
override's ports to the base list, so without the tag (compose < 2.24.4) the old binding would stay;
where only the override writes the service's ports there is nothing to append to, and the list stays
untagged (override_tag.py). Where the override alone writes the mapping, its own line is the edit;
where the tag is not supported or no override would be read, the mapping's own line in its file. A
variable written on the container side too (`${P:-5432}:${P:-5432}`) is written there as literals
(`5433:5432`), the container port kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit, relative_to
from doctor.project.ports import last_colon
from doctor.project.reading import COMPOSE_LIMIT, read_text
from doctor.project.types import PortMapping, Service
from doctor.regular import text_lines

from .override_tag import needs_override_tag, others_may_publish

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project


OVERRIDE_TAG_SINCE = (2, 24, 4)


def _is_long(port: PortMapping) -> bool:
    """Whether `port` was written in long syntax: it publishes a port and its raw text (the
    `published:` value) has no `:` outside `${...}`, as every short spec publishing one has."""
    return port.published is not None and last_colon(port.raw) < 0


def override_twin(project: Project, host: Host, svc: Service, mapping: PortMapping) -> PortMapping | None:
    """The mapping the dev override adds for the same container port, when `mapping` comes from
    another file and the override's host port is free: compose appends an override's ports, so
    the author's move left the old port published too.
    """
    from doctor.host.ports import HostSocket
    from doctor.project.edits import dev_override

    override = dev_override(project)
    if override is None or mapping.location is None or mapping.location.path == override:
        return None
    for port in svc.ports:
        span = port.published_range
        same = port is not mapping and port.target == mapping.target and port.protocol == mapping.protocol
        if same and port.location is not None and port.location.path == override and span and span[0] == span[1]:
            return None if host.ports.probe(HostSocket(port.host_ip, span[0], port.protocol)) else port
    return None


def compose_edits(project: Project, svc: Service, mapping: PortMapping, new: int | None,
                   version: tuple[int, int, int] | None,
                   partner: PortMapping | None = None, in_place: bool = True,
                   specs: list[str | dict[str, object]] | None = None) -> tuple[tuple[Edit, ...], str]:
    """The compose-file edits publishing `mapping` (and its tcp/udp `partner`) on `new`: the mapping's
    own line where the dev override writes it (`in_place`), else the override's whole ports list,
    else the mapping's own line; removed instead when `new` is None. `specs`: the service's ports list
    as written (range_move's whole range moved): the override's list alone, else no edit and why."""
    from doctor.project.edits import dev_override
    from doctor.project.yamledit import YamlEditError, override_ports, whole_file_edit

    override = dev_override(project)
    moved = (mapping, *([partner] if partner is not None else []))
    alone = specs is None and in_place  # a whole range (specs) is written in the override's list
    if alone and new is not None and override is not None and _override_alone(project, svc, override, moved):
        # appwrite's traefik: `9520:80` written in the override, below the base file's own ports: its
        # line is the edit, where the whole list (the base's entries copied in, `!override`) was
        own = own_lines(moved, new)
        if own is not None:
            return own, ", ".join(dict.fromkeys(_where(project, p) for p in moved))
    # ports only the override writes have no base list to be appended to: rewritten untagged
    tag = override is None or needs_override_tag(project, svc, override)
    tag_ok = not tag or version is None or version >= OVERRIDE_TAG_SINCE
    why = "no dev override compose would read" if override is None else "compose < 2.24.4 has no !override"
    if override is None and (unread := unread_override(project)) is not None:
        why = (f"{project.shown(unread)} beside it is not read: a compose file named on the command line is read "
               f"alone, as `docker compose -f` reads it; a plain `docker compose up` merges both, so run `doctor fix "
               f"--ports {project.shown(unread.parent) or '.'}` to fix the project as it reads it")
    if tag_ok and override is not None:
        try:
            listed = specs or port_specs(svc, mapping, new, partner if new is not None else None)
            # a new override is written in the style of the file it overrides (the first compose file: its indent,
            # its quote), as an edit keeps a file's own
            base = read_text(project.compose.files[0]) if project.compose.files else ""
            text = override_ports(override, svc.name, listed, use_override_tag=tag, style=base)
        except YamlEditError as exc:
            text, why = None, f"{project.shown(override)}: {exc}"
        edit = whole_file_edit(override, text) if text is not None else None
        if edit is not None and not tag:
            return (edit,), f"{project.shown(override)} ports"
        if edit is not None:
            assumed = "" if version is not None else "; compose not found, assuming >= 2.24.4 for !override"
            return (edit,), f"{project.shown(override)} ports !override{assumed}"
    if new is None or specs is not None:
        return (), why if new is not None else f"remove {mapping.published} from {_where(project, mapping)}, {why}"
    own = own_lines(moved, new)
    if own is None:
        return (), f"set the host port to {new} in {', '.join(dict.fromkeys(_where(project, p) for p in moved))}"
    # the mapping's own line is edited: the override's "edit it by hand" is not this fix's advice
    # (the title read "...; edit it by hand) (fixed)" after a run that had edited it)
    return own, f"{', '.join(_where(project, p) for p in moved)}, {why.removesuffix('; edit it by hand')}"


def unread_override(project: Project) -> Path | None:
    """The override twin (compose.override.yaml) beside the main compose file the project reads that the project does
    not read (its files were named to doctor, `doctor fix --ports compose.yaml` or `-f`, as `-f` names them), where a
    plain `docker compose up` in that folder reads both; None when there is none, or when COMPOSE_FILE named them."""
    from doctor.project.discover import MAIN_NAMES, OVERRIDE_NAMES

    options = project.options
    if not options.files and Path(options.path).is_dir():
        return None  # COMPOSE_FILE (the shell's or .env's) chose the files: `doctor fix --ports .` reads them as well
    files = project.compose.files
    for main in files:
        if main.name in MAIN_NAMES:
            twin = next((main.parent / n for n in OVERRIDE_NAMES if (main.parent / n).is_file()), None)
            return twin if twin is not None and twin not in files else None
    return None


_ALIASED_PORTS = lazy(r"^\s*(?:ports:\s*[*&]|<<:)", re.MULTILINE)


def _override_alone(project: Project, svc: Service, override: Path, moved: tuple[PortMapping, ...]) -> bool:
    """Whether the dev override alone publishes the moved ports: written there, on a line no other
    service shares (an anchor's list, `ports: *p`, would move them all onto one port), and no other
    file may publish the same host port (compose would merge the two entries, and the other's would
    stay)."""
    lines = {(p.location.path, p.location.line) for p in moved if p.location is not None}
    shared = any((m.location.path, m.location.line) in lines for other in project.compose.services.values()
                 if other is not svc for m in other.ports if m.location is not None)
    # a list reached through an alias or a merge (`ports: *p`, `<<: *common`) is another service's
    # line too, now or after this run's other moves: those get lists of their own instead
    try:
        aliased = bool(_ALIASED_PORTS.search(read_text(override)))
    except OSError:
        return False
    return not shared and not aliased and all(
        p.location is not None and p.location.path == override and (p.published or "").isdigit()
        and not others_may_publish(project, svc, override, int(p.published or 0)) for p in moved)


def port_specs(svc: Service, moved: PortMapping, new: int | None,
               partner: PortMapping | None = None) -> list[str | dict[str, object]]:
    """The service's whole effective ports list, with `moved` (and its tcp/udp `partner`) published
    on `new` instead (left out when `new` is None).
    """
    specs: list[str | dict[str, object]] = []
    seen: set[str] = set()
    movers = [moved, *([partner] if partner is not None else [])]
    raws = {m.raw for m in movers}
    for port in svc.ports:
        long = _is_long(port)
        is_moved = any(port is m for m in movers)
        if new is None and is_moved:
            continue
        if is_moved and long:
            specs.append(_long(port, new))
        elif is_moved or (port.raw in raws and not long):
            specs.append(_short(port, new if is_moved else None))
        elif long:
            specs.append(_long(port))
        elif port.raw not in seen:
            seen.add(port.raw)
            specs.append(port.raw or _short(port, None))
    return specs


def _short(port: PortMapping, new: int | None) -> str:
    ip = port.host_ip
    head = f"[{ip}]:" if ":" in ip else f"{ip}:" if ip else ""
    published = str(new) if new is not None else port.published
    proto = "" if port.protocol == "tcp" else f"/{port.protocol}"
    return f"{head}{published}:{port.target}{proto}" if published else f"{port.target}{proto}"


def _long(port: PortMapping, new: int | None = None) -> dict[str, object]:
    """The long-syntax entry of `port` (published on `new` instead, when given), as its author wrote it: the keys
    in the author's order, those the author wrote kept (`protocol: tcp`, `mode: ingress`), its name and
    app_protocol; a key the author left out only where its value is not the default."""
    values: dict[str, object] = {
        "name": port.name, "target": port.target,
        "published": str(new) if new is not None else port.raw or port.published, "host_ip": port.host_ip,
        "protocol": port.protocol, "app_protocol": port.app_protocol, "mode": port.mode}
    needed = {"name": bool(port.name), "target": True, "published": True, "host_ip": bool(port.host_ip),
              "protocol": port.protocol != "tcp", "app_protocol": bool(port.app_protocol),
              "mode": port.mode != "ingress"}
    written = [key for key in port.keys if key in values]
    return {key: values[key] for key in (*written, *(k for k in values if k not in written and needed[k]))}


def own_lines(moved: Iterable[PortMapping], new: int) -> tuple[Edit, ...] | None:
    """Each mapping's own lines publishing `new` (_inline_edits), or None where one cannot be
    written so, or two would edit one line."""
    inline = [_inline_edits(port, new) for port in moved]
    written = [e for edits in inline if edits is not None for e in edits]
    if None in inline or len({(e.path, e.line) for e in written}) < len(written):
        return None
    return tuple(written)


def _inline_edits(mapping: PortMapping, new: int) -> tuple[Edit, ...] | None:
    """The mapping's own lines publishing `new`: the published port replaced; where a variable is
    written on the container side too, both sides as literals (`${P:-5432}:${P:-5432}` -> `5433:5432`)."""
    if not mapping.target_variables:
        edit = _inline_edit(mapping, new)
        return (edit,) if edit is not None else None
    if mapping.location is None or mapping.location.line is None or mapping.published is None:
        return None
    path, first = mapping.location.path, mapping.location.line
    if not _is_long(mapping):
        line = line_at(path, first)
        if line is None or not mapping.raw or line.count(mapping.raw) != 1:
            return None
        return (Edit(path, line, line.replace(mapping.raw, _short(mapping, new)), first),)
    sides = {"target": (mapping.target_raw, str(mapping.target)), "published": (mapping.raw, str(new))}
    edits: dict[str, Edit] = {}
    for number in range(first, first + 8):
        line = line_at(path, number)
        if line is None or (number > first and re.match(r"\s*-", line)):
            break  # the next entry of the list
        for key, (written, literal) in sides.items():
            found = re.match(rf"^(\s*(?:-\s+)?{key}:\s*)(['\"]?){re.escape(written)}\2(\s*(?:#.*)?)$", line)
            if found is not None and key not in edits:
                edits[key] = Edit(path, line, f"{found[1]}{literal}{found[3]}", number)
    return tuple(edits.values()) if len(edits) == 2 else None


def _inline_edit(mapping: PortMapping, new: int) -> Edit | None:
    """Replace the published port on the mapping's own line (or its `published:` line below)."""
    if mapping.location is None or mapping.location.line is None or mapping.published is None:
        return None
    path, first = mapping.location.path, mapping.location.line
    for number in range(first, first + 6):
        line = line_at(path, number)
        if line is None:
            return None
        short = re.compile(rf"(?<![\w.$]){mapping.published}(?=:\d)")
        long = re.compile(rf"(?<=published:)(\s*['\"]?){mapping.published}(?=['\"]?\s*(#.*)?$)")
        if number == first and len(short.findall(line)) == 1:
            return Edit(path, line, short.sub(str(new), line), number)
        if long.search(line):
            return Edit(path, line, long.sub(lambda m: f"{m[1]}{new}", line), number)
    return None


def line_at(path: Path, number: int) -> str | None:
    try:
        lines = text_lines(read_text(path, COMPOSE_LIMIT, errors="strict"))
    except (OSError, UnicodeDecodeError):
        return None
    return lines[number - 1] if 1 <= number <= len(lines) else None


def _where(project: Project, mapping: PortMapping) -> str:
    """`compose.yaml:13`; `redis/compose.yml:13` for a file laradock includes from a folder of its
    own (each of dozens is a compose.yml)."""
    loc = mapping.location
    return f"{relative_to(loc.path, project.root)}:{loc.line}" if loc is not None and loc.line else "the compose file"
