"""Issue 9's replay suite: real public projects (tests/replay/<project>/) with the mission's faults.

Each case copies one project, plants one fault the way our users' write-ups describe it, runs
doctor as a user would (`python -m doctor` in the project folder) and requires:

- the finding names the right file:line, subject and owner (service, holder, uid);
- ONE `doctor fix --yes` leaves `doctor preflight --select CHECK` with nothing above info;
- a second `doctor fix --yes` changes no byte of the project.

The unmodified projects report nothing above info. Every copy has its literal host ports moved
to ports free now and a per-run project name (COMPOSE_PROJECT_NAME), so a developer's own stack
and other test runs on the engine are never touched.

Live cases (marked `docker`) run the copy on the real engine with stand-in images
(tests/ci_images.py, doctor-test/ names only) whose commands really listen and really dial the
way the real programs do: db listens on 5432; the backend dials `$POSTGRES_SERVER:$POSTGRES_PORT`
first and exits 1 when it cannot connect, as psycopg does, so `docker compose up -d --wait`
really fails before the fix and really succeeds after. The healthchecks the stand-ins cannot run
(`pg_isready`, `curl`) are replaced by an overlay given only to compose, outside the project.

A case whose rule is not fixed yet (issue 9 items 1-5, 8, on another branch) is a strict xfail
naming the item: it flips to a failure (XPASS) the day the rule lands, and the marker goes.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import random
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from ci_images import StandIn, ensure, rewrite_images
from portprobe import bindable

from doctor.engine import load_registry
from doctor.fixer import fix_families

REPLAY = Path(__file__).resolve().parent / "replay"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ABOVE_INFO = ("warning", "error")
USER = 1000  # the non-root owner of a copy in the ownership case (CI runs as root)
# where compose runs each project, relative to the copy (paperless-ngx's compose is its devcontainer's)
WORKDIR = {"fastapi-template-0.11": ".", "paperless-ngx": ".devcontainer", "voting-app": ".", "redash": ".",
           "taiga-docker": ".", "docker-django-example": ".", "ctfd": ".", "pontoon": ".", "flagsmith": ".",
           "fba": ".", "joanie": "."}
PROJECTS = tuple(WORKDIR)
# the compose files in compose's own order (base first), for the runs given an overlay
COMPOSE = {"fastapi-template-0.11": ("compose.yml", "compose.override.yml"),
           "paperless-ngx": ("docker-compose.devcontainer.sqlite-tika.yml",),
           "voting-app": ("docker-compose.yml",), "redash": ("compose.yaml",),
           "taiga-docker": ("docker-compose.yml",), "docker-django-example": ("compose.yaml",),
           "ctfd": ("docker-compose.yml",), "pontoon": ("docker-compose.yml",),
           "flagsmith": ("docker-compose.yml",), "fba": ("docker-compose.yml",),
           "joanie": ("docker-compose.yml",)}
FILES = {"paperless-ngx": ("docker-compose.devcontainer.sqlite-tika.yml",)}  # not a name compose finds itself
HOST_PORT = re.compile(r"""^(\s*-\s*["']?(?:\d{1,3}(?:\.\d{1,3}){3}:)?)(\d+)(?=:\d)""")



def free_port(taken: set[int]) -> int:
    """A free high port below the usual ephemeral range, not in `taken` (which it joins)."""
    for _ in range(400):
        port = random.randrange(20000, 30000)
        if port not in taken and bindable(port):
            taken.add(port)
            return port
    pytest.skip("no free high ports")
    raise AssertionError("unreachable")


def move_host_ports(workdir: Path, taken: set[int] | None = None) -> dict[int, int]:
    """Every literal host port a compose file of `workdir` publishes -> a port free now (none in `taken`)."""
    moved: dict[int, int] = {}
    for path in sorted(workdir.glob("*compose*.y*ml")):
        lines = path.read_text().splitlines(keepends=True)
        for n, line in enumerate(lines):
            found = HOST_PORT.match(line)
            if found:
                old = int(found.group(2))
                new = moved.get(old) or free_port(set(moved.values()) | (taken or set()))
                moved[old] = new
                lines[n] = f"{found.group(1)}{new}{line[found.end():]}"
        path.write_text("".join(lines))
    return moved


def tree_hash(root: Path) -> str:
    """Every path, mode, owner and byte under `root`: a fix that changes nothing keeps it."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_mode}\0{stat.st_uid}\0".encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Copy:
    """A copy of one replay project, and how to run doctor and compose on it."""

    root: Path
    project: str
    name: str
    env: dict[str, str]
    ports: dict[int, int]
    api_ports: dict[int, int] = field(default_factory=dict)  # flagsmith's docker/api stack

    @property
    def workdir(self) -> Path:
        return self.root / WORKDIR[self.project]

    def doctor(self, command: str, *args: str) -> subprocess.CompletedProcess[str]:
        files = [a for name in FILES.get(self.project, ()) for a in ("-f", name)]
        return subprocess.run([sys.executable, "-m", "doctor", command, *files, *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=180)

    def findings(self, *select: str) -> list[dict[str, object]]:
        """`doctor preflight --format json [--select CHECK]`: the findings (exit 0 or 1 only)."""
        argv = ["preflight", "--format", "json", *(a for c in select for a in ("--select", c))]
        done = self.doctor(*argv)
        assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
        assert "Traceback" not in done.stderr, done.stderr
        return list(json.loads(done.stdout)["findings"])

    def compose(self, *args: str, overlay: Path | None = None) -> subprocess.CompletedProcess[str]:
        files = [a for name in COMPOSE[self.project] for a in ("-f", name)]
        if overlay is not None:
            files += ["-f", str(overlay)]
        return subprocess.run(["docker", "compose", *files, *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=180)

    def edit(self, rel: str, old: str, new: str) -> None:
        """Plant a fault: replace `old` (which must be there once) by `new` in file `rel`."""
        path = self.root / rel
        text = path.read_text()
        assert text.count(old) == 1, f"{rel}: {old!r} found {text.count(old)} times"
        path.write_text(text.replace(old, new))

    def line_of(self, rel: str, text: str) -> int:
        """The 1-based line of the only line of `rel` holding `text`."""
        lines = [n for n, line in enumerate((self.root / rel).read_text().splitlines(), 1) if text in line]
        assert len(lines) == 1, f"{rel}: {text!r} on lines {lines}"
        return lines[0]


def make_copy(tmp_path: Path, project: str, label: str = "") -> Copy:
    name = f"doctor-test-{secrets.token_hex(4)}{label}"
    root = tmp_path / name / project
    shutil.copytree(REPLAY / project, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COMPOSE_", "POSTGRES_", "DOCKER_DEFAULT_", "REDASH_", "PAPERLESS_", "TAIGA_",
                                "DOCKER_WEB_", "DOTENV_PATH", "SITE_URL", "FLAGSMITH_", "DATABASE_URL",
                                "DOCKER_MAP_", "DOCKER_FBA_", "DOCKER_USER", "LOCALTUNNEL_"))}
    env.update(COMPOSE_PROJECT_NAME=name, XDG_STATE_HOME=str(tmp_path / name / "state"))
    copied = Copy(root, project, name, env, {})
    if project == "redash":  # redash's `make env`, which every compose target runs first, writes .env
        (root / ".env").write_text(f"REDASH_COOKIE_SECRET={secrets.token_hex(16)}\n"
                                   f"REDASH_SECRET_KEY={secrets.token_hex(16)}\n")
    copied.ports = move_host_ports(copied.workdir)
    if project == "docker-django-example":  # its README's first step: cp .env.example .env (export lines)
        port = free_port(set(copied.ports.values()))
        copied.ports[8000] = port
        text = (root / ".env.example").read_text()
        assert text.count("export DOCKER_WEB_PORT_FORWARD=8000\n") == 1
        (root / ".env").write_text(text.replace("DOCKER_WEB_PORT_FORWARD=8000", f"DOCKER_WEB_PORT_FORWARD={port}"))
    if project == "pontoon":  # its documented setup, `make server-env`: the template, the site's URL put in
        _pontoon_server_env(root, copied.ports[8000])
    if project == "flagsmith":
        _flagsmith_ports(copied)
    if project == "fba":
        _fba_env(copied)
    if project == "joanie":
        _joanie_bootstrap(copied)
    return copied


def _pontoon_server_env(root: Path, port: int) -> None:
    """What pontoon's `make server-env` writes (sed of #SITE_URL# into the template), with the site's
    URL at the host port the copy publishes."""
    text = (root / "docker/config/server.env.template").read_text()
    assert text.count("SITE_URL=#SITE_URL#\n") == 1
    (root / "docker/config/server.env").write_text(text.replace("#SITE_URL#", f"http://localhost:{port}"))


def _flagsmith_ports(copied: Copy) -> None:
    """Flagsmith's site address (FLAGSMITH_DOMAIN, in the anchor) at the host port the copy publishes
    flagsmith on; the api's local stack (docker/api/docker-compose.local.yml, the api Makefile's
    COMPOSE_FILE) on free host ports too, and api/.env-local's localhost URLs at those ports, as on a
    developer's machine whose ports they are. `api_ports` keeps the api stack's moves."""
    copied.edit("docker-compose.yml", "FLAGSMITH_DOMAIN: localhost:8000 ",
                f"FLAGSMITH_DOMAIN: localhost:{copied.ports[8000]} ")
    copied.api_ports = move_host_ports(copied.root / "docker/api", set(copied.ports.values()))
    for old in (5432, 5433):
        copied.edit("api/.env-local", f"@localhost:{old}/", f"@localhost:{copied.api_ports[old]}/")
    copied.edit("api/.env-local", "CLICKHOUSE_PORT=9000\n", f"CLICKHOUSE_PORT={copied.api_ports[9000]}\n")


FBA_DOCKER_ENV = "deploy/backend/docker-compose/.env.docker"
FBA_SERVER_ENV = "deploy/backend/docker-compose/.env.server"  # bound onto the app's /fba/backend/.env


def _fba_env(copied: Copy) -> None:
    """fastapi_best_architecture publishes every port as `${DOCKER_MAP_*_PORT:-N}`, their values in
    deploy/backend/docker-compose/.env.docker: the copy's .env (compose's own) is that file, each port
    one free now. `ports` maps the file's values (postgres's 15432) to the copy's."""
    text = (copied.root / FBA_DOCKER_ENV).read_text()

    def free(found: re.Match[str]) -> str:
        copied.ports[int(found[2])] = free_port(set(copied.ports.values()))
        return f"{found[1]}{copied.ports[int(found[2])]}"

    env, moved = re.subn(r"^(DOCKER_MAP_\w+_PORT=)(\d+)$", free, text, flags=re.MULTILINE)
    assert moved == 16, text
    (copied.root / ".env").write_text(env)


