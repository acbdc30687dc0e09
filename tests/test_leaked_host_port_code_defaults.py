"""leaked-host-port (8): a Python settings module's localhost default, read in a container that runs it.

testdrivenio/fastapi-celery (tests/replay/fastapi-celery): `worker` runs `celery -A worker.celery
worker`, and worker.py reads `os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379")`; compose
sets the URL to redis://redis:6379/0. Without it, the worker dials its own container: before, no
finding at all (no env value held localhost). cookiecutter/cookiecutter-django (tests/replay/
cookiecutter-django, rendered): a project generated without Docker has base.py's
`env("REDIS_URL", default="redis://localhost:6379/0")`; dockerized without REDIS_URL in
.envs/.local/.django, every Django and Celery container dials itself.

Precision: nothing is reported where compose (an env_file included) sets the key, under an `if` whose
test says the line does not run there (`if os.getenv("DATABASE_URL")` with DATABASE_URL set), in a
function body, for a service whose command starts no app (flower's `celery --broker=... flower` names
no module), or where a required env_file is not written yet (bookwyrm's `.env`, copied from .env.example).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Safety

REPLAY = Path(__file__).parent / "replay"
CELERY_ENV = "    environment:\n      - CELERY_BROKER_URL=redis://redis:6379/0\n      - CELERY_RESULT_BACKEND=redis://redis:6379/0\n"


def _findings(root: Path, *files: str) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, files=tuple(root / f for f in files), env=env)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=env), load_registry()).report
    return [f for f in report.findings if f.check == "leaked-host-port"]


def _shown(findings: list[Finding]) -> list[tuple[str, int | None, str]]:
    return [(str(f.location.path.name) if f.location else "", f.location.line if f.location else None, f.message)
            for f in findings]


def _copy(name: str, root: Path) -> Path:
    shutil.copytree(REPLAY / name, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _celery(tmp_path: Path, drop: tuple[str, ...] = ("worker",)) -> Path:
    """fastapi-celery with compose's CELERY_* dropped from the services in `drop`."""
    root = _copy("fastapi-celery", tmp_path / "p")
    compose = root / "docker-compose.yml"
    text = compose.read_text()
    for name in drop:
        start = text.index(f"  {name}:\n")
        end = start + text[start:].index(CELERY_ENV) + len(CELERY_ENV)
        text = text[:start] + text[start:end].replace(CELERY_ENV, "") + text[end:]
    compose.write_text(text)
    return root


def test_fastapi_celery_as_cloned_nothing(tmp_path: Path) -> None:
    assert _findings(_copy("fastapi-celery", tmp_path / "p")) == []


def test_fastapi_celery_worker_without_broker_url_dials_itself(tmp_path: Path) -> None:
    found = _findings(_celery(tmp_path))
    assert _shown(found) == [
        ("worker.py", 8, "CELERY_BROKER_URL defaults to localhost:6379 here, which is 'worker' itself in its "
                         "container (did you mean 'redis'?): compose sets no CELERY_BROKER_URL for 'worker', which "
                         "runs this code"),
        ("worker.py", 9, "CELERY_RESULT_BACKEND defaults to localhost:6379 here, which is 'worker' itself in its "
                         "container (did you mean 'redis'?): compose sets no CELERY_RESULT_BACKEND for 'worker', "
                         "which runs this code")]
    assert found[0].fix is not None and found[0].fix.safety is Safety.ADVICE
    assert found[0].fix.title == ("set CELERY_BROKER_URL=redis://redis:6379 for 'worker' in compose's environment, "
                                  "or make the default dial redis:6379")


def test_a_flower_naming_no_app_module_runs_no_settings(tmp_path: Path) -> None:
    """`dashboard` runs `celery --broker=redis://redis:6379/0 flower`: no -A, so no worker.py."""
    assert _findings(_celery(tmp_path, ("dashboard",))) == []


def test_a_default_in_a_function_body_is_not_read_at_import(tmp_path: Path) -> None:
    root = _celery(tmp_path)
    worker = root / "project" / "worker.py"
    text = worker.read_text()
    worker.write_text(text.replace("celery.conf.broker_url = ", "def configure():\n    celery.conf.broker_url = ")
                      .replace("celery.conf.result_backend = ", "    celery.conf.result_backend = "))
    assert _findings(root) == []


