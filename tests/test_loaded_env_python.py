"""leaked-host-port and service-name-drift on the `.env` a Python app loads in its container.

testdrivenio/fastapi-tdd-docker (tests/replay/fastapi-tdd-docker) binds ./project onto /usr/src/app
for `web`, with compose's DATABASE_URL naming `web-db`. A developer moves the URL into project/.env
and loads it in the app: pydantic-settings' `env_file=".env"`, python-dotenv's `load_dotenv()`,
django-environ's `read_env()`, python-decouple's `config()`. Before, only dotenv-override read those
loads, and only for localhost: a host naming no service, or a host-side port, gave no finding, and
localhost was reported at the call, not at the .env line that holds it. Each loader keeps what
compose sets (no finding then) unless it overrides; dotenv-override's fill-in of that localhost is a
note pointing at leaked-host-port's finding, not a second error.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity

TDD = Path(__file__).parent / "replay" / "fastapi-tdd-docker"
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")
URL = "DATABASE_URL=postgres://postgres:postgres@web-db:5432/web_dev"
LOCAL = "postgres://postgres:postgres@localhost:5432/web_dev"
PYDANTIC = ("from pydantic_settings import BaseSettings\n", "from pydantic_settings import BaseSettings, "
            "SettingsConfigDict\n", "class Settings(BaseSettings):\n", "class Settings(BaseSettings):\n"
            "    model_config = SettingsConfigDict(env_file=\".env\")\n")


def _findings(root: Path, severe: bool = True) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=CHECKS, env=env), load_registry()).report
    return [f for f in report.findings if f.check in CHECKS and (f.severity is not Severity.INFO or not severe)]


def _shown(findings: list[Finding]) -> list[tuple[str, str, int | None, str]]:
    return [(f.check, f.location.path.name if f.location else "", f.location.line if f.location else None,
             f.message) for f in findings]


def _app(root: Path, url: str | None, loader: tuple[str, ...] = PYDANTIC, compose_sets: bool = False,
         module: str = "app/config.py") -> Path:
    """The project as cloned, with `loader`'s edits (old, new pairs) made to `module` and project/.env
    holding DATABASE_URL=`url` at line 2; compose's DATABASE_URL dropped unless `compose_sets`."""
    shutil.copytree(TDD, root)
    path = root / "project" / module
    text = path.read_text() if path.exists() else ""
    for old, new in zip(loader[::2], loader[1::2], strict=True):
        assert old in text or not old, old
        text = text.replace(old, new, 1) if old else new + text
    path.write_text(text)
    if url is not None:
        (root / "project" / ".env").write_text(f"ENVIRONMENT=dev\nDATABASE_URL={url}\n")
    if not compose_sets:
        compose = root / "docker-compose.yml"
        compose.write_text(compose.read_text().replace(f"      - {URL}\n", ""))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_as_cloned_nothing(tmp_path: Path) -> None:
    assert _findings(_app(tmp_path / "p", None, compose_sets=True), severe=False) == []


def test_pydantic_settings_localhost_is_leaked_host_port_at_the_env_line(tmp_path: Path) -> None:
    found = _findings(_app(tmp_path / "p", LOCAL), severe=False)
    assert [(f.check, f.severity) for f in found] == [("dotenv-override", Severity.INFO),
                                                       ("leaked-host-port", Severity.ERROR)]
    assert _shown(found[1:]) == [("leaked-host-port", ".env", 2, "DATABASE_URL host 'localhost' is 'web' itself in "
                                  "its container (did you mean 'web-db'?): 'web' reads DATABASE_URL in "
                                  "project/app/db.py")]
    assert found[0].message.endswith(": leaked-host-port reports it at project/.env:2"), found[0].message


def test_pydantic_settings_host_naming_no_service_is_service_name_drift(tmp_path: Path) -> None:
    root = _app(tmp_path / "p", "postgres://postgres:postgres@postgresserver:5432/web_dev")
    assert _shown(_findings(root)) == [("service-name-drift", ".env", 2, "DATABASE_URL host 'postgresserver' names no "
                                        "service on the network (did you mean 'web-db'?)")]


