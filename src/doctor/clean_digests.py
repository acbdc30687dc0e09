"""What a former run found no secret in, known again by a digest: the work of judging it is skipped.

The redactor judges every (key, value) pair of the environment, the services and the `.env`, and
every service command (~40 us each: 225 pairs on otel-demo), and the output border scans every
text doctor prints for secrets by their shape (`doctor.redact.scrub`: ~3 ms of a warm run's
console report on broken-stack, after every check is done). Both are pure functions of their
input and of doctor's code, and the inputs are the same from run to run. `CleanDigests` keeps,
in the file-fact memo (doctor.project.memo: keyed by doctor's code, the user's own 0700 folder),
a blake2b digest of each input found clean: of what holds no secret, never of what does, and
never the input itself. A later run judges again only what it does not know. The set grows
with the inputs that appear up to MAX_KEPT, then holds this run's alone.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")

try:
    from _blake2 import blake2b as _blake2b  # hashlib's own: importing hashlib costs a warm run ~3 ms
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as _blake2b


def digest(text: str, size: int, person: bytes, errors: str = "surrogatepass") -> bytes:
    """blake2b of the text (UTF-8, lone surrogates encoded by `errors`), `size` bytes, personalised."""
    return _blake2b(text.encode("utf-8", errors), digest_size=size, person=person).digest()


class CleanDigests:
    """The digests of `kind` a former run stored, and those this run found clean (`judged`)."""

    MAX_KEPT = 4096

    def __init__(self, kind: str, person: bytes, size: int = 8, kept_at_flush: bool = False) -> None:
        """`kept_at_flush`: the digests are stored as the memo is written (`keep_at_exit`, for
        inputs judged until the run's last output), else when the caller calls `keep`."""
        from doctor.project.memo import remember

        self.kind, self.person, self.size, self.kept_at_flush = kind, person, size, kept_at_flush
        stored: object = remember(kind, (), None, frozenset)
        self.before: frozenset[bytes] = stored if isinstance(stored, frozenset) else frozenset()
        self.clean: set[bytes] = set()  # what this run found clean, or knew so
        self._at_exit = False

    def judged(self, what: str, judge: Callable[[], T], clean: Callable[[T], bool], when_clean: T) -> T:
        """`judge()`, or `when_clean` (its answer for a clean input) where a former run or this one
        found `what` clean; an answer `clean` says is clean has its digest kept."""
        found = digest(what, self.size, self.person)
        if found in self.before:
            self.clean.add(found)  # still seen: kept when the set is cut back to this run's
            return when_clean
        if found in self.clean:
            return when_clean
        answer = judge()
        if clean(answer):
            self.clean.add(found)
            if self.kept_at_flush:
                self.keep_at_exit()
        return answer

    def keep(self) -> None:
        """Store the digests when this run found clean what no former run had."""
        kept = self.kept()
        if kept is not None:
            from doctor.project.memo import replace

            replace(self.kind, None, kept)

    def keep_at_exit(self) -> None:
        """`keep` when the memo is written (at exit): for digests added until the run's last output."""
        if not self._at_exit:
            self._at_exit = True
            from doctor.project.memo import replace_at_flush

            replace_at_flush(self.kind, None, self.kept)

    def kept(self) -> frozenset[bytes] | None:
        """What the memo should hold now: None when this run found nothing clean that no former run had."""
        if self.clean <= self.before:
            return None
        kept = self.before | self.clean
        return kept if len(kept) <= self.MAX_KEPT else frozenset(self.clean)
