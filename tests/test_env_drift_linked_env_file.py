"""env-drift: a service's env_file that is a link to `.env` loads `.env`.

formbricks/formbricks tracks `apps/web/.env` as a symlink to `../../.env`, the root `.env` a
developer copies from `.env.example` (untracked), and its docker-compose.dev.yml gives `cube`
`env_file: apps/web/.env`. On a fresh clone compose-config said the env file was not found (copy
`.env.example` to `.env`, which the link points to), while env-drift, comparing env file paths as
written, saw no service load `.env` and called the copy optional: info, advice "only to change
those defaults". A service that loads `.env` through a link loads `.env`: the missing `.env` is
the error with the copy `doctor fix --env` applies, as for `env_file: .env` written out (compose
stops without it: `env file .../apps/web/.env not found`), and says which service loads it, how.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from doctor.checks.compose_config import ComposeConfig
from doctor.checks.env_drift import EnvDrift

from doctor.engine import Registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

# formbricks' shape: `cube` loads the link; a variable with a compose default read from `.env`
COMPOSE = ("services:\n  cube:\n    image: busybox\n    environment:\n"
           "      CUBEJS_API_SECRET: ${CUBEJS_API_SECRET:-dev}\n    env_file:\n      - apps/web/.env\n")
TEMPLATE = "CUBEJS_API_SECRET=\nWEBAPP_URL=http://localhost:3000\n"


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "state"),
            "DOCTOR_NO_CACHE": "1"}


def _formbricks(root: Path, compose: str = COMPOSE, link: str | None = "../../.env") -> Path:
    """A git checkout with `.env.example` at its top and, where `link` is given, a tracked
    `apps/web/.env` symlink to it, the root `.env` absent."""
    (root / "apps" / "web").mkdir(parents=True)
    (root / "docker-compose.yml").write_text(compose)
    if link is not None:
        (root / "apps" / "web" / ".env").symlink_to(link)
    (root / ".env.example").write_text(TEMPLATE)
    (root / ".gitignore").write_text("**/.env\n!apps/web/.env\n")  # formbricks' own lines
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def _run(check: EnvDrift | ComposeConfig, root: Path) -> list[Finding]:
    env = _env(root)
    return list(check.run(Project(ProjectOptions(path=root, env=env)), Host(env=env, timeout=1.0)))


def _no_dotenv(root: Path) -> list[Finding]:
    return [f for f in _run(EnvDrift(), root) if f.message.startswith("there is no .env")]


def _status(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                          check=True, capture_output=True, text=True)
    return done.stdout


def test_env_file_written_out_is_an_error_with_the_copy(tmp_path: Path) -> None:
    # `env_file: .env` as written: compose stops without it, as without any other env_file
    root = _formbricks(tmp_path / "fb", COMPOSE.replace("apps/web/.env", ".env"), link=None)
    [found] = _no_dotenv(root)
    assert found.severity is Severity.ERROR
    assert found.message == ("there is no .env: 'cube' loads it and .env.example lists 2 keys for it "
                             "('CUBEJS_API_SECRET', ...)")
    assert found.fix is not None and found.fix.safety is Safety.SAFE and found.fix.title == "copy .env.example to .env"


def test_a_link_to_dotenv_loads_dotenv(tmp_path: Path) -> None:
    root = _formbricks(tmp_path / "fb")
    [found] = _no_dotenv(root)
    assert found.message == ("there is no .env: 'cube' (through apps/web/.env) loads it and .env.example lists "
                             "2 keys for it ('CUBEJS_API_SECRET', ...)")
    assert found.severity is Severity.ERROR
    assert found.fix is not None and found.fix.safety is Safety.SAFE, found.fix
    assert found.fix.title == "copy .env.example to .env"
    [edit] = found.fix.edits
    assert edit.path == root / ".env" and edit.new == TEMPLATE  # the link's target, never the link
    # compose-config's advice is the same copy: neither says it is optional
    [missing] = [f for f in _run(ComposeConfig(), root) if "env file" in f.message]
    assert missing.fix is not None and missing.fix.title.startswith("copy .env.example to .env, which apps/web/.env")


def test_fix_copies_the_template_to_the_target_and_settles(tmp_path: Path) -> None:
    root = _formbricks(tmp_path / "fb")
    before = _status(root)
    env = _env(root)
    registry = Registry({"env-drift": EnvDrift, "compose-config": ComposeConfig})
    options = FixOptions(project=ProjectOptions(path=root, env=env), env=env, families=frozenset({"env"}))
    report = fix(options, registry)
    applied = [(r.check, r.title) for r in report.results if r.status is FixStatus.APPLIED]
    assert applied == [("env-drift", "copy .env.example to .env")], report.results
    link = root / "apps" / "web" / ".env"
    assert link.is_symlink() and os.readlink(link) == "../../.env"
    assert (root / ".env").read_text() == TEMPLATE
    assert _status(root) == before  # the link unchanged in git's eyes, the root .env ignored
    # settled in one run: neither check has anything left to say about the env file
    assert not _no_dotenv(root)
    assert not [f for f in _run(ComposeConfig(), root) if "env file" in f.message]
    assert not [f for f in _run(EnvDrift(), root) if f.fix is not None and f.fix.safety is Safety.SAFE]


def test_a_link_loop_is_left_to_compose_config(tmp_path: Path) -> None:
    root = _formbricks(tmp_path / "fb")
    (root / ".env").symlink_to("apps/web/.env")  # .env -> apps/web/.env -> ../../.env
    found = _run(EnvDrift(), root)  # never raises
    assert not [f for f in found if f.fix is not None and f.fix.edits], found


def test_a_template_beside_the_link_too_is_not_a_second_copy(tmp_path: Path) -> None:
    # `.env` is compared with `.env.example` already: the link to it is not compared again with
    # `apps/web/.env.example` (two copies into the one file, the second refused as a conflict)
    root = _formbricks(tmp_path / "fb")
    (root / "apps" / "web" / ".env.example").write_text(TEMPLATE)
    copies = [f.fix.title for f in _run(EnvDrift(), root) if f.fix is not None and f.fix.title.startswith("copy")]
    assert copies == ["copy .env.example to .env"], copies
