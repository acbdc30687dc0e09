"""root-owned-files' advice to run a service as you: it must work as printed, and it names the
service as the writer only where the bind mounts say so.

`user: "${UID}:${GID}"` alone breaks the service (wagtail/bakerydemo, django-react-boilerplate):
bash does not export UID and has no GID, so compose warns `"UID" variable is not set` and renders
`user: ':'`. The advice gives the .env lines with the owner's ids. Trees are built owned by uid
1000 with root-owned strays, so the tests need root to chown (as tests/test_owners.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from root_owned_checks import chown_tree, run_check, title

from doctor.model import Severity

USER = 1000
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
AS_YOU = 'set UID=1000 and GID=1000 in .env and run {} with user: "${{UID}}:${{GID}}"'
# wagtail/bakerydemo: only `app` mounts ./bakerydemo, where its media uploads land
BAKERY = ("services:\n  db:\n    image: postgres:18.1\n  app:\n    image: doctor-busybox:test\n"
          "    volumes:\n      - ./bakerydemo:/code/bakerydemo\n")
# vintasoftware/django-react-boilerplate: `frontend` and `backend` both mount the repo's root
DRB = ("services:\n  frontend:\n    image: doctor-busybox:test\n    volumes:\n      - .:/app/\n"
       "      - /app/node_modules\n  backend:\n    image: doctor-busybox:test\n    volumes:\n"
       "      - ./:/home/user/app/\n  celery:\n    image: doctor-busybox:test\n    volumes:\n"
       "      - ./backend/:/home/user/app/\n")


def build(tmp_path: Path, compose: str, files: tuple[str, ...], strays: tuple[str, ...]) -> Path:
    project = tmp_path / "proj"
    for rel in files:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("x\n")
    (project / "compose.yaml").write_text(compose)
    chown_tree(tmp_path, USER)
    for rel in strays:
        os.lchown(project / rel, 0, 0)
    return project


@needs_root
def test_the_advice_gives_the_env_lines_that_make_uid_and_gid_work(tmp_path: Path) -> None:
    project = build(tmp_path, BAKERY, ("bakerydemo/media/original_images/a.jpg",),
                    ("bakerydemo/media/original_images", "bakerydemo/media/original_images/a.jpg"))
    advice = title(run_check(project)["owner:bakerydemo"])
    assert advice.endswith(f"(then, by hand: {AS_YOU.format(repr('app'))})")
    assert "if 'app'" not in advice  # only app mounts it: the container wrote it


@needs_root
def test_env_lines_already_there_are_not_repeated(tmp_path: Path) -> None:
    project = build(tmp_path, BAKERY, ("bakerydemo/media/a.jpg", ".env"), ("bakerydemo/media/a.jpg",))
    (project / ".env").write_text("UID=1000\nGID=0\n")  # GID set, but not to the owner's group
    advice = title(run_check(project)["owner:bakerydemo"])
    assert advice.endswith('(then, by hand: set GID=1000 in .env and run \'app\' with user: "${UID}:${GID}")')


@needs_root
@pytest.mark.skipif(shutil.which("docker") is None, reason="needs the docker compose binary (no engine)")
def test_the_advice_applied_as_printed_renders_the_owners_ids(tmp_path: Path) -> None:
    project = build(tmp_path, BAKERY, ("bakerydemo/media/a.jpg",), ("bakerydemo/media/a.jpg",))
    advice = title(run_check(project)["owner:bakerydemo"])
    printed = re.search(r"set (.+) in (\S+) and run 'app' with user: (\S+)\)$", advice)
    assert printed is not None, advice
    lines, env_file, user = printed.groups()
    (project / env_file).write_text("".join(f"{line}\n" for line in lines.split(" and ")))
    (project / "compose.yaml").write_text(BAKERY.replace("  app:\n", f"  app:\n    user: {user}\n"))
    # a login shell's environment: bash's UID is a shell variable, never exported, and GID is none
    env = {k: v for k, v in os.environ.items() if k not in ("UID", "GID") and not k.startswith("COMPOSE_")}
    done = subprocess.run(["docker", "compose", "config", "--format", "json"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "is not set" not in done.stderr
    assert json.loads(done.stdout)["services"]["app"]["user"] == "1000:1000"


@needs_root
def test_a_folder_two_services_mount_alike_is_not_said_to_be_ones(tmp_path: Path) -> None:
    project = build(tmp_path, DRB, ("stray.log", "backend/app/__pycache__/m.pyc", "frontend/src/a.js"),
                    ("stray.log", "backend/app/__pycache__", "backend/app/__pycache__/m.pyc"))
    findings = run_check(project)
    # `.` is frontend's and backend's alike (both run as root: either may have written it, so both are
    # named), and the user's own `sudo` writes there too
    top = title(findings["owner:."])
    volume = "docker compose run --rm --no-deps --user 0 --entrypoint chown frontend -R 1000:1000 /app/node_modules"
    assert top.endswith(f"(then, if 'frontend' or 'backend' writes there, by hand: {AS_YOU.format('each')}, "
                        f"and once hand the volumes docker made as root to those ids: {volume})"), top
    # only celery mounts ./backend: the real container case keeps its plain advice
    assert title(findings["owner:backend"]).endswith(f"(then, by hand: {AS_YOU.format(repr('celery'))})")


@needs_root
def test_strays_outside_the_named_services_mounts_make_the_advice_conditional(tmp_path: Path) -> None:
    # `web` mounts only frontend/src: frontend/package-lock.json is no container's write
    compose = "services:\n  web:\n    image: doctor-busybox:test\n    volumes:\n      - ./frontend/src:/src\n"
    project = build(tmp_path, compose, ("frontend/package-lock.json", "frontend/src/cache/x"),
                    ("frontend/package-lock.json", "frontend/src/cache", "frontend/src/cache/x"))
    advice = title(run_check(project)["owner:frontend"])
    assert advice.endswith(f"(then, if 'web' writes there, by hand: {AS_YOU.format('it')})")
    # all the strays in its mount: the service wrote them
    os.lchown(project / "frontend/package-lock.json", USER, USER)
    assert title(run_check(project)["owner:frontend"]).endswith(f"(then, by hand: {AS_YOU.format(repr('web'))})")


@needs_root
def test_a_servers_own_data_advice_gives_the_env_lines_too(tmp_path: Path) -> None:
    compose = ("services:\n  db:\n    image: postgres:16-alpine\n    volumes:\n"
               "      - ./pgdata:/var/lib/postgresql/data\n")
    project = build(tmp_path, compose, ("pgdata/PG_VERSION",), ())
    for rel in ("pgdata", "pgdata/PG_VERSION"):
        os.lchown(project / rel, 70, 70)
    finding = run_check(project)["owner:pgdata"]
    assert finding.severity is Severity.INFO
    assert title(finding).endswith(f"chown it to 1000:1000, {AS_YOU.format(repr('db'))}")


@needs_root
def test_a_servers_own_data_under_puid_is_owned_through_puid(tmp_path: Path) -> None:
    """linuxserver.io's mariadb keeps its data as `abc` (911) and drops root to PUID/PGID itself."""
    compose = ("services:\n  db:\n    image: lscr.io/linuxserver/mariadb:11.4.5\n    volumes:\n"
               "      - ./config:/config\n")
    project = build(tmp_path, compose, ("config/databases/ibdata1",), ())
    for rel in ("config", "config/databases", "config/databases/ibdata1"):
        os.lchown(project / rel, 911, 911)
    finding = run_check(project)["owner:config"]
    assert finding.severity is Severity.INFO
    assert title(finding).endswith("chown it to 1000:1000, set PUID=1000 and PGID=1000 in the environment of 'db': "
                                   "its entrypoint drops root to those ids itself, which user: would break")


