"""compose-config: what compose itself would reject or cannot read, as findings with file:line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, Unavailable, service_names
from doctor.project import Project
from doctor.project.env_makers import recipe_lines
from doctor.project.types import Problem, ProblemKind, RestartPolicy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.buildmissing import MissingBuild

UNDEFINED = lazy(r"refers to undefined (volume|network|secret|config) (\S+)")
UNDEFINED_SERVICE = lazy(r"^service '([^']+)' (?:depends on|links to|takes volumes from) undefined service '([^']+)'")
EXAMPLE_NAMES = tuple(f"{base}.{ext}.{tail}" for base in ("compose.override", "docker-compose.override")
                      for ext in ("yaml", "yml") for tail in ("example", "sample", "dist", "template"))


class ComposeConfig(Check):
    """compose files and env files that compose itself would reject or cannot read

    What it finds
        Everything `docker compose config` would stop on, reported with file and line instead of
        compose's single first error: YAML syntax errors (a tab in indentation, duplicate keys),
        schema errors (`services` as a list, `ports: 8080`), an empty or binary compose file,
        interpolation errors (`${TAG:?TAG must be set}` with TAG unset: its fix appends the key
        to `.env` from the template that lists it, `add SECRET_KEY to .env from .env.example`,
        else says where to set it), a required env_file that
        does not exist, references to undefined services, volumes or networks, and `.env` lines
        compose's dotenv parser rejects (a space in a key, an unterminated quote). It also
        reports files it cannot read (permission denied, symlink loops), and the files a local
        build needs that this user cannot read: the build context, its Dockerfile and what the
        Dockerfile COPYs (`docker compose build` stops there), and a build context or
        Dockerfile that does not exist (compose's `config` accepts it, `up` stops; on a fresh
        clone it is often a git submodule never checked out, getlago/lago's `api/`), a secret or
        config an enabled service uses whose `environment:` variable is set neither in the shell
        nor in `.env`, or whose `file:` does not exist (zulip's `environment: ZULIP__SECRET_KEY`;
        `up` stops: `environment variable ... required by secret ... is not set`), a service
        written again over its `include:`d definition (Docker Compose 5 merges it, v2 stops with
        `services.db conflicts with imported resource`: the advice names the version it needs), and a
        restart policy compose passes on and the engine refuses at create (`restart: sometimes`,
        `always:3`, a swarm file's `deploy.restart_policy` with `condition: any` and
        `max_attempts`). A project whose every service sits in a profile that is off (`docker
        compose up`: "no service selected") is a warning: the other checks then judge no service.
        Live: an `external: true` volume or network an enabled service uses that the engine does
        not have (`up` stops with `external volume "myproj_dbdata" not found` before creating
        any container; vintasoftware/django-react-boilerplate's `make docker_setup` creates it);
        when the engine cannot be asked, a note says so and the rest is still judged.

    Why it matters
        compose stops at the first of these with a one-line message, often without a line
        number; doctor reports all of them at once, and the other checks still run on whatever
        could be read.

    Example
        .env:4  key "POSTGRES USER" cannot contain a space
        compose.yaml:3  cannot read app/Dockerfile: permission denied
        docker-compose.dev.yml:138  'migrate' builds from api/Dockerfile.dev, which does not
        exist: up fails (api/ is a git submodule not checked out)
        compose.yaml:9  'worker' has restart 'always:3', which compose accepts and the engine refuses:
        up fails (a retry count goes only with on-failure, not with 'always')
        docker-compose.yml:66  'db' uses external volume 'myproj_dbdata', which the engine does not
        have: up fails

    Fix
        Edit the file at the line shown. doctor does not rewrite malformed files itself: the right
        repair depends on what was meant. A secret, config, volume or network that an example
        override declares (docker-zulip's `compose.override.yaml.example`, which a newcomer must
        copy first) gets the `cp` that brings it in (advice: its values are theirs to fill in). A
        reference to a service no file defines gets the one likely meant, by a close name or by what
        it runs (CTFd's `depends_on: [redis]` while `cache` runs `redis:4`; advice, and only when
        one service fits). A refused restart policy gets the value to use (advice). A missing build
        input gets `git submodule update --init PATH` when `.gitmodules` lists its folder, else the
        path to create or point `build:` at (advice); where the path is a variable still holding the
        template's placeholder (wger's `WGER_CODEPATH=/path/to/wger/server`), the variable to set
        and its `.env` line; where the path lies in a package manager's install folder beside the
        manifest that fills it (monica's Laravel Sail context `./vendor/laravel/sail/runtimes/8.4`:
        `vendor/` beside composer.json; `node_modules/` beside package.json), in a package the
        manifest or its lockfile names and not installed yet, the install (`composer install`, or
        the npm, yarn, pnpm or bun install its lockfile names), with the project's shell script
        that runs it (monica's `./sail-init.sh`), else for Sail's package Sail's `docker run` of
        Composer for a machine without PHP; every service building from the path is named, and a Dockerfile of a
        close name in the context or compose folder is suggested (`dockerfile: Dockerfile.dev` for a
        missing docker/dev/Dockerfile). A missing external volume or network gets `docker volume create NAME`
        (`docker network create NAME`), naming the Makefile target that runs it when there is one,
        else the project's shell script that does (a `*.sh` at its top or in bin/, install/,
        script/, scripts/ or tools/ with `volume create` and the name: getsentry/self-hosted's
        install/create-docker-volumes.sh, and the top-level ./install.sh that runs it) (advice: an
        external one may be meant to hold data from elsewhere, which an empty one would not). A
        missing env file that the project's Makefile makes (redash's and kitsune's `.env:` rule; a
        recipe's `cp .env.example .env` or `> .env`, any command of the line: `test -f .env || cp -n
        .env-dist .env;`) gets that `make` command (advice); one that exists at the same path
        written from a folder above the compose folder gets that path (`did you mean
        ../../.env.local.example?`, advice); one with a template beside it is
        env-drift's to copy; one that is a symlink to a file that does not exist (formbricks' tracked
        `apps/web/.env -> ../../.env`) gets the link's target to create, from the template beside the
        target (`copy .env.example to .env, which apps/web/.env links to`), the Makefile's rule for
        it, or by hand (advice), never a file at the link's own path: that would replace the
        project's link, and the file the rest of the project reads through it would still be
        missing; any other gets advice: create it with the variables its services read
        from it, or make it optional at its line (`env_file: [{path: .env, required: false}]`,
        Docker Compose 2.24 or later).

    Fix safety
        There is no automatic fix, so nothing is written.
    """

    id = "compose-config"
    # not project-only: it asks the engine for the external volumes and networks the services use

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        problems = list(project.compose.problems)
        if project.dotenv is not None:
            problems.extend(project.dotenv.problems)
        problems.extend(project.unreadable_inputs)
        seen: set[tuple[str, Location | None]] = set()
        examples = ExampleOverrides(project)
        for problem in problems:
            key = (problem.message, problem.location)
            if key not in seen:
                seen.add(key)
                fix = examples.fix_for(problem) if problem.kind is ProblemKind.REFERENCE else None
                if fix is None and problem.message.endswith(" conflicts with imported resource"):
                    fix = _merge_needs_compose_5(host, problem.message)
                if fix is None and problem.kind is ProblemKind.REFERENCE:
                    fix = _meant_service(project, problem.message)
                if problem.kind is ProblemKind.ENV_FILE:
                    fix = _env_file_maker(project, problem.message) or _env_file_advice(project, problem)
                if fix is None and problem.kind is ProblemKind.INTERPOLATION:
                    fix = _required_value(project, problem.message)
                # the fingerprint keeps compose's message: a baseline holds wherever doctor runs from
                severity = Severity.WARNING if problem.kind is ProblemKind.LIMIT else None  # compose has no fault there
                # the subject (a baseline's fingerprint) names the project's paths from its folder: the same in
                # every checkout, and no developer's home folder in a committed .doctor-baseline.json
                said = problem.message.replace(f"{project.root}/", "")
                yield self.finding(project.shown_problem(problem), problem.location,
                                   f"{problem.kind.value}:{said}", fix, severity)
        yield from self._missing_builds(project)
        yield from self._refused_restarts(project)
        yield from self._secret_sources(project)
        yield from self._missing_externals(project, host)
        model = project.compose
        if model.files and not model.services and model.disabled_services:
            # hoppscotch: every service has `profiles:`; without one active the other checks judge nothing
            off = len(model.disabled_services)
            message = (f"every service ({off}) sits in a profile that is off: 'docker compose up' stops with "
                       "'no service selected', and the other checks judge none of them")
            fix = Fix("add --profile NAME to the command (or set COMPOSE_PROFILES)", Safety.ADVICE)
            yield self.finding(message, Location(model.files[0]), "profiles:none-active", fix, Severity.WARNING)

    def _missing_builds(self, project: Project) -> Iterator[Finding]:
        from doctor.project.buildmissing import missing_builds
        from doctor.project.install_folders import install_fix, install_note, installed_by

        # a context compose could not interpolate (wger's `${WGER_CODEPATH:?...}` unset) is that
        # error's: the path doctor read with '' in its place is no folder anyone meant
        unresolved = {(p.location.path, p.location.line) for p in project.compose.problems
                      if p.kind is ProblemKind.INTERPOLATION and p.location is not None}
        for miss in missing_builds(project.services):
            if miss.location is not None and (miss.location.path, miss.location.line) in unresolved:
                continue
            shown = project.shown(miss.path)
            if miss.what == "build context":
                message = f"'{miss.service}' builds from {shown}/, which does not exist: up fails"
            else:
                message = f"'{miss.service}' builds from {shown}, which does not exist: up fails"
            if miss.submodule:
                message += f" ({miss.submodule}/ is a git submodule not checked out)"
                fix = Fix(f"run git submodule update --init {miss.submodule}", Safety.ADVICE)
            elif (placeholder := _placeholder(project, miss.location)) is not None:
                # wger's copied dev/.env: `WGER_CODEPATH=/path/to/wger/server` is to be set, not created
                name, where = placeholder
                message += f" ({name} is still the template's placeholder)"
                fix = Fix(f"set {name} to the real path on this machine{where}", Safety.ADVICE)
            elif (install := installed_by(miss.path)) is not None:
                # monica's Sail context ./vendor/laravel/sail/runtimes/8.4: `composer install` puts it there
                message += f" ({install_note(project, install)})"
                fix = install_fix(project, install)
            else:
                fix = _build_advice(project, miss, shown)
            yield self.finding(message, miss.location or Location(miss.path), f"build:{miss.service}:{miss.what}", fix)


    def _refused_restarts(self, project: Project) -> Iterator[Finding]:
        """A restart policy `docker compose config` passes and the engine refuses at create."""
        for name, service in project.services.items():
            policy = service.restart
            refusal = _engine_refusal(policy) if policy is not None else None
            if policy is None or refusal is None:
                continue
            reason, advice = refusal
            key = "deploy.restart_policy" if policy.deploy else "restart"
            message = (f"'{name}' has {key} {policy.written!r}, which compose accepts and the engine refuses: "
                       f"up fails ({reason})")
            yield self.finding(message, policy.location or service.location, f"restart:{name}",
                               Fix(advice, Safety.ADVICE))


    def _secret_sources(self, project: Project) -> Iterator[Finding]:
        """A secret or config an enabled service uses whose `environment:` variable is set neither in
        the shell nor in .env, or whose `file:` does not exist: `config` passes, `up` stops
        (`environment variable "X" required by secret "s" is not set`; `bind source path does not
        exist`). The name is not said: the redactor masks a secret's name where it looks like a key's."""
        variables = project.compose.variables
        for kind, name, variable, path, at in project.compose.secret_sources:
            if variable and variable not in variables:
                message = (f"the variable {variable!r} this {kind} takes its value from is not set (in the shell or "
                           f".env): `up` fails (environment variable \"{variable}\" required by {kind} ... is not set)")
                yield self.finding(message, at, f"{kind}-environment:{name}",
                                   Fix(f"set {variable} in .env (or export it) before `up`", Safety.ADVICE))
            elif path and not os.path.exists(path):
                shown = project.shown(Path(path))
                users = _users_of(project, kind, name)
                # the services that read it: `doctor why` ties the missing file to the one `up` stopped at
                of = f" of {service_names(users)}" if users else ""
                message = (f"the file {shown} this {kind}{of} is read from does not exist: `up` fails (bind source "
                           "path does not exist)")
                yield self.finding(message, at, f"{kind}-file:{name}",
                                   Fix(f"create {shown} before `up`", Safety.ADVICE))

    def _missing_externals(self, project: Project, host: Host) -> Iterator[Finding]:
        """The `external: true` volumes and networks enabled services use that the engine lacks: `up`
        stops before creating a container (`external volume "myproj_dbdata" not found`: drb's
        `make docker_setup` creates it). Asked only when some are used; one note when it cannot ask."""
        used = _external_uses(project)
        scripts = _Scripts(project)  # read once, and only when something is missing
        for number, ((kind, name), (users, location)) in enumerate(sorted(used.items())):
            try:
                present = _engine_has(host, kind, name)
            except Unavailable as exc:  # the rest would wait as long again: one note names them all
                rest = sorted(used)[number:]
                names = ", ".join(f"external {k} '{n}'" for k, n in rest)
                message = (f"could not look whether the engine has {names} ({exc.reason}): "
                           f"up fails if {'it is' if len(rest) == 1 else 'one is'} missing")
                yield self.finding(message, location, "external:unknown", None, Severity.INFO)
                return
            if present:
                continue
            shown = service_names(users)  # self-hosted's sentry-data: 20 services, three named and a count
            message = (f"{shown} {'uses' if len(users) == 1 else 'use'} external {kind} '{name}', which the "
                       "engine does not have: up fails")
            made_by = _made_by(project, kind, name) or scripts.maker(kind, name)
            title = f"create the {kind} first" + (f" ({made_by})" if made_by else "")
            fix = Fix(title, Safety.ADVICE, command=("docker", kind, "create", name))
            yield self.finding(message, location, f"{','.join(users)}:external-{kind}:{name}", fix)


def _external_uses(project: Project) -> dict[tuple[str, str], tuple[list[str], Location | None]]:
    """(volume|network, engine name) -> (the enabled services using it, where it is declared), for
    every external one in use: compose checks only those (one of a disabled profile is not asked)."""
    model = project.compose
    volumes, networks = model.external_volumes, model.external_networks
    used: dict[tuple[str, str], tuple[list[str], Location | None]] = {}
    for name, service in sorted(project.services.items()):
        keys = [("volume", m.source) for m in service.volumes
                if m.type == "volume" and m.source is not None and m.source in volumes]
        keys += [("network", n) for n in service.networks if n in networks and not service.network_mode]
        for kind, key in dict.fromkeys(keys):
            engine_name = volumes[key] if kind == "volume" else networks[key]
            where = model.external_places.get(f"{kind}:{key}") or (Location(model.files[0]) if model.files else None)
            users, _ = used.setdefault((kind, engine_name), ([], where))
            users.append(name)
    return used


def _engine_has(host: Host, kind: str, name: str) -> bool:
    """Whether the engine has the volume or network (its inspect answers 404 when not); Unavailable
    when it cannot be asked."""
    from urllib.parse import quote

    from doctor.host.images import not_found

    try:
        host.engine.get_json(f"/{kind}s/{quote(name, safe='')}")
    except Unavailable as exc:
        if not_found(exc):
            return False
        raise
    return True


def _made_by(project: Project, kind: str, name: str) -> str:
    """`make docker_setup, Makefile:19 does` when a Makefile target runs `docker KIND create NAME`, else ""."""
    for makefile, number, target, line in recipe_lines(project):
        if f"{kind} create" in line and name in line.split() and not target.startswith("."):
            return f"make {target}, {makefile}:{number} does"
    return ""


# where a project keeps the shell scripts that set it up: its top and a few usual folders, never deeper
SCRIPT_FOLDERS = ("", "bin", "install", "script", "scripts", "tools")
MAX_SCRIPTS = 200  # per folder: a vendored tree of scripts is not read whole


class _Scripts:
    """The project's own shell scripts (`*.sh`, `*.bash` in SCRIPT_FOLDERS), read on first use."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._texts: list[tuple[str, str]] | None = None

    def maker(self, kind: str, name: str) -> str:
        """`./install/create-docker-volumes.sh does, which ./install.sh runs` when a script has
        `KIND create` and names NAME (getsentry/self-hosted's `$CONTAINER_ENGINE volume create` in a
        function it calls as `create_volume sentry-data`), else ""."""
        texts = self.texts()
        script = next((rel for rel, text in texts if f"{kind} create" in text and _mentions(text, name)), None)
        if script is None:
            return ""
        # the top-level script a newcomer runs that runs it (`source install/create-docker-volumes.sh`)
        runner = next((rel for rel, text in texts if "/" not in rel and rel != script and _mentions(text, script)),
                      None)
        return f"./{script} does" + (f", which ./{runner} runs" if runner else "")

    def texts(self) -> list[tuple[str, str]]:
        if self._texts is None:
            import os

            from doctor.project.reading import read_regular_text

            self._texts = []
            for folder in SCRIPT_FOLDERS:
                try:
                    with os.scandir(self.project.root / folder) as entries:
                        names = sorted(e.name for e in entries if e.name.endswith((".sh", ".bash"))
                                       and e.is_file(follow_symlinks=False))
                except OSError:
                    continue
                for file in names[:MAX_SCRIPTS]:
                    rel = f"{folder}/{file}" if folder else file
                    text = read_regular_text(self.project.root / rel)
                    if text is not None:
                        self._texts.append((rel, text))
        return self._texts


def _mentions(text: str, word: str) -> bool:
    """Whether `word` stands in `text` as a whole name (`sentry-data`, not `sentry-data-2` or `xsentry-data`)."""
    start = text.find(word)
    while start >= 0:
        before = text[start - 1] if start else " "
        end = start + len(word)
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_-.") and not (after.isalnum() or after in "_-"):
            return True
        start = text.find(word, start + 1)
    return False


_ENV_FILE_MISSING = lazy(r"^(?:env file (.+) not found|couldn't find env file: (.+))$")


def _env_file_maker(project: Project, message: str) -> Fix | None:
    """`make .env` for a missing env file a Makefile rule makes or a recipe writes
    (doctor.project.env_makers); None when none does (env-drift gives the template's copy)."""
    from doctor.project.env_makers import env_file_maker

    found = _ENV_FILE_MISSING.match(message)
    made = env_file_maker(project, Path(found[1] or found[2])) if found is not None else None
    return made[0] if made is not None else None


def _env_file_advice(project: Project, problem: Problem) -> Fix | None:
    """What to do about a missing env file no Makefile makes and no template beside it gives
    (env-drift copies a template): create it (the target of a dangling symlink, not the link),
    or make it optional where compose allows that."""
    found = _ENV_FILE_MISSING.match(problem.message)
    if found is None:
        return None
    path = Path(found[1] or found[2])
    users = sorted(name for name, service in project.compose.services.items() if path in service.env_files)
    linked = _linked_env_file(project, problem, path, users)
    if linked is not None:
        return linked
    moved = _moved_env_file(project, path, users)
    if moved is not None:
        return moved
    if _template_beside(path) is not None:
        return None
    shown = project.shown(path)
    if not users:  # `--env-file`, COMPOSE_ENV_FILES: the files compose interpolates with, which no `env_file:` names
        return Fix(f"create {shown} (no template beside it to copy), or name env files that exist "
                   "(--env-file, COMPOSE_ENV_FILES)", Safety.ADVICE)
    whose = f" with the variables {', '.join(map(repr, users))} read{'s' if len(users) == 1 else ''} from it"
    return Fix(f"create {shown}{whose} (no template beside it to copy), or {_optional(project, problem, path)}",
               Safety.ADVICE)


def _optional(project: Project, problem: Problem, path: Path) -> str:
    """`make it optional at compose.yaml:4: `env_file: [{path: .env, required: false}]` (...)`."""
    where = (f" at {project.shown(problem.location.path)}:{problem.location.line}"
             if problem.location and problem.location.line else "")
    # the line's text is compose's: a path from the folder compose resolves that file's paths from (the
    # project's for every -f file; an included or extended file's own), whatever folder doctor names paths from
    declared = problem.location.path if problem.location else None
    base = project.compose.project_dir if declared is None or declared in project.compose.files else declared.parent
    written = os.path.relpath(path, base) if path.is_absolute() else str(path)
    return (f"make it optional{where}: `env_file: [{{path: {written}, required: false}}]` "
            "(Docker Compose 2.24 or later)")


def _linked_env_file(project: Project, problem: Problem, path: Path, users: list[str]) -> Fix | None:
    """The file to create for a missing env file that is a symlink whose target does not exist
    (formbricks' tracked `apps/web/.env -> ../../.env`, the root `.env` copied from `.env.example`):
    the link's last target, from the template beside it, the Makefile's rule or by hand. Never the
    link's own path: a file written there replaces the project's link (or fails), and the file the
    rest of the project reads through it is still missing. None when `path` is no dangling link, or
    has a template beside it: env-drift's copy of that is written through the link (doctor.fixfiles)."""
    from doctor.project.env_makers import env_file_maker

    if not os.path.islink(path) or os.path.exists(path) or _template_beside(path) is not None:
        return None
    target = Path(os.path.realpath(path))
    link, shown = project.shown(path), project.shown(target)
    if os.path.lexists(target):  # a loop (os.path.realpath stops in it): no file to create, a link to correct
        return Fix(f"{link} is a symlink loop: point it (or a link it goes through) at an env file", Safety.ADVICE)
    template = _template_beside(target)
    readers = f"{service_names(users)} read{'s' if len(users) == 1 else ''}" if users else "compose reads"
    if template is not None:
        return Fix(f"copy {project.shown(template)} to {shown}, which {link} links to (keep the link: {readers} "
                   f"{shown} through it)", Safety.ADVICE)
    made = env_file_maker(project, target)
    if made is not None:  # `make .env`: the Makefile's rule for the target
        return Fix(f"create {shown}, which {link} links to, {made[0].title.removeprefix('create it ')}",
                   Safety.ADVICE, command=made[0].command)
    if not users:  # `--env-file`, COMPOSE_ENV_FILES: no `env_file:` line to make optional
        return Fix(f"create {shown}, which {link} links to (no template beside it to copy; keep the link)",
                   Safety.ADVICE)
    return Fix(f"create {shown}, which {link} links to, with the variables {readers} from it (no template beside "
               f"it to copy; keep the link), or {_optional(project, problem, path)}", Safety.ADVICE)


def _template_beside(path: Path) -> Path | None:
    """The env file's template beside it (`.env.example` of `.env`: doctor.project.template_names), if any."""
    from doctor.project import template_names

    if not path.name:
        return None
    return next((path.with_name(n) for n in template_names(path.name) if os.path.isfile(path.with_name(n))), None)


def _build_advice(project: Project, miss: MissingBuild, shown: str) -> Fix:
    """Create the missing build input or point every service building from it at the right path: a
    Dockerfile of a close name in the build context or compose folder (./Dockerfile.dev for
    docker/dev/Dockerfile), or a context at the same path from a folder above (doctor.project.moved_paths)."""
    from doctor.project.buildmissing import close_dockerfile
    from doctor.project.moved_paths import found_above

    whose = service_names(list(miss.services or (miss.service,)))
    folder = project.compose.project_dir
    meant = ""
    if miss.what == "build context":
        above = found_above(miss.path, folder, directory=True)
        if above is not None:
            meant = f" (did you mean context: {above[1]}?)"
    elif miss.context is not None:
        close = close_dockerfile(miss.path, tuple(dict.fromkeys((miss.context, folder))))
        if close is not None:
            written = Path(os.path.relpath(close, miss.context)).as_posix()
            meant = f" (did you mean dockerfile: {written}? {project.shown(close)} exists)"
            top = _copies_from(close, miss.context)
            if top is not None:  # AdventureLog's docker/Dockerfile COPYs backend/..., frontend/...: from the top
                context = Path(os.path.relpath(top, folder)).as_posix()
                inside = Path(os.path.relpath(close, top)).as_posix()
                meant = (f" (did you mean context: {context} and dockerfile: {inside}? {project.shown(close)} "
                         f"exists, and its COPY lines name paths from {project.shown(top)}, not from "
                         f"{project.shown(miss.context)})")
    slash = "/" if miss.what == "build context" else ""
    return Fix(f"create {shown}{slash} or point build: of {whose} at the right path{meant}", Safety.ADVICE)


def _copies_from(dockerfile: Path, context: Path) -> Path | None:
    """The folder above `context` the Dockerfile's COPY sources are written from, when they do not all exist
    in `context` and do in that folder (the Dockerfile's own folder or one above it, the nearest); None
    when they fit `context`, or no folder fits them."""
    from doctor.project.dockerfile import read_dockerfile

    sources = {src for copy in read_dockerfile(dockerfile).copies for src in copy.sources
               if src not in (".", "./") and not any(c in src for c in "*?[$")}
    if not sources or all((context / src).exists() for src in sources):
        return None
    for folder in dockerfile.parent.parents if dockerfile.parent.name else ():
        if context.is_relative_to(folder) and all((folder / src).exists() for src in sources):
            return folder
    return None


def _moved_env_file(project: Project, path: Path, users: list[str]) -> Fix | None:
    """`did you mean ../../.env.local.example?` for a missing env file that exists at the same path
    written from a folder above the compose folder (litestar-fullstack's compose moved down into
    deploy/docker/ keeps `../.env.local.example`): that file is the one meant, not a new empty one."""
    from doctor.project.moved_paths import found_above, written_from

    folder = project.compose.project_dir
    above = found_above(path, folder, directory=False)
    if above is None:
        return None
    moved, written = above
    whose = f" of {service_names(users)}" if users else ""
    return Fix(f"did you mean {written}? write it in env_file{whose} instead of {written_from(path, folder)} "
               f"({project.shown(moved)} exists)", Safety.ADVICE)


def _placeholder(project: Project, at: Location | None) -> tuple[str, str] | None:
    """(the variable, ` in FILE:LINE` where it is set) when the compose line at `at` interpolates a
    variable whose value is a template's placeholder path (`/path/to/wger/server`), else None."""
    from doctor.project.buildmissing import PLACEHOLDER_PATH
    from doctor.project.edits import interpolated_at

    if at is None:
        return None
    for use in project.compose.variable_uses:
        value = project.compose.variables.get(use.name)
        if use.location == at and value and PLACEHOLDER_PATH.match(value):
            found = interpolated_at(project, use.name, at.path)
            where = f" in {project.shown(found[0])}:{found[1].line}" if found is not None else ""
            return use.name, where
    return None


ENGINE_RESTARTS = ("no", "always", "unless-stopped", "on-failure")


def _engine_refusal(policy: RestartPolicy) -> tuple[str, str] | None:
    """Why the engine refuses a restart policy (its ValidateRestartPolicy; the wording of its error
    differs between engine versions), and the advice; None for one it takes."""
    name, count = policy.name, policy.count
    if name in ("no", "always", "unless-stopped") and count:
        instead = "condition: on-failure" if policy.deploy else f"on-failure:{count}"
        return (f"a retry count goes only with on-failure, not with '{name}'",
                f"drop {'max_attempts' if policy.deploy else repr(f':{count}')}, or use {instead}")
    if name == "on-failure" and count < 0:
        return "a retry count cannot be negative", "give on-failure a retry count of 0 or more"
    if name in ("", *ENGINE_RESTARTS):
        return None
    import difflib

    names = ("none", "on-failure", "any", *ENGINE_RESTARTS) if policy.deploy else ENGINE_RESTARTS
    close = difflib.get_close_matches(name.strip().lower(), names, 1, 0.6)
    listed = "none, on-failure or any" if policy.deploy else "no, always, unless-stopped or on-failure[:N]"
    takes = f"condition takes {listed}" if policy.deploy else f"the engine takes {listed}"
    advice = f"use {close[0]!r} ({takes})" if close else f"use one of {listed}"
    return f"no restart policy is named '{name}'", advice


def _users_of(project: Project, kind: str, name: str) -> list[str]:
    """The enabled services whose `secrets:` (or `configs:`) name the `kind` `name` (by itself, or as a
    long entry's `source:`)."""
    from doctor.project.yamlload import YMap

    users: set[str] = set()
    for documents in project.compose_documents():
        for doc in documents.docs:
            services = doc.get("services") if isinstance(doc, YMap) else None
            for service, spec in services.items() if isinstance(services, YMap) else ():
                refs = spec.get(f"{kind}s") if isinstance(spec, YMap) else None
                for ref in refs if isinstance(refs, list) else ():
                    named = ref.get("source") if isinstance(ref, YMap) else ref
                    if str(named) == name and str(service) in project.services:
                        users.add(str(service))
    return sorted(users)


_REQUIRED = lazy(r"required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value")


def _required_value(project: Project, message: str) -> Fix | None:
    """The value a `${NAME:?...}` compose stops at needs: NAME appended to `.env` from its template
    where the template lists it (`add SECRET_KEY to .env from .env.example`), else where to set it."""
    found = _REQUIRED.search(message)
    if found is None:
        return None
    name = found[1]
    files = project.interpolation_files
    dotenv = files[-1] if files else project.root / ".env"
    from .env_drift import _template_of
    from .env_drift.fix import _append_fix

    example = _template_of(dotenv)
    entry = example.entry(name) if example is not None else None
    target = project.shown(dotenv)
    if example is not None and entry is not None:
        if not os.path.lexists(dotenv):
            return Fix(f"copy {project.shown(example.path)} to {target} (it sets {name}), then check its values",
                       Safety.ADVICE)
        return _append_fix(example, entry, dotenv, target, project.shown(example.path), project.root)
    return Fix(f"set {name} in {target} (or export it in the shell)", Safety.ADVICE)


def _merge_needs_compose_5(host: Host, message: str) -> Fix:
    """A service (volume, network...) written again in the file that includes its definition: Docker
    Compose v5 (compose-go >= 2.10) merges the including file's settings over the included ones;
    v2 refuses the file (wger-project/docker's `db`, `cache` and `powersync`, which its
    docker-compose.yml tunes over `include: ./services/postgres.yaml`)."""
    resource = message.removesuffix(" conflicts with imported resource")
    try:
        version = host.compose_version
    except Unavailable:
        version = None
    installed = f"Docker Compose {'.'.join(map(str, version))}" if version else "this Docker Compose"
    return Fix(f"{resource} merges its settings over the included one's, which needs Docker Compose 5 (compose-go "
               f"2.10 or later); {installed} refuses it: upgrade compose, or move these settings into the included "
               "file or an override file", Safety.ADVICE)


def _meant_service(project: Project, message: str) -> Fix | None:
    """`did you mean 'cache'?` for a reference to a service no compose file defines: the defined
    service with the closest name, else the one that runs what the name says (CTFd's `depends_on:
    [redis]` while its Redis service is `cache`, `image: redis:4`). Advice: the author may have
    meant to add that service instead."""
    import difflib

    from doctor.project.env_hosts import family_of
    from doctor.project.service_network import service_family

    found = UNDEFINED_SERVICE.search(message)
    if found is None:
        return None
    referrer, name = found[1], found[2]
    services = {n: s for n, s in project.compose.services.items() if n != referrer}
    close = difflib.get_close_matches(name, list(services), 1, 0.6)
    if not close:
        wanted = family_of(name)
        close = [n for n, svc in services.items() if wanted is not None and service_family(svc) == wanted][:2]
        if len(close) != 1:  # two redis services: which one is meant is the author's call
            return None
    return Fix(f"did you mean {close[0]!r}? name it in {referrer!r} instead of {name!r} (or define {name!r})",
               Safety.ADVICE)


class ExampleOverrides:
    """The project's example override files (`compose.override.yaml.example`, docker-zulip's way of
    shipping the secrets its compose.yaml refers to), read once, for the reference each declares."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._declared: list[tuple[Path, dict[str, set[str]]]] | None = None

    def fix_for(self, problem: Problem) -> Fix | None:
        """`copy X.example to X` when an example override declares what the problem finds undefined."""
        found = UNDEFINED.search(problem.message)
        if found is None:
            return None
        kind, name = found[1] + "s", found[2]
        for path, declared in self._examples():
            if name in declared.get(kind, set()):
                target = path.with_suffix("")
                if target.exists():
                    continue
                return Fix(f"copy {path.name} to {target.name} (it declares {found[1]} {name}; fill in its values)",
                           Safety.ADVICE, command=("cp", path.name, target.name))
        return None

    def _examples(self) -> list[tuple[Path, dict[str, set[str]]]]:
        if self._declared is None:
            self._declared = []
            folder = self.project.compose.project_dir
            for name in EXAMPLE_NAMES:
                path = folder / name
                if path.is_file():
                    self._declared.append((path, _declared(path)))
        return self._declared


def _declared(path: Path) -> dict[str, set[str]]:
    """The top-level volumes, networks, secrets and configs a compose file declares ({} if unreadable)."""
    from doctor.project.reading import read_regular_text
    from doctor.project.yamlimport import yaml

    text = read_regular_text(path)
    try:
        data = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: set(value) for key in ("volumes", "networks", "secrets", "configs")
            if isinstance(value := data.get(key), dict)}
