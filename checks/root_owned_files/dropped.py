"""Images that start as root and drop to ids their entrypoint reads (PUID/PGID): ArchiveBox's
`usermod -o -u "${PUID:-911}" archivebox ... exec gosu`, every linuxserver.io image, photoprism's
`setpriv --reuid "${PHOTOPRISM_UID}"` after its init. Such a service runs as you through those
variables; `user:` would start its entrypoint as you, and its usermod or init (root only) would
fail."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.reading import read_text
from doctor.project.types import EnvSource, Service
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from doctor.host.owners import Owner

# the variables such an entrypoint reads, with the group's beside the user's; USER_UID and APP_UID
# only when a script of the image reads them (they name other things elsewhere)
PAIRS = {"PUID": "PGID", "USER_UID": "USER_GID", "APP_UID": "APP_GID"}
# pairs a compose entry shows under other names: Laravel Sail's (its start-container runs `usermod -u
# $WWWUSER sail`, then gosu; its Dockerfile `groupadd --force -g $WWWGROUP sail`), jlesage's images',
# the gosu example's; only both together, as for `X_UID` beside `X_GID`
NAMED = {"WWWUSER": "WWWGROUP", "USER_ID": "GROUP_ID", "LOCAL_USER_ID": "LOCAL_GROUP_ID"}
READS = lazy(r"\$\{?(PUID|USER_UID|APP_UID)\b")
# a key written in a comment of the service's entry: ArchiveBox's `# - PUID=911   # set to your host
# user's UID & GID ...` (its prose "UID & GID" is no key), photoprism's `# PHOTOPRISM_UID: 1000`
KEYED = lazy(r"\b([A-Z][A-Z0-9_]*)\s*[:=]")
MENTIONS = lazy(r"\bPUID\b")  # PUID named at all (`# set PUID to your uid`): linuxserver's idiom
LINUXSERVER = ("lscr.io/linuxserver/", "ghcr.io/linuxserver/", "linuxserver/")
# a value that is one project variable, whole: photoprism's `PHOTOPRISM_UID: ${UID:-1000}`
WHOLE = lazy(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))$")


def id_variables(project: Project, svc: Service) -> tuple[str, str] | None:
    """The (user, group) variables the service's image drops root to, else None: read by a script
    it runs (its entrypoint), its Dockerfile, or said by its compose entry or its image
    (linuxserver.io's). The compose entry says so with a pair its `environment:` sets or a comment
    there writes as a key (photoprism's `PHOTOPRISM_UID`/`PHOTOPRISM_GID`, `APP_UID`/`APP_GID`,
    `UID`/`GID`; not an env_file's, often the .env that only feeds compose `UID=1000` for a
    `user:`), or with PUID alone, from an env_file too (PGID beside it is linuxserver's)."""
    from doctor.project.shipped import script_finder

    for path, _ in script_finder(project).run_by(svc):
        found = READS.search(_text(path))
        if found:
            return found.group(1), PAIRS[found.group(1)]
    own = [name for name, var in svc.environment.items() if var.source is EnvSource.ENVIRONMENT]
    # a NAMED group may be a build arg: Sail's `args: WWWGROUP: '${WWWGROUP}'` beside its environment's WWWUSER
    groups = [*own, *(name for name in _arg_names(svc) if name in NAMED.values())]
    set_here = _pair(own, groups) or (("PUID", "PGID") if "PUID" in svc.environment else None)
    if set_here is not None:
        return set_here
    build = svc.build
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    if recipe is not None:
        built = _pair({k for k, _ in recipe.env})
        if built is not None:
            return built
        if any(READS.search(step.text) for step in recipe.runs):
            return "PUID", "PGID"
    if (svc.image or "").startswith(LINUXSERVER):
        return "PUID", "PGID"
    return _pair(_commented(svc))


def _pair(names: Collection[str], groups: Collection[str] | None = None) -> tuple[str, str] | None:
    """The ids among `names` (the first pair found), the group's among `groups` (default `names`):
    an `X_UID` beside its `X_GID` (the image's own prefix), a pair of NAMED (Sail's `WWWUSER` beside
    `WWWGROUP`), PUID (its PGID optional), `UID` beside `GID`; a user id alone, `X_UID` without a
    group, names nothing (USER_UID names other things too)."""
    groups = names if groups is None else groups
    for name in names:
        group = name[:-3] + "GID" if name.endswith("_UID") else NAMED.get(name)
        if group is not None and group in groups:
            return name, group
    if "PUID" in names:
        return "PUID", "PGID"
    return ("UID", "GID") if "UID" in names and "GID" in groups else None


def _arg_names(svc: Service) -> list[str]:
    """The names of the service's `build.args`."""
    return [name for name, _, _ in svc.build.args] if svc.build else []


def _given(svc: Service, name: str) -> tuple[str | None, str | None] | None:
    """(value, text as written) of `name` in the service's environment, else in its build args (the
    text read at the arg's line: `WWWGROUP: '${WWWGROUP}'`); None where neither gives it."""
    var = svc.environment.get(name)
    if var is not None:
        return var.value, var.raw
    for arg, value, location in svc.build.args if svc.build else ():
        if arg == name:
            lines = text_lines(_text(location.path)) if location is not None and location.line else []
            line = lines[location.line - 1] if location is not None and location.line and \
                len(lines) >= location.line else ""
            # `WWWGROUP: '${WWWGROUP}'` or `- WWWGROUP=${WWWGROUP}`: the text after the name, unquoted
            return value, line.partition(name)[2].lstrip(" \t:=").strip().strip("'\"") or None
    return None


def drops_to(svc: Service, pair: tuple[str, str]) -> tuple[str, str] | None:
    """The ids the service's environment (or build args, for the group) sets the pair to (`1000`,
    `1000`), where it sets both."""
    uid, gid = (_given(svc, name) for name in pair)
    if uid is None or gid is None or uid[0] is None or gid[0] is None:
        return None
    return uid[0].strip(), gid[0].strip()


def drops_to_you(project: Project, expected: Owner, service: str) -> str:
    """`PHOTOPRISM_UID and PHOTOPRISM_GID` where the service's image drops root to ids its
    environment sets to `expected`'s already (photoprism's `${UID:-1000}` for uid 1000); else ""."""
    svc = project.services.get(service)
    pair = id_variables(project, svc) if svc is not None else None
    if svc is None or pair is None or drops_to(svc, pair) != (str(expected.uid), str(expected.gid)):
        return ""
    return f"{pair[0]} and {pair[1]}"


def written_as(svc: Service, pair: tuple[str, str]) -> tuple[str, str] | None:
    """The project variables the pair's values are, where the service's `environment:` (or build
    args) writes each as one whole (photoprism's `PHOTOPRISM_UID: ${UID:-1000}`, `PHOTOPRISM_GID:
    ${GID:-1000}`; Sail's `WWWUSER: '${WWWUSER}'`): the project's own way to set the ids, in .env;
    else None."""
    found = []
    for name in pair:
        given = _given(svc, name)
        matched = WHOLE.match(given[1].strip()) if given is not None and given[1] else None
        if matched is None:
            return None
        found.append(matched[1] or matched[2])
    return found[0], found[1]


def set_ids(project: Project, expected: Owner, who: str, services: Sequence[Service], pair: tuple[str, str]) -> str:
    """How `services` (`who` names them), whose entrypoints drop root to the ids of `pair`, run as
    `expected`: the pair set in their environment, or, where each writes it as the same project
    variables (photoprism's `${UID:-1000}`), those in .env, as `user:`'s advice sets UID and GID
    there; a line .env already has is not repeated. A variable their build takes (Sail's WWWGROUP
    arg) is said to need a build."""
    drops = "its entrypoint drops root to those ids itself, which user: would break"
    written = {written_as(svc, pair) for svc in services}
    variables = written.pop() if len(written) == 1 else None
    if variables is not None:
        known = project.compose.variables
        settings = [f"{name}={value}" for name, value in zip(variables, (expected.uid, expected.gid), strict=True)
                    if known.get(name) != str(value)]
        if settings:
            env = project.shown(project.variables_file)
            # Sail's `WWWUSER: '${WWWUSER}'`: the same names, which compose passes on
            passed = (f", which compose passes to {who}" if variables == pair
                      else f" ({pair[0]} and {pair[1]} of {who} read them)")
            built = [name for name in pair if any(name in _arg_names(svc) and name not in svc.environment
                                                  for svc in services)]
            if built:
                passed += f" ({' and '.join(built)} to its build: run docker compose build after)"
            return f"set {' and '.join(settings)} in {env}{passed}: {drops}"
    return f"set {pair[0]}={expected.uid} and {pair[1]}={expected.gid} in the environment of {who}: {drops}"


def _text(path: Path) -> str:
    try:
        return read_text(path)
    except (OSError, UnicodeDecodeError):
        return ""


def _commented(svc: Service) -> list[str]:
    """The keys comments inside the service's entry in its compose file write (`# - PUID=911`,
    `# PHOTOPRISM_UID: 1000`), in their order, and PUID wherever one names it."""
    location = svc.location
    if location is None or location.line is None:
        return []
    lines = text_lines(_text(location.path))[location.line - 1:]
    if not lines:
        return []
    indent = len(lines[0]) - len(lines[0].lstrip())
    keys: list[str] = []
    for line in lines[1:]:
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#") and len(line) - len(stripped) <= indent:
            break  # the next service, or the next top-level key
        if "#" in line:
            comment = line.partition("#")[2]
            keys += KEYED.findall(comment) + (["PUID"] if MENTIONS.search(comment) else [])
    return keys


# process supervisors that must start as root to run their programs, each as the user its own
# config names (ChiefOnboarding's supervisord: `user=root`, its log in a root-made /var/log/supervisord):
# `user:` would stop them; the programs they start are the ones to run as the host user, and how
SUPERVISORS = {
    "supervisord": ("supervisord", "user= in their [program:...] sections"),
    "runsvdir": ("runit", "chpst -u in their run scripts"),
    "runit": ("runit", "chpst -u in their run scripts"),
    "s6-svscan": ("s6", "s6-setuidgid in their run scripts"),
    "/init": ("s6-overlay", "s6-setuidgid in their run scripts"),
}


def supervisor(project: Project, svc: Service) -> tuple[str, str] | None:
    """(the supervisor, how its programs are given a user) when the service runs one: its command or
    entrypoint, its image's CMD/ENTRYPOINT (`/usr/bin/supervisord -c ...`, `sh -c "... && exec
    supervisord"`, s6-overlay's `/init`), or a command of a script it runs (`exec runsvdir
    /etc/service`); else None."""
    import posixpath

    from doctor.project.shipped import run_words, script_finder

    def named(words: list[str]) -> tuple[str, str] | None:
        # the basename of `/usr/bin/supervisord`; `/init` only as itself (any `init` is not s6's)
        return next((f for w in words if (f := SUPERVISORS.get(w) or SUPERVISORS.get(posixpath.basename(w)))), None)

    found = named([part for word in run_words(project, svc) for part in word.split()])
    if found is not None:
        return found
    for path, _ in script_finder(project).run_by(svc):
        for line in _text(path).splitlines():
            words = line.split()
            words = words[1:] if words[:1] == ["exec"] else words
            if (found := named(words[:1])) is not None:
                return found
    return None
