"""dotenv-override on shapes found in real projects: a guard around the call, an aliased import,
`find_dotenv(name)` and `os.pardir`, node asset builders beside the app (nickjj/docker-flask-example).

Each test writes a small project into a temporary git repo and runs the check as `preflight` does.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity

CHECK = "dotenv-override"
APP = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "app:app"]\n'
# docker-flask-example's Dockerfile, shortened: a node stage builds the assets, the app is python
FLASK_DOCKERFILE = """\
FROM node:24-trixie-slim AS assets
WORKDIR /app/assets
COPY assets/package.json ./
RUN yarn install && yarn cache clean
ENV NODE_ENV="production" PATH="${PATH}:/node_modules/.bin"
COPY . ..
CMD ["bash"]

FROM python:3.14-slim-trixie AS app
WORKDIR /app
ENV FLASK_APP="hello.app" PYTHONPATH="."
COPY . .
CMD ["gunicorn", "-c", "python:config.gunicorn", "hello.app:create_app()"]
"""


def _project(root: Path, compose: str, settings: str, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(compose)
    (root / "config").mkdir(exist_ok=True)
    (root / "config" / "__init__.py").write_text("")
    (root / "config" / "settings.py").write_text(settings)
    for name, text in {"Dockerfile": APP, ".env": "REDIS_URL=redis://localhost:6379/0\n", **(files or {})}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(root: Path, checks: tuple[str, ...] = (CHECK,)) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=checks, env=env), load_registry()).report
    return [f for f in report.findings if f.check in checks]


def _services(finding: Finding) -> str:
    return finding.subject.split(":")[0]


# web and worker are told they run in docker; cli is not
GUARDED_COMPOSE = """\
x-app: &app
  build: .
  volumes: [".:/app"]
services:
  web:
    <<: *app
    environment: {REDIS_URL: "redis://redis:6379/0", IN_DOCKER: "1"}
  worker:
    <<: *app
    environment: {REDIS_URL: "redis://redis:6379/0", IN_DOCKER: "1"}
  cli:
    <<: *app
    environment: {REDIS_URL: "redis://redis:6379/0"}
  redis:
    image: redis:7
