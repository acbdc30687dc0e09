"""root-owned-files: files and folders in the repo (and .git) not owned by the repo's owner."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from doctor.host import Host
from doctor.host.owner_walk import path_order
from doctor.host.owners import Owner, OwnerScan
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, Unavailable
from doctor.project import Project

from .places import Row, _by_bind_mount, _from_root, _Places, unlisted
from .remap import Remap, inside_subuids, remapped_as_you, rootless_kept, userns_remap
from .rootless_user import as_you_findings
from .writers import _covering_service, _read_only, _root_writers, _sole_writer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .created_user import CreatedUser

SHOWN = 3


def _checkout_top(folder: Path) -> Path | None:
    """The top of a checkout without its .git around `folder` (a ZIP or tarball download), as
    port-collision's env-file search finds it (doctor.project.gitrepo.archive_top: the nearest
    folder up to three above holding `.github`, `.gitattributes` or `.gitmodules`, else a
    `.gitignore`); with no such mark (a trimmed copy), the farthest folder it looks at. Never the
    home folder or above."""
    from doctor.project.gitrepo import archive_top

    return archive_top(folder, farthest=True)


class RootOwnedFiles(Check):
    """files and dirs in the repo (and .git) not owned by the repo's owner

    What it finds
        Files and folders of the project folder, .git included, whose owner is not the project's:
        the owner of the folder scanned, or the user who ran sudo. Containers write into the host
        tree only through bind mounts, so where a service bind-mounts a folder beside the
        project folder in the same git work tree, the scan widens to hold it: a compose file in
        `.devcontainer/` that mounts `..` lets a container write the whole checkout, so all of
        it is scanned, .git included; never beyond the work tree's top. A checkout without its
        .git (a ZIP or tarball download: IntelOwl's `docker/compose.yml` mounting `../`) widens
        only to a bind source holding the project folder, never past the checkout's top (the
        nearest folder up to three above holding `.github`, `.gitattributes` or `.gitmodules`,
        else a `.gitignore`; with none, three above at most) nor to the home folder. A bind
        source that cannot hold the project's own data never widens it: `/`, a system folder
        (`/tmp`, `/var`, `/var/lib`, `/usr`, `/opt`, `/srv`, `/mnt`, `/home`, ...) or anything in
        `/proc`, `/sys`, `/dev`, `/run`, `/var/run` or `/etc`, the home folder or a folder above it
        (appwrite's `/tmp:/tmp`: root's files in /tmp are the system's), nor is a work tree whose
        top is one of those taken; a project folder in /tmp is still scanned itself. A linked
        worktree's or submodule's `.git` file is checked itself, not followed. Symlinks are
        checked themselves and never followed, so a link out of the repo reports nothing outside
        it. Grouped by top folder (`../src` for one beside the project folder), or by the service whose
        bind mounts below it hold them (mattermost's `volumes/app/mattermost`), with the compose service whose
        bind mount covers them. A folder a database or server image (postgres,
        mysql, redis, ...) bind-mounts, owned by a user that is not root (postgres's 70 or 999),
        is that server's data kept as its own user by design (linkwarden's `./pgdata`; an empty folder
        that is the mount point of a volume inside a bind, wiki.js's node_modules under `../..:/wiki`,
        is one docker made as root whatever `user:` says, and chowned it stays the user's; not where the
        service runs as a numeric `user:` of another uid, shlink's mariadb with `user: 1000:1000`: the
        files are strays it cannot use, chowned, and a service that runs as you already is told no
        new `user:`), and so
        are files in a bind mount owned by exactly the service's numeric `user:` (lemmy's pictrs,
        `991:991`) or by the user its image runs as (mattermost's `USER mattermost`, uid 2000;
        read from the image on the engine, which the container that wrote them ran from; before an
        image with no build is pulled, folders alone of one non-root owner in its bind mounts were
        given to it by hand, as mattermost's guide has `chown -R 2000:2000 ./volumes/app/mattermost`
        done before the first pull: a note too), by the
        numeric `USER` of the Dockerfile it builds (CTFd's `ctfd`, `USER 1001`), or by the uid a
        service that only sets owners gives the mount to (CTFd's `permissions`, `chown -R
        1001:1001 /var/uploads /var/log/CTFd`), or that the script a service starts with gives a
        folder of its mounts to on each start (BookStack's entrypoint.app.sh, `chown -R
        www-data:www-data storage`; a named owner by its uid in the official images: www-data 33 or
        82, node 1000, nobody 65534, also for `user: node`): a note, whose advice is no chown (that would stop
        the service) but how to own it yourself. In a group that also holds strays (the
        `.data/CTFd` docker made as root for the bind sources below it), those paths are left
        alone and the message says so, and the chown takes the strays only; nor does a group's
        chown -R reach another group below it (`.data` over mariadb's `.data/mysql`): it then
        names each stray without -R.
        With a rootless engine (container root is you), the strays are files of your subuid
        range (/etc/subuid): a container's non-root user wrote them, each judged as that container uid
        (subuid first+N-1 is uid N) as above: CTFd's uploads (uid 1001, 101000 here) and mariadb's data
        (999) are a note, not a `user: "1000:1000"` meant as you (100999 here: a stray). A service whose `user:`
        is your uid and that bind-mounts your files writable is a warning at that line (joanie's `user:
        ${DOCKER_USER:-1000}`, its Makefile's `DOCKER_USER=$(id -u):$(id -g)`: it cannot write them), whose
        advice is root inside, which is you (`DOCKER_USER=0:0`, else `user: "0:0"`). So with Docker Desktop for
        Linux, whose file sharing maps uids the same way (container uid 1000 writes as 100999;
        not on WSL2, where the distro's files are shared as they are). Under a daemon started with
        `userns-remap` (its /info SecurityOptions `name=userns`) container uid N writes as the remap
        range's first uid + N (dockremap's 100000 + N; the range from its DockerRootDir,
        `/var/lib/docker/100000.100000`): strays of that range are a container's, judged by the uid
        inside (container root's files, a database's own 999). On macOS (Docker Desktop,
        OrbStack, Colima) the VM's file sharing writes bind-mount files as you, so the check
        does not scan and says so in one line. A folder unchanged since the last walk (same
        inode, mtime and ctime) is not listed again: its known strays and subfolders are looked
        at again, so a stray chowned back, a new file, a new folder or a `chown -R` is seen at
        once; an existing file chowned in place is found by the next full walk, at most an hour
        later (DOCTOR_NO_CACHE=1 walks everything). A folder the walk cannot list that is no stray
        (one of yours, mode 000) is a note naming it, and the check shows partial, never passed: what
        it holds was not looked at; a stray folder it cannot list is reported itself (its chown -R
        covers what it holds).

    Why it matters
        A container running as root writes `__pycache__`, `node_modules`, `.pytest_cache` or
        even git objects into a bind mount; afterwards the developer cannot edit, delete or
        `git pull` them without sudo, and tools fail with "Permission denied".

    Example
        backend  37 paths in 'backend' owned by root (uid 0), not uid 1000: backend/.pytest_cache, ...

    Fix
        `chown -hR UID:GID` the paths back (`-h`: a symlink itself, never its target): directly
        when doctor may, else with sudo, else through the docker engine (`docker run --rm -v
        DIR:/w IMAGE chown ...`, IMAGE one the engine has: the writing service's, an official base
        with chown, else one the project names or built, `bookwyrm-web`). Then run the service as
        you so it does not happen again:
        `user: "${UID}:${GID}"` with your ids set in .env (`UID=1000`, `GID=1000`, as airflow's
        `AIRFLOW_UID` is set; under `--env-file` or COMPOSE_ENV_FILES in the last file given, as every
        variable this advice sets, compose reading no .env then: MLOps_pipeline's env/.env.minio):
        bash does not export UID and has no GID, so without those lines compose warns the variables
        are not set and renders `user: ':'`; the service's named and anonymous volumes, which docker
        made as root (kitsune's `node_modules:/app/node_modules`, where `npm install` as you would
        fail), are handed to those ids once (`docker compose run --rm --no-deps --user 0
        --entrypoint chown node -R 1000:1000 /app/node_modules`). An image that starts as
        root and drops to the ids its entrypoint reads (ArchiveBox's `usermod -o -u "${PUID:-911}"`
        then `gosu`; linuxserver.io's images; photoprism's `setpriv --reuid "${PHOTOPRISM_UID}"`
        after its root init) would break under `user:`: the advice is then `PUID=1000` and
        `PGID=1000` in the service's environment, where its entrypoint script, its Dockerfile, or
        its compose entry (an `environment:` key or a comment) shows PUID, or its entrypoint reads
        USER_UID/USER_GID or APP_UID/APP_GID; likewise the pair its `environment:` sets or a
        comment there writes as a key (`PHOTOPRISM_UID`/`PHOTOPRISM_GID`, any `X_UID` beside its
        `X_GID`, `UID` beside `GID`, Laravel Sail's `WWWUSER` beside `WWWGROUP` (the group may be its
        build arg; a rebuild is said), jlesage's `USER_ID`/`GROUP_ID`, `LOCAL_USER_ID`/`LOCAL_GROUP_ID`;
        a user id without its group is no such pair), and where each
        is written as a project variable (photoprism's `${UID:-1000}`), that variable in .env. Where
        they are your ids already, root's files came from another run (an exec, which runs as
        root) and only the chown is advised. A service that runs a process
        supervisor (its command, its image's CMD/ENTRYPOINT or an entrypoint script's `exec`:
        supervisord, runit's runsvdir, s6-overlay's `/init`) must start as root (ChiefOnboarding's
        supervisord opens its log in a root-made folder and its config says `user=root`): the advice
        is then to give the programs it starts your ids (supervisord's `user=` in their
        [program:...] sections, `chpst -u`, `s6-setuidgid`), never `user:`. Root's files are blamed
        only on a service that may run as root: one whose `user:` names someone else (kitsune's
        `web`, `user: ${UID:-kitsune}`) or whose image declares a non-root `USER` (its Dockerfile,
        or the image on the engine: robotoff's `USER off`), or whose command only sets owners
        (CTFd's `permissions`, `user: root`, `chown -R 1001:1001 ...`: it gives files away, and
        run as you its chown would fail) is never the suspect, nor is a service whose mount there is
        read-only (saleor's `db`, `./replica_user.sql:...:ro`: no container wrote it), so kitsune's
        advice names `node` (node:22, no user) that mounts `./` too; when no service mounting the
        folder may run as root, the chown comes alone and says so. The service is named as
        the writer only when every stray lies in its bind mounts and no other service that may
        run as root mounts the same folder (django-react-boilerplate's `frontend` and `backend`
        both mount `.`); else the advice is "if 'frontend' or 'backend' writes there" (every such
        service, past four as "'a', 'b', 'c' or 3 more"), since a
        `sudo` on the host could as well have left them. Strays of a non-root uid are blamed on the
        service whose Dockerfile creates that user and runs as it (django-react-boilerplate's
        `backend`: `useradd ... user`, no -u, is uid 1000 on a base image with no regular user of
        its own; `USER user`), never on a root service mounting the same folder; the advice then
        builds that user with your ids (a build arg for useradd's -u, given in `build: args:`).
        Where the Dockerfile takes the uid from a build arg that compose fills from a project
        variable (docker-rails-example's `useradd -u "${APP_UID}"` under `APP_UID=${UID:-1000}`,
        1000 since bash does not export UID), the advice is those variables in .env (`UID=1001`,
        `GID=1001`) and a rebuild.
        Where a service already sets `user:` (peeringdb's `user: "0:0"`), the advice says the
        new one goes in its place, at its line. Only the listed paths
        are touched, never an excluded one (doctor.yaml's `exclude`, read from the project folder
        as compose writes paths: `./data`, `data/` and `/data` are the name `data` anywhere,
        `./backend/./cache` the path `backend/cache`). With a rootless engine (or Docker Desktop for Linux)
        the chown runs through the engine to 0:0 inside its user namespace, which is you outside
        (or `podman unshare chown`; as root on Docker Desktop), unless some lie outside your subuid
        range (root's, left by a `sudo`), which that root may not chown: then root does it (directly,
        with sudo, or the advice to). Under a userns-remap, root inside
        a container is the range's first uid, with no right over your files, and uid 1000 inside is
        101000 here: the chown through the engine runs with `--userns=host` (that container
        outside the remap), and `user: "${UID}:${GID}"` alone would write as 101000, so the advice
        adds `userns_mode: "host"` to the service (which then runs without the remap's isolation).

    Fix safety
        Unsafe: it changes owners and may need sudo or the engine, so it runs only with `--yes`
        or when you agree on a terminal. It never follows a symlink and never leaves the repo.
    """

    id = "root-owned-files"
    fix_family = "owners"
    prefetch = ("owners",)  # the walk the preflight started as it started goes on while the other checks run
    severity = Severity.WARNING

    def __init__(self, severity: Severity | None = None, exclude: Sequence[str] = ()) -> None:
        super().__init__(severity)
        self.exclude = tuple(exclude)

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        cannot = host.platform.bind_mounts_write_as_user()
        if cannot:
            raise Unavailable(cannot)  # skipped, with the one line that says why
        folder = os.path.realpath(project.root)
        binds = [m.source for service in project.services.values() for m in service.volumes
                 if m.type == "bind" and m.source]
        # the project, widened to bind sources beside it (without a .git: to one holding it)
        root = host.owners.scope(Path(folder), binds, _checkout_top)
        expected = host.owners.expected(root)
        scan = host.owners.scan(root, _from_root(self.exclude + project.config.exclude.value, folder, str(root)))
        place = _Places(folder, str(scan.root))
        groups: dict[str, list[Row]] = {}
        for row in scan.rows:
            groups.setdefault(place.group(row[0], row[3]), []).append(row)
        groups_before = set(groups)
        groups, held = _by_bind_mount(groups, folder, project)
        # a recursive chown of a group's folder must not touch what the user excluded below it
        # (nor, for one service's mounts, another's below them)
        protected = {place.group(str(d), True) for d in scan.excluded_in} | (held.keys() - groups_before)
        # `.data` over `.data/mysql`: a chown -R of the first must not take the second's (the db's own)
        below = sorted(os.path.normpath(os.path.join(folder, top)) for top in groups)
        subuids: tuple[tuple[int, int], ...] = ()
        if groups:
            from .fix import _rootless_subuids  # here: a run that finds no stray builds no fix

            subuids = _rootless_subuids(host, expected)
        # a rootful daemon with userns-remap: its containers' strays are uids of the remap's range
        remap = userns_remap(host, {row[1] for rows in groups.values() for row in rows}) if (
            groups and not subuids) else None
        for top, rows in sorted(groups.items()):
            yield self._group(project, host, scan, expected, folder, top, rows, subuids, top in protected,
                              held.get(top), below, remap)
        yield from as_you_findings(self, project, host, expected, Path(os.path.realpath(root)))
        missed = unlisted(scan.rows, scan.unreadable, folder)
        if missed:  # a note marking the check partial: it never reads as a clean pass there
            many = f"{len(missed)} folders, so what they hold" if len(missed) > 1 else "a folder, so what it holds"
            shown = ", ".join(missed[:SHOWN]) + (f" and {len(missed) - SHOWN} more" if len(missed) > SHOWN else "")
            yield self.finding(f"could not list {many} was not checked: {shown}", None, "unlisted",
                               Fix(f"let yourself list it (chmod u+rx {missed[0]}), or exclude it in doctor.yaml",
                                   Safety.ADVICE), severity=Severity.INFO)

    def _group(self, project: Project, host: Host, scan: OwnerScan, expected: Owner, folder: str, top: str,
               rows: list[Row], subuids: tuple[tuple[int, int], ...], protected: bool,
               holder: str | None, groups: list[str], remap: Remap | None = None) -> Finding:
        from .fix import _fix, _mapper, _operands, _run_as_you  # here: a run that finds no stray builds no fix

        base = str(scan.root)
        within = os.path.normpath(os.path.join(folder, top))
        # under a userns-remap, each stray as the container uid that wrote it: judged from here on as a
        # rootful engine's (root's files, a server's own data, a Dockerfile's user), said as the remap's
        remapped = remap.translated(rows) if remap is not None else None
        rows = remapped if remapped is not None else rows
        # CTFd's `.data/CTFd`: the folder docker made (root's), and the uploads `ctfd` (USER 1001)
        # keeps as its own user: the first is a stray, the second by design and never chowned
        designed: list[Row] = []
        why = ""
        # rootless: each stray as the container uid that wrote it (CTFd's uploads, 101000 here, are uid 1001's)
        # (but not of a `user:` that is your uid: run as you, as a rootful engine would, it writes subuids here)
        inner = inside_subuids(rows, subuids, expected.uid) if subuids else None
        if (not subuids or inner is not None) and any(r[1] for r in rows):
            from .kept import _kept_rows  # here: only strays of a user other than root may be kept by design

            designed, why = _kept_rows(project, host, within, inner if inner is not None else rows)
        aside = ""
        keep_out = groups
        if designed and len(designed) < len(rows) and (inner is not None or any(r[1] == 0 for r in rows)):
            names = {r[0] for r in designed}
            rows = [r for r in rows if r[0] not in names]
            inner = inside_subuids(rows, subuids, expected.uid) if inner is not None else None
            keep_out = sorted([*groups, *names])
            aside = (f"; {len(designed)} more there {'are' if len(designed) > 1 else 'is'} kept by design ({why}): "
                     "left alone")
        owners = sorted({uid for _, uid, _, _ in rows})
        who = Owner(owners[0], 0, "").display() if len(owners) == 1 else "other users"
        mapped = [uid - first for uid in owners for first, count in subuids if first <= uid < first + count]
        if mapped and len(mapped) == len(owners):
            # a rootless engine maps container root to you and container uid N to subuid first+N-1
            shown_uids = ", ".join(str(n + 1) for n in sorted(set(mapped))[:3])
            who = f"container uid {shown_uids} of {_mapper(host)} (your subuid range)"
        elif remapped is not None and remap is not None:
            shown_uids = ", ".join(map(str, owners[:3]))
            who = f"container uid {shown_uids} of the engine's userns-remap (uids from {remap.first})"
        above = top.rpartition("/")[2] == ".."  # a parent of the project folder: its own entries only
        within_path = Path(within)
        where = "the project folder" if top == "." else repr(project.shown(within_path))
        if above and within == base:
            where = f"the repo root {where}"
        count = f"{len(rows)} path{'s' if len(rows) != 1 else ''}"
        message = f"{count} in {where} owned by {who}, not uid {expected.uid}"
        # the shallowest first, by name: a heap, not a sort of every stray (text, not a Path each)
        import heapq  # here: a run that finds no stray needs none

        depths = [r[0].count("/") for r in rows]
        top_depth = min(depths, default=0)
        shallowest = [r for r, depth in zip(rows, depths, strict=True) if depth == top_depth]
        # as nsmallest by (depth, path order), which takes them all from the shallowest where they suffice
        picked = (heapq.nsmallest(SHOWN, shallowest, key=path_order) if len(shallowest) >= SHOWN
                  else heapq.nsmallest(SHOWN, rows, key=lambda r: (r[0].count("/"), path_order(r))))
        first = [p for p, _, _, _ in picked]
        first_paths = [Path(p) for p in first]
        # as the location and the fix's command name them, each only once it fits the message
        message += ": " + (project.shown(first_paths[0]) if first_paths else "")
        listed = 1
        for path in first_paths[1:]:
            more = project.shown(path)
            if len(message) + len(more) > 100:
                break
            message += f", {more}"
            listed += 1
        if len(rows) > listed:
            message += ", ..."
        # who wrote them: the service whose bind mount covers the folder, else one covering a stray
        candidates = [within_path] if top != "." else []
        near = [*candidates, *first_paths]  # where a service's mounts say who wrote them
        covering = (_covering_service(project, p) for p in near)
        service = holder or next(filter(None, covering), None)
        writers: list[str] | None = None
        if service is not None and 0 in owners and not subuids:
            # root's files: only a service that may run as root wrote them (kitsune's `web` has
            # `user: ${UID:-kitsune}`; `node`, on node:22 with no user, runs npm as root in ./)
            writers = _root_writers(project, host, near)
            if service not in writers:
                service = writers[0] if writers else None
        # django-react-boilerplate's backend: its Dockerfile's `useradd ... user` (uid 1000) and `USER
        # user` write there, not `frontend` (root) that mounts the same folder
        built: list[tuple[str, CreatedUser]] = []
        if len(owners) == 1 and owners[0] and not subuids:
            from .created_user import uid_writers  # here: only strays of one user but root read Dockerfiles' users

            built = uid_writers(project, near, owners[0])
        if built:
            writers = [name for name, _ in built]
            service = service if service in writers else writers[0]
        judged = service is not None and 0 not in owners and (not subuids or inner is not None) and not built
        kept = None
        if service and judged:
            from .kept import _server_data

            kept = _server_data(project, host, service, within, sorted({r[1] for r in inner}) if inner else owners,
                                holder is not None)
        if kept is None and service and judged and not why and inner is None:
            from .kept import _before_the_pull

            kept = _before_the_pull(project, host, service, rows)
        if kept is None and why and not aside:  # every stray kept by design, by a service's own uid
            return self.finding(f"{message}: {why}", Location(within_path), f"owner:{top}",
                                Fix(f"expected: {why}; nothing to change while it does", Safety.ADVICE),
                                Severity.INFO)
        if kept is not None and service is not None and inner is not None:  # a rootless engine's database
            return self.finding(f"{message}; {kept}", Location(within_path), f"owner:{top}",
                                Fix(rootless_kept(service), Safety.ADVICE), Severity.INFO)
        if kept is not None and service is not None:  # linkwarden's ./pgdata: the database's own user keeps its data
            as_you = _run_as_you(project, expected, repr(service), [project.services[service]])
            if remap is not None:
                as_you = remapped_as_you(remap, expected, repr(service), as_you)
            title = (f"expected while {service!r} runs as its own user; to own it yourself, chown it to "
                     f"{expected.uid}:{expected.gid}, {as_you}")
            return self.finding(f"{message}; {kept}", Location(within_path), f"owner:{top}",
                                Fix(title, Safety.ADVICE), Severity.INFO)
        operands = _operands(scan, within, rows, protected or top == "." or above, keep_out)
        # a service named from one stray its mounts hold, or one of two mounting the same folder, may
        # not be who wrote the rest: the advice says "if", never that it did
        sure = service is not None and (service == holder or _sole_writer(project, service, within, rows, writers))
        also = [w for w in writers or () if w != service] if not sure else []
        none_root: bool | str = writers == []
        if none_root and _read_only(project, near):
            none_root = "its only bind mounts are read-only: no container wrote there"
        if owners == [0] and (points := _mount_points(project, [r[0] for r in rows])):
            # wiki.js's node_modules: the empty folder docker made in the bind for the volume over it
            service, sure, also, none_root = None, False, [], (
                f"docker made it for {points}, as root whatever user: says; chowned, it stays yours")
            message += f"; the mount point of {points}"
        advice = None
        if built and service is not None:
            made = dict(built)
            from .created_user import build_as_you

            advice = "; ".join(dict.fromkeys(build_as_you(project, project.services[n], made[n], expected.uid,
                                                          expected.gid) for n in (service, *also)))
        # root's files beside a rootless engine's (a `sudo`): the engine's root, you, may not chown them
        not_subuids = bool(subuids) and inside_subuids(rows, subuids, -1) is None
        fix = _fix(project, host, expected, operands, service, base, rootless=bool(subuids), sure=sure, also=also,
                   none_root=none_root, advice=advice, remap=remap, not_subuids=not_subuids)
        return self.finding(message + aside, Location(within_path), f"owner:{top}", fix)



def _mount_points(project: Project, paths: list[str]) -> str:
    """`the volume of 'wiki' at /wiki/node_modules`: where each path is a folder docker made inside a bind
    mount as the mount point of a volume a service mounts below that bind's target (wiki.js's
    `../..:/wiki` and an anonymous `/wiki/node_modules`); "" where any path is something else."""
    import posixpath

    from doctor.project.reading import empty_folder

    points: dict[str, str] = {}
    for svc in project.services.values():
        binds = [m for m in svc.volumes if m.type == "bind" and m.source and m.target]
        for mount in svc.volumes:
            if mount.type != "volume" or not mount.target:
                continue
            for bind in binds:
                inside = posixpath.relpath(mount.target, bind.target)
                if not inside.startswith(".."):
                    host = os.path.normpath(os.path.join(str(bind.source), inside))
                    points.setdefault(host, f"the volume of {svc.name!r} at {mount.target}")
    if not points:  # no volume mounted inside a bind: no folder docker made for one
        return ""
    found = [points.get(os.path.normpath(path)) for path in paths]
    if not found or None in found or not all(empty_folder(path) for path in paths):
        return ""
    return ", ".join(dict.fromkeys(f for f in found if f))

