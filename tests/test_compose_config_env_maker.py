"""compose-config: a missing env file the project's Makefile makes gets that `make` command.

getredash/redash's compose.yaml loads `env_file: .env` in three services, and its Makefile's `.env:`
rule writes the file (fresh REDASH_COOKIE_SECRET and REDASH_SECRET_KEY); there is no .env.example
to copy. A new clone's `docker compose up` stops with "env file .env not found", and preflight
said so with no way forward.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.project import Project, ProjectOptions

REDASH = Path(__file__).resolve().parent / "replay" / "redash"
PEOPLE = Path(__file__).resolve().parent / "replay" / "lasuite-people"


def _env_file_findings(root: Path, **options: object) -> list:  # type: ignore[type-arg]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env, **options))  # type: ignore[arg-type]
    return [f for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if "env file" in f.message]


def test_redash_missing_env_gets_its_makefile_rule(tmp_path: Path) -> None:
    root = tmp_path / "redash"
    shutil.copytree(REDASH, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    assert not (root / ".env").exists()
    [found] = _env_file_findings(root)
    assert found.fix is not None and found.fix.command == ("make", ".env")
    line = (root / "Makefile").read_text().splitlines().index(".env:") + 1
    assert f"Makefile:{line}" in found.fix.title


def test_a_recipe_that_copies_the_template_names_its_target(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: ./config/app.env\n")
    recipe = "\tcp config/app.env.dist ./config/app.env\n"
    (tmp_path / "Makefile").write_text(f".PHONY: setup\n\nsetup:\n\t@echo copying\n{recipe}")
    [found] = _env_file_findings(tmp_path)
    assert found.fix is not None and found.fix.command == ("make", "setup")
    assert "Makefile:5 writes it" in found.fix.title


def test_a_redirect_into_the_file_counts_and_a_dot_target_does_not(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: .env\n")
    (tmp_path / "Makefile").write_text(".SILENT:\n\techo A=1 >.env\n\nenv:\n\techo A=1 >> .env\n")
    [found] = _env_file_findings(tmp_path)
    assert found.fix is not None and found.fix.command == ("make", "env")


def test_a_rule_for_the_file_wins_over_a_target_appending_to_it(tmp_path: Path) -> None:
    # suitenumerique/people: `add-dev-rsa-private-key-to-env` (Makefile:83) appends a key to
    # env.d/development/common, copied from common.dist by its own rule further down (Makefile:244);
    # doctor named the appending target, whose `make` leaves a file holding that one key
    root = tmp_path / "people"
    shutil.copytree(PEOPLE, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    found = {f.location.line: f.fix for f in _env_file_findings(root) if f.location is not None}
    fixes = {line: (fix.command, fix.title) for line, fix in found.items() if fix is not None}
    assert fixes[36] == (("make", "env.d/development/common"),
                         "create it with the Makefile's rule for it (Makefile:244)")
    assert fixes[6] == (("make", "env.d/development/postgresql"),
                        "create it with the Makefile's rule for it (Makefile:250)")


def test_a_rule_that_only_copies_the_template_leaves_env_drift_its_copy(tmp_path: Path) -> None:
    # suitenumerique/people's rules are `cp --update=none common.dist common`, an option GNU cp before 9.3
    # (Debian 12, Ubuntu 22.04) and macOS' cp refuse: the advised `make env.d/development/common` failed
    # there ("cp: option '--update' doesn't allow an argument"), and as env-drift gave that same advice, not
    # its copy of the template, `doctor fix --yes` created nothing; the copy now makes what the rule makes
    root = tmp_path / "people"
    shutil.copytree(PEOPLE, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    drift = EnvDrift().run(Project(ProjectOptions(path=root, env=env)), Host(env=env, timeout=1.0))
    titles = sorted(f.fix.title for f in drift if f.fix is not None and f.message.startswith("there is no "))
    names = ("common", "crowdin", "france", "kc_postgresql", "postgresql")
    assert titles == [f"copy env.d/development/{name}.dist to env.d/development/{name}" for name in names]
    run_env = {**os.environ, "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1", "NO_COLOR": "1"}
    subprocess.run([sys.executable, "-m", "doctor", "fix", "--env", "--yes", "."], cwd=root, env=run_env,
                   capture_output=True, text=True, timeout=120)
    folder = root / "env.d" / "development"
    for name in names:  # what `make env.d/development/NAME` copies, byte for byte
        assert (folder / name).read_bytes() == (folder / f"{name}.dist").read_bytes()
    assert not [f for f in _env_file_findings(root)]  # compose finds every env file now


@pytest.mark.parametrize("recipe", ["\tcp .env.example $@\n\tsed -i 's/^SECRET=.*/SECRET=x/' $@\n",
                                    "\tcp .env.example .env || exit 0\n", "\tinstall -m 600 .env.example .env\n"])
def test_a_rule_that_does_more_than_copy_keeps_its_make(tmp_path: Path, recipe: str) -> None:
    # a rule that edits the copy, may not copy, or makes it private is more than the template's copy: `make .env`
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: alpine\n    env_file: .env\n")
    (tmp_path / ".env.example").write_text("SECRET=\n")
    (tmp_path / "Makefile").write_text(f".env:\n{recipe}")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    drift = EnvDrift().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env, timeout=1.0))
    assert [f.fix.command for f in drift if f.fix is not None] == [("make", ".env")]


@pytest.mark.parametrize("recipe", ['\t@echo "creating .env"\n\tcp -n .env.example $@\n',
                                    "\tcp --update=none .env.example .env\n"])
def test_a_rule_that_copies_with_options_or_says_so_leaves_the_copy(tmp_path: Path, recipe: str) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: alpine\n    env_file: .env\n")
    (tmp_path / ".env.example").write_text("SECRET=\n")
    (tmp_path / "Makefile").write_text(f".env:\n{recipe}")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    drift = EnvDrift().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env, timeout=1.0))
    assert [f.fix.title for f in drift if f.fix is not None] == ["copy .env.example to .env"]
    [found] = _env_file_findings(tmp_path)  # compose-config still names the project's own way
    assert found.fix is not None and found.fix.command == ("make", ".env")


@pytest.mark.parametrize("refusal", ['@echo "run make bootstrap first" && exit 1', "false",
                                     "$(error run make bootstrap)"])
def test_a_rule_that_only_refuses_leaves_the_target_that_writes_the_file(tmp_path: Path, refusal: str) -> None:
    # a guard rule (`.env:` saying which target to run, then failing) makes nothing: `make .env` fails,
    # and the target that copies the template before it is what creates the file; env-drift keeps its copy
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: alpine\n    env_file: .env\n")
    (tmp_path / ".env.example").write_text("A=1\n")
    (tmp_path / "Makefile").write_text(f"bootstrap:\n\tcp .env.example .env\n\n.env:\n\t{refusal}\n")
    [found] = _env_file_findings(tmp_path)
    assert found.fix is not None and found.fix.command == ("make", "bootstrap")
    assert "Makefile:2 writes it" in found.fix.title
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    drift = EnvDrift().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env, timeout=1.0))
    assert [f.fix.title for f in drift if f.fix is not None] == ["copy .env.example to .env"]


@pytest.mark.parametrize("recipe", [
    '\t@command -v openssl >/dev/null || { echo "openssl is required"; exit 1; }\n'
    '\techo "SECRET_KEY=$$(openssl rand -hex 32)" > .env\n',
    '\t@if [ ! -f .env.dist ]; then echo "no template"; exit 1; fi\n\tcp .env.dist $@\n',
])
def test_a_rule_checking_a_precondition_before_writing_the_file_still_wins(tmp_path: Path, recipe: str) -> None:
    # an `exit 1` for a missing tool or template, then the line that writes the file: no guard
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: alpine\n    env_file: .env\n")
    (tmp_path / "Makefile").write_text(f".env:\n{recipe}")
    [found] = _env_file_findings(tmp_path)
    assert found.fix is not None and found.fix.command == ("make", ".env")
    assert "rule for it (Makefile:1)" in found.fix.title


def test_a_rule_whose_recipe_exits_0_still_wins(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: alpine\n    env_file: .env\n")
    (tmp_path / "Makefile").write_text("bootstrap:\n\techo A=1 > .env\n\n.env:\n\tcp .env.dist $@ || exit 0\n")
    [found] = _env_file_findings(tmp_path)
    assert found.fix is not None and found.fix.command == ("make", ".env")


def test_a_target_writing_the_file_wins_over_one_appending_to_it(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: .env\n")
    (tmp_path / "Makefile").write_text("uid:\n\techo UID=1000 >> .env\n\nsetup:\n\techo A=1 > .env\n")
    [found] = _env_file_findings(tmp_path)
    assert found.fix is not None and found.fix.command == ("make", "setup")
    assert "Makefile:5 writes it" in found.fix.title


def test_no_maker_and_no_template_says_create_it_or_make_it_optional(tmp_path: Path) -> None:
    # python-discord/site (trial H1): `env_file: .env` with no template beside it and no Makefile
    # rule: the finding named the missing file with no way forward
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: .env\n"
                                           "  worker:\n    image: busybox\n    env_file: [.env]\n")
    (tmp_path / "Makefile").write_text("test:\n\tpytest .env_tests\n\ncat:\n\tcat .env > /dev/null\n")
    [found] = _env_file_findings(tmp_path)  # one for both services, at the first one's line
    assert found.location is not None and found.location.line == 4
    assert found.fix is not None and not found.fix.command and not found.fix.edits
    assert found.fix.title.startswith("create .env with the variables that 'app', 'worker' read from it")
    assert ("optional at each of its lines (compose.yaml:4, 7): `env_file: [{path: .env, required: false}]`"
            in found.fix.title)


def test_a_template_beside_it_is_left_to_env_drift(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: .env\n")
    (tmp_path / ".env.example").write_text("A=1\n")
    [found] = _env_file_findings(tmp_path)
    assert found.fix is None  # env-drift's finding copies .env.example to .env


def test_the_subject_of_a_missing_env_file_is_the_same_in_every_checkout(tmp_path: Path) -> None:
    """paperless-ngx's docker-compose.portainer.yml `env_file: stack.env`: the subject (a baseline's fingerprint)
    held the absolute path, so a baseline made on a laptop never matched in CI, and a committed
    .doctor-baseline.json carried the developer's home folder."""
    subjects = []
    for where in ("laptop", "ci/runner/work"):
        root = tmp_path / where / "p"
        root.mkdir(parents=True)
        (root / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: stack.env\n")
        subjects.append([f.subject for f in _env_file_findings(root)])
    assert subjects[0] == subjects[1] == ["env-file:env file stack.env not found"], subjects
