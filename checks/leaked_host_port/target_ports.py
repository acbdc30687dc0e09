"""leaked-host-port's (7): a host port variable written on the container side of a server's mapping.

DefectDojo's dev override publishes postgres as `target: ${DD_DATABASE_PORT:-5432}` / `published:
${DD_DATABASE_PORT:-5432}`: with the default both sides are 5432, but a developer who sets
DD_DATABASE_PORT=5433 in .env (a postgres of their own holds 5432) maps 5433 to container port
5433, where postgres does not listen: the mapping reaches nothing, and the entrypoints that wait
for postgres:${DD_DATABASE_PORT} wait forever. Judged only for a server image whose port doctor
knows (postgres 5432, mysql 3306, redis 6379, ...) and whose service does not move that port
itself (PGPORT, MYSQL_TCP_PORT, a `-p`/`--port`/`-c port=` in its command), and only where the
variable's default written there is the server's port (the author meant that one).
"""

from __future__ import annotations

from collections.abc import Iterator

from doctor.lazyre import lazy
from doctor.project.digits import written_number
from doctor.project.env_hosts import FAMILIES
from doctor.project.service_network import server_family
from doctor.project.types import ComposeModel, PortMapping, Service, words_of

# what moves a server's own port: its environment, or an option of its command
PORT_SETTINGS = {"postgres": ("PGPORT",), "mysql": ("MYSQL_TCP_PORT",)}
PORT_OPTIONS = ("-p", "--port", "-P")
_DEFAULT = lazy(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-(\d+)\}")  # `${DD_DATABASE_PORT:-5432}`: the author's port


def unheard_targets(model: ComposeModel) -> Iterator[tuple[Service, PortMapping, str, int]]:
    """(the server, its mapping, its family, the port it listens on) for each mapping whose
    container side is a variable set to another port than the one the server listens on."""
    for service in model.services.values():
        if not any(m.target_variables for m in service.ports):
            continue
        family = server_family(service)
        if family is None or family not in FAMILIES or moves_its_port(service, family):
            continue
        default = FAMILIES[family][0]
        for mapping in service.ports:
            # the author's default is the server's port, and the value set moves it away: mailpit's
            # `${MAILPIT_UI_PORT:-8025}` on both sides is its web UI, not its SMTP port, and stays
            written = _DEFAULT.search(mapping.target_raw)
            if written is not None and written_number(written[1]) == default and mapping.target != default:
                yield service, mapping, family, default


def unheard_target(server: Service, port: int) -> int | None:
    """The port the server listens on where `port` is the container side of one of its unheard
    mappings (DD_DATABASE_PORT=5433 on both sides): a peer dialling server:`port` reaches nothing
    there, and means the server's own port; else None."""
    family = server_family(server)
    if family is None or family not in FAMILIES or moves_its_port(server, family):
        return None
    default = FAMILIES[family][0]
    for mapping in server.ports:
        written = _DEFAULT.search(mapping.target_raw) if mapping.target_variables else None
        if written is not None and written_number(written[1]) == default and mapping.target == port != default:
            return default
    return None


def moves_its_port(service: Service, family: str) -> bool:
    """Whether the server moves its own port: PGPORT, MYSQL_TCP_PORT, a port option of its command."""
    if any(name in service.environment for name in PORT_SETTINGS.get(family, ())):
        return True
    command = words_of(service.command)
    return any(word in PORT_OPTIONS or word.startswith("--port=") or "port=" in word.lower()
               or (word.startswith("-p") and word[2:].isdigit()) for word in command)
