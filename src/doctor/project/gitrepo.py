"""A repository's worktrees and identity, read from the files git itself reads (no git process).

`git worktree list` lists the main worktree (the folder holding the common `.git`) and one
entry per `$GIT_COMMON_DIR/worktrees/<id>/`, whose `gitdir` file points at the worktree's
`.git` file. A clone elsewhere is "the same repository" when its `origin` URL is the same
(compared without a trailing `.git` or `/`). Whether git tracks a file is read from the
checkout's index (versions 2 to 4), so a fix can keep a track's own numbers out of files
every track shares.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from doctor.model import record
from doctor.project.reading import exists
from doctor.regular import read_bytes, read_text
from doctor.system_folders import home_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

INDEX_LIMIT = 1 << 30  # a git index lists every tracked path: ~100 MB for a million files


@record
class Worktree:
    """One checkout of a repository: its folder, its branch ("" when detached), whether it still exists."""

    path: Path
    branch: str
    exists: bool = True
    name: str = ""  # git's own name for it (its folder under .git/worktrees), "" for the main one
    locked: bool = False  # `git worktree lock`: kept by `git worktree prune` though its folder is gone


@record
class GitRepo:
    """The checkout that holds a folder: its top folder, its own git dir, the common git dir."""

    top: Path
    git_dir: Path
    common_dir: Path

    @property
    def origin(self) -> str:
        """The `origin` remote's URL, normalised; "" when there is none."""
        return normalize_url(_remote_url(self.common_dir / "config", "origin"))

    @property
    def identity(self) -> str:
        """What makes two checkouts the same repository: the origin URL, else the common git dir."""
        return self.origin or str(self.common_dir.resolve())

    def worktrees(self) -> tuple[Worktree, ...]:
        """Every worktree of the repository, the main one first (like `git worktree list`)."""
        found = []
        if self.common_dir.name == ".git":
            found.append(Worktree(self.common_dir.parent, _branch(self.common_dir)))
        try:  # a git dir this user may not enter (root's, mode 700) lists no other worktree it could read
            entries = sorted((self.common_dir / "worktrees").iterdir())
        except OSError:
            entries = []
        for entry in entries:
            try:
                dotgit = Path(read_text(entry / "gitdir").strip())
            except OSError:
                continue
            dotgit = dotgit if dotgit.is_absolute() else (entry / dotgit).resolve()
            found.append(Worktree(dotgit.parent, _branch(entry), exists(dotgit), entry.name,
                                  exists(entry / "locked")))
        return tuple(found)


def find_repo(folder: Path) -> GitRepo | None:
    """The checkout holding `folder` (nearest `.git` upwards), or None outside any repository."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        dotgit = candidate / ".git"
        if dotgit.is_dir():
            return GitRepo(candidate, dotgit, _common_dir(dotgit))
        if dotgit.is_file():
            try:
                text = read_text(dotgit).strip()
            except OSError:
                return None
            if not text.startswith("gitdir:"):
                return None
            git_dir = Path(text.split(":", 1)[1].strip())
            git_dir = git_dir if git_dir.is_absolute() else (candidate / git_dir).resolve()
            return GitRepo(candidate, git_dir, _common_dir(git_dir))
    return None


def repo_of(folder: Path, project: Project | None = None) -> GitRepo | None:
    """`find_repo(folder)`; the project's own lookup (Project.repo, made once a run) when `folder` is
    its directory as written: a port move's planning asks it of that folder five times or more
    (the worktrees' registry, the siblings' ports, whether each edited file is tracked, ignored),
    ~0.1-0.3 ms each. The same path as written resolves to the same checkout."""
    if project is not None and folder == project.root:
        return project.repo()
    return find_repo(folder)


def _common_dir(git_dir: Path) -> Path:
    try:
        text = read_text(git_dir / "commondir").strip()
    except OSError:
        return git_dir
    common = Path(text)
    return common if common.is_absolute() else (git_dir / common).resolve()


def _branch(git_dir: Path) -> str:
    try:
        head = read_text(git_dir / "HEAD").strip()
    except OSError:
        return ""
    return head.removeprefix("ref: refs/heads/") if head.startswith("ref: ") else ""


def _remote_url(config_file: Path, remote: str) -> str:
    import configparser  # here: finding a checkout (every preflight) needs neither it nor struct

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(read_text(config_file))
    except (OSError, configparser.Error):
        return ""
    section = f'remote "{remote}"'
    return parser.get(section, "url", fallback="").strip() if parser.has_section(section) else ""


def normalize_url(url: str) -> str:
    """`git@host:org/repo.git/` -> `git@host:org/repo` (so two spellings of one origin compare equal)."""
    url = url.strip().rstrip("/")
    return url.removesuffix(".git")


def tracked(path: Path, project: Project | None = None) -> bool:
    """Whether git tracks `path` in the checkout holding it (False outside a repository); `project`:
    the project whose folder may hold it (its checkout looked up once, `repo_of`)."""
    return _index_blob(path, project) is not None


def held_by_git(path: Path, data: bytes) -> bool:
    """Whether git holds `data` as `path`'s bytes: its index lists the path with the blob of exactly
    these bytes (committed, or staged: `git checkout -- PATH` brings them back). A tracked file
    with edits not staged is not held: those edits live only in the working tree, as an untracked
    file's bytes do. A file git converts (line endings, a clean filter) hashes otherwise than its
    blob and counts as not held: a backup too many, never one too few."""
    blob = _index_blob(path)
    if not blob:
        return False
    import hashlib

    kind = "sha256" if len(blob) == 32 else "sha1"
    return hashlib.new(kind, b"blob %d\0" % len(data) + data).digest() == blob


def _index_blob(path: Path, project: Project | None = None) -> bytes | None:
    """The blob id the index of the checkout holding `path` lists for it (b"" where the index
    could not say it); None when it is not tracked there, or outside a repository.

    Remembered across runs (doctor.project.memo, kind `git-index-blob`) while the index and the
    repository's config are unchanged: reading a whole index took a warm preflight ~34M
    instructions on a checkout of 3,400 files (port-collision asks whether each file a port move
    edits is tracked); a hit reads neither."""
    repo = repo_of(path.parent, project)
    if repo is None:
        return None
    try:
        relative = path.resolve().relative_to(repo.top).as_posix()
    except ValueError:
        return None
    from doctor.project.memo import remember

    index, config = repo.git_dir / "index", repo.common_dir / "config"
    return remember("git-index-blob", (index, config), relative,
                    lambda: _read_index_blob(index, repo.common_dir, relative))


def _read_index_blob(index: Path, common_dir: Path, relative: str) -> bytes | None:
    """The blob id `index` lists for the path `relative` to the checkout's top (None: not listed, or no index)."""
    try:
        stamp = os.stat(index).st_mtime_ns
    except OSError:
        return None
    return _index_entries(str(index), stamp, _hash_length(common_dir)).get(relative)


