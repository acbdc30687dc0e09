"""What a service's entrypoint does with the command `run` hands it: a program that takes it as its
arguments (ENTRYPOINT ["python3"]), a project script that dispatches on its first argument
(`case "$1" in start) ...`) or reads none, and the commands such a script runs for a CMD."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project

# programs that run the command they are given (`tini -- CMD`, `gosu user CMD`): an entrypoint of
# theirs hands the run's command on; those taking a user (or a folder) first skip that word too
_WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "env", "nice", "nohup", "time",
                       "xvfb-run", "gosu", "su-exec", "chpst", "s6-setuidgid", "setpriv", "sudo", "exec"})
_WITH_USER = frozenset({"gosu", "su-exec", "s6-setuidgid"})
# tools whose `run`/`exec` starts the command in their environment (`poetry run`, `bundle exec`)
_RUNNERS = frozenset({"poetry", "uv", "pipenv", "pdm", "hatch", "conda", "mamba", "micromamba", "bundle", "pixi"})
# interpreters, servers and package managers: an ENTRYPOINT ["python3"] gets the run's words as its
# arguments (`python3 python -m pytest`: "can't open file '/code/python'")
_PROGRAM = lazy(r"(?:python|pypy)[\d.]*|node(?:js)?|nodemon|deno|bun|npm|npx|pnpm|yarn|ruby|php|perl|java|dotnet"
                r"|gunicorn|uvicorn|hypercorn|daphne|celery|flask|django-admin|pytest|manage\.py"
                r"|go|cargo|mix|elixir|rails")  # shiori's ENTRYPOINT ["go", "run", "main.go"]
_SHELL_NAMES = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh"})
_READS_ANY_ARGUMENT = lazy(r"\$\{?[@*1-9]")


def program_entrypoint(project: Project, service: str) -> bool:
    """Whether the service's effective entrypoint (compose's `entrypoint:`, else the final stage's
    ENTRYPOINT) is a program that takes `run`'s command as its arguments (awesome-compose's
    flask-redis: ENTRYPOINT ["python3"]), or `sh -c` with a string that reads none of them.

    The advice then adds `--entrypoint ''`, which runs the command as written on any image. Dropping
    the command's interpreter word instead (`run web -m pytest`) is right only when the entrypoint is
    that same interpreter with no arguments of its own (`python3 app.py` would still run first, and
    `python3` is not always the `python` the command names), so it is never chosen. A wrapper that
    hands the command on (`tini --`, `gosu app`, `poetry run`) and a script (docker-entrypoint.sh
    ending in `exec "$@"`: dispatching_entrypoint judges scripts) keep the advice as is.
    """
    import shlex

    spec = project.compose.services.get(service)
    if spec is None:
        return False
    if spec.entrypoint is not None:  # compose's, even empty (`entrypoint: []` drops the image's)
        try:
            words = shlex.split(spec.entrypoint) if isinstance(spec.entrypoint, str) else list(spec.entrypoint)
        except ValueError:
            return False
    elif (recipe := project.image_recipe(spec)) is not None:  # its build's, or its image builder's
        words = list(recipe.entrypoint)
    else:
        return False  # a pulled image: its ENTRYPOINT is not in the project's files
    at = 0
    while at < len(words) and posixpath.basename(words[at]) in _WRAPPERS:
        user = posixpath.basename(words[at]) in _WITH_USER
        at += 1
        while at < len(words) and (words[at].startswith("-") or "=" in words[at]):  # `tini --`, `env A=1`
            at += 1
        at += 1 if user else 0
    rest = words[at:]
    if not rest or (posixpath.basename(rest[0]) in _RUNNERS and rest[1:2] in (["run"], ["exec"])):
        return False
    first = posixpath.basename(rest[0])
    if first in _SHELL_NAMES and "-c" in rest[1:]:
        script = rest[rest.index("-c") + 1:rest.index("-c") + 2]
        return not any(_READS_ANY_ARGUMENT.search(text) for text in script)
    return _PROGRAM.fullmatch(first) is not None


# an entrypoint script that picks what to do by its first argument (`case "$1" in start) ...`) and
# does not hand the others on as a command (`exec "$@"`): `run SERVICE pytest` would reach it as a word
_DISPATCH = lazy(r"\bcase\s+[\"']?\$\{?1\}?[\"']?\s+in\b")
_PASSTHROUGH = lazy(r"\bexec\s+[\"']?\$[@*]")
# a shell script that reads no argument at all (`$@`, `$1`, `$#`, `shift`, `getopts`): CTFd's
# docker-entrypoint.sh ends in `exec gunicorn ...` whatever `run` hands it
_READS_ARGUMENTS = lazy(r"\$\{?[@*#0-9]|\bshift\b|\bgetopts\b")
_SHELL_SCRIPT = lazy(r"\A#!\s*\S*/(?:env\s+)?(?:ba|da|z|k)?sh\b")
_INTERPRETERS = frozenset({"sh", "bash", "dash", "zsh", "env", "tini", "dumb-init", "gosu", "su-exec"})


def dispatching_entrypoint(project: Project, service: str) -> bool:
    """Whether the service's entrypoint is a project script that dispatches on its first argument
    (Buuntu/fastapi-react's `run.sh`: `case $1 in start) ...;; *) npm "$@"`) or a shell script that
    reads no argument (CTFd's `exec gunicorn ...`), so a command given to `run` must replace it
    (`--entrypoint ""`)."""
    found = entrypoint_script(project, service)
    if found is None:
        return False
    from doctor.regular import read_text

    try:
        text = read_text(found, 256 * 1024)
    except OSError:
        return False
    if _DISPATCH.search(text) and not _PASSTHROUGH.search(text):
        return True
    shell = found.name.endswith(".sh") or _SHELL_SCRIPT.match(text) is not None
    return shell and (_READS_ARGUMENTS.search(text) is None or _ends_in_a_fixed_program(text))


# a line that runs the script's arguments as a command: `exec "$@"`, `exec gosu app "$@"`, a bare `"$@"`
HANDS_ON = lazy(r"""^\s*(?:exec\b.*\$\{?[@*]|["']?\$\{?[@*])""", re.MULTILINE)
# the script itself started again (`exec gosu $PUID "$BASH_SOURCE" "$@"`: mealie's entry.sh as its user)
STARTS_ITSELF = lazy(r"\$\{?(?:0\b|BASH_SOURCE)")


def _ends_in_a_fixed_program(text: str) -> bool:
    """Whether a shell script that reads arguments somewhere ends in `exec PROGRAM ...` naming none,
    and no line runs them as a command (but to start itself again): mealie's entry.sh re-execs
    itself through gosu with "$@", then ends in `exec python /app/mealie/main.py` whatever `run`
    hands it."""
    if any(not STARTS_ITSELF.search(line[0]) for line in HANDS_ON.finditer(text)):
        return False
    last = next((line.strip() for line in reversed(text.splitlines())
                 if line.strip() and not line.strip().startswith("#")), "")
    return bool(last) and last.split(None, 1)[0] == "exec" and _READS_ARGUMENTS.search(last) is None


def entrypoint_script(project: Project, service: str) -> Path | None:
    """The host file of the project script the service's entrypoint runs (`/app/run.sh` of
    `ENTRYPOINT ["/bin/bash", "/app/run.sh"]`), None when it runs none doctor can place."""
    svc = project.compose.services.get(service)
    if svc is None:
        return None
    words: Sequence[str] = ()
    if svc.entrypoint:
        words = svc.entrypoint.split() if isinstance(svc.entrypoint, str) else svc.entrypoint
    elif (recipe := project.image_recipe(svc)) is not None:  # its build's, or its image builder's
        words = recipe.entrypoint
    script = next((w for w in words if w.startswith("/") and posixpath.basename(w) not in _INTERPRETERS
                   and not w.startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/"))), None)
    found = project.code_map(svc).to_host(script) if script else None
    return found[0] if found is not None else None


# a branch of a `case`: its patterns (`start)`, `"web"|serve)`, `(*)`) and the commands up to its `;;`
_BRANCH = lazy(r"(?s)\s*\(?\s*(?P<patterns>[^\s()|;]+(?:\s*\|\s*[^\s()|;]+)*)\s*\)"
               r"(?P<body>.*?)(?:;;&?|;&|(?=\besac\b)|\Z)")
_ESAC = lazy(r"\besac\b")
_ALL_ARGUMENTS = lazy(r"\"?\$(?:\{[@*]\}|[@*])\"?")
_FIRST_ARGUMENT = lazy(r"\"?\$(?:\{1\}|1)\"?")
ENTRYPOINT_SCRIPT_LIMIT = 64 * 1024  # a dispatching entrypoint script is a page or two; a bigger one is not read


def entrypoint_branch(project: Project, service: str, arguments: Sequence[str]) -> list[str]:
    """The commands the service's entrypoint script runs for `arguments` (its CMD) where it picks
    them by its first argument (Buuntu/fastapi-react's run.sh: `case $1 in start) npm start | cat;;`
    runs `npm start | cat` for CMD ["start"]), `$@` and `$1` filled in. Read only for a script of the
    build context of at most ENTRYPOINT_SCRIPT_LIMIT bytes; [] otherwise."""
    import fnmatch

    svc = project.compose.services.get(service)
    if not arguments or svc is None or svc.build is None or "://" in svc.build.context:
        return []
    found = entrypoint_script(project, service)
    if found is None or not found.is_relative_to(os.path.normpath(svc.build.context)):
        return []
    from doctor.project.reading import read_regular_text

    text = read_regular_text(found, ENTRYPOINT_SCRIPT_LIMIT)
    case = _DISPATCH.search(text or "")
    if text is None or case is None:
        return []
    end = _ESAC.search(text, case.end())
    body, at = text[case.end():end.start() if end else len(text)], 0
    while (branch := _BRANCH.match(body, at)) is not None and branch.end() > at:
        at = branch.end()
        patterns = [p.strip().strip("\"'") for p in branch.group("patterns").split("|")]
        if any(fnmatch.fnmatchcase(arguments[0], p) for p in patterns):
            whole, first = " ".join(arguments), arguments[0]
            lines = (line.strip() for line in branch.group("body").replace(";", "\n").splitlines())
            return [_FIRST_ARGUMENT.sub(first, _ALL_ARGUMENTS.sub(whole, line)) for line in lines
                    if line and not line.startswith("#")]
    return []


# a script's last line that starts no program of its own: a block's end, a report, an exit
_NOT_A_PROGRAM = frozenset({"fi", "done", "esac", "}", ")", ";;", "echo", "printf", "exit", "return", "wait",
                            "true", "false", ":", "set", "trap", "sleep"})


def entrypoint_final(project: Project, service: str) -> str | None:
    """The program the service's entrypoint script ends in, `exec` dropped, where that line reads none of
    the script's arguments: the process `up` keeps running (City-of-Helsinki/tilavarauspalvelu-core's
    'worker', `entrypoint: /tvp/docker/worker.sh`, ends in `exec celery -A config worker --loglevel=INFO`,
    as its backend/Makefile's `worker` target runs it). Read only for a script of the build context of
    at most ENTRYPOINT_SCRIPT_LIMIT bytes; None otherwise, or where the last line is no program's."""
    svc = project.compose.services.get(service)
    if svc is None or svc.build is None or "://" in svc.build.context:
        return None
    found = entrypoint_script(project, service)
    if found is None or not found.is_relative_to(os.path.normpath(svc.build.context)):
        return None
    from doctor.project.reading import read_regular_text

    text = read_regular_text(found, ENTRYPOINT_SCRIPT_LIMIT)
    lines = [line.strip() for line in (text or "").splitlines() if line.strip() and not line.strip().startswith("#")]
    if not lines or lines[-1].endswith(("\\", "&")) or _READS_ARGUMENTS.search(lines[-1]):
        return None
    words = lines[-1].split()
    if words[0] == "exec":
        words = words[1:]
    if not words or words[0] in _NOT_A_PROGRAM or any(c in lines[-1] for c in ";|&<>`"):
        return None
    return " ".join(words)
