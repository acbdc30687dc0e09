"""env-drift: a `.env` value that is still the template's placeholder path is a setting to make.

wger-project/docker (800fe02e75fa): `doctor fix --yes dev` copies dev/.env.example to dev/.env,
`WGER_CODEPATH=/path/to/wger/server` included; compose then builds 'web' from that folder, and
the only advice left was "create /path/to/wger/server/". What the user must do is set
WGER_CODEPATH (dev/.env:3) to their wger checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.env_drift.places import placeholder_paths

from doctor.model import Severity
from doctor.project import Project, ProjectOptions

WGER = ("name: wger-dev\n\nservices:\n  web:\n    build:\n      pull: true\n"
        "      context: ${WGER_CODEPATH:?set the absolute path to the wger backend code in the .env file}\n"
        "      dockerfile: ./extras/docker/development/Dockerfile\n    ports:\n      - \"8000:8000\"\n")
TEMPLATE = "# Copy to .env\n\nWGER_CODEPATH=/path/to/wger/server"


def _project(tmp_path: Path, compose: str, template: str, dotenv: str) -> Project:
    root = tmp_path / "dev"
    root.mkdir()
    (root / "docker-compose.yml").write_text(compose)
    (root / ".env.example").write_text(template)
    (root / ".env").write_text(dotenv)
    return Project(ProjectOptions(path=root, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}))


def test_the_copied_placeholder_of_a_build_context_is_a_value_to_set(tmp_path: Path) -> None:
    """compose-config's missing build context names the variable and its `.env` line, not a folder to
    create; env-drift adds nothing of its own there (one finding for one fault)."""
    from doctor.checks.compose_config import ComposeConfig
    from doctor.checks.env_drift import EnvDrift

    from doctor.host import Host

    project = _project(tmp_path, WGER, TEMPLATE, TEMPLATE)
    assert project.dotenv is not None and project.env_example is not None
    assert placeholder_paths(project, project.dotenv, project.env_example) == []
    [finding] = [f for f in ComposeConfig().run(project, Host(env={})) if f.subject.startswith("build:")]
    assert finding.severity is Severity.ERROR
    assert finding.message.endswith("which does not exist: up fails (WGER_CODEPATH is still the template's "
                                    "placeholder)")
    assert finding.fix is not None and finding.fix.title == (
        f"set WGER_CODEPATH to the real path on this machine in {project.shown(project.dotenv.path)}:3")
    assert not [f for f in EnvDrift().run(project, Host(env={})) if f.subject.startswith("placeholder:")]


@pytest.mark.parametrize(("compose", "dotenv", "expected"), [
    # set by the user: nothing to say
    (WGER, "WGER_CODEPATH=/home/me/src/wger\n", []),
    # a value of the template that is no placeholder
    (WGER.replace("/path/to/wger/server", "../server"), TEMPLATE.replace("/path/to/wger/server", "../server"), []),
    # a placeholder compose only hands to a container: no path compose opens
    ("services:\n  web:\n    image: nginx\n    environment:\n      CODE: ${WGER_CODEPATH}\n", TEMPLATE, []),
    # a bind source: a warning, the path on this machine
    ("services:\n  web:\n    image: nginx\n    volumes:\n      - ${WGER_CODEPATH}:/src\n", TEMPLATE,
     [(Severity.WARNING, "set WGER_CODEPATH to its path on this machine in {env}:3")]),
], ids=["set-by-user", "no-placeholder", "environment-only", "bind-source"])
def test_only_a_copied_placeholder_compose_opens_as_a_path(tmp_path: Path, compose: str, dotenv: str,
                                                          expected: list[tuple[Severity, str]]) -> None:
    project = _project(tmp_path, compose, TEMPLATE if "../server" not in dotenv else dotenv, dotenv)
    assert project.dotenv is not None and project.env_example is not None
    env = project.shown(project.dotenv.path)
    found = placeholder_paths(project, project.dotenv, project.env_example)
    assert [(s, f.title) for _, s, f, _ in found] == [(s, t.format(env=env)) for s, t in expected]


def test_env_drift_reports_a_copied_placeholder_bind_source_at_its_line(tmp_path: Path) -> None:
    from doctor.checks.env_drift import EnvDrift

    from doctor.host import Host

    compose = "services:\n  web:\n    image: nginx\n    volumes:\n      - ${WGER_CODEPATH}:/src\n"
    project = _project(tmp_path, compose, TEMPLATE, TEMPLATE)
    [finding] = [f for f in EnvDrift().run(project, Host(env={})) if f.subject.startswith("placeholder:")]
    assert finding.subject == "placeholder:WGER_CODEPATH"
    assert finding.location is not None and finding.location.line == 3
    assert finding.message == ("WGER_CODEPATH=/path/to/wger/server is the template's placeholder: 'web' mounts it "
                               "(docker creates it root-owned)")


def test_the_copy_that_lets_compose_go_further_is_verified_fixed(tmp_path: Path) -> None:
    """wger: `doctor fix --yes dev` copied dev/.env.example and then said "NOT fixed: the check still
    reports it" and "there is no dev/.env": the round had cleared compose's error (the required
    variable is set) and revealed the next one (the placeholder's build context), which it took for
    the copy breaking compose. The copy is verified fixed; what is left is that error, advice."""
    import os

    from doctor.checks.compose_config import ComposeConfig
    from doctor.checks.env_drift import EnvDrift

    from doctor.engine import Registry
    from doctor.fix_report import FixStatus
    from doctor.fixer import FixOptions, fix

    root = tmp_path / "dev"
    root.mkdir()
    watch = ("    develop:\n      watch:\n        - action: sync\n          path: ${WGER_CODEPATH}\n"
             "          target: /src\n")
    (root / "docker-compose.yml").write_text(WGER + watch)  # as wger's: its sync path reads it too
    (root / ".env.example").write_text(TEMPLATE)
    env = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "xdg"), "PATH": os.environ.get("PATH", "")}
    report = fix(FixOptions(project=ProjectOptions(path=root, env=env), env=env, yes=True),
                 Registry({"env-drift": EnvDrift, "compose-config": ComposeConfig}))
    applied = [r for r in report.results if r.status is FixStatus.APPLIED]
    assert [(r.check, r.fixed, r.reason) for r in applied] == [("env-drift", True, "")]
    assert (root / ".env").read_text() == TEMPLATE
    assert report.unfixable == ()  # the build context's error carries its advice