@needs_root
def test_a_service_whose_image_runs_as_a_user_gets_no_user_advice(tmp_path: Path) -> None:
    """openfoodfacts/robotoff: its image ends `USER off` (the runtime-dev target inherits it); root's
    files in its mounts came from elsewhere, and `user: "${UID}:${GID}"` would change nothing. The
    chown stays; a build whose last USER is root keeps the advice."""
    compose = ("services:\n  api:\n    build:\n      context: .\n      target: runtime-dev\n    volumes:\n"
               "      - ./data:/opt/robotoff/data\n")
    files = ("data/cache.json", "Dockerfile")
    project = build(tmp_path, compose, files, ("data/cache.json",))
    (project / "Dockerfile").write_text("FROM python:3.11-slim AS runtime\nUSER off\nFROM runtime AS runtime-dev\n"
                                        "USER root\nRUN apt-get update\nUSER off\n")
    advice = title(run_check(project)["owner:data"])
    assert advice.startswith("chown data/cache.json to 1000:1000") and "user:" not in advice, advice
    (project / "Dockerfile").write_text("FROM python:3.11-slim AS runtime\nUSER off\nFROM runtime AS runtime-dev\n"
                                        "USER root\n")
    assert "user:" in title(run_check(project)["owner:data"])


@needs_root
@pytest.mark.parametrize(("count", "named"), [
    (4, "'a' or 'b' or 'c' or 'd'"),
    (6, "'a', 'b', 'c' or 3 more"),
])
def test_every_service_that_mounts_the_folder_is_named(tmp_path: Path, count: int, named: str) -> None:
    # mozilla/treeherder: backend, celery, frontend and pulse-task-push all mount `.:/app` as root; the
    # advice named three, and `user:` on those three left the fourth writing as root
    services = "".join(f"  {chr(97 + i)}:\n    image: doctor-busybox:test\n    volumes:\n      - .:/app\n"
                       for i in range(count))
    project = build(tmp_path, f"services:\n{services}", ("stray.log",), ("stray.log",))
    advice = title(run_check(project)["owner:."])
    assert advice.endswith(f"(then, if {named} writes there, by hand: {AS_YOU.format('each')})"), advice


