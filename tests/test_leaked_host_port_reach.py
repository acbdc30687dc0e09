"""leaked-host-port: who else a leaked value reaches, and fixes that say where they write.

Each case is a defect a tester reproduced on a real project: ckan-docker's `links:` with no
depends_on, bakerydemo's `db:${DB_PORT:-5433}` in a URL with a password, saleor-platform's
backend.env loaded by `api` and `worker`, netbox-docker's `DB_PORT: ${DB_PORT}` in its git-ignored
override, django-react-boilerplate's advice naming no override file. Each project is written to a
temporary folder and read by doctor's own loader.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions


def findings(root: Path, files: dict[str, str], compose_files: tuple[str, ...] = ()) -> list[Finding]:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    options = ProjectOptions(path=root, files=tuple(root / f for f in compose_files),
                             env={"PATH": "/usr/bin:/bin", "HOME": str(root)})
    return list(LeakedHostPort().run(Project(options), Host(env={})))


CKAN = """services:
  ckan-dev:
    image: ckan/ckan-dev:2.10
    env_file:
      - .env
{dependency}
  db:
    image: postgres:16
    ports:
      - "${{POSTGRES_PORT}}:5432"
"""


def test_links_make_a_dependency_as_depends_on_does(tmp_path: Path) -> None:
    dotenv = "POSTGRES_HOST=db\nPOSTGRES_PORT=5433\n"
    compose = "docker-compose.dev.yml"
    for name, dependency in [("none", ""), ("links", "    links:\n      - db\n"),
                             ("alias", "    links:\n      - db:database\n"), ("depends", "    depends_on: [db]\n")]:
        found = findings(tmp_path / name, {compose: CKAN.format(dependency=dependency), ".env": dotenv}, (compose,))
        if name == "none":
            assert found == []
            continue
        assert [(f.subject, f.location.line if f.location else 0) for f in found] == [("ckan-dev:POSTGRES_PORT", 2)]
        how = "depends on 'db'" if name == "depends" else "links to 'db'"
        assert found[0].message.endswith(f"('ckan-dev' gets POSTGRES_HOST=db and {how})")


def test_a_localhost_url_of_a_service_linked_to_its_peer_is_found(tmp_path: Path) -> None:
    compose = """services:
  web:
    image: vendor/app:1
    env_file: .env
    links: [redis]
  redis:
    image: redis:7
"""
    found = findings(tmp_path, {"compose.yaml": compose, ".env": "REDIS_URL=redis://localhost:6379/0\n"})
    assert [f.subject for f in found] == ["web:REDIS_URL"]
    assert found[0].message.endswith("'web' links to 'redis'")


BAKERY = """services:
  db:
    image: postgres:18
    ports:
      - "${DB_PORT:-5433}:5432"
  app:
    image: bakery:dev
    depends_on: [db]
    environment:
      DATABASE_URL: {url}
