"""Port specs as compose reads them: docker/go-connections `nat.ParsePortSpec` plus long syntax.

Short syntax `[[IP:][HOST]:]CONTAINER[/PROTO]` expands to one mapping per container port;
a host range with a single container port stays a range (`published: "9000-9010"`).
"""

from __future__ import annotations

from doctor.model import Location
from doctor.project.digits import written_number
from doctor.project.filetree import failed, raw_text, variables_of
from doctor.project.goscalar import stringify
from doctor.project.types import PortMapping
from doctor.project.yamlload import YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PROTOCOLS = ("tcp", "udp", "sctp")


class PortError(ValueError):
    """A port spec compose rejects (the message is nat's)."""


def parse_port(value: Any, location: Location | None) -> list[PortMapping]:
    """One `ports:` entry (short string/int, or long mapping) as canonical mappings."""
    if isinstance(value, YMap):
        return [_long(value, location)]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PortError(f"invalid port specification {stringify(value)!r}")
    text = stringify(value)
    raw = raw_text(value) if isinstance(value, str) else text
    host_vars = _host_variables(value)
    written = raw_text(value) if isinstance(value, str) else ""
    tail = written[last_colon(written) + 1:]  # `${P:-10000}:${P:-10000}/udp`: the container side
    target_vars = tuple(n for n in variables_of(value) if _uses(tail, n))
    return [
        PortMapping(target=target, published=published, host_ip=ip, protocol=proto, mode="ingress",
                    location=location, raw=raw, variables=host_vars, target_variables=target_vars,
                    target_raw=tail if target_vars else "")
        for target, published, ip, proto in parse_short(text)
    ]


def _host_variables(value: Any) -> tuple[str, ...]:
    """The variables used in the published part of a short spec (`${P:-80}:80` -> P)."""
    names = variables_of(value)
    written = raw_text(value)
    head = written[:max(last_colon(written), 0)]
    if not head:
        return names
    return tuple(n for n in names if _uses(head, n))


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _uses(text: str, name: str) -> bool:
    """Whether `text` writes `$NAME` or `${NAME...}` (not `${NAME_INSIDE}`). String scans, no regex:
    the loader asks it per port and variable, and a pattern per variable name would be compiled anew
    for each of a big project's names."""
    for head in (f"${name}", f"${{{name}"):
        at = text.find(head)
        while at >= 0:
            end = at + len(head)
            if end == len(text) or text[end] not in _NAME_CHARS:
                return True
            at = text.find(head, end)
    return False


def last_colon(text: str) -> int:
    """Where the last `:` outside `${...}` is in a spec as written (`${P:-80}:80`: the one before
    80, not `:-`), -1 when there is none."""
    depth, last = 0, -1
    for index, char in enumerate(text):
        if char == "{" and text[index - 1:index] == "$":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == ":" and not depth:
            last = index
    return last


def parse_short(spec: str) -> list[tuple[int, str | None, str, str]]:
    """nat.ParsePortSpec: (target, published, host_ip, protocol) per container port."""
    parts = spec.split(":")
    container = parts[-1]
    if len(parts) == 1:
        ip, host = "", ""
    elif len(parts) == 2:
        ip, host = "", parts[0]
    else:
        ip, host = ":".join(parts[:-2]), parts[-2]
    proto, container = _split_proto(container)
    if ip.startswith("["):
        if not ip.endswith("]"):
            raise PortError(f"invalid IP address {ip}")
        ip = ip[1:-1]
    if ip:
        import ipaddress  # only for an address given

        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise PortError(f"invalid IP address: {ip}") from None
    if not container:
        raise PortError(f"no port specified: {spec}<empty>")
    try:
        start, end = port_range(container)
    except PortError:
        raise PortError(f"invalid containerPort: {container}") from None
    host_start = host_end = 0
    if host:
        try:
            host_start, host_end = port_range(host)
        except PortError:
            raise PortError(f"invalid hostPort: {host}") from None
        if end - start != host_end - host_start and end != start:
            raise PortError(f"invalid ranges specified for container and host Ports: {container} and {host}")
    if proto.lower() not in PROTOCOLS:
        raise PortError(f"invalid proto: {proto}")
    found = []
    for offset in range(end - start + 1):
        published: str | None = str(host_start + offset) if host else None
        if host and start == end and host_start != host_end:
            published = f"{host_start}-{host_end}"
        found.append((start + offset, published, ip, proto.lower()))
    # compose-go sorts the nat port keys as strings ("10/tcp" < "8/tcp")
    found.sort(key=lambda item: f"{item[0]}/{item[3]}")
    return found


def _split_proto(text: str) -> tuple[str, str]:
    parts = text.split("/")
    if not text or not parts[0]:
        return "", ""
    if len(parts) == 1 or not parts[1]:
        return "tcp", parts[0]
    return parts[1], parts[0]


def port_range(text: str) -> tuple[int, int]:
    """nat.ParsePortRange: `80` or `8000-8010`, each a decimal uint16."""
    if not text:
        raise PortError("empty string specified for ports")
    if "-" not in text:
        value = _uint16(text)
        return value, value
    first, second = text.split("-")[:2]
    start, end = _uint16(first), _uint16(second)
    if end < start:
        raise PortError(f"invalid range specified for port: {text}")
    return start, end


def _uint16(text: str) -> int:
    if not text.isdigit() or not text.isascii():
        raise PortError(f"invalid port {text!r}")
    value = written_number(text)  # a run of thousands of digits is out of range too (None)
    if value is None or value > 65535:
        raise PortError(f"port {text} out of range")
    return value


def _long(entry: YMap, location: Location | None) -> PortMapping:
    target = entry.get("target")
    if target is None:
        raise PortError("port definition is missing the required 'target'")
    target_text = stringify(target)
    if not target_text.isdigit():
        raise PortError(f"invalid port target {target_text!r}")
    published = entry.get("published")
    published_text = None if published is None or published == "" else stringify(published)
    protocol = stringify(entry.get("protocol") or "tcp")
    if any(failed(v) for v in entry.values()):
        raise PortError("")
    return PortMapping(
        target=int(target_text),
        published=published_text,
        host_ip=stringify(entry.get("host_ip") or ""),
        protocol=protocol,
        mode=stringify(entry.get("mode") or "ingress"),
        location=location,
        raw=raw_text(published) if published is not None else "",
        variables=variables_of(published) + variables_of(entry.get("host_ip")),
        name=stringify(entry.get("name") or ""),
        app_protocol=stringify(entry.get("app_protocol") or ""),
        target_variables=variables_of(target),
        target_raw=raw_text(target) if variables_of(target) else "",
        keys=tuple(str(key) for key in entry),
    )


def unique_ports(ports: list[PortMapping]) -> list[PortMapping]:
    """compose's unicity: one entry per host_ip:published:target/protocol, first position, last value."""
    order: dict[str, int] = {}
    out: list[PortMapping] = []
    for port in ports:
        key = f"{port.host_ip}:{port.published or ''}:{port.target}/{port.protocol}"
        if key in order:
            out[order[key]] = port
        else:
            order[key] = len(out)
            out.append(port)
    return out
