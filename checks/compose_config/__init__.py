"""compose-config: what compose itself would reject or cannot read, as findings with file:line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, Unavailable, service_names
from doctor.project import Project
from doctor.project.env_nul import reads_as_none
from doctor.project.reading import exists, stat_of
from doctor.project.types import Problem, ProblemKind, RestartPolicy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .problem_fixes import ProblemFixes


class ComposeConfig(Check):
    """compose files and env files that compose itself would reject or cannot read

    What it finds
        Everything `docker compose config` would stop on, reported with file and line instead of
        compose's single first error: YAML syntax errors (a tab in indentation, duplicate keys; not an
        anchor defined twice, which compose's go-yaml reads as YAML 1.2 does, each alias naming the
        nearest definition before it),
        schema errors (`services` as a list, `ports: 8080`), the values compose decodes after its
        schema (a duration, `stop_grace_period: 5`; a byte size, `shm_size: 1gig` or `mem_limit: lots`,
        in go-units' words: `invalid suffix: 'gig'`), the build keys compose refuses together (a
        `dockerfile` beside a `dockerfile_inline`; an additional context `service:NAME` naming a
        service that is not enabled or builds nothing), what compose refuses in its newer keys after
        the schema (a `models:` or `build.secrets` entry naming no declared model or secret; a
        `develop.watch` rule with a blank path or, for a sync, no target; a GPU or device request with
        both `count` and `device_ids`; a config or secret with no source or two, `content:` beside
        `file:`; a secret whose only source is a `driver:`) and on a service's values (a healthcheck
        test list not starting with CMD, CMD-SHELL or NONE; `scale` beside another `deploy.replicas`;
        `cpus`, `mem_limit`, `mem_reservation` or `pids_limit` beside a `deploy.resources` block that
        says otherwise, a limit it leaves out counting as 0; a `container_name` on a service run
        twice; a `platform` outside `build.platforms`; one path mounted by a tmpfs and a volume; a
        `host_ip` that is no IP; an external volume with a `driver:`), an empty or binary compose file, one saved
        as UTF-16 without its byte-order mark or as UTF-32 (compose reads UTF-16 with its mark, as Windows
        PowerShell 5's `>` writes it, and so does doctor; these it stops at: `save it as UTF-8`),
        interpolation errors (once per line: a line of an anchor several services merge is one finding
        naming them; `${TAG:?TAG must be set}` with TAG unset: its fix appends the key
        to `.env` from the template that lists it, `add SECRET_KEY to .env from .env.example`,
        else says where to set it), a required env_file that
        does not exist (once, at the first service's line, naming the services that load it; once as the
        missing `--env-file` compose stops at first where that names it too), a `label_file:` that does
        not exist, or that compose cannot read or parse (a folder, a key with a space: compose reads it with the
        env file parser), an enabled service's, resolved from the file that names it, references
        to undefined services, volumes or networks, a dependency cycle (through `depends_on`, `links`,
        `volumes_from` or `network_mode: service:`, as compose counts them), a failed `extends:` (alone:
        the image its base was to bring is not said missing besides), faults in a file reached by
        `extends: file:` at that file's line (compose validates the merged service as the extending one,
        `'services[web].mem_limit' invalid size: 'lots'`, and casts the typed fields and parses the
        ports of every service of that file; a value the extending service sets itself hides the
        base's), and `.env` lines
        to undefined services, volumes or networks, a failed `extends:` (alone: the image its base was to
        bring is not said missing besides), faults in a file reached by `extends: file:` at that file's
        line (compose validates the merged service as the extending one, `'services[web].mem_limit'
        invalid size: 'lots'`, and casts the typed fields and parses the ports of every service of that
        file; a value the extending service sets itself hides the base's, and a mapping both set is
        judged merged as compose merges it: the base's `ulimits: {nofile: {soft: 1024, hard: 4096}}`
        under a service setting its own `nofile` is no fault), and `.env` lines
        to undefined services, volumes or networks (a `network_mode`, `ipc` or `pid` of `service:vpn`,
        `links` or `volumes_from` naming a service whose profile is off too, as compose says: `service
        'app' depends on undefined service 'vpn'`, with the profile to turn on), a failed `extends:`
        (alone: the image its base was to bring is not said missing besides), faults in a file reached
        by `extends: file:` at that file's line (compose validates the merged service as the extending
        one, `'services[web].mem_limit' invalid size: 'lots'`, and casts the typed fields and parses
        the ports of every service of that file; a value the extending service sets itself hides the
        base's, and a mapping both set is judged merged as compose merges it: the base's `ulimits:
        {nofile: {soft: 1024, hard: 4096}}` under a service setting its own `nofile` is no fault), and
        `.env` lines
        compose's dotenv parser rejects (a space in a key, an unterminated quote, a file saved as UTF-16). It also
        reports files it cannot read (permission denied, symlink loops), and the files a local
        build needs that this user cannot read: the build context, its Dockerfile and what the
        Dockerfile COPYs (`docker compose build` stops there), and a build context,
        Dockerfile or named `additional_contexts` folder that does not exist (compose's `config`
        accepts it, `up` stops: `failed to get build context shared`; on a fresh
        clone it is often a git submodule never checked out, getlago/lago's `api/`), a secret or
        config an enabled service uses whose `environment:` variable is set neither in the shell
        nor in `.env`, or whose `file:` does not exist (zulip's `environment: ZULIP__SECRET_KEY`;
        `up` stops: `environment variable ... required by secret ... is not set`; a `file:` behind a
        folder this user may not enter is a note that doctor could not look, never called missing), a service
        written again over its `include:`d definition (Docker Compose 5 merges it, v2 stops with
        `services.db conflicts with imported resource`: the advice names the version it needs), and a
        restart policy compose passes on and the engine refuses at create (`restart: sometimes`,
        `always:3`, a swarm file's `deploy.restart_policy` with `condition: any` and
        `max_attempts`). A project whose every service sits in a profile that is off (`docker
        compose up`: "no service selected") is a warning: the other checks then judge no service
        (not while a `.env` compose stops at, saved as UTF-16, may be what sets COMPOSE_PROFILES);
        its advice names the profiles to pass (`add --profile dev to the command` where there is
        one), or, where the `.env` compose reads is missing or lacks the line and its template sets
        COMPOSE_PROFILES, that template (docker-rails-example's `copy .env.example to .env, which
        sets COMPOSE_PROFILES=postgres,redis,assets,web,worker,cable`).
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
        docker-compose.yml:87  env file .env not found: 'db', 'web' and 5 more services load it
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
        reference to a volume, network, secret, config, model or service no file defines gets the defined
        name likely meant when exactly one is clearly closest (a typo, `-`/`_` swapped, a prefix or
        suffix, an abbreviation: `did you mean 'postgres_data'?` for django-on-docker's db mounting
        `pgdata`), renamed at its line; a service may also be the one that runs what the name says
        (CTFd's `depends_on: [redis]` while `cache` runs `redis:4`; advice, and only when one
        service fits). A volume, network, secret, config or model with no close name gets the lines that
        define it at the top level (`volumes:` and under it `  pgdata:`; advice). A refused
        restart policy gets the value to use (advice). A missing build
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
        external one may be meant to hold data from elsewhere, which an empty one would not); one
        whose `name:` a variable left empty, so that compose took the key (zammad's scenario
        `name: ${ZAMMAD_ELASTICSEARCH_EXTERNAL_NETWORK}`, a reverse proxy's network), gets setting the
        variable first. A
        missing env file that the project's Makefile makes (redash's and kitsune's `.env:` rule; a
        recipe's `cp .env.example .env` or `> .env`, any command of the line: `test -f .env || cp -n
        .env-dist .env;`; the rule for the file first, a target that only appends to it with `>>`
        last: suitenumerique/people's `make env.d/development/common`, not its
        add-dev-rsa-private-key-to-env) gets that `make` command (advice); one that exists at the same path
        written from a folder above the compose folder gets that path (`did you mean
        ../../.env.local.example?`, advice); one with a template beside it is
        env-drift's to copy; one that is a symlink to a file that does not exist (formbricks' tracked
        `apps/web/.env -> ../../.env`) gets the link's target to create, from the template beside the
        target (`copy .env.example to .env, which apps/web/.env links to`), the Makefile's rule for
        it, or by hand (advice), never a file at the link's own path: that would replace the
        project's link, and the file the rest of the project reads through it would still be
        missing; any other gets advice: create it with the variables its services read
        from it, or make it optional at its line (`env_file: [{path: .env, required: false}]`,
        Docker Compose 2.24 or later; not where `--env-file` names it too: compose still stops there).

    Fix safety
        The rename of a reference to the one close defined name is safe: compose refuses the
        project as written, and only that word changes, on the one line of its block that names
        it (quoting and the rest of the line kept); two names as close, a name written twice there
        or a name from a variable leave advice. A secret's or config's rename is asked first: its
        short form also names its file in the container. Everything else is advice: nothing is written.
    """

    id = "compose-config"
    fork_safe = True  # reads no probe the run starts early: may run beside the run (doctor.forked)
    # not project-only: it asks the engine for the external volumes and networks the services use

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        problems = list(project.compose.problems)
        if project.dotenv is not None:
            problems.extend(project.dotenv.problems)
        problems.extend(project.unreadable_inputs)
        seen: set[tuple[str, Location | None]] = set()
        seen_lines: set[tuple[str, Location]] = set()
        advice: ProblemFixes | None = None
        chosen = _missing_chosen_env_files(problems)
        merged = _merged_lines(problems)
        for problem in problems:
            # one missing env file is one refusal of compose's however many services load it (bookwyrm's
            # seven `env_file: .env`): one finding, at the first one's line, naming the others
            shared = _missing_env_file(problem)
            key = (problem.message, None if shared else problem.location)
            line = _interpolated_line(problem)
            if line is not None and line in seen_lines:
                continue  # the anchor's line once, not again for each service merging it (baserow's five)
            if shared and _missing_path(problem) in chosen:
                continue  # compose stops at the --env-file naming it first (AdventureLog's .env.advanced)
            if key not in seen:
                seen.add(key)
                if line is not None:
                    seen_lines.add(line)
                if advice is None:  # here: a project compose reads cleanly never imports the advice's code
                    from .problem_fixes import ProblemFixes

                    advice = ProblemFixes(project, host)
                fix = advice.fix_for(problem)
                # the fingerprint keeps compose's message: a baseline holds wherever doctor runs from
                severity = Severity.WARNING if problem.kind is ProblemKind.LIMIT else None  # compose has no fault there
                message = project.shown_problem(problem)
                if shared:
                    from .env_files import _loaded_by

                    message += _loaded_by(project, problem)
                elif _missing_path(problem) in chosen:
                    from .env_files import _also_loaded_by

                    message += _also_loaded_by(project, problem)
                elif line is not None and len(merged.get(line, ())) > 1:
                    users = merged[line]
                    message += f" ({service_names(users)} {'merge' if len(users) > 1 else 'merges'} this line)"
                yield self.finding(message, problem.location, f"{problem.kind.value}:{_said(project, problem)}",
                                   fix, severity)
        yield from self._missing_builds(project)
        yield from self._refused_restarts(project)
        yield from self._secret_sources(project)
        yield from self._missing_externals(project, host)
        model = project.compose
        # a .env compose stops at (saved as UTF-16) may set COMPOSE_PROFILES: no profile is known to be off
        unread = any(reads_as_none(project.env_file(path)) for path in project.interpolation_files)
        if model.files and not model.services and model.disabled_services and not unread:
            # hoppscotch: every service has `profiles:`; without one active the other checks judge nothing
            off = len(model.disabled_services)
            message = (f"every service ({off}) sits in a profile that is off: 'docker compose up' stops with "
                       "'no service selected', and the other checks judge none of them")
            from .profiles_off import profiles_fix

            yield self.finding(message, Location(model.files[0]), "profiles:none-active", profiles_fix(project),
                               Severity.WARNING)

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
            # here: a project whose builds all exist never imports these
            from .builds import _build_advice, _placeholder

            shown = project.shown(miss.path)
            if miss.what == "build context":
                message = f"'{miss.service}' builds from {shown}/, which does not exist: up fails"
            elif miss.what.startswith("additional context "):
                message = (f"'{miss.service}' takes build context '{miss.what.split(' ', 2)[2]}' from {shown}/, which "
                           "does not exist: the build fails")
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
            elif path and _unreachable(path):
                # behind a folder this user may not enter: the engine, not this user, bind-mounts it
                users = _users_of(project, kind, name)
                of = f" of {service_names(users)}" if users else ""
                message = (f"cannot look at {project.shown(Path(path))}, the file this {kind}{of} is read from: "
                           "permission denied")
                yield self.finding(message, at, f"{kind}-file:{name}", severity=Severity.INFO)
            elif path and not exists(path):
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
        if not used:
            return
        from .externals import _engine_has, _made_by, _Scripts  # here: a project using none never imports these

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
            if (variable := project.compose.external_blank.get(f"{kind}:{name}")) is not None:  # name is the key
                # zammad's `name: ${ZAMMAD_ELASTICSEARCH_EXTERNAL_NETWORK}`: the proxy's network to join
                message += f" (its name, ${{{variable}}}, is empty: compose took the key)"
                title = f"set {variable} to the {kind} to use (in .env), or " + title
            fix = Fix(title, Safety.ADVICE, command=("docker", kind, "create", name))
            yield self.finding(message, location, f"{','.join(users)}:external-{kind}:{name}", fix)

_INTERPOLATING = "error while interpolating "


def _interpolated_line(problem: Problem) -> tuple[str, Location] | None:
    """(compose's words after the path, the line) of an interpolation error: one line an anchor holds fails for the
    anchor and again for each service merging it (`x-backend-variables.SECRET_KEY`, `services.backend....`)."""
    if problem.kind is not ProblemKind.INTERPOLATION or problem.location is None or \
            not problem.message.startswith(_INTERPOLATING):
        return None
    _, sep, words = problem.message.partition(": ")
    return (words, problem.location) if sep else None


def _merged_lines(problems: list[Problem]) -> dict[tuple[str, Location], list[str]]:
    """The services whose interpolation fails at each line (`services.NAME....`), in order, each once."""
    found: dict[tuple[str, Location], list[str]] = {}
    for problem in problems:
        line = _interpolated_line(problem)
        if line is None:
            continue
        path = problem.message[len(_INTERPOLATING):].partition(": ")[0]
        users = found.setdefault(line, [])
        if path.startswith("services."):
            name = path.removeprefix("services.").partition(".")[0]
            if name not in users:
                users.append(name)
    return found


def _missing_env_file(problem: Problem) -> bool:
    """`env file PATH not found`: a service's required env_file that does not exist."""
    return (problem.kind is ProblemKind.ENV_FILE and problem.message.startswith("env file ")
            and problem.message.endswith(" not found"))


def _missing_path(problem: Problem) -> str | None:
    """The missing env file's path, normalized (`docker/../.env.advanced` is `.env.advanced`), of `env file
    PATH not found` or of `couldn't find env file: PATH`; None for any other problem."""
    if problem.kind is not ProblemKind.ENV_FILE:
        return None
    if _missing_env_file(problem):
        return os.path.normpath(problem.message.removeprefix("env file ").removesuffix(" not found"))
    if problem.message.startswith(_CHOSEN_MISSING):
        return os.path.normpath(problem.message.removeprefix(_CHOSEN_MISSING))
    return None


# compose's words for a missing --env-file (or COMPOSE_ENV_FILES entry): it stops there, before any env_file
_CHOSEN_MISSING = "couldn't find env file: "


def _missing_chosen_env_files(problems: list[Problem]) -> set[str | None]:
    """The missing env files chosen to interpolate with, whose `env_file:` lines compose never reaches."""
    return {_missing_path(p) for p in problems
            if p.kind is ProblemKind.ENV_FILE and p.message.startswith(_CHOSEN_MISSING)} - {None}


def _said(project: Project, problem: Problem) -> str:
    """The problem's words as its subject (a baseline's fingerprint) keeps them: the project's paths from its
    folder, the same in every checkout and no developer's home folder in a committed .doctor-baseline.json
    (a missing env file in the folder around it, AdventureLog's `../.env.advanced`, too). No service is named:
    one added to those loading a missing env file leaves its suppression as it was."""
    said = problem.message.replace(f"{project.root}/", "")
    outer = project.root.parent
    if problem.kind is ProblemKind.ENV_FILE and outer != outer.parent:
        said = said.replace(f"{outer}/", "../")
    return said


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


def _unreachable(path: str) -> bool:
    """Whether a folder on the way to `path` is one this user may not enter (so nothing can be said of it)."""
    try:
        stat_of(path)
    except PermissionError:
        return True
    return False


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