"""


def test_a_port_variable_in_a_url_with_a_password_is_rewritten_on_its_line(tmp_path: Path) -> None:
    url = "postgres://app_user:changeme@db:${DB_PORT:-5433}/app_db"
    (finding,) = findings(tmp_path, {"docker-compose.yml": BAKERY.replace("{url}", url)})
    fix = finding.fix
    assert fix is not None and fix.safety is Safety.UNSAFE
    assert [(e.path.name, e.line, e.old, e.new) for e in fix.edits] == [
        ("docker-compose.yml", 10, f"      DATABASE_URL: {url}",
         "      DATABASE_URL: postgres://app_user:changeme@db:5432/app_db")]
    assert fix.title == ("rewrite DATABASE_URL on its line in docker-compose.yml, with db:5432 in place of "
                         "db:${DB_PORT:-5433} (an override would copy its password)")
    assert "changeme" not in fix.title


def test_a_port_variable_the_dotenv_sets_is_rewritten_too(tmp_path: Path) -> None:
    url = "postgres://app:pw@db:$DB_PORT/app"
    files = {"docker-compose.yml": BAKERY.replace("{url}", url), ".env": "DB_PORT=5440\n"}
    (finding,) = findings(tmp_path, files)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert [e.new for e in finding.fix.edits] == ["      DATABASE_URL: postgres://app:pw@db:5432/app"]


def test_an_address_in_a_default_compose_does_not_use_is_not_rewritten(tmp_path: Path) -> None:
    """`${DATABASE_URL:-...@db:5433/...}` with DATABASE_URL set in .env: the default is not the value
    compose gives, so rewriting it would change nothing; the .env line is rewritten (its host `db` is a
    compose service, no host tool's), the password kept and never shown."""
    url = "${DATABASE_URL:-postgres://app:pw@db:5433/app}"
    files = {"docker-compose.yml": BAKERY.replace("{url}", url), ".env": "DATABASE_URL=postgres://app:pw@db:5433/x\n"}
    (finding,) = findings(tmp_path, files)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert [(e.path.name, e.line, e.new) for e in finding.fix.edits] == [
        (".env", 1, "DATABASE_URL=postgres://app:pw@db:5432/x")]
    assert finding.fix.title == (
        "rewrite DATABASE_URL on its line in .env, with db:5432 in place of db:5433 (its host 'db' is a compose "
        "service, which no tool on the host resolves either)")


def test_advice_names_the_override_that_exists(tmp_path: Path) -> None:
    """The address is a part of the value that .env writes (`@${DB_ADDR}/x`): no line holds the value
    whole, so the advice names the override, and the hosts to change, never the password."""
    url = "postgres://app:pw@${DB_ADDR}/x"
    files = {"compose.yaml": BAKERY.replace("{url}", url), ".env": "DB_ADDR=db:5433\n",
             "compose.override.yaml": "services:\n  app:\n    restart: 'no'\n"}
    (finding,) = findings(tmp_path, files)
    assert finding.fix is not None and finding.fix.title == (
        "set DATABASE_URL for 'app' in the dev override compose.override.yaml, with db:5432 in place of db:5433")
    (tmp_path / "compose.override.yaml").unlink()
    (finding,) = findings(tmp_path, {})
    assert finding.fix is not None and finding.fix.title == (
        "set DATABASE_URL for 'app' in a new dev override compose.override.yaml, with db:5432 in place of db:5433")


SALEOR = """services:
  api:
    image: ghcr.io/saleor/saleor:3.22
    depends_on: [db]
    env_file:
      - {env}
  worker:
    image: ghcr.io/saleor/saleor:3.22
    command: celery -A saleor worker
    env_file:
      - {env}
{docs}  db:
    image: postgres:15
    ports:
      - {ports}
"""
DOCS = """  docs:
    build: ./docs
    env_file:
      - {env}
"""


def test_a_line_of_a_containers_env_file_is_one_finding_for_every_service_loading_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "Dockerfile").write_text("FROM python:3.12\nCOPY site.py /app/\n")
    (tmp_path / "docs" / "site.py").write_text("import os\nprint(os.environ['TITLE'])\n")
    env = "SECRET_KEY=changeme\nDATABASE_URL=postgres://saleor:saleor@localhost:5432/saleor\n"
    compose = SALEOR.format(env="backend.env", ports="5432:5432", docs=DOCS.format(env="backend.env"))
    (finding,) = findings(tmp_path, {"docker-compose.yml": compose, "backend.env": env})
    # docs loads it too, but doctor reads its code, which never names DATABASE_URL
    assert finding.subject == "api,worker:DATABASE_URL"
    assert "each container itself in 'api' and 'worker'" in finding.message
    assert finding.message.endswith("'api' depends on 'db'")
    # docs reads the line too: it is not rewritten under it, the advice names both clients
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
    assert finding.fix.title.startswith("set DATABASE_URL for 'api', 'worker' in a new dev override ")
    compose = SALEOR.format(env="backend.env", ports="5432:5432", docs="")
    (finding,) = findings(tmp_path / "clients-only", {"docker-compose.yml": compose, "backend.env": env})
    fix = finding.fix
    assert fix is not None and fix.safety is Safety.UNSAFE
    assert [(e.path.name, e.new) for e in fix.edits] == [
        ("backend.env", "DATABASE_URL=postgres://saleor:saleor@db:5432/saleor")]


def test_a_published_port_in_a_containers_env_file_reaches_every_service_loading_it(tmp_path: Path) -> None:
    env = "DATABASE_URL=postgres://saleor:saleor@db:5433/saleor\n"
    compose = SALEOR.format(env="backend.env", ports="5433:5432", docs="")
    (finding,) = findings(tmp_path, {"docker-compose.yml": compose, "backend.env": env})
    assert finding.subject == "api,worker:DATABASE_URL"
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE


