"""A held port's move carries along the services that publish the port as alternatives of the moved one.

A catalogue's mailcatcher and mailhog, neither starting the other, publish the same port: users run
one at a time. The move of the held port moves them together, to the same new port, in the same
edit: moved one by one, the second kept the held port (see with_alternatives).
"""

from __future__ import annotations

from doctor.model import Edit, Fix, replace
from doctor.project.types import PortMapping
from doctor.project.wholefile import is_whole_file

from .compose_file import own_lines, port_specs
from .fix import PortMove
from .override_tag import needs_override_tag

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def with_alternatives(project: Project, move: Fix, service: str, mapping: PortMapping) -> Fix:
    """The move of a held port with the services that publish it too as alternatives of `service`
    (a catalogue's mailcatcher and mailhog, neither starting the other: users run one at a time)
    moved with it to the same new port, in the same edit of the dev override: moved one by one, the
    second kept the held port (the finding stayed, "NOT fixed"), and the pair no longer clashing
    turned the catalogue's other alternatives (apache beside nginx) from notes into moves. `move`
    unchanged where it is no single rewrite of the override, or no alternative publishes the port."""
    from doctor.project.edits import dev_override
    from doctor.project.yamledit import YamlEditError, override_ports, whole_file_edit

    from .static import find_clashes

    if not isinstance(move, PortMove) or not move.new or not move.edits:
        return move
    clash = next((c for c in find_clashes(project.services) if c.port == move.old and service in c.services
                  and not c.linked and not c.via_range), None)
    others = [c for c in clash.claims if c.service != service and c.mapping.protocol == mapping.protocol] if (
        clash is not None) else []
    if not others:
        return move
    override = dev_override(project)
    first = move.edits[0]
    if len(move.edits) == 1 and first.path == override and isinstance(first.new, str) and is_whole_file(first):
        text = first.new  # the override's whole text: the others' lists set in it too
        try:
            for claim in others:
                svc = project.services[claim.service]
                text = override_ports(text, claim.service, port_specs(svc, claim.mapping, move.new),
                                      use_override_tag=needs_override_tag(project, svc, override))
        except (YamlEditError, KeyError):
            return move
        edit = whole_file_edit(override, text)
        if edit is None:
            return move
        edits: tuple[Edit, ...] = (edit,)
    elif not any(is_whole_file(e) for e in move.edits):
        # each mapping's own line (laradock's mailcatcher/compose.yml and mailhog/compose.yml, no override read)
        own = own_lines([claim.mapping for claim in others], move.new)
        if own is None or {(e.path, e.line) for e in own} & {(e.path, e.line) for e in move.edits}:
            return move
        edits = (*move.edits, *own)
    else:
        return move
    names = " and ".join(repr(c.service) for c in others)
    title = move.title.replace(f"move '{service}' from host port {move.old} to {move.new}",
                               f"move '{service}' and its alternative{'s' if len(others) > 1 else ''} {names} "
                               f"from host port {move.old} to {move.new}", 1)
    return replace(move, title=title, edits=edits)