def test_pydantic_settings_reads_only_its_fields(tmp_path: Path) -> None:
    """DB_URL is no field of Settings (database_url is): pydantic-settings never reads it."""
    assert _findings(_app(tmp_path / "p", None)) == []
    (tmp_path / "p" / "project" / ".env").write_text("DB_URL=postgres://postgres:postgres@postgresserver:5432/x\n")
    assert _findings(tmp_path / "p") == []


LOAD_DOTENV = ("", "from dotenv import load_dotenv\n\nload_dotenv()\n")
# no path: the `.env` beside the calling module (app/.env); the project folder's is named
READ_ENV = ("", "import os\n\nimport environ\n\nenviron.Env.read_env(os.path.join(os.path.dirname("
            "os.path.dirname(__file__)), \".env\"))\n")


@pytest.mark.parametrize("loader", [PYDANTIC, LOAD_DOTENV, READ_ENV], ids=["pydantic", "dotenv", "environ"])
def test_each_loader_leaves_what_compose_sets(tmp_path: Path, loader: tuple[str, ...]) -> None:
    root = _app(tmp_path / "p", "postgres://postgres:postgres@postgresserver:5432/web_dev", loader, compose_sets=True)
    assert _findings(root) == []


@pytest.mark.parametrize("loader", [LOAD_DOTENV, READ_ENV], ids=["dotenv", "environ"])
def test_load_dotenv_and_read_env_fill_what_compose_leaves(tmp_path: Path, loader: tuple[str, ...]) -> None:
    root = _app(tmp_path / "p", "postgres://postgres:postgres@postgresserver:5432/web_dev", loader)
    assert [(f.check, f.location and f.location.line) for f in _findings(root)] == [("service-name-drift", 2)]


def test_an_overriding_load_is_left_to_dotenv_override(tmp_path: Path) -> None:
    """load_dotenv(override=True) beats compose: dotenv-override's fix drops the flag; leaked-host-port's
    (compose's value set in an override file) would lose to the file again, so it is not fed."""
    loader = ("", "from dotenv import load_dotenv\n\nload_dotenv(override=True)\n")
    root = _app(tmp_path / "p", "postgres://postgres:postgres@postgresserver:5432/web_dev", loader, compose_sets=True)
    found = [(f.check, f.location and f.location.path.name, f.location and f.location.line) for f in _findings(root)]
    assert found == [("dotenv-override", "config.py", 3)]


def test_decouple_config_reads_the_keys_it_asks_for(tmp_path: Path) -> None:
    loader = ("", "from decouple import config\n\nDATABASE_URL = config(\"DATABASE_URL\")\n")
    root = _app(tmp_path / "p", "postgres://postgres:postgres@postgresserver:5432/web_dev", loader)
    assert [(f.check, f.location and f.location.line) for f in _findings(root)] == [("service-name-drift", 2)]


def test_a_server_image_mounting_the_code_loads_nothing(tmp_path: Path) -> None:
    """`web-db` (FROM postgres) mounting the same folder never runs the app's settings."""
    root = _app(tmp_path / "p", "postgres://postgres:postgres@postgresserver:5432/web_dev", LOAD_DOTENV)
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("    build: ./project\n", "    image: postgres:16\n"))
    assert _findings(root) == []


def test_pydantic_settings_host_side_port_is_leaked_host_port(tmp_path: Path) -> None:
    """`web-db` published as 5433:5432: the app's `.env` dialing web-db:5433 dials a port nothing listens on."""
    root = _app(tmp_path / "p", "postgres://postgres:postgres@web-db:5433/web_dev")
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("    expose:\n      - 5432\n", "    ports:\n      - 5433:5432\n"))
    (finding,) = _findings(root)
    assert (finding.check, finding.location and finding.location.line) == ("leaked-host-port", 2), finding
    assert finding.message.startswith("DATABASE_URL dials web-db:5433, the host port of 'web-db', which listens on "
                                      "5432 inside the network ('web' reads DATABASE_URL in project/app/db.py)")