def _joanie_bootstrap(copied: Copy) -> None:
    """What openfun/joanie's `make bootstrap` does before it builds: the data folders app-dev binds,
    `cp -n` of the env.d .dist files and of the admin frontend's .env.example. USER (localtunnel's
    `LOCALTUNNEL_SUBDOMAIN=dev-${USER}-joanie`) as a login shell sets it, where the runner has none."""
    for folder in ("data/media", "data/static", "data/contracts"):
        (copied.root / folder).mkdir(parents=True)
    for name in ("common", "crowdin", "localtunnel"):
        shutil.copyfile(copied.root / f"env.d/development/{name}.dist", copied.root / f"env.d/development/{name}")
    shutil.copyfile(copied.root / "src/frontend/admin/.env.example", copied.root / "src/frontend/admin/.env")
    copied.env.setdefault("USER", pwd.getpwuid(os.getuid()).pw_name)


def loud(findings: list[dict[str, object]]) -> list[str]:
    return [f"{f['severity']} {f['check']} {f['file']}:{f['line']} {f['subject']}: {f['message']}"
            for f in findings if f["severity"] in ABOVE_INFO]


# ---- the unmodified projects ---------------------------------------------------------------

QUIET_XFAIL: dict[str, str] = {}  # project -> why a rule still cries wolf on it (none today)
# project -> (check, file) of findings that are real on any machine running the tests: CTFd's Makefile
# runs pytest and python on the host, which lacks CTFd's dependencies (they live in the `ctfd`
# image): the mission's host-vs-container fault itself, which test_ctfd_makefile_targets_* asserts
REAL_ON_A_TEST_HOST = {"ctfd": ("host-vs-container", "Makefile")}


@pytest.mark.parametrize("project", PROJECTS)
def test_unmodified_project_reports_nothing_above_info(project: str, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    copied = make_copy(tmp_path, project)
    real = REAL_ON_A_TEST_HOST.get(project)
    found = loud([f for f in copied.findings() if real is None or (f["check"], f["file"]) != real])
    if found and project in QUIET_XFAIL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=QUIET_XFAIL[project]))
    assert found == []


# ---- one fault per case, static ------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One planted fault: the project, how to plant it, and what doctor must say."""

    id: str
    project: str
    plant: Callable[[Copy], None]
    check: str
    file: str  # repo-relative, as doctor names it from the compose workdir
    marker: str  # text on the line the finding must point at
    subject: str
    owner: str  # a fragment of the message naming whose fault it is (service, holder, value)
    xfail: str = ""  # the finding itself is not there yet
    fix_xfail: str = ""  # found, but one `doctor fix --yes` does not settle it yet
    by_hand: Callable[[Copy], None] | None = None  # an advice-only fix, done as the advice says


def _drift(c: Copy) -> None:
    c.edit("compose.yml", "POSTGRES_SERVER: db", "POSTGRES_SERVER: postgresserver")


def _leak(c: Copy) -> None:
    # the host's 5432 is taken, so the developer publishes db on 5433 through .env and passes the
    # same variable to the backend
    db = c.ports[5432]
    c.edit("compose.override.yml", f'"{db}:5432"', '"${POSTGRES_PORT:-5432}:5432"')
    c.edit("compose.yml", "POSTGRES_SERVER: db\n", "POSTGRES_SERVER: db\n      POSTGRES_PORT: ${POSTGRES_PORT}\n")
    with (c.root / ".env").open("a") as env:
        env.write(f"POSTGRES_PORT={free_port({db})}\n")


def _missing_mount(c: Copy) -> None:
    # the older template's dev override: app and tests bind-mounted for live reload, scripts forgotten
    c.edit("compose.override.yml", "      - ./backend/htmlcov:/app/backend/htmlcov\n",
           "      - ./backend/htmlcov:/app/backend/htmlcov\n      - ./backend/app:/app/backend/app\n"
           "      - ./backend/tests:/app/backend/tests\n")
    c.edit("compose.override.yml", "        - path: ./backend\n          action: sync\n          target: /app/backend\n"
           "          ignore:\n            - .venv\n", "")
    (c.root / "backend" / "tests").mkdir()
    (c.root / "backend" / "tests" / "__init__.py").write_text("")


def _makefile_pytest(c: Copy) -> None:
    (c.root / "Makefile").write_text("test:\n\tpytest backend/tests\n")


def _node_on_host(c: Copy) -> None:
    # the result app's node deps live only in the image (/node_modules), yet a host target runs it
    (c.root / "Makefile").write_text("result:\n\tcd result && node server.js\n")


def _localhost_playwright(c: Copy) -> None:
    c.edit("compose.override.yml", "- VITE_API_URL=http://backend:8000", "- VITE_API_URL=http://localhost:8000")


def _localhost_redash(c: Copy) -> None:
    c.edit("compose.yaml", 'REDASH_REDIS_URL: "redis://redis:6379/0"', 'REDASH_REDIS_URL: "redis://localhost:6379/0"')


def _taiga_anchor_drift(c: Copy) -> None:
    # one environment anchor for taiga-back and taiga-async; the db service's name mistyped in it
    c.edit("docker-compose.yml", 'POSTGRES_HOST: "taiga-db"', 'POSTGRES_HOST: "taiga_db"')


def _dotenv_override(c: Copy) -> None:
    # the developer's paperless.conf (from paperless.conf.example) for runs on the host; the settings
    # module loads it with override=True, and the `..` bind mount ships it into the container
    (c.root / "paperless.conf").write_text("PAPERLESS_REDIS=redis://localhost:6379\nPAPERLESS_DBHOST=localhost\n")
    c.edit("src/paperless/settings/__init__.py", "        load_dotenv(path)\n",
           "        load_dotenv(path, override=True)\n")


def _django_example_drift(c: Copy) -> None:
    # settings.py reads POSTGRES_HOST (default "postgres"); the developer uncomments .env's line for it
    c.edit(".env", "#export POSTGRES_HOST=postgres", "export POSTGRES_HOST=postgresql")


def _django_example_leak(c: Copy) -> None:
    # postgres published for a GUI client on the host, its port from .env, which env_file also hands
    # to web and worker: they dial postgres:<host port>
    (c.root / "compose.override.yaml").write_text(
        'services:\n  postgres:\n    ports:\n      - "${POSTGRES_PORT:-5432}:5432"\n')
    c.edit(".env", "#export POSTGRES_PORT=5432", f"export POSTGRES_PORT={free_port(set(c.ports.values()))}")


def _crlf(rel: str) -> Callable[[Copy], None]:
    def plant(c: Copy) -> None:  # an editor on Windows saved it with CRLF
        path = c.root / rel
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return plant


def _ctfd_drift(c: Copy) -> None:
    c.edit("docker-compose.yml", "mysql+pymysql://ctfd:ctfd@db/ctfd", "mysql+pymysql://ctfd:ctfd@mariadb/ctfd")


