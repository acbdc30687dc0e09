"""root-owned-files: root's files are blamed on a service that may run as root, never on one whose
`user:` (or image USER) is already someone else.

mozilla/kitsune: `web` has `user: ${UID:-kitsune}` (the image's kitsune user is uid 1000),
`celery` has `user: ${UID:-1000}`, and `node` (`image: node:22-bookworm`, no user, `npm install &&
npm start`) mounts `./:/app` as root. With root-owned `dist/`, `static/` and `media/uploads`, doctor
advised "if 'web' writes there, ... run it with user:", a `user:` web already has. Also the list of
strays ended in ", ..." although every path was listed (a message near 100 characters).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from root_owned_checks import chown_tree, run_check, title

USER = 1000
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
AS_YOU = 'set UID=1000 and GID=1000 in .env and run {} with user: "${{UID}}:${{GID}}"'
# kitsune's docker-compose.yml:1-65 and Dockerfile's stages (only `prod` sets USER kitsune)
KITSUNE = """\
services:
  web:
    build:
      context: .
      target: dev
    volumes:
      - ./:/app:delegated
      - /app/.venv
    user: ${UID:-kitsune}
  node:
    image: node:22-bookworm
    working_dir: /app
    command: >
      sh -c "npm install && npm start"
    volumes:
      - ./:/app:delegated
      - node_modules:/app/node_modules
  celery:
    build:
      context: .
      target: dev
    volumes:
      - ./:/app:delegated
      - /app/.venv
    user: ${UID:-1000}
volumes:
  node_modules:
"""
DOCKERFILE = """\
FROM python:3.14-bookworm AS python-base
WORKDIR /app
RUN useradd -d /app -M --uid 1000 --shell /bin/bash kitsune
FROM python-base AS dev
FROM python-base AS prod
USER kitsune
"""


def build(tmp_path: Path, compose: str, files: tuple[str, ...], strays: tuple[str, ...]) -> Path:
    project = tmp_path / "proj"
    for rel in files:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("x\n")
    (project / "compose.yaml").write_text(compose)
    (project / "Dockerfile").write_text(DOCKERFILE)
    chown_tree(tmp_path, USER)
    for rel in strays:
        os.lchown(project / rel, 0, 0)
    return project


@needs_root
def test_the_service_running_as_root_is_named_not_the_one_with_a_user(tmp_path: Path) -> None:
    project = build(tmp_path, KITSUNE, ("dist/js/app.js", "media/uploads/a.png", "media/.htaccess"),
                    ("dist", "dist/js", "dist/js/app.js", "media/uploads", "media/uploads/a.png"))
    found = run_check(project)
    for subject in ("owner:dist", "owner:media"):
        advice = title(found[subject])
        # and node_modules, its named volume, which docker made as root: `npm install` as you needs it yours
        volume = ("docker compose run --rm --no-deps --user 0 --entrypoint chown node -R 1000:1000 "
                  "/app/node_modules")
        assert advice.endswith(f"(then, by hand: {AS_YOU.format(repr('node'))}, and once hand the volumes docker "
                               f"made as root to those ids: {volume})"), advice
        assert "'web'" not in advice and "'celery'" not in advice


@needs_root
def test_no_user_is_advised_when_every_service_mounting_it_has_one(tmp_path: Path) -> None:
    compose = KITSUNE.replace("    working_dir: /app\n", "    working_dir: /app\n    user: node\n")
    project = build(tmp_path, compose, ("static/x.css",), ("static", "static/x.css"))
    advice = title(run_check(project)["owner:static"])
    assert advice.startswith("chown static to 1000:1000 (no service mounting it runs as root)"), advice
    assert "user:" not in advice


@needs_root
def test_a_list_naming_every_stray_ends_without_dots(tmp_path: Path) -> None:
    head = "2 paths in 'server' owned by root (uid 0), not uid 1000: server/__pycache__"
    # the second path fits the 100 characters, and the message ends at 98 to 100 of them
    name = "m" * (99 - len(head) - len(", server/__pycache__/") - len(".pyc")) + ".pyc"
    stray = f"server/__pycache__/{name}"
    project = build(tmp_path, KITSUNE, (stray,), ("server/__pycache__", stray))
    message = run_check(project)["owner:server"].message
    assert message == f"{head}, {stray}"


CTFD = """\
services:
  ctfd:
    image: ctfd-app
    user: "1001"
    volumes:
      - .data/CTFd/uploads:/var/uploads
  permissions:
    image: alpine:3.23
    user: root
    volumes:
      - .data/CTFd/uploads:/var/uploads
    command: {command}
