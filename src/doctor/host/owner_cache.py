"""The ownership walk's warm cache: per folder, its stamp and what the last walk found in it.

A folder whose stamp (inode, mtime, ctime of the folder itself) is unchanged since the last walk
holds the same names: creating, deleting or renaming an entry changes its folder's mtime and
ctime, and a `chown -R` changes every folder's ctime. doctor.host.owner_walk then does not list
it again: it lstat()s only the names this file remembers for it (its subfolders and its strays)
and adds the remembered count of entries. The blind spot is an existing file chowned in place
in a folder left untouched; so MAX_AGE after the full walk that made it, the run that finds the
cache so old still uses it and a full walk renews it once that run has ended
(doctor.host.owner_refresh: such a file shows from the next run). Past STALE_AGE it is not used.
As git's index does with "racily clean" entries, a folder changed within RACY_NS of the walk's
start is not stored (coarse timestamps could hide a change made in the same tick), nor is one
that could not be read.

One file per (root, expected uid, exclude patterns) in doctor.cachedir's trusted folder, written
atomically after a walk that changed it: a magic line, the payload's CRC-32, then the payload
(marshal: ~10x faster than JSON for 10k folders). A damaged, foreign or expired file is a miss;
a walk remembers MAX_ITEMS folders and names at most (the rest is listed in full each time, and
memory stays bounded). DOCTOR_NO_CACHE=1: no read, no write.
"""

from __future__ import annotations

import marshal
import os
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    # a folder's (st_ino, st_mtime_ns, st_ctime_ns); its entry: (stamp, the names to lstat again
    # (subfolders and strays), how many entries it held, whether an excluded entry was skipped)
    Stamp = tuple[int, int, int]
    Entry = tuple[Stamp, list[str], int, bool]

FORMAT = 1
MAX_AGE = 3600.0  # seconds since the full walk the cache was built from: then walked in full again, after the run
STALE_AGE = 86400.0  # past this, the cache is not used: the run walks in full
RACY_NS = 2_000_000_000
# folders plus remembered names one walker keeps (~200 bytes each in memory): the folders past it
# are not stored, and listed in full every time
MAX_ITEMS = 300_000
MAX_BYTES = 64 * 1024 * 1024
MAGIC = b"doctor-owner-walk\n"
PREFIX, SUFFIX = "owners-", ".marshal"


def _key(root: str, uid: int, exclude: Sequence[str]) -> tuple[int, int, str, int, tuple[str, ...]]:
    return (FORMAT, marshal.version, root, uid, tuple(exclude))


def file_name(root: str, uid: int, exclude: Sequence[str]) -> str:
    """The cache file of one walk's key: a hash of it, so one file per project root (and uid, excludes)."""
    text = repr(_key(root, uid, exclude)).encode("utf-8", "surrogateescape")
    return f"{PREFIX}{zlib.crc32(text):08x}{zlib.adler32(text):08x}{SUFFIX}"


def load(folder: str, root: str, uid: int, exclude: Sequence[str], now: float) -> tuple[float, dict[str, Entry]] | None:
    """(when the full walk was, the entries by folder path) for this key; None: absent, damaged,
    foreign, untrusted (doctor.cachedir.read) or older than STALE_AGE (one older than MAX_AGE
    still answers, and is renewed after the run: doctor.host.owner_refresh)."""
    from doctor.cachedir import read

    data = read(folder, file_name(root, uid, exclude), MAX_BYTES)
    head = len(MAGIC) + 4
    if data is None or len(data) < head or not data.startswith(MAGIC):
        return None
    crc = int.from_bytes(data[len(MAGIC):head], "little")
    payload = memoryview(data)[head:]
    if zlib.crc32(payload) != crc:
        return None
    try:
        key, created, entries = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if key != _key(root, uid, exclude) or not isinstance(created, float) or not isinstance(entries, dict):
        return None
    if not 0 <= now - created <= STALE_AGE:
        return None
    return created, entries


def store(folder: str, root: str, uid: int, exclude: Sequence[str], created: float,
          entries: dict[str, Entry]) -> bool:
    """Write the entries of a walk (atomically, 0600, never inside a project); whether it was written."""
    if len(entries) + sum(len(entry[1]) for entry in entries.values()) > MAX_ITEMS:
        return False
    try:
        payload = marshal.dumps((_key(root, uid, exclude), created, entries))
    except ValueError:  # an unmarshallable value: not ours to store
        return False
    if len(payload) + len(MAGIC) + 4 > MAX_BYTES:
        return False
    from doctor.cachedir import write

    name = file_name(root, uid, exclude)
    if not write(folder, name, MAGIC + zlib.crc32(payload).to_bytes(4, "little") + payload):
        return False
    _prune(folder, name)
    return True


def _prune(folder: str, keep: str) -> None:
    """Remove the other walks' files not written for STALE_AGE (so expired: a file is at least as
    old as its full walk): one file per project root would otherwise pile up in the folder."""
    import time

    oldest = time.time() - STALE_AGE
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(PREFIX) and entry.name.endswith(SUFFIX) and entry.name != keep:
                    try:
                        if entry.stat(follow_symlinks=False).st_mtime < oldest:
                            os.unlink(entry.path)
                    except OSError:
                        continue
    except OSError:
        return

