"""host-vs-container on City-of-Helsinki/tilavarauspalvelu-core (tests/replay/tilavarauspalvelu).

Its backend image installs the Poetry groups into a venv of a builder stage and the final stage takes
it with `COPY --chown=root:root --chmod=774 --from=builder $VENV_ROOT $VENV_ROOT` (`ARG
VENV_ROOT=$PROJECT_ROOT/venv`). doctor read no path of a COPY whose destination holds a variable, so
the final image seemed to install no Python at all: on a host without Django, `DOCTOR_CONTEXT=host
doctor preflight` passed host-vs-container while every backend/Makefile target (`make migrate`, `make
generate`) fails there with ModuleNotFoundError. Now the paths are read with the stage's ARG and ENV
values (/tvp/venv), and the targets are advised into 'backend'. The targets that run what 'worker'
and 'scheduler' run (their entrypoint scripts end in `exec celery -A config worker ...` and `exec
celery -A config beat ...`) are not: `up` starts them, and a second beat schedules every task twice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "tilavarauspalvelu"


def _project(tmp_path: Path) -> tuple[Project, Host]:
    root = tmp_path / "tilavarauspalvelu"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copy(root / "backend" / ".env.example", root / "backend" / ".env")  # the README's first step
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": "unix:///nonexistent/doctor-test/x.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return Project(ProjectOptions(path=root, env=env)), host


def test_the_builder_venv_copied_by_arg_paths_reaches_the_final_image(tmp_path: Path) -> None:
    project, _ = _project(tmp_path)
    backend = project.services["backend"]
    assert backend.build is not None
    recipe = project.recipe(backend.build.dockerfile_path, backend.build.target)
    assert recipe is not None
    assert "/tvp/venv" in recipe.pulled


def test_makefile_targets_go_to_backend_but_not_what_worker_and_scheduler_run(tmp_path: Path) -> None:
    project, host = _project(tmp_path)
    found = {f.message.split("'")[3]: (f.location.path.name if f.location else "", f.location.line if f.location else 0)
             for f in HostVsContainer().run(project, host)}
    assert found == {name: ("Makefile", line) for name, line in (
        ("celery", 59), ("check-translations", 62), ("clear-db", 65), ("dev", 68), ("flush-db", 71),
        ("generate", 74), ("migrate", 83), ("migrations", 86), ("schema", 92), ("translate", 97),
        ("translations", 104))}


def test_the_program_an_entrypoint_script_ends_in(tmp_path: Path) -> None:
    from doctor.project.service_entrypoint import entrypoint_final

    project, _ = _project(tmp_path)
    assert entrypoint_final(project, "worker") == "celery -A config worker --loglevel=INFO"
    assert entrypoint_final(project, "scheduler") == (
        "celery -A config beat --loglevel=INFO --scheduler=config.celery.beat:VaraamoDatabaseScheduler")
    assert entrypoint_final(project, "backend") == "python manage.py runserver 0.0.0.0:8000"
    assert entrypoint_final(project, "redis") is None  # a pulled image: no script of the project
    script = project.root / "backend" / "docker" / "worker.sh"
    script.write_text(script.read_text() + 'exec "$@"\n')  # hands the run's command on: no program of its own
    assert entrypoint_final(Project(ProjectOptions(path=project.root, env=dict(project.options.env))), "worker") is None
