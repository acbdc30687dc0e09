"""dotenv-override on django-environ's `environ.Path` idiom and on paths built from a variable read
(DefectDojo's settings.dist.py: `root = environ.Path(__file__) - 3`, then
`env.read_env(root("dojo/settings/" + env.str("DD_ENV_PATH", ".env.prod")))`), found in trial F1:
both only said 'could not work out the file', where `os.path.join(BASE_DIR, ...)` gave the error.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity
from doctor.project.appenv import dotenv_calls

CHECK = "dotenv-override"
HEAD = "import os\nfrom pathlib import Path\nimport environ\nenv = environ.Env()\n"
FRAMED = ("env", "X", (("file", 3, "conf/.env.prod"),), (), (("file", 3), "conf/", ""))


@pytest.mark.parametrize(("source", "candidates"), [
    # django-environ's Path: the file's own path; `- N` goes N folders up (`- 1` is the file's folder)
    ("env.read_env(environ.Path(__file__) - 1)", (("file", 1),)),
    ("root = environ.Path(__file__) - 2\nenv.read_env(root('app/.env.prod'))", (("file", 2, "app/.env.prod"),)),
    ("root = environ.Path(__file__) - 2\nenv.read_env(root.path('app')('.env'))", (("file", 2, "app", ".env"),)),
    ("root = environ.Path(__file__) - 2\nenv.read_env(str(root.path('app', '.env')))",
     (("file", 2, "app", ".env"),)),
    ("root = environ.Path(__file__, is_file=True)\nenv.read_env(root('.env'))", (("file", 1, ".env"),)),
    ("root = ~environ.Path(__file__)\nenv.read_env(root())", (("file", 1),)),
    ("from environ import Path as P\nenv.read_env(P(__file__, '..', '.env'))", (("file", 0, "..", ".env"),)),
    # a literal and a variable read: the service's value, else the default
    ("root = environ.Path(__file__) - 3\nenv.read_env(root('conf/' + env.str('X', '.env.prod')))", (FRAMED,)),
    ("root = environ.Path(__file__) - 3\nenv.read_env(root('conf/' + env('X', default='.env.prod')))", (FRAMED,)),
    ("root = environ.Path(__file__) - 3\nenv.read_env(root(f'conf/{os.environ.get(\"X\", \".env.prod\")}'))",
     (FRAMED,)),
    ("BASE = Path(__file__).parents[2]\nenv.read_env(os.path.join(BASE, 'conf/' + os.getenv('X', '.env.prod')))",
     (FRAMED,)),
    ("env.read_env('conf/' + env.str('X'))", (("env", "X", (), (), ((), "conf/", "")),)),
    ("env.read_env(env.str('ENV_FILE', '.env'))", (("env", "ENV_FILE", (("cwd", ".env"),), ()),)),
    # a one-argument env.str is a variable read, never str('ENV_FILE'), a file named ENV_FILE
    ("env.read_env(env.str('ENV_FILE'))", (("env", "ENV_FILE", (), ()),)),
    ("settings = Settings()\nenv.read_env(settings.str('ENV_FILE'))", ()),
    # env('X', str): django-environ's positional second argument is a cast, not a default
    ("env.read_env('conf/' + env('X', str))", (("env", "X", (), (), ((), "conf/", "")),)),
    ("env.read_env('conf/' + env.str('X', '.env') + env.str('Y', '.b'))", ()),  # two reads: not followed
])
def test_environ_paths_and_variable_reads_are_followed(tmp_path: Path, source: str,
                                                       candidates: tuple[object, ...]) -> None:
    (tmp_path / "settings.py").write_text(f"{HEAD}{source}\n")
    (call,) = dotenv_calls([tmp_path])
    assert call.candidates == candidates


def test_a_root_bound_in_a_star_imported_module_is_rebased(tmp_path: Path) -> None:
    settings = tmp_path / "dojo" / "settings"
    settings.mkdir(parents=True)
    for folder in (tmp_path / "dojo", settings):
        (folder / "__init__.py").write_text("")
    (settings / "base.py").write_text("import environ\nroot = environ.Path(__file__) - 3\n")
    (settings / "local.py").write_text(
        "from .base import *\nimport environ\nenv = environ.Env()\n"
        "env.read_env(root('dojo/settings/' + env.str('DD_ENV_PATH', '.env.prod')), overwrite=True)\n")
    (call,) = dotenv_calls([tmp_path])
    assert call.candidates == (("env", "DD_ENV_PATH", (("file", 3, "dojo/settings/.env.prod"),), (),
                                (("file", 3), "dojo/settings/", "")),)


def _project(root: Path, compose: str, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(compose)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(root: Path) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=(CHECK,), env=env), load_registry()).report
    return sorted((f for f in report.findings if f.check == CHECK), key=lambda f: f.subject)


D10_COMPOSE = """\
services:
  web:
    build: .
    command: ["python", "-c", "import app.settings as s; print(s.REDIS_URL)"]
    environment:
      REDIS_URL: redis://redis:6379/0
    volumes:
      - ./app:/app/app
  redis:
    image: redis:7
