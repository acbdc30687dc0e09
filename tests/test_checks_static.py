"""Unit tests of the four static checks on hand-built compose models (no loader, no docker).

service-name-drift, leaked-host-port, missing-mount and env-drift read only Project.compose,
Project.dotenv / env_example and Dockerfiles; each test builds the smallest model that shows
one rule, including the quiet twin that must not be reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift
from doctor.checks.leaked_host_port import LeakedHostPort
from doctor.checks.missing_mount import MissingMount
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Check, Finding, Location, Safety, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.types import (
    Build,
    ComposeModel,
    EnvSource,
    EnvVar,
    Mount,
    PortMapping,
    Service,
    ServiceNetwork,
    VariableUse,
)


def run(check: Check, root: Path, *services: Service, env: Mapping[str, str] | None = None,
        variables: Mapping[str, str] | None = None, uses: tuple[VariableUse, ...] = (),
        disabled: tuple[str, ...] = ()) -> list[Finding]:
    """Run one check over a prebuilt model rooted at `root`."""
    compose = root / "compose.yaml"
    compose.touch()
    model = ComposeModel("proj", root, (compose,), {s.name: s for s in services}, dict(variables or {}), uses,
                         disabled_services=disabled)
    project = Project(ProjectOptions(path=root, env=dict(env or {})))
    project.__dict__["compose"] = model  # a prebuilt model in place of the loader's
    return list(check.run(project, Host(env={})))


def envfile(root: Path, text: str, name: str = ".env") -> Path:
    path = root / name
    path.write_text(text)
    return path


def from_file(path: Path, **values: str) -> dict[str, EnvVar]:
    """EnvVars read from `path` (whose lines are KEY=VALUE in this order), as env_file would give them."""
    lines = path.read_text().splitlines()
    found = {}
    for name, value in values.items():
        line = next(i for i, text in enumerate(lines, 1) if text.startswith(f"{name}="))
        found[name] = EnvVar(name, value, Location(path, line), EnvSource.ENV_FILE, value)
    return found


def inline(**values: str) -> dict[str, EnvVar]:
    return {k: EnvVar(k, v, None, EnvSource.ENVIRONMENT, v) for k, v in values.items()}


def svc(name: str, **kw: object) -> Service:
    return Service(name, None, **kw)  # type: ignore[arg-type]


def nets(*names: str, aliases: tuple[str, ...] = ()) -> dict[str, ServiceNetwork]:
    return {n: ServiceNetwork(n, aliases) for n in names}


def subjects(findings: list[Finding]) -> list[str]:
    return sorted(f.subject for f in findings)


# service-name-drift -------------------------------------------------------------------------


def test_drift_suggests_the_service_by_server_family_and_edits_the_env_line(tmp_path: Path) -> None:
    env = envfile(tmp_path, "POSTGRES_SERVER=postgresserver\nPOSTGRES_PORT=5433\n")
    leaked = from_file(env, POSTGRES_SERVER="postgresserver", POSTGRES_PORT="5433")
    backend, prestart = svc("backend", environment=leaked), svc("prestart", environment=leaked)
    db = svc("db", image="postgres:17")
    found = run(ServiceNameDrift(), tmp_path, db, svc("prestarter"), backend, prestart)
    assert len(found) == 1
    finding = found[0]
    assert finding.subject == "backend,prestart:POSTGRES_SERVER"
    assert finding.message == (
        "POSTGRES_SERVER=postgresserver names no service on the network (did you mean 'db'?)")
    assert finding.severity is Severity.ERROR
    assert finding.location == Location(env, 1)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    (edit,) = finding.fix.edits
    assert (edit.path, edit.line) == (env, 1)
    assert (edit.old, edit.new) == ("POSTGRES_SERVER=postgresserver", "POSTGRES_SERVER=db")


def test_drift_in_a_url_masks_the_password_and_edits_the_host_not_the_user(tmp_path: Path) -> None:
    env = envfile(tmp_path, "DATABASE_URL=postgresql://postgres:hunter22@postgress:5432/app\n")
    app = svc("app", environment=from_file(env, DATABASE_URL="postgresql://postgres:hunter22@postgress:5432/app"))
    (finding,) = run(ServiceNameDrift(), tmp_path, svc("database", image="bitnami/postgresql:16"), app)
    assert "hunter22" not in finding.message
    assert finding.message == (
        "DATABASE_URL host 'postgress' names no service on the network (did you mean 'database'?)")
    assert finding.fix is not None
    assert finding.fix.edits[0].new == "DATABASE_URL=postgresql://postgres:hunter22@database:5432/app"


@pytest.mark.parametrize(("password", "edited"), [
    ("p@postgress x", True), ("p@postgress", True), ("postgress", True),
    ("a@postgress/b", False),  # urllib reads the host before `/b@...`, a libpq-style reader the last one
])
def test_drift_never_edits_the_host_inside_a_password(tmp_path: Path, password: str, edited: bool) -> None:
    # the password holds `@postgress` (or is that word): the fix edits the host after the authority's
    # last `@`, or gives advice where readers disagree which one is the host; never the password
    value = f"postgresql://u:{password}@postgress:5432/app"
    env = envfile(tmp_path, f"DATABASE_URL={value}\n")
    app = svc("app", environment=from_file(env, DATABASE_URL=value))
    found = run(ServiceNameDrift(), tmp_path, svc("database", image="bitnami/postgresql:16"), app)
    (finding,) = [f for f in found if not f.subject.endswith(":password")]
    # a raw `@` in the password is a warning of its own (libpq reads the host after its first `@`)
    assert [f.severity for f in found if f.subject.endswith(":password")] == (
        [Severity.WARNING] if password == "p@postgress" else [])
    assert finding.fix is not None and (password == "postgress" or password not in finding.message)
    if edited:
        assert [e.new for e in finding.fix.edits] == [f"DATABASE_URL=postgresql://u:{password}@database:5432/app"]
    else:
        assert finding.fix.safety is Safety.ADVICE and not finding.fix.edits


def test_drift_in_the_second_host_of_a_multi_host_url_edits_that_host(tmp_path: Path) -> None:
    value = "mongodb://mongo1:27017,mongo-2:27017/app?replicaSet=rs0"
    env = envfile(tmp_path, f"MONGO_URL={value}\n")
    app = svc("app", environment=from_file(env, MONGO_URL=value))
    (finding,) = run(ServiceNameDrift(), tmp_path, svc("mongo1", image="mongo:7"), svc("mongo2", image="mongo:7"), app)
    assert finding.message == "MONGO_URL host 'mongo-2' names no service on the network (did you mean 'mongo2'?)"
    assert finding.location == Location(env, 1)
    assert finding.fix is not None
    assert finding.fix.edits[0].new == "MONGO_URL=mongodb://mongo1:27017,mongo2:27017/app?replicaSet=rs0"


def test_drift_suggests_by_port_then_by_name(tmp_path: Path) -> None:
    cache = svc("cache", image="example/keyvalue", expose=("6379",))
    app = svc("app", environment=inline(CACHE_URL="redis://kv:6379/0", SEARCH_HOST="serch"))
    found = {f.subject: f.message for f in run(ServiceNameDrift(), tmp_path, cache, svc("search"), app)}
    assert found == {
        "app:CACHE_URL": "CACHE_URL host 'kv' names no service on the network (did you mean 'cache'?)",
        "app:SEARCH_HOST": "SEARCH_HOST=serch names no service on the network (did you mean 'search'?)",
    }


def test_drift_with_no_other_service_on_the_network_says_so(tmp_path: Path) -> None:
    app = svc("app", environment=inline(QUEUE_HOST="zzz"))
    (finding,) = run(ServiceNameDrift(), tmp_path, app)
    assert finding.fix is not None and finding.fix.title == (
        "no other service shares a network with 'app': point QUEUE_HOST at a host it can reach, "
        "or put the service it means on a network with it")


def test_drift_without_a_plausible_service_gives_advice(tmp_path: Path) -> None:
    app = svc("app", environment=inline(QUEUE_HOST="zzz"))
    (finding,) = run(ServiceNameDrift(), tmp_path, svc("web"), app)
    assert finding.message == "QUEUE_HOST=zzz names no service on the network"
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and not finding.fix.edits


@pytest.mark.parametrize(("key", "first"), [("CKAN__DATAPUSHER__CALLBACK_URL_BASE", "'ckan-dev' (itself)"),
                                             ("QUEUE_URL", "'datapusher'")])
def test_drift_advice_for_a_url_handed_to_others_names_the_service_itself(tmp_path: Path, key: str,
                                                                         first: str) -> None:
    # ckan-docker's .env, shared by docker-compose.yml (service 'ckan') and docker-compose.dev.yml
    # ('ckan-dev'): the callback URL datapusher calls is ckan's own, so the dev service is a choice
    app = svc("ckan-dev", environment=inline(**{key: "http://ckan:5000"}))
    (finding,) = run(ServiceNameDrift(), tmp_path, svc("datapusher"), app)
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
    assert finding.fix.title == f"point {key} at a service: " + (
        f"{first}, 'datapusher'" if "itself" in first else first)


@pytest.mark.parametrize("value", [
    "db", "DB", "database", "legacy-db", "pg", "ext", "proj-db-1", "myself", "app",
    "db.example.com", "10.0.0.5", "localhost", "host.docker.internal", "", "${DB}", "db:5432",
])
def test_drift_quiet_for_names_the_container_resolves_or_does_not_judge(tmp_path: Path, value: str) -> None:
    db = svc("db", image="postgres", container_name="legacy-db", networks=nets("back", aliases=("database",)))
    app = svc("app", networks=nets("back"), links=("db:pg",), extra_hosts=("ext=10.1.1.1",),
              hostname="myself", environment=inline(DB_HOST=value))
    assert run(ServiceNameDrift(), tmp_path, db, app) == []


def test_drift_peer_hostname_is_not_resolvable(tmp_path: Path) -> None:
    db = svc("db", hostname="dbhost")
    (finding,) = run(ServiceNameDrift(), tmp_path, db, svc("app", environment=inline(DB_HOST="dbhost")))
    assert finding.subject == "app:DB_HOST"
    assert finding.message == (
        "DB_HOST=dbhost is the hostname of 'db', which peers cannot resolve (did you mean 'db'?)")


def test_drift_service_on_another_network(tmp_path: Path) -> None:
    db = svc("db", networks=nets("back"))
    app = svc("app", networks=nets("front"), environment=inline(DB_HOST="db"))
    (finding,) = run(ServiceNameDrift(), tmp_path, db, app)
    assert finding.message == "DB_HOST=db is 'db', which shares no network with 'app'"


def test_drift_network_modes(tmp_path: Path) -> None:
    db = svc("db", networks=nets("back"))
    vpn = svc("vpn", networks=nets("back"))
    hosted = svc("hosted", network_mode="host", environment=inline(DB_HOST="nothere"))
    sidecar = svc("sidecar", network_mode="service:vpn", environment=inline(DB_HOST="db", CACHE_HOST="nope"))
    assert subjects(run(ServiceNameDrift(), tmp_path, db, vpn, hosted, sidecar)) == ["sidecar:CACHE_HOST"]


def test_drift_quiet_for_non_dial_keys_and_disabled_services(tmp_path: Path) -> None:
    app = svc("app", environment=inline(ALLOWED_HOSTS="web,api", LISTEN_ADDR="app", WORKER_HOST="worker",
                                        GREETING="hello"))
    assert run(ServiceNameDrift(), tmp_path, app, disabled=("worker",)) == []


# leaked-host-port ---------------------------------------------------------------------------


def _db_published_by(variable: str, published: str) -> Service:
    return svc("db", image="postgres:17", ports=(PortMapping(5432, published, raw=f"${{{variable}}}:5432",
                                                             variables=(variable,)),))


def test_leaked_published_port_reaching_consumers(tmp_path: Path) -> None:
    env = envfile(tmp_path, "POSTGRES_PORT=5433\nPOSTGRES_SERVER=db\n")
    (tmp_path / "compose.override.yaml").write_text("services:\n  backend:\n    volumes:\n      - ./a:/a\n")
    backend = svc("backend", environment=from_file(env, POSTGRES_PORT="5433", POSTGRES_SERVER="db"),
                  depends_on=("db",))
    worker = svc("worker", environment=backend.environment, command=("sh", "-c", "pg_isready -p $POSTGRES_PORT"))
    model_files = run(LeakedHostPort(), tmp_path, _db_published_by("POSTGRES_PORT", "5433"), backend, worker)
    (finding,) = model_files
    assert finding.subject == "backend,worker:POSTGRES_PORT"
    assert finding.message == (
        "POSTGRES_PORT=5433 is the host port of 'db', which listens on 5432 inside the network"
        " ('backend' gets POSTGRES_SERVER=db and depends on 'db')")
    assert finding.location == Location(env, 1)


def test_leaked_published_port_only_for_clients_of_the_server(tmp_path: Path) -> None:
    """ES_PORT beside ES_HOST in an env_file every service loads: only the service that dials is hurt."""
    env = envfile(tmp_path, "ES_HOST=es\nES_PORT=9201\n")
    given = from_file(env, ES_HOST="es", ES_PORT="9201")
    es = svc("es", image="elasticsearch:8", ports=(PortMapping(9200, "9201", raw="${ES_PORT}:9200",
                                                             variables=("ES_PORT",)),))
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "client.py").write_text("import os\nport = int(os.environ['ES_PORT'])\n")
    search = svc("search", build=Build(str(tmp_path / "search")), environment=given)
    frontend = svc("frontend", environment=given)
    db = svc("db", image="postgres:17", environment=given)
    (finding,) = run(LeakedHostPort(), tmp_path, es, search, frontend, db)
    assert finding.subject == "search:ES_PORT"
    assert finding.message.endswith("('search' reads ES_PORT in search/client.py)")


def test_leaked_fix_writes_the_container_value_into_the_override(tmp_path: Path) -> None:
    env = envfile(tmp_path, "POSTGRES_PORT=5433\n")
    override = tmp_path / "compose.override.yaml"
    override.write_text("services:\n  backend:\n    volumes:\n      - ./a:/a\n")
    backend = svc("backend", environment=from_file(env, POSTGRES_PORT="5433"), command="wait-for db:$POSTGRES_PORT")
    project_model = ComposeModel("proj", tmp_path, (tmp_path / "compose.yaml", override),
                                 {s.name: s for s in (_db_published_by("POSTGRES_PORT", "5433"), backend)})
    project = Project(ProjectOptions(path=tmp_path, env={}))
    project.__dict__["compose"] = project_model
    (finding,) = LeakedHostPort().run(project, Host(env={}))
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    (edit,) = finding.fix.edits
    assert edit.path == override
    assert "environment:\n      POSTGRES_PORT: '5432'" in edit.new
    assert "- ./a:/a" in edit.new


@pytest.mark.parametrize("case", ["environment-wins", "same-port", "unrelated-name", "not-in-env"])
def test_leaked_published_port_quiet(tmp_path: Path, case: str) -> None:
    env = envfile(tmp_path, "POSTGRES_PORT=5433\nPUBLIC_PORT=5433\n")
    leaked = from_file(env, POSTGRES_PORT="5433", PUBLIC_PORT="5433")
    db = _db_published_by("POSTGRES_PORT", "5433")
    consumer = svc("backend", environment={"POSTGRES_PORT": leaked["POSTGRES_PORT"]})
    if case == "environment-wins":
        consumer = svc("backend", environment=inline(POSTGRES_PORT="5432"))
    elif case == "same-port":
        db = _db_published_by("POSTGRES_PORT", "5432")
    elif case == "unrelated-name":
        db = _db_published_by("PUBLIC_PORT", "5433")
        consumer = svc("backend", environment={"PUBLIC_PORT": leaked["PUBLIC_PORT"]})
    else:
        consumer = svc("backend")
    assert run(LeakedHostPort(), tmp_path, db, consumer) == []


def test_leaked_localhost_where_a_peer_listens(tmp_path: Path) -> None:
    db = svc("db", image="postgres:17", ports=(PortMapping(5432, "5433"),))
    cache = svc("cache", image="redis:7")
    app = svc("app", environment=inline(
        DATABASE_URL="postgresql://u:topsecret@localhost:5433/app",
        REDIS_HOST="127.0.0.1",
    ))
    found = {f.subject: f for f in run(LeakedHostPort(), tmp_path, db, cache, app)}
    assert set(found) == {"app:DATABASE_URL", "app:REDIS_HOST"}
    url = found["app:DATABASE_URL"]
    assert url.message == (
        "DATABASE_URL host 'localhost' is 'app' itself in its container (did you mean 'db'?): "
        "'app' sets DATABASE_URL in its environment")
    assert url.fix is not None and url.fix.safety is Safety.ADVICE and not url.fix.edits
    assert "topsecret" not in url.message + url.fix.title
    redis = found["app:REDIS_HOST"]
    assert redis.message == ("REDIS_HOST=127.0.0.1 is 'app' itself in its container (did you mean 'cache'?): "
                             "'app' sets REDIS_HOST in its environment")


@pytest.mark.parametrize("env", [
    {"VITE_API_URL": "http://localhost:8000"},            # a browser-facing key
    {"API_URL": "http://localhost:8000"},                 # a port the project publishes on the host
    {"SELF_URL": "http://localhost:9000/health"},         # the container's own port
    {"CACHE_URL": "redis://localhost:6390"},              # nobody listens there
    {"LISTEN_HOST": "127.0.0.1"},                         # a bind address, not a dial
    {"MAIL_HOST": "localhost"},                           # no port to judge by
])
def test_leaked_localhost_quiet(tmp_path: Path, env: dict[str, str]) -> None:
    api = svc("api", ports=(PortMapping(8000, "8000"),))
    app = svc("app", expose=("9000",), environment=inline(**env))
    assert run(LeakedHostPort(), tmp_path, api, app) == []


def test_leaked_localhost_quiet_under_host_networking(tmp_path: Path) -> None:
    db = svc("db", image="postgres:17")
    app = svc("app", network_mode="host", environment=inline(DATABASE_URL="postgresql://localhost:5432/app"))
    assert run(LeakedHostPort(), tmp_path, db, app) == []


def test_leaked_localhost_fix_for_plain_value_goes_to_a_new_override(tmp_path: Path) -> None:
    cache = svc("cache", image="redis:7")
    app = svc("app", environment=inline(REDIS_HOST="localhost"))
    (finding,) = run(LeakedHostPort(), tmp_path, cache, app)
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    assert edit.path == tmp_path / "compose.override.yaml" and edit.old == ""
    assert edit.new == "services:\n  app:\n    environment:\n      REDIS_HOST: cache\n"


# missing-mount ------------------------------------------------------------------------------


def _backend(root: Path, *folders: str, mounts: tuple[str, ...], user: str | None = None) -> Service:
    context = root / "backend"
    for folder in ("app", "tests", "scripts"):
        (context / folder).mkdir(parents=True, exist_ok=True)
    (context / "Dockerfile").write_text(
        "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml ./\n"
        + "".join(f"COPY {f}/ ./{f}/\n" for f in folders)
    )
    (context / "pyproject.toml").write_text("")
    for mount in mounts:
        (root / mount.partition(":")[0]).mkdir(parents=True, exist_ok=True)
    override = root / "compose.override.yaml"
    volumes = tuple(
        Mount("bind", str(root / src), dst, location=Location(override, 5 + i), raw=f"./{src}:{dst}")
        for i, (src, _, dst) in enumerate(m.partition(":") for m in mounts)
    )
    return svc("backend", build=Build(str(context)), volumes=volumes, user=user)


def test_missing_mount_names_the_forgotten_folder_and_its_target(tmp_path: Path) -> None:
    mounts = ("backend/app:/app/app", "backend/tests:/app/tests")
    backend = _backend(tmp_path, "app", "tests", "scripts", mounts=mounts)
    (finding,) = run(MissingMount(), tmp_path, backend)
    assert finding.subject == "backend:backend/scripts"
    assert finding.message == "'backend' mounts backend/app, backend/tests but not backend/scripts"
    assert finding.severity is Severity.WARNING
    assert finding.fix is not None
    assert finding.fix.title == "mount ./backend/scripts at /app/scripts in a new dev override compose.override.yaml"
    assert finding.fix.edits[0].new.endswith("    volumes:\n      - ./backend/scripts:/app/scripts\n")


def test_missing_mount_follows_the_siblings_layout(tmp_path: Path) -> None:
    mounts = ("backend/app:/srv/code/app", "backend/tests:/srv/code/tests")
    backend = _backend(tmp_path, "app", "tests", "scripts", mounts=mounts)
    (finding,) = run(MissingMount(), tmp_path, backend)
    assert finding.fix is not None
    assert finding.fix.title.endswith("at /srv/code/scripts in a new dev override compose.override.yaml")


@pytest.mark.parametrize("mounts", [
    ("backend/app:/app/app", "backend/tests:/app/tests", "backend/scripts:/app/scripts"),
    ("backend:/app",),
    (),
    ("backend/app/core:/app/app/core", "backend/tests:/app/tests", "backend/scripts/sub:/app/scripts/sub"),
])
def test_missing_mount_quiet(tmp_path: Path, mounts: tuple[str, ...]) -> None:
    assert run(MissingMount(), tmp_path, _backend(tmp_path, "app", "tests", "scripts", mounts=mounts)) == []


def test_missing_mount_whatever_the_counts(tmp_path: Path) -> None:
    """One mounted source folder says 'live editing': every other COPY'd source folder is missing."""
    backend = _backend(tmp_path, "app", "tests", "scripts", mounts=("backend/app:/app/app",))
    found = run(MissingMount(), tmp_path, backend)
    assert sorted(f.subject for f in found) == ["backend:backend/scripts", "backend:backend/tests"]