def test_a_shared_dotenv_line_is_still_only_for_the_services_with_a_reason(tmp_path: Path) -> None:
    """The project's `.env` is written for tools run on the host too: the worker merely gets it."""
    env = "DATABASE_URL=postgres://saleor:saleor@localhost:5432/saleor\n"
    compose = SALEOR.format(env=".env", ports="5432:5432", docs="")
    (finding,) = findings(tmp_path, {"docker-compose.yml": compose, ".env": env})
    assert finding.subject == "api:DATABASE_URL"


NETBOX = """services:
  netbox:
    image: netboxcommunity/netbox:v4.1
    depends_on: [postgres]
    env_file: env/netbox.env
  postgres:
    image: postgres:16-alpine
    ports:
      - "${DB_PORT}:5432"
"""


def test_a_git_ignored_override_editing_its_own_line_says_nothing_of_other_lines(tmp_path: Path) -> None:
    override = "services:\n  netbox:\n    environment:\n      DB_PORT: ${DB_PORT}\n"
    files = {"docker-compose.yml": NETBOX, "docker-compose.override.yml": override, ".env": "DB_PORT=5433\n",
             "env/netbox.env": "DB_HOST=postgres\n", ".gitignore": "docker-compose.override.yml\n"}

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (finding,) = findings(tmp_path, files)
    fix = finding.fix
    assert fix is not None and fix.safety is Safety.SAFE
    assert [e.path.name for e in fix.edits] == ["docker-compose.override.yml"]
    assert "DB_PORT: 5432" in str(fix.edits[0].new)
    assert fix.title == "set DB_PORT=5432 for 'netbox' in the dev override"


FORMBRICKS = """services:
  postgres:
    image: pgvector/pgvector:pg17
  cube:
    image: cubejs/cube:v1.6.6
    env_file:
      - apps/web/.env
    depends_on:
      - postgres
"""


def test_another_apps_dotenv_a_service_loads_for_one_key_is_not_its_own(tmp_path: Path) -> None:
    """formbricks/formbricks' docker-compose.dev.yml: `cube` (a prebuilt image) loads the Next.js
    app's `apps/web/.env` for CUBEJS_API_SECRET; that file's `localhost` values are the host-run
    app's, right there. Three errors on an unmodified project said cube dialled itself. A `.env` in a
    folder of no program (written for the container) is still the service's own."""
    dotenv = "DATABASE_URL=postgresql://u:p@localhost:5432/formbricks\nCUBEJS_API_SECRET=x\n"
    files = {"compose.yaml": FORMBRICKS, "apps/web/package.json": "{}\n", "apps/web/.env": dotenv}
    assert findings(tmp_path / "fb", files) == []
    [finding] = findings(tmp_path / "own", {"compose.yaml": FORMBRICKS, "apps/web/.env": dotenv})
    assert finding.message.startswith("DATABASE_URL host 'localhost' is 'cube' itself in its container")


MATHESAR = """services:
  dev-db-base:
    image: postgres:17
  dev-db:
    extends:
      service: dev-db-base
    container_name: mathesar_dev_db
  dev-service:
    image: mathesar/dev:latest
    env_file: .env
    depends_on:
      - dev-db
"""


def test_of_two_servers_on_the_port_the_one_it_depends_on_is_meant(tmp_path: Path) -> None:
    """mathesar-foundation/mathesar's docker-compose.dev.yml: `dev-db` extends `dev-db-base`, and
    `dev-service` depends on dev-db. `POSTGRES_HOST=localhost` was "did you mean 'dev-db-base'?",
    the base no `up dev-service` starts, while service-name-drift named dev-db for the same line."""
    for dotenv in ("POSTGRES_HOST=localhost\nPOSTGRES_PORT=5432\n", "POSTGRES_HOST=localhost\n"):
        [finding] = findings(tmp_path / str(len(dotenv)), {"compose.yaml": MATHESAR, ".env": dotenv})
        assert "(did you mean 'dev-db'?)" in finding.message, finding.message