"""


@pytest.mark.parametrize("guard", [
    'if not os.environ.get("IN_DOCKER"):\n    load_dotenv(override=True)',
    'if os.getenv("IN_DOCKER") is None:\n    load_dotenv(override=True)',
    'if "IN_DOCKER" not in os.environ:\n    load_dotenv(override=True)',
    'if not os.getenv("IN_DOCKER"):\n    load_dotenv(override=True)',
    'if os.environ.get("IN_DOCKER") != "1":\n    load_dotenv(override=True)',
    'if os.environ.get("IN_DOCKER"):\n    pass\nelse:\n    load_dotenv(override=True)',
    'if "IN_DOCKER" in os.environ:\n    pass\nelif True:\n    load_dotenv(override=True)',
    'if not os.environ.get("IN_DOCKER") and os.getenv("APP_ENV", "dev") != "prod":\n    load_dotenv(override=True)',
    'if os.environ.get("IN_DOCKER") or os.environ.get("CI"):\n    pass\nelse:\n    load_dotenv(override=True)',
    'IN_DOCKER = os.environ.get("IN_DOCKER", "").lower() in ("1", "true")\nif not IN_DOCKER:\n'
    '    load_dotenv(override=True)',
    'from os import environ as env\nfrom dotenv import load_dotenv as ld\nif "IN_DOCKER" not in env:\n'
    '    ld(override=True)',
])
def test_a_guard_compose_makes_false_stops_the_call_in_that_service_only(tmp_path: Path, guard: str) -> None:
    root = _project(tmp_path / "p", GUARDED_COMPOSE, f"import os\nfrom dotenv import load_dotenv\n{guard}\n")
    (finding,) = _findings(root)
    assert _services(finding) == "cli"
    assert finding.message == ("REDIS_URL='redis://localhost:6379/0' from .env:1 overrides compose's "
                               "'redis://redis:6379/0' in 'cli'")


@pytest.mark.parametrize("guard", [
    'if settings_module_says_so():\n    load_dotenv(override=True)',  # cannot be read: the call counts
    'if os.environ.get("IN_DOCKER"):\n    load_dotenv(override=True)',
    'if not os.environ.get("IN_DOCKER"):\n    pass\nelse:\n    load_dotenv(override=True)',
])
def test_a_guard_doctor_cannot_read_or_that_holds_keeps_the_finding(tmp_path: Path, guard: str) -> None:
    root = _project(tmp_path / "p", GUARDED_COMPOSE, f"import os\nfrom dotenv import load_dotenv\n{guard}\n")
    services = {_services(f) for f in _findings(root)}
    if "settings_module" in guard:
        assert services == {"web,worker,cli"}
    else:
        assert services == {"web,worker"}


def test_the_dockerfile_env_and_dockerenv_count_as_the_container(tmp_path: Path) -> None:
    compose = ('services:\n  web:\n    build: .\n    volumes: [".:/app"]\n'
               '    environment: {REDIS_URL: "redis://redis:6379/0"}\n  redis:\n    image: redis:7\n')
    in_docker = APP.replace("WORKDIR /app\n", "WORKDIR /app\nENV IN_DOCKER=1\n")
    root = _project(tmp_path / "env", compose, 'import os\nfrom dotenv import load_dotenv\n'
                    'if not os.environ.get("IN_DOCKER"):\n    load_dotenv(override=True)\n', {"Dockerfile": in_docker})
    assert _findings(root) == []
    root = _project(tmp_path / "dockerenv", compose, 'import os\nfrom dotenv import load_dotenv\n'
                    'if not os.path.exists("/.dockerenv"):\n    load_dotenv(override=True)\n')
    assert _findings(root) == []


def test_a_guard_on_a_variable_another_loaded_file_sets_is_not_judged(tmp_path: Path) -> None:
    """`.env` (loaded first, unguarded) may set IN_DOCKER itself: doctor cannot tell the guard's value."""
    compose = ('services:\n  web:\n    build: .\n    volumes: [".:/app"]\n'
               '    environment: {REDIS_URL: "redis://redis:6379/0"}\n  redis:\n    image: redis:7\n')
    settings = ('import os\nfrom dotenv import load_dotenv\nload_dotenv()\n'
                'if os.environ.get("USE_LOCAL"):\n    load_dotenv(".env.local", override=True)\n')
    root = _project(tmp_path / "p", compose, settings, {".env": "USE_LOCAL=1\n",
                                                        ".env.local": "REDIS_URL=redis://localhost:6379/0\n"})
    (finding,) = _findings(root)
    assert finding.message.startswith("REDIS_URL='redis://localhost:6379/0' from .env.local:1 overrides")


SIMPLE_COMPOSE = """\
services:
  web:
    build: .
    volumes: [".:/app"]
    environment: {REDIS_URL: "redis://redis:6379/0"}
  redis:
    image: redis:7
"""


@pytest.mark.parametrize(("settings", "env_file"), [
    ("from dotenv import load_dotenv as ld\nld(override=True)\n", ".env"),
    ("import dotenv as de\nde.load_dotenv(override=True)\n", ".env"),
    ("from dotenv import find_dotenv as fd, load_dotenv as ld\nld(fd(), override=True)\n", ".env"),
    ("from dotenv import load_dotenv, find_dotenv\nload_dotenv(find_dotenv('.env.local'), override=True)\n",
     ".env.local"),
    ("from dotenv import load_dotenv, find_dotenv\n"
     "load_dotenv(find_dotenv(filename='.env.local', usecwd=True), override=True)\n", ".env.local"),
    ("import os\nfrom dotenv import load_dotenv\n"
     "load_dotenv(os.path.join(os.path.dirname(__file__), os.pardir, '.env.local'), override=True)\n", ".env.local"),
    ("import os\nfrom os import pardir\nfrom dotenv import load_dotenv\n"
     "load_dotenv(os.path.join(os.path.dirname(__file__), pardir, '.env.local'), override=True)\n", ".env.local"),
])
def test_aliases_find_dotenv_names_and_os_pardir_are_followed(tmp_path: Path, settings: str, env_file: str) -> None:
    files = {".env": "", env_file: "REDIS_URL=redis://localhost:6379/0\n"}
    root = _project(tmp_path / "p", SIMPLE_COMPOSE, settings, files)
    (finding,) = _findings(root)
    assert finding.message == (f"REDIS_URL='redis://localhost:6379/0' from {env_file}:1 overrides compose's "
                               "'redis://redis:6379/0' in 'web'")
    line = settings.count("\n")  # the call is the last line
    assert finding.fix is not None
    assert finding.fix.title == f"drop override=True from load_dotenv at config/settings.py:{line}"


