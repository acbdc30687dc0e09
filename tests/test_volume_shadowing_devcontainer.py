"""volume-shadowing where a dev container's own lifecycle command fills the volume.

- requarks/wiki (wiki.js): `.devcontainer/devcontainer.json` starts `../dev/containers/docker-compose.yml`,
  attaches to `wiki` (workspaceFolder /wiki) and runs `"postCreateCommand": ["yarn", "install"]`;
  `wiki` mounts `../..:/wiki` and an anonymous `/wiki/node_modules`, and its dev Dockerfile
  (FROM node, apt-get, WORKDIR /wiki, no COPY, no install) never fills that folder. doctor said
  the volume "keeps its first content after image rebuilds" and advised `up -d -V wiki`, which
  renews it empty: nothing refills it until the postCreateCommand runs again. There is no image
  content to keep: no finding.
- The same stack whose image does fill the folder (`RUN yarn install`): the note stays, and its
  advice is the dev container's command (`... exec wiki yarn install`) or a rebuild of the dev
  container, not `up -V`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

# .devcontainer/devcontainer.json as wiki.js writes it (comments, a list of one compose file)
DEVCONTAINER = """\
// How to get remote container development working with VSCode:
// 1. Install "Remote Development" extension pack (ms-vscode-remote.vscode-remote-extensionpack)

{
  "name": "Wiki.js",
  "dockerComposeFile": [
    "../dev/containers/docker-compose.yml"
  ],
  "forwardPorts": [3000, 3001],
  "service": "wiki",
  "workspaceFolder": "/wiki",
  "settings": {
    "terminal.integrated.shell.linux": "/bin/bash"
  },
  "extensions": [
\t"EditorConfig.editorconfig",
\t"christian-kohler.npm-intellisense"
],
  "postCreateCommand": ["yarn", "install"]
}
"""
COMPOSE = """\
version: "3"
services:
  db:
    image: postgres:17-alpine
    volumes:
      - db-data:/var/lib/postgresql/data
  wiki:
    container_name: wiki-app
    build:
      context: ../..
      dockerfile: dev/containers/Dockerfile
    depends_on:
      - db
    volumes:
      - ../..:/wiki
      - /wiki/node_modules
      - /wiki/.git
volumes:
  db-data:
"""
DOCKERFILE = """\
FROM node:24
RUN apt-get update && \\
    apt-get install -y bash curl git python3 make g++ nano openssh-server gnupg && \\
    mkdir -p /wiki
