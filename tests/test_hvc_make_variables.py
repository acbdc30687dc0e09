"""host-vs-container: Makefile variables are expanded as make expands them.

django/djangoproject.com's Makefile (`APP_LIST ?= accounts aggregator ...`, `SCSS = djangoproject/scss`,
`STATIC = djangoproject/static`): preflight advised `... test --verbosity 2 '$(APP_LIST'` (its closing
parenthesis cut off as a subshell's) and `python -m pysassc '$(SCSS)/output.scss' ...`, which the
container's shell cannot run.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.makevars import MakeVariables
from doctor.project.tasks import split_command

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"

DJANGOPROJECT_MAKEFILE = """\
.PHONY: all ci test

APP_LIST ?= accounts aggregator blog
SCSS = djangoproject/scss
STATIC = djangoproject/static

compile-scss:
\tpython -m pysassc $(SCSS)/output.scss ${STATIC}/css/output.css --style=compressed

test:
\t@python -m coverage run --source=. --module manage test --verbosity 2 $(APP_LIST)

files:
\tpython -m manage check $(shell git ls-files | grep py) $(UNSET)
"""


def djangoproject(tmp_path: Path) -> Path:
    project = tmp_path / "djangoproject.com"
    project.mkdir()
    (project / "Makefile").write_text(DJANGOPROJECT_MAKEFILE)
    (project / "requirements").mkdir()
    (project / "requirements" / "prod.txt").write_text("doctor-absent-django\n")
    (project / "Dockerfile").write_text(
        "FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY requirements requirements\n"
        "RUN pip install -r requirements/prod.txt\nCOPY . .\n")
    (project / "requirements.txt").write_text("-r requirements/prod.txt\n")
    (project / "docker-compose.yml").write_text(
        "services:\n  web:\n    build: .\n    volumes:\n      - .:/usr/src/app\n")
    return project


def findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(project.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def typed(finding: Finding) -> list[str]:
    assert finding.fix is not None
    argv = list(finding.fix.command)
    return argv[argv.index("web") + 1:]


def test_djangoprojects_variables_are_expanded_in_the_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = {f.location.line: f for f in findings(djangoproject(tmp_path), monkeypatch) if f.location}
    assert typed(found[8]) == ["python", "-m", "pysassc", "djangoproject/scss/output.scss",
                               "djangoproject/static/css/output.css", "--style=compressed"]
    assert typed(found[11])[-4:] == ["2", "accounts", "aggregator", "blog"]
    # what doctor cannot expand runs in a shell in the container: the command of `$(shell ...)`
    # substituted there, a variable set nowhere read from its environment (make reads the host's);
    # passed as words, they were literal arguments of `manage check`
    assert typed(found[14])[-3:] == ["sh", "-c", "python -m manage check $(git ls-files | grep py) ${UNSET}"]


@pytest.mark.parametrize(("lines", "text", "expected"), [
    (["A = $(B) x", "B := 1", "B += 2"], "$(A)", "1 2 x"),  # recursive: B's last value
    (["B = 1", "A := $(B)", "B = 2"], "$(A) $(B)", "1 2"),  # simple: B's value where A is written
    (["C ?= c", "C ?= d", "D ::= e # a comment"], "${C} $(D)", "c e"),
    (["ifeq ($(OS),Windows_NT)", "PY = python", "else", "PY = python3", "endif"], "$(PY) -m x", "$(PY) -m x"),
    (["E != git rev-parse HEAD", "G = $(G) g"], "$(E) $(G)", "$(E) $(G) g"),
    ([], "echo $$HOME $@ $(SRC:.c=.o)", "echo $HOME tgt $(SRC:.c=.o)"),
])
def test_make_expands_simple_variables(lines: list[str], text: str, expected: str) -> None:
    assert MakeVariables.read(lines).expand(text, "tgt") == expected


def test_a_reference_is_never_split_inside() -> None:
    """`$(APP_LIST)` at a line's end lost its `)` as if it closed a subshell; a subshell's is dropped."""
    [(text, tool, _)] = list(split_command("manage test $(APP_LIST)", Path("/")))
    assert (text, tool) == ("manage test $(APP_LIST)", "manage")
    [(text, _, _)] = list(split_command("(cd x && pytest $(ARGS))", Path("/")))
    assert shlex.split(text) == ["pytest", "$(ARGS)"]


@pytest.mark.parametrize(("lines", "text", "expected"), [
    # django-react-boilerplate's `make test backend.tests`: `make test` alone passes nothing
    (["ARG := $(word 2, $(MAKECMDGOALS) )"], "test $(ARG) --keepdb", "test  --keepdb"),
    (["ARGS = $(filter-out $@,$(MAKECMDGOALS))"], "pytest $(ARGS)", "pytest "),
    ([], "echo $(firstword $(MAKECMDGOALS)) $(words a b c) $(wordlist 2,3,a b c d)", "echo tgt 3 b c"),
    ([], "echo $(filter %.py,a.py b.js c.py) $(strip  x   y )", "echo a.py c.py x y"),
    # a reference of the goals doctor cannot evaluate stands for goals after the target: none
    ([], "run $(shell echo $(MAKECMDGOALS) | cut -d' ' -f2-) $(shell date)", "run  $(shell date)"),
    (["X = $(word $(N),a b)"], "$(X)", "$(word $(N),a b)"),  # an unknown count: kept whole
])
def test_make_evaluates_the_goals_of_the_target_itself(lines: list[str], text: str, expected: str) -> None:
    assert MakeVariables.read(lines).expand(text, "tgt") == expected


def test_the_goals_make_is_given_are_its_goals() -> None:
    variables = MakeVariables.read(["ARG := $(word 2, $(MAKECMDGOALS))"], goals=["test", "blog"])
    assert variables.expand("manage test $(ARG)", "test") == "manage test blog"


def test_a_goal_argument_variable_is_dropped_from_the_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """django-react-boilerplate: `fix: run it as ... poetry run backend/manage.py test backend/ '$(word 2,
    $(MAKECMDGOALS) )' --parallel --keepdb`, a make expression the container's shell cannot run."""
    project = tmp_path / "boilerplate"
    project.mkdir()
    (project / "Makefile").write_text(
        "ARG := $(word 2, $(MAKECMDGOALS) )\n\ntest:\n\tpython manage.py test $(ARG) --keepdb\n")
    (project / "requirements.txt").write_text("doctor-absent-django==5.1\n")
    (project / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY requirements.txt /tmp/\n"
                                        "RUN pip install -r /tmp/requirements.txt\nWORKDIR /home/user/app/\nCOPY . .\n")
    (project / "compose.yaml").write_text('services:\n  web:\n    build: .\n    volumes: ["./:/home/user/app/"]\n')
    [finding] = findings(project, monkeypatch)
    assert typed(finding) == ["python", "manage.py", "test", "--keepdb"]
    assert "$(" not in finding.fix.title if finding.fix else False
