"""A drifted host that is a service of the project's other compose file (its prod or dev twin).

ckan/ckan-docker keeps one `.env` for `docker-compose.yml` (service `ckan`) and
`docker-compose.dev.yml` (service `ckan-dev`): `CKAN__DATAPUSHER__CALLBACK_URL_BASE=http://ckan:5000`
is right for the one and names no service under `-f docker-compose.dev.yml`, where datapusher's
callbacks then fail. Rewriting the shared line would break the other file; the value is to be set
for this file's services, naming the peer of this file that listens on the port dialled.
"""

from __future__ import annotations

import functools
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.env_hosts import HostRef, host_refs
from doctor.project.service_network import NetworkView
from doctor.project.types import EnvSource, EnvVar, Service

# compose files a project keeps beside the ones in use (`docker-compose.dev.yml`, `compose.prod.yaml`)
_COMPOSE_NAME = lazy(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$")
MAX_SIBLINGS = 24  # nautobot keeps 14 beside its docker-compose.yml


def sibling_services(project: Project, host: str) -> list[Path]:
    """The compose files beside the ones in use (not read by this run) that declare a service named
    `host` (nautobot's `db` is in docker-compose.postgres.yml, .mysql.yml and .dolt.yml: the choice
    is the user's); where a file in use is named by its role, not `*compose*`, any YAML file beside it.
    Read only for a host that names nothing here: a rare path, so its YAML parse
    costs a clean run nothing."""
    folder = project.compose.project_dir
    used = set(project.compose.files)
    # a folder whose compose files are named by their role (quarkus-super-heroes' deploy/docker-compose/java25.yml
    # beside monitoring.yml, JHipster's src/main/docker/app.yml beside keycloak.yml): any YAML file there is one
    by_role = any(not _COMPOSE_NAME.match(f.name) for f in used if f.parent == folder)
    try:
        names = sorted(p for p in folder.iterdir() if p not in used and (
            _COMPOSE_NAME.match(p.name) or (by_role and p.suffix in (".yml", ".yaml"))))
    except OSError:
        return []
    from doctor.project.memo import remember

    found: list[Path] = []
    for path in names[:MAX_SIBLINGS]:
        # remembered while the file is unchanged: opentelemetry-demo's five optional hosts parsed its
        # compose.full.yaml and compose.observability.yaml twice each on every warm run (+40 ms)
        declared = remember("sibling-services", (path,), None, functools.partial(_services, path))
        if host.lower() in (name.lower() for name in declared):
            found.append(path)
    return found


def _services(path: Path) -> list[str]:
    """The service names a compose file declares (none when it is not one doctor can read)."""
    from doctor.project.reading import read_regular_text
    from doctor.project.yamlimport import yaml

    text = read_regular_text(path)
    if not text or "services" not in text:
        return []
    try:
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return []
    services = document.get("services") if isinstance(document, dict) else None
    return [str(name) for name in services] if isinstance(services, dict) else []


def listener_for(view: NetworkView, ref: HostRef, env: dict[str, str | None]) -> str | None:
    """The service of the files in use (the reader itself included: a callback URL names its own
    app) that listens on the port the reference dials and whose name holds the host's
    (`ckan-dev` for `ckan:5000`), else the only one listening there; None when none says so."""
    port = ref.expected_port(env)
    if port is None:
        return None
    order = list(view.index.group("listeners", view.networks, port).order)
    if view.service.name not in order and port in {p.target for p in view.service.ports}:
        order.append(view.service.name)
    named = [name for name in order if ref.host.lower() in name.lower()]
    if len(named) == 1:
        return named[0]
    return order[0] if len(order) == 1 else None


def named_beside_its_url(var: EnvVar, ref: HostRef, service: Service, view: NetworkView) -> bool:
    """Whether a plain value (no URL) of a key whose prefix has its own URL, host or address among the service's
    variables, naming a peer, is no host: go-clean-template's `RMQ_RPC_SERVER=rpc_server` beside
    `RMQ_URL=amqp://guest:guest@rabbitmq:5672/` (and NATS_RPC_SERVER beside NATS_URL) names a queue and a
    subject; the broker's host is the URL's, and so it is where that URL dials localhost (leaked-host-port's
    finding, an `env_file: .env` written for the host: `RMQ_URL=amqp://guest:guest@localhost:5672/`). A
    connection string's host keyword names a host whatever is beside it
    (go-coffeeshop's `PG_DSN_URL: host=postgres ...` beside `PG_URL: postgres://...@postgres:5432/postgres`)."""
    prefix = var.name.split("_", 1)[0]
    if ref.scheme or ref.conn or "_" not in var.name or len(prefix) < 2:
        return False
    for name in (f"{prefix}_URL", f"{prefix}_HOST", f"{prefix}_ADDR", f"{prefix}_ADDRESS", f"{prefix}_URI"):
        other = service.environment.get(name)
        if other is not None and other is not var and other.value and any(
                r.host.lower() in view.names or r.is_local for r in host_refs(name, other.value)):
            return True
    return False


def from_sibling(var: EnvVar, host: str, service: Service) -> bool:
    """Whether an env file's value got the host from another of the service's variables it expands
    (plane's `DATABASE_URL=postgresql://...@${POSTGRES_HOST}:5432/plane`): that variable's own line
    is the finding and the edit; this line holds no such host to replace."""
    raw = var.raw
    if var.source is not EnvSource.ENV_FILE or not raw or "$" not in raw:
        return False
    if any(ref.host.lower() == host for ref in host_refs(var.name, raw, json=True)):  # written there too
        return False
    from doctor.project.interpolate import InterpolationError, substitute

    try:  # the variables it expands, read as compose reads `${NAME}`, `${NAME:-x}`, `$NAME`
        _, refs = substitute(raw, lambda _name: "x")
    except InterpolationError:
        return False
    return any(other is not var and other.value and host in other.value.lower()
               for ref in refs if (other := service.environment.get(ref.name)) is not None)


def own_project_start(project: Project, path: Path, host: str, joined: set[str]) -> str | None:
    """The command that starts the other compose file `path` on its own, where its service `host` joins
    an external network in `joined` (the engine names of those the reader joins): polar's
    docker-compose.shared.yml runs its infra as a project of its own on `polar-shared`, which the app
    file joins too, so it is started alone (`docker compose -f dev/docker/docker-compose.shared.yml up
    -d`, with `--profile tinybird` for a service of a profile), not merged into the app's project, under
    a `-p` of its own where compose would give it the reader's project name (both files in one folder, no
    `name:`: polar's dev/docker), and with the network created first (external in both: neither makes it);
    None where the file shares no such network with the reader."""
    from doctor.project.memo import remember

    # remembered while the file is unchanged, as its service names are (sibling_services)
    read = remember("sibling-external-shape-2", (path,), None, functools.partial(_external_shape, path))
    own_name, services = read if read is not None else ("", {})
    shape = services.get(host.lower())
    if shape is None:
        return None
    networks, profiles = shape
    shared = sorted(set(networks) & joined)
    if not shared:
        return None
    import shlex  # the command is there to be pasted

    name = own_name or project.options.env.get("COMPOSE_PROJECT_NAME") or _normalized(path.parent.name)
    ours = project.compose.project_name
    apart = ""
    if name == ours:  # compose would start it inside the reader's own project
        stem = path.name.rsplit(".", 1)[0].replace("docker-compose", "").replace("compose", "")
        word = _normalized(stem).strip("-_.") or "infra"  # docker-compose.shared.yml: `-p docker-shared`
        apart = f" -p {shlex.quote(f'{ours}-{word}')}"
    profile = f" --profile {shlex.quote(profiles[0])}" if profiles else ""
    nets = " and ".join(f"'{n}'" for n in shared)
    create = " && ".join(f"docker network create {shlex.quote(n)}" for n in shared)
    return (f"docker compose -f {shlex.quote(project.shown(path))}{apart}{profile} up -d (a project of its own, on "
            f"the external network{'s' if len(shared) > 1 else ''} {nets} both files join; where it does not exist "
            f"yet: {create})")


def _normalized(name: str) -> str:
    """A folder or file word as compose makes a project name of it: lower case, only a-z, 0-9, `-` and `_`."""
    return "".join(c for c in name.lower() if c.isascii() and (c.isalnum() or c in "-_"))


def _external_shape(path: Path) -> tuple[str, dict[str, tuple[list[str], list[str]]]]:
    """The compose file's own project `name:` (literal; else "") and each of its services (lowercased name)
    with the engine names of the external networks it joins and its profiles; literal names only (a
    `${NAME}` is not read here)."""
    from doctor.project.reading import read_regular_text
    from doctor.project.yamlimport import yaml

    text = read_regular_text(path)
    if not text or "external" not in text:
        return "", {}
    try:
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return "", {}
    if not isinstance(document, dict) or not isinstance(document.get("services"), dict):
        return "", {}
    own = document.get("name")
    own_name = str(own) if isinstance(own, str) and "$" not in own else ""
    declared = document.get("networks")
    declared = declared if isinstance(declared, dict) else {}
    external = {str(key): str(spec.get("name") or key) for key, spec in declared.items()
                if isinstance(spec, dict) and spec.get("external") is True and "$" not in str(spec.get("name") or key)}
    shape: dict[str, tuple[list[str], list[str]]] = {}
    for name, service in document["services"].items():
        if not isinstance(service, dict):
            continue
        joined = service.get("networks") or ["default"]
        keys = [str(key) for key in joined] if isinstance(joined, (list, dict)) else []
        profiles = service.get("profiles")
        shape[str(name).lower()] = ([external[k] for k in keys if k in external],
                                    [str(p) for p in profiles] if isinstance(profiles, list) else [])
    return own_name, shape