WORKDIR /wiki
ENV dockerdev 1
EXPOSE 3000
CMD ["tail", "-f", "/dev/null"]
"""
FILLING_DOCKERFILE = """\
FROM node:24
WORKDIR /wiki
COPY package.json yarn.lock ./
RUN yarn install
CMD ["tail", "-f", "/dev/null"]
"""
COMPOSE_FILE = Path("dev/containers/docker-compose.yml")


def _wikijs(root: Path, dockerfile: str = DOCKERFILE, devcontainer: str | None = DEVCONTAINER) -> Path:
    """A checkout shaped like wiki.js's (a git repo: the dev container's folder is its top's)."""
    (root / "dev" / "containers").mkdir(parents=True)
    (root / COMPOSE_FILE).write_text(COMPOSE)
    (root / "dev" / "containers" / "Dockerfile").write_text(dockerfile)
    (root / "package.json").write_text(json.dumps({"name": "wiki", "dependencies": {"express": "4"}}))
    (root / "yarn.lock").write_text("# yarn lockfile v1\n")
    if devcontainer is not None:
        (root / ".devcontainer").mkdir()
        (root / ".devcontainer" / "devcontainer.json").write_text(devcontainer)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(root: Path) -> list:  # type: ignore[type-arg]
    """`doctor preflight ROOT -f dev/containers/docker-compose.yml --select volume-shadowing`."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env, files=(root / COMPOSE_FILE,), cwd=root))
    return list(VolumeShadowing().run(project, Host(env=env, timeout=1.0)))


def test_wikijs_node_modules_the_devcontainer_installs_and_the_image_never_fills_is_not_reported(
        tmp_path: Path) -> None:
    root = _wikijs(tmp_path / "wikijs")
    assert [(f.subject, f.message, f.fix.title if f.fix else None) for f in _findings(root)] == []


def test_without_the_devcontainer_the_node_modules_volume_is_still_a_note(tmp_path: Path) -> None:
    root = _wikijs(tmp_path / "wikijs", devcontainer=None)
    [found] = _findings(root)
    assert found.subject == "wiki:/wiki/node_modules"
    assert found.fix.title.endswith("up -d -V wiki")


def test_an_image_filled_node_modules_is_advised_the_devcontainers_install_not_up_v(tmp_path: Path) -> None:
    root = _wikijs(tmp_path / "wikijs", dockerfile=FILLING_DOCKERFILE)
    [found] = _findings(root)
    assert found.subject == "wiki:/wiki/node_modules"
    assert found.message == ("'wiki' anonymous volume over /wiki/node_modules keeps its first content after "
                             "image rebuilds")
    assert found.fix.title == (
        "after a dependency change run docker compose -f dev/containers/docker-compose.yml exec wiki yarn install "
        "(the postCreateCommand of .devcontainer/devcontainer.json), or rebuild the dev container")
    assert "-V" not in found.fix.title and not found.fix.command


def test_a_bind_over_what_the_devcontainers_command_installs_names_that_command(tmp_path: Path) -> None:
    """wiki.js with a filling image and no anonymous /wiki/node_modules: `../..:/wiki` hides the image's
    node_modules; the container runs `tail` and the postCreateCommand's `yarn install` then puts one into
    the bind. The note said "only a node command started there misses them", yet the node commands the
    dev container's user starts find them: it names the command that installs them."""
    root = _wikijs(tmp_path / "wikijs", dockerfile=FILLING_DOCKERFILE)
    (root / COMPOSE_FILE).write_text(COMPOSE.replace("      - /wiki/node_modules\n", ""))
    [found] = _findings(root)
    assert found.severity is Severity.INFO and found.subject == "wiki:/wiki/node_modules"
    assert found.message == (
        "'wiki' bind .:/wiki hides /wiki/node_modules (yarn, dev/containers/Dockerfile:4); 'wiki' runs tail, not "
        "node, and the postCreateCommand of .devcontainer/devcontainer.json installs them into the bind")
    # a start that runs node fails before the dev container's command runs: the warning stays
    compose = COMPOSE.replace("      - /wiki/node_modules\n", "")
    (root / COMPOSE_FILE).write_text(compose.replace("    depends_on:", "    command: yarn dev\n    depends_on:"))
    [found] = _findings(root)
    assert found.severity is Severity.WARNING and "postCreateCommand" not in found.message


# the common shape: compose beside the devcontainer.json in .devcontainer/, a string command, a user
IN_DEVCONTAINER = """\
{
  "name": "shop",  // the CLI names its project shop_devcontainer, not compose's `devcontainer`
  "dockerComposeFile": "compose.yaml",
  "service": "app",
  "workspaceFolder": "/workspaces/${localWorkspaceFolderBasename}",
  "remoteUser": "node",
  "postCreateCommand": "cd web && npm ci",
  "postStartCommand": {"hello": "echo 'http://localhost:3000'"},
}
"""
IN_DEVCONTAINER_COMPOSE = """\
services:
  app:
    build:
      context: ..
      dockerfile: .devcontainer/Dockerfile
    volumes:
      - ..:/workspaces/shop
      - /workspaces/shop/web/node_modules
  worker:
    build:
      context: ..
      dockerfile: .devcontainer/Dockerfile
    volumes:
      - ..:/workspaces/shop
      - /workspaces/shop/web/node_modules
"""
IN_DEVCONTAINER_DOCKERFILE = """\
FROM node:22
WORKDIR /workspaces/shop/web
COPY web/package.json web/package-lock.json ./
RUN npm ci
WORKDIR /workspaces/shop
"""


