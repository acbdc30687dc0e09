"""Typed values of the compose model that checks read; no library object leaks past project/.

Every record keeps the Location it came from (file and line in the compose file, env_file or
.env), so a finding can point at it and a fix can edit it.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from doctor.model import Location, field, record
from doctor.project.digits import written_number


class EnvSource(enum.Enum):
    """Where a container env variable was set: `environment:` beats `env_file:`."""

    ENVIRONMENT = "environment"
    ENV_FILE = "env_file"


@record
class EnvVar:
    """One variable of a service's effective container environment.

    `value` is None for a bare key compose could not resolve (it unsets the variable).
    `raw` is the text as written before compose interpolation (`${POSTGRES_PORT}`), and
    `variables` the project variables interpolated into it.
    """

    name: str
    value: str | None
    location: Location | None
    source: EnvSource
    raw: str | None = None
    variables: tuple[str, ...] = ()


@record
class PortMapping:
    """One published or exposed port, in compose's canonical long form (one per container port).

    `published` is None when the engine picks an ephemeral host port; it may be a range
    ("9000-9010") when one host range maps to a single container port. `host_ip` is "" for
    all interfaces. `variables` names the project variables used in the published part
    (`"${POSTGRES_PORT}:5432"` -> ("POSTGRES_PORT",)). `name` and `app_protocol` are the long
    syntax's labels ("" when not given): a fix that rewrites the entry keeps them.
    """

    target: int
    published: str | None
    host_ip: str = ""
    protocol: str = "tcp"
    mode: str = "ingress"
    location: Location | None = None
    raw: str = ""
    variables: tuple[str, ...] = ()
    name: str = ""
    app_protocol: str = ""
    # the variables the container side is written with (DefectDojo's `target: ${DD_DATABASE_PORT:-5432}`)
    target_variables: tuple[str, ...] = ()
    target_raw: str = ""  # the container side as written, when it uses a variable (`${DD_DATABASE_PORT:-5432}`)
    # a long-syntax entry's keys as the author wrote them, in order (a fix rewriting it keeps `protocol: tcp`)
    keys: tuple[str, ...] = ()

    @property
    def published_range(self) -> tuple[int, int] | None:
        """(first, last) host port, or None when ephemeral or not a port.

        Compose's `config` accepts any string as a long-syntax `published` (`-1`, `abc`, `-`):
        the engine refuses it at `up`. Such a value publishes no port doctor can judge. Host port 0
        (`"0:80"`) is ephemeral: the engine picks a free port, as for `"80"`.
        """
        if not self.published:
            return None
        first, dash, last = self.published.partition("-")
        last = last if dash else first
        start, end = written_number(first), written_number(last)
        if start is None or end is None:
            return None
        if end < start or end > 65535 or start == 0:
            return None
        return start, end


@record
class Mount:
    """A service volume entry. For binds, `source` is an absolute host path."""

    type: str
    source: str | None
    target: str
    read_only: bool = False
    create_host_path: bool = True
    location: Location | None = None
    raw: str = ""
    # a bind source written relative to the project once interpolated (`${WORKSPACE:-..}/edx-platform`
    # as `../edx-platform`), where `raw` starts with the variable
    relative: bool = False


@record
class WatchRule:
    """One `develop.watch` rule of `docker compose watch`: `path` (absolute) reaches `target`.

    `action` is sync, sync+restart, sync+exec, rebuild or restart; the sync actions copy host
    edits into the running container, so for live editing they count as a bind mount.
    """

    path: str
    action: str
    target: str | None = None
    ignore: tuple[str, ...] = ()
    location: Location | None = None

    @property
    def syncs(self) -> bool:
        return self.action.startswith("sync") and bool(self.target)


@record
class Build:
    """A service's build: context directory (absolute, or a URL), Dockerfile path and target stage."""

    context: str
    dockerfile: str = "Dockerfile"
    location: Location | None = None
    # `build.args` with a value (name, value, where compose sets it); a bare `- NAME` is left out
    args: tuple[tuple[str, str, Location | None], ...] = ()
    # `build.target`: the stage built (None: the last one); later stages never reach the image
    target: str | None = None
    # `build.dockerfile_inline`: the Dockerfile is that text, no file is read (not even one in the context)
    inline: bool = False
    # `build.additional_contexts` that are local folders: (name, absolute path, where it is written)
    contexts: tuple[tuple[str, str, Location | None], ...] = ()

    @cached_property  # asked per service by several checks: computed once (writes the instance dict)
    def dockerfile_path(self) -> Path | None:
        """The Dockerfile on disk, or None for a remote context or an inline Dockerfile."""
        if self.inline or "://" in self.context or self.context.startswith("git@"):
            return None
        path = Path(self.dockerfile)
        # joined as compose joins it (filepath.Join cleans the path): `frontend/../docker/Dockerfile` is
        # docker/Dockerfile, which is how a message names it
        return path if path.is_absolute() else Path(os.path.normpath(Path(self.context) / path))


