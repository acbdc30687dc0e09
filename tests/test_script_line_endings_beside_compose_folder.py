"""script-line-endings and its fix for a script beside the compose folder, in the same checkout.

New-user trial on peeringdb: `Ctl/dev/docker-compose.yml` builds from `../..` and binds
`../docker/entrypoint.sh`. preflight offered to rewrite the CRLF entrypoint, and `doctor fix --scripts`
skipped it: "Ctl/docker/entrypoint.sh lies outside the project .../Ctl/dev" (with or without .git).
A service without a build running the same bind-mounted entrypoint was not judged at all in a
checkout without .git. A fix may write what the compose files point at within the checkout; a
script past the checkout's top is advice, never a fix that `doctor fix` then refuses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.script_line_endings import ScriptLineEndings

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions
from doctor.project.edits import edit_root

ENTRYPOINT = b'#!/bin/sh\r\nexec "$@"\r\n'
BUILT = ("services:\n  web:\n    build: {context: ../.., dockerfile: Dockerfile}\n"
         '    volumes: ["../../app:/srv/app", "../docker/entrypoint.sh:/srv/entrypoint.sh"]\n')
IMAGE_ONLY = ("services:\n  web:\n    image: doctor-busybox:test\n    entrypoint: [\"/entrypoint.sh\"]\n"
              '    volumes: ["../docker/entrypoint.sh:/entrypoint.sh"]\n')


def layout(top: Path, compose: str, git: bool) -> Path:
    (top / "Ctl" / "dev").mkdir(parents=True)
    (top / "Ctl" / "docker").mkdir()
    (top / "app").mkdir()
    (top / ".gitignore").write_text("")
    (top / "app" / "__init__.py").write_text("x = 1\n")
    (top / "Ctl" / "docker" / "entrypoint.sh").write_bytes(ENTRYPOINT)
    (top / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /srv\nCOPY app/ app\n"
                                    "COPY Ctl/docker/entrypoint.sh ./\nENTRYPOINT [\"/srv/entrypoint.sh\"]\n")
    (top / "Ctl" / "dev" / "docker-compose.yml").write_text(compose)
    if git:
        (top / ".git").mkdir()  # a checkout's top, as find_repo sees it (no git run)
        (top / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return top / "Ctl" / "dev"


def findings(folder: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder)}
    project = Project(ProjectOptions(path=folder, env=env))
    return [f for f in ScriptLineEndings().run(project, Host(env=env, timeout=1.0)) if f.subject != ".gitattributes"]


def fix(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "COMPOSE_PROJECT_NAME": f"doctor-test-{tmp_path.name[-8:]}".lower()}
    return subprocess.run([sys.executable, "-m", "doctor", "fix", "--scripts", "--yes"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("git", [False, True])
def test_a_bound_script_beside_the_compose_folder_is_fixed_where_it_is(tmp_path: Path, git: bool) -> None:
    top = tmp_path / "peeringdb"
    dev = layout(top, BUILT, git)
    assert edit_root(Project(ProjectOptions(path=dev, env={"PATH": "/usr/bin:/bin"}))) == top.resolve()
    [error] = findings(dev)
    assert error.fix is not None and error.fix.safety is Safety.SAFE and error.fix.edits
    done = fix(dev, tmp_path)
    assert "lies outside" not in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert (top / "Ctl" / "docker" / "entrypoint.sh").read_bytes() == b'#!/bin/sh\nexec "$@"\n'


def test_an_entrypoint_bound_from_beside_the_compose_folder_without_git_is_judged(tmp_path: Path) -> None:
    dev = layout(tmp_path / "peeringdb", IMAGE_ONLY, git=False)
    [error] = findings(dev)
    assert error.subject == "../docker/entrypoint.sh"
    assert error.message == "has CRLF line endings and reaches 'web' (entrypoint)"
    assert error.fix is not None and error.fix.edits


def test_a_script_past_the_checkout_top_is_advice_not_a_refused_fix(tmp_path: Path) -> None:
    """The project is a git checkout of its own; its build context `../lib` is another folder: the
    script there is judged (it breaks the image), and fixed by hand."""
    app, lib = tmp_path / "app", tmp_path / "lib"
    app.mkdir()
    lib.mkdir()
    (app / ".git").mkdir()
    (app / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (app / "compose.yaml").write_text("services:\n  web:\n    build: {context: ../lib, dockerfile: Dockerfile}\n")
    (lib / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n")
    (lib / "start.sh").write_bytes(ENTRYPOINT)
    assert edit_root(Project(ProjectOptions(path=app, env={"PATH": "/usr/bin:/bin"}))) == app
    [error] = findings(app)
    assert error.fix is not None and error.fix.safety is Safety.ADVICE and not error.fix.edits
    assert error.fix.title.endswith("(by hand: it lies outside the project's checkout)"), error.fix.title
    done = fix(app, tmp_path)
    assert "advice only" in done.stdout and "lies outside the project /" not in done.stdout, done.stdout
    assert (lib / "start.sh").read_bytes() == ENTRYPOINT


def test_the_gitattributes_rule_for_a_script_beside_the_compose_folder_goes_to_the_checkout_top(
        tmp_path: Path) -> None:
    """Only the checkout top's .gitattributes has a rule that reaches Ctl/docker/entrypoint.sh from
    Ctl/dev: the info was dropped (a rule in Ctl/dev/.gitattributes reaches no ../ path), so a Windows
    checkout brought the CRLF back after the fix."""
    folder = layout(tmp_path, BUILT, git=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder)}
    project = Project(ProjectOptions(path=folder, env=env))
    [info] = [f for f in ScriptLineEndings().run(project, Host(env=env, timeout=1.0)) if f.subject == ".gitattributes"]
    assert info.fix is not None and [e.path for e in info.fix.edits] == [tmp_path / ".gitattributes"]
    assert info.message == "no .gitattributes rule keeps *.sh at LF: a Windows checkout brings CRLF back"
    # with the rule at the top, nothing is left to add
    (tmp_path / ".gitattributes").write_text("*.sh text eol=lf\n")
    left = ScriptLineEndings().run(project, Host(env=env, timeout=1.0))
    assert [f for f in left if f.subject == ".gitattributes"] == []
