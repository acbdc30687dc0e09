"""`doctor exec` never starts an entrypoint script that destroys data without being told to.

A `docker compose run SERVICE CMD` (and the `up -d` doctor runs first where the service's start
installs the packages) starts the service's entrypoint script before CMD; `exec` into a running
container does not. django-on-docker's app/entrypoint.sh runs `python manage.py flush --no-input`
before `exec "$@"`: `doctor exec -- python manage.py test` with 'web' down wiped the dev database
without a word. Where the script does such a thing (doctor.project.entrypoint_wipes), doctor says
where and what, and on a terminal asks (default no) to run past it, `run --entrypoint ''`, all else
it adds kept; without a terminal (CI, a pipe, an editor's task) it runs nothing and says the two ways.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable

from doctor.project import Project
from doctor.project.service_home import ServiceHome

DECLINED = 1  # the exit code when nothing ran: the command did not pass


def past_wipe(full: list[str], verb_at: int | None, starts_first: bool, project: Project, home: ServiceHome,
              ask: Callable[[str], bool] | None = None) -> list[str] | None:
    """The compose command line to run: `full` as it is where it starts no entrypoint that destroys data,
    with `--entrypoint ''` where the user agrees to skip one, None where nothing is to run.

    `verb_at`: where `run` is in `full` (None for `exec`); `starts_first`: doctor starts the service
    (`up -d`) before an `exec`, which runs the entrypoint too. `ask`: the question on a terminal (None:
    a terminal's [y/N] where stdin and stderr are one, else no question)."""
    at = full.index(home.service, verb_at) if verb_at is not None else None  # the service: options end there
    if (at is None or "--entrypoint" in full[verb_at:at]) and not starts_first:
        return full
    from doctor.project.entrypoint_wipes import entrypoint_wipe

    wipe = entrypoint_wipe(project, home.service)
    if wipe is None:
        return full
    service, said = home.service, wipe.said(project)
    up = f"{project.compose_words()} up -d {service}"
    ask = ask if ask is not None else _terminal_ask()
    if verb_at is None or at is None:  # ralph's kind: the start installs the packages; `--entrypoint ''` skips that
        if ask is not None:
            print(f"doctor: starting {service!r} runs its entrypoint, and {said}", file=sys.stderr)
            if ask(f"start {service!r} anyway?"):
                return full
            print("doctor exec: not run", file=sys.stderr)
            return None
        print(f"doctor exec: not run: starting {service!r} (`{up}`) runs its entrypoint, and {said}; start it "
              "yourself, knowing its start does that, then `doctor exec` runs the command in it", file=sys.stderr)
        return None
    past = [*full[:at], "--entrypoint", "", *full[at:]]
    if ask is not None:
        print(f"doctor: a `run` of {service!r} starts its entrypoint first, and {said}", file=sys.stderr)
        if ask("run the command past the entrypoint, `--entrypoint ''` (nothing else it does runs either)?"):
            return past
        print("doctor exec: not run", file=sys.stderr)
        return None
    shown = f"{project.compose_words()} {shlex.join(w for w in past[verb_at:] if w != '-T')}"
    print(f"doctor exec: not run: a `run` of {service!r} starts its entrypoint first, and {said}; run past it: "
          f"`{shown}`, or start {service!r} first, knowing its start does that (`{up}`), then `doctor exec` runs "
          "the command in it", file=sys.stderr)
    return None

def _terminal_ask() -> Callable[[str], bool] | None:
    """A [y/N] question on the terminal, None without one: never wait on a pipe. The question goes to
    stderr, where doctor exec says everything, as the command's stdout may be piped (`| tee log`)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None

    def ask(question: str) -> bool:
        print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline()
        return answer.strip().lower() in ("y", "yes")

    return ask

