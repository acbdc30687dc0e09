"""root-owned-files: files a service gives away on each start, or writes as its image's named user, are its own.

BookStackApp/BookStack's dev stack: `app` (php:8.3-apache, `./:/app`) starts dev/docker/entrypoint.app.sh,
which runs `chown -R www-data:www-data storage` on every start; `node` (`user: node`, node:22-alpine,
`./:/app`) runs `npm install`, writing node_modules as uid 1000. doctor warned on both, chowned them back
(undone by the next `up`), advised `user: "${UID}:${GID}"` for the apache service (its chown would then
fail) and named `app`, not `node`, for node_modules.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from root_owned_checks import chown_tree, run_check, title

OWNER = 1003
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
BOOKSTACK = """\
services:
  app:
    image: php:8.3-apache
    working_dir: /app
    volumes:
      - ./:/app
    entrypoint: /app/dev/docker/entrypoint.app.sh
  node:
    image: node:22-alpine
    working_dir: /app
    user: node
    volumes:
      - ./:/app
    entrypoint: /app/dev/docker/entrypoint.node.sh
"""
APP = ("#!/bin/bash\nset -e\nif [[ -n \"$1\" ]]; then\n    exec \"$@\"\nelse\n    composer install\n"
       "    chown -R www-data:www-data storage\n    exec apache2-foreground\nfi\n")


@needs_root
def test_a_folder_the_start_script_chowns_and_the_node_users_are_kept_by_design(tmp_path: Path) -> None:
    project = tmp_path / "bookstack"
    files = {"compose.yaml": BOOKSTACK, "dev/docker/entrypoint.app.sh": APP,
             "dev/docker/entrypoint.node.sh": "#!/bin/sh\nnpm install\nexec npm run watch\n",
             "storage/logs/laravel.log": "x\n", "node_modules/.bin/vite": "x\n", "app/Models/Page.php": "<?php\n"}
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    chown_tree(tmp_path, OWNER)
    chown_tree(project / "storage", 33)  # what the entrypoint's chown did at the last start
    chown_tree(project / "node_modules", 1000)  # `npm install` as user node
    found = run_check(project)
    storage, modules = found["owner:storage"], found["owner:node_modules"]
    assert storage.severity.label == "info" and modules.severity.label == "info", (storage, modules)
    assert ("'app' gives them to www-data on each start (dev/docker/entrypoint.app.sh:7: chown -R "
            "www-data:www-data storage)") in storage.message, storage.message
    assert "'node' runs as uid 1000 (user: node" in modules.message, modules.message
    for finding in (storage, modules):
        assert title(finding).startswith("expected: ") and not (finding.fix and finding.fix.command)
        assert "user: \"${UID}:${GID}\"" not in title(finding)
    # a stray of another uid in storage is still one
    os.lchown(project / "storage" / "logs" / "laravel.log", 0, 0)
    assert run_check(project)["owner:storage"].severity.label == "warning"


def test_the_engine_chown_runs_an_official_image_with_chown_on_its_path(tmp_path: Path) -> None:
    """A `docker import`ed rootfs (no PATH: `exec: "chown": executable file not found`) or another namespace's
    image is no image to run chown in; an official base is, else the project's own image, else none (advice)."""
    from doctor.checks.root_owned_files.fix import _local_image

    from doctor.project import Project, ProjectOptions

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: example/web:1\n")
    project = Project(ProjectOptions(path=tmp_path, env={}))

    class Engine:
        def __init__(self, tags: list[str]) -> None:
            self.tags = tags

        def image_tags(self) -> list[str]:
            return self.tags

    imported = ["doctor-audit-b/busybox:1", "someone/tool:2"]
    assert _local_image(project, Engine(imported), None) is None  # type: ignore[arg-type]
    assert _local_image(project, Engine([*imported, "example/web:1"]), None) == "example/web:1"  # type: ignore[arg-type]
    both = Engine([*imported, "example/web:1", "alpine:3.19"])
    assert _local_image(project, both, None) == "alpine:3.19"  # type: ignore[arg-type]
    assert _local_image(project, Engine(["docker.io/library/busybox:latest"]), None) == \
        "docker.io/library/busybox:latest"  # type: ignore[arg-type]


def test_the_engine_chown_runs_an_image_the_project_built(tmp_path: Path) -> None:
    """bookwyrm-social/bookwyrm (0c4e4a6): `web` is `build: .` with no `image:`, so `up` tags it
    `bookwyrm-web`. A user without root or sudo, no official image pulled, got only "as root: chown"
    advice while that image (a python base, chown on its PATH) was there to run the chown in."""
    from doctor.checks.root_owned_files.fix import _local_image

    from doctor.project import Project, ProjectOptions

    (tmp_path / "compose.yaml").write_text(
        "name: bookwyrm\nservices:\n  db:\n    image: postgres:13\n  web:\n    build: .\n"
        "    command: gunicorn bookwyrm.wsgi:application\n    volumes:\n      - static_volume:/app/static\n"
        "volumes:\n  static_volume:\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.11\nWORKDIR /app\nCOPY . /app\n")
    project = Project(ProjectOptions(path=tmp_path, env={}))

    class Engine:
        def __init__(self, tags: list[str]) -> None:
            self.tags = tags

        def image_tags(self) -> list[str]:
            return self.tags

    imported = ["doctor-audit-b/busybox:1", "other-web:latest"]
    assert _local_image(project, Engine(imported), None) is None  # type: ignore[arg-type]
    assert _local_image(project, Engine([*imported, "bookwyrm-web:latest"]), None) == \
        "bookwyrm-web:latest"  # type: ignore[arg-type]
    # an official base still comes first
    assert _local_image(project, Engine(["bookwyrm-web:latest", "alpine:3.19"]), None) == \
        "alpine:3.19"  # type: ignore[arg-type]
