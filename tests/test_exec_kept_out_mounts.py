"""`doctor exec` mounts what preflight's advised `run` mounts: the folders `.dockerignore` keeps out.

notiz-dev/nestjs-prisma-starter (tests/replay/nestjs-prisma-starter) with a dev override binding ./src into
`nest-api` (built from a Dockerfile.dev that COPYs the checkout; .dockerignore keeps test/ out). Preflight
advises `docker compose run --rm -v ./test:/app/test nest-api npm run test:e2e` (`jest --config
./test/jest-e2e.json`), but `doctor exec -- npm run test:e2e` ran `docker compose exec nest-api npm run
test:e2e` (or a `run` without the mount), where jest finds no config: execute's in-service path never
asked what the run mounts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_execute import fake_docker

import doctor.execute
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

STARTER = Path(__file__).parent / "replay" / "nestjs-prisma-starter"
DEV_DOCKERFILE = ("FROM node:16\nWORKDIR /app\nCOPY package*.json ./\nCOPY prisma ./prisma/\nRUN npm install\n"
                  "COPY . .\nCMD [ \"npm\", \"run\", \"start:dev\" ]\n")
DEV_OVERRIDE = ("services:\n  nest-api:\n    build:\n      context: .\n      dockerfile: Dockerfile.dev\n"
                "    volumes:\n      - ./src:/app/src\n")


def _executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
              argv: list[str], *, up: bool) -> tuple[list[str], Path, str]:
    root = tmp_path / "nestjs-prisma-starter"
    shutil.copytree(STARTER, root)
    (root / ".env").write_text((root / ".env.example").read_text())
    (root / "Dockerfile.dev").write_text(DEV_DOCKERFILE)
    (root / "docker-compose.override.yml").write_text(DEV_OVERRIDE)
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: up)
    monkeypatch.chdir(root)
    assert doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host) == 0
    return record.read_text().splitlines(), root, capfd.readouterr().err


def _after_verb(argv: list[str]) -> list[str]:
    return argv[next(at for at, word in enumerate(argv) if word in ("run", "exec")):]


@pytest.mark.parametrize("up", [False, True])
def test_a_script_naming_a_folder_kept_out_runs_with_it_mounted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], up: bool) -> None:
    argv, root, err = _executed(tmp_path, monkeypatch, capfd, ["npm", "run", "test:e2e"], up=up)
    # a container `up` started cannot take a volume: a `run`, as preflight advises
    assert _after_verb(argv) == ["run", "--rm", "-v", f"{root / 'test'}:/app/test", "-T", "nest-api",
                                 "npm", "run", "test:e2e"]
    assert "doctor: note: test: not in the image, .dockerignore keeps it out, so the run mounts it" in err


def test_the_same_words_typed_mount_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    argv, root, _ = _executed(tmp_path, monkeypatch, capfd, ["npx", "jest", "--config", "./test/jest-e2e.json"],
                              up=True)
    assert f"{root / 'test'}:/app/test" in argv


def test_a_script_whose_words_name_no_folder_kept_out_mounts_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    argv, _, err = _executed(tmp_path, monkeypatch, capfd, ["npm", "run", "test"], up=True)
    assert _after_verb(argv) == ["exec", "-T", "nest-api", "npm", "run", "test"] and "-v" not in argv
    assert "not in the image" not in err
