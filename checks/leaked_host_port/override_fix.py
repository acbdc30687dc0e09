"""leaked-host-port's repair: the container-side values, set in the dev override compose loads."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit, Fix, Location, Safety, service_names
from doctor.project import Project
from doctor.project.edits import dev_override, line_text, override_edit, replace_on_line
from doctor.project.env_hosts import host_refs
from doctor.project.types import ComposeModel, EnvSource, EnvVar, Service
from doctor.project.wholefile import files_quote

from .address_edit import _address_edit
from .override_file import _ignored_note, _runs_alone, _written_in

# `redis://:@localhost` has none; libpq and lib/pq also take it as a query parameter
# (qiangxue/go-rest-api's `postgres://db/go_restful?sslmode=disable&user=postgres&password=postgres`)
URL_PASSWORD = lazy(r"://[^/@\s:]*:[^/@\s]+@|://[^\s?#]*\?(?:[^\s#]*&)?password=[^&#\s]")
Consumer = tuple[Service, EnvVar, str]  # the service, its variable, the container-side value it needs


def override_fix(project: Project, consumers: list[Consumer], at_line: Location | None = None) -> tuple[str, Fix]:
    """(the finding's subject, its fix) for consumers of one variable line: a safe edit of the dev
    override where there is one and the value carries no URL password, else advice (`at_line`:
    where the value is written, the `.env` line a bare `KEY:` or a `${KEY}` takes it from)."""
    kept = _loaded_over_compose(project, consumers)
    if isinstance(kept, Fix):
        return _subject(consumers), kept
    subject, fix = _override_fix(project, consumers, at_line)
    if kept:  # the loader beats compose's environment: its flag first, else the value set loses to the file
        fix = Fix(f"{kept}, then {fix.title}", Safety.ADVICE)
    return subject, fix


def _subject(consumers: list[Consumer]) -> str:
    return f"{','.join(sorted({s.name for s, _, _ in consumers}))}:{consumers[0][1].name}"


def _override_fix(project: Project, consumers: list[Consumer], at_line: Location | None) -> tuple[str, Fix]:
    from doctor.project.conn_strings import holds_password  # here: a run that finds no leak builds no fix

    var = consumers[0][1]
    subject = _subject(consumers)
    wanted = {s.name: {v.name: value} for s, v, value in consumers}
    # a URL's password, or a connection string's (`Server=sqlserver,1433;...;Password=...`)
    secret = any(URL_PASSWORD.search(value) or holds_password(value) for _, _, value in consumers)
    env_file = _only_containers_read(project, consumers)
    # plausible's plausible-conf.env: a line only the containers read is theirs to fix, on its line
    if env_file and (in_place := _in_place(project, consumers, secret, env_file)) is not None:
        return subject, in_place
    # kitsune's .env `DATABASE_URL=postgres://u:p@db:5433/app`, or treeherder's compose `${DATABASE_URL:-...}`
    # that .env sets so: the host tools cannot resolve `db` either, so the line is no host tool's: its port
    # is rewritten there (a password kept in place, none copied into an override), as service-name-drift
    # rewrites a host on its line
    readers = _dotenv_readers(project, consumers) or consumers
    # laradock's gearman/defaults.env, an `include`'s env_file: compose alone reads it, to interpolate
    # the file that include loads, so the value is fixed on its line there
    if readers is not consumers and _include_env_only(project, consumers, readers[0][1]) and \
            (in_place := _in_place(project, readers, secret, True, included=True)) is not None:
        return subject, in_place
    if (named := _service_host(project, readers)) is not None and \
            (in_place := _in_place(project, readers, secret, True, named)) is not None:
        return subject, in_place
    # mitxonline's `x-environment: &py-environment` REDIS_URL line, merged by web, celery and the notebook
    # profile's service: the one line they share takes the value, which an override would give the active
    # services alone (a second run under `--profile notebook` finds it again)
    if (in_place := _anchor_in_place(project, consumers, secret)) is not None:
        return subject, in_place
    override = dev_override(project, {s.name for s, _, _ in consumers})
    alone = None
    if override is not None and _runs_alone(project, override, {s.name for s, _, _ in consumers}):
        alone, override = override, None  # mealie's docker-compose.dev.yml: a stub service there breaks its `-f` runs
    if override is None and not secret and (
            in_place := _in_place(project, consumers, False, env_file, alone=alone)) is not None:
        return subject, in_place
    # airflow's `postgresql+psycopg2://airflow:airflow@postgres:5433/airflow`: the override would copy the
    # password into a second file, while its own line already holds it
    if secret and (in_place := _in_place(project, consumers, True, env_file)) is not None:
        return subject, in_place
    edit = None
    if override is not None and (written := _written_in(project, override, consumers)) is not None:
        # a value YAML must quote takes the override's quote, else the project's compose files' (as port pins do)
        edit = override_edit(override, "environment", wanted, written, quote=files_quote(project.compose.files))
    names = service_names(sorted(wanted))
    # the value itself where it is one and holds no password (`set LISTMONK_db__host=db`)
    setting = var.name
    if not secret and len({value for _, _, value in consumers}) == 1:
        setting = f"{var.name}={consumers[0][2]}"
    # pythondotorg has none: say the fix creates it, as the advice below names the file to create
    where = "the dev override" if override is None or override.exists() else \
        f"a new dev override {project.shown(override)}"
    title = f"set {setting} for {names} in {where}"
    if edit is not None and not secret:
        return subject, Fix(title + _ignored_note(project, edit.path, var, where != "the dev override"), Safety.SAFE,
                            (edit,))
    # AdventureLog's `-f docker/docker-compose.dev.yml`: the one file compose reads is the dev file, whose
    # services' environment takes the value (the env file, which host tools share, stays as it is)
    own = _own_environment(project, wanted) if override is None and not secret else None
    if own is not None:
        return subject, Fix(f"set {setting} in the environment of {names} in {project.shown(own.path)} (no dev "
                            "override is read here)", Safety.UNSAFE, (own,))
    lines = _interpolated_lines(project, consumers) if override is None and not secret else None
    if lines:
        return subject, Fix(f"set {setting} in the environment of {names} in {project.shown(lines[0].path)} (no "
                            "dev override is read here)", Safety.UNSAFE, lines)
    dotenv = project.dotenv
    at = at_line or var.location
    if override is None and dotenv is not None and at is not None and at.path == dotenv.path:
        # robotoff's COMPOSE_FILE list reads no override, and eleven services take POSTGRES_HOST from
        # .env through a bare `POSTGRES_HOST:`: the value they need goes on that line
        title = (f"set {setting} on its line in {project.shown(at.path)}, which hands it to {names} (no dev "
                 "override is read here); a program on the host that dials localhost can set it in its shell")
    elif override is None:  # no override compose reads here (one -f file, a devcontainer's list)
        title = f"set {setting} in the environment of {names}"
    else:  # advice shows no diff: name the file to edit, or to create (bakerydemo has none)
        which = "the dev override" if override.exists() else "a new dev override"
        title = f"set {setting} for {names} in {which} {project.shown(override)}"
    if secret:  # the value is not written out: say which part of it to change
        title += _hosts_changed(var.name, var.value, consumers[0][2])
    return subject, Fix(title, Safety.ADVICE)


def _loaded_over_compose(project: Project, consumers: list[Consumer]) -> Fix | str | None:
    """Where every consumer takes the value from a `.env` its image COPYs or a bind mount brings, loaded by
    a loader that beats compose's environment, a dev override's value would lose to the file again. The fix
    keeps a COPYed file out of the image where the image makes one of its own when it has none
    (brocoders/nestjs-boilerplate's `RUN if [ ! -f .env ]; then cp env-example-relational .env; fi`, whose
    values are the containers'); else env-cmd would stop at start without it (`Failed to find .env file`),
    and a bound `.env` is the host's, so the words that make the loader leave compose's environment come
    first (a str, which the override's fix follows). None otherwise."""
    from doctor.project.loaded_env import loaded_over_compose

    found = [loaded_over_compose(project, service, var) for service, var, _ in consumers]
    first = found[0]
    if first is None or any(f is None for f in found):
        return None
    env, call = first.env_location.path, first.call
    at = f"{project.shown(call.location.path)}:{call.location.line}"
    if all(f is not None and f.carrier.via == "copy" for f in found) and \
            all(_image_makes(project, service, env.name) for service, _, _ in consumers):
        ignore = project.shown(first.carrier.host / ".dockerignore") if first.carrier.host.is_dir() else ".dockerignore"
        return Fix(f"keep {env.name} out of the image: add it to {ignore} ({call.loader} at {at} loads it over "
                   "compose's environment, and the image makes its own)", Safety.ADVICE)
    if call.loader == "env-cmd":
        words, wins = f"make env-cmd at {at} leave compose's environment (`env-cmd --no-override`)", ""
    elif call.loader == "dotenv-cli":
        words, wins = f"drop dotenv-cli's `-o` at {at}", " (compose's environment then wins)"
    else:
        words, wins = f"drop `override: true` from the {call.loader} load at {at}", " (compose's environment then wins)"
    if all(f is not None and f.compose_value == value for f, (_, _, value) in zip(found, consumers, strict=True)):
        # express-rest-boilerplate's compose sets MONGO_URI=mongodb://mongodb:27017/...: nothing to add
        return Fix(f"{words}: compose's environment then wins, and it sets {first.key} as the containers need it",
                   Safety.ADVICE)
    if all(f is not None and f.carrier.via != "copy" for f in found):
        # a bound .env where compose sets nothing yet: the dev override's value, safe, comes first; with it in
        # place the load overrides compose's value, and dotenv-override drops the flag in the next round
        # (typescript-express-starter's `config({ ..., override: true })`): one run settles both
        return None
    return words + wins


def _image_makes(project: Project, service: Service, name: str) -> bool:
    """Whether a RUN of the service's Dockerfile writes a file called `name` (`cp env-example .env`,
    `touch .env`, `> .env`)."""
    from doctor.project.reading import read_regular_text

    dockerfile = project.dockerfile(service)
    text = read_regular_text(dockerfile.path, 256 * 1024) if dockerfile is not None else None
    if not text:
        return False
    writes = re.compile(rf"(?:\b(?:cp|mv|touch|tee|ln)\b[^;&|\n]*?|>>?\s*)(?:\S*/)?{re.escape(name)}(?![\w.-])")
    joined = text.replace("\\\n", " ")
    return any(re.match(r"\s*RUN\b", line, re.IGNORECASE) and writes.search(line) for line in joined.splitlines())


# a compose file written for development (`docker-compose.dev.yml`, `compose.local.yaml`)
_DEV_FILE = lazy(r"(?:^|[._-])(?:dev|devel|develop|development|local)(?:[._-]|$)", re.IGNORECASE)


def _own_environment(project: Project, wanted: dict[str, dict[str, str]]) -> Edit | None:
    """The edit setting `wanted` (service -> variable -> value) in the services' `environment:` of
    the one compose file compose reads, where that file is a development one (its name says so:
    the project's main compose file, which a devcontainer's list may name alone, stays the
    deployment's) and defines them all; a key the block sets to what compose interpolates
    (mathesar's `POSTGRES_PORT=${POSTGRES_PORT-5432}`, the host's .env value) gets the value in its
    place. None otherwise (several files, a key the block sets to a value of its own, a block shared
    through an anchor)."""
    from doctor.project.yamledit import YamlEditError, add_environment, read_text, whole_file_edit

    files = project.compose.files
    if len(files) != 1 or not _DEV_FILE.search(files[0].name) or any(s.location is None or s.location.path != files[0]
                              for s in (project.compose.services.get(n) for n in wanted) if s is not None):
        return None
    try:
        text = original = read_text(files[0])
        for service, values in wanted.items():
            text = add_environment(text, service, values, interpolated=True, quote=files_quote(files))
    except YamlEditError:
        return None
    return whole_file_edit(files[0], text, original) if text != original else None


def _interpolated_lines(project: Project, consumers: list[Consumer]) -> tuple[Edit, ...]:
    """The value written in place of each consumer's environment entry that only interpolates the variable,
    on its line in the one compose file compose reads, where that file is no development one (_own_environment
    has those): kutt's docker-compose.postgres.yml, `DB_PORT: ${DB_PORT}` beside postgres' `${DB_PORT}:5432`,
    whose container dials postgres:5432 whatever .env publishes. Only such entries: a deployment's file gets
    no new key. () unless every consumer's entry is one (`KEY: ${KEY}`, `- KEY=${KEY:-5432}`), in that file,
    and the value reads back as written (a mapping's plain value), and no service that is no consumer
    merges that line (an anchor's `DB_PORT: ${DB_PORT}` that a host-network pg_dump reads as the published
    port: read with every profile on, as _anchor_in_place does), and no service publishing the variable's
    port is one a profile turns on (the setup without it gives the variable another server's port)."""
    from doctor.project.wholefile import plain_safe

    files = project.compose.files
    if len(files) != 1:
        return ()
    model = _every_profile(project) if project.compose.disabled_services else project.compose
    names = {s.name for s, _, _ in consumers}
    edits: list[Edit] = []
    done: dict[int, str] = {}  # line -> the value written there (a consumer may come twice)
    for _, var, value in consumers:
        at = var.location
        if at is None or at.path != files[0] or at.line is None:
            return ()
        if any(s.name not in names and any(v.location == at for v in s.environment.values())
               for s in model.services.values()):
            return ()
        # a publisher a profile turns on (`profiles: [localdb]`): without that profile the variable is the
        # app's setting for another database (DB_HOST=db.example.com DB_PORT=6543), which a literal would break
        if any(s.profiles and any(var.name in p.variables for p in s.ports) for s in model.services.values()):
            return ()
        if at.line in done:
            if done[at.line] != value:
                return ()
            continue
        done[at.line] = value
        key = re.escape(var.name)
        entry = rf"(?<![\w-]){key}\s*([:=])\s*([\"']?)(\$\{{{key}(?:[:]?[-?+=][^}}]*)?\}})\2\s*(?:#.*)?$"
        found = re.search(entry, line_text(files[0], at.line) or "")
        if found is None or (found[1] == ":" and not found[2] and not plain_safe(value)):
            return ()
        edit = replace_on_line(files[0], at.line, re.escape(found[3]), value)
        if edit is None:
            return ()
        edits.append(edit)
    return tuple(edits)


def _anchor_in_place(project: Project, consumers: list[Consumer], secret: bool) -> Fix | None:
    """The value's compose line rewritten in place where several services merge it (an anchor's line) and
    each of them needs the new value: every enabled one that reads it is a consumer, and each one a profile
    leaves off (read from the model with every profile on) merges the same line on the project's network,
    so it dials the same peer. None otherwise (one service's own line, a reader that is no consumer)."""
    var = consumers[0][1]
    at = var.location
    if at is None or at.line is None or at.path not in project.compose.files:
        return None
    model = _every_profile(project) if project.compose.disabled_services else project.compose
    readers = [s for s in model.services.values() if any(v.location == at for v in s.environment.values())]
    names = {s.name for s, _, _ in consumers}
    if len(readers) < 2:
        return None
    new = {ref.host for _, _, value in consumers for ref in host_refs(var.name, value)}
    for reader in readers:
        if reader.name in names:
            continue
        # an enabled reader doctor judged no client, the server itself, or one off the project's network
        if reader.name in project.compose.services or reader.name in new or reader.network_mode is not None:
            return None
    return _in_place(project, consumers, secret, False, shared=tuple(s.name for s in readers))


@functools.lru_cache(maxsize=2)
def _every_profile(project: Project) -> ComposeModel:
    """The project's model with every profile on (loaded once per run, where a profile leaves a service off)."""
    from dataclasses import replace

    return Project(replace(project.options, profiles=("*",))).compose


def _in_place(project: Project, consumers: list[Consumer], secret: bool, env_file: bool,
              service_host: str | None = None, shared: tuple[str, ...] = (), included: bool = False,
              alone: Path | None = None) -> Fix | None:
    """Where no dev override is read (a devcontainer's `dockerComposeFile`, a single -f, a last -f
    that only adds one feature) there is no override to set the value in: a literal written in that
    compose file reaches the containers only, so its own line is edited, for every consumer reading
    that line and nobody else; where it uses `${...}` (which .env's host tools may share), only the
    addresses that change are rewritten there, a port variable among them (_address_edit); so is a line of an
    env_file only the containers read (`env_file`: _only_containers_read), override or not. So is a literal URL
    with a password (`secret`), which an override would copy; its title names the hosts changed,
    never the value. `service_host`: the value dials a compose service by name (`db`), which no tool
    on the host resolves, so its env_file line is rewritten whoever else loads it (the port inside the
    network is right for every container). `included`: the line is an include's env_file that only
    the consumers' compose lines interpolate (_include_env_only). Unsafe: the peer is doctor's reading
    of the value."""
    var, value = consumers[0][1], consumers[0][2]
    at = var.location
    if (at is None or at.line is None or (at.path not in project.compose.files and not env_file)
            or var.value is None
            or any((v.location, v.value, new) != (at, var.value, value) for _, v, new in consumers)):
        return None
    readers = {s.name for s in project.compose.services.values()
               if any(v.location == at for v in s.environment.values())}
    # the server the value will name reads it too where it loads the same file (nautobot's dev.env
    # reaches its `db`): the new name is that server itself there, as localhost was
    servers = {ref.host for _, _, new in consumers for ref in host_refs(var.name, new)}
    # so does the server whose published port a bare port names (nautobot's `db`, loading the dev.env
    # whose NAUTOBOT_DB_PORT=5433 is its own host side): postgres reads no such key
    if var.value.isdigit():
        servers |= {s.name for s in project.compose.services.values()
                    if any(p.published == var.value for p in s.ports)}
    if env_file:  # and a server's image as it comes (the `redis` loading nautobot's dev.env) reads no app's key
        from doctor.project.service_network import server_family

        servers |= {s.name for s in project.compose.services.values()
                    if s.name in readers and s.build is None and server_family(s) is not None}
    if service_host is None and not shared and not included and \
            readers - servers != {s.name for s, _, _ in consumers} - servers:
        return None
    why = "only the containers read it" if env_file else "no dev override is read" if alone is None else (
        f"{project.shown(alone)}, the override, runs alone too: a service there with no image would break it")
    why = "compose alone reads it, for the file its include loads" if included else why
    why = why if env_file or not secret else "an override would copy its password"
    if shared and not secret:
        why = f"the line {service_names(sorted(shared))} merge"
    if service_host is not None:
        why = f"its host '{service_host}' is a compose service, which no tool on the host resolves either"
    shown = project.shown(at.path)
    names = written_variables(project, var)
    if names and env_file and var.value.isdigit() and value.isdigit():
        # saleor-platform-like app.env `DB_PORT=${DB_PORT}`: the port the containers dial, written as the
        # project's host-side variable; the line is theirs, so it takes the port inside the network, and
        # .env keeps the variable for the published side
        port = replace_on_line(at.path, at.line, rf"(?<=[=:])\s*{re.escape(var.raw or '')}\s*$", value)
        if port is not None and var.raw and var.raw != var.value:
            kept = ", ".join(names)
            return Fix(f"write {var.name}={value} on its line in {shown} ({why}; {kept} stays the host side in "
                       f"{project.shown(project.dotenv.path) if project.dotenv is not None else 'the environment'})",
                       Safety.UNSAFE, (port,))
    if names:  # `@db:${DB_PORT:-5433}/app`: the addresses are rewritten as written, the rest kept
        address = _address_edit(project, at.line, var, value, names)
        if address is None:
            return None
        return Fix(f"rewrite {var.name} on its line in {shown}, with {address[1]} ({why})", Safety.UNSAFE,
                   (address[0],))
    edit = replace_on_line(at.path, at.line, rf"(?<![\w.:/@-]){re.escape(var.value)}(?![\w.:/@-])", value)
    if edit is None:
        return None
    title = f"write {var.name}={value} on its line in {shown} ({why})"
    if secret:
        title = f"rewrite {var.name} on its line in {shown}{_hosts_changed(var.name, var.value, value)} ({why})"
    return Fix(title, Safety.UNSAFE, (edit,))


def _service_host(project: Project, consumers: list[Consumer]) -> str | None:
    """The compose service a value from an env_file dials by name where only its port changes
    (kitsune's `.env` `DATABASE_URL=postgres://u:p@db:5433/app` behind db's `"5433:5432"`): a tool on the
    host cannot resolve `db`, so the line serves the containers alone. None otherwise (a `localhost`, a
    host that changes, a value written in a compose file)."""
    var = consumers[0][1]
    at = var.location
    if at is None or at.path in project.compose.files or var.value is None or \
            any(v.location != at for _, v, _ in consumers):
        return None
    names = {name.lower() for name in project.compose.services}
    changed = [(old, new) for old, new in zip(host_refs(var.name, var.value), host_refs(var.name, consumers[0][2]),
                                             strict=False) if (old.host, old.port) != (new.host, new.port)]
    if not changed or any(old.host != new.host or old.host.lower() not in names for old, new in changed):
        return None
    return changed[0][0].host


def _dotenv_readers(project: Project, consumers: list[Consumer]) -> list[Consumer] | None:
    """The consumers as readers of the `.env` line compose interpolates their whole compose value from
    (treeherder's `DATABASE_URL=${DATABASE_URL:-psql://postgres:pw@postgres:5432/app}` in compose.yaml, and
    `DATABASE_URL=psql://postgres:pw@postgres:5433/app` in .env): each variable is that line's, so the fix
    of that line is found as for a value loaded from it. None where a compose value is not that line's
    value whole (`@db:${DB_PORT}/app`: the port variable is the published side's too)."""
    from doctor.project.edits import interpolated_at
    from doctor.project.interpolate import InterpolationError, as_lookup, substitute

    var = consumers[0][1]
    if var.location is None or (var.location.path not in project.compose.files
                                and var.location.path not in project.compose.include_env):
        return None
    for name in var.variables:
        found = interpolated_at(project, name, var.location.path)
        if found is None or found[0] in project.compose.files or found[1].value != var.value:
            continue
        line_var = EnvVar(name, found[1].value, Location(found[0], found[1].line), EnvSource.ENV_FILE)
        readers: list[Consumer] = []
        for service, used, new in consumers:
            # the compose value, interpolated with the new line, gives the new value: it is the line whole
            lookup = as_lookup({**project.compose.variables, name: new})
            try:
                whole = used.value == var.value and substitute(used.raw or "", lookup)[0] == new
            except InterpolationError:
                whole = False
            if not whole:
                return None
            readers.append((service, line_var, new))
        return readers
    return None


def written_variables(project: Project, var: EnvVar) -> tuple[str, ...]:
    """The project variables compose interpolates into the value: `variables` for a compose file's, and
    for an env_file's line (whose EnvVar lists none) those its raw text names (saleor-platform's
    backend.env `DATABASE_URL=postgres://saleor:saleor@db:${DB_PORT}/saleor`)."""
    if var.variables or not var.raw or "$" not in var.raw or var.raw == var.value:
        return var.variables
    from doctor.project.interpolate import InterpolationError, as_lookup, substitute

    try:
        refs = substitute(var.raw, as_lookup(project.compose.variables))[1]
    except InterpolationError:
        return ()
    return tuple(dict.fromkeys(ref.name for ref in refs))


def _only_containers_read(project: Project, consumers: list[Consumer]) -> bool:
    """Whether the consumers' value is written in an env_file (not a compose file) that every one of
    them loads and that no tool on the host reads by convention: not compose's own `.env` (its
    interpolation file) nor a dotenv-named file (`.env`, `.env.local`, `apps/api/.env`: an app run
    on the host reads those with dotenv), so the host-side value an override keeps has no reader."""
    at = consumers[0][1].location
    if at is None or at.path is None or at.path in project.compose.files or at.path.name.startswith(".env"):
        return False
    dotenv = project.dotenv
    if dotenv is not None and dotenv.path == at.path:
        return False
    return all(at.path in service.env_files for service, _, _ in consumers)


def _include_env_only(project: Project, consumers: list[Consumer], line: EnvVar) -> bool:
    """Whether `line` (the env file line the consumers' compose values interpolate) is an `include`'s
    env_file that no tool on the host reads by convention (not dotenv-named) and no service loads,
    and every compose line interpolating its variable there is a consumer's."""
    at = line.location
    model = project.compose
    if at is None or at.path.name.startswith(".env") or \
            not any(at.path in chain for chain in model.include_env.values()) or \
            any(at.path in service.env_files for service in model.services.values()):
        return False
    theirs = {var.location for _, var, _ in consumers}
    return all(use.location in theirs for use in model.variable_uses
               if use.name == line.name and use.location is not None
               and at.path in model.include_env.get(use.location.path, ()))


def _hosts_changed(key: str, old: str | None, new: str) -> str:
    """`, with db:5432 in place of db:5433`: the hosts of a URL value that change, without its userinfo."""
    def hosts(value: str | None) -> list[str]:
        return [r.host if r.port is None else f"{r.host}:{r.port}" for r in host_refs(key, value)]

    pairs = [(a, b) for a, b in zip(hosts(old), hosts(new), strict=False) if a != b]
    if not pairs:
        return ""
    return ", with " + ", ".join(f"{b} in place of {a}" for a, b in pairs)