def words_of(value: tuple[str, ...] | str | None) -> list[str]:
    """A service's `command:` or `entrypoint:` as words: a list as written, a string split at blanks."""
    if not value:
        return []
    return list(value) if isinstance(value, tuple) else value.split()


@record
class ServiceNetwork:
    """A network a service joins, with the aliases peers can resolve it by there."""

    name: str
    aliases: tuple[str, ...] = ()


@record
class RestartPolicy:
    """The restart policy compose asks the engine for (compose's getRestartPolicy): from
    `deploy.restart_policy` (its condition and max_attempts) where that is set, else from
    `restart:` split at ':' (`on-failure:3`), the name mapped as compose maps it (none -> no,
    any -> always). `written` is the value as the file gives it, at `location`; `deploy`: from
    deploy.restart_policy."""

    name: str
    count: int
    written: str
    location: Location | None = None
    deploy: bool = False


@record
class Service:
    """One enabled service of the effective model (after merge, extends, include, profiles)."""

    name: str
    location: Location | None
    image: str | None = None
    build: Build | None = None
    environment: Mapping[str, EnvVar] = field(default_factory=dict)
    env_files: tuple[Path, ...] = ()
    ports: tuple[PortMapping, ...] = ()
    expose: tuple[str, ...] = ()
    volumes: tuple[Mount, ...] = ()
    networks: Mapping[str, ServiceNetwork] = field(default_factory=dict)
    network_mode: str | None = None
    container_name: str | None = None
    hostname: str | None = None
    links: tuple[str, ...] = ()
    extra_hosts: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    # the entries of depends_on with `condition: service_completed_successfully`: compose starts this service only
    # once they have ended (exit 0), where the others need only be started (or healthy)
    depends_completed: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    user: str | None = None
    working_dir: str | None = None
    command: tuple[str, ...] | str | None = None
    # the command as written where it uses variables (`yarn watch-${NODE_ENV:-production}`): what it
    # runs under another value of them
    command_template: str | None = None
    entrypoint: tuple[str, ...] | str | None = None
    # healthcheck.test as the words it runs: ["CMD", a, b] -> (a, b); a string or ["CMD-SHELL", s]
    # -> s (a shell line); () for none or ["NONE"]
    healthcheck: tuple[str, ...] | str = ()
    # compose's healthcheck sets a test or `disable: true`: the image's HEALTHCHECK does not run
    healthcheck_set: bool = False
    watch: tuple[WatchRule, ...] = ()
    platform: str | None = None
    pull_policy: str | None = None
    restart: RestartPolicy | None = None
    optional_env_files: tuple[Path, ...] = ()  # the env_file entries with `required: false`
    # where `image:` is written in the file that sets it last (an override's), None without one
    image_location: Location | None = None


def started_before(services: Mapping[str, Service], name: str, by_name: bool = False) -> list[str]:
    """The services `name` depends on, directly or through others of `services` (compose starts them
    first), nearest first, each once; each one's `depends_on` in its order, or `by_name`. A name no
    service of `services` has is listed where it is named, with nothing below it."""
    queue, seen = [name], {name}
    for current in queue:  # grows while read: each service once (`seen`: a set, so a chain is read in linear time)
        service = services.get(current)
        deps = () if service is None else sorted(service.depends_on) if by_name else service.depends_on
        for dep in deps:
            if dep not in seen:
                seen.add(dep)
                queue.append(dep)
    return queue[1:]


