"""A `container_name` a container of another project (or of none) already has.

`up` fails with 'Conflict. The container name "/database" is already in use' (documenso's dev
compose names its containers, so a second worktree's stack, under its own project name, cannot
start). A literal name is best dropped in the dev override (compose then names the container
PROJECT-SERVICE-1); a name the author reads from a variable (linkding's
`container_name: "${LD_CONTAINER_NAME:-linkding}"`, set on `.env` line 2) is their setting: this
checkout sets the variable to a name of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Unavailable
from doctor.project.types import ComposeModel, Service

from .namesake import own_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def taken_name_findings(check: Check, model: ComposeModel, host: Host,
                        project: Project | None = None) -> Iterator[Finding]:
    """One error per `container_name` of ours that a container of another project (or of none) has."""
    wanted = {s.container_name: s for s in model.services.values() if s.container_name}
    if not wanted:
        return
    try:
        names = host.ports.container_names()
    except Unavailable:
        return
    from doctor.project.keyat import service_key_at

    for name, service in sorted(wanted.items()):
        held = names.get(name)
        if held is None or held[0] == model.project_name:
            continue
        other, running, folder = held
        owner = f"project '{other}'" + (f" in {folder}" if folder else "") if other else "no compose project"
        state = "running" if running else "stopped"
        remove = f"or remove the other one if it is yours to remove (`docker rm -f {name}`)"
        how = _set_variable(project, model, service, name, folder, set(names)) if project is not None else ""
        if not how:
            how = (f"give '{service.name}' no fixed name here (`container_name: !reset null` in the dev override: "
                   f"compose names it {model.project_name}-{service.name}-1)")
        where = service_key_at(project, service.name, "container_name") if project is not None else None
        yield check.finding(f"container_name '{name}' of '{service.name}' is taken by a {state} container of "
                            f"{owner}: 'up' fails, the name being in use", where or service.location,
                            f"container-name:{name}", Fix(f"{how}, {remove}", Safety.ADVICE))


def _set_variable(project: Project, model: ComposeModel, service: Service, name: str, folder: str,
                  taken: set[str]) -> str:
    """The advice to set the variable the name is written with to a name of this checkout's own,
    with the env file line that sets it now; "" when the name comes from no single variable."""
    from doctor.project.container_names import name_variables
    from doctor.project.edits import interpolated_at
    from doctor.project.gitrepo import tracked

    variables = name_variables(project, service)
    if len(variables) != 1:
        return ""
    (variable,) = variables
    value = model.variables.get(variable) or name
    others = (Path(folder),) if folder else ()
    own = own_name(value, model.project_dir, others, taken if value == name else set())
    head = f"give '{service.name}' a container name of this checkout's own"
    reads = f"its container_name reads {variable}"
    if variable in project.options.env:
        return f"{head}: export {variable}={own} in this checkout's shell ({reads}, set in your shell, which wins)"
    found = interpolated_at(project, variable)
    files = project.interpolation_files
    if found is None and not files:  # COMPOSE_DISABLE_ENV_FILE
        return f"{head}: export {variable}={own} ({reads})"
    path = found[0] if found is not None else files[-1]
    at = f"{project.shown(path)} line {found[1].line}" if found is not None else project.shown(path)
    if tracked(path, project):  # every checkout reads the same line: this one's name goes in its shell
        return f"{head}: export {variable}={own} in this checkout's shell ({reads}; {at} is tracked by git)"
    return f"{head}: {'set' if found is not None else 'add'} {variable}={own} in {at} ({reads})"
