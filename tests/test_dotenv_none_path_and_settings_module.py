"""dotenv-override on two trial defects.

mozilla/pontoon calls `dotenv.load_dotenv(dotenv_path=os.environ.get("DOTENV_PATH"))`: with DOTENV_PATH
unset that is `load_dotenv(None)`, python-dotenv's own search for `.env`; with `override=True` and a
copied `.env` naming localhost, doctor said ✓ (the variable's missing default named no file).

python/pythondotorg's settings/local.py gets decouple's `config` through `from .base import *`;
doctor did not read it, and reported the production settings/cabotage.py (which imports decouple
itself) although the services run DJANGO_SETTINGS_MODULE=pydotorg.settings.local.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity
from doctor.project.appenv import dotenv_calls

CHECK = "dotenv-override"
PONTOON_COMPOSE = """\
services:
  web:
    build: .
    environment:
      DATABASE_URL: "postgres://u:p@db/db"
{extra}  db:
    image: postgres:17
"""
PONTOON_DOCKERFILE = 'FROM python:3.13\nWORKDIR /app\nCOPY . /app/\nCMD ["python","manage.py"]\n'
PYDOTORG_COMPOSE = """\
services:
  web:
    build: .
    volumes: [".:/code"]
{environment}"""
PYDOTORG_DOCKERFILE = "FROM python:3.12\nWORKDIR /code\nCOPY . .\n"
LOCAL = 'from .base import *\nSEARCH_URL = config("SEARCH_URL", default="http://127.0.0.1:9200/")\n'
PROD = 'from .base import *\nfrom decouple import Csv\nSEARCH_URL = config("SEARCH_URL")\n'


def _write(root: Path, files: dict[str, str]) -> Path:
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
    return [f for f in report.findings if f.check == CHECK]


def _pontoon(root: Path, argument: str, extra: str = "", files: dict[str, str] | None = None) -> Path:
    return _write(root, {
        ".env": "DATABASE_URL=postgres://u:p@localhost/db\n", "Dockerfile": PONTOON_DOCKERFILE,
        "compose.yaml": PONTOON_COMPOSE.format(extra=extra),
        "manage.py": f"import os, dotenv\ndotenv.load_dotenv({argument}, override=True)\n", **(files or {})})


@pytest.mark.parametrize("argument", [
    'dotenv_path=os.environ.get("DOTENV_PATH")',
    'os.getenv("DOTENV_PATH")',
    'os.environ.get("DOTENV_PATH", None)',
    'dotenv_path=os.getenv("DOTENV_PATH", default=None)',
])
def test_an_unset_variable_read_as_the_path_is_load_dotenv_none(tmp_path: Path, argument: str) -> None:
    findings = _findings(_pontoon(tmp_path, argument))
    assert [(f.severity, f.location.line if f.location else 0) for f in findings] == [(Severity.ERROR, 2)]
    assert "from .env:1 overrides compose's 'postgres://u:***@db/db' in 'web'" in findings[0].message
    assert "DOTENV_PATH unset" in findings[0].message


def test_a_set_variable_names_its_file(tmp_path: Path) -> None:
    extra = "      DOTENV_PATH: /app/other.env\n"
    other = {"other.env": "DATABASE_URL=postgres://u:p@localhost/other\n"}
    findings = _findings(_pontoon(tmp_path, 'dotenv_path=os.environ.get("DOTENV_PATH")', extra, other))
    assert [(f.severity, f.location.line if f.location else 0) for f in findings] == [(Severity.ERROR, 2)]
    assert "'postgres://u:***@localhost/other' from other.env:1" in findings[0].message
    assert "unset" not in findings[0].message


def test_an_empty_variable_loads_nothing(tmp_path: Path) -> None:
    # load_dotenv("") opens no file (python-dotenv searches only for None)
    extra = '      DOTENV_PATH: ""\n'
    assert _findings(_pontoon(tmp_path, 'dotenv_path=os.environ.get("DOTENV_PATH")', extra)) == []


@pytest.mark.parametrize(("source", "candidates"), [
    ('load_dotenv(os.getenv("X"))', (("env", "X", (("find",),), ()),)),
    ('p = os.environ.get("X")\nload_dotenv(p)', (("env", "X", (("find",),), ()),)),
    ('load_dotenv(os.getenv("X", ".env.dev"))', (("env", "X", (("cwd", ".env.dev"),), ()),)),
    # django-environ's read_env(None) reads the .env beside the calling module
    ('import environ\nenviron.Env.read_env(os.getenv("X"))', (("env", "X", (("file", 1, ".env"),), ()),)),
    # os.environ["X"] raises when unset, and Path(None) too: no search then
    ('load_dotenv(os.environ["X"])', (("env", "X", (), ()),)),
    ('load_dotenv(Path(os.getenv("X")).parent / ".env")', (("env", "X", (("none",),), (("up",), ("join", ".env"))),)),
])
def test_the_candidates_of_a_variable_read(tmp_path: Path, source: str, candidates: tuple[object, ...]) -> None:
    head = "import os\nfrom pathlib import Path\nfrom dotenv import load_dotenv\n"
    (tmp_path / "settings.py").write_text(f"{head}{source}\n")
    (call,) = dotenv_calls([tmp_path])
    assert call.candidates == candidates


def test_a_loop_over_a_variable_read_skips_its_none(tmp_path: Path) -> None:
    # `for path in [os.getenv("APP_CONF"), ...]: if path and exists(path): load_dotenv(path); break`
    source = ('for path in [os.getenv("APP_CONF"), "/etc/app.conf"]:\n'
              '    if path and os.path.exists(path):\n        load_dotenv(path, override=True)\n        break\n')
    (tmp_path / "settings.py").write_text(f"import os\nfrom dotenv import load_dotenv\n{source}")
    (call,) = dotenv_calls([tmp_path])
    assert call.candidates == (("env", "APP_CONF", (("none",),), ()), ("abs", "/etc/app.conf"))


def _pydotorg(root: Path, environment: str, files: dict[str, str] | None = None) -> Path:
    return _write(root, {
        "compose.yaml": PYDOTORG_COMPOSE.format(environment=environment), "Dockerfile": PYDOTORG_DOCKERFILE,
        ".env": "SEARCH_URL=http://127.0.0.1:9200/\n", "proj/__init__.py": "", "proj/settings/__init__.py": "",
        "proj/settings/base.py": "from decouple import config\n", "proj/settings/local.py": LOCAL,
        "proj/settings/prod.py": PROD, **(files or {})})


def _places(findings: list[Finding]) -> list[tuple[Severity, str, int]]:
    return [(f.severity, f.location.path.name, f.location.line) for f in findings if f.location]


LOCAL_SETTINGS = "    environment:\n      DJANGO_SETTINGS_MODULE: proj.settings.local\n"


def test_the_settings_module_compose_names_is_reported_at_its_read(tmp_path: Path) -> None:
    findings = _findings(_pydotorg(tmp_path, LOCAL_SETTINGS))
    assert _places(findings) == [(Severity.INFO, "local.py", 2)]
    assert "SEARCH_URL='http://127.0.0.1:9200/' from .env:1 fills what compose leaves unset" in findings[0].message


def test_the_settings_module_of_the_dockerfile_env_counts(tmp_path: Path) -> None:
    dockerfile = PYDOTORG_DOCKERFILE + "ENV DJANGO_SETTINGS_MODULE=proj.settings.prod\n"
    findings = _findings(_pydotorg(tmp_path, "", {"Dockerfile": dockerfile}))
    assert _places(findings) == [(Severity.INFO, "prod.py", 2)]


def test_without_a_settings_module_every_one_may_run(tmp_path: Path) -> None:
    findings = _findings(_pydotorg(tmp_path, ""))
    assert sorted(_places(findings)) == [(Severity.INFO, "local.py", 2), (Severity.INFO, "prod.py", 2)]


def test_a_module_the_named_one_imports_still_runs(tmp_path: Path) -> None:
    local = "from .base import *\nfrom .search import SEARCH\n"
    search = 'from .base import *\nSEARCH = config("SEARCH_URL")\n'
    findings = _findings(_pydotorg(tmp_path, LOCAL_SETTINGS, {"proj/settings/local.py": local,
                                                              "proj/settings/search.py": search}))
    assert _places(findings) == [(Severity.INFO, "search.py", 2)]


def test_a_sibling_outside_a_settings_package_is_no_alternative(tmp_path: Path) -> None:
    # DJANGO_SETTINGS_MODULE=proj.settings: proj/wsgi.py beside proj/settings.py runs all the same
    environment = "    environment:\n      DJANGO_SETTINGS_MODULE: proj.settings\n"
    wsgi = "from dotenv import load_dotenv\nload_dotenv(override=True)\n"
    root = _write(tmp_path, {
        "compose.yaml": PYDOTORG_COMPOSE.format(environment=environment), "Dockerfile": PYDOTORG_DOCKERFILE,
        ".env": "SEARCH_URL=http://127.0.0.1:9200/\n", "proj/__init__.py": "", "proj/settings.py": "DEBUG = True\n",
        "proj/wsgi.py": wsgi})
    assert _places(_findings(root)) == [(Severity.INFO, "wsgi.py", 2)]


def test_config_through_a_star_import_is_read(tmp_path: Path) -> None:
    settings = tmp_path / "proj" / "settings"
    settings.mkdir(parents=True)
    (settings / "__init__.py").write_text("")
    (settings / "base.py").write_text("from decouple import config\n")
    (settings / "local.py").write_text('from .base import *\nA = 1\nB = config("B")\nC = config("C", default=1)\n')
    (settings / "other.py").write_text('from .models import *\nX = config("X")\n')  # no decouple: not read
    (settings / "models.py").write_text("")
    calls = [c for c in dotenv_calls([tmp_path]) if c.location.path.name != "base.py"]
    assert [(c.location.path.name, c.location.line, c.loader, c.keys) for c in calls] == [
        ("local.py", 3, "decouple", ("B", "C"))]