FLASK_COMPOSE = """\
x-app: &default-app
  build: {context: ".", target: "app"}
  depends_on: [redis]
  volumes: [".:/app"]
x-assets: &default-assets
  build: {context: ".", target: "assets"}
  volumes: [".:/app"]
services:
  redis:
    image: "redis:8.6.3-trixie"
  web:
    <<: *default-app
    ports: ["127.0.0.1:8000:8000"]
  worker:
    <<: *default-app
    command: celery -A "hello.app.celery_app" worker
  js:
    <<: *default-assets
    command: "../run yarn:build:js"
  css:
    <<: *default-assets
    command: "../run yarn:build:css"
"""


def test_node_asset_builders_are_left_out_and_the_fix_names_every_service(tmp_path: Path) -> None:
    settings = ('import os\nfrom dotenv import load_dotenv\n'
                'load_dotenv(os.path.join(os.path.dirname(__file__), "..", ".env.local"))\n')
    root = _project(tmp_path / "p", FLASK_COMPOSE, settings, {
        "Dockerfile": FLASK_DOCKERFILE, ".env.local": "REDIS_URL=redis://localhost:6379/0\n",
        "assets/package.json": "{}\n"})
    finding, leaked = _findings(root, (CHECK, "leaked-host-port"))
    assert finding.message == ("REDIS_URL='redis://localhost:6379/0' from .env.local:1 dials the container itself "
                               "in 'web', 'worker', not 'redis' (compose sets none): leaked-host-port reports it "
                               "at .env.local:1")
    assert leaked.location is not None and (leaked.check, leaked.location.line) == ("leaked-host-port", 1)
    assert finding.fix is not None
    assert finding.fix.title == "set REDIS_URL for 'web', 'worker' in compose's environment"


def test_a_node_image_that_installs_python_still_runs_the_settings(tmp_path: Path) -> None:
    """paperless-ngx's devcontainer starts FROM node and adds uv: its Python runs the settings."""
    dockerfile = 'FROM node:24-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.9.10 /uv /bin/uv\nWORKDIR /app\nCOPY . .\n'
    compose = ('services:\n  web:\n    build: .\n    volumes: [".:/app"]\n  redis:\n    image: redis:7\n')
    settings = 'from dotenv import load_dotenv\nload_dotenv()\n'
    root = _project(tmp_path / "p", compose, settings, {"Dockerfile": dockerfile})
    (finding,) = _findings(root)
    assert _services(finding) == "web"


def test_two_calls_loading_one_env_are_two_findings_with_two_subjects(tmp_path: Path) -> None:
    """wagtail/bakerydemo's manage.py and wsgi.py each call load_dotenv(override=True) on one .env: two
    findings that shared the subject `app:REDIS_URL`, so one fingerprint (a baseline of the first
    hid the second) and one planned fix (the fixer fixed one and said the other was 'NOT fixed')."""
    compose = ("services:\n  redis:\n    image: redis:7\n  app:\n    build: .\n    environment:\n"
               "      REDIS_URL: redis://redis:6379/0\n")
    call = "from dotenv import load_dotenv\nload_dotenv(override=True)\n"
    root = _project(tmp_path / "p", compose, call, {"manage.py": call, "config/wsgi.py": call})
    found = _findings(root)
    assert sorted(f.subject for f in found) == [
        "app:REDIS_URL:config/settings.py", "app:REDIS_URL:config/wsgi.py", "app:REDIS_URL:manage.py"]
    assert len({f.fingerprint for f in found}) == 3