# ArchiveBox: its entrypoint runs `usermod -o -u "${PUID:-911}" archivebox` then `exec gosu`, as root
ENTRYPOINT = ('#!/bin/bash\nusermod -o -u "${PUID:-911}" archivebox\ngroupmod -o -g "${PGID:-911}" archivebox\n'
              'exec gosu archivebox "$@"\n')
BUILT = "services:\n  archivebox:\n    build: .\n    volumes:\n      - ./data:/data\n"
DOCKERFILE = 'FROM ubuntu:24.04\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n'
# its docker-compose.yml pulls the image and says so in a comment only
PULLED = ("services:\n  archivebox:\n    image: archivebox/archivebox:latest\n    volumes:\n      - ./data:/data\n"
          "    environment:\n      # - PUID=911   # set to your host user's UID & GID if you encounter permissions"
          " issues\n      - PUBLIC_INDEX=True\n")
PUID_AS_YOU = ("set {0}=1000 and {1}=1000 in the environment of 'archivebox': its entrypoint drops root to those ids "
               "itself, which user: would break")


@needs_root
@pytest.mark.parametrize(("compose", "files", "variables"), [
    (BUILT, {"Dockerfile": DOCKERFILE, "entrypoint.sh": ENTRYPOINT}, ("PUID", "PGID")),
    (BUILT, {"Dockerfile": DOCKERFILE, "entrypoint.sh": ENTRYPOINT.replace("PUID", "USER_UID").replace(
        "PGID", "USER_GID")}, ("USER_UID", "USER_GID")),
    (BUILT, {"Dockerfile": DOCKERFILE.replace("COPY", "ENV PUID=911\nCOPY"), "entrypoint.sh": "#!/bin/sh\n"},
     ("PUID", "PGID")),
    (PULLED, {}, ("PUID", "PGID")),
    (BUILT.replace("build: .", "image: lscr.io/linuxserver/nextcloud:latest"), {}, ("PUID", "PGID")),
    (BUILT + "    environment:\n      PUID: 911\n", {}, ("PUID", "PGID")),
    # no idiom: the entrypoint reads no such variable, or only another service's comment names PUID
    (BUILT, {"Dockerfile": DOCKERFILE, "entrypoint.sh": "#!/bin/sh\nexec \"$@\"\n"}, None),
    (BUILT + "    environment:\n      USER_UID: 911\n", {}, None),  # USER_UID counts only where a script reads it
    (BUILT + "  other:\n    image: lscr.io/linuxserver/nginx\n    # PUID=1000\n", {}, None),
], ids=["entrypoint-puid", "entrypoint-user-uid", "dockerfile-env", "compose-comment", "linuxserver-image",
        "compose-environment", "plain-entrypoint", "user-uid-unread", "other-service-comment"])
def test_an_image_that_drops_root_itself_is_run_as_you_through_its_variables(
        tmp_path: Path, compose: str, files: dict[str, str], variables: tuple[str, str] | None) -> None:
    """`user:` would start ArchiveBox's entrypoint as you, and its usermod (root only) would fail:
    the advice is PUID/PGID in the service's environment where the image reads them."""
    project = build(tmp_path, compose, ("data/index.sqlite3", *files), ("data", "data/index.sqlite3"))
    for name, text in files.items():
        (project / name).write_text(text)
    advice = title(run_check(project)["owner:data"])
    expected = PUID_AS_YOU.format(*variables) if variables else AS_YOU.format(repr("archivebox"))
    assert advice.endswith(f"(then, by hand: {expected})")
    assert ("user: \"${UID}" in advice) is (variables is None)