NAUTOBOT = """services:
  nautobot:
    image: networktocode/nautobot-dev:latest
    env_file:
      - dev.env
    depends_on:
      - db
  redis:
    image: redis:6-alpine
    env_file:
      - dev.env
  db:
    image: postgres:17
    env_file:
      - dev.env
"""


def test_the_server_loading_the_same_env_file_does_not_stop_the_in_place_rewrite(tmp_path: Path) -> None:
    """nautobot/nautobot's development/dev.env reaches its app, redis and its `db`: the server the
    new value names reads the line too, and there `db` is itself as localhost was. The line is
    rewritten in place (only the containers read it), not set in an override for every service."""
    override = "services:\n  nautobot:\n    ports:\n      - 8080:8080\n"
    files = {"compose.yaml": NAUTOBOT, "compose.override.yaml": override,
             "dev.env": "NAUTOBOT_DB_HOST=localhost\nNAUTOBOT_DB_PORT=5432\n"}
    [finding] = findings(tmp_path / "nb", files)
    assert finding.fix is not None and finding.fix.title == (
        "write NAUTOBOT_DB_HOST=db on its line in dev.env (only the containers read it)")


ROBOTOFF = """x-robotoff-base-env: &robotoff-base-env
  POSTGRES_HOST:
  POSTGRES_DB:
services:
  postgres:
    image: postgres:16
    ports:
      - "${{POSTGRES_EXPOSE:-127.0.0.1:5501}}:5432"
{workers}"""


def test_a_dotenv_line_handed_on_by_bare_keys_with_no_override_is_set_on_its_line(tmp_path: Path) -> None:
    """openfoodfacts/robotoff: `COMPOSE_FILE=docker-compose.yml;docker/dev.yml` reads no override,
    and eleven services take POSTGRES_HOST from .env through the anchor's bare `POSTGRES_HOST:`; the
    advice listed them all in "set POSTGRES_HOST=postgres in the environment of ...", where the one
    .env line is what to change."""
    workers = "".join(f"  worker-{n}:\n    image: robotoff\n    depends_on: [postgres]\n"
                      f"    environment: *robotoff-base-env\n" for n in range(1, 7))
    dev = "services:\n  worker-1:\n    restart: 'no'\n"
    dotenv = "COMPOSE_FILE=docker-compose.yml;docker/dev.yml\nPOSTGRES_HOST=localhost\nPOSTGRES_DB=robotoff\n"
    found = findings(tmp_path, {"docker-compose.yml": ROBOTOFF.format(workers=workers), "docker/dev.yml": dev,
                                ".env": dotenv})
    [finding] = [f for f in found if "POSTGRES_HOST" in f.message]
    assert finding.location is not None and (finding.location.path.name, finding.location.line) == (".env", 2)
    assert "each container itself in 'worker-1', 'worker-2', 'worker-3' and 3 more services" in finding.message
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
    assert finding.fix.title == ("set POSTGRES_HOST=postgres on its line in .env, which hands it to 'worker-1', "
                                 "'worker-2', 'worker-3' and 3 more services (no dev override is read here); a "
                                 "program on the host that dials localhost can set it in its shell")


DEFECTDOJO = """services:
{workers}  postgres:
    image: postgres:18
    ports:
      - "${{DD_DATABASE_PORT:-5432}}:5432"
"""


