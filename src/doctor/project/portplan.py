"""The port plan for parallel worktrees: each one a stable block of host ports, no two blocks overlapping.

Pure allocation over the claims a registry remembers (doctor.host.portregistry keeps them):
a worktree that holds a block inside the pool keeps it; a worktree that is gone gives its
block back; a new one gets the lowest free aligned block of the pool that lies outside the
kernel's ephemeral range. Blocks never overlap, whatever pool each repository configured.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from doctor.lean_imports import match_glob
from doctor.model import Edit, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

DEFAULT_POOL = (20000, 29999)  # below Linux's ephemeral 32768-60999 and the IANA/macOS/Windows 49152-65535
BLOCK_SIZE = 100


@record
class Block:
    """Host ports `start..end` (inclusive) given to the worktree (or clone) at `owner` of repository `repo`."""

    owner: str
    repo: str
    start: int
    end: int

    def overlaps(self, start: int, end: int) -> bool:
        return self.start <= end and start <= self.end

    def within(self, pool: tuple[int, int]) -> bool:
        return pool[0] <= self.start and self.end <= pool[1]

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


def block_size(pool: tuple[int, int]) -> int:
    """100 ports per block; a small configured pool is cut into at least four blocks (at least 5 ports each)."""
    length = pool[1] - pool[0] + 1
    return max(min(BLOCK_SIZE, length // 4), min(5, length))


def allocate(pool: tuple[int, int], claims: Sequence[Block], owner: str, repo: str, alive: Collection[str],
             avoid: tuple[int, int] | None = None) -> tuple[Block | None, tuple[Block, ...]]:
    """The block of `owner`, and the claims to remember afterwards.

    `alive` holds the owners that still exist (the others' blocks return to the pool). The
    block is None when the pool has no free block left (then the claims are only pruned).
    """
    kept = tuple(c for c in claims if c.owner in alive or c.owner == owner)
    mine = next((c for c in kept if c.owner == owner and c.within(pool)), None)
    if mine is not None:
        return mine, kept
    others = sorted((c for c in kept if c.owner != owner), key=lambda c: c.start)
    size = block_size(pool)
    start = max(pool[0], 1024)
    index = 0
    while start + size - 1 <= pool[1]:
        end = start + size - 1
        while index < len(others) and others[index].end < start:
            index += 1
        # claims never overlap, so sorted by start they are sorted by end too: only the next one can block
        blocked = index < len(others) and others[index].overlaps(start, end)
        if not blocked and (avoid is None or not (avoid[0] <= end and start <= avoid[1])):
            block = Block(owner, repo, start, end)
            return block, (*others, block)
        start += size
    return None, tuple(others)


def untracked_edits(edits: tuple[Edit, ...], alternative: tuple[tuple[Edit, ...], str],
                    new: int, variable: str | None = None, project: Project | None = None
                    ) -> tuple[tuple[Edit, ...], str]:
    """Edits that keep a checkout's port out of files git tracks: `alternative` (the override route) when
    none of its files is tracked, else none, with where to put the port instead: the port's
    `variable` exported in the shell (it wins over .env), or a compose file of one's own that
    COMPOSE_FILE adds (compose loads no third file by itself). `project`: the project whose folder
    holds the files (its checkout looked up once: gitrepo.repo_of).

    A port written into a tracked `.env` or override is committed by one track and conflicts
    with every other track's on merge. A new override git does not ignore is named by the caller, once per
    file, so that no `git add -A` commits it.
    """
    from doctor.project.gitrepo import tracked

    other, where = alternative
    if other and not any(tracked(e.path, project) for e in other):
        # a new override no rule ignores is named by the move's own step, once per file (port_collision.fix)
        return other, where
    shared = ", ".join(sorted({edited_name(e.path) for e in (*edits, *other) if tracked(e.path, project)}))
    if variable:
        return (), f"{shared} is tracked by git: export {variable}={new} in this worktree's shell (it wins over .env)"
    return (), (f"{shared} is tracked by git: publish {new} with `ports: !override` in a compose file of this "
                "worktree's own that git ignores, added in its shell: export COMPOSE_FILE=<the files compose "
                "reads now>:compose.ports.yaml")


def edited_name(path: Path) -> str:
    """The name of the file an edit of `path` writes: its own, or for a symlink its target's, with the
    link it goes through (DefectDojo's `docker-compose.override.dev.yml (through the symlink
    docker-compose.override.yml)`: git ignores the link and tracks the file the edit changes)."""
    if not path.is_symlink():
        return path.name
    real, folder = path.resolve(), path.parent.resolve()
    shown = real.relative_to(folder).as_posix() if real.is_relative_to(folder) else str(real)
    return f"{shown} (through the symlink {path.name})"


def git_ignored(path: Path, project: Project | None = None) -> bool | None:
    """Whether a `.gitignore` line of the repository's top, or .git/info/exclude, names the file by
    name or path (`compose.override.yaml`, `/compose.override.yaml`, `*.override.yaml`): read as
    text, no git process; a rule this reading does not see counts as none (the note is only advice).
    The path itself is judged, as git does: a symlink's, not its target's (pass `path.resolve()` for
    the file an edit writes). None outside a git work tree, where nothing is ignored or tracked.
    `project`: the project whose folder may hold it (gitrepo.repo_of)."""
    from doctor.project.gitrepo import repo_of
    from doctor.project.memo import remember

    repo = repo_of(path.parent, project)
    if repo is None:
        return None
    real, top = path.parent.resolve() / path.name, repo.top.resolve()
    relative = real.relative_to(top).as_posix() if real.is_relative_to(top) else path.name
    files = (repo.top / ".gitignore", repo.common_dir / "info" / "exclude")
    # remembered per rules files' stamps (doctor.project.memo): a warm run compiles no rule's pattern
    return remember("git-ignored", files, (relative, path.name), lambda: _ignored_by(files, relative, path.name))


def _ignored_by(files: tuple[Path, ...], relative: str, name: str) -> bool:
    from doctor.project.memo import unreadable
    from doctor.regular import read_text, text_lines

    for rules in files:
        try:
            lines = text_lines(read_text(rules))
        except (FileNotFoundError, NotADirectoryError):  # absent: a fact the stamp records
            continue
        except OSError:  # doctor.regular's RefusedFile too (a FIFO, a file too big): not kept, read again
            unreadable()
            continue
        for line in (raw.strip() for raw in lines):
            if not line or line.startswith(("#", "!")):
                continue
            rule = line.rstrip("/")
            if match_glob(relative, rule.lstrip("/")) or ("/" not in rule and match_glob(name, rule)):
                return True
    return False
