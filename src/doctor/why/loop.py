"""A running container that is not up: its log ends in a wait loop on a failure it keeps retrying.

`until psql ...; do echo "Postgres is unavailable - sleeping"; sleep 1; done` on a host that does
not resolve never exits: the engine says `running`, and only the log says the service waits
forever. A running container is judged looping when, among the last WINDOW lines of its log tail,
a retried signature (doctor.why.signatures: unknown host, connection refused, database connect or
password) matches at least MIN_REPEATS lines, at least one line in SHARE, and the log ends in the
loop: after the last failure line come no more lines than a round of it prints, each one it printed
between failure lines before (digits aside: counters, timestamps). A service that failed a few
times at start and then logged that it is up ends in lines the loop never printed, and stays up.

Reading logs costs an engine request per container: only running containers that a healthcheck
does not already call healthy are read, at most RUNNING_LOGS of them, within LOGS_BUDGET seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from doctor.host.containers import ContainerState
from doctor.lazyre import lazy
from doctor.why.signatures import Signature

WINDOW = 20  # the latest log lines judged: a loop that still runs fills them
MIN_REPEATS = 3  # failure lines among them: one or two are a start that waited, then went on
SHARE = 4  # and at least one line in this many, from the first failure line on
RUNNING_LOGS = 20  # running containers whose log tail is read (one engine request each)
LOGS_BUDGET = 10.0  # seconds all those reads may take together, on an engine that may be busy
_DIGITS = lazy(r"\d+")


def to_read(containers: Sequence[ContainerState], service: str | None = None,
            limit: int = RUNNING_LOGS) -> list[ContainerState]:
    """The running containers (of `service`, when given) whose log may show a loop: not failed already
    (their log is read anyway), not a `docker compose run` one, not passing a healthcheck; at most `limit`."""
    return [c for c in containers if c.state == "running" and not c.failed and not c.one_shot
            and c.health != "healthy" and service in (None, c.service)][:limit]


def looping(log_tail: Sequence[str], signatures: Sequence[Signature]) -> str:
    """The id of the retried signature the log tail ends repeating ("" when it does not): of several, the
    one whose last line is latest, then the most specific (the longest match on that line)."""
    lines = list(log_tail[-WINDOW:])
    found: list[tuple[int, int, str]] = []
    for signature in signatures:
        if not signature.retried:
            continue
        hits = [i for i, line in enumerate(lines) if signature.match(line) is not None]
        if len(hits) < MIN_REPEATS or len(hits) * SHARE < len(lines) - hits[0] or not _ends_in_loop(lines, hits):
            continue
        start, end = signature.span(lines[hits[-1]])
        found.append((hits[-1], end - start, signature.id))
    return max(found)[2] if found else ""


def _ends_in_loop(lines: Sequence[str], hits: Sequence[int]) -> bool:
    """Whether the lines after the last failure line are no more than one round of the loop, each a line it
    printed between failure lines before. Not their order: the engine interleaves a process's stderr and
    stdout lines in the order it reads them, which may not be the order written."""
    after = [_shape(line) for line in lines[hits[-1] + 1:]]
    rounds = max(b - a - 1 for a, b in pairwise(hits))
    between = {_shape(line) for line in lines[hits[0] + 1:hits[-1]]}
    return len(after) <= rounds and all(line in between for line in after)


def _shape(line: str) -> str:
    return _DIGITS.sub("0", line.strip())
