"""The block-mode route where the files publishing the ports are tracked: the worktree's own
`compose.ports.yaml` (doctor.project.portsfile), written, git-ignored and read by compose.

Before, the fix only advised writing it by hand (`export COMPOSE_FILE=<the files compose reads
now>:compose.ports.yaml`, the placeholder unfilled): on full-stack-fastapi-template, whose
compose.override.yml and .env are committed, a second worktree got 8 skipped moves and the same
advice again from `doctor ports`.
"""

from __future__ import annotations

from pathlib import Path

from doctor import regular
from doctor.model import Edit
from doctor.project import portsfile
from doctor.project.gitrepo import tracked
from doctor.project.portplan import git_ignored
from doctor.project.types import PortMapping, Service
from doctor.project.wholefile import whole_file_edit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


Shell = tuple[tuple[str, str], ...]


def plan_file_edits(project: Project, svc: Service, mapping: PortMapping, new: int,
                    partner: PortMapping | None, shared: str,
                    specs: tuple[list[str | dict[str, object]], list[str | dict[str, object]]] | None = None,
                    ) -> tuple[tuple[Edit, ...], str, Shell]:
    """The edits writing `mapping` (and its tcp/udp `partner`) on `new` into the worktree's ports file,
    where that is, and what the shell must still export (COMPOSE_FILE, where `.env` is tracked). `specs`:
    the service's list and the moved entries as range_move writes them (a whole range moved)."""
    from .compose_file import _is_long, _long, _short, port_specs
    from .port_variable import env_edits

    root = project.root
    path = root / portsfile.PORTS_FILE
    movers = (mapping, *([partner] if partner is not None else []))
    listed, moved = specs or (port_specs(svc, mapping, new, partner),
                              [_long(m, new) if _is_long(m) else _short(m, new) for m in movers])
    plan = portsfile.with_service(portsfile.read_plan(path), svc.name, listed, moved)
    written = whole_file_edit(path, portsfile.render(plan))
    edits: list[Edit] = [written] if written is not None else []
    why = shared.split(" is tracked by git", 1)[0]
    where = f"{portsfile.PORTS_FILE} ports !override: {why} is tracked by git, this file is the worktree's own"
    edits += _ignore_edits(project, (path,))
    if portsfile.reads_plan(project.compose.files, root):
        return tuple(edits), where, ()
    env = project.options.env
    value = portsfile.compose_file_value(root, project.compose.files, env)
    dotenv = project.interpolation_files[-1] if project.interpolation_files else None
    if "COMPOSE_FILE" not in env and dotenv is not None and not tracked(dotenv, project):
        set_it, at = env_edits(project, "COMPOSE_FILE", value)
        if set_it:
            edits += [*set_it, *_ignore_edits(project, (dotenv,))]
            return tuple(edits), f"{where}; COMPOSE_FILE={value} in {at.split(' ')[0]}", ()
    if not edits:  # written by an earlier run: no loop of moves, the one step left named (pending_title)
        where = pending_note(value)
    return tuple(edits), where, (("COMPOSE_FILE", value),)


def planned_port(project: Project, service: str, mapping: PortMapping) -> int | None:
    """The host port the worktree's ports file already gives `mapping` of `service` while compose does
    not read the file yet (COMPOSE_FILE not exported): a second `fix --ports` reuses it, rather than
    moving the port again (fastapi's proxy, planned on 20000 by the first run, was moved to 20200)."""
    root = project.root
    path = root / portsfile.PORTS_FILE
    if not path.is_file() or portsfile.reads_plan(project.compose.files, root):
        return None
    key = (mapping.host_ip, str(mapping.target), mapping.protocol)
    for spec in portsfile.read_plan(path).get(service, ()):
        if portsfile.entry_key(spec) == key:  # an entry kept as committed is no plan of a move
            port = portsfile.host_port(spec)
            return port if port is not None and str(port) != mapping.published else None
    return None


def pending_note(value: str) -> str:
    """What the fix of a port the ports file already moves says, instead of moving it again."""
    return f"{portsfile.PORTS_FILE} holds this worktree's ports; compose reads it once you export COMPOSE_FILE={value}"


def pending_title(service: str, old: int, new: int) -> str:
    """The advice of a move written by an earlier run, compose not reading it yet (the export, printed once)."""
    return (f"publish '{service}' on {new}, not {old}, as {portsfile.PORTS_FILE} does once compose reads it "
            "(export COMPOSE_FILE)")


def _ignore_edits(project: Project, paths: tuple[Path, ...]) -> list[Edit]:
    """The line appended to the repository's info/exclude for each of `paths` git does not ignore yet
    (by name: the worktrees share the file, and each keeps its own copy untracked)."""
    exclude = portsfile.exclude_path(project.root, project)
    names = [p.name for p in paths if git_ignored(p, project) is False and not tracked(p, project)]
    if exclude is None or not names:
        return []
    try:
        text = regular.read_text(exclude)
    except FileNotFoundError:
        text = ""
    lead = "\n" if text and not text.endswith("\n") else ""
    return [Edit(exclude, "", lead + "".join(f"{n}\n" for n in names), None)]