def test_a_dotenv_port_four_entrypoints_interpolate_is_one_finding_at_its_line(tmp_path: Path) -> None:
    """DefectDojo/django-DefectDojo with `DD_DATABASE_PORT=5433` (postgres published there): four
    services' `entrypoint: ['/wait-for-it.sh', '${DD_DATABASE_HOST:-postgres}:${DD_DATABASE_PORT:-5432}',
    ...]` dial postgres:5433, and `DD_DATABASE_URL=...@postgres:5433/...` in .env reaches the four
    through `DD_DATABASE_URL: ${DD_DATABASE_URL:-...}`. doctor gave four findings each, at the
    services' own lines (not even the entrypoint's); one finding per .env line, naming them all."""
    workers = "".join(
        f"  {name}:\n    image: defectdojo/defectdojo-django\n    depends_on: [postgres]\n"
        "    entrypoint: ['/wait-for-it.sh', '${DD_DATABASE_HOST:-postgres}:${DD_DATABASE_PORT:-5432}', '--', "
        f"'/entrypoint-{name}.sh']\n    environment:\n"
        "      DD_DATABASE_URL: ${DD_DATABASE_URL:-postgresql://defectdojo:defectdojo@postgres:5432/defectdojo}\n"
        for name in ("uwsgi", "celerybeat", "celeryworker", "initializer"))
    dotenv = "DD_DATABASE_PORT=5433\nDD_DATABASE_URL=postgresql://defectdojo:Sup3r@postgres:5433/defectdojo\n"
    found = findings(tmp_path, {"docker-compose.yml": DEFECTDOJO.format(workers=workers), ".env": dotenv})
    where = sorted((f.location.path.name, f.location.line) for f in found if f.location is not None)
    assert where == [(".env", 1), (".env", 2)], [(w, f.message) for w, f in zip(where, found, strict=False)]
    entrypoints = next(f for f in found if f.location is not None and f.location.line == 1)
    assert entrypoints.message.endswith("so do 'celerybeat', 'celeryworker' and 'initializer' (the same .env line)")
    assert entrypoints.fix is not None and entrypoints.fix.title.startswith(
        "make the entrypoint dial postgres:5432, its port inside the network, not ${DD_DATABASE_PORT}")
    url = next(f for f in found if f.location is not None and f.location.line == 2)
    assert url.subject == "celerybeat,celeryworker,initializer,uwsgi:DD_DATABASE_URL"
    assert "Sup3r" not in url.message and url.fix is not None and "Sup3r" not in url.fix.title


def test_a_port_beside_a_mistyped_host_is_reported_with_the_drift(tmp_path: Path) -> None:
    """testdrivenio/flask-on-docker with `.env.dev` SQL_HOST=database (the service is `db`) and
    SQL_PORT=5433 behind db's `5433:5432`: preflight said only the drift; once the name is fixed
    the port dials db:5433, and `fix` found that only in a later round. The port is reported with
    it, against the one peer publishing 5433; a port two peers publish says nothing."""
    compose = ("services:\n  web:\n    image: web\n    env_file: [.env.dev]\n    depends_on: [db]\n"
               "  db:\n    image: postgres:13\n    ports:\n      - 5433:5432\n")
    dotenv = "SQL_HOST=database\nSQL_PORT=5433\n"
    found = findings(tmp_path / "a", {"docker-compose.yml": compose, ".env.dev": dotenv})
    [port] = [f for f in found if "SQL_PORT" in f.message]
    assert port.message.startswith("SQL_PORT dials database:5433, the host port of 'db', which listens on 5432")
    two = compose + "  replica:\n    image: postgres:13\n    ports:\n      - 5433:5432\n"
    assert not [f for f in findings(tmp_path / "b", {"docker-compose.yml": two, ".env.dev": dotenv})
                if "SQL_PORT" in f.message]


def test_a_host_port_variable_on_a_servers_container_side_reaches_nothing(tmp_path: Path) -> None:
    """DefectDojo's dev override publishes postgres as `target: ${DD_DATABASE_PORT:-5432}` /
    `published: ${DD_DATABASE_PORT:-5432}`; with DD_DATABASE_PORT=5433 in .env the mapping goes to
    container port 5433, where postgres does not listen, and every check passed. Not where the
    variable keeps its default, nor where the service moves its port itself (PGPORT)."""
    compose = ("services:\n  postgres:\n    image: postgres:18\n{env}    ports:\n"
               "      - target: ${{DD_DATABASE_PORT:-5432}}\n        published: ${{DD_DATABASE_PORT:-5432}}\n")
    found = findings(tmp_path / "a", {"docker-compose.yml": compose.format(env=""), ".env": "DD_DATABASE_PORT=5433\n"})
    [finding] = found
    assert finding.subject == "postgres:target:DD_DATABASE_PORT" and finding.location is not None
    assert finding.location.line == 5
    assert finding.message.startswith("'postgres' publishes container port 5433 (${DD_DATABASE_PORT}), but postgres "
                                      "listens on 5432 inside its container")
    assert findings(tmp_path / "b", {"docker-compose.yml": compose.format(env="")}) == []
    moved = "    environment:\n      PGPORT: ${DD_DATABASE_PORT:-5432}\n"
    assert findings(tmp_path / "c", {"docker-compose.yml": compose.format(env=moved),
                                     ".env": "DD_DATABASE_PORT=5433\n"}) == []
    jvb = "services:\n  jvb:\n    image: jitsi/jvb\n    ports:\n      - '${JVB_PORT:-10000}:${JVB_PORT:-10000}/udp'\n"
    assert findings(tmp_path / "d", {"docker-compose.yml": jvb, ".env": "JVB_PORT=10001\n"}) == []