def _ctfd_localhost_redis(c: Copy) -> None:
    c.edit("docker-compose.yml", "REDIS_URL=redis://cache:6379", "REDIS_URL=redis://localhost:6379")


def _pontoon_missing_mount(c: Copy) -> None:
    # the package dropped from the dev mounts, beside ./requirements and ./translate (a React app)
    c.edit("docker-compose.yml", "      - ./pontoon:/app/pontoon\n", "")


def _pontoon_dotenv_override(c: Copy) -> None:
    # a .env for running manage.py on the host (postgres published there); `COPY . /app/` ships it into
    # the image's /app/.env over server.env's copy, and load_dotenv(None) finds it there
    c.edit("manage.py", 'dotenv.load_dotenv(dotenv_path=os.environ.get("DOTENV_PATH"))',
           'dotenv.load_dotenv(dotenv_path=os.environ.get("DOTENV_PATH"), override=True)')
    (c.root / ".env").write_text("DATABASE_URL=postgres://pontoon:asdf@localhost/pontoon\n")


def _pontoon_no_server_env(c: Copy) -> None:
    # a fresh clone before `make server-env` (server.env is in .gitignore)
    (c.root / "docker/config/server.env").unlink()


def _pontoon_make_server_env(c: Copy) -> None:
    """The advice as given (`make server-env`), SITE_URL at the copy's port (a make variable)."""
    if shutil.which("make") is None:
        pytest.skip("no make on this machine")
    done = subprocess.run(["make", "server-env", f"SITE_URL=http://localhost:{c.ports[8000]}"], cwd=c.root,
                          env=c.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Generating server.env..." in done.stdout, done.stdout + done.stderr


def _pontoon_drift(c: Copy) -> None:
    c.edit("docker/config/server.env", "@postgresql/pontoon", "@postgres/pontoon")


def _flagsmith_drift(c: Copy) -> None:
    # the db service's name mistyped in the environment anchor that migrate-db, flagsmith and the task processor merge
    c.edit("docker-compose.yml", "@postgres:5432/flagsmith", "@postgresserver:5432/flagsmith")


def _fba_drift(c: Copy) -> None:
    # the settings file the app services bind onto /fba/backend/.env (their pydantic-settings read it)
    c.edit(FBA_SERVER_ENV, "DATABASE_HOST='fba_postgres'", "DATABASE_HOST='postgresserver'")


def _fba_leak(c: Copy) -> None:
    # .env publishes postgres on .env.docker's DOCKER_MAP_POSTGRES_PORT (15432 upstream, free here);
    # the developer points the app at that port too, as a client on the host would
    c.edit(FBA_SERVER_ENV, "DATABASE_PORT=5432\n", f"DATABASE_PORT={c.ports[15432]}\n")


def _joanie_localhost_email(c: Copy) -> None:
    # the mail server at localhost, as for a runserver on the host: in the env file only containers read
    c.edit("env.d/development/common", 'DJANGO_EMAIL_HOST="mailcatcher"', 'DJANGO_EMAIL_HOST="localhost"')


FBA_APPS = "fba_celery_beat,fba_celery_flower,fba_celery_worker,fba_server"
FAULTS = (
    Fault("fastapi-service-name-drift", "fastapi-template-0.11", _drift, "service-name-drift", "compose.yml",
          "POSTGRES_SERVER: postgresserver", "backend:POSTGRES_SERVER", "did you mean 'db'?"),
    Fault("fastapi-leaked-host-port", "fastapi-template-0.11", _leak, "leaked-host-port", "compose.yml",
          "POSTGRES_PORT: ${POSTGRES_PORT}", "backend:POSTGRES_PORT", "the host port of 'db'"),
    Fault("fastapi-missing-mount-scripts", "fastapi-template-0.11", _missing_mount, "missing-mount",
          "compose.override.yml", "- ./backend/app:/app/backend/app", "backend:backend/scripts", "backend/scripts"),
    Fault("fastapi-makefile-pytest", "fastapi-template-0.11", _makefile_pytest, "host-vs-container", "Makefile",
          "pytest backend/tests", "backend:pytest", "run it in 'backend'",
          by_hand=lambda c: c.edit("Makefile", "\tpytest backend/tests",
                                   "\tdocker compose run --rm backend pytest /app/backend/tests")),
    Fault("voting-app-node-on-host", "voting-app", _node_on_host, "host-vs-container", "Makefile",
          "node server.js", "result:node", "run it in 'result'",
          by_hand=lambda c: c.edit("Makefile", "\tcd result && node server.js",
                                   "\tdocker compose run --rm result node server.js")),
    Fault("fastapi-localhost-playwright", "fastapi-template-0.11", _localhost_playwright, "leaked-host-port",
          "compose.override.yml", "VITE_API_URL=http://localhost:8000", "playwright:VITE_API_URL", "localhost"),
    Fault("redash-localhost-redis", "redash", _localhost_redash, "leaked-host-port", "compose.yaml",
          "redis://localhost:6379/0", "scheduler,server,worker:REDASH_REDIS_URL", "localhost"),
    Fault("taiga-anchor-service-name-drift", "taiga-docker", _taiga_anchor_drift, "service-name-drift",
          "docker-compose.yml", 'POSTGRES_HOST: "taiga_db"', "taiga-async,taiga-back:POSTGRES_HOST",
          "did you mean 'taiga-db'?"),
    Fault("paperless-dotenv-override", "paperless-ngx", _dotenv_override, "dotenv-override",
          "src/paperless/settings/__init__.py", "load_dotenv(path, override=True)",
          "paperless-development:PAPERLESS_REDIS", "redis://broker:6379"),
    Fault("django-example-service-name-drift", "docker-django-example", _django_example_drift, "service-name-drift",
          ".env", "POSTGRES_HOST=postgresql", "css,js,web,worker:POSTGRES_HOST", "did you mean 'postgres'?"),
    Fault("django-example-leaked-host-port", "docker-django-example", _django_example_leak, "leaked-host-port",
          ".env", "export POSTGRES_PORT=", "web,worker:POSTGRES_PORT", "the host port of 'postgres'"),
    Fault("django-example-crlf-entrypoint", "docker-django-example", _crlf("bin/docker-entrypoint-web"),
          "script-line-endings", "bin/docker-entrypoint-web", "#!/usr/bin/env bash", "bin/docker-entrypoint-web",
          "reaches 'web' (ENTRYPOINT)"),
    Fault("ctfd-service-name-drift", "ctfd", _ctfd_drift, "service-name-drift", "docker-compose.yml",
          "ctfd:ctfd@mariadb/ctfd", "ctfd:DATABASE_URL", "did you mean 'db'?"),
    Fault("ctfd-localhost-redis", "ctfd", _ctfd_localhost_redis, "leaked-host-port", "docker-compose.yml",
          "REDIS_URL=redis://localhost:6379", "ctfd:REDIS_URL", "did you mean 'cache'?"),
    Fault("ctfd-crlf-entrypoint", "ctfd", _crlf("docker-entrypoint.sh"), "script-line-endings",
          "docker-entrypoint.sh", "#!/bin/bash", "docker-entrypoint.sh", "reaches 'ctfd' (ENTRYPOINT)"),
    Fault("pontoon-missing-mount", "pontoon", _pontoon_missing_mount, "missing-mount", "docker-compose.yml",
          "- ./requirements:/app/requirements", "server:pontoon",
          "'server' mounts requirements, translate but not pontoon"),
    Fault("pontoon-dotenv-override", "pontoon", _pontoon_dotenv_override, "dotenv-override", "manage.py",
          "override=True", "server:DATABASE_URL", "from .env:1 overrides compose's 'postgres://pontoon:***@postgresql"),
    Fault("pontoon-no-server-env", "pontoon", _pontoon_no_server_env, "env-drift", "docker/config/server.env.template",
          "SECRET_KEY=insert_random_key", "docker/config/server.env",
          "there is no docker/config/server.env: 'server' loads it",
          by_hand=_pontoon_make_server_env),
    Fault("pontoon-no-server-env-compose-config", "pontoon", _pontoon_no_server_env, "compose-config",
          "docker-compose.yml", "- docker/config/server.env", "env-file:",
          "env file docker/config/server.env not found",
          by_hand=_pontoon_make_server_env),
    Fault("pontoon-service-name-drift", "pontoon", _pontoon_drift, "service-name-drift", "docker/config/server.env",
          "@postgres/pontoon", "server:DATABASE_URL", "did you mean 'postgresql'?"),
    Fault("pontoon-crlf-cmd", "pontoon", _crlf("docker/server_run.sh"), "script-line-endings", "docker/server_run.sh",
          "#!/bin/bash", "docker/server_run.sh", "reaches 'server' (CMD)"),
    Fault("flagsmith-anchor-service-name-drift", "flagsmith", _flagsmith_drift, "service-name-drift",
          "docker-compose.yml", "@postgresserver:5432/flagsmith",
          "flagsmith,flagsmith-task-processor,migrate-db:DATABASE_URL", "did you mean 'postgres'?"),
    Fault("fba-service-name-drift", "fba", _fba_drift, "service-name-drift", FBA_SERVER_ENV,
          "DATABASE_HOST='postgresserver'", f"{FBA_APPS}:DATABASE_HOST", "did you mean 'fba_postgres'?"),
    Fault("fba-leaked-host-port", "fba", _fba_leak, "leaked-host-port", FBA_SERVER_ENV, "DATABASE_PORT=",
          f"{FBA_APPS}:DATABASE_PORT", "the host port of 'fba_postgres'"),
    Fault("joanie-localhost-email", "joanie", _joanie_localhost_email, "leaked-host-port", "env.d/development/common",
          'DJANGO_EMAIL_HOST="localhost"', "app,app-dev,celery,celery-dev:DJANGO_EMAIL_HOST",
          "did you mean 'mailcatcher'?"),
)


def transcript(case: str, before: str, after: str) -> None:
    """With DOCTOR_REPLAY_LOG set, append the line doctor printed before and after the fix (for the
    issue's closing note)."""
    log = os.environ.get("DOCTOR_REPLAY_LOG")
    if log:
        with open(log, "a") as out:
            out.write(f"{case}\n  before: {before}\n  after:  {after}\n")


def shown(finding: dict[str, object]) -> str:
    return f"{finding['severity']} {finding['file']}:{finding['line']} {finding['message']}"


def _matching(copied: Copy, fault: Fault, findings: list[dict[str, object]]) -> dict[str, object]:
    where = os.path.relpath(copied.root / fault.file, copied.workdir)
    line = copied.line_of(fault.file, fault.marker)
    hits = [f for f in findings if f["check"] == fault.check and f["severity"] in ABOVE_INFO
            and f["file"] == where and f["line"] == line and str(f["subject"]).startswith(fault.subject)]
    assert hits, f"no {fault.check} at {where}:{line} for {fault.subject}; doctor said: {loud(findings)}"
    assert fault.owner in str(hits[0]["message"]), hits[0]["message"]
    return hits[0]


def fix_settles(copied: Copy, check: str, case: str = "", before: str = "") -> str:
    """One `doctor fix --yes` clears `check`; a second changes no byte. Returns the fix's output."""
    first = copied.doctor("fix", "--yes")
    assert "Traceback" not in first.stderr, first.stderr
    assert loud(copied.findings(check)) == [], first.stdout + first.stderr
    applied = [line.strip() for line in first.stdout.splitlines() if check in line and "applied" in line]
    transcript(case, before, "; ".join(applied) + f"; then preflight --select {check}: clean")
    before = tree_hash(copied.root)
    # a host port another test run on this machine took in between is a real collision, and its
    # move no unsettled fix: unless ports are the fault, the settling run leaves them alone
    second = copied.doctor("fix", "--yes", *([] if check == "port-collision" else _ALL_BUT_PORTS))
    assert "Traceback" not in second.stderr, second.stderr
    assert tree_hash(copied.root) == before, second.stdout + second.stderr
    return first.stdout


_ALL_BUT_PORTS = [f"--{family}" for family in fix_families(load_registry()) if family != "ports"]


@pytest.mark.parametrize("fault", [pytest.param(f, id=f.id, marks=[pytest.mark.xfail(strict=True, reason=f.xfail)]
                                                 if f.xfail else []) for f in FAULTS])
def test_fault_is_found_and_one_fix_settles(fault: Fault, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    copied = make_copy(tmp_path, fault.project)
    fault.plant(copied)
    found = _matching(copied, fault, copied.findings(fault.check))
    if fault.fix_xfail:  # only now: a finding that goes missing is a plain failure
        request.applymarker(pytest.mark.xfail(strict=True, reason=fault.fix_xfail))
    if fault.by_hand is None:
        fix_settles(copied, fault.check, fault.id, shown(found))
        return
    before = tree_hash(copied.root)
    advice = copied.doctor("fix", "--yes")
    assert tree_hash(copied.root) == before, advice.stdout  # advice changes no byte
    fault.by_hand(copied)
    assert loud(copied.findings(fault.check)) == []
    fix = found.get("fix")
    title = fix.get("title") if isinstance(fix, dict) else None
    transcript(fault.id, shown(found), f"advice ({title}); done by hand: preflight --select {fault.check} clean")


def _playwright_env_file(c: Copy) -> None:
    # host-run tools read .env (POSTGRES_SERVER=localhost, POSTGRES_PORT the host's 5433); the test
    # runner gets the whole .env for FIRST_SUPERUSER, but never dials postgres or smtp
    db = c.ports[5432]
    c.edit("compose.override.yml", f'"{db}:5432"', '"${POSTGRES_PORT:-5432}:5432"')
    c.edit("compose.override.yml", "    ipc: host\n", "    ipc: host\n    env_file: .env\n")
    with (c.root / ".env").open("a") as env:
        env.write(f"POSTGRES_PORT={free_port({db})}\n")


# (id, project, plant, check, xfail): real layouts where a check must stay quiet
MUST_NOT_FIND = (
    ("fastapi-playwright-gets-env-file", "fastapi-template-0.11", _playwright_env_file, "leaked-host-port", ""),
)


@pytest.mark.parametrize(("project", "plant", "check"), [
    pytest.param(project, plant, check, id=case, marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])
    for case, project, plant, check, why in MUST_NOT_FIND])
def test_real_layout_that_is_no_fault_stays_quiet(project: str, plant: Callable[[Copy], None], check: str,
                                                  tmp_path: Path) -> None:
    copied = make_copy(tmp_path, project)
    plant(copied)
    assert loud(copied.findings(check)) == []


def _held_port_fixed(copied: Copy, port: int, case: str) -> str:
    """While another program holds `port`: port-collision names its pid, and one `fix` settles it
    (fix_settles); what that fix printed."""
    import socket

    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("0.0.0.0", port))
        except OSError:
            pytest.skip(f"port {port} was taken in between")
        holder.listen()
        hits = [f for f in copied.findings("port-collision") if f["subject"] == f"port:0.0.0.0:{port}/tcp"]
        assert hits and hits[0]["severity"] == "error", copied.findings("port-collision")
        assert "is held by pid" in str(hits[0]["message"])
        return fix_settles(copied, "port-collision", case, shown(hits[0]))