STYLEGUIDE = """\
services:
  django:
    build: .
    command: python manage.py runserver 0.0.0.0:8000
    environment:
      - REDIS_URL=redis://redis:6379/0
  celery:
    build: .
    command: celery -A config.tasks worker -l info
    environment:
      - REDIS_URL=redis://redis:6379/0
  beats:
    build: .
    command: celery -A config.tasks beat -l info
    environment:
      - REDIS_URL=redis://redis:6379/0
  redis:
    image: redis:7
"""
MANAGE = ("import sys\nfrom dotenv import load_dotenv\n\n\ndef main():\n    load_dotenv(override=True)\n"
          "    from django.core.management import execute_from_command_line\n"
          "    execute_from_command_line(sys.argv)\n\n\nif __name__ == '__main__':\n    main()\n")


@pytest.mark.parametrize(("command", "services"), [
    ("", "django"),  # celery and beats never run manage.py
    ("    entrypoint: [sh, ./start.sh]\n", "django,celery"),  # celery's script runs it
])
def test_a_manage_py_call_is_blamed_on_the_services_that_run_manage_py(tmp_path: Path, command: str,
                                                                      services: str) -> None:
    """HackSoftware/Django-Styleguide-Example: load_dotenv(override=True) in manage.py's main() was said
    to override compose's value 'in django, celery, beats'; celery and beats run `celery -A ...`,
    which never executes manage.py."""
    compose = STYLEGUIDE.replace("    command: celery -A config.tasks worker -l info\n",
                                 f"    command: celery -A config.tasks worker -l info\n{command}")
    root = _project(tmp_path / "styleguide", compose, "DEBUG = True\n",
                    {"manage.py": MANAGE, "start.sh": "#!/bin/sh\npython manage.py migrate\nexec \"$@\"\n"})
    (finding,) = _findings(root)
    assert _services(finding) == services, finding.message


def test_a_manage_py_call_no_service_runs_stays_every_services(tmp_path: Path) -> None:
    """No service's command runs manage.py (gunicorn serves): it runs where a developer execs it
    (`docker compose exec django python manage.py migrate`), in any of them."""
    compose = STYLEGUIDE.replace("python manage.py runserver 0.0.0.0:8000", "gunicorn config.wsgi")
    root = _project(tmp_path / "styleguide", compose, "DEBUG = True\n", {"manage.py": MANAGE})
    (finding,) = _findings(root)
    assert _services(finding) == "django,celery,beats", finding.message


# fastapi-practices/fastapi_best_architecture's Dockerfile, shortened: the builder stage copies the
# repository, the runtime stage takes it whole with `COPY --from=builder`
FBA_DOCKERFILE = """\
FROM python:3.10-slim AS builder
COPY . /fba
WORKDIR /fba
RUN pip install -r requirements.txt

FROM python:3.10-slim AS base_server
COPY --from=builder /fba /fba
WORKDIR /fba/backend
CMD ["granian", "main:app"]
"""


@pytest.mark.parametrize("relayed", [True, False])
def test_the_code_a_runtime_stage_copies_from_its_builder_is_read(tmp_path: Path, relayed: bool) -> None:
    """fba: backend/core/conf.py's `load_dotenv(Path(__file__).resolve().parent.parent / '.env', override=True)`
    reaches the container through the builder's `COPY . /fba` and the runtime's `COPY --from=builder /fba
    /fba`: the code map held only the runtime stage's own copies, so the call was never read (16 passed).
    Its twin copies nothing from the builder: no code of the project is in the image."""
    dockerfile = FBA_DOCKERFILE if relayed else FBA_DOCKERFILE.replace("COPY --from=builder /fba /fba\n", "")
    compose = ("services:\n  server:\n    build: .\n    environment:\n      - ENVIRONMENT=dev\n"
               "    env_file: [.env]\n")
    settings = ("from pathlib import Path\nfrom dotenv import load_dotenv\n\n"
                "load_dotenv(Path(__file__).resolve().parent.parent / '.env', override=True)\n")
    root = _project(tmp_path / "fba", compose, "", {"Dockerfile": dockerfile, "backend/core/conf.py": settings,
                                                    "backend/core/__init__.py": "", "backend/main.py": "",
                                                    "backend/.env": "ENVIRONMENT='prod'\n", ".env": "X=1\n"})
    found = _findings(root)
    if not relayed:
        assert found == []
        return
    (finding,) = found
    assert finding.message == "ENVIRONMENT='prod' from backend/.env:1 overrides compose's 'dev' in 'server'", finding


