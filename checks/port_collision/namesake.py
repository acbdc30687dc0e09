"""Our compose project name already has containers from another checkout on this machine.

Worktrees that share a tracked `.env` with `COMPOSE_PROJECT_NAME=app` (or two clones in folders
of one name) are one compose project to the engine: `up` in the second recreates the first one's
containers from the second one's files. Its ports look like ours, so no port fails. The name
advised instead is this checkout's own: its folder name, else its branch, else the folder above
it - the first that tells it from the other checkout - normalised as compose normalises names.
"""

from __future__ import annotations

from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable
from doctor.project.discover import normalize_project_name
from doctor.project.gitrepo import find_repo, tracked
from doctor.project.reading import is_dir
from doctor.project.types import ComposeModel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def namesake_finding(check: Check, model: ComposeModel, host: Host, cli: tuple[str, ...],
                     project: Project | None = None) -> Finding | None:
    """Containers of our project name whose folder is another one that exists here (in a devcontainer
    the host's path is not ours to compare). Running ones are an error: `up` here replaces them;
    stopped ones a warning: `up` here takes them over, and their checkout's next `up` takes them back.
    With `project`, the fix writes this checkout's own name in the env file git does not track.
    """
    try:
        names = host.ports.container_names()
    except Unavailable:
        return None
    running: dict[Path, str] = {}
    stopped: dict[Path, str] = {}
    for container, (named, up, folder) in sorted(names.items()):
        if named != model.project_name or not folder:
            continue
        other = Path(folder)
        try:
            if not is_dir(other) or other.samefile(model.project_dir):
                continue
        except OSError:
            continue
        (running if up else stopped).setdefault(other, container)
    if not running and not stopped:
        return None
    # the names projects run under from other folders: one started from this checkout (under the name advised
    # here before, exported in another shell) is its own, and advising it again keeps the advice stable
    here = model.project_dir
    taken = {named for named, _, folder in names.values() if not (folder and same_folder(folder, here))}
    name = own_name(model.project_name, model.project_dir, (*running, *stopped), taken)
    fix = _renaming(project, name) or Fix(_how(model, name, project), Safety.ADVICE,
                                          command=(*_renamed(cli, name), "up", "-d"))
    subject = f"project:{model.project_name}"
    if running:
        other, container = next(iter(running.items()))
        message = (f"compose project '{model.project_name}' already runs from {other} (container {container}): 'up' "
                   f"here replaces its containers{_held_too(model, host, other)}")
        return check.finding(message, None, subject, fix, Severity.ERROR)
    other, container = next(iter(stopped.items()))
    return check.finding(f"compose project '{model.project_name}' has stopped containers in {other} (container "
                         f"{container}): 'up' here replaces them", None, subject, fix, Severity.WARNING)


def _held_too(model: ComposeModel, host: Host, other: Path) -> str:
    """What the other checkout's containers hold of the host ports this one publishes: once this one
    has its own name, those ports clash (docker-flask-example's 8000, said only after the rename)."""
    try:
        held = [p for p in host.ports.container_ports() if p.running and p.project == model.project_name
                and p.working_dir and Path(p.working_dir) == other]
    except Unavailable:
        return ""
    from doctor.project.service_network import published_by

    ours = published_by(model)
    clash = sorted({(p.socket.port, ours[p.socket.port, p.socket.protocol]) for p in held
                    if (p.socket.port, p.socket.protocol) in ours})
    if not clash:
        return ""
    shown = ", ".join(f"{port} ('{name}')" for port, name in clash[:4]) + (
        f" and {len(clash) - 4} more" if len(clash) > 4 else "")
    return (f"; they also hold {shown}, which this checkout publishes: once it has its own name, move those "
            "with doctor fix --ports")