def test_taiga_gateway_port_taken_moves_with_the_sites_url(tmp_path: Path) -> None:
    """taiga-docker: the gateway's host port is held by another program; `fix --ports` moves it in
    the dev override and TAIGA_DOMAIN (.env), the address the apps build their links from, follows,
    in one run; a second run changes nothing."""
    copied = make_copy(tmp_path, "taiga-docker")
    port = copied.ports[9000]
    copied.edit(".env", "TAIGA_DOMAIN=localhost:9000", f"TAIGA_DOMAIN=localhost:{port}")  # the site where it is
    out = _held_port_fixed(copied, port, "taiga-port-follows")
    override = (copied.root / "docker-compose.override.yml").read_text()
    new = int(re.findall(r'"(\d+):80"', override)[0])
    assert new != port
    assert f"TAIGA_DOMAIN=localhost:{new}  # Taiga's base URL" in (copied.root / ".env").read_text()
    assert f"TAIGA_DOMAIN follows to localhost:{new}" in out


def test_redash_server_port_taken_moves_with_its_url_in_the_override(tmp_path: Path) -> None:
    """redash: server's "5001:5000" is held by another program; `fix --ports` moves it in a new
    compose.override.yaml, and REDASH_HOST (http://localhost:5001, in the tracked compose.yaml's
    environment anchor that server, scheduler and worker merge) follows in that same override, for
    the three; compose.yaml is untouched, and a second run changes nothing."""
    copied = make_copy(tmp_path, "redash")
    port = copied.ports[5001]
    copied.edit("compose.yaml", "REDASH_HOST: http://localhost:5001", f"REDASH_HOST: http://localhost:{port}")
    tracked = (copied.root / "compose.yaml").read_text()
    out = _held_port_fixed(copied, port, "redash-port-follows")
    assert (copied.root / "compose.yaml").read_text() == tracked
    override = (copied.root / "compose.override.yaml").read_text()
    new = int(re.findall(r'"(\d+):5000"', override)[0])
    assert new != port
    assert override.count(f'REDASH_HOST: "http://localhost:{new}"') == 3, override
    assert f"REDASH_HOST follows to localhost:{new} (in compose.override.yaml)" in out


