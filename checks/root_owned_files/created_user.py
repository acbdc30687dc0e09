"""The uid of the user a service's Dockerfile creates and runs as (`RUN useradd ... user`, then
`USER user`): django-react-boilerplate's backend writes its migrations as uid 1000, the uid
useradd gives the first regular user of a Debian image, into a checkout owned by uid 1001."""

from __future__ import annotations

import posixpath
import shlex
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project import Project
from doctor.project.recipe import Recipe, Step
from doctor.project.types import Service

FIRST_UID = 1000  # useradd's UID_MIN, busybox adduser's first regular uid
# official images that ship no regular user, so a useradd without -u there gives FIRST_UID (node's
# images have `node`, uid 1000, ubuntu's from 23.04 `ubuntu`, devcontainers' `vscode`: not listed)
NO_REGULAR_USER = frozenset((
    "python", "debian", "alpine", "golang", "ruby", "php", "rust", "perl", "elixir", "erlang", "buildpack-deps",
    "eclipse-temurin", "openjdk", "amazoncorretto", "fedora", "centos", "rockylinux", "almalinux", "amazonlinux",
    "pypy", "haskell", "julia", "swift", "gcc", "clojure", "maven", "gradle",
))
OLD_UBUNTU = lazy(r"(?:1\d|2[0-2])\.\d\d")  # before 23.04's `ubuntu` user
# options taking a value, of useradd, Debian's adduser and busybox's adduser
VALUED = frozenset((
    "-b", "-c", "-d", "-e", "-f", "-g", "-G", "-k", "-K", "-p", "-s", "-u", "-Z", "-R", "-P", "-h",
    "--base-dir", "--comment", "--home-dir", "--home", "--expiredate", "--inactive", "--gid", "--groups", "--skel",
    "--key", "--password", "--shell", "--uid", "--root", "--prefix", "--selinux-user", "--ingroup", "--gecos",
    "--conf", "--firstuid", "--lastuid", "--add-extra-groups",
))
SYSTEM = frozenset(("-r", "--system", "-S"))


@record
class CreatedUser:
    """The user a service's image runs as, as its Dockerfile creates it: name, uid, whether the uid
    is written (`-u 1000`) or useradd's default, and the RUN step that creates it."""

    name: str
    uid: int
    explicit: bool
    step: Step
    path: Path


def created_user(project: Project, svc: Service) -> CreatedUser | None:
    """The user the service's local build runs as (its last `USER`, a name) with the uid its
    Dockerfile's `useradd`/`adduser` gives it; None without a local build, for a numeric or root
    USER, a `user:` in compose, a uid from a variable (`-u $UID`), a system user, or a default uid
    on a base image that may already hold a regular user (node's `node`)."""
    build = svc.build
    if svc.user or build is None or build.dockerfile_path is None:
        return None
    recipe = project.recipe(build.dockerfile_path, build.target)
    user = recipe.user if recipe is not None else ""
    if recipe is None or not user or user.isdigit() or user == "root" or "$" in user:
        return None
    return _uid_of(recipe, user)


def _uid_of(recipe: Recipe, user: str) -> CreatedUser | None:
    from doctor.project.shellwords import split_command

    known = _no_regular_user(recipe.base)
    following = FIRST_UID
    for step in recipe.runs:
        for segment, tool, _ in split_command(step.text, Path("/")):
            if posixpath.basename(tool) not in ("useradd", "adduser"):
                continue
            made = _creation(segment)
            if made is None:
                continue
            name, uid, system = made
            if system:
                continue
            if name == user:
                if uid is not None:
                    return CreatedUser(name, uid, True, step, recipe.path)
                return CreatedUser(name, following, False, step, recipe.path) if known else None
            if uid is None:
                following += 1
            elif uid >= following:
                following = uid + 1
    return None


def _creation(segment: str) -> tuple[str, int | None, bool] | None:
    """(login name, uid or None for the default, a system user) of one useradd/adduser command; None
    when it creates no user doctor can name (Debian's `adduser USER GROUP`) or the uid is a variable."""
    try:
        words = shlex.split(segment)
    except ValueError:
        words = segment.split()
    operands: list[str] = []
    uid: int | None = None
    system = False
    index = 1
    while index < len(words):
        word = words[index]
        option, equals, value = word.partition("=")
        if word in VALUED or (equals and option in VALUED):
            value = value if equals else (words[index + 1] if index + 1 < len(words) else "")
            index += 1 if equals else 2
            if option in ("-u", "--uid"):
                if not value.isdigit():
                    return None
                uid = int(value)
            continue
        if word.startswith("-u") and word[2:].isdigit():
            uid = int(word[2:])
        elif word in SYSTEM:
            system = True
        elif not word.startswith("-"):
            operands.append(word)
        index += 1
    if len(operands) != 1:
        return None
    return operands[0], uid, system


def _no_regular_user(base: str) -> bool:
    """Whether an external base image is an official one known to ship no regular user."""
    name, _, tag = base.rpartition("@")[0].partition(":") if "@" in base else base.partition(":")
    for prefix in ("docker.io/", "library/"):
        name = name.removeprefix(prefix)
    if name == "ubuntu":
        return bool(OLD_UBUNTU.match(tag)) or tag in ("bionic", "focal", "jammy", "xenial")
    return name in NO_REGULAR_USER


def build_as_you(project: Project, svc: Service, made: CreatedUser, uid: int, gid: int) -> str:
    """The advice that builds the service's user with the host user's ids: a build arg for
    useradd's -u (and the group's -g), given from .env through compose's `build.args`."""
    variables = project.compose.variables
    settings = [f"{name}={value}" for name, value in (("UID", uid), ("GID", gid)) if variables.get(name) != str(value)]
    env = project.shown(project.compose.project_dir / ".env")
    made_as = f"uid {made.uid}" + ("" if made.explicit else ", useradd's first user")
    then = f", and set {' and '.join(settings)} in {env}" if settings else ""
    return (f"build the user {made.name!r} of {svc.name!r} ({made_as}, {project.shown(made.path)}:{made.step.line}) "
            'with your ids: ARG UID and ARG GID there, useradd -u "$UID" (groupadd -g "$GID"), '
            f"build: args: UID: ${{UID}} and GID: ${{GID}} in its compose entry{then}")


def uid_writers(project: Project, paths: list[Path], uid: int) -> list[tuple[str, CreatedUser]]:
    """The services that bind-mount one of `paths` (not read-only) and run as the user their
    Dockerfile creates with uid `uid`: the ones that could have written a stray of that owner, the
    closest mount first, then by name."""
    found: list[tuple[int, str, CreatedUser]] = []
    for svc in project.services.values():
        covering = [len(m.source) for m in svc.volumes if m.type == "bind" and m.source and not m.read_only
                    and any(p.is_relative_to(m.source) for p in paths)]
        if covering and (made := created_user(project, svc)) is not None and made.uid == uid:
            found.append((-max(covering), svc.name, made))
    return [(name, made) for _, name, made in sorted(found, key=lambda f: (f[0], f[1]))]
