"""The per-user registry of port blocks: `$XDG_STATE_HOME/doctor/ports.json` (default `~/.local/state`).

Outside every repository, so no track ever commits another's numbers. Read and written under
an exclusive lock (`ports.json.lock`, flock) and replaced atomically, so two `doctor fix
--ports` in two worktrees at once never hand out one block twice. A file that cannot be
read is treated as empty and rewritten; a registry that cannot be written leaves the plan
unremembered (the block is still computed, and the fix still lands in it).
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.project.portplan import DEFAULT_POOL, Block, allocate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project
    from doctor.project.gitrepo import GitRepo

VERSION = 1


def registry_path(env: Mapping[str, str]) -> Path:
    """Where the registry lives for this user."""
    state = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    return Path(state) / "doctor" / "ports.json"


def read_blocks(path: Path) -> tuple[Block, ...]:
    """The remembered blocks; empty when the file is absent or unreadable."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["blocks"] if isinstance(document, dict) else []
        return tuple(Block(str(e["owner"]), str(e.get("repo", "")), int(e["start"]), int(e["end"]))
                     for e in entries if isinstance(e, dict))
    except (OSError, ValueError, KeyError, TypeError):
        return ()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def claim_block(path: Path, owner: str, repo: str, pool: tuple[int, int],
                avoid: tuple[int, int] | None = None) -> Block | None:
    """The block of the worktree at `owner` (kept, or newly allocated and remembered); None when the pool is full."""
    from doctor.atomic import write_atomic

    try:
        with _locked(path):
            claims = read_blocks(path)
            alive = {c.owner for c in claims if Path(c.owner).is_dir()}
            block, kept = allocate(pool, claims, owner, repo, alive, avoid)
            if kept != claims:
                document = {"version": VERSION, "blocks": [
                    {"owner": c.owner, "repo": c.repo, "start": c.start, "end": c.end} for c in kept]}
                write_atomic(path, (json.dumps(document, indent=2) + "\n").encode())
            return block
    except OSError:  # read-only home, full disk: plan without remembering
        block, _ = allocate(pool, read_blocks(path), owner, repo, set(), avoid)
        return block


def worktree_range(project: Project, host: Host) -> tuple[int, int] | None:
    """The host ports `fix --ports` picks from for this checkout (None: the nearest free one above).

    `ports.ranges` (a folder-name glob of doctor.yaml) wins as it is. When another worktree
    of the repository runs the same compose project on the engine (tracks side by side), this
    worktree's block of the pool (`ports.range`, or DEFAULT_POOL), claimed in the registry;
    otherwise `ports.range` as it is.
    """
    settings = project.config.ports.value
    for pattern, chosen in settings.ranges:
        if fnmatch.fnmatchcase(project.root.name, pattern):
            return chosen.start, chosen.end
    configured = (settings.range.start, settings.range.end) if settings.range is not None else None
    repo = side_by_side(project.root, host, project)
    if repo is None:
        return configured
    pool = configured or DEFAULT_POOL
    path = registry_path(project.options.env)
    block = claim_block(path, str(project.root), repo.identity, pool, host.ports.ephemeral_range)
    return (block.start, block.end) if block is not None else pool


def side_by_side(folder: Path, host: Host, project: Project | None = None) -> GitRepo | None:
    """The repository of `folder` when another of its worktrees has containers of this compose folder, else None.
    `project`: the project whose folder it may be (its checkout looked up once: gitrepo.repo_of)."""
    from doctor.host.containers import compose_projects
    from doctor.model import Unavailable
    from doctor.project.gitrepo import repo_of

    repo = repo_of(folder, project)
    if repo is None:
        return None
    relative = folder.resolve().relative_to(repo.top)
    others = {wt.path / relative for wt in repo.worktrees() if wt.exists and wt.path != repo.top}
    if not others:
        return None
    try:
        running = {Path(p.working_dir).resolve() for p in compose_projects(host.engine) if p.working_dir}
    except Unavailable:
        return None
    return repo if others & running else None


def owner_blocks(env: Mapping[str, str]) -> dict[str, Block]:
    """The remembered block of each owner folder (read-only, for `doctor ports`)."""
    return {b.owner: b for b in read_blocks(registry_path(env))}


