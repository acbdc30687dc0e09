"""What one ownership walk found: the strays, how many entries it saw, what it could not read.

Kept as plain rows (path text, uid, gid, is_dir) sorted as pathlib sorts paths (`path_order`),
made into `Stray` records on first use; `OwnerScan.chown_operands` covers them with the fewest
chown operands. doctor.host.owner_walk builds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

from doctor.model import record


@record
class Stray:
    """An entry whose owner differs from the expected one (an lstat: symlinks are not followed)."""

    path: Path
    uid: int
    gid: int
    is_dir: bool


@record
class OwnerScan:
    """The result of one walk: the strays, how many entries were seen, what could not be read."""

    root: Path
    uid: int
    # the strays as the walk found them, (absolute path, uid, gid, is_dir) sorted by path: a
    # big stray count is grouped and counted as text (a Path each would cost ~6 µs; see `strays`)
    rows: tuple[tuple[str, int, int, bool], ...]
    scanned: int
    unreadable: tuple[Path, ...] = ()
    # directories holding an excluded entry: a recursive chown of one of them (or of an
    # ancestor) would touch what the user asked doctor to leave alone
    excluded_in: frozenset[Path] = frozenset()

    @cached_property
    def strays(self) -> tuple[Stray, ...]:
        """The strays as records, made on first use."""
        return tuple(Stray(Path(p), u, g, d) for p, u, g, d in self.rows)

    @cached_property
    def _pure(self) -> frozenset[str]:
        """The stray directories a recursive chown may take whole (no excluded entry below them)."""
        impure: set[str] = set()
        root = str(self.root)
        for entry in self.excluded_in:
            directory = str(entry)
            while directory not in impure:
                impure.add(directory)
                parent = directory.rpartition("/")[0] or "/"
                if directory == root or parent == directory:
                    break
                directory = parent
        return frozenset(p for p, _, _, is_dir in self.rows if is_dir and p not in impure)

    @cached_property
    def excluded_tops(self) -> frozenset[str]:
        """The top folders (first name under the root) holding an excluded entry somewhere below."""
        start = len(str(self.root).rstrip("/")) + 1
        return frozenset(str(d)[start:].partition("/")[0] for d in self.excluded_in if d != self.root)

    def chown_operands(self, within: str | None, rows: Iterable[tuple[str, int, int, bool]],
                       ) -> list[tuple[str, bool]]:
        """The fewest (path, recursive) chown operands that cover every row (under `within`), in
        pathlib's order (by name, folder by folder).

        `rows` are the ones to cover: a caller that groups them passes each group, so n strays
        in n groups cost O(n log n), not n walks over all of them. The paths are absolute and
        normalized (the walk built them), so "under" is a string prefix test: pathlib's
        is_relative_to per parent of every stray was most of a 200k-file preflight.
        """
        pure = self._pure
        inside = "" if within is None else within
        prefix = inside.rstrip("/") + "/"

        def outside(text: str) -> bool:
            return within is not None and text != inside and not text.startswith(prefix)

        roots = []
        ordered = sorted(rows, key=path_order)
        if not pure:  # no stray folder to take whole: each stray is its own operand
            return [(text, False) for text, _, _, _ in ordered if not outside(text)]
        for text, _, _, _ in ordered:
            if outside(text):
                continue
            parent, covered = text, False
            while True:
                head = parent.rpartition("/")[0] or "/"
                if head == parent:
                    break  # `/` has no parent
                parent = head
                if outside(parent):
                    break  # left `within`: so are all the parents above
                if parent in pure:
                    covered = True
                    break
            if not covered:
                roots.append((text, text in pure))
        return roots


def path_order(row: tuple[str, int, int, bool]) -> list[str]:
    """A sort key of a row's absolute, normalized path that orders as pathlib's Path does: name
    by name (plain text order would put `a.b` before `a/b`)."""
    return row[0].split("/")
