"""host-vs-container: a package.json script is judged by its own words, and npm's install hooks stay the host's.

notiz-dev/nestjs-prisma-starter (tests/replay/nestjs-prisma-starter) with a dev override binding ./src into
`nest-api` (built from a Dockerfile.dev that COPYs the checkout; .dockerignore keeps test/ out). Preflight
advised `npm run test` (`jest`, rootDir src) with `-v ./test:/app/test` ("test: not in the image"), its
script's name read as a path, and `npm run test:e2e` (`jest --config ./test/jest-e2e.json`) with none,
where jest then finds no config; and `npm run postinstall` (`npm run prisma:generate`), which `npm
install` runs, in a `run --rm` container, which takes what it generates away with it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

STARTER = Path(__file__).parent / "replay" / "nestjs-prisma-starter"
DEV_DOCKERFILE = ("FROM node:16\nWORKDIR /app\nCOPY package*.json ./\nCOPY prisma ./prisma/\nRUN npm install\n"
                  "COPY . .\nCMD [ \"npm\", \"run\", \"start:dev\" ]\n")
DEV_OVERRIDE = ("services:\n  nest-api:\n    build:\n      context: .\n      dockerfile: Dockerfile.dev\n"
                "    volumes:\n      - ./src:/app/src\n")


def _findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Finding]:
    import doctor.host.containers

    root = tmp_path / "nestjs-prisma-starter"
    shutil.copytree(STARTER, root)
    (root / ".env").write_text((root / ".env.example").read_text())
    (root / "Dockerfile.dev").write_text(DEV_DOCKERFILE)
    (root / "docker-compose.override.yml").write_text(DEV_OVERRIDE)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    found = HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)
    return {f.message.split("npm script ")[1].split(")")[0].strip("'"): f for f in found}


def _title(finding: Finding) -> str:
    assert finding.fix is not None
    return finding.fix.title


def test_a_script_named_like_an_ignored_folder_mounts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(tmp_path, monkeypatch)
    assert _title(found["test"]) == "run it as 'docker compose run --rm nest-api npm run test'"


def test_a_config_in_an_ignored_folder_mounts_that_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    title = _title(_findings(tmp_path, monkeypatch)["test:e2e"])
    assert title == ("run it as 'docker compose run --rm -v ./test:/app/test nest-api npm run test:e2e' "
                     "(test: not in the image, .dockerignore keeps it out, so the run mounts it)")


def test_npm_install_hooks_are_not_advised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(tmp_path, monkeypatch)
    assert "postinstall" not in found
    assert "prisma:generate" in found  # the script it runs, typed by itself, is still judged


def test_node_of_a_script_is_no_package_of_types_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """devDependencies' `@types/node` (TypeScript's declarations) was read as the package giving `node` to
    node_modules/.bin: `'node' (npm script 'start:prod') is not installed on the host (no node_modules/.bin/node)`,
    said on a host that runs node. What the host lacks is the app's packages."""
    found = _findings(tmp_path, monkeypatch)
    assert found["start:prod"].message == ("'node' (npm script 'start:prod') needs '@apollo/server' and 22 more the "
                                           "host lacks: run it in 'nest-api'")
    assert found["test"].message.startswith("'jest' (npm script 'test') is not installed on the host (no "
                                            "node_modules/.bin/jest)")
