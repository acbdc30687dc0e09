"""env-drift and compose-config: `.example_env` (and the other `<word>_env` / `.<word>_env` shapes,
word one of example, sample, dist, template) is a template of `.env`; so are `<word>.env`,
`.<word>.env` and `<WORD>.env` (thedevs-network/kutt's `.example.env`, milesmcc/shynet's `TEMPLATE.env`).

chiefonboarding/ChiefOnboarding's docs say `cp .example_env .env`; on the project as cloned
`doctor preflight` said "env file .env not found / fix: create .env ... (no template beside it to
copy)", `doctor fix --env` had nothing to copy, and with a key deleted from the copied .env,
env-drift passed. Every place that names a template of `.env` takes it from one list
(doctor.project.template_names). shynet (tests/replay/shynet) said the same of its TEMPLATE.env, which
its compose file's comment, GUIDE.md and CI copy to `.env`; one `doctor fix` now copies it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig
from doctor.checks.env_drift import EnvDrift
from portprobe import republish

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.host import Host
from doctor.model import Finding
from doctor.project import ENV_EXAMPLE_NAMES, Project, ProjectOptions, template_names

COMPOSE = "services:\n  web:\n    image: python:3.13\n    env_file: .env\n"
NAMES = [".example_env", "example_env", ".sample_env", ".template_env", ".dist_env", ".env_example", ".example.env",
         "TEMPLATE.env", "sample.env"]
SHYNET = Path(__file__).parent / "replay" / "shynet"


def _run(check: EnvDrift | ComposeConfig, root: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env))
    return list(check.run(project, Host(env=env, timeout=1.0)))


@pytest.mark.parametrize("name", NAMES)
def test_no_dotenv_gets_the_copy_of_a_word_env_template(tmp_path: Path, name: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / name).write_text("A=1\nB=2\n")
    [found] = [f for f in _run(EnvDrift(), tmp_path) if f.subject == ".env"]
    assert found.message == f"there is no .env: 'web' loads it and {name} lists 2 keys for it ('A', ...)"
    assert found.fix is not None and found.fix.title == f"copy {name} to .env"
    # compose-config leaves the copy to env-drift: no "no template beside it" advice
    [missing] = [f for f in _run(ComposeConfig(), tmp_path) if "env file" in f.message]
    assert missing.fix is None


@pytest.mark.parametrize("name", NAMES)
def test_a_key_of_a_word_env_template_missing_from_dotenv_is_found(tmp_path: Path, name: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / name).write_text("A=1\nB=2\n")
    (tmp_path / ".env").write_text("A=1\n")
    found = [(f.message, f.fix.title if f.fix else None) for f in _run(EnvDrift(), tmp_path)]
    assert found == [(f"'B' from {name} is missing from .env", f"add B to .env from {name}")]


def test_a_service_env_file_named_dotenv_below_takes_the_same_names(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: python:3.13\n    env_file: back/.env\n")
    (tmp_path / "back").mkdir()
    (tmp_path / "back" / ".example_env").write_text("A=1\nB=2\n")
    (tmp_path / "back" / ".env").write_text("A=1\n")
    found = [f.message for f in _run(EnvDrift(), tmp_path)]
    assert found == ["'B' from back/.example_env is missing from back/.env (env_file of 'web')"]


def test_one_list_of_template_names() -> None:
    assert template_names(".env") == ENV_EXAMPLE_NAMES
    assert ENV_EXAMPLE_NAMES[0] == ".env.example"  # the usual one is looked for first
    assert {".example_env", "example_env", ".sample_env", ".template_env", "env.example", ".example.env",
            "TEMPLATE.env"} <= set(ENV_EXAMPLE_NAMES)
    # another env file's templates are its name with a suffix, never `.example_env`
    assert "app.env.example" in template_names("app.env") and ".example_env" not in template_names("app.env")


def _errors(root: Path, env: dict[str, str]) -> list[str]:
    report = preflight(RunOptions(project=ProjectOptions(path=root, env=env), env=env), load_registry()).report
    return [f"{f.check}: {f.message}" for f in report.findings if f.severity.name == "ERROR"]


def test_shynet_template_env_is_copied_in_one_fix(tmp_path: Path) -> None:
    root = tmp_path / "shynet"
    shutil.copytree(SHYNET, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    # the webserver on a host port free now: a developer's own stack on 8080 would add port-collision's error
    republish(root, (("docker-compose.yml", "- @:80", 8080),))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    assert _errors(root, env) == ["compose-config: env file .env not found",
                                  "env-drift: there is no .env: 'shynet' loads it and TEMPLATE.env lists 31 keys "
                                  "for it ('DB_NAME', ...)"]
    fix(FixOptions(project=ProjectOptions(path=root, env=env), yes=True, env=env), load_registry())
    assert (root / ".env").read_text() == (root / "TEMPLATE.env").read_text()
    assert _errors(root, env) == []
