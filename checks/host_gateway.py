"""host-gateway: `host.docker.internal` dialed on a Linux engine without `extra_hosts: host-gateway`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doctor.host import Host
from doctor.host.listeners import loopback_only
from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, and_list, replace
from doctor.project import Project
from doctor.project.edits import dev_override
from doctor.project.env_hosts import image_basename, image_family, is_dial_key
from doctor.project.script_words import shell_words
from doctor.project.server_configs import DIAL_WORDS, config_lines
from doctor.project.shellwords import without_hosts_writes
from doctor.project.types import EnvSource, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.env_readers import EnvReaders

NAME = "host.docker.internal"
ENTRY = f"{NAME}:host-gateway"
# official images of static web servers: they read their environment only into config templates
_WEB_SERVERS = frozenset({"nginx", "httpd", "caddy", "apache", "nginx-unprivileged", "openresty"})
# (where: variable or 'command', its location, the port dialed when written, whether an env_file line)
Dial = tuple[str, Location | None, int | None, bool]
_DIAL = lazy(r"(?<![\w.-])host\.docker\.internal(?![\w-])(?::(\d{1,5}))?", re.IGNORECASE)


class HostGateway(Check):
    """`host.docker.internal` on a Linux engine without `extra_hosts: host-gateway`

    What it finds
        A service whose environment (compose `environment:` and `env_file:`, and the `.env` its app
        loads in the container through a bind mount or a COPY: python-dotenv's `load_dotenv()`, Node's
        dotenv, Laravel's and Symfony's, as leaked-host-port reads them), command, entrypoint,
        healthcheck test (not a line writing the name into /etc/hosts itself, `echo "$$(ip route |
        awk ...) host.docker.internal" >> /etc/hosts` or `printf ... | tee -a /etc/hosts`, after
        which the container resolves it), or a config file bound into a proxy's or scraper's config folder (nginx's
        `proxy_pass http://host.docker.internal:8080;` in conf.d/ or templates/, a Caddyfile's
        `reverse_proxy`, a traefik dynamic file's `url:`, prometheus.yml's `targets`, envoy's
        `address:`, httpd's `ProxyPass`, haproxy's `server`; reported at that file's line; a comment,
        cut where the server cuts it (nginx at any `#` outside quotes, `proxy_pass http://app:8000;# was
        host.docker.internal`; YAML and a Caddyfile at a `#` after a space or tab), `server_name`,
        `listen` or traefik's `rule: Host(...)` dials nothing) names
        `host.docker.internal` (not in an accept list, a bind address or NO_PROXY: `ALLOWED_HOSTS`,
        `CORS_ORIGINS`, `LISTEN_ADDR` name no host it dials) while the engine is a plain Linux
        docker engine and the service has no `extra_hosts` entry for that name. Docker Desktop,
        OrbStack, Rancher Desktop and Colima answer the name themselves, and Podman from 4.7 writes
        it into each container's /etc/hosts; they are not reported. Also, with a local engine, a
        host port it dials (`host.docker.internal:5432`) that the host listens on only at
        127.0.0.1 / ::1: a container arrives from the bridge, never on loopback. An env_file line
        that several services load (dify's middleware.env, `PLUGIN_DAEMON_URL=http://host.docker.
        internal:5002`) is not a finding for the services that merely get it when one that loads
        it has the entry: that one dials it. A service running the same program as that one (the same
        build or image: bookwyrm's web, celery_worker and celery_beat, all loading `.env.dev`'s
        EMAIL_HOST) reads the line too and stays a finding, each until it has its own entry. Where doctor
        finds which of the services loading the line read the variable (in their command, what their image
        runs, or their code, kept to the files their runtime runs: docker-flask-example's web and worker read
        POSTGRES_HOST in config/settings.py, its css and js asset watchers never do), only those are named,
        in one finding, and only they get the entry. A service on `network_mode: service:X` (or
        `container:X` naming a service's container) uses X's /etc/hosts: X's entry counts. An
        env_file line is no finding for a service on a server's official image, which reads no such
        key (postgres, redis, rabbitmq, mailpit, ...; nginx, httpd or caddy unless it mounts config
        templates it fills from its environment). A line of a YAML anchor several services merge
        into their `environment:` is no finding for a service on a published image (no build of the
        project) where a service the project builds merges it with the entry and the image reads no
        such key: a server's official image, or a key whose first word names the project's own programs
        (a word of the project's name that a service it builds bears too) on an image not named with it:
        PeerDB's `x-minio-config` hands
        `PEERDB_CLICKHOUSE_AWS_CREDENTIALS_AWS_ENDPOINT_URL_S3=http://host.docker.internal:9001`
        to its flow services, which have the entry, and to 'minio' (minio/minio)
        for its root user, in project peerdb-quickstart-dev beside its built 'peerdb'. Any other key stays a
        finding: an anchor's `DATA_SOURCE_NAME` merged by a built 'api' with the entry and by
        prometheuscommunity/postgres-exporter, whose connection string it is (`nc: bad address
        'host.docker.internal'` there); so does a built service merging it without the entry. A line of the project's
        `.env` (or another `.env*` file, as tools on the host read it) that a service loads is no
        finding where the variable is another program's: doctor reads the service's program (a source
        file in its code) and finds no reader of the variable in it, its command or what its image runs,
        while a program of the project outside the service's code reads it (`$KEY`, `os.Getenv("KEY")`,
        `GetEnvString("KEY", ...)`): PeerDB's `.env`, copied from `.env.example`, holds the host tests'
        `CI_MONGO_HOST=host.docker.internal`, read by local_provision_scripts/setup-mongodb-peer.sh,
        which its Next.js 'peerdb-ui' loads and never reads. A key no program of the project reads
        stays a finding: a library or framework reads it under a name the code never writes
        (OpenTelemetry's OTEL_EXPORTER_OTLP_ENDPOINT, libpq's PGHOST, Spring Boot's SPRING_DATASOURCE_URL,
        Rails' DATABASE_URL); so does a service whose program doctor cannot read. Skipped when the
        engine cannot be asked. With a rootless engine the message says that its `host-gateway`
        is the bridge of the engine's own network namespace, not this machine (moby/moby#47684),
        and the loopback note is left out (see Fix). A service of a rootless engine that has the
        entry is still reported while that engine's host-gateway cannot reach this machine: no
        `host-gateway-ip` in its daemon.json (its host-gateway is then the bridge of rootlesskit's
        namespace: the connection is refused) or its rootlesskit run with `--disable-host-loopback`
        (10.0.2.2 is then unreachable), as /proc and its config file tell its user or root
        (another user's engine, unreadable, is not judged).

    Why it matters
        On Linux the name resolves nowhere unless the container is given it: the app fails with
        "Name or service not known" / `getaddrinfo ENOTFOUND host.docker.internal` (nginx stops at
        start: "host not found in upstream") on a colleague's Linux laptop or in CI, while it works
        on every Mac. A host service bound to
        127.0.0.1 refuses the container's connection even once the name resolves.

    Example
        compose.yaml:9  'api' dials host.docker.internal (DATABASE_URL); this Linux engine does not resolve it
        nginx.conf:6  'proxy' dials host.docker.internal (proxy_pass in nginx.conf); this Linux engine does
        not resolve it
        docker-compose.yml:22  'n8n' dials host.docker.internal (OLLAMA_HOST, set in .env:11); this Linux
        engine does not resolve it  (the compose line `OLLAMA_HOST=${OLLAMA_HOST:-ollama:11434}` takes it
        from that .env line)

    Fix
        Add `extra_hosts: ["host.docker.internal:host-gateway"]` to the service in the dev
        override compose loads (created where compose will read it, comments kept). Docker
        Desktop accepts the same line, so it is right on every machine. For a service that joins
        another's network namespace (`network_mode: service:db`) the entry goes to `db`: the engine
        refuses `extra_hosts` beside such a mode ("conflicting options: custom host-to-IP mapping and
        the network mode"); for `container:X` of a container outside the project, advice only, and
        so for a `db` in a profile that is off (compose refuses the joiner until `--profile` turns `db`
        on): the advice names `db` and the profile to run with, and writes nothing on the joiner.

        For a loopback-only host service: advice to make it listen on 0.0.0.0 or the bridge.

        With rootless docker the `extra_hosts` line is still needed, and the engine must let
        `host-gateway` reach the host: rootlesskit without `--disable-host-loopback`, and
        `"host-gateway-ip": "10.0.2.2"` (slirp4netns' address of the host; another network
        driver names its own) in `~/.config/docker/daemon.json`, then `systemctl --user restart
        docker`. dockerd-rootless.sh passes `--disable-host-loopback` itself; from Docker 26.0
        (moby/moby#47352) `DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false` in the
        environment of its user service (`systemctl --user edit docker`) drops it, while an
        older script ignores that variable (Debian's 20.10.24 did): there
        `DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false`, which the script adds
        after its own flag, turns it off (the advice follows the engine's version; the flags
        form where doctor cannot tell it). 10.0.2.2 reaches the host's loopback too, so a
        service on 127.0.0.1 answers.

    Fix safety
        Safe: it only adds one `extra_hosts` entry for a name that resolved nowhere before.
        The loopback advice changes nothing.
    """

    id = "host-gateway"
    severity = Severity.WARNING
    fix_family = "hosts"
    fork_safe = True  # reads no probe the run starts early: may run beside the run (doctor.forked)

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        # `network_mode: service:db` joins db's namespace and /etc/hosts: db's extra_hosts count, and the entry goes
        # there (the engine refuses extra_hosts beside such a mode: "conflicting options: custom host-to-IP mapping")
        holders = {svc.name: _holder(project, svc) for svc in project.services.values()}
        # each service's environment with what its app loads from a `.env` reaching its container (load_dotenv,
        # Node's dotenv, Laravel's and Symfony's; Project.app_compose, made once for every check that judges it)
        app = project.app_compose.services
        services = [app.get(svc.name, svc) for svc in project.services.values() if holders[svc.name] is not None]

        def has_entry(svc: Service) -> bool:
            holder = holders[svc.name]
            return isinstance(holder, Service) and _has_entry(holder)

        # an env_file line several services load, read by some of them in their code or command
        # (docker-flask-example's POSTGRES_HOST, read by web and worker, not by its css and js watchers)
        mentions = {svc.name: _dials(svc) for svc in services}  # once: a bound config file is read here
        readers = _Readers(project)
        read = _readers(services, mentions, readers)
        # an env_file line several services load (dify's middleware.env) is dialed by the one that has the
        # entry; the others, running other programs, merely get it. One running the same program (bookwyrm's
        # web and celery_worker, one build; two services of one image) reads it too: its finding stays
        covered: dict[Location | None, set[tuple[str, ...]]] = {}
        for svc in services:
            for _, where, _, shared in mentions[svc.name] if has_entry(svc) else ():
                if shared:
                    covered.setdefault(where, set()).add(_program(svc))

        def gets_only(svc: Service, dial: Dial) -> bool:
            """Whether the service merely gets a shared env_file line, which another one dials, or a `.env` line
            of another program's key (peerdb-ui's CI_MONGO_HOST, read by the host tests' scripts)."""
            if (dial[1], dial[0]) in read:
                return svc.name not in read[dial[1], dial[0]]
            return (_serves_no_app(svc) or _program(svc) not in covered.get(dial[1], {_program(svc)})
                    or readers.unread(svc, dial))

        # a line of a YAML anchor several services merge (peerdb's `x-minio-config`, merged by its flow services and
        # by 'minio'): a published image's service merely gets it where a service the project builds merges it
        # with the entry and the image cannot read it: a server's official image, or a key named for the project's
        # own programs (PEERDB_*) on an image named otherwise (minio/minio). postgres-exporter's DATA_SOURCE_NAME is
        # the exporter's own setting: it stays a finding
        anchored = _anchored(services, mentions)
        merged_with_entry = {d[1] for svc in services if has_entry(svc) for d in mentions[svc.name]
                             if (d[0], d[1]) in anchored}
        own = _own_words(project) if merged_with_entry else set()

        def merely_merges(svc: Service, dial: Dial) -> bool:
            return ((dial[0], dial[1]) in anchored and dial[1] in merged_with_entry
                    and project.build_of(svc) is None and not has_entry(svc)
                    and (_serves_no_app(svc) or _namespaced(dial[0], own, svc.image or "")))

        dials = {svc.name: [d for d in mentions[svc.name]
                            if not (d[3] and gets_only(svc, d)) and not merely_merges(svc, d)] for svc in services}
        if not any(dials.values()) or host.images.provides_host_gateway_name:  # asks the engine only when needed
            return
        rootless = host.engine.rootless  # its host-gateway is its own namespace's bridge (moby/moby#47684)
        local = host.engine.endpoint is not None and host.engine.endpoint.is_local and not rootless
        named = host.images.adds_host_gateway_name  # podman 4.7+: only the loopback note may apply
        # one finding per line its readers share (`'web' and 'worker' dial ...`), else one per service
        groups: dict[tuple[Location | None, str], list[str]] = {}
        for name, found in sorted(dials.items()):
            if found and not has_entry(project.services[name]) and not named:
                line = (found[0][1], found[0][0])
                groups.setdefault(line if line in read else (None, f"service {name}"), []).append(name)
        for (where, what), names in groups.items():
            yield self._unresolved(project, names, dials[names[0]][0], read.get((where, what)), rootless,
                                   _host_loopback(host) if rootless else "", holders)
        entered = [name for name, found in sorted(dials.items()) if found and has_entry(project.services[name])]
        if rootless and entered and not named:
            yield from self._gateway(project, host, entered, dials[entered[0]][0])
        for name, found in sorted(dials.items()):
            for port in sorted({p for _, _, p, _ in found if p}) if local else ():
                dial = next(d for d in found if d[2] == port)
                yield from self._loopback(host, project, project.services[name], port, dial)

    def _unresolved(self, project: Project, names: list[str], dial: Dial, readers: dict[str, str] | None,
                    rootless: bool, loopback: str = "",
                    holders: dict[str, Service | str | None] | None = None) -> Finding:
        """The finding for services dialing the name without an entry: one, or the readers of one env_file line."""
        what, where, _, _ = dial
        if readers:
            places = list(dict.fromkeys(readers[n] for n in names))
            what = f"{what}, read in {' and '.join(places)}" if places != ["its command"] else f"{what}, in its command"
        what += _set_in(project, where) or _read_from(project, names[0], dial)
        who = _listed(names)
        verb = "dials" if len(names) == 1 else "dial"
        engine = "this rootless engine does not resolve it, and its host-gateway is not this machine" if rootless \
            else "this Linux engine does not resolve it"
        message = f"{who} {verb} {NAME} ({what}); {engine}"
        fix = _fix(project, names, holders or {})
        if rootless:
            fix = replace(fix, title=f"{fix.title}; also let this rootless engine reach the host: {loopback} in "
                                     "its environment and \"host-gateway-ip\": \"10.0.2.2\" in "
                                     "~/.config/docker/daemon.json (doctor explain host-gateway)")
        return self.finding(message, where or project.services[names[0]].location, f"{','.join(names)}:{NAME}", fix)

    def _gateway(self, project: Project, host: Host, names: list[str], dial: Dial) -> Iterator[Finding]:
        """Services with the entry, on a rootless engine whose host-gateway is its own namespace's bridge."""
        endpoint = host.engine.endpoint
        if endpoint is None or not endpoint.socket_path:
            return
        from doctor.host.rootless_netns import gateway_gaps

        gaps = gateway_gaps(endpoint.socket_path)
        if not gaps:  # both set, or /proc does not say (another user's engine): nothing is claimed
            return
        why = and_list(["no \"host-gateway-ip\" in its daemon.json" if gap == "host-gateway-ip" else
                        f"its rootlesskit runs with {gap}" for gap in gaps])
        settings = and_list([_host_loopback(host) + " in its environment" if gap != "host-gateway-ip" else
                             "\"host-gateway-ip\": \"10.0.2.2\" in ~/.config/docker/daemon.json" for gap in gaps])
        what, where, _, _ = dial
        verb = "dials" if len(names) == 1 else "dial"
        message = (f"{_listed(names)} {verb} {NAME} ({what}{_set_in(project, where)}) "
                   f"through host-gateway, which this rootless engine does not let reach this machine: {why}")
        fix = Fix(f"let this rootless engine reach the host: {settings}, then restart it (doctor explain "
                  "host-gateway)", Safety.ADVICE)
        yield self.finding(message, where or project.services[names[0]].location,
                           f"{','.join(names)}:{NAME}:host-gateway", fix)

    def _loopback(self, host: Host, project: Project, svc: Service, port: int, dial: Dial) -> Iterator[Finding]:
        addresses = host.listen_addresses(port)
        if not loopback_only(addresses):
            return
        message = (f"'{svc.name}' dials {NAME}:{port} ({dial[0]}{_set_in(project, dial[1])}), but the host "
                   f"listens there on {addresses[0]} only")
        fix = Fix(f"make the host service on port {port} listen on 0.0.0.0 (or the docker bridge address)",
                  Safety.ADVICE)
        yield self.finding(message, dial[1] or svc.location, f"{svc.name}:{NAME}:{port}", fix)


def _host_loopback(host: Host) -> str:
    """The setting that lets a rootless engine's rootlesskit reach the host's loopback, for the script its release
    ships: `DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK` exists from Docker 26.0 (moby/moby#47352, commit
    b649e272bb); before, dockerd-rootless.sh passes `--disable-host-loopback` whatever the environment, and only
    its `DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS`, added after it, overrides it (verified on Debian's 20.10.24)."""
    from doctor.host.engine_version import moby_release
    from doctor.model import Unavailable

    try:
        release = moby_release(host.engine)
    except Unavailable:
        release = None
    if release is not None and not release.before(26):
        return "DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false"
    return "DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false"


class _Readers:
    """doctor.project.env_readers.EnvReaders, made when a service's code is first asked (each service's code read
    once a run), with the `.env` judgment leaked-host-port makes."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._readers: EnvReaders | None = None

    def of(self) -> EnvReaders:
        if self._readers is None:
            from doctor.project.env_readers import EnvReaders

            self._readers = EnvReaders(self.project)
        return self._readers

    def unread(self, svc: Service, dial: Dial) -> bool:
        """Whether an env_file line of a `.env` tools on the host read too (env_readers.host_dotenv) is another
        program's: the service's readable program never reads it, one elsewhere in the project does
        (EnvReaders.unread)."""
        from doctor.project.env_readers import host_dotenv

        return dial[1] is not None and host_dotenv(self.project, dial[1].path) and self.of().unread(svc, dial[0])


def _readers(services: list[Service], mentions: dict[str, list[Dial]],
             readers: _Readers) -> dict[tuple[Location | None, str], dict[str, str]]:
    """{(env_file line, variable): {service: where it reads the variable}} for each line naming the host that
    several services load and doctor finds at least one of them reading; the code is read only for those."""
    loaders: dict[tuple[Location | None, str], list[Service]] = {}
    for svc in services:
        for what, where, _, shared in mentions[svc.name]:
            if shared and where is not None:
                loaders.setdefault((where, what), []).append(svc)
    found: dict[tuple[Location | None, str], dict[str, str]] = {}
    for line, svcs in ((line, svcs) for line, svcs in loaders.items() if len(svcs) > 1):
        places = {svc.name: place for svc in svcs if (place := readers.of().reader(svc, line[1])) is not None}
        if places:
            found[line] = places
    return found


def _set_in(project: Project, where: Location | None) -> str:
    """`, set in .env:11` when the compose line takes the host from a variable an env file sets: the n8n
    starter kit's `OLLAMA_HOST=${OLLAMA_HOST:-ollama:11434}` names no host.docker.internal, the `.env`
    line its README has Mac users uncomment does. "" when the line itself names it."""
    if where is None:
        return ""
    from doctor.project.edits import interpolated_at

    for use in project.compose.variable_uses:
        value = project.compose.variables.get(use.name)
        if use.location == where and value and _DIAL.search(value):
            found = interpolated_at(project, use.name, where.path)
            if found is not None:
                return f", set in {project.shown(found[0])}:{found[1].line}"
    return ""


def _read_from(project: Project, name: str, dial: Dial) -> str:
    """` in nginx.conf` for an upstream of a config file the service binds in, `, its app loads .env` for a value
    its app reads from a `.env` compose never hands it; "" for what compose sets or runs."""
    what, where, _, shared = dial
    if where is None or what in project.services[name].environment:
        return ""
    if shared:
        return f", its app loads {project.shown(where.path)}"
    return f" in {project.shown(where.path)}" if what in DIAL_WORDS else ""


def _listed(names: list[str]) -> str:
    return and_list([f"'{n}'" for n in names])


def _dials(svc: Service) -> list[Dial]:
    """(where: variable or 'command', its location, the port dialed when written, whether an
    env_file line) for each mention."""
    found = []
    for var in svc.environment.values():
        # an accept list names hosts that reach the container, not ones it dials (saleor's
        # ALLOWED_HOSTS="localhost,...,host.docker.internal"), like a bind address or NO_PROXY
        match = _DIAL.search(var.value or "") if is_dial_key(var.name) else None
        if match:
            port = int(match.group(1)) if match.group(1) else None
            found.append((var.name, var.location, port, var.source is EnvSource.ENV_FILE))
    # a proxy's or scraper's upstream in a config file bound into it (nginx's `proxy_pass
    # http://host.docker.internal:8080;`): nginx stops at start, "host not found in upstream"
    for line in config_lines(svc):
        match = _DIAL.search(line.text)
        if match:
            found.append((line.word, line.location, int(match.group(1)) if match.group(1) else None, False))
    # what the container runs: its command, its entrypoint (`sh -c "wget ... http://host.docker.internal:8080/"`)
    # and its healthcheck's test, each dialing from the container as the app does
    # (a line that writes the name into /etc/hosts itself, `echo "$GATEWAY host.docker.internal" >> /etc/hosts`, no)
    for where, words in (("command", svc.command), ("entrypoint", svc.entrypoint), ("healthcheck", svc.healthcheck)):
        match = _DIAL.search(without_hosts_writes(" ".join(shell_words(words)), NAME))
        if match:
            found.append((where, svc.location, int(match.group(1)) if match.group(1) else None, False))
    return found


def _anchored(services: list[Service], mentions: dict[str, list[Dial]]) -> set[tuple[str, Location | None]]:
    """The (variable, line) of compose's own `environment:` that several services hold at one line: a YAML
    anchor they merge (`<<: *minio-config`). Not a config file two proxies bind, nor an env_file line."""
    holders: dict[tuple[str, Location | None], int] = {}
    for svc in services:
        for what, where, _, shared in mentions[svc.name]:
            var = svc.environment.get(what)
            if not shared and where is not None and var is not None and var.location == where:
                holders[what, where] = holders.get((what, where), 0) + 1
    return {line for line, count in holders.items() if count > 1}


def _words(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", text.lower())) - {""}


def _own_words(project: Project) -> set[str]:
    """The words naming the project's own programs: those its name shares with a service it builds, by the
    service's name or its image's (peerdb-quickstart-dev and its built 'peerdb', 'peerdb-ui': `peerdb`)."""
    built: set[str] = set()
    for svc in project.services.values():
        if project.build_of(svc) is not None:
            built |= _words(svc.name) | _words(image_basename(svc.image or ""))
    return _words(project.compose.project_name) & built


def _namespaced(key: str, own: set[str], image: str) -> bool:
    """Whether the key's first word names the project's own programs (PEERDB_CATALOG_HOST) and the image bears
    no such word (minio/minio, not a published `acme/peerdb-agent`): a setting of the project's, not the image's."""
    first = key.lower().split("_", 1)[0]
    return first in own and first not in _words(image.split("@")[0])


def _program(svc: Service) -> tuple[str, ...]:
    """What the service runs: its build (context, Dockerfile, stage), else its image."""
    if svc.build is not None:
        return ("build", svc.build.context, svc.build.dockerfile, svc.build.target or "")
    return ("image", svc.image or "")


def _serves_no_app(svc: Service) -> bool:
    """Whether the service runs a server's own image, which dials nothing an env_file line names (bookwyrm's
    nginx and redis load .env.dev beside the app for EMAIL_HOST): a database, cache, broker or mail catcher
    (postgres, redis, rabbitmq, mailpit, ...), or a static web server (nginx, httpd, caddy) that fills no
    config template from its environment (nginx's /etc/nginx/templates). A built image may run anything."""
    if svc.build is not None or not svc.image:
        return False
    if image_family(svc.image) is not None:
        return True
    return image_basename(svc.image) in _WEB_SERVERS and not any("template" in m.target for m in svc.volumes)


def _holder(project: Project, svc: Service) -> Service | str | None:
    """Whose extra_hosts the service's /etc/hosts holds: itself, the service whose network namespace it joins
    (`service:X`, or `container:X` naming a service's container: a service whose profile is off too, which
    the run must turn on), or the name of a container outside the project; None on the host's network, where
    the host's own /etc/hosts answers, and for a namespace of no service (compose refuses the project)."""
    seen: set[str] = set()
    while svc.name not in seen:
        seen.add(svc.name)
        mode, _, target = (svc.network_mode or "").partition(":")
        if mode == "host":
            return None
        if mode == "service":
            owner = project.services.get(target) or project.compose.profiled.get(target)
            if owner is None:
                return None  # "depends on undefined service": nothing starts, no entry helps
            svc = owner
        elif mode == "container":
            joined = _container_service(project, target)
            if joined is None:
                return target
            svc = joined
        else:
            return svc
    return svc


def _container_service(project: Project, container: str) -> Service | None:
    """The service whose container `network_mode: container:NAME` names (its container_name, or compose's
    `<project>-<service>-1`), or None for a container outside the project."""
    for svc in project.services.values():
        if container in (svc.container_name, f"{project.compose.project_name}-{svc.name}-1"):
            return svc
    return None


def _has_entry(svc: Service) -> bool:
    return any(re.split(r"[:=]", entry, maxsplit=1)[0].strip().lower() == NAME for entry in svc.extra_hosts)


def _fix(project: Project, names: list[str], holders: dict[str, Service | str | None]) -> Fix:
    """The entry added to each dialer's holder: itself, or the service whose network namespace it joins."""
    held = {name: holders.get(name, project.services[name]) for name in names}
    outside = sorted({h for h in held.values() if isinstance(h, str)})
    services = list(dict.fromkeys(h.name if isinstance(h, Service) else name for name, h in held.items()))
    joined = [n for n, h in held.items() if isinstance(h, Service) and h.name != n]
    title = f"add extra_hosts \"{ENTRY}\" to {_listed(services)}"
    if joined:
        verb = "joins" if len(joined) == 1 else "join"
        title += f" ({_listed(joined)} {verb} its network)"
    if outside:
        return Fix(f"add extra_hosts \"{ENTRY}\" where container {_listed(outside)} is created: "
                   f"{_listed(sorted(n for n, h in held.items() if isinstance(h, str)))} shares its /etc/hosts "
                   "(the engine refuses extra_hosts beside network_mode: container:)", Safety.ADVICE)
    off = [name for name in services if name not in project.services]
    if off:
        # the namespace's owner is in a profile that is off: compose refuses the dialer until it runs, and
        # refuses extra_hosts on the dialer itself (conflicting options), so only the owner can take the entry
        profiles = sorted({p for name in off for p in project.compose.profiled[name].profiles})
        return Fix(f"{title}, in a profile that is off: run with {' '.join(f'--profile {p}' for p in profiles)}",
                   Safety.ADVICE)
    path = dev_override(project)
    if path is None:
        return Fix(f"{title} in the compose file that defines it", Safety.ADVICE)
    # imported here: ruamel.yaml is needed only when a fix is built, never on a clean run
    from doctor.project.yamledit import YamlEditError, add_extra_host, read_text, whole_file_edit

    try:
        text = read_text(path)
        for service in services:
            text = add_extra_host(text, service, ENTRY)
        edit = whole_file_edit(path, text)
    except YamlEditError:
        edit = None
    if edit is None:
        return Fix(f"{title} in {path.name}", Safety.ADVICE)
    return Fix(f"{title} in {path.name}", Safety.SAFE, (edit,))
