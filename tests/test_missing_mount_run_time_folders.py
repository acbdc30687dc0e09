"""missing-mount on a repo-root build context: the folders the service reads at run time count, not only packages.

CTFd builds from the repo root (`COPY . /opt/CTFd`); its entrypoint runs `flask db upgrade`, which
applies migrations/ (Flask-Migrate's alembic environment: env.py, alembic.ini, script.py.mako,
versions/, and no `__init__.py`). With `.:/opt/CTFd:ro` replaced by a dev override mounting
./CTFd alone, doctor named tests/ (a package) but not migrations/: a migration written on the host
never reached the container, which silently ran the image's stale ones. A migrations layout, a
folder an alembic.ini's `script_location` names, and a folder the command, entrypoint or the script
they run names as a path are judged now; scripts/ that only the host runs, docs/ and a folder named
only in a comment still are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount
from test_missing_mount_root_packages import _env, _findings
from trees import write_tree

from doctor.engine import Registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

DOCKERFILE = ("FROM python:3.11-slim\nWORKDIR /opt/CTFd\nCOPY . /opt/CTFd\n"
              'ENTRYPOINT ["/opt/CTFd/docker-entrypoint.sh"]\n')
ENTRYPOINT = ("#!/bin/bash\nset -euo pipefail\n# see scripts/install_docker.sh and docs/ for a host install\n"
              "python ping.py\nflask db upgrade\nexec gunicorn 'CTFd:create_app()' --bind 0.0.0.0:8000\n")
OVERRIDE = 'services:\n  ctfd:\n    volumes:\n      - "./CTFd:/opt/CTFd/CTFd"\n'



def _ctfd(root: Path, compose: str = "services:\n  ctfd:\n    build: .\n", entrypoint: str = ENTRYPOINT,
          migrations: dict[str, str] | None = None) -> Path:
    """CTFd's layout, minimally: the package, tests, Flask-Migrate's migrations, host scripts, docs."""
    write_tree(root, {
        "CTFd/__init__.py": "from flask_migrate import Migrate\nmigrations = Migrate()\n",
        "tests/__init__.py": "",
        "scripts/install_docker.sh": "#!/bin/sh\ncurl -fsSL https://get.docker.com | sh\n",
        "docs/index.md": "# CTFd\n",
        "ping.py": "print('db up')\n",
        "Dockerfile": DOCKERFILE,
        "docker-entrypoint.sh": entrypoint,
        "docker-compose.yml": compose,
        "docker-compose.override.yml": OVERRIDE,
        **(migrations if migrations is not None else {
            "migrations/env.py": "from alembic import context\n",
            "migrations/alembic.ini": "[alembic]\n",
            "migrations/script.py.mako": "${upgrades}\n",
            "migrations/versions/0366ba6575ca_add_table_for_comments.py": "revision = '0366ba6575ca'\n",
        }),
    })
    return root


def test_ctfds_migrations_folder_is_reported_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _ctfd(tmp_path / "CTFd")
    found = _findings(root)
    assert [f.message for f in found] == ["'ctfd' mounts CTFd but not migrations", "'ctfd' mounts CTFd but not tests"]
    assert all(f.fix is not None and f.fix.safety is Safety.SAFE for f in found)
    report = fix(FixOptions(project=ProjectOptions(path=root, env=_env(root)), env=_env(root), yes=True),
                 Registry({"missing-mount": MissingMount}))
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)] * 2
    assert (root / "docker-compose.override.yml").read_text() == OVERRIDE + (
        '      - "./migrations:/opt/CTFd/migrations"\n      - "./tests:/opt/CTFd/tests"\n')  # quoted as the sibling
    assert _findings(root) == []


# each a way a folder that is no Python package is read while the service runs (the files, the compose file)
NAMED = {
    # alembic.ini at the top names the environment, which has no revisions yet
    "script_location": ({"alembic.ini": "[alembic]\nscript_location = %(here)s/schema\n",
                         "schema/env.py": "", "schema/script.py.mako": ""}, None, "schema"),
    # the compose command runs a script of tools/
    "command": ({"tools/seed.py": ""}, "    command: sh -c \"python tools/seed.py && gunicorn app:app\"\n", "tools"),
    # the entrypoint script names SQL migrations by an absolute path and Flask-Migrate's folder by option
    "entrypoint path": ({"sql/0001_init.sql": ""}, None, "sql"),
    "directory option": ({"dbmigrate/README": ""}, None, "dbmigrate"),
}


@pytest.mark.parametrize("how", NAMED)
def test_a_folder_the_run_names_is_reported(tmp_path: Path, how: str) -> None:
    files, command, folder = NAMED[how]
    entrypoint = ENTRYPOINT.replace("flask db upgrade", {
        "entrypoint path": "migrate -path /opt/CTFd/sql -database \"$DATABASE_URL\" up",
        "directory option": "flask db upgrade --directory dbmigrate"}.get(how, "flask db upgrade"))
    compose = "services:\n  ctfd:\n    build: .\n" + (command or "")
    root = _ctfd(tmp_path / "p", compose, entrypoint, files)
    assert sorted(f.message for f in _findings(root)) == sorted([f"'ctfd' mounts CTFd but not {folder}",
                                                                 "'ctfd' mounts CTFd but not tests"])


def test_folders_no_run_reads_say_nothing(tmp_path: Path) -> None:
    """scripts/ the host runs (named in a comment only), docs/, a folder behind a variable, and
    migrations/ mounted: only the packages' mounts are judged, and they are all there."""
    entrypoint = ENTRYPOINT + 'cp $DATA_DIR/../fixtures/a.json /tmp\n'
    root = _ctfd(tmp_path / "p", entrypoint=entrypoint)
    write_tree(root, {"fixtures/a.json": "{}", "docker-compose.override.yml": OVERRIDE + (
        "      - ./migrations:/opt/CTFd/migrations\n      - ./tests:/opt/CTFd/tests\n")})
    assert _findings(root) == []
