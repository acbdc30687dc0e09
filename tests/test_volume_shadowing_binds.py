"""volume-shadowing's hiding binds, as real projects write them.

- getredash/redash: `server`, `scheduler` and `worker` merge one anchor's `.:/app`, which hides the
  image's /app/client/dist: one note at the anchor's line naming the three, not three copies.
- nautobot/nautobot: development/docker-compose.dev.yml binds `../:/source` into `nautobot`, hiding
  the image's /source/nautobot/ui/node_modules; `nautobot` runs `nautobot-server` (its `ui_build`
  service runs npm and binds only single files): a note naming the program, shown as `../`, not
  a warning with the bind's absolute path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

REDASH = Path(__file__).resolve().parent / "replay" / "redash"


def _findings(root: Path, files: tuple[Path, ...] = ()) -> list:  # type: ignore[type-arg]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env, files=files, cwd=root))
    return list(VolumeShadowing().run(project, Host(env=env, timeout=1.0)))


def test_redash_services_sharing_the_anchor_bind_are_one_note(tmp_path: Path) -> None:
    root = tmp_path / "redash"
    shutil.copytree(REDASH, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text("REDASH_COOKIE_SECRET=x\n")
    [found] = _findings(root)
    assert found.message.startswith("'scheduler', 'server', 'worker' bind .:/app hides /app/client/dist")
    assert found.severity is Severity.INFO and found.location.line == 9
    assert found.subject == "scheduler,server,worker:/app/client/dist"
    assert "each of 'scheduler', 'server', 'worker'" in found.fix.title


NAUTOBOT_DOCKERFILE = """\
FROM python:3.12-slim AS dev
ENTRYPOINT ["/docker-entrypoint.sh"]
WORKDIR /source/nautobot/ui
RUN npm ci
WORKDIR /source
CMD ["nautobot-server", "runserver", "0.0.0.0:8080", "--insecure"]
"""


def _nautobot(tmp_path: Path, command: str = "") -> Path:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(NAUTOBOT_DOCKERFILE)
    (tmp_path / "nautobot" / "ui").mkdir(parents=True)
    (tmp_path / "nautobot" / "ui" / "package.json").write_text("{}\n")
    development = tmp_path / "development"
    development.mkdir()
    (development / "docker-compose.yml").write_text(
        "services:\n  nautobot:\n    build:\n      context: ../\n      dockerfile: docker/Dockerfile\n"
        f"      target: dev\n    volumes:\n      - ../:/source\n{command}")
    return development


def test_nautobot_source_bind_over_node_modules_is_a_note_naming_its_program(tmp_path: Path) -> None:
    development = _nautobot(tmp_path)
    [found] = _findings(development)
    assert found.severity is Severity.INFO
    assert found.message == ("'nautobot' bind ../:/source hides /source/nautobot/ui/node_modules (npm, "
                             "../docker/Dockerfile:4); 'nautobot' runs nautobot-server, not node: only a node "
                             "command started there misses them")
    assert str(tmp_path) not in found.message


def test_a_service_that_runs_node_or_an_unread_script_keeps_the_warning(tmp_path: Path) -> None:
    development = _nautobot(tmp_path, "    command: [npm, --prefix, /source/nautobot/ui, run, build:watch]\n")
    [found] = _findings(development)
    assert found.severity is Severity.WARNING and "not node" not in found.message
    for command in ("    command: ./start.sh\n", "    command: sh -c 'exec \"$$@\"'\n", "    entrypoint: []\n",
                    "    command: bin/dev\n", "    command: foreman start -f Procfile.dev\n"):
        shutil.rmtree(tmp_path)
        tmp_path.mkdir()
        [found] = _findings(_nautobot(tmp_path, command))
        assert found.severity is Severity.WARNING, command


def test_an_entrypoint_program_with_no_command_names_what_runs(tmp_path: Path) -> None:
    """nautobot's celery_beat: `entrypoint: "watchmedo auto-restart ... -- nautobot-server celery beat"`
    on the image `nautobot` builds, no command: its program is the entrypoint's, not node."""
    development = _nautobot(tmp_path, "    entrypoint: \"watchmedo auto-restart --recursive -- nautobot-server celery "
                                      "beat\"\n")
    [found] = _findings(development)
    assert found.severity is Severity.INFO and "'nautobot' runs watchmedo, not node" in found.message


OPENLIBRARY_DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\n"


@pytest.mark.parametrize(("script", "severity"), [
    ('#!/bin/bash\nset -e\n# covers: python only\nexec python covers_server.py "$@"\n', Severity.INFO),
    ("#!/bin/bash\nnpm run watch &\nexec gunicorn app\n", Severity.WARNING),  # a node tool
    ("#!/bin/sh\n. ./docker/env.sh\nexec python app.py\n", Severity.WARNING),  # sources another script
    ("#!/bin/sh\n./docker/other-start.sh\n", Severity.WARNING),  # hands over to another
    ("#!/bin/sh\nexec make serve\n", Severity.WARNING),  # a wrapper that may start node
], ids=["python-only", "npm", "sourced", "other-script", "make"])
def test_a_start_script_that_runs_no_node_tool_makes_a_note(tmp_path: Path, script: str, severity: Severity) -> None:
    # internetarchive/openlibrary: covers, fast_web, infobase and solr-updater run docker/ol-*-start.sh
    # (python, gunicorn, uvicorn) under `.:/openlibrary`; only web and home get the node_modules volume
    (tmp_path / "docker").mkdir()
    (tmp_path / "Dockerfile").write_text(OPENLIBRARY_DOCKERFILE)
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "docker" / "covers-start.sh").write_text(script)
    (tmp_path / "compose.yaml").write_text(
        "services:\n  covers:\n    build: .\n    command: docker/covers-start.sh\n    volumes:\n      - .:/app\n")
    [found] = _findings(tmp_path)
    assert found.severity is severity
    if severity is Severity.INFO:
        assert found.message.endswith("; 'covers' runs docker/covers-start.sh, not node: only a node command started "
                                      "there misses them")
