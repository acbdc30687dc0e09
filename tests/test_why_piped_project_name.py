"""`docker compose -p X up 2>&1 | doctor why` without -p: the project is X, as the containers the text names say.

awesome-compose's nginx-flask-mongo (tests/replay/awesome-compose-nginx-flask-mongo) in a folder `nfm`, brought up
as `docker compose -p ac-nfm up -d`: the text names `ac-nfm-web-1`, and why said `compose project 'nfm'` (the
folder's name) and wrote its commands for that project (`docker compose logs`, which reach none of these
containers). The project's part of the container names (container_prefix) now names the project, said on stderr;
a -p given to why still wins, and a name that is the folder's own changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from test_why_pending_start import UP, _copy
from why_run import run_why

AS_AC = UP.replace("nfm-", "ac-nfm-").replace("nfm_", "ac-nfm_")  # the same `up`, run as `-p ac-nfm`
MONGO_EXIT = (" Container ac-nfm-mongo-1  Starting\n Container ac-nfm-mongo-1  Started\n"
              "dependency failed to start: container ac-nfm-mongo-1 exited (1)\n")


def test_the_text_s_containers_name_the_project(tmp_path: Path) -> None:
    root = _copy(tmp_path, "nginx:alpine")
    done = run_why(root, AS_AC)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("doctor why . (compose project 'ac-nfm')"), done.stdout
    assert "names the containers of project 'ac-nfm' (`up -p ac-nfm` or COMPOSE_PROJECT_NAME), not 'nfm'" \
        in done.stderr, done.stderr
    exited = run_why(root, MONGO_EXIT)
    assert "look at  the service's log (`docker compose -p ac-nfm logs` and its name)" in exited.stdout, exited.stdout


def test_a_name_given_or_the_folder_s_own_is_kept(tmp_path: Path) -> None:
    root = _copy(tmp_path, "nginx:alpine")
    given = run_why(root, AS_AC, "-p", "other")
    assert given.stdout.startswith("doctor why . (compose project 'other')"), given.stdout
    assert "names the containers of project" not in given.stderr, given.stderr
    own = run_why(root, UP)
    assert own.stdout.startswith("doctor why . (compose project 'nfm')"), own.stdout
    assert "names the containers of project" not in own.stderr, own.stderr


# docker4drupal's shape (wodby/docker4drupal ded33f9318, MIT: every service `container_name: "${PROJECT_NAME}_php"`,
# a named volume `files`), cut to two busybox stand-ins; the text is what compose v2 (Debian's docker.io) wrote for
# `docker compose -p doctor-audit-leftovers-201 up -d`. No container name carries the project: why said `compose
# project 'd4d'` (the folder) and `docker compose logs`, which reach none of these containers
D4D = """\
services:
  mariadb:
    image: busybox
    container_name: "${PROJECT_NAME}_mariadb"
    volumes:
      - files:/mnt/files
  php:
    image: busybox
    container_name: "${PROJECT_NAME}_php"
    depends_on:
      mariadb:
        condition: service_completed_successfully
volumes:
  files:
"""
D4D_UP = """\
 Network doctor-audit-leftovers-201_default  Creating
 Network doctor-audit-leftovers-201_default  Created
 Volume doctor-audit-leftovers-201_files  Creating
 Volume doctor-audit-leftovers-201_files  Created
 Container lo201_drupal_mariadb  Creating
 Container lo201_drupal_mariadb  Created
 Container lo201_drupal_php  Creating
 Container lo201_drupal_php  Created
 Container lo201_drupal_mariadb  Starting
 Container lo201_drupal_mariadb  Started
 Container lo201_drupal_mariadb  Waiting
 Container lo201_drupal_mariadb  service "mariadb" didn't complete successfully: exit 1
service "mariadb" didn't complete successfully: exit 1
"""


def test_every_service_named_by_container_name_the_networks_name_the_project(tmp_path: Path) -> None:
    root = tmp_path / "d4d"
    root.mkdir()
    (root / "compose.yml").write_text(D4D)
    (root / ".env").write_text("PROJECT_NAME=lo201_drupal\n")
    done = run_why(root, D4D_UP, ".")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("doctor why . (compose project 'doctor-audit-leftovers-201')"), done.stdout
    assert "`docker compose -p doctor-audit-leftovers-201 logs`" in done.stdout, done.stdout
    # it read a network, not the containers (whose names carry no project): stderr says so
    assert ("the piped output names the network 'doctor-audit-leftovers-201_default' of project "
            "'doctor-audit-leftovers-201'") in done.stderr and "names the containers" not in done.stderr, done.stderr
    # a network with a `name:` of its own, or no key of the files, names no project
    other = D4D_UP.replace("_default", "-net").replace("_files", "_other")
    assert "(compose project 'd4d')" in run_why(root, other, ".").stdout


def test_a_volume_key_with_an_underscore_is_matched_whole() -> None:
    """`rpartition("_")` took `myproj_db` for the project of ` Volume myproj_db_data` (key `db_data`)."""
    from doctor.why.piped import text_project

    text = " Volume myproj_db_data  Creating\n Volume myproj_db_data  Created\n"
    assert text_project(text, ["db", "web"], {"db_data", "data"}) == ("myproj", "volume 'myproj_db_data'")
    assert text_project(text, ["db", "web"], {"data"}) == ("myproj_db", "volume 'myproj_db_data'")
    assert text_project(text, ["db", "web"], {"other"}) == ("", "")
    assert text_project(" Container myproj-web-1  Created\n", ["db", "web"], {"data"}) == ("myproj", "containers")