def _hash_length(common_dir: Path) -> int:
    import configparser

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(read_text(common_dir / "config"))
    except (OSError, configparser.Error):
        return 20
    return 32 if parser.get("extensions", "objectformat", fallback="sha1").strip() == "sha256" else 20


@lru_cache(maxsize=8)
def _index_entries(index: str, stamp: int, hash_length: int) -> dict[str, bytes]:
    """{path: blob id} of the entries a git index lists (`stamp` keys the cache to the file's mtime);
    those read before a damaged entry, each with b"" where its id was cut short."""
    import struct

    try:
        data = read_bytes(index, INDEX_LIMIT)
    except OSError:
        return {}
    if data[:4] != b"DIRC" or len(data) < 12:
        return {}
    version, count = struct.unpack(">II", data[4:12])
    entries: dict[str, bytes] = {}
    position, previous = 12, b""
    try:
        for _ in range(count):
            flags_at = position + 40 + hash_length
            blob = data[position + 40:flags_at]
            (flags,) = struct.unpack(">H", data[flags_at:flags_at + 2])
            name_at = flags_at + 2 + (2 if version >= 3 and flags & 0x4000 else 0)
            if version >= 4:  # the name is the previous one less N bytes, plus a suffix; no padding
                strip, name_at = _varint(data, name_at)
                end = data.index(b"\0", name_at)
                name = previous[:len(previous) - strip] + data[name_at:end]
                position = end + 1
            else:  # 1 to 8 NULs pad each entry to a multiple of 8 bytes
                end = data.index(b"\0", name_at)
                name = data[name_at:end]
                position += (end - position + 8) // 8 * 8
            previous = name
            # a path in a merge conflict has an entry per stage: none of them is the working tree's bytes
            stage = (flags >> 12) & 3
            key = name.decode("utf-8", errors="surrogateescape")
            entries[key] = b"" if stage or len(blob) != hash_length or key in entries else blob
    except (struct.error, ValueError, IndexError):
        return entries
    return entries


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """git's offset varint (index v4 path prefixes)."""
    byte = data[position]
    position += 1
    value = byte & 0x7F
    while byte & 0x80:
        byte = data[position]
        position += 1
        value = ((value + 1) << 7) | (byte & 0x7F)
    return value, position


# what a checkout keeps at its top without its .git (a `git archive`, GitHub's zip download):
# GitHub reads .github/ only there; a .gitignore may also sit in a subfolder, so it counts last
TOP_MARKS = ((".github", ".gitattributes", ".gitmodules"), (".gitignore",))
ARCHIVE_DEPTH = 3  # folders above the compose folder looked at (documenso's docker/development: 2)


def archive_top(root: Path, farthest: bool = False) -> Path | None:
    """The top of the checkout around `root` when it has no .git (documenso unpacked from an
    archive, compose in docker/development, the app's `.env` at the top): the nearest folder up
    to ARCHIVE_DEPTH above `root` holding a mark of a repository's top (TOP_MARKS, in order),
    never the home folder or above it; None when there is none, or with `farthest` the farthest
    folder looked at (a trimmed copy with no mark: root-owned-files' scan)."""
    home = home_folder()
    above = [f for f in root.resolve().parents[:ARCHIVE_DEPTH] if f != f.parent and not home.is_relative_to(f)]
    for marks in TOP_MARKS:
        found = next((f for f in above if any(os.path.lexists(f / mark) for mark in marks)), None)
        if found is not None:
            return found
    return above[-1] if farthest and above else None