def _in_devcontainer(root: Path, devcontainer: str = IN_DEVCONTAINER) -> list:  # type: ignore[type-arg]
    (root / ".devcontainer").mkdir(parents=True)
    (root / ".devcontainer" / "devcontainer.json").write_text(devcontainer)
    (root / ".devcontainer" / "compose.yaml").write_text(IN_DEVCONTAINER_COMPOSE)
    (root / ".devcontainer" / "Dockerfile").write_text(IN_DEVCONTAINER_DOCKERFILE)
    (root / "web").mkdir()
    (root / "web" / "package.json").write_text("{}")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root / ".devcontainer", env=env, cwd=root))
    return sorted(VolumeShadowing().run(project, Host(env=env, timeout=1.0)), key=lambda f: f.subject)


def test_devcontainer_beside_its_compose_file_reruns_in_its_own_project_as_its_user(tmp_path: Path) -> None:
    app, worker = _in_devcontainer(tmp_path / "shop")
    assert app.subject == "app:/workspaces/shop/web/node_modules"
    assert app.fix.title == (
        "after a dependency change run docker compose -p shop_devcontainer -f .devcontainer/compose.yaml exec "
        "-u node app sh -c 'cd web && npm ci' (the postCreateCommand of .devcontainer/devcontainer.json), "
        "or rebuild the dev container")
    # the dev container's command reaches its own container's anonymous volume, not worker's
    assert worker.subject == "worker:/workspaces/shop/web/node_modules"
    assert worker.fix.title.endswith("up -d -V worker")


def test_a_devcontainer_command_that_installs_nothing_there_changes_nothing(tmp_path: Path) -> None:
    quiet = IN_DEVCONTAINER.replace('"cd web && npm ci"', '"npm ci"')  # fills /workspaces/shop/node_modules
    found = _in_devcontainer(tmp_path / "shop", quiet)
    assert [f.fix.title.rsplit(" ", 4)[1:] for f in found] == [["up", "-d", "-V", "app"], ["up", "-d", "-V", "worker"]]


def test_a_devcontainer_of_another_service_or_compose_file_changes_nothing(tmp_path: Path) -> None:
    other = DEVCONTAINER.replace('"service": "wiki"', '"service": "db"')
    [found] = _findings(_wikijs(tmp_path / "service", devcontainer=other))
    assert found.fix.title.endswith("up -d -V wiki")
    elsewhere = DEVCONTAINER.replace("../dev/containers/docker-compose.yml", "../docker-compose.yml")
    [found] = _findings(_wikijs(tmp_path / "file", devcontainer=elsewhere))
    assert found.fix.title.endswith("up -d -V wiki")


def test_a_named_volume_the_devcontainer_fills_is_not_reported_for_its_other_services(tmp_path: Path) -> None:
    root = _wikijs(tmp_path / "wikijs")
    compose = COMPOSE.replace("      - /wiki/node_modules\n", "      - modules:/wiki/node_modules\n")
    assets = ("  assets:\n    build:\n      context: ../..\n      dockerfile: dev/containers/Dockerfile\n"
              "    volumes:\n      - modules:/wiki/node_modules\n")
    compose = compose.replace("services:\n", f"services:\n{assets}")
    (root / COMPOSE_FILE).write_text(compose.replace("volumes:\n  db-data:\n", "volumes:\n  db-data:\n  modules:\n"))
    assert [f.subject for f in _findings(root)] == []


def test_jsonc_comments_and_trailing_commas_are_read_as_the_cli_reads_them() -> None:
    from doctor.project.devcontainer import without_comments

    text = '{"a": "http://x/*y*/", // c\n /* b\n */ "b": [1, 2,],\n "c": "\\"//",}'
    assert json.loads(without_comments(text)) == {"a": "http://x/*y*/", "b": [1, 2], "c": '"//'}
    assert without_comments(text).count("\n") == text.count("\n")