def test_django_example_web_port_taken_moves_in_its_env_export_line(tmp_path: Path) -> None:
    """nickjj/docker-django-example: web publishes `${DOCKER_WEB_PORT_FORWARD:-127.0.0.1:8000}`, set
    by .env's `export DOCKER_WEB_PORT_FORWARD=8000`; another program holds that port. `fix --ports`
    rewrites the value on that line, its `export` kept (the `run` script sources .env), and nothing
    else; a second run changes nothing."""
    copied = make_copy(tmp_path, "docker-django-example")
    port = copied.ports[8000]
    before = (copied.root / ".env").read_text()
    out = _held_port_fixed(copied, port, "django-example-port-in-env")
    after = (copied.root / ".env").read_text()
    new = int(re.findall(r"^export DOCKER_WEB_PORT_FORWARD=(\d+)$", after, re.MULTILINE)[0])
    assert new != port
    assert after == before.replace(f"DOCKER_WEB_PORT_FORWARD={port}\n", f"DOCKER_WEB_PORT_FORWARD={new}\n")
    assert (copied.root / "compose.yaml").read_text() == (REPLAY / "docker-django-example" / "compose.yaml").read_text()
    assert "(.env DOCKER_WEB_PORT_FORWARD)" in out


def test_pontoon_site_port_taken_moves_with_site_url_in_server_env(tmp_path: Path) -> None:
    """mozilla/pontoon: server's '8000:8000' is held by another program; `fix --ports` moves it in a
    new docker-compose.override.yml, and SITE_URL (server.env, which `make server-env` wrote from the
    template) follows; docker-compose.yml is untouched, and a second run changes nothing."""
    copied = make_copy(tmp_path, "pontoon")
    port = copied.ports[8000]
    tracked = (copied.root / "docker-compose.yml").read_text()
    out = _held_port_fixed(copied, port, "pontoon-port-follows")
    assert (copied.root / "docker-compose.yml").read_text() == tracked
    override = (copied.root / "docker-compose.override.yml").read_text()
    new = int(re.findall(r"'(\d+):8000'", override)[0])  # single-quoted, as docker-compose.yml's own ports
    assert new != port
    server_env = (copied.root / "docker/config/server.env").read_text()
    assert f"\nSITE_URL=http://localhost:{new}\n" in server_env, server_env
    assert f"SITE_URL follows to localhost:{new}" in out


def test_pontoon_missing_server_env_is_made_by_its_makefile_not_copied(tmp_path: Path) -> None:
    """A fresh pontoon clone has no docker/config/server.env (gitignored): `make server-env` writes it,
    with sed putting SITE_URL into the template's #SITE_URL#. compose-config and env-drift both advise
    that target, naming the Makefile line that writes it, and `fix --yes` does not copy the raw
    template (SITE_URL=#SITE_URL#) in its place."""
    copied = make_copy(tmp_path, "pontoon")
    _pontoon_no_server_env(copied)
    found = {f["check"]: f for f in copied.findings() if f["severity"] in ABOVE_INFO}
    assert set(found) == {"compose-config", "env-drift"}, loud(list(found.values()))
    writes = copied.line_of("Makefile", "./docker/config/server.env.template > ./docker/config/server.env")
    for finding in found.values():
        fix = finding["fix"]
        assert isinstance(fix, dict), finding
        assert (fix["command"], fix["safety"]) == (["make", "server-env"], "advice"), fix
        assert f"(Makefile:{writes} writes it)" in str(fix["title"]), fix
    before = tree_hash(copied.root)
    copied.doctor("fix", "--yes")
    assert tree_hash(copied.root) == before
    assert not (copied.root / "docker/config/server.env").exists()


def test_flagsmith_port_taken_moves_with_the_anchors_domain_for_every_service(tmp_path: Path) -> None:
    """Flagsmith (trial J1): flagsmith's '8000:8000' is held by another program; `fix --ports` moves it
    in a new docker-compose.override.yml, and FLAGSMITH_DOMAIN (localhost:8000 in the `x-flagsmith-env`
    anchor) follows for every service merging the anchor: flagsmith-task-processor too, though it
    publishes '8001:8000' and so listens on that port inside (the line it reads is the one the moved
    service reads: the site's address, not its own listener). The copy keeps upstream's shape at a port
    free now: flagsmith's host port the one inside (P:P), the task processor's inside port that same
    number (Q:P), FLAGSMITH_DOMAIN localhost:P. docker-compose.yml is untouched, and a second run
    changes nothing."""
    copied = make_copy(tmp_path, "flagsmith")
    port, processor = copied.ports[8000], copied.ports[8001]
    copied.edit("docker-compose.yml", f"- {port}:8000", f"- {port}:{port}")
    copied.edit("docker-compose.yml", f"- {processor}:8000", f"- {processor}:{port}")
    tracked = (copied.root / "docker-compose.yml").read_text()
    out = _held_port_fixed(copied, port, "flagsmith-domain-follows")
    assert (copied.root / "docker-compose.yml").read_text() == tracked
    override = (copied.root / "docker-compose.override.yml").read_text()
    new = int(re.findall(rf'"(\d+):{port}"', override)[0])
    assert new not in (port, processor)
    services = yaml.safe_load(override.replace("!override", ""))["services"]
    assert {name: s.get("environment") for name, s in services.items()} == {
        name: {"FLAGSMITH_DOMAIN": f"localhost:{new}"}
        for name in ("migrate-db", "flagsmith", "flagsmith-task-processor")}, override
    assert f"FLAGSMITH_DOMAIN follows to localhost:{new}" in out


def _from_api(copied: Copy, *args: str) -> subprocess.CompletedProcess[str]:
    """doctor run in Flagsmith's api/ as its Makefile runs compose there (COMPOSE_FILE ?= the local stack)."""
    env = {**copied.env, "COMPOSE_FILE": "../docker/api/docker-compose.local.yml"}
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=copied.root / "api", env=env,
                          capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_flagsmith_api_db_port_taken_names_the_env_file_its_makefile_includes(tmp_path: Path) -> None:
    """Flagsmith's api (trial J1): `api/Makefile` has `.EXPORT_ALL_VARIABLES:` and `-include .env-local`,
    whose DATABASE_URL=...@localhost:5432 every host-run target (make test, the dev server) hands to the
    app, and COMPOSE_FILE ?= ../docker/api/docker-compose.local.yml, which publishes db on 5432. With that
    port held, `fix --ports` run from api/ moves db in the local stack's compose file and names
    .env-local's line for the change (outside the compose file's folder, where fixes do not write);
    a second run changes nothing."""
    import socket

    copied = make_copy(tmp_path, "flagsmith")
    port = copied.api_ports[5432]
    local = (copied.root / "api/.env-local").read_text()
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("0.0.0.0", port))
        except OSError:
            pytest.skip(f"port {port} was taken in between")
        holder.listen()
        found = json.loads(_from_api(copied, "preflight", "--format", "json", "--select", "port-collision",
                                     ".").stdout)["findings"]
        hits = [f for f in found if f["subject"] == f"port:0.0.0.0:{port}/tcp" and f["severity"] == "error"]
        assert hits and "is held by pid" in str(hits[0]["message"]), found
        out = _from_api(copied, "fix", "--ports", "--yes", ".").stdout
        stack = (copied.root / "docker/api/docker-compose.local.yml").read_text()
        new = int(re.findall(r"^      - (\d+):5432$", stack, re.MULTILINE)[0])
        transcript("flagsmith-api-env-local", shown(hits[0]),
                   "; ".join(x.strip() for x in out.splitlines() if "port-collision" in x and "applied" in x))
        assert new != port, stack
        assert f"(then, by hand: change {port} to {new} in DATABASE_URL in " in out and ".env-local:1" in out, out
        assert "password" not in out
        assert (copied.root / "api/.env-local").read_text() == local
        before = tree_hash(copied.root)
        again = _from_api(copied, "fix", "--ports", "--yes", ".")
        assert tree_hash(copied.root) == before, again.stdout + again.stderr


FLAGSMITH_MIGRATE_FAILED = "service \"migrate-db\" didn't complete successfully: exit 1\n"