def _cookiecutter(tmp_path: Path) -> Path:
    """cookiecutter-django as generated without Docker (REDIS_URL's and POSTGRES_HOST's defaults on
    localhost), dockerized with the .envs that do not set them."""
    root = _copy("cookiecutter-django", tmp_path / "p")
    base = root / "config" / "settings" / "base.py"
    _edit(base, 'default="redis://redis:6379/0"', 'default="redis://localhost:6379/0"')
    _edit(base, 'env.str("POSTGRES_HOST", default="postgres")', 'env.str("POSTGRES_HOST", default="localhost")')
    _edit(root / ".envs" / ".local" / ".django", "REDIS_URL=redis://redis:6379/0\n", "")
    _edit(root / ".envs" / ".local" / ".postgres", "POSTGRES_HOST=postgres\n", "")
    return root


def test_cookiecutter_django_as_rendered_nothing(tmp_path: Path) -> None:
    assert _findings(_copy("cookiecutter-django", tmp_path / "p"), "docker-compose.local.yml") == []


def test_cookiecutter_django_generated_without_docker(tmp_path: Path) -> None:
    found = _findings(_cookiecutter(tmp_path), "docker-compose.local.yml")
    every = "'django', 'celeryworker', 'celerybeat' and 'flower'"
    assert _shown(found) == [
        ("base.py", 59, f"POSTGRES_HOST defaults to localhost here, which is each container itself in {every} (did "
                        "you mean 'postgres'?): compose sets no POSTGRES_HOST for 'django', 'celeryworker', "
                        "'celerybeat', 'flower', which run this code"),
        ("base.py", 274, f"REDIS_URL defaults to localhost:6379 here, which is each container itself in {every} "
                         "(did you mean 'redis'?): compose sets no REDIS_URL for 'django', 'celeryworker', "
                         "'celerybeat', 'flower', which run this code")]


def test_cookiecutter_django_env_files_setting_the_keys_or_the_branch_not_taken(tmp_path: Path) -> None:
    """REDIS_URL set in .envs/.local/.django; POSTGRES_HOST read only in the `else` of
    `if os.getenv("DATABASE_URL", default=None):`, and DATABASE_URL is set."""
    root = _cookiecutter(tmp_path)
    django = root / ".envs" / ".local" / ".django"
    django.write_text(django.read_text() + "REDIS_URL=redis://redis:6379/0\n"
                      "DATABASE_URL=postgres://u:p@postgres:5432/my_awesome_project\n")
    assert _findings(root, "docker-compose.local.yml") == []


def test_a_required_env_file_not_written_yet_says_nothing(tmp_path: Path) -> None:
    root = _cookiecutter(tmp_path)
    _edit(root / "docker-compose.local.yml", "      - path: ./.envs/.local/.django\n        required: false\n",
          "      - path: ./.envs/.local/.django\n")
    (root / ".envs" / ".local" / ".django").unlink()
    assert _findings(root, "docker-compose.local.yml") == []


def test_a_page_url_default_is_no_dial(tmp_path: Path) -> None:
    """SITE_URL (a page key) and an http URL to the port 'django' publishes (8000:8000) are pages the
    developer opens; TIKA_ENDPOINT to a tika that publishes nothing is the API a worker calls."""
    root = _copy("cookiecutter-django", tmp_path / "p")
    base = root / "config" / "settings" / "base.py"
    base.write_text(base.read_text() + 'SITE_URL = env("SITE_URL", default="http://localhost:8000")\n'
                    'ADMIN_LINK = env("ADMIN_LINK", default="http://localhost:8000/admin/")\n'
                    'TIKA_ENDPOINT = env("TIKA_ENDPOINT", default="http://localhost:9998")\n')
    compose = root / "docker-compose.local.yml"
    tika = "\n  tika:\n    image: docker.io/apache/tika:latest\n    expose:\n      - 9998\n"
    compose.write_text(compose.read_text() + tika)
    found = _findings(root, "docker-compose.local.yml")
    assert [(f.location.line if f.location else None, f.message.split(" here")[0]) for f in found] == [
        (340, "TIKA_ENDPOINT defaults to localhost:9998")]


