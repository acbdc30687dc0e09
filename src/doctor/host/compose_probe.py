"""`docker compose version`, started first thing in a preflight that may need it; facts.compose_version adopts it.

Starting the docker CLI and its compose plugin takes ~130 ms (its plugin asked directly, when
doctor can tell which one the CLI runs: ~50 ms, see `command`). Asked when compose-version runs
(after the project is loaded), that is ~130 ms of a cold run spent waiting; started beside the
login shell (doctor.host.early), it runs on the other core while doctor imports its checks
and reads the project. It is started only when the version may be asked for and the cache
(doctor.host.compose_cache) has no valid entry: compose-version not excluded on the command
line, and the compose files discovery would find mention a versioned feature (features.py:
`include`, `models`, `develop`, `provider`, `required`, `!reset`, `!override`). That look at
the files is a superset of what compose-version counts: a wrong yes costs a spare run on the
other core, a wrong no only the serial run of before (the answer is the same either way). A
probe nobody adopts is killed with its session at exit (early.discard_all); one that ended in
time is read even when adopted after its deadline.
When a doctor configuration in the project folder may choose the checks (as for the login
shell, doctor.host.early.configured), the engine starts it instead, through compose-version's
prefetch, once the configuration says that check runs; and compose-version, a prefetching
check, runs after the others either way, so the probe has the whole run.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # started right after the login shell: typing and pathlib wait
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from doctor.host.early import Shell

CHECK = "compose-version"
ARGV = ("compose", "version")
METADATA = "docker-cli-plugin-metadata"  # what the docker CLI asks a plugin before it runs it
# the keys of features.py's versioned features; the merge tags are found as written
FEATURE_KEYS = (b"include", b"models", b"develop", b"provider", b"required")
FEATURE_TAGS = (b"!reset", b"!override")
MAIN_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")  # discover.py's order
OVERRIDE_NAMES = ("compose.override.yml", "compose.override.yaml", "docker-compose.override.yml",
                  "docker-compose.override.yaml")
SCAN_LIMIT = 4 * 1024 * 1024  # a bigger compose file is not read twice: the probe is simply started


class Probe:
    """A running version probe (`command`): the `docker` it stands for, what it runs, the
    environment and when it started."""

    __slots__ = ("argv", "env", "process", "program", "since")

    def __init__(self, process: Shell, program: str, argv: list[str], env: dict[str, str], since: float) -> None:
        self.process, self.program, self.argv, self.env, self.since = process, program, argv, env, since


_early: list[Probe] = []
_deferred: list[tuple[dict[str, str], str]] = []  # (env, path) of a run whose doctor config chooses the checks


def start_early(env: Mapping[str, str], path: os.PathLike[str] | str, select: Sequence[str] | None,
                ignore: Sequence[str] | None) -> None:
    """Start `docker compose version` now when this preflight may ask for it (`take` hands it over).

    A probe already started for the same program and environment is kept (a second call of
    one run); any other is killed. A project whose doctor configuration may choose the checks
    is left to the engine (`start_deferred`, once it knows compose-version runs). Never raises.
    """
    from doctor.host import early

    _deferred.clear()
    if (select is not None and CHECK not in select) or (ignore is not None and CHECK in ignore):
        discard_early()
        return
    if _early and _early[0].env == env:
        return  # the command line's fast path started it before app did the same (its PATH is env's)
    try:
        if early.configured(path):
            discard_early()
            _deferred.append((dict(env), os.fspath(path)))
            return
        wanted = may_need(env, path)
    except (OSError, ValueError):
        wanted = False
    if not wanted:
        discard_early()
        return
    _start(env)


def start_deferred(env: Mapping[str, str]) -> None:
    """The engine's prefetch for compose-version (Host.prefetch): the probe `start_early` left to
    the engine, for a project with a doctor configuration, starts now. Never raises."""
    if not _deferred or _deferred[0][0] != env:
        return
    _, path = _deferred.pop()
    try:
        wanted = may_need(env, path)
    except (OSError, ValueError):
        wanted = False
    if wanted:
        _start(env)


def _start(env: Mapping[str, str]) -> None:
    """Start the probe for this environment, unless one runs already or the cache answers."""
    from doctor.host import early

    program = _docker(env)
    if program is None:
        discard_early()
        return
    if _early and _early[0].program == program and _early[0].env == env:
        return
    discard_early()
    if _cached(env):
        return
    import time

    argv = command(env, program)
    since = time.monotonic()
    process = early.spawn_session(argv[0], argv, dict(env))
    if not isinstance(process, OSError):  # it cannot start: compose_version says so the usual way
        _early.append(Probe(process, program, argv, dict(env), since))


def command(env: Mapping[str, str], docker: str) -> list[str]:
    """What tells the version of `docker compose` for this `docker`: its compose plugin's metadata
    when doctor can tell which plugin the CLI would run (compose_cache.plugin: a third of the
    cost), else `docker compose version` itself."""
    from doctor.host import compose_cache

    found = compose_cache.plugin(env, docker)
    return [found, METADATA] if found else [docker, *ARGV]


def version_text(argv: Sequence[str], stdout: str) -> str | None:
    """The text holding the version in what `argv` (a `command`) printed: for the plugin's
    metadata, its "Version" when the docker CLI takes that metadata as it is (SchemaVersion
    0.1.0, a Vendor), else None: the CLI itself must be asked (`docker compose version`); for
    anything else, the output as it is."""
    if list(argv[1:]) != [METADATA]:
        return stdout
    import json

    try:
        found = json.loads(stdout)
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    version, schema, vendor = found.get("Version"), found.get("SchemaVersion"), found.get("Vendor")
    if schema != "0.1.0" or not isinstance(vendor, str) or not vendor or not isinstance(version, str):
        return None  # a newer schema the CLI may accept, or metadata it refuses: it decides
    return version


def take(program: str, env: Mapping[str, str]) -> Probe | None:
    """The probe `start_early` started for this very program and environment, handed over once."""
    if _early and _early[0].program == program and _early[0].env == env:
        return _early.pop()
    return None


def discard_early() -> None:
    """Kill a probe no run adopted."""
    from doctor.host import early

    while _early:
        early.discard(_early.pop().process, grace=0.0)


def read(probe: Probe, timeout: float) -> tuple[str, int | None, bool]:
    """The probe's output, its exit status and whether it timed out (`timeout` seconds from its start,
    as subprocess.run counts). It is reaped, or killed with its session, either way."""
    import select
    import time

    from doctor.host import early

    process = probe.process
    deadline = probe.since + timeout
    out = b""
    try:
        while True:  # what it printed in time is read even when the deadline passed meanwhile
            left = max(deadline - time.monotonic(), 0.0)
            if not select.select([process.fd], [], [], left)[0]:
                return out.decode(errors="replace"), None, True
            try:
                chunk = os.read(process.fd, 65536)
            except OSError:  # a broken pipe reads as its end
                chunk = b""
            if not chunk:
                break
            out += chunk
        while not early._ended(process):  # stdout closed: it is exiting (subprocess.run waits too)
            if time.monotonic() >= deadline:
                return out.decode(errors="replace"), None, True
            time.sleep(0.001)
    finally:
        early.discard(process, grace=0.0)
    return out.decode(errors="replace"), process.status, False


def may_need(env: Mapping[str, str], path: os.PathLike[str] | str) -> bool:
    """Whether compose-version may ask for the version: the compose files discovery would read
    mention a versioned feature (or which files cannot be told cheaply: COMPOSE_FILE)."""
    if env.get("COMPOSE_FILE") or env.get("COMPOSE_ENV_FILES"):
        return True
    target = os.path.abspath(os.fspath(path))
    if os.path.isfile(target):  # the file is the project (`-f`): its folder's .env cannot add files
        files = [target]
    elif os.path.isdir(target):
        dotenv = _read(os.path.join(target, ".env"))
        if dotenv is None or b"COMPOSE_FILE" in dotenv:
            return True
        files = default_files(target)
    else:
        return False  # nothing to load: no check runs
    for file in files:
        data = _read(file)
        if data is None or uses_feature(data):
            return True
    return False


def default_files(start: str) -> list[str]:
    """The main compose file and its override twin found from `start` upward (discover.find_default_files)."""
    folder = start
    while True:
        mains = [os.path.join(folder, n) for n in MAIN_NAMES if os.path.lexists(os.path.join(folder, n))]
        if mains:
            overrides = [os.path.join(folder, n) for n in OVERRIDE_NAMES if os.path.lexists(os.path.join(folder, n))]
            return mains[:1] + overrides[:1]
        parent = os.path.dirname(folder)
        if parent == folder:
            return []
        folder = parent


def uses_feature(data: bytes) -> bool:
    """Whether compose YAML text may use a versioned feature: a merge tag, or a feature's name
    used as a key (`develop:`, `"develop":`, `develop :`), anywhere in the text."""
    if any(tag in data for tag in FEATURE_TAGS):
        return True
    for key in FEATURE_KEYS:
        at = data.find(key)
        while at >= 0:
            end = at + len(key)
            before = data[at - 1:at] if at else b""
            word = not (before.isalnum() or before in (b"_", b"-", b"."))
            if word and data[end:end + 16].lstrip(b"\"' \t")[:1] == b":":
                return True
            at = data.find(key, end)
    return False


def _read(path: str) -> bytes | None:
    """A regular file's bytes (b"" when absent); None when it cannot be read cheaply (big, odd, unreadable)."""
    import stat

    try:
        info = os.stat(path)
    except FileNotFoundError:
        return b""
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > SCAN_LIMIT:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read(SCAN_LIMIT + 1)
    except OSError:
        return None


def _docker(env: Mapping[str, str]) -> str | None:
    """The `docker` facts.compose_version would run (PATH's), None when there is none."""
    from doctor.host.which import which_on

    return which_on("docker", env.get("PATH"))


def _cached(env: Mapping[str, str]) -> bool:
    """Whether the compose-version cache holds a valid entry (then nothing is started)."""
    from doctor.cachedir import cache_dir

    if cache_dir(env) is None:
        return False
    from doctor.host import compose_cache
    from doctor.host.which import which_on

    path = env.get("PATH")
    programs = {name: which_on(name, path) for name in ("docker", "docker-compose")}
    return compose_cache.load(env, compose_cache.key_material(env, programs)) is not False