def test_a_variable_target_whose_default_is_another_port_of_the_server_is_not_judged(tmp_path: Path) -> None:
    """mailpit publishes its web UI as `${MAILPIT_UI_PORT:-8025}:${MAILPIT_UI_PORT:-8025}`: 8025 is
    not its SMTP port (1025) but a port it serves; only a default written as the server's own port
    (5432 for postgres) shows the author meant that one. `-c port=` moves postgres' port itself."""
    mail = ("services:\n  mail:\n    image: axllent/mailpit\n    ports:\n"
            "      - '${MAILPIT_UI_PORT:-8025}:${MAILPIT_UI_PORT:-8025}'\n")
    assert findings(tmp_path / "a", {"docker-compose.yml": mail}) == []
    moved = ("services:\n  db:\n    image: postgres:16\n    command: postgres -c port=5433\n    ports:\n"
             "      - '${PG_PORT:-5432}:${PG_PORT:-5432}'\n")
    assert findings(tmp_path / "b", {"docker-compose.yml": moved, ".env": "PG_PORT=5433\n"}) == []


def test_the_blamed_variable_is_the_one_written_as_the_dialed_port(tmp_path: Path) -> None:
    """`sleep ${WAIT_SECONDS}; wait-for-it.sh db:${DB_PORT:-5432}` with WAIT_SECONDS=5433 and
    DB_PORT=5433: the advice named WAIT_SECONDS, the first variable whose value was the port. The fix
    rewrites the one written as the dialed port, and the sleep keeps its variable."""
    compose = ("services:\n  db:\n    image: postgres:16\n    ports: ['${DB_PORT:-5432}:5432']\n  app:\n"
               "    image: app\n    command: sh -c 'sleep ${WAIT_SECONDS}; wait-for-it.sh db:${DB_PORT:-5432}'\n")
    [found] = findings(tmp_path, {"docker-compose.yml": compose, ".env": "WAIT_SECONDS=5433\nDB_PORT=5433\n"})
    assert found.fix is not None and "in place of db:${DB_PORT:-5432}" in found.fix.title, found.fix.title
    assert [str(e.new) for e in found.fix.edits] == [
        "    command: sh -c 'sleep ${WAIT_SECONDS}; wait-for-it.sh db:5432'"]


D1_COMPOSE = """services:
  db:
    image: postgres:16
  app:
    image: python:3.13
    command: python -m app
    env_file: .env.local.example
"""


def test_a_dotenv_in_the_projects_own_folder_is_the_services_own(tmp_path: Path) -> None:
    """litestar-org/litestar-fullstack: `app` (a python image running `python -m app`) loads
    `.env.local.example`, beside the project's own pyproject.toml; with no code of the service to read,
    that file was taken for another program's dotenv (formbricks' `apps/web/.env`) and its
    `localhost` passed, while the same file named app.env was reported. The project's own folder
    is no other program's."""
    files = {"compose.yaml": D1_COMPOSE, "pyproject.toml": '[project]\nname = "app"\nversion = "0.1"\n',
             ".env.local.example": "DATABASE_URL=postgresql://app:app@localhost:5432/app\n"}
    [finding] = findings(tmp_path / "lsf", files)
    assert finding.message.startswith("DATABASE_URL host 'localhost' is 'app' itself in its container"), \
        finding.message
    assert "(did you mean 'db'?)" in finding.message


LSF_COMPOSE = """x-development-volumes: &development-volumes
  volumes:
    - ../../../src:/workspace/app/src/
services:
  db:
    image: postgres:16
    ports:
      - "15432:5432"
  mailpit:
    image: axllent/mailpit:latest
    ports:
      - "18025:8025"
      - "11025:1025"
  worker:
    build:
      context: ../../..
      dockerfile: tools/deploy/docker/Dockerfile.dev
    command: litestar workers run
    <<: *development-volumes
    depends_on: [db]
    env_file:
      - ../../../.env.local.example
  migrator:
    build:
      context: ../../..
      dockerfile: tools/deploy/docker/Dockerfile.dev
    command: litestar database upgrade --no-prompt
    <<: *development-volumes
    depends_on: [db]
    env_file:
      - ../../../.env.local.example
"""


