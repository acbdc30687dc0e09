"""env-drift and compose-config: `.env-dist` (and `-`/`_` spellings of the other templates) is a
template of `.env`.

mozilla/kitsune ships `.env-dist`, which its Makefile copies (`.env:` rule, `cp -n .env-dist
.env;`). With no .env, doctor offered no copy of it; with DATABASE_URL deleted from .env (kitsune's
settings.py reads config("DATABASE_URL") with no default, docker-compose.yml loads `env_file: .env`),
env-drift passed. Renamed to `.env.dist`, both were found. A recipe line ending in `;` or chaining
with `&&` (`cp -n .env-dist .env;`) is a command that writes the env file too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

COMPOSE = "services:\n  web:\n    image: busybox\n    env_file: .env\n    user: ${UID:-kitsune}\n"
TEMPLATE = "ALLOWED_HOSTS=*\nDATABASE_URL=postgres://kitsune:kitsune@postgres:5432/kitsune\n"


def _run(check: EnvDrift | ComposeConfig, root: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env))
    return list(check.run(project, Host(env=env, timeout=1.0)))


@pytest.mark.parametrize("name", [".env-dist", ".env_example", ".env-template", ".env_sample"])
def test_no_dotenv_gets_the_copy_of_a_dash_or_underscore_template(tmp_path: Path, name: str) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / name).write_text(TEMPLATE)
    [found] = [f for f in _run(EnvDrift(), tmp_path) if f.subject == ".env"]
    assert found.message == f"there is no .env: 'web' loads it and {name} lists 2 keys for it ('ALLOWED_HOSTS', ...)"
    assert found.fix is not None and found.fix.title == f"copy {name} to .env"


def test_a_key_of_env_dist_missing_from_dotenv_is_found(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env-dist").write_text(TEMPLATE)
    (tmp_path / ".env").write_text("ALLOWED_HOSTS=*\n")
    found = [f.message for f in _run(EnvDrift(), tmp_path)]
    assert found == ["'DATABASE_URL' from .env-dist is missing from .env"]


def test_the_dot_template_is_preferred_to_a_dash_one(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env.example").write_text("ALLOWED_HOSTS=*\n")
    (tmp_path / ".env-dist").write_text(TEMPLATE)
    (tmp_path / ".env").write_text("ALLOWED_HOSTS=*\n")
    assert [f.message for f in _run(EnvDrift(), tmp_path)] == []


def test_a_service_env_file_with_an_underscore_template(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  api:\n    image: busybox\n    env_file: backend/.env\n")
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / ".env_example").write_text(TEMPLATE)
    (tmp_path / "backend" / ".env").write_text("ALLOWED_HOSTS=*\n")
    found = [f.message for f in _run(EnvDrift(), tmp_path)]
    assert found == ["'DATABASE_URL' from backend/.env_example is missing from backend/.env (env_file of 'api')"]


def test_kitsunes_makefile_rule_makes_the_missing_env_file(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env-dist").write_text(TEMPLATE)
    (tmp_path / "Makefile").write_text('.env:\n\t@echo "Copying .env-dist to .env...";\n\tcp -n .env-dist .env;\n')
    [found] = [f for f in _run(ComposeConfig(), tmp_path) if "env file" in f.message]
    assert found.fix is not None and found.fix.command == ("make", ".env")


@pytest.mark.parametrize("recipe", ["\tcp -n .env-dist .env;\n", "\ttest -f .env || cp -n .env-dist .env\n",
                                    "\tcp -n .env-dist .env && echo copied\n"])
def test_a_recipe_command_ending_in_a_separator_names_its_target(tmp_path: Path, recipe: str) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "Makefile").write_text(f"init:\n\t@echo copying;\n{recipe}")
    [found] = [f for f in _run(ComposeConfig(), tmp_path) if "env file" in f.message]
    assert found.fix is not None and found.fix.command == ("make", "init")
    assert "Makefile:3 writes it" in found.fix.title