def test_a_literal_broker_url_is_read_from_no_variable(tmp_path: Path) -> None:
    """`celery.conf.broker_url = "redis://localhost:6379/0"` and `Celery(__name__, backend="redis://localhost")`,
    in a worker compose gives no CELERY_BROKER_URL nor CELERY_RESULT_BACKEND; the advice is the line itself."""
    root = _celery(tmp_path)
    worker = root / "project" / "worker.py"
    _edit(worker, 'os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379")', '"redis://localhost:6379/0"')
    _edit(worker, "Celery(__name__)", 'Celery(__name__, backend="redis://localhost")')
    found = _findings(root)
    assert _shown(found) == [
        ("worker.py", 7, "backend is localhost here, which is 'worker' itself in its container (did you mean "
                         "'redis'?): 'worker' runs this code"),
        ("worker.py", 8, "broker_url is localhost:6379 here, which is 'worker' itself in its container (did you "
                         "mean 'redis'?): 'worker' runs this code"),
        ("worker.py", 9, "CELERY_RESULT_BACKEND defaults to localhost:6379 here, which is 'worker' itself in its "
                         "container (did you mean 'redis'?): compose sets no CELERY_RESULT_BACKEND for 'worker', "
                         "which runs this code")]
    assert found[1].fix is not None and found[1].fix.title == (
        "make broker_url dial redis:6379, or read it from a variable compose sets for the containers")


def test_a_literal_broker_setting_gives_way_to_compose_s_celery_variables(tmp_path: Path) -> None:
    """Celery reads CELERY_BROKER_URL and CELERY_RESULT_BACKEND from the process before its settings
    (celery/app/utils.py: `os.environ.get('CELERY_BROKER_URL') or` broker_url): compose sets both for the
    worker as cloned, so the literals never hold (a review's finding: they were reported)."""
    root = _copy("fastapi-celery", tmp_path / "p")
    worker = root / "project" / "worker.py"
    _edit(worker, 'os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379")', '"redis://localhost:6379/0"')
    _edit(worker, "Celery(__name__)", 'Celery(__name__, backend="redis://localhost")')
    assert _findings(root) == []


def test_a_default_a_later_assignment_replaces_is_no_dial(tmp_path: Path) -> None:
    """A Django layout's base.py writes a localhost default, the settings module the service loads star-imports
    it and sets the name again (docker.py), or base.py itself sets it again later, in an `if` that may run:
    the default never holds (a review's finding). An `else`'s assignment does not replace its `if`'s."""
    def project(base: str, docker: str) -> Path:
        root = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
        (root / "proj" / "settings").mkdir(parents=True)
        (root / "proj" / "__init__.py").write_text("")
        (root / "proj" / "settings" / "__init__.py").write_text("")
        (root / "proj" / "settings" / "base.py").write_text(base)
        (root / "proj" / "settings" / "docker.py").write_text(docker)
        (root / "manage.py").write_text(
            'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.base")\n')
        (root / "compose.yaml").write_text(
            "services:\n  web:\n    image: python:3.12\n    volumes: [\".:/app\"]\n    working_dir: /app\n"
            "    command: python manage.py runserver 0.0.0.0:8000\n    environment:\n"
            "      DJANGO_SETTINGS_MODULE: proj.settings.docker\n      X: '1'\n    depends_on: [redis]\n"
            "  redis:\n    image: redis:7\n")
        return root

    local = 'import os\nREDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")\n'
    assert [line for _, line, _ in _shown(_findings(project(local, "from .base import *\n")))] == [2]
    assert _findings(project(local, 'from .base import *\nREDIS_URL = "redis://redis:6379/0"\n')) == []
    assert _findings(project(local + 'if os.path.exists("/.dockerenv"):\n    REDIS_URL = "redis://redis:6379/0"\n',
                             "from .base import *\n")) == []
    branches = ('import os\nif os.environ.get("X"):\n    REDIS_URL = os.environ.get("REDIS_URL", '
                '"redis://localhost:6379/0")\nelse:\n    REDIS_URL = "redis://redis:6379/0"\n')
    assert [line for _, line, _ in _shown(_findings(project(branches, "from .base import *\n")))] == [3]


def test_a_literal_under_an_if_false_there_or_not_an_address(tmp_path: Path) -> None:
    root = _copy("fastapi-celery", tmp_path / "p")
    worker = root / "project" / "worker.py"
    _edit(worker, 'celery.conf.broker_url = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379")',
          'if "CELERY_BROKER_URL" not in os.environ:\n    celery.conf.broker_url = "redis://localhost:6379/0"\n'
          'celery.conf.task_default_queue = "redis://localhost:6379/0"')
    assert _findings(root) == []
