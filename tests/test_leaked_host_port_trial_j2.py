"""leaked-host-port, new-user trial J2 (bookwyrm, allegro/ralph).

D1: bookwyrm's `.env` `REDIS_BROKER_HOST=localhost` is read by web (which depends on redis_activity) and
the celery services (which depend on redis_broker); both redis servers listen on 6379. The key's own name,
its env template's value and the code's default say which server it means, before depends_on; and one
line names one server for every service that reads it (never redis_activity for some, redis_broker for
others).

D5: ralph's Debian config `contrib/.../redis.conf` holds `REDIS_HOST=localhost`: it sets the variable, it
does not read it; the reader is the settings module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

BOOKWYRM = """services:
  web:
    build: .
    env_file: .env
    depends_on: [redis_activity]
  worker:
    build: .
    env_file: .env
    depends_on: [redis_broker]
  redis_activity:
    image: redis:7
  redis_broker:
    image: redis:7
"""
DOCKERFILE = "FROM python:3.11\nCOPY app /app/app\n"


def run(root: Path, files: dict[str, str]) -> list[Finding]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))


def written(finding: Finding) -> str:
    assert finding.fix is not None and finding.fix.edits
    return "".join(str(edit.new) for edit in finding.fix.edits)


def bookwyrm(root: Path, key: str, settings: str, extra: dict[str, str] | None = None) -> list[Finding]:
    return run(root, {"compose.yaml": BOOKWYRM, "Dockerfile": DOCKERFILE, ".env": f"{key}=localhost\n",
                      "app/__init__.py": "", "app/settings.py": settings, **(extra or {})})


@pytest.mark.parametrize(("key", "settings", "extra"), [
    ("REDIS_BROKER_HOST", 'import os\nHOST = os.environ.get("REDIS_BROKER_HOST")\n', {}),
    ("REDIS_CACHE_HOST", 'import os\nHOST = os.environ.get("REDIS_CACHE_HOST")\n',
     {".env.example": "REDIS_CACHE_HOST=redis_broker\n"}),
    ("REDIS_CACHE_HOST", 'import environ\nenv = environ.Env()\nHOST = env("REDIS_CACHE_HOST", "redis_broker")\n', {}),
    ("CACHE_URL", 'import os\nURL = os.getenv("CACHE_URL", "redis://redis_broker:6379/0")\n', {}),
], ids=["key-name", "env-template", "code-default", "code-default-url"])
def test_the_server_the_project_names_wins_over_depends_on(tmp_path: Path, key: str, settings: str,
                                                           extra: dict[str, str]) -> None:
    if key.endswith("_URL"):
        files = {".env": f"{key}=redis://localhost:6379/0\n"}
        extra = {**extra, **files}
    found = bookwyrm(tmp_path, key, settings, extra)
    assert len(found) == 1
    assert "(did you mean 'redis_broker'?)" in found[0].message
    assert "'web' and 'worker'" in found[0].message
    assert "redis_broker" in written(found[0]) and "redis_activity" not in written(found[0])


def test_one_line_names_one_server_for_every_reader(tmp_path: Path) -> None:
    """Nothing names the server: web depends on one, worker on the other; the line still gets one answer."""
    found = bookwyrm(tmp_path, "REDIS_CACHE_HOST", 'import os\nHOST = os.environ.get("REDIS_CACHE_HOST")\n')
    assert len(found) == 1
    text = written(found[0])
    assert ("redis_activity" in text) != ("redis_broker" in text)


RALPH = """services:
  web:
    build: .
    volumes:
      - .:/app
    environment:
      REDIS_HOST: localhost
  redis:
    image: redis:7
"""


def test_a_config_file_that_sets_the_variable_is_not_its_reader(tmp_path: Path) -> None:
    found = run(tmp_path, {"compose.yaml": RALPH, "Dockerfile": "FROM python:3.11\nCOPY . /app\n",
                           "contrib/etc/redis.conf": "REDIS_HOST=localhost\n", "src/app/__init__.py": "",
                           "src/app/settings.py": 'import os\nHOST = os.environ.get("REDIS_HOST", "localhost")\n'})
    assert [f.message for f in found] == [
        "REDIS_HOST=localhost is 'web' itself in its container (did you mean 'redis'?): 'web' reads REDIS_HOST in "
        "src/app/settings.py"]


def test_a_config_file_alone_that_sets_it_reads_nothing(tmp_path: Path) -> None:
    found = run(tmp_path, {"compose.yaml": RALPH, "Dockerfile": "FROM python:3.11\nCOPY . /app\n",
                           "contrib/etc/redis.conf": "REDIS_HOST=localhost\n"})
    assert [f.message.rsplit(": ", 1)[-1] for f in found] == ["'web' sets REDIS_HOST in its environment"]


def test_a_config_file_that_reads_it_stays_its_reader(tmp_path: Path) -> None:
    found = run(tmp_path, {"compose.yaml": RALPH, "Dockerfile": "FROM python:3.11\nCOPY . /app\n",
                           "etc/app.conf": "[redis]\nhost = ${REDIS_HOST}\n"})
    assert [f.message.rsplit(": ", 1)[-1] for f in found] == ["'web' reads REDIS_HOST in etc/app.conf"]


CHIEF = """services:
  db:
    image: postgres:16
    environment:
      - POSTGRES_PASSWORD=postgres
  web:
    build: ./app
    env_file: .env
    depends_on: [db]
"""


@pytest.mark.parametrize("call", ["env.db()", 'env.db("DATABASE_URL")'])
def test_django_environs_env_db_reads_database_url(tmp_path: Path, call: str) -> None:
    """New-user trial K2 (ChiefOnboarding): `DATABASES = {"default": env.db()}` reads DATABASE_URL by
    django-environ's default name; the `.env`'s 127.0.0.1 database went unreported unless the key was written."""
    found = run(tmp_path, {
        "compose.yaml": CHIEF, ".env": "DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres\n",
        "app/Dockerfile": 'FROM python:3.13\nCOPY . /app\nCMD ["python","/app/settings.py"]\n',
        "app/settings.py": f'import environ\nenv = environ.Env()\nDATABASES = {{"default": {call}}}\n'})
    assert len(found) == 1, [f.message for f in found]
    assert "DATABASE_URL host '127.0.0.1' is 'web' itself" in found[0].message
    assert found[0].location is not None and found[0].location.line == 1