"""
D10_DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
                  "COPY app/ ./app/\n")


@pytest.mark.parametrize("call", [
    "root = environ.Path(__file__) - 2\nenv = environ.Env()\nenv.read_env(root('app/.env.prod'), overwrite=True)",
    "root = environ.Path(__file__) - 1\nenv = environ.Env()\nenv.read_env(root.path('.env.prod')(), overwrite=True)",
    "BASE_DIR = os.path.dirname(os.path.dirname(__file__))\nenv = environ.Env()\n"
    "env.read_env(os.path.join(BASE_DIR, 'app', '.env.prod'), overwrite=True)",
])
def test_trial_f1_d10_environ_path_is_an_error_like_os_path_join(tmp_path: Path, call: str) -> None:
    """trial-F1/repro/d10: the environ.Path forms gave only 'info: could not work out the file'."""
    root = _project(tmp_path / "d10", D10_COMPOSE, {
        "Dockerfile": D10_DOCKERFILE, "requirements.txt": "django-environ==0.11.2\n", "app/__init__.py": "",
        "app/settings.py": f"import os\nimport environ\n{call}\nREDIS_URL = env('REDIS_URL')\n",
        "app/.env.prod": "REDIS_URL=redis://localhost:6379/0\n"})
    (finding,) = _findings(root)
    assert finding.severity is Severity.ERROR
    assert finding.message == ("REDIS_URL='redis://localhost:6379/0' from app/.env.prod:1 overrides compose's "
                               "'redis://redis:6379/0' in 'web'")
    assert finding.fix is not None and finding.fix.title == "drop overwrite=True from read_env at app/settings.py:5"


DOJO_SETTINGS = """\
import os
from pathlib import Path

import environ

root = environ.Path(__file__) - 3  # Three folders back
env = environ.Env(DD_ROOT=(str, root("dojo")))

# Read .env file as default or from the command line, DD_ENV_PATH
if Path(root("dojo/settings/.env.prod")).is_file() or "DD_ENV_PATH" in os.environ:
    env.read_env(root("dojo/settings/" + READ), overwrite=True)
"""
DOJO_COMPOSE = """\
services:
  uwsgi:
    build: .
    environment:
      DD_CELERY_BROKER_URL: redis://redis:6379/0
  celeryworker:
    build: .
    environment:
      DD_CELERY_BROKER_URL: redis://redis:6379/0
      DD_ENV_PATH: THE_FILE
  redis:
    image: redis:7
"""
DOJO_FILES = {"dojo/__init__.py": "", "dojo/settings/__init__.py": "",
              "Dockerfile": 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uwsgi"]\n',
              "dojo/settings/.env.prod": "DD_CELERY_BROKER_URL=redis://localhost:6379/0\n",
              "dojo/settings/.env.dev": "DD_CELERY_BROKER_URL=redis://localhost:6380/0\n"}


@pytest.mark.parametrize("read", [
    'env.str("DD_ENV_PATH", ".env.prod")',
    'env("DD_ENV_PATH", default=".env.prod")',
    'os.environ.get("DD_ENV_PATH", ".env.prod")',
])
def test_defectdojo_reads_the_services_value_else_says_the_default_was_assumed(tmp_path: Path, read: str) -> None:
    """DefectDojo settings.dist.py:331: uwsgi leaves DD_ENV_PATH unset (the default .env.prod is read),
    celeryworker sets it (.env.dev is read)."""
    files = {**DOJO_FILES, "dojo/settings/settings.dist.py": DOJO_SETTINGS.replace("READ", read)}
    root = _project(tmp_path / "dojo", DOJO_COMPOSE.replace("THE_FILE", ".env.dev"), files)
    worker, uwsgi = _findings(root)
    assert (uwsgi.severity, uwsgi.location and uwsgi.location.line) == (Severity.ERROR, 11)
    assert uwsgi.message == (
        "DD_CELERY_BROKER_URL='redis://localhost:6379/0' from dojo/settings/.env.prod:1 overrides compose's "
        "'redis://redis:6379/0' in 'uwsgi' (DD_ENV_PATH unset: its default assumed)")
    assert worker.message == (
        "DD_CELERY_BROKER_URL='redis://localhost:6380/0' from dojo/settings/.env.dev:1 overrides compose's "
        "'redis://redis:6379/0' in 'celeryworker'")


def test_a_service_setting_the_default_itself_is_named_apart(tmp_path: Path) -> None:
    files = {**DOJO_FILES, "dojo/settings/settings.dist.py": DOJO_SETTINGS.replace(
        "READ", 'env.str("DD_ENV_PATH", ".env.prod")')}
    root = _project(tmp_path / "dojo", DOJO_COMPOSE.replace("THE_FILE", ".env.prod"), files)
    (finding,) = _findings(root)
    assert finding.message.endswith("in 'uwsgi', 'celeryworker' (DD_ENV_PATH unset in 'uwsgi': its default assumed)")


def test_the_dockerfile_env_sets_the_variable_too(tmp_path: Path) -> None:
    dockerfile = 'FROM python:3.12-slim\nWORKDIR /app\nENV DD_ENV_PATH=.env.dev\nCOPY . .\nCMD ["uwsgi"]\n'
    files = {**DOJO_FILES, "Dockerfile": dockerfile, "dojo/settings/settings.dist.py": DOJO_SETTINGS.replace(
        "READ", 'env.str("DD_ENV_PATH", ".env.prod")')}
    root = _project(tmp_path / "dojo", DOJO_COMPOSE.replace("THE_FILE", ".env.dev"), files)
    (finding,) = _findings(root)
    assert finding.message == (
        "DD_CELERY_BROKER_URL='redis://localhost:6380/0' from dojo/settings/.env.dev:1 overrides compose's "
        "'redis://redis:6379/0' in 'uwsgi', 'celeryworker'")


def test_a_default_naming_no_file_is_no_finding(tmp_path: Path) -> None:
    """DefectDojo's own checkout: no dojo/settings/.env.prod; the call is followed, and there is nothing to say."""
    files = {k: v for k, v in DOJO_FILES.items() if not k.endswith(".env.prod")}
    files["dojo/settings/settings.dist.py"] = DOJO_SETTINGS.replace("READ", 'env.str("DD_ENV_PATH", ".env.prod")')
    root = _project(tmp_path / "dojo", DOJO_COMPOSE.replace("      DD_ENV_PATH: THE_FILE\n", ""), files)
    assert _findings(root) == []