def test_flagsmith_why_piped_migrate_db_exit_names_the_anchors_drift(tmp_path: Path) -> None:
    """Flagsmith (trial J1): DATABASE_URL in the anchor names `postgresserver`; `docker compose up 2>&1 |
    doctor why` with compose's own words for migrate-db (`service "migrate-db" didn't complete
    successfully: exit 1`, no line of its log) and no container on the engine: ✗ migrate-db, its cause
    the service-name-drift finding at the anchor's line, flagsmith and the task processor not started."""
    copied = make_copy(tmp_path, "flagsmith")
    _flagsmith_drift(copied)
    done = subprocess.run([sys.executable, "-m", "doctor", "why", "."], cwd=copied.workdir, env=copied.env,
                          input=FLAGSMITH_MIGRATE_FAILED, capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "✗ migrate-db" in out and "exited (1), in the piped output" in out, out
    line = copied.line_of("docker-compose.yml", "@postgresserver:5432/flagsmith")
    assert f"cause    service-name-drift  docker-compose.yml:{line}\n" in out and "'postgresserver'" in out, out
    assert "not started: it depends on 'migrate-db', which failed" in out, out
    assert "has not run" not in done.stderr, done.stderr


def test_flagsmith_frontend_dev_server_is_advised_with_the_service_ports(tmp_path: Path) -> None:
    """Flagsmith's frontend (trial J1): `make serve` runs `npm run dev` ("dev": "cross-env npm run env &&
    npx rspack serve ..."), on the host, where the node_modules the `frontend` image installs (`npm ci`)
    are not. Run from frontend/ with the Makefile's COMPOSE_FILE (docker-compose-e2e-tests.yml),
    host-vs-container names the Makefile's line and advises running it in 'frontend' with
    --service-ports: a dev server the browser must reach on the service's 3000."""
    copied = make_copy(tmp_path, "flagsmith")
    env = {**copied.env, "COMPOSE_FILE": "docker-compose-e2e-tests.yml"}
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", "json", "--select",
                           "host-vs-container", "."], cwd=copied.root / "frontend", env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stdout[-2000:] + done.stderr[-2000:]
    line = copied.line_of("frontend/Makefile", "\tnpm run dev")
    hits = [f for f in json.loads(done.stdout)["findings"]
            if f["file"] == "Makefile" and f["line"] == line and f["severity"] in ABOVE_INFO]
    assert hits, done.stdout
    assert "run it in 'frontend'" in str(hits[0]["message"]), hits[0]
    fix = hits[0]["fix"]
    assert isinstance(fix, dict), hits[0]
    argv = list(fix["command"])
    assert argv[argv.index("run"):][-4:] == ["frontend", "npm", "run", "dev"], argv
    assert "--service-ports" in argv, argv
    transcript("flagsmith-frontend-serve", shown(hits[0]), f"advice: {' '.join(argv)}")


JOANIE_ADMIN_ENV = "src/frontend/admin/.env"  # `make bootstrap` copies it from .env.example


def _joanie_app_dev_port_taken(copied: Copy) -> tuple[int, int, str]:
    """app-dev's host port (upstream 8071) held by another program, with the admin frontend's .env
    pointing the browser at it as on the developer's machine; one `fix` settles it. The old port, the
    new one, and what the fix printed."""
    port = copied.ports[8071]
    for url in ("http://localhost:8071/api/v1.0/admin\n", "http://localhost:8071/admin\n"):
        copied.edit(JOANIE_ADMIN_ENV, url, url.replace(":8071/", f":{port}/"))
    out = _held_port_fixed(copied, port, "joanie-admin-env-follows")
    override = (copied.root / "docker-compose.override.yml").read_text()
    new = int(re.findall(r'"(\d+):8000"', override)[0])
    assert new != port, override
    return port, new, out


def test_joanie_app_dev_port_taken_moves_with_the_admin_frontends_env(tmp_path: Path) -> None:
    """openfun/joanie: app-dev's '8071:8000' is held by another program; `fix --ports` moves it in a new
    docker-compose.override.yml, and the .env of the admin frontend (./src/frontend/admin, which
    admin-dev binds whole onto /app, three folders down) follows: NEXT_PUBLIC_API_ENDPOINT and
    NEXT_PUBLIC_DJANGO_ADMIN_BASE_URL, the browser's way to app-dev. docker-compose.yml is untouched,
    and a second run changes nothing."""
    copied = make_copy(tmp_path, "joanie")
    tracked = (copied.root / "docker-compose.yml").read_text()
    admin = (copied.root / JOANIE_ADMIN_ENV).read_text().replace("localhost:8071/", f"localhost:{copied.ports[8071]}/")
    port, new, out = _joanie_app_dev_port_taken(copied)
    assert (copied.root / "docker-compose.yml").read_text() == tracked
    assert (copied.root / JOANIE_ADMIN_ENV).read_text() == admin.replace(f"localhost:{port}/", f"localhost:{new}/")
    assert (f"NEXT_PUBLIC_API_ENDPOINT in {JOANIE_ADMIN_ENV}, NEXT_PUBLIC_DJANGO_ADMIN_BASE_URL in "
            f"{JOANIE_ADMIN_ENV} follow to localhost:{new}") in out, out
    # joanie's bin/ scripts run compose with `-f "${COMPOSE_FILE}"` (docker-compose.yml): they read no override
    assert ("note: bin/_config.sh:44 runs docker compose with -f docker-compose.yml, which does not read "
            "docker-compose.override.yml") in out, out


def test_joanie_app_dev_port_taken_moves_the_localtunnel_port(tmp_path: Path) -> None:
    """openfun/joanie's env.d/development/localtunnel (app-dev's env_file, and `include`d by the Makefile,
    whose `tunnel` target runs `npx localtunnel ... --port $(LOCALTUNNEL_PORT)` on the host) has
    LOCALTUNNEL_PORT=8071, app-dev's host port, which no container listens on inside. When `fix --ports`
    moves app-dev, the tunnel goes with it, in the same run."""
    copied = make_copy(tmp_path, "joanie")
    copied.edit("env.d/development/localtunnel", "LOCALTUNNEL_PORT=8071\n", f"LOCALTUNNEL_PORT={copied.ports[8071]}\n")
    before = (copied.root / "env.d/development/localtunnel").read_text()
    port, new, out = _joanie_app_dev_port_taken(copied)
    tunnel = (copied.root / "env.d/development/localtunnel").read_text()
    assert tunnel == before.replace(f"LOCALTUNNEL_PORT={port}\n", f"LOCALTUNNEL_PORT={new}\n"), tunnel
    assert ("LOCALTUNNEL_PORT in env.d/development/localtunnel, which the Makefile includes, follows to "
            f"{new}") in out, out


def test_joanie_celery_on_the_image_app_builds_is_a_note(tmp_path: Path) -> None:
    """openfun/joanie: celery runs `image: joanie:production`, which app builds (celery-dev the
    joanie:development of app-dev), and depends on it: `up celery` builds app first, so the image not
    being on the engine is a note on celery's image line, never a warning."""
    copied = make_copy(tmp_path, "joanie")
    found = {str(f["subject"]): f for f in copied.findings("image-availability")}
    lines = (copied.root / "docker-compose.yml").read_text().splitlines()
    checked = 0
    for service, builder, image in (("celery", "app", "joanie:production"),
                                    ("celery-dev", "app-dev", "joanie:development")):
        hit = found.get(f"{service}:{image}")
        if hit is None:  # the image is on this engine: nothing to say
            continue
        checked += 1
        assert hit["severity"] == "info", hit
        start = lines.index(f"  {service}:")
        assert hit["line"] == next(n for n, line in enumerate(lines[start:], start + 1)
                                   if line == f"    image: {image}"), hit
        assert f"{builder!r} builds it on up, and {service!r} depends on {builder!r}" in str(hit["message"]), hit
    if not checked:
        pytest.skip("joanie's images are on this engine")


@pytest.mark.skipif(os.geteuid() != 0, reason="a copy owned by another uid with strays of uid 1000 needs root")
def test_joanie_app_dev_files_are_a_note_whose_advice_sets_docker_user(tmp_path: Path) -> None:
    """openfun/joanie: app-dev runs as `user: ${DOCKER_USER:-1000}` (the Makefile passes
    DOCKER_USER=$(id -u):$(id -g)); in a checkout of uid 1001, a `docker compose run app-dev ...` without
    make left __pycache__ in ./src/backend (its /app) as uid 1000. A note (app-dev keeps its files
    there), whose advice to own them sets the project's own variable, DOCKER_USER=1001:1001 in .env,
    not a `user: "${UID}:${GID}"` the file has no line for. `fix --yes` changes nothing; done by hand
    as the advice says, the check is quiet."""
    owner = USER + 1
    copied = make_copy(tmp_path, "joanie")
    for top, dirs, names in os.walk(copied.root.parent):
        for name in (*dirs, *names):
            os.lchown(Path(top, name), owner, owner)
    os.lchown(copied.root.parent, owner, owner)
    cache = copied.root / "src/backend/joanie/__pycache__"
    strays = [cache, cache / "settings.cpython-310.pyc"]
    cache.mkdir()
    strays[1].write_bytes(b"x\n")
    for stray in strays:
        os.lchown(stray, USER, USER)
    found = copied.findings("root-owned-files")
    assert [(f["subject"], f["severity"], f["file"]) for f in found] == [("owner:src", "info", "src")], found
    message = str(found[0]["message"])
    stray = rf"owned by (\S+ \()?uid {USER}\)?, not uid {owner}: src/backend/joanie/__pycache__"
    assert re.search(stray, message), message
    assert f"'app-dev' runs as {USER} and keeps its files there" in message, message
    fix = found[0]["fix"]
    assert isinstance(fix, dict) and fix["safety"] == "advice", fix
    assert str(fix["title"]).endswith(f"chown it to {owner}:{owner}, set DOCKER_USER={owner}:{owner} in .env "
                                      "(the user: of 'app-dev' reads it)"), fix
    before = tree_hash(copied.root)
    copied.doctor("fix", "--yes")
    assert tree_hash(copied.root) == before
    for stray in strays:
        os.lchown(stray, owner, owner)
    (copied.root / ".env").write_text(f"DOCKER_USER={owner}:{owner}\n")
    os.lchown(copied.root / ".env", owner, owner)
    assert copied.findings("root-owned-files") == []
    transcript("joanie-app-dev-docker-user", shown(found[0]),
               f"advice ({fix['title']}); done by hand: preflight --select root-owned-files clean")


