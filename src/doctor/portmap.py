"""`doctor ports [PATH]`: this repository's port map across its worktrees and clones.

Which checkouts: every worktree of the repository (as `git worktree list` lists them) and
every compose project on the engine whose `com.docker.compose.project.working_dir` lies in
a clone with the same origin. For each: the host ports its compose model publishes (running
or not), its block of the port plan, and who holds each port now (a container with its
compose project, a host process, or nobody). A clash is a port two checkouts publish, or a
port held by someone other than the checkout's own containers.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

from doctor import app
from doctor.model import field, record
from doctor.portmap_checkout import checkout
from doctor.portmap_clashes import find_clashes
from doctor.portmap_render import as_dict, gone_dict, lines, stale_dict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from doctor.host import Host
    from doctor.host.ports import ContainerPort
    from doctor.project import Project
    from doctor.project.gitrepo import GitRepo
    from doctor.project.portplan import Block


@record
class PortsOptions:
    """A `doctor ports` run."""

    path: Path
    as_json: bool = False
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    files: tuple[Path, ...] = ()  # -f: the compose files, read in every checkout at the same relative place
    profiles: tuple[str, ...] = ()  # --profile, like preflight's (else COMPOSE_PROFILES, as compose reads it)
    env_files: tuple[Path, ...] | None = None  # --env-file, read in every checkout at the same place, like -f
    # -p: the compose project name of the checkout PATH names (a stack started with `up -p NAME`: its
    # containers are its own, not a clash); the other checkouts keep theirs
    project_name: str | None = None


def _command(opts: PortsOptions) -> str:
    """The run as typed, its paths as they open from here and shell-quoted: `doctor ports 'my stack' -f
    docker-compose.dev.yml` (a header naming the repository's origin, `doctor ports /work/main`, read as a
    command that, pasted, looked at another folder)."""
    import shlex

    from doctor.model import shown_path

    words = [shlex.quote(shown_path(Path(os.path.normpath(Path.cwd() / opts.path))))]
    words += [f"-f {shlex.quote(str(f))}" for f in opts.files]
    words += [f"--env-file {shlex.quote(str(f))}" for f in opts.env_files or ()]
    words += [f"--profile {shlex.quote(p)}" for p in opts.profiles]
    if opts.project_name is not None:
        words.append(f"-p {shlex.quote(opts.project_name)}")
    return "doctor ports " + " ".join(words)


def ports(opts: PortsOptions, out: TextIO | None = None) -> int:
    """Print the port map; exit 1 when a port clashes, 0 otherwise, 2 when PATH is no project."""
    out = sys.stdout if out is None else out
    from doctor.host import Host
    from doctor.host.portregistry import owner_blocks
    from doctor.project.gitrepo import find_repo

    start = opts.path.resolve()
    app.require_valid_project_name(opts.project_name)
    if not start.exists():
        raise app.UsageError(f"{opts.path}: no such file or directory")
    folder = start if start.is_dir() else start.parent
    # a compose file named (`doctor ports docker-compose.images.yml`, -f: from the current directory, as
    # compose and preflight read it) is read in each checkout at the same place relative to the folder
    named = ([start] if start.is_file() else []) + [f.resolve() for f in app.given_compose_files(opts.files)]
    for file in named:
        if not file.is_file():
            raise app.UsageError(f"{file}: no such compose file")
    relative = tuple(os.path.relpath(f, folder) for f in named)
    # --env-file as compose reads it (from the current directory), then at the same place in every checkout
    env_relative = None if opts.env_files is None else tuple(
        os.path.relpath(Path.cwd() / f.expanduser(), folder) for f in opts.env_files)
    if not named:  # no project here: compose's line and exit 2, as preflight says it (compose looks upwards)
        from doctor.project import Project, ProjectOptions

        app.require_compose_files(Project(ProjectOptions(path=folder, env=opts.env)).compose, opts.path, "ports")
    host = Host(env=opts.env)
    repo = find_repo(folder)
    folders = _checkouts(folder, repo, host)
    if opts.project_name is not None:  # as `docker compose -p` in this folder: the name, whatever the labels say
        folders = [(p, n, k, b, files, opts.project_name if p == folder else name)
                   for p, n, k, b, files, name in folders]
    blocks = owner_blocks(opts.env)
    held, homes = _container_ports(host)
    gone = _gone_stacks(held, host)
    stale = _stale(folder, repo, {stack[1] for stack in gone}, blocks)
    projects: list[Project] = []  # each checkout's: what the output masks (redacted at the one write below)
    checkouts = [checkout(path, name, kind, branch, blocks.get(str(path)), held, homes, host,
                           opts.env if path == folder else _elsewhere(opts.env),
                           running or tuple(path / r for r in relative), project, opts.profiles,
                           None if env_relative is None else tuple(Path(os.path.normpath(path / r))
                                                                   for r in env_relative), projects)
                 for path, name, kind, branch, running, project in folders]
    clashes = find_clashes(checkouts)
    origin = (repo.origin or str(repo.top)) if repo is not None else str(folder)
    unavailable = host.engine.reason  # "" when it answered: clones it runs and its containers were read
    if opts.as_json:
        text = json.dumps({"repository": origin, "checkouts": [as_dict(c) for c in checkouts],
                           "clashes": clashes, "gone": [gone_dict(*stack) for stack in gone],
                           "stale": [stale_dict(*entry) for entry in stale],
                           "engine": f"unavailable: {unavailable}" if unavailable else "available"},
                          indent=2) + "\n"
    else:
        from doctor.report.console import visible  # a folder or branch name may hold escape sequences

        text = visible("\n".join(lines(_command(opts), origin, checkouts, clashes, unavailable, gone,
                                             stale))) + "\n"
    from doctor.known_secrets import projects_redactor

    # the engine's address (a DOCKER_HOST with a password), a compose file's problem, a path
    out.write(projects_redactor(projects, opts.env).text(text))
    return 1 if clashes else 0


Found = tuple[Path, str, str, str, tuple[Path, ...], "str | None"]
Stale = tuple[Path, str, str, str, Path, "Path | None"]  # the last: a locked worktree's own folder


def _checkouts(folder: Path, repo: GitRepo | None, host: Host) -> list[Found]:
    """(compose project folder, checkout name, kind, branch, compose files, project name) of every
    checkout of the repository holding `folder`; the files and the name are those a clone's running
    project was started with (its compose labels), else () and None (what the command line names)."""
    from doctor.host.containers import compose_projects
    from doctor.model import Unavailable
    from doctor.project.gitrepo import find_repo

    if repo is None:
        return [(folder, folder.name, "folder", "", (), None)]
    relative = folder.relative_to(repo.top)
    found: dict[Path, tuple[str, str, str, tuple[Path, ...], str | None]] = {
        wt.path / relative: (wt.path.name, "worktree", wt.branch, (), None) for wt in repo.worktrees() if wt.exists}
    try:
        on_engine = compose_projects(host.engine)
    except Unavailable:
        on_engine = ()
    started: dict[Path, list[tuple[tuple[Path, ...], str]]] = {}
    for labels in on_engine:
        working = Path(labels.working_dir) if labels.working_dir else None
        if working is not None and working in found:
            # a worktree whose stack was started under a name of its own (`up -p tracka`): that
            # project's containers are its own, not a clash with another checkout
            files = tuple(Path(f) for f in labels.config_files if Path(f).is_file())
            started.setdefault(working, []).append((files, labels.name))
            continue
        if working is None or not working.is_dir():
            continue
        other = find_repo(working)
        if other is not None and other.identity == repo.identity:
            files = tuple(Path(f) for f in labels.config_files if Path(f).is_file())
            found[working] = (other.top.name, "clone", "", files, labels.name)
    for working, projects in started.items():
        if len(projects) == 1:  # more than one name from one folder: the command line's says which
            name, kind, branch, _, _ = found[working]
            found[working] = (name, kind, branch, *projects[0])
    return [(path, *facts) for path, facts in found.items()]


def _stale(folder: Path, repo: GitRepo | None, running: set[str], blocks: dict[str, Block]) -> list[Stale]:
    """(compose folder, worktree name, branch, block, repository top) of each worktree git still lists whose folder
    is gone (`rm -rf` without `git worktree remove`: `git worktree list` says prunable): no checkout, nothing of it
    counted, told so with the prune that forgets it; one whose stack still runs is told among the gone stacks."""
    if repo is None:
        return []
    relative = folder.relative_to(repo.top)
    found = []
    for wt in repo.worktrees():
        where = wt.path / relative
        if not wt.exists and str(where) not in running:
            block = blocks.get(str(where))
            found.append((where, wt.name or wt.path.name, wt.branch, str(block) if block is not None else "", repo.top,
                          wt.path if wt.locked else None))
    return found


def _container_ports(host: Host) -> tuple[dict[tuple[int, str], list[ContainerPort]], dict[str, str]]:
    """Running containers' host ports, and each compose project's working dir (whose containers are whose)."""
    from doctor.host.containers import compose_projects
    from doctor.model import Unavailable

    held: dict[tuple[int, str], list[ContainerPort]] = defaultdict(list)
    try:
        for port in host.ports.container_ports():
            if port.running:
                held[(port.socket.port, port.socket.protocol)].append(port)
        homes = {p.name: p.working_dir for p in compose_projects(host.engine)}
    except Unavailable:
        homes = {}
    return held, homes


def _gone_stacks(held: dict[tuple[int, str], list[ContainerPort]],
                 host: Host) -> list[tuple[str, str, list[ContainerPort]]]:
    """The compose projects still running whose folder is gone (a worktree removed with its stack up, a
    deleted clone): (project, its folder, the host ports its containers hold), by project name. Their
    ports are held for no checkout, and `docker compose -p NAME down` stops them without their files.
    Only where the engine's folders are this machine's: not for a remote engine's (ContainerPort.folder_gone
    says which folder is gone)."""
    endpoint = host.engine.endpoint
    if endpoint is None or not endpoint.is_local:
        return []
    stacks: dict[str, tuple[str, list[ContainerPort]]] = {}
    for found in held.values():
        for port in found:
            if port.project and port.folder_gone:
                stacks.setdefault(port.project, (port.working_dir, []))[1].append(port)
    return [(name, folder, ports) for name, (folder, ports) in sorted(stacks.items())]


def _elsewhere(env: dict[str, str]) -> dict[str, str]:
    """The environment another checkout is judged in: without a COMPOSE_FILE naming the port plan's
    own file, which `doctor fix --ports` asked this worktree's shell to export (compose.ports.yaml:
    each checkout has its own, and the one it has is read through that checkout's shell). Applied to
    the main checkout it named a file it lacks ("COMPOSE_FILE names 'compose.ports.yaml', which does
    not exist"). A COMPOSE_FILE of any other files is the user's for every project, kept."""
    from doctor.project.portsfile import PORTS_FILE

    value = env.get("COMPOSE_FILE", "")
    separator = env.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
    if PORTS_FILE not in (os.path.basename(part) for part in value.split(separator)):
        return env
    return {k: v for k, v in env.items() if k != "COMPOSE_FILE"}