def nearest_of(services: Mapping[str, Service], targets: Iterable[str]) -> dict[str, str]:
    """Per service of `services` that depends on one of `targets`, directly or through others, the nearest of them
    (fewest `depends_on` steps; on a tie the first by name): one walk back from all of them at once, in time linear
    in the services and their `depends_on` entries, where started_before from each service reads a chain again."""
    users: dict[str, list[str]] = {}
    for service in services.values():
        for dep in service.depends_on:
            users.setdefault(dep, []).append(service.name)
    level = sorted(set(targets))
    found = {target: target for target in level}
    while level:
        reached: dict[str, str] = {}
        for name in level:
            for user in users.get(name, ()):
                if user not in found and (user not in reached or found[name] < reached[user]):
                    reached[user] = found[name]
        found.update(reached)
        level = sorted(reached)
    return {name: target for name, target in found.items() if name in services and name != target}


@record
class VariableUse:
    """One `${VAR}` / `$VAR` occurrence in a compose file, for env-drift.

    `has_default` covers `${V:-d}`, `${V-d}`, `${V:+x}`, `${V+x}` (never blank by accident);
    `required` covers `${V:?e}` / `${V?e}`. `is_set` says whether the interpolation environment
    in effect for this file (which for an `include` adds its own env_file) had the variable;
    None when the loader did not record it (then judge by ComposeModel.variables). `dropped_by`
    names the variable and operator whose value drops the argument the use sits in (`$PORT` in
    `${URL:-http://localhost:$PORT}` with URL set: ("URL", ":-")): compose evaluates it, and warns,
    but no value of it reaches the result.
    """

    name: str
    location: Location | None
    has_default: bool = False
    required: bool = False
    is_set: bool | None = None
    dropped_by: tuple[str, ...] = ()


class ProblemKind(enum.Enum):
    """What kind of input fault a Problem is."""

    YAML = "yaml"
    SCHEMA = "schema"
    INTERPOLATION = "interpolation"
    ENV_FILE = "env-file"
    UNREADABLE = "unreadable"
    REFERENCE = "reference"
    DISCOVERY = "discovery"
    # a file compose reads and doctor does not (over doctor's size limit): its checks are partial,
    # and that is no fault of the project
    LIMIT = "limit"


@record
class Problem:
    """Something compose would reject, or could not read, with where it is."""

    kind: ProblemKind
    message: str
    location: Location | None = None


# (kind "secret"/"config", name, its `environment:` variable or "", its `file:` (absolute) or "", where declared)
SecretSource = tuple[str, str, str, str, "Location | None"]


@record
class VolumeDevice:
    """A top-level volume whose local driver binds `device` (as compose sends it to the engine)."""

    key: str
    device: str  # absolute when compose resolved it or it was written so; else as written
    raw: str  # as the compose file writes it (interpolated)
    resolved: bool  # whether compose made it absolute (driver local, o bind)
    location: Location | None  # the `device:` line
    typed: bool = True  # driver_opts sets `type:`; without it the local driver refuses to create the volume
    opts_location: Location | None = None  # the `driver_opts:` line