"""


@needs_root
@pytest.mark.parametrize(("command", "blamed"), [
    ("chown -R 1001:1001 /var/uploads /var/log/CTFd", False),
    ('sh -c "mkdir -p /var/uploads && chown -R 1001:1001 /var/uploads"', False),
    ('sh -c "touch /var/uploads/x && chown -R 1001:1001 /var/uploads"', True),
])
def test_a_service_that_only_gives_files_away_is_never_told_to_run_as_you(tmp_path: Path, command: str,
                                                                         blamed: bool) -> None:
    """CTFd/CTFd's `permissions` runs as root to `chown -R 1001:1001` the mounts `ctfd` (user 1001)
    writes: doctor advised "if 'permissions' writes there, ... run it with user:", which makes its
    chown fail. A service that also writes (`touch`) may still have left root's files."""
    project = build(tmp_path, CTFD.format(command=command), (".data/CTFd/uploads/a.png",),
                    (".data/CTFd/uploads", ".data/CTFd/uploads/a.png"))
    advice = title(run_check(project)["owner:.data"])
    assert ("'permissions'" in advice) is blamed, advice
    if not blamed:
        assert "(no service mounting it runs as root)" in advice and "user:" not in advice, advice


@needs_root
def test_a_file_only_bind_mounted_read_only_was_written_by_no_container(tmp_path: Path) -> None:
    """saleor-platform's db mounts `./replica_user.sql:/docker-entrypoint-initdb.d/replica_user.sql:ro`;
    a root-owned replica_user.sql came from the host (a sudo), not from postgres: the advice must
    not tell the user to run the database as themselves."""
    compose = ("services:\n  db:\n    image: postgres:15-alpine\n    volumes:\n"
               "      - ./replica_user.sql:/docker-entrypoint-initdb.d/replica_user.sql:ro\n")
    project = build(tmp_path, compose, ("replica_user.sql",), ("replica_user.sql",))
    advice = title(run_check(project)["owner:."])
    assert advice == ("chown replica_user.sql to 1000:1000 (its only bind mounts are read-only: "
                      "no container wrote there)"), advice
    # the same mount writable: postgres (root in its entrypoint) may have written it, and is named
    writable = build(tmp_path / "rw", compose.replace(":ro\n", "\n"), ("replica_user.sql",), ("replica_user.sql",))
    assert "'db' with user:" in title(run_check(writable)["owner:."])


@needs_root
def test_a_server_running_as_you_is_not_told_to_keep_another_users_data_nor_to_run_as_you(tmp_path: Path) -> None:
    """shlink's mariadb runs with `user: 1000:1000`; its data folder owned by 999 (a run of its CI file,
    `user: '0'`, or the image's own mysql user) was "kept there as its own user", expected: mariadb as
    1000 cannot use it. It is a stray to chown, and the service needs no new `user:`."""
    compose = ("services:\n  shlink_db_maria:\n    image: mariadb:11.8\n    user: 1000:1000\n"
               "    volumes:\n      - ./data/infra/database_maria:/var/lib/mysql\n")
    project = build(tmp_path, compose, ("data/infra/database_maria/ibdata1",), ())
    for rel in ("data/infra/database_maria", "data/infra/database_maria/ibdata1"):
        os.lchown(project / rel, 999, 999)
    (finding,) = [f for f in run_check(project).values() if f.subject.startswith("owner:")]
    assert finding.severity.label == "warning" and "keeps" not in finding.message, finding.message
    advice = title(finding)
    assert "'shlink_db_maria' runs as 1000:1000 already" in advice and "user: \"${UID}" not in advice, advice


@needs_root
def test_the_mount_point_docker_made_for_a_volume_inside_a_bind_is_chowned_once(tmp_path: Path) -> None:
    """wiki.js's dev container binds `../..:/wiki` with an anonymous `/wiki/node_modules`: docker makes the
    empty node_modules in the checkout as root, whatever `user:` says; it was blamed on 'wiki' running as
    root, and `user:` advised (already set). Chowned once, it stays yours."""
    compose = ("services:\n  wiki:\n    image: node:20\n    user: '1000:1000'\n    volumes:\n"
               "      - .:/wiki\n      - /wiki/node_modules\n")
    project = build(tmp_path, compose, ("package.json",), ())
    (project / "node_modules").mkdir()
    os.lchown(project / "node_modules", 0, 0)
    (finding,) = [f for f in run_check(project).values() if f.subject.startswith("owner:")]
    assert finding.message.endswith("; the mount point of the volume of 'wiki' at /wiki/node_modules"), finding.message
    advice = title(finding)
    assert "docker made it for the volume of 'wiki' at /wiki/node_modules" in advice and "user:" in advice, advice
    assert "run 'wiki' with" not in advice
