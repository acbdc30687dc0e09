"""env-drift: variables compose needs with no value or default; .env.example keys missing from .env."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Finding, Fix, Location, Safety, Severity
from doctor.project import Project, real_path
from doctor.project.env_nul import reads_as_none
from doctor.project.types import ComposeModel, EnvEntry, EnvFile, ProblemKind, VariableUse

from .exported import make_sets, wrapper_sets
from .fix import _append_fix
from .images import unpassworded
from .loaders import made_reads, needed_by
from .places import BREAKS, DROPS, OPTIONAL, _Keys, _lines, _services_of, empty_arg_builds_alike
from .shell_required import required_unset
from .templates import TemplateFindings, _listed, _Target, _template_of

# a service env file's template beside it (template_names): backend/.env -> backend/.env.example
# (`.env.dev-sample` too: testdrivenio's django-on-docker, whose README says to copy it)


class EnvDrift(TemplateFindings):
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
        .env-dist .env`; each in capitals too, after them: ipl-dagster-pipeline's `.env.EXAMPLE`;
        `env.example` (umami's podman/`env.sample` too), the word before `.env`,
        dotted or in capitals too: `example.env`, kutt's `.example.env`, shynet's `TEMPLATE.env`; and
        the word before `_env`: ChiefOnboarding's `.example_env`) that the developer's `.env` lacks;
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
        warns about each too. One read only in a default compose then drops is info (documenso's
        `${NEXT_PRIVATE_INTERNAL_WEBAPP_URL:-http://localhost:$PORT}` with that URL set in `.env`:
        compose evaluates the default anyway and warns that PORT is not set, but nothing empty
        reaches a container; likewise an alternate or an error message left out). So is a bare
        `${VAR}` in `environment:` of a file that marks the variables it requires with `:?` (two
        or more: documenso's production compose.yml, `NEXTAUTH_SECRET=${NEXTAUTH_SECRET:?err}` beside
        35 settings like `${NEXT_PRIVATE_SMTP_HOST}` its app reads as unset when empty): an
        optional setting, by the file's own convention. A variable
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
        then it is that `make` command (advice), as a copy would keep the placeholders. A `cp`
        with options is a plain `cp`, a rule's whole recipe as much as a target's line:
        suitenumerique/people's `cp --update=none common.dist common`, which cp refuses before
        coreutils 9.3 and on macOS, gets the copy, not a `make` that fails there.
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
        Nothing is judged while a file compose interpolates from reads as no env file at all
        (binary, saved as UTF-16 as Windows PowerShell 5's `echo TAG=1 > .env` writes it, or one
        this user cannot read): compose stops at it, compose-config says so, and its keys would
        all read as missing; so a service's env_file is not compared with its template then.

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
        advice only when `.env` would not read back as before plus that entry. A `.env` compose
        cannot parse (it ends inside an open quote) gets nothing: doctor fix edits no file while
        compose cannot read the project's files, and says which line stops it. For a key compose
        gives a default, advice only: the template's value
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
        dotenv = project.dotenv
        if dotenv is not None and any(p.kind is ProblemKind.LIMIT for p in dotenv.problems):
            return  # a .env doctor did not read (compose does): what it sets is not known (compose-config says so)
        if any(reads_as_none(project.env_file(path)) for path in project.interpolation_files):
            return  # a .env saved as UTF-16 or unreadable: compose stops at it (compose-config); it may set TAG
        targets, present = _targets(project)
        shell = set(project.options.env)
        reported: set[str] = set()
        keys = _Keys()
        # a use inside a service its profiles leave off breaks nothing that starts (compose still warns)
        off = set(model.disabled_services)
        # which service each use sits in matters only when some service is off (a pass over the file)
        owners = (_services_of([u.location for u in model.variable_uses]) if off
                  else [None] * len(model.variable_uses))
        # and a use whose value reaches a container before one only in a default compose drops
        uses = sorted(zip(model.variable_uses, owners, strict=True),
                      key=lambda pair: (pair[1] in off, bool(pair[0].dropped_by)))
        live_uses = [u for u, owner in uses if owner not in off]
        _judge_targets(project, targets, live_uses)
        env_filed = {p for s in model.services.values() for p in s.env_files}
        marked = _marked_required(model.variable_uses)
        for use, owner in uses:
            is_set = use.is_set if use.is_set is not None else use.name in model.variables
            if use.has_default or use.required or is_set or use.name in reported:
                continue
            reported.add(use.name)
            yield self._unset_use(project, use, owner if owner in off else None, targets, keys, env_filed, marked)
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

    def _unset_use(self, project: Project, use: VariableUse, off_owner: str | None, targets: list[_Target],
                   keys: _Keys, env_filed: set[Path], marked: dict[Path, list[str]]) -> Finding:
        """The finding for a `${VAR}` compose substitutes '' for; off_owner is the service using it
        when its profiles leave it off."""
        # the env file whose template lists the key (`.env` of `.env.example`, not `.env.dev`
        # after it); else the last chosen one, whose value compose would take
        target = next((t for t in targets if t.example is not None and t.example.entry(use.name) is not None),
                      targets[0])
        example = target.example
        entry = example.entry(use.name) if example is not None else None
        # an env_file's `KEY=${VAR}` (compose.load_project puts those beside its own files' uses)
        in_env_file = use.location is not None and use.location.path in env_filed
        key = "environment" if in_env_file else keys.of(use.location)
        required = marked.get(use.location.path, []) if use.location is not None and not in_env_file else []
        message, severity = _unset_message(project, use, off_owner, keys, key, entry, example, required)
        fix = (_unset_fix(project, use, target, entry) if not use.dropped_by
               else Fix(f"nothing breaks; to quiet compose's warning, give it a default where it is read "
                        f"(${{{use.name}:-}})", Safety.ADVICE))  # a value from the template could change others
        if (entry is not None and example is not None and target.path is not None and target.file is None
                and target.copied_whole):
            sets = "sets it" if entry.value else "lists it with no value (a copy leaves it empty: give it one)"
            message += f"; {project.shown(example.path)} {sets}, and there is no {project.shown(target.path)}"
        if in_env_file and entry is None and (literal := _literal_dollar(project, use)) is not None:
            message, fix = literal  # `POSTGRES_PASSWORD=Xy7$kLm`: no variable meant, a `$` in the value
        return self.finding(message, use.location, use.name, fix, severity)

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


def _targets(project: Project) -> tuple[list[_Target], set[str]]:
    """The env files compose interpolates from, each with its template, and the keys they set."""
    chosen = project.chosen_env_files
    example, dotenv = project.env_example, project.dotenv
    present = set(dotenv.as_dict()) if dotenv is not None else set()
    dotenv_path: Path | None = dotenv.path if dotenv is not None else project.compose.project_dir / ".env"
    targets = [_Target(dotenv_path, dotenv, example)]
    if chosen is not None:
        # --env-file / COMPOSE_ENV_FILES: compose interpolates from those and reads no .env, so
        # each is compared with its own template (penpot's docker/devenv/defaults.env;
        # bookwyrm's `.env` with `.env.example` beside `.env.dev` with `.env.dev.example`), the
        # last first (its key wins); .env counts only as a service's env_file
        paths = list(dict.fromkeys(reversed(chosen)))
        targets = [_Target(p, project.env_file(p), _template_of(p)) for p in paths] or [_Target(None, None, None)]
        present = {k for path in chosen if (read := project.env_file(path)) is not None for k in read.as_dict()}
    return targets, present


def _judge_targets(project: Project, targets: list[_Target], live_uses: list[VariableUse]) -> None:
    """Set what each target's comparison with its template depends on: whether compose reads it."""
    model = project.compose
    chosen = project.chosen_env_files
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