@record
class ComposeModel:
    """What `docker compose config` computes for a directory and environment, with locations.

    `services` holds only the services enabled by the active profiles. `variables` is the
    interpolation environment (shell over .env) and may hold secrets: never print it raw.
    `problems` lists what compose would reject; a model with problems is as complete as the
    rest of the input allows.
    """

    project_name: str
    project_dir: Path
    files: tuple[Path, ...]
    services: Mapping[str, Service]
    variables: Mapping[str, str] = field(default_factory=dict)
    variable_uses: tuple[VariableUse, ...] = ()
    networks: tuple[str, ...] = ()
    active_profiles: tuple[str, ...] = ()
    disabled_services: tuple[str, ...] = ()
    # what those services answer to besides their names (container_name, network aliases),
    # lowercased: the n8n starter's OLLAMA_HOST=ollama is the container of a profile's service
    disabled_names: tuple[str, ...] = ()
    # those services as a `--profile` that turns them on would run them (script-line-endings judges
    # the scripts they run: docker-elk's `docker compose up setup` runs setup/entrypoint.sh)
    profiled: Mapping[str, Service] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    # networks declared `external: true`, by key, with the engine's name for them (penpot's
    # `default: {name: penpot_shared, external: true}`): another project's containers may be on them
    external_networks: Mapping[str, str] = field(default_factory=dict)
    # networks compose creates under a fixed `name:` (not external) that an enabled service joins, by key:
    # dittofeed's `dittofeed-network-dev: {name: dittofeed-network-dev}`. Another checkout's `up` finds it and
    # joins it (compose only warns), so each checkout's services answer on one network under the same names
    fixed_networks: Mapping[str, str] = field(default_factory=dict)
    # volumes declared `external: true` likewise (vintasoftware's drb: `dbdata: {name: myproj_dbdata,
    # external: true}`, made by `make docker_setup`), and where each external one is declared
    # (`volume:KEY`, `network:KEY`)
    external_volumes: Mapping[str, str] = field(default_factory=dict)
    external_places: Mapping[str, Location] = field(default_factory=dict)
    # the external ones whose `name:` a variable left empty, so that compose took the key (the engine's
    # name for it), with the variable (zammad's scenario `name: ${ZAMMAD_ELASTICSEARCH_EXTERNAL_NETWORK}`)
    external_blank: Mapping[str, str] = field(default_factory=dict)
    # the secrets' and configs' sources the enabled services use (doctor.project.consistency.secret_sources)
    secret_sources: tuple[SecretSource, ...] = ()
    # an included compose file -> the env files its `include` entries read, the one that wins a key
    # first (laradock's `gearman/compose.yml` -> `gearman/defaults.env`): where a variable the
    # project's own interpolation leaves unset gets its value in that file
    include_env: Mapping[Path, tuple[Path, ...]] = field(default_factory=dict)
    # top-level volumes whose local driver binds a host folder (`driver_opts: {type: none, o: bind, device:
    # ...}`), the device as compose sends it (doctor.project.volume_devices)
    volume_devices: tuple[VolumeDevice, ...] = ()


@record
class EnvEntry:
    """One KEY=VALUE of a .env / env_file, as compose's dotenv parser reads it."""

    key: str
    value: str
    line: int
    raw: str = ""


@record
class EnvFile:
    """A parsed .env-style file: its entries in order, and the lines compose would reject."""

    path: Path
    entries: tuple[EnvEntry, ...] = ()
    problems: tuple[Problem, ...] = ()
    # the `${VAR}` references compose substitutes '' for (no value anywhere, no default), with their line
    unset: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {e.key: e.value for e in self.entries}

    def entry(self, key: str) -> EnvEntry | None:
        found = None
        for e in self.entries:
            if e.key == key:
                found = e
        return found


@record
class CopyInstruction:
    """A Dockerfile COPY/ADD from the build context (not `--from` another stage).

    `removed`: what a later RUN of the stage deletes of it (`rm -rf /opt/healthchecks/stuff` after
    `COPY . /opt/healthchecks/`), relative to its destination, "." for all of it."""

    sources: tuple[str, ...]
    destination: str
    line: int
    removed: tuple[str, ...] = ()


@record
class Dockerfile:
    """The parts of a Dockerfile doctor reads: context COPY/ADDs and the final WORKDIR.

    `staged`: the context COPY/ADDs of the stages this one copies from (`COPY --from=builder`,
    and theirs): healthchecks builds in `builder` (`COPY . /opt/healthchecks/`) and copies the
    result; what the image runs came from those files, though not at those paths.

    `relayed`: those of them a `COPY --from` brings whole, at the paths they land at in this image
    (`COPY --from=builder /opt/healthchecks/ /opt/healthchecks/`), each with that COPY's line.
    `variables`: the ENV (and ARG) values in effect at its end (fastapi-react's NODE_PATH=/node_modules)."""

    path: Path
    copies: tuple[CopyInstruction, ...] = ()
    workdir: str | None = None
    staged: tuple[CopyInstruction, ...] = ()
    relayed: tuple[CopyInstruction, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()
