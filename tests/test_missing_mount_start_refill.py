"""missing-mount: a missing bind source over a path the image fills, where each start puts the content back.

pixelfed's compose binds `${DOCKER_APP_HOST_STORAGE_PATH}` (./docker-compose-state/data/pixelfed/storage,
its `.env.docker`) over the image's /var/www/storage, and `.../cache` over /var/www/bootstrap/cache. doctor
warned `docker will make it an empty root-owned directory over the image's /var/www/storage` and advised to
point the mount at the code. But the Dockerfile keeps a skeleton of storage/ (`cp --recursive --link
--preserve=all storage storage.skel`), and the entrypoint runs each script of /docker/entrypoint.d/
(`find "${ENTRYPOINT_D_ROOT}" -follow -type f -print | sort -V | while read -r file`, the folder a default
of the script itself), one of which, 10-storage.sh, copies it back at every start (`run-as-runtime-user cp
--force --recursive storage.skel/. ./storage/`): the bind hides nothing a start does not put back. Its
bootstrap/cache is a `.gitignore` alone, the one file `.dockerignore` lets in: no content to hide either.
A bind over content that nothing puts back is still the warning.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount
from trees import write_tree

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

DOCKERFILE = """FROM php:8.3-apache AS base
WORKDIR /var/www/
COPY --chown=33:33 . /var/www/
RUN cp --recursive --link --preserve=all storage storage.skel
COPY docker/shared/root /
ENTRYPOINT ["/docker/entrypoint.sh"]

FROM base AS apache-runtime
CMD ["apache2-foreground"]
"""
# pixelfed's docker/shared/root/docker/entrypoint.sh, shortened
ENTRYPOINT = """#!/bin/bash
if [[ ${ENTRYPOINT_SKIP:=0} != 0 ]]; then
    exec "$@"
fi
: "${ENTRYPOINT_ROOT:="/docker"}"
export ENTRYPOINT_ROOT
# Directory where entrypoint scripts lives
: "${ENTRYPOINT_D_ROOT:="${ENTRYPOINT_ROOT}/entrypoint.d/"}"
export ENTRYPOINT_D_ROOT
source "${ENTRYPOINT_ROOT}/helpers.sh"
find "${ENTRYPOINT_D_ROOT}" -follow -type f -print | sort -V | while read -r file; do
    case "${file}" in
        *.envsh)
            log-info "Sourcing [${file}]"
            source "${file}"
            ;;
        *.sh)
            log-info "Executing [${file}]"
            "${file}"
            ;;
    esac
done
exec "$@"
"""
STORAGE_SH = """#!/bin/bash
: "${ENTRYPOINT_ROOT:="/docker"}"
source "${ENTRYPOINT_ROOT}/helpers.sh"
entrypoint-set-script-name "$0"
# Copy the [storage/] skeleton files over the "real" [storage/] directory so assets are updated between versions
run-as-runtime-user cp --force --recursive storage.skel/. ./storage/
run-as-runtime-user php artisan storage:link
"""
COMPOSE = """services:
  web:
    build: {context: ., target: apache-runtime}
    volumes:
      - "./.env:/var/www/.env"
      - "./docker-compose-state/data/pixelfed/cache:/var/www/bootstrap/cache"
      - "./docker-compose-state/data/pixelfed/storage:/var/www/storage"
  worker:
    build: {context: ., target: apache-runtime}
    command: gosu www-data php artisan horizon
    volumes:
      - "./.env:/var/www/.env"
      - "./docker-compose-state/data/pixelfed/cache:/var/www/bootstrap/cache"
      - "./docker-compose-state/data/pixelfed/storage:/var/www/storage"
