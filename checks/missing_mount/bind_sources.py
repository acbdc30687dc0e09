"""The second half of missing-mount: bind sources inside the project that do not exist.

Docker's legacy bind API creates a missing source as a root-owned directory (a rootless engine's
user's: made_as.py), even where a file was meant (COMPOSE-SEMANTICS §7, verified); `create_host_path:
false` makes container creation fail instead. A missing directory for data or logs is often intended
(docker creates it on first run), so that alone is info; a file-looking source, a non-root service user (its `user:`,
else its image's USER) that will not be able to write the root-owned directory, or create_host_path false is a real
fault. A missing
node_modules/ is the install's to fill, but for an image whose own packages are on its NODE_PATH
beside a package.json it COPYs (fastapi-react's /node_modules), which Node finds past the empty folder.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Finding, Fix, Safety, Severity, service_names
from doctor.project import Project
from doctor.project.reading import exists, names_nothing
from doctor.project.types import Mount, Service

from .copied import PLACEHOLDERS, inside
from .made_as import ROOT, directory
from .remote_binds import remote_judgement
from .run_time import RunTimeReads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host.endpoint import Endpoint
    from doctor.model import Check

FILE_SUFFIXES = frozenset({
    "conf", "cfg", "cnf", "ini", "yml", "yaml", "json", "toml", "xml", "env", "properties", "list", "rules",
    "pem", "crt", "key", "cert", "csr", "p12", "pfx", "jks", "htpasswd", "sock", "lock", "log", "txt",
    "sh", "bash", "py", "js", "mjs", "cjs", "ts", "php", "rb", "lua", "sql", "html", "htm", "css",
    "db", "sqlite", "sqlite3", "tpl", "template", "j2", "tmpl",
})
DOTFILES = frozenset({".env", ".htpasswd", ".pgpass", ".netrc", ".gitconfig", ".git-credentials", ".my.cnf",
                      ".dockerignore", ".gitignore", ".editorconfig", ".python-version", ".nvmrc", ".tool-versions"})
# files whose names carry no extension (a bind of a missing one still makes a directory)
FILE_NAMES = frozenset(name.lower() for name in (
    "Makefile", "GNUmakefile", "Dockerfile", "Containerfile", "Procfile", "LICENSE", "LICENCE", "COPYING", "NOTICE",
    "AUTHORS", "CHANGELOG", "README", "VERSION", "CODEOWNERS", "Gemfile", "Rakefile", "Justfile", "Vagrantfile",
    "Caddyfile", "Brewfile", "Pipfile", "Jenkinsfile", "Podfile", "Berksfile", "Guardfile", "Capfile", "Tiltfile",
    "Earthfile", "Taskfile", "Snakefile", "Dangerfile", "Fastfile", "Appfile", "Modelfile", "crontab", "htpasswd",
    "known_hosts", "authorized_keys", "id_rsa", "id_ed25519"
))
# A source written relative to the project: `./x`, `../x`, `${PWD}/x`, `$PWD/../x`.
PROJECT_RELATIVE = lazy(r"^(\.{1,2}(/|$)|\$\{?PWD\}?(/|$))")
ROOT_USERS = ("", "root", "0", "0:0", "root:root")


def absent_sources(check: Check, project: Project, reads: RunTimeReads,
                   remote: Endpoint | None = None, owned: str = ROOT) -> Iterator[Finding]:
    """One finding per missing bind source inside the project, naming every service that mounts it;
    with a `remote` engine, one saying the path is its machine's (remote_binds.py); `owned`: whose
    the engine makes it (made_as.made_as)."""
    model = project.compose
    root = model.project_dir
    users: dict[Path, list[tuple[Service, Mount]]] = {}
    for service in model.services.values():
        for mount in service.volumes:
            if mount.type != "bind" or not mount.source or "$" in mount.source:
                continue
            source = Path(os.path.normpath(mount.source))
            # Host-absolute sources (/var/run/docker.sock, /srv/data) depend on the machine: not
            # judged; a source the project names relative to itself (`../x`, `${PWD}/../x`, and
            # openedx/devstack's `${DEVSTACK_WORKSPACE}/edx-platform` with the variable `..`) is.
            if not (inside(source, root) or mount.relative or _project_relative(mount.raw)) or source == root:
                continue
            if names_nothing(source) or exists(source) or source.is_symlink():
                continue  # (a name too long to exist: compose's own error, not a folder to create)
            users.setdefault(source, []).append((service, mount))
    for source, uses in users.items():
        rel = os.path.relpath(source, root)
        services = sorted({s.name for s, _ in uses})
        subject = f"{','.join(services)}:{rel}"
        location = uses[0][1].location
        if remote is not None:  # the path is looked up on the engine's machine: nothing here says more
            file = _meant_file(source, uses, project)
            severity, message, fix = remote_judgement(source, _shown(rel), uses, file, remote)
        else:
            severity, message, fix = _judge(source, rel, uses, project.shown(source), project, reads, owned)
        yield check.finding(message, location, subject, fix, severity)


def _judge(source: Path, rel: str, uses: list[tuple[Service, Mount]], here: str,
           project: Project, reads: RunTimeReads, owned: str = ROOT) -> tuple[Severity, str, Fix]:
    """The severity, message and fix; `rel` is the source as the compose file names it (relative to
    the project), `here` as the user opens it from the current directory (the fix's command)."""
    from doctor.project.install_folders import install_fix, install_note, installed_by
    from doctor.project.moved_paths import found_above

    from .node_path import packages_elsewhere
    from .start_copies import refilled

    head = f"bind source {_shown(rel)} does not exist"
    file = _meant_file(source, uses, project)
    root = project.compose.project_dir
    # a compose file moved down into deploy/docker/ keeps the paths of the checkout's top: the one meant
    above = found_above(source, root, directory=False if file else None)
    # the image's content an empty folder there would hide, unless the service's start puts it back
    # (pixelfed's entrypoint.d/10-storage.sh: `cp --force --recursive storage.skel/. ./storage/`)
    hidden = next((h for s, m in uses
                   if (h := _image_code_at(project, s, m.target)) and not refilled(reads, s, h)), "")
    strict = next((s for s, m in uses if not m.create_host_path), None)
    if above is not None:
        moved, written = above
        if strict is not None:
            head += f" and create_host_path is false: '{strict.name}' cannot start"
        else:
            made = directory(owned, empty=not (file or os.path.isfile(moved)))
            head += f": docker will make it {made}" + (f" over the image's {hidden}" if hidden else "")
        names = service_names(sorted({s.name for s, _ in uses}))
        fix = Fix(f"did you mean {written}? write it in the mount of {names} instead of {_shown(rel)} "
                  f"({project.shown(moved)} exists)", Safety.ADVICE)
        return (Severity.ERROR if strict is not None else Severity.WARNING), f"{head} (did you mean {written}?)", fix
    install = installed_by(source)
    elsewhere = [packages_elsewhere(project, s, m) for s, m in uses] if install is not None else []
    if install is not None and all(elsewhere) and strict is None and not file:
        # Buuntu/fastapi-react: the image's packages are on NODE_PATH, which Node searches past an empty folder
        return (Severity.INFO, f"{head}: docker will create it {owned} (the image's packages are in "
                f"{elsewhere[0]}, on its NODE_PATH, which the app finds past an empty folder)", _mkdir(source, here))
    if install is not None:
        # monica's ./vendor/laravel/sail/database/...: `composer install` puts it there, and the folder
        # docker would make is root-owned, in the way of the install that fills it
        note, first = install_note(project, install), uses[0][0].name
        made = directory(owned, empty=not file)
        fix = install_fix(project, install, f", before starting '{first}'")
        if strict is not None:
            return Severity.ERROR, f"{head} and create_host_path is false: '{strict.name}' cannot start ({note})", fix
        message = f"{head}: {note}; docker would make it {made}, which the install cannot write into"
        return Severity.WARNING, message, fix
    if strict is not None:
        message = f"{head} and create_host_path is false: '{strict.name}' cannot start"
        return Severity.ERROR, message, _mkdir(source, here, root) if not (file or hidden) else \
            _no_empty(here, file, hidden)
    if file:
        from doctor.project.gitrepo import tracked

        if tracked(source):  # deleted in this checkout: an empty new file would not be the one meant
            fix = Fix(f"restore {here} from git before starting '{uses[0][0].name}'", Safety.ADVICE,
                      command=("git", "checkout", "--", str(source)))
            return Severity.WARNING, f"{head} (git tracks it): docker will make it {directory(owned)}", fix
        fix = Fix(f"create the file {here} before starting '{uses[0][0].name}'", Safety.ADVICE)
        return Severity.WARNING, f"{head}: docker will make it {directory(owned)}", fix
    if hidden:
        # an empty folder made there would hide the code the image has at the target
        message = f"{head}: docker will make it {directory(owned, empty=True)} over the image's {hidden}"
        return Severity.WARNING, message, _no_empty(here, file, hidden)
    sibling = _missing_sibling(source, project)
    if sibling is not None:
        # openedx/devstack's ../edx-platform/common/test/data: a repository its `make dev.clone` clones
        # beside the checkout, which refuses a folder that exists without .git (mkdir would break it)
        shown = project.shown(sibling)
        clone = _clone_target(project.compose.project_dir)
        how = f" (`make {clone}`)" if clone else ""
        folder = directory(owned, empty=True).replace("directory", "folder")
        message = (f"{head}: {shown}, a folder beside this checkout, is missing: another repository the "
                   f"stack mounts, which docker would make {folder}")
        return Severity.WARNING, message, Fix(f"clone the repository {shown} before starting{how}; an empty "
                                              "folder made there would stand in its way", Safety.ADVICE)
    user, target = next(((s, m.target) for s, m in uses if (s.user or "").strip() not in ROOT_USERS), (None, ""))
    if user is not None:
        from .prepared import prepared_by

        writers = [s for s, _ in uses if (s.user or "").strip() not in ROOT_USERS]
        prepared = prepared_by(project.services, source, writers)
        if prepared is not None:
            # Airflow's airflow-init: `chown -R "${AIRFLOW_UID}:0" /sources/{logs,dags,plugins}` as root, first
            init, chown = prepared
            message = (f"{head}: '{init.name}' gives it to {user.user} before '{user.name}' starts "
                       f"(as root: {chown})")
            return Severity.INFO, message, _mkdir(source, here)
        message = f"{head}: docker makes it {owned}, '{user.name}' runs as '{user.user}'"
        return Severity.WARNING, message, _mkdir_for(source, here, user, project, "" if owned == ROOT else target)
    from .image_user import image_writer

    imaged = image_writer(project, uses)
    if imaged is not None:
        service, target, named = imaged
        message = f"{head}: docker makes it {owned}, '{service.name}' runs as its image's USER '{named}'"
        fix = _mkdir_for(source, here, service, project, "" if owned == ROOT else target, (named, target))
        return Severity.WARNING, message, fix
    return Severity.INFO, f"{head}: docker will create it {owned}", _mkdir(source, here)


def _missing_sibling(source: Path, project: Project) -> Path | None:
    """The folder beside the project's checkout that the source lies in, deeper down, where that folder
    is missing whole (`../edx-platform` of devstack's `../edx-platform/common/test/data`: a tree of its
    own, another repository); None otherwise (laradock's `../backup` itself is a data folder)."""
    repo = project.repo()
    top = repo.top if repo is not None else project.compose.project_dir
    parent = top.parent
    if inside(source, top) or not inside(source, parent) or source == parent:
        return None
    first = parent / source.relative_to(parent).parts[0]
    return None if first == source or os.path.lexists(first) else first


_CLONE_TARGET = lazy(r"^([\w.-]*clone[\w.-]*)\s*:(?!=)", re.MULTILINE)


def _clone_target(folder: Path) -> str:
    """The first Makefile target of `folder` whose name says it clones (devstack's `dev.clone`), or ""."""
    from doctor.project.reading import read_text
    from doctor.project.tasks import MAKEFILES

    for name in MAKEFILES:
        try:
            found = _CLONE_TARGET.search(read_text(folder / name, 256 * 1024))
        except OSError:
            continue
        return found[1] if found else ""
    return ""


def _no_empty(here: str, file: bool, hidden: str) -> Fix:
    """Advice for a source whose empty stand-in would hide the image's code (or is a file): the path."""
    if file and not hidden:
        return Fix(f"create the file {here} before starting", Safety.ADVICE)
    return Fix(f"point the mount at the folder that holds the code the image has at {hidden} (an empty {here}/ "
               "would hide it), or create it with that code", Safety.ADVICE)


def _meant_file(source: Path, uses: list[tuple[Service, Mount]], project: Project) -> bool:
    """Whether a file is meant: a file-looking name (`nginx.conf`, `.env`, `Makefile`, `uv.lock`), a
    file-looking target (`/w/Makefile`), or a target where the image COPYs a file."""
    if _looks_like_file(source) or source.name.lower() in FILE_NAMES:
        return True
    for service, mount in uses:
        name = posixpath.basename(mount.target.rstrip("/"))
        if name.lower() in FOLDER_NAMES:
            continue  # pixelfed's proxy-acme at /etc/acme.sh: acme.sh's config folder, whatever its suffix says
        if name and (name.lower() in FILE_NAMES or _looks_like_file(Path(name))):
            return True
        if _copied_file_at(project, service, mount.target):
            return True
    return False


def _copied_file_at(project: Project, service: Service, target: str) -> bool:
    """Whether the service's Dockerfile COPYs a file from its context to `target`."""
    dockerfile = project.dockerfile(service)
    if dockerfile is None or service.build is None or not target.startswith("/"):
        return False
    context = Path(service.build.context)
    wanted = posixpath.normpath(target)
    for copy in dockerfile.copies:
        for src in copy.sources:
            if any(c in src for c in "*?[$") or not copy.destination.startswith("/"):
                continue
            into = copy.destination.endswith("/") or len(copy.sources) > 1
            landed = posixpath.join(copy.destination, posixpath.basename(src.rstrip("/"))) if into \
                else copy.destination
            if posixpath.normpath(landed) == wanted and os.path.isfile(context / src):
                return True
    return False


def _image_code_at(project: Project, service: Service, target: str) -> str:
    """The image path a bind at `target` would hide code at ("" when none): the Dockerfile's WORKDIR
    itself, a COPY destination, or a place inside one where the COPY's source has something more
    than placeholders (_has_content)."""
    dockerfile = project.dockerfile(service)
    if dockerfile is None or service.build is None or not target.startswith("/"):
        return ""
    wanted = posixpath.normpath(target)
    if wanted == "/":
        return ""
    if dockerfile.workdir and posixpath.normpath(dockerfile.workdir) == wanted:
        return wanted
    context = Path(service.build.context)
    for copy in (*dockerfile.copies, *dockerfile.relayed):
        destination = posixpath.normpath(copy.destination) if copy.destination.startswith("/") else ""
        if not destination or destination == "/":
            continue
        if wanted == destination:
            return wanted
        if wanted.startswith(f"{destination}/"):
            below = posixpath.relpath(wanted, destination)
            if any(not any(c in src for c in "*?[$") and _has_content(project, service, context, context / src / below)
                   for src in copy.sources):
                return wanted
    return ""


MAX_PLACEHOLDER_ENTRIES = 200  # entries of a folder looked through to see it holds placeholders only


def _has_content(project: Project, service: Service, context: Path, path: Path) -> bool:
    """Whether the build context brings something at `path` into the image: a file, or a folder with
    more than empty folders and placeholders as its `.dockerignore` lets them in (pixelfed's
    bootstrap/cache, a `.gitignore` alone, with `/bootstrap/cache` then `!/bootstrap/cache/.gitignore`)."""
    if not os.path.lexists(path):
        return False
    if path.is_symlink() or not path.is_dir():
        return True
    ignore = project.code_map(service).ignore
    budget = [MAX_PLACEHOLDER_ENTRIES]

    def holds(folder: Path) -> bool:
        try:
            with os.scandir(folder) as listed:
                entries = list(listed)
        except OSError:
            return True
        for entry in entries:
            budget[0] -= 1
            if budget[0] < 0:
                return True
            if ignore.excludes(os.path.relpath(entry.path, context)):
                continue
            if entry.is_dir(follow_symlinks=False):
                if holds(Path(entry.path)):
                    return True
            elif entry.name not in PLACEHOLDERS:
                return True
        return False

    return holds(path)


def _mkdir(source: Path, here: str, root: Path | None = None) -> Fix:
    """`mkdir -p` of the whole source, the title naming the folder it creates as the console shows
    the command (from the current directory), not only its last part. Safe where the service cannot
    start without it (create_host_path false: `root` given) and the folder lies inside the project
    (`root`), symlinks resolved: made by the user running doctor, it is theirs. Advice for a data or
    log folder docker makes on first `up` (the info: mitxonline's `.localstack/mounted`): made by a
    `fix`, the output folders of services the user may never start would change what other checks
    read (fastapi-template's test-output binds then count as mounting frontend/ for host-vs-container);
    and advice outside the project, or where a service needs another owner (_mkdir_for)."""
    ours = root is not None and inside(Path(os.path.realpath(source)), Path(os.path.realpath(root)))
    return Fix(f"create {here.rstrip('/')}/ before starting", Safety.SAFE if ours else Safety.ADVICE,
               command=("mkdir", "-p", str(source)))


def _mkdir_for(source: Path, here: str, user: Service, project: Project, rootless_target: str = "",
               image: tuple[str, str] | None = None) -> Fix:
    """The folder created for a service that runs as a numeric `uid[:gid]` (lemmy's pictrs, `991:991`):
    made by you and then given to that user, since a folder of yours is as unwritable to uid 991 as
    a root-owned one (the parents stay yours: `sudo install -d -o` would make them root's). Where the
    uid is an unset variable's default (airflow's `${AIRFLOW_UID:-50000}:0`), the variable is what
    is meant to change: set to your own id, the folder you make is already the service's, while a
    chown to 50000 would take your own dags/ from you. Under a rootless engine (`rootless_target`: where the
    service mounts it) its uid is a subuid of yours, which a chown on the host does not give: the chown runs
    inside the engine (a service of `user: "1001:1001"` then wrote its bind as 101000 under a real rootless engine).
    `image`: (the non-root USER of the service's image, where it mounts the folder), for a service with no
    `user:`: a uid is given the folder as above; a name (`airflow`) has its uid in the image alone, so the
    chown runs there, by name (`docker compose run --rm --no-deps --user 0:0 --entrypoint chown ...`)."""
    import shlex

    from .written_user import unset_id_variables, written_user

    quoted = shlex.quote(here.rstrip("/") or ".")
    start = f"create {here.rstrip('/')}/ for '{user.name}' before starting: mkdir -p {quoted}"
    written = written_user(project, user.name) if image is None else None
    uid_variable, gid_variable = unset_id_variables(written, project.compose.variables) if written else (None, None)
    if uid_variable is not None:
        # compose runs no `$(id -u)` written in .env: the shell that appends the line does (airflow's docs)
        names = [uid_variable, *([gid_variable] if gid_variable else [])]
        ids = " and ".join(names)
        env = project.shown(project.variables_file)
        lines = "; ".join(f'echo "{name}=$(id -{"u" if name == uid_variable else "g"})" >> {env}' for name in names)
        yours = "your own user and group ids" if gid_variable else "your own user id"
        return Fix(f"{start}, and set {ids} to {yours} in {env}: {lines}", Safety.ADVICE)
    owner = (user.user or "").strip() if image is None else image[0]
    uid, _, gid = owner.partition(":")
    if image is not None and not uid.isdigit():
        chown = (f"{project.compose_words()} run --rm --no-deps --user 0:0 --entrypoint chown {user.name} "
                 f"{shlex.quote(uid)} {shlex.quote(image[1])}")
        return Fix(f"{start}, then give it to the image's user '{uid}' inside it: {chown}", Safety.ADVICE)
    if not uid.isdigit() or (gid and not gid.isdigit()):
        return _mkdir(source, here)
    if rootless_target:
        chown = (f"docker compose run --rm --no-deps --user 0:0 --entrypoint chown {user.name} {uid}:{gid or uid} "
                 f"{shlex.quote(rootless_target)}")
        return Fix(f"{start}, then give it to {uid}:{gid or uid} inside the rootless engine: {chown}", Safety.ADVICE)
    return Fix(f"{start}, then as root chown {uid}:{gid or uid} {quoted}", Safety.ADVICE)


# folders whose names look like files: acme.sh's home (nginxproxy/acme-companion's /etc/acme.sh)
FOLDER_NAMES = frozenset({"acme.sh", ".acme.sh"})


def _looks_like_file(path: Path) -> bool:
    """A name with an extension (`nginx.conf`, `app.jar`, `.env.local`) or a known dotfile (`.env`,
    `.npmrc`): `conf.d`-style and version-like names, `.cache` or `.ssh` are folders."""
    name = path.name
    if name.startswith("."):
        name = name[1:]
        if "." not in name:  # a bare dotfile: only the well-known single files
            return path.name in DOTFILES or (name.endswith("rc") and len(name) > 3)
    suffix = Path(name).suffix.lstrip(".").lower()
    return suffix in FILE_SUFFIXES or (suffix.isalnum() and not suffix.isdigit() and suffix != "d")


def _project_relative(raw: str) -> bool:
    source = raw.split(":", 1)[0] if not raw.startswith("$") else raw
    return bool(PROJECT_RELATIVE.match(source.strip()))


def _shown(rel: str) -> str:
    return rel if rel.startswith("..") else f"./{rel}"
