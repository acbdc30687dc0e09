"""volume-shadowing where the service's own start installs what a mount hides or keeps.

- seanmorley15/AdventureLog (c39ff244, docker-compose.dev.yml): `web` builds ./frontend/, whose
  Dockerfile runs `pnpm install --frozen-lockfile` in WORKDIR /app, binds `./frontend:/app` and starts
  with `sh -c "... su node -c 'pnpm config set store-dir /pnpm-store && pnpm install --frozen-lockfile
  && pnpm exec vite dev ...'"`. doctor warned that the bind hides /app/node_modules; the start installs
  it again, into the bind, before vite runs: nothing is missed.
- BookStackApp/BookStack (dev docker-compose.yml): `node` starts `/app/dev/docker/entrypoint.node.sh`,
  which runs `npm install` before `exec npm run watch`: its script is read through the bind.
- A volume over the folder the start installs into is refreshed at each start: no "keeps its first
  content" note, no stale age.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

# frontend/Dockerfile of AdventureLog at c39ff244, its labels left out
ADVENTURELOG_DOCKERFILE = """\
FROM node:22-alpine AS external-website
WORKDIR /app
RUN npm install -g pnpm
COPY package.json pnpm-lock.yaml* ./
RUN pnpm install --frozen-lockfile
COPY . .
RUN rm -f .env
RUN pnpm run build
RUN chmod +x ./startup.sh
EXPOSE 3000
CMD ["./startup.sh"]
"""
ADVENTURELOG_COMMAND = (
    "    command: sh -c \"mkdir -p /pnpm-store && chown -R node:node /pnpm-store && su node -c 'pnpm config set "
    "store-dir /pnpm-store && pnpm install --frozen-lockfile && pnpm exec vite dev --host 0.0.0.0 --port 3000 "
    "--strictPort'\"\n")


def _adventurelog(root: Path, command: str = ADVENTURELOG_COMMAND, volumes: str = "") -> list:  # type: ignore[type-arg]
    (root / "frontend").mkdir(parents=True, exist_ok=True)
    (root / "frontend" / "Dockerfile").write_text(ADVENTURELOG_DOCKERFILE)
    (root / "frontend" / "package.json").write_text('{"name": "adventurelog-frontend"}\n')
    (root / "frontend" / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    (root / "frontend" / "startup.sh").write_text("#!/bin/sh\nexec node build\n")
    (root / "docker-compose.dev.yml").write_text(
        "services:\n  web:\n    build: ./frontend/\n    user: root\n    volumes:\n      - ./frontend:/app\n"
        f"      - pnpm_store:/pnpm-store\n{volumes}{command}volumes:\n  pnpm_store:\n  modules:\n")
    return _findings(root, (root / "docker-compose.dev.yml",))


def _findings(root: Path, files: tuple[Path, ...] = ()) -> list:  # type: ignore[type-arg]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env, files=files, cwd=root))
    return list(VolumeShadowing().run(project, Host(env=env, timeout=1.0)))


def test_adventurelog_web_whose_command_reinstalls_node_modules_is_not_warned(tmp_path: Path) -> None:
    assert [(f.subject, f.message) for f in _adventurelog(tmp_path / "refilled")] == []
    # the same bind with a start that installs nothing: the image's node_modules is missed
    [found] = _adventurelog(tmp_path / "plain", command="    command: pnpm exec vite dev --host 0.0.0.0\n")
    assert found.severity is Severity.WARNING
    assert found.message == "'web' bind ./frontend:/app hides /app/node_modules (pnpm, frontend/Dockerfile:5)"


@pytest.mark.parametrize("command", [
    "    command: yarn dev\n",  # runs a script, installs nothing
    "    command: sh -c 'cd client && npm ci && npm start'\n",  # installs /app/client/node_modules
    "    command: sh -c 'cd \"$$APP_DIR\" && npm ci && npm start'\n",  # a folder doctor cannot place
    "    command: bash -c 'npm install -g nodemon && nodemon'\n",  # a global install
    "    entrypoint: ./docker/start.sh\n",  # a script that installs elsewhere
    "    entrypoint: ./docker/missing.sh\n",  # a script doctor cannot read
], ids=["yarn-script", "cd-elsewhere", "cd-variable", "global", "script-cd", "script-unread"])
def test_a_start_that_installs_nothing_there_keeps_the_warning(tmp_path: Path, command: str) -> None:
    (tmp_path / "frontend" / "docker").mkdir(parents=True)
    (tmp_path / "frontend" / "docker" / "start.sh").write_text("#!/bin/sh\nset -e\ncd client\nnpm ci\nexec npm start\n")
    [found] = _adventurelog(tmp_path, command=command)
    assert found.severity is Severity.WARNING and found.subject == "web:/app/node_modules"


BOOKSTACK_NODE = "#!/bin/sh\n\nset -e\n\nnpm install\nnpm rebuild node-sass\n\nSHELL=/bin/sh exec npm run watch\n"


def test_bookstack_node_entrypoint_script_that_runs_npm_install_is_read_through_the_bind(tmp_path: Path) -> None:
    (tmp_path / "dev" / "docker").mkdir(parents=True)
    (tmp_path / "dev" / "docker" / "entrypoint.node.sh").write_text(BOOKSTACK_NODE)
    (tmp_path / "dev" / "docker" / "Dockerfile").write_text(
        "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n")
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  node:\n    build:\n      context: .\n      dockerfile: ./dev/docker/Dockerfile\n"
        "    working_dir: /app\n    volumes:\n      - ./:/app\n    entrypoint: /app/dev/docker/entrypoint.node.sh\n")
    assert _findings(tmp_path) == []
    (tmp_path / "dev" / "docker" / "entrypoint.node.sh").write_text("#!/bin/sh\nexec npm run watch\n")
    [found] = _findings(tmp_path)
    assert found.subject == "node:/app/node_modules" and found.severity is Severity.WARNING


def test_a_volume_the_start_installs_into_keeps_nothing_stale(tmp_path: Path) -> None:
    # an anonymous volume: the note said it "keeps its first content after image rebuilds"
    assert _adventurelog(tmp_path / "anonymous", volumes="      - /app/node_modules\n") == []
    [found] = _adventurelog(tmp_path / "still", volumes="      - /app/node_modules\n",
                            command="    command: pnpm exec vite dev\n")
    assert found.severity is Severity.INFO and "keeps its first content" in found.message
    # a named volume: one service's start refreshes it for each of them
    assert _adventurelog(tmp_path / "named", volumes="      - modules:/app/node_modules\n") == []


def test_an_anonymous_volume_under_the_bind_keeps_the_image_copy_visible(tmp_path: Path) -> None:
    [found] = _adventurelog(tmp_path, volumes="      - /app/node_modules\n", command="")
    assert found.subject == "web:/app/node_modules" and "hides" not in found.message