"""
SHORTENED = ("bind source ./docker-compose-state/data/pixelfed/storage does not exist: docker will make it an "
             "empty root-owned directory over the image's /var/www/storage")
CREATED = "bind source ./docker-compose-state/data/pixelfed/storage does not exist: docker will create it root-owned"


def _pixelfed(root: Path, **changed: str | None) -> Path:
    """pixelfed's layout, minimally: its storage/ with the image's assets, a bootstrap/cache of a
    `.gitignore`, the Dockerfile, its entrypoint and the entrypoint.d script that copies the skeleton."""
    files: dict[str, str | None] = {
        ".env": "APP_NAME=pixelfed\n",
        ".dockerignore": "/.env\n/bootstrap/cache\n/docker-compose-state/\n/vendor\n!/bootstrap/cache/.gitignore\n",
        "app/Http/Kernel.php": "<?php\n",
        "bootstrap/app.php": "<?php\n",
        "bootstrap/cache/.gitignore": "*\n!.gitignore\n",
        "storage/app/public/avatars/default.jpg": "jpeg\n",
        "storage/framework/cache/.gitignore": "*\n!.gitignore\n",
        "storage/logs/.gitignore": "*\n!.gitignore\n",
        "Dockerfile": DOCKERFILE,
        "docker/shared/root/docker/entrypoint.sh": ENTRYPOINT,
        "docker/shared/root/docker/helpers.sh": "#!/bin/bash\nrun-as-runtime-user() { gosu www-data \"$@\"; }\n",
        "docker/shared/root/docker/entrypoint.d/01-permissions.sh": "#!/bin/bash\nchown www-data ./storage\n",
        "docker/shared/root/docker/entrypoint.d/10-storage.sh": STORAGE_SH,
        "docker-compose.yml": COMPOSE,
        **changed,
    }
    write_tree(root, {name: text for name, text in files.items() if text is not None})
    return root


def _mounts(root: Path) -> dict[str, Finding]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "s"),
           "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=root, env=env))
    return {f.subject: f for f in MissingMount().run(project, Host(env={})) if "bind source" in f.message}


def test_pixelfeds_storage_its_entrypoint_d_script_refills_is_no_warning(tmp_path: Path) -> None:
    found = _mounts(_pixelfed(tmp_path / "pixelfed"))
    storage = found["web,worker:docker-compose-state/data/pixelfed/storage"]
    assert (storage.severity, storage.message) == (Severity.INFO, CREATED)
    cache = found["web,worker:docker-compose-state/data/pixelfed/cache"]
    assert (cache.severity, cache.message) == (Severity.INFO, CREATED.replace("storage", "cache"))


@pytest.mark.parametrize("files", [
    # the older pixelfed images: the CMD's start script itself, `cp -r storage.skel/* storage/`
    {"docker/shared/root/docker/entrypoint.sh": "#!/bin/bash\ncp -r storage.skel/* storage/\nexec \"$@\"\n",
     "docker/shared/root/docker/entrypoint.d/10-storage.sh": None},
    # Debian's run-parts over a folder of the image, a script there syncing with rsync
    {"docker/shared/root/docker/entrypoint.sh": "#!/bin/sh\nset -e\nrun-parts --exit-on-error /docker/entrypoint.d\n"
                                                 "exec \"$@\"\n",
     "docker/shared/root/docker/entrypoint.d/10-storage.sh": None,
     "docker/shared/root/docker/entrypoint.d/10-storage": "#!/bin/sh\nrsync -a --ignore-existing "
                                                          "/var/www/storage.skel/ /var/www/storage/\n"},
    # a loop over the folder's *.sh files (nginx's docker-entrypoint.sh style), `cp -n` keeping what is there
    {"docker/shared/root/docker/entrypoint.sh": "#!/bin/sh\nfor f in /docker/entrypoint.d/*.sh; do\n"
                                                 "    [ -x \"$f\" ] && . \"$f\"\ndone\nexec \"$@\"\n",
     "docker/shared/root/docker/entrypoint.d/10-storage.sh": "#!/bin/sh\ncp -Rn /var/www/storage.skel/* "
                                                            "/var/www/storage/\n"},
], ids=["the-start-script-itself", "run-parts-and-rsync", "a-loop-over-the-folder"])
def test_other_shapes_of_a_start_that_refills_the_target(tmp_path: Path, files: dict[str, str | None]) -> None:
    found = _mounts(_pixelfed(tmp_path / "pixelfed", **files))
    storage = found["web,worker:docker-compose-state/data/pixelfed/storage"]
    assert (storage.severity, storage.message) == (Severity.INFO, CREATED)


@pytest.mark.parametrize("files", [
    # no script of the folder copies anything back
    {"docker/shared/root/docker/entrypoint.d/10-storage.sh": None},
    # the copy is in a folder nothing runs
    {"docker/shared/root/docker/entrypoint.d/10-storage.sh": None, "docker/shared/root/docker/unused/10-storage.sh":
     STORAGE_SH},
    # `cp -r storage.skel storage/` puts the folder itself inside the bind (storage/storage.skel)
    {"docker/shared/root/docker/entrypoint.d/10-storage.sh": "#!/bin/bash\ncp -r storage.skel ./storage/\n"},
    # a copy out of the bound path restores nothing there
    {"docker/shared/root/docker/entrypoint.d/10-storage.sh": "#!/bin/bash\ncp -r storage/. /backup/storage/\n"},
    # a compose `entrypoint:` replaces the image's: the folder's scripts never run
    {"docker-compose.yml": COMPOSE.replace("target: apache-runtime}\n",
                                           "target: apache-runtime}\n    entrypoint: [docker-php-entrypoint]\n")},
], ids=["nothing-copies", "a-folder-nothing-runs", "the-folder-copied-inside", "a-copy-out", "entrypoint-replaced"])
def test_a_bind_hiding_content_nothing_puts_back_is_still_the_warning(tmp_path: Path,
                                                                      files: dict[str, str | None]) -> None:
    found = _mounts(_pixelfed(tmp_path / "pixelfed", **files))
    storage = found["web,worker:docker-compose-state/data/pixelfed/storage"]
    assert (storage.severity, storage.message) == (Severity.WARNING, SHORTENED)
    assert storage.fix is not None and storage.fix.title.startswith("point the mount at the folder")


def test_a_folder_of_placeholders_and_a_file_is_content(tmp_path: Path) -> None:
    """bootstrap/cache with a `.gitignore` and a compiled file the context brings: the image's content."""
    root = _pixelfed(tmp_path / "pixelfed", **{".dockerignore": "/.env\n", "bootstrap/cache/packages.php": "<?php\n"})
    cache = _mounts(root)["web,worker:docker-compose-state/data/pixelfed/cache"]
    assert cache.severity is Severity.WARNING
    assert cache.message.endswith("over the image's /var/www/bootstrap/cache")
