"""`docker compose --ansi always up -d 2>&1 | doctor why`: compose's terminal progress, colours and timers included.

Temporal's docker-compose (tests/replay/temporal-docker-compose, every service a `container_name:`) brought up with
`--ansi always` as `-p doctor-audit-why3-t1` while a host process held the server's port. Compose's terminal writer
colours each step and then its timer with no blank between them when the name column is full (`\\x1b[32mStarted
\\x1b[0m\\x1b[34m0.7s`): with the colours taken out that read `Started0.7s`, no `Started`, and why listed postgresql
and elasticsearch as "created: the piped output shows no failure of it" where `--progress plain` of the same `up`
gave "started". The colours between a step and its timer are a blank now.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from why_run import run_why

REPLAY = Path(__file__).resolve().parent / "replay" / "temporal-docker-compose"

# compose v2.40.3 (Debian docker.io engine), `docker compose -p doctor-audit-why3-t1 --ansi always up -d`: the first,
# the last full and the final frame of its progress (of twelve), the host port written as the replay's 7233
TTY_UP = (
    "\x1b[1A\x1b[1B\x1b[0G\x1b[?25l[+] Running 0/1\n"
    " \x1b[33m⠋\x1b[0m Network temporal-network  Creating\x1b[34m0.1s \x1b[0m\n"
    "\x1b[?25h\x1b[1A\x1b[1A\x1b[1A\x1b[1A\x1b[1A\x1b[1A\x1b[1A\x1b[0G\x1b[?25l[+] Running 5/6\n"
    " \x1b[32m✔\x1b[0m Network temporal-network          \x1b[32mCreated\x1b[0m\x1b[34m0.1s \x1b[0m\n"
    " \x1b[32m✔\x1b[0m Container temporal-postgresql     \x1b[32mStarted\x1b[0m\x1b[34m0.7s \x1b[0m\n"
    " \x1b[32m✔\x1b[0m Container temporal-elasticsearch  \x1b[32mStarted\x1b[0m\x1b[34m0.6s \x1b[0m\n"
    " \x1b[33m⠸\x1b[0m Container temporal                Starting\x1b[34m0.8s \x1b[0m\n"
    " \x1b[32m✔\x1b[0m Container temporal-ui             \x1b[32mCreated\x1b[0m\x1b[34m0.0s \x1b[0m\n"
    " \x1b[32m✔\x1b[0m Container temporal-admin-tools    \x1b[32mCreated\x1b[0m\x1b[34m0.0s \x1b[0m\n"
    "\x1b[?25hError response from daemon: driver failed programming external connectivity on endpoint temporal "
    "(42ede9b856e83958b587a7588216647c31e17c5681f449df9bca5eabe6676be4): Error starting userland proxy: listen tcp4 "
    "0.0.0.0:7233: bind: address already in use\n"
)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "temporal"
    shutil.copytree(REPLAY, root)
    return root


def test_a_step_coloured_against_its_timer_is_read(tmp_path: Path) -> None:
    done = run_why(_copy(tmp_path), TTY_UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    shown = {line.split()[1]: line for line in done.stdout.splitlines() if line[:1] in "✓✗-" and len(line.split()) > 1}
    assert "started, in the piped output" in shown["postgresql"], done.stdout
    assert "started, in the piped output" in shown["elasticsearch"], done.stdout
    assert "address already in use" in done.stdout.split("✗ temporal ", 1)[1], done.stdout
    assert "1 of 5 services failed" in done.stdout and "(2 not started)" in done.stdout, done.stdout