def test_missing_mount_leaves_a_worker_of_a_shared_image_alone(tmp_path: Path) -> None:
    mounts = ("backend/app:/app/app", "backend/tests:/app/tests", "backend/scripts:/app/scripts")
    backend = _backend(tmp_path, "app", "tests", "scripts", mounts=mounts)
    worker = svc("worker", build=backend.build, volumes=backend.volumes[:1])
    assert run(MissingMount(), tmp_path, backend, worker) == []


def test_missing_bind_source_outside_the_project_judged_alike(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    loc = Location(root / "compose.yaml", 3)
    volumes = (
        Mount("bind", str(tmp_path / "libs"), "/libs", location=loc, raw="../libs:/libs"),
        Mount("bind", f"{root}/../libs", "/libs2", location=loc, raw="${PWD}/../libs:/libs2"),
        Mount("bind", "/srv/elsewhere", "/e", location=loc, raw="/srv/elsewhere:/e"),
    )
    (finding,) = run(MissingMount(), root, svc("web", volumes=volumes))
    assert finding.subject == "web:../libs"
    assert finding.message == "bind source ../libs does not exist: docker will create it root-owned"


def test_missing_bind_sources(tmp_path: Path) -> None:
    (tmp_path / "present").mkdir()
    loc = Location(tmp_path / "compose.yaml", 3)
    volumes = (
        Mount("bind", str(tmp_path / "present"), "/p", location=loc),
        Mount("bind", str(tmp_path / "data"), "/data", location=loc),
        Mount("bind", str(tmp_path / "nginx.conf"), "/etc/nginx/nginx.conf", location=loc),
        Mount("bind", str(tmp_path / "strict"), "/s", create_host_path=False, location=loc),
        Mount("bind", "/var/run/docker.sock", "/var/run/docker.sock", location=loc),
        Mount("bind", str(tmp_path / "${DATA_DIR}"), "/v", location=loc),
        Mount("volume", "named", "/n", location=loc),
    )
    found = {f.subject: f for f in run(MissingMount(), tmp_path, svc("web", volumes=volumes),
                                       svc("worker", volumes=volumes[1:2], user="1000:1000"))}
    assert {s: f.severity for s, f in found.items()} == {
        "web,worker:data": Severity.WARNING,
        "web:nginx.conf": Severity.WARNING,
        "web:strict": Severity.ERROR,
    }
    assert found["web,worker:data"].message == (
        "bind source ./data does not exist: docker makes it root-owned, 'worker' runs as '1000:1000'")
    # lemmy's pictrs (`user: 991:991`): a folder of yours is as unwritable to it as root's, so it is given away
    fix = found["web,worker:data"].fix
    assert fix is not None and fix.title.endswith("before starting: mkdir -p data, then as root chown 1000:1000 data")
    assert found["web:nginx.conf"].message == (
        "bind source ./nginx.conf does not exist: docker will make it a root-owned directory")
    only_root = run(MissingMount(), tmp_path, svc("web", volumes=volumes[1:2]))
    assert [(f.severity, f.message) for f in only_root] == [
        (Severity.INFO, "bind source ./data does not exist: docker will create it root-owned")]


# env-drift ----------------------------------------------------------------------------------


def test_env_drift_unset_variable_without_default(tmp_path: Path) -> None:
    loc = Location(tmp_path / "compose.yaml", 7)
    uses = (
        VariableUse("TAG", loc), VariableUse("TAG", Location(loc.path, 9)),
        VariableUse("WITH_DEFAULT", loc, has_default=True), VariableUse("MUST", loc, required=True),
        VariableUse("SET", loc),
    )
    found = run(EnvDrift(), tmp_path, svc("app"), uses=uses, variables={"SET": ""})
    assert [(f.subject, f.location, f.message) for f in found] == [
        ("TAG", loc, "'TAG' is not set and has no default: compose substitutes ''")]
    assert found[0].fix is not None and found[0].fix.safety is Safety.ADVICE


def test_env_drift_example_keys_missing_from_dotenv(tmp_path: Path) -> None:
    envfile(tmp_path, "A=1\nB=2")  # no newline at the end: the fixer starts a new line, once for every key
    template = "# template\nA=0\nB=0\nC='c value'\nSHELL_SET=x\nTAG=latest\n"
    example = envfile(tmp_path, template, ".env.example")
    loc = Location(tmp_path / "compose.yaml", 2)
    found = run(EnvDrift(), tmp_path, svc("app"), env={"SHELL_SET": "y"}, variables={"A": "1", "B": "2"},
                uses=(VariableUse("TAG", loc),))
    assert [(f.subject, f.location) for f in found] == [("TAG", loc), ("C", Location(example, 4))]
    assert found[1].message == ("'C' from .env.example is missing from .env (no service loads .env, and compose "
                                "interpolates no ${C})")
    assert found[1].severity is Severity.INFO  # no env_file, no bind of .env: C reaches no container
    assert found[1].fix is not None and found[1].fix.safety is Safety.SAFE
    (edit,) = found[1].fix.edits
    assert (edit.path, edit.old, edit.line) == (tmp_path / ".env", "", None)
    assert edit.new == "# added by doctor from .env.example\nC='c value'\n"
    assert found[0].fix is not None and found[0].fix.edits[0].new.endswith("TAG=latest\n")


def test_env_drift_quiet_when_dotenv_matches_the_example(tmp_path: Path) -> None:
    envfile(tmp_path, "A=1\nB=\n")
    envfile(tmp_path, "A=0\nB=0\n", ".env.example")
    assert run(EnvDrift(), tmp_path, svc("app"), variables={"A": "1", "B": ""},
               uses=(VariableUse("A", None), VariableUse("B", None))) == []


def test_leaked_localhost_url_is_rewritten_to_the_peer_and_its_container_port(tmp_path: Path) -> None:
    cache = svc("cache", image="example/kv", ports=(PortMapping(6379, "6380"),))
    app = svc("app", environment=inline(CACHE_URL="redis://localhost:6380/0?name=$x"))
    (finding,) = run(LeakedHostPort(), tmp_path, cache, app)
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    # `$` doubled: compose would otherwise interpolate the override's value
    assert 'CACHE_URL: "redis://cache:6379/0?name=$$x"' in finding.fix.edits[0].new


def test_leaked_fix_is_advice_when_files_are_explicit_and_none_is_an_override(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.touch()
    model = ComposeModel("proj", tmp_path, (compose,), {s.name: s for s in (
        svc("cache", image="redis:7"), svc("app", environment=inline(REDIS_HOST="localhost")))})
    project = Project(ProjectOptions(path=tmp_path, files=(compose,), env={}))
    project.__dict__["compose"] = model
    (finding,) = LeakedHostPort().run(project, Host(env={}))
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and finding.fix.edits == ()


def test_env_drift_without_any_dotenv_is_one_finding(tmp_path: Path) -> None:
    example = envfile(tmp_path, "# template\nA=0\nB=0\n", ".env.example")
    loc = Location(tmp_path / "compose.yaml", 2)
    found = run(EnvDrift(), tmp_path, svc("app"), uses=(VariableUse("B", loc),))
    assert [(f.subject, f.location) for f in found] == [("B", loc), (".env", Location(example, 2))]
    # the copy is the second finding's fix alone (an advice here read 'skipped', then 'applied')
    assert found[0].fix is None and found[0].message.endswith("; .env.example sets it, and there is no .env")
    assert found[1].message == "there is no .env: .env.example lists 2 keys for it ('A', ...)"
    assert found[1].fix is not None
    (edit,) = found[1].fix.edits
    assert (edit.path, edit.old, edit.new) == (tmp_path / ".env", "", "# template\nA=0\nB=0\n")


def test_a_proxy_port_variable_handed_to_every_service_is_no_leak(tmp_path: Path) -> None:
    """TRAEFIK_PORT=8095 reaching the backend through env_file names the proxy but dials nothing."""
    env = envfile(tmp_path, "TRAEFIK_PORT=8095\nTRAEFIK_HOST=traefik\n")
    proxy = svc("traefik", image="traefik:3.1",
                ports=(PortMapping(80, "8095", raw="${TRAEFIK_PORT:-8094}:80", variables=("TRAEFIK_PORT",)),))
    backend = svc("backend", environment=from_file(env, TRAEFIK_PORT="8095"))
    assert run(LeakedHostPort(), tmp_path, proxy, backend) == []
    paired = svc("backend", environment=from_file(env, TRAEFIK_PORT="8095", TRAEFIK_HOST="traefik"))
    assert run(LeakedHostPort(), tmp_path, proxy, paired) == []  # gets the host but never depends on it
    paired = svc("backend", environment=paired.environment, depends_on=("traefik",))
    assert [f.subject for f in run(LeakedHostPort(), tmp_path, proxy, paired)] == ["backend:TRAEFIK_PORT"]


@pytest.mark.parametrize(("inside", "found"), [
    ({"command": "npm run dev"}, False),                                   # a dev server: the browser dials
    ({"command": "npx next start"}, True),                                  # SSR: the server dials too
    ({"image": "mcr.microsoft.com/playwright:v1.56.0-noble"}, True),        # its browser runs in the container
    ({"command": ("npx", "playwright", "test")}, True),
])
def test_browser_urls_are_judged_per_service(tmp_path: Path, inside: dict[str, object], found: bool) -> None:
    api = svc("api", ports=(PortMapping(8000, "8000"),))
    web = svc("web", environment=inline(NEXT_PUBLIC_API_URL="http://localhost:8000"), depends_on=("api",),
              **inside)
    findings = run(LeakedHostPort(), tmp_path, api, web)
    assert [f.subject for f in findings] == (["web:NEXT_PUBLIC_API_URL"] if found else [])


def test_drift_on_an_external_network_says_another_project_may_answer(tmp_path: Path) -> None:
    # penpot's docker/devenv: the main project joins `penpot_shared` (external); its mailer, postgres and
    # valkey are another compose project's services on that network
    (tmp_path / "compose.yaml").write_text(
        "networks:\n  default:\n    name: penpot_shared\n    external: true\n"
        "services:\n  main:\n    image: busybox\n    environment:\n      PENPOT_SMTP_HOST: mailer\n")
    project = Project(ProjectOptions(path=tmp_path, env={}))
    (finding,) = ServiceNameDrift().run(project, Host(env={}))
    assert finding.severity is Severity.INFO
    assert finding.message == ("PENPOT_SMTP_HOST=mailer names no service on the network of this project; it joins "
                               "the external network 'penpot_shared', where another project's container may "
                               "answer to it")
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
    assert "`docker network inspect penpot_shared`" in finding.fix.title
