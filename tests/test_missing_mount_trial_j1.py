"""missing-mount: the defects a new user hit in trial J1 on intelowlproject/IntelOwl.

1. IntelOwl runs `-f docker/default.yml ... -f docker/test.override.yml -f docker/nginx.override.yml`;
   uwsgi's dev mounts are in test.override.yml (the finding cited its line 12), but `fix --mounts`
   wrote `uwsgi: volumes: - ../authentication:...` into nginx.override.yml, the last -f file, which
   the prod stack reads too. The mount goes beside the service's other mounts now.
2. Its Dockerfile builds the React app in a node stage (`COPY frontend/ .`) and keeps only its build
   (`COPY --from=frontend-build /build /var/www/reactapp`); the final `COPY . $PYTHONPATH` copies
   frontend/ too, where nothing uses it. doctor warned "mounts ../api_app, ... but not ../frontend".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount
from trees import write_tree

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}



def _run(root: Path, path: Path, files: tuple[str, ...] = ()) -> list[Finding]:
    env = _env(root)
    options = ProjectOptions(path=path, files=tuple(str(path / f) for f in files), env=env)
    return list(MissingMount().run(Project(options), Host(env=env)))


PACKAGES = {"api/__init__.py": "", "core/__init__.py": "", "auth/__init__.py": "", "auth/views.py": "x = 1\n"}
BASE = "services:\n  web:\n    image: me/web:latest\n  nginx:\n    image: nginx:1.27\n"
TEST = ("services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n"
        "    image: me/web:test\n    volumes:\n      - ../api:/srv/api\n      - ../core:/srv/core\n"
        "    environment:\n      - DEBUG=True\n")
NGINX = 'services:\n  nginx:\n    ports:\n      - "28081:80"\n'
STACK = ("docker/base.yml", "docker/test.override.yml", "docker/nginx.override.yml")


def _intelowl(root: Path) -> None:
    write_tree(root, {**PACKAGES, "docker/Dockerfile": "FROM python:3.11\nWORKDIR /srv\nCOPY . /srv\n",
                  "docker/base.yml": BASE, "docker/test.override.yml": TEST, "docker/nginx.override.yml": NGINX})


def test_the_mount_goes_beside_the_services_other_mounts_not_into_the_last_file(tmp_path: Path) -> None:
    _intelowl(tmp_path)
    [finding] = _run(tmp_path, tmp_path, STACK)
    assert finding.message == "'web' mounts ../api, ../core but not ../auth"
    assert finding.location is not None and finding.location.path.name == "test.override.yml"
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    assert finding.fix.title == "mount ../auth at /srv/auth in test.override.yml beside its other mounts"
    [edit] = finding.fix.edits
    assert edit.path == tmp_path / "docker" / "test.override.yml"
    # every other line as written: the entry goes at the end of the volumes list
    assert edit.new == TEST.replace("/srv/core\n", "/srv/core\n      - ../auth:/srv/auth\n")


def test_a_siblings_file_not_named_override_is_the_one_written(tmp_path: Path) -> None:
    """Trial repro mm2: `-f base.yml -f test.yml -f nginx.yml`; test.yml mounts the code, nginx.yml
    publishes nginx's port (a file of one service: no dev override, so the fix was advice)."""
    test = TEST.replace("context: ..", "context: .").replace("docker/Dockerfile", "Dockerfile").replace("../", "./")
    write_tree(tmp_path, {**PACKAGES, "Dockerfile": "FROM python:3.11\nWORKDIR /srv\nCOPY . /srv\n",
                      "base.yml": BASE, "test.yml": test, "nginx.yml": NGINX})
    [finding] = _run(tmp_path, tmp_path, ("base.yml", "test.yml", "nginx.yml"))
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    [edit] = finding.fix.edits
    assert edit.path == tmp_path / "test.yml"
    assert edit.new == test.replace("/srv/core\n", "/srv/core\n      - ./auth:/srv/auth\n")


def test_mounts_in_the_main_file_still_go_to_the_dev_override(tmp_path: Path) -> None:
    """The main file may be what prod runs: its mounts do not make it the place for a fix."""
    compose = TEST.replace("    image: me/web:test\n", "")
    write_tree(tmp_path, {**PACKAGES, "docker/Dockerfile": "FROM python:3.11\nWORKDIR /srv\nCOPY . /srv\n",
                      "docker/compose.yaml": compose,
                      "docker/compose.override.yaml": "services:\n  web:\n    environment:\n      - DEBUG=1\n"})
    [finding] = _run(tmp_path, tmp_path / "docker")
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert edit.path == tmp_path / "docker" / "compose.override.yaml"
    assert finding.fix.title == "mount ../auth at /srv/auth in the dev override"


