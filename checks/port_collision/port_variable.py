"""The published port written as a variable (`"${TRAEFIK_PORT:-8094}:80"`): which one, and its line in `.env`.

A move sets the variable where compose reads it: that line's value only (`export`, quotes and an
inline comment kept), or a new line beside the author's commented default; where the shell sets it
(it wins over .env) or the file lies outside the project, the advice says where to set it by hand.
Whether other services publish the variable too (a YAML merge key's copy), whether the service's
environment gets it (jitsi's `JVB_PORT`) and whether it is the container side as well decide, in
fix.port_fix, between the new value and a mapping written with literals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from doctor.model import Edit
from doctor.project.edits import edit_root, interpolated_at
from doctor.project.ports import last_colon
from doctor.project.reading import COMPOSE_LIMIT, read_text
from doctor.project.types import PortMapping, Service
from doctor.regular import text_lines

from .compose_file import line_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def sharing(project: Project, service: str, variable: str) -> list[str]:
    """The other enabled services whose published port is `variable` too (a mapping a YAML merge key
    copies: `<<: *app`), which a new value would move along."""
    return sorted(name for name, other in project.services.items() if name != service
                  and any(variable in m.variables and _interpolates(_sides(m)[0], variable) for m in other.ports))


def _interpolates(side: str, name: str) -> bool:
    """Whether a side of a port mapping (`${WEB_PORT:-8000}`) interpolates the variable `name`."""
    return re.search(rf"\$\{{?{re.escape(name)}\b", side) is not None


def is_told(svc: Service, variable: str) -> bool:
    """Whether the service's own environment gets `variable` (jitsi's jvb lists `JVB_PORT`): the
    server is told the port, and listens where it says."""
    return any(var.name == variable or variable in var.variables for var in svc.environment.values())


def container_side_is(mapping: PortMapping, variable: str) -> bool:
    """Whether the container side is `variable` as well (`${P:-10000}:${P:-10000}/udp`; in long
    syntax, a `target: ${P}` beside `published: ${P}`, never DefectDojo's literal `target: 8080`)."""
    return variable in mapping.target_variables


def _sides(mapping: PortMapping) -> tuple[str, str]:
    """A short spec's host side and container side, split at the last `:` outside `${...}` (`:-` is
    inside); a bare port is all container side. A long entry's raw text is its `published:` value
    alone (DefectDojo's `published: ${DD_PORT:-8080}` beside `target: 8080`): all host side."""
    last = last_colon(mapping.raw)
    if last >= 0:
        return mapping.raw[:last], mapping.raw[last + 1:]
    return (mapping.raw, "") if mapping.published is not None else ("", mapping.raw)


def port_variable(project: Project, mapping: PortMapping) -> str:
    """The project variable that holds the published port (`${TRAEFIK_PORT:-8094}`), or ""."""
    values = project.compose.variables
    found = []
    host_side = _sides(mapping)[0]
    for name in mapping.variables:
        if host_side and not _interpolates(host_side, name):
            continue  # the container side's `${PORT:-8000}` in `${WEB_PORT:-8000}:${PORT:-8000}`
        held = _held(values, mapping, name)
        if held is not None and held in _published_forms(mapping):
            found.append(name)
    return found[0] if len(found) == 1 else ""


def _published_forms(mapping: PortMapping) -> tuple[str, ...]:
    """What a variable holding the published port may hold: the port, or with its host address
    (docker-flask-example's `DOCKER_WEB_PORT_FORWARD=127.0.0.1:8000` in `${...}:${PORT:-8000}`)."""
    port = mapping.published or ""
    if not mapping.host_ip:
        return (port,)
    return port, f"{mapping.host_ip}:{port}", f"[{mapping.host_ip}]:{port}"


def _held(values: Mapping[str, str | None], mapping: PortMapping, name: str) -> str | None:
    """What the variable holds: its value, else the default the mapping gives it (`${NAME:-8094}`);
    that default too where `:-` stands for an empty value (frappe_docker's example.env
    `HTTP_PUBLISH_PORT=` under `${HTTP_PUBLISH_PORT:-8080}`: its line is where the port is set)."""
    value = values.get(name)
    default = re.search(rf"\$\{{{re.escape(name)}(:?)-([^}}]*)\}}", mapping.raw)
    if value == "" and default is not None and default[1]:
        return default[2]
    return value if value is not None else default[2] if default else None


def variable_value(project: Project, mapping: PortMapping, name: str, new: int) -> str:
    """The variable's new value: the new port, with the host address it held (`127.0.0.1:8001`)."""
    held = _held(project.compose.variables, mapping, name)
    address, colon, _ = (held or "").rpartition(":")
    return f"{address}{colon}{new}" if colon else str(new)


def env_edits(project: Project, name: str, new: str) -> tuple[tuple[Edit, ...], str]:
    """The edit that sets `name` to `new` where compose reads it (its line in the env file, else a new one),
    and where that is; no edit, and what to do by hand, where the shell sets it or the file is elsewhere."""
    env = project.options.env
    if name in env:
        return (), f"{name} is set in your shell, which wins over .env: set {name}={new} there"
    files = project.interpolation_files  # `.env`, or what --env-file / COMPOSE_ENV_FILES choose
    if not files:  # COMPOSE_DISABLE_ENV_FILE
        return (), f"compose reads no env file here (COMPOSE_DISABLE_ENV_FILE): set {name}={new} in your shell"
    found = interpolated_at(project, name)
    path, entry = found if found is not None else (files[-1], None)  # a new key: the file read last wins
    shown = project.shown(path)  # `../.env` for `--env-file ../.env` beside `-f docker/dev.yml`
    if not path.is_relative_to(edit_root(project)):  # a fix writes only in the project
        return (), f"set {name}={new} in {shown}" + (f" line {entry.line}" if entry is not None else "")
    if entry is None:
        # beside the author's commented default (minio's `# MINIO_CONSOLE_PORT=9091` in its Host Ports
        # section), not at the end of the file
        try:
            text = read_text(path, COMPOSE_LIMIT)
        except OSError:
            text = ""
        commented = _commented_line(text, name)
        prefix = _export_style(text)  # docker-django-example's .env: `export NAME=value` on every line
        if commented is not None:
            number, text = commented
            return (Edit(path, text, f"{text}\n{prefix}{name}={new}", number),), f"{shown} {name}"
        return (Edit(path, "", f"{prefix}{name}={new}\n"),), f"{shown} {name}"
    line = line_at(path, entry.line)
    edit = env_line_with_value(line, name, new) if line is not None else None
    if edit is None:
        return (), f"set {name}={new} in {shown} line {entry.line}"
    return (Edit(path, line or "", edit, entry.line),), f"{shown} {name}"


def _export_style(text: str) -> str:
    """`export ` when most assignments of the env file's text are written `export NAME=value`
    (compose reads both forms; a line added in the other stands out), else ""."""
    lines = [line.strip() for line in text_lines(text)]
    assignments = [line for line in lines if line and not line.startswith("#") and "=" in line]
    exported = sum(line.startswith("export ") for line in assignments)
    return "export " if assignments and exported * 2 > len(assignments) else ""


def _commented_line(text: str, name: str) -> tuple[int, str] | None:
    """The last line of `.env`'s text that comments out an assignment of `name` (`# NAME=9091`), if any."""
    found = None
    for number, line in enumerate(text_lines(text), 1):
        if re.match(rf"^\s*#+\s*(?:export\s+)?{re.escape(name)}\s*=", line):
            found = (number, line)
    return found


def env_line_with_value(line: str, name: str, value: str) -> str | None:
    """The .env line with its value replaced, keeping `export`, quotes and an inline comment."""
    found = re.match(rf"^(\s*(?:export\s+)?{re.escape(name)}\s*[=:]\s*)(['\"]?)([^'\"#\s]*)\2(.*)$", line)
    if found is None:
        return None
    head, quote, _, tail = found.groups()
    return f"{head}{quote}{value}{quote}{tail}"
