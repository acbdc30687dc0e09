"""env-drift: variables compose needs with no value or default; .env.example keys missing from .env."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity, and_list
from doctor.project import Project, real_path, template_names
from doctor.project.envfile import read_env_file
from doctor.project.reading import ENV_LIMIT, is_file, read_text
from doctor.project.types import ComposeModel, EnvFile, EnvSource, ProblemKind, VariableUse

from .exported import make_sets, wrapper_sets
from .fix import _append_fix, _rel, _template
from .images import unpassworded
from .loaders import load_it, loaders, made_reads, needed_by, reaches_app, skipped_by
from .places import BREAKS, DROPS, OPTIONAL, _Keys, _lines, _services_of, empty_arg_builds_alike, placeholder_paths
from .shell_required import required_unset

# a service env file's template beside it (template_names): backend/.env -> backend/.env.example
# (`.env.dev-sample` too: testdrivenio's django-on-docker, whose README says to copy it)


class EnvDrift(Check):
    """variables compose needs with no value or default; keys in .env.example missing from .env

    What it finds
        A `${VAR}` (or `$VAR`) in a compose file, or in a value of a service's env_file (compose
        interpolates those too: `DB_PORT=${DB_PORT}` in `app.env`, reported at its line), that is set
        neither in the shell nor in `.env` (nor, in an env_file, by its own earlier keys) and has no
        default (a `$` in such a value that the author meant literally, glued to the word before it
        or before a name with a lower-case letter, a generated password `Xy7$kLmQ9pw`, is
        named as that: compose drops `$kLmQ9pw` from the value, and the fix, asked, single-quotes
        it, which compose and python-dotenv read literally; `${NAME}` and `$NAME` after a separator
        are references), and keys of `.env.example` (or `.env.sample`, `.env.dist`, `.env.template`,
        and each with `-` or `_` for the dot: kitsune's `.env-dist`, whose Makefile runs `cp -n
        .env-dist .env`; `env.example` (umami's podman/`env.sample` too), `example.env`, and the
        word before `_env`: ChiefOnboarding's `.example_env`) that the developer's `.env` lacks;
        where the project also has a template for its docker setup (`.env.docker`, Laravel Sail's
        `.env.example.sail`), the one whose keys and hosts fit the compose files best is the
        template (snipe-it's `.env.docker`, DB_HOST=db, not its host app's `.env.example`).
        `${VAR:-}`, `${VAR-default}` and `${VAR:?message}` are deliberate and not findings; a key
        set in the shell counts as set. An
        unset variable is an error where the empty value breaks something (an image tag, a port, a
        volume source, `container_name`, a build path; a warning where it is a mapping's whole host
        port, getsentry/self-hosted's `"$SENTRY_BIND:80/tcp"`: compose then publishes the container
        port on a random host port, another at each `up`), info where compose only passes an empty
        optional value on (a label, or an `environment:` value the template itself leaves empty,
        like `SENTRY_DSN=`, or mentions only in a comment, like `# STORAGE_S3_REGION=`; or a build
        arg the service's Dockerfile declares with no default, langfuse's `ARG
        NEXT_PUBLIC_LANGFUSE_CLOUD_REGION`: empty and unset build alike),
        a warning otherwise (`hostname: "$HOSTNAME"` with HOSTNAME unset, as most shells leave it:
        compose drops the empty hostname and the container takes its ID, so `up` works); compose
        warns about each too. A variable
        only a service of a profile that is off uses is info: nothing that starts breaks; so is one
        the project's Makefile sets and exports to its recipes (openedx/devstack's options.mk
        `DEVSTACK_WORKSPACE ?= $(shell pwd)/..` under its Makefile's bare `export`), or that a script
        of the project's that runs compose exports with a value (Laravel Sail's `vendor/bin/sail`,
        which its docs run: `export WWWUSER=${WWWUSER:-$UID}`), which only a plain `docker compose`
        run lacks. The
        template is compared with `.env` only when compose reads `.env` (the files in use
        interpolate a variable for a service that starts, or a service loads it as env_file, itself or
        through a link: formbricks' `apps/web/.env -> ../../.env`), or
        when a Makefile includes it (go-clean-template's `include .env` and `export`, whose `make run`
        starts the app on the host with its keys: a key missing there is a warning).
        A template key that compose only interpolates with its own default
        (`${POSTGRES_DB:-maybe_production}`) and no service loads `.env` for is info: the
        stack runs on that default. So is one `.env` passes to no container (no service loads
        it as env_file, bind-mounts it or a link to it, or COPYs it into its image, and compose
        interpolates no `${KEY}`): the template
        serves another setup (maybe-finance's SMTP_* beside a compose file that never passes them).
        A `${KEY:?err}` that stops compose (fastapi-template's SECRET_KEY, missing from an older
        `.env`) is interpolated: a warning beside compose-config's error, one fix for both.
        A missing `.env` whose template has no key compose interpolates or reads itself
        (`COMPOSE_*`), and that would reach no container either, is info too (openedx/devstack's
        Drupal-era `XDEBUG_IP_ADDRESS` beside a compose file interpolating only
        `${COMPOSE_PROJECT_NAME:-devstack}`). So is a missing `.env` whose keys compose interpolates
        all have compose defaults, where it reaches no container (maybe-finance's compose.example.yml
        gives SECRET_KEY_BASE and POSTGRES_PASSWORD defaults of its own): the stack runs on
        those, and the copy, which would put the template's `secret-value` and `postgres` in their
        place, is advice.
        A service's own env file (`env_file: ./backend/.env`) is compared the same way with the
        template beside it named the same way (`backend/.env.example`, `backend/.env-dist`,
        `.env.dev-sample`), except for
        keys the service's `environment:` or another of its env files sets. An env file never
        copied from its template is judged as compose treats it (checked with docker compose
        2.40): an error naming the services that load it where `up` stops without it ("env file
        not found"): a service that starts loads it without `required: false`, whatever its name
        (`env_file: .env` is no different from `backend/.env`), or `--env-file` names it
        ("couldn't find env file"); info where compose skips it, every service loading it with
        `required: false` (its copy is then advice: the project runs without it by design), unless
        compose interpolates its keys too: a missing `.env` compose interpolates from is judged
        by its keys, as above. The fix
        copies the template, unless the Makefile writes the file other than by
        a plain `cp` (pontoon's `sed -e "s/#SITE_URL#/.../" server.env.template > server.env`):
        then it is that `make` command (advice), as a copy would keep the placeholders.
        A postgres, mysql or mariadb image (postgis and pgvector are postgres; not a re-packager's:
        linuxserver's mariadb reads other variables and starts without a password, bitnami's too), run
        as its server (not huginn's data-only `command: /bin/true`), whose service gets
        none of the password variables its entrypoint needs to initialize an empty data volume
        (`POSTGRES_PASSWORD=` left empty by a copied `.env.sample`, linkwarden's) is a warning at
        the line that sets it empty; `POSTGRES_HOST_AUTH_METHOD=trust`, a `*_PASSWORD_FILE`, or
        `MYSQL_ALLOW_EMPTY_PASSWORD` satisfy it, and a postgres tag pinning a release from before
        the password became required (`postgres:11.5-alpine`; 9.6.17, 10.12, 11.7, 12.2 and
        later refuse) needs none. An image the project builds FROM one of them
        (ckan-docker's `db`) is judged the same way when its Dockerfile sets none of the variables
        and keeps the image's entrypoint; any other build is left alone, and so is a service whose
        `entrypoint:` replaces the image's (formbricks' `hub-db-create`, `sh -c` running psql), or whose
        environment compose could not interpolate (compose-config reports the required variable).
        A `${VAR}` in a value of `.env` itself (the file compose interpolates from) that the shell
        does not set (data-hub's `COV_TOKEN=${COV_TOKEN}`, a CI secret) is info: compose substitutes
        '' and warns on every command.
        A variable a service's `sh -c` command or entrypoint requires (`$${REDIS_PASSWORD:?not set}`:
        compose passes `$$` on as `$`, the container's shell reads it) that its environment
        (`environment:`, its env files, its Dockerfile's ENV) does not set, or sets empty for `:?`,
        is an error at the command's line: the shell stops and the container exits at start
        (peeringdb's redis with the empty `Ctl/dev/.env` its setup `touch`es); compose says nothing.
        Its fix appends the key from the env file's template when that gives it a value, else says
        to set it in the service's env file.
        A `.env` value still the template's placeholder path (`/path/to/...`, `<...>`) that a bind
        mount takes as its source is a warning at its `.env` line: a value to set, not a folder
        to create (a build context's is compose-config's, whose advice says the same).
        With `--env-file` or `COMPOSE_ENV_FILES` compose reads no `.env` of its own: each chosen file
        (penpot's `docker/devenv/defaults.env`) takes its place, compared with its own template
        (`defaults.env.example`), a key set in any of them counting as set. A missing variable goes
        to the chosen file whose template lists it (bookwyrm's `--env-file .env --env-file
        .env.dev`: REDIS_PORT to `.env`, from `.env.example`), else to the last one, whose value
        compose takes; `.env` not chosen is compared with `.env.example` only as a service's
        env_file. With `COMPOSE_DISABLE_ENV_FILE` compose reads none: the advice is the shell.

    Why it matters
        compose only warns and substitutes an empty string, so the stack starts with an empty
        password, a port mapping of ":5432" or an image tag of "app:" and fails somewhere far
        from the cause. A key added to `.env.example` by a teammate and missing from an old
        `.env` is the usual source.

    Example
        compose.yaml:12  'SENTRY_DSN' is not set and has no default: compose substitutes ''

    Fix
        Append the key to `.env` (the chosen env file, or the service's env file) as the template writes it (every
        line of a multi-line quoted value, byte for byte), marked with a comment `# added by doctor from .env.example`;
        advice only when `.env` would not read back as before plus that entry (it ends inside an
        open quote). For a key compose gives a default, advice only: the template's value
        (`POSTGRES_DB=postgres`) would replace the default a database volume was created
        with. For a variable the example does not list, set it in `.env` or give it a
        default (`${VAR:-value}`). A missing `.env` or service env file is copied whole from its
        template.

    Fix safety
        Safe: the fix only appends a line to `.env` (backed up first when git does not track it);
        no existing line changes.
    """

    id = "env-drift"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    fix_family = "env"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        model = project.compose
        chosen = project.chosen_env_files
        example, dotenv = project.env_example, project.dotenv
        if dotenv is not None and any(p.kind is ProblemKind.LIMIT for p in dotenv.problems):
            return  # a .env doctor did not read (compose does): what it sets is not known (compose-config says so)
        present = set(dotenv.as_dict()) if dotenv is not None else set()
        dotenv_path: Path | None = dotenv.path if dotenv is not None else model.project_dir / ".env"
        targets = [_Target(dotenv_path, dotenv, example)]
        if chosen is not None:
            # --env-file / COMPOSE_ENV_FILES: compose interpolates from those and reads no .env, so
            # each is compared with its own template (penpot's docker/devenv/defaults.env;
            # bookwyrm's `.env` with `.env.example` beside `.env.dev` with `.env.dev.example`), the
            # last first (its key wins); .env counts only as a service's env_file
            paths = list(dict.fromkeys(reversed(chosen)))
            targets = [_Target(p, project.env_file(p), _template_of(p)) for p in paths] or [_Target(None, None, None)]
            present = {k for path in chosen if (read := project.env_file(path)) is not None for k in read.as_dict()}
        shell = set(project.options.env)
        reported: set[str] = set()
        keys = _Keys()
        # a use inside a service its profiles leave off breaks nothing that starts (compose still warns)
        off = set(model.disabled_services)
        # which service each use sits in matters only when some service is off (a pass over the file)
        owners = (_services_of([u.location for u in model.variable_uses]) if off
                  else [None] * len(model.variable_uses))
        uses = sorted(zip(model.variable_uses, owners, strict=True), key=lambda pair: pair[1] in off)
        live_uses = [u for u, owner in uses if owner not in off]
        # the files services load, links followed: formbricks' `cube` loads `apps/web/.env -> ../../.env`,
        # which is the root .env (its copy from .env.example is the file compose stops without)
        loaded = {real_path(p) for s in model.services.values() for p in s.env_files}
        for target in targets:
            # the template matters only where compose reads the file: interpolation or an env_file
            target.env_filed = target.path is not None and real_path(target.path) in loaded
            # go-clean-template's Makefile: `include .env` and `export`, its `make run` starting the app on the host
            target.made = target.path is not None and made_reads(project, target.path)
            # compose stops without it: a service loads it without `required: false`, or --env-file names it
            target.needed_by = (needed_by(project, target.path, chosen is not None)
                                if target.path is not None and target.file is None else None)
            target.reads = bool(live_uses) or target.env_filed or target.made or target.needed_by is not None
            # no .env at all: one finding below copies the template whole (its fix sets these too)
            target.copied_whole = (target.example is not None and target.file is None and target.path is not None
                                   and target.example.path != target.path and target.reads
                                   and not os.path.lexists(target.path))
        env_filed = {p for s in model.services.values() for p in s.env_files}
        for use, owner in uses:
            is_set = use.is_set if use.is_set is not None else use.name in model.variables
            if use.has_default or use.required or is_set or use.name in reported:
                continue
            reported.add(use.name)
            # the env file whose template lists the key (`.env` of `.env.example`, not `.env.dev`
            # after it); else the last chosen one, whose value compose would take
            target = next((t for t in targets if t.example is not None and t.example.entry(use.name) is not None),
                          targets[0])
            dotenv_path, dotenv, example = target.path, target.file, target.example
            entry = example.entry(use.name) if example is not None else None
            # an env_file's `KEY=${VAR}` (compose.load_project puts those beside its own files' uses)
            in_env_file = use.location is not None and use.location.path in env_filed
            key = "environment" if in_env_file else keys.of(use.location)
            # optional: the template itself leaves it empty (SENTRY_DSN=) or only mentions it in a
            # comment (twenty's `# STORAGE_S3_REGION=eu-west3` beside STORAGE_TYPE=local), or a label
            commented = (key in OPTIONAL and entry is None and example is not None
                         and use.name in keys.commented_out(example.path))
            optional = key == "labels" or commented or (key in OPTIONAL and entry is not None and not entry.value)
            severity = Severity.ERROR if key in BREAKS else Severity.INFO if optional else None
            message = f"'{use.name}' is not set and has no default: compose substitutes ''"
            if key == "ports" and _whole_host_side(use):
                # getsentry/self-hosted's `"$SENTRY_BIND:80/tcp"`: `:80` publishes port 80 on a host port
                # the engine picks, which changes at each `up`
                severity = Severity.WARNING
                message += " in ports: the container port is published on a random host port, another at each up"
            elif key in BREAKS:
                message += f" in {key}: {BREAKS[key]}"
            elif key in DROPS:
                message += f" in {key}: {DROPS[key]}"
            elif key in OPTIONAL:
                message = f"'{use.name}' is not set: compose passes an empty {key} value on (and warns too)"
            if commented and example is not None:
                message += f"; {project.shown(example.path)} comments it out (optional)"
            if key == "args" and severity is None and (built := _args_alike(model, keys, use)):
                severity = Severity.INFO
                message += f"; {project.shown(built)} declares it with no default: empty and unset build alike"
            if owner in off:
                severity = Severity.INFO
                message = (f"'{use.name}' is not set and has no default: only '{owner}' uses it, which its "
                           "profiles leave off (compose warns too)")
            elif (made := make_sets(project, use.name)) is not None:
                # openedx/devstack: options.mk's `DEVSTACK_WORKSPACE ?= $(shell pwd)/..`, exported by its
                # Makefile to every `make dev.*` that runs compose: plain `docker compose` alone lacks it
                severity = Severity.INFO
                message += (f"; {made} sets and exports it to `make` targets, so only a plain `docker compose` "
                            "run lacks it")
            elif (wrapped := wrapper_sets(project, use.name)) is not None:
                # Laravel Sail's vendor/bin/sail: `export WWWUSER=${WWWUSER:-$UID}`, then `docker compose "$@"`
                severity = Severity.INFO
                message += (f"; {wrapped} exports it to the compose it runs, so only a plain `docker compose` "
                            "run lacks it")
            if dotenv_path is None:  # COMPOSE_DISABLE_ENV_FILE: compose reads no env file at all
                fix = Fix(f"export {use.name} in the shell (COMPOSE_DISABLE_ENV_FILE: compose reads no .env) "
                          f"or give it a default (${{{use.name}:-value}})", Safety.ADVICE)
            elif entry is not None and example is not None and dotenv is None and target.copied_whole:
                # the copy is the other finding's fix: an advice here too read "skipped ... advice
                # only" then "applied" for the same copy in one `doctor fix`
                fix = None
                sets = "sets it" if entry.value else "lists it with no value (a copy leaves it empty: give it one)"
                message += f"; {project.shown(example.path)} {sets}, and there is no {project.shown(dotenv_path)}"
            elif entry is not None and example is not None and dotenv is None:
                fix = Fix(f"copy {project.shown(example.path)} to {project.shown(dotenv_path)}", Safety.ADVICE)
            elif entry is not None and example is not None:
                fix = _append_fix(example, entry, dotenv_path, project.shown(dotenv_path),
                                  project.shown(example.path), project.root)
            else:
                title = f"set {use.name} in {project.shown(dotenv_path)} or give it a default (${{{use.name}:-value}})"
                fix = Fix(title, Safety.ADVICE)
            if in_env_file and entry is None and (literal := _literal_dollar(project, use)) is not None:
                message, fix = literal  # `POSTGRES_PASSWORD=Xy7$kLm`: no variable meant, a `$` in the value
            yield self.finding(message, use.location, use.name, fix, severity)
        for target in targets:
            yield from self._unset_in_dotenv(project, target, reported)
        # peeringdb's redis: `sh -c '... $${REDIS_PASSWORD:?...}'` with an empty env_file exits at `up`
        appended: set[tuple[Path, str]] = set()
        for message, written, subject, fix, severity in required_unset(project, _template_of, appended):
            yield self.finding(message, written, subject, fix, severity)
        reported |= {key for path, key in appended if any(t.path == path for t in targets)}
        for target in targets:
            yield from self._template_keys(project, target, live_uses, present, shell, reported)
        # a service's env file that links to a target compared with its template above is that target
        templated = {real_path(t.path) for t in targets if t.path is not None and t.example is not None}
        yield from self._env_file_templates(project, {t.path for t in targets}, templated, appended)
        for message, written, subject, fix, severity in unpassworded(project):
            yield self.finding(message, written, subject, fix, severity)

    def _unset_in_dotenv(self, project: Project, target: _Target, reported: set[str]) -> Iterator[Finding]:
        """Info for each `${VAR}` in a value of the env file compose interpolates from (data-hub's
        `.env:8 COV_TOKEN=${COV_TOKEN}`) that neither the shell nor an earlier key sets: compose
        substitutes '' and warns on every command, whichever service uses it."""
        if target.file is None or target.path is None:
            return
        shown = project.shown(target.path)
        for name, line in target.file.unset:
            if name in reported:
                continue
            reported.add(name)
            message = (f"'{name}' is not set in the shell, which {shown} reads it from: compose substitutes '' "
                       "and warns on every command")
            fix = Fix(f"export {name} in the shell, or give it a default there (${{{name}:-}})", Safety.ADVICE)
            severity = Severity.INFO
            if (literal := _literal_dollar(project, VariableUse(name, Location(target.path, line)))) is not None:
                # `POSTGRES_PASSWORD=Xy7$kLm`: the containers get `Xy7`, the host's readers of .env the whole
                message, fix = literal
                severity = Severity.WARNING
            yield self.finding(message, Location(target.path, line), name, fix, severity)

    def _template_keys(self, project: Project, target: _Target, live_uses: list[VariableUse], present: set[str],
                       shell: set[str], reported: set[str]) -> Iterator[Finding]:
        """The keys of an env file's template (`.env.example`) the env files compose reads lack
        (`present`), or one finding when the file was never copied from it."""
        dotenv_path, dotenv, example, env_filed = target.path, target.file, target.example, target.env_filed
        if example is None or dotenv_path is None or example.path == dotenv_path or not target.reads:
            return
        reaches = env_filed or target.made or reaches_app(project, dotenv_path)
        if dotenv is None:
            if os.path.lexists(dotenv_path):  # one that cannot be read (a FIFO): compose-config says why
                return
            if target.needed_by is not None:
                # compose stops without it (`env file .env not found`), as without backend/.env: an error
                # wherever it is, naming what needs it
                yield from self._never_copied(project, example, dotenv_path, target.needed_by)
                return
            # devstack's Drupal-era `.env.example` (XDEBUG_IP_ADDRESS) beside a compose file that
            # interpolates only ${COMPOSE_PROJECT_NAME:-devstack}: a .env made from it reaches nothing
            # (compose itself reads COMPOSE_PROJECT_NAME, COMPOSE_PROFILES, ... from .env)
            names = {u.name for u in live_uses}
            interpolated_any = any(e.key in names or e.key.startswith("COMPOSE_") for e in example.entries)
            if env_filed and not (target.made or reaches_app(project, dotenv_path) or interpolated_any):
                # loaded only with `required: false`, and nothing else reads it: compose skips it
                skipped = skipped_by(loaders(project, dotenv_path, required=False))
                yield from self._never_copied(project, example, dotenv_path, skipped, skipped=True)
                return
            used = env_filed or reaches or interpolated_any
            # maybe-finance's compose.example.yml: every key of the template it interpolates has a
            # default there (`${SECRET_KEY_BASE:-a7523c...}`, `${POSTGRES_PASSWORD:-maybe_password}`),
            # and the stack runs on them; a copy would put `secret-value` and `postgres` in their place
            interpolated = [e.key for e in example.entries if e.key in names]
            on_defaults = [] if env_filed or reaches or any(e.key.startswith("COMPOSE_") for e in example.entries) \
                else [k for k in interpolated if all(u.has_default for u in live_uses if u.name == k)]
            if on_defaults and len(on_defaults) < len(interpolated):
                on_defaults = []
            yield from self._no_dotenv(project, example, dotenv_path, shell, used, on_defaults)
            return
        # wger's dev/.env copied whole: `WGER_CODEPATH=/path/to/wger/server` is a setting to
        # make, not a folder to create (compose-config leaves such a build context to this)
        for message, severity, fix, location in placeholder_paths(project, dotenv, example):
            yield self.finding(message, location, f"placeholder:{message.partition('=')[0]}", fix, severity)
        for entry in example.entries:
            if entry.key in present or entry.key in shell or entry.key in reported:
                continue
            reported.add(entry.key)
            shown, into = project.shown(example.path), project.shown(dotenv_path)
            message = f"'{entry.key}' from {shown} is missing from {into}"
            if target.made and not env_filed and not any(u.name == entry.key for u in live_uses):
                message += " (the Makefile includes it: its targets run the app on the host with it)"
            location = Location(example.path, entry.line)
            fix = _append_fix(example, entry, dotenv_path, into, shown, project.root)
            defaulted = [u for u in live_uses if u.name == entry.key]
            if defaulted and all(u.has_default for u in defaulted) and not env_filed:
                # compose uses its own default today: the template's value (maybe-finance's
                # POSTGRES_PASSWORD=postgres over `${POSTGRES_PASSWORD:-maybe_password}`) would
                # change what a database volume was created with, so say so and edit nothing
                where = _where(project, defaulted[0].location)
                message += f": compose uses the default at {where} until it is set"
                fix = Fix(f"set {entry.key} in {into} only if the default at {where} is not the value "
                          "you want", Safety.ADVICE)
                yield self.finding(message, location, entry.key, fix, Severity.INFO)
                continue
            if not defaulted and not reaches:
                # maybe-finance's self-hosting compose reads .env only for ${POSTGRES_*}: its
                # SMTP_* keys reach no container from there (the template serves other setups)
                message += f" (no service loads {into}, and compose interpolates no ${{{entry.key}}})"
                yield self.finding(message, location, entry.key, fix, Severity.INFO)
                continue
            yield self.finding(message, location, entry.key, fix)

    def _env_file_templates(self, project: Project, compared: set[Path | None], templated: set[str],
                            appended: set[tuple[Path, str]]) -> Iterator[Finding]:
        """A service's own env_file (`backend/.env`) against the template beside it
        (`backend/.env.example`): keys a teammate added there that this copy lacks. One of the files
        compose interpolates from (`compared`), or a link to one already compared with its template
        (`templated`, real paths: formbricks' `apps/web/.env -> ../../.env`), is not compared again. A
        key the service's `environment:` or another of its env files sets is not missing, and one a
        finding about a service's `sh -c` already appends (`appended`) is not asked for twice."""
        root = project.compose.project_dir
        users: dict[Path, list[str]] = {}
        skipped: dict[Path, list[str]] = {}  # absent, loaded only with `required: false`
        for name, service in sorted(project.compose.services.items()):
            for path in service.env_files:
                if path in compared or real_path(path) in templated:
                    continue
                if is_file(path) or path not in service.optional_env_files:
                    users.setdefault(path, []).append(name)
                else:
                    skipped.setdefault(path, []).append(repr(name))
        for path, names in skipped.items():
            if path not in users and (example := _template_of(path)) is not None and example.entries:
                yield from self._never_copied(project, example, path, skipped_by(names), skipped=True)
        for path, names in users.items():
            example = _template_of(path)
            if example is None or not example.entries:
                continue
            if not is_file(path):  # compose stops: "env file not found"; the template is the copy to make
                yield from self._never_copied(project, example, path, load_it([repr(n) for n in names]))
                continue
            have = set(read_env_file(path, lookup=project.options.env).as_dict())
            for name in names:
                service = project.compose.services[name]
                have |= {k for k, v in service.environment.items() if v.source is EnvSource.ENVIRONMENT}
                have |= {k for other in service.env_files if other != path and is_file(other)
                         for k in read_env_file(other, lookup=project.options.env).as_dict()}
            shown, target = project.shown(example.path), project.shown(path)
            whose = ", ".join(repr(n) for n in names)
            for entry in example.entries:
                if entry.key in have or (path, entry.key) in appended:
                    continue
                message = f"'{entry.key}' from {shown} is missing from {target} (env_file of {whose})"
                fix = _append_fix(example, entry, path, target, shown, root)
                subject = f"{_rel(path, root)}:{entry.key}"  # the project's own path: stable wherever doctor runs
                yield self.finding(message, Location(example.path, entry.line), subject, fix)


    def _never_copied(self, project: Project, example: EnvFile, path: Path, who: str,
                      skipped: bool = False) -> Iterator[Finding]:
        """One finding for an env file never copied from its template, saying `who` reads it
        (loaders.needed_by, loaders.skipped_by): an error with the copy where compose stops without
        it, info with the copy as advice where compose skips it (`required: false`: the project
        runs without it by design, and the copy would change what the service gets)."""
        try:
            text = read_text(example.path, ENV_LIMIT, errors="strict")
        except (OSError, UnicodeDecodeError):
            return
        shown, target = project.shown(example.path), project.shown(path)
        keys = [e.key for e in example.entries]
        message = (f"there is no {target}: {who}{'; ' if skipped else ' and '}{shown} lists {_keys(keys)} for it "
                   f"('{keys[0]}', ...)")
        copy = Fix(f"copy {shown} to {target}", Safety.SAFE, (Edit(path, "", text),))
        if skipped:
            copy = Fix(f"copy {shown} to {target} if the service should get those keys (compose starts without it)",
                       Safety.ADVICE)
        fix = _made_by_make(project, path) or copy
        subject = _rel(path, project.root)  # the project's own path: stable wherever doctor runs
        severity = Severity.INFO if skipped else Severity.ERROR
        yield self.finding(message, Location(example.path, example.entries[0].line), subject, fix, severity)

    def _no_dotenv(self, project: Project, example: EnvFile, dotenv: Path, shell: set[str],
                   used: bool, defaulted: list[str]) -> Iterator[Finding]:
        """One finding for a .env never created from its template, not one per key: info when
        nothing would take a value from it (`used` false: compose interpolates none of its keys,
        and no service loads it as env_file or gets it through a mount or COPY), and info with
        advice where the keys compose interpolates from it all have compose defaults (`defaulted`):
        the stack runs on those, which a copy would replace with the template's values."""
        keys = [e.key for e in example.entries if e.key not in shell]
        if not keys or os.path.lexists(dotenv):  # one that cannot be read (a FIFO): compose-config says why
            return
        try:
            text = read_text(example.path, ENV_LIMIT, errors="strict")
        except (OSError, UnicodeDecodeError):
            return
        shown, target = project.shown(example.path), project.shown(dotenv)
        message = f"there is no {target}: {shown} lists {_keys(keys)} for it ('{keys[0]}', ...)"
        edit = Edit(dotenv, "", text)
        fix = _made_by_make(project, dotenv) or Fix(f"copy {shown} to {target}", Safety.SAFE, (edit,))
        severity = None
        if not used:  # the template serves another setup: a copy would change nothing here
            message += f" (no service loads {target}, and compose interpolates none of its keys)"
            severity = Severity.INFO
        elif defaulted:
            message += (f"; compose runs on its own defaults for {_listed(defaulted)}, which a copy would "
                        f"replace with {shown}'s values")
            fix = Fix(f"copy {shown} to {target} only to change those defaults, with values of your own "
                      "(a database volume keeps the credentials it was created with)", Safety.ADVICE)
            severity = Severity.INFO
        yield self.finding(message, Location(example.path, example.entries[0].line), ".env", fix, severity)


def _literal_dollar(project: Project, use: VariableUse) -> tuple[str, Fix] | None:
    from .dollars import literal_dollar  # here: only a project with an unset name in an env file reads it

    return literal_dollar(project, use)


class _Target:
    """An env file compose interpolates from (`.env`, or one `--env-file` chose), as read (None:
    absent), with its template (`.env.example`), and how the run uses it."""

    __slots__ = ("copied_whole", "env_filed", "example", "file", "made", "needed_by", "path", "reads")

    def __init__(self, path: Path | None, file: EnvFile | None, example: EnvFile | None) -> None:
        self.path, self.file, self.example = path, file, example
        self.env_filed = False  # a service loads it as its env_file
        self.reads = False  # compose reads it: it interpolates a variable, or a service loads it
        self.copied_whole = False  # absent, and its template's copy is the fix
        self.made = False  # a Makefile includes it (doctor.project.make_env): its host-run targets get its keys
        self.needed_by: str | None = None  # absent, and what stops `up` without it (`'api' loads it`)


def _args_alike(model: ComposeModel, keys: _Keys, use: VariableUse) -> Path | None:
    """The Dockerfile of a build arg that builds alike empty or unset (places.empty_arg_builds_alike),
    where every use of the variable is such a build arg (nautobot's `PYTHON_VER`, in an image tag
    too, is judged as before); None otherwise."""
    uses = [u for u in model.variable_uses if u.name == use.name]
    found = [empty_arg_builds_alike(model.services, u.location) if keys.of(u.location) == "args" else None
             for u in uses]
    return found[0] if found and all(found) else None


def _whole_host_side(use: VariableUse) -> bool:
    """Whether the variable is the whole host port of a short port mapping (`- "$SENTRY_BIND:80/tcp"`,
    `- 127.0.0.1:${WEB_PORT}:8000`): empty, it leaves `:80` (`127.0.0.1::8000`), which compose
    publishes on a random host port."""
    lines = _lines(use.location)
    line = use.location.line if use.location is not None else None
    if not line or not 0 < line <= len(lines):
        return False
    name = re.escape(use.name)
    return re.match(rf"""^\s*-\s*["']?(?:[\w.\[\]:-]*:)?\$(?:\{{{name}\}}|{name}(?![A-Za-z0-9_])):\d""",
                    lines[line - 1]) is not None


def _listed(keys: list[str], most: int = 3) -> str:
    """`SECRET_KEY_BASE, POSTGRES_PASSWORD and POSTGRES_USER`; past `most`, how many more."""
    if len(keys) > most:
        return f"{', '.join(keys[:most])} and {len(keys) - most} more"
    return and_list(keys)


def _made_by_make(project: Project, path: Path) -> Fix | None:
    """The Makefile's `make` command for an env file its recipe writes other than by a plain copy
    of the template (pontoon's `sed -e "s/#SITE_URL#/.../" server.env.template > server.env`): a
    copy would keep the placeholders. None where no recipe writes it, or one copies it (`cp -n`)."""
    from doctor.project.env_makers import env_file_maker

    made = env_file_maker(project, path)
    return made[0] if made is not None and not made[1] else None


def _template_of(path: Path) -> EnvFile | None:
    """The template beside an env file (`backend/.env.example` of `backend/.env`), if any."""
    if not path.name:  # `env_file: /`: a folder, no file beside it (compose-config: "a directory")
        return None
    return next((t for t in (_template(path.with_name(n)) for n in template_names(path.name)) if t is not None), None)


def _where(project: Project, location: Location | None) -> str:
    """A compose place as the user opens it (`compose.yml:32`)."""
    if location is None:
        return "the compose file"
    shown = project.shown(location.path)
    return shown if location.line is None else f"{shown}:{location.line}"


def _keys(keys: list[str]) -> str:
    return f"{len(keys)} key" if len(keys) == 1 else f"{len(keys)} keys"
