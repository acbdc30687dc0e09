"""root-owned-files: an image whose entrypoint starts as root and drops to the ids named by
variables its compose entry shows is advised those variables, never `user:`.

photoprism/photoprism (382ffa8): its compose.yaml gives the `photoprism` service
`PHOTOPRISM_UID: ${UID:-1000}` and `PHOTOPRISM_GID: ${GID:-1000}` ("Run as a non-root user after
initialization"), and its setup/docker/compose.yaml has them commented (`# PHOTOPRISM_UID: 1000`);
scripts/dist/entrypoint.sh runs its init as root (useradd, chown) and then `setpriv --reuid
"${PHOTOPRISM_UID}"`. With root's files in its `.` mount doctor advised `user: "${UID}:${GID}"`,
which starts that entrypoint as you, and its init (root only) fails. Trees are owned by uid 1000 (or
1001, a developer the compose default does not fit) with root-owned strays: the tests need root.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from root_owned_checks import chown_tree, run_check, title

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
DROPS = "its entrypoint drops root to those ids itself, which user: would break"
PHOTOPRISM = """\
services:
  photoprism:
    build: .
    image: photoprism/photoprism:develop
    environment:
      ## Run as a non-root user after initialization (supported: 0, 33, 50-99, 500-600, and 900-1200):
      PHOTOPRISM_UID: ${UID:-1000}                         # user id, should match your host user id
      PHOTOPRISM_GID: ${GID:-1000}                         # group id
      PHOTOPRISM_ADMIN_USER: "admin"
    working_dir: "/go/src/github.com/photoprism/photoprism"
    volumes:
      - ".:/go/src/github.com/photoprism/photoprism"
      - "go-mod:/go/pkg/mod"
  mariadb:
    image: mariadb:11
    volumes:
      - "./scripts/sql/mariadb-init.sql:/docker-entrypoint-initdb.d/init.sql"
volumes:
  go-mod:
    driver: local
"""
# setup/docker/compose.yaml: the ids only in comments of the service's environment
COMMENTED = PHOTOPRISM.replace(
    "      PHOTOPRISM_UID: ${UID:-1000}                         # user id, should match your host user id\n"
    "      PHOTOPRISM_GID: ${GID:-1000}                         # group id\n",
    "      # PHOTOPRISM_UID: 1000\n      # PHOTOPRISM_GID: 1000\n      # PHOTOPRISM_UMASK: 0000\n")
DOCKERFILE = "FROM photoprism/develop:241121-oracular\nWORKDIR /go/src/github.com/photoprism/photoprism\nCOPY . .\n"


def build(tmp_path: Path, compose: str, owner: int = 1000) -> Path:
    project = tmp_path / "proj"
    (project / "storage/x").mkdir(parents=True)
    (project / "scripts/sql").mkdir(parents=True)
    (project / "scripts/sql/mariadb-init.sql").write_text("select 1;\n")
    (project / "compose.yaml").write_text(compose)
    (project / "Dockerfile").write_text(DOCKERFILE)
    chown_tree(tmp_path, owner)
    (project / "storage/x/f").write_text("x\n")  # as root: the container's write
    for rel in ("storage", "storage/x"):
        os.lchown(project / rel, 0, 0)
    return project


@needs_root
def test_ids_written_as_project_variables_are_set_in_env(tmp_path: Path) -> None:
    # uid 1001: compose renders `${UID:-1000}` as 1000 (bash exports no UID), not this developer's id
    advice = title(run_check(build(tmp_path, PHOTOPRISM, owner=1001))["owner:storage"])
    assert advice.endswith("(then, by hand: set UID=1001 and GID=1001 in .env (PHOTOPRISM_UID and PHOTOPRISM_GID "
                           f"of 'photoprism' read them): {DROPS})"), advice
    assert "user:" not in advice.partition(": its entrypoint")[0]


@needs_root
def test_ids_already_yours_leave_the_chown_alone(tmp_path: Path) -> None:
    # uid 1000: photoprism drops root to you already; a `docker compose exec` (root) wrote them
    advice = title(run_check(build(tmp_path, PHOTOPRISM))["owner:storage"])
    assert advice == ("chown storage to 1000:1000 ('photoprism' drops root to 1000:1000 already through "
                      "PHOTOPRISM_UID and PHOTOPRISM_GID: another run or user wrote them, such as an exec, "
                      "which runs as root without -u 1000:1000)"), advice


@needs_root
@pytest.mark.parametrize(("compose", "variables"), [
    (COMMENTED, ("PHOTOPRISM_UID", "PHOTOPRISM_GID")),
    (PHOTOPRISM.replace("${UID:-1000}", "1001").replace("${GID:-1000}", "1001"),
     ("PHOTOPRISM_UID", "PHOTOPRISM_GID")),
    (PHOTOPRISM.replace("PHOTOPRISM_UID: ${UID:-1000}", "APP_UID: 0").replace("PHOTOPRISM_GID: ${GID:-1000}",
                                                                              "APP_GID: 0"), ("APP_UID", "APP_GID")),
    (PHOTOPRISM.replace("PHOTOPRISM_UID: ${UID:-1000}", "UID: 0").replace("PHOTOPRISM_GID: ${GID:-1000}",
                                                                          "GID: 0"), ("UID", "GID")),
    (COMMENTED.replace("PHOTOPRISM_UID: 1000", "- PUID=1000"), ("PUID", "PGID")),
    # no pair of ids: a user id alone (its group unsaid), ids only named in prose, or another service's
    (PHOTOPRISM.replace("      PHOTOPRISM_GID: ${GID:-1000}                         # group id\n", ""), None),
    (COMMENTED.replace("PHOTOPRISM_UID: 1000", "runs as your UID").replace("PHOTOPRISM_GID: 1000", "and GID"),
     None),
    (COMMENTED.replace("  mariadb:\n", "  mariadb:\n    # PHOTOPRISM_UID: 1000\n    # PHOTOPRISM_GID: 1000\n")
     .replace("      # PHOTOPRISM_UID: 1000\n      # PHOTOPRISM_GID: 1000\n", ""), None),
], ids=["commented", "set-to-another-id", "app-uid", "uid-gid", "commented-puid", "uid-alone", "prose",
        "other-service"])
def test_the_variables_the_entry_shows_are_advised_not_user(
        tmp_path: Path, compose: str, variables: tuple[str, str] | None) -> None:
    advice = title(run_check(build(tmp_path, compose))["owner:storage"])
    if variables is None:
        assert advice.endswith("(then, by hand: set UID=1000 and GID=1000 in .env and run 'photoprism' with user: "
                               '"${UID}:${GID}", and once hand the volumes docker made as root to those ids: '
                               "docker compose run --rm --no-deps --user 0 --entrypoint chown photoprism -R "
                               "1000:1000 /go/pkg/mod)"), advice
        return
    uid, gid = variables
    assert advice.endswith(f"(then, by hand: set {uid}=1000 and {gid}=1000 in the environment of 'photoprism': "
                           f"{DROPS})"), advice


@needs_root
def test_a_service_without_the_variables_beside_one_with_them_is_told_its_own(tmp_path: Path) -> None:
    # both mount `.` as root: photoprism is told its variables, `tools` (no such ids) user:, neither the other's
    compose = PHOTOPRISM.replace("${UID:-1000}", "1001").replace("${GID:-1000}", "1001").replace(
        "  mariadb:\n", "  tools:\n    image: golang:1.23\n    volumes:\n      - .:/src\n  mariadb:\n")
    advice = title(run_check(build(tmp_path, compose))["owner:storage"])
    assert advice.endswith("(then, if 'photoprism' or 'tools' writes there, by hand: set UID=1000 and GID=1000 in "
                           ".env and run 'tools' with user: \"${UID}:${GID}\"; set PHOTOPRISM_UID=1000 and "
                           f"PHOTOPRISM_GID=1000 in the environment of 'photoprism': {DROPS})"), advice


# monicahq/monica's docker-compose.yml (Laravel Sail; its context ./vendor/laravel/sail/runtimes/8.4):
# WWWUSER in the environment, WWWGROUP a build arg of the runtime's Dockerfile (`groupadd --force -g
# $WWWGROUP sail`); its start-container runs `usermod -u $WWWUSER sail` as root, then `exec gosu $WWWUSER`
SAIL = """\
services:
  laravel.test: &app
    build:
      context: .
      args:
        WWWGROUP: '${WWWGROUP}'
    image: sail-8.4/app
    environment:
      WWWUSER: '${WWWUSER}'
      LARAVEL_SAIL: 1
    volumes:
      - '.:/var/www/html'
  laravel.queue:
    <<: *app
    command: 'php artisan queue:work'