def test_ctfd_makefile_targets_belong_in_the_ctfd_container(tmp_path: Path) -> None:
    """CTFd's Makefile runs pytest, coverage and python on the host; the dependencies live in the
    `ctfd` image (requirements.txt), not on a machine that only has doctor: each target is a
    host-vs-container warning on its own line, naming `ctfd`, and pytest's says the image lacks it."""
    copied = make_copy(tmp_path, "ctfd")
    hits = {f["line"]: f for f in copied.findings("host-vs-container") if f["severity"] == "warning"}
    lines = {copied.line_of("Makefile", text): text for text in
             ("\tpytest -rf", "\tcoverage html", "\tpython serve.py", "\tpython manage.py shell")}
    assert set(hits) == set(lines), {n: f["message"] for n, f in hits.items()}
    assert all(f["file"] == "Makefile" and "run it in 'ctfd'" in str(f["message"]) for f in hits.values())
    pytest_line = next(n for n, text in lines.items() if "pytest" in text)
    assert "its image does not install 'pytest' either" in str(hits[pytest_line]["message"])


@pytest.mark.skipif(os.geteuid() != 0, reason="a copy owned by another uid with strays of other uids needs root")
@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_ctfd_data_folders_after_up_are_chowned_only_where_no_service_keeps_them(tmp_path: Path, seed: str) -> None:
    """CTFd after `docker compose up`: docker made the bind sources (.data, .data/CTFd and below)
    as root; `permissions` (root, `chown -R 1001:1001 /var/uploads /var/log/CTFd`) gave the
    uploads and logs to uid 1001, which `ctfd` runs as (its Dockerfile's USER 1001); mariadb and
    redis keep their data as their own uid 999. Only the two folders docker made are strays to
    chown, each alone (`chown -h`: a -R of .data would take the database's files); the rest are
    notes, and one fix settles it. The same in every run: two services mount the uploads, and the
    one named never depends on the order of a set (PYTHONHASHSEED)."""
    copied = make_copy(tmp_path, "ctfd")
    copied.env["PYTHONHASHSEED"] = seed
    data = copied.root / ".data"
    files = {"CTFd/logs/ctfd.log": 1001, "CTFd/uploads/3f2a/flag.png": 1001, "mysql/ctfd/db.opt": 999,
             "redis/dump.rdb": 999}
    for rel in files:
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_text("x\n")
    for top, dirs, names in os.walk(copied.root.parent):
        for name in (*dirs, *names):
            os.lchown(Path(top, name), USER, USER)
    os.lchown(copied.root.parent, USER, USER)
    # the folder each service's mount reaches, and the uid that keeps it; the rest is docker's (root)
    keeper = {"CTFd/logs": 1001, "CTFd/uploads": 1001, "mysql": 999, "redis": 999}
    for top, dirs, names in os.walk(data):
        for name in (*dirs, *names):
            path = Path(top, name)
            rel = path.relative_to(data).as_posix()
            uid = next((u for place, u in keeper.items() if rel == place or rel.startswith(place + "/")), 0)
            os.lchown(path, uid, uid)
    os.lchown(data, 0, 0)
    found = {str(f["subject"]): f for f in copied.findings("root-owned-files")}
    assert {k: f["severity"] for k, f in found.items()} == {
        "owner:.data": "warning", "owner:.data/CTFd": "warning", "owner:.data/mysql": "info",
        "owner:.data/redis": "info"}, found
    ctfd = found["owner:.data/CTFd"]
    assert str(ctfd["message"]).startswith("1 path in '.data/CTFd' owned by root (uid 0)"), ctfd["message"]
    assert "kept by design ('ctfd' runs as uid 1001 (its Dockerfile's USER 1001))" in str(ctfd["message"])
    fixes = {k: f["fix"] for k, f in found.items()}
    assert all(isinstance(f, dict) for f in fixes.values())
    assert [fixes[k]["command"] for k in ("owner:.data", "owner:.data/CTFd")] == [  # type: ignore[index]
        ["chown", "-h", f"{USER}:{USER}", str(data)], ["chown", "-h", f"{USER}:{USER}", str(data / "CTFd")]]
    assert "permissions" not in json.dumps(fixes)
    fix_settles(copied, "root-owned-files", f"ctfd-data-after-up (seed {seed})", shown(ctfd))
    owners = {rel: (data / rel).stat().st_uid for rel in files}
    assert owners == files
    after = {str(f["subject"]): f["severity"] for f in copied.findings("root-owned-files")}
    assert after == {"owner:.data/CTFd": "info", "owner:.data/mysql": "info", "owner:.data/redis": "info"}


@pytest.mark.skipif(os.geteuid() != 0, reason="a copy owned by another uid with root-owned strays needs root")
def test_root_owned_generated_files_are_found_and_chowned(tmp_path: Path) -> None:
    """The repo belongs to uid 1000; a container run as root left __pycache__ and htmlcov behind."""
    copied = make_copy(tmp_path, "fastapi-template-0.11")
    for top, dirs, files in os.walk(copied.root.parent):
        for name in (*dirs, *files):
            os.lchown(Path(top, name), USER, USER)
    os.lchown(copied.root.parent, USER, USER)
    strays = [copied.root / "backend/app/__pycache__/main.cpython-314.pyc", copied.root / "backend/htmlcov/index.html"]
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_text("x\n")
        os.lchown(stray, 0, 0)
        os.lchown(stray.parent, 0, 0)
    found = {str(f["subject"]): f for f in copied.findings("root-owned-files") if f["severity"] in ABOVE_INFO}
    assert set(found) == {"owner:backend"}, found
    assert found["owner:backend"]["file"] == "backend"  # the folder the strays are in
    assert "owned by root (uid 0), not uid 1000" in str(found["owner:backend"]["message"])
    assert "backend/app/__pycache__" in str(found["owner:backend"]["message"])
    fix_settles(copied, "root-owned-files", "fastapi-root-owned-files", shown(found["owner:backend"]))
    assert all(s.stat().st_uid == USER for s in strays)


def test_login_shell_only_tool_is_found_and_fix_changes_no_project_byte(tmp_path: Path) -> None:
    """redash's `make lint` runs ruff, which only the login shell finds (a Homebrew-style folder)."""
    copied = make_copy(tmp_path, "redash")
    home = tmp_path / "home"
    brew = home / "brew" / "bin"
    brew.mkdir(parents=True)
    (brew / "ruff").write_text('#!/bin/sh\necho "ruff 0.9.0"\n')
    (brew / "ruff").chmod(0o755)
    (home / ".profile").write_text('PATH="$HOME/brew/bin:/usr/bin:/bin"\nexport PATH\n')
    copied.env.update(HOME=str(home), PATH="/usr/bin:/bin", SHELL="/bin/bash",
                      SHLVL="1")
    hits = [f for f in copied.findings("path-gap") if f["subject"] == "tool:ruff"]
    assert hits, copied.findings("path-gap")
    assert (hits[0]["file"], hits[0]["line"]) == ("Makefile", copied.line_of("Makefile", "ruff check ."))
    assert "found only by the login shell, in ~/brew/bin" in str(hits[0]["message"])
    fix = hits[0]["fix"]
    assert isinstance(fix, dict) and fix.get("safety") == "advice", fix
    before = tree_hash(copied.root)
    copied.doctor("fix", "--yes")
    assert tree_hash(copied.root) == before
    transcript("redash-login-shell-only-ruff", shown(hits[0]),
               f"advice only ({fix.get('title')}); fix --yes changed no project byte")


# ---- live cases: the real engine -----------------------------------------------------------

DB = StandIn("postgres:18", (5432,))


@dataclass(frozen=True)
class Dialer(StandIn):
    """A stand-in that first dials `target` (shell words: host port) and exits 1 when it cannot
    connect, as psycopg does at startup; then serves its ports."""

    target: str = ""

    @property
    def script(self) -> str:
        return "\n".join([
            'trap "exit 0" TERM INT',
            f'nc -w 3 {self.target} </dev/null || {{ echo "cannot connect to {self.target}" >&2; exit 1; }}',
            *(f"httpd -f -p {port} -h / &" for port in self.ports),
            "wait",
        ])


