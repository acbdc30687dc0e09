"""Who owns the files of a project, and who should: the Host's side of root-owned-files.

Containers that write into a bind mount as root leave root-owned files behind
(`__pycache__`, `node_modules`, `.pytest_cache`, even objects in `.git`), which the developer
can then neither edit nor delete. The walk itself is doctor.host.owner_walk.

The scan covers the project folder, widened within its git work tree to the bind sources outside
it (a compose file in `.devcontainer/` mounts `..`: the container writes the whole checkout,
.git included), or without a .git (a downloaded archive) to a bind source holding it, within
the checkout's top; never to a system folder, the home folder or above (`not_project_data`):
`scan_scope`.

`python -m doctor.host.owners TREE UID` prints the paths not owned by UID (as `find TREE ! -uid
UID` does, with no cache: every folder is listed); benchmarks/owners.sh compares the two. A
preflight's walk (OwnerProbe) keeps a warm cache in doctor.cachedir's folder
(doctor.host.owner_cache); DOCTOR_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from doctor.cachedir import cache_dir
from doctor.host.owner_early import expected_ids
from doctor.host.owner_scan import OwnerScan, Stray
from doctor.host.owner_walk import exclusion, scan_owners
from doctor.model import record
from doctor.system_folders import not_project_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

__all__ = ["Owner", "OwnerProbe", "OwnerScan", "StderrProgress", "Stray", "exclusion", "expected_owner",
           "scan_owners", "scan_scope"]


@record
class Owner:
    """The uid:gid a project's files should have, and why (`source`)."""

    uid: int
    gid: int
    source: str

    def display(self) -> str:
        return _user_name(self.uid)


def expected_owner(root: Path, env: Mapping[str, str]) -> Owner:
    """The owner project files should have: the sudo user under sudo, else the directory's owner.

    Not "anyone but root": doctor may run as root in CI, on a checkout root owns.
    """
    return Owner(*expected_ids(str(root), env))


def scan_scope(folder: Path, env: Mapping[str, str], sources: Iterable[str] = (),
               archive_top: Callable[[Path], Path | None] | None = None) -> Path:
    """The folder an ownership scan of the project in `folder` covers (a real path).

    Containers write into the host tree only through bind mounts, so the scan widens beyond the
    project folder only where a bind mount `sources` reaches: to the smallest folder holding the
    project folder and every bind source outside it that lies in the same git work tree (a
    compose file in `.devcontainer/` mounting `..` widens it to the whole checkout, .git
    included), never beyond that work tree's top. Outside a work tree, or with every bind source
    inside the project folder (a monorepo's `infra/` mounting `./data`), the project folder.

    The work tree is found as git finds it, by the nearest `.git` upwards (a folder, or a file
    naming the git dir of a linked worktree or submodule), read from the files, no git process.
    A work tree whose top is `/`, a system folder or the home folder or above (a dotfiles
    repository) is not taken: it holds far more than the project, so the scan keeps to the project
    folder. Nor does a bind source widen the scan that cannot hold the project's data
    (not_project_data: appwrite's `/tmp:/tmp`, a docker socket in /var/run, /etc/localtime, the
    home folder), nor one sharing only such a folder with the project.

    A checkout without its .git (a downloaded ZIP or tarball: IntelOwl's docker/compose.yml
    mounting `../`) has no work tree to hold the scan: there it widens only to a bind source
    that holds the project folder (the highest), never to a folder no service mounts, and
    only within the top `archive_top` finds for `folder` (None: no widening); never to the
    home folder or above it.
    """
    real = Path(os.path.realpath(folder))
    home = env.get("HOME", "")
    # a work tree's top is never a system folder nor HOME (below): a bind sharing no deeper folder
    # with the project (/var/run/docker.sock) cannot widen the scan, nor can a bind of a system
    # folder (appwrite's `/tmp:/tmp`) or of the home folder or above, which hold no project's data
    beside = [Path(source) for source in map(os.path.realpath, sources)
              if not Path(source).is_relative_to(real) and not not_project_data(source, home)
              and not not_project_data(os.path.commonpath([source, str(real)]), home)]
    if not beside:  # the usual project: every bind inside it (no git work tree to look for)
        return real
    from doctor.project.gitrepo import find_repo  # here: ~7 ms to import, for a project with a bind beside it

    repo = find_repo(real)
    if repo is None:
        # a bind of a folder holding the project (`../`), within the checkout's top: the
        # container writes the project folder and all beside it there
        holding = [source for source in beside if real.is_relative_to(source)]
        found = archive_top(real) if holding and archive_top is not None else None
        top = Path(os.path.realpath(found)) if found is not None else None
        within = [source for source in holding if top is not None and source.is_relative_to(top)]
        return min(within, key=lambda source: len(source.parts)) if within else real
    if repo.top == real:
        return real
    top = Path(os.path.realpath(repo.top))
    if not_project_data(str(top), home) or not real.is_relative_to(top):
        return real
    outside = [str(source) for source in beside if source.is_relative_to(top)]
    return Path(os.path.commonpath([str(real), *outside])) if outside else real