def test_code_the_service_builds_from_outside_the_compose_folder_is_read(tmp_path: Path) -> None:
    """litestar-fullstack's compose files live in tools/deploy/docker and build `../../..`, binding
    `../../../src`: that code was cut off as not the project's (only the folder around the compose
    file counted), so nothing read EMAIL_SMTP_HOST and its `localhost` passed (mailpit listens on 1025)."""
    settings = ('SMTP_HOST: str = field(default_factory=get_env("EMAIL_SMTP_HOST", "localhost"))\n'
                'URL: str = field(default_factory=get_env("DATABASE_URL", "postgresql://localhost/app"))\n')
    dotenv = "DATABASE_URL=postgresql://app:app@localhost:5432/app\nEMAIL_SMTP_HOST=localhost\n"
    files = {"tools/deploy/docker/docker-compose.yml": LSF_COMPOSE, "pyproject.toml": "[project]\nname = 'app'\n",
             "tools/deploy/docker/Dockerfile.dev": "FROM python:3.13-slim\nWORKDIR /workspace/app\nCOPY . .\n",
             "src/py/app/lib/settings.py": settings, ".env.local.example": dotenv}
    findings(tmp_path / "lsf", files)  # written; the project is the compose file's folder
    messages = sorted(f.message for f in findings(tmp_path / "lsf/tools/deploy/docker", {}))
    assert len(messages) == 2, messages
    assert messages[0].startswith("DATABASE_URL host 'localhost' is each container itself in 'worker' and "
                                  "'migrator' (did you mean 'db'?): 'worker' reads DATABASE_URL in "), messages
    assert messages[1].startswith("EMAIL_SMTP_HOST=localhost is each container itself in 'worker' and "
                                  "'migrator' (did you mean 'mailpit'?)"), messages


D2_COMPOSE = """services:
  db:
    image: postgres:16
    ports: ["${DB_PORT:-15432}:5432"]
  app:
    image: python:3.13
    command: python -m app
    env_file: app.env
    depends_on: [db]
"""


def test_an_env_file_port_written_as_the_host_variable_is_settled_in_one_run(tmp_path: Path) -> None:
    """An app.env only the containers load writes `DB_PORT=${DB_PORT}` and
    `DATABASE_URL=...@${DB_HOST}:${DB_PORT}/app` (DB_HOST=db above it), with DB_PORT=15432 in .env, the
    host port db publishes. The fix set DB_PORT in the override and left the URL as advice; compose
    interpolates the URL's `${DB_PORT}` from .env (the project's environment before the file's own
    line: `docker compose config` gives db:15432), so a second run still failed. Both lines are the
    containers': each is rewritten there, the host kept as written, and a second run is clean."""
    root = tmp_path / "d2"
    app_env = "DB_HOST=db\nDB_PORT=${DB_PORT}\nDATABASE_URL=postgresql://app:app@${DB_HOST}:${DB_PORT}/app\n"
    files = {"compose.yaml": D2_COMPOSE, ".env": "DB_PORT=15432\n", "app.env": app_env}
    found = findings(root, files)
    assert sorted((f.location.path.name, f.location.line) for f in found if f.location is not None) == [
        ("app.env", 2), ("app.env", 3)]
    edits = [e for f in found for e in (f.fix.edits if f.fix is not None else ())]
    assert sorted((e.path.name, e.line, e.new) for e in edits) == [
        ("app.env", 2, "DB_PORT=5432"), ("app.env", 3, "DATABASE_URL=postgresql://app:app@${DB_HOST}:5432/app")]
    lines = (root / "app.env").read_text().splitlines()
    for edit in edits:
        assert edit.line is not None and lines[edit.line - 1] == edit.old
        lines[edit.line - 1] = str(edit.new)
    (root / "app.env").write_text("\n".join(lines) + "\n")
    assert findings(root, {}) == []
