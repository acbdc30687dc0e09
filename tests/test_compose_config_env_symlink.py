"""compose-config: a missing env file that is a tracked symlink names the link's target to create.

formbricks/formbricks tracks `apps/web/.env` as a symlink to `../../.env`, the root `.env` a
developer copies from `.env.example` (untracked); its docker-compose.dev.yml loads `env_file:
apps/web/.env` for `cube`. On a fresh clone the link dangles, compose stops with "env file
apps/web/.env not found", and doctor advised creating apps/web/.env itself: a file written there
replaces the project's tracked link (or fails), and the root `.env` the rest of the project reads
is still missing. The advice names the target, and `doctor fix` writes through a link or not at all.
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
from doctor.project import Project, ProjectOptions

COMPOSE = "services:\n  cube:\n    image: busybox\n    env_file:\n      - apps/web/.env\n"
TEMPLATE = "CUBEJS_API_SECRET=\nWEBAPP_URL=http://localhost:3000\n"


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "state"),
            "DOCTOR_NO_CACHE": "1"}


def _formbricks(root: Path, link: str = "../../.env", template: str | None = ".env.example") -> Path:
    """A git checkout with a tracked `apps/web/.env` symlink to `link`, its target absent."""
    (root / "apps" / "web").mkdir(parents=True)
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "apps" / "web" / ".env").symlink_to(link)
    if template is not None:
        (root / template).write_text(TEMPLATE)
    (root / ".gitignore").write_text("**/.env\n!apps/web/.env\n")  # formbricks' own lines
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def _env_file_findings(root: Path) -> list:  # type: ignore[type-arg]
    env = _env(root)
    project = Project(ProjectOptions(path=root, env=env))
    return [f for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if "env file" in f.message]


def _status(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                          check=True, capture_output=True, text=True)
    return done.stdout


def test_a_dangling_tracked_link_gets_its_target_copied_from_the_template(tmp_path: Path) -> None:
    root = _formbricks(tmp_path / "fb")
    assert "apps/web/.env" in subprocess.run(["git", "-C", str(root), "ls-files"], check=True,
                                             capture_output=True, text=True).stdout
    [found] = _env_file_findings(root)
    assert found.message == "env file apps/web/.env not found"
    assert found.fix is not None and not found.fix.edits and not found.fix.command
    title = found.fix.title
    assert title.startswith("copy .env.example to .env, which apps/web/.env links to"), title
    assert "create apps/web/.env" not in title and "required: false" not in title


def test_a_dangling_link_with_no_template_says_to_create_its_target(tmp_path: Path) -> None:
    root = _formbricks(tmp_path / "fb", template=None)
    [found] = _env_file_findings(root)
    assert found.fix is not None
    title = found.fix.title
    assert title.startswith("create .env, which apps/web/.env links to, with the variables that 'cube' reads "
                            "from it"), title
    assert "create apps/web/.env" not in title


def test_a_link_through_a_chain_names_the_last_target(tmp_path: Path) -> None:
    # apps/web/.env -> ../../config.env -> config/.env.local: the file to create is the last one
    root = tmp_path / "fb"
    _formbricks(root, link="../../config.env", template=None)
    (root / "config").mkdir()
    (root / "config.env").symlink_to("config/.env.local")
    (root / "config" / ".env.local.example").write_text(TEMPLATE)
    [found] = _env_file_findings(root)
    assert found.fix is not None
    assert found.fix.title.startswith("copy config/.env.local.example to config/.env.local, which apps/web/.env "
                                      "links to"), found.fix.title


def test_the_makefile_rule_for_the_target_is_named(tmp_path: Path) -> None:
    root = _formbricks(tmp_path / "fb", template=None)
    (root / "Makefile").write_text(".env:\n\tcp .env.dist .env\n")
    [found] = _env_file_findings(root)
    assert found.fix is not None and found.fix.command == ("make", ".env")
    assert found.fix.title == "create .env, which apps/web/.env links to, with the Makefile's rule for it (Makefile:1)"


def test_a_link_loop_is_a_link_to_correct_not_a_file_to_create(tmp_path: Path) -> None:
    root = _formbricks(tmp_path / "fb", template=None)
    (root / ".env").symlink_to("apps/web/.env")
    found = _env_file_findings(root)
    advice = [f.fix.title for f in found if f.fix is not None]
    assert advice == ["apps/web/.env is a symlink loop: point it (or a link it goes through) at an env file"], found


def test_a_regular_missing_env_file_is_advised_as_before(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    [found] = _env_file_findings(tmp_path)
    assert found.fix is not None
    assert found.fix.title.startswith("create apps/web/.env with the variables that 'cube' reads from it")


def test_fix_writes_through_the_link_and_keeps_it(tmp_path: Path) -> None:
    """env-drift's copy of a template beside the link (apps/web/.env.example) lands in the link's
    target: the tracked link stays a link, and git sees only the new root .env (ignored)."""
    root = _formbricks(tmp_path / "fb", template="apps/web/.env.example")
    before = _status(root)
    env = _env(root)
    report = fix(FixOptions(project=ProjectOptions(path=root, env=env), env=env, yes=True),
                 Registry({"env-drift": EnvDrift, "compose-config": ComposeConfig}))
    applied = [r for r in report.results if r.status is FixStatus.APPLIED]
    assert [(r.check, r.title) for r in applied] == [("env-drift", "copy apps/web/.env.example to apps/web/.env")]
    link = root / "apps" / "web" / ".env"
    assert link.is_symlink() and os.readlink(link) == "../../.env"
    assert (root / ".env").read_text() == TEMPLATE
    assert _status(root) == before  # the link is unchanged in git's eyes, the root .env is ignored


def test_fix_refuses_a_link_out_of_the_project(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.env"
    root = _formbricks(tmp_path / "fb", link=str(outside), template="apps/web/.env.example")
    env = _env(root)
    report = fix(FixOptions(project=ProjectOptions(path=root, env=env), env=env, yes=True),
                 Registry({"env-drift": EnvDrift, "compose-config": ComposeConfig}))
    assert not any(r.status is FixStatus.APPLIED for r in report.results)
    assert any("symlink pointing outside" in r.reason for r in report.results), report.results
    link = root / "apps" / "web" / ".env"
    assert link.is_symlink() and os.readlink(link) == str(outside)
    assert not os.path.lexists(outside)
