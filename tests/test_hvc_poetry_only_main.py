"""host-vs-container on mealie's layout (trial: mealie-recipes/mealie at b5643a9, run from docker/).

(a) The image installs `poetry install -E pgsql --only main` (no dev group) and COPYs only mealie/ and
alembic/; the Taskfile's `poetry run pytest`, `poetry run coverage html` and `poetry run python -m
mkdocs serve` were advised into the service as if it could run them (the tool was taken to be
'poetry'), and `python dev/code-generation/main.py` as if dev/ were there. (b) The Taskfile's
`{{ .CLI_ARGS }}` showed as `'$task'` in the advice.

The fixture's image builds no production stage and the checkout has no devcontainer: mealie as shipped
(`target: production`, .devcontainer/) is advised none of these (test_hvc_production_image.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.tasks import task_commands

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"

TASKFILE = """\
version: "3"
tasks:
  py:test:
    cmds:
      - poetry run pytest {{ .CLI_ARGS }}
  py:coverage:
    cmds:
      - poetry run coverage html
  docs:
    dir: docs
    cmds:
      - poetry run python -m mkdocs serve
  dev:generate:
    cmds:
      - poetry run python dev/code-generation/main.py
  py:migrate:
    cmds:
      - poetry run alembic revision --autogenerate -m "{{ .CLI_ARGS }}"
  py:
    cmds:
      - poetry run python mealie/app.py
"""

DOCKERFILE = """\
FROM python:3.12-slim
ENV MEALIE_HOME="/app"
WORKDIR /opt/pysetup
COPY ./poetry.lock ./pyproject.toml ./
RUN pip install poetry && poetry install -E pgsql --only main
COPY ./mealie $MEALIE_HOME/mealie
COPY ./poetry.lock ./pyproject.toml $MEALIE_HOME/
COPY ./alembic $MEALIE_HOME/alembic
COPY ./docker/entry.sh $MEALIE_HOME/run.sh
WORKDIR /
ENTRYPOINT ["/app/run.sh"]
"""


def mealie(tmp_path: Path) -> Path:
    root = tmp_path / "mealie"
    for folder in ("mealie", "alembic", "dev/code-generation", "docs", "tests", "docker"):
        (root / folder).mkdir(parents=True)
    (root / "mealie" / "app.py").write_text("import doctor_absent_fastapi\n")
    (root / "dev" / "code-generation" / "main.py").write_text("import doctor_absent_fastapi\n")
    (root / "docs" / "mkdocs.yml").write_text("site_name: x\n")
    (root / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "mealie"\nversion = "1"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n'
        'doctor-absent-fastapi = "^0.1"\ndoctor-absent-alembic = "^1"\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\ncoverage = "^7"\nmkdocs-material = "^9"\n')
    (root / "poetry.lock").write_text("")
    (root / "Taskfile.yml").write_text(TASKFILE)
    (root / "docker" / "entry.sh").write_text('#!/bin/bash\nexec "$@"\n')
    (root / "docker" / "Dockerfile").write_text(DOCKERFILE)
    (root / "docker" / "docker-compose.yml").write_text(
        "services:\n  mealie:\n    build:\n      context: ../\n      dockerfile: ./docker/Dockerfile\n"
        "    volumes:\n      - mealie-data:/app/data/\nvolumes:\n  mealie-data:\n")
    return root


def findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(root.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    project = Project(ProjectOptions(path=root / "docker", env=env))
    return {f.subject.partition(":")[2]: f for f in HostVsContainer().run(project, host)}


def test_cli_args_is_what_task_name_runs(tmp_path: Path) -> None:
    root = mealie(tmp_path)
    texts = {c.name: c.text for c in task_commands(root) if not c.implied}
    assert texts["py:test"] == "poetry run pytest"
    assert texts["py:migrate"] == "poetry run alembic revision --autogenerate -m ''"


def test_a_dev_group_tool_the_image_leaves_out_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(mealie(tmp_path), monkeypatch)
    for text, tool in (("poetry run pytest", "pytest"), ("poetry run coverage html", "coverage"),
                       ("poetry run python -m mkdocs serve", "mkdocs")):
        finding = found[text]
        assert f"its image does not install {tool!r} either" in finding.message, finding.message
        assert finding.fix is not None and finding.fix.title.startswith(f"install {tool!r} in the image")
    assert "$task" not in " ".join(found["poetry run alembic revision --autogenerate -m ''"].fix.command or ())
    # alembic is a main dependency: the image has it
    assert "does not install" not in found["poetry run alembic revision --autogenerate -m ''"].message


def test_a_folder_the_image_does_not_copy_is_mounted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = mealie(tmp_path)
    found = findings(root, monkeypatch)
    generate = found["poetry run python dev/code-generation/main.py"].fix
    assert generate is not None
    argv = list(generate.command or ())
    assert argv[argv.index("-v") + 1] == f"{root / 'dev'}:/app/dev"
    assert argv[argv.index("-w") + 1] == "/app"
    assert argv[-2:] == ["python", "dev/code-generation/main.py"]
    assert "-v ../dev:/app/dev -w /app mealie" in generate.title
    docs = found["poetry run python -m mkdocs serve"].fix
    assert docs is not None and "-v ../docs:/app/docs -w /app/docs" in docs.title
    # the image has mealie/: nothing is mounted for it
    app = found["poetry run python mealie/app.py"].fix
    assert app is not None and "-v" not in (app.command or ())


# mealie's docker/entry.sh (b5643a9), trimmed: it starts itself again as its user with "$@", then
# ends in a fixed program whatever `run` hands it
ENTRY_SH = """\
#!/bin/bash
PUID=${PUID:-911}
BASH_SOURCE=${BASH_SOURCE:-$0}

