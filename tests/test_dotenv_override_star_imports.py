"""dotenv-override follows names bound through `from .x import *` (django/djangoproject.com).

djangoproject.com's settings are split: `settings/common.py` sets `BASE_DIR = PROJECT_PACKAGE.parent`
(the repo, /usr/src/app in the container), `settings/dev.py` does `from .common import *`, and
`settings/docker.py` (compose's DJANGO_SETTINGS_MODULE) does `from .dev import *`. A tester added
`load_dotenv(BASE_DIR / ".env", override=True)` to docker.py with `SQL_HOST=localhost` in the
bind-mounted `.env`: doctor said ✓, as BASE_DIR was unknown in docker.py; the same call with
`Path(__file__)...` was an error. A call with override=True whose file doctor cannot work out
was also silent; it is now a note.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity

CHECK = "dotenv-override"
COMPOSE = """\
services:
  web:
    build: .
    command: python manage.py runserver 0.0.0.0:8000
    volumes: [".:/usr/src/app/"]
    environment:
      - DJANGO_SETTINGS_MODULE=djangoproject.settings.docker
      - SQL_HOST=db
  db:
    image: postgres:17-trixie
"""
DOCKERFILE = "FROM python:3.12-slim-trixie\nWORKDIR /usr/src/app\nCOPY . .\n"
COMMON = """\
import os
from pathlib import Path

PROJECT_PACKAGE = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_PACKAGE.parent
_PRIVATE = BASE_DIR / "nowhere"
"""
DEV = "from .common import *  # noqa\n\nALLOWED_HOSTS = ['djangoproject.localhost']\n"
DOCKER = """\
from .dev import *  # noqa: F403

from dotenv import load_dotenv

load_dotenv({argument}, override=True)
"""


def _project(root: Path, argument: str = 'BASE_DIR / ".env"', files: dict[str, str] | None = None) -> Path:
    texts = {
        "compose.yaml": COMPOSE, "Dockerfile": DOCKERFILE, ".env": "SQL_HOST=localhost\n",
        "manage.py": "import os\n", "djangoproject/__init__.py": "", "djangoproject/settings/__init__.py": "",
        "djangoproject/settings/common.py": COMMON, "djangoproject/settings/dev.py": DEV,
        "djangoproject/settings/docker.py": DOCKER.format(argument=argument), **(files or {}),
    }
    for name, text in texts.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(root: Path) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=(CHECK,), env=env), load_registry()).report
    return [f for f in report.findings if f.check == CHECK]


def test_base_dir_through_two_relative_star_imports_is_followed(tmp_path: Path) -> None:
    findings = _findings(_project(tmp_path))
    assert [(f.severity, f.location.line if f.location else 0) for f in findings] == [(Severity.ERROR, 5)]
    assert "SQL_HOST='localhost' from .env:1 overrides compose's 'db' in 'web'" in findings[0].message


def test_an_absolute_import_of_the_project_package_is_followed(tmp_path: Path) -> None:
    dev = "from djangoproject.settings.common import *\n"
    findings = _findings(_project(tmp_path, files={"djangoproject/settings/dev.py": dev}))
    assert [f.severity for f in findings] == [Severity.ERROR]


def test_a_name_bound_after_the_star_import_wins(tmp_path: Path) -> None:
    # the .env of a folder that does not exist in the container: nothing is loaded, nothing said
    docker = DOCKER.format(argument='BASE_DIR / ".env"').replace(
        "from dotenv", 'BASE_DIR = Path("/srv/elsewhere")\nfrom pathlib import Path\nfrom dotenv')
    assert _findings(_project(tmp_path, files={"djangoproject/settings/docker.py": docker})) == []


def test_underscore_names_are_not_star_imported(tmp_path: Path) -> None:
    (tmp_path / "nowhere").write_text("SQL_HOST=localhost\n")
    findings = _findings(_project(tmp_path, argument="_PRIVATE"))
    assert [f.severity for f in findings] == [Severity.INFO]
    assert "could not work out the file this load_dotenv(override=True) loads" in findings[0].message


def test_a_path_doctor_cannot_read_is_a_note_not_a_pass(tmp_path: Path) -> None:
    # a star import of an installed package is never followed; a function's result is never run
    for argument in ("SOME_ROOT / '.env'", "str(get_root()) + '/.env'"):
        root = tmp_path / argument.split("(")[0].split()[0].lower()
        root.mkdir()
        docker = f"from somelib.conf import *\nfrom dotenv import load_dotenv\nload_dotenv({argument}, override=True)\n"
        findings = _findings(_project(root, files={"djangoproject/settings/docker.py": docker}))
        assert [(f.severity, f.subject) for f in findings] == [
            (Severity.INFO, "web:?:djangoproject/settings/docker.py:3")], argument
        assert findings[0].fix is not None and "drop override=True" in findings[0].fix.title


def test_no_note_without_override_or_where_the_guard_is_false(tmp_path: Path) -> None:
    for name, call in (("plain", "load_dotenv(get_root())"),
                       ("guarded", "if not os.environ.get('SQL_HOST'):\n    load_dotenv(get_root(), override=True)")):
        root = tmp_path / name
        root.mkdir()
        docker = f"import os\nfrom dotenv import load_dotenv\n{call}\n"
        assert _findings(_project(root, files={"djangoproject/settings/docker.py": docker})) == [], name


def test_a_remembered_module_is_read_again_when_a_star_imported_one_changes(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor.project import memo
    from doctor.project.appenv import dotenv_calls

    monkeypatch.delenv("DOCTOR_NO_CACHE", raising=False)
    root = _project(tmp_path / "app")
    common = root / "djangoproject/settings/common.py"
    _age(root)
    first = dotenv_calls([root])
    assert [c.candidates for c in first if c.location.path.name == "docker.py"] == [(("file", 3, ".env"),)]
    memo.flush()
    memo.forget()
    common.write_text(COMMON.replace("BASE_DIR = PROJECT_PACKAGE.parent", "BASE_DIR = PROJECT_PACKAGE"))
    _age(common, 30)  # docker.py itself is as it was
    again = dotenv_calls([root])
    assert [c.candidates for c in again if c.location.path.name == "docker.py"] == [(("file", 2, ".env"),)]


def _age(root: Path, seconds: int = 60) -> None:
    when = time.time() - seconds
    for path in [root, *(root.rglob("*") if root.is_dir() else ())]:
        os.utime(path, (when, when), follow_symlinks=False)