# wagtail/bakerydemo (8e2b625): `ADD . /code/` bakes the developer's `.env` into the image, whose
# Dockerfile ENV sets what compose does not (DJANGO_DEBUG=off); `dotenv.load_dotenv()` in manage.py
# and wsgi.py. Here the image's ENV holds the broker URL, as `ENV REDIS_URL=redis://redis:6379/0`
# after `COPY . .` does in many Dockerfiles: the process has it before the call runs
IMAGE_ENV_COMPOSE = ('services:\n  web:\n    build: .\n    environment: {DJANGO_SETTINGS_MODULE: config.settings}\n'
                     '  redis:\n    image: redis:7\n')
IMAGE_ENV_DOCKERFILE = APP.replace("COPY . .\n", "COPY . .\nENV REDIS_URL=redis://redis:6379/0 DJANGO_DEBUG=off\n")


def test_a_key_the_dockerfile_env_sets_is_not_filled_without_override(tmp_path: Path) -> None:
    """python-dotenv leaves a variable the process already has: the image's ENV is in the process."""
    root = _project(tmp_path / "p", IMAGE_ENV_COMPOSE, "from dotenv import load_dotenv\nload_dotenv()\n",
                    {"Dockerfile": IMAGE_ENV_DOCKERFILE})
    assert _findings(root) == []


def test_override_beats_the_dockerfile_env_and_says_so(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", IMAGE_ENV_COMPOSE, "from dotenv import load_dotenv\nload_dotenv(override=True)\n",
                    {"Dockerfile": IMAGE_ENV_DOCKERFILE, ".env": "REDIS_URL=redis://localhost:6379/0\nDJANGO_DEBUG=on\n"})
    by_key = {f.subject.split(":")[1]: f for f in _findings(root)}
    assert set(by_key) == {"REDIS_URL", "DJANGO_DEBUG"}
    assert by_key["REDIS_URL"].message == ("REDIS_URL='redis://localhost:6379/0' from .env:1 overrides "
                                           "'redis://redis:6379/0' of the image's ENV (Dockerfile:4) in 'web'")
    assert by_key["REDIS_URL"].severity is Severity.ERROR
    assert by_key["DJANGO_DEBUG"].message == ("DJANGO_DEBUG='on' from .env:2 overrides 'off' of the image's ENV "
                                              "(Dockerfile:4) in 'web'")
    assert by_key["DJANGO_DEBUG"].severity is Severity.WARNING
    assert by_key["REDIS_URL"].fix.title == "drop override=True from load_dotenv at config/settings.py:2"


def test_localhost_stays_this_checks_error_where_leaked_host_port_reads_no_load(tmp_path: Path) -> None:
    """A pulled image doctor cannot tell runs Python: loaded_env feeds leaked-host-port nothing from
    its `.env`, so the one finding of the fault is this check's error, at the call."""
    compose = ('services:\n  web:\n    image: example/web:1\n    volumes: [".:/app"]\n    working_dir: /app\n'
               '  redis:\n    image: redis:7\n')
    root = _project(tmp_path / "p", compose, 'from dotenv import load_dotenv\nload_dotenv("/app/.env")\n')
    (finding,) = _findings(root, (CHECK, "leaked-host-port"))
    assert (finding.check, finding.severity) == (CHECK, Severity.ERROR)
    assert finding.message.endswith("not 'redis' (compose sets none)"), finding.message
