"""The uid of the user a service's Dockerfile creates and runs as (`RUN useradd ... user`, then
`USER user`): django-react-boilerplate's backend writes its migrations as uid 1000, the uid
useradd gives the first regular user of a Debian image, into a checkout owned by uid 1001."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project import Project
from doctor.project.digits import written_number
from doctor.project.recipe import Recipe, Step
from doctor.project.types import Service
from doctor.regular import text_lines

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
    arg: str | None = None  # the build arg the uid is written with (`-u "${APP_UID}"`), given its value


def created_user(project: Project, svc: Service) -> CreatedUser | None:
    """The user the service's local build runs as (its last `USER`, a name) with the uid its
    Dockerfile's `useradd`/`adduser` gives it; None without a local build, for a numeric or root
    USER, a `user:` in compose, a uid from a variable the build gives no number (`-u $UID`), a system
    user, or a default uid on a base image that may already hold a regular user (node's `node`). A
    build arg's value counts: docker-rails-example's `useradd -u "${APP_UID}"` under compose's
    `APP_UID=${UID:-1000}`, 1000 where UID is not exported."""
    build = svc.build
    if svc.user or build is None or build.dockerfile_path is None:
        return None
    recipe = project.recipe(build.dockerfile_path, build.target)
    user = recipe.user if recipe is not None else ""
    if recipe is None or not user or user.isdigit() or user == "root" or "$" in user:
        return None
    from doctor.project.buildvalues import build_values

    return _uid_of(recipe, user, build_values(build, recipe))


def _uid_of(recipe: Recipe, user: str, values: dict[str, str]) -> CreatedUser | None:
    from doctor.project.buildvalues import fill
    from doctor.project.shellwords import split_command

    known = _no_regular_user(recipe.base)
    following = FIRST_UID
    for step in recipe.runs:
        for segment, tool, _ in split_command(step.text, Path("/")):
            if posixpath.basename(tool) not in ("useradd", "adduser"):
                continue
            made = _creation(fill(segment, values))
            if made is None:
                continue
            name, uid, system = made
            if system:
                continue
            if name == user:
                if uid is not None:
                    return CreatedUser(name, uid, True, step, recipe.path, _uid_arg(segment))
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
                if (given := written_number(value, 10)) is None:
                    return None
                uid = given
            continue
        if word.startswith("-u") and (given := written_number(word[2:], 10)) is not None:
            uid = given
        elif word in SYSTEM:
            system = True
        elif not word.startswith("-"):
            operands.append(word)
        index += 1
    if len(operands) != 1:
        return None
    return operands[0], uid, system


def _uid_arg(segment: str) -> str | None:
    """The variable a useradd's uid is written with (`-u "${APP_UID}"`, `--uid=${APP_UID}`, `-u$APP_UID`:
    APP_UID), None for a number."""
    try:
        words = shlex.split(segment)
    except ValueError:
        words = segment.split()
    for index, word in enumerate(words):
        if word in ("-u", "--uid"):
            value = words[index + 1] if index + 1 < len(words) else ""
        elif word.startswith("--uid="):
            value = word.removeprefix("--uid=")
        elif word.startswith("-u$"):
            value = word[2:]
        else:
            continue
        if value.startswith("$"):
            name = value[1:].removeprefix("{").split("}")[0].split(":")[0].split("-")[0]
            return name if name.isidentifier() else None
    return None


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
    env = project.shown(project.variables_file)
    given = _given_from(project, svc, made.arg) if made.arg else None
    if given is not None:  # docker-rails-example: the Dockerfile takes your ids already, compose passes 1000
        arg, variable, at = given
        group = _given_from(project, svc, arg.replace("UID", "GID")) if "UID" in arg else None
        pairs = [(variable, uid), *([(group[1], gid)] if group is not None else [])]
        said = " and ".join(f"{name}={value}" for name, value in pairs)
        # no service named: the services an anchor's line builds alike get one advice (the caller's)
        why = _unset(variable, variables)
        return (f"set {said} in {env} and rebuild (`docker compose build`): {at} builds the user "
                f"{made.name!r} with {arg} from ${{{variable}}}, {why}, so it is uid {made.uid}")
    made_as = f"uid {made.uid}" + ("" if made.explicit else ", useradd's first user")
    then = f", and set {' and '.join(settings)} in {env}" if settings else ""
    return (f"build the user {made.name!r} of {svc.name!r} ({made_as}, {project.shown(made.path)}:{made.step.line}) "
            'with your ids: ARG UID and ARG GID there, useradd -u "$UID" (groupadd -g "$GID"), '
            f"build: args: UID: ${{UID}} and GID: ${{GID}} in its compose entry{then}")


def _unset(variable: str, variables: Mapping[str, str]) -> str:
    """Why a build's uid variable does not give the host user's id: bash sets UID but does not export it, and sets no
    GID at all; any other variable (`USER_ID`) is simply not set, or set to another id."""
    if variables.get(variable):
        return f"which is {variables[variable]} here"
    return {"UID": "which bash does not export", "GID": "which bash does not set"}.get(variable, "which is not set")


def _given_from(project: Project, svc: Service, arg: str) -> tuple[str, str, str] | None:
    """(the build arg, the project variable compose fills it from, where) for a `build.args` entry written
    as `APP_UID=${UID:-1000}`; None where compose gives it otherwise, or not at all."""
    from doctor.project.reading import read_regular_text

    build = svc.build
    where = next((at for name, _, at in build.args if name == arg), None) if build is not None else None
    if where is None or where.line is None:
        return None
    lines = text_lines(read_regular_text(where.path) or "")
    line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
    _, _, written = line.partition(arg)
    start = written.find("${")
    if start < 0:
        return None
    variable = written[start + 2:].split("}")[0].split(":")[0].split("-")[0]
    return (arg, variable, f"{project.shown(where.path)}:{where.line}") if variable.isidentifier() else None


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