"""
# jlesage/docker-* images: the ids its init drops to, in the service's environment
JLESAGE = """\
services:
  jdownloader:
    image: jlesage/jdownloader-2
    environment:
      USER_ID: 1001
      GROUP_ID: 1001
    volumes:
      - .:/output
"""


@needs_root
@pytest.mark.parametrize(("compose", "advice"), [
    (SAIL, "set WWWUSER=1000 and WWWGROUP=1000 in .env, which compose passes to each (WWWGROUP to its build: "
           f"run docker compose build after): {DROPS}"),
    # both in the environment, as the Sail stub's comments or an older compose file write them
    (SAIL.replace("      args:\n        WWWGROUP: '${WWWGROUP}'\n", "").replace(
        "LARAVEL_SAIL: 1", "WWWGROUP: '${WWWGROUP}'"),
     f"set WWWUSER=1000 and WWWGROUP=1000 in .env, which compose passes to each: {DROPS}"),
    (JLESAGE, f"set USER_ID=1000 and GROUP_ID=1000 in the environment of 'jdownloader': {DROPS}"),
    (JLESAGE.replace("      USER_ID: 1001\n      GROUP_ID: 1001\n", "      # USER_ID: 1000\n      # GROUP_ID: 1000\n"),
     f"set USER_ID=1000 and GROUP_ID=1000 in the environment of 'jdownloader': {DROPS}"),
    (JLESAGE.replace("USER_ID", "LOCAL_USER_ID").replace("GROUP_ID", "LOCAL_GROUP_ID"),
     f"set LOCAL_USER_ID=1000 and LOCAL_GROUP_ID=1000 in the environment of 'jdownloader': {DROPS}"),
], ids=["sail", "sail-environment", "jlesage", "jlesage-commented", "gosu-local"])
def test_other_idioms_of_the_ids_are_advised_not_user(tmp_path: Path, compose: str, advice: str) -> None:
    found = title(run_check(build(tmp_path, compose))["owner:storage"])
    assert found.endswith(f"by hand: {advice})"), found
    assert "user:" not in found.partition(": its entrypoint")[0]


@needs_root
@pytest.mark.parametrize("compose", [
    # the user's id alone (its group unsaid), and a group only as a build arg
    JLESAGE.replace("      GROUP_ID: 1001\n", ""),
    SAIL.replace("      WWWUSER: '${WWWUSER}'\n", ""),
], ids=["user-id-alone", "wwwgroup-alone"])
def test_half_an_idiom_is_still_told_user(tmp_path: Path, compose: str) -> None:
    assert 'with user: "${UID}:${GID}"' in title(run_check(build(tmp_path, compose))["owner:storage"])