BACKEND = Dialer("backend:latest", (8000,), target='"$POSTGRES_SERVER" "${POSTGRES_PORT:-5432}"')
HEALTHY = ('    healthcheck:\n      test: ["CMD", "true"]\n      interval: 1s\n      timeout: 2s\n'
           '      retries: 3\n      start_period: 0s\n')


@pytest.fixture
def live_images(docker_engine: str, busybox_image: str) -> dict[str, str]:
    return ensure(docker_engine, busybox_image, (DB, BACKEND))


@pytest.fixture
def cleanup() -> Iterator[list[Callable[[], object]]]:
    undo: list[Callable[[], object]] = []
    yield undo
    for step in reversed(undo):
        step()


def live_copy(tmp_path: Path, images: dict[str, str], cleanup: list[Callable[[], object]],
              label: str = "") -> tuple[Copy, Path]:
    """A fastapi copy that runs: doctor-only images, and an overlay (outside the project, given to
    compose only) swapping the healthchecks the stand-ins cannot run."""
    copied = make_copy(tmp_path, "fastapi-template-0.11", label)
    rewrite_images(copied.root, images)
    overlay = copied.root.parent / "compose.live.yaml"
    overlay.write_text(f"services:\n  db:\n{HEALTHY}  backend:\n    pull_policy: never\n{HEALTHY}")
    cleanup.append(lambda: copied.compose("down", "-v", "--remove-orphans", "--timeout", "1", overlay=overlay))
    return copied, overlay


def up(copied: Copy, overlay: Path, *services: str) -> subprocess.CompletedProcess[str]:
    return copied.compose("up", "-d", "--wait", "--wait-timeout", "40", *services, overlay=overlay)


LIVE_FAULTS = {f.id: f for f in FAULTS if f.id in ("fastapi-service-name-drift", "fastapi-leaked-host-port")}


@pytest.mark.docker
@pytest.mark.parametrize("fault_id", sorted(LIVE_FAULTS))
def test_live_fault_fails_up_before_the_fix_and_starts_after(fault_id: str, tmp_path: Path,
                                                            live_images: dict[str, str],
                                                            cleanup: list[Callable[[], object]]) -> None:
    fault = LIVE_FAULTS[fault_id]
    copied, overlay = live_copy(tmp_path, live_images, cleanup)
    fault.plant(copied)
    found = _matching(copied, fault, copied.findings(fault.check))
    before = up(copied, overlay, "db", "backend")
    assert before.returncode != 0, "the planted fault did not break `up`: the stand-in does not dial"
    copied.compose("down", "-v", "--timeout", "1", overlay=overlay)
    fix_settles(copied, fault.check, f"live {fault.id} (up --wait failed before)", shown(found))
    after = up(copied, overlay, "db", "backend")
    assert after.returncode == 0, after.stderr[-2000:]


@pytest.mark.docker
def test_live_port_held_by_track_c_of_the_same_repo(tmp_path: Path, live_images: dict[str, str],
                                                    cleanup: list[Callable[[], object]]) -> None:
    """Track C (another clone of the same repo, another project name) is up and holds db's port."""
    track_a, overlay = live_copy(tmp_path, live_images, cleanup)
    other = f"{track_a.name}-track-c"
    track_c = Copy(tmp_path / "track-c" / track_a.project, track_a.project, other,
                   {**track_a.env, "COMPOSE_PROJECT_NAME": other}, track_a.ports)
    shutil.copytree(track_a.root, track_c.root)
    cleanup.append(lambda: track_c.compose("down", "-v", "--timeout", "1", overlay=overlay))
    held = up(track_c, overlay, "db")
    assert held.returncode == 0, held.stderr[-2000:]
    port = track_a.ports[5432]
    hits = [f for f in track_a.findings("port-collision") if f["subject"] == f"port:0.0.0.0:{port}/tcp"]
    assert hits, track_a.findings("port-collision")
    assert (hits[0]["file"], hits[0]["line"]) == ("compose.override.yml",
                                                  track_a.line_of("compose.override.yml", f'"{port}:5432"'))
    assert f"is taken by '{track_c.name}' service 'db'" in str(hits[0]["message"])
    assert up(track_a, overlay, "db").returncode != 0  # port is already allocated
    track_a.compose("down", "-v", "--timeout", "1", overlay=overlay)
    fix_settles(track_a, "port-collision", "live fastapi-port-held-by-track-c (up --wait failed before)",
                shown(hits[0]))
    after = up(track_a, overlay, "db")
    assert after.returncode == 0, after.stderr[-2000:]


@pytest.fixture
def leftover(tmp_path: Path, docker_engine: str, busybox_image: str,
             cleanup: list[Callable[[], object]]) -> tuple[Copy, dict[str, object]]:
    """voting-app after its folder was renamed: the old project's `result` container, stopped
    (restart: unless-stopped), still declares the port the copy's `result` publishes."""
    copied = make_copy(tmp_path, "voting-app")
    port = copied.ports[8081]
    old = f"{copied.name}-old"
    created = subprocess.run(
        [docker_engine, "create", "--name", f"{old}-result-1", "--restart", "unless-stopped",
         "--label", f"com.docker.compose.project={old}", "--label", "com.docker.compose.service=result",
         "-p", f"{port}:80", busybox_image, "httpd", "-f", "-p", "80"],
        capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    cleanup.append(lambda: subprocess.run([docker_engine, "rm", "-f", "-v", f"{old}-result-1"], capture_output=True,
                                          timeout=60))
    hits = [f for f in copied.findings("port-collision") if f["subject"] == f"port:0.0.0.0:{port}/tcp"]
    assert hits, copied.findings("port-collision")
    assert (hits[0]["file"], hits[0]["line"]) == ("docker-compose.yml",
                                                  copied.line_of("docker-compose.yml", f'"{port}:80"'))
    assert hits[0]["severity"] in ABOVE_INFO
    assert f"is also published by stopped '{old}' service 'result'" in str(hits[0]["message"])
    return copied, hits[0]


@pytest.mark.docker
def test_live_port_of_a_stopped_leftover_container_is_found(leftover: tuple[Copy, dict[str, object]]) -> None:
    copied, finding = leftover
    assert finding["check"] == "port-collision" and copied.project == "voting-app"
    fix = finding["fix"]
    assert isinstance(fix, dict) and fix["safety"] == "safe" and "move 'result' from host port" in fix["title"]
    # removing the leftover stays a question, never done by --yes: it may be someone's other checkout
    assert [(a["title"], a["command"], a["safety"]) for a in fix["alternatives"]] == [
        (f"remove the leftover container '{copied.name}-old-result-1'", ["docker", "rm", f"{copied.name}-old-result-1"],
         "unsafe")]


@pytest.mark.docker
def test_live_port_of_a_stopped_leftover_container_one_fix_settles(
        leftover: tuple[Copy, dict[str, object]], docker_engine: str, busybox_image: str,
        cleanup: list[Callable[[], object]]) -> None:
    """Once the leftover runs again (its restart policy starts it with the engine), `up result`
    fails on the port; after one `fix --yes` (a move, the leftover untouched) both run."""
    copied, finding = leftover
    old = f"{copied.name}-old-result-1"
    overlay = copied.root.parent / "compose.live.yaml"  # the stand-in image, given to compose only
    overlay.write_text(f"services:\n  result:\n    image: {busybox_image}\n    pull_policy: never\n"
                       '    entrypoint: ["httpd", "-f", "-p", "80"]\n')

    def up_with_the_leftover_running() -> subprocess.CompletedProcess[str]:
        # the files compose finds by itself (the dev override the fix may write), then the overlay
        files = [a for f in ("docker-compose.yml", "docker-compose.override.yml") if (copied.workdir / f).exists()
                 for a in ("-f", f)]
        argv = [docker_engine, "compose", *files, "-f", str(overlay)]
        assert subprocess.run([docker_engine, "start", old], capture_output=True, timeout=60).returncode == 0
        try:
            return subprocess.run([*argv, "up", "-d", "--no-deps", "--no-build", "result"], cwd=copied.workdir,
                                  env=copied.env, capture_output=True, text=True, timeout=180)
        finally:
            subprocess.run([*argv, "down", "-v", "--timeout", "1"], cwd=copied.workdir, env=copied.env,
                           capture_output=True, timeout=180)
            subprocess.run([docker_engine, "stop", "-t", "1", old], capture_output=True, timeout=60)

    before = up_with_the_leftover_running()
    assert before.returncode != 0 and "already allocated" in before.stderr, before.stderr[-2000:]
    fix_settles(copied, "port-collision", "live voting-app-stopped-leftover (up failed once it ran)",
                shown(finding))
    after = up_with_the_leftover_running()
    assert after.returncode == 0, after.stderr[-2000:]