class StderrProgress:
    """A one-line `\\r` counter on a terminal's stderr, erased when done (plain text, no rich)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.shown = False

    @classmethod
    def for_terminal(cls, stream: TextIO | None = None) -> StderrProgress | None:
        """A progress line only when stderr is a terminal (never into a pipe or a log)."""
        stream = stream or sys.stderr
        return cls(stream) if stream.isatty() else None

    def __call__(self, count: int) -> None:
        self.stream.write(f"\rdoctor: checking file owners… {count:,} entries")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


class OwnerProbe:
    """The Host's view of file ownership: one walk per (root, exclude), with progress on a TTY."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self._scans: dict[tuple[Path, tuple[str, ...]], OwnerScan] = {}

    def expected(self, root: Path) -> Owner:
        return expected_owner(root, self.env)

    def scope(self, folder: Path, sources: Iterable[str] = (),
              archive_top: Callable[[Path], Path | None] | None = None) -> Path:
        """The folder the scan of a project in `folder`, bind-mounting `sources`, covers (scan_scope;
        `archive_top`: the top of a checkout without its .git)."""
        return scan_scope(folder, self.env, sources, archive_top)

    def scan(self, root: Path, exclude: Iterable[str] = ()) -> OwnerScan:
        key = (root, tuple(exclude))
        if key not in self._scans:
            progress = StderrProgress.for_terminal()
            try:
                self._scans[key] = scan_owners(root, self.expected(root).uid, key[1], progress=progress,
                                               cache=cache_dir(self.env))
            finally:
                if progress is not None:
                    progress.clear()
        return self._scans[key]

    @property
    def euid(self) -> int:
        return os.geteuid()


def _user_name(uid: int) -> str:
    """`alice (uid 1000)`, or `uid 1000` for a uid with no user; asked once a run per uid (each
    `getpwuid` reads the user database again: a report of many groups names the same owners)."""
    name = _USER_NAMES.get(uid)
    if name is None:
        try:
            import pwd

            name = f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
        except (ImportError, KeyError):
            name = f"uid {uid}"
        _USER_NAMES[uid] = name
    return name


_USER_NAMES: dict[int, str] = {}


def main(argv: Sequence[str]) -> int:
    """`python -m doctor.host.owners TREE UID [PROCESSES]`: print each path not owned by UID.

    PROCESSES (at least 1) caps the walkers; a wrong argument prints the usage and exits 2."""
    if len(argv) not in (2, 3) or not all(arg.isdigit() for arg in argv[1:]) or argv[2:] == ["0"]:
        print("usage: python -m doctor.host.owners TREE UID [PROCESSES]", file=sys.stderr)
        return 2
    progress = StderrProgress.for_terminal()
    try:
        result = scan_owners(Path(argv[0]), int(argv[1]), progress=progress,
                             processes=int(argv[2]) if len(argv) == 3 else None)
    except OSError as error:
        print(f"doctor: cannot walk {argv[0]!r}: {error.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the forked walkers and find processes are gone already (their `finally`)
        return 130
    finally:
        if progress is not None:
            progress.clear()
    sys.stdout.writelines(f"{path}\n" for path, _, _, _ in result.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
