"""root-owned-files' fix: the fewest chown operands, and the way to run chown (as root, sudo,
through the engine, or the rootless engine's user namespace)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from doctor.host import Host
from doctor.host.owner_walk import path_order
from doctor.host.owners import Owner, OwnerScan
from doctor.host.which import which_on
from doctor.lazyre import lazy
from doctor.model import Fix, Safety, Unavailable, service_names
from doctor.project import Project
from doctor.project.types import Service

from .places import Row, _rel, no_root_writer
from .remap import Remap, remapped_as_you
from .writers import _image_user

MAX_OPERANDS = 20


def _operands(scan: OwnerScan, within: str, rows: list[Row], protected: bool,
              keep_out: Sequence[str] = ()) -> tuple[bool, list[str]]:
    """(recursive, paths): the fewest chown operands covering the group, never an excluded path
    (`protected`: a chown -R of `within` would reach one, or more than the group), nor one of
    `keep_out` (absolute, sorted: another group's folder below, a stray kept by design)."""
    import bisect

    def reaches(path: str) -> bool:
        at = bisect.bisect_left(keep_out, path + "/")
        return at < len(keep_out) and keep_out[at].startswith(path + "/")

    # a stray's own lstat says whether it is a folder (a symlink to one is not: chown -h takes the link)
    folders = {p for p, _, _, is_dir in rows if is_dir}
    # past MAX_OPERANDS, one chown -R of the group's folder, unless it would reach what is kept out
    collapse = not protected and not reaches(within)
    if not folders and collapse:
        # files alone: each is its own operand (no -R reaches past it): counted, not sorted, for a
        # group of thousands
        prefix = within.rstrip("/") + "/"
        if sum(1 for p, _, _, _ in rows if p == within or p.startswith(prefix)) > MAX_OPERANDS:
            return True, [within]
    roots = scan.chown_operands(within, rows)
    if any(recursive and reaches(path) for path, recursive in roots):
        return False, [p for p, _, _, _ in sorted(rows, key=path_order)]  # each stray, no -R over another's
    if all(recursive or path not in folders for path, recursive in roots) or not roots:
        if len(roots) > MAX_OPERANDS and collapse:
            return True, [within]
        return True, [path for path, _ in roots]
    return False, [p for p, _, _, _ in sorted(rows, key=path_order)]  # an impure folder: list each stray, no -R


def _fix(project: Project, host: Host, expected: Owner, operands: tuple[bool, list[str]],
         service: str | None, root: str, rootless: bool = False, sure: bool = True, also: Sequence[str] = (),
         none_root: bool | str = False, advice: str | None = None, remap: Remap | None = None,
         not_subuids: bool = False) -> Fix:
    """The chown of a group back to `expected`, and the `user:` that keeps `service` from writing
    there again: said as a fact when `sure` (the service alone mounts every stray), else as a
    condition naming it and the `also` services that could as well have written there, since the
    user's own `sudo` on the host could as well have left them. `none_root`: every service that
    mounts the group runs as a user already (or, a text saying so, mounts it read-only), so no
    `user:` is advised and the title says so. `advice`: how to keep `service` from writing there
    again, when it is not to run as you (its Dockerfile's user built with your ids). A service that
    runs as you already (its `user:`, or the ids its entrypoint drops root to) gets the chown alone;
    not under a userns-remap (`remap`), where your uid inside is first+uid here: there the advice
    adds `userns_mode: "host"`, and the chown through the engine leaves the remap (remap.py). `not_subuids`:
    under a rootless engine, some strays are not of your subuid range (root's, from a `sudo`), which its
    root (you) may not chown (`chown: /w/cache/b: Operation not permitted`): root does it."""
    from .dropped import drops_to_you

    recursive, paths = operands
    flags = "-hR" if recursive else "-h"
    owner = f"{expected.uid}:{expected.gid}"
    then = f" ({none_root if isinstance(none_root, str) else no_root_writer(paths)})" if none_root and not service \
        else ""
    if service and not rootless and advice is None and (svc := project.services.get(service)) is not None \
            and not svc.user and _image_user(project, svc):
        service = None  # robotoff's `USER off`: the service already runs as a user; root came from elsewhere
    if service and not rootless and remap is None and (svc := project.services.get(service)) is not None and \
            svc.user and \
            svc.user.strip().strip("'\"") in (str(expected.uid), owner):
        # shlink's mariadb, `user: 1000:1000` (you): it runs as you already; another run left these
        # (its CI file's `user: '0'`), so only the chown is to do
        service, then = None, f" ({service!r} runs as {owner} already: another run or user wrote them)"
    if service and not rootless and remap is None and advice is None and not also and (
            dropped := drops_to_you(project, expected, service)):
        # photoprism's `PHOTOPRISM_UID: ${UID:-1000}` when you are 1000: its entrypoint drops root to you
        # already; an exec (the image's root, no entrypoint) or the host's sudo wrote them
        service, then = None, (f" ({service!r} drops root to {owner} already through {dropped}: another run or "
                               f"user wrote them, such as an exec, which runs as root without -u {owner})")
    if service:
        who = repr(service) if sure else "it" if not also else "each"
        # rootless: container root is you, so a chown to 0:0 inside the engine's user namespace gives them back
        how = (f"run {who} as root inside, which is you" if rootless else advice if advice is not None
               else _run_as_you(project, expected, who, [project.services[n] for n in (service, *also)]))
        if remap is not None and not rootless:
            how = remapped_as_you(remap, expected, who, how)
        writers = [repr(n) for n in (service, *also)]
        # every service that could have written there: one left out would keep writing as root
        # (treeherder's pulse-task-push, the fourth service mounting `.:/app`)
        names = " or ".join(writers) if len(writers) <= 4 else f"{', '.join(writers[:3])} or {len(writers) - 3} more"
        # "by hand": `fix` runs the chown only, and its "applied" line must not read as if it had
        # also written .env and the `user:` (fastapi-react trial)
        then = f" (then, by hand: {how})" if sure else f" (then, if {names} writes there, by hand: {how})"
    shown = ", ".join(project.shown(Path(p)) for p in paths[:2]) + (", ..." if len(paths) > 2 else "")
    if rootless and not not_subuids:
        image = _local_image(project, host, service)
        if image is not None:
            inside = [f"/w/{_rel(p, root)}" if p != root else "/w" for p in paths]
            through = "Docker Desktop" if _desktop_on_linux(host) else "the rootless engine"
            return Fix(f"chown {shown} back to you through {through}{then}", Safety.UNSAFE,
                       command=("docker", "run", "--rm", "--user", "0:0", "--entrypoint", "chown", "-v",
                                f"{root}:/w", image, flags, "0:0", *inside))
        pasted = _pasteable(paths)
        title = f"podman unshare chown {flags} 0:0 -- {pasted} (or as root: chown {flags} {owner} -- {pasted})"
        if _desktop_on_linux(host):  # podman unshare maps through podman's namespace, not Docker Desktop's
            title = f"as root: chown {flags} {owner} -- {pasted}"
        return Fix(title + then, Safety.ADVICE)
    if host.owners.euid == 0:
        command: tuple[str, ...] = ("chown", flags, owner, *paths)
        return Fix(f"chown {shown} to {owner}{then}", Safety.UNSAFE, command=command)
    if which_on("sudo", host.env.get("PATH")):
        return Fix(f"sudo chown {shown} to {owner}{then}", Safety.UNSAFE,
                   command=("sudo", "chown", flags, owner, *paths))
    image = _local_image(project, host, service) if not rootless else None  # a rootless engine's root is you
    if image is None:
        return Fix(f"as root: chown {flags} {owner} -- {_pasteable(paths)}{then}", Safety.ADVICE)
    inside = [f"/w/{_rel(p, root)}" if p != root else "/w" for p in paths]
    # under a userns-remap, root in a container is the range's first uid (100000), with no right over
    # your files, and a chown to your uid inside lands as first+uid (101000, verified on dockerd 20.10):
    # `--userns=host` runs this one container outside the remap, where root is root and uid is uid
    outside = ("--userns=host",) if remap is not None else ()
    command = ("docker", "run", "--rm", *outside, "--user", "0:0", "--entrypoint", "chown", "-v", f"{root}:/w",
               image, flags, owner, *inside)
    through = "the docker engine, outside its userns-remap" if remap is not None else "the docker engine"
    return Fix(f"chown {shown} to {owner} through {through}{then}", Safety.UNSAFE, command=command)


def _run_as_you(project: Project, expected: Owner, who: str, services: Sequence[Service] = ()) -> str:
    """`run 'SERVICE' with user: "${UID}:${GID}"`, with the .env lines that make it work: bash does not
    export UID and has no GID at all, so compose warns `"UID" variable is not set` and renders
    `user: ':'` (wagtail/bakerydemo's `app`). Each developer sets their own ids in .env, as
    airflow's `AIRFLOW_UID` is set (missing-mount's advice); a line .env already has is not repeated.
    Where one of `services` (those `who` names) drops root to ids its entrypoint reads (ArchiveBox's
    PUID/PGID, photoprism's PHOTOPRISM_UID/PHOTOPRISM_GID), those are its way: `user:` would fail its
    entrypoint's usermod or init; the others are told theirs beside it."""
    from .dropped import id_variables, set_ids, supervisor

    dropping = {svc.name: pair for svc in services if (pair := id_variables(project, svc)) is not None}
    if dropping:
        told = []
        for pair in dict.fromkeys(dropping.values()):
            names = [n for n, found in dropping.items() if found == pair]
            whose = who if len(names) == len(services) else service_names(names)
            told.append(set_ids(project, expected, whose, [project.services[n] for n in names], pair))
        rest = [svc for svc in services if svc.name not in dropping]
        if rest:
            told.insert(0, _run_as_you(project, expected, service_names([s.name for s in rest]), rest))
        return "; ".join(told)
    supervised = {svc.name: found for svc in services if (found := supervisor(project, svc)) is not None}
    if supervised:
        # supervisord as uid 1001 cannot open its log nor switch to its programs' `user=root`: never `user:`
        told = []
        for kind in dict.fromkeys(supervised.values()):
            names = sorted(n for n, found in supervised.items() if found == kind)
            whose = who if len(names) == len(services) else service_names(names)
            told.append(f"make the programs {kind[0]} starts in {whose} write as {expected.uid}:{expected.gid} "
                        f"({kind[1]}, naming a user of the image with those ids; {kind[0]} must start as root, "
                        "so not user:), or chown again after they write")
        rest = [svc for svc in services if svc.name not in supervised]
        if rest:
            told.insert(0, _run_as_you(project, expected, service_names([s.name for s in rest]), rest))
        return "; ".join(told)
    env = project.shown(project.variables_file)
    own = _user_variable(project, services)
    if own is not None:  # joanie's `user: ${DOCKER_USER:-1000}`: the project's own setting takes the ids
        return f"set {own}={expected.uid}:{expected.gid} in {env} (the user: of {who} reads it)"
    variables = project.compose.variables
    settings = [f"{name}={value}" for name, value in (("UID", expected.uid), ("GID", expected.gid))
                if variables.get(name) != str(value)]
    first = f"set {' and '.join(settings)} in {env} and " if settings else ""
    return f'{first}run {who} with user: "${{UID}}:${{GID}}"{_in_place(project, services)}' + _volumes_note(
        project, expected, services)


def _volumes_note(project: Project, expected: Owner, services: Sequence[Service]) -> str:
    """What `user:` needs besides: the named and anonymous volumes of those services are the engine's,
    made as root when first mounted (kitsune's `node`: `node_modules:/app/node_modules`), where the
    service would then write as the user and fail (`npm install`: EACCES); given to the ids once."""
    found = [(svc, mount) for svc in services for mount in svc.volumes if mount.type == "volume" and mount.target]
    if not found:
        return ""
    cli = project.compose_words()
    steps = [f"{cli} run --rm --no-deps --user 0 --entrypoint chown {svc.name} -R {expected.uid}:{expected.gid} "
             f"{mount.target}" for svc, mount in found[:3]]
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    return (f", and once hand the volumes docker made as root to those ids: {'; '.join(steps)}{more}")


_USER_VARIABLE = lazy(r"""^\s*user:\s*["']?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}["']?\s*(?:#.*)?$""")


def _user_variable(project: Project, services: Sequence[Service]) -> str | None:
    """The one variable every named service's `user:` line is written as, whole (openfun/joanie's
    `user: ${DOCKER_USER:-1000}`): the project's own way to set the ids; None otherwise."""
    from doctor.project.edits import line_text
    from doctor.project.keyat import service_key_at

    found = set()
    for svc in services:
        at = service_key_at(project, svc.name, "user") if svc.user else None
        text = line_text(at.path, at.line) if at is not None and at.line is not None else None
        matched = _USER_VARIABLE.match(text) if text is not None else None
        if matched is None or matched[1] in ("UID", "GID"):
            return None
        found.add(matched[1])
    return found.pop() if len(found) == 1 else None


def _in_place(project: Project, services: Sequence[Service]) -> str:
    """` in place of user: "0:0" (line 12)` for the services the advice names that already set a
    `user:` (peeringdb's `user: "0:0"`): that line is replaced, not a second one added; each named
    where the advice covers several. The compose file is named unless it is the project's only one."""
    from doctor.project.keyat import service_key_at

    files = project.compose.files
    said = []
    for svc in services:
        if not svc.user:
            continue
        at = service_key_at(project, svc.name, "user")
        line = ""
        if at is not None and at.line is not None:
            alone = tuple(files) == (at.path,)
            line = f" (line {at.line})" if alone else f" ({project.shown(at.path)}:{at.line})"
        whose = "" if len(services) == 1 else f"{svc.name!r}'s "
        said.append(f'{whose}user: "{svc.user}"{line}')
    return f" in place of {', '.join(said)}" if said else ""


def _pasteable(paths: Sequence[str]) -> str:
    """The operands of an advice's command as a shell reads them: absolute, each quoted (a stray
    named `$(touch x)` or with spaces must not run or split when the line is pasted), after `--`
    in the title (a name starting with `-`); past two, how many more (the command is then partial)."""
    import shlex

    quoted = " ".join(shlex.quote(p) for p in paths[:2])
    return quoted + (f" (and {len(paths) - 2} more)" if len(paths) > 2 else "")


def _rootless_subuids(host: Host, expected: Owner) -> tuple[tuple[int, int], ...]:
    """The project owner's subuid ranges when the engine is rootless (else none)."""
    # /etc/subuid first: a user without a range needs no answer from the engine (its /info
    # takes ~20 ms to build, a wait at the end of every walk that found strays)
    ranges = host.platform.subuid_ranges(expected.display().split(" (uid ")[0], expected.uid)
    if not ranges:
        return ()
    engine = host.engine
    if not engine.available or not (engine.rootless or _desktop_on_linux(host)):
        return ()
    return ranges


def _desktop_on_linux(host: Host) -> bool:
    """Docker Desktop for Linux: its VM's file sharing (virtiofsd in a user namespace) maps container
    root to you and container uid N to subuid first+N-1, as a rootless engine does (docker/docs#15264:
    a file chowned to 1000 inside shows as 100999 outside), though the engine inside is rootful. On
    WSL2 the distro's own files are shared as they are (container root writes root's)."""
    from doctor.host.platform import Kind

    if host.platform.kind is not Kind.LINUX:
        return False
    try:
        return host.engine.info.get("OperatingSystem") == "Docker Desktop"
    except Unavailable:
        return False


def _mapper(host: Host) -> str:
    """What maps container uids to your subuid range here (called once strays were mapped so)."""
    return "Docker Desktop's file sharing" if _desktop_on_linux(host) else "the rootless engine"


def _local_image(project: Project, host: Host, service: str | None) -> str | None:
    """An image the engine already has (never pulled): the service's own, else any tagged one."""
    try:
        tags = list(host.image_tags())
    except Unavailable:
        return None
    if service is not None:
        spec = project.services[service]
        wanted = spec.image or f"{project.compose.project_name}-{service}"
        for tag in tags:
            if tag == wanted or tag == f"{wanted}:latest":
                return tag
    # else an image whose userland has chown on its PATH: an official base or language image (a `docker
    # import`ed rootfs, scratch or distroless one has no PATH or no chown: `exec: "chown": not found`)
    def official(tag: str) -> str:  # `alpine:3.19`, `docker.io/library/alpine`: no other namespace's
        name = tag.rsplit(":", 1)[0] if ":" in tag.rsplit("/", 1)[-1] else tag
        return name.removeprefix("docker.io/").removeprefix("library/")

    with_chown = [t for t in tags if official(t) in _CHOWN_BASES]
    # the project's own images: those it names, and those `up` built (`<project>-<service>`, no
    # `image:`): bookwyrm's `bookwyrm-web`, when no service mounts the strays and no official base is here
    images = {s.image or f"{project.compose.project_name}-{name}" for name, s in project.services.items()
              if s.image or s.build is not None}
    ours = [t for t in tags if t in images or t.removesuffix(":latest") in images]
    # the same one whichever order the engine lists them in (a preflight's and a dry run's named two: a review's find)
    return min(with_chown or ours, default=None)


# official images with coreutils' or busybox's chown on PATH
_CHOWN_BASES = frozenset({"busybox", "alpine", "debian", "ubuntu", "python", "node", "postgres", "redis", "nginx",
                          "mysql", "mariadb", "golang", "ruby", "php", "httpd", "fedora", "centos", "rockylinux",
                          "almalinux", "amazonlinux", "buildpack-deps"})
