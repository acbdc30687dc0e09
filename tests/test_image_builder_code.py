"""A service with no `build:` on the image another service builds runs that build's code.

`app: {build: ., image: myapp:dev}` beside `celery: {image: myapp:dev, command: celery ...}` (suitenumerique/people's
'celery' on the `people:backend-production` that 'app' builds): compose builds once and both containers hold the
same COPYed files, ENV and WORKDIR. doctor read a service's code from its own `build:` only, so celery held no code:
dotenv-override left it out of the services the `.env` reaches, leaked-host-port out of those a settings
module's localhost default dials, and script-line-endings out of those whose ENTRYPOINT script is CRLF. Two
builders of one tag (compose races them) give no builder.
"""

from __future__ import annotations

from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . /app
COPY docker/entrypoint.sh /usr/local/bin/entrypoint.sh
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000"]
"""
SETTINGS = """import os
from dotenv import load_dotenv

load_dotenv(override=True)

REDIS_URL = os.environ["REDIS_URL"]
"""


def _project(root: Path, worker_image: str = "myapp:dev", second_builder: bool = False) -> Path:
    """The shape: 'app' builds myapp:dev, 'celery' runs it with no build, neither mounts the code."""
    worker_image_line = f"    image: {worker_image}\n"
    other = ("  beat:\n    build: .\n    image: myapp:dev\n    environment:\n"
             "      REDIS_URL: redis://redis:6379/0\n") if second_builder else ""
    files = {
        "compose.yaml": ("services:\n"
                         "  app:\n    build: .\n    image: myapp:dev\n    environment:\n"
                         "      REDIS_URL: redis://redis:6379/0\n"
                         "  celery:\n" + worker_image_line + "    command: celery -A config worker\n"
                         "    environment:\n      REDIS_URL: redis://redis:6379/0\n"
                         + other + "  redis:\n    image: redis:7\n"),
        ".env": "IMAGE=myapp:dev\n",
        "Dockerfile": DOCKERFILE,
        "requirements.txt": "django==5.0\ncelery==5.4\npython-dotenv==1.0.1\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n",
        "config/__init__.py": "",
        "config/settings.py": SETTINGS,
        "config/.env": "REDIS_URL=redis://localhost:6379/0\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "docker").mkdir(exist_ok=True)
    (root / "docker" / "entrypoint.sh").write_bytes(b"#!/bin/sh\r\nset -e\r\nexec \"$@\"\r\n")
    return root


def _findings(root: Path, check: str) -> list[Finding]:
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=(check,), env=dict(options.env)), load_registry()).report
    return [f for f in report.findings if f.check == check]


def test_the_worker_on_the_image_app_builds_is_among_those_the_env_reaches(tmp_path: Path) -> None:
    found = _findings(_project(tmp_path), "dotenv-override")
    messages = [f.message for f in found if "REDIS_URL" in f.message]
    assert messages and all("'celery'" in m and "'app'" in m for m in messages), messages


def test_an_interpolated_image_naming_what_app_builds_is_the_same_image(tmp_path: Path) -> None:
    root = _project(tmp_path, worker_image="docker.io/library/${IMAGE}")
    project = Project(ProjectOptions(path=root, env={**ENV, "HOME": str(root)}))
    builder = project.image_builder(project.services["celery"])
    assert builder is not None and builder.name == "app"
    assert project.image_builder(project.services["app"]) is None  # a service with build: is the builder itself
    assert project.image_builder(project.services["redis"]) is None
    copies = project.code_map(project.services["celery"]).copies
    assert any(c.host == root and c.container == "/app" for c in copies)


def test_two_builders_of_one_tag_give_the_worker_no_code(tmp_path: Path) -> None:
    root = _project(tmp_path, second_builder=True)
    project = Project(ProjectOptions(path=root, env={**ENV, "HOME": str(root)}))
    assert project.image_builder(project.services["celery"]) is None
    assert project.code_map(project.services["celery"]).copies == ()
    messages = [f.message for f in _findings(root, "dotenv-override") if "REDIS_URL" in f.message]
    assert messages and not any("'celery'" in m for m in messages), messages


def test_another_image_gives_no_builder(tmp_path: Path) -> None:
    root = _project(tmp_path, worker_image="myapp:prod")
    project = Project(ProjectOptions(path=root, env={**ENV, "HOME": str(root)}))
    assert project.image_builder(project.services["celery"]) is None


def test_the_crlf_entrypoint_of_the_shared_image_is_the_workers_too(tmp_path: Path) -> None:
    found = _findings(_project(tmp_path), "script-line-endings")
    assert found, "the CRLF entrypoint is found"
    assert any("celery" in (f.subject or "") or "'celery'" in f.message for f in found), \
        [(f.subject, f.message) for f in found]


def test_peoples_celery_on_the_image_app_builds_is_named_beside_app(tmp_path: Path) -> None:
    """The replay of suitenumerique/people with a planted `load_dotenv(override=True)` and a `.env` saying
    DB_HOST=localhost: 'celery' (`image: people:backend-production`, no volumes) runs app's `COPY src/backend
    /app` and was left out of the services named, while 'celery-beat' (which binds src/backend) was in."""
    import shutil

    root = tmp_path / "people"
    shutil.copytree(Path(__file__).parent / "replay" / "lasuite-people", root)
    for dist in (root / "env.d" / "development").glob("*.dist"):
        shutil.copy(dist, dist.with_suffix(""))
    settings = root / "src" / "backend" / "people" / "settings.py"
    text = settings.read_text().replace("import json\n", "import json\nfrom dotenv import load_dotenv\n", 1)
    settings.write_text(text.replace("import sentry_sdk\n", "import sentry_sdk\n\nload_dotenv(override=True)\n", 1))
    (root / "src" / "backend" / ".env").write_text("DB_HOST=localhost\n")
    manifest = root / "src" / "backend" / "pyproject.toml"
    dependency = 'dependencies = [\n    "python-dotenv",\n'
    manifest.write_text(manifest.read_text().replace("dependencies = [\n", dependency, 1))
    messages = [f.message for f in _findings(root, "dotenv-override") if f.message.startswith("DB_HOST='localhost'")
                and "overrides compose's" in f.message]
    assert len(messages) == 1 and "'celery'" in messages[0] and "'app'" in messages[0], messages


def test_a_localhost_default_in_the_shared_code_dials_the_worker_itself_too(tmp_path: Path) -> None:
    """leaked-host-port reads a service's code to decide whether it dials: the worker on app's image runs
    app's settings module, so its localhost default is the worker's own container as well."""
    root = _project(tmp_path)
    (root / "config" / ".env").unlink()
    (root / "compose.yaml").write_text(
        "services:\n"
        "  app:\n    build: .\n    image: myapp:dev\n    command: gunicorn config.wsgi -b 0.0.0.0:8000\n"
        "    environment:\n      DJANGO_SETTINGS_MODULE: config.settings\n"
        "  celery:\n    image: myapp:dev\n    command: celery -A config worker\n"
        "    environment:\n      DJANGO_SETTINGS_MODULE: config.settings\n"
        "  redis:\n    image: redis:7\n")
    (root / "Dockerfile").write_text(DOCKERFILE.replace('ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\n', ""))
    (root / "config" / "settings.py").write_text(
        'import os\nCELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")\n')
    messages = [f.message for f in _findings(root, "leaked-host-port") if "CELERY_BROKER_URL" in f.message]
    assert len(messages) == 1 and "'celery'" in messages[0] and "'app'" in messages[0], messages