change_user() {
    if [ "$(id -u)" = "0" ]; then
        chown -R $PUID:$PGID /app
        exec gosu $PUID "$BASH_SOURCE" "$@"
    fi
}

init() {
    cd /app
    . /opt/pysetup/.venv/bin/activate
}

change_user
init

# Start API
HOST_IP=`/sbin/ip route|awk '/default/ { print $3 }'`

exec python /app/mealie/main.py
"""


def test_a_run_past_an_entrypoint_that_drops_its_command_gets_the_tests_pytest_collects(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The advised `run ... mealie poetry run pytest` reached entry.sh, which starts the server instead:
    it needs `--entrypoint ''`, then the folder the script cd's to and the tests pyproject's
    `testpaths` names, which the image does not COPY."""
    root = mealie(tmp_path)
    (root / "docker" / "entry.sh").write_text(ENTRY_SH)
    with (root / "pyproject.toml").open("a") as config:
        config.write('\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    fix = findings(root, monkeypatch)["poetry run pytest"].fix
    assert fix is not None
    argv = list(fix.command or ())
    assert argv[argv.index("--entrypoint") + 1] == ""
    assert argv[argv.index("-v") + 1] == f"{root / 'tests'}:/app/tests"
    assert argv[argv.index("-w") + 1] == "/app"
    assert argv[-3:] == ["poetry", "run", "pytest"]


@pytest.mark.parametrize(("script", "drops"), [
    ('#!/bin/sh\nset -e\nexec gosu app "$@"\n', False),                    # hands the command on
    ('#!/bin/sh\nif [ "$1" = web ]; then exec gunicorn app; fi\nexec "$@"\n', False),
    ('#!/bin/sh\necho "$1"\nexec gunicorn app:app\n', True),              # reads $1, runs a fixed program
    ('#!/bin/sh\nexec "$0" --again "$@"\nexec gunicorn app:app\n', True),  # itself again, then fixed
    ('#!/bin/sh\necho "$@"\nexec gunicorn "$@"\n', False),                # the program gets the arguments
])
def test_an_entrypoint_ending_in_a_fixed_program_drops_the_run_command(script: str, drops: bool) -> None:
    from doctor.project.service_entrypoint import _ends_in_a_fixed_program

    assert _ends_in_a_fixed_program(script) is drops
