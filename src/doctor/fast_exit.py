"""End a finished command-line run without the interpreter's teardown.

After `doctor preflight` has printed its report, Python would still tear down every module it
imported (~240 of them, ~6 ms of CPU: a twentieth of a small project's run) only for the
process to end. `exit_now` does what an ordinary exit must still do (the atexit handlers, such
as the early login shell's reaping; flushing stdout and stderr) and then ends the process with
the status. Every file doctor writes is complete and closed before this point (doctor.atomic),
and its only threads are daemons. Only for a process that ends next (`doctor.cli.console`, the
program's entry point): `doctor.cli.main()` called in-process exits the ordinary way.
"""

from __future__ import annotations

import atexit
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


EXIT_BROKEN_PIPE = 141  # the reader of stdout went away: what a shell reports for a SIGPIPE death


def output_to_null() -> None:
    """Standard output to /dev/null, when its reader went away or its disk is full: what is still
    buffered goes nowhere instead of failing again at the exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def exit_now(status: int) -> NoReturn:
    """Run the atexit handlers, flush stdout and stderr, and end the process with `status`."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed pipe (`doctor preflight | head`)
            status = 120  # as the interpreter's own exit says that its output was lost
    os._exit(status)