FRONTEND = {"frontend/package.json": '{"name": "fe", "scripts": {"build": "vite build"}}\n',
            "frontend/src/index.js": "console.log(1)\n"}
NODE_STAGE = "FROM node:22 AS fe\nWORKDIR /fe\nCOPY frontend/ .\nRUN npm run build\n\n"
COMPOSE = ("services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n"
           "    volumes:\n      - ../api:/srv/api\n      - ../core:/srv/core\n")


def _frontend(root: Path, final: str = "COPY --from=fe /fe/build /var/www/app\n", compose: str = COMPOSE,
              extra: dict[str, str] | None = None) -> list[str]:
    write_tree(root, {**PACKAGES, **FRONTEND, **(extra or {}), "docker/compose.yml": compose,
                  "docker/Dockerfile": f"{NODE_STAGE}FROM python:3.11\nWORKDIR /srv\nCOPY . /srv\n{final}"})
    return [f.message for f in _run(root, root / "docker")]


def test_a_folder_another_stage_builds_is_not_reported(tmp_path: Path) -> None:
    """Trial repro mm1: only ../auth is missing; frontend/ reaches the image as the node stage's build."""
    assert _frontend(tmp_path) == ["'web' mounts ../api, ../core but not ../auth"]


@pytest.mark.parametrize(("final", "compose", "extra"), [
    # the image takes the stage's copy whole: frontend/'s sources are what it serves
    ("COPY --from=fe /fe /var/www/app\n", COMPOSE, None),
    # what the service runs names it
    ("COPY --from=fe /fe/build /var/www/app\n", COMPOSE + '    command: ["node", "/srv/frontend/server.js"]\n', None),
    # a Python package: importable where `COPY .` put it
    ("COPY --from=fe /fe/build /var/www/app\n", COMPOSE, {"frontend/__init__.py": ""}),
    # no stage builds it: the final stage copies it alone
    ("", COMPOSE, None),
], ids=["stage-copied-whole", "run-names-it", "python-package", "no-stage-builds-it"])
def test_a_folder_the_image_uses_is_still_reported(tmp_path: Path, final: str, compose: str,
                                                    extra: dict[str, str] | None) -> None:
    if not final:
        write_tree(tmp_path, {**PACKAGES, **FRONTEND, "docker/compose.yml": compose,
                          "docker/Dockerfile": "FROM python:3.11\nWORKDIR /srv\nCOPY . /srv\n"})
        found = [f.message for f in _run(tmp_path, tmp_path / "docker")]
    else:
        found = _frontend(tmp_path, final, compose, extra)
    assert "'web' mounts ../api, ../core but not ../frontend" in found


def test_a_run_path_mount_goes_beside_the_services_other_mounts(tmp_path: Path) -> None:
    """The same for a path the service runs that only a wider bind brought (missing_mount.run_paths)."""
    write_tree(tmp_path, {"dojo/__init__.py": "", "docker/entrypoint-dev.sh": "#!/bin/sh\nexec \"$@\"\n",
                      "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY dojo/ ./dojo/\n",
                      "compose.yaml": "services:\n  web:\n    build: .\n"
                                      '    entrypoint: ["/app/docker/entrypoint-dev.sh"]\n',
                      "compose.unit.yaml": "services:\n  web:\n    volumes:\n      - ./dojo:/app/dojo\n",
                      "compose.nginx.yaml": "services:\n  nginx:\n    image: nginx:1.27\n"})
    [finding] = [f for f in _run(tmp_path, tmp_path, ("compose.yaml", "compose.unit.yaml", "compose.nginx.yaml"))
                 if " runs " in f.message]
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    assert finding.fix.title == "mount ./docker at /app/docker in compose.unit.yaml beside its other mounts"
    [edit] = finding.fix.edits
    assert edit.path == tmp_path / "compose.unit.yaml"
    assert edit.new == "services:\n  web:\n    volumes:\n      - ./dojo:/app/dojo\n      - ./docker:/app/docker\n"