def own_name(project: str, here: Path, others: tuple[Path, ...], taken: set[str]) -> str:
    """`project-<mark>` for the first mark of this checkout (folder name, branch, folder above) that
    differs from the other checkouts' and from `project`, and makes a name no project on the engine has."""
    theirs = [_marks(folder) for folder in others]
    for index, mark in enumerate(_marks(here)):
        # a worktree folder named after the project already (`app-b` beside `app`): that name, not `app-app-b`
        name = normalize_project_name(mark if normalize_project_name(mark).startswith(f"{project}-")
                                      else f"{project}-{mark}") if mark else ""
        if not name or name == project or name in taken or normalize_project_name(mark) == project:
            continue  # a folder named like the project tells nothing (linkding's own folder: not linkding-linkding)
        if any(normalize_project_name(f"{project}-{marks[index]}") == name for marks in theirs):
            continue  # the other checkout would be advised the same name: it tells nothing apart
        return name
    number = 2
    while f"{project}-{number}" in taken:
        number += 1
    return f"{project}-{number}"


def same_folder(folder: str, here: Path) -> bool:
    """Whether a container's working folder is `here`."""
    try:
        return Path(folder).samefile(here)
    except OSError:
        return False


def _marks(folder: Path) -> tuple[str, str, str]:
    """(checkout folder name, branch, the checkout's parent folder name) of the checkout holding `folder`
    (the compose folder itself outside git); a branch's `/` becomes `-` (compose would drop it)."""
    repo = find_repo(folder)
    if repo is None:
        top, branch = folder.resolve(), ""
    else:
        top = repo.top
        branch = next((w.branch for w in repo.worktrees() if w.path.resolve() == top), "")
    return top.name, branch.replace("/", "-"), top.parent.name


def _renaming(project: Project | None, name: str) -> Fix | None:
    """COMPOSE_PROJECT_NAME=`name` on the env file line compose reads it from (or a new line there), when
    no file git tracks is written: docker-flask-example's `cp .env.example .env` names every worktree
    `helloflask`. The fixer's next round then moves the ports the other checkout holds, so one
    `fix --ports` leaves a stack that starts. Unsafe (asked): this checkout's stack gets volumes of its own.
    None where a file cannot say it: `-p` given (it wins), the name exported in the shell (it wins over
    `.env`), the line in a tracked file (every checkout would get it on merge).
    """
    if project is None or project.options.project_name:
        return None
    from .port_variable import env_edits  # the port variable's own writer: export style, quotes, a commented default

    edits, where = env_edits(project, "COMPOSE_PROJECT_NAME", name)
    if not edits or any(tracked(edit.path, project) for edit in edits):
        return None
    return Fix(f"give this checkout its own compose project name: COMPOSE_PROJECT_NAME={name} ({where}, which git "
               "does not track)", Safety.UNSAFE, edits=edits)


def _how(model: ComposeModel, name: str, project: Project | None = None) -> str:
    """The fix's title: where this checkout's own name goes so every compose command gets it."""
    dotenv = model.project_dir / ".env"
    if tracked(dotenv, project):
        return (f"give this checkout its own compose project name: `export COMPOSE_PROJECT_NAME={name}` "
                f"({_alike(project)}), or -p on each compose command")
    return (f"give this checkout its own compose project name (COMPOSE_PROJECT_NAME={name} in .env, which git "
            "does not track)")


def _alike(project: Project | None) -> str:
    """Why every checkout gets the same name, where the .env is tracked: that .env's COMPOSE_PROJECT_NAME, a
    compose file's top-level `name:` (wild-workouts' `name: 'wild-workouts'`; COMPOSE_PROJECT_NAME wins over
    it), else the folder names (a name written in the tracked .env would reach every checkout)."""
    if project is None or project.options.project_name:
        return "the .env git tracks names every checkout alike"
    dotenv = project.dotenv
    if dotenv is not None and dotenv.entry("COMPOSE_PROJECT_NAME") is not None:
        return "the .env git tracks names every checkout alike"
    if not project.options.env.get("COMPOSE_PROJECT_NAME"):  # not the shell's (the model's variables hold compose's)
        named = [d.path for d in project.compose_documents() for doc in d.docs if doc is not None and "name" in doc]
        if named:
            return f"`name:` in {project.shown(named[-1])} names every checkout alike; git tracks the .env"
    return "git tracks the .env: a name written there would reach every checkout"


def _renamed(cli: tuple[str, ...], name: str) -> tuple[str, ...]:
    """The same compose command line under project name `name` (its `-p` value replaced)."""
    at = cli.index("-p") + 1
    return (*cli[:at], name, *cli[at + 1:])
