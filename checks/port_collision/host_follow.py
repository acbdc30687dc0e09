"""The host's own env files follow a moved host port: a program run on the host dials it itself.

documenso's root `.env` names `postgres://...@127.0.0.1:54320/documenso` for the database its
docker/development compose publishes: the env files an app run on the host reads (HOST_ENV_FILES,
and those a Makefile includes), in the project folder, the folder doctor was pointed at, the top of
its checkout and its app folders, get the new port (host_follow_edits). A host app's own port, a
comment, and what a container runs are left alone; a file outside the folder fixes may write in, or
one git tracks while other checkouts run beside this one, is named for a change by hand instead. A host
range moved whole (range_move) is followed port by port, each to its offset in the new range (host_follow_range).
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Callable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit
from doctor.project.make_env import make_env_files
from doctor.project.reading import is_dir, is_file
from doctor.project.service_network import listen_ports
from doctor.system_folders import home_folder

from .follow import local_address, moved_to, run_in_containers, runs_it
from .host_app import compose_reads, host_app_port
from .local_values import candidate_lines, names_local_host

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project


# the env files an app run on the host reads (Next.js, Vite, dotenv): documenso's root `.env` names
# `postgres://...@127.0.0.1:54320/documenso` for the database its docker/development compose publishes
HOST_ENV_FILES = (".env", ".env.local", ".env.development", ".env.development.local")
_ASSIGNED = lazy(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=")
# _host_env_files' answer, once per project a run loads (each fix round loads the project anew): every moved
# port asked it again, ~15M instructions each on a checkout as large as doctor's own (its app folders, the
# Makefiles' includes), three times a run of examples/broken-stack
_HOST_FILES: weakref.WeakKeyDictionary[Project, tuple[tuple[Path, ...], frozenset[Path]]] = weakref.WeakKeyDictionary()


def tracks_share(project: Project, host: Host) -> Callable[[Path], bool]:
    """Whether a file is every track's, so a move's values are never written there but left by hand: git
    tracks it and another worktree runs beside this one (the engine asked once, at the first tracked file)."""
    from doctor.host.portregistry import side_by_side
    from doctor.project.gitrepo import tracked

    beside: list[bool] = []

    def shared(path: Path) -> bool:
        if not tracked(path, project):
            return False
        if not beside:
            beside.append(side_by_side(project.root, host, project) is not None)
        return beside[0]

    return shared


def host_follow_edits(project: Project, old: int, new: int, skip: set[tuple[object, int | None]],
                      shared: Callable[[Path], bool] | None = None) -> tuple[tuple[Edit, ...], str, str]:
    """The edits moving `localhost:old` (127.0.0.1) to the new port in the env files a program on the
    host reads: HOST_ENV_FILES, and the env files a Makefile there includes (make_env: Flagsmith's
    `api/Makefile` `-include .env-local`), in the project folder, the folder doctor was pointed at
    (`cd api; COMPOSE_FILE=../docker/compose.yml doctor fix .`), at the top of its checkout, git's or,
    without .git, `archive_top`'s (the compose file in `docker/development/`, the app's `.env` at the
    root), and in its app folders; what they say
    (`NEXT_PRIVATE_DATABASE_URL in .env follows to localhost:54321`); and the change left to the
    developer: a file outside the folder fixes may write in (doctor.project.edits.edit_root), or one
    `shared` says the other checkouts share (git tracks it), is named for a change by hand instead
    (`change 8000 to 8001 in DATABASE_URL in ../api/.env-local:1 (...)`). Lines in `skip` (edited
    already) are left alone."""
    files, made = _host_env_files(project)
    return _follow_port(project, files, made, old, new, skip, shared)


def host_follow_range(project: Project, old: int, new: int, count: int, skip: set[tuple[object, int | None]],
                      shared: Callable[[Path], bool] | None = None) -> tuple[tuple[Edit, ...], str, str]:
    """host_follow_edits for a host range moved whole (range_move: localstack's `4510-4559` to `20201-20250`):
    each port of the old range a host env file names follows to the same offset in the new one, by the rules
    one port's move follows it; each file is read once for the ports it names, whatever the range's size."""
    from doctor.project.edits import _lines  # line_text's own list: one read and split per file

    files, made = _host_env_files(project)
    named: set[int] = set()
    for path in files:
        if is_file(path):
            # only a line candidate_lines can give for some port: one naming a local host, or a PORT key's
            named.update(int(found) for line in _lines(path) or () if names_local_host(line) or "PORT" in line
                         for found in _NUMBERS.findall(line) if old <= int(found) < old + count)
    edits: list[Edit] = []
    said: list[str] = []
    hand: list[str] = []
    for port in sorted(named):  # a line edited for one port is not rewritten from its old text for another
        moved, says, left = _follow_port(project, files, made, port, new + port - old,
                                         skip | {(e.path, e.line) for e in edits}, shared)
        edits += moved
        said += [says] if says else []
        hand += [left] if left else []
    return tuple(edits), "; ".join(said), "; ".join(hand)


_NUMBERS = lazy(r"(?<![0-9])[0-9]{1,5}(?![0-9])")


def _host_env_files(project: Project) -> tuple[list[Path], set[Path]]:
    """The env files a program on the host reads (host_follow_edits' folders), each once, and those of them
    a Makefile includes (resolved); looked for once per project (_HOST_FILES)."""
    found = _HOST_FILES.get(project)
    if found is None:
        files, made = _look_for_host_env_files(project)
        found = _HOST_FILES[project] = (tuple(files), frozenset(made))
    return list(found[0]), set(found[1])


def _look_for_host_env_files(project: Project) -> tuple[list[Path], set[Path]]:
    from doctor.project.gitrepo import archive_top

    repo = project.repo()
    top = repo.top if repo is not None else archive_top(project.root)
    tops = [project.root, *([top] if top is not None else [])]
    # and the apps of a monorepo (plane's apps/web/.env: VITE_API_BASE_URL="http://localhost:8000"),
    # and the folder doctor was pointed at (Flagsmith's api/, its COMPOSE_FILE in ../docker)
    asked = project.options.path if is_dir(project.options.path) else project.options.path.parent
    mine = [] if home_folder().is_relative_to(asked) else [asked]  # never the home folder's own .env
    folders = dict.fromkeys([*tops, *(app for top in tops for app in app_folders(top)), *_bound_apps(project, tops),
                             *mine])
    # each file once: a Makefile's `-include .env` is the .env already looked at
    files: dict[Path, Path] = {}
    made: set[Path] = set()  # the env files a Makefile includes: its host-run targets read their ports
    for folder in folders:
        included = make_env_files(folder)
        made.update(path.resolve() for path in included)
        for path in (*(folder / name for name in HOST_ENV_FILES), *included, *_prisma_env(folder)):
            files.setdefault(path.resolve(), path)
    return list(files.values()), made


def _prisma_env(folder: Path) -> tuple[Path, ...]:
    """The `.env` beside the folder's Prisma schema (`prisma/schema.prisma`, or the `prisma/schema/` folder of a
    schema in several files), which the Prisma CLI run there reads as well as the folder's own: plunk's root
    `prisma migrate dev` (`yarn migrate`) dials `DATABASE_URL=...@localhost:55432/...` of prisma/.env."""
    schema = folder / "prisma"
    return (schema / ".env",) if is_file(schema / "schema.prisma") or is_dir(schema / "schema") else ()


def _follow_port(project: Project, files: list[Path], made: set[Path], old: int, new: int,
                 skip: set[tuple[object, int | None]],
                 shared: Callable[[Path], bool] | None) -> tuple[tuple[Edit, ...], str, str]:
    """host_follow_edits for one port, in the host env files `files` (`made`: those a Makefile includes)."""
    from doctor.project.edits import edit_root, replace_on_line

    writable = edit_root(project).resolve()
    edits: list[Edit] = []
    names: list[str] = []
    ports: list[str] = []  # the bare `*_PORT=old` lines of a Makefile's env files
    paired_ports: list[str] = []  # those beside an `X_HOST=localhost` of a host app's env file
    by_hand: list[str] = []
    kept: list[str] = []  # in files the other checkouts share
    inside = run_in_containers(project, old)
    # a bare `*_PORT=old` there is the host port a host command uses (joanie's `make tunnel`: `npx localtunnel
    # --port $(LOCALTUNNEL_PORT)`), unless a container listens on that number inside, where it may be its own
    bare = None if any(old in listen_ports(s) for s in project.compose.services.values()) else \
        re.compile(rf"""^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*PORT\s*=\s*(["']?){old}\1\s*$""")
    # and a `X_PORT=old` beside `X_HOST=localhost` in a file the host's app reads (ghostfolio's root .env:
    # REDIS_HOST=localhost, REDIS_PORT=6379, read by its API run with `npm run start:server`): the pair is where
    # that app dials, from the host, whatever the container listens on inside
    paired = re.compile(rf"""^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*?)_?PORT\s*=\s*(["']?){old}\2\s*$""")
    read = compose_reads(project)
    own: list[str] = []
    for path in files:
        if not is_file(path):
            continue
        # a host app's own config (LITESTAR_PORT=8000): its localhost:8000 is itself, not the container
        if (listens := host_app_port(project, path, old, read)) is not None:
            if _names_old(path, old):
                own.append(f"{project.shown(path)}:{listens[1]} sets {listens[0]}={old}")
            continue
        # only a file compose reads feeds what a container runs: a frontend's own .env never does
        values = _values_by_line(project, path) if inside and Path(os.path.realpath(path)) in read else {}
        local_hosts = _local_host_prefixes(path)
        bare_here = bare if bare is not None and path.resolve() in made else None
        # only a line naming a local host, or a `*PORT=old` one where the number alone may move (local_values)
        for number, text in candidate_lines(path, old, bool(local_hosts) or bare_here is not None):
            key = _ASSIGNED.match(text)
            local = local_address(old, key[1] if key else "")
            pair = paired.match(text)
            beside = pair is not None and pair[1].upper() in local_hosts
            alone = beside or (bare_here is not None and bare_here.match(text) is not None)
            if alone:
                local = rf"(?<![0-9]){old}(?![0-9])"  # the number alone: the line holds nothing else
            if (path, number) in skip or not re.search(local, text):
                continue
            if text.lstrip().startswith("#"):
                continue  # a comment: the example it shows is the author's, not a setting
            value = values.get(number, "")
            if value and runs_it(value, inside):
                continue  # a healthcheck, command or entrypoint: run in a container, its localhost is it
            named = f"{key[1] if key else 'a line'} in {project.shown(path)}"
            edit = replace_on_line(path, number, local, (lambda _: str(new)) if alone else moved_to(new), every=True)
            if edit is not None and shared is not None and shared(path):
                kept.append(f"{named}:{number}")
            elif edit is not None and path.resolve().is_relative_to(writable):
                edits.append(edit)
                (paired_ports if beside else ports if alone else names).append(named)
            elif edit is not None:
                by_hand.append(f"{named}:{number}")
    said = []
    if names:
        said.append(f"{', '.join(names)} follow{'s' if len(names) == 1 else ''} to localhost:{new}")
    if ports:
        said.append(f"{', '.join(ports)}, which the Makefile includes, follow{'s' if len(ports) == 1 else ''} to {new}")
    if paired_ports:
        said.append(f"{', '.join(paired_ports)}, beside its host at localhost, follow{'s' * (len(paired_ports) == 1)} "
                    f"to {new}")
    if own:
        said.append(f"{', '.join(own)}, a host app's own port: its localhost:{old} values stay")
    hand = f"change {old} to {new} in {', '.join(by_hand)} (a program on the host dials it)" if by_hand else ""
    if kept:
        hand = "; ".join(filter(None, (hand, shared_note(old, new, kept))))
    return tuple(edits), "; ".join(said), hand


def shared_note(old: int, new: int, lines: list[str]) -> str:
    """The step left for lines of tracked files with the other checkouts running beside this one:
    their text is every checkout's, so doctor does not write there."""
    return (f"change {old} to {new} in {', '.join(lines)} for this checkout's programs (git tracks "
            f"{'it' if len(lines) == 1 else 'them'}: keep the change out of commits, the other checkouts keep {old})")


_LOCAL_HOST_LINE = lazy(r"""^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*?)_?HOST\s*=\s*["']?(?:localhost|127\.0\.0\.1)"""
                       r"""["']?\s*$""", re.MULTILINE)


def _local_host_prefixes(path: Path) -> set[str]:
    """The prefixes of the file's `X_HOST=localhost` lines (`REDIS` of REDIS_HOST), upper case."""
    from doctor.project.reading import read_text

    try:
        text = read_text(path, 256 * 1024)
    except OSError:
        return set()
    return {found[1].upper() for found in _LOCAL_HOST_LINE.finditer(text)}


def _names_old(path: Path, old: int) -> bool:
    """Whether a line of the env file, not a comment, names a local address on `old`."""
    for _, text in candidate_lines(path, old, False):
        key = _ASSIGNED.match(text)
        if not text.lstrip().startswith("#") and re.search(local_address(old, key[1] if key else ""), text):
            return True
    return False


def _values_by_line(project: Project, path: Path) -> dict[int, str]:
    """{line: value} of an env file, as compose's dotenv parser reads it."""
    found = project.env_file(path)
    return {entry.line: entry.value for entry in found.entries} if found is not None else {}


# what marks a folder as an app a developer runs on the host (its dev server reads the .env beside it)
APP_MARKERS = ("package.json", "pyproject.toml", "requirements.txt", "manage.py", "Gemfile", "go.mod", "composer.json")
_SKIPPED = frozenset({"node_modules", "vendor", "dist", "build", "venv", "site-packages", "__pycache__"})


def _bound_apps(project: Project, tops: list[Path]) -> list[Path]:
    """The apps a service binds from the checkout, however deep (openfun/joanie's `./src/frontend/admin:/app`,
    whose .env names the API's published port for the browser): their env files are the app's too."""
    from doctor.project.reading import is_file

    found = []
    for service in project.compose.services.values():
        for mount in service.volumes:
            source = Path(mount.source) if mount.type == "bind" and mount.source else None
            if source is not None and any(source.is_relative_to(top) for top in tops) and is_dir(source) \
                    and any(is_file(source / marker) for marker in APP_MARKERS):
                found.append(source)
    return found


def app_folders(top: Path) -> list[Path]:
    """The folders up to two levels below `top` that hold an app (APP_MARKERS), by name: `apps/admin`,
    `apps/web`, `frontend`. A bounded look (doctor.project.reading.folders_below: 400 folders at most),
    hidden folders and dependency or build trees not entered."""
    from doctor.project.reading import folders_below, is_file

    return [path for path in folders_below(top, _SKIPPED) if any(is_file(path / m) for m in APP_MARKERS)]