def _marked_required(uses: tuple[VariableUse, ...]) -> dict[Path, list[str]]:
    """The variables each compose file marks as required (`${NEXTAUTH_SECRET:?err}`), in order, each once."""
    found: dict[Path, list[str]] = {}
    for use in uses:
        if use.required and use.location is not None:
            names = found.setdefault(use.location.path, [])
            if use.name not in names:
                names.append(use.name)
    return found


def _unset_message(project: Project, use: VariableUse, off_owner: str | None, keys: _Keys, key: str | None,
                   entry: EnvEntry | None, example: EnvFile | None,
                   required: list[str]) -> tuple[str, Severity | None]:
    """What an unset `${VAR}` does where it is used, and how bad that is (None: the check's own);
    `required`: the variables the file marks as required with `:?`."""
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
        if key == "environment" and severity is None and len(required) >= 2:
            # documenso's production compose.yml: `NEXTAUTH_SECRET=${NEXTAUTH_SECRET:?err}` and eleven more
            # beside 35 bare `${NEXT_PRIVATE_SMTP_HOST}`-like settings its app reads as unset when empty
            severity = Severity.INFO
            message += (f"; the file marks the variables it requires with `:?` ({_listed(required)}), "
                        "not this one: an optional setting")
    if commented and example is not None:
        message += f"; {project.shown(example.path)} comments it out (optional)"
    if key == "args" and severity is None and (built := _args_alike(project.compose, keys, use)):
        severity = Severity.INFO
        message += f"; {project.shown(built)} declares it with no default: empty and unset build alike"
    if use.dropped_by:
        # documenso's `${NEXT_PRIVATE_INTERNAL_WEBAPP_URL:-http://localhost:$PORT}` with that URL set in .env:
        # compose reads the default anyway and warns, but no empty value reaches a container
        severity = Severity.INFO
        message = (f"'{use.name}' is not set, but only {_dropping(use)}: no empty value reaches a container "
                   "(compose still warns)")
    elif off_owner is not None:
        severity = Severity.INFO
        message = (f"'{use.name}' is not set and has no default: only '{off_owner}' uses it, which its "
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
    return message, severity


def _unset_fix(project: Project, use: VariableUse, target: _Target, entry: EnvEntry | None) -> Fix | None:
    """The fix for an unset `${VAR}`: the template's line appended to the env file, or advice."""
    dotenv_path, dotenv, example = target.path, target.file, target.example
    if dotenv_path is None:  # COMPOSE_DISABLE_ENV_FILE: compose reads no env file at all
        return Fix(f"export {use.name} in the shell (COMPOSE_DISABLE_ENV_FILE: compose reads no .env) "
                   f"or give it a default (${{{use.name}:-value}})", Safety.ADVICE)
    if entry is not None and example is not None and dotenv is None and target.copied_whole:
        # the copy is the other finding's fix: an advice here too read "skipped ... advice
        # only" then "applied" for the same copy in one `doctor fix`
        return None
    if entry is not None and example is not None and dotenv is None:
        return Fix(f"copy {project.shown(example.path)} to {project.shown(dotenv_path)}", Safety.ADVICE)
    if entry is not None and example is not None:
        return _append_fix(example, entry, dotenv_path, project.shown(dotenv_path),
                           project.shown(example.path), project.root)
    title = f"set {use.name} in {project.shown(dotenv_path)} or give it a default (${{{use.name}:-value}})"
    return Fix(title, Safety.ADVICE)


def _dropping(use: VariableUse) -> str:
    """Which argument reads the variable, and why compose drops it: "the default of ${URL:-...}
    reads it, and URL is set"."""
    outer, operator = use.dropped_by
    part, state = {":-": ("default", "set"), "-": ("default", "set"),
                   ":+": ("alternate value", "empty or unset"), "+": ("alternate value", "unset")}.get(
                       operator, ("error message", "set"))
    return f"the {part} of ${{{outer}{operator}...}} reads it, and {outer} is {state}"


def _literal_dollar(project: Project, use: VariableUse) -> tuple[str, Fix] | None:
    from .dollars import literal_dollar  # here: only a project with an unset name in an env file reads it

    return literal_dollar(project, use)


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
