"""Refresh an aged login-PATH entry once the run it answered is over (doctor.host.login_cache).

Started by `login_cache.refresh_later` in a session of its own, its output discarded, its stdin
a pipe whose other end only that run holds. It reads to the end of that pipe, i.e. it waits
until the run has ended (however it ended), so the login shell never competes with the run
for a core and nothing waits for it. Then, unless a run stored a fresh entry meanwhile or the
cache folder is gone, it asks the login shell as a run does (doctor.host.shell; TIMEOUT
seconds, as nobody waits) and stores the PATH it printed. A shell that timed out leaves the
aged entry as it was, and where there is none is remembered as timed out (as a run remembers
it: asked again after login_cache.FAILURE_AGE); one that printed no PATH removes the entry, so
the next run asks the shell itself and reports why.
It removes its lock at the end.
"""

from __future__ import annotations

import os

# nobody waits for this shell, and it runs when the machine is busiest (right after a preflight,
# beside `docker compose up --build`): far more than a run's LOGIN_SHELL_TIMEOUT
TIMEOUT = 30.0


def main(argv: list[str]) -> int:
    """argv: the shell, the lock file to remove at the end. The environment is the run's."""
    if len(argv) != 2:
        return 2
    shell, lock = argv
    from doctor.after_run import when_run_ended

    return when_run_ended(lock, lambda: _refresh(shell, dict(os.environ)))


def _refresh(shell: str, env: dict[str, str]) -> int:
    from doctor.host import login_cache
    from doctor.host.early import Shell
    from doctor.host.shell import collect_login_path, spawn_login_shell

    path = login_cache.cache_file(env)
    if path is None or not os.path.isdir(os.path.dirname(path)) or not login_cache.due(shell, env):
        return 0  # caching off, the folder removed (a test's), or a run refreshed it meanwhile
    started = spawn_login_shell(shell, env)
    before = started.key if isinstance(started, Shell) else None
    first = started.first if isinstance(started, Shell) else None
    found = collect_login_path(shell, started, TIMEOUT)
    if found.ok:
        login_cache.store(shell, env, found.entries, before=before, first=first)
    elif not found.timed_out:
        login_cache.drop(shell, env)
    elif not login_cache.has_entries(shell, env):
        # no PATH to keep: remembered as a run's timeout is, so the runs of the next FAILURE_AGE
        # say so instead of each starting (and letting go) another shell that hangs
        login_cache.store(shell, env, error=found.error, before=before, first=first)
    # timed out with an aged entry: it stays (a busy machine right after the run, e.g. `up --build`)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
